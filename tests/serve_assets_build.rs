//! The committed JavaScript is the build of the committed TypeScript: the playground's
//! web/playground/dist/ (embedded in the binary by include_str!) and the browser extension's
//! editors/browser/dist/ (loaded unpacked). Compiles each with the project's pinned tsc into a
//! temp dir and compares byte for byte; skips when the npm deps are not installed.

mod e2e_support;

use std::path::Path;
use std::time::Duration;

use e2e_support::*;

fn assert_build_is_current(test: &str, project: &Path) {
    let tsc = project.join("node_modules/typescript/bin/tsc");
    let Some(node) = require(
        test,
        "node",
        find_program("TACTFUL_E2E_NODE", &[], Some("node")),
    ) else {
        return;
    };
    let Some(tsc) = require(
        test,
        &format!("tsc in {} (npm ci)", project.display()),
        tsc.is_file().then_some(tsc),
    ) else {
        return;
    };
    let out = tempfile::Builder::new()
        .prefix("tsc-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    let mut cmd = std::process::Command::new(node);
    cmd.arg(&tsc)
        .arg("-p")
        .arg(project)
        .arg("--outDir")
        .arg(out.path());
    let run = run_with_timeout(cmd, Duration::from_secs(120));
    assert!(
        run.status.success(),
        "tsc failed in {}:\n{}",
        project.display(),
        run.log()
    );
    let committed = project.join("dist");
    let mut built: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    built.sort();
    assert!(!built.is_empty());
    for name in &built {
        let fresh = std::fs::read_to_string(out.path().join(name)).unwrap();
        let old = std::fs::read_to_string(committed.join(name)).unwrap_or_default();
        assert!(
            fresh == old,
            "{}/dist/{} is not the build of its TypeScript source; run `npm run build` in {} and commit dist/",
            project.display(),
            name.to_string_lossy(),
            project.display()
        );
    }
    let mut stale: Vec<_> = std::fs::read_dir(&committed)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| !built.contains(n))
        .collect();
    stale.sort();
    assert!(
        stale.is_empty(),
        "{}/dist has files no source builds: {stale:?}",
        project.display()
    );
}

#[test]
fn playground_js_is_the_build_of_its_typescript() {
    assert_build_is_current("serve_assets_build", &repo_root().join("web/playground"));
}

#[test]
fn browser_extension_js_is_the_build_of_its_typescript() {
    assert_build_is_current("serve_assets_build", &repo_root().join("editors/browser"));
}
