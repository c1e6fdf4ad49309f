//! Compiles every pattern's anchor (its most selective run of literal words)
//! into one Aho-Corasick automaton over the normalised token text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::rules::pattern::{Elem, WordTest};

/// Most alternatives one anchor may expand to.
const MAX_EXPANSION: usize = 256;

/// The literal strings one element can stand for, when it is literal.
fn literal_forms(e: &Elem) -> Option<Vec<(String, bool)>> {
    // (text, is_prefix)
    match e {
        Elem::Word(tests) => tests
            .iter()
            .map(|t| match t {
                WordTest::Exact(w) => Some((w.clone(), false)),
                WordTest::Prefix(p) => Some((p.clone(), true)),
                // A suffix is no literal start: another element anchors.
                WordTest::Suffix(_) => None,
            })
            .collect(),
        Elem::Group(alts) => {
            let mut out = Vec::new();
            for alt in alts {
                let mut acc: Vec<(String, bool)> = vec![(String::new(), false)];
                for (k, e) in alt.iter().enumerate() {
                    let forms = literal_forms(e)?;
                    let mut next = Vec::new();
                    for (a, a_prefix) in &acc {
                        if *a_prefix {
                            return None;
                        }
                        for (f, p) in &forms {
                            let s = if k == 0 {
                                f.clone()
                            } else {
                                format!("{a} {f}")
                            };
                            next.push((s, *p));
                        }
                    }
                    if next.len() > MAX_EXPANSION {
                        return None;
                    }
                    acc = next;
                }
                out.extend(acc);
            }
            Some(out)
        }
        _ => None,
    }
}

/// Words so common that an anchor made of them alone would wake the
/// verifier on most sentences.
const COMMON: &[&str] = &[
    "a", "an", "the", "to", "of", "in", "on", "at", "by", "for", "with", "from", "and", "or",
    "but", "is", "are", "be", "was", "were", "am", "been", "it", "this", "that", "these", "those",
    "as", "you", "your", "we", "our", "us", "i", "me", "my", "they", "them", "their", "he", "she",
    "not", "do", "does", "did", "have", "has", "had", "will", "would", "can", "could", "should",
    "may", "if", "when", "what", "so", "there", "all", "any", "no", "one", "up", "out", "about",
    "into", "more", "than", "then", "also", "which", "who", "how",
];

/// How much an anchor word narrows the search: common words count little,
/// longer words more. Words of an alternative phrase add up.
fn selectivity(form: &str) -> usize {
    form.split(' ')
        .map(|w| if COMMON.contains(&w) { 1 } else { w.len() + 2 })
        .sum()
}

/// One anchor of a pattern: the text searched for and the index of the
/// pattern element its first word stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub text: String,
    pub elem: usize,
}

/// Longest run of pattern elements one anchor spans: longer runs add
/// nothing to selectivity, and the bound keeps anchor choice linear in the
/// pattern's length.
const MAX_ANCHOR_ELEMS: usize = 32;

/// Chooses the anchors of a pattern: the run of consecutive mandatory
/// literal elements whose shortest expansion is longest.
pub fn anchors_for(elems: &[Elem]) -> Result<Vec<Anchor>, String> {
    // Each element's literal forms and their scores, computed once.
    let forms_of: Vec<Option<Vec<(String, bool)>>> = elems.iter().map(literal_forms).collect();
    let scored: Vec<Option<(usize, usize, bool)>> = forms_of
        .iter()
        .map(|forms| {
            forms.as_ref().map(|forms| {
                (
                    forms.iter().map(|(f, _)| selectivity(f)).min().unwrap_or(0),
                    forms.len(),
                    forms.iter().any(|(_, p)| *p),
                )
            })
        })
        .collect();
    let mut best: Option<(usize, usize, usize)> = None;
    for i in 0..elems.len() {
        // Grow a run from i, scoring it by its shortest expansion and how many
        // expansions it has (strings are built only for the winner).
        let (mut min_len, mut count, mut ends_in_prefix) = (0usize, 1usize, false);
        for (j, forms) in scored.iter().enumerate().skip(i).take(MAX_ANCHOR_ELEMS) {
            let Some((selective, n, prefix)) = *forms else {
                break;
            };
            if ends_in_prefix {
                break;
            }
            count = count.saturating_mul(n);
            if count > MAX_EXPANSION {
                break;
            }
            min_len += selective;
            ends_in_prefix = prefix;
            // Fewer alternatives are better, but a rare word beats a common one.
            let score = (min_len * 8 + 1) * 2 / (2 + count.ilog2() as usize);
            if best.is_none_or(|(b, _, _)| score > b) {
                best = Some((score, i, j + 1));
            }
        }
    }
    let (_, i, j) = best.ok_or_else(|| {
        "has no literal word to anchor on (add at least one plain word that must be present)"
            .to_string()
    })?;
    // Expand the best run into its anchor texts.
    let mut acc: Vec<(String, bool)> = vec![(String::new(), false)];
    for forms in forms_of[i..j].iter().flatten() {
        acc = acc
            .iter()
            .flat_map(|(a, _)| {
                forms.iter().map(move |(f, p)| {
                    (
                        if a.is_empty() {
                            f.clone()
                        } else {
                            format!("{a} {f}")
                        },
                        *p,
                    )
                })
            })
            .collect();
    }
    Ok(acc
        .into_iter()
        .map(|(s, p)| Anchor {
            text: if p { format!(" {s}") } else { format!(" {s} ") },
            elem: i,
        })
        .collect())
}

/// The automaton: anchor texts → (pattern id, anchor element).
pub struct Automaton {
    ac: AhoCorasick,
    /// For each automaton pattern, the owners (pattern index, element index).
    owners: Vec<Vec<(u32, u32)>>,
}

impl std::fmt::Debug for Automaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Automaton({} anchors)", self.owners.len())
    }
}

impl Automaton {
    /// Builds the automaton from (pattern index, anchors) pairs.
    pub fn build(anchors: &[(u32, Vec<Anchor>)]) -> Automaton {
        let mut texts: Vec<String> = Vec::new();
        let mut owners: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for (pat, list) in anchors {
            for a in list {
                let k = *index.entry(a.text.clone()).or_insert_with(|| {
                    texts.push(a.text.clone());
                    owners.push(Vec::new());
                    texts.len() - 1
                });
                if !owners[k].contains(&(*pat, a.elem as u32)) {
                    owners[k].push((*pat, a.elem as u32));
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&texts)
            .expect("anchor automaton builds");
        Automaton { ac, owners }
    }

    /// Every (pattern, element, norm offset of the anchor's first word).
    pub fn candidates(&self, norm: &str, mut f: impl FnMut(u32, u32, usize)) {
        for m in self.ac.find_overlapping_iter(norm) {
            for &(pat, elem) in &self.owners[m.pattern().as_usize()] {
                f(pat, elem, m.start() + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::pattern::parse;

    #[test]
    fn picks_the_longest_literal_run() {
        let p = parse("{x} you (failed|forgot) to {verb}").unwrap();
        let a = anchors_for(&p.elems).unwrap();
        assert_eq!(
            a.iter().map(|a| a.text.as_str()).collect::<Vec<_>>(),
            vec![" you failed to ", " you forgot to "]
        );
        assert_eq!(a[0].elem, 1);
    }

    #[test]
    fn prefix_words_anchor_without_trailing_space() {
        let a = anchors_for(&parse("{x} apologi*").unwrap().elems).unwrap();
        assert_eq!(a[0].text, " apologi");
    }

    #[test]
    fn patterns_without_literals_are_rejected() {
        assert!(anchors_for(&parse("{x} {..2} *").unwrap().elems).is_err());
        assert!(anchors_for(&parse("just?").unwrap().elems).is_err());
    }
}
