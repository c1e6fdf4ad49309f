//! Shared harness for the `tactful serve` tests (tests/serve*.rs, tests/e2e_browser*.rs): starts
//! the real binary on a free loopback port, reads the address it prints, and talks HTTP to it
//! with ureq. The server is killed when the handle drops.
#![allow(dead_code)] // each test crate uses a different subset

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// `tactful serve --addr 127.0.0.1:0 ARGS` in `dir` (a folder with a tactful.toml, so no
    /// config above it is found).
    pub fn start_in(dir: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tactful"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawning tactful serve");
        let mut lines = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        lines.read_line(&mut first).unwrap();
        let base = first
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .map(|a| format!("http://{a}"))
            .unwrap_or_else(|| {
                let _ = child.kill();
                panic!("tactful serve did not print its address: {first:?}")
            });
        let stderr = std::sync::Arc::new(std::sync::Mutex::new(first));
        let sink = stderr.clone();
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                sink.lock().unwrap().push_str(&line);
                sink.lock().unwrap().push('\n');
            }
        });
        Server {
            child,
            base,
            stderr,
        }
    }

    /// In a fresh temp dir holding an empty tactful.toml (the built-in defaults).
    pub fn start(args: &[&str]) -> (Server, tempfile::TempDir) {
        let dir = tempfile::Builder::new()
            .prefix("serve-")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        std::fs::write(dir.path().join("tactful.toml"), "# serve test: defaults\n").unwrap();
        (Server::start_in(dir.path(), args), dir)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An agent that returns 4xx/5xx responses instead of erroring on them.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

pub struct Reply {
    pub status: u16,
    pub headers: ureq::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): status {} body {:?}",
                self.status, self.body
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    }
}

fn reply(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Reply {
    let mut r = r.expect("HTTP request failed");
    Reply {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.body_mut().read_to_string().unwrap(),
    }
}

pub fn get(agent: &ureq::Agent, url: &str) -> Reply {
    reply(agent.get(url).call())
}

/// POST `body` with a content type (and extra headers).
pub fn post(
    agent: &ureq::Agent,
    url: &str,
    content_type: &str,
    body: &[u8],
    headers: &[(&str, &str)],
) -> Reply {
    let mut req = agent.post(url).header("content-type", content_type);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    reply(req.send(body))
}

pub fn post_json(agent: &ureq::Agent, url: &str, body: &serde_json::Value) -> Reply {
    post(
        agent,
        url,
        "application/json",
        body.to_string().as_bytes(),
        &[],
    )
}

pub fn post_form(agent: &ureq::Agent, url: &str, pairs: &[(&str, &str)]) -> Reply {
    reply(agent.post(url).send_form(pairs.iter().copied()))
}
