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
        Elem::Word(tests) => Some(
            tests
                .iter()
                .map(|t| match t {
                    WordTest::Exact(w) => (w.clone(), false),
                    WordTest::Prefix(p) => (p.clone(), true),
                })
                .collect(),
        ),
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

/// One anchor of a pattern: the text searched for and the index of the
/// pattern element its first word stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub text: String,
    pub elem: usize,
}

/// Chooses the anchors of a pattern: the run of consecutive mandatory
/// literal elements whose shortest expansion is longest.
pub fn anchors_for(elems: &[Elem]) -> Result<Vec<Anchor>, String> {
    let mut best: Option<(usize, Vec<Anchor>)> = None;
    let mut i = 0;
    while i < elems.len() {
        if literal_forms(&elems[i]).is_none() {
            i += 1;
            continue;
        }
        // Grow a run from i.
        let mut acc: Vec<(String, bool)> = vec![(String::new(), false)];
        let mut j = i;
        while j < elems.len() {
            let Some(forms) = literal_forms(&elems[j]) else {
                break;
            };
            if acc.iter().any(|(_, p)| *p) {
                break;
            }
            let mut next = Vec::new();
            for (a, _) in &acc {
                for (f, p) in &forms {
                    next.push((
                        if a.is_empty() {
                            f.clone()
                        } else {
                            format!("{a} {f}")
                        },
                        *p,
                    ));
                }
            }
            if next.len() > MAX_EXPANSION {
                break;
            }
            acc = next;
            j += 1;
            // Score the run i..j.
            let score = acc.iter().map(|(s, _)| s.len()).min().unwrap_or(0) * 4
                / (1 + acc.len().ilog2() as usize);
            if best.as_ref().is_none_or(|(b, _)| score > *b) {
                let anchors = acc
                    .iter()
                    .map(|(s, p)| Anchor {
                        text: if *p {
                            format!(" {s}")
                        } else {
                            format!(" {s} ")
                        },
                        elem: i,
                    })
                    .collect();
                best = Some((score, anchors));
            }
        }
        i += 1;
    }
    best.map(|(_, a)| a).ok_or_else(|| {
        "has no literal word to anchor on (add at least one plain word that must be present)"
            .to_string()
    })
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
