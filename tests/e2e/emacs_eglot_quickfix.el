;;; emacs_eglot_quickfix.el --- driven by tests/e2e_emacs.rs  -*- lexical-binding: t; -*-
;; Runs in `emacs --batch' after the user's init (which loads editors/emacs/tactful.el and
;; hooks eglot-ensure): visits E2E_FILE, connects eglot as the command loop would,
;; waits for flymake's tactful diagnostic, runs `eglot-code-actions' interactively taking the
;; default choice (the preferred fix, as RET does), saves, waits for the diagnostic to go, and
;; writes what it saw as JSON to E2E_RESULT.  Every wait is bounded and on a condition.
(require 'cl-lib)
(require 'json)
(require 'eglot)

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
  "tactful's diagnostics in the buffer as (code line col beg end), with the raw LSP one."
  (cl-loop for d in (flymake-diagnostics)
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))
           when (equal (plist-get lsp :source) "tactful")
           collect (list (format "%s" (plist-get lsp :code))
                         (line-number-at-pos (flymake-diagnostic-beg d))
                         (save-excursion (goto-char (flymake-diagnostic-beg d)) (current-column))
                         (flymake-diagnostic-beg d) (flymake-diagnostic-end d))))

(defun e2e-json-diags ()
  (vconcat (mapcar (lambda (d) `((code . ,(nth 0 d)) (line . ,(nth 1 d)) (col . ,(nth 2 d)))) (e2e-diags))))

(defun e2e-target ()
  (cl-find-if (lambda (d) (string-prefix-p e2e-prefix (car d))) (e2e-diags)))

(defun e2e-finish (ok)
  (e2e-set 'ok (if ok t :json-false))
  (with-temp-file (getenv "E2E_RESULT") (insert (json-encode e2e-result)))
  (let ((server (ignore-errors (eglot-current-server))))
    (when (and server (not ok) (getenv "E2E_EVENTS"))
      (with-current-buffer (eglot-events-buffer server)
        (write-region (point-min) (point-max) (getenv "E2E_EVENTS")))))
  (kill-emacs (if ok 0 1)))

(condition-case err
    (progn
      (find-file (getenv "E2E_FILE"))        ; C-x C-f
      (e2e-set 'mode (symbol-name major-mode))
      ;; eglot-ensure connects from post-command-hook, which batch mode never runs.
      (run-hooks 'post-command-hook)
      (unless (e2e-wait (lambda () (eglot-current-server)))
        (error "eglot did not connect (mode %s)" major-mode))
      (e2e-step "connected")
      (unless (e2e-wait #'e2e-target)
        (error "no %s diagnostic from flymake; got %S" e2e-prefix (e2e-diags)))
      (let* ((target (e2e-target))
             (original (buffer-string))
             (offered nil))
        (e2e-set 'before (e2e-json-diags))
        (e2e-set 'target `((code . ,(nth 0 target)) (line . ,(nth 1 target)) (col . ,(nth 2 target))))
        (e2e-step (format "diagnostic %s" (car target)))
        (goto-char (nth 3 target))
        ;; M-x eglot-code-actions, answering the prompt with its default (RET).
        (cl-letf (((symbol-function 'completing-read)
                   (lambda (_prompt collection &optional _pred _req _init _hist default &rest _)
                     (setq offered (mapcar #'car collection))
                     default)))
          (let ((last-nonmenu-event ?\r))
            (eglot-code-actions (nth 3 target) (nth 4 target) "quickfix" t)))
        (e2e-set 'offered (vconcat offered))
        (unless (e2e-wait (lambda () (not (equal (buffer-string) original))))
          (error "the quick fix did not change the buffer"))
        (e2e-step "buffer changed")
        (save-buffer)
        (e2e-step "saved")
        (unless (e2e-wait (lambda () (not (cl-find-if (lambda (d) (and (equal (car d) (car target))
                                                                       (equal (cdr d) (cdr target))))
                                                      (e2e-diags)))))
          (error "the diagnostic is still there after the fix: %S" (e2e-diags)))
        (e2e-set 'after (e2e-json-diags))
        (e2e-step "diagnostic gone"))
      (e2e-finish t))
  (error (e2e-set 'error (error-message-string err))
         (e2e-finish nil)))
