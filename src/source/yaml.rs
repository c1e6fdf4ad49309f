//! YAML macro-export producer: a focused scanner with exact byte spans for
//! the YAML subset real template files use, and the prose selection.
//!
//! Supported: block mappings and sequences (compact `- key: v` too),
//! documents (`---`, `...`), comments, anchors/tags (skipped), aliases,
//! flow collections, plain scalars with multi-line folding, single- and
//! double-quoted scalars (all escapes, folding), and block scalars `|`/`>`
//! with chomping and indentation indicators. Not supported (a clear error):
//! complex keys (`? `). Every decoded value maps to exact file bytes; the
//! line break plus indentation between two lines of a value is one atomic
//! run, so a finding that crosses it still gets a fix (written on one line).

use std::ops::Range;

use super::embed::{append_embedded, is_prose_key, InnerFormat, PathStep, Selection};
use super::{parse_directive, Escape, OffsetMap, SourceDoc, SourceError, SourceOptions};

const MAX_DEPTH: usize = 256;

/// How a scalar is written, which decides how fix text is escaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarStyle {
    Plain,
    /// A plain scalar inside a flow collection (`[a, b]`), where `,[]{}` end it.
    FlowPlain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

impl ScalarStyle {
    fn escape(self) -> Escape {
        match self {
            ScalarStyle::Plain | ScalarStyle::FlowPlain => Escape::YamlPlain,
            ScalarStyle::Literal | ScalarStyle::Folded => Escape::YamlBlock,
            ScalarStyle::SingleQuoted => Escape::YamlSingle,
            ScalarStyle::DoubleQuoted => Escape::YamlDouble,
        }
    }
}

/// A scalar: its decoded value and how value bytes map to the file.
#[derive(Debug, Clone)]
pub struct YamlScalar {
    pub value: String,
    pub map: OffsetMap,
    pub style: ScalarStyle,
    /// The scalar in the file (indicators and quotes included).
    pub span: Range<usize>,
}

impl YamlScalar {
    /// Whether the scalar is unquoted (its type depends on its text).
    pub fn is_plain(&self) -> bool {
        matches!(self.style, ScalarStyle::Plain | ScalarStyle::FlowPlain)
    }

    /// Whether the scalar is a string (not a plain null, boolean or number).
    pub fn is_string(&self) -> bool {
        if !self.is_plain() {
            return true;
        }
        let v = self.value.as_str();
        let non_string = matches!(
            v,
            "" | "~"
                | "null"
                | "Null"
                | "NULL"
                | "true"
                | "True"
                | "TRUE"
                | "false"
                | "False"
                | "FALSE"
        ) || v.parse::<f64>().is_ok();
        !non_string
    }
}

#[derive(Debug, Clone)]
pub enum YamlValue {
    Map(Vec<(YamlScalar, YamlValue)>),
    Seq(Vec<YamlValue>),
    Scalar(YamlScalar),
    /// An empty value or an alias.
    Null,
}

/// Parses every document of a YAML stream.
pub fn parse(text: &str) -> Result<Vec<YamlValue>, SourceError> {
    parse_with_comments(text).map(|(docs, _)| docs)
}

/// Parses every document, and returns the byte offsets of its `#` comments.
pub fn parse_with_comments(text: &str) -> Result<(Vec<YamlValue>, Vec<usize>), SourceError> {
    let mut p = Parser {
        text,
        b: text.as_bytes(),
        pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
        depth: 0,
        comments: Vec::new(),
    };
    let docs = p.stream()?;
    let mut comments = p.comments;
    comments.sort_unstable();
    comments.dedup();
    Ok((docs, comments))
}

/// Extracts the prose strings of a YAML export.
pub fn extract(text: &str, opts: &SourceOptions) -> Result<SourceDoc, SourceError> {
    let (docs, comments) = parse_with_comments(text)?;
    // What this scanner accepts must be YAML to a compliant parser too.
    super::yaml_events::validate(text)?;
    let selection = Selection::new(opts);
    let mut picked = Vec::new();
    for root in &docs {
        let mut path = Vec::new();
        if selection.configured() {
            select_configured(root, &selection, &mut path, &mut picked);
        } else {
            select_automatic(root, None, &mut picked);
        }
    }
    let mut doc = SourceDoc::default();
    // `# tactful-disable …` and `# tactful: kind=…` comments.
    for at in comments {
        let end = memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |e| at + e);
        let (directive, kind) = parse_directive(&text[at + 1..end], at);
        doc.directives.extend(directive);
        if kind.is_some() {
            doc.kind = kind;
        }
    }
    for (s, format) in picked {
        append_embedded(&mut doc, &s.value, &s.map, s.style.escape(), format, opts);
    }
    Ok(doc)
}

fn key_of(path: &[PathStep]) -> &str {
    path.iter()
        .rev()
        .find_map(|s| match s {
            PathStep::Key(k) => Some(k.as_str()),
            PathStep::Index(_) => None,
        })
        .unwrap_or("")
}

fn select_configured<'a>(
    v: &'a YamlValue,
    selection: &Selection,
    path: &mut Vec<PathStep>,
    out: &mut Vec<(&'a YamlScalar, InnerFormat)>,
) {
    match v {
        YamlValue::Scalar(s) => {
            if s.is_string() && selection.selects(path) {
                out.push((s, InnerFormat::of(key_of(path), &s.value)));
            }
        }
        YamlValue::Map(entries) => {
            for (k, child) in entries {
                path.push(PathStep::Key(k.value.clone()));
                select_configured(child, selection, path, out);
                path.pop();
            }
        }
        YamlValue::Seq(items) => {
            let selected_parent = selection.selects(path);
            for (i, child) in items.iter().enumerate() {
                path.push(PathStep::Index(i));
                match child {
                    YamlValue::Scalar(s) if selected_parent && s.is_string() => {
                        out.push((s, InnerFormat::of(key_of(path), &s.value)));
                    }
                    _ => select_configured(child, selection, path, out),
                }
                path.pop();
            }
        }
        YamlValue::Null => {}
    }
}

fn select_automatic<'a>(
    v: &'a YamlValue,
    key: Option<&str>,
    out: &mut Vec<(&'a YamlScalar, InnerFormat)>,
) {
    match v {
        YamlValue::Scalar(s) => {
            if let Some(k) = key.filter(|k| is_prose_key(k)) {
                if s.is_string() {
                    out.push((s, InnerFormat::of(k, &s.value)));
                }
            }
        }
        YamlValue::Seq(items) => {
            for item in items {
                select_automatic(item, key, out);
            }
        }
        YamlValue::Map(entries) => {
            for (k, child) in entries {
                select_automatic(child, Some(&k.value), out);
            }
        }
        YamlValue::Null => {}
    }
}

struct Parser<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    depth: usize,
    /// Offsets of the `#` of every comment seen.
    comments: Vec<usize>,
}

fn is_blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_break_or_end(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b'\n' | b'\r'))
}

fn is_ws_or_end(c: Option<&u8>) -> bool {
    matches!(c, None | Some(b' ' | b'\t' | b'\n' | b'\r'))
}

impl Parser<'_> {
    fn error(&self, at: usize, message: &str) -> SourceError {
        SourceError::at(self.text, at, message)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn line_start(&self, p: usize) -> usize {
        self.text[..p.min(self.b.len())]
            .rfind('\n')
            .map(|i| i + 1)
            .unwrap_or(0)
    }

    fn line_end(&self, p: usize) -> usize {
        memchr::memchr(b'\n', &self.b[p.min(self.b.len())..])
            .map(|i| p + i)
            .unwrap_or(self.b.len())
    }

    fn col(&self, p: usize) -> i64 {
        (p - self.line_start(p)) as i64
    }

    /// Content end of a line (before `\r\n` / `\n`).
    fn content_end(&self, line_end: usize) -> usize {
        if line_end > 0 && self.b.get(line_end - 1) == Some(&b'\r') {
            line_end - 1
        } else {
            line_end
        }
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.pos += 1;
        }
    }

    /// Skips whitespace, line breaks and comments up to the next content.
    fn skip_to_content(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'#') => {
                    self.comments.push(self.pos);
                    self.pos = self.line_end(self.pos);
                }
                _ => return,
            }
        }
    }

    fn at_doc_marker(&self) -> bool {
        let p = self.pos;
        self.col(p) == 0
            && (self.text[p..].starts_with("---") || self.text[p..].starts_with("..."))
            && is_ws_or_end(self.b.get(p + 3))
    }

    fn at_seq_dash(&self, p: usize) -> bool {
        self.b.get(p) == Some(&b'-') && is_ws_or_end(self.b.get(p + 1))
    }

    fn stream(&mut self) -> Result<Vec<YamlValue>, SourceError> {
        let mut docs = Vec::new();
        loop {
            self.skip_to_content();
            let Some(c) = self.peek() else { break };
            if c == b'%' && self.col(self.pos) == 0 {
                self.pos = self.line_end(self.pos);
                continue;
            }
            if self.at_doc_marker() {
                let dashes = self.text[self.pos..].starts_with("---");
                self.pos += 3;
                if dashes {
                    self.skip_blanks();
                    if !matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#')) {
                        docs.push(self.value_after_indicator(-1, false)?);
                    }
                }
                continue;
            }
            docs.push(self.block_node(-1)?);
            self.skip_to_content();
            if self.pos < self.b.len() && !self.at_doc_marker() {
                return Err(self.error(
                    self.pos,
                    "unexpected content here: check the indentation (YAML nests by spaces)",
                ));
            }
        }
        Ok(docs)
    }

    /// A node starting at the current content position, which must be
    /// indented more than `parent`.
    fn block_node(&mut self, parent: i64) -> Result<YamlValue, SourceError> {
        let c = self.col(self.pos);
        if c <= parent || self.pos >= self.b.len() {
            return Ok(YamlValue::Null);
        }
        if self.at_seq_dash(self.pos) {
            return self.sequence(c);
        }
        if self.line_has_key(self.pos) {
            return self.mapping(c);
        }
        // An anchor or tag alone on its line applies to the node below it.
        if matches!(self.peek(), Some(b'&' | b'!')) {
            let save = self.pos;
            while !is_ws_or_end(self.b.get(self.pos)) {
                self.pos += 1;
            }
            self.skip_blanks();
            if matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#')) {
                self.skip_to_content();
                if self.pos >= self.b.len() || self.at_doc_marker() || self.col(self.pos) <= parent
                {
                    return Ok(YamlValue::Null);
                }
                self.enter()?;
                let v = self.block_node(parent);
                self.depth -= 1;
                return v;
            }
            self.pos = save;
        }
        self.inline_value(parent, false)
    }

    fn enter(&mut self) -> Result<(), SourceError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(self.pos, "YAML nested too deeply (more than 256 levels)"));
        }
        Ok(())
    }

    /// The value after `key:` or `- ` (cursor just past the indicator).
    fn value_after_indicator(
        &mut self,
        parent: i64,
        same_indent_seq: bool,
    ) -> Result<YamlValue, SourceError> {
        self.skip_blanks();
        // Properties: anchors and tags.
        while let Some(b'&' | b'!') = self.peek() {
            while !is_ws_or_end(self.b.get(self.pos)) {
                self.pos += 1;
            }
            self.skip_blanks();
        }
        if self.peek() == Some(b'*') {
            while !is_ws_or_end(self.b.get(self.pos)) {
                self.pos += 1;
            }
            return Ok(YamlValue::Null);
        }
        if matches!(self.peek(), None | Some(b'\n' | b'\r' | b'#')) {
            self.skip_to_content();
            if self.pos >= self.b.len() || self.at_doc_marker() {
                return Ok(YamlValue::Null);
            }
            let c = self.col(self.pos);
            if c > parent {
                self.enter()?;
                let v = self.block_node(parent);
                self.depth -= 1;
                return v;
            }
            if same_indent_seq && c == parent && self.at_seq_dash(self.pos) {
                self.enter()?;
                let v = self.sequence(c);
                self.depth -= 1;
                return v;
            }
            return Ok(YamlValue::Null);
        }
        self.inline_value(parent, same_indent_seq)
    }

    /// A value that starts on the current line.
    fn inline_value(&mut self, parent: i64, after_key: bool) -> Result<YamlValue, SourceError> {
        self.enter()?;
        let v = self.inline_value_inner(parent, after_key);
        self.depth -= 1;
        v
    }

    fn inline_value_inner(
        &mut self,
        parent: i64,
        after_key: bool,
    ) -> Result<YamlValue, SourceError> {
        let p = self.pos;
        match self.peek() {
            Some(b'|' | b'>') => Ok(YamlValue::Scalar(self.block_scalar(parent)?)),
            Some(b'[' | b'{') => self.flow_node(),
            Some(b'?') if is_ws_or_end(self.b.get(p + 1)) => Err(self.error(
                p,
                "complex mapping keys (`? key`) are not supported; write `key: value`",
            )),
            _ if self.at_seq_dash(p) => {
                if after_key {
                    return Err(self.error(p, "a sequence cannot start on the same line as its key; move `- ` to the next line"));
                }
                self.sequence(self.col(p))
            }
            _ if self.line_has_key(p) => {
                if after_key {
                    return Err(self.error(
                        p,
                        "a value containing `: ` must be quoted (or move a nested mapping to the next line, indented)",
                    ));
                }
                self.mapping(self.col(p))
            }
            Some(b'"') => Ok(YamlValue::Scalar(self.double_quoted()?)),
            Some(b'\'') => Ok(YamlValue::Scalar(self.single_quoted()?)),
            _ => Ok(YamlValue::Scalar(self.plain(parent)?)),
        }
    }

    /// Whether the line from `p` is `key: …` (a mapping entry).
    fn line_has_key(&self, p: usize) -> bool {
        let end = self.line_end(p);
        let Some(&first) = self.b.get(p) else {
            return false;
        };
        let mut i = p;
        if first == b'"' || first == b'\'' {
            i += 1;
            loop {
                if i >= end {
                    return false;
                }
                let c = self.b[i];
                if first == b'"' && c == b'\\' {
                    i += 2;
                    continue;
                }
                if c == first {
                    if first == b'\'' && self.b.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            while i < end && is_blank(self.b[i]) {
                i += 1;
            }
            return self.b.get(i) == Some(&b':') && is_ws_or_end(self.b.get(i + 1));
        }
        if matches!(
            first,
            b'[' | b'{' | b'|' | b'>' | b'#' | b'%' | b'@' | b'`' | b'*'
        ) || self.at_seq_dash(p)
        {
            return false;
        }
        while i < end {
            let c = self.b[i];
            if c == b':' && is_ws_or_end(self.b.get(i + 1)) {
                return true;
            }
            if c == b'#' && i > p && is_blank(self.b[i - 1]) {
                return false;
            }
            i += 1;
        }
        false
    }

    fn sequence(&mut self, c: i64) -> Result<YamlValue, SourceError> {
        let mut items = Vec::new();
        loop {
            self.pos += 1; // the dash
            items.push(self.value_after_indicator(c, false)?);
            self.skip_to_content();
            if self.pos >= self.b.len() || self.at_doc_marker() {
                break;
            }
            let nc = self.col(self.pos);
            if nc == c && self.at_seq_dash(self.pos) {
                continue;
            }
            if nc <= c {
                break;
            }
            return Err(self.error(
                self.pos,
                "unexpected indentation: this line is indented more than the `- ` items above it",
            ));
        }
        Ok(YamlValue::Seq(items))
    }

    fn mapping(&mut self, c: i64) -> Result<YamlValue, SourceError> {
        let mut entries = Vec::new();
        loop {
            let key = self.key()?;
            let value = self.value_after_indicator(c, true)?;
            entries.push((key, value));
            self.skip_to_content();
            if self.pos >= self.b.len() || self.at_doc_marker() {
                break;
            }
            let nc = self.col(self.pos);
            if nc < c || (nc == c && self.at_seq_dash(self.pos)) {
                break;
            }
            if nc == c {
                if self.line_has_key(self.pos) {
                    continue;
                }
                return Err(self.error(
                    self.pos,
                    "expected a `key: value` line (a colon and a space after the key)",
                ));
            }
            return Err(self.error(
                self.pos,
                "unexpected indentation: this line is indented more than the keys above it",
            ));
        }
        Ok(YamlValue::Map(entries))
    }

    /// A mapping key; leaves the cursor after its `:`.
    fn key(&mut self) -> Result<YamlScalar, SourceError> {
        let key = match self.peek() {
            Some(b'"') => self.double_quoted()?,
            Some(b'\'') => self.single_quoted()?,
            _ => {
                let start = self.pos;
                let end = self.line_end(start);
                let mut i = start;
                while i < end && !(self.b[i] == b':' && is_ws_or_end(self.b.get(i + 1))) {
                    i += 1;
                }
                let mut stop = i;
                while stop > start && is_blank(self.b[stop - 1]) {
                    stop -= 1;
                }
                self.pos = i;
                let mut map = OffsetMap::new();
                map.push_verbatim(0, start, stop - start);
                YamlScalar {
                    value: self.text[start..stop].to_string(),
                    map,
                    style: ScalarStyle::Plain,
                    span: start..stop,
                }
            }
        };
        self.skip_blanks();
        if self.peek() != Some(b':') {
            return Err(self.error(self.pos, "expected `:` after the key"));
        }
        self.pos += 1;
        Ok(key)
    }

    /// Position of the next non-blank line's content and the number of
    /// blank lines skipped, from `from` (at a line break or line end).
    fn next_content_line(&self, from: usize) -> Option<(usize, usize)> {
        let mut p = from;
        let mut breaks = 0;
        loop {
            match self.b.get(p) {
                Some(b'\n') => {
                    breaks += 1;
                    p += 1;
                }
                Some(b' ' | b'\t' | b'\r') => p += 1,
                Some(_) => return Some((p, breaks)),
                None => return None,
            }
        }
    }

    /// Folds the line break(s) between `from` and `to` into `value`.
    fn push_fold(value: &mut String, map: &mut OffsetMap, from: usize, to: usize, breaks: usize) {
        let sep = if breaks <= 1 {
            " ".to_string()
        } else {
            "\n".repeat(breaks - 1)
        };
        map.push_atomic(value.len(), sep.len(), from, to - from);
        value.push_str(&sep);
    }

    fn plain(&mut self, parent: i64) -> Result<YamlScalar, SourceError> {
        let start = self.pos;
        let mut value = String::new();
        let mut map = OffsetMap::new();
        let mut first_line = true;
        loop {
            let line_start_content = self.pos;
            let end = self.line_end(self.pos);
            let mut i = self.pos;
            let mut stopped_at_colon = false;
            while i < end {
                let c = self.b[i];
                if c == b':' && is_ws_or_end(self.b.get(i + 1)) {
                    stopped_at_colon = true;
                    break;
                }
                if c == b'#' && i > line_start_content && is_blank(self.b[i - 1]) {
                    break;
                }
                i += 1;
            }
            if stopped_at_colon && !first_line {
                return Err(self.error(
                    i,
                    "a `key: value` line inside a multi-line value: check this line's indentation, or quote a value containing `: `",
                ));
            }
            let mut stop = i;
            while stop > line_start_content && matches!(self.b[stop - 1], b' ' | b'\t' | b'\r') {
                stop -= 1;
            }
            map.push_verbatim(value.len(), line_start_content, stop - line_start_content);
            value.push_str(&self.text[line_start_content..stop]);
            self.pos = stop;
            first_line = false;
            if i < end {
                // A comment or `: ` ends the scalar.
                break;
            }
            let Some((next, breaks)) = self.next_content_line(stop) else {
                break;
            };
            let save = self.pos;
            self.pos = next;
            let continues = self.col(next) > parent
                && self.b[next] != b'#'
                && !self.at_doc_marker()
                && breaks > 0;
            self.pos = save;
            if !continues {
                break;
            }
            Self::push_fold(&mut value, &mut map, stop, next, breaks);
            self.pos = next;
        }
        Ok(YamlScalar {
            value,
            map,
            style: ScalarStyle::Plain,
            span: start..self.pos,
        })
    }

    fn single_quoted(&mut self) -> Result<YamlScalar, SourceError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut map = OffsetMap::new();
        let mut run = self.pos;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error(
                    start,
                    "unterminated single-quoted string: add the closing `'`",
                ));
            };
            match c {
                b'\'' => {
                    map.push_verbatim(value.len(), run, self.pos - run);
                    value.push_str(&self.text[run..self.pos]);
                    if self.b.get(self.pos + 1) == Some(&b'\'') {
                        map.push_atomic(value.len(), 1, self.pos, 2);
                        value.push('\'');
                        self.pos += 2;
                        run = self.pos;
                        continue;
                    }
                    self.pos += 1;
                    return Ok(YamlScalar {
                        value,
                        map,
                        style: ScalarStyle::SingleQuoted,
                        span: start..self.pos,
                    });
                }
                b'\n' | b'\r' => {
                    self.fold_quoted_break(&mut value, &mut map, run, start)?;
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }

    /// At a line break inside a quoted scalar: folds it (trailing blanks of
    /// the line and leading blanks of the next are not content).
    fn fold_quoted_break(
        &mut self,
        value: &mut String,
        map: &mut OffsetMap,
        run: usize,
        start: usize,
    ) -> Result<(), SourceError> {
        let mut stop = self.pos;
        while stop > run && is_blank(self.b[stop - 1]) {
            stop -= 1;
        }
        map.push_verbatim(value.len(), run, stop - run);
        value.push_str(&self.text[run..stop]);
        let Some((next, breaks)) = self.next_content_line(self.pos) else {
            return Err(self.error(start, "unterminated quoted string: add the closing quote"));
        };
        Self::push_fold(value, map, stop, next, breaks);
        self.pos = next;
        Ok(())
    }

    fn double_quoted(&mut self) -> Result<YamlScalar, SourceError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let mut map = OffsetMap::new();
        let mut run = self.pos;
        loop {
            let Some(c) = self.peek() else {
                return Err(self.error(
                    start,
                    "unterminated double-quoted string: add the closing `\"`",
                ));
            };
            match c {
                b'"' => {
                    map.push_verbatim(value.len(), run, self.pos - run);
                    value.push_str(&self.text[run..self.pos]);
                    self.pos += 1;
                    return Ok(YamlScalar {
                        value,
                        map,
                        style: ScalarStyle::DoubleQuoted,
                        span: start..self.pos,
                    });
                }
                b'\\' => {
                    map.push_verbatim(value.len(), run, self.pos - run);
                    value.push_str(&self.text[run..self.pos]);
                    let esc = self.pos;
                    if matches!(self.b.get(esc + 1), Some(b'\n' | b'\r')) {
                        // An escaped line break: joins the lines, no space.
                        let next =
                            self.next_content_line(esc + 1)
                                .map(|(n, _)| n)
                                .ok_or_else(|| {
                                    self.error(start, "unterminated double-quoted string")
                                })?;
                        self.pos = next;
                        run = next;
                        continue;
                    }
                    let decoded = self.yaml_escape()?;
                    map.push_atomic(value.len(), decoded.len_utf8(), esc, self.pos - esc);
                    value.push(decoded);
                    run = self.pos;
                }
                b'\n' | b'\r' => {
                    self.fold_quoted_break(&mut value, &mut map, run, start)?;
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }

    fn yaml_escape(&mut self) -> Result<char, SourceError> {
        let at = self.pos;
        let Some(&e) = self.b.get(at + 1) else {
            return Err(self.error(at, "unterminated escape"));
        };
        let (c, len) = match e {
            b'0' => ('\0', 2),
            b'a' => ('\u{7}', 2),
            b'b' => ('\u{8}', 2),
            b't' | b'\t' => ('\t', 2),
            b'n' => ('\n', 2),
            b'v' => ('\u{b}', 2),
            b'f' => ('\u{c}', 2),
            b'r' => ('\r', 2),
            b'e' => ('\u{1b}', 2),
            b' ' => (' ', 2),
            b'"' => ('"', 2),
            b'/' => ('/', 2),
            b'\\' => ('\\', 2),
            b'N' => ('\u{85}', 2),
            b'_' => ('\u{a0}', 2),
            b'L' => ('\u{2028}', 2),
            b'P' => ('\u{2029}', 2),
            b'x' | b'u' | b'U' => {
                let digits = match e {
                    b'x' => 2,
                    b'u' => 4,
                    _ => 8,
                };
                let hex = self
                    .text
                    .get(at + 2..at + 2 + digits)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .ok_or_else(|| self.error(at, "invalid hex escape in a double-quoted string"))?;
                let code = u32::from_str_radix(hex, 16).unwrap_or(0xfffd);
                (char::from_u32(code).unwrap_or('\u{fffd}'), 2 + digits)
            }
            _ => {
                return Err(self.error(
                    at,
                    "invalid escape in a double-quoted string (write a backslash as `\\\\`, or use single quotes)",
                ))
            }
        };
        self.pos = at + len;
        Ok(c)
    }

    fn block_scalar(&mut self, parent: i64) -> Result<YamlScalar, SourceError> {
        let start = self.pos;
        let literal = self.b[self.pos] == b'|';
        self.pos += 1;
        #[derive(PartialEq)]
        enum Chomp {
            Clip,
            Strip,
            Keep,
        }
        let mut chomp = Chomp::Clip;
        let mut explicit: Option<i64> = None;
        for _ in 0..2 {
            match self.peek() {
                Some(b'-') => chomp = Chomp::Strip,
                Some(b'+') => chomp = Chomp::Keep,
                Some(d @ b'1'..=b'9') => explicit = Some((d - b'0') as i64),
                _ => break,
            }
            self.pos += 1;
        }
        self.skip_blanks();
        if self.peek() == Some(b'#') {
            self.pos = self.line_end(self.pos);
        }
        if !is_break_or_end(self.b.get(self.pos)) {
            return Err(self.error(
                self.pos,
                "unexpected text after a block scalar indicator (`|` or `>`): the text starts on the next line",
            ));
        }
        let header_end = self.pos;
        // Lines: (content start, content end, is blank).
        let mut lines: Vec<(usize, usize, bool)> = Vec::new();
        let mut ls = match self.b.get(self.pos) {
            None => self.pos,
            Some(_) => self.line_end(self.pos) + 1,
        };
        let mut indent: Option<i64> = explicit.map(|d| parent.max(0) + d);
        if parent < 0 {
            indent = explicit;
        }
        while ls < self.b.len() {
            let le = self.line_end(ls);
            let ce = self.content_end(le);
            let spaces = self.b[ls..ce].iter().take_while(|b| **b == b' ').count() as i64;
            // Whitespace-only lines are empty lines, except that whitespace
            // past the content indentation is content.
            let all_blank = self.b[ls..ce].iter().all(|b| is_blank(*b));
            let blank = all_blank
                && match indent {
                    Some(n) => (ce - ls) as i64 <= n,
                    None => self.b[ls..ce].iter().all(|b| *b == b' '),
                };
            let want = match indent {
                Some(n) => n,
                None if blank => {
                    lines.push((ls + spaces as usize, ce, true));
                    ls = le + 1;
                    continue;
                }
                None => {
                    if spaces <= parent {
                        break;
                    }
                    indent = Some(spaces);
                    spaces
                }
            };
            if blank {
                lines.push((ls + (spaces.min(want)) as usize, ce, true));
            } else if spaces >= want {
                lines.push((ls + want as usize, ce, false));
            } else {
                break;
            }
            ls = le + 1;
        }
        // Trailing blank lines belong to the scalar only with `+`; the
        // cursor stays after the last content line.
        let last_content = lines.iter().rposition(|l| !l.2);
        let mut value = String::new();
        let mut map = OffsetMap::new();
        let mut span_end = header_end;
        if let Some(last) = last_content {
            let body = &lines[..=last];
            let first = body.iter().position(|l| !l.2).unwrap_or(0);
            // Leading blank lines are line breaks.
            if first > 0 {
                let from = header_end;
                let to = body[first].0;
                let sep = "\n".repeat(first);
                map.push_atomic(0, sep.len(), from, to - from);
                value.push_str(&sep);
            }
            let mut prev: Option<(usize, usize)> = None; // (index, end)
            let more = |l: &(usize, usize, bool)| matches!(self.b.get(l.0), Some(b' ' | b'\t'));
            for (idx, line) in body.iter().enumerate().skip(first) {
                if line.2 {
                    continue;
                }
                if let Some((pi, pend)) = prev {
                    let blanks = idx - pi - 1;
                    let sep = if literal || more(&body[pi]) || more(line) {
                        "\n".repeat(blanks + 1)
                    } else if blanks == 0 {
                        " ".to_string()
                    } else {
                        "\n".repeat(blanks)
                    };
                    map.push_atomic(value.len(), sep.len(), pend, line.0 - pend);
                    value.push_str(&sep);
                }
                map.push_verbatim(value.len(), line.0, line.1 - line.0);
                value.push_str(&self.text[line.0..line.1]);
                prev = Some((idx, line.1));
            }
            let (_, end) = prev.unwrap_or((0, header_end));
            let break_len = match self.b.get(end) {
                Some(b'\r') => 2,
                Some(b'\n') => 1,
                _ => 0,
            };
            match chomp {
                Chomp::Strip => {}
                Chomp::Clip => {
                    // Like libyaml, a final line break is implied at the end
                    // of the file.
                    map.push_atomic(value.len(), 1, end, break_len);
                    value.push('\n');
                    span_end = end + break_len;
                }
                Chomp::Keep => {
                    // The final line break and every trailing empty line.
                    let breaks = 1 + (lines.len() - last - 1);
                    let to = lines
                        .last()
                        .map(|l| l.1)
                        .unwrap_or(end)
                        .max(end + break_len);
                    let sep = "\n".repeat(breaks);
                    map.push_atomic(value.len(), sep.len(), end, to - end);
                    value.push_str(&sep);
                    span_end = to;
                }
            }
            span_end = span_end.max(end);
            self.pos = end;
        } else {
            self.pos = header_end;
        }
        let style = if literal {
            ScalarStyle::Literal
        } else {
            ScalarStyle::Folded
        };
        Ok(YamlScalar {
            value,
            map,
            style,
            span: start..span_end.max(self.pos),
        })
    }

    fn skip_flow_space(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'#') if self.pos > 0 && is_ws_or_end(self.b.get(self.pos - 1)) => {
                    self.comments.push(self.pos);
                    self.pos = self.line_end(self.pos)
                }
                _ => return,
            }
        }
    }

    fn flow_node(&mut self) -> Result<YamlValue, SourceError> {
        self.enter()?;
        let v = match self.peek() {
            Some(open @ (b'[' | b'{')) => self.flow_collection(open),
            Some(b'"') => self.double_quoted().map(YamlValue::Scalar),
            Some(b'\'') => self.single_quoted().map(YamlValue::Scalar),
            Some(b'*') => {
                while !is_ws_or_end(self.b.get(self.pos))
                    && !matches!(self.peek(), Some(b',' | b']' | b'}'))
                {
                    self.pos += 1;
                }
                Ok(YamlValue::Null)
            }
            _ => Ok(self.flow_plain()),
        };
        self.depth -= 1;
        v
    }

    fn flow_plain(&mut self) -> YamlValue {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if matches!(c, b',' | b'[' | b']' | b'{' | b'}' | b'\n' | b'\r')
                || (c == b':'
                    && (is_ws_or_end(self.b.get(self.pos + 1))
                        || matches!(self.b.get(self.pos + 1), Some(b',' | b']' | b'}'))))
                || (c == b'#' && self.pos > start && is_blank(self.b[self.pos - 1]))
            {
                break;
            }
            self.pos += 1;
        }
        let mut stop = self.pos;
        while stop > start && is_blank(self.b[stop - 1]) {
            stop -= 1;
        }
        if stop == start {
            return YamlValue::Null;
        }
        let mut map = OffsetMap::new();
        map.push_verbatim(0, start, stop - start);
        YamlValue::Scalar(YamlScalar {
            value: self.text[start..stop].to_string(),
            map,
            style: ScalarStyle::FlowPlain,
            span: start..stop,
        })
    }

    fn flow_collection(&mut self, open: u8) -> Result<YamlValue, SourceError> {
        let start = self.pos;
        let close = if open == b'[' { b']' } else { b'}' };
        self.pos += 1;
        let mut items = Vec::new();
        let mut entries = Vec::new();
        loop {
            self.skip_flow_space();
            match self.peek() {
                None => {
                    return Err(self.error(
                        start,
                        &format!(
                            "unclosed flow collection: add the closing `{}`",
                            close as char
                        ),
                    ))
                }
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                _ => {}
            }
            let node = self.flow_node()?;
            self.skip_flow_space();
            let mut value = None;
            if self.peek() == Some(b':') {
                self.pos += 1;
                self.skip_flow_space();
                value = Some(
                    if matches!(self.peek(), Some(b',') | Some(b']') | Some(b'}')) {
                        YamlValue::Null
                    } else {
                        self.flow_node()?
                    },
                );
                self.skip_flow_space();
            }
            match (node, value) {
                (YamlValue::Scalar(k), Some(v)) => {
                    if open == b'{' {
                        entries.push((k, v));
                    } else {
                        items.push(YamlValue::Map(vec![(k, v)]));
                    }
                }
                (node, _) => items.push(node),
            }
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    return Err(self.error(
                        self.pos,
                        &format!("expected `,` or `{}` in a flow collection", close as char),
                    ))
                }
            }
        }
        Ok(if open == b'{' {
            YamlValue::Map(entries)
        } else {
            YamlValue::Seq(items)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &SourceDoc) -> Vec<&str> {
        doc.segments.iter().map(|s| s.text.as_str()).collect()
    }

    fn yaml(text: &str) -> SourceDoc {
        extract(text, &SourceOptions::default()).unwrap()
    }

    /// Every string scalar's decoded value, in document order.
    fn values(text: &str) -> Vec<String> {
        fn walk(v: &YamlValue, out: &mut Vec<String>) {
            match v {
                YamlValue::Scalar(s) => out.push(s.value.clone()),
                YamlValue::Seq(items) => items.iter().for_each(|i| walk(i, out)),
                YamlValue::Map(entries) => entries.iter().for_each(|(_, v)| walk(v, out)),
                YamlValue::Null => out.push("~".into()),
            }
        }
        let mut out = Vec::new();
        for d in parse(text).unwrap() {
            walk(&d, &mut out);
        }
        out
    }

    #[test]
    fn block_scalars_decode_with_chomping_and_folding() {
        let src = "a: |\n  one\n   two\n\n  three\nb: >-\n  folded\n  line\n\n  para\nc: |+\n  keep\n\nd: >\n  x\n    more\n  y\ne: |2\n    indented\n";
        assert_eq!(
            values(src),
            vec![
                "one\n two\n\nthree\n",
                "folded line\npara",
                "keep\n\n",
                "x\n  more\ny\n",
                "  indented\n"
            ]
        );
    }

    #[test]
    fn quoted_and_plain_scalars_decode() {
        let src = "a: 'it''s\n  folded'\nb: \"tab\\there \\u00e9 \\x41\\\n   joined\"\nc: plain\n  continued # comment\nd: [x, 'y', {k: v}]\ne: ~\nf: &anc !!str tagged\ng: *anc\n";
        assert_eq!(
            values(src),
            vec![
                "it's folded",
                "tab\there é Ajoined",
                "plain continued",
                "x",
                "y",
                "v",
                "~",
                "tagged",
                "~"
            ]
        );
    }

    #[test]
    fn osticket_templates_lint_subject_and_html_body() {
        let src = "#\n# Email template\n---\nnotes: |\n    Internal notes.\n\nsubject: |\n    Re: %{ticket.subject}\nbody: |\n    <h3><strong>Dear %{recipient.name.first},</strong></h3>\n    %{response}\n    <div>We hope this\n    helps.</div>\n";
        let doc = yaml(src);
        assert_eq!(
            texts(&doc),
            vec![
                "Re: \u{E000}",
                "Dear \u{E000},",
                "\n\u{E000}\n",
                "We hope this\nhelps."
            ]
        );
        assert_eq!(doc.segments[1].escape, Escape::YamlBlockHtml);
        // "this helps" crosses the line break + indentation, an atomic run.
        let seg = &doc.segments[3];
        let at = seg.text.find("this").unwrap();
        let (r, ok) = seg.to_source(at..seg.text.len());
        assert!(ok);
        assert_eq!(&src[r], "this\n    helps.");
    }

    #[test]
    fn saved_replies_and_probot_comments() {
        let src = "replies:\n  - body: |\n      Hey @{{ author }}! Just checking in.\n    name: Checking In\n  - name: Other\n    body: \"Thanks \\\"a lot\\\"\"\n";
        let doc = yaml(src);
        assert_eq!(
            texts(&doc),
            vec!["Hey @\u{E000}! Just checking in.", "Thanks \"a lot\""]
        );
        assert_eq!(doc.segments[1].escape, Escape::YamlDouble);
        let seg = &doc.segments[1];
        let (r, ok) = seg.to_source(0..seg.text.len());
        assert!(ok);
        assert_eq!(&src[r], "Thanks \\\"a lot\\\"");

        let probot = "daysUntilStale: 60\nmarkComment: >\n  This issue has been\n  marked as stale.\ncloseComment: false\nexemptLabels:\n  - pinned\n";
        assert_eq!(
            texts(&yaml(probot)),
            vec!["This issue has been marked as stale."]
        );
    }

    #[test]
    fn yaml_comments_hold_directives() {
        let src = "# tactful: kind=internal-note\n# tactful-disable-next-line minimizing\nbody: Just do it. # tactful-enable\n";
        let doc = yaml(src);
        assert_eq!(doc.kind, Some(crate::model::Kind::InternalNote));
        let kinds: Vec<_> = doc.directives.iter().map(|d| (d.kind, d.offset)).collect();
        use crate::source::DirectiveKind::*;
        assert_eq!(kinds, vec![(DisableNextLine, 30), (Enable, 87)]);
        assert_eq!(&src[87..88], "#");
    }

    #[test]
    fn anchors_alone_on_a_line_apply_to_the_node_below() {
        let src = "a:\n  &common\n  type: map\n  body: Hello\nb: *common\nc: !!str\n  tagged\n";
        assert_eq!(values(src), vec!["map", "Hello", "~", "tagged"]);
    }

    #[test]
    fn configured_keys_select_values() {
        let src = "items:\n  - title: Hello there\n    text: no\n";
        let opts = SourceOptions {
            export_keys: vec!["/items/*/title".into()],
            ..Default::default()
        };
        assert_eq!(texts(&extract(src, &opts).unwrap()), vec!["Hello there"]);
    }

    #[test]
    fn invalid_yaml_reports_the_line() {
        let err = parse("a: 1\n   b: 2\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("indent"), "{}", err.message);
        let err = parse("a: \"open\nb: 1\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.message.contains("unterminated"));
        let err = parse("a: b: c\n").unwrap_err();
        assert!(err.message.contains("quoted"));
        assert!(parse("? complex\n: v\n").is_err());
        assert!(parse("a: [1, 2\n").is_err());
    }

    #[test]
    fn truncated_yaml_never_panics() {
        let src = "---\nreplies:\n  - body: |-\n      Hi 'x' \"y\" é\n    name: 'it''s'\n  - {a: [b, \"c\\u00e9\"], d: e}\nz: >+2\n   q\n\n...\n";
        for end in 0..=src.len() {
            if src.is_char_boundary(end) {
                let _ = extract(&src[..end], &SourceOptions::default());
            }
        }
        let deep = "[".repeat(10_000);
        assert!(parse(&deep).is_err());
        assert!(parse(&"- ".repeat(10_000)).is_err());
        let nested: String = (0..5_000)
            .map(|i| format!("{}k:\n", " ".repeat(i)))
            .collect();
        assert!(parse(&nested).is_err());
        let deep_quote = format!("a: {}", "{\"k\": ".repeat(5_000));
        assert!(parse(&deep_quote).is_err());
        for s in [
            "",
            "-",
            "- -",
            ":",
            "'",
            "\"\\",
            "|",
            ">9",
            "a:\n\t- b",
            "- a\n - b",
            "%YAML 1.2\n---\nx",
        ] {
            let _ = extract(s, &SourceOptions::default());
        }
    }
}

#[cfg(test)]
mod line_ending_tests {
    use super::*;

    #[test]
    fn crlf_files_decode_like_lf_files() {
        let lf = "replies:\n  - body: |\n      Hi there,\n      thanks.\n    name: 'a\n      b'\n  - body: \"x\n      y\"\n    text: plain\n      folded\nz: >-\n  one\n\n  two\n";
        let crlf = lf.replace('\n', "\r\n");
        let values = |t: &str| -> Vec<String> {
            let mut out = Vec::new();
            fn walk(v: &YamlValue, out: &mut Vec<String>) {
                match v {
                    YamlValue::Scalar(s) => out.push(s.value.clone()),
                    YamlValue::Seq(i) => i.iter().for_each(|v| walk(v, out)),
                    YamlValue::Map(e) => e.iter().for_each(|(_, v)| walk(v, out)),
                    YamlValue::Null => {}
                }
            }
            for d in parse(t).unwrap() {
                walk(&d, &mut out);
            }
            out
        };
        assert_eq!(values(lf), values(&crlf));
        let doc = extract(&crlf, &SourceOptions::default()).unwrap();
        for seg in &doc.segments {
            let (r, _) = seg.to_source(0..seg.text.len());
            assert!(!crlf[r].ends_with('\r'));
        }
    }
}
