//! `tactful serve` over a real socket: the native API answers what the CLI answers, the
//! LanguageTool API counts UTF-16 and maps annotated text, limits and bad input give JSON
//! errors while the service keeps serving, CORS admits only the extension and configured origins.

mod serve_support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::Duration;

use serde_json::{json, Value};
use serve_support::*;

const REPLY: &str =
    "Hi 😀 {{ticket.requester.first_name}}, you failed to enter the code. Just restart the app.\n";

/// The CLI's JSON for `text` saved as `name` in `dir`.
fn cli_json(dir: &std::path::Path, name: &str, text: &str) -> Value {
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(["check", "--format", "json"])
        .arg(&file)
        .current_dir(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A check answer without the fields the API adds to the CLI's JSON.
fn without_api_extras(mut v: Value) -> Value {
    let file = &mut v["files"][0];
    file.as_object_mut().unwrap().remove("categories");
    file["path"] = json!("");
    for d in file["diagnostics"].as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("utf16_range");
        for f in d["fixes"].as_array_mut().unwrap() {
            f.as_object_mut().unwrap().remove("utf16_range");
        }
    }
    v
}

#[test]
fn native_check_answers_what_check_format_json_prints() {
    let (server, dir) = Server::start(&[]);
    let a = agent();
    for (name, format, text) in [
        ("reply.txt", "text", REPLY),
        (
            "reply.md",
            "markdown",
            "# Reset\n\nYou should have read the *FAQ*. Calm down.\n",
        ),
        (
            "reply.html",
            "html",
            "<p>Sorry for any inconvenience, {{name}}.</p>\n",
        ),
    ] {
        let api = post_json(
            &a,
            &server.url("/api/v1/check"),
            &json!({"text": text, "format": format, "kind": "reply"}),
        );
        assert_eq!(api.status, 200, "{}", api.body);
        let api = api.json();
        let cli = cli_json(dir.path(), name, text);
        assert!(
            !cli["files"][0]["diagnostics"]
                .as_array()
                .unwrap()
                .is_empty(),
            "the sample {name} has findings"
        );
        let mut cli = cli;
        cli["files"][0]["path"] = json!("");
        assert_eq!(without_api_extras(api.clone()), cli, "{name}");
        // UTF-16 ranges point at the same text JavaScript would slice.
        let units: Vec<u16> = text.encode_utf16().collect();
        for d in api["files"][0]["diagnostics"].as_array().unwrap() {
            let [s, e] = [
                d["byte_range"][0].as_u64().unwrap() as usize,
                d["byte_range"][1].as_u64().unwrap() as usize,
            ];
            let [us, ue] = [
                d["utf16_range"][0].as_u64().unwrap() as usize,
                d["utf16_range"][1].as_u64().unwrap() as usize,
            ];
            assert_eq!(String::from_utf16(&units[us..ue]).unwrap(), &text[s..e]);
        }
        let counts = &api["files"][0]["categories"];
        let n: u64 = counts
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(
            n as usize,
            api["files"][0]["diagnostics"].as_array().unwrap().len()
        );
    }
}

#[test]
fn kind_changes_what_is_flagged() {
    let (server, _dir) = Server::start(&[]);
    let a = agent();
    let text = "The customer is being dramatic again, just close the ticket.";
    let rules = |kind: &str| -> Vec<String> {
        let r = post_json(
            &a,
            &server.url("/api/v1/check"),
            &json!({"text": text, "kind": kind}),
        )
        .json();
        r["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["rule"].as_str().unwrap().to_string())
            .collect()
    };
    let reply = rules("reply");
    let note = rules("internal-note");
    assert_ne!(
        reply, note,
        "kind must matter: reply {reply:?} note {note:?}"
    );
    let r = post_json(
        &a,
        &server.url("/api/v1/check"),
        &json!({"text": text, "kind": "kb"}),
    )
    .json();
    assert_eq!(r["files"][0]["kind"], "kb");
}

#[test]
fn rules_endpoint_lists_every_rule_with_its_why() {
    let (server, dir) = Server::start(&[]);
    let r = get(&agent(), &server.url("/api/v1/rules"));
    assert_eq!(r.status, 200);
    let api = r.json();
    let out = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(["rules", "list", "--json"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let cli: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let rules = api["rules"].as_array().unwrap();
    assert_eq!(rules.len(), cli.len());
    for (a, c) in rules.iter().zip(&cli) {
        let mut a = a.clone();
        assert!(a["why"].is_string());
        a.as_object_mut().unwrap().remove("why");
        assert_eq!(&a, c);
    }
    assert_eq!(api["categories"].as_array().unwrap().len(), 28);
}

#[test]
fn languagetool_offsets_are_utf16_and_replacements_rewrite_the_match() {
    let (server, _dir) = Server::start(&[]);
    let r = post_form(
        &agent(),
        &server.url("/v2/check"),
        &[("text", REPLY), ("language", "en-US")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let units: Vec<u16> = REPLY.encode_utf16().collect();
    let matches = v["matches"].as_array().unwrap();
    assert!(matches.len() >= 2, "{v:#}");
    let mut fixed = units.clone();
    for m in matches.iter().rev() {
        let (o, l) = (
            m["offset"].as_u64().unwrap() as usize,
            m["length"].as_u64().unwrap() as usize,
        );
        let matched = String::from_utf16(&units[o..o + l]).unwrap();
        assert!(m["rule"]["id"].is_string() && m["rule"]["category"]["id"].is_string());
        assert!(m["rule"]["category"]["name"].is_string() && m["message"].is_string());
        let ctx = &m["context"];
        let ctext: Vec<u16> = ctx["text"].as_str().unwrap().encode_utf16().collect();
        let (co, cl) = (
            ctx["offset"].as_u64().unwrap() as usize,
            ctx["length"].as_u64().unwrap() as usize,
        );
        assert_eq!(String::from_utf16(&ctext[co..co + cl]).unwrap(), matched);
        if let Some(rep) = m["replacements"][0]["value"].as_str() {
            fixed.splice(o..o + l, rep.encode_utf16());
        }
    }
    let fixed = String::from_utf16(&fixed).unwrap();
    assert!(fixed.contains("{{ticket.requester.first_name}}"), "{fixed}");
    assert!(!fixed.contains("you failed"), "{fixed}");
    assert!(fixed.starts_with("Hi 😀 "), "{fixed}");
    assert_eq!(v["language"]["code"], "en-US");
}

#[test]
fn languagetool_annotated_data_offsets_count_markup() {
    let (server, _dir) = Server::start(&[]);
    let data = json!({"annotation": [
        {"markup": "<p>"}, {"text": "Hi {{name}},"}, {"markup": "<br/>", "interpretAs": "\n"},
        {"text": "you failed to enter the code."}, {"markup": "</p>", "interpretAs": "\n\n"}
    ]});
    let original = "<p>Hi {{name}},<br/>you failed to enter the code.</p>";
    let r = post_form(
        &agent(),
        &server.url("/v2/check"),
        &[("data", &data.to_string()), ("language", "auto")],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    let m = v["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| {
            m["rule"]["id"]
                .as_str()
                .unwrap()
                .starts_with("blame-customer")
        })
        .expect("blame finding");
    let (o, l) = (
        m["offset"].as_u64().unwrap() as usize,
        m["length"].as_u64().unwrap() as usize,
    );
    assert!(
        original[o..o + l].starts_with("you failed"),
        "{:?}",
        &original[o..o + l]
    );
}

#[test]
fn languagetool_filters_and_languages_behave_like_languagetool() {
    let (server, _dir) = Server::start(&[]);
    let a = agent();
    let ids = |extra: &[(&str, &str)]| -> Vec<String> {
        let mut p = vec![("text", REPLY), ("language", "en")];
        p.extend_from_slice(extra);
        let v = post_form(&a, &server.url("/v2/check"), &p).json();
        v["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["rule"]["category"]["id"].as_str().unwrap().to_string())
            .collect()
    };
    let all = ids(&[]);
    assert!(all.contains(&"minimizing".to_string()) && all.contains(&"blame-customer".to_string()));
    assert!(!ids(&[("disabledCategories", "MINIMIZING")]).contains(&"minimizing".to_string()));
    assert_eq!(
        ids(&[("enabledCategories", "minimizing"), ("enabledOnly", "true")]),
        vec!["minimizing".to_string()]
    );
    let langs = get(&a, &server.url("/v2/languages")).json();
    assert!(langs
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["longCode"] == "en-US"));
    // GET with a query string, as some clients' health checks do.
    let g = get(
        &a,
        &server.url("/v2/check?text=You+failed+to+pay.&language=en-US"),
    );
    assert_eq!(g.status, 200, "{}", g.body);
    assert!(!g.json()["matches"].as_array().unwrap().is_empty());
}

fn error_message(r: &Reply, status: u16) -> String {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json"),
        "{}",
        r.body
    );
    let v = r.json();
    assert_eq!(v["error"]["status"], status);
    v["error"]["message"].as_str().unwrap().to_string()
}

#[test]
fn bad_input_gets_a_json_error_and_the_service_keeps_serving() {
    let (mut server, _dir) = Server::start(&["--max-body-bytes", "4096"]);
    let a = agent();
    let check = server.url("/api/v1/check");
    let lt = server.url("/v2/check");
    let cases: Vec<(Reply, u16, &str)> = vec![
        (
            post(&a, &check, "application/json", &vec![b'a'; 10_000], &[]),
            413,
            "too large",
        ),
        (
            post(
                &a,
                &check,
                "application/json",
                b"{\"text\": \"hi\",\n \"kind\": }",
                &[],
            ),
            400,
            "line 2",
        ),
        (
            post(&a, &check, "text/plain", b"{\"text\":\"x\"}", &[]),
            415,
            "application/json",
        ),
        (
            post(
                &a,
                &check,
                "application/json",
                b"{\"text\":\"caf\xe9\"}",
                &[],
            ),
            400,
            "UTF-8 at byte 12",
        ),
        (
            post(
                &a,
                &check,
                "application/json; charset=latin1",
                b"{\"text\":\"x\"}",
                &[],
            ),
            415,
            "latin1",
        ),
        (
            post_json(&a, &check, &json!({"text": "x", "path": "/etc/passwd"})),
            400,
            "unknown field `path`",
        ),
        (
            post_json(&a, &check, &json!({"text": "x", "format": "docx"})),
            400,
            "unknown format",
        ),
        (
            post_json(&a, &check, &json!({"text": "x", "kind": "email"})),
            400,
            "unknown kind",
        ),
        (
            post_json(
                &a,
                &check,
                &json!({"text": "{\"broken\": ", "format": "json"}),
            ),
            422,
            "cannot read",
        ),
        (
            post(
                &a,
                &lt,
                "application/x-www-form-urlencoded",
                b"text=caf%E9&language=en",
                &[],
            ),
            400,
            "not valid UTF-8",
        ),
        (
            post_form(
                &a,
                &lt,
                &[("text", "x"), ("language", "en"), ("ruleValues", "a:1")],
            ),
            400,
            "unsupported parameter `ruleValues`",
        ),
        (
            post_form(&a, &lt, &[("text", "x"), ("language", "de-DE")]),
            400,
            "English only",
        ),
        (
            post_form(&a, &lt, &[("language", "en")]),
            400,
            "missing `text` or `data`",
        ),
        (
            post_form(&a, &lt, &[("text", "x")]),
            400,
            "missing `language`",
        ),
        (
            post_form(
                &a,
                &lt,
                &[("data", "{\"annotation\": 3}"), ("language", "en")],
            ),
            400,
            "annotated text",
        ),
        (
            post(&a, &lt, "application/json", b"{}", &[]),
            415,
            "x-www-form-urlencoded",
        ),
        (get(&a, &server.url("/api/v2/nothing")), 404, "no endpoint"),
        (get(&a, &check), 405, "method not allowed"),
    ];
    for (r, status, want) in &cases {
        let msg = error_message(r, *status);
        assert!(
            msg.contains(want),
            "status {status}: {msg:?} should mention {want:?}"
        );
    }
    assert!(server.alive(), "{}", server.log());
    let ok = post_json(&a, &check, &json!({"text": REPLY}));
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(!ok.json()["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn config_is_read_once_at_start_and_requests_never_touch_files() {
    let dir = tempfile::Builder::new()
        .prefix("serve-cfg-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap();
    std::fs::write(
        dir.path().join("tactful.toml"),
        "[severity]\nminimizing = \"off\"\n",
    )
    .unwrap();
    let server = Server::start_in(dir.path(), &[]);
    let a = agent();
    let cats = || -> Vec<String> {
        let v = post_json(&a, &server.url("/api/v1/check"), &json!({"text": REPLY})).json();
        v["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["category"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        !cats().contains(&"minimizing".to_string()),
        "the start-up config applies"
    );
    std::fs::write(dir.path().join("tactful.toml"), "not = [valid toml").unwrap();
    assert!(
        cats().contains(&"blame-customer".to_string()),
        "a request does not re-read the config"
    );
    assert!(!cats().contains(&"minimizing".to_string()));
}

#[test]
fn cors_admits_the_extension_and_configured_origins_only() {
    let (server, _dir) = Server::start(&["--allow-origin", "https://support.example.com"]);
    let a = agent();
    let url = server.url("/api/v1/check");
    let body = json!({"text": "hi"}).to_string();
    let with_origin = |o: &str| {
        post(
            &a,
            &url,
            "application/json",
            body.as_bytes(),
            &[("origin", o)],
        )
    };
    let ext = "chrome-extension://edfflkiokefekfmhckefhkdokbebobpb";
    assert_eq!(
        with_origin(ext)
            .header("access-control-allow-origin")
            .as_deref(),
        Some(ext)
    );
    assert_eq!(
        with_origin("https://support.example.com")
            .header("access-control-allow-origin")
            .as_deref(),
        Some("https://support.example.com")
    );
    assert_eq!(
        with_origin("https://evil.example").header("access-control-allow-origin"),
        None
    );
    assert_eq!(
        with_origin("chrome-extension://abcdefghijklmnopabcdefghijklmnop")
            .header("access-control-allow-origin"),
        None
    );
    // A preflight from the extension is answered; one from elsewhere gets no grant.
    let pre = |o: &str| {
        let r = a
            .options(&url)
            .header("origin", o)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .call()
            .unwrap();
        r.headers()
            .get("access-control-allow-origin")
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(pre(ext).as_deref(), Some(ext));
    assert_eq!(pre("https://evil.example"), None);
}

/// A raw connection that sends a request head promising a body and then stalls.
fn stalled_request(base: &str) -> TcpStream {
    let addr = base.trim_start_matches("http://");
    let mut s = TcpStream::connect(addr).unwrap();
    write!(s, "POST /api/v1/check HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"text\":").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s
}

fn read_response(mut s: TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf);
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let len = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length: ")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if buf.len() >= head_end + 4 + len {
                        break;
                    }
                }
            }
            Err(e) => panic!("reading the response: {e}"),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[test]
fn a_stalled_request_times_out_with_a_json_error_and_others_wait_for_a_free_slot() {
    let (server, _dir) = Server::start(&["--timeout-secs", "1", "--max-concurrent", "1"]);
    let stalled = stalled_request(&server.base);
    let answer = read_response(stalled);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("timed out"), "{answer}");
    // With one slot, a request that arrives while another holds it waits: it is still
    // unanswered a second later (it would take milliseconds otherwise), and is served as soon
    // as the stalled client goes away and frees the slot.
    let (server, _dir) = Server::start(&["--timeout-secs", "20", "--max-concurrent", "1"]);
    let stalled = stalled_request(&server.base);
    std::thread::sleep(Duration::from_millis(300));
    let url = server.url("/api/v1/check");
    let (tx, rx) = std::sync::mpsc::channel();
    let waiting = std::thread::spawn(move || {
        let r = post_json(&agent(), &url, &json!({"text": REPLY}));
        let _ = tx.send(r.status);
    });
    assert!(
        rx.recv_timeout(Duration::from_secs(1)).is_err(),
        "the second request was served while the only slot was taken"
    );
    stalled.shutdown(std::net::Shutdown::Both).unwrap();
    drop(stalled);
    let status = rx
        .recv_timeout(Duration::from_secs(15))
        .expect("served once the slot was free");
    assert_eq!(status, 200);
    waiting.join().unwrap();
}

#[test]
fn a_client_that_never_finishes_its_request_head_is_disconnected() {
    let (server, _dir) = Server::start(&["--timeout-secs", "1"]);
    let addr = server.base.trim_start_matches("http://").to_string();
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "POST /api/v1/check HTTP/1.1\r\nHost: {addr}\r\nContent-Ty"
    )
    .unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut buf = Vec::new();
    match s.read_to_end(&mut buf) {
        Ok(_) => {
            let text = String::from_utf8_lossy(&buf);
            assert!(
                text.is_empty() || text.starts_with("HTTP/1.1 408"),
                "{text}"
            );
        }
        Err(e) => panic!("the half-sent request was not cut off: {e}"),
    }
    // And the service still answers everyone else.
    let ok = post_json(
        &agent(),
        &server.url("/api/v1/check"),
        &json!({"text": REPLY}),
    );
    assert_eq!(ok.status, 200);
}

#[test]
fn playground_page_and_script_are_served_with_a_strict_csp() {
    let (server, _dir) = Server::start(&[]);
    let a = agent();
    let page = get(&a, &server.url("/"));
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
    assert!(
        page.body.contains("playground.js")
            && !page.body.contains("http://")
            && !page.body.contains("https://")
    );
    let js = get(&a, &server.url("/playground.js"));
    assert_eq!(js.status, 200);
    assert!(js.body.contains("/api/v1/check"));
    assert_eq!(get(&a, &server.url("/playground.css")).status, 200);
}
