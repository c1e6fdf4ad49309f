//! Runs `tactful check` over ../shared/corpus (skipped when absent unless
//! TACTFUL_CORPUS=required): no crash, no file error, every finding in prose.

use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    if p.is_dir() {
        return Some(p);
    }
    if std::env::var("TACTFUL_CORPUS").as_deref() == Ok("required") {
        panic!("TACTFUL_CORPUS=required but {} is absent", p.display());
    }
    eprintln!(
        "SKIP: {} is absent; the corpus test needs the shared folder beside the repo",
        p.display()
    );
    None
}

/// Byte spans that are never prose: front matter, fenced and inline code,
/// HTML tags and comments, template tags, URLs. Found independently of the
/// source model, with simple scanning.
fn non_prose(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let b = text.as_bytes();
    if let Some(end) = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.find("\n---"))
    {
        spans.push((0, 4 + end + 4));
    }
    // Fenced code blocks.
    let mut pos = 0;
    // (start, fence, whether it is a ```md reply block, which is prose).
    let mut open: Option<(usize, &str, bool)> = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        // An opening fence's info string never holds a backtick (else it is inline code).
        let fence = if t.starts_with("```")
            && (open.is_some() || !t.trim_start_matches('`').contains('`'))
        {
            Some("```")
        } else if t.starts_with("~~~") {
            Some("~~~")
        } else {
            None
        };
        match (open, fence) {
            (None, Some(f)) => {
                let info = t.trim_start_matches(['`', '~']).trim().to_ascii_lowercase();
                let reply = info == "md" || info == "markdown";
                open = Some((pos, f, reply));
            }
            (Some((s, f, reply)), Some(g)) if f == g => {
                if !reply {
                    spans.push((s, pos + line.len()));
                }
                open = None;
            }
            _ => {}
        }
        pos += line.len();
    }
    let mut i = 0;
    while i < b.len() {
        let rest = &text[i..];
        let close = |start: usize, pat: &str, max: usize| {
            rest[start..]
                .find(pat)
                .filter(|&e| e < max)
                .map(|e| start + e + pat.len())
        };
        let found = if rest.starts_with('`') {
            let n = rest.bytes().take_while(|&c| c == b'`').count();
            // A code span never crosses a blank line.
            close(n, &"`".repeat(n), 2000).filter(|&e| !rest[..e].contains("\n\n"))
        } else if rest.starts_with("<!--") {
            close(4, "-->", 100_000)
        } else if rest.starts_with('<')
            && rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/')
        {
            close(1, ">", 2000)
        } else if rest.starts_with("{{") {
            close(2, "}}", 400)
        } else if rest.starts_with("{%") {
            close(2, "%}", 400)
        } else if rest.starts_with("http://") || rest.starts_with("https://") {
            Some(
                rest.find(|c: char| c.is_whitespace() || c == ')' || c == '>' || c == ']')
                    .unwrap_or(rest.len()),
            )
        } else {
            None
        };
        match found {
            Some(len) if len > 0 => {
                spans.push((i, i + len));
                i += len;
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    spans
}

#[test]
fn corpus_lints_cleanly_and_findings_stay_in_prose() {
    let Some(corpus) = corpus() else { return };
    let out = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(["check", "--format", "json", "--no-progress"])
        .arg(corpus.join("kb"))
        .arg(corpus.join("macros"))
        .output()
        .expect("binary runs");
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let files = v["files"].as_array().unwrap();
    assert!(files.len() > 2500, "only {} files checked", files.len());
    let mut bad = Vec::new();
    for f in files {
        let path = f["path"].as_str().unwrap();
        if let Some(e) = f["error"].as_str() {
            bad.push(format!("{path}: file error: {e}"));
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        // JSON/YAML positions are checked by the formats tests (inside string values).
        if !(path.ends_with(".md") || path.ends_with(".txt") || path.ends_with(".html")) {
            continue;
        }
        let spans = non_prose(&text);
        for d in f["diagnostics"].as_array().unwrap() {
            let (s, e) = (
                d["byte_range"][0].as_u64().unwrap() as usize,
                d["byte_range"][1].as_u64().unwrap() as usize,
            );
            assert!(
                s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e),
                "{path}: bad range {s}..{e}"
            );
            if d["category"] == "wall-of-text" {
                continue;
            }
            if let Some(&(a, b)) = spans.iter().find(|&&(a, b)| s < b && a < e) {
                bad.push(format!(
                    "{path}:{s}..{e} [{}] {:?} overlaps non-prose {:?}",
                    d["rule"],
                    &text[s..e],
                    &text[a..b.min(a + 60)]
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "{} problems:\n{}",
        bad.len(),
        bad.iter().take(40).cloned().collect::<Vec<_>>().join("\n")
    );
}
