//! Template placeholders, control tags and template comments in any format:
//! finds them, and builds segments in which each is one opaque character.

use super::{parse_directive, Directive, Segment, CONTROL, PLACEHOLDER};
use crate::model::Kind;
use std::ops::Range;

/// What a template tag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// Prints a value: `{{ name }}`, `{{{ html }}}`, `%{ticket.id}`,
    /// `{%customer.firstName,fallback=there%}`, `[[name]]`.
    Placeholder,
    /// Control flow: `{% if %}`, `{% else %}`, `{{#if}}`, `{{/if}}`, `{{else}}`.
    Control,
    /// A comment: `{{! … }}`, `{{!-- … --}}`, `{% comment %}…{% endcomment %}`.
    /// Its body may hold a directive.
    Comment,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub kind: TagKind,
    /// Byte range in the scanned text.
    pub range: Range<usize>,
    /// For comments, the byte range of the body.
    pub body: Range<usize>,
}

const LIQUID_CONTROL: &[&str] = &[
    "if",
    "elsif",
    "else",
    "endif",
    "unless",
    "endunless",
    "case",
    "when",
    "endcase",
    "for",
    "endfor",
    "break",
    "continue",
    "assign",
    "capture",
    "endcapture",
    "include",
    "render",
    "raw",
    "endraw",
    "cycle",
    "tablerow",
    "endtablerow",
    "liquid",
    "echo",
    "increment",
    "decrement",
    "section",
    "layout",
    "block",
    "endblock",
    "extends",
    "with",
    "endwith",
];

/// Finds every template tag in `text`, in order, non-overlapping.
pub fn scan(text: &str, brackets: bool) -> Vec<Tag> {
    let b = text.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'{' && i + 1 < b.len() && (b[i + 1] == b'{' || b[i + 1] == b'%') {
            if let Some(tag) = scan_brace(text, i) {
                i = tag.range.end;
                tags.push(tag);
                continue;
            }
        } else if c == b'%' && i + 1 < b.len() && b[i + 1] == b'{' {
            if let Some(end) = find_close(b, i + 2, b"}", 200) {
                tags.push(Tag {
                    kind: TagKind::Placeholder,
                    range: i..end,
                    body: i..i,
                });
                i = end;
                continue;
            }
        } else if brackets && c == b'[' && i + 1 < b.len() && b[i + 1] == b'[' {
            if let Some(end) = find_close(b, i + 2, b"]]", 200) {
                tags.push(Tag {
                    kind: TagKind::Placeholder,
                    range: i..end,
                    body: i..i,
                });
                i = end;
                continue;
            }
        }
        i += 1;
    }
    tags
}

/// Index just past `close`, searching from `from`, not crossing a newline
/// pair and not further than `max` bytes.
fn find_close(b: &[u8], from: usize, close: &[u8], max: usize) -> Option<usize> {
    let limit = (from + max).min(b.len());
    let mut j = from;
    while j + close.len() <= limit {
        if &b[j..j + close.len()] == close {
            return Some(j + close.len());
        }
        j += 1;
    }
    None
}

fn scan_brace(text: &str, i: usize) -> Option<Tag> {
    let b = text.as_bytes();
    const MAX: usize = 4000;
    if b[i + 1] == b'{' {
        let triple = i + 2 < b.len() && b[i + 2] == b'{';
        let close: &[u8] = if triple { b"}}}" } else { b"}}" };
        let inner_start = i + if triple { 3 } else { 2 };
        // Comments may be long; everything else is short.
        let inner = &text[inner_start..];
        let trimmed = inner.trim_start_matches(['~', ' ', '-']);
        if !triple && trimmed.starts_with('!') {
            let long = trimmed.starts_with("!--");
            let close: &[u8] = if long { b"--}}" } else { b"}}" };
            let end = find_close(b, inner_start, close, MAX)?;
            let body_start = inner_start + (inner.len() - trimmed.len()) + if long { 3 } else { 1 };
            let body_end = end - close.len();
            return Some(Tag {
                kind: TagKind::Comment,
                range: i..end,
                body: body_start..body_end.max(body_start),
            });
        }
        let end = find_close(b, inner_start, close, 400)?;
        let body = text[inner_start..end - close.len()].trim_matches(['~', ' ', '-', '\n', '\t']);
        let kind = if body.starts_with(['#', '/', '^', '>'])
            || body == "else"
            || body.starts_with("else ")
        {
            TagKind::Control
        } else {
            TagKind::Placeholder
        };
        return Some(Tag {
            kind,
            range: i..end,
            body: i..i,
        });
    }
    // `{% … %}`
    let end = find_close(b, i + 2, b"%}", 400)?;
    let body = text[i + 2..end - 2].trim_matches(['-', ' ', '\n', '\t']);
    let word = body
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .next()
        .unwrap_or("");
    if word == "comment" {
        // Skip to `{% endcomment %}`.
        let rest = &text[end..];
        let mut search = 0;
        while let Some(p) = rest[search..].find("{%") {
            let s = end + search + p;
            if let Some(e) = find_close(b, s + 2, b"%}", 400) {
                let inner = text[s + 2..e - 2].trim_matches(['-', ' ', '\n', '\t']);
                if inner == "endcomment" {
                    return Some(Tag {
                        kind: TagKind::Comment,
                        range: i..e,
                        body: end..s,
                    });
                }
                search = e - end;
            } else {
                search += p + 2;
            }
        }
        return Some(Tag {
            kind: TagKind::Comment,
            range: i..text.len(),
            body: end..text.len(),
        });
    }
    if LIQUID_CONTROL.contains(&word) {
        return Some(Tag {
            kind: TagKind::Control,
            range: i..end,
            body: i..i,
        });
    }
    // Help Scout `{%customer.firstName,fallback=there%}` and other value tags.
    Some(Tag {
        kind: TagKind::Placeholder,
        range: i..end,
        body: i..i,
    })
}

/// Builds one segment from pieces of source text.
#[derive(Debug, Default)]
pub struct SegmentBuilder {
    seg: Segment,
}

impl SegmentBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_empty(&self) -> bool {
        self.seg.text.trim().is_empty()
    }

    pub fn text(&self) -> &str {
        &self.seg.text
    }

    /// Copies `src_text` (found at source offset `src`) verbatim.
    pub fn push_verbatim(&mut self, src_text: &str, src: usize) {
        let at = self.seg.text.len();
        self.seg.text.push_str(src_text);
        self.seg.map.push_verbatim(at, src, src_text.len());
    }

    /// Adds `shown` standing for `src_len` source bytes at `src`.
    pub fn push_atomic(&mut self, shown: &str, src: usize, src_len: usize) {
        let at = self.seg.text.len();
        self.seg.text.push_str(shown);
        self.seg.map.push_atomic(at, shown.len(), src, src_len);
    }

    /// Copies `src_text` (at source offset `src`), masking template tags:
    /// placeholders become [`PLACEHOLDER`], control tags [`CONTROL`], and
    /// comments vanish (their directives are collected).
    pub fn push_masked(&mut self, src_text: &str, src: usize, ctx: &mut MaskContext) {
        let tags = scan(src_text, ctx.brackets);
        let mut pos = 0;
        for tag in tags {
            self.push_verbatim(&src_text[pos..tag.range.start], src + pos);
            let abs = (src + tag.range.start)..(src + tag.range.end);
            match tag.kind {
                TagKind::Placeholder => {
                    let mut buf = [0u8; 4];
                    self.push_atomic(PLACEHOLDER.encode_utf8(&mut buf), abs.start, abs.len());
                    ctx.protected.push(abs);
                }
                TagKind::Control => {
                    let mut buf = [0u8; 4];
                    self.push_atomic(CONTROL.encode_utf8(&mut buf), abs.start, abs.len());
                    ctx.protected.push(abs);
                }
                TagKind::Comment => {
                    let body = &src_text[tag.body.clone()];
                    ctx.comment(body, abs.start);
                    ctx.protected.push(abs);
                }
            }
            pos = tag.range.end;
        }
        self.push_verbatim(&src_text[pos..], src + pos);
    }

    pub fn finish(self) -> Segment {
        self.seg
    }

    pub fn set_escape(&mut self, escape: super::Escape) {
        self.seg.escape = escape;
    }
}

/// What masking collects besides segments.
#[derive(Debug, Default)]
pub struct MaskContext {
    pub brackets: bool,
    pub directives: Vec<Directive>,
    pub kind: Option<Kind>,
    pub protected: Vec<Range<usize>>,
}

impl MaskContext {
    /// Records a comment's body: a directive or a kind declaration.
    pub fn comment(&mut self, body: &str, offset: usize) {
        let (d, k) = parse_directive(body, offset);
        if let Some(d) = d {
            self.directives.push(d);
        }
        if k.is_some() {
            self.kind = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TagKind, &str)> {
        scan(text, true)
            .into_iter()
            .map(|t| (t.kind, &text[t.range]))
            .collect()
    }

    #[test]
    fn finds_every_placeholder_syntax() {
        let t = "Hi {{ name }}, {{{html}}} %{ticket.id} {%customer.firstName,fallback=there%} [[agent]]";
        let k = kinds(t);
        assert_eq!(k.len(), 5);
        assert!(k.iter().all(|(kind, _)| *kind == TagKind::Placeholder));
        assert_eq!(k[3].1, "{%customer.firstName,fallback=there%}");
    }

    #[test]
    fn control_tags_and_comments() {
        let t = "{% if x %}A{% else %}B{% endif %}{{#if y}}C{{/if}}{{! tactful-disable }}{% comment %}hidden{% endcomment %}";
        let k: Vec<TagKind> = kinds(t).into_iter().map(|(k, _)| k).collect();
        use TagKind::*;
        assert_eq!(
            k,
            vec![Control, Control, Control, Control, Control, Comment, Comment]
        );
    }

    #[test]
    fn masking_collects_directives_and_protects_tags() {
        let mut ctx = MaskContext::default();
        let mut b = SegmentBuilder::new();
        let src = "Hi {{name}}, {{! tactful-disable minimizing }}just do it";
        b.push_masked(src, 10, &mut ctx);
        let seg = b.finish();
        assert_eq!(seg.text, "Hi \u{E000}, just do it");
        assert_eq!(ctx.directives.len(), 1);
        assert_eq!(ctx.protected[0], 13..21);
        let (r, ok) = seg.to_source(0..seg.text.len());
        assert_eq!(r, 10..10 + src.len());
        assert!(!ok, "the removed comment is a gap");
    }
}
