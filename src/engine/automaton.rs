//! Compiles every pattern's anchor (its most selective run of literal words)
//! into one Aho-Corasick automaton over the normalised token text, with a
//! gate for patterns whose anchor is made of common words: the pattern's
//! rarest other mandatory literal, which must occur in the same segment
//! before an anchor hit is verified (a necessary condition of any match, so
//! gating never changes a finding; it only skips verifications that fail).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::tokenize::Tokens;
use crate::rules::pattern::{seq_width, Elem, WordTest};

/// Most alternatives one anchor may expand to.
const MAX_EXPANSION: usize = 256;

/// The literal strings one element can stand for, when it is literal.
fn literal_forms(e: &Elem) -> Option<Vec<(String, bool)>> {
    // (text, is_prefix)
    match e {
        Elem::Word(tests) => tests
            .iter()
            .map(|t| match t {
                WordTest::Exact(w) => Some((w.to_string(), false)),
                WordTest::Prefix(p) => Some((p.to_string(), true)),
                // A suffix is no literal start: another element anchors.
                WordTest::Suffix(_) => None,
            })
            .collect(),
        Elem::Group(alts) => {
            let mut out = Vec::new();
            for alt in alts.iter() {
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

/// What anchor choice needs of an element's literal forms, computed without
/// building them: (least selectivity of a form, number of forms, whether a
/// form is a prefix). `None` exactly when [`literal_forms`] is `None`.
fn literal_stats(e: &Elem) -> Option<(usize, usize, bool)> {
    literal_stats_by(e, &selectivity)
}

/// [`literal_stats`] with any additive per-form score (`score` of a phrase is
/// the sum of its words' scores).
fn literal_stats_by(e: &Elem, score: &dyn Fn(&str) -> usize) -> Option<(usize, usize, bool)> {
    match e {
        Elem::Word(tests) => tests_stats(tests, score),
        Elem::Group(alts) => {
            let (mut min, mut total, mut prefix) = (usize::MAX, 0usize, false);
            for alt in alts.iter() {
                // An empty alternative stands for the empty form.
                let (mut sel, mut count, mut ends_prefix): (usize, usize, bool) = if alt.is_empty()
                {
                    (score(""), 1, false)
                } else {
                    (0, 1, false)
                };
                for (k, e) in alt.iter().enumerate() {
                    let (s, n, p) = literal_stats_by(e, score)?;
                    if k > 0 && ends_prefix {
                        return None;
                    }
                    count = count.saturating_mul(n);
                    if count > MAX_EXPANSION {
                        return None;
                    }
                    sel += s;
                    ends_prefix = p;
                }
                min = min.min(sel);
                total += count;
                prefix |= ends_prefix;
            }
            Some((if total == 0 { 0 } else { min }, total, prefix))
        }
        _ => None,
    }
}

fn tests_stats(tests: &[WordTest], score: &dyn Fn(&str) -> usize) -> Option<(usize, usize, bool)> {
    // A suffix test has no literal start (as in [`literal_forms`]).
    let mut least = usize::MAX;
    for t in tests {
        match t {
            WordTest::Exact(w) | WordTest::Prefix(w) => least = least.min(score(w)),
            WordTest::Suffix(_) => return None,
        }
    }
    Some((
        if tests.is_empty() { 0 } else { least },
        tests.len(),
        tests.iter().any(|t| matches!(t, WordTest::Prefix(_))),
    ))
}

/// How rarely a gate element occurs (as [`rarity_of`] its [`gate_forms`]) and
/// how many forms it has, without building them.
fn gate_stats(e: &Elem) -> Option<(usize, usize)> {
    let (least, n, _) = match e {
        Elem::Capture(c) => match &c.only {
            Some(tests) => tests_stats(tests, &rarity)?,
            None => literal_stats_by(e, &rarity)?,
        },
        _ => literal_stats_by(e, &rarity)?,
    };
    Some((least.saturating_sub(n.max(1).ilog2() as usize), n))
}

/// 0 for a [`COMMON`] word, 1 for a [`FREQUENT`] one, 2 for any other.
fn tier(w: &str) -> u8 {
    static TIERS: std::sync::OnceLock<std::collections::HashMap<&'static str, u8>> =
        std::sync::OnceLock::new();
    let tiers = TIERS.get_or_init(|| {
        let mut m: std::collections::HashMap<&'static str, u8> =
            FREQUENT.iter().map(|w| (*w, 1)).collect();
        m.extend(COMMON.iter().map(|w| (*w, 0)));
        m
    });
    tiers.get(w).copied().unwrap_or(2)
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
        .map(|w| if tier(w) == 0 { 1 } else { w.len() + 2 })
        .sum()
}

/// Frequent words of support replies and help articles beyond [`COMMON`]:
/// an anchor or gate of these alone still occurs in most paragraphs.
#[rustfmt::skip]
const FREQUENT: &[&str] = &[
    "please", "help", "thank", "thanks", "get", "got", "need", "know", "just", "like", "make",
    "time", "go", "going", "see", "use", "want", "let", "take", "now", "here", "very", "sorry",
    "account", "team", "support", "issue", "order", "email", "contact", "customer", "only", "some",
    "other", "new", "way", "work", "back", "even", "because", "after", "before", "over", "again",
    "each", "same", "well", "much", "many", "most", "such", "still", "sure", "since", "where",
    "why", "its", "s", "t", "sign", "click", "select", "open", "settings", "page", "app", "set",
    "change", "check", "find", "follow", "following", "using", "used", "able", "must", "might",
    "both", "every", "first", "last", "next", "through", "until", "while", "without", "within",
    "under", "between", "during", "per", "via", "own", "yourself", "something", "anything",
    "everything", "nothing", "really", "too", "say", "said", "tell", "told", "look", "ask",
    "asked", "try", "keep", "give", "put", "come", "right", "good", "great", "happy", "glad",
    "day", "days", "today", "soon", "yet", "ever", "never", "always", "already", "however", "hi",
    "hello", "dear", "regards", "best",
];

/// How rare a form is, for choosing gates (higher is rarer): common words
/// count 3, frequent ones 5, any other word 8 and more with its length;
/// words of a phrase add up.
fn rarity(form: &str) -> usize {
    // Every word adds 2 besides its tier: a phrase of common words is rarer
    // than any one of them (and the score stays additive over elements).
    form.split(' ')
        .map(|w| match tier(w) {
            0 => 3,
            1 => 5,
            _ => 8 + w.len().min(12) / 3,
        })
        .sum()
}

/// How rarely a set of forms occurs: its least rare form, less a point per
/// doubling of the alternatives.
fn rarity_of(forms: &[(String, bool)]) -> usize {
    let least = forms.iter().map(|(f, _)| rarity(f)).min().unwrap_or(0);
    least.saturating_sub(forms.len().max(1).ilog2() as usize)
}

/// Anchors this rare or rarer take no gate unless every form of them is
/// made of common and frequent words only.
const GATED_BELOW: usize = 8;

/// Most gates of one pattern.
const MAX_GATES: usize = 3;

/// Gates at least this rare: a lone common word would open too many
/// patterns in every sentence to narrow anything.
const MIN_GATE_RARITY: usize = 4;

/// One anchor of a pattern: the text searched for and the index of the
/// pattern element its first word stands for. A gate (`gate: true`) is
/// searched for but never verified at: the pattern's anchor hits are
/// verified only in segments where one of its gate texts occurs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub text: String,
    pub elem: usize,
    pub gate: bool,
    /// The most tokens a match of the pattern spans: a gate word of a
    /// match lies within this many tokens of its anchor.
    pub reach: usize,
}

/// The literal forms a mandatory element must take in any match, for gating:
/// plain words and groups (as for anchors) and constrained captures.
fn gate_forms(e: &Elem) -> Option<Vec<(String, bool)>> {
    match e {
        Elem::Capture(c) => match &c.only {
            Some(tests) => literal_forms(&Elem::Word(tests.clone())),
            None => literal_forms(e),
        },
        _ => literal_forms(e),
    }
}

fn anchor_text(s: &str, prefix: bool) -> String {
    if prefix {
        format!(" {s}")
    } else {
        format!(" {s} ")
    }
}

/// Longest run of pattern elements one anchor spans: longer runs add
/// nothing to selectivity, and the bound keeps anchor choice linear in the
/// pattern's length.
const MAX_ANCHOR_ELEMS: usize = 32;

/// Chooses the anchors of a pattern: the run of consecutive mandatory
/// literal elements whose shortest expansion is longest.
pub fn anchors_for(elems: &[Elem]) -> Result<Vec<Anchor>, String> {
    // Each element's scores, computed once (forms are built for the winner).
    let scored: Vec<Option<(usize, usize, bool)>> = elems.iter().map(literal_stats).collect();
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
    for forms in elems[i..j].iter().filter_map(literal_forms) {
        acc = acc
            .iter()
            .flat_map(|(a, _)| {
                forms
                    .clone()
                    .into_iter()
                    .map(move |(f, p)| (if a.is_empty() { f } else { format!("{a} {f}") }, p))
            })
            .collect();
    }
    let reach = seq_width(elems).1;
    let mut out: Vec<Anchor> = acc
        .iter()
        .map(|(s, p)| Anchor {
            text: anchor_text(s, *p),
            elem: i,
            gate: false,
            reach,
        })
        .collect();
    // A common-word anchor gets gates: the rarest mandatory literal
    // elements outside it (up to [`MAX_GATES`]) that are not lone common
    // words. Every
    // gate must occur in the anchor's sentence before the anchor is verified.
    let strength = rarity_of(&acc);
    let common = acc.iter().all(|(f, _)| f.split(' ').all(|w| tier(w) < 2));
    if common || strength < GATED_BELOW {
        let mut gates: Vec<(usize, usize)> = elems
            .iter()
            .enumerate()
            .filter(|(k, _)| !(i..j).contains(k))
            .filter_map(|(k, e)| Some((k, gate_stats(e)?)))
            .filter(|(_, (r, n))| (1..=MAX_EXPANSION).contains(n) && *r >= MIN_GATE_RARITY)
            .map(|(k, (r, _))| (k, r))
            .collect();
        // Rarest first, earlier elements first among equals.
        gates.sort_by_key(|&(k, r)| (std::cmp::Reverse(r), k));
        gates.truncate(MAX_GATES);
        for (k, _) in gates {
            if let Some(forms) = gate_forms(&elems[k]) {
                out.extend(forms.iter().map(|(s, p)| Anchor {
                    text: anchor_text(s, *p),
                    elem: k,
                    gate: true,
                    reach,
                }));
            }
        }
    }
    Ok(out)
}

/// The automaton: anchor texts → (pattern id, anchor element), and gate
/// texts → the (pattern, gate element) pairs they stand for.
pub struct Automaton {
    ac: AhoCorasick,
    /// For each automaton pattern, the owners (pattern index, element index).
    owners: Rows<(u32, u32)>,
    /// For each automaton pattern, the (pattern, gate element) pairs it is
    /// a form of.
    gates: Rows<(u32, u32)>,
    /// Per pattern index: its gate elements (all must occur), sorted.
    gated: Rows<u32>,
    /// Per gate of `gated` (same item order): the automaton patterns that
    /// are its forms.
    gate_texts: Rows<u32>,
    /// Per gated pattern index: how many tokens a match spans at most.
    reach: Box<[u32]>,
}

/// Lists of lists in two flat allocations (row starts, items): the
/// automaton keeps tens of thousands of short lists for the engine's whole
/// life, and one `Vec` each cost a header and growth slack apiece.
struct Rows<T> {
    starts: Box<[u32]>,
    items: Box<[T]>,
}

impl<T> Rows<T> {
    fn from_lists(lists: Vec<Vec<T>>) -> Rows<T> {
        let mut starts = Vec::with_capacity(lists.len() + 1);
        let mut items = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        starts.push(0);
        for list in lists {
            items.extend(list);
            starts.push(u32::try_from(items.len()).expect("fewer than 2^32 anchor owners"));
        }
        Rows {
            starts: starts.into(),
            items: items.into(),
        }
    }

    /// Row `k` (empty past the last row).
    fn row(&self, k: usize) -> &[T] {
        match (self.starts.get(k), self.starts.get(k + 1)) {
            (Some(&a), Some(&b)) => &self.items[a as usize..b as usize],
            _ => &[],
        }
    }

    fn rows(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl std::fmt::Debug for Automaton {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Automaton({} anchors)", self.owners.rows())
    }
}

impl Automaton {
    /// Builds the automaton from (pattern index, anchors) pairs.
    pub fn build(anchors: &[(u32, Vec<Anchor>)]) -> Automaton {
        let mut texts: Vec<&str> = Vec::new();
        let mut owners: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut gates: Vec<Vec<(u32, u32)>> = Vec::new();
        let mut gated: Vec<Vec<u32>> = Vec::new();
        let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
        for (pat, list) in anchors {
            for a in list {
                let k = *index.entry(a.text.as_str()).or_insert_with(|| {
                    texts.push(a.text.as_str());
                    owners.push(Vec::new());
                    gates.push(Vec::new());
                    texts.len() - 1
                });
                let owner = (*pat, a.elem as u32);
                if a.gate {
                    if gated.len() <= *pat as usize {
                        gated.resize(*pat as usize + 1, Vec::new());
                    }
                    let g = &mut gated[*pat as usize];
                    if let Err(at) = g.binary_search(&owner.1) {
                        g.insert(at, owner.1);
                    }
                    if !gates[k].contains(&owner) {
                        gates[k].push(owner);
                    }
                } else if !owners[k].contains(&owner) {
                    owners[k].push(owner);
                }
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&texts)
            .expect("anchor automaton builds");
        let gated = Rows::from_lists(gated);
        // Invert `gates`: for each (pattern, gate element), its forms.
        let mut gate_texts: Vec<Vec<u32>> = vec![Vec::new(); gated.items.len()];
        for (k, list) in gates.iter().enumerate() {
            for &(pat, elem) in list {
                let row = gated.row(pat as usize);
                if let Ok(at) = row.binary_search(&elem) {
                    let j = gated.starts[pat as usize] as usize + at;
                    gate_texts[j].push(k as u32);
                }
            }
        }
        let mut reach = vec![0u32; gated.rows()];
        for (pat, list) in anchors {
            if let (Some(r), Some(a)) = (reach.get_mut(*pat as usize), list.first()) {
                *r = u32::try_from(a.reach).unwrap_or(u32::MAX);
            }
        }
        Automaton {
            ac,
            owners: Rows::from_lists(owners),
            gates: Rows::from_lists(gates),
            gate_texts: Rows::from_lists(gate_texts),
            reach: reach.into(),
            gated,
        }
    }

    /// Every (pattern, element, token of the anchor's first word), in text
    /// order; a gated pattern's only when each of its gates occurs in the
    /// same sentence (a match never leaves its sentence, so every gate word
    /// of a match is in the sentence of its anchor).
    pub fn candidates(&self, toks: &Tokens, mut f: impl FnMut(u32, u32, usize)) {
        let norm = toks.norm.as_str();
        if self.gated.is_empty() {
            for m in self.ac.find_overlapping_iter(norm) {
                let owners = self.owners.row(m.pattern().as_usize());
                if owners.is_empty() {
                    continue;
                }
                let Some(t) = toks.token_at_norm(m.start() + 1) else {
                    continue;
                };
                for &(pat, elem) in owners {
                    f(pat, elem, t);
                }
            }
            return;
        }
        // Where each gate text occurs: (automaton pattern, token), sorted.
        // A gated pattern's anchor hit is verified only when each of its
        // gates has a form within the pattern's reach of the anchor, in
        // the anchor's sentence: in a sentence of a million words (a
        // minified one-line file) a gate elsewhere in it admits nothing.
        let mut gate_hits: Vec<(u32, u32)> = Vec::new();
        let mut hits: Vec<(u32, usize)> = Vec::new();
        for m in self.ac.find_overlapping_iter(norm) {
            let k = m.pattern().as_usize();
            let (is_gate, owners) = (!self.gates.row(k).is_empty(), self.owners.row(k));
            if !is_gate && owners.is_empty() {
                continue;
            }
            let Some(t) = toks.token_at_norm(m.start() + 1) else {
                continue;
            };
            if is_gate {
                gate_hits.push((k as u32, t as u32));
            }
            if !owners.is_empty() {
                hits.push((k as u32, t));
            }
        }
        gate_hits.sort_unstable();
        gate_hits.dedup();
        let occurs = |form: u32, t: usize, reach: usize| {
            let (lo, hi) = (t.saturating_sub(reach), t.saturating_add(reach));
            let sentence = toks.tokens[t].sentence;
            let from = gate_hits.partition_point(|&(k, at)| (k, at as usize) < (form, lo));
            gate_hits[from..]
                .iter()
                .take_while(|&&(k, at)| k == form && at as usize <= hi)
                .any(|&(_, at)| toks.tokens[at as usize].sentence == sentence)
        };
        for (k, t) in hits {
            for &(pat, elem) in self.owners.row(k as usize) {
                let p = pat as usize;
                let needs = self.gated.row(p);
                if !needs.is_empty() {
                    let first = self.gated.starts[p] as usize;
                    let reach = self.reach[p] as usize;
                    let admitted = (first..first + needs.len()).all(|j| {
                        self.gate_texts
                            .row(j)
                            .iter()
                            .any(|&form| occurs(form, t, reach))
                    });
                    if !admitted {
                        continue;
                    }
                }
                f(pat, elem, t);
            }
        }
    }

    /// How many patterns have a gate.
    pub fn gated_patterns(&self) -> usize {
        (0..self.gated.rows())
            .filter(|&p| !self.gated.row(p).is_empty())
            .count()
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
    fn element_stats_agree_with_the_forms_they_summarise() {
        let rules = crate::rules::default_rules().unwrap();
        let mut seen = 0;
        for p in rules.iter().flat_map(|r| r.patterns.iter()) {
            for e in &p.elems {
                let want = literal_forms(e).map(|forms| {
                    (
                        forms.iter().map(|(f, _)| selectivity(f)).min().unwrap_or(0),
                        forms.len(),
                        forms.iter().any(|(_, p)| *p),
                    )
                });
                assert_eq!(literal_stats(e), want, "{:?} in {}", e, p.source);
                let gate = gate_forms(e).map(|f| (rarity_of(&f), f.len()));
                assert_eq!(gate_stats(e), gate, "{:?} in {}", e, p.source);
                seen += want.is_some() as usize;
            }
        }
        assert!(seen > 1000, "{seen}");
    }

    #[test]
    fn a_common_word_anchor_is_gated_on_a_rarer_literal() {
        let a = anchors_for(&parse("you did not {v:submit|upload} it").unwrap().elems).unwrap();
        let (gates, anchors): (Vec<&Anchor>, Vec<&Anchor>) = a.iter().partition(|a| a.gate);
        assert_eq!(anchors[0].text, " you did not ");
        let mut texts: Vec<&str> = gates.iter().map(|g| g.text.as_str()).collect();
        texts.sort();
        assert_eq!(texts, vec![" submit ", " upload "]);
        // A rare anchor needs no gate.
        let rare = anchors_for(&parse("you failed to {x}").unwrap().elems).unwrap();
        assert!(rare.iter().all(|a| !a.gate));
        // Only patterns whose gate occurs in the text yield candidates.
        let am = Automaton::build(&[(0, a.clone())]);
        let hits = |text: &str| {
            let toks = crate::engine::tokenize::tokenize(text);
            let mut n = 0;
            am.candidates(&toks, |_, _, _| n += 1);
            n
        };
        assert_eq!(hits("You did not upload it."), 1);
        // The gate must occur in the anchor's sentence.
        assert_eq!(hits("You did not know. Please upload it."), 0);
        assert_eq!(hits("You did not know that."), 0);
        // …and within the pattern's reach of it: no match of these five
        // words can span a gate further away in a long sentence.
        assert_eq!(hits("You did not, honestly, upload it."), 1);
        assert_eq!(hits("You did not, as we all know so well, upload it."), 0);
        let long = format!("You did not {} upload it", "say a word and ".repeat(10_000));
        assert_eq!(hits(&long), 0);
    }

    /// Gating must never drop a candidate that verifies: every candidate the
    /// gates skip, in every example of the default packs, has no match over
    /// its anchor token at any start.
    #[test]
    fn gates_skip_only_candidates_that_cannot_match() {
        let rules = crate::rules::default_rules().unwrap();
        let pats: Vec<&crate::rules::Pattern> =
            rules.iter().flat_map(|r| r.patterns.iter()).collect();
        let anchors: Vec<(u32, Vec<Anchor>)> = pats
            .iter()
            .enumerate()
            .map(|(i, p)| (i as u32, anchors_for(&p.elems).unwrap()))
            .collect();
        let gated = Automaton::build(&anchors);
        let plain: Vec<(u32, Vec<Anchor>)> = anchors
            .iter()
            .map(|(i, a)| (*i, a.iter().filter(|a| !a.gate).cloned().collect()))
            .collect();
        let plain = Automaton::build(&plain);
        assert!(gated.gated_patterns() > 50, "{}", gated.gated_patterns());
        let texts: Vec<&str> = rules
            .iter()
            .flat_map(|r| {
                r.bad
                    .iter()
                    .map(|b| b.text.as_str())
                    .chain(r.good.iter().map(String::as_str))
            })
            .collect();
        let (mut skipped, mut kept) = (0, 0);
        for text in texts {
            let toks = crate::engine::tokenize::tokenize(text);
            let mut with = std::collections::HashSet::new();
            gated.candidates(&toks, |p, e, t| {
                with.insert((p, e, t));
            });
            plain.candidates(&toks, |p, e, t| {
                if with.contains(&(p, e, t)) {
                    kept += 1;
                    return;
                }
                skipped += 1;
                for s in 0..toks.tokens.len() {
                    if let Some(m) = crate::engine::matcher::match_at(&toks, pats[p as usize], s) {
                        assert!(
                            !(m.tokens.start <= t && t < m.tokens.end),
                            "gate dropped a match of {:?} in {text:?}",
                            pats[p as usize].source
                        );
                    }
                }
            });
        }
        assert!(
            skipped > 100 && kept > 100,
            "{skipped} skipped, {kept} kept"
        );
    }

    #[test]
    fn patterns_without_literals_are_rejected() {
        assert!(anchors_for(&parse("{x} {..2} *").unwrap().elems).is_err());
        assert!(anchors_for(&parse("just?").unwrap().elems).is_err());
    }
}
