//! What the browser end-to-end tests (tests/e2e_browser_*.rs) need: Chromium, node and a
//! project's playwright-core, found or skipped (failing under TACTFUL_E2E=required).

use std::path::{Path, PathBuf};

use super::e2e_support::{find_program, require};

pub struct BrowserTools {
    pub chromium: PathBuf,
    pub node: PathBuf,
}

/// Chromium, node, and `project`'s npm deps (playwright-core), or `None` when skipped.
pub fn browser_tools(test: &str, project: &Path) -> Option<BrowserTools> {
    let chromium = require(
        test,
        "Chromium (apt-get install chromium)",
        find_program(
            "CHROMIUM",
            &[PathBuf::from("/usr/bin/chromium")],
            Some("chromium"),
        ),
    )?;
    let node = require(
        test,
        "node",
        find_program("TACTFUL_E2E_NODE", &[], Some("node")),
    )?;
    let deps = project
        .join("node_modules/playwright-core/package.json")
        .is_file();
    let node = require(
        test,
        &format!("{} npm deps (npm ci)", project.display()),
        deps.then_some(node),
    )?;
    Some(BrowserTools { chromium, node })
}
