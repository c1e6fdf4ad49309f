//! Template placeholders, control tags and template comments in any format:
//! finds them, and builds segments in which each is one opaque character.

use super::{parse_directive, Directive, Segment};
use crate::model::Kind;
use std::ops::Range;

/// What a template tag is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagKind {
    /// Prints a value: `{{ name }}`, `{{{ html }}}`, `%{ticket.id}`,
    /// `{%customer.firstName,fallback=there%}`, `[[name]]`.
    Placeholder,
    /// Control flow: `{% if %}`, `{% endif %}`, `{{#if}}`, `{{/if}}`.
    Control,
    /// A control tag that starts an alternative branch: `{% else %}`,
    /// `{% elsif %}`, `{% when %}`, `{{else}}`, `{{else if x}}`, `{{^}}`.
    /// It ends the segment, so two branches never read as one sentence.
    Branch,
    /// A comment: `{{! … }}`, `{{!-- … --}}`, `{% comment %}…{% endcomment %}`,
    /// Jinja `{# … #}`.
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
        // Every tag holds a `{` in its first two bytes or starts with `[`:
        // jump to the next one, backing up over a `%` or `$` right before it.
        let next = memchr::memchr2(b'{', b'[', &b[i..]);
        let Some(k) = next else { break };
        let j = i + k;
        i = if j > i && matches!(b[j - 1], b'%' | b'$') {
            j - 1
        } else {
            j
        };
        let c = b[i];
        if c == b'{' && i + 1 < b.len() && b[i + 1] == b'#' {
            // A Jinja comment `{# … #}` (`{#- … -#}` trims whitespace).
            if let Some(end) = find_close(b, i + 2, b"#}", 4000) {
                let body = trim_range(text, i + 2..end - 2, &['-', '+']);
                tags.push(Tag {
                    kind: TagKind::Comment,
                    range: i..end,
                    body,
                });
                i = end;
                continue;
            }
        }
        if c == b'{' && i + 1 < b.len() && (b[i + 1] == b'{' || b[i + 1] == b'%') {
            if let Some(tag) = scan_brace(text, i) {
                i = tag.range.end;
                tags.push(tag);
                continue;
            }
        } else if let Some(end) = value_tag_end(b, i, brackets) {
            tags.push(Tag {
                kind: TagKind::Placeholder,
                range: i..end,
                body: i..i,
            });
            i = end;
            continue;
        }
        i += 1;
    }
    tags
}

/// End of a one-token value tag starting at `i` (not `{{` or `{%`, which
/// [`scan_brace`] reads): `%{ticket.id}`, `${name}`, `{!Contact.Name}`,
/// `{customer_name}`, a `[Customer Name]` slot, or `[[name]]` when
/// `brackets` is on.
fn value_tag_end(b: &[u8], i: usize, brackets: bool) -> Option<usize> {
    let c = b[i];
    let next = b.get(i + 1).copied();
    if c == b'%' && next == Some(b'{') {
        find_close(b, i + 2, b"}", 200)
    } else if (c == b'$' && next == Some(b'{') || c == b'{' && next == Some(b'!'))
        && b.get(i + 2)
            .is_some_and(|n| !matches!(n, b' ' | b'\t' | b'\n' | b'\r' | b'}'))
    {
        // `${name}` (ServiceNow, Zoho Desk, Jira) and `{!Contact.Name}`
        // (Salesforce): one line, short.
        find_close_on_line(b, i + 2, b'}', 200)
    } else if c == b'{' && next.is_some_and(|n| n.is_ascii_alphabetic() || n == b'_') {
        // `{customer_name}` (ICU messages, Python format strings, macro
        // libraries): one identifier, nothing else.
        single_brace(b, i)
    } else if c == b'[' && next == Some(b'[') {
        brackets.then(|| find_close(b, i + 2, b"]]", 200)).flatten()
    } else if c == b'[' {
        // `[Customer Name]`, `[agent name]`, `[date]`: a fill-in slot of a
        // hand-written macro (not a Markdown link, reference or note).
        fill_in_slot(b, i)
    } else {
        None
    }
}

/// End of a `{identifier}` placeholder at `i` (on `{`): letters, digits,
/// `_`, `.` and `-`, at most 60 bytes, then `}` not followed by another.
fn single_brace(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && matches!(b[i - 1], b'{' | b'\\') {
        return None;
    }
    let len = b[i + 1..]
        .iter()
        .take(61)
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        .count();
    let close = i + 1 + len;
    (len <= 60 && b.get(close) == Some(&b'}') && b.get(close + 1) != Some(&b'}'))
        .then_some(close + 1)
}

/// End of a `[Customer Name]` fill-in slot at `i` (on `[`): it opens with a
/// letter, holds only words (letters, digits, spaces, `'`, `/`, `_`, `-`,
/// `.`), 2 to 60 bytes on one line, and is not Markdown: not `![…]`,
/// `]…[` or a link (`[…](`, `[…][`, `[…]:`).
fn fill_in_slot(b: &[u8], i: usize) -> Option<usize> {
    if i > 0 && matches!(b[i - 1], b'!' | b']' | b'\\' | b'[') {
        return None;
    }
    if !b.get(i + 1)?.is_ascii_alphabetic() {
        return None;
    }
    let len = b[i + 1..]
        .iter()
        .take(61)
        .take_while(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b' ' | b'\'' | b'/' | b'_' | b'-' | b'.')
        })
        .count();
    let close = i + 1 + len;
    if !(2..=60).contains(&len) || b.get(close) != Some(&b']') || b[close - 1] == b' ' {
        return None;
    }
    if matches!(b.get(close + 1), Some(b'(' | b'[' | b':')) {
        return None;
    }
    Some(close + 1)
}

/// `r` without the whitespace-control marks `marks` at either end.
fn trim_range(text: &str, r: Range<usize>, marks: &[char]) -> Range<usize> {
    let inner = &text[r.clone()];
    let start = r.start + (inner.len() - inner.trim_start_matches(marks).len());
    let end = (r.end - (inner.len() - inner.trim_end_matches(marks).len())).max(start);
    start..end
}

/// Index just past `close`, searching from `from` to the end of the line,
/// not further than `max` bytes.
fn find_close_on_line(b: &[u8], from: usize, close: u8, max: usize) -> Option<usize> {
    let limit = (from + max).min(b.len());
    b[from..limit]
        .iter()
        .take_while(|c| **c != b'\n')
        .position(|c| *c == close)
        .map(|p| from + p + 1)
}

/// Index just past `close`, searching from `from`, not further than `max`
/// bytes.
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
        let kind = if body == "else" || body.starts_with("else ") || body == "^" {
            TagKind::Branch
        } else if body.starts_with(['#', '/', '^', '>']) {
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
    if matches!(word, "else" | "elsif" | "when") {
        return Some(Tag {
            kind: TagKind::Branch,
            range: i..end,
            body: i..i,
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

/// A copy of a document in which every template tag is overwritten, byte for
/// byte, with neutral ASCII (`x`, line breaks kept), so a markup parser run on
/// it sees plain words where tags were and never mangles them. Offsets in the
/// copy are offsets in the original.
#[derive(Debug, Clone, Default)]
pub struct Masked {
    pub text: String,
    pub tags: Vec<Tag>,
}

/// Scans `text` for template tags, records their directives and protected
/// ranges (shifted by `base`) in `ctx`, and returns the masked copy.
pub fn mask(text: &str, base: usize, ctx: &mut MaskContext) -> Masked {
    let tags = scan(text, ctx.brackets);
    let mut bytes = text.as_bytes().to_vec();
    for tag in &tags {
        for b in &mut bytes[tag.range.clone()] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'x';
            }
        }
        let abs = (base + tag.range.start)..(base + tag.range.end);
        if tag.kind == TagKind::Comment {
            ctx.comment(&text[tag.body.clone()], abs.start);
        }
        ctx.protected.push(abs);
    }
    // Only ASCII bytes replaced whole UTF-8 sequences (tags start and end on
    // ASCII delimiters), so the copy is valid UTF-8.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Masked { text, tags }
}

/// Builds segments from pieces of source text. A template tag that starts an
/// alternative branch (`{% else %}`, `{{else}}`, …) or an explicit [`cut`]
/// ends the current segment, so text from different branches or blocks never
/// shares a sentence.
///
/// [`cut`]: SegmentBuilder::cut
#[derive(Debug, Default)]
pub struct SegmentBuilder {
    seg: Segment,
    done: Vec<Segment>,
    escape: super::Escape,
    /// Start of the last tag a marker was emitted for (a tag split over two
    /// spans of one segment yields one marker).
    last_tag: Option<usize>,
}

impl SegmentBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether the current segment holds no prose (see [`has_prose`]).
    pub fn is_empty(&self) -> bool {
        !has_prose(&self.seg.text)
    }

    /// Text of the current segment.
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

    /// Adds one opaque word ([`PLACEHOLDER`](super::PLACEHOLDER)) standing for a source range
    /// (a placeholder, a code span, a URL).
    pub fn push_placeholder(&mut self, src: usize, src_len: usize) {
        self.push_atomic(PLACEHOLDER_STR, src, src_len);
    }

    /// Copies prose text, masking bare URLs as placeholders (recorded in
    /// `protected`).
    pub fn push_prose(&mut self, src_text: &str, src: usize, protected: &mut Vec<Range<usize>>) {
        let mut pos = 0;
        for url in super::url::find_urls(src_text) {
            self.push_verbatim(&src_text[pos..url.start], src + pos);
            self.push_placeholder(src + url.start, url.len());
            protected.push((src + url.start)..(src + url.end));
            pos = url.end;
        }
        self.push_verbatim(&src_text[pos..], src + pos);
    }

    /// Copies `original[range]` (offsets shifted by `base` in the source),
    /// replacing the template tags of `masked` by their markers: placeholders
    /// become [`PLACEHOLDER`](super::PLACEHOLDER), control tags [`CONTROL`](super::CONTROL), branch tags end the
    /// segment, comments vanish.
    pub fn push_span(
        &mut self,
        original: &str,
        range: Range<usize>,
        masked: &Masked,
        base: usize,
        protected: &mut Vec<Range<usize>>,
    ) {
        if original.get(range.clone()).is_none() {
            return;
        }
        let first = masked.tags.partition_point(|t| t.range.end <= range.start);
        let mut pos = range.start;
        for tag in masked.tags[first..].iter() {
            if tag.range.start >= range.end {
                break;
            }
            let tag_start = tag.range.start.max(range.start);
            if let Some(before) = original.get(pos..tag_start) {
                self.push_prose(before, base + pos, protected);
            }
            self.push_tag(tag, base);
            pos = tag.range.end.min(range.end);
        }
        if pos < range.end {
            if let Some(rest) = original.get(pos..range.end) {
                self.push_prose(rest, base + pos, protected);
            }
        }
    }

    /// Emits the marker of one tag (at most once per tag and segment).
    fn push_tag(&mut self, tag: &Tag, base: usize) {
        if self.last_tag == Some(tag.range.start) {
            return;
        }
        self.last_tag = Some(tag.range.start);
        let abs = (base + tag.range.start)..(base + tag.range.end);
        match tag.kind {
            TagKind::Placeholder => self.push_placeholder(abs.start, abs.len()),
            TagKind::Control => self.push_atomic(CONTROL_STR, abs.start, abs.len()),
            TagKind::Branch => {
                self.cut();
                self.push_atomic(CONTROL_STR, abs.start, abs.len());
                self.last_tag = Some(tag.range.start);
            }
            TagKind::Comment => {}
        }
    }

    /// Copies `src_text` (at source offset `src`), masking template tags:
    /// placeholders become [`PLACEHOLDER`](super::PLACEHOLDER), control tags [`CONTROL`](super::CONTROL), and
    /// comments vanish (their directives are collected).
    pub fn push_masked(&mut self, src_text: &str, src: usize, ctx: &mut MaskContext) {
        let masked = mask(src_text, src, ctx);
        self.push_span(
            src_text,
            0..src_text.len(),
            &masked,
            src,
            &mut ctx.protected,
        );
    }

    /// Ends the current segment (dropped when it holds no prose).
    pub fn cut(&mut self) {
        let seg = std::mem::take(&mut self.seg);
        self.last_tag = None;
        if has_prose(&seg.text) {
            self.done.push(Segment {
                escape: self.escape,
                ..seg
            });
        }
    }

    /// Ends the current segment and adds a finished one (from an embedded
    /// document) after it.
    pub fn push_segment(&mut self, seg: Segment) {
        self.cut();
        if has_prose(&seg.text) {
            self.done.push(seg);
        }
    }

    /// How many prose segments are made so far (the one being built counts
    /// once it holds prose).
    pub fn prose_so_far(&self) -> usize {
        self.done.len() + usize::from(has_prose(&self.seg.text))
    }

    /// Text of the last finished segment (the block before the current one).
    pub fn last_segment_text(&self) -> Option<&str> {
        self.done.last().map(|s| s.text.as_str())
    }

    /// Every finished segment, in order.
    pub fn finish(mut self) -> Vec<Segment> {
        self.cut();
        self.done
    }

    /// How fix text is encoded for the segments this builder makes.
    pub fn set_escape(&mut self, escape: super::Escape) {
        self.escape = escape;
    }
}

const PLACEHOLDER_STR: &str = "\u{E000}";
const CONTROL_STR: &str = "\u{E001}";

/// Whether segment text is worth a segment: a letter, a digit or a
/// placeholder (a paragraph that is just `{{agent.name}}` is a sign-off);
/// whitespace, punctuation and control tags alone are not.
pub fn has_prose(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_alphanumeric() || c == super::PLACEHOLDER)
}

/// What masking collects besides segments.
#[derive(Debug, Default)]
pub struct MaskContext {
    pub brackets: bool,
    pub directives: Vec<Directive>,
    pub kind: Option<Kind>,
    pub protected: Vec<Range<usize>>,
    /// Quoted customer text seen while extracting (see `SourceDoc::quoted`).
    pub quoted: Vec<super::Quote>,
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
        let more =
            kinds("Dear ${Cases.Contact Name}, {!Contact.FirstName} costs $5 { not } {! x} ${ y}");
        assert_eq!(
            more.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
            vec!["${Cases.Contact Name}", "{!Contact.FirstName}"]
        );
        assert_eq!(k[3].1, "{%customer.firstName,fallback=there%}");
    }

    #[test]
    fn hand_written_fill_in_slots_are_placeholders_and_markdown_brackets_are_not() {
        let slots = |t: &str| -> Vec<String> {
            scan(t, false)
                .into_iter()
                .filter(|x| x.kind == TagKind::Placeholder)
                .map(|x| t[x.range].to_string())
                .collect()
        };
        assert_eq!(
            slots(
                "Hi {customer_name}, I'll update you by [timeframe if known / soon]. [Agent Name]"
            ),
            [
                "{customer_name}",
                "[timeframe if known / soon]",
                "[Agent Name]"
            ]
        );
        // Links, references, images, notes, footnotes, task boxes and
        // anything that is not a lone identifier or a few words stay text.
        for t in [
            "See [the guide](https://x.test) or [the FAQ][faq].",
            "[faq]: https://x.test",
            "![logo](a.png) [^1] [x] [ ] [!NOTE] [1]",
            "{ not a slot } {a b} {x}} {{y} \\{z} [ends with space ]",
            "a{color:red} [a very long bracketed aside that goes on for far more than sixty bytes]",
        ] {
            assert!(slots(t).is_empty(), "{t}: {:?}", slots(t));
        }
    }

    #[test]
    fn control_tags_and_comments() {
        let t = "{% if x %}A{% else %}B{% endif %}{{#if y}}C{{/if}}{{! tactful-disable }}{% comment %}hidden{% endcomment %}";
        let k: Vec<TagKind> = kinds(t).into_iter().map(|(k, _)| k).collect();
        use TagKind::*;
        assert_eq!(
            k,
            vec![Control, Branch, Control, Control, Control, Comment, Comment]
        );
    }

    #[test]
    fn masking_collects_directives_and_protects_tags() {
        let mut ctx = MaskContext::default();
        let mut b = SegmentBuilder::new();
        let src = "Hi {{name}}, {{! tactful-disable minimizing }}just do it";
        b.push_masked(src, 10, &mut ctx);
        let seg = b.finish().remove(0);
        assert_eq!(seg.text, "Hi \u{E000}, just do it");
        assert_eq!(ctx.directives.len(), 1);
        assert_eq!(ctx.protected[0], 13..21);
        assert_eq!(ctx.protected.len(), 2, "the comment is protected too");
        let (r, ok) = seg.to_source(0..seg.text.len());
        assert_eq!(r, 10..10 + src.len());
        assert!(!ok, "the removed comment is a gap");
    }
}

#[cfg(test)]
mod branch_tests {
    use super::*;

    fn segments(src: &str) -> Vec<String> {
        let mut ctx = MaskContext::default();
        let mut b = SegmentBuilder::new();
        b.push_masked(src, 0, &mut ctx);
        b.finish().into_iter().map(|s| s.text).collect()
    }

    #[test]
    fn control_tags_never_glue_words() {
        assert_eq!(
            segments("Hi{% if x %} there{% endif %}"),
            vec!["Hi\u{E001} there\u{E001}"]
        );
    }

    #[test]
    fn each_branch_is_its_own_segment() {
        assert_eq!(
            segments("{{#if vip}}Dear friend{{else}}Hi{{/if}} {{name}}, thanks."),
            vec![
                "\u{E001}Dear friend",
                "\u{E001}Hi\u{E001} \u{E000}, thanks."
            ]
        );
        assert_eq!(
            segments("{% case x %}{% when 1 %}One.{% when 2 %}Two.{% else %}Many.{% endcase %}"),
            vec!["\u{E001}One.", "\u{E001}Two.", "\u{E001}Many.\u{E001}"]
        );
    }

    #[test]
    fn comments_vanish_and_help_scout_tags_are_placeholders() {
        let mut ctx = MaskContext::default();
        let mut b = SegmentBuilder::new();
        let src = "Hi {%customer.firstName,fallback=there%}{% comment %}tactful-disable{% endcomment %}, %{ticket.name} {{ first_name | fallback: \"there\" }}.";
        b.push_masked(src, 0, &mut ctx);
        let segs = b.finish();
        assert_eq!(segs[0].text, "Hi \u{E000}, \u{E000} \u{E000}.");
        assert_eq!(ctx.directives.len(), 1);
        assert!(ctx.protected.iter().all(|r| r.end <= src.len()));
    }

    #[test]
    fn masking_keeps_length_and_line_breaks() {
        let mut ctx = MaskContext::default();
        let src = "a {{ b\n c }} é {% x %}";
        let m = mask(src, 0, &mut ctx);
        assert_eq!(m.text.len(), src.len());
        assert_eq!(m.text, "a xxxx\nxxxxx é xxxxxxx");
    }
}
