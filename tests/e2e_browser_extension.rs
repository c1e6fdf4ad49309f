//! End-to-end: the unpacked Manifest V3 extension (editors/browser) in Debian's Chromium,
//! driven by editors/browser/test/extension.e2e.mjs against local pages that reproduce real
//! help-desk editors (textarea, contenteditable with a placeholder chip, iframe editor), talking
//! to a real `tactful serve`. Screenshots: target/e2e/extension-{textarea,rich,iframe}.png.

mod e2e_browser_support;
mod e2e_support;
mod serve_support;

use std::time::Duration;

use e2e_browser_support::{browser_tools, BrowserTools};
use e2e_support::*;
use serde_json::Value;
use serve_support::Server;

fn step<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}: {v:#}"))
}

#[test]
fn extension_underlines_and_fixes_in_textarea_rich_text_and_iframe_editors() {
    const T: &str = "e2e_browser_extension";
    let ext = repo_root().join("editors/browser");
    let Some(BrowserTools { chromium, node }) = browser_tools(T, &ext) else {
        return;
    };
    let (server, _dir) = Server::start(&[]);
    let shots = repo_root().join("target/e2e");
    std::fs::create_dir_all(&shots).unwrap();
    let sb = Sandbox::new("extension");
    let mut cmd = sb.command(&node);
    cmd.arg(ext.join("test/extension.e2e.mjs"))
        .current_dir(&ext)
        .env("TACTFUL_URL", &server.base)
        .env("CHROMIUM", &chromium)
        .env("SCREENSHOT_DIR", &shots)
        .env("PROFILE_DIR", sb.path().join("profile"));
    let run = run_with_timeout(cmd, Duration::from_secs(240));
    let line = run.stdout.lines().last().unwrap_or_default().to_string();
    assert!(
        run.status.success(),
        "{}\n--- server\n{}",
        run.log(),
        server.log()
    );
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {}", run.log()));
    eprintln!("browser run: {line}");

    assert_eq!(step(&v, "loaded")["id"], "edfflkiokefekfmhckefhkdokbebobpb");
    let idle = step(&v, "not-allowed");
    assert_eq!(
        idle["overlays"], 0,
        "a site not allowed is left alone: {idle}"
    );
    assert!(idle["marker"].is_null(), "{idle}");
    assert!(
        step(&v, "options")["refused"]
            .as_str()
            .unwrap()
            .contains("this machine"),
        "{v:#}"
    );

    let ta = step(&v, "textarea");
    assert_eq!(ta["underlined"], "you failed to enter");
    assert_eq!(
        ta["before"],
        "Hi {{ticket.requester.first_name}}, you failed to enter the code. Just restart the app.",
        "the overlay never changed the text"
    );
    let want = "Hi {{ticket.requester.first_name}}, you weren't able to enter the code. Just restart the app.";
    assert_eq!(ta["value"], want, "{ta}");
    assert_eq!(
        ta["seen"], want,
        "the page's own input listener saw the fix: {ta}"
    );
    assert_eq!(
        ta["inputType"], "insertText",
        "written through the editor's input path: {ta}"
    );

    let stale = step(&v, "stale");
    let received: Vec<&str> = stale["received"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert!(
        received.first() == Some(&"You failed to enter the code."),
        "{stale:#}"
    );
    assert!(
        received.contains(&"Thanks for writing in. You failed to enter the code."),
        "{stale:#}"
    );
    assert!(
        stale["kinds"].as_array().unwrap().iter().all(|k| k == "kb"),
        "the kind configured for the site is sent: {stale:#}"
    );
    for d in stale["drawn"].as_array().unwrap() {
        assert_eq!(
            d["text"], d["actual"],
            "an underline was drawn over text it was not computed for: {stale:#}"
        );
    }
    assert_eq!(
        stale["underlineStart"], "23",
        "the underline is on the new text: {stale:#}"
    );
    assert_eq!(
        stale["afterStaleClick"], stale["changed"],
        "a fix for an older text was applied: {stale:#}"
    );

    let rich = step(&v, "rich");
    assert_eq!(rich["underlined"], "You failed to enter", "{rich}");
    assert_eq!(
        rich["htmlBefore"],
        "<p>Hi <span class=\"placeholder\" contenteditable=\"false\">{{ticket.requester.first_name}}</span>,</p><p>You failed to enter the code, just restart the app.</p>",
        "the underline is drawn outside the editor; its DOM is only what was typed"
    );
    let seen = rich["seen"].as_str().unwrap();
    assert!(
        seen.contains("You weren't able to enter the code"),
        "{seen:?}"
    );
    assert!(
        seen.starts_with("Hi {{ticket.requester.first_name}},"),
        "{seen:?}"
    );
    assert_eq!(
        rich["chip"], "{{ticket.requester.first_name}}",
        "the placeholder chip survived: {rich}"
    );

    let frame = step(&v, "iframe");
    assert!(
        frame["underlined"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .starts_with("you should have"),
        "{frame}"
    );
    let seen = frame["seen"].as_str().unwrap();
    assert!(
        seen.contains(frame["suggestion"].as_str().unwrap()),
        "{frame}"
    );
    assert!(seen.contains("{{ticket.requester.first_name}}"), "{frame}");
    assert!(!seen.contains("You should have read"), "{frame}");
    for s in [
        "extension-textarea.png",
        "extension-rich.png",
        "extension-iframe.png",
    ] {
        assert!(shots.join(s).is_file(), "{s}");
    }
}
