//! Applying fixes to text, purely: picks non-overlapping edits, applies them
//! back to front, and never touches bytes outside the edits.

use crate::model::{Edit, Finding};

/// Applies edits that do not overlap; an edit overlapping an earlier-chosen
/// one (by order given) is skipped. Returns the new text and how many edits applied.
pub fn apply_edits(text: &str, edits: &[Edit]) -> (String, usize) {
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
    fn insertions_at_the_same_point_apply_once() {
        let (out, n) = apply_edits("ab", &[e(1, 1, "X"), e(1, 1, "Y")]);
        assert_eq!((out.as_str(), n), ("aXb", 1));
    }
}
