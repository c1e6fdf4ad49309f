//! Applying fixes to text, purely: picks non-overlapping edits, applies them
//! back to front, and never touches bytes outside the edits.

use crate::model::{Edit, Finding};

/// Chooses the edits to apply together: those that do not overlap an
/// earlier-chosen one (by order given), sorted by position, with a
/// replacement that now opens a sentence capitalised (two neighbouring fixes
/// can turn a mid-sentence rewrite into a sentence start).
pub fn resolve_edits(text: &str, edits: &[Edit]) -> Vec<Edit> {
    let mut chosen: Vec<&Edit> = Vec::new();
    for e in edits {
        if e.range.start > e.range.end
            || e.range.end > text.len()
            || !text.is_char_boundary(e.range.start)
            || !text.is_char_boundary(e.range.end)
        {
            continue;
        }
        let clash = chosen.iter().any(|c| {
            (e.range.start < c.range.end && c.range.start < e.range.end)
                || (e.range.is_empty() && c.range.is_empty() && e.range.start == c.range.start)
                || (e.range.is_empty()
                    && c.range.start < e.range.start
                    && e.range.start < c.range.end)
                || (c.range.is_empty()
                    && e.range.start < c.range.start
                    && c.range.start < e.range.end)
        });
        if !clash {
            chosen.push(e);
        }
    }
    chosen.sort_by_key(|e| (e.range.start, e.range.end));
    // What precedes each edit once the earlier edits are applied.
    let mut out: Vec<Edit> = Vec::with_capacity(chosen.len());
    let mut tail = String::new();
    let mut pos = 0;
    for e in chosen {
        tail.push_str(&text[pos..e.range.start]);
        let mut replacement = e.replacement.clone();
        let before = tail.trim_end_matches([' ', '\t']);
        let opens_sentence =
            before.len() < tail.len() && before.ends_with(['.', '!', '?']) && !e.range.is_empty();
        if opens_sentence && replacement.starts_with(char::is_lowercase) {
            let mut c = replacement.chars();
            if let Some(f) = c.next() {
                replacement = f.to_uppercase().collect::<String>() + c.as_str();
            }
        }
        tail.push_str(&replacement);
        // Only the last few characters matter for the next decision.
        if tail.len() > 64 {
            let cut = tail.len() - 32;
            let cut = (cut..tail.len())
                .find(|&i| tail.is_char_boundary(i))
                .unwrap_or(tail.len());
            tail.drain(..cut);
        }
        pos = e.range.end;
        out.push(Edit {
            range: e.range.clone(),
            replacement,
        });
    }
    out
}

/// Applies edits that do not overlap (see [`resolve_edits`]). Returns the new
/// text and how many edits applied.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, usize) {
    let chosen = resolve_edits(text, edits);
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for e in &chosen {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    (out, chosen.len())
}

/// Applies preferred fixes and lints again until nothing changes (at most
/// `passes` times), as `tactful fix` does: overlapping fixes land in later passes.
pub fn fix_all(
    linter: &crate::lint::Linter,
    text: &str,
    settings: &crate::lint::FileSettings,
    passes: usize,
) -> Result<(String, usize), crate::source::SourceError> {
    let mut current = text.to_string();
    let mut applied = 0;
    for _ in 0..passes {
        let result = linter.lint(&current, settings)?;
        let (next, n) = apply_preferred(&current, &result.findings);
        if n == 0 || next == current {
            break;
        }
        crate::source::extract(&next, settings.format, &settings.source)?;
        applied += n;
        current = next;
    }
    Ok((current, applied))
}

/// The edits of every finding's preferred fix, in finding order.
pub fn preferred_edits(findings: &[Finding]) -> Vec<Edit> {
    findings
        .iter()
        .filter_map(|f| f.preferred_fix())
        .flat_map(|f| f.edits.iter().cloned())
        .collect()
}

/// Applies every preferred fix; overlapping ones after the first are skipped
/// (run again to pick them up).
pub fn apply_preferred(text: &str, findings: &[Finding]) -> (String, usize) {
    apply_edits(text, &preferred_edits(findings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(a: usize, b: usize, r: &str) -> Edit {
        Edit {
            range: a..b,
            replacement: r.into(),
        }
    }

    #[test]
    fn applies_back_to_front_and_skips_overlaps() {
        let t = "Hi {{name}}, just do it. Simply click.";
        let (out, n) = apply_edits(t, &[e(13, 18, ""), e(25, 32, ""), e(14, 20, "X")]);
        assert_eq!(n, 2);
        assert_eq!(out, "Hi {{name}}, do it. click.");
        assert_eq!(&out[..12], &t[..12], "text outside edits untouched");
    }

    #[test]
    fn rejects_bad_ranges_without_panicking() {
        let t = "caf\u{e9}";
        let (out, n) = apply_edits(t, &[e(4, 5, "x"), e(3, 99, "y"), e(2, 1, "z")]);
        assert_eq!((out.as_str(), n), (t, 0));
    }

    #[test]
    fn a_rewrite_that_now_opens_a_sentence_is_capitalised() {
        let t = "Done. Trust me, I know how you feel.";
        let (out, _) = apply_edits(t, &[e(6, 16, ""), e(16, 35, "that's frustrating")]);
        assert_eq!(out, "Done. That's frustrating.");
    }

    #[test]
    fn insertions_at_the_same_point_apply_once() {
        let (out, n) = apply_edits("ab", &[e(1, 1, "X"), e(1, 1, "Y")]);
        assert_eq!((out.as_str(), n), ("aXb", 1));
    }
}
