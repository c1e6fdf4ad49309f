//! The token pattern language of rule packs (docs/rule-format.md): parses
//! pattern strings into elements the engine compiles and verifies.
//!
//! Word lists and groups are shared (`Arc`), and inside a [`sharing`] scope
//! (a pack load) every pattern item is parsed once: an expanded word class
//! (`@apology`, `~forget`) that a hundred patterns use is one list in memory,
//! not a hundred copies.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

/// One word test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WordTest {
    Exact(Arc<str>),
    Prefix(Arc<str>),
    /// `*ed`: a word of at least two more letters ending so ("refunded").
    Suffix(Arc<str>),
}

impl WordTest {
    pub fn matches(&self, word: &str) -> bool {
        match self {
            WordTest::Exact(w) => **w == *word,
            WordTest::Prefix(p) => word.starts_with(&**p),
            WordTest::Suffix(x) => word.len() >= x.len() + 2 && word.ends_with(&**x),
        }
    }
}

/// What a capture element takes: its name, and the words it must be when
/// constrained (`{w:just|simply}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaptureSpec {
    pub name: Arc<str>,
    pub only: Option<Arc<[WordTest]>>,
}

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem {
    /// One word out of the alternatives.
    Word(Arc<[WordTest]>),
    /// Any one word or placeholder.
    Any,
    /// Exactly one placeholder.
    Placeholder,
    /// A captured word or placeholder, optionally constrained (behind one
    /// pointer, so an element is 24 bytes, not 40: packs hold hundreds of
    /// thousands of them).
    Capture(Arc<CaptureSpec>),
    /// 0..=n words, placeholders or commas.
    Gap(usize),
    /// A punctuation mark.
    Punct(char),
    /// One of several sequences.
    Group(Arc<[Vec<Elem>]>),
    /// The element may be absent.
    Optional(Box<Elem>),
    /// Start of a sentence.
    SentenceStart,
    /// End of a sentence.
    SentenceEnd,
}

impl Elem {
    /// Fewest and most tokens the element consumes.
    pub fn width(&self) -> (usize, usize) {
        match self {
            Elem::Word(_) | Elem::Any | Elem::Placeholder | Elem::Capture(_) => (1, 1),
            Elem::Gap(n) => (0, *n),
            Elem::Punct(',') => (0, 0),
            Elem::Punct(_) => (1, 1),
            Elem::Group(alts) => {
                let ws: Vec<(usize, usize)> = alts.iter().map(|a| seq_width(a)).collect();
                (
                    ws.iter().map(|w| w.0).min().unwrap_or(0),
                    ws.iter().map(|w| w.1).max().unwrap_or(0),
                )
            }
            Elem::Optional(e) => (0, e.width().1),
            Elem::SentenceStart | Elem::SentenceEnd => (0, 0),
        }
    }
}

pub fn seq_width(elems: &[Elem]) -> (usize, usize) {
    elems.iter().fold((0, 0), |acc, e| {
        let w = e.width();
        (acc.0 + w.0, acc.1 + w.1)
    })
}

/// A parsed pattern.
#[derive(Clone)]
pub struct Pattern {
    pub source: String,
    pub elems: Vec<Elem>,
    /// The verification program, compiled from `elems` on first use
    /// (so `elems` must not change once the pattern has matched).
    program: std::sync::OnceLock<Arc<crate::engine::matcher::Program>>,
    /// The automaton anchors, chosen on first use (pack validation); the
    /// engine takes them when it builds its automaton.
    anchors: std::sync::OnceLock<Result<Vec<crate::engine::automaton::Anchor>, String>>,
}

/// Source and elements only: whether the verification program has been built
/// yet is no property of the pattern (the check cache hashes this output).
impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pattern")
            .field("source", &self.source)
            .field("elems", &self.elems)
            .finish()
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source && self.elems == other.elems
    }
}

impl Eq for Pattern {}

impl Pattern {
    /// A pattern from already parsed elements.
    pub fn new(source: String, elems: Vec<Elem>) -> Pattern {
        Pattern {
            source,
            elems,
            program: Default::default(),
            anchors: Default::default(),
        }
    }

    /// The pattern's automaton anchors, or why it has none (chosen once).
    pub fn anchors(&self) -> Result<&[crate::engine::automaton::Anchor], &str> {
        match self
            .anchors
            .get_or_init(|| crate::engine::automaton::anchors_for(&self.elems))
        {
            Ok(a) => Ok(a),
            Err(m) => Err(m),
        }
    }

    /// Takes the anchors out (chosen now if they were not yet): the engine
    /// keeps them in its automaton, not in the pattern.
    pub fn take_anchors(&mut self) -> Result<Vec<crate::engine::automaton::Anchor>, String> {
        match self.anchors.take() {
            Some(a) => a,
            None => crate::engine::automaton::anchors_for(&self.elems),
        }
    }

    /// The compiled verification program (built once).
    pub fn program(&self) -> &crate::engine::matcher::Program {
        self.program
            .get_or_init(|| crate::engine::matcher::Program::compile(&self.elems).into())
    }
}

/// Deepest nesting of `( … )` groups a pattern may use.
pub const MAX_NESTING: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub pattern: String,
    pub message: String,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "pattern {:?}: {}", truncate(&self.pattern), self.message)
    }
}

/// Normalises one pattern word the way the tokenizer normalises text words.
fn norm_word(w: &str) -> String {
    w.chars()
        .map(|c| {
            if matches!(c, '\u{2019}' | '\u{2018}' | '\u{02BC}') {
                '\''
            } else {
                c
            }
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn word_tests(spec: &str, pattern: &str) -> Result<Arc<[WordTest]>, PatternError> {
    let mut out = Vec::new();
    for alt in spec.split('|') {
        if alt.is_empty() {
            return Err(PatternError {
                pattern: pattern.into(),
                message: format!("empty alternative in {spec:?}"),
            });
        }
        if let Some(p) = alt.strip_suffix('*') {
            if p.is_empty() {
                return Err(PatternError {
                    pattern: pattern.into(),
                    message: "a lone `*` cannot be an alternative".into(),
                });
            }
            out.push(WordTest::Prefix(shared_word(norm_word(p))));
        } else if let Some(x) = alt.strip_prefix('*').filter(|x| !x.is_empty()) {
            if !x.chars().all(|c| c.is_alphanumeric() || c == '\'') {
                return Err(PatternError {
                    pattern: pattern.into(),
                    message: format!("{alt:?}: a `*` suffix test takes letters after the `*`"),
                });
            }
            out.push(WordTest::Suffix(shared_word(norm_word(x))));
        } else {
            if !alt
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}' | '-' | '.' | '&'))
            {
                return Err(PatternError {
                    pattern: pattern.into(),
                    message: format!(
                        "{alt:?} is not a word (letters, digits and apostrophes only)"
                    ),
                });
            }
            out.push(WordTest::Exact(shared_word(norm_word(alt))));
        }
    }
    Ok(out.into())
}

/// Rejects patterns nested deeper than [`MAX_NESTING`] before any recursive
/// step runs (parsing, compiling and matching recurse once per level).
fn check_nesting(pattern: &str) -> Result<(), PatternError> {
    let mut depth = 0usize;
    for (i, c) in pattern.char_indices() {
        match c {
            '(' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(PatternError {
                        pattern: pattern.into(),
                        message: format!(
                            "groups nest deeper than {MAX_NESTING} levels (at character {}); flatten the pattern",
                            pattern[..i].chars().count() + 1
                        ),
                    });
                }
            }
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// At most 60 characters of a pattern item, for messages.
fn truncate(item: &str) -> String {
    if item.chars().count() <= 60 {
        item.to_string()
    } else {
        item.chars().take(57).collect::<String>() + "..."
    }
}

/// Splits a pattern into top-level items, keeping `( … )` groups whole.
fn split_items(s: &str, pattern: &str) -> Result<Vec<String>, PatternError> {
    let mut items = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let mut brace = false;
    for c in s.chars() {
        match c {
            '(' if !brace => {
                depth += 1;
                cur.push(c);
            }
            ')' if !brace => {
                depth -= 1;
                if depth < 0 {
                    return Err(PatternError {
                        pattern: pattern.into(),
                        message: "unbalanced `)`".into(),
                    });
                }
                cur.push(c);
            }
            '{' => {
                brace = true;
                cur.push(c);
            }
            '}' => {
                brace = false;
                cur.push(c);
            }
            c if c.is_whitespace() && depth == 0 && !brace => {
                if !cur.is_empty() {
                    items.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if depth != 0 {
        return Err(PatternError {
            pattern: pattern.into(),
            message: "unbalanced `(`".into(),
        });
    }
    if brace {
        return Err(PatternError {
            pattern: pattern.into(),
            message: "unclosed `{`".into(),
        });
    }
    if !cur.is_empty() {
        items.push(cur);
    }
    Ok(items)
}

/// Splits the inside of a group on top-level `|`.
fn split_alternatives(s: &str) -> Vec<String> {
    let mut alts = Vec::new();
    let mut cur = String::new();
    let mut depth = 0;
    for c in s.chars() {
        match c {
            '(' => {
                depth += 1;
                cur.push(c)
            }
            ')' => {
                depth -= 1;
                cur.push(c)
            }
            '|' if depth == 0 => alts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    alts.push(cur);
    alts
}

/// Expands contractions in a pattern word the same way the tokenizer does, so
/// a pattern may be written "didn't" as well as "did not", and splits a
/// possessive as the tokenizer does ("customer's" is "customer", "'s"), so a
/// pattern written `customer's` matches the text "customer's".
fn expand_item(item: &str) -> Vec<String> {
    if let Some(split) = split_hyphenated(item) {
        return split;
    }
    let w = norm_word(item);
    if item.contains('|') || item.starts_with(['{', '(']) || !w.contains('\'') {
        return vec![item.to_string()];
    }
    crate::engine::tokenize::expand_contraction(&w)
        .map(|(a, b)| vec![a.to_string(), b.to_string()])
        .or_else(|| {
            w.strip_suffix("'s")
                .filter(|base| !base.is_empty() && base.chars().all(char::is_alphanumeric))
                .map(|base| vec![base.to_string(), "'s".to_string()])
        })
        .unwrap_or_else(|| vec![item.to_string()])
}

/// The tokenizer ends a word at a hyphen ("auto-close" is "auto", "close"),
/// so a hyphenated pattern word becomes the same words in sequence; in a bare
/// alternation or before `?` the words are grouped: `a|no-brainer` is
/// `(a|no brainer)`, `follow-up?` is `(follow up)?`.
fn split_hyphenated(item: &str) -> Option<Vec<String>> {
    let is_part = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}' | '.' | '&'))
    };
    let hyphenated = |w: &str| w.contains('-') && w.split('-').all(is_part);
    if item.starts_with(['(', '{', '@', '~']) {
        return None;
    }
    let (body, optional) = match item.strip_suffix('?') {
        Some(b) => (b, true),
        None => (item, false),
    };
    let alts: Vec<&str> = body.split('|').collect();
    if !alts.iter().any(|a| hyphenated(a)) {
        return None;
    }
    let spaced: Vec<String> = alts
        .iter()
        .map(|a| {
            if hyphenated(a) {
                a.replace('-', " ")
            } else {
                a.to_string()
            }
        })
        .collect();
    if alts.len() == 1 && !optional {
        return Some(spaced[0].split(' ').map(str::to_string).collect());
    }
    Some(vec![format!(
        "({}){}",
        spaced.join("|"),
        if optional { "?" } else { "" }
    )])
}

fn parse_seq(s: &str, pattern: &str) -> Result<Vec<Elem>, PatternError> {
    let mut elems = Vec::new();
    for raw in split_items(s, pattern)? {
        for item in expand_item(&raw) {
            elems.push(parse_item(&item, pattern)?);
        }
    }
    // Parsed patterns live as long as the engine: no growth slack.
    elems.shrink_to_fit();
    Ok(elems)
}

/// What a [`sharing`] scope shares: parsed items, and the words of every
/// word test (a pack names "you" or "sorry" thousands of times).
#[derive(Default)]
struct Shared {
    items: HashMap<String, Elem>,
    words: std::collections::HashSet<Arc<str>>,
}

thread_local! {
    /// What the current [`sharing`] scope shares (None outside one).
    static SHARED: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// `w` as a shared string: the scope's copy when it has one.
fn shared_word(w: String) -> Arc<str> {
    SHARED.with(|s| match s.borrow_mut().as_mut() {
        Some(shared) => match shared.words.get(w.as_str()) {
            Some(known) => known.clone(),
            None => {
                let new: Arc<str> = w.into();
                shared.words.insert(new.clone());
                new
            }
        },
        None => w.into(),
    })
}

/// Runs `f` with pattern items shared: inside, an item (a word list, a
/// group, a capture…) already parsed is not parsed again but shares the
/// first parse's lists. Scopes nest (the outermost one owns the cache); the
/// cache is gone when the scope ends, the sharing stays.
pub fn sharing<T>(f: impl FnOnce() -> T) -> T {
    struct Scope(bool);
    impl Drop for Scope {
        fn drop(&mut self) {
            if self.0 {
                SHARED.with(|s| *s.borrow_mut() = None);
            }
        }
    }
    let outermost = SHARED.with(|s| {
        let mut s = s.borrow_mut();
        let fresh = s.is_none();
        if fresh {
            *s = Some(Shared::default());
        }
        fresh
    });
    let _scope = Scope(outermost);
    f()
}

/// An item's elements do not depend on the pattern around it (that is
/// named only in errors), so a successful parse is reused in a scope.
fn parse_item(item: &str, pattern: &str) -> Result<Elem, PatternError> {
    if let Some(e) = SHARED.with(|s| s.borrow().as_ref().and_then(|m| m.items.get(item).cloned())) {
        return Ok(e);
    }
    let e = parse_item_once(item, pattern)?;
    SHARED.with(|s| {
        if let Some(m) = s.borrow_mut().as_mut() {
            m.items.insert(item.to_string(), e.clone());
        }
    });
    Ok(e)
}

fn parse_item_once(item: &str, pattern: &str) -> Result<Elem, PatternError> {
    let err = |m: String| PatternError {
        pattern: pattern.into(),
        message: m,
    };
    if let Some(inner) = item.strip_suffix('?').filter(|_| item.len() > 1) {
        if inner.ends_with('?') {
            return Err(err(format!(
                "{:?}: one `?` makes an element optional; remove the repeated `?`",
                truncate(item)
            )));
        }
        let e = parse_item(inner, pattern)?;
        return Ok(Elem::Optional(Box::new(e)));
    }
    if item.starts_with('(') {
        let inner = item
            .strip_prefix('(')
            .and_then(|r| r.strip_suffix(')'))
            .ok_or_else(|| err(format!("{item:?}: a group must end with `)`")))?;
        let mut alts = Vec::new();
        for alt in split_alternatives(inner) {
            let seq = parse_seq(&alt, pattern)?;
            if seq.is_empty() {
                return Err(err(format!("{item:?} has an empty alternative")));
            }
            alts.push(seq);
        }
        return Ok(group_of(alts));
    }
    if item.starts_with('{') {
        let inner = item
            .strip_prefix('{')
            .and_then(|r| r.strip_suffix('}'))
            .ok_or_else(|| err(format!("{item:?}: expected `{{name}}`")))?;
        if let Some(n) = inner.strip_prefix("..") {
            let n: usize = n
                .parse()
                .map_err(|_| err(format!("{item:?}: a gap is written {{..N}}")))?;
            if n == 0 || n > 8 {
                return Err(err(format!("{item:?}: a gap must be 1 to 8 words")));
            }
            return Ok(Elem::Gap(n));
        }
        if inner == "ph" {
            return Ok(Elem::Placeholder);
        }
        let (name, only) = match inner.split_once(':') {
            Some((n, alts)) => (n, Some(word_tests(alts, pattern)?)),
            None => (inner, None),
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(err(format!(
                "{item:?}: a capture name is letters, digits and `_`"
            )));
        }
        return Ok(Elem::Capture(Arc::new(CaptureSpec {
            name: name.into(),
            only,
        })));
    }
    match item {
        "*" => return Ok(Elem::Any),
        "^" => return Ok(Elem::SentenceStart),
        "$" => return Ok(Elem::SentenceEnd),
        "!" | "?" | "." | "," | ":" | ";" => {
            return Ok(Elem::Punct(item.chars().next().unwrap_or('.')))
        }
        _ => {}
    }
    Ok(Elem::Word(word_tests(item, pattern)?))
}

/// A group of `alts`, with each run of one-word alternatives folded into
/// one word element (`(sorry|apologies|my bad)` → `(sorry|apologies)`,
/// `my bad`): a word element tests its alternatives at once, and lexicon
/// classes of hundreds of words keep one list instead of one sequence per
/// word. Only neighbours fold, so alternatives are tried in written order
/// as before; a group left with one word element is that element.
fn group_of(alts: Vec<Vec<Elem>>) -> Elem {
    let mut folded: Vec<Vec<Elem>> = Vec::with_capacity(alts.len());
    let mut run: Vec<WordTest> = Vec::new();
    let flush = |run: &mut Vec<WordTest>, folded: &mut Vec<Vec<Elem>>| {
        if !run.is_empty() {
            folded.push(vec![Elem::Word(std::mem::take(run).into())]);
        }
    };
    for alt in alts {
        match alt.as_slice() {
            [Elem::Word(tests)] => {
                for t in tests.iter() {
                    if !run.contains(t) {
                        run.push(t.clone());
                    }
                }
            }
            _ => {
                flush(&mut run, &mut folded);
                folded.push(alt);
            }
        }
    }
    flush(&mut run, &mut folded);
    if let [only] = folded.as_slice() {
        if let [Elem::Word(tests)] = only.as_slice() {
            return Elem::Word(tests.clone());
        }
    }
    folded.shrink_to_fit();
    Elem::Group(folded.into())
}

/// Parses one pattern string.
pub fn parse(pattern: &str) -> Result<Pattern, PatternError> {
    check_nesting(pattern)?;
    let elems = parse_seq(pattern, pattern)?;
    if elems.is_empty() {
        return Err(PatternError {
            pattern: pattern.into(),
            message: "empty pattern".into(),
        });
    }
    for (i, e) in elems.iter().enumerate() {
        if *e == Elem::SentenceStart && i != 0 {
            return Err(PatternError {
                pattern: pattern.into(),
                message: "`^` must come first".into(),
            });
        }
        if *e == Elem::SentenceEnd && i != elems.len() - 1 {
            return Err(PatternError {
                pattern: pattern.into(),
                message: "`$` must come last".into(),
            });
        }
    }
    Ok(Pattern::new(pattern.to_string(), elems))
}

/// Capture names used by a pattern.
pub fn capture_names(elems: &[Elem], out: &mut Vec<String>) {
    for e in elems {
        match e {
            Elem::Capture(c) => out.push(c.name.to_string()),
            Elem::Group(alts) => alts.iter().for_each(|a| capture_names(a, out)),
            Elem::Optional(e) => capture_names(std::slice::from_ref(e.as_ref()), out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_element() {
        let p = parse("^ you (failed to|forgot to) {verb} {..2} apologi* now? {x:a|b} * {ph} !")
            .unwrap();
        assert_eq!(p.elems.len(), 11);
        assert_eq!(p.elems[0], Elem::SentenceStart);
        assert!(matches!(&p.elems[2], Elem::Group(a) if a.len() == 2 && a[0].len() == 2));
        assert_eq!(p.elems[4], Elem::Gap(2));
        assert_eq!(
            p.elems[5],
            Elem::Word(vec![WordTest::Prefix("apologi".into())].into())
        );
        assert!(matches!(&p.elems[6], Elem::Optional(_)));
        assert_eq!(p.elems[10], Elem::Punct('!'));
    }

    #[test]
    fn contractions_in_patterns_expand() {
        let p = parse("you didn’t").unwrap();
        assert_eq!(
            p.elems,
            vec![
                Elem::Word(vec![WordTest::Exact("you".into())].into()),
                Elem::Word(vec![WordTest::Exact("did".into())].into()),
                Elem::Word(vec![WordTest::Exact("not".into())].into())
            ]
        );
    }

    #[test]
    fn possessives_in_patterns_split_as_the_tokenizer_splits_them() {
        let p = parse("the customer’s fault").unwrap();
        let words = |e: &Elem| match e {
            Elem::Word(tests) => format!("{:?}", tests[0]),
            other => format!("{other:?}"),
        };
        let got: Vec<String> = p.elems.iter().map(words).collect();
        assert_eq!(
            got,
            [
                "Exact(\"the\")",
                "Exact(\"customer\")",
                "Exact(\"'s\")",
                "Exact(\"fault\")"
            ]
        );
        // A contraction ending in 's is still expanded, not split.
        assert_eq!(parse("it's").unwrap().elems.len(), 2);
        assert!(
            matches!(&parse("let's").unwrap().elems[1], Elem::Word(t) if format!("{:?}", t[0]) == "Exact(\"us\")")
        );
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(parse("(a b").unwrap_err().message.contains("unbalanced"));
        assert!(parse("a {..0}").unwrap_err().message.contains("gap"));
        assert!(parse("a ^").unwrap_err().message.contains("first"));
        assert!(parse("a|").unwrap_err().message.contains("empty"));
    }

    #[test]
    fn hyphenated_pattern_words_match_as_the_tokenizer_splits_them() {
        let w = |x: &str| Elem::Word(vec![WordTest::Exact(x.into())].into());
        assert_eq!(
            parse("a no-brainer").unwrap().elems,
            vec![w("a"), w("no"), w("brainer")]
        );
        assert_eq!(
            parse("easy|no-brainer").unwrap().elems,
            vec![Elem::Group(
                vec![vec![w("easy")], vec![w("no"), w("brainer")]].into()
            )]
        );
        assert_eq!(
            parse("follow-up?").unwrap().elems,
            vec![Elem::Optional(Box::new(Elem::Group(
                vec![vec![w("follow"), w("up")]].into()
            )))]
        );
        assert_eq!(
            parse("(auto-close|close)").unwrap().elems,
            vec![Elem::Group(
                vec![vec![w("auto"), w("close")], vec![w("close")]].into()
            )]
        );
        assert!(WordTest::Suffix("ed".into()).matches("refunded"));
        assert!(
            !WordTest::Suffix("ed".into()).matches("red"),
            "a stem of two letters at least"
        );
        assert_eq!(
            parse("i *ed|sent").unwrap().elems[1],
            Elem::Word(
                vec![
                    WordTest::Suffix("ed".into()),
                    WordTest::Exact("sent".into())
                ]
                .into()
            )
        );
        // A lone dash stays punctuation-free input for the matcher's own rules.
        assert!(parse("thanks - the team").is_ok());
    }

    #[test]
    fn neighbouring_one_word_alternatives_fold_into_one_word_element() {
        let w = |xs: &[&str]| {
            Elem::Word(
                xs.iter()
                    .map(|x| WordTest::Exact((*x).into()))
                    .collect::<Vec<_>>()
                    .into(),
            )
        };
        // All one-word: the group is one word element.
        assert_eq!(
            parse("(sorry|apologies|sorry)").unwrap().elems,
            vec![w(&["sorry", "apologies"])]
        );
        // Only neighbours fold, so the written order of trying holds.
        assert_eq!(
            parse("(sorry|apologies|my bad|oops)").unwrap().elems,
            vec![Elem::Group(
                vec![
                    vec![w(&["sorry", "apologies"])],
                    vec![w(&["my"]), w(&["bad"])],
                    vec![w(&["oops"])],
                ]
                .into()
            )]
        );
    }

    #[test]
    fn a_sharing_scope_parses_each_item_once() {
        let (a, b) = sharing(|| {
            (
                parse("we (soon|shortly|in due course) reply").unwrap(),
                parse("back (soon|shortly|in due course)").unwrap(),
            )
        });
        let group = |p: &Pattern, i: usize| match &p.elems[i] {
            Elem::Group(g) => g.clone(),
            e => panic!("{e:?}"),
        };
        assert!(Arc::ptr_eq(&group(&a, 1), &group(&b, 1)));
        // Outside a scope: the same elements, parsed separately.
        let c = parse("back (soon|shortly|in due course)").unwrap();
        assert_eq!(c, b);
        assert!(!Arc::ptr_eq(&group(&b, 1), &group(&c, 1)));
        // A failed parse is not kept, and names its own pattern.
        let e = sharing(|| {
            parse("a (b|c)").unwrap();
            parse("x (b|c) {..0}").unwrap_err()
        });
        assert_eq!(e.pattern, "x (b|c) {..0}");
        assert!(e.message.contains("gap"), "{e}");
    }

    #[test]
    fn anchors_are_chosen_once_and_taken_by_the_engine() {
        let mut p = parse("{x} you (failed|forgot) to").unwrap();
        let want = crate::engine::automaton::anchors_for(&p.elems).unwrap();
        assert_eq!(p.anchors().unwrap(), want.as_slice());
        assert_eq!(p.take_anchors().unwrap(), want);
        assert_eq!(p.take_anchors().unwrap(), want, "chosen again when taken");
        assert!(parse("{x} *").unwrap().anchors().is_err());
    }

    #[test]
    fn debug_output_does_not_change_once_the_pattern_has_matched() {
        let p = parse("you failed to").unwrap();
        let before = format!("{p:?}");
        let _ = p.program();
        assert_eq!(format!("{p:?}"), before);
    }
}
