//! Diagnostics rendered once per block: each block's findings converted to
//! LSP diagnostics and serialized, with line numbers kept relative to the
//! block's first line. An edit re-renders only the blocks whose findings
//! changed; the others are copied, with their line numbers shifted, into the
//! `publishDiagnostics` notification (written to the output as it is, see
//! `output`).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use tower_lsp_server::ls_types::{Range, Uri};

use crate::incremental::Findings;
use crate::lint::Linter;
use crate::model::Finding;
use crate::text_document::{Encoding, TextDocument};

/// One diagnostic, serialized except for its range.
struct Rendered {
    start_line: u32,
    start_col: u32,
    end_line: u32,
    end_col: u32,
    /// The JSON after the range: `"severity":…}` (the closing brace included).
    tail: Box<str>,
}

/// A part's findings (kept so its pointer stays unique) and their rendering,
/// lines relative to the part's first line.
struct Part {
    findings: Arc<[Finding]>,
    rendered: Vec<Rendered>,
}

/// Per-document cache, keyed by the identity of each part's findings (a new
/// lint of a block, or a new configuration, gives new parts).
#[derive(Default)]
pub struct DiagnosticsCache {
    parts: HashMap<usize, Part>,
    /// Parts rendered by the last call (for tests and benchmarks).
    pub last_rendered: usize,
}

const RANGE_PREFIX: &str =
    r#"{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"#;

fn key(findings: &Arc<[Finding]>) -> usize {
    Arc::as_ptr(findings) as *const Finding as usize
}

impl DiagnosticsCache {
    /// Drops every rendered part (a document linted whole re-renders on
    /// every edit anyway: keeping its rendering only costs memory).
    pub fn forget(&mut self) {
        self.parts = HashMap::new();
    }

    /// The `publishDiagnostics` notification for `findings` of `doc`, as the
    /// JSON text of the message: at most `max` diagnostics, then `extra`.
    #[allow(clippy::too_many_arguments)]
    pub fn notification(
        &mut self,
        uri: &Uri,
        findings: &Findings,
        doc: &TextDocument,
        enc: Encoding,
        linter: &Linter,
        docs_base: Option<&str>,
        max: usize,
        extra: &[tower_lsp_server::ls_types::Diagnostic],
    ) -> String {
        let mut out = String::with_capacity(64 + findings.len() * 256);
        out.push_str(
            r#"{"jsonrpc":"2.0","method":"textDocument/publishDiagnostics","params":{"uri":"#,
        );
        out.push_str(&serde_json::to_string(uri.as_str()).unwrap_or_default());
        let _ = write!(out, r#","version":{},"diagnostics":["#, doc.version());
        let mut old = std::mem::take(&mut self.parts);
        self.last_rendered = 0;
        let mut written = 0;
        let mut first = true;
        for (at, part) in findings.parts() {
            if written >= max {
                break;
            }
            let base = doc.rope().byte_to_line(at.min(doc.len_bytes())) as u32;
            let k = key(part);
            let entry = match old.remove(&k) {
                Some(p) if Arc::ptr_eq(&p.findings, part) => p,
                _ => {
                    self.last_rendered += 1;
                    Part {
                        findings: part.clone(),
                        rendered: part
                            .iter()
                            .map(|f| render(f, at, base, doc, enc, linter, docs_base))
                            .collect(),
                    }
                }
            };
            for r in entry.rendered.iter().take(max - written) {
                if !first {
                    out.push(',');
                }
                first = false;
                let _ = write!(
                    out,
                    r#"{{"range":{{"start":{{"line":{},"character":{}}},"end":{{"line":{},"character":{}}}}},"#,
                    base + r.start_line,
                    r.start_col,
                    base + r.end_line,
                    r.end_col
                );
                out.push_str(&r.tail);
                written += 1;
            }
            self.parts.insert(k, entry);
        }
        for d in extra {
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&serde_json::to_string(d).unwrap_or_else(|_| "{}".into()));
        }
        out.push_str("]}}");
        out
    }
}

fn render(
    f: &Finding,
    at: usize,
    base: u32,
    doc: &TextDocument,
    enc: Encoding,
    linter: &Linter,
    docs_base: Option<&str>,
) -> Rendered {
    let mut abs = f.clone();
    abs.range = f.range.start + at..f.range.end + at;
    let mut d = super::to_proto::diagnostic(&abs, doc, enc, linter, docs_base);
    let Range { start, end } = std::mem::take(&mut d.range);
    let json = serde_json::to_string(&d).unwrap_or_default();
    let tail = json
        .strip_prefix(RANGE_PREFIX)
        .map(Box::from)
        .unwrap_or_else(|| "\"message\":\"\"}".into());
    Rendered {
        start_line: start.line - base,
        start_col: start.character,
        end_line: end.line - base,
        end_col: end.character,
        tail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incremental::IncrementalLint;
    use crate::lint::FileSettings;
    use crate::model::Kind;
    use crate::source::Format;

    fn diagnostics_of(json: &str) -> serde_json::Value {
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        v["params"]["diagnostics"].clone()
    }

    #[test]
    fn cached_blocks_render_exactly_like_fresh_conversion_and_only_changed_blocks_rerender() {
        let linter = Linter::default_packs();
        let settings = FileSettings {
            format: Format::Markdown,
            kind: Kind::Kb,
            ..FileSettings::default()
        };
        let para = "You simply open Settings. Sorry for any inconvenience. 😀 日本\n\n";
        let mut text = para.repeat(20);
        let uri: Uri = "file:///x/kb/a.md".parse().unwrap();
        let mut lint = IncrementalLint::with_threshold(1);
        let mut cache = DiagnosticsCache::default();
        for (round, enc) in [
            (0, Encoding::Utf16),
            (1, Encoding::Utf16),
            (2, Encoding::Utf8),
        ] {
            if round == 1 {
                // An edit that adds a line in paragraph 3: later blocks shift.
                text.insert_str(para.len() * 3, "New line.\n");
            }
            if round == 2 {
                cache = DiagnosticsCache::default();
            }
            let result = lint.lint(&linter, &settings, 1, &text).unwrap();
            let doc = TextDocument::new(&text, round);
            let json = cache.notification(
                &uri,
                &result.findings,
                &doc,
                enc,
                &linter,
                Some("https://d/rules.md"),
                usize::MAX,
                &[],
            );
            let fresh: Vec<_> = result
                .findings
                .iter()
                .map(|f| {
                    super::super::to_proto::diagnostic(
                        &f,
                        &doc,
                        enc,
                        &linter,
                        Some("https://d/rules.md"),
                    )
                })
                .collect();
            assert_eq!(
                diagnostics_of(&json),
                serde_json::to_value(&fresh).unwrap(),
                "round {round}"
            );
            let v: serde_json::Value = serde_json::from_str(&json).unwrap();
            assert_eq!(v["params"]["version"], round);
            match round {
                0 => assert_eq!(cache.last_rendered, 20),
                1 => assert_eq!(cache.last_rendered, 1, "only the edited block"),
                _ => {}
            }
        }
        // The cap holds across blocks.
        let result = lint.lint(&linter, &settings, 1, &text).unwrap();
        let doc = TextDocument::new(&text, 9);
        let json = cache.notification(
            &uri,
            &result.findings,
            &doc,
            Encoding::Utf16,
            &linter,
            None,
            5,
            &[],
        );
        assert_eq!(diagnostics_of(&json).as_array().unwrap().len(), 5);
    }
}
