//! A small LSP test client: spawns `tactful lsp --stdio`, frames JSON-RPC over
//! its stdio, answers the server's own requests, and waits for messages.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Guards against a hung server; never a performance assertion.
pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<(Instant, Value)>,
    /// When the message last returned by `recv_until` was read off the pipe
    /// (before parsing it).
    pub last_arrival: Option<Instant>,
    next_id: i64,
    /// Notifications and server requests not consumed yet.
    pub backlog: VecDeque<Value>,
    /// What to answer `workspace/configuration` with.
    pub settings: Value,
    /// Server requests seen (method names), in order.
    pub server_requests: Vec<Value>,
    /// How long to wait for a message before failing (a hang guard).
    pub timeout: Duration,
    /// Whether server requests are answered (false: a client that never does).
    pub answer_server_requests: bool,
}

pub fn uri(name: &str) -> String {
    format!("file:///tmp/tactful-test/{name}")
}

pub fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display())
}

impl Client {
    pub fn spawn() -> Client {
        Client::spawn_with(&[])
    }

    pub fn spawn_with(envs: &[(&str, &str)]) -> Client {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tactful"));
        cmd.args(["lsp", "--stdio"])
            .env("TACTFUL_LSP_TEST_HOOKS", "1")
            .env(
                "TACTFUL_RULE_PAGES_DIR",
                std::env::temp_dir().join("tactful-test-rule-pages"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(if std::env::var_os("TACTFUL_TEST_STDERR").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            });
        for (k, v) in envs {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn tactful lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let Some(len) = len else { return };
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let at = Instant::now();
                let v: Value = serde_json::from_slice(&body).expect("server sent invalid JSON");
                if tx.send((at, v)).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            rx,
            last_arrival: None,
            next_id: 1,
            backlog: VecDeque::new(),
            settings: Value::Null,
            server_requests: Vec::new(),
            timeout: TIMEOUT,
            answer_server_requests: true,
        }
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.stdin.write_all(header.as_bytes()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    /// Writes bytes as they are (headers included).
    pub fn send_raw_frame(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn send(&mut self, msg: &Value) {
        self.send_raw(serde_json::to_string(msg).unwrap().as_bytes());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and returns the whole response message.
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)
    }

    /// Sends a request and returns its result; panics on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let resp = self.request_raw(method, params);
        if let Some(err) = resp.get("error") {
            panic!("{method} failed: {err}");
        }
        resp["result"].clone()
    }

    /// Waits for the response to request `id`.
    pub fn response(&mut self, id: i64) -> Value {
        self.recv_until(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none())
    }

    fn answer(&mut self, msg: &Value) {
        if !self.answer_server_requests {
            self.server_requests.push(msg.clone());
            return;
        }
        let method = msg["method"].as_str().unwrap_or("");
        let result = match method {
            "workspace/configuration" => {
                let n = msg["params"]["items"].as_array().map_or(1, Vec::len);
                Value::Array(vec![self.settings.clone(); n])
            }
            "workspace/applyEdit" => json!({"applied": true}),
            _ => Value::Null,
        };
        self.server_requests.push(msg.clone());
        let reply = json!({"jsonrpc": "2.0", "id": msg["id"], "result": result});
        self.send(&reply);
    }

    /// Receives until `want` matches a message; other messages go to the
    /// backlog (server requests are answered on the way).
    pub fn recv_until(&mut self, mut want: impl FnMut(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&mut want) {
            self.last_arrival = None;
            return self.backlog.remove(i).unwrap();
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let (at, msg) = match self.rx.recv_timeout(left) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for a message"),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
            };
            if msg.get("method").is_some() && msg.get("id").is_some() {
                self.answer(&msg);
                if want(&msg) {
                    self.last_arrival = Some(at);
                    return msg;
                }
                continue;
            }
            if want(&msg) {
                self.last_arrival = Some(at);
                return msg;
            }
            self.backlog.push_back(msg);
        }
    }

    /// Waits for `publishDiagnostics` for `uri` at `version`; returns the
    /// diagnostics. Earlier publications for the uri are discarded.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let msg = self.recv_until(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
        });
        msg["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Every `publishDiagnostics` message received so far for `uri`.
    pub fn published(&mut self, uri: &str) -> Vec<Value> {
        self.drain();
        self.backlog
            .iter()
            .filter(|m| {
                m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
            })
            .cloned()
            .collect()
    }

    /// Moves every message already received into the backlog.
    pub fn drain(&mut self) {
        while let Ok((_, msg)) = self.rx.try_recv() {
            if msg.get("method").is_some() && msg.get("id").is_some() {
                self.answer(&msg);
            }
            self.backlog.push_back(msg);
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `initialize` + `initialized` with the given capabilities and options.
    pub fn initialize(&mut self, capabilities: Value, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": null,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn initialize_with_root(&mut self, capabilities: Value, root: &std::path::Path) -> Value {
        let root_uri = file_uri(root);
        let result = self.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root_uri,
                "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                "capabilities": capabilities,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, uri: &str, language: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        );
    }

    /// One incremental change.
    pub fn change(&mut self, uri: &str, version: i64, range: Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": range, "text": text}],
            }),
        );
    }

    /// The server's text of a document (test hook).
    pub fn server_text(&mut self, uri: &str) -> (i64, String) {
        let r = self.request("tactful/debug/document", json!({"uri": uri}));
        (
            r["version"].as_i64().unwrap(),
            r["text"].as_str().unwrap().to_string(),
        )
    }

    /// `shutdown` + `exit`; returns the exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        let r = self.request_raw("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "shutdown failed: {r}");
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    /// Waits for the server process to end; returns its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the server did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn range(sl: u32, sc: u32, el: u32, ec: u32) -> Value {
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

/// Capabilities of a modern client (push diagnostics, code lens, dynamic
/// watcher registration, configuration, versioned edits, file creation).
pub fn full_caps(utf8: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "textDocument": {
            "publishDiagnostics": {"versionSupport": true},
            "codeLens": {},
            "hover": {"contentFormat": ["markdown"]},
            "codeAction": {"isPreferredSupport": true, "dataSupport": true,
                "codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}}}
        },
        "workspace": {
            "configuration": true,
            "didChangeConfiguration": {"dynamicRegistration": false},
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "workspaceFolders": true,
            "applyEdit": true,
            "workspaceEdit": {"documentChanges": true, "resourceOperations": ["create"]}
        }
    })
}

/// Applies LSP text edits (already in the given encoding) to a string.
pub fn apply_edits(text: &str, edits: &[Value], utf8: bool) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let s = offset(text, &e["range"]["start"], utf8);
            let t = offset(text, &e["range"]["end"], utf8);
            (s, t, e["newText"].as_str().unwrap().to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, t, new) in edits {
        out.replace_range(s..t, &new);
    }
    out
}

/// Byte offset of an LSP position (lines split at \n, \r\n, \r).
pub fn offset(text: &str, pos: &Value, utf8: bool) -> usize {
    let line = pos["line"].as_u64().unwrap() as usize;
    let col = pos["character"].as_u64().unwrap() as usize;
    let mut starts = vec![0];
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            starts.push(i + 1);
        } else if b[i] == b'\r' {
            if i + 1 < b.len() && b[i + 1] == b'\n' {
                i += 1;
            }
            starts.push(i + 1);
        }
        i += 1;
    }
    let start = starts[line];
    let end = starts.get(line + 1).copied().unwrap_or(text.len());
    let content = text[start..end].trim_end_matches(['\n', '\r']);
    let mut units = 0;
    for (bi, ch) in content.char_indices() {
        if units >= col {
            return start + bi;
        }
        units += if utf8 { ch.len_utf8() } else { ch.len_utf16() };
    }
    start + content.len()
}

/// The LSP position of byte `offset` in `text` (lines end at \n, \r\n or \r;
/// `offset` must not split a \r\n).
pub fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let b = before.as_bytes();
    let mut line = 0;
    let mut line_start = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
        i += 1;
    }
    let seg = &before[line_start..];
    let col: usize = if utf8 {
        seg.len()
    } else {
        seg.chars().map(char::len_utf16).sum()
    };
    json!({"line": line, "character": col})
}
