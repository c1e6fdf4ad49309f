//! End-to-end: the playground served by `tactful serve` in real headless Chromium
//! (web/playground/test/playground.e2e.mjs via playwright-core): type a non-empathetic reply,
//! the phrase is highlighted, hovering explains why, a suggestion applies and the score rises.
//! Screenshots: target/e2e/playground.png (hover card) and playground-after-fix.png.

mod e2e_browser_support;
mod e2e_support;
mod serve_support;

use std::time::Duration;

use e2e_browser_support::{browser_tools, BrowserTools};
use e2e_support::*;
use serve_support::Server;

#[test]
fn playground_highlights_explains_and_applies_a_fix_and_the_score_rises() {
    const T: &str = "e2e_browser_playground";
    let web = repo_root().join("web/playground");
    let Some(BrowserTools { chromium, node }) = browser_tools(T, &web) else {
        return;
    };
    let (server, _dir) = Server::start(&[]);
    let shots = repo_root().join("target/e2e");
    std::fs::create_dir_all(&shots).unwrap();
    let sb = Sandbox::new("playground");
    let mut cmd = sb.command(&node);
    cmd.arg(web.join("test/playground.e2e.mjs"))
        .current_dir(&web)
        .env("BASE_URL", &server.base)
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT_DIR", &shots);
    let run = run_with_timeout(cmd, Duration::from_secs(180));
    assert!(
        run.status.success(),
        "{}\n--- server\n{}",
        run.log(),
        server.log()
    );
    let line = run.stdout.lines().last().unwrap_or_default();
    let v: serde_json::Value =
        serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {}", run.log()));
    eprintln!("browser run: {line}");
    let (before, after) = (v["before"].as_u64().unwrap(), v["after"].as_u64().unwrap());
    assert!(after > before, "score did not rise: {before} -> {after}");
    assert_eq!(v["highlighted"], "you failed to enter", "{v}");
    assert!(
        v["categories"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "blame-customer"),
        "{v}"
    );
    assert!(
        !v["why"].as_str().unwrap().is_empty(),
        "the hover card explains why: {v}"
    );
    let text = v["text"].as_str().unwrap();
    assert!(text.contains(v["replacement"].as_str().unwrap()), "{v}");
    assert!(
        text.starts_with("Hi {{ticket.requester.first_name}}, "),
        "placeholder kept: {text:?}"
    );
    assert!(!text.contains("you failed"), "{text:?}");
    assert_eq!(v["stillFlagged"], 0, "{v}");
    assert!(
        v["htmlHighlighted"]
            .as_str()
            .unwrap()
            .starts_with("You should have"),
        "{v}"
    );
    assert_eq!(
        v["foreign"].as_array().unwrap().len(),
        0,
        "requests left the service: {v}"
    );
    assert!(shots.join("playground.png").is_file());
}
