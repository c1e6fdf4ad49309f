//! Markdown producer: prose segments per block (paragraph, heading, list
//! item, table cell, alert), skipping code, URLs, front matter and quotes.
//!
//! Template tags are masked over the whole document *before* pulldown-cmark
//! runs (each tag overwritten byte for byte with neutral letters), so the
//! parser never mangles `{{ site.baseurl }}` or `{% include x.md %}`; segment
//! text then gets the tag's marker back from the original. Inline markup
//! (`**`, `[`, `](url)`) is removed, which leaves gaps in the offset map: a
//! finding crossing it has a non-contiguous source range and gets no fix.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::placeholder::{self as template, mask, MaskContext, Masked, SegmentBuilder};
use super::{displayed, embed, html, Escape, OffsetMap, SourceDoc, SourceOptions};

/// The pulldown-cmark extensions tactful reads Markdown with (GFM tables,
/// task lists, footnotes, strikethrough, heading attributes, alerts).
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Splits a Markdown document into prose segments.
pub fn extract(text: &str, opts: &SourceOptions) -> SourceDoc {
    extract_nested(text, opts, 0)
}

/// How deep ```` ```md ```` reply blocks are read inside one another.
const MAX_REPLY_BLOCK_DEPTH: usize = 3;

fn extract_nested(text: &str, opts: &SourceOptions, depth: usize) -> SourceDoc {
    let mut ctx = MaskContext {
        brackets: opts.bracket_placeholders,
        ..Default::default()
    };
    let body_start = front_matter(text, &mut ctx);
    let mut masked = mask(text, 0, &mut ctx);
    mask_attribute_lists(&mut masked, &mut ctx);
    mask_docfx_extensions(&mut masked, &mut ctx);
    let mut b = SegmentBuilder::new();
    let mut walker = Walker {
        original: text,
        masked: &masked,
        opts,
        b: &mut b,
        ctx: &mut ctx,
        skips: Vec::new(),
        skip: 0,
        inline_code: None,
        depth,
        reply_block: None,
        emphasis: Vec::new(),
    };
    walker.walk(body_start);
    comment_definitions(&text[body_start..], body_start, &mut ctx);
    let segments = b.finish();
    SourceDoc {
        segments,
        directives: ctx.directives,
        kind: ctx.kind,
        protected: ctx.protected,
        quoted: ctx.quoted,
    }
}

/// Parses a YAML front matter block (`---` … `---`/`...` at the very top)
/// for `tactful: kind=…` keys and `# tactful-…` comments; returns where the
/// Markdown body starts (0 when there is none).
pub fn front_matter(text: &str, ctx: &mut MaskContext) -> usize {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let Some(first) = rest.split_inclusive('\n').next() else {
        return 0;
    };
    if first.trim_end() != "---" {
        return 0;
    }
    let mut pos = start + first.len();
    for line in text[pos..].split_inclusive('\n') {
        let trimmed = line.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return pos + line.len();
        }
        let content = line.trim_start();
        let comment = content.trim_start_matches('#').trim_start();
        let offset = pos + (line.len() - content.len());
        if comment.starts_with("tactful") {
            ctx.comment(comment.trim_end(), offset);
        }
        pos += line.len();
    }
    // No closing line: not front matter (a leading thematic break).
    0
}

/// Reads directives from the Markdown comment idiom, a link reference
/// definition that renders as nothing: `[//]: # (tactful-disable minimizing)`
/// (also `[comment]: #`, `[_]: #`; the body in parentheses or quotes).
fn comment_definitions(body: &str, base: usize, ctx: &mut MaskContext) {
    let mut pos = 0;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_end();
        let label_end = trimmed.find("]: #").filter(|_| trimmed.starts_with('['));
        if let Some(end) = label_end {
            let label = &trimmed[1..end];
            let rest = trimmed[end + 4..].trim();
            let inner = rest
                .strip_prefix('(')
                .and_then(|r| r.strip_suffix(')'))
                .or_else(|| rest.strip_prefix('"').and_then(|r| r.strip_suffix('"')));
            if matches!(label, "//" | "comment" | "_" | "#") {
                if let Some(inner) = inner {
                    ctx.comment(inner, base + pos);
                }
            }
        }
        pos += line.len();
    }
}

/// Masks DocFX extensions (`[!INCLUDE [name](path)]`, `[!div class="x"]`,
/// `[!VIDEO url]`) as control tags: an include is not prose. Alert markers
/// (`[!NOTE]`, no space inside) are left to the parser.
fn mask_docfx_extensions(masked: &mut Masked, ctx: &mut MaskContext) {
    const MAX_LEN: usize = 1000;
    let bytes = masked.text.as_bytes();
    let mut found: Vec<template::Tag> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memmem::find(&bytes[i..], b"[!") {
        let at = i + off;
        i = at + 2;
        let word = bytes[at + 2..]
            .iter()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        if word == 0 || bytes.get(at + 2 + word) != Some(&b' ') {
            continue;
        }
        // The matching `]`, brackets nested, on one line.
        let mut depth = 0usize;
        let mut end = None;
        for (k, b) in bytes[at..(at + MAX_LEN).min(bytes.len())]
            .iter()
            .enumerate()
        {
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = Some(at + k + 1);
                        break;
                    }
                }
                b'\n' => break,
                _ => {}
            }
        }
        let Some(end) = end else { continue };
        let first = masked.tags.partition_point(|t| t.range.end <= at);
        if masked.tags.get(first).is_some_and(|t| t.range.start < end) {
            continue;
        }
        found.push(template::Tag {
            kind: template::TagKind::Control,
            range: at..end,
            body: at..at,
        });
        i = end;
    }
    add_masked_tags(masked, ctx, found);
}

/// Masks kramdown/Jekyll attribute lists (`{:target="_blank"}`, `{: .note}`,
/// `{.table}`, `{#id}`) like template comments: markup, never prose.
fn mask_attribute_lists(masked: &mut Masked, ctx: &mut MaskContext) {
    const MAX_LEN: usize = 300;
    let bytes = masked.text.as_bytes();
    let mut found: Vec<template::Tag> = Vec::new();
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'{', &bytes[i..]) {
        let at = i + off;
        i = at + 1;
        let kind_ok = matches!(bytes.get(at + 1), Some(b':' | b'#' | b'.'))
            && bytes
                .get(at + 2)
                .is_some_and(|b| !b.is_ascii_whitespace() || bytes[at + 1] == b':');
        if !kind_ok {
            continue;
        }
        // `{#id}` / `{.class}` ending an ATX heading are pulldown-cmark's.
        let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |p| p + 1);
        let heading = bytes[line_start..at]
            .iter()
            .find(|b| !b.is_ascii_whitespace())
            == Some(&b'#');
        if heading && bytes[at + 1] != b':' {
            continue;
        }
        let rest = &bytes[at + 1..(at + MAX_LEN).min(bytes.len())];
        let Some(close) = rest.iter().position(|b| matches!(b, b'}' | b'{' | b'\n')) else {
            continue;
        };
        if rest[close] != b'}' {
            continue;
        }
        let end = at + 1 + close + 1;
        let first = masked.tags.partition_point(|t| t.range.end <= at);
        if masked.tags.get(first).is_some_and(|t| t.range.start < end) {
            // Overlaps a template tag: not an attribute list.
            continue;
        }
        found.push(template::Tag {
            kind: template::TagKind::Comment,
            range: at..end,
            body: at..at,
        });
        i = end;
    }
    add_masked_tags(masked, ctx, found);
}

/// Overwrites extra tags in the masked copy and merges them into its list.
fn add_masked_tags(masked: &mut Masked, ctx: &mut MaskContext, found: Vec<template::Tag>) {
    if found.is_empty() {
        return;
    }
    let mut text = std::mem::take(&mut masked.text).into_bytes();
    for tag in &found {
        for b in &mut text[tag.range.clone()] {
            *b = b'x';
        }
        ctx.protected.push(tag.range.clone());
    }
    // Only ASCII bytes were overwritten, and only whole ASCII-delimited runs.
    masked.text = String::from_utf8(text).unwrap_or_default();
    masked.tags.extend(found);
    masked.tags.sort_by_key(|t| t.range.start);
}

struct Walker<'a, 'b> {
    original: &'a str,
    masked: &'a Masked,
    opts: &'a SourceOptions,
    b: &'b mut SegmentBuilder,
    ctx: &'b mut MaskContext,
    /// For each open container: whether it started skipping.
    skips: Vec<bool>,
    skip: usize,
    /// Start of an inline `<code>`/`<kbd>` element and its closing tag.
    inline_code: Option<(usize, &'static str)>,
    /// Nesting depth of ```` ```md ```` reply blocks.
    depth: usize,
    /// The text of the ```` ```md ```` block being read and its map back to
    /// the document.
    reply_block: Option<(String, OffsetMap)>,
    /// For each open emphasis run: where its closing marker is, when the run
    /// is a displayed message wrapped in quotation marks ([`displayed`]).
    emphasis: Vec<Option<Range<usize>>>,
}

const INLINE_CODE_TAGS: &[(&str, &str)] = &[
    ("<code", "</code"),
    ("<kbd", "</kbd"),
    ("<samp", "</samp"),
    ("<var", "</var"),
    ("<pre", "</pre"),
];

impl Walker<'_, '_> {
    fn walk(&mut self, body_start: usize) {
        let body = &self.masked.text[body_start..];
        for (event, r) in Parser::new_ext(body, parser_options()).into_offset_iter() {
            let r = (r.start + body_start)..(r.end + body_start);
            match event {
                Event::Start(tag) => self.start(tag, r),
                Event::End(tag) => self.end(tag),
                Event::Text(t) if self.reply_block.is_some() => self.reply_block_text(&t, r),
                Event::Text(t) => self.text(&t, r),
                Event::Code(_) | Event::FootnoteReference(_) | Event::InlineMath(_) => {
                    if self.visible() {
                        self.b.push_placeholder(r.start, r.len());
                        self.ctx.protected.push(r);
                    }
                }
                Event::Html(h) => self.collect_comments(&h, r),
                Event::InlineHtml(h) => self.inline_html(&h, r),
                Event::SoftBreak | Event::HardBreak => {
                    if self.visible() {
                        let src = &self.original[r.clone()];
                        if src.chars().all(char::is_whitespace) && !src.is_empty() {
                            // May lie inside a multi-line tag: push_span
                            // turns that into the tag's marker.
                            self.b.push_span(
                                self.original,
                                r,
                                self.masked,
                                0,
                                &mut self.ctx.protected,
                            );
                        } else {
                            self.b.push_atomic("\n", r.start, r.len());
                        }
                    }
                }
                Event::Rule | Event::DisplayMath(_) => self.b.cut(),
                Event::TaskListMarker(_) => {}
            }
        }
        self.b.cut();
    }

    fn visible(&self) -> bool {
        self.skip == 0 && self.inline_code.is_none()
    }

    fn start(&mut self, tag: Tag, r: Range<usize>) {
        if matches!(tag, Tag::Emphasis | Tag::Strong) {
            self.open_emphasis(r.clone());
        }
        let skips = match tag {
            Tag::CodeBlock(CodeBlockKind::Fenced(ref info))
                if is_reply_language(info)
                    && self.visible()
                    && self.depth < MAX_REPLY_BLOCK_DEPTH =>
            {
                self.reply_block = Some((String::new(), OffsetMap::new()));
                true
            }
            Tag::CodeBlock(_) | Tag::MetadataBlock(_) => true,
            Tag::BlockQuote(None) => {
                if !self.opts.lint_block_quotes && self.visible() {
                    // The customer's words: context for the document checks.
                    let quote: String = self.original[r.clone()]
                        .lines()
                        .map(|l| l.trim_start().trim_start_matches('>').trim_start())
                        .collect::<Vec<_>>()
                        .join("\n");
                    let before = self.b.prose_so_far();
                    super::keep_quoted(&mut self.ctx.quoted, &quote, before);
                }
                !self.opts.lint_block_quotes
            }
            Tag::BlockQuote(Some(_)) => false,
            Tag::HtmlBlock => {
                if self.visible() {
                    self.b.cut();
                    self.b.set_escape(Escape::Html);
                    html::extract_range(self.original, self.masked, r, self.b, self.ctx, self.opts);
                    self.b.cut();
                    self.b.set_escape(Escape::None);
                }
                true
            }
            Tag::Image { .. } => {
                if self.visible() {
                    self.b.push_placeholder(r.start, r.len());
                    self.ctx.protected.push(r);
                }
                true
            }
            Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            } => {
                if self.visible() {
                    self.b.push_placeholder(r.start, r.len());
                    self.ctx.protected.push(r);
                }
                true
            }
            _ => false,
        };
        if is_block(&tag) {
            self.b.cut();
            self.inline_code = None;
        }
        if skips {
            self.skip += 1;
        }
        self.skips.push(skips);
    }

    /// Collects the text of a ```` ```md ```` block (from the original, so
    /// its template tags are read again by the nested extraction).
    fn reply_block_text(&mut self, t: &str, r: Range<usize>) {
        let Some((text, map)) = self.reply_block.as_mut() else {
            return;
        };
        match self.original.get(r.clone()) {
            Some(src) if self.masked.text.get(r.clone()) == Some(t) => {
                map.push_verbatim(text.len(), r.start, src.len());
                text.push_str(src);
            }
            _ => {
                map.push_atomic(text.len(), t.len(), r.start, r.len());
                text.push_str(t);
            }
        }
    }

    /// Lints a finished ```` ```md ```` block as its own Markdown document.
    fn finish_reply_block(&mut self) {
        let Some((text, map)) = self.reply_block.take() else {
            return;
        };
        let inner = extract_nested(&text, self.opts, self.depth + 1);
        let mapped = embed::map_embedded(inner, &map, Escape::None);
        for seg in mapped.segments {
            self.b.push_segment(seg);
        }
        self.ctx.protected.extend(mapped.protected);
        self.ctx.directives.extend(mapped.directives);
    }

    /// An emphasis run opens: when it quotes a displayed message, its
    /// opening marker stands for a quotation mark in the segment text.
    fn open_emphasis(&mut self, r: Range<usize>) {
        // The masked text: a template tag reads as neutral letters, never as a word.
        let src = self.masked.text.get(r.clone()).unwrap_or("");
        let marker = src.len() - src.trim_start_matches(['*', '_']).len();
        let closing = src.len() - src.trim_end_matches(['*', '_']).len();
        let already = self.emphasis.iter().any(Option::is_some);
        let shown = self.visible()
            && !already
            && marker > 0
            && closing > 0
            && marker + closing < src.len()
            && {
                // Nested markers split words like any punctuation.
                let inner = &src[marker..src.len() - closing];
                let after = displayed::window(&self.masked.text, r.end, 60);
                displayed::opens_in(self.b, inner, after)
            };
        if shown {
            self.b.push_atomic("\u{201C}", r.start, marker);
            self.emphasis.push(Some((r.end - closing)..r.end));
        } else {
            self.emphasis.push(None);
        }
    }

    fn end(&mut self, tag: TagEnd) {
        if matches!(tag, TagEnd::Emphasis | TagEnd::Strong) {
            if let Some(Some(close)) = self.emphasis.pop() {
                if self.visible() {
                    self.b.push_atomic("\u{201D}", close.start, close.len());
                }
            }
        }
        if tag == TagEnd::CodeBlock {
            self.finish_reply_block();
        }
        if self.skips.pop() == Some(true) {
            self.skip = self.skip.saturating_sub(1);
        }
        if is_block_end(tag) {
            self.b.cut();
            self.inline_code = None;
        }
    }

    fn text(&mut self, t: &str, r: Range<usize>) {
        if !self.visible() {
            return;
        }
        if self.masked.text.get(r.clone()) == Some(t) {
            self.b
                .push_span(self.original, r, self.masked, 0, &mut self.ctx.protected);
        } else {
            // An entity or a backslash escape: shown decoded, mapped as a unit.
            self.b.push_atomic(t, r.start, r.len());
        }
    }

    fn inline_html(&mut self, h: &str, r: Range<usize>) {
        self.collect_comments(h, r.clone());
        if self.skip > 0 {
            return;
        }
        let lower = h.to_ascii_lowercase();
        if let Some((start, close)) = self.inline_code {
            if lower.starts_with(close) {
                self.b.push_placeholder(start, r.end - start);
                self.ctx.protected.push(start..r.end);
                self.inline_code = None;
            }
            return;
        }
        if lower.starts_with("<br") {
            self.b.cut();
            return;
        }
        for (open, close) in INLINE_CODE_TAGS {
            let after = lower.as_bytes().get(open.len()).copied();
            if lower.starts_with(open) && matches!(after, Some(b'>' | b' ' | b'\n' | b'\t')) {
                self.inline_code = Some((r.start, close));
                return;
            }
        }
    }

    /// Collects directives from HTML comments in raw HTML.
    fn collect_comments(&mut self, h: &str, r: Range<usize>) {
        let mut from = 0;
        while let Some(open) = h[from..].find("<!--") {
            let body_start = from + open + 4;
            let body_end = h[body_start..]
                .find("-->")
                .map(|e| body_start + e)
                .unwrap_or(h.len());
            // Template tags inside the comment were masked; read the original.
            let src = (r.start + body_start)..(r.start + body_end);
            if let Some(body) = self.original.get(src.clone()) {
                self.ctx.comment(body, r.start + from + open);
            }
            from = (body_end + 3).min(h.len());
        }
    }
}

/// Whether a fenced block's info string marks a reply written in Markdown
/// (```` ```md ````, ```` ```markdown ````): saved-reply collections keep
/// each reply in one, so its text is prose, not code.
fn is_reply_language(info: &str) -> bool {
    let lang = info.split([' ', '{', ',']).next().unwrap_or("");
    lang.eq_ignore_ascii_case("md") || lang.eq_ignore_ascii_case("markdown")
}

/// Whether a tag opens a block (not inline markup).
pub fn is_block(tag: &Tag) -> bool {
    matches!(
        tag,
        Tag::Paragraph
            | Tag::Heading { .. }
            | Tag::BlockQuote(_)
            | Tag::CodeBlock(_)
            | Tag::HtmlBlock
            | Tag::List(_)
            | Tag::Item
            | Tag::FootnoteDefinition(_)
            | Tag::Table(_)
            | Tag::TableHead
            | Tag::TableRow
            | Tag::TableCell
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_)
    )
}

fn is_block_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::BlockQuote(_)
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::List(_)
            | TagEnd::Item
            | TagEnd::FootnoteDefinition
            | TagEnd::Table
            | TagEnd::TableHead
            | TagEnd::TableRow
            | TagEnd::TableCell
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> SourceDoc {
        let mut d = extract(text, &SourceOptions::default());
        d.normalize();
        d
    }

    fn texts(doc: &SourceDoc) -> Vec<&str> {
        doc.segments.iter().map(|s| s.text.as_str()).collect()
    }

    /// The source text a whole segment maps back to.
    fn source_of<'a>(src: &'a str, doc: &SourceDoc, i: usize) -> &'a str {
        let seg = &doc.segments[i];
        &src[seg.to_source(0..seg.text.len()).0]
    }

    #[test]
    fn displayed_messages_are_quoted_and_the_writers_emphasis_is_not() {
        let src = "*Sorry, no quotes are available* error is displayed.\n\nYou receive the following error message:\n\n**Excel has encountered a problem. We are sorry.**\n\n**Please read this first.** Backups are ***VERY*** important.\n";
        let doc = md(src);
        assert_eq!(
            texts(&doc),
            vec![
                "\u{201C}Sorry, no quotes are available\u{201D} error is displayed.",
                "You receive the following error message:",
                "\u{201C}Excel has encountered a problem. We are sorry.\u{201D}",
                "Please read this first. Backups are VERY important.",
            ]
        );
        // The quotation marks stand for the markers: the source is untouched.
        assert_eq!(
            source_of(src, &doc, 2),
            "**Excel has encountered a problem. We are sorry.**"
        );
    }

    #[test]
    fn blocks_become_segments() {
        let src = "# Title {#anchor}\n\nYou **must** pay.\nNow.\n\n- one\n- two *x*\n\n| a | b |\n|---|---|\n| c | d |\n";
        let doc = md(src);
        assert_eq!(
            texts(&doc),
            vec![
                "Title",
                "You must pay.\nNow.",
                "one",
                "two x",
                "a",
                "b",
                "c",
                "d"
            ]
        );
        // A range crossing `**` is not contiguous; one inside a run is.
        let seg = &doc.segments[1];
        assert!(!seg.to_source(0..8).1);
        let (r, ok) = seg.to_source(4..8);
        assert!(ok);
        assert_eq!(&src[r], "must");
        assert_eq!(source_of(src, &doc, 0), "Title");
    }

    #[test]
    fn code_urls_and_images_are_opaque() {
        let src = "Run `just do it` at https://x.com/simply or <https://y.com/easy> or [the docs](https://z.com/just) ![simply](i.png).\n\n```\nyou failed\n```\n\n    indented code\n";
        let doc = md(src);
        assert_eq!(
            texts(&doc),
            vec!["Run \u{E000} at \u{E000} or \u{E000} or the docs \u{E000}."]
        );
        for r in &doc.protected {
            assert!(
                [
                    "`just do it`",
                    "https://x.com/simply",
                    "<https://y.com/easy>",
                    "![simply](i.png)"
                ]
                .contains(&&src[r.clone()]),
                "{:?}",
                &src[r.clone()]
            );
        }
    }

    #[test]
    fn front_matter_is_skipped_and_read_for_kind() {
        let src = "---\ntitle: You failed\ntactful: kind=kb\n# tactful-disable minimizing\n---\nBody text.\n";
        let doc = md(src);
        assert_eq!(texts(&doc), vec!["Body text."]);
        assert_eq!(doc.kind, Some(crate::model::Kind::Kb));
        assert_eq!(doc.directives.len(), 1);
        // A lone `---` is a thematic break, not front matter.
        assert_eq!(texts(&md("---\nHello\n")), vec!["Hello"]);
    }

    #[test]
    fn only_quotes_around_the_reply_are_the_customers_message() {
        let quotes =
            |src: &str| -> Vec<String> { md(src).customer_quotes().map(str::to_string).collect() };
        // Above the reply, after a greeting, below it, or after "wrote:".
        assert_eq!(quotes("> It broke.\n\nHi,\n\nTry this.\n"), ["It broke."]);
        assert_eq!(
            quotes("Hi Sam,\n\n> It broke.\n\nTry this.\n"),
            ["It broke."]
        );
        assert_eq!(
            quotes("Try this.\n\nThanks.\n\n> It broke.\n"),
            ["It broke."]
        );
        assert_eq!(
            quotes("Try this first.\n\nOn Monday, Sam wrote:\n\n> It broke.\n\nThen this.\n"),
            ["It broke."]
        );
        // A callout in the middle of instructions is the writer's own.
        assert!(quotes("# Raising errors\n\nDo not call it.\n\n> This error is a smell.\n\n1. Reorder the clauses.\n").is_empty());
    }

    #[test]
    fn quotes_are_skipped_but_alerts_are_linted() {
        let src = "> you wrote: this is ridiculous\n\n> [!NOTE]\n> Just restart the app.\n\n> [!WARNING]\n> Data is lost.\n";
        let doc = md(src);
        assert_eq!(texts(&doc), vec!["Just restart the app.", "Data is lost."]);
        assert_eq!(source_of(src, &doc, 0), "Just restart the app.");
        let opts = SourceOptions {
            lint_block_quotes: true,
            ..Default::default()
        };
        assert_eq!(extract(src, &opts).segments.len(), 3);
    }

    #[test]
    fn html_comments_hold_directives_and_inline_html_is_markup() {
        let src = "<!-- tactful-disable-next-line minimizing -->\nIt is <b>simply</b> done.<br>Next <code>just x</code> line.\n\n<div>\n<p>Block html text</p>\n</div>\n\n<!-- tactful: kind=internal-note -->\n";
        let doc = md(src);
        assert_eq!(
            texts(&doc),
            vec![
                "It is simply done.",
                "Next \u{E000} line.",
                "Block html text"
            ]
        );
        assert_eq!(doc.directives.len(), 1);
        assert_eq!(doc.kind, Some(crate::model::Kind::InternalNote));
        assert_eq!(doc.segments[2].escape, Escape::Html);
        assert_eq!(source_of(src, &doc, 2), "Block html text");
    }

    #[test]
    fn liquid_tags_are_masked_before_parsing() {
        let src = "See [the guide]({{ site.baseurl }}/x_y_z/) for *help*, {{ page.name_with_underscores }}.\n\n{% include privacy-pro-contact.md %}\n\nHi {% if vip %}friend{% else %}there{% endif %}!\n";
        let doc = md(src);
        assert_eq!(
            texts(&doc),
            vec![
                "See the guide for help, \u{E000}.",
                "Hi \u{E001}friend",
                "\u{E001}there\u{E001}!"
            ]
        );
        assert!(doc
            .protected
            .iter()
            .any(|r| &src[r.clone()] == "{{ page.name_with_underscores }}"));
    }

    #[test]
    fn comment_definitions_hold_directives() {
        let src = "Hi.\n\n[//]: # (tactful-disable-next-line minimizing)\nJust do it.\n\n[comment]: # \"tactful: kind=kb\"\n";
        let doc = md(src);
        assert_eq!(texts(&doc), vec!["Hi.", "Just do it."]);
        assert_eq!(doc.directives.len(), 1);
        assert_eq!(doc.directives[0].offset, 5);
        assert_eq!(doc.kind, Some(crate::model::Kind::Kb));
    }

    #[test]
    fn docfx_includes_are_control_tags_but_alerts_stay() {
        let src = "[!INCLUDE [Third-party disclaimer](../includes/x.md)]\n\n> [!NOTE]\n> Restart [!div class=\"x\"] it.\n";
        let doc = md(src);
        assert_eq!(texts(&doc), vec!["Restart \u{E001} it."]);
        assert_eq!(
            texts(&md("> [!note]\n> Lower-case alert.\n")),
            vec!["Lower-case alert."]
        );
    }

    #[test]
    fn markdown_reply_blocks_are_prose() {
        let src = "- **Duplicate**\n\n  ```md\n  Thanks, {{ author }}!\n\n  You **simply** missed it.\n  ```\n\n```sh\nsimply run\n```\n";
        let doc = md(src);
        assert_eq!(
            texts(&doc),
            vec!["Duplicate", "Thanks, \u{E000}!", "You simply missed it."]
        );
        let seg = &doc.segments[2];
        let at = seg.text.find("simply").unwrap();
        let (r, ok) = seg.to_source(at..at + 6);
        assert!(ok);
        assert_eq!(&src[r], "simply");
        assert!(doc
            .protected
            .iter()
            .any(|r| &src[r.clone()] == "{{ author }}"));
        // Nested reply blocks stop at a fixed depth (no quadratic blow-up).
        let deep = "```md\n".repeat(2_000);
        let _ = md(&deep);
    }

    #[test]
    fn kramdown_attribute_lists_are_markup() {
        let src = "[Duck.ai](https://duck.ai){:target=\"\\_blank\"}{:rel=\"noopener\"} is free.\n{: .note}\n\n| a |\n|---|\n| b |\n{.table-regular}\n";
        let doc = md(src);
        assert_eq!(texts(&doc), vec!["Duck.ai is free.\n", "a", "b"]);
    }

    #[test]
    fn entities_and_escapes_map_as_units() {
        let src = "Tom &amp; Jerry \\*can't\\* wait.";
        let doc = md(src);
        assert_eq!(texts(&doc), vec!["Tom & Jerry *can't* wait."]);
        let seg = &doc.segments[0];
        let at = seg.text.find('&').unwrap();
        assert_eq!(&src[seg.to_source(at..at + 1).0], "&amp;");
        assert_eq!(source_of(src, &doc, 0), src);
    }

    #[test]
    fn truncated_markdown_never_panics() {
        let src = "---\ntactful: kind=kb\n---\n# H {#a}\n\n> [!NOTE]\n> **Just** `x` {{ y }} <b>z</b> &amp; ![i](u)\n\n```\nc\n";
        for end in 0..=src.len() {
            if src.is_char_boundary(end) {
                let doc = md(&src[..end]);
                for seg in &doc.segments {
                    let (r, _) = seg.to_source(0..seg.text.len());
                    assert!(r.end <= end);
                }
            }
        }
    }
}
