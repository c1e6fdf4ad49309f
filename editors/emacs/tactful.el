;;; tactful.el --- tactful (empathy linter for support replies) via eglot or lsp-mode  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools, wp
;; URL: see the tactful repository, editors/emacs

;;; Commentary:

;; Connects `tactful lsp --stdio' to Emacs through eglot (built in since Emacs 29, the
;; `elpa-eglot' package on Debian's Emacs 28) or lsp-mode, for reply templates and KB
;; articles in text, Markdown, HTML and template modes.
;;
;;   (add-to-list 'load-path "/path/to/tactful/editors/emacs")
;;   (require 'tactful)
;;   (add-hook 'text-mode-hook #'eglot-ensure)       ; eglot
;;   ;; or: (add-hook 'text-mode-hook #'lsp-deferred) ; lsp-mode
;;
;; `tactful-fix-all' applies every preferred rewrite in the buffer (eglot);
;; `tactful-explain' shows why a rule exists.  Files with a tactful.toml above them form a
;; project rooted there, so eglot needs no VCS root.

;;; Code:

(require 'cl-lib)
(require 'project)
(eval-when-compile (require 'lsp-mode nil t)) ; for `with-lsp-workspace', when installed

(defgroup tactful nil
  "Empathy linter for customer-service replies."
  :group 'tools
  :prefix "tactful-")

(defcustom tactful-executable "tactful"
  "The tactful binary (a name on `exec-path' or an absolute path)."
  :type 'string)

(defcustom tactful-modes
  '(text-mode markdown-mode gfm-mode html-mode mhtml-mode web-mode
    handlebars-mode mustache-mode liquid-mode)
  "Major modes tactful lints."
  :type '(repeat symbol))

(defcustom tactful-settings nil
  "Settings sent to the server, mirroring tactful.toml, as a plist.
Example: (:severity (:minimizing \"hint\") :allow [\"Simply Business\"])."
  :type 'sexp)

(defun tactful--command ()
  "The server command line."
  (list tactful-executable "lsp" "--stdio"))

;;; File associations (appended: modes you already chose for these files win)
(add-to-list 'auto-mode-alist '("\\.\\(?:reply\\|macro\\)\\'" . text-mode) t)
(add-to-list 'auto-mode-alist '("\\.\\(?:liquid\\|mustache\\|hbs\\|handlebars\\)\\'" . mhtml-mode) t)

;;; Project root: the folder holding tactful.toml / .tactful.toml
(defun tactful-project-find (dir)
  "A transient project rooted at the nearest tactful config above DIR, if any."
  (let ((root (or (locate-dominating-file dir "tactful.toml")
                  (locate-dominating-file dir ".tactful.toml"))))
    (and root (cons 'transient (expand-file-name root)))))

;; After the VCS backend, so a git checkout stays one project.
(add-hook 'project-find-functions #'tactful-project-find 50)

;;; eglot
(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  (add-to-list 'eglot-server-programs
               (cons tactful-modes (lambda (&rest _) (tactful--command)))))

(declare-function eglot-code-actions "eglot")
(declare-function eglot-current-server "eglot")
(declare-function lsp-execute-code-action-by-kind "lsp-mode")
(declare-function flymake-diagnostics "flymake")
(declare-function flymake-diagnostic-data "flymake")

;;;###autoload
(defun tactful-fix-all ()
  "Apply every preferred tactful rewrite in the buffer.
This is the server's source.fixAll.tactful code action."
  (interactive)
  (cond ((and (fboundp 'eglot-current-server) (eglot-current-server))
         (eglot-code-actions (point-min) (point-max) "source.fixAll.tactful" t))
        ((and (boundp 'lsp-mode) lsp-mode)
         (lsp-execute-code-action-by-kind "source.fixAll.tactful"))
        (t (user-error "tactful: no eglot or lsp-mode server in this buffer"))))

(defun tactful--rule-at-point ()
  "The rule id of a tactful diagnostic at point, if any."
  (cl-loop for d in (and (fboundp 'flymake-diagnostics) (flymake-diagnostics (point)))
           for lsp = (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d)))
           for code = (plist-get lsp :code)
           when (and code (equal (plist-get lsp :source) "tactful")) return code))

;;;###autoload
(defun tactful-explain (rule)
  "Show why RULE (default: the tactful rule at point) exists, with examples."
  (interactive
   (let ((at (tactful--rule-at-point)))
     (list (read-string (if at (format "Rule (default %s): " at) "Rule: ") nil nil at))))
  (with-current-buffer (get-buffer-create "*tactful explain*")
    (let ((inhibit-read-only t))
      (erase-buffer)
      (call-process tactful-executable nil t nil "rules" "explain" rule)
      (goto-char (point-min))
      (view-mode 1))
    (display-buffer (current-buffer))))

;;; lsp-mode
(defun tactful--lsp-initialized (workspace)
  "Push `tactful-settings' to the server of WORKSPACE (lsp-mode)."
  (with-lsp-workspace workspace
    (lsp--set-configuration `(:tactful ,tactful-settings))))

(with-eval-after-load 'lsp-mode
  (defvar lsp-language-id-configuration)
  (declare-function lsp-register-client "lsp-mode")
  (declare-function make-lsp-client "lsp-mode")
  (declare-function lsp-stdio-connection "lsp-mode")
  (declare-function lsp--set-configuration "lsp-mode")
  (dolist (m '((text-mode . "plaintext") (liquid-mode . "liquid")
               (handlebars-mode . "handlebars") (mustache-mode . "mustache")))
    (add-to-list 'lsp-language-id-configuration m))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection #'tactful--command)
    :activation-fn (lambda (_file mode) (memq mode tactful-modes))
    :server-id 'tactful
    :add-on? t                           ; alongside marksman, html-ls, ...
    :priority -1
    :initialization-options (lambda () tactful-settings)
    :initialized-fn #'tactful--lsp-initialized)))

(provide 'tactful)
;;; tactful.el ends here
