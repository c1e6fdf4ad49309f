//! End-to-end: the packaged VSIX (editors/vscode, bundling this build's binary) installed into
//! code-server, driven in headless Chromium by editors/vscode/test/e2e.mjs; screenshot in target/e2e/.

mod e2e_support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e_support::*;

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

struct Tools {
    code_server: PathBuf,
    chromium: PathBuf,
    node: PathBuf,
}

/// node and editors/vscode's npm deps (installed by .ci/install-e2e.sh).
fn node_and_deps(test: &str) -> Option<PathBuf> {
    let node = require(
        test,
        "node",
        find_program("TACTFUL_E2E_NODE", &[], Some("node")),
    )?;
    let modules = repo_root().join("editors/vscode/node_modules");
    let deps = [
        "playwright-core/package.json",
        "@vscode/vsce/package.json",
        "esbuild/package.json",
        "typescript/package.json",
        "eslint/package.json",
    ]
    .iter()
    .all(|d| modules.join(d).is_file());
    require(
        test,
        "editors/vscode npm deps (npm ci)",
        deps.then_some(node),
    )
}

fn tools() -> Option<Tools> {
    const T: &str = "e2e_vscode";
    let code_server = find_program(
        "TACTFUL_E2E_CODE_SERVER",
        &[cache_dir().join("code-server/code-server")],
        None,
    );
    let code_server = require(T, "code-server 4.100.3 (<cache>/code-server)", code_server)?;
    let chromium = find_program(
        "CHROMIUM",
        &[PathBuf::from("/usr/bin/chromium")],
        Some("chromium"),
    );
    let chromium = require(T, "Chromium (apt-get install chromium)", chromium)?;
    let node = node_and_deps(T)?;
    Some(Tools {
        code_server,
        chromium,
        node,
    })
}

/// `npm run package` with this build's binary bundled: the VSIX a user installs.
fn package_vsix(sb: &Sandbox, out: &Path) {
    let mut cmd = sb.command("npm");
    cmd.current_dir(repo_root().join("editors/vscode"))
        .args(["run", "package", "--", "--out"])
        .arg(out)
        .env("TACTFUL_SERVER_BINARY", tactful_bin())
        .env("npm_config_update_notifier", "false");
    let run = run_with_timeout(cmd, Duration::from_secs(300));
    assert!(
        run.status.success() && out.is_file(),
        "npm run package failed\n{}",
        run.log()
    );
}

#[test]
fn vscode_shows_squiggle_applies_quick_fix_from_keyboard_and_saves() {
    let Some(tools) = tools() else { return };
    assert!(
        tactful_bin().is_file(),
        "the tactful binary is missing: {}",
        tactful_bin().display()
    );
    let sb = Sandbox::new("vscode");
    let e2e_dir = target_dir().join("e2e");
    std::fs::create_dir_all(&e2e_dir).unwrap();
    let vsix = e2e_dir.join("tactful-e2e.vsix");
    let screenshot = e2e_dir.join("vscode.png");
    let _ = std::fs::remove_file(&screenshot);
    let reply = sb.write("reply.txt", REPLY);
    let target = target_finding(&reply);
    let problems = check(&reply).len();
    package_vsix(&sb, &vsix);
    println!(
        "vsix: {} ({} bytes)",
        vsix.display(),
        std::fs::metadata(&vsix).unwrap().len()
    );

    let mut cmd = sb.command(&tools.node);
    cmd.arg(repo_root().join("editors/vscode/test/e2e.mjs"))
        .current_dir(repo_root().join("editors/vscode"))
        .env("CODE_SERVER", &tools.code_server)
        .env("CHROMIUM", &tools.chromium)
        .env("TACTFUL_VSIX", &vsix)
        .env("E2E_DIR", sb.path().join("vscode"))
        .env("E2E_WORKSPACE", sb.work())
        .env("E2E_FILE", "reply.txt")
        .env("E2E_PROBLEMS", problems.to_string())
        .env("TACTFUL_BIN", tactful_bin())
        .env("E2E_SCREENSHOT", &screenshot)
        .env("E2E_STARTUP_TIMEOUT_MS", "120000");
    let run = run_with_timeout(cmd, Duration::from_secs(600));
    let log = || run.log();
    assert!(
        run.status.success(),
        "VS Code e2e failed (screenshot: {})\n{}",
        screenshot.display(),
        log()
    );
    let line = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("E2E-RESULT "))
        .expect("no E2E-RESULT line");
    let result: serde_json::Value = serde_json::from_str(line).unwrap();
    let log = || format!("{result:#}\n{}", run.log());

    assert!(
        screenshot.is_file(),
        "no screenshot at {}",
        screenshot.display()
    );
    assert!(
        result["problem"]
            .as_str()
            .unwrap_or_default()
            .contains(&target.rule),
        "F8 did not land on {}: {}",
        target.rule,
        log()
    );
    assert!(!result["fixes"].as_array().unwrap().is_empty(), "{}", log());
    let fixed_all = std::fs::read_to_string(&reply).unwrap();
    assert_eq!(
        result["fixedAll"].as_str(),
        Some(fixed_all.as_str()),
        "{}",
        log()
    );
    // The quick fix, checked on the file saved before Fix All.
    let quick_fixed = sb.write("quick-fixed.txt", result["saved"].as_str().unwrap());
    assert_fixed(REPLY, &quick_fixed, &target, &log);
    // The status bar counted the CLI's findings before, and one fewer after the fix.
    let status = |k: &str| result[k].as_str().unwrap_or_default().to_string();
    assert!(
        status("statusBefore").ends_with(&format!("· {problems} problems")),
        "{}",
        log()
    );
    assert!(
        status("statusAfter").contains(&format!("· {} problem", problems - 1)),
        "{}",
        log()
    );
    // "tactful: Fix All in File" left nothing the CLI can fix, and the status bar agrees.
    assert!(
        fixed_all.starts_with("Hi {{name}}, "),
        "placeholder changed: {fixed_all:?}"
    );
    let left = check(&reply);
    assert!(
        left.iter().all(|f| f.fixes.is_empty()),
        "Fix All left fixable findings: {left:?}\n{}",
        log()
    );
    let n = left.len();
    let plural = if n == 1 { "problem" } else { "problems" };
    assert!(
        status("statusFixedAll").ends_with(&format!("· {n} {plural}")),
        "{}",
        log()
    );
    println!(
        "vscode: {} -> {} -> (fix all) {}; screenshot {}",
        result["statusBefore"],
        result["statusAfter"],
        result["statusFixedAll"],
        screenshot.display()
    );
}

/// `npm run lint` (tsc strict + typescript-eslint) and the extension's unit tests
/// (server lookup: setting, bundled binary, PATH, the install message).
#[test]
fn vscode_extension_lints_clean_and_unit_tests_pass() {
    let Some(_node) = node_and_deps("e2e_vscode (lint)") else {
        return;
    };
    let sb = Sandbox::new("vscode-lint");
    for script in ["lint", "test:unit"] {
        let mut cmd = sb.command("npm");
        cmd.current_dir(repo_root().join("editors/vscode"))
            .args(["run", script])
            .env("npm_config_update_notifier", "false");
        let run = run_with_timeout(cmd, Duration::from_secs(300));
        assert!(
            run.status.success(),
            "npm run {script} failed\n{}",
            run.log()
        );
    }
}
