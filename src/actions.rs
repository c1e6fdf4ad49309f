//! Edits behind the editor actions, computed purely on text: the inline
//! "disable this rule on this line" directive in each format's comment syntax,
//! and "fix all" (every preferred fix that does not collide with another).
//!
//! Protocol-free: the language server converts these byte-range edits.

use crate::model::{Edit, Finding};
use crate::source::Format;

/// How a format writes the comment that carries a directive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentSyntax {
    /// `<!-- … -->` (Markdown, HTML).
    Html,
    /// `{% comment %}…{% endcomment %}` (Liquid).
    Liquid,
    /// `{{!-- … --}}` (Handlebars, Mustache).
    Handlebars,
    /// `# …` (YAML).
    Hash,
}

impl CommentSyntax {
    /// The comment syntax of a format, or `None` when it has none (plain text,
    /// JSON). `path` tells Liquid from Handlebars templates.
    pub fn of(format: Format, path: &str) -> Option<CommentSyntax> {
        match format {
            Format::Markdown | Format::Html => Some(CommentSyntax::Html),
            Format::Template => {
                if path.to_ascii_lowercase().ends_with(".liquid") {
                    Some(CommentSyntax::Liquid)
                } else {
                    Some(CommentSyntax::Handlebars)
                }
            }
            Format::Yaml => Some(CommentSyntax::Hash),
            Format::Text | Format::Json => None,
        }
    }

    pub fn wrap(self, body: &str) -> String {
        match self {
            CommentSyntax::Html => format!("<!-- {body} -->"),
            CommentSyntax::Liquid => format!("{{% comment %}}{body}{{% endcomment %}}"),
            CommentSyntax::Handlebars => format!("{{{{!-- {body} --}}}}"),
            CommentSyntax::Hash => format!("# {body}"),
        }
    }
}

/// The edit that disables `rule` for the line holding byte `offset`: a
/// `tactful-disable-next-line` comment on its own line just above, indented
/// like that line, using the document's line break.
pub fn disable_next_line(text: &str, offset: usize, rule: &str, syntax: CommentSyntax) -> Edit {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let line = &text[line_start..];
    let indent_len = line.len() - line.trim_start_matches([' ', '\t']).len();
    let indent = &line[..indent_len];
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let comment = syntax.wrap(&format!("tactful-disable-next-line {rule}"));
    Edit {
        range: line_start..line_start,
        replacement: format!("{indent}{comment}{newline}"),
    }
}

/// The edits of every finding's preferred fix, in document order, skipping a
/// fix that overlaps one already taken (the next lint offers it again).
pub fn fix_all(findings: &[Finding]) -> Vec<Edit> {
    let mut fixes: Vec<&[Edit]> = findings
        .iter()
        .filter_map(|f| f.preferred_fix())
        .map(|fix| fix.edits.as_slice())
        .filter(|edits| !edits.is_empty())
        .collect();
    fixes.sort_by_key(|edits| edits.iter().map(|e| e.range.start).min());
    let mut taken: Vec<Edit> = Vec::new();
    for edits in fixes {
        let collides = edits.iter().any(|e| {
            taken.iter().any(|t| {
                e.range.start < t.range.end && t.range.start < e.range.end
                    || (e.range.is_empty() || t.range.is_empty()) && e.range.start == t.range.start
            })
        });
        if !collides {
            taken.extend(edits.iter().cloned());
        }
    }
    taken.sort_by_key(|e| (e.range.start, e.range.end));
    taken
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
    use crate::model::{Category, Fix, Severity};

    fn finding(
        range: std::ops::Range<usize>,
        fixes: Vec<(std::ops::Range<usize>, &str, bool)>,
    ) -> Finding {
        Finding {
            rule: "minimizing.just".into(),
            category: Category::Minimizing,
            severity: Severity::Warning,
            range,
            message: "m".into(),
            fixes: fixes
                .into_iter()
                .map(|(r, s, preferred)| Fix {
                    title: format!("Replace with {s:?}"),
                    edits: vec![Edit {
                        range: r,
                        replacement: s.to_string(),
                    }],
                    preferred,
                })
                .collect(),
        }
    }

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
            "{% comment %}tactful-disable-next-line r{% endcomment %}\n"
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

    #[test]
    fn fix_all_takes_preferred_fixes_without_collisions() {
        let findings = vec![
            finding(10..14, vec![(10..15, "b", true)]),
            finding(0..4, vec![(0..4, "x", false), (0..5, "a", true)]),
            finding(12..20, vec![(12..20, "c", true)]),
            finding(30..33, vec![(30..33, "d", false)]),
        ];
        let edits = fix_all(&findings);
        let got: Vec<_> = edits
            .iter()
            .map(|e| (e.range.clone(), e.replacement.as_str()))
            .collect();
        assert_eq!(got, vec![(0..5, "a"), (10..15, "b")]);
    }
}
