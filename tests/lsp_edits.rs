//! The server's side of issue 10's edit items, driven over stdio: the
//! "fix all" action gives `tactful fix`'s result in one edit (F6), and the
//! "Disable" action on a YAML block scalar writes comments around the value
//! that yaml-rust2 reads past (F1).

mod lsp_client;

use std::path::Path;

use lsp_client::{apply_edits, file_uri, full_caps, range, Client};
use serde_json::{json, Value};
use tactful::fix;
use tactful::lint::{FileSettings, Linter};
use tactful::source::Format;

fn start(root: &Path) -> Client {
    let mut c = Client::spawn();
    c.initialize_with_root(full_caps(false), root);
    c
}

fn edits_for(action: &Value, uri: &str) -> Vec<Value> {
    action["edit"]["documentChanges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["textDocument"]["uri"] == uri)
        .flat_map(|e| e["edits"].as_array().unwrap().clone())
        .collect()
}

fn fix_all_through_the_server(name: &str, language: &str, text: &str) -> String {
    let ws = tempfile::tempdir().unwrap();
    let mut c = start(ws.path());
    let uri = file_uri(&ws.path().join(name));
    c.open(&uri, language, 1, text);
    c.diagnostics(&uri, 1);
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(0, 0, 0, 0),
               "context": {"diagnostics": [], "only": ["source.fixAll.tactful"]}}),
    );
    let actions = r.as_array().unwrap().clone();
    c.shutdown();
    assert_eq!(actions.len(), 1, "{actions:?}");
    apply_edits(text, &edits_for(&actions[0], &uri), false)
}

#[test]
fn the_fix_all_action_reaches_the_fix_command_result_in_one_step() {
    let linter = Linter::default_packs();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let liquid =
        std::fs::read_to_string(root.join("examples/replies/login-trouble.liquid")).unwrap();
    for (name, language, format, text) in [
        (
            "a.txt",
            "plaintext",
            Format::Text,
            "Obviously, you need to use the email you signed up with.\n".to_string(),
        ),
        ("login-trouble.liquid", "liquid", Format::Template, liquid),
    ] {
        let settings = FileSettings {
            format,
            ..FileSettings::default()
        };
        let (want, _) = fix::fix_all(&linter, &text, &settings, fix::FIX_PASSES).unwrap();
        assert_ne!(want, text);
        assert_eq!(
            fix_all_through_the_server(name, language, &text),
            want,
            "{name}"
        );
    }
}

#[test]
fn the_disable_action_on_a_yaml_block_scalar_comments_around_the_value() {
    let text = "- title: Locked out\n  body: |\n    Hi there,\n\n    You didn't enter the right password, so your account is locked.\n";
    let ws = tempfile::tempdir().unwrap();
    let mut c = start(ws.path());
    let uri = file_uri(&ws.path().join("replies.yml"));
    c.open(&uri, "yaml", 1, text);
    let diags = c.diagnostics(&uri, 1);
    let d = diags
        .iter()
        .find(|d| d["range"]["start"]["line"] == 4)
        .unwrap_or_else(|| panic!("{diags:?}"))
        .clone();
    let r = c.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    c.shutdown();
    let actions = r.as_array().unwrap();
    let disable = actions
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Disable "))
        .unwrap_or_else(|| panic!("{actions:?}"));
    assert!(
        disable["title"]
            .as_str()
            .unwrap()
            .ends_with("for this value"),
        "{disable}"
    );
    let edited = apply_edits(text, &edits_for(disable, &uri), false);
    assert_eq!(
        yaml_rust2::YamlLoader::load_from_str(text).unwrap(),
        yaml_rust2::YamlLoader::load_from_str(&edited).unwrap(),
        "{edited}"
    );
}
