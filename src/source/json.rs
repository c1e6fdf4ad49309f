//! JSON macro-export producer: a small scanner with exact byte spans for
//! every string, and the selection of which strings hold prose.
//!
//! Recognised without config: Zendesk macros (`actions[]` entries whose
//! `field` is `comment_value`, `comment_value_html` or `subject`), Freshdesk
//! canned responses (`content_html`, else `content`), and string values of
//! prose keys (see `embed::is_prose_key`). With `export_keys` configured only
//! those keys/pointers are linted. Each string is linted as HTML or Markdown
//! and maps through its escapes to exact file bytes; fixes are re-escaped.

use std::ops::Range;

use super::embed::{append_embedded, is_prose_key, InnerFormat, PathStep, Selection};
use super::{Escape, OffsetMap, SourceDoc, SourceError, SourceOptions};

/// Nesting deeper than this is refused (no stack overflow on hostile input).
const MAX_DEPTH: usize = 256;

/// A parsed JSON value with the spans tactful needs.
#[derive(Debug, Clone)]
pub enum JsonValue {
    Object(Vec<(JsonString, JsonValue)>),
    Array(Vec<JsonValue>),
    String(JsonString),
    /// Numbers, booleans, null.
    Scalar,
}

/// A string literal: its decoded value and how value bytes map to the file.
#[derive(Debug, Clone)]
pub struct JsonString {
    pub value: String,
    pub map: OffsetMap,
    /// The literal in the file, quotes included.
    pub span: Range<usize>,
}

impl JsonValue {
    fn get(&self, key: &str) -> Option<&JsonValue> {
        match self {
            JsonValue::Object(members) => {
                members.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
            }
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&JsonString> {
        match self {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Parses a whole JSON document.
pub fn parse(text: &str) -> Result<JsonValue, SourceError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    if text.starts_with('\u{feff}') {
        p.pos = 3;
    }
    p.skip_ws();
    let value = p.value(0)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error("unexpected text after the JSON value; a file holds one value (wrap several in an array)"));
    }
    Ok(value)
}

/// Extracts the prose strings of a JSON export.
pub fn extract(text: &str, opts: &SourceOptions) -> Result<SourceDoc, SourceError> {
    let root = parse(text)?;
    let selection = Selection::new(opts);
    let mut picked = Vec::new();
    let mut path = Vec::new();
    if selection.configured() {
        select_configured(&root, &selection, &mut path, &mut picked);
    } else {
        select_automatic(&root, None, &mut picked);
    }
    let mut doc = SourceDoc::default();
    for (s, format) in picked {
        append_embedded(&mut doc, &s.value, &s.map, Escape::Json, format, opts);
    }
    Ok(doc)
}

fn select_configured<'a>(
    v: &'a JsonValue,
    selection: &Selection,
    path: &mut Vec<PathStep>,
    out: &mut Vec<(&'a JsonString, InnerFormat)>,
) {
    match v {
        JsonValue::String(s) => {
            if selection.selects(path) {
                let key = key_of(path);
                out.push((s, InnerFormat::of(key, &s.value)));
            }
        }
        JsonValue::Object(members) => {
            for (k, child) in members {
                path.push(PathStep::Key(k.value.clone()));
                select_configured(child, selection, path, out);
                path.pop();
            }
        }
        JsonValue::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                // A selected key holding an array of strings selects them all.
                let selected_parent = selection.selects(path);
                path.push(PathStep::Index(i));
                match child {
                    JsonValue::String(s) if selected_parent => {
                        out.push((s, InnerFormat::of(key_of(path), &s.value)));
                    }
                    _ => select_configured(child, selection, path, out),
                }
                path.pop();
            }
        }
        JsonValue::Scalar => {}
    }
}

/// The nearest key in a path (for an array element, its array's key).
fn key_of(path: &[PathStep]) -> &str {
    path.iter()
        .rev()
        .find_map(|s| match s {
            PathStep::Key(k) => Some(k.as_str()),
            PathStep::Index(_) => None,
        })
        .unwrap_or("")
}

/// Zendesk action fields whose value a customer reads.
const ZENDESK_FIELDS: &[&str] = &["comment_value", "comment_value_html", "subject"];

fn select_automatic<'a>(
    v: &'a JsonValue,
    key: Option<&str>,
    out: &mut Vec<(&'a JsonString, InnerFormat)>,
) {
    match v {
        JsonValue::String(s) => {
            if let Some(k) = key.filter(|k| is_prose_key(k)) {
                out.push((s, InnerFormat::of(k, &s.value)));
            }
        }
        JsonValue::Array(items) => {
            for item in items {
                select_automatic(item, key, out);
            }
        }
        JsonValue::Object(members) => {
            // A Zendesk action: {"field": "comment_value", "value": "…"}.
            if let (Some(field), Some(value)) =
                (v.get("field").and_then(JsonValue::as_str), v.get("value"))
            {
                if ZENDESK_FIELDS.contains(&field.value.as_str()) {
                    zendesk_value(value, &field.value, out);
                }
                return;
            }
            // Freshdesk: `content_html` is the source of `content`.
            let has_html = v.get("content_html").is_some();
            for (k, child) in members {
                if has_html && k.value == "content" {
                    continue;
                }
                select_automatic(child, Some(&k.value), out);
            }
        }
        JsonValue::Scalar => {}
    }
}

/// A Zendesk action value: a string, or `["channel:all", "text"]`.
fn zendesk_value<'a>(
    value: &'a JsonValue,
    field: &str,
    out: &mut Vec<(&'a JsonString, InnerFormat)>,
) {
    match value {
        JsonValue::String(s) => out.push((s, InnerFormat::of(field, &s.value))),
        JsonValue::Array(items) => {
            for item in items {
                if let JsonValue::String(s) = item {
                    if !s.value.starts_with("channel:") {
                        out.push((s, InnerFormat::of(field, &s.value)));
                    }
                }
            }
        }
        _ => {}
    }
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn error(&self, message: &str) -> SourceError {
        SourceError::at(self.text, self.pos, message)
    }

    /// Skips whitespace and JSONC comments (`// …`, `/* … */`), which
    /// editors' JSON files (tsconfig, .vscode) often hold.
    fn skip_ws(&mut self) {
        loop {
            match self.bytes.get(self.pos) {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'/') => {
                    self.pos = memchr::memchr(b'\n', &self.bytes[self.pos..])
                        .map_or(self.bytes.len(), |e| self.pos + e);
                }
                Some(b'/') if self.bytes.get(self.pos + 1) == Some(&b'*') => {
                    self.pos = memchr::memmem::find(&self.bytes[self.pos + 2..], b"*/")
                        .map_or(self.bytes.len(), |e| self.pos + 2 + e + 2);
                }
                _ => return,
            }
        }
    }

    fn describe_here(&self) -> String {
        match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => format!("`{c}`"),
            None => "the end of the file".to_string(),
        }
    }

    fn value(&mut self, depth: usize) -> Result<JsonValue, SourceError> {
        if depth > MAX_DEPTH {
            return Err(self.error("JSON nested too deeply (more than 256 levels)"));
        }
        match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => Ok(JsonValue::String(self.string()?)),
            Some(b't') => self.literal("true"),
            Some(b'f') => self.literal("false"),
            Some(b'n') => self.literal("null"),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.error(&format!(
                "expected a JSON value (object, array, string, number, true, false or null), found {}",
                self.describe_here()
            ))),
        }
    }

    fn literal(&mut self, word: &str) -> Result<JsonValue, SourceError> {
        if self.text[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(JsonValue::Scalar)
        } else {
            Err(self.error(&format!("expected `{word}`; strings need double quotes")))
        }
    }

    fn number(&mut self) -> Result<JsonValue, SourceError> {
        let start = self.pos;
        while let Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        if self.text[start..self.pos].parse::<f64>().is_err() {
            self.pos = start;
            return Err(self.error("invalid number"));
        }
        Ok(JsonValue::Scalar)
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, SourceError> {
        self.pos += 1;
        let mut members = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(JsonValue::Object(members));
        }
        loop {
            self.skip_ws();
            // A trailing comma (JSONC) ends the object too.
            if self.bytes.get(self.pos) == Some(&b'}') && !members.is_empty() {
                self.pos += 1;
                return Ok(JsonValue::Object(members));
            }
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.error(&format!(
                    "expected a member name in double quotes, found {}",
                    self.describe_here()
                )));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.error(&format!(
                    "expected `:` after the member name, found {}",
                    self.describe_here()
                )));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(depth + 1)?;
            members.push((key, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(JsonValue::Object(members));
                }
                _ => {
                    return Err(self.error(&format!(
                        "expected `,` or `}}` after an object member, found {}",
                        self.describe_here()
                    )))
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, SourceError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            // A trailing comma (JSONC) ends the array too.
            if self.bytes.get(self.pos) == Some(&b']') && !items.is_empty() {
                self.pos += 1;
                return Ok(JsonValue::Array(items));
            }
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(JsonValue::Array(items));
                }
                _ => {
                    return Err(self.error(&format!(
                        "expected `,` or `]` after an array element, found {}",
                        self.describe_here()
                    )))
                }
            }
        }
    }

    /// A string literal at `pos` (on `"`): decoded value and exact map.
    fn string(&mut self) -> Result<JsonString, SourceError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut map = OffsetMap::new();
        let mut run = self.pos;
        loop {
            let Some(&c) = self.bytes.get(self.pos) else {
                self.pos = start;
                return Err(self.error("unterminated string: add the closing `\"`"));
            };
            match c {
                b'"' => {
                    map.push_verbatim(value.len(), run, self.pos - run);
                    value.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(JsonString {
                        value,
                        map,
                        span: start..self.pos,
                    });
                }
                b'\\' => {
                    map.push_verbatim(value.len(), run, self.pos - run);
                    value.push_str(&self.text[run..self.pos]);
                    let esc_start = self.pos;
                    let decoded = self.escape()?;
                    let at = value.len();
                    value.push(decoded);
                    map.push_atomic(at, decoded.len_utf8(), esc_start, self.pos - esc_start);
                    run = self.pos;
                }
                0..=0x1f => return Err(self.error(
                    "control character in a string: write a line break as `\\n` and a tab as `\\t`",
                )),
                _ => self.pos += 1,
            }
        }
    }

    /// Decodes the escape at `pos` (on `\`), surrogate pairs included.
    fn escape(&mut self) -> Result<char, SourceError> {
        let Some(&e) = self.bytes.get(self.pos + 1) else {
            return Err(self.error("unterminated escape at the end of the file"));
        };
        let simple = match e {
            b'"' => Some('"'),
            b'\\' => Some('\\'),
            b'/' => Some('/'),
            b'b' => Some('\u{8}'),
            b'f' => Some('\u{c}'),
            b'n' => Some('\n'),
            b'r' => Some('\r'),
            b't' => Some('\t'),
            _ => None,
        };
        if let Some(c) = simple {
            self.pos += 2;
            return Ok(c);
        }
        if e != b'u' {
            return Err(
                self.error("invalid escape: use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
            );
        }
        let high = self.hex4(self.pos + 2)?;
        self.pos += 6;
        if (0xD800..0xDC00).contains(&high) {
            if self.bytes.get(self.pos) == Some(&b'\\')
                && self.bytes.get(self.pos + 1) == Some(&b'u')
            {
                let low = self.hex4(self.pos + 2)?;
                if (0xDC00..0xE000).contains(&low) {
                    self.pos += 6;
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    return Ok(char::from_u32(code).unwrap_or('\u{fffd}'));
                }
            }
            return Ok('\u{fffd}');
        }
        Ok(char::from_u32(high).unwrap_or('\u{fffd}'))
    }

    fn hex4(&self, at: usize) -> Result<u32, SourceError> {
        let hex = self
            .text
            .get(at..at + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("invalid \\u escape: expected four hex digits"))?;
        u32::from_str_radix(hex, 16).map_err(|_| self.error("invalid \\u escape"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &SourceDoc) -> Vec<&str> {
        doc.segments.iter().map(|s| s.text.as_str()).collect()
    }

    fn json(text: &str) -> SourceDoc {
        extract(text, &SourceOptions::default()).unwrap()
    }

    #[test]
    fn zendesk_macros_lint_comment_values() {
        let src = r#"{"macros":[{"title":"You failed","actions":[
            {"field":"status","value":"solved"},
            {"field":"comment_value","value":"Hi {{ticket.requester.first_name}},\n\nYou \"failed\" caf\u00e9 \ud83d\ude00 ok."},
            {"field":"comment_value_html","value":"<p>Sorry &amp; <b>bye</b></p>"}]}]}"#;
        let doc = json(src);
        assert_eq!(
            texts(&doc),
            vec!["Hi \u{E000},", "You \"failed\" café 😀 ok.", "Sorry & bye"]
        );
        assert_eq!(doc.segments[0].escape, Escape::Json);
        assert_eq!(doc.segments[2].escape, Escape::JsonHtml);
        let seg = &doc.segments[1];
        let (r, ok) = seg.to_source(0..seg.text.len());
        assert!(ok);
        assert_eq!(&src[r], r#"You \"failed\" caf\u00e9 \ud83d\ude00 ok."#);
        let at = seg.text.find("café").unwrap();
        let (r, _) = seg.to_source(at..at + "café".len());
        assert_eq!(&src[r], r"caf\u00e9");
        // The placeholder is protected in file offsets.
        assert!(doc
            .protected
            .iter()
            .any(|r| &src[r.clone()] == "{{ticket.requester.first_name}}"));
    }

    #[test]
    fn single_macro_and_bare_macro_objects() {
        let one = r#"{"macro":{"actions":[{"field":"comment_value","value":"Calm down."}]}}"#;
        assert_eq!(texts(&json(one)), vec!["Calm down."]);
        let bare = r#"{"title":"x","actions":[{"field":"comment_value","value":["channel:all","Calm down."]}]}"#;
        assert_eq!(texts(&json(bare)), vec!["Calm down."]);
    }

    #[test]
    fn freshdesk_prefers_content_html() {
        let src = r#"[{"title":"T","content":"plain dup","content_html":"<div>Rich text</div>"},{"content":"Only plain"}]"#;
        assert_eq!(texts(&json(src)), vec!["Rich text", "Only plain"]);
    }

    #[test]
    fn configured_keys_and_pointers() {
        let src = r#"{"replies":[{"name":"n","body":"First"},{"name":"m","body":"Second"}],"note":{"body":"Third"}}"#;
        let opts = SourceOptions {
            export_keys: vec!["/replies/*/body".into()],
            ..Default::default()
        };
        assert_eq!(
            texts(&extract(src, &opts).unwrap()),
            vec!["First", "Second"]
        );
        let opts = SourceOptions {
            export_keys: vec!["name".into()],
            ..Default::default()
        };
        assert_eq!(texts(&extract(src, &opts).unwrap()), vec!["n", "m"]);
        assert_eq!(texts(&json(src)), vec!["First", "Second", "Third"]);
    }

    #[test]
    fn unknown_json_lints_prose_keys_only() {
        let src = r#"[{"type":"label","name":"*question","comment":"We closed this.\n\nHappy Coding!","count":3,"ok":true,"x":null}]"#;
        assert_eq!(texts(&json(src)), vec!["We closed this.", "Happy Coding!"]);
    }

    #[test]
    fn invalid_json_reports_line_and_column() {
        let err = parse("{\n  \"a\": 1\n  \"b\": 2\n}").unwrap_err();
        assert_eq!((err.line, err.column), (3, 3));
        assert!(
            err.message.contains("expected `,` or `}`"),
            "{}",
            err.message
        );
        let err = parse("{\"a\": 1, 'b': 2}").unwrap_err();
        assert!(
            err.message.contains("member name in double quotes"),
            "{}",
            err.message
        );
        assert!(parse("[,]").is_err());
        assert!(parse("{,}").is_err());
        let err = parse("{\"a\": \"x\n\"}").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("control character"));
        let err = parse("[1] 2").unwrap_err();
        assert!(err.message.contains("after the JSON value"));
        assert!(parse("\"abc").unwrap_err().message.contains("unterminated"));
    }

    #[test]
    fn jsonc_comments_and_trailing_commas_are_accepted() {
        let src = "// Saved replies\n{\n  /* one */ \"replies\": [\n    {\"body\": \"Hi // not a comment\"}, // first\n  ],\n}\n";
        assert_eq!(texts(&json(src)), vec!["Hi // not a comment"]);
        assert!(parse("/* unterminated").is_err());
    }

    #[test]
    fn truncated_and_hostile_json_never_panics() {
        let src = r#"{"macros":[{"actions":[{"field":"comment_value","value":"a\u00e9\ud83d\ude00\"é"}]}]}"#;
        for end in 0..=src.len() {
            if src.is_char_boundary(end) {
                let _ = extract(&src[..end], &SourceOptions::default());
            }
        }
        let deep = "[".repeat(100_000);
        assert!(parse(&deep).is_err());
        for s in [
            "",
            "\u{feff}",
            "\"\\u12",
            "\"\\ud800\"",
            "\"\\udc00\\u0041\"",
            "-",
            "1e",
            "tru",
            "{\"a\"",
            "\"\\",
        ] {
            let _ = extract(s, &SourceOptions::default());
        }
    }
}
