//! Language server benchmark (prints figures; asserts nothing): didChange →
//! publishDiagnostics latency for one-character edits in a 5 KB reply, a
//! 1 MB article and a dense 1 MB article (a finding every few lines, about
//! 2,000 in all) with the server's peak RSS, initialize → first diagnostics,
//! RSS with 100 open documents, and RSS over open/close cycles of 1,000
//! documents of 5 KB. Run with `cargo bench --bench lsp`; texts come from the shared
//! corpus (`../shared/corpus`) when present. Name parts to run only those:
//! `cargo bench --bench lsp -- init rss cycles` (parts: init, edits, rss,
//! cycles).

#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_client::{full_caps, position, Client};
use serde_json::{json, Value};

fn corpus_files(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            corpus_files(&p, ext, out);
        } else if p
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ext.contains(&e))
        {
            out.push(p);
        }
    }
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// Markdown text of about `size` bytes from the corpus part `part`.
fn text_of(part: &str, size: usize) -> String {
    let mut files = Vec::new();
    corpus_files(&corpus().join(part), &["md"], &mut files);
    let mut out = String::new();
    for f in files.iter().cycle().take(files.len() * 50) {
        if out.len() >= size {
            break;
        }
        if let Ok(t) = std::fs::read_to_string(f) {
            out.push_str(&t);
            out.push_str("\n\n");
        }
    }
    if out.len() < size {
        let para =
            "Hi there, you simply need to restart the app. We apologize for any inconvenience.\n\n";
        while out.len() < size {
            out.push_str(para);
        }
    }
    let mut end = size.min(out.len());
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// One-character edits (type a letter, then delete it) at varying places;
/// returns the sorted latencies from sending didChange to reading the
/// matching publishDiagnostics.
fn edit_latency(root: &Path, name: &str, text: &str, edits: usize) -> (Vec<Duration>, usize, u64) {
    let mut c = Client::spawn();
    c.timeout = Duration::from_secs(120);
    c.initialize_with_root(full_caps(false), root);
    let uri = lsp_client::file_uri(&root.join(name));
    c.open(&uri, "markdown", 1, text);
    let n = c.diagnostics(&uri, 1).len();
    let mut shadow = text.to_string();
    let mut times = Vec::with_capacity(edits);
    let mut version = 1;
    let mut state: u64 = 0x1234_5678;
    let mut at = 0;
    for i in 0..edits {
        let (range, new) = if i % 2 == 0 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            at = (state >> 33) as usize % shadow.len();
            while !shadow.is_char_boundary(at) || (at > 0 && shadow.as_bytes()[at - 1] == b'\r') {
                at -= 1;
            }
            let p = position(&shadow, at, false);
            shadow.insert(at, 'x');
            (json!({"start": p, "end": p}), "x")
        } else {
            let (s, e) = (
                position(&shadow, at, false),
                position(&shadow, at + 1, false),
            );
            shadow.remove(at);
            (json!({"start": s, "end": e}), "")
        };
        version += 1;
        let t0 = Instant::now();
        c.change(&uri, version, range, new);
        c.diagnostics(&uri, version);
        let arrived = c.last_arrival.unwrap_or_else(Instant::now);
        times.push(arrived - t0);
    }
    let peak = peak_rss_kib(c.pid()).unwrap_or(0);
    c.shutdown();
    times.sort();
    (times, n, peak)
}

fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS:")
}

fn peak_rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmHWM:")
}

fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Whether the part `name` runs: every part when none is named.
fn part(name: &str) -> bool {
    const PARTS: &[&str] = &["init", "edits", "rss", "cycles"];
    let named: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| PARTS.contains(&a.as_str()))
        .collect();
    named.is_empty() || named.iter().any(|a| a == name)
}

fn main() {
    let ws = tempfile::tempdir().unwrap();
    let root = ws.path();
    std::fs::create_dir_all(root.join("kb")).unwrap();
    // A reply with some of the wording tactful flags, padded with corpus text.
    let flagged = "Hi guys,\n\nSorry for any inconvenience. You simply need to restart the app, \
                   that's our policy. We'll get back to you ASAP.\n\n";
    let reply = format!("{flagged}{}", text_of("macros", 5 * 1024 - flagged.len()));
    let article = text_of("kb", 1024 * 1024);
    // The same size with a finding in every paragraph (published capped).
    let noisy = {
        let para =
            "To change the plan, you simply open Settings. Unfortunately we can't refund it. ";
        let mut t = String::new();
        while t.len() < 1024 * 1024 {
            t.push_str(para);
            t.push_str("\n\n");
        }
        t
    };
    // Dense: a finding every few lines, about 2,000 in 1 MB (kb, so the
    // document is linted in blocks).
    let dense = dense_article(1024 * 1024, 2000);
    println!(
        "tactful lsp benchmark (corpus: {})",
        if corpus().is_dir() {
            "shared"
        } else {
            "synthetic"
        }
    );

    if part("init") {
        init_latency(root, &reply);
    }
    if part("edits") {
        edits(root, &reply, &article, &noisy, &dense);
    }
    if part("rss") {
        open_documents_rss(root, &article);
    }
    if part("cycles") {
        open_close_cycles(root, &article);
    }
}

/// initialize → first diagnostics (fresh process each time).
fn init_latency(root: &Path, reply: &str) {
    let mut init = Vec::new();
    let mut spawn_to_diag = Vec::new();
    for _ in 0..15 {
        let t_spawn = Instant::now();
        let mut c = Client::spawn();
        let t0 = Instant::now();
        c.initialize_with_root(full_caps(false), root);
        let uri = lsp_client::file_uri(&root.join("reply.md"));
        c.open(&uri, "markdown", 1, reply);
        c.diagnostics(&uri, 1);
        let arrived = c.last_arrival.unwrap_or_else(Instant::now);
        init.push(arrived - t0);
        spawn_to_diag.push(arrived - t_spawn);
        c.shutdown();
    }
    init.sort();
    spawn_to_diag.sort();
    println!(
        "initialize → first diagnostics (5 KB reply): median {}, p99 {} (from process spawn: median {})",
        ms(percentile(&init, 0.5)),
        ms(percentile(&init, 0.99)),
        ms(percentile(&spawn_to_diag, 0.5))
    );
}

fn edits(root: &Path, reply: &str, article: &str, noisy: &str, dense: &str) {
    for (label, name, text, edits) in [
        ("5 KB reply", "reply.md", reply, 400),
        ("1 MB article", "kb/article.md", article, 200),
        (
            "1 MB article, a finding every paragraph",
            "kb/noisy.md",
            noisy,
            100,
        ),
        (
            "1 MB article, dense (a finding every few lines)",
            "kb/dense.md",
            dense,
            200,
        ),
    ] {
        let (t, n, peak) = edit_latency(root, name, text, edits);
        println!(
            "didChange → publishDiagnostics, {label} ({} bytes, {n} diagnostics), {edits} one-char edits: median {}, p99 {}, max {}; server peak RSS {:.1} MB",
            text.len(),
            ms(percentile(&t, 0.5)),
            ms(percentile(&t, 0.99)),
            ms(*t.last().unwrap()),
            peak as f64 / 1024.0
        );
    }
}

/// RSS with 100 open documents of about 5 KB (corpus articles, cut).
fn open_documents_rss(root: &Path, article: &str) {
    let mut c = Client::spawn();
    c.timeout = Duration::from_secs(120);
    c.initialize_with_root(full_caps(false), root);
    let before = rss_kib(c.pid()).unwrap_or(0);
    let mut bytes = 0;
    let opened = 100;
    for i in 0..opened {
        let mut start = i * 5 * 1024 + 1;
        while !article.is_char_boundary(start) {
            start += 1;
        }
        let mut end = (start + 5 * 1024).min(article.len());
        while !article.is_char_boundary(end) {
            end -= 1;
        }
        let name = if i % 2 == 0 {
            format!("kb/doc{i}.md")
        } else {
            format!("reply{i}.md")
        };
        let uri = lsp_client::file_uri(&root.join(name));
        c.open(&uri, "markdown", 1, &article[start..end]);
        c.diagnostics(&uri, 1);
        bytes += end - start;
    }
    let after = rss_kib(c.pid()).unwrap_or(0);
    let mb = |field| status_kib(c.pid(), field).unwrap_or(0) as f64 / 1024.0;
    println!(
        "RSS with {opened} open documents ({} KB of text): {:.1} MB (after initialize: {:.1} MB; \
         heap and stacks {:.1} MB, mapped program {:.1} MB)",
        bytes / 1024,
        after as f64 / 1024.0,
        before as f64 / 1024.0,
        mb("RssAnon:"),
        mb("RssFile:"),
    );
    let _ = c.request("shutdown", Value::Null);
}

/// A KB article of about `size` bytes with `findings` findings spread evenly:
/// corpus-like paragraphs, one flagged sentence every few lines.
fn dense_article(size: usize, findings: usize) -> String {
    let flagged = [
        "Unfortunately we can't refund it.",
        "You simply open Settings.",
        "Obviously, you need to restart the app.",
        "Sorry for any inconvenience.",
    ];
    let filler = "The export runs every night and writes a file to the shared folder.\n";
    let every = size / findings;
    let mut t = String::with_capacity(size + every);
    let mut i = 0;
    while t.len() < size {
        let start = t.len();
        t.push_str(flagged[i % flagged.len()]);
        t.push('\n');
        while t.len() - start + filler.len() < every {
            t.push_str(filler);
        }
        t.push('\n');
        i += 1;
    }
    t
}

/// RSS while 1,000 documents of 5 KB are open, and after closing them, over
/// four open/close cycles (closed documents must give their memory back).
fn open_close_cycles(root: &Path, article: &str) {
    let mut c = Client::spawn();
    c.timeout = Duration::from_secs(300);
    c.initialize_with_root(full_caps(false), root);
    let start = rss_kib(c.pid()).unwrap_or(0);
    let mut figures = Vec::new();
    for cycle in 0..4 {
        let mut uris = Vec::new();
        for i in 0..1000 {
            let mut s = (i * 977) % article.len().saturating_sub(6 * 1024).max(1);
            while !article.is_char_boundary(s) {
                s += 1;
            }
            let mut e = (s + 5 * 1024).min(article.len());
            while !article.is_char_boundary(e) {
                e -= 1;
            }
            let uri = lsp_client::file_uri(&root.join(format!("cycle/doc{i}.md")));
            c.open(&uri, "markdown", 1, &article[s..e]);
            uris.push(uri);
        }
        for uri in &uris {
            c.diagnostics(uri, 1);
        }
        let open = rss_kib(c.pid()).unwrap_or(0);
        for uri in &uris {
            c.notify(
                "textDocument/didClose",
                json!({"textDocument": {"uri": uri}}),
            );
        }
        // A round trip so every close was handled.
        let _ = c.request_raw(
            "tactful/debug/document",
            json!({"textDocument": {"uri": "file:///none"}}),
        );
        std::thread::sleep(Duration::from_millis(300));
        let closed = rss_kib(c.pid()).unwrap_or(0);
        figures.push(format!(
            "cycle {}: {:.1} MB open, {:.1} MB closed",
            cycle + 1,
            open as f64 / 1024.0,
            closed as f64 / 1024.0
        ));
    }
    println!(
        "RSS, 1,000 open documents of 5 KB (after initialize {:.1} MB): {}; peak {:.1} MB",
        start as f64 / 1024.0,
        figures.join("; "),
        peak_rss_kib(c.pid()).unwrap_or(0) as f64 / 1024.0
    );
    c.drain();
    let _ = c.request_raw("shutdown", Value::Null);
}
