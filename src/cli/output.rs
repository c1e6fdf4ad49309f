//! Renders check results: human (compiler-style, 1-based, span underlined),
//! JSON (stable, versioned, 0-based char columns), SARIF 2.1.0 and GitHub annotations.

use std::io::{self, Write};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;
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
///
/// Columns cost O(1 KB) per lookup whatever the line length: the index
/// keeps the running char count at every 1 KB step of the text.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// (byte offset on a char boundary, chars before it), every ~1 KB.
    steps: Vec<(usize, usize)>,
}

const STEP: usize = 1024;

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let mut steps = vec![(0, 0)];
        let (mut at, mut chars) = (0, 0);
        while at + STEP < text.len() {
            let mut next = at + STEP;
            while !text.is_char_boundary(next) {
                next += 1;
            }
            chars += text[at..next].chars().count();
            at = next;
            steps.push((at, chars));
        }
        LineIndex {
            text,
            starts,
            steps,
        }
    }

    /// Chars in `text[..offset]`.
    fn chars_before(&self, offset: usize) -> usize {
        let k = self.steps.partition_point(|&(b, _)| b <= offset) - 1;
        let (b, c) = self.steps[k];
        c + self.text[b..offset].chars().count()
    }

    pub fn position(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let col = self.chars_before(offset) - self.chars_before(self.starts[line]);
        (line, col)
    }

    /// Byte range of a line without its line break.
    pub fn line_bounds(&self, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line];
        start..start + self.line_text(line).len()
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

/// The JSON report as a value (for callers that add fields to it).
pub fn json_value(reports: &[FileReport]) -> Value {
    serde_json::to_value(JsonReport(reports)).expect("a JSON report always serializes")
}

/// Writes the JSON report as it serializes, finding by finding: a file with
/// 100,000 findings never exists as a tree of values in memory.
pub fn json(out: &mut impl Write, reports: &[FileReport]) -> io::Result<()> {
    let mut out = io::BufWriter::new(out);
    serde_json::to_writer_pretty(&mut out, &JsonReport(reports))?;
    writeln!(out)?;
    out.flush()
}

/// `{"version", "files", "summary"}`: the stable JSON format (docs/cli.md).
struct JsonReport<'a>(&'a [FileReport]);

impl Serialize for JsonReport<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (total, errors, warnings, file_errors) = counts(self.0);
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("version", &1)?;
        m.serialize_entry("files", &Seq(|| self.0.iter().map(JsonFile)))?;
        m.serialize_entry(
            "summary",
            &json!({"files": self.0.len(), "diagnostics": total, "errors": errors, "warnings": warnings, "file_errors": file_errors}),
        )?;
        m.end()
    }
}

/// A sequence serialized straight from an iterator (made anew per call).
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

struct JsonFile<'a>(&'a FileReport);

impl Serialize for JsonFile<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let idx = LineIndex::new(&r.text);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("path", &r.path)?;
        m.serialize_entry(
            "diagnostics",
            &Seq(|| r.findings().iter().map(|f| JsonFinding(f, &idx))),
        )?;
        m.serialize_entry("error", &r.error)?;
        if let Some(res) = &r.result {
            m.serialize_entry("kind", res.kind.id())?;
            m.serialize_entry("score", &res.summary.score)?;
        }
        m.end()
    }
}

struct JsonFinding<'a>(&'a Finding, &'a LineIndex<'a>);

impl Serialize for JsonFinding<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (f, idx) = (self.0, self.1);
        let (sl, sc) = idx.position(f.range.start);
        let (el, ec) = idx.position(f.range.end);
        let mut m = s.serialize_map(Some(7))?;
        m.serialize_entry("rule", f.rule.as_ref())?;
        m.serialize_entry("category", f.category.id())?;
        m.serialize_entry("severity", f.severity.id())?;
        m.serialize_entry("message", f.message.as_ref())?;
        m.serialize_entry(
            "range",
            &json!({"start": {"line": sl, "column": sc}, "end": {"line": el, "column": ec}}),
        )?;
        m.serialize_entry("byte_range", &[f.range.start, f.range.end])?;
        m.serialize_entry(
            "fixes",
            &Seq(|| {
                f.fixes.iter().map(|x| {
                    let e = &x.edits[0];
                    json!({"title": x.title, "replacement": e.replacement, "byte_range": [e.range.start, e.range.end], "preferred": x.preferred})
                })
            }),
        )?;
        m.end()
    }
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// A line longer than this many chars is shown as a window around the span.
const MAX_LINE_CHARS: usize = 120;
/// Chars of context shown on each side of a span in a long line.
const CONTEXT_CHARS: usize = 40;
/// Most chars of a span shown (and underlined) in a long line.
const MAX_SPAN_CHARS: usize = 80;

/// Whether a char would act on the terminal instead of printing: control
/// characters (escape sequences, carriage return, bell) and bidi overrides.
fn is_terminal_control(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Appends how a char is shown; returns its width in columns.
fn show_char(c: char, out: &mut String) -> usize {
    if is_terminal_control(c) {
        let before = out.len();
        out.push_str(&c.escape_unicode().to_string());
        out.len() - before
    } else {
        out.push(c);
        1
    }
}

/// Text from a file, with terminal control characters escaped (`\u{1b}`).
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        show_char(c, &mut out);
    }
    std::borrow::Cow::Owned(out)
}

/// The source line as shown under a finding, with its underline position.
struct Snippet {
    text: String,
    caret_prefix: String,
    caret_width: usize,
}

/// Shows the line holding `span` (byte ranges into `src`): the whole line
/// when short, else a window of context around the span, cut with `…`.
/// Costs O(window), never O(line), so long lines print in linear time.
fn snippet(src: &str, line: std::ops::Range<usize>, span: std::ops::Range<usize>) -> Snippet {
    let floor = |mut i: usize| {
        i = i.clamp(line.start, line.end);
        while !src.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (start, end) = (floor(span.start), floor(span.end.max(span.start)));
    let long =
        line.len() > MAX_LINE_CHARS && src[line.clone()].chars().nth(MAX_LINE_CHARS).is_some();
    let (from, span_end, to) = if long {
        let from = src[line.start..start]
            .char_indices()
            .rev()
            .nth(CONTEXT_CHARS - 1)
            .map_or(line.start, |(i, _)| line.start + i);
        let span_end = src[start..end]
            .char_indices()
            .nth(MAX_SPAN_CHARS)
            .map_or(end, |(i, _)| start + i);
        let to = src[span_end..line.end]
            .char_indices()
            .nth(CONTEXT_CHARS)
            .map_or(line.end, |(i, _)| span_end + i);
        (from, span_end, to)
    } else {
        (line.start, end, line.end)
    };
    let mut text = String::new();
    let mut caret_prefix = String::new();
    if from > line.start {
        text.push('\u{2026}');
        caret_prefix.push(' ');
    }
    for c in src[from..start].chars() {
        let w = show_char(c, &mut text);
        if c == '\t' {
            caret_prefix.push('\t');
        } else {
            caret_prefix.extend(std::iter::repeat_n(' ', w));
        }
    }
    let mut caret_width = 0;
    for c in src[start..span_end].chars() {
        caret_width += show_char(c, &mut text);
    }
    for c in src[span_end..to].chars() {
        show_char(c, &mut text);
    }
    if to < line.end {
        text.push('\u{2026}');
    }
    Snippet {
        text,
        caret_prefix,
        caret_width,
    }
}

pub fn human(out: &mut impl Write, reports: &[FileReport], color: bool) -> io::Result<()> {
    for r in reports {
        if let Some(e) = &r.error {
            writeln!(
                out,
                "{}: {}: {}",
                paint(color, "1;31", "error"),
                escape_controls(&r.path),
                escape_controls(e)
            )?;
            continue;
        }
        let idx = LineIndex::new(&r.text);
        for f in r.findings() {
            let (sl, sc) = idx.position(f.range.start);
            let (el, _) = idx.position(f.range.end);
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
                paint(color, "1", &format!("[{}]", escape_controls(&f.rule))),
                escape_controls(&f.message)
            )?;
            let gutter = (el + 1).to_string().len();
            writeln!(
                out,
                "{:gutter$}{} {}:{}:{}",
                "",
                paint(color, "1;34", "-->"),
                escape_controls(&r.path),
                sl + 1,
                sc + 1
            )?;
            writeln!(out, "{:gutter$} {}", "", paint(color, "1;34", "|"))?;
            let shown = snippet(&r.text, idx.line_bounds(sl), f.range.clone());
            writeln!(
                out,
                "{:>gutter$} {} {}",
                sl + 1,
                paint(color, "1;34", "|"),
                shown.text
            )?;
            writeln!(
                out,
                "{:gutter$} {} {}{}",
                "",
                paint(color, "1;34", "|"),
                shown.caret_prefix,
                paint(color, code, &"^".repeat(shown.caret_width.max(1)))
            )?;
            if let Some(fix) = f.fixes.first() {
                writeln!(
                    out,
                    "{:gutter$} {} fix: {}",
                    "",
                    paint(color, "1;34", "="),
                    escape_controls(&fix.title)
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
