//! Integration tests of `tactful lsp`: the binary is spawned and spoken to
//! over stdio by the small client in `lsp_client/`. Rules come from a house
//! pack written into a temporary workspace, so the tests do not depend on the
//! default packs.

mod lsp_client;

use std::path::Path;

use lsp_client::{apply_edits, file_uri, full_caps, range, Client};
use serde_json::{json, Value};

const HOUSE_PACK: &str = r#"
[[rule]]
id = "house.simply"
category = "minimizing"
severity = "warning"
message = "Makes the task sound trivial."
why = "If it were simple, they would not be asking."
match = ["simply"]
fix = ["", "just"]
examples.bad = [["You simply restart the app.", "You restart the app."]]
examples.good = ["Restart the app."]

[[rule]]
id = "house.you-failed"
category = "blame-customer"
severity = "error"
message = "This puts the fault on the customer."
why = "Blame makes people defensive."
match = ["you failed to {verb}"]
fix = ["the {verb} step did not go through"]
examples.bad = [["You failed to pay.", "The pay step did not go through."]]
"#;

/// A workspace folder with the house pack and a tactful.toml that loads it
/// (plus `extra` config lines).
fn workspace(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write_config(dir.path(), extra);
    dir
}

fn write_config(dir: &Path, extra: &str) {
    std::fs::write(dir.join("house.toml"), HOUSE_PACK).unwrap();
    std::fs::write(
        dir.join("tactful.toml"),
        format!("packs = [\"house.toml\"]\n{extra}"),
    )
    .unwrap();
}

/// Diagnostics of the house rules only.
fn house(diags: &[Value]) -> Vec<Value> {
    diags
        .iter()
        .filter(|d| d["code"].as_str().is_some_and(|c| c.starts_with("house.")))
        .cloned()
        .collect()
}

fn codes(diags: &[Value]) -> Vec<String> {
    house(diags)
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

fn start(root: &Path, caps: Value) -> Client {
    let mut c = Client::spawn();
    c.initialize_with_root(caps, root);
    c
}

fn doc_uri(root: &Path, name: &str) -> String {
    file_uri(&root.join(name))
}

/// Converts a byte offset of `text` to an LSP position.
fn pos(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.matches('\n').count();
    let seg = &before[line_start..];
    let col: usize = if utf8 {
        seg.len()
    } else {
        seg.chars().map(char::len_utf16).sum()
    };
    json!({"line": line, "character": col})
}

#[test]
fn initialize_negotiates_encoding_and_advertises_what_is_implemented() {
    let mut c = Client::spawn();
    let r = c.initialize(full_caps(true), Value::Null);
    let caps = &r["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    assert_eq!(caps["textDocumentSync"]["change"], 2);
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "source.fixAll.tactful"])
    );
    assert!(caps["codeLensProvider"].is_object());
    assert!(caps.get("diagnosticProvider").is_none());
    assert!(caps.get("completionProvider").is_none());
    assert_eq!(r["serverInfo"]["name"], "tactful");
    assert_eq!(c.shutdown(), Some(0));

    // A client that offers only UTF-16 and no code lens.
    let mut c = Client::spawn();
    let r = c.initialize(json!({}), Value::Null);
    assert_eq!(r["capabilities"]["positionEncoding"], "utf-16");
    assert!(r["capabilities"].get("codeLensProvider").is_none());
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn exit_without_shutdown_exits_with_status_1() {
    let mut c = Client::spawn();
    c.initialize(json!({}), Value::Null);
    c.notify("exit", Value::Null);
    assert_eq!(c.wait_exit(), Some(1));
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut c = Client::spawn();
    let r = c.request_raw("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002);
    c.initialize(json!({}), Value::Null);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn diagnostics_follow_open_and_change_with_the_version() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "Hi,\n\nYou simply restart the app.\n");
    let d = c.diagnostics(&uri, 1);
    let h = house(&d);
    assert_eq!(codes(&d), vec!["house.simply"]);
    assert_eq!(h[0]["range"], range(2, 4, 2, 10));
    assert_eq!(h[0]["source"], "tactful");
    assert_eq!(h[0]["severity"], 2);
    assert_eq!(h[0]["message"], "Makes the task sound trivial.");
    assert_eq!(h[0]["data"]["rule"], "house.simply");

    c.change(&uri, 2, range(2, 0, 2, 0), "Sadly you failed to pay. ");
    let d = c.diagnostics(&uri, 2);
    assert_eq!(codes(&d), vec!["house.you-failed", "house.simply"]);
    assert_eq!(house(&d)[0]["severity"], 1);

    c.change(&uri, 3, range(2, 0, 3, 0), "");
    assert!(house(&c.diagnostics(&uri, 3)).is_empty());
    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let closed = c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && m["params"]["version"].is_null()
    });
    assert_eq!(closed["params"]["diagnostics"], json!([]));
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn rapid_edits_never_publish_a_stale_version() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    for v in 2..=60 {
        c.change(&uri, v, range(0, 0, 0, 0), "a");
    }
    let last = c.diagnostics(&uri, 60);
    assert_eq!(codes(&last), vec!["house.simply"]);
    assert_eq!(house(&last)[0]["range"], range(0, 63, 0, 69));
    let versions: Vec<i64> = c
        .published(&uri)
        .iter()
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .chain([60])
        .collect();
    // A re-lint of the latest version (after a settings pull, say) may
    // publish it again; a version never goes back.
    assert!(
        versions.windows(2).all(|w| w[0] <= w[1]),
        "versions went back: {versions:?}"
    );
    c.shutdown();
}

#[test]
fn positions_are_exact_with_emoji_cjk_and_combining_marks() {
    for utf8 in [false, true] {
        let ws = workspace("");
        let mut c = start(ws.path(), full_caps(utf8));
        let uri = doc_uri(ws.path(), "reply.txt");
        let text = "😀 日本語 e\u{301}: you simply wait 🙂.\n";
        c.open(&uri, "plaintext", 1, text);
        let d = house(&c.diagnostics(&uri, 1));
        let at = text.find("simply").unwrap();
        let expect = json!({"start": pos(text, at, utf8), "end": pos(text, at + 6, utf8)});
        assert_eq!(d[0]["range"], expect, "utf8={utf8}");

        // An edit addressed in the same encoding lands where it should.
        let emoji = text.find('🙂').unwrap();
        let r = json!({"start": pos(text, emoji, utf8), "end": pos(text, emoji + '🙂'.len_utf8(), utf8)});
        c.change(&uri, 2, r, "👍🏽");
        c.diagnostics(&uri, 2);
        let (v, server) = c.server_text(&uri);
        assert_eq!(v, 2);
        assert_eq!(server, text.replace('🙂', "👍🏽"));
        c.shutdown();
    }
}

#[test]
fn out_of_range_positions_are_error_responses() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "a😀b\n");
    c.diagnostics(&uri, 1);
    let hover = |c: &mut Client, line: u32, ch: u32| {
        c.request_raw(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": ch}}),
        )
    };
    assert_eq!(hover(&mut c, 7, 0)["error"]["code"], -32602);
    // Inside the surrogate pair of the emoji.
    assert_eq!(hover(&mut c, 0, 2)["error"]["code"], -32602);
    // Past the end of a line clamps to the line end (as LSP specifies).
    assert!(hover(&mut c, 0, 99).get("error").is_none());
    let r = c.request_raw(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(0, 3, 0, 0),
               "context": {"diagnostics": []}}),
    );
    assert_eq!(r["error"]["code"], -32602);
    // An out-of-range edit is reported and leaves the document as it was.
    c.change(&uri, 2, range(9, 0, 9, 1), "x");
    let msg = c.recv_until(|m| m["method"] == "window/showMessage");
    assert!(msg["params"]["message"]
        .as_str()
        .unwrap()
        .contains("out of range"));
    assert_eq!(c.server_text(&uri).1, "a😀b\n");
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn pull_diagnostics_when_the_client_supports_them() {
    let ws = workspace("");
    let mut caps = full_caps(false);
    caps["textDocument"]["diagnostic"] = json!({"dynamicRegistration": false});
    let mut c = Client::spawn();
    let r = c.initialize_with_root(caps, ws.path());
    assert_eq!(
        r["capabilities"]["diagnosticProvider"]["identifier"],
        "tactful"
    );
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    let params = json!({"textDocument": {"uri": uri}});
    let rep = c.request("textDocument/diagnostic", params.clone());
    assert_eq!(rep["kind"], "full");
    assert_eq!(
        codes(rep["items"].as_array().unwrap()),
        vec!["house.simply"]
    );
    let id = rep["resultId"].clone();
    let mut again = params.clone();
    again["previousResultId"] = id.clone();
    assert_eq!(
        c.request("textDocument/diagnostic", again.clone())["kind"],
        "unchanged"
    );
    // After a change the pull answers for the new version, never the old.
    c.change(&uri, 2, range(0, 4, 0, 11), "");
    let rep = c.request("textDocument/diagnostic", again);
    assert_eq!(rep["kind"], "full");
    assert!(house(rep["items"].as_array().unwrap()).is_empty());
    // Diagnostics are pulled, not pushed as well.
    assert!(c.published(&uri).is_empty());
    c.shutdown();
}

fn code_actions(c: &mut Client, uri: &str, r: Value, diags: Vec<Value>) -> Vec<Value> {
    c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": r, "context": {"diagnostics": diags}}),
    )
    .as_array()
    .cloned()
    .unwrap()
}

/// The edits of a versioned workspace edit for `uri`.
fn edits_for(action: &Value, uri: &str) -> Vec<Value> {
    let dc = action["edit"]["documentChanges"].as_array().unwrap();
    dc.iter()
        .filter(|e| e["textDocument"]["uri"] == uri)
        .flat_map(|e| e["edits"].as_array().unwrap().clone())
        .collect()
}

#[test]
fn code_actions_put_fixes_first_then_disable_and_turn_off() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    let text = "Hello {{ name }},\n\nYou simply restart the app.\n";
    c.open(&uri, "markdown", 1, text);
    let diags = house(&c.diagnostics(&uri, 1));
    let actions = code_actions(&mut c, &uri, diags[0]["range"].clone(), diags.clone());
    let is_fix = |a: &Value| {
        let t = a["title"].as_str().unwrap();
        !t.starts_with("Disable ") && !t.starts_with("Turn off ")
    };
    // Every fix (of every rule flagged there) comes before every other action.
    let first_other = actions.iter().position(|a| !is_fix(a)).unwrap();
    assert!(actions[first_other..].iter().all(|a| !is_fix(a)));
    assert!(actions.iter().all(|a| a["kind"] == "quickfix"));
    let of_house = |a: &&Value| a["diagnostics"][0]["code"] == "house.simply";
    let fixes: Vec<&Value> = actions
        .iter()
        .filter(|a| is_fix(a))
        .filter(of_house)
        .collect();
    assert_eq!(fixes.len(), 2);
    assert_eq!(fixes[0]["isPreferred"], true);
    assert!(fixes[1].get("isPreferred").is_none());
    assert_eq!(
        fixes[0]["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    let others: Vec<&str> = actions[first_other..]
        .iter()
        .filter(of_house)
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        others,
        vec![
            "Disable house.simply for this line",
            "Turn off house.simply in tactful.toml"
        ]
    );
    let disable = actions
        .iter()
        .find(|a| a["title"] == "Disable house.simply for this line")
        .unwrap();

    let fixed = apply_edits(text, &edits_for(fixes[0], &uri), false);
    assert_eq!(fixed, "Hello {{ name }},\n\nYou restart the app.\n");
    let just = apply_edits(text, &edits_for(fixes[1], &uri), false);
    assert_eq!(just, "Hello {{ name }},\n\nYou just restart the app.\n");

    // The disable action inserts the directive above, and it works.
    let disabled = apply_edits(text, &edits_for(disable, &uri), false);
    assert_eq!(
        disabled,
        "Hello {{ name }},\n\n<!-- tactful-disable-next-line house.simply -->\nYou simply restart the app.\n"
    );
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": disabled}]}),
    );
    assert!(house(&c.diagnostics(&uri, 2)).is_empty());
    c.shutdown();
}

#[test]
fn turn_off_edits_the_config_and_the_reload_applies_it() {
    let ws = workspace("\n[severity]\nhedging = \"info\"\n");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart the app.\n");
    let diags = house(&c.diagnostics(&uri, 1));
    let actions = code_actions(&mut c, &uri, diags[0]["range"].clone(), diags);
    let turn_off = actions
        .iter()
        .find(|a| a["title"] == "Turn off house.simply in tactful.toml")
        .unwrap();
    let cfg_path = ws.path().join("tactful.toml");
    let cfg_uri = file_uri(&cfg_path);
    let cfg = std::fs::read_to_string(&cfg_path).unwrap();
    let new_cfg = apply_edits(&cfg, &edits_for(turn_off, &cfg_uri), false);
    assert_eq!(
        new_cfg,
        "packs = [\"house.toml\"]\n\n[severity]\nhedging = \"info\"\n\"house.simply\" = \"off\"\n"
    );
    std::fs::write(&cfg_path, new_cfg).unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg_uri, "type": 2}]}),
    );
    let msg = c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && house(m["params"]["diagnostics"].as_array().unwrap()).is_empty()
    });
    assert_eq!(msg["params"]["version"], 1);
    c.shutdown();
}

#[test]
fn turn_off_creates_tactful_toml_when_there_is_none() {
    let ws = tempfile::tempdir().unwrap();
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart the app.\n");
    c.diagnostics(&uri, 1);
    // Whatever the default packs flag, the turn-off action creates the file.
    let actions = code_actions(&mut c, &uri, range(0, 0, 0, 27), vec![]);
    if let Some(a) = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Turn off"))
    {
        let ops = a["edit"]["documentChanges"].as_array().unwrap();
        assert_eq!(ops[0]["kind"], "create");
        assert_eq!(ops[0]["uri"], file_uri(&ws.path().join("tactful.toml")));
        let text = ops[1]["edits"][0]["newText"].as_str().unwrap();
        assert!(text.starts_with("[severity]\n\""), "{text}");
    }
    c.shutdown();
}

#[test]
fn fix_all_applies_every_preferred_fix_and_keeps_placeholders() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.hbs");
    let text = "Hi {{name}}, you simply restart. Then you failed to {{action}}. You simply wait.\n";
    c.open(&uri, "handlebars", 1, text);
    c.diagnostics(&uri, 1);
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0, 0),
               "context": {"diagnostics": [], "only": ["source.fixAll.tactful"]}}),
    );
    let actions = r.as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["kind"], "source.fixAll.tactful");
    let fixed = apply_edits(text, &edits_for(&actions[0], &uri), false);
    assert!(fixed.contains("Hi {{name}}, ") && fixed.contains(" {{action}}."));
    assert!(!fixed.contains("simply"), "{fixed}");
    assert!(!fixed.contains("you failed"), "{fixed}");
    // Nothing the house rules can fix is left.
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    assert!(house(&c.diagnostics(&uri, 2)).is_empty());
    // `only: ["quickfix"]` gives no fix-all action.
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0, 0),
               "context": {"diagnostics": [], "only": ["quickfix"]}}),
    );
    assert!(r
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["kind"] == "quickfix"));
    c.shutdown();
}

#[test]
fn hover_explains_the_finding_and_lens_summarizes_the_tone() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    c.diagnostics(&uri, 1);
    let h = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}}),
    );
    let md = h["contents"]["value"].as_str().unwrap();
    assert_eq!(h["contents"]["kind"], "markdown");
    assert!(md.contains("Makes the task sound trivial."), "{md}");
    assert!(
        md.contains("If it were simple, they would not be asking."),
        "{md}"
    );
    assert!(md.contains("You simply restart the app.") && md.contains("You restart the app."));
    assert!(md.contains("tactful-disable-next-line house.simply"));
    assert_eq!(h["range"], range(0, 4, 0, 10));
    // Nothing flagged under the cursor: no hover.
    let none = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": 15}}),
    );
    assert!(
        none.is_null()
            || !none["contents"]["value"]
                .as_str()
                .unwrap()
                .contains("house.simply")
    );

    let lens = c.request(
        "textDocument/codeLens",
        json!({"textDocument": {"uri": uri}}),
    );
    let title = lens[0]["command"]["title"].as_str().unwrap();
    assert!(title.starts_with("Tone "), "{title}");
    assert!(title.contains("minimizing"), "{title}");
    assert_eq!(lens[0]["range"], range(0, 0, 0, 0));
    c.shutdown();
}

#[test]
fn settings_come_from_init_options_configuration_and_changes() {
    let ws = workspace("");
    let mut c = Client::spawn();
    c.settings = json!({"severity": {"house.simply": "hint"}});
    let root = file_uri(ws.path());
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": root,
               "workspaceFolders": [{"uri": root, "name": "w"}],
               "initializationOptions": {"severity": {"house.simply": "off"}}}),
    );
    let uri = doc_uri(ws.path(), "reply.md");
    // Opened before `initialized`: init options apply.
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    assert!(house(&c.diagnostics(&uri, 1)).is_empty());
    // `initialized` pulls workspace/configuration, which wins from then on.
    c.notify("initialized", json!({}));
    let d = c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && !house(m["params"]["diagnostics"].as_array().unwrap()).is_empty()
    });
    assert_eq!(
        house(d["params"]["diagnostics"].as_array().unwrap())[0]["severity"],
        4
    );
    assert!(c
        .server_requests
        .iter()
        .any(|r| r["method"] == "workspace/configuration"));
    let reg = c
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .expect("watchers registered dynamically");
    assert_eq!(
        reg["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    // didChangeConfiguration with the settings in the notification.
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"tactful": {"severity": {"minimizing": "error"}}}}),
    );
    let d = c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && house(m["params"]["diagnostics"].as_array().unwrap())
                .first()
                .is_some_and(|d| d["severity"] == 1)
    });
    assert_eq!(d["params"]["version"], 1);
    c.shutdown();
}

#[test]
fn broken_config_is_shown_at_its_line_and_the_last_good_one_stays() {
    let ws = workspace("[severity]\n\"house.simply\" = \"error\"\n");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    assert_eq!(house(&c.diagnostics(&uri, 1))[0]["severity"], 1);
    let cfg_path = ws.path().join("tactful.toml");
    let cfg_uri = file_uri(&cfg_path);
    std::fs::write(
        &cfg_path,
        "packs = [\"house.toml\"]\n[severity]\n\"house.simply\" = \"loud\"\n",
    )
    .unwrap();
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg_uri, "type": 2}]}),
    );
    let msg = c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == cfg_uri.as_str()
    });
    let d = &msg["params"]["diagnostics"][0];
    assert_eq!(d["range"]["start"]["line"], 2);
    assert!(d["message"].as_str().unwrap().contains("loud"));
    // The document is re-linted with the last good config.
    c.change(&uri, 2, range(0, 0, 0, 0), "Hi. ");
    assert_eq!(house(&c.diagnostics(&uri, 2))[0]["severity"], 1);
    // Fixing the file clears its diagnostic.
    write_config(ws.path(), "");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": cfg_uri, "type": 2}]}),
    );
    c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == cfg_uri.as_str()
            && m["params"]["diagnostics"] == json!([])
    });
    c.shutdown();
}

#[test]
fn each_workspace_folder_uses_its_own_config() {
    let a = workspace("");
    let b = workspace("[severity]\n\"house.simply\" = \"off\"\n");
    let mut c = Client::spawn();
    let (ra, rb) = (file_uri(a.path()), file_uri(b.path()));
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": ra,
               "workspaceFolders": [{"uri": ra, "name": "a"}, {"uri": rb, "name": "b"}]}),
    );
    c.notify("initialized", json!({}));
    let (ua, ub) = (doc_uri(a.path(), "r.md"), doc_uri(b.path(), "r.md"));
    c.open(&ua, "markdown", 1, "You simply restart.\n");
    c.open(&ub, "markdown", 1, "You simply restart.\n");
    assert_eq!(codes(&c.diagnostics(&ua, 1)), vec!["house.simply"]);
    assert!(house(&c.diagnostics(&ub, 1)).is_empty());
    c.shutdown();
}

#[test]
fn a_panic_in_a_request_is_an_error_and_the_server_lives_on() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let r = c.request_raw("tactful/debug/panic", Value::Null);
    assert_eq!(r["error"]["code"], -32603);
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    assert_eq!(codes(&c.diagnostics(&uri, 1)), vec!["house.simply"]);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn malformed_json_rpc_is_answered_per_the_spec() {
    let mut c = Client::spawn();
    c.initialize(json!({}), Value::Null);
    c.send_raw(b"{\"jsonrpc\": \"2.0\", \"id\": 1, \"method\": ");
    let r = c.recv_until(|m| m.get("error").is_some());
    assert_eq!(r["error"]["code"], -32700);
    assert!(r["id"].is_null());
    c.send_raw(b"[1, 2]");
    let r = c.recv_until(|m| m.get("error").is_some());
    assert_eq!(r["error"]["code"], -32600);
    // A frame without Content-Length, then a valid request right after it.
    c.send_raw_frame(b"X-Foo: 1\r\n\r\n{}");
    let r = c.recv_until(|m| m.get("error").is_some());
    assert_eq!(r["error"]["code"], -32700);
    let r = c.request_raw("tactful/nonexistent", json!({}));
    assert_eq!(r["error"]["code"], -32601);
    let r = c.request_raw("textDocument/hover", json!({"textDocument": 3}));
    assert_eq!(r["error"]["code"], -32602);
    // Still serving.
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn a_huge_document_does_not_stall_the_others() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    // Parsing 50 MB of JSON in a debug build on a busy machine takes a while.
    c.timeout = std::time::Duration::from_secs(300);
    let big_uri = doc_uri(ws.path(), "kb/huge.md");
    let para = "The settings page lists every plan with its price and the renewal date. ";
    let mut big = String::with_capacity(50 << 20);
    while big.len() < 50 << 20 {
        big.push_str(para);
        big.push_str("\n\n");
    }
    c.open(&big_uri, "markdown", 1, &big);
    drop(big);
    let small = doc_uri(ws.path(), "reply.md");
    c.open(&small, "markdown", 1, "You simply restart.\n");
    c.change(&small, 2, range(0, 0, 0, 0), "Hi. ");
    // The small document is answered while the big one is still linting.
    let first = c.recv_until(|m| m["method"] == "textDocument/publishDiagnostics");
    assert_eq!(first["params"]["uri"], small.as_str());
    if first["params"]["version"] != 2 {
        c.diagnostics(&small, 2);
    }
    c.shutdown();
}

#[test]
fn one_keystroke_in_a_large_article_relints_only_its_block() {
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "kb/article.md");
    let para = "To change the plan, you simply open Settings and pick another one. ";
    let mut text = String::new();
    while text.len() < 200_000 {
        text.push_str(&para.repeat(3));
        text.push_str("\n\n");
    }
    c.open(&uri, "markdown", 1, &text);
    let before = house(&c.diagnostics(&uri, 1));
    let hook = c.request("tactful/debug/document", json!({"uri": uri}));
    assert_eq!(hook["lastLint"]["kind"], "kb");
    assert_eq!(hook["lastLint"]["blockMode"], true);
    // Type one character in the middle of paragraph 100.
    c.change(&uri, 2, range(200, 10, 200, 10), "x");
    let after = house(&c.diagnostics(&uri, 2));
    assert_eq!(after.len(), before.len());
    let hook = c.request("tactful/debug/document", json!({"uri": uri}));
    assert_eq!(hook["lastLint"]["version"], 2);
    let linted = hook["lastLint"]["lintedBytes"].as_u64().unwrap();
    assert!(
        linted < 3 * para.len() as u64 + 10,
        "re-linted {linted} bytes"
    );
    // Findings after the edit moved with the text; those before did not.
    assert_eq!(after[0]["range"], before[0]["range"]);
    let last = after.last().unwrap();
    assert_eq!(last["range"], before.last().unwrap()["range"]);
    c.shutdown();
}

#[test]
fn built_in_rules_link_to_their_docs() {
    let ws = workspace("");
    let mut c = Client::spawn();
    let root = file_uri(ws.path());
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": root,
               "initializationOptions": {"docsUrl": "https://docs.example/rules.md"}}),
    );
    c.notify("initialized", json!({}));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart the app.\n");
    let d = c.diagnostics(&uri, 1);
    let built_in: Vec<&Value> = d
        .iter()
        .filter(|d| !d["code"].as_str().unwrap().starts_with("house."))
        .collect();
    assert!(!built_in.is_empty(), "{d:?}");
    for b in built_in {
        let code = b["code"].as_str().unwrap();
        let href = b["codeDescription"]["href"].as_str().unwrap();
        assert!(href.starts_with("https://docs.example/rules.md#"), "{href}");
        assert!(href.ends_with(&code.replace('.', "")), "{href} for {code}");
    }
    // House rules link to the rule page the server ships (a file).
    let page = house(&d)[0]["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(page.starts_with("file:///"), "{page}");
    c.shutdown();
}

#[test]
fn pulled_diagnostics_follow_a_config_change() {
    let ws = workspace("");
    let mut caps = full_caps(false);
    caps["textDocument"]["diagnostic"] = json!({});
    caps["workspace"]["diagnostics"] = json!({"refreshSupport": true});
    let mut c = start(ws.path(), caps);
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    let params = json!({"textDocument": {"uri": uri}});
    let rep = c.request("textDocument/diagnostic", params.clone());
    assert_eq!(
        codes(rep["items"].as_array().unwrap()),
        vec!["house.simply"]
    );
    write_config(ws.path(), "[severity]\n\"house.simply\" = \"off\"\n");
    c.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&ws.path().join("tactful.toml")), "type": 2}]}),
    );
    // The server asks the client to pull again, and the pull sees the new config.
    c.recv_until(|m| m["method"] == "workspace/diagnostic/refresh");
    let rep = c.request("textDocument/diagnostic", params);
    assert!(house(rep["items"].as_array().unwrap()).is_empty());
    c.shutdown();
}

#[test]
fn turn_off_without_file_creation_support_runs_a_server_command() {
    // The house pack is loaded through a config in a parent folder; the
    // document's own folder is the workspace root, with no tactful.toml.
    let ws = workspace("");
    let sub = ws.path().join("team");
    std::fs::create_dir_all(&sub).unwrap();
    let mut caps = full_caps(false);
    caps["workspace"]["workspaceEdit"] = json!({});
    let mut c = start(&sub, caps);
    let uri = doc_uri(&sub, "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart the app.\n");
    let diags = house(&c.diagnostics(&uri, 1));
    let actions = code_actions(&mut c, &uri, diags[0]["range"].clone(), diags);
    let turn_off = actions
        .iter()
        .find(|a| a["title"] == "Turn off house.simply in tactful.toml")
        .unwrap();
    // The governing config exists (in the parent): a plain `changes` edit.
    let cfg_uri = file_uri(&ws.path().join("tactful.toml"));
    let edits = turn_off["edit"]["changes"][cfg_uri.as_str()]
        .as_array()
        .unwrap();
    assert_eq!(
        edits[0]["newText"],
        "\n[severity]\n\"house.simply\" = \"off\"\n"
    );

    // Without any config, the action is a command the server carries out.
    let bare = tempfile::tempdir().unwrap();
    let mut caps = full_caps(false);
    caps["workspace"]["workspaceEdit"] = json!({});
    let mut c2 = start(bare.path(), caps);
    let uri2 = doc_uri(bare.path(), "reply.md");
    c2.open(&uri2, "markdown", 1, "You simply restart the app.\n");
    let d = c2.diagnostics(&uri2, 1);
    assert!(!d.is_empty());
    let actions = code_actions(&mut c2, &uri2, d[0]["range"].clone(), vec![d[0].clone()]);
    let cmd = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Turn off"))
        .unwrap();
    assert_eq!(cmd["command"]["command"], "tactful.turnOffRule");
    c2.request("workspace/executeCommand", cmd["command"].clone());
    let written = std::fs::read_to_string(bare.path().join("tactful.toml")).unwrap();
    let rule = d[0]["code"].as_str().unwrap();
    assert_eq!(written, format!("[severity]\n\"{rule}\" = \"off\"\n"));
    let after = c2.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri2.as_str()
            && !m["params"]["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["code"] == rule)
    });
    assert_eq!(after["params"]["version"], 1);
    c.shutdown();
    c2.shutdown();
}

#[test]
fn editor_settings_add_packs_allow_and_kind_globs() {
    // No tactful.toml: the editor's settings alone bring the house pack in.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("house.toml"), HOUSE_PACK).unwrap();
    let mut c = Client::spawn();
    let root = file_uri(dir.path());
    let settings = json!({"packs": ["house.toml"], "allow": ["simply business"],
                          "kinds": {"internal-note": ["**/escalations/**"]}});
    c.settings = settings.clone();
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": root,
               "workspaceFolders": [{"uri": root, "name": "w"}],
               "initializationOptions": settings}),
    );
    c.notify("initialized", json!({}));
    let uri = doc_uri(dir.path(), "reply.md");
    c.open(
        &uri,
        "markdown",
        1,
        "You simply restart. Simply Business covers it.\n",
    );
    let d = c.diagnostics(&uri, 1);
    assert_eq!(
        codes(&d),
        vec!["house.simply"],
        "the pack applies and the allowed phrase is skipped: {d:?}"
    );
    // The kind glob from the settings makes this an internal note, where
    // internal-contempt rules apply.
    let note = doc_uri(dir.path(), "escalations/x.txt");
    c.open(
        &note,
        "plaintext",
        1,
        "Customer is an idiot, classic PEBKAC.\n",
    );
    let d = c.diagnostics(&note, 1);
    assert!(
        d.iter().any(|x| x["code"]
            .as_str()
            .is_some_and(|s| s.starts_with("internal-contempt."))),
        "{d:?}"
    );
    c.shutdown();
}

// ---- Issue 10: configuration, robustness and starvation regressions ----

/// The config-error diagnostics published for `cfg_uri` at `version`.
fn config_diagnostics(c: &mut Client, cfg_uri: &str, version: Option<i64>) -> Vec<Value> {
    let msg = c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == cfg_uri
            && version.is_none_or(|v| m["params"]["version"] == v)
    });
    msg["params"]["diagnostics"].as_array().cloned().unwrap()
}

#[test]
fn a_broken_config_opened_in_a_push_client_keeps_its_error() {
    // F7: opening the file used to publish an empty list for it.
    let ws = workspace("[severity]\n\"house.simply\" = \"loud\"\n");
    let mut c = start(ws.path(), full_caps(false));
    let cfg = ws.path().join("tactful.toml");
    let cfg_uri = file_uri(&cfg);
    let text = std::fs::read_to_string(&cfg).unwrap();
    c.open(&cfg_uri, "toml", 1, &text);
    let d = config_diagnostics(&mut c, &cfg_uri, Some(1));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0]["code"], "config-error");
    assert_eq!(d[0]["range"]["start"]["line"], 2);
    assert!(d[0]["message"].as_str().unwrap().contains("loud"));
    c.shutdown();
}

#[test]
fn config_and_pack_files_are_not_linted_as_prose() {
    // F8: `# You simply restart…` in a comment was flagged as customer prose.
    let ws = workspace("# You simply restart the app, you failed to pay.\n");
    let mut c = start(ws.path(), full_caps(false));
    for (name, lang) in [("tactful.toml", "toml"), ("house.toml", "plaintext")] {
        let path = ws.path().join(name);
        let uri = file_uri(&path);
        let mut text = std::fs::read_to_string(&path).unwrap();
        text.push_str("# Just restart it, obviously.\n");
        c.open(&uri, lang, 1, &text);
        let d = config_diagnostics(&mut c, &uri, Some(1));
        assert!(d.is_empty(), "{name}: {d:?}");
    }
    c.shutdown();
}

#[test]
fn a_null_tactful_section_keeps_the_settings() {
    // F9: `{"tactful": null}` reset the settings to the defaults.
    let ws = workspace("");
    let mut c = Client::spawn();
    let root = file_uri(ws.path());
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": root,
               "workspaceFolders": [{"uri": root, "name": "w"}],
               "initializationOptions": {"severity": {"house.simply": "off"}}}),
    );
    c.notify("initialized", json!({}));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    assert!(house(&c.diagnostics(&uri, 1)).is_empty());
    c.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"tactful": null}}),
    );
    c.change(&uri, 2, range(0, 0, 0, 0), "Hi. ");
    assert!(house(&c.diagnostics(&uri, 2)).is_empty());
    c.shutdown();
}

#[test]
fn editor_settings_override_tactful_toml_even_to_re_enable_a_rule() {
    // F10: a rule turned off in tactful.toml could not be re-enabled.
    let ws = workspace("[severity]\n\"house.simply\" = \"off\"\nminimizing = \"off\"\n");
    for (settings, want) in [
        (json!({"severity": {"house.simply": "error"}}), 1),
        (json!({"severity": {"minimizing": "hint"}}), 4),
        (
            json!({"severity": {"minimizing": "hint", "house.simply": "info"}}),
            3,
        ),
    ] {
        let mut c = Client::spawn();
        let root = file_uri(ws.path());
        c.request(
            "initialize",
            json!({"capabilities": full_caps(false), "rootUri": root,
                   "workspaceFolders": [{"uri": root, "name": "w"}],
                   "initializationOptions": settings}),
        );
        c.notify("initialized", json!({}));
        let uri = doc_uri(ws.path(), "reply.md");
        c.open(&uri, "markdown", 1, "You simply restart.\n");
        let d = house(&c.diagnostics(&uri, 1));
        assert_eq!(d.len(), 1, "{settings}: {d:?}");
        assert_eq!(d[0]["severity"], want, "{settings}");
        c.shutdown();
    }
}

#[test]
fn startup_configuration_applies_to_a_file_opened_right_after_initialized() {
    // F11: packs/allow from the first workspace/configuration answer were
    // ignored for a document opened right after `initialized`.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("house.toml"), HOUSE_PACK).unwrap();
    let mut c = Client::spawn();
    c.settings = json!({"packs": ["house.toml"], "allow": ["you failed to pay"]});
    let root = file_uri(dir.path());
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": root,
               "workspaceFolders": [{"uri": root, "name": "w"}]}),
    );
    c.notify("initialized", json!({}));
    let uri = doc_uri(dir.path(), "reply.md");
    c.open(
        &uri,
        "markdown",
        1,
        "You simply restart. You failed to pay.\n",
    );
    // Without an edit, version 1 ends up linted with the pack and the allow list.
    c.recv_until(|m| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri.as_str()
            && m["params"]["version"] == 1
            && codes(m["params"]["diagnostics"].as_array().unwrap()) == ["house.simply"]
    });
    c.shutdown();
}

/// Every `window/showMessage` text received so far.
fn shown_messages(c: &mut Client) -> Vec<String> {
    c.drain();
    c.backlog
        .iter()
        .filter(|m| m["method"] == "window/showMessage")
        .map(|m| m["params"]["message"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn unknown_ids_and_bad_values_in_editor_settings_are_reported() {
    // F12: they were ignored silently.
    let ws = workspace("");
    let mut c = Client::spawn();
    let root = file_uri(ws.path());
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": root,
               "workspaceFolders": [{"uri": root, "name": "w"}],
               "initializationOptions": {"severity": {
                   "blame-customer.you-failed": "error",
                   "minimizing": "loud",
                   "house.you-failed": "hint"}}}),
    );
    c.notify("initialized", json!({}));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(
        &uri,
        "markdown",
        1,
        "You simply restart. You failed to pay.\n",
    );
    // The valid entry applies (a house rule: known once its config loaded).
    let d = house(&c.diagnostics(&uri, 1));
    let failed = d.iter().find(|x| x["code"] == "house.you-failed").unwrap();
    assert_eq!(failed["severity"], 4);
    let mut messages = Vec::new();
    for _ in 0..2 {
        let m = c.recv_until(|m| m["method"] == "window/showMessage");
        messages.push(m["params"]["message"].as_str().unwrap().to_string());
    }
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\"minimizing\"") && m.contains("loud")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\"blame-customer.you-failed\"") && m.contains("no category")),
        "{messages:?}"
    );
    assert!(
        !shown_messages(&mut c)
            .iter()
            .any(|m| m.contains("house.you-failed")),
        "a house rule id is known"
    );
    c.shutdown();
}

/// A JSONC line without its `//` comment (outside strings).
fn strip_line_comment(line: &str) -> &str {
    let mut in_string = false;
    let mut escaped = false;
    let b = line.as_bytes();
    for i in 0..b.len() {
        match b[i] {
            _ if escaped => escaped = false,
            b'\\' if in_string => escaped = true,
            b'"' => in_string = !in_string,
            b'/' if !in_string && b.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
    }
    line
}

/// The JSON settings examples the docs show (comments stripped).
fn documented_settings_examples() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    for file in ["docs/lsp.md", "editors/README.md"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("```jsonc\n") {
            let body = &rest[at + 9..];
            let end = body.find("\n```").unwrap();
            let stripped: String = body[..end]
                .lines()
                .map(strip_line_comment)
                .collect::<Vec<_>>()
                .join("\n");
            // Settings objects only (other blocks are editor settings files).
            if stripped.trim_start().starts_with('{') {
                let v: Value = serde_json::from_str(&stripped).unwrap_or_else(|e| {
                    panic!("{file}: the settings example is not JSON ({e}):\n{stripped}")
                });
                if v.get("severity").is_some() {
                    out.push((file.to_string(), v));
                }
            }
            rest = &body[end..];
        }
    }
    let pkg: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("editors/vscode/package.json")).unwrap(),
    )
    .unwrap();
    let desc = pkg["contributes"]["configuration"]["properties"]["tactful.severity"]
        ["markdownDescription"]
        .as_str()
        .unwrap();
    let example = &desc[desc.find("Example: `").unwrap() + 10..];
    let example = &example[..example.find('`').unwrap()];
    out.push((
        "editors/vscode/package.json".into(),
        json!({"severity": serde_json::from_str::<Value>(example).unwrap()}),
    ));
    out
}

#[test]
fn every_documented_settings_example_parses_and_takes_effect() {
    // F12: the documented example named a rule that does not exist.
    let examples = documented_settings_examples();
    assert!(examples.len() >= 3, "{examples:?}");
    for (file, mut settings) in examples {
        let dir = tempfile::tempdir().unwrap();
        if let Some(packs) = settings["packs"].as_array() {
            for p in packs {
                std::fs::write(dir.path().join(p.as_str().unwrap()), HOUSE_PACK).unwrap();
            }
        }
        // Only what the example sets; the link setting needs no check here.
        settings.as_object_mut().unwrap().remove("docsUrl");
        let mut c = Client::spawn();
        let root = file_uri(dir.path());
        c.request(
            "initialize",
            json!({"capabilities": full_caps(false), "rootUri": root,
                   "workspaceFolders": [{"uri": root, "name": "w"}],
                   "initializationOptions": settings}),
        );
        c.notify("initialized", json!({}));
        let uri = doc_uri(dir.path(), "reply.md");
        c.open(
            &uri,
            "markdown",
            1,
            "Hi Sam,\n\nYou failed to enter the code, so it was rejected. You simply restart the app.\n",
        );
        let d = c.diagnostics(&uri, 1);
        // A round trip, so every message about the settings has arrived.
        c.request_raw("tactful/debug/stats", Value::Null);
        let messages: Vec<String> = shown_messages(&mut c)
            .into_iter()
            .filter(|m| m.contains("setting"))
            .collect();
        assert!(messages.is_empty(), "{file}: {settings} → {messages:?}");
        for (id, level) in settings["severity"].as_object().unwrap() {
            let want = match level.as_str().unwrap() {
                "error" => Some(1),
                "warning" => Some(2),
                "info" => Some(3),
                "hint" => Some(4),
                _ => None,
            };
            let hits: Vec<&Value> = d
                .iter()
                .filter(|x| {
                    let code = x["code"].as_str().unwrap_or("");
                    code == id || code.starts_with(&format!("{id}."))
                })
                .collect();
            match want {
                None => assert!(hits.is_empty(), "{file}: {id} is off: {hits:?}"),
                Some(s) => {
                    assert!(!hits.is_empty(), "{file}: {id} finds nothing in {d:?}");
                    for h in hits {
                        assert_eq!(h["severity"], s, "{file}: {id}: {h}");
                    }
                }
            }
        }
        c.shutdown();
    }
}

#[test]
fn every_diagnostic_links_to_its_rule_docs_without_settings() {
    // F13: there was no codeDescription unless docsUrl was set.
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(
        &uri,
        "markdown",
        1,
        "You simply restart the app. You failed to pay.\n",
    );
    let d = c.diagnostics(&uri, 1);
    assert!(d.len() >= 3, "{d:?}");
    for x in &d {
        let code = x["code"].as_str().unwrap();
        let href = x["codeDescription"]["href"]
            .as_str()
            .unwrap_or_else(|| panic!("{x}"));
        let path = href
            .strip_prefix("file://")
            .unwrap_or_else(|| panic!("{href}"));
        let page = std::fs::read_to_string(path).unwrap();
        assert!(page.starts_with(code), "{href}: {page}");
        assert!(page.contains("Why:"), "{page}");
    }
    c.shutdown();
}

#[test]
fn the_last_good_config_wins_after_a_break_100_times() {
    // F14: config A → B (applied) → break: the document sometimes reverted
    // to A. Alternates breaking tactful.toml and the pack.
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    let cfg = root.join("tactful.toml");
    let pack = root.join("house.toml");
    let cfg_uri = file_uri(&cfg);
    let pack_uri = file_uri(&pack);
    std::fs::write(&pack, HOUSE_PACK).unwrap();
    let config = |level: &str| {
        format!("builtin = false\npacks = [\"house.toml\"]\n[severity]\n\"house.simply\" = \"{level}\"\n")
    };
    std::fs::write(&cfg, config("error")).unwrap();
    let mut c = start(root, full_caps(false));
    let uri = doc_uri(root, "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    assert_eq!(house(&c.diagnostics(&uri, 1))[0]["severity"], 1);
    let mut version = 1;
    let notify = |c: &mut Client, uri: &str| {
        c.notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri, "type": 2}]}),
        );
    };
    let severity_now = |c: &mut Client, version: &mut i64| {
        *version += 1;
        let at = if *version % 2 == 0 { "Hi. " } else { "" };
        let r = if *version % 2 == 0 {
            range(0, 0, 0, 0)
        } else {
            range(0, 0, 0, 4)
        };
        c.change(&uri, *version, r, at);
        house(&c.diagnostics(&uri, *version))[0]["severity"].clone()
    };
    for round in 0..100 {
        let break_pack = round % 2 == 1;
        // A (error) → B (hint), applied.
        std::fs::write(&cfg, config("error")).unwrap();
        std::fs::write(&pack, HOUSE_PACK).unwrap();
        notify(&mut c, &cfg_uri);
        notify(&mut c, &pack_uri);
        assert_eq!(severity_now(&mut c, &mut version), 1, "round {round}: A");
        std::fs::write(&cfg, config("hint")).unwrap();
        notify(&mut c, &cfg_uri);
        assert_eq!(severity_now(&mut c, &mut version), 4, "round {round}: B");
        // Break one of the files: B stays in force.
        let broken = if break_pack {
            std::fs::write(&pack, "[[rule]]\nid = \n").unwrap();
            &pack_uri
        } else {
            std::fs::write(&cfg, "builtin = false\npacks = [\n").unwrap();
            &cfg_uri
        };
        notify(&mut c, broken);
        c.recv_until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == broken.as_str()
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| !d.is_empty())
        });
        assert_eq!(
            severity_now(&mut c, &mut version),
            4,
            "round {round}: after breaking {}, B must stay",
            if break_pack {
                "the pack"
            } else {
                "tactful.toml"
            }
        );
        c.drain();
        c.backlog.clear();
    }
    c.shutdown();
}

#[test]
fn a_did_change_with_one_bad_change_applies_none() {
    // F15: the first (valid) change was applied and the version kept.
    let mut c = Client::spawn();
    c.initialize(full_caps(false), Value::Null);
    let uri = lsp_client::uri("atomic.md");
    c.open(&uri, "markdown", 1, "Hello there.\n");
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2},
               "contentChanges": [
                   {"range": range(0, 0, 0, 0), "text": "Oh. "},
                   {"range": range(9, 0, 9, 1), "text": "x"}]}),
    );
    let m = c.recv_until(|m| m["method"] == "window/showMessage");
    assert!(
        m["params"]["message"]
            .as_str()
            .unwrap()
            .contains("none of its changes"),
        "{m}"
    );
    let (version, text) = c.server_text(&uri);
    assert_eq!((version, text.as_str()), (1, "Hello there.\n"));
    // The next valid change applies on top of the untouched text.
    c.change(&uri, 3, range(0, 0, 0, 0), "Oh. ");
    let (version, text) = c.server_text(&uri);
    assert_eq!((version, text.as_str()), (3, "Oh. Hello there.\n"));
    c.shutdown();
}

#[test]
fn a_request_without_method_gets_invalid_request() {
    // F16: it was answered -32601 (method not found).
    let mut c = Client::spawn();
    c.initialize(json!({}), Value::Null);
    c.send_raw(br#"{"jsonrpc":"2.0","id":99}"#);
    let r = c.recv_until(|m| m.get("error").is_some());
    assert_eq!(r["error"]["code"], -32600);
    assert_eq!(r["id"], 99);
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn turn_off_rule_accepts_only_known_ids_and_writes_escaped_toml() {
    // F17: the id was written unescaped: quotes and newlines injected tables.
    let ws = workspace("# keep this comment\n");
    let mut c = start(ws.path(), full_caps(false));
    let uri = doc_uri(ws.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart.\n");
    c.diagnostics(&uri, 1);
    let cfg = ws.path().join("tactful.toml");
    let before = std::fs::read_to_string(&cfg).unwrap();
    let evil = "x\" = \"off\"\n[kinds]\nkb = [\"**\"]\n#";
    let r = c.request_raw(
        "workspace/executeCommand",
        json!({"command": "tactful.turnOffRule", "arguments": [cfg.display().to_string(), evil]}),
    );
    assert_eq!(r["error"]["code"], -32602, "{r}");
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), before);
    c.request(
        "workspace/executeCommand",
        json!({"command": "tactful.turnOffRule",
               "arguments": [cfg.display().to_string(), "house.simply"]}),
    );
    let after = std::fs::read_to_string(&cfg).unwrap();
    assert!(after.starts_with(&before), "{after}");
    let v: toml::Table = toml::from_str(&after).unwrap();
    assert_eq!(v["severity"]["house.simply"].as_str(), Some("off"));
    c.shutdown();
}

#[test]
fn exit_right_after_initialized_ends_before_pending_client_requests_time_out() {
    // F18: the process lingered ~5 s (the server's timeout on the
    // registerCapability / configuration requests the client never answers).
    for with_shutdown in [true, false, true] {
        let mut c = Client::spawn();
        c.answer_server_requests = false;
        c.initialize(full_caps(false), Value::Null);
        // `initialize` sends `initialized`; the server's registerCapability and
        // workspace/configuration requests stay unanswered.
        c.recv_until(|m| m["method"] == "client/registerCapability");
        if with_shutdown {
            let r = c.request_raw("shutdown", Value::Null);
            assert!(r.get("error").is_none(), "{r}");
        }
        c.notify("exit", Value::Null);
        let t0 = std::time::Instant::now();
        let code = c.wait_exit();
        let took = t0.elapsed();
        assert_eq!(code, Some(if with_shutdown { 0 } else { 1 }));
        assert!(
            took < std::time::Duration::from_millis(2500),
            "exit took {took:?}, as long as the server's 5 s client timeout"
        );
    }
}

/// A pack whose single pattern has 40 optional words: exponential for a
/// backtracking matcher on a sentence of 40 "please".
fn pathological_pack() -> String {
    let pattern = format!("{} kindly stop", vec!["please?"; 40].join(" "));
    format!(
        "[[rule]]\nid = \"house.slow\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"{pattern}\"]\n"
    )
}

#[test]
fn documents_stuck_on_a_pathological_pack_do_not_starve_the_server() {
    // Hostile 3: 17 documents stuck on such a pattern took every worker
    // thread; nothing was answered any more, not even `shutdown`.
    let stuck = tempfile::tempdir().unwrap();
    std::fs::write(stuck.path().join("slow.toml"), pathological_pack()).unwrap();
    std::fs::write(
        stuck.path().join("tactful.toml"),
        "builtin = false\npacks = [\"slow.toml\"]\n",
    )
    .unwrap();
    let fine = workspace("");
    let mut c = Client::spawn();
    let (rs, rf) = (file_uri(stuck.path()), file_uri(fine.path()));
    c.request(
        "initialize",
        json!({"capabilities": full_caps(false), "rootUri": rs,
               "workspaceFolders": [{"uri": rs, "name": "s"}, {"uri": rf, "name": "f"}]}),
    );
    c.notify("initialized", json!({}));
    let text = format!("{}stop kindly stop.\n", "please ".repeat(40));
    for i in 0..17 {
        c.open(
            &doc_uri(stuck.path(), &format!("r{i}.txt")),
            "plaintext",
            1,
            &text,
        );
    }
    let ok = doc_uri(fine.path(), "reply.md");
    c.open(&ok, "markdown", 1, "You simply restart.\n");
    assert_eq!(codes(&c.diagnostics(&ok, 1)), vec!["house.simply"]);
    c.change(&ok, 2, range(0, 0, 0, 0), "Hi. ");
    assert_eq!(codes(&c.diagnostics(&ok, 2)), vec!["house.simply"]);
    let hover = c.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": ok}, "position": {"line": 0, "character": 9}}),
    );
    assert!(hover["contents"]["value"]
        .as_str()
        .unwrap()
        .contains("house.simply"));
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn a_fifo_pack_is_a_config_error_not_a_hang() {
    // Hostile 3/4: a FIFO pack path blocked its reader forever.
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    assert!(made, "mkfifo");
    std::fs::write(dir.path().join("tactful.toml"), "packs = [\"fifo.toml\"]\n").unwrap();
    let mut c = start(dir.path(), full_caps(false));
    let uri = doc_uri(dir.path(), "reply.md");
    c.open(&uri, "markdown", 1, "You simply restart the app.\n");
    let d = c.diagnostics(&uri, 1);
    assert!(!d.is_empty(), "linted with the built-in packs");
    let cfg_uri = file_uri(&dir.path().join("tactful.toml"));
    let e = config_diagnostics(&mut c, &cfg_uri, None);
    assert!(
        e[0]["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file"),
        "{e:?}"
    );
    assert_eq!(c.shutdown(), Some(0));
}

#[test]
fn closed_documents_free_their_state() {
    // Hostile 11: closing documents must end their workers and drop them.
    let ws = workspace("");
    let mut c = start(ws.path(), full_caps(false));
    for round in 0..3 {
        let uris: Vec<String> = (0..100)
            .map(|i| doc_uri(ws.path(), &format!("d{round}-{i}.md")))
            .collect();
        for u in &uris {
            c.open(u, "markdown", 1, "You simply restart the app.\n");
        }
        for u in &uris {
            c.diagnostics(u, 1);
        }
        let s = c.request("tactful/debug/stats", Value::Null);
        assert_eq!(s["documents"], 100);
        assert_eq!(s["workers"], 100);
        for u in &uris {
            c.notify("textDocument/didClose", json!({"textDocument": {"uri": u}}));
        }
        let deadline = std::time::Instant::now() + lsp_client::TIMEOUT;
        loop {
            let s = c.request("tactful/debug/stats", Value::Null);
            if s["documents"] == 0 && s["workers"] == 0 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{s}");
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
    c.shutdown();
}
