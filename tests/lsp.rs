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
