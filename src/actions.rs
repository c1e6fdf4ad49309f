//! Edits behind the editor actions, computed purely on text: the inline
//! "disable this rule" directive in each format's comment syntax, placed
//! only where the format's parser reads the same content afterwards; "fix
//! all" with the result of `tactful fix`; turning a rule off in tactful.toml.
//!
//! Protocol-free: the language server converts these byte-range edits.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use crate::lint::{FileSettings, Linter};
use crate::model::{Edit, Finding};
use crate::source::placeholder::{mask, MaskContext};
use crate::source::structure::{self, Compare};
use crate::source::yaml::{self, YamlValue};
use crate::source::{self, markdown, DirectiveKind, Format, SourceOptions};

/// How a format writes the comment that carries a directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSyntax {
    /// `<!-- … -->` (Markdown, HTML).
    Html,
    /// `{% comment %}…{% endcomment -%}` (Liquid; `-%}` trims the line
    /// break after it, so the rendered text is unchanged).
    Liquid,
    /// `{# … -#}` (Jinja; `-#}` trims the line break after it).
    Jinja,
    /// `{{!-- … --}}` (Handlebars: a comment alone on its line renders as
    /// nothing, line break included).
    Handlebars,
    /// `{{! … }}` (Mustache: a standalone comment line is removed).
    Mustache,
    /// `# …` (YAML).
    Hash,
}

impl CommentSyntax {
    /// The comment syntax of a format, or `None` when it has none (plain text,
    /// JSON) or the template engine cannot be told from the file name
    /// (`.tmpl`, `.tpl`: Go templates, Smarty and others differ), and for
    /// MDX, whose `{/* */}` comments the Markdown reader does not know.
    /// `path` names the engine of a template.
    pub fn of(format: Format, path: &str) -> Option<CommentSyntax> {
        let lower = path.to_ascii_lowercase();
        match format {
            // MDX has no HTML comments (`<!--` is a syntax error there).
            Format::Markdown if lower.ends_with(".mdx") => None,
            Format::Markdown | Format::Html => Some(CommentSyntax::Html),
            Format::Template => match lower.rsplit('.').next().unwrap_or("") {
                "liquid" => Some(CommentSyntax::Liquid),
                "j2" | "jinja" | "jinja2" => Some(CommentSyntax::Jinja),
                "hbs" | "handlebars" => Some(CommentSyntax::Handlebars),
                "mustache" => Some(CommentSyntax::Mustache),
                _ => None,
            },
            Format::Yaml => Some(CommentSyntax::Hash),
            Format::Text | Format::Json => None,
        }
    }

    pub fn wrap(self, body: &str) -> String {
        match self {
            CommentSyntax::Html => format!("<!-- {body} -->"),
            CommentSyntax::Liquid => format!("{{% comment %}}{body}{{% endcomment -%}}"),
            CommentSyntax::Jinja => format!("{{# {body} -#}}"),
            CommentSyntax::Handlebars => format!("{{{{!-- {body} --}}}}"),
            CommentSyntax::Mustache => format!("{{{{! {body} }}}}"),
            CommentSyntax::Hash => format!("# {body}"),
        }
    }
}

/// The edit that disables `rule` for the line holding byte `offset`: a
/// `tactful-disable-next-line` comment on its own line just above, indented
/// like that line, using the document's line break. It is not checked: use
/// [`disable_directive`] for an edit that is known to change nothing else.
pub fn disable_next_line(text: &str, offset: usize, rule: &str, syntax: CommentSyntax) -> Edit {
    let offset = offset.min(text.len());
    let line_start = line_start(text, offset);
    let line = &text[line_start..];
    let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
    comment_line(
        text,
        line_start,
        &line[..indent_len],
        syntax,
        &format!("tactful-disable-next-line {rule}"),
    )
}

/// What a disable directive covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveScope {
    /// The finding's line (`tactful-disable-next-line` just above it).
    Line,
    /// The enclosing value or block (`tactful-disable` before it,
    /// `tactful-enable` after it), where no comment fits inside: a YAML
    /// block or multi-line scalar, a Markdown table or wrapped paragraph.
    Block(&'static str),
}

/// The edits that silence one finding's rule with inline directives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectiveEdit {
    /// Insertions, sorted by position.
    pub edits: Vec<Edit>,
    pub scope: DirectiveScope,
}

impl DirectiveEdit {
    /// The action's title.
    pub fn title(&self, rule: &str) -> String {
        match self.scope {
            DirectiveScope::Line => format!("Disable {rule} for this line"),
            DirectiveScope::Block(what) => format!("Disable {rule} for this {what}"),
        }
    }
}

/// The directive edit that silences `rule` at `range` (a finding's source
/// range) and changes nothing else: the format's own parser must read the
/// edited document with the same content (YAML values, Markdown blocks and
/// text, prose), and the directive must cover the finding. A comment just
/// above the line is tried first, then one pair around the nearest
/// enclosing value or block; `None` when neither is safe or the format has
/// no comment syntax.
pub fn disable_directive(
    text: &str,
    format: Format,
    opts: &SourceOptions,
    path: &str,
    range: Range<usize>,
    rule: &str,
) -> Option<DirectiveEdit> {
    let syntax = CommentSyntax::of(format, path)?;
    let at = range.start.min(text.len());
    if !text.is_char_boundary(at) {
        return None;
    }
    let line = line_start(text, at);
    let next_line = format!("tactful-disable-next-line {rule}");
    let before = structure::fingerprint(text, format, opts, Compare::Content).ok()?;
    for prefix in prefixes(text, line, format) {
        let edit = comment_line(text, line, &prefix, syntax, &next_line);
        let candidate = DirectiveEdit {
            edits: vec![edit],
            scope: DirectiveScope::Line,
        };
        if verified(text, &before, format, opts, &candidate, at, rule) {
            return Some(candidate);
        }
    }
    for (block, what) in enclosing_blocks(text, format, at) {
        let start = line_start(text, block.start);
        let end = line_after(text, block.end.max(block.start + 1).min(text.len()));
        if end <= at {
            continue;
        }
        for prefix in prefixes(text, start, format) {
            let indent: String = prefix
                .chars()
                .map(|c| if c == '>' || c == '\t' { c } else { ' ' })
                .collect();
            let candidate = DirectiveEdit {
                edits: vec![
                    comment_line(
                        text,
                        start,
                        &prefix,
                        syntax,
                        &format!("tactful-disable {rule}"),
                    ),
                    comment_line(
                        text,
                        end,
                        &indent,
                        syntax,
                        &format!("tactful-enable {rule}"),
                    ),
                ],
                scope: DirectiveScope::Block(what),
            };
            if verified(text, &before, format, opts, &candidate, at, rule) {
                return Some(candidate);
            }
        }
    }
    None
}

fn line_start(text: &str, offset: usize) -> usize {
    text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1)
}

/// The start of the line after the one holding byte `offset - 1` (the text
/// length when it is the last line).
fn line_after(text: &str, offset: usize) -> usize {
    if offset > 0 && text[..offset].ends_with('\n') {
        return offset;
    }
    text[offset..]
        .find('\n')
        .map_or(text.len(), |i| offset + i + 1)
}

/// A comment line inserted at `at` (a line start, or the end of a text
/// without a final line break).
fn comment_line(text: &str, at: usize, prefix: &str, syntax: CommentSyntax, body: &str) -> Edit {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let comment = syntax.wrap(body);
    let replacement = if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
        format!("{newline}{prefix}{comment}")
    } else {
        format!("{prefix}{comment}{newline}")
    };
    Edit {
        range: at..at,
        replacement,
    }
}

/// Line prefixes a comment inserted before the line at `line` may take: the
/// line's own indentation (and `>` quote markers in Markdown), then in
/// Markdown its list marker turned to spaces and the content indentation of
/// the line above (so the comment continues the list item above).
fn prefixes(text: &str, line: usize, format: Format) -> Vec<String> {
    let rest = &text[line..];
    let own_len = rest.len()
        - if format == Format::Markdown {
            rest.trim_start_matches([' ', '\t', '>'])
        } else {
            rest.trim_start_matches([' ', '\t'])
        }
        .len();
    let own = &rest[..own_len];
    let mut out = vec![own.to_string()];
    if format == Format::Markdown {
        let after = &rest[own_len..];
        if let Some(marker) = list_marker_len(after) {
            out.push(format!("{own}{}", " ".repeat(marker)));
        }
        if line > 0 {
            let above_start = line_start(text, line - 1);
            let above = &text[above_start..line - 1];
            let q = above.len() - above.trim_start_matches([' ', '\t', '>']).len();
            let content = q + list_marker_len(&above[q..]).unwrap_or(0);
            let indent: String = above[..q]
                .chars()
                .chain(std::iter::repeat_n(' ', content - q))
                .collect();
            out.push(indent);
        }
    }
    out.dedup();
    out
}

/// Length of a list marker and the spaces after it (`- `, `12. `).
fn list_marker_len(s: &str) -> Option<usize> {
    let m = crate::source::repair::list_marker(s)?;
    let spaces = s[m..].len() - s[m..].trim_start_matches(' ').len();
    (spaces > 0 && spaces <= 4).then_some(m + spaces)
}

/// The values or blocks holding byte `at`, innermost first.
fn enclosing_blocks(text: &str, format: Format, at: usize) -> Vec<(Range<usize>, &'static str)> {
    match format {
        Format::Yaml => {
            let Ok(docs) = yaml::parse(text) else {
                return Vec::new();
            };
            let mut out = Vec::new();
            for d in &docs {
                scalar_holding(d, at, &mut out);
            }
            out
        }
        Format::Markdown => {
            let mut ctx = MaskContext::default();
            let body_start = markdown::front_matter(text, &mut ctx);
            let masked = mask(text, 0, &mut ctx);
            let mut out = Vec::new();
            let body = &masked.text[body_start..];
            for (event, r) in Parser::new_ext(body, markdown::parser_options()).into_offset_iter() {
                let r = r.start + body_start..r.end + body_start;
                if !(r.start <= at && at < r.end) {
                    continue;
                }
                let what = match event {
                    Event::Start(Tag::Paragraph) => "paragraph",
                    Event::Start(Tag::Heading { .. }) => "heading",
                    Event::Start(Tag::Table(_)) => "table",
                    Event::Start(Tag::Item) => "list item",
                    Event::Start(Tag::List(_)) => "list",
                    Event::Start(Tag::BlockQuote(_)) => "quote",
                    Event::Start(Tag::FootnoteDefinition(_)) => "footnote",
                    _ => continue,
                };
                out.push((r, what));
            }
            // Events come outermost first.
            out.reverse();
            out
        }
        _ => Vec::new(),
    }
}

fn scalar_holding(v: &YamlValue, at: usize, out: &mut Vec<(Range<usize>, &'static str)>) {
    match v {
        YamlValue::Scalar(s) if s.span.start <= at && at < s.span.end => {
            out.push((s.span.clone(), "value"))
        }
        YamlValue::Map(entries) => {
            for (_, child) in entries {
                scalar_holding(child, at, out);
            }
        }
        YamlValue::Seq(items) => items.iter().for_each(|i| scalar_holding(i, at, out)),
        _ => {}
    }
}

/// Whether `candidate` keeps the document's content (its format's parser
/// reads the same) and its directive covers the finding at byte `at`.
fn verified(
    text: &str,
    before: &[String],
    format: Format,
    opts: &SourceOptions,
    candidate: &DirectiveEdit,
    at: usize,
    rule: &str,
) -> bool {
    let (edited, _) = crate::fix::apply_edits(text, &candidate.edits);
    match structure::fingerprint(&edited, format, opts, Compare::Content) {
        Ok(after) if after == before => {}
        _ => return false,
    }
    let Ok(doc) = source::extract(&edited, format, opts) else {
        return false;
    };
    let shift: usize = candidate
        .edits
        .iter()
        .filter(|e| e.range.start <= at)
        .map(|e| e.replacement.len())
        .sum();
    let at = at + shift;
    let line_of = |off: usize| edited[..off.min(edited.len())].matches('\n').count();
    let ours = |d: &&source::Directive| d.ids.iter().any(|id| id == rule);
    match candidate.scope {
        DirectiveScope::Line => doc.directives.iter().filter(ours).any(|d| {
            d.kind == DirectiveKind::DisableNextLine && line_of(d.offset) + 1 == line_of(at)
        }),
        DirectiveScope::Block(_) => {
            let disable = doc
                .directives
                .iter()
                .filter(ours)
                .filter(|d| d.kind == DirectiveKind::Disable && d.offset <= at)
                .map(|d| d.offset)
                .max();
            let enable = doc
                .directives
                .iter()
                .filter(ours)
                .filter(|d| d.kind == DirectiveKind::Enable && d.offset > at)
                .map(|d| d.offset)
                .min();
            disable.is_some() && enable.is_some()
        }
    }
}

/// The edits of "fix all": the same result as `tactful fix` (apply the
/// preferred fixes, lint again, repeat until stable, with its structure
/// and no-new-finding guards), as one set of edits on `text`. `adjust` sees
/// every lint's findings (the editor's overrides). Empty when the document
/// cannot be read.
pub fn fix_all(
    linter: &Linter,
    text: &str,
    settings: &FileSettings,
    adjust: &dyn Fn(&mut Vec<Finding>),
) -> Vec<Edit> {
    crate::fix::fix_until_stable(linter, text, settings, crate::fix::FIX_PASSES, adjust)
        .map(|f| f.edits)
        .unwrap_or_default()
}

/// The quick fixes of `finding` (a finding of `text`) the editor offers:
/// those that, applied alone, pass the guards of `tactful fix` (structure
/// and control characters kept, no finding of another rule brought, their
/// own finding removed; see [`crate::fix::quick_fix_is_sound`]). A fix that
/// fails them is left out, as fix-all leaves it out.
pub fn sound_fixes<'a>(
    linter: &Linter,
    text: &str,
    settings: &FileSettings,
    finding: &'a Finding,
) -> Vec<&'a crate::model::Fix> {
    finding
        .fixes
        .iter()
        .filter(|fix| {
            crate::fix::quick_fix_is_sound(
                linter,
                text,
                settings,
                &finding.rule,
                finding.range.clone(),
                &fix.edits,
            )
        })
        .collect()
}

/// The edit to `tactful.toml` (its current text, or `None` when it does not
/// exist yet) that turns `rule` off: a `"<rule>" = "off"` line in the
/// `[severity]` table, creating the table when needed. If the rule is already
/// set there, its value is replaced.
pub fn turn_off_in_config(existing: Option<&str>, rule: &str) -> Edit {
    let text = existing.unwrap_or("");
    let key = format!("\"{rule}\"");
    let entry = format!("{key} = \"off\"");
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut offset = 0;
    let mut in_rules = false;
    let mut rules_end = None;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('[') {
            if in_rules {
                break;
            }
            in_rules = t == "[severity]";
        } else if in_rules {
            let bare = t.split('=').next().unwrap_or("").trim();
            if bare == key || bare == rule {
                let start = offset + (line.len() - line.trim_start().len());
                let end = offset + line.trim_end().len();
                return Edit {
                    range: start..end,
                    replacement: entry,
                };
            }
        }
        offset += line.len();
        if in_rules && !t.is_empty() {
            rules_end = Some(offset);
        }
    }
    match rules_end {
        Some(at) => {
            let sep = if text[..at].ends_with('\n') || at == 0 {
                ""
            } else {
                newline
            };
            Edit {
                range: at..at,
                replacement: format!("{sep}{entry}{newline}"),
            }
        }
        None => {
            let sep = match text {
                "" => "",
                t if t.ends_with("\n\n") => "",
                t if t.ends_with('\n') => newline,
                _ => "\n\n",
            };
            Edit {
                range: text.len()..text.len(),
                replacement: format!("{sep}[severity]{newline}{entry}{newline}"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disable_comment_goes_above_the_line_with_its_indent() {
        let text = "Intro\n  - You simply click.\r\n";
        let e = disable_next_line(text, 12, "minimizing.simply", CommentSyntax::Html);
        assert_eq!(e.range, 6..6);
        assert_eq!(
            e.replacement,
            "  <!-- tactful-disable-next-line minimizing.simply -->\r\n"
        );
        let e = disable_next_line("x", 0, "r", CommentSyntax::Liquid);
        assert_eq!(
            e.replacement,
            "{% comment %}tactful-disable-next-line r{% endcomment -%}\n"
        );
        assert_eq!(
            CommentSyntax::Handlebars.wrap("tactful-disable-next-line r"),
            "{{!-- tactful-disable-next-line r --}}"
        );
        assert_eq!(CommentSyntax::of(Format::Json, "a.json"), None);
    }

    fn apply(text: &str, e: &Edit) -> String {
        format!(
            "{}{}{}",
            &text[..e.range.start],
            e.replacement,
            &text[e.range.end..]
        )
    }

    #[test]
    fn turning_a_rule_off_creates_or_extends_the_severity_table() {
        let r = "minimizing.just";
        assert_eq!(
            apply("", &turn_off_in_config(None, r)),
            "[severity]\n\"minimizing.just\" = \"off\"\n"
        );
        assert_eq!(
            apply(
                "kind = \"kb\"\n",
                &turn_off_in_config(Some("kind = \"kb\"\n"), r)
            ),
            "kind = \"kb\"\n\n[severity]\n\"minimizing.just\" = \"off\"\n"
        );
        let t = "[severity]\nhedging = \"info\"\n\n[allow]\nphrases = []\n";
        assert_eq!(
            apply(t, &turn_off_in_config(Some(t), r)),
            "[severity]\nhedging = \"info\"\n\"minimizing.just\" = \"off\"\n\n[allow]\nphrases = []\n"
        );
        let t = "[severity]\n\"minimizing.just\" = \"error\"\n";
        assert_eq!(
            apply(t, &turn_off_in_config(Some(t), r)),
            "[severity]\n\"minimizing.just\" = \"off\"\n"
        );
    }
}
