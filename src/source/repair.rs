//! Keeps every fix valid in its container format before it is offered or
//! written: a YAML plain scalar that an edit would leave unparsable, null or
//! of another type (`@team…`, `%…`, empty, `5`) is re-quoted; a Markdown
//! line whose new start would open a heading, quote, list or other block
//! (`# of items is 3.`) gets its marker backslash-escaped. A fix that cannot
//! be made safe is dropped.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag};

use super::structure::plain_type;
use super::yaml::{self, YamlScalar, YamlValue};
use super::{markdown, Format};
use crate::model::{Edit, Finding};

/// Repairs (or drops) the fixes of `findings` whose edits would break `text`
/// read as `format`. `protected` are the document's placeholder ranges.
pub fn repair_fixes(
    text: &str,
    format: Format,
    protected: &[Range<usize>],
    findings: &mut [Finding],
) {
    if findings.iter().all(|f| f.fixes.is_empty()) {
        return;
    }
    match format {
        Format::Yaml => {
            let Ok(docs) = yaml::parse(text) else { return };
            let mut scalars = Vec::new();
            for d in &docs {
                collect_scalars(d, &mut scalars);
            }
            scalars.sort_by_key(|s| s.span.start);
            for f in findings.iter_mut() {
                f.fixes
                    .retain_mut(|fix| match yaml_fix(text, &scalars, &fix.edits) {
                        Some(edits) => {
                            fix.edits = edits;
                            true
                        }
                        None => false,
                    });
            }
        }
        Format::Markdown => {
            for f in findings.iter_mut() {
                f.fixes.retain_mut(|fix| {
                    let mut ok = true;
                    for e in &mut fix.edits {
                        match markdown_edit(text, protected, e) {
                            Some(new) => *e = new,
                            None => ok = false,
                        }
                    }
                    ok
                });
            }
        }
        _ => {}
    }
}

fn collect_scalars<'a>(v: &'a YamlValue, out: &mut Vec<&'a YamlScalar>) {
    match v {
        YamlValue::Scalar(s) => out.push(s),
        YamlValue::Map(entries) => {
            for (_, child) in entries {
                collect_scalars(child, out);
            }
        }
        YamlValue::Seq(items) => items.iter().for_each(|i| collect_scalars(i, out)),
        YamlValue::Null => {}
    }
}

/// The edits of one fix, with every plain scalar they would break re-quoted
/// whole; `None` when an edit reaches outside its scalar (it would change
/// the file's structure) or a re-quote cannot keep placeholders byte for byte.
fn yaml_fix(text: &str, scalars: &[&YamlScalar], edits: &[Edit]) -> Option<Vec<Edit>> {
    let mut out: Vec<Edit> = Vec::new();
    let mut done: Vec<Range<usize>> = Vec::new();
    for e in edits {
        let i = scalars.partition_point(|s| s.span.start <= e.range.start);
        let s = i
            .checked_sub(1)
            .map(|i| scalars[i])
            .filter(|s| e.range.end <= s.span.end && e.range.start >= s.span.start)?;
        if !s.is_plain() {
            out.push(e.clone());
            continue;
        }
        if done.contains(&s.span) {
            continue;
        }
        // All of this fix's edits inside the scalar, applied to its source.
        let mut inside: Vec<&Edit> = edits
            .iter()
            .filter(|x| x.range.start >= s.span.start && x.range.end <= s.span.end)
            .collect();
        inside.sort_by_key(|x| x.range.start);
        let mut src = String::new();
        let mut pos = s.span.start;
        for x in &inside {
            if x.range.start < pos {
                return None;
            }
            src.push_str(&text[pos..x.range.start]);
            src.push_str(&x.replacement);
            pos = x.range.end;
        }
        src.push_str(&text[pos..s.span.end]);
        let flow = s.style == yaml::ScalarStyle::FlowPlain;
        let value = fold_plain(&src);
        if !plain_ok(&s.value, flow) || plain_ok(&value, flow) {
            out.extend(inside.into_iter().cloned());
        } else {
            out.push(Edit {
                range: s.span.clone(),
                replacement: quote(&value)?,
            });
        }
        done.push(s.span.clone());
    }
    Some(out)
}

/// The value of a plain scalar written as `src` (YAML line folding).
fn fold_plain(src: &str) -> String {
    let mut out = String::new();
    let mut breaks = 0;
    let mut first = true;
    for line in src.split('\n') {
        let l = line.trim_matches([' ', '\t', '\r']);
        if l.is_empty() {
            if !first {
                breaks += 1;
            }
            continue;
        }
        if !first {
            if breaks == 0 {
                out.push(' ');
            }
            for _ in 0..breaks {
                out.push('\n');
            }
        }
        out.push_str(l);
        first = false;
        breaks = 0;
    }
    out
}

/// Whether `v` can be written as a plain scalar and reads back as the same string.
pub fn plain_ok(v: &str, flow: bool) -> bool {
    let Some(first) = v.chars().next() else {
        return false;
    };
    if plain_type(v) != "str" {
        return false;
    }
    if matches!(
        first,
        ',' | '['
            | ']'
            | '{'
            | '}'
            | '#'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
    ) {
        return false;
    }
    if matches!(first, '-' | '?' | ':')
        && v[1..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ' ' | '\t' | '\n'))
    {
        return false;
    }
    if v.contains(": ") || v.contains(" #") || v.contains("\t#") || v.ends_with(':') {
        return false;
    }
    !(flow && v.contains([',', '[', ']', '{', '}']))
}

/// `v` as a quoted scalar: single quotes when it has no `'` or line break
/// (the text inside stays byte for byte), else double quotes when nothing in
/// it needs a backslash. `None` when neither keeps the text as is.
fn quote(v: &str) -> Option<String> {
    if !v.contains(['\'', '\n']) {
        return Some(format!("'{v}'"));
    }
    if !v.contains(['"', '\\']) {
        return Some(format!("\"{}\"", v.replace('\n', "\\n")));
    }
    None
}

/// `e`, or `e` with a backslash before the block marker it would leave at
/// the start of a Markdown line; `None` when that cannot be made safe.
fn markdown_edit(text: &str, protected: &[Range<usize>], e: &Edit) -> Option<Edit> {
    let Some(line_start) = container_line_start(text, e.range.start) else {
        return Some(e.clone());
    };
    if !is_container_prefix(&text[line_start..e.range.start]) {
        return Some(e.clone());
    }
    // Only the next 240 bytes after the edit are ever looked at (below), so
    // the search for the line's end stops there: a fix on a one-line
    // document of megabytes costs its window, not the rest of the line.
    let scan_end = floor_boundary(text, (e.range.end + LINE_SCAN).min(text.len()));
    let line_end = text[e.range.end..scan_end]
        .find('\n')
        .map_or(scan_end, |i| e.range.end + i);
    let tail = &text[e.range.end..floor_boundary(text, line_end.min(e.range.end + 120))];
    let old_head = &text[e.range.start..floor_boundary(text, line_end.min(e.range.start + 120))];
    let new_head = format!("{}{tail}", e.replacement);
    if !opens_block(&new_head) || opens_block(old_head) {
        return Some(e.clone());
    }
    let k = new_head.len() - new_head.trim_start_matches([' ', '\t']).len();
    let rest = &new_head[k..];
    let at = if rest.starts_with(|c: char| c.is_ascii_digit()) {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        k + digits
    } else if rest.starts_with(|c: char| c.is_ascii_punctuation()) {
        k
    } else {
        return None;
    };
    let rep_len = e.replacement.len();
    let edit = if at <= rep_len {
        Edit {
            range: e.range.clone(),
            replacement: format!("{}\\{}", &e.replacement[..at], &e.replacement[at..]),
        }
    } else {
        let end = e.range.end + (at - rep_len);
        if protected.iter().any(|p| p.start < end && end < p.end) {
            return None;
        }
        Edit {
            range: e.range.start..end,
            replacement: format!("{}{}\\", e.replacement, &text[e.range.end..end]),
        }
    };
    let after = &text[edit.range.end..floor_boundary(text, line_end.min(edit.range.end + 120))];
    let check = format!("{}{after}", edit.replacement);
    (!opens_block(&check)).then_some(edit)
}

/// How far a Markdown fix looks along its line, back for a container prefix
/// and forward for the text its edit runs into.
const LINE_SCAN: usize = 256;

/// Where the line holding byte `at` starts, or `None` when the text before
/// `at` on that line cannot be a container prefix: it holds a character no
/// indentation, quote or list marker has. Scanning back stops after
/// [`LINE_SCAN`] bytes unless they are all such characters, so fixes on a
/// one-line document of megabytes stay linear in their number.
fn container_line_start(text: &str, at: usize) -> Option<usize> {
    let from = floor_boundary(text, at.saturating_sub(LINE_SCAN));
    let window = &text[from..at];
    if let Some(i) = window.rfind('\n') {
        return Some(from + i + 1);
    }
    let container_byte = |b: u8| {
        matches!(
            b,
            b' ' | b'\t' | b'>' | b'-' | b'+' | b'*' | b'.' | b')' | b'0'..=b'9'
        )
    };
    if from == 0 {
        Some(0)
    } else if window.bytes().all(container_byte) {
        Some(text[..from].rfind('\n').map_or(0, |i| i + 1))
    } else {
        None
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Whether `prefix` (the start of a line up to an edit) holds only
/// indentation, quote markers and list markers: the edit then writes the
/// first characters of a Markdown block's content.
fn is_container_prefix(prefix: &str) -> bool {
    let mut p = prefix;
    loop {
        p = p.trim_start_matches([' ', '\t']);
        if p.is_empty() {
            return true;
        }
        if let Some(r) = p.strip_prefix('>') {
            p = r;
            continue;
        }
        let Some(marker) = list_marker(p) else {
            return false;
        };
        if !(p.len() == marker || p[marker..].starts_with([' ', '\t'])) {
            return false;
        }
        p = &p[marker..];
    }
}

/// The length of the Markdown list marker `s` starts with (`-`, `+`, `*`,
/// `1.`, `12)`), without the spaces after it.
pub fn list_marker(s: &str) -> Option<usize> {
    if s.starts_with(['-', '+', '*']) {
        return Some(1);
    }
    let d = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    ((1..=9).contains(&d) && s[d..].starts_with(['.', ')'])).then_some(d + 1)
}

/// Whether a line starting with `head` opens something other than a
/// paragraph (heading, quote, list, fence, HTML, rule, definition…).
fn opens_block(head: &str) -> bool {
    let line = head.split(['\n', '\r']).next().unwrap_or("");
    if line.trim().is_empty() {
        return false;
    }
    let mut events = Parser::new_ext(line, markdown::parser_options());
    !matches!(events.next(), Some(Event::Start(Tag::Paragraph)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_that_would_change_meaning_are_recognised() {
        for bad in [
            "", "@team", "%x", "`x`", ", x", "&a x", "!x y", "5", "null", "- x", "a: b", "yes",
        ] {
            assert!(!plain_ok(bad, false), "{bad:?}");
        }
        for good in ["Please restart it.", "-x", "a:b", "it's fine", "50 % off"] {
            assert!(plain_ok(good, false), "{good:?}");
        }
        assert!(!plain_ok("a, b", true));
        assert_eq!(fold_plain("a\n   b\n\n  c"), "a b\nc");
    }

    #[test]
    fn container_prefixes_and_block_openers() {
        assert!(is_container_prefix("  > - "));
        assert!(is_container_prefix("12. "));
        assert!(!is_container_prefix("Thanks. "));
        assert!(opens_block("# of items is 3."));
        assert!(opens_block("> quoted"));
        assert!(opens_block("1. one"));
        assert!(!opens_block("Of items, 3."));
        assert!(!opens_block("\\# of items"));
    }

    #[test]
    fn the_line_start_of_a_fix_is_found_without_scanning_a_long_line() {
        // A long line of prose: no container prefix can precede the edit.
        let long = "word ".repeat(1000);
        assert_eq!(container_line_start(&long, long.len() - 5), None);
        // A short line after a break: its start, whatever came before.
        let text = format!("{long}\n- item");
        assert_eq!(
            container_line_start(&text, text.len() - 4),
            Some(long.len() + 1)
        );
        // Indentation longer than the scan window is still followed back.
        let deep = format!("a\n{}- item", " ".repeat(LINE_SCAN * 2));
        assert_eq!(container_line_start(&deep, deep.len() - 4), Some(2));
        assert_eq!(container_line_start("- item", 2), Some(0));
        // The escape before a block marker still happens on such a line:
        // deleting "Sorry. " would leave "# of items" opening a heading.
        let md = format!("{}Sorry. # of items is 3.", " ".repeat(LINE_SCAN * 2));
        let at = md.find("Sorry").unwrap();
        let e = Edit {
            range: at..at + 7,
            replacement: String::new(),
        };
        let fixed = markdown_edit(&md, &[], &e).expect("an escaped edit");
        assert!(
            fixed.replacement.contains('\\') || fixed.range != e.range,
            "{fixed:?}"
        );
    }
}
