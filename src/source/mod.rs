//! The source model: turns a document's bytes into prose segments with exact
//! offset maps, masking what must never be linted (code, markup, placeholders).
//!
//! Every format is just another producer of [`Segment`]s; the engine never
//! special-cases a format. Offsets in findings are always source bytes.
//!
//! - [`placeholder`]: template tags in every format, masking, the segment builder.
//! - [`text`], [`markdown`], [`html`]: document producers.
//! - [`json`], [`yaml`]: export scanners with exact spans; [`embed`] picks the
//!   prose strings and composes their inner format's maps through escapes.
//! - [`url`]: bare URLs; [`offset_map`]: segment → source offsets.
//! - [`displayed`]: emphasised runs that quote what a product shows (read as quoted text).
//!
//! The user-facing description of every format is docs/formats.md.

pub mod displayed;
pub mod embed;
pub mod html;
pub mod json;
pub mod markdown;
pub mod offset_map;
pub mod placeholder;
pub mod repair;
pub mod structure;
pub mod text;
pub mod url;
pub mod yaml;
pub mod yaml_events;

use std::ops::Range;

pub use offset_map::OffsetMap;

use crate::model::Kind;

/// Stands for one placeholder (`{{ name }}`, `%{x}`, …) in segment text: an
/// opaque word that patterns may capture but never match as a literal.
pub const PLACEHOLDER: char = '\u{E000}';
/// Stands for a template control tag (`{% if %}`, `{{#each}}`, `{{/if}}`) in
/// segment text: a word boundary, never a word.
pub const CONTROL: char = '\u{E001}';

/// Source formats tactful understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Text,
    Markdown,
    Html,
    /// Liquid, Handlebars, Mustache: text with template tags.
    Template,
    /// A JSON macro export (Zendesk, Freshdesk, or configured keys).
    Json,
    /// A YAML macro export (osTicket, saved replies, or configured keys).
    Yaml,
}

impl Format {
    pub fn id(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Template => "template",
            Format::Json => "json",
            Format::Yaml => "yaml",
        }
    }

    pub fn from_id(id: &str) -> Option<Format> {
        match id {
            "text" | "txt" | "plaintext" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "html" | "htm" => Some(Format::Html),
            "template" | "liquid" | "handlebars" | "hbs" | "mustache" => Some(Format::Template),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }

    /// Format from a file name's extension (the default mapping; config may
    /// override it by glob). Unknown extensions are plain text. A compound
    /// extension names the inner format of a template: `reply.html.liquid`
    /// and `reply.html.hbs` are HTML (tags are masked in every format),
    /// `reply.md.liquid` is Markdown; see docs/formats.md.
    pub fn from_path(path: &str) -> Format {
        let lower = path.to_ascii_lowercase();
        let name = lower.rsplit(['/', '\\']).next().unwrap_or(&lower);
        let mut parts = name.rsplit('.');
        let ext = parts.next().unwrap_or("");
        let inner = if name.contains('.') {
            parts.next().unwrap_or("")
        } else {
            ""
        };
        let by_ext = |ext: &str| match ext {
            "md" | "markdown" | "mdx" | "mkd" | "mdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "liquid" | "hbs" | "handlebars" | "mustache" | "tmpl" | "tpl" | "j2" | "jinja" => {
                Some(Format::Template)
            }
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "txt" | "text" => Some(Format::Text),
            _ => None,
        };
        if !name.contains('.') {
            return Format::Text;
        }
        match by_ext(ext) {
            Some(Format::Template) => match by_ext(inner) {
                Some(f @ (Format::Markdown | Format::Html)) => f,
                _ => Format::Template,
            },
            Some(f) => f,
            None => Format::Text,
        }
    }
}

/// How replacement text must be encoded to be written back into the source
/// where a segment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Escape {
    /// Written as is (plain text, Markdown prose).
    #[default]
    None,
    /// HTML text: `&`, `<`, `>` become entities.
    Html,
    /// Inside a JSON string literal.
    Json,
    /// HTML inside a JSON string literal.
    JsonHtml,
    /// Inside a double-quoted YAML scalar.
    YamlDouble,
    /// Inside a single-quoted YAML scalar (`'` doubled; line breaks become
    /// spaces, as a single-quoted scalar cannot hold one on one line).
    YamlSingle,
    /// A plain (unquoted, one- or multi-line) YAML scalar: line breaks
    /// become spaces, and `: ` / ` #` (which would end the scalar) get a
    /// no-break space (`:\u{a0}`, `\u{a0}#`), so the file stays valid YAML.
    YamlPlain,
    /// A block scalar (`|`, `>`): written as is, line breaks become spaces.
    YamlBlock,
    /// HTML inside a block scalar.
    YamlBlockHtml,
    /// HTML inside a double-quoted YAML scalar.
    YamlDoubleHtml,
    /// HTML inside a single-quoted YAML scalar.
    YamlSingleHtml,
    /// HTML inside a plain or block YAML scalar.
    YamlPlainHtml,
}

impl Escape {
    pub fn encode(self, text: &str) -> String {
        match self {
            Escape::None => text.to_string(),
            Escape::YamlPlain => yaml_plain_escape(text),
            Escape::YamlBlock => text.replace(['\r', '\n'], " "),
            Escape::YamlBlockHtml => html_escape(text).replace(['\r', '\n'], " "),
            Escape::Html => html_escape(text),
            Escape::Json => json_escape(text),
            Escape::JsonHtml => json_escape(&html_escape(text)),
            Escape::YamlDouble => json_escape(text),
            Escape::YamlSingle => text.replace('\'', "''").replace(['\r', '\n'], " "),
            Escape::YamlDoubleHtml => json_escape(&html_escape(text)),
            Escape::YamlSingleHtml => html_escape(text)
                .replace('\'', "''")
                .replace(['\r', '\n'], " "),
            Escape::YamlPlainHtml => yaml_plain_escape(&html_escape(text)),
        }
    }

    /// The text a reader sees for source text written with this escape
    /// (for display only, e.g. quick-fix titles): `\u2019` in JSON, `''` in
    /// single-quoted YAML and `&amp;` in HTML are shown decoded.
    pub fn decode_for_display(self, text: &str) -> String {
        let json = |t: &str| -> String {
            serde_json::from_str::<String>(&format!("\"{t}\"")).unwrap_or_else(|_| t.to_string())
        };
        let html = |t: &str| -> String {
            let mut out = String::with_capacity(t.len());
            let mut rest = t;
            while let Some(i) = rest.find('&') {
                out.push_str(&rest[..i]);
                match html::decode_entity(&rest[i..]) {
                    Some((c, len)) => {
                        out.push(c);
                        rest = &rest[i + len..];
                    }
                    None => {
                        out.push('&');
                        rest = &rest[i + 1..];
                    }
                }
            }
            out.push_str(rest);
            out
        };
        match self {
            Escape::None | Escape::YamlPlain | Escape::YamlBlock => text.to_string(),
            Escape::Html | Escape::YamlBlockHtml | Escape::YamlPlainHtml => html(text),
            Escape::Json | Escape::YamlDouble => json(text),
            Escape::JsonHtml | Escape::YamlDoubleHtml => html(&json(text)),
            Escape::YamlSingle => text.replace("''", "'"),
            Escape::YamlSingleHtml => html(&text.replace("''", "'")),
        }
    }

    /// The escape of a segment produced with `self` inside a string whose
    /// own escape is `outer` (Markdown or HTML inside a JSON/YAML string).
    pub fn within(self, outer: Escape) -> Escape {
        let html = matches!(
            self,
            Escape::Html
                | Escape::JsonHtml
                | Escape::YamlDoubleHtml
                | Escape::YamlSingleHtml
                | Escape::YamlPlainHtml
        );
        match (outer, html) {
            (Escape::Json | Escape::JsonHtml, false) => Escape::Json,
            (Escape::Json | Escape::JsonHtml, true) => Escape::JsonHtml,
            (Escape::YamlDouble | Escape::YamlDoubleHtml, false) => Escape::YamlDouble,
            (Escape::YamlDouble | Escape::YamlDoubleHtml, true) => Escape::YamlDoubleHtml,
            (Escape::YamlSingle | Escape::YamlSingleHtml, false) => Escape::YamlSingle,
            (Escape::YamlSingle | Escape::YamlSingleHtml, true) => Escape::YamlSingleHtml,
            (Escape::YamlPlain | Escape::YamlPlainHtml, false) => Escape::YamlPlain,
            (Escape::YamlPlain | Escape::YamlPlainHtml, true) => Escape::YamlPlainHtml,
            (Escape::YamlBlock | Escape::YamlBlockHtml, false) => Escape::YamlBlock,
            (Escape::YamlBlock | Escape::YamlBlockHtml, true) => Escape::YamlBlockHtml,
            (Escape::None | Escape::Html, _) => self,
        }
    }
}

fn yaml_plain_escape(text: &str) -> String {
    text.replace(['\r', '\n'], " ")
        .replace(": ", ":\u{a0}")
        .replace(" #", "\u{a0}#")
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

fn json_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A run of prose (a paragraph, list item, heading, table cell, string value).
/// Sentences never cross segments.
#[derive(Debug, Clone, Default)]
pub struct Segment {
    /// Prose as the engine sees it; placeholders are [`PLACEHOLDER`], control
    /// tags [`CONTROL`].
    pub text: String,
    pub map: OffsetMap,
    pub escape: Escape,
}

impl Segment {
    /// Source range of a segment range and whether a fix may replace it.
    pub fn to_source(&self, seg: Range<usize>) -> (Range<usize>, bool) {
        self.map.to_source(seg)
    }
}

/// Inline directive kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Disable,
    Enable,
    DisableNextLine,
}

/// `tactful-disable[ ids]`, `tactful-enable[ ids]`, `tactful-disable-next-line[ ids]`.
/// Empty `ids` means every rule. Ids are rule ids or category ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    pub ids: Vec<String>,
    /// Source byte offset of the comment holding the directive.
    pub offset: usize,
}

/// A document turned into prose.
#[derive(Debug, Clone, Default)]
pub struct SourceDoc {
    pub segments: Vec<Segment>,
    pub directives: Vec<Directive>,
    /// A `tactful: kind=…` directive, when the document has one.
    pub kind: Option<Kind>,
    /// Source ranges no fix may alter partially (placeholders, tags).
    pub protected: Vec<Range<usize>>,
    /// Quoted text (`>` lines, `<blockquote>`), decoded: never linted, but
    /// the context document checks judge the reply against (what problem
    /// the customer raised). Capped at [`MAX_QUOTED`] bytes.
    pub quoted: Vec<Quote>,
}

/// One quoted passage and where it stands among the prose segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub text: String,
    /// How many prose segments come before it in the document.
    pub prose_before: usize,
}

impl SourceDoc {
    /// The quotes that read as the customer's message the reply answers:
    /// one above the reply (`> …` first, then the answer), one below it
    /// (bottom-quoted email), or one introduced by a line ending in `:`
    /// ("On Monday, Sam wrote:"), or one right after a greeting ("Hi Sam,").
    /// A quote in the middle of an article or instructions is a callout the
    /// writer chose, not a customer.
    pub fn customer_quotes(&self) -> impl Iterator<Item = &str> {
        self.quoted
            .iter()
            .filter(|q| {
                let Some(previous) = q.prose_before.checked_sub(1) else {
                    return true;
                };
                let Some(previous) = self.segments.get(previous) else {
                    return true;
                };
                let previous = previous.text.trim_end();
                q.prose_before >= self.segments.len()
                    || previous.ends_with(':')
                    || q.prose_before == 1 && previous.split_whitespace().count() <= 4
            })
            .map(|q| q.text.as_str())
    }
}

/// At most this much quoted text is kept per document.
pub const MAX_QUOTED: usize = 16 * 1024;

/// Keeps a quoted passage as context, within the [`MAX_QUOTED`] budget;
/// `prose_before` prose segments precede it.
pub fn keep_quoted(quoted: &mut Vec<Quote>, text: &str, prose_before: usize) {
    let used: usize = quoted.iter().map(|q| q.text.len()).sum();
    let room = MAX_QUOTED.saturating_sub(used);
    if room == 0 || text.trim().is_empty() {
        return;
    }
    let mut end = text.len().min(room);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    quoted.push(Quote {
        text: text[..end].to_string(),
        prose_before,
    });
}

/// Options for extraction that come from config.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// Also treat `[[name]]` as a placeholder.
    pub bracket_placeholders: bool,
    /// Lint block quotes (by default they are quoted customer text).
    pub lint_block_quotes: bool,
    /// Generic macro-export keys / JSON pointer patterns to lint.
    pub export_keys: Vec<String>,
}

impl SourceDoc {
    /// Sorts and de-duplicates `protected` and `directives` (producers may
    /// record the same tag twice when formats nest).
    pub fn normalize(&mut self) {
        self.protected.sort_by_key(|r| (r.start, r.end));
        self.protected.dedup();
        self.directives.sort_by_key(|d| d.offset);
        self.directives.dedup();
    }
}

/// A document that cannot be read as its format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct SourceError {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl SourceError {
    /// An error at byte offset `at` of `text` (line and column computed).
    pub fn at(text: &str, at: usize, message: impl Into<String>) -> SourceError {
        let at = at.min(text.len());
        let mut at = at;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let before = &text[..at];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        SourceError {
            line,
            column,
            message: message.into(),
        }
    }
}

/// Turns a document into prose segments: the single entry point every
/// adapter uses. Plain text and templates never fail; JSON and YAML fail
/// with the line and column of the first syntax error.
pub fn extract(text: &str, format: Format, opts: &SourceOptions) -> Result<SourceDoc, SourceError> {
    let mut doc = match format {
        Format::Text => text::extract(text, opts),
        // Email templates are often HTML: read them as HTML when they are.
        Format::Template if embed::looks_like_html(text) => html::extract(text, opts),
        Format::Template => text::extract(text, opts),
        Format::Markdown => markdown::extract(text, opts),
        Format::Html => html::extract(text, opts),
        Format::Json => json::extract(text, opts)?,
        Format::Yaml => yaml::extract(text, opts)?,
    };
    doc.normalize();
    Ok(doc)
}

/// Parses the body of a comment for a directive (`tactful-disable x, y`,
/// `tactful: kind=kb`). Returns the directive and/or the kind.
pub fn parse_directive(comment: &str, offset: usize) -> (Option<Directive>, Option<Kind>) {
    let body = comment.trim();
    let mut kind = None;
    if let Some(rest) = body.strip_prefix("tactful:") {
        for part in rest.split([' ', ',']) {
            if let Some(k) = part.trim().strip_prefix("kind=") {
                kind = Kind::from_id(k.trim());
            }
        }
        return (None, kind);
    }
    let (dk, rest) = if let Some(r) = body.strip_prefix("tactful-disable-next-line") {
        (DirectiveKind::DisableNextLine, r)
    } else if let Some(r) = body.strip_prefix("tactful-disable") {
        (DirectiveKind::Disable, r)
    } else if let Some(r) = body.strip_prefix("tactful-enable") {
        (DirectiveKind::Enable, r)
    } else {
        return (None, None);
    };
    if !(rest.is_empty() || rest.starts_with([' ', '\t', ':'])) {
        return (None, None);
    }
    let ids = rest
        .trim_start_matches(':')
        .split([' ', ',', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    (
        Some(Directive {
            kind: dk,
            ids,
            offset,
        }),
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_parse() {
        let (d, k) = parse_directive(
            " tactful-disable-next-line minimizing, blame-customer.you-failed ",
            7,
        );
        let d = d.unwrap();
        assert_eq!(d.kind, DirectiveKind::DisableNextLine);
        assert_eq!(d.ids, vec!["minimizing", "blame-customer.you-failed"]);
        assert_eq!(k, None);
        assert_eq!(parse_directive("tactful: kind=kb", 0).1, Some(Kind::Kb));
        assert!(parse_directive("tactful-disabled", 0).0.is_none());
        assert!(parse_directive("tactful-enable", 0)
            .0
            .unwrap()
            .ids
            .is_empty());
    }

    #[test]
    fn escapes_encode() {
        assert_eq!(Escape::Json.encode("a \"b\"\n"), "a \\\"b\\\"\\n");
        assert_eq!(Escape::Html.encode("a < b & c"), "a &lt; b &amp; c");
        assert_eq!(Escape::YamlSingle.encode("it's"), "it''s");
        assert_eq!(
            Escape::YamlPlain.encode("Note: a #1\nb"),
            "Note:\u{a0}a\u{a0}#1 b"
        );
        assert_eq!(Escape::YamlBlock.encode("Note: a #1\nb"), "Note: a #1 b");
        assert_eq!(
            Escape::Html.within(Escape::YamlBlock),
            Escape::YamlBlockHtml
        );
        assert_eq!(Escape::None.within(Escape::YamlDouble), Escape::YamlDouble);
    }
}
