;;; emacs_lsp_mode_quickfix.el --- driven by tests/e2e_emacs.rs  -*- lexical-binding: t; -*-
;; Runs in `emacs --batch' after the user's init (which loads editors/emacs/tactful.el and
;; lsp-mode, with `lsp' in text-mode-hook): visits E2E_FILE, waits for lsp-mode's tactful
;; diagnostic, runs M-x lsp-execute-code-action on it choosing the server's preferred fix,
;; saves, waits for the diagnostic to go, and writes what it saw as JSON to E2E_RESULT.
(require 'cl-lib)
(require 'json)
(require 'lsp-mode)

(defvar e2e-timeout (/ (string-to-number (or (getenv "E2E_TIMEOUT_MS") "20000")) 1000.0))
(defvar e2e-prefix (or (getenv "E2E_RULE_PREFIX") "blame-customer"))
(defvar e2e-result (list (cons 'steps [])))

(defun e2e-set (key value) (setf (alist-get key e2e-result) value))
(defun e2e-step (s) (e2e-set 'steps (vconcat (alist-get 'steps e2e-result) (list s))))

(defun e2e-wait (pred)
  (let ((deadline (+ (float-time) e2e-timeout)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.01))
    (funcall pred)))

(defun e2e-diags ()
  "lsp-mode's diagnostics for this file as (code beg end)."
  (let ((table (lsp-diagnostics t)))
    (cl-loop for d in (and table (gethash (lsp--fix-path-casing buffer-file-name) table))
             for region = (lsp--range-to-region (lsp:diagnostic-range d))
             collect (list (format "%s" (lsp:diagnostic-code? d)) (car region) (cdr region)))))

(defun e2e-json-diags ()
  (vconcat (mapcar (lambda (d) `((code . ,(nth 0 d)) (beg . ,(nth 1 d)))) (e2e-diags))))

(defun e2e-target ()
  (cl-find-if (lambda (d) (string-prefix-p e2e-prefix (car d))) (e2e-diags)))

(defun e2e-finish (ok)
  (e2e-set 'ok (if ok t :json-false))
  (with-temp-file (getenv "E2E_RESULT") (insert (json-encode e2e-result)))
  (when (and (not ok) (getenv "E2E_EVENTS"))
    (with-temp-file (getenv "E2E_EVENTS")
      (dolist (b (buffer-list))
        (when (string-prefix-p "*lsp-log" (buffer-name b))
          (insert "----- " (buffer-name b) "\n" (with-current-buffer b (buffer-string)) "\n")))))
  (kill-emacs (if ok 0 1)))

(condition-case err
    (progn
      (find-file (getenv "E2E_FILE"))        ; C-x C-f; text-mode-hook runs `lsp'
      (e2e-set 'mode (symbol-name major-mode))
      (unless (e2e-wait (lambda () (cl-some (lambda (w) (eq (lsp--workspace-status w) 'initialized))
                                            (lsp-workspaces))))
        (error "lsp-mode did not start tactful (mode %s, workspaces %S)" major-mode (lsp-workspaces)))
      (e2e-set 'servers (vconcat (mapcar (lambda (w) (symbol-name (lsp--client-server-id (lsp--workspace-client w))))
                                         (lsp-workspaces))))
      (e2e-step "initialized")
      (unless (e2e-wait #'e2e-target)
        (error "no %s diagnostic from lsp-mode; got %S" e2e-prefix (e2e-diags)))
      (let* ((target (e2e-target))
             (original (buffer-string))
             (offered nil)
             preferred)
        (e2e-set 'before (e2e-json-diags))
        (e2e-set 'target `((code . ,(nth 0 target)) (beg . ,(nth 1 target))))
        (e2e-step (format "diagnostic %s" (car target)))
        (goto-char (nth 1 target))
        (setq preferred (seq-find #'lsp:code-action-is-preferred? (lsp-code-actions-at-point)))
        (unless preferred (error "no preferred code action at the diagnostic"))
        ;; M-x lsp-execute-code-action, picking the preferred fix in the prompt.
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt collection &rest _)
                     (setq offered (mapcar (lambda (c) (if (consp c) (car c) c)) collection))
                     (lsp:code-action-title preferred))))
          (call-interactively #'lsp-execute-code-action))
        (e2e-set 'offered (vconcat offered))
        (unless (e2e-wait (lambda () (not (equal (buffer-string) original))))
          (error "the code action did not change the buffer"))
        (e2e-step "buffer changed")
        (save-buffer)
        (e2e-step "saved")
        (unless (e2e-wait (lambda () (not (cl-find-if (lambda (d) (and (equal (car d) (car target))
                                                                       (equal (nth 1 d) (nth 1 target))))
                                                      (e2e-diags)))))
          (error "the diagnostic is still there after the fix: %S" (e2e-diags)))
        (e2e-set 'after (e2e-json-diags))
        (e2e-step "diagnostic gone"))
      (e2e-finish t))
  (error (e2e-set 'error (error-message-string err))
         (e2e-finish nil)))
