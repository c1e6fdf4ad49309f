//! End-to-end: Vim 9 + ALE (Debian's vim-ale) with editors/vim installed as a user would (a
//! native package plus `g:ale_linters`): diagnostics, code action with a callback, save.

mod e2e_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e_support::*;

fn vim_and_ale() -> Option<PathBuf> {
    let vim = find_program(
        "TACTFUL_E2E_VIM",
        &[PathBuf::from("/usr/bin/vim")],
        Some("vim"),
    );
    let ale = Path::new("/usr/share/vim/vimfiles/pack/dist-bundle/opt/ale/autoload/ale.vim");
    let vim = require("e2e_vim_ale", "Vim (apt-get install vim-ale)", vim)?;
    require(
        "e2e_vim_ale",
        "ALE (apt-get install vim-ale)",
        ale.is_file().then_some(vim),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

#[test]
fn vim_ale_shows_diagnostic_applies_code_action_and_saves() {
    let Some(vim) = vim_and_ale() else { return };
    assert!(
        tactful_bin().is_file(),
        "the tactful binary is missing: {}",
        tactful_bin().display()
    );
    let sb = Sandbox::new("vim-ale");
    // The documented install: the plugin as a package, ALE from Debian, tactful enabled for text.
    copy_dir(
        &repo_root().join("editors/vim"),
        &sb.home().join(".vim/pack/tactful/start/tactful"),
    );
    let vimrc = sb.home().join(".vimrc");
    fs::write(
        &vimrc,
        "set nocompatible\npackadd! ale\nlet g:ale_linters = {'text': ['tactful']}\nfiletype plugin on\n",
    )
    .unwrap();
    let reply = sb.write("reply.txt", REPLY);
    let target = target_finding(&reply);
    let result_file = sb.path().join("result.json");

    // `-es` still runs ALE's channels during :sleep; stdout is a pipe (the gotcha's `| cat`).
    let mut cmd = sb.command(&vim);
    cmd.args(["-N", "-es", "-i", "NONE", "-n", "-u"])
        .arg(&vimrc)
        .arg(&reply)
        .arg("-S")
        .arg(repo_root().join("tests/e2e/vim_ale_quickfix.vim"))
        .env("E2E_RESULT", &result_file)
        .env("E2E_RULE_PREFIX", RULE_PREFIX)
        .env("E2E_TIMEOUT_MS", "20000");
    let run = run_with_timeout(cmd, Duration::from_secs(120));
    let result: serde_json::Value = fs::read_to_string(&result_file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| panic!("Vim wrote no result\n{}", run.log()));
    let log = || format!("{result:#}\n{}", run.log());
    assert!(
        run.status.success() && result["ok"] == true,
        "Vim+ALE e2e failed:\n{}",
        log()
    );

    assert_eq!(result["filetype"], "text");
    assert_eq!(result["target"]["code"], target.rule.as_str(), "{}", log());
    let explanation = result["explain"].as_str().unwrap_or_default();
    assert!(
        explanation.contains(&target.rule),
        ":TactfulExplain: {}",
        log()
    );
    assert_fixed(REPLY, &reply, &target, &log);
    let before = result["before"].as_array().unwrap().len();
    assert_eq!(
        result["after"].as_array().unwrap().len() + 1,
        before,
        "{}",
        log()
    );
    println!("vim+ale: {}", result["steps"]);
}
