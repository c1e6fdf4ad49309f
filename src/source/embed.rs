//! Prose embedded in JSON/YAML string values: which keys hold prose, which
//! inner format a value has, and how its segments map back through escapes.

use super::{html, markdown, Escape, OffsetMap, SourceDoc, SourceOptions};

/// The format of the text inside one string value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InnerFormat {
    /// Markdown (which reads plain text as plain paragraphs).
    Markdown,
    Html,
}

impl InnerFormat {
    /// HTML when the key says so (`content_html`, `bodyHtml`) or the value
    /// contains block-level HTML tags; Markdown otherwise.
    pub fn of(key: &str, value: &str) -> InnerFormat {
        if key.to_ascii_lowercase().ends_with("html") || looks_like_html(value) {
            InnerFormat::Html
        } else {
            InnerFormat::Markdown
        }
    }
}

const HTML_BLOCK_TAGS: &[&str] = &[
    "p", "br", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "td", "ul", "ol", "li",
    "hr", "span", "strong", "em", "b", "i", "a",
];

/// Whether a value reads as HTML: it has a `<p>`, `<br>`, `<div>`, … tag.
pub fn looks_like_html(value: &str) -> bool {
    let bytes = value.as_bytes();
    let mut tags = 0;
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'<', &bytes[i..]) {
        let start = i + off + 1;
        let name_start = if bytes.get(start) == Some(&b'/') {
            start + 1
        } else {
            start
        };
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map(|p| name_start + p)
            .unwrap_or(bytes.len());
        let after = bytes.get(name_end).copied().unwrap_or(b' ');
        if name_end > name_start && matches!(after, b'>' | b' ' | b'/' | b'\n') {
            let name = value[name_start..name_end].to_ascii_lowercase();
            if HTML_BLOCK_TAGS.contains(&name.as_str()) {
                tags += 1;
                // One block tag (`<br>`, `<p>`) is enough; inline ones
                // (`<a>`, `<b>`) are common in Markdown, so they need company.
                if !matches!(name.as_str(), "span" | "strong" | "em" | "b" | "i" | "a") || tags >= 3
                {
                    return true;
                }
            }
        }
        i = start;
        if i >= bytes.len() {
            break;
        }
    }
    false
}

/// Keys whose string values are linted when a JSON/YAML file is not a known
/// export and no keys are configured (compared case-insensitively).
const PROSE_KEYS: &[&str] = &[
    "body",
    "content",
    "comment",
    "message",
    "text",
    "reply",
    "response",
    "answer",
    "subject",
    "template",
    "html",
    "signature",
    "greeting",
    "closing",
];
/// Key endings that name prose (`markComment`, `closeComment`, `body_html`,
/// `replyMessage`, `email_body`).
const PROSE_KEY_SUFFIXES: &[&str] = &[
    "comment", "message", "body", "reply", "response", "_html", "html",
];

/// Whether a key names prose in the automatic (unconfigured) mode. Keys
/// starting with `_` or `$` are metadata.
pub fn is_prose_key(key: &str) -> bool {
    // `__comment__`, `_note`, `$comment`: notes for maintainers, not replies.
    if key.starts_with(['_', '$']) {
        return false;
    }
    let lower = key.to_ascii_lowercase();
    PROSE_KEYS.contains(&lower.as_str()) || PROSE_KEY_SUFFIXES.iter().any(|s| lower.ends_with(s))
}

/// One step of the path to a value: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// A configured export key: a JSON pointer pattern (`/replies/*/body`, `*`
/// matching one step and `**` any number of steps) or a bare key name
/// (`body`, matching that key at any depth).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyPattern {
    Pointer(Vec<String>),
    Key(String),
}

impl KeyPattern {
    pub fn parse(pattern: &str) -> KeyPattern {
        match pattern.strip_prefix('/') {
            Some(rest) => KeyPattern::Pointer(
                rest.split('/')
                    .map(|s| s.replace("~1", "/").replace("~0", "~"))
                    .collect(),
            ),
            None => KeyPattern::Key(pattern.to_string()),
        }
    }

    /// Whether the value at `path` is selected.
    pub fn matches(&self, path: &[PathStep]) -> bool {
        match self {
            KeyPattern::Key(k) => matches!(path.last(), Some(PathStep::Key(last)) if last == k),
            KeyPattern::Pointer(steps) => pointer_matches(steps, path),
        }
    }
}

fn pointer_matches(steps: &[String], path: &[PathStep]) -> bool {
    match (steps.first(), path.first()) {
        (None, None) => true,
        (Some(s), _) if s == "**" => {
            pointer_matches(&steps[1..], path)
                || (!path.is_empty() && pointer_matches(steps, &path[1..]))
        }
        (Some(s), Some(p)) => {
            let ok = s == "*"
                || match p {
                    PathStep::Key(k) => k == s,
                    PathStep::Index(i) => s.parse::<usize>().ok() == Some(*i),
                };
            ok && pointer_matches(&steps[1..], &path[1..])
        }
        _ => false,
    }
}

/// What to lint in a JSON/YAML file: configured patterns or the automatic
/// recognition of known exports and prose keys.
#[derive(Debug, Clone)]
pub struct Selection {
    pub patterns: Vec<KeyPattern>,
}

impl Selection {
    pub fn new(opts: &SourceOptions) -> Selection {
        Selection {
            patterns: opts
                .export_keys
                .iter()
                .map(|k| KeyPattern::parse(k))
                .collect(),
        }
    }

    pub fn configured(&self) -> bool {
        !self.patterns.is_empty()
    }

    /// In configured mode: whether the value at `path` is selected.
    pub fn selects(&self, path: &[PathStep]) -> bool {
        self.patterns.iter().any(|p| p.matches(path))
    }
}

/// Lints `value` (a decoded string whose bytes map to the file through
/// `map`) as `format`, and appends its segments, protected ranges and
/// directives to `out` in file offsets, with escapes nested in `outer`.
pub fn append_embedded(
    out: &mut SourceDoc,
    value: &str,
    map: &OffsetMap,
    outer: Escape,
    format: InnerFormat,
    opts: &SourceOptions,
) {
    let inner = match format {
        InnerFormat::Markdown => markdown::extract(value, opts),
        InnerFormat::Html => html::extract(value, opts),
    };
    let mapped = map_embedded(inner, map, outer);
    let before = out.segments.len();
    out.segments.extend(mapped.segments);
    out.protected.extend(mapped.protected);
    out.directives.extend(mapped.directives);
    for q in mapped.quoted {
        super::keep_quoted(&mut out.quoted, &q.text, before + q.prose_before);
    }
    if mapped.kind.is_some() {
        out.kind = mapped.kind;
    }
}

/// Moves a document extracted from an embedded text into the offsets of the
/// text's container through `map` (embedded text → container), nesting its
/// escapes in `outer`.
pub fn map_embedded(inner: SourceDoc, map: &OffsetMap, outer: Escape) -> SourceDoc {
    let segments = inner
        .segments
        .into_iter()
        .map(|mut seg| {
            seg.map = seg.map.compose(map);
            seg.escape = seg.escape.within(outer);
            seg
        })
        .collect();
    let protected = inner
        .protected
        .into_iter()
        .map(|r| {
            let start = map.start_to_source(r.start);
            let end = map.end_to_source(r.end).max(start);
            start..end
        })
        .collect();
    let directives = inner
        .directives
        .into_iter()
        .map(|mut d| {
            d.offset = map.start_to_source(d.offset);
            d
        })
        .collect();
    SourceDoc {
        segments,
        directives,
        kind: inner.kind,
        protected,
        quoted: inner.quoted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(steps: &[&str]) -> Vec<PathStep> {
        steps
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathStep::Index(i),
                Err(_) => PathStep::Key(s.to_string()),
            })
            .collect()
    }

    #[test]
    fn pointer_patterns_match_paths() {
        let p = KeyPattern::parse("/replies/*/body");
        assert!(p.matches(&path(&["replies", "3", "body"])));
        assert!(!p.matches(&path(&["replies", "3", "name"])));
        assert!(!p.matches(&path(&["x", "replies", "3", "body"])));
        let any = KeyPattern::parse("/**/body");
        assert!(any.matches(&path(&["x", "replies", "3", "body"])));
        assert!(any.matches(&path(&["body"])));
        assert!(KeyPattern::parse("body").matches(&path(&["a", "0", "body"])));
        assert!(KeyPattern::parse("/a~1b").matches(&path(&["a/b"])));
    }

    #[test]
    fn prose_keys_and_html_detection() {
        assert!(is_prose_key("markComment"));
        assert!(is_prose_key("Body"));
        assert!(is_prose_key("content_html"));
        assert!(!is_prose_key("title"));
        assert!(!is_prose_key("staleLabel"));
        assert!(!is_prose_key("__comment__"));
        assert!(!is_prose_key("$comment"));
        assert!(looks_like_html("Hi,<br>thanks"));
        assert!(looks_like_html("<p>x</p>"));
        assert!(!looks_like_html("a <b>bold</b> [link](x)"));
        assert!(!looks_like_html("1 < 2 and <placeholder>"));
        assert!(!looks_like_html("<"));
        assert_eq!(InnerFormat::of("content_html", "x"), InnerFormat::Html);
    }
}
