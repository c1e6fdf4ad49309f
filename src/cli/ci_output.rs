//! The output formats CI systems read: GitLab Code Quality (`gitlab`, the
//! Code Climate issue JSON), reviewdog's diagnostic format (`rdjson`) and
//! JUnit XML (`junit`) for test dashboards.

use std::io::{self, Write};

use serde_json::{json, Value};

use super::baseline::fingerprint;
use super::output::{FileReport, LineIndex};
use crate::model::{Finding, Severity};

fn findings(r: &FileReport) -> &[Finding] {
    r.result
        .as_ref()
        .map(|x| x.findings.as_slice())
        .unwrap_or(&[])
}

/// 1-based line and 1-based UTF-8 byte column of a byte offset.
fn line_byte_col(idx: &LineIndex, text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let (line, _) = idx.position(offset);
    let start = memchr::memrchr(b'\n', &text.as_bytes()[..offset]).map_or(0, |i| i + 1);
    (line + 1, offset - start + 1)
}

/// GitLab Code Quality: a JSON array of Code Climate issues. Fingerprints are
/// stable across line shifts (path + rule + matched text + sentence + occurrence).
pub fn gitlab(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let mut issues = Vec::new();
    for r in reports {
        if let Some(e) = &r.error {
            issues.push(json!({
                "type": "issue",
                "check_name": "tactful/file-error",
                "description": format!("tactful could not lint this file: {e}"),
                "categories": ["Bug Risk"],
                "fingerprint": blake3::hash(format!("{}\0file-error", r.path).as_bytes()).to_hex()[..32].to_string(),
                "severity": "critical",
                "location": {"path": r.path, "lines": {"begin": 1}},
            }));
            continue;
        }
        let idx = LineIndex::new(&r.text);
        let mut seen = std::collections::HashMap::<String, usize>::new();
        for f in findings(r) {
            let (fp, _) = fingerprint(&r.text, f);
            let n = seen.entry(fp.clone()).or_insert(0);
            *n += 1;
            let unique = blake3::hash(format!("{}\0{fp}\0{n}", r.path).as_bytes());
            let begin = idx.position(f.range.start).0 + 1;
            let end = idx.position(f.range.end).0 + 1;
            let severity = match f.severity {
                Severity::Error => "critical",
                Severity::Warning => "major",
                Severity::Info => "minor",
                Severity::Hint => "info",
            };
            let mut issue = json!({
                "type": "issue",
                "check_name": f.rule.as_ref(),
                "description": f.message.as_ref(),
                "categories": ["Style"],
                "fingerprint": unique.to_hex()[..32].to_string(),
                "severity": severity,
                "location": {"path": r.path, "lines": {"begin": begin, "end": end}},
            });
            if let Some(fix) = f.preferred_fix().or(f.fixes.first()) {
                issue["content"] = json!({"body": format!("Suggested rewrite: {}", fix.title)});
            }
            issues.push(issue);
        }
    }
    serde_json::to_writer_pretty(&mut *out, &Value::Array(issues))?;
    writeln!(out)
}

/// reviewdog's rdjson (DiagnosticResult): 1-based lines, UTF-8 byte columns,
/// the preferred fix as a suggestion so reviewdog can post it as a change.
pub fn rdjson(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let mut diagnostics = Vec::new();
    for r in reports {
        if let Some(e) = &r.error {
            diagnostics.push(json!({
                "message": format!("tactful could not lint this file: {e}"),
                "location": {"path": r.path},
                "severity": "ERROR",
                "code": {"value": "file-error"},
            }));
            continue;
        }
        let idx = LineIndex::new(&r.text);
        let pos = |o: usize| {
            let (l, c) = line_byte_col(&idx, &r.text, o);
            json!({"line": l, "column": c})
        };
        for f in findings(r) {
            let severity = match f.severity {
                Severity::Error => "ERROR",
                Severity::Warning => "WARNING",
                _ => "INFO",
            };
            let mut d = json!({
                "message": f.message.as_ref(),
                "location": {"path": r.path, "range": {"start": pos(f.range.start), "end": pos(f.range.end)}},
                "severity": severity,
                "code": {"value": f.rule.as_ref()},
            });
            if let Some(fix) = f.preferred_fix() {
                let s: Vec<Value> = fix
                    .edits
                    .iter()
                    .map(|e| json!({"range": {"start": pos(e.range.start), "end": pos(e.range.end)}, "text": e.replacement}))
                    .collect();
                d["suggestions"] = Value::Array(s);
            }
            diagnostics.push(d);
        }
    }
    let doc = json!({"source": {"name": "tactful"}, "diagnostics": diagnostics});
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Escapes text for XML/HTML attributes and content; drops control
/// characters XML 1.0 cannot hold (the report's HTML uses it too).
pub fn escape_markup(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\t' | '\n' | '\r' => o.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => o.push(c),
        }
    }
    o
}

/// JUnit XML: one test suite per file, one failing test case per finding (a
/// clean file is one passing case), a file that could not be linted an error.
pub fn junit(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let mut body = String::new();
    let (mut tests, mut failures, mut errors) = (0usize, 0usize, 0usize);
    for r in reports {
        let p = escape_markup(&r.path);
        if let Some(e) = &r.error {
            tests += 1;
            errors += 1;
            body.push_str(&format!(
                "  <testsuite name=\"{p}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase classname=\"{p}\" name=\"lint\" file=\"{p}\">\n      <error message=\"{}\" type=\"file-error\"/>\n    </testcase>\n  </testsuite>\n",
                escape_markup(e)
            ));
            continue;
        }
        let fs = findings(r);
        let idx = LineIndex::new(&r.text);
        let n = fs.len().max(1);
        tests += n;
        failures += fs.len();
        body.push_str(&format!(
            "  <testsuite name=\"{p}\" tests=\"{n}\" failures=\"{}\" errors=\"0\">\n",
            fs.len()
        ));
        if fs.is_empty() {
            body.push_str(&format!(
                "    <testcase classname=\"{p}\" name=\"lint\" file=\"{p}\"/>\n"
            ));
        }
        for f in fs {
            let (l, c) = idx.position(f.range.start);
            let (l, c) = (l + 1, c + 1);
            let mut detail = format!("{}:{l}:{c}: {} [{}]", r.path, f.message, f.rule);
            if let Some(fix) = f.preferred_fix() {
                detail.push_str(&format!("\nfix: {}", fix.title));
            }
            body.push_str(&format!(
                "    <testcase classname=\"{p}\" name=\"{} at {l}:{c}\" file=\"{p}\" line=\"{l}\">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                escape_markup(&f.rule),
                escape_markup(&f.message),
                f.severity.id(),
                escape_markup(&detail)
            ));
        }
        body.push_str("  </testsuite>\n");
    }
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tactful\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n{body}</testsuites>\n"
    )
}
