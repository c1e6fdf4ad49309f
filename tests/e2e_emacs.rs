//! End-to-end: Emacs 28 + eglot 1.9 (Debian's emacs-nox, elpa-eglot) with editors/emacs/tactful.el
//! loaded from a user init: flymake diagnostics, `eglot-code-actions` quick fix, save.

mod e2e_support;

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use e2e_support::*;

const ELPA: &str = "/usr/share/emacs/site-lisp/elpa";

fn emacs() -> Option<PathBuf> {
    let emacs = find_program(
        "TACTFUL_E2E_EMACS",
        &[PathBuf::from("/usr/bin/emacs")],
        Some("emacs"),
    );
    let emacs = require("e2e_emacs", "Emacs (apt-get install emacs-nox)", emacs)?;
    let eglot = fs::read_dir(ELPA)
        .map(|d| {
            d.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("eglot-"))
        })
        .unwrap_or(false);
    require(
        "e2e_emacs",
        "eglot (apt-get install elpa-eglot)",
        eglot.then_some(emacs),
    )
}

#[test]
fn emacs_eglot_shows_diagnostic_applies_code_action_and_saves() {
    let Some(emacs) = emacs() else { return };
    assert!(
        tactful_bin().is_file(),
        "the tactful binary is missing: {}",
        tactful_bin().display()
    );
    let sb = Sandbox::new("emacs");
    // The documented install: tactful.el on the load-path, eglot-ensure in text-mode-hook.
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
             (require 'eglot)\n\
             (setq eglot-connect-timeout 20 eglot-sync-connect 5)\n\
             (add-hook 'text-mode-hook #'eglot-ensure)\n",
            lisp.display().to_string()
        ),
    )
    .unwrap();
    let reply = sb.write("reply.txt", REPLY);
    let target = target_finding(&reply);
    let result_file = sb.path().join("result.json");
    let events = sb.path().join("eglot-events.log");

    let mut cmd = sb.command(&emacs);
    cmd.args(["--batch", "-Q", "-l"])
        .arg(&init)
        .arg("-l")
        .arg(repo_root().join("tests/e2e/emacs_eglot_quickfix.el"))
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
    let log = || format!("{result:#}\n{}\n--- eglot events\n{events_log}", run.log());
    assert!(
        run.status.success() && result["ok"] == true,
        "Emacs+eglot e2e failed:\n{}",
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
    println!(
        "emacs+eglot: {} offered {}",
        result["steps"], result["offered"]
    );
}
