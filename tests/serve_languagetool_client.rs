//! A real LanguageTool client talking to `tactful serve`: PyPI's `language_tool_python`
//! (installed by .ci/install-e2e.sh into <cache>/lt-venv) pointed at the service as its remote
//! server. It validates the language against GET /v2/languages, checks with POST /v2/check,
//! converts UTF-16 offsets to Python's and applies the replacements with its own `correct`.

mod e2e_support;
mod serve_support;

use std::time::Duration;

use e2e_support::*;
use serve_support::Server;

const CLIENT: &str = r#"
import json, sys
import language_tool_python as ltp
tool = ltp.LanguageTool("en-US", remote_server=sys.argv[1])
text = "Hi 😀 {{ticket.requester.first_name}}, you failed to enter the code. Just restart the app."
matches = tool.check(text)
out = {
    "matches": [{"rule": m.rule_id, "category": m.category, "offset": m.offset, "length": m.error_length,
                 "matched": text[m.offset:m.offset + m.error_length], "replacements": m.replacements,
                 "issue": m.rule_issue_type, "context": m.context} for m in matches],
    "corrected": tool.correct(text),
}
tool.disable_spellchecking()
tool.disabled_categories = {"MINIMIZING"}
out["without_minimizing"] = [m.category for m in tool.check(text)]
try:
    ltp.LanguageTool("de-DE", remote_server=sys.argv[1])
    out["german"] = "accepted"
except ValueError as e:
    out["german"] = "refused: " + str(e)
tool.close()
print(json.dumps(out))
"#;

#[test]
fn language_tool_python_uses_tactful_as_its_server() {
    const T: &str = "serve_languagetool_client";
    let python = cache_dir().join("lt-venv/bin/python");
    let found = (python.is_file()
        && std::process::Command::new(&python)
            .args(["-c", "import language_tool_python"])
            .output()
            .is_ok_and(|o| o.status.success()))
    .then_some(python);
    let Some(python) = require(T, "language_tool_python (<cache>/lt-venv)", found) else {
        return;
    };
    let (server, _dir) = Server::start(&[]);
    let sb = Sandbox::new("ltclient");
    let mut cmd = sb.command(&python);
    cmd.args(["-c", CLIENT, &server.base]);
    let run = run_with_timeout(cmd, Duration::from_secs(60));
    assert!(
        run.status.success(),
        "{}\n--- server\n{}",
        run.log(),
        server.log()
    );
    eprintln!("language_tool_python: {}", run.stdout.trim());
    let v: serde_json::Value = serde_json::from_str(run.stdout.trim()).unwrap();
    let m = &v["matches"][0];
    assert!(
        m["rule"].as_str().unwrap().starts_with("blame-customer"),
        "{v:#}"
    );
    assert_eq!(m["category"], "blame-customer");
    assert_eq!(
        m["matched"], "you failed to enter",
        "the emoji's two UTF-16 units were converted: {v:#}"
    );
    assert_eq!(m["issue"], "style");
    assert_eq!(
        v["corrected"],
        "Hi 😀 {{ticket.requester.first_name}}, you weren't able to enter the code. Please restart the app."
    );
    let cats: Vec<&str> = v["without_minimizing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        cats.contains(&"blame-customer") && !cats.contains(&"minimizing"),
        "{cats:?}"
    );
    assert!(
        v["german"].as_str().unwrap().starts_with("refused"),
        "{v:#}"
    );
}
