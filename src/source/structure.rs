//! A document's structure as its format's parser sees it, to check that an
//! edit changed nothing it did not mean to: an inserted directive comment
//! must leave the content exactly as it was, a fix must leave the shape
//! (YAML value types, Markdown blocks) as it was.
//!
//! YAML is compared through saphyr-parser's value stream, Markdown through
//! pulldown-cmark's event stream (HTML comments left out, as they render as
//! nothing), every other format through its prose segments.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::placeholder::{mask, MaskContext};
use super::yaml::YamlScalar;
use super::{extract, markdown, Format, SourceError, SourceOptions};

/// How much of a document must stay the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    /// Everything a reader or a program gets from the file: YAML values,
    /// Markdown blocks and their text, prose segments. For edits that add
    /// only a comment.
    Content,
    /// The structure around the prose: YAML keys and value types, Markdown
    /// block structure, the number of segments. For fixes, which change prose.
    Shape,
}

/// The structure of `text` read as `format`, as a list of comparable tokens.
pub fn fingerprint(
    text: &str,
    format: Format,
    opts: &SourceOptions,
    compare: Compare,
) -> Result<Vec<String>, SourceError> {
    let mut out = Vec::new();
    match format {
        Format::Yaml => out = super::yaml_events::tokens(text, compare)?,
        Format::Markdown => markdown_tokens(text, compare, &mut out),
        _ => {
            let doc = extract(text, format, opts)?;
            for seg in &doc.segments {
                out.push(match compare {
                    Compare::Content => collapse_space(&seg.text),
                    Compare::Shape => "segment".to_string(),
                });
            }
        }
    }
    Ok(out)
}

/// Whether `after` has the same structure as `before` (see [`Compare`]).
/// An `after` that no longer parses is never the same.
pub fn same(
    before: &str,
    after: &str,
    format: Format,
    opts: &SourceOptions,
    compare: Compare,
) -> bool {
    match (
        fingerprint(before, format, opts, compare),
        fingerprint(after, format, opts, compare),
    ) {
        (Ok(a), Ok(b)) => a == b,
        (Err(_), Err(_)) => compare == Compare::Shape,
        _ => false,
    }
}

fn collapse_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The type a YAML scalar resolves to under the core schema.
pub fn yaml_scalar_type(s: &YamlScalar) -> &'static str {
    if !s.is_plain() {
        return "str";
    }
    plain_type(&s.value)
}

/// The type a plain scalar with this (decoded) value resolves to.
pub fn plain_type(v: &str) -> &'static str {
    match v {
        "" | "~" | "null" | "Null" | "NULL" => "null",
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => "bool",
        // YAML 1.1 booleans: many parsers still read them so.
        "yes" | "Yes" | "YES" | "no" | "No" | "NO" | "on" | "On" | "ON" | "off" | "Off" | "OFF"
        | "y" | "Y" | "n" | "N" => "bool",
        ".inf" | ".Inf" | ".INF" | "+.inf" | "-.inf" | "+.Inf" | "-.Inf" | ".nan" | ".NaN"
        | ".NAN" => "float",
        _ if looks_numeric(v) => "number",
        _ => "str",
    }
}

fn looks_numeric(v: &str) -> bool {
    let body = v.strip_prefix(['-', '+']).unwrap_or(v);
    if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0o")) {
        return !hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit());
    }
    let mut digits = false;
    for c in body.chars() {
        match c {
            '0'..='9' => digits = true,
            '.' | 'e' | 'E' | '-' | '+' | '_' => {}
            _ => return false,
        }
    }
    digits
}

fn markdown_tokens(text: &str, compare: Compare, out: &mut Vec<String>) {
    // Template tags are masked first, as the producer does.
    let mut ctx = MaskContext::default();
    let body_start = markdown::front_matter(text, &mut ctx);
    let masked = mask(text, 0, &mut ctx);
    let body = &masked.text[body_start..];
    let mut in_html_block = false;
    let mut pending_text = String::new();
    let flush = |pending: &mut String, out: &mut Vec<String>| {
        if !pending.is_empty() {
            out.push(format!("text:{}", std::mem::take(pending)));
        }
    };
    for event in Parser::new_ext(body, markdown::parser_options()) {
        match event {
            Event::Start(Tag::HtmlBlock) => in_html_block = true,
            Event::End(TagEnd::HtmlBlock) => in_html_block = false,
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ if in_html_block => {}
            Event::Text(t) if compare == Compare::Content => pending_text.push_str(&t),
            Event::Text(_) | Event::Code(_) => {}
            Event::Start(tag) => {
                flush(&mut pending_text, out);
                out.push(format!("<{}", tag_name(&tag, compare)));
            }
            Event::End(tag) => {
                flush(&mut pending_text, out);
                if is_block_end(tag) || compare == Compare::Content {
                    out.push(format!(">{tag:?}"));
                }
            }
            Event::Rule => {
                flush(&mut pending_text, out);
                out.push("rule".to_string());
            }
            other if compare == Compare::Content => {
                flush(&mut pending_text, out);
                out.push(format!("{other:?}"));
            }
            _ => {}
        }
    }
    flush(&mut pending_text, out);
    if compare == Compare::Shape {
        // Inline tags were kept as starts only for content; keep blocks.
        out.retain(|t| !t.starts_with("<inline"));
    }
}

fn tag_name(tag: &Tag, compare: Compare) -> String {
    let block = markdown::is_block(tag);
    match (block, compare) {
        (true, Compare::Shape) => match tag {
            // Heading level and list kind are shape; ids, urls are not.
            Tag::Heading { level, .. } => format!("Heading{level:?}"),
            Tag::List(start) => format!("List{}", start.is_some()),
            Tag::CodeBlock(_) => "CodeBlock".to_string(),
            other => format!("{other:?}"),
        },
        (true, Compare::Content) => format!("{tag:?}"),
        (false, Compare::Shape) => "inline".to_string(),
        (false, Compare::Content) => format!("{tag:?}"),
    }
}

fn is_block_end(tag: TagEnd) -> bool {
    !matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::Superscript
            | TagEnd::Subscript
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same_md(a: &str, b: &str, c: Compare) -> bool {
        same(a, b, Format::Markdown, &SourceOptions::default(), c)
    }

    #[test]
    fn a_comment_between_blocks_keeps_markdown_content_but_one_inside_a_paragraph_does_not() {
        let t = "Para one\nstill one.\n\nNext.\n";
        assert!(same_md(
            t,
            "<!-- x -->\nPara one\nstill one.\n\nNext.\n",
            Compare::Content
        ));
        assert!(!same_md(
            t,
            "Para one\n<!-- x -->\nstill one.\n\nNext.\n",
            Compare::Content
        ));
        assert!(!same_md(
            t,
            "# of one\nstill one.\n\nNext.\n",
            Compare::Shape
        ));
        assert!(same_md(
            t,
            "Para two\nstill two.\n\nNext.\n",
            Compare::Shape
        ));
    }

    #[test]
    fn yaml_shape_is_keys_and_types() {
        let o = SourceOptions::default();
        let t = "a: x y\nb: 3\n";
        assert!(same(t, "a: z\nb: 3\n", Format::Yaml, &o, Compare::Shape));
        assert!(!same(t, "a: z\nb: 3\n", Format::Yaml, &o, Compare::Content));
        assert!(!same(t, "a:\nb: 3\n", Format::Yaml, &o, Compare::Shape));
        assert!(!same(t, "a: 5\nb: 3\n", Format::Yaml, &o, Compare::Shape));
        assert_eq!(plain_type("0x1f"), "number");
        assert_eq!(plain_type("no"), "bool");
        assert_eq!(plain_type("No problem"), "str");
    }
}
