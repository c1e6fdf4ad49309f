//! Renders check results: human (compiler-style, 1-based, span underlined),
//! JSON (stable, versioned, 0-based char columns), SARIF 2.1.0 and GitHub annotations.

use std::io::{self, Write};

use serde_json::{json, Value};

use crate::lint::LintResult;
use crate::model::{Finding, Severity};

/// One file's outcome.
pub struct FileReport {
    pub path: String,
    pub text: String,
    pub result: Option<LintResult>,
    pub error: Option<String>,
}

impl FileReport {
    pub fn error(path: String, error: String) -> FileReport {
        FileReport {
            path,
            text: String::new(),
            result: None,
            error: Some(error),
        }
    }

    fn findings(&self) -> &[Finding] {
        self.result
            .as_ref()
            .map(|r| r.findings.as_slice())
            .unwrap_or(&[])
    }
}

/// Byte offset → (0-based line, 0-based column in chars).
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = self.text[self.starts[line]..offset].chars().count();
        (line, col)
    }

    pub fn line_text(&self, line: usize) -> &'a str {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

fn counts(reports: &[FileReport]) -> (usize, usize, usize, usize) {
    let mut errors = 0;
    let mut warnings = 0;
    let mut total = 0;
    let mut file_errors = 0;
    for r in reports {
        if r.error.is_some() {
            file_errors += 1;
        }
        for f in r.findings() {
            total += 1;
            match f.severity {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
                _ => {}
            }
        }
    }
    (total, errors, warnings, file_errors)
}

pub fn json_value(reports: &[FileReport]) -> Value {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let idx = LineIndex::new(&r.text);
            let diagnostics: Vec<Value> = r
                .findings()
                .iter()
                .map(|f| {
                    let (sl, sc) = idx.position(f.range.start);
                    let (el, ec) = idx.position(f.range.end);
                    let fixes: Vec<Value> = f
                        .fixes
                        .iter()
                        .map(|x| {
                            let e = &x.edits[0];
                            json!({"title": x.title, "replacement": e.replacement, "byte_range": [e.range.start, e.range.end], "preferred": x.preferred})
                        })
                        .collect();
                    json!({
                        "rule": f.rule.as_ref(),
                        "category": f.category.id(),
                        "severity": f.severity.id(),
                        "message": f.message.as_ref(),
                        "range": {"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}},
                        "byte_range": [f.range.start, f.range.end],
                        "fixes": fixes,
                    })
                })
                .collect();
            let mut file = json!({"path": r.path, "diagnostics": diagnostics, "error": r.error});
            if let Some(res) = &r.result {
                file["kind"] = json!(res.kind.id());
                file["score"] = json!(res.summary.score);
            }
            file
        })
        .collect();
    let (total, errors, warnings, file_errors) = counts(reports);
    json!({
        "version": 1,
        "files": files,
        "summary": {"files": reports.len(), "diagnostics": total, "errors": errors, "warnings": warnings, "file_errors": file_errors},
    })
}

pub fn json(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_value(reports))?;
    writeln!(out)
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub fn human(out: &mut impl Write, reports: &[FileReport], color: bool) -> io::Result<()> {
    for r in reports {
        if let Some(e) = &r.error {
            writeln!(out, "{}: {}: {e}", paint(color, "1;31", "error"), r.path)?;
            continue;
        }
        let idx = LineIndex::new(&r.text);
        for f in r.findings() {
            let (sl, sc) = idx.position(f.range.start);
            let (el, ec) = idx.position(f.range.end);
            let (label, code) = match f.severity {
                Severity::Error => ("error", "1;31"),
                Severity::Warning => ("warning", "1;33"),
                Severity::Info => ("info", "1;36"),
                Severity::Hint => ("hint", "1;32"),
            };
            writeln!(
                out,
                "{}{}: {}",
                paint(color, code, label),
                paint(color, "1", &format!("[{}]", f.rule)),
                f.message
            )?;
            let gutter = (el + 1).to_string().len();
            writeln!(
                out,
                "{:gutter$}{} {}:{}:{}",
                "",
                paint(color, "1;34", "-->"),
                r.path,
                sl + 1,
                sc + 1
            )?;
            writeln!(out, "{:gutter$} {}", "", paint(color, "1;34", "|"))?;
            let line = idx.line_text(sl);
            writeln!(
                out,
                "{:>gutter$} {} {}",
                sl + 1,
                paint(color, "1;34", "|"),
                line
            )?;
            let end_col = if el == sl { ec } else { line.chars().count() };
            let width = end_col.saturating_sub(sc).max(1);
            let prefix: String = line
                .chars()
                .take(sc)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            writeln!(
                out,
                "{:gutter$} {} {}{}",
                "",
                paint(color, "1;34", "|"),
                prefix,
                paint(color, code, &"^".repeat(width))
            )?;
            if let Some(fix) = f.fixes.first() {
                writeln!(
                    out,
                    "{:gutter$} {} fix: {}",
                    "",
                    paint(color, "1;34", "="),
                    fix.title
                )?;
            }
            writeln!(out)?;
        }
    }
    let (total, errors, warnings, file_errors) = counts(reports);
    let files = reports.len();
    let mut line = format!(
        "{total} problem{} ({errors} error{}, {warnings} warning{}) in {files} file{}",
        if total == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    );
    if file_errors > 0 {
        line.push_str(&format!(
            "; {file_errors} file{} could not be linted",
            if file_errors == 1 { "" } else { "s" }
        ));
    }
    if files == 1 {
        if let Some(res) = reports[0].result.as_ref() {
            line.push_str(&format!("; empathy score {}/100", res.summary.score));
        }
    }
    writeln!(out, "{line}")
}

pub fn github(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let esc_prop = |s: &str| esc(s).replace(':', "%3A").replace(',', "%2C");
    for r in reports {
        if let Some(e) = &r.error {
            writeln!(out, "::error file={}::{}", esc_prop(&r.path), esc(e))?;
            continue;
        }
        let idx = LineIndex::new(&r.text);
        for f in r.findings() {
            let (sl, sc) = idx.position(f.range.start);
            let (el, ec) = idx.position(f.range.end);
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "notice",
            };
            writeln!(
                out,
                "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                esc_prop(&r.path),
                sl + 1,
                sc + 1,
                el + 1,
                ec + 1,
                esc_prop(&f.rule),
                esc(&f.message)
            )?;
        }
    }
    Ok(())
}

pub fn sarif(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    // Rule metadata: the built-in packs know every built-in rule; a house
    // rule is described by its finding's message.
    let engine = crate::engine::Engine::default_packs();
    let docs_base = crate::explain::default_docs_base();
    let mut seen: Vec<&Finding> = reports.iter().flat_map(|r| r.findings().iter()).collect();
    seen.sort_by(|a, b| a.rule.cmp(&b.rule));
    seen.dedup_by(|a, b| a.rule == b.rule);
    let rules: Vec<Value> = seen
        .iter()
        .map(|f| {
            let id = f.rule.as_ref();
            let (short, full) = engine
                .rule(id)
                .map(|r| (r.message.to_string(), r.why.clone()))
                .unwrap_or_else(|| (f.message.to_string(), String::new()));
            let mut rule = json!({"id": id, "shortDescription": {"text": short}, "fullDescription": {"text": full}});
            if let Some(url) = crate::explain::docs_url(&engine, id, docs_base.as_deref()) {
                rule["helpUri"] = json!(url);
            }
            rule
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let idx = LineIndex::new(&r.text);
        for f in r.findings() {
            let (sl, sc) = idx.position(f.range.start);
            let (el, ec) = idx.position(f.range.end);
            let level = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                _ => "note",
            };
            let fixes: Vec<Value> = f
                .fixes
                .iter()
                .map(|x| {
                    let e = &x.edits[0];
                    let (a, b) = (idx.position(e.range.start), idx.position(e.range.end));
                    json!({"description": {"text": x.title}, "artifactChanges": [{"artifactLocation": {"uri": r.path},
                        "replacements": [{"deletedRegion": {"startLine": a.0 + 1, "startColumn": a.1 + 1, "endLine": b.0 + 1, "endColumn": b.1 + 1},
                                          "insertedContent": {"text": e.replacement}}]}]})
                })
                .collect();
            results.push(json!({
                "ruleId": f.rule.as_ref(),
                "level": level,
                "message": {"text": f.message.as_ref()},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": r.path},
                    "region": {"startLine": sl + 1, "startColumn": sc + 1, "endLine": el + 1, "endColumn": ec + 1}}}],
                "fixes": fixes,
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "tactful", "version": env!("CARGO_PKG_VERSION"), "rules": rules}}, "results": results}],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
