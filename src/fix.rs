//! Applying fixes to text, purely: picks non-overlapping edits, applies them
//! back to front, and never touches bytes outside the edits.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::model::{Edit, Finding};

/// Chooses the edits to apply together: those that do not overlap an
/// earlier-chosen one (by order given), sorted by position, with a
/// replacement that now opens a sentence capitalised (two neighbouring fixes
/// can turn a mid-sentence rewrite into a sentence start).
pub fn resolve_edits(text: &str, edits: &[Edit]) -> Vec<Edit> {
    let mut chosen: Vec<&Edit> = Vec::new();
    let mut occupied = Occupied::default();
    for e in edits {
        if e.range.start > e.range.end
            || e.range.end > text.len()
            || !text.is_char_boundary(e.range.start)
            || !text.is_char_boundary(e.range.end)
        {
            continue;
        }
        if !occupied.collides(e) {
            occupied.insert(e);
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

/// How many fix-and-lint passes `tactful fix` and the editor's "fix all"
/// make: overlapping fixes land in later passes.
pub const FIX_PASSES: usize = 10;

/// Applies preferred fixes and lints again until nothing changes (at most
/// `passes` times), as `tactful fix` does: overlapping fixes land in later
/// passes. See [`fix_until_stable`] for the guards.
pub fn fix_all(
    linter: &crate::lint::Linter,
    text: &str,
    settings: &crate::lint::FileSettings,
    passes: usize,
) -> Result<(String, usize), crate::source::SourceError> {
    let fixed = fix_until_stable(linter, text, settings, passes, &|_| {})?;
    Ok((fixed.text, fixed.applied))
}

/// What fixing until stable made of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fixed {
    pub text: String,
    /// How many fixes applied, over all passes.
    pub applied: usize,
    /// The same change as edits on the original text (non-overlapping,
    /// sorted), for an editor to apply in one step.
    pub edits: Vec<Edit>,
}

/// Applies preferred fixes and lints again until nothing changes (at most
/// `passes` passes). `adjust` sees every lint's findings first (an editor's
/// severity overrides drop findings there). A pass never keeps a fix that
/// changes the document's structure (YAML value types, Markdown blocks),
/// that drops a control character from the prose (an escape byte the
/// reader cannot see, kept as written, see [`prose_controls`]),
/// that brings a finding of another rule near it, or that leaves its own
/// finding standing untouched (applied again each pass, it would grow the
/// document and never settle); such a fix is left out and not tried again.
pub fn fix_until_stable(
    linter: &crate::lint::Linter,
    text: &str,
    settings: &crate::lint::FileSettings,
    passes: usize,
    adjust: &dyn Fn(&mut Vec<Finding>),
) -> Result<Fixed, crate::source::SourceError> {
    let lint = |t: &str| -> Result<Vec<Finding>, crate::source::SourceError> {
        let mut f = linter.lint(t, settings)?.findings;
        adjust(&mut f);
        Ok(f)
    };
    let mut current = text.to_string();
    let mut patch = Patch::new(text.len());
    let mut applied = 0;
    // Fixes left out, by rule, matched text and replacement.
    let mut refused: HashSet<(String, String, String)> = HashSet::new();
    // Of those, the ones left out for what they did to the text around them
    // (its structure, a finding brought nearby): they were never applied,
    // and once other fixes have changed that text they may be fine
    // ("Obviously," alone in a paragraph deletes the paragraph; after an
    // acknowledgement is inserted before it, it does not). They are tried
    // again after each accepted batch, so one fix-all reaches what a second
    // would. A fix that left its own finding standing stays out for good.
    let mut refused_for_now: Vec<(String, String, String)> = Vec::new();
    let shape = |t: &str| shape_of(t, settings);
    let mut findings = lint(&current)?;
    let mut current_shape = shape(&current);
    // How many fixes a try takes: halved while a set of fixes changes the
    // structure, down to the one fix that does.
    let mut limit = usize::MAX;
    'passes: for _ in 0..passes {
        loop {
            let mut picked = pick_fixes(&current, &findings, &refused);
            picked.truncate(limit);
            if picked.is_empty() {
                break 'passes;
            }
            let edits: Vec<Edit> = picked.iter().flat_map(|(_, e)| e.clone()).collect();
            let chosen = resolve_edits(&current, &edits);
            let next = splice(&current, &chosen);
            let next_shape = shape(&next);
            let shape_kept = match (&current_shape, &next_shape) {
                (Ok(a), Ok(b)) => a == b,
                _ => false,
            };
            let mut after = None;
            let mut for_good: Vec<usize> = Vec::new();
            let bad: Vec<usize> = if shape_kept {
                let a = lint(&next)?;
                let mut bad = introduced_by(&findings, &a, &picked, &chosen);
                for_good = ineffective(&current, &findings, &a, &picked, &chosen);
                bad.extend(&for_good);
                bad.sort_unstable();
                bad.dedup();
                after = Some(a);
                bad
            } else if picked.len() == 1 {
                // This fix changes the structure.
                vec![0]
            } else {
                // Some fix among these does: try half as many.
                limit = (picked.len() / 2).max(1);
                continue;
            };
            if bad.is_empty() {
                let truncated = limit != usize::MAX;
                limit = usize::MAX;
                if next == current {
                    break 'passes;
                }
                patch.apply(&chosen);
                applied += picked.len();
                for key in refused_for_now.drain(..) {
                    refused.remove(&key);
                }
                current = next;
                current_shape = next_shape;
                // The lint of the accepted text (it extracted, so it reads).
                findings = match after {
                    Some(a) => a,
                    None => lint(&current)?,
                };
                // A batch cut short leaves fixes of this pass to try.
                if truncated {
                    continue;
                }
                break;
            }
            for &i in &bad {
                let f = &findings[picked[i].0];
                let key = refusal_key(&current, f);
                if !for_good.contains(&i) {
                    refused_for_now.push(key.clone());
                }
                refused.insert(key);
            }
        }
    }
    Ok(Fixed {
        text: current,
        applied,
        edits: patch.edits(text),
    })
}

/// The control characters in a document's prose, decoded (a JSON `\\u001b`
/// counts as the escape byte it stands for), with how often each occurs;
/// tabs and line breaks are not counted. A fix keeps them all: a match may
/// span an escape sequence next to a capture (`just \\x1b[31mred it`, with
/// `{w}` capturing `31mred`), and replacing the whole match would drop the
/// escape byte, a change nobody sees in the fix's title or diff.
pub fn prose_controls(
    text: &str,
    settings: &crate::lint::FileSettings,
) -> Result<Vec<(char, usize)>, crate::source::SourceError> {
    let doc = crate::source::extract(text, settings.format, &settings.source)?;
    let mut counts: std::collections::BTreeMap<char, usize> = Default::default();
    for seg in &doc.segments {
        for c in seg.text.chars().filter(|&c| is_prose_control(c)) {
            *counts.entry(c).or_default() += 1;
        }
    }
    Ok(counts.into_iter().collect())
}

/// A control character other than a tab or line break (C0, DEL, C1).
pub fn is_prose_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// What a fix must keep: the document's structure (see
/// [`crate::source::structure::fingerprint`]) and its prose's control
/// characters.
type Shape = (Vec<String>, Vec<(char, usize)>);

fn shape_of(
    t: &str,
    settings: &crate::lint::FileSettings,
) -> Result<Shape, crate::source::SourceError> {
    let blocks = crate::source::structure::fingerprint(
        t,
        settings.format,
        &settings.source,
        crate::source::structure::Compare::Shape,
    )?;
    Ok((blocks, prose_controls(t, settings)?))
}

/// Documents up to this size are linted whole to check one quick fix;
/// larger plain-text and Markdown ones are checked on the blocks the fix
/// touches (blocks lint alone as in the document), larger documents of the
/// other formats on the values the fix touches ([`lint_touched_values`]).
pub const QUICK_FIX_WHOLE_BYTES: usize = 64 * 1024;

/// Whether one quick fix (`edits`, the fix of the finding of `rule` at
/// `range`), applied alone, passes the guards of [`fix_until_stable`]: it
/// keeps the structure and the prose's control characters, brings no
/// finding of another rule near it, and removes its own finding. The
/// editor offers only such fixes, as `tactful fix` applies only such.
/// `true` when it cannot be judged (the finding is not found again, or the
/// document cannot be read).
pub fn quick_fix_is_sound(
    linter: &crate::lint::Linter,
    text: &str,
    settings: &crate::lint::FileSettings,
    rule: &str,
    range: Range<usize>,
    edits: &[Edit],
) -> bool {
    let (Some(lo), Some(hi)) = (
        edits.iter().map(|e| e.range.start).min(),
        edits.iter().map(|e| e.range.end).max(),
    ) else {
        return true;
    };
    let lo = lo.min(range.start);
    let hi = hi.max(range.end);
    if hi > text.len() {
        return false;
    }
    let blockwise = matches!(
        settings.format,
        crate::source::Format::Text | crate::source::Format::Markdown
    );
    let window = if text.len() <= QUICK_FIX_WHOLE_BYTES || !blockwise {
        0..text.len()
    } else {
        let blocks = crate::incremental::split_blocks(text);
        let first = blocks
            .partition_point(|b| b.end <= lo)
            .min(blocks.len() - 1);
        let last = blocks.partition_point(|b| b.end < hi).min(blocks.len() - 1);
        blocks[first].start..blocks[last].end
    };
    // Large documents that cannot be cut are judged on the values the fix
    // touches: they are parsed whole, but only those values are linted.
    let by_value = text.len() > QUICK_FIX_WHOLE_BYTES && !blockwise;
    let base = window.start;
    let part = &text[window];
    let shifted: Vec<Edit> = edits
        .iter()
        .map(|e| Edit {
            range: e.range.start - base..e.range.end - base,
            replacement: e.replacement.clone(),
        })
        .collect();
    let range = range.start - base..range.end - base;
    let lint = |t: &str, touched: Range<usize>| {
        if by_value {
            lint_touched_values(linter, t, settings, touched)
        } else {
            linter.lint(t, settings).map(|r| r.findings)
        }
    };
    let Ok(before) = lint(part, lo - base..hi - base) else {
        return true;
    };
    let Some(index) = before
        .iter()
        .position(|f| f.rule.as_ref() == rule && f.range == range)
    else {
        return true;
    };
    let chosen = resolve_edits(part, &shifted);
    let next = splice(part, &chosen);
    match (shape_of(part, settings), shape_of(&next, settings)) {
        (Ok(a), Ok(b)) if a == b => {}
        _ => return false,
    }
    let grown: isize = chosen
        .iter()
        .map(|e| e.replacement.len() as isize - e.range.len() as isize)
        .sum();
    let hi_after = ((hi - base) as isize + grown).max((lo - base) as isize) as usize;
    let Ok(after) = lint(&next, lo - base..hi_after) else {
        return false;
    };
    let picked = [(index, shifted)];
    introduced_by(&before, &after, &picked, &chosen).is_empty()
        && ineffective(part, &before, &after, &picked, &chosen).is_empty()
}

/// The findings of the prose values of `text` (a JSON or YAML string, an
/// HTML text run, a template's text) whose source overlaps `touched`,
/// linted as a document of their own: sentences never cross values, so a
/// value's sentence findings are the ones it has in the whole document.
/// Document checks see only these values; the document's kind, directives
/// and protected spans are kept, its quoted context is left out. Before and
/// after a fix are judged the same way, so a fix is refused rather than
/// offered when the two readings differ.
pub fn lint_touched_values(
    linter: &crate::lint::Linter,
    text: &str,
    settings: &crate::lint::FileSettings,
    touched: Range<usize>,
) -> Result<Vec<Finding>, crate::source::SourceError> {
    let mut doc = crate::source::extract(text, settings.format, &settings.source)?;
    doc.segments.retain(|seg| {
        let (r, _) = seg.to_source(0..seg.text.len());
        r.start <= touched.end && touched.start <= r.end
    });
    doc.quoted.clear();
    Ok(linter.lint_doc(text, &doc, settings).findings)
}

fn refusal_key(text: &str, f: &Finding) -> (String, String, String) {
    let replacement = f
        .preferred_fix()
        .map(|x| {
            x.edits
                .iter()
                .map(|e| e.replacement.as_str())
                .collect::<String>()
        })
        .unwrap_or_default();
    let matched = text.get(f.range.clone()).unwrap_or("").to_string();
    (f.rule.to_string(), matched, replacement)
}

/// The preferred fixes to apply together, as (finding index, edits): in
/// document order, a fix whose edits collide with an earlier one's waits for
/// the next pass; refused fixes are skipped.
fn pick_fixes(
    text: &str,
    findings: &[Finding],
    refused: &HashSet<(String, String, String)>,
) -> Vec<(usize, Vec<Edit>)> {
    let mut fixes: Vec<(usize, Vec<Edit>)> = findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| Some((i, f.preferred_fix()?.edits.clone())))
        .filter(|(_, edits)| !edits.is_empty())
        .filter(|(i, _)| refused.is_empty() || !refused.contains(&refusal_key(text, &findings[*i])))
        .collect();
    fixes.sort_by_key(|(_, edits)| edits.iter().map(|e| e.range.start).min());
    let mut taken: Vec<(usize, Vec<Edit>)> = Vec::new();
    let mut occupied = Occupied::default();
    for (i, edits) in fixes {
        let collides = edits.iter().any(|e| occupied.collides(e));
        let valid = edits.iter().all(|e| {
            e.range.start <= e.range.end
                && e.range.end <= text.len()
                && text.is_char_boundary(e.range.start)
                && text.is_char_boundary(e.range.end)
        });
        if valid && !collides {
            edits.iter().for_each(|e| occupied.insert(e));
            taken.push((i, edits));
        }
    }
    taken
}

/// The indexes (into `picked`) of fixes that brought a finding of another
/// rule: a finding of `after` near an applied edit, of a rule that had no
/// finding in the document before, and with no fix of its own (which the
/// next pass would apply).
fn introduced_by(
    before: &[Finding],
    after: &[Finding],
    picked: &[(usize, Vec<Edit>)],
    chosen: &[Edit],
) -> Vec<usize> {
    const NEAR: usize = 80;
    let owner_of: HashMap<(usize, usize), usize> = picked
        .iter()
        .enumerate()
        .flat_map(|(o, (_, edits))| edits.iter().map(move |e| ((e.range.start, e.range.end), o)))
        .collect();
    // Each chosen edit's range in the new text, and its fix; sorted.
    let mut placed: Vec<(Range<usize>, usize)> = Vec::with_capacity(chosen.len());
    let mut delta: isize = 0;
    for e in chosen {
        let start = (e.range.start as isize + delta) as usize;
        let owner = owner_of
            .get(&(e.range.start, e.range.end))
            .copied()
            .unwrap_or(0);
        placed.push((start..start + e.replacement.len(), owner));
        delta += e.replacement.len() as isize - e.range.len() as isize;
    }
    let rules_before: HashSet<&str> = before.iter().map(|b| b.rule.as_ref()).collect();
    let mut bad = Vec::new();
    for a in after {
        // A rule the document already had is not brought by the fix (a
        // document check's finding may move when the text changes); one
        // with a fix of its own is fixed (and guarded) by the next pass.
        if rules_before.contains(a.rule.as_ref()) || a.preferred_fix().is_some() {
            continue;
        }
        // The edits near the finding: placed ranges are sorted and disjoint.
        let hi = placed.partition_point(|(r, _)| r.start <= a.range.end + NEAR);
        let mut i = hi;
        while i > 0 && placed[i - 1].0.end + NEAR >= a.range.start {
            i -= 1;
            bad.push(placed[i].1);
        }
    }
    bad.sort_unstable();
    bad.dedup();
    bad
}

/// The indexes (into `picked`) of fixes that did not remove their own
/// finding: a finding of the same rule on the same text stands at the same
/// place after the edits (none of which touched its range). Such a fix,
/// an insertion next to the finding, say, that the rule does not read as
/// the remedy, would be applied again by every later pass.
fn ineffective(
    text: &str,
    before: &[Finding],
    after: &[Finding],
    picked: &[(usize, Vec<Edit>)],
    chosen: &[Edit],
) -> Vec<usize> {
    let standing: HashSet<(&str, usize, usize)> = after
        .iter()
        .map(|a| (a.rule.as_ref(), a.range.start, a.range.end))
        .collect();
    let mut bad = Vec::new();
    for (o, (i, _)) in picked.iter().enumerate() {
        let f = &before[*i];
        let r = &f.range;
        if r.is_empty() || text.get(r.clone()).is_none() {
            continue;
        }
        // An edit inside the range changed the finding's own text.
        let touched = chosen.iter().any(|e| {
            (e.range.start < r.end && r.start < e.range.end)
                || (e.range.is_empty() && r.start < e.range.start && e.range.start < r.end)
        });
        if touched {
            continue;
        }
        let shift: isize = chosen
            .iter()
            .filter(|e| e.range.end <= r.start)
            .map(|e| e.replacement.len() as isize - e.range.len() as isize)
            .sum();
        let start = (r.start as isize + shift) as usize;
        if standing.contains(&(f.rule.as_ref(), start, start + r.len())) {
            bad.push(o);
        }
    }
    bad
}

/// The ranges of edits already chosen, to find a collision in log time.
#[derive(Default)]
struct Occupied(std::collections::BTreeSet<(usize, usize)>);

impl Occupied {
    fn insert(&mut self, e: &Edit) {
        self.0.insert((e.range.start, e.range.end));
    }

    /// Whether `e` clashes with a chosen edit. Chosen ranges are disjoint,
    /// so walking back from the last one starting by `e`'s end, ends only
    /// decrease: stop at the first that ends before `e` starts.
    fn collides(&self, e: &Edit) -> bool {
        for &(start, end) in self.0.range(..=(e.range.end, usize::MAX)).rev() {
            let t = Edit {
                range: start..end,
                replacement: String::new(),
            };
            if clash(e, &t) {
                return true;
            }
            if end < e.range.start {
                break;
            }
        }
        false
    }
}

/// Whether two edits cannot both apply (see [`resolve_edits`]).
fn clash(e: &Edit, c: &Edit) -> bool {
    (e.range.start < c.range.end && c.range.start < e.range.end)
        || (e.range.is_empty() && c.range.is_empty() && e.range.start == c.range.start)
        || (e.range.is_empty() && c.range.start < e.range.start && e.range.start < c.range.end)
        || (c.range.is_empty() && e.range.start < c.range.start && c.range.start < e.range.end)
}

fn splice(text: &str, chosen: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for e in chosen {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// A text as pieces of the original and new strings, so that edits made on
/// successive versions compose into edits on the original.
#[derive(Debug, Clone)]
struct Patch {
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
enum Piece {
    Original(Range<usize>),
    New(String),
}

impl Piece {
    fn len(&self) -> usize {
        match self {
            Piece::Original(r) => r.len(),
            Piece::New(s) => s.len(),
        }
    }
}

impl Patch {
    fn new(len: usize) -> Patch {
        Patch {
            pieces: vec![Piece::Original(0..len)],
        }
    }

    /// Applies sorted, non-overlapping edits on the current text.
    fn apply(&mut self, edits: &[Edit]) {
        let mut out: Vec<Piece> = Vec::new();
        let mut pieces = std::mem::take(&mut self.pieces).into_iter();
        let mut cur: Option<Piece> = pieces.next();
        let mut pos = 0; // current-text offset of `cur`'s start
                         // Moves the pieces before `until` (current offsets) to `out`,
                         // dropping them when `keep` is false.
        let mut advance = |until: usize,
                           keep: bool,
                           out: &mut Vec<Piece>,
                           cur: &mut Option<Piece>,
                           pos: &mut usize| {
            while let Some(p) = cur.take() {
                let len = p.len();
                if *pos + len <= until {
                    if keep && len > 0 {
                        out.push(p);
                    }
                    *pos += len;
                    *cur = pieces.next();
                    continue;
                }
                let cut = until - *pos;
                let (head, tail) = match p {
                    Piece::Original(r) => (
                        Piece::Original(r.start..r.start + cut),
                        Piece::Original(r.start + cut..r.end),
                    ),
                    Piece::New(s) => (
                        Piece::New(s[..cut].to_string()),
                        Piece::New(s[cut..].to_string()),
                    ),
                };
                if keep && cut > 0 {
                    out.push(head);
                }
                *pos = until;
                *cur = Some(tail);
                break;
            }
        };
        for e in edits {
            advance(e.range.start, true, &mut out, &mut cur, &mut pos);
            advance(e.range.end, false, &mut out, &mut cur, &mut pos);
            if !e.replacement.is_empty() {
                out.push(Piece::New(e.replacement.clone()));
            }
        }
        advance(usize::MAX, true, &mut out, &mut cur, &mut pos);
        self.pieces = out;
    }

    /// The change as edits on the original text.
    fn edits(&self, original: &str) -> Vec<Edit> {
        let mut out = Vec::new();
        let mut cursor = 0;
        let mut pending = String::new();
        for p in &self.pieces {
            match p {
                Piece::New(s) => pending.push_str(s),
                Piece::Original(r) => {
                    if r.start != cursor || !pending.is_empty() {
                        out.push(Edit {
                            range: cursor..r.start,
                            replacement: std::mem::take(&mut pending),
                        });
                    }
                    cursor = r.end;
                }
            }
        }
        if cursor != original.len() || !pending.is_empty() {
            out.push(Edit {
                range: cursor..original.len(),
                replacement: pending,
            });
        }
        out
    }
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

    fn linter(pack: &str) -> crate::lint::Linter {
        let rules = crate::rules::parse_pack("t.toml", pack).unwrap();
        let engine = crate::engine::Engine::new(rules, &crate::engine::Overrides::default());
        crate::lint::Linter::new(std::sync::Arc::new(engine.unwrap()))
    }

    #[test]
    fn a_fix_that_brings_a_finding_of_another_rule_is_left_out() {
        // Removing "per my last email" would leave a sentence that opens
        // with a passive "the refund was processed" (another rule).
        const PER_MY_LAST_EMAIL: &str = r#"
[[rule]]
id = "passive-aggressive.per-my-last-email"
category = "passive-aggressive"
message = "m"
why = "w"
match = ["per my last email"]
fix = [""]
"#;
        let l = linter(&format!(
            "{PER_MY_LAST_EMAIL}{}",
            r#"
[[rule]]
id = "no-ownership.passive-start"
category = "no-ownership"
message = "m"
why = "w"
match = ["^ the refund was processed"]
"#
        ));
        let s = crate::lint::FileSettings::default();
        let text = "Per my last email, the refund was processed.";
        let fixed = fix_until_stable(&l, text, &s, FIX_PASSES, &|_| {}).unwrap();
        assert_eq!(fixed.text, text);
        assert!(fixed.edits.is_empty());
        // Without the second rule the same fix applies.
        let l = linter(PER_MY_LAST_EMAIL);
        let fixed = fix_until_stable(&l, text, &s, FIX_PASSES, &|_| {}).unwrap();
        assert_eq!(fixed.text, "The refund was processed.");
    }

    #[test]
    fn a_fix_that_leaves_its_own_finding_standing_is_not_applied_again_and_again() {
        // The stress run's seed: the apology's next step is inserted after
        // the open quote, where it reads as quoted text, so the apology is
        // still flagged and each pass inserted the sentence once more.
        let l = crate::lint::Linter::default_packs();
        let s = crate::lint::FileSettings::default();
        let text = "no worries. I am sorry for \" any inconvenience\n";
        let before = l.lint(text, &s).unwrap().findings;
        assert!(before
            .iter()
            .any(|f| f.rule.starts_with("apology-without-action")));
        let fixed = fix_until_stable(&l, text, &s, FIX_PASSES, &|_| {}).unwrap();
        let again = fix_until_stable(&l, &fixed.text, &s, FIX_PASSES, &|_| {}).unwrap();
        assert_eq!(again.text, fixed.text, "not idempotent");
        assert_eq!(fixed.text.matches("I'm looking into this").count(), 0);
        // Where the next step does count, it is inserted once.
        let text = "I am sorry for any inconvenience.\n";
        let fixed = fix_until_stable(&l, text, &s, FIX_PASSES, &|_| {}).unwrap();
        assert_eq!(
            fixed.text.matches("I'm looking into this").count(),
            1,
            "{}",
            fixed.text
        );
    }

    #[test]
    fn a_fix_never_drops_an_escape_byte_next_to_a_capture() {
        // `{w}` captures `31mred`; the whole match `just \x1b[31mred it`
        // is replaced, which dropped the escape byte and the `[`.
        let l = linter(
            r#"
[[rule]]
id = "minimizing.just-it"
category = "minimizing"
message = "m"
why = "w"
match = ["just {w} it"]
fix = ["{w} it"]
"#,
        );
        let s = crate::lint::FileSettings::default();
        for text in [
            "Please just \x1b[31mred it now.",
            "Please just \u{9b}31mred it now.",
        ] {
            assert_eq!(l.lint(text, &s).unwrap().findings.len(), 1, "{text:?}");
            let fixed = fix_until_stable(&l, text, &s, FIX_PASSES, &|_| {}).unwrap();
            assert_eq!(fixed.text, text);
        }
        // JSON: the escape is written `\u001b` and decoded in the prose.
        let s = crate::lint::FileSettings {
            format: crate::source::Format::Json,
            ..Default::default()
        };
        let text = r#"{"body": "Please just \u001b[31mred it now."}"#;
        let fixed = fix_until_stable(&l, text, &s, FIX_PASSES, &|_| {}).unwrap();
        assert_eq!(fixed.text, text);
        // Without the escape the fix applies.
        let text = r#"{"body": "Please just red it now."}"#;
        let fixed = fix_until_stable(&l, text, &s, FIX_PASSES, &|_| {}).unwrap();
        assert_eq!(fixed.text, r#"{"body": "Please red it now."}"#);
    }

    /// Two rules where removing "Per my last email," leaves a sentence that
    /// opens with a passive (a finding of the other rule).
    const PER_MY_LAST_EMAIL_AND_PASSIVE: &str = r#"
[[rule]]
id = "passive-aggressive.per-my-last-email"
category = "passive-aggressive"
message = "m"
why = "w"
match = ["per my last email"]
fix = [""]

[[rule]]
id = "no-ownership.passive-start"
category = "no-ownership"
message = "m"
why = "w"
match = ["^ the refund was processed"]
"#;

    /// Whether the quick fix of the "per my last email" finding in `text`
    /// (read as `format`) is offered.
    fn per_my_last_email_fix_is_sound(
        l: &crate::lint::Linter,
        text: &str,
        format: crate::source::Format,
    ) -> bool {
        let s = crate::lint::FileSettings {
            format,
            ..Default::default()
        };
        let f = l.lint(text, &s).unwrap().findings;
        let f = f
            .iter()
            .find(|f| f.rule.as_ref() == "passive-aggressive.per-my-last-email")
            .unwrap();
        let fix = f.preferred_fix().unwrap();
        quick_fix_is_sound(l, text, &s, &f.rule, f.range.clone(), &fix.edits)
    }

    #[test]
    fn a_single_quick_fix_that_brings_a_finding_of_another_rule_is_not_offered() {
        use crate::source::Format;
        let l = linter(PER_MY_LAST_EMAIL_AND_PASSIVE);
        let sound = |text: &str| per_my_last_email_fix_is_sound(&l, text, Format::Text);
        assert!(!sound("Per my last email, the refund was processed."));
        assert!(sound("Per my last email, we sent the refund."));
        // Large Markdown: checked on the blocks the fix touches.
        let filler = "We sent the label today.\n\n".repeat(4000);
        let sound = |text: &str| per_my_last_email_fix_is_sound(&l, text, Format::Markdown);
        let bad = format!("{filler}Per my last email, the refund was processed.\n\n{filler}");
        assert!(bad.len() > QUICK_FIX_WHOLE_BYTES);
        assert!(!sound(&bad));
        assert!(sound(&format!(
            "{filler}Per my last email, we sent it.\n\n{filler}"
        )));
    }

    #[test]
    fn a_quick_fix_in_a_large_json_or_yaml_export_is_checked_on_the_values_it_touches() {
        use crate::source::Format;
        let l = linter(PER_MY_LAST_EMAIL_AND_PASSIVE);
        // Far more than a code action could lint whole, in one file of
        // either format: the fix that would bring a no-ownership finding is
        // refused, the harmless one offered.
        let json = |reply: &str| {
            let filler: Vec<String> = (0..12_000)
                .map(|i| format!("{{\"name\": \"m{i}\", \"body\": \"We sent the label today.\"}}"))
                .collect();
            format!(
                "[{}, {{\"name\": \"x\", \"body\": \"{reply}\"}}, {}]",
                filler.join(", "),
                filler.join(", ")
            )
        };
        let bad = json("Per my last email, the refund was processed.");
        assert!(bad.len() > 1 << 20);
        assert!(!per_my_last_email_fix_is_sound(&l, &bad, Format::Json));
        let good = json("Per my last email, we sent it.");
        assert!(per_my_last_email_fix_is_sound(&l, &good, Format::Json));
        let yaml = |reply: &str| {
            let filler = "- name: m\n  body: We sent the label today.\n".repeat(20_000);
            format!("{filler}- name: x\n  body: \"{reply}\"\n{filler}")
        };
        let bad = yaml("Per my last email, the refund was processed.");
        assert!(bad.len() > 1 << 20);
        assert!(!per_my_last_email_fix_is_sound(&l, &bad, Format::Yaml));
        let good = yaml("Per my last email, we sent it.");
        assert!(per_my_last_email_fix_is_sound(&l, &good, Format::Yaml));
    }

    #[test]
    fn edits_of_successive_passes_compose_into_edits_on_the_original() {
        let text = "aaa bbb ccc ddd";
        let mut p = Patch::new(text.len());
        let pass1 = [e(0, 3, "A"), e(8, 11, "")];
        p.apply(&pass1);
        let t1 = splice(text, &pass1);
        assert_eq!(t1, "A bbb  ddd");
        let pass2 = [e(0, 5, "X"), e(7, 10, "DD!")];
        p.apply(&pass2);
        let t2 = splice(&t1, &pass2);
        let edits = p.edits(text);
        assert_eq!(splice(text, &edits), t2);
        assert_eq!(edits.len(), 3, "{edits:?}");
    }

    #[test]
    fn insertions_at_the_same_point_apply_once() {
        let (out, n) = apply_edits("ab", &[e(1, 1, "X"), e(1, 1, "Y")]);
        assert_eq!((out.as_str(), n), ("aXb", 1));
    }
}
