//! End-to-end: Emacs 28 with editors/emacs/tactful.el loaded from a user init, through eglot 1.9
//! and lsp-mode 8 (Debian's elpa-eglot, elpa-lsp-mode): diagnostics, code action, save.

mod e2e_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e_support::*;

const ELPA: &str = "/usr/share/emacs/site-lisp/elpa";

/// Emacs, if the named ELPA package (`eglot`, `lsp-mode`) is installed too.
fn emacs_with(test: &str, package: &str) -> Option<PathBuf> {
    let emacs = find_program(
        "TACTFUL_E2E_EMACS",
        &[PathBuf::from("/usr/bin/emacs")],
        Some("emacs"),
    );
    let emacs = require(test, "Emacs (apt-get install emacs-nox)", emacs)?;
    let prefix = format!("{package}-");
    let installed = fs::read_dir(ELPA)
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        })
        .unwrap_or(false);
    let what = format!("{package} (apt-get install elpa-{package})");
    require(test, &what, installed.then_some(emacs))
}

/// Writes the user's init.el: tactful.el on the load-path, then `client_setup`.
fn user_init(sb: &Sandbox, client_setup: &str) -> PathBuf {
    let lisp = sb.home().join(".emacs.d/tactful");
    fs::create_dir_all(&lisp).unwrap();
    fs::copy(
        repo_root().join("editors/emacs/tactful.el"),
        lisp.join("tactful.el"),
    )
    .unwrap();
    let init = sb.home().join(".emacs.d/init.el");
    fs::write(
        &init,
        format!(
            ";; -Q skips Debian's site-start, which puts the elpa-* packages on the load-path.\n\
             (dolist (dir (file-expand-wildcards \"{ELPA}/*\")) (add-to-list 'load-path dir))\n\
             (add-to-list 'load-path {:?})\n\
             (require 'tactful)\n\
             {client_setup}\n",
            lisp.display().to_string()
        ),
    )
    .unwrap();
    init
}

/// Runs `driver` (tests/e2e/*.el) after `init` on the reply; checks the fix on disk.
fn run_driver(sb: &Sandbox, emacs: &Path, init: &Path, driver: &str) -> serde_json::Value {
    assert!(
        tactful_bin().is_file(),
        "the tactful binary is missing: {}",
        tactful_bin().display()
    );
    let reply = sb.write("reply.txt", REPLY);
    let target = target_finding(&reply);
    let result_file = sb.path().join("result.json");
    let events = sb.path().join("events.log");
    let mut cmd = sb.command(emacs);
    cmd.args(["--batch", "-Q", "-l"])
        .arg(init)
        .arg("-l")
        .arg(repo_root().join("tests/e2e").join(driver))
        .env("E2E_FILE", &reply)
        .env("E2E_RESULT", &result_file)
        .env("E2E_EVENTS", &events)
        .env("E2E_RULE_PREFIX", RULE_PREFIX)
        .env("E2E_TIMEOUT_MS", "20000");
    let run = run_with_timeout(cmd, Duration::from_secs(120));
    let events_log = fs::read_to_string(&events).unwrap_or_default();
    let result: serde_json::Value = fs::read_to_string(&result_file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| panic!("Emacs wrote no result\n{}", run.log()));
    let log = || format!("{result:#}\n{}\n--- client log\n{events_log}", run.log());
    assert!(
        run.status.success() && result["ok"] == true,
        "Emacs e2e ({driver}) failed:\n{}",
        log()
    );
    assert_eq!(result["mode"], "text-mode");
    assert_eq!(result["target"]["code"], target.rule.as_str(), "{}", log());
    assert_fixed(REPLY, &reply, &target, &log);
    let before = result["before"].as_array().unwrap().len();
    assert_eq!(
        result["after"].as_array().unwrap().len() + 1,
        before,
        "{}",
        log()
    );
    result
}

#[test]
fn emacs_eglot_shows_diagnostic_applies_code_action_and_saves() {
    let Some(emacs) = emacs_with("e2e_emacs (eglot)", "eglot") else {
        return;
    };
    let sb = Sandbox::new("emacs-eglot");
    let init = user_init(
        &sb,
        "(require 'eglot)\n\
         (setq eglot-connect-timeout 20 eglot-sync-connect 5)\n\
         (add-hook 'text-mode-hook #'eglot-ensure)",
    );
    let result = run_driver(&sb, &emacs, &init, "emacs_eglot_quickfix.el");
    println!(
        "emacs+eglot: {} offered {}",
        result["steps"], result["offered"]
    );
}

#[test]
fn emacs_lsp_mode_shows_diagnostic_applies_code_action_and_saves() {
    let Some(emacs) = emacs_with("e2e_emacs (lsp-mode)", "lsp-mode") else {
        return;
    };
    let sb = Sandbox::new("emacs-lsp-mode");
    let session = sb.path().join("state/lsp-session");
    let init = user_init(
        &sb,
        &format!(
            "(setq lsp-session-file {:?} lsp-auto-guess-root t lsp-keep-workspace-alive nil\n\
             \x20     lsp-enable-file-watchers nil lsp-headerline-breadcrumb-enable nil\n\
             \x20     lsp-modeline-code-actions-enable nil lsp-enable-snippet nil lsp-log-io t)\n\
             (require 'lsp-mode)\n\
             (add-hook 'text-mode-hook #'lsp)",
            session.display().to_string()
        ),
    );
    let result = run_driver(&sb, &emacs, &init, "emacs_lsp_mode_quickfix.el");
    assert!(
        result["servers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "tactful"),
        "{result:#}"
    );
    println!(
        "emacs+lsp-mode: {} offered {}",
        result["steps"], result["offered"]
    );
}
