//! HTML producer: text content as segments per block element, skipping
//! `<code>`, `<pre>`, `<script>`, `<style>`, attributes and comments.
//!
//! A small forgiving tokenizer (never panics on malformed HTML): tags and
//! comments are markup, text runs are prose with entities decoded as atomic
//! map runs. Template tags are masked before tokenizing, so `{{ a > b }}` or
//! `href="{{url}}"` never confuse it. Fix text is written back HTML-escaped.
//! An `<em>`/`<strong>` run that quotes a displayed message stands between
//! quotation marks in the segment text ([`displayed`]).

use std::ops::Range;

use super::placeholder::{mask, MaskContext, Masked, SegmentBuilder};
use super::{displayed, Escape, SourceDoc, SourceOptions};

/// Splits an HTML document into prose segments.
pub fn extract(text: &str, opts: &SourceOptions) -> SourceDoc {
    let mut ctx = MaskContext {
        brackets: opts.bracket_placeholders,
        ..Default::default()
    };
    let masked = mask(text, 0, &mut ctx);
    let mut b = SegmentBuilder::new();
    b.set_escape(Escape::Html);
    extract_range(text, &masked, 0..text.len(), &mut b, &mut ctx, opts);
    SourceDoc {
        segments: b.finish(),
        directives: ctx.directives,
        kind: ctx.kind,
        protected: ctx.protected,
        quoted: ctx.quoted,
    }
}

/// Elements whose start and end tags end a segment.
const BLOCK_ELEMENTS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "td",
    "th",
    "tr",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "caption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "br",
    "hr",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "details",
    "summary",
    "form",
    "fieldset",
    "legend",
    "address",
    "center",
    "body",
    "html",
    "option",
    "button",
    "label",
    "img",
    "blockquote",
    "title",
    "li",
    "menu",
    "frame",
    "iframe",
];
/// Inline emphasis elements: one that quotes a displayed message is read as
/// quoted text ([`displayed`]).
const EMPHASIS_ELEMENTS: &[&str] = &["em", "i", "strong", "b"];
/// Elements whose content is never prose.
const SKIPPED_ELEMENTS: &[&str] = &[
    "pre", "script", "style", "textarea", "head", "template", "noscript", "svg", "math", "object",
    "select", "iframe",
];
/// Inline elements whose content is code: the whole element becomes one
/// opaque placeholder word.
const CODE_ELEMENTS: &[&str] = &["code", "kbd", "samp", "var", "tt"];

/// Produces the segments of `original[range]` into `b` (offsets are
/// `original` offsets; `masked` is the tag-masked copy of `original`).
pub fn extract_range(
    original: &str,
    masked: &Masked,
    range: Range<usize>,
    b: &mut SegmentBuilder,
    ctx: &mut MaskContext,
    opts: &SourceOptions,
) {
    let m = masked.text.as_bytes();
    let end = range.end.min(m.len());
    let mut i = range.start.min(end);
    let mut text_start = i;
    // The closing tag of the emphasis run being read as a displayed message.
    let mut displayed_close: Option<Range<usize>> = None;
    while i < end {
        if m[i] == b'&' {
            if let Some((decoded, len)) = decode_entity(&masked.text[i..end]) {
                flush_text(original, masked, text_start..i, b, ctx);
                b.push_atomic(decoded.encode_utf8(&mut [0u8; 4]), i, len);
                i += len;
                text_start = i;
                continue;
            }
            i += 1;
            continue;
        }
        if m[i] != b'<' {
            i += 1;
            continue;
        }
        let Some(markup) = read_markup(&masked.text[i..end]) else {
            i += 1;
            continue;
        };
        flush_text(original, masked, text_start..i, b, ctx);
        let markup_end = i + markup.len;
        match markup.kind {
            MarkupKind::Comment(body) => {
                let body = (i + body.start)..(i + body.end);
                if let Some(body_text) = original.get(body) {
                    ctx.comment(body_text, i);
                }
                i = markup_end;
            }
            MarkupKind::Other => i = markup_end,
            MarkupKind::Tag {
                name,
                closing,
                self_closing,
            } => {
                let name = name.to_ascii_lowercase();
                if EMPHASIS_ELEMENTS.contains(&name.as_str()) && !self_closing {
                    if closing {
                        if displayed_close.as_ref().is_some_and(|c| c.start == i) {
                            displayed_close = None;
                            b.push_atomic("\u{201D}", i, markup.len);
                            i = markup_end;
                            text_start = i;
                            continue;
                        }
                    } else if displayed_close.is_none() {
                        if let Some((at, len)) = find_closing(&masked.text[markup_end..end], &name)
                        {
                            let close = (markup_end + at)..(markup_end + at + len);
                            // Masked text: a template tag reads as neutral letters, not words.
                            let inner =
                                strip_tags(masked.text.get(markup_end..close.start).unwrap_or(""));
                            let after =
                                strip_tags(displayed::window(&masked.text[..end], close.end, 120));
                            if displayed::opens_in(b, &inner, &after) {
                                b.push_atomic("\u{201C}", i, markup.len);
                                displayed_close = Some(close);
                                i = markup_end;
                                text_start = i;
                                continue;
                            }
                        }
                    }
                }
                let block = BLOCK_ELEMENTS.contains(&name.as_str());
                if block {
                    b.cut();
                }
                let quote = name == "blockquote" && !opts.lint_block_quotes;
                let skipped = SKIPPED_ELEMENTS.contains(&name.as_str()) || quote;
                let code = CODE_ELEMENTS.contains(&name.as_str());
                if !closing && !self_closing && (skipped || code) {
                    let close = find_closing(&masked.text[markup_end..end], &name)
                        .map(|(at, len)| markup_end + at + len)
                        .unwrap_or(end);
                    if code {
                        b.push_placeholder(i, close - i);
                        ctx.protected.push(i..close);
                    } else {
                        // Comments inside skipped elements may still hold directives.
                        collect_comments(original, &masked.text, markup_end..close, ctx);
                        if quote {
                            let inner = original.get(markup_end..close).unwrap_or("");
                            let before = b.prose_so_far();
                            super::keep_quoted(&mut ctx.quoted, &strip_tags(inner), before);
                        }
                        b.cut();
                    }
                    i = close;
                } else {
                    i = markup_end;
                }
            }
        }
        text_start = i;
    }
    flush_text(original, masked, text_start..end, b, ctx);
}

fn flush_text(
    original: &str,
    masked: &Masked,
    r: Range<usize>,
    b: &mut SegmentBuilder,
    ctx: &mut MaskContext,
) {
    if r.start < r.end {
        b.push_span(original, r, masked, 0, &mut ctx.protected);
    }
}

fn collect_comments(original: &str, masked: &str, r: Range<usize>, ctx: &mut MaskContext) {
    let Some(region) = masked.get(r.clone()) else {
        return;
    };
    let mut from = 0;
    while let Some(open) = region[from..].find("<!--") {
        let body_start = from + open + 4;
        let body_end = region[body_start..]
            .find("-->")
            .map(|e| body_start + e)
            .unwrap_or(region.len());
        if let Some(body) = original.get(r.start + body_start..r.start + body_end) {
            ctx.comment(body, r.start + from + open);
        }
        from = (body_end + 3).min(region.len());
    }
}

enum MarkupKind<'a> {
    Comment(Range<usize>),
    Tag {
        name: &'a str,
        closing: bool,
        self_closing: bool,
    },
    /// `<!DOCTYPE>`, `<?xml?>`, `<![CDATA[…]]>`.
    Other,
}

struct Markup<'a> {
    kind: MarkupKind<'a>,
    len: usize,
}

/// Reads the markup starting at `s[0] == '<'`, or `None` when the `<` is
/// just text (`a < b`, or a tag that never closes).
fn read_markup(s: &str) -> Option<Markup<'_>> {
    let bytes = s.as_bytes();
    if let Some(rest) = s.strip_prefix("<!--") {
        let (body_end, len) = match rest.find("-->") {
            Some(e) => (4 + e, 4 + e + 3),
            None => (s.len(), s.len()),
        };
        return Some(Markup {
            kind: MarkupKind::Comment(4..body_end),
            len,
        });
    }
    if s.starts_with("<![CDATA[") {
        let len = s.find("]]>").map(|e| e + 3).unwrap_or(s.len());
        return Some(Markup {
            kind: MarkupKind::Other,
            len,
        });
    }
    if s.starts_with("<!") || s.starts_with("<?") {
        let len = s.find('>').map(|e| e + 1).unwrap_or(s.len());
        return Some(Markup {
            kind: MarkupKind::Other,
            len,
        });
    }
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    if !bytes
        .get(name_start)
        .is_some_and(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let name_end = bytes[name_start..]
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b':'))
        .map(|p| name_start + p)
        .unwrap_or(bytes.len());
    // Attributes: up to the first `>` outside quotes (a tag longer than
    // this is text, which keeps hostile input linear).
    const MAX_TAG: usize = 16 * 1024;
    let mut j = name_end;
    let mut quote: Option<u8> = None;
    while j < bytes.len() {
        let c = bytes[j];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => {
                // Only a quote right after `=` (an attribute value) opens one.
                let prev = bytes[..j].iter().rev().find(|b| !b.is_ascii_whitespace());
                if prev == Some(&b'=') {
                    quote = Some(c);
                }
            }
            None if c == b'>' => {
                let self_closing = bytes[..j].last() == Some(&b'/');
                return Some(Markup {
                    kind: MarkupKind::Tag {
                        name: &s[name_start..name_end],
                        closing,
                        self_closing,
                    },
                    len: j + 1,
                });
            }
            None if c == b'<' => return None,
            None => {}
        }
        j += 1;
        if j > MAX_TAG {
            return None;
        }
    }
    None
}

/// Offset and length of `</name>` in `s` (case-insensitive), in one pass.
fn find_closing(s: &str, name: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(off) = memchr::memmem::find(&b[from..], b"</") {
        let at = from + off;
        let name_end = at + 2 + name.len();
        let matches_name = b
            .get(at + 2..name_end)
            .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
        let next = b.get(name_end).copied();
        if matches_name && matches!(next, Some(b'>' | b' ' | b'\n' | b'\t' | b'\r') | None) {
            let len = memchr::memchr(b'>', &b[name_end..])
                .map(|e| name_end + e + 1 - at)
                .unwrap_or(s.len() - at);
            return Some((at, len));
        }
        from = at + 2;
    }
    None
}

/// Named entities decoded (the rest stay verbatim).
const ENTITIES: &[(&str, char)] = &[
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
    ("nbsp", ' '),
    ("rsquo", '\u{2019}'),
    ("lsquo", '\u{2018}'),
    ("rdquo", '\u{201d}'),
    ("ldquo", '\u{201c}'),
    ("mdash", '\u{2014}'),
    ("ndash", '\u{2013}'),
    ("hellip", '\u{2026}'),
    ("copy", '\u{a9}'),
    ("reg", '\u{ae}'),
    ("trade", '\u{2122}'),
    ("eacute", '\u{e9}'),
    ("egrave", '\u{e8}'),
    ("aacute", '\u{e1}'),
    ("agrave", '\u{e0}'),
    ("ouml", '\u{f6}'),
    ("uuml", '\u{fc}'),
    ("auml", '\u{e4}'),
    ("szlig", '\u{df}'),
    ("ccedil", '\u{e7}'),
    ("bull", '\u{2022}'),
    ("middot", '\u{b7}'),
    ("laquo", '\u{ab}'),
    ("raquo", '\u{bb}'),
    ("euro", '\u{20ac}'),
    ("pound", '\u{a3}'),
    ("times", '\u{d7}'),
    ("zwj", '\u{200d}'),
    ("zwnj", '\u{200c}'),
    ("thinsp", ' '),
    ("ensp", ' '),
    ("emsp", ' '),
];

/// Decodes the entity at the start of `s` (`&amp;`, `&#8217;`, `&#x2019;`):
/// the character and the entity's byte length.
pub fn decode_entity(s: &str) -> Option<(char, usize)> {
    let bytes = s.as_bytes();
    let semi = bytes.iter().take(12).position(|b| *b == b';')?;
    let body = &s[1..semi];
    let c = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse::<u32>().ok()?,
        };
        match char::from_u32(code) {
            Some('\u{a0}') => ' ',
            Some(c) if c != '\0' => c,
            _ => '\u{fffd}',
        }
    } else {
        ENTITIES.iter().find(|(n, _)| *n == body).map(|(_, c)| *c)?
    };
    Some((c, semi + 1))
}

/// Text of an HTML fragment with its tags removed (for quoted context only).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(doc: &SourceDoc) -> Vec<&str> {
        doc.segments.iter().map(|s| s.text.as_str()).collect()
    }

    fn html(text: &str) -> SourceDoc {
        let mut d = extract(text, &SourceOptions::default());
        d.normalize();
        d
    }

    #[test]
    fn displayed_messages_are_quoted_and_the_writers_emphasis_is_not() {
        let src = "<p><em>Sorry, no quotes are available</em> error is displayed.</p><p>You receive the following error message:</p><p><strong>Excel has encountered a problem. We are sorry.</strong></p><p><b>Please read this first.</b> It is <b>VERY</b> short.</p>";
        let doc = html(src);
        assert_eq!(
            texts(&doc),
            vec![
                "\u{201C}Sorry, no quotes are available\u{201D} error is displayed.",
                "You receive the following error message:",
                "\u{201C}Excel has encountered a problem. We are sorry.\u{201D}",
                "Please read this first. It is VERY short.",
            ]
        );
        let seg = &doc.segments[2];
        let (r, _) = seg.to_source(0..seg.text.len());
        assert_eq!(
            &src[r],
            "<strong>Excel has encountered a problem. We are sorry.</strong>"
        );
    }

    #[test]
    fn block_elements_make_segments() {
        let doc = html("<h1>Hello</h1><p>You <b>failed</b> to pay.</p><ul><li>One</li><li>Two<br>Three</li></ul>");
        assert_eq!(
            texts(&doc),
            vec!["Hello", "You failed to pay.", "One", "Two", "Three"]
        );
        assert!(doc.segments.iter().all(|s| s.escape == Escape::Html));
        // "You failed" crosses `<b>`: not contiguous, so no fix there.
        let (r, ok) = doc.segments[1].to_source(0..10);
        assert!(!ok);
        assert_eq!(r, 17..30);
        let (r, ok) = doc.segments[1].to_source(4..10);
        assert!(ok);
        assert_eq!(r, 24..30);
    }

    #[test]
    fn entities_decode_as_atomic_runs() {
        let src = "<p>We can&rsquo;t &amp; won&#8217;t&nbsp;wait &bogus; &#x41;</p>";
        let doc = html(src);
        assert_eq!(
            texts(&doc),
            vec!["We can\u{2019}t & won\u{2019}t wait &bogus; A"]
        );
        let seg = &doc.segments[0];
        let at = seg.text.find('\u{2019}').unwrap();
        let (r, ok) = seg.to_source(at..at + 3);
        assert!(ok);
        assert_eq!(&src[r], "&rsquo;");
        let (r, _) = seg.to_source(0..seg.text.len());
        assert_eq!(
            &src[r],
            "We can&rsquo;t &amp; won&#8217;t&nbsp;wait &bogus; &#x41;"
        );
    }

    #[test]
    fn code_script_style_attributes_and_comments_are_skipped() {
        let src = r#"<p title="you failed">Run <code>just do it</code> now.</p><pre>simply
code</pre><script>var a = "<p>x</p>";</script><style>p{}</style><!-- tactful-disable minimizing --><p>Ok</p>"#;
        let doc = html(src);
        assert_eq!(texts(&doc), vec!["Run \u{E000} now.", "Ok"]);
        assert_eq!(doc.directives.len(), 1);
        assert_eq!(doc.directives[0].ids, vec!["minimizing"]);
        assert!(doc
            .protected
            .iter()
            .any(|r| &src[r.clone()] == "<code>just do it</code>"));
    }

    #[test]
    fn template_tags_inside_html_are_masked() {
        let src = r#"<p>Dear {{ user.name }},</p><p><a href="{{url}}">click</a> {% if a > b %}now{% endif %}</p>"#;
        let doc = html(src);
        assert_eq!(
            texts(&doc),
            vec!["Dear \u{E000},", "click \u{E001}now\u{E001}"]
        );
    }

    #[test]
    fn blockquotes_are_quoted_text_unless_asked() {
        let src = "<p>Hi</p><blockquote>you idiot</blockquote><p>Bye</p>";
        assert_eq!(texts(&html(src)), vec!["Hi", "Bye"]);
        let opts = SourceOptions {
            lint_block_quotes: true,
            ..Default::default()
        };
        assert_eq!(texts(&extract(src, &opts)), vec!["Hi", "you idiot", "Bye"]);
    }

    #[test]
    fn malformed_html_never_panics() {
        let samples = [
            "<",
            "<p",
            "<p>unclosed",
            "</",
            "<!--",
            "<!-- x",
            "&",
            "&#",
            "&#x;",
            "&#99999999;",
            "<a href=\"x>y",
            "a < b > c",
            "<code>never closed",
            "<pre>",
            "<p>é&rsquo",
            "<<<>>>",
            "<p>x</p",
            "<![CDATA[",
            "<?xml",
            "<p a='1' b=\"2\" c>t</p>",
            "&amp",
            "<br/>é",
        ];
        for s in samples {
            let doc = html(s);
            for seg in &doc.segments {
                let (r, _) = seg.to_source(0..seg.text.len());
                assert!(r.end <= s.len(), "{s:?}");
            }
        }
        // Every prefix of a realistic document.
        let doc = "<div><p>Hi &amp; {{name}},</p><!-- c --><code>x</code>é<br>ok</div>";
        for end in 0..=doc.len() {
            if doc.is_char_boundary(end) {
                let _ = html(&doc[..end]);
            }
        }
    }
}
