//! Verifies a pattern against the token stream at a candidate position.
//!
//! A pattern is compiled once into a small program (tests, forward splits
//! and jumps; no loops, since the pattern language has no repetition) and
//! run by a backtracker that tries alternatives in the pattern's priority
//! order (optional elements present first, gaps fewest words first, group
//! alternatives left to right) and remembers every (instruction, token)
//! state it has already explored. A state that failed once fails again, so
//! a verification costs at most program length × window states, whatever
//! the pattern nests: polynomial, never exponential, and never recursive.
//! The window is the pattern's widest reach from the start token; a match
//! never crosses a sentence end.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use super::tokenize::{TokenKind, Tokens};
use crate::rules::pattern::{seq_width, Elem, Pattern, WordTest};

/// Captured tokens: (name, token index).
pub type Captures = Vec<(Arc<str>, usize)>;

/// A verified match: token range and captures (name, token index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub tokens: Range<usize>,
    pub captures: Vec<(Arc<str>, usize)>,
}

fn word_ok(tests: &[WordTest], w: &str) -> bool {
    tests.iter().any(|t| t.matches(w))
}

/// One instruction of a compiled pattern (12 bytes: word lists and
/// captures live in the program's side tables).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Inst {
    /// A word passing one of the tests of `Program::lists[i]`.
    Word(u32),
    /// Any one word or placeholder (`*`, one step of a gap).
    Item,
    /// Exactly one placeholder.
    Placeholder,
    /// A captured word or placeholder, optionally constrained
    /// (`Program::captures[i]`).
    Capture(u32),
    /// A comma stands before the current token (consumes nothing).
    Comma,
    /// A sentence mark or colon.
    Punct(char),
    SentenceStart,
    SentenceEnd,
    /// Try the first target, then (on failure) the second.
    Split(u32, u32),
    Jump(u32),
    Match,
}

/// A pattern compiled for verification (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    insts: Vec<Inst>,
    /// Word lists of `Inst::Word` (shared with the pattern's elements).
    lists: Vec<Arc<[WordTest]>>,
    /// Name and constraint of each `Inst::Capture`.
    captures: Vec<Capture>,
    /// Most tokens a match can consume.
    max_width: usize,
}

impl Program {
    /// Compiles pattern elements.
    pub fn compile(elems: &[Elem]) -> Program {
        let mut prog = Program {
            insts: Vec::new(),
            lists: Vec::new(),
            captures: Vec::new(),
            max_width: seq_width(elems).1,
        };
        compile_seq(elems, &mut prog);
        prog.insts.push(Inst::Match);
        prog.insts.shrink_to_fit();
        prog.lists.shrink_to_fit();
        prog.captures.shrink_to_fit();
        prog
    }
}

type Capture = (Arc<str>, Option<Arc<[WordTest]>>);

fn here(insts: &[Inst]) -> u32 {
    insts.len() as u32
}

/// Patches the `Split`/`Jump` at `at` so its last target is `to`.
fn patch(insts: &mut [Inst], at: usize, to: u32) {
    match &mut insts[at] {
        Inst::Split(_, b) => *b = to,
        Inst::Jump(t) => *t = to,
        _ => {}
    }
}

fn compile_seq(elems: &[Elem], prog: &mut Program) {
    for e in elems {
        compile_elem(e, prog);
    }
}

// Recursion depth is the pattern's nesting depth, which the parser bounds.
fn compile_elem(e: &Elem, prog: &mut Program) {
    let insts = &mut prog.insts;
    match e {
        Elem::Word(tests) => {
            // A list used twice in one pattern (a shared class) is kept once.
            let k = match prog.lists.iter().position(|l| Arc::ptr_eq(l, tests)) {
                Some(k) => k,
                None => {
                    prog.lists.push(tests.clone());
                    prog.lists.len() - 1
                }
            };
            insts.push(Inst::Word(k as u32))
        }
        Elem::Any => insts.push(Inst::Item),
        Elem::Placeholder => insts.push(Inst::Placeholder),
        Elem::Capture(c) => {
            prog.captures.push((c.name.clone(), c.only.clone()));
            insts.push(Inst::Capture(prog.captures.len() as u32 - 1))
        }
        Elem::Punct(',') => insts.push(Inst::Comma),
        Elem::Punct(c) => insts.push(Inst::Punct(*c)),
        Elem::SentenceStart => insts.push(Inst::SentenceStart),
        Elem::SentenceEnd => insts.push(Inst::SentenceEnd),
        Elem::Gap(n) => {
            // Lazy: stop here first, else take one more item (at most n).
            let mut splits = Vec::with_capacity(*n);
            for _ in 0..*n {
                splits.push(insts.len());
                let next = here(insts) + 1;
                insts.push(Inst::Split(u32::MAX, next));
                insts.push(Inst::Item);
            }
            let end = here(insts);
            for s in splits {
                insts[s] = Inst::Split(end, s as u32 + 1);
            }
        }
        Elem::Optional(inner) => {
            // Greedy: the element first, else skip it.
            let split = insts.len();
            insts.push(Inst::Split(here(insts) + 1, u32::MAX));
            compile_elem(inner, prog);
            let insts = &mut prog.insts;
            let end = here(insts);
            patch(insts, split, end);
        }
        Elem::Group(alts) => {
            let mut jumps = Vec::with_capacity(alts.len());
            for (k, alt) in alts.iter().enumerate() {
                let last = k + 1 == alts.len();
                let split = prog.insts.len();
                if !last {
                    let insts = &mut prog.insts;
                    insts.push(Inst::Split(here(insts) + 1, u32::MAX));
                }
                compile_seq(alt, prog);
                let insts = &mut prog.insts;
                if !last {
                    jumps.push(insts.len());
                    insts.push(Inst::Jump(u32::MAX));
                    let next = here(insts);
                    patch(insts, split, next);
                }
            }
            let insts = &mut prog.insts;
            let end = here(insts);
            for j in jumps {
                patch(insts, j, end);
            }
        }
    }
}

/// The (instruction, token) states already explored in one verification:
/// a bit set when small, a hash set when the pattern is huge. The bit set
/// is reused between verifications on a thread (no allocation per call) and
/// cleared word by word through the list of words it touched, so a
/// verification costs the states it explores, not the program's size.
#[derive(Default)]
struct Visited {
    bits: Vec<u64>,
    touched: Vec<u32>,
    width: usize,
    sparse: Option<HashSet<(u32, u32)>>,
}

impl Visited {
    fn reset(&mut self, insts: usize, window: usize) {
        for &w in &self.touched {
            self.bits[w as usize] = 0;
        }
        self.touched.clear();
        let n = insts.saturating_mul(window);
        if n <= 1 << 16 {
            let words = n.div_ceil(64);
            if self.bits.len() < words {
                self.bits.resize(words, 0);
            }
            self.width = window;
            self.sparse = None;
        } else {
            self.sparse = Some(HashSet::new());
        }
    }

    /// Marks a state; false when it was already marked.
    #[inline]
    fn insert(&mut self, pc: u32, offset: usize) -> bool {
        if let Some(set) = &mut self.sparse {
            return set.insert((pc, offset as u32));
        }
        if offset >= self.width {
            return true;
        }
        let i = pc as usize * self.width + offset;
        let (w, b) = (i / 64, 1u64 << (i % 64));
        let word = &mut self.bits[w];
        if *word & b != 0 {
            return false;
        }
        if *word == 0 {
            self.touched.push(w as u32);
        }
        *word |= b;
        true
    }
}

/// Per-thread buffers of [`run`]: the visited states, the backtracking
/// stack and the captures so far.
#[derive(Default)]
struct Scratch {
    visited: Visited,
    stack: Vec<(u32, usize, usize)>,
    caps: Vec<(Arc<str>, usize)>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Runs `prog` from token `start`; returns the end token of the first
/// match in priority order, with its captures.
fn run(
    prog: &Program,
    toks: &Tokens,
    start: usize,
    floor: usize,
    limit: usize,
) -> Option<(usize, Captures)> {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => run_with(&mut scratch, prog, toks, start, floor, limit),
        // Not reentrant in practice; a nested call gets its own buffers.
        Err(_) => run_with(&mut Scratch::default(), prog, toks, start, floor, limit),
    })
}

fn run_with(
    scratch: &mut Scratch,
    prog: &Program,
    toks: &Tokens,
    start: usize,
    floor: usize,
    limit: usize,
) -> Option<(usize, Captures)> {
    let all = &toks.tokens;
    let is_item =
        |i: usize| i < limit && matches!(all[i].kind, TokenKind::Word | TokenKind::Placeholder);
    let Scratch {
        visited,
        stack,
        caps,
    } = scratch;
    visited.reset(prog.insts.len(), prog.max_width + 1);
    caps.clear();
    stack.clear();
    // Alternatives still to try: (instruction, token, captures kept).
    stack.push((0, start, 0));
    while let Some((mut pc, mut ti, keep)) = stack.pop() {
        caps.truncate(keep);
        loop {
            if !visited.insert(pc, ti - start) {
                break;
            }
            let ok = match &prog.insts[pc as usize] {
                Inst::Match => return Some((ti, caps.clone())),
                Inst::Word(k) => {
                    ti < limit
                        && all[ti].kind == TokenKind::Word
                        && word_ok(&prog.lists[*k as usize], toks.norm_of(ti))
                }
                Inst::Item => is_item(ti),
                Inst::Placeholder => ti < limit && all[ti].kind == TokenKind::Placeholder,
                Inst::Capture(k) => {
                    let (name, only) = &prog.captures[*k as usize];
                    let ok = is_item(ti)
                        && only.as_ref().is_none_or(|tests| {
                            all[ti].kind == TokenKind::Word && word_ok(tests, toks.norm_of(ti))
                        });
                    if ok {
                        caps.push((name.clone(), ti));
                    }
                    ok
                }
                Inst::Comma => {
                    if ti < all.len() && all[ti].comma_before {
                        pc += 1;
                        continue;
                    }
                    false
                }
                // A sentence mark is the last token of its sentence, so
                // matching one never lets a word past the limit.
                Inst::Punct(c) => {
                    ti < all.len()
                        && match all[ti].kind {
                            TokenKind::End(e) => e == *c || (*c == '.' && e == '\n'),
                            TokenKind::Colon => *c == ':',
                            _ => false,
                        }
                }
                Inst::SentenceStart => {
                    if ti == floor {
                        pc += 1;
                        continue;
                    }
                    false
                }
                Inst::SentenceEnd => {
                    if ti >= all.len()
                        || !matches!(all[ti].kind, TokenKind::Word | TokenKind::Placeholder)
                        || ti >= limit
                    {
                        pc += 1;
                        continue;
                    }
                    false
                }
                Inst::Split(a, b) => {
                    stack.push((*b, ti, caps.len()));
                    pc = *a;
                    continue;
                }
                Inst::Jump(t) => {
                    pc = *t;
                    continue;
                }
            };
            if !ok {
                break;
            }
            pc += 1;
            ti += 1;
        }
    }
    None
}

/// Matches a pattern starting exactly at token `start`, within its sentence.
pub fn match_at(toks: &Tokens, pattern: &Pattern, start: usize) -> Option<Match> {
    if start > toks.tokens.len() {
        return None;
    }
    let (floor, limit) = match toks.tokens.get(start) {
        Some(t) => {
            let s = &toks.sentences[t.sentence as usize];
            // The sentence's own end mark is not a word; words stop before it.
            let mut lim = s.end;
            if lim > s.start && matches!(toks.tokens[lim - 1].kind, TokenKind::End(_)) {
                lim -= 1;
            }
            (s.start, lim)
        }
        None => (start, start),
    };
    let (end, captures) = run(pattern.program(), toks, start, floor, limit)?;
    if end == start {
        return None;
    }
    Some(Match {
        tokens: start..end,
        captures,
    })
}

/// Every match of a pattern starting at a token in `starts` (used for
/// guards; a match never leaves its sentence).
pub fn find_in(toks: &Tokens, pattern: &Pattern, starts: Range<usize>) -> Vec<Match> {
    starts.filter_map(|s| match_at(toks, pattern, s)).collect()
}

/// Whether a pattern matches starting at any token in `starts`.
pub fn any_in(toks: &Tokens, pattern: &Pattern, starts: Range<usize>) -> bool {
    starts
        .into_iter()
        .any(|s| match_at(toks, pattern, s).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tokenize::tokenize;
    use crate::rules::pattern::parse;

    fn first(text: &str, pat: &str) -> Option<String> {
        let t = tokenize(text);
        let p = parse(pat).unwrap();
        (0..t.tokens.len())
            .find_map(|s| match_at(&t, &p, s))
            .map(|mt| {
                let a = t.tokens[mt.tokens.start].span.start;
                let b = t.tokens[mt.tokens.end - 1].span.end;
                text[a..b].to_string()
            })
    }

    #[test]
    fn matches_contractions_gaps_and_groups() {
        assert_eq!(
            first("Sadly you didn't read it.", "you did not {verb}").as_deref(),
            Some("you didn't read")
        );
        assert_eq!(
            first("As I, \u{E000}, already said", "as i {..2} already said").as_deref(),
            Some("As I, \u{E000}, already said")
        );
        assert_eq!(
            first("we are unable to help", "(we are|i am) unable to").as_deref(),
            Some("we are unable to")
        );
        assert_eq!(
            first("no worries!", "no worries !").as_deref(),
            Some("no worries!")
        );
        assert_eq!(
            first("Unfortunately, we can't", "unfortunately , we").as_deref(),
            Some("Unfortunately, we")
        );
        assert_eq!(first("Unfortunately we can't", "unfortunately , we"), None);
    }

    #[test]
    fn instructions_stay_small() {
        // Word lists and captures sit in side tables, not in each instruction.
        assert!(std::mem::size_of::<Inst>() <= 12);
        let p = parse("{v:a|b} (x|y z) x|y {w}").unwrap();
        let prog = p.program();
        assert_eq!((prog.lists.len(), prog.captures.len()), (4, 2));
    }

    #[test]
    fn never_crosses_a_sentence_end() {
        assert_eq!(first("You did. Not really.", "you did not"), None);
        assert_eq!(first("Just. Now", "just now"), None);
    }

    #[test]
    fn sentence_anchors() {
        assert!(first("Hi. No problem.", "^ no problem").is_some());
        assert!(first("It is no problem at all", "^ no problem").is_none());
        assert!(first("That's no problem.", "no problem $").is_some());
    }

    #[test]
    fn optional_elements_and_captures() {
        let t = tokenize("you simply forgot to enter the code");
        let p = parse("you simply? forgot to {verb}").unwrap();
        let mt = match_at(&t, &p, 0).unwrap();
        assert_eq!(mt.captures, vec![(std::sync::Arc::from("verb"), 4)]);
    }

    /// The recursive backtracker the program replaced, kept as the
    /// reference its results must equal (exponential, so small inputs only).
    mod reference {
        use crate::engine::tokenize::{TokenKind, Tokens};
        use crate::rules::pattern::{Elem, WordTest};

        fn word_ok(tests: &[WordTest], w: &str) -> bool {
            tests.iter().any(|t| t.matches(w))
        }

        pub struct Ctx<'a> {
            toks: &'a Tokens,
            /// Tokens must stay inside this range (one sentence, plus its end mark).
            limit: usize,
            /// First token of the sentence.
            floor: usize,
            caps: Vec<(std::sync::Arc<str>, usize)>,
        }

        /// Tries `elems[ei..]` at token `ti`, then `k` with the end. Returns the end
        /// token index of the first successful match.
        pub fn m<'a>(
            ctx: &mut Ctx<'a>,
            elems: &[Elem],
            ei: usize,
            ti: usize,
            k: &mut dyn FnMut(&mut Ctx<'a>, usize) -> Option<usize>,
        ) -> Option<usize> {
            if ei == elems.len() {
                return k(ctx, ti);
            }
            let all: &'a Tokens = ctx.toks;
            let toks = &all.tokens;
            let limit = ctx.limit;
            let is_item = |i: usize| {
                i < limit && matches!(toks[i].kind, TokenKind::Word | TokenKind::Placeholder)
            };
            match &elems[ei] {
                Elem::Word(tests) => {
                    if ti < limit
                        && toks[ti].kind == TokenKind::Word
                        && word_ok(tests, all.norm_of(ti))
                    {
                        m(ctx, elems, ei + 1, ti + 1, k)
                    } else {
                        None
                    }
                }
                Elem::Any => {
                    if is_item(ti) {
                        m(ctx, elems, ei + 1, ti + 1, k)
                    } else {
                        None
                    }
                }
                Elem::Placeholder => {
                    if ti < limit && toks[ti].kind == TokenKind::Placeholder {
                        m(ctx, elems, ei + 1, ti + 1, k)
                    } else {
                        None
                    }
                }
                Elem::Capture(c) => {
                    let (name, only) = (&c.name, &c.only);
                    if !is_item(ti) {
                        return None;
                    }
                    if let Some(tests) = only {
                        if toks[ti].kind != TokenKind::Word || !word_ok(tests, all.norm_of(ti)) {
                            return None;
                        }
                    }
                    ctx.caps.push((name.clone(), ti));
                    let r = m(ctx, elems, ei + 1, ti + 1, k);
                    if r.is_none() {
                        ctx.caps.pop();
                    }
                    r
                }
                Elem::Gap(n) => {
                    // Lazy: fewest words first.
                    for t in ti..=ti + *n {
                        if let Some(r) = m(ctx, elems, ei + 1, t, k) {
                            return Some(r);
                        }
                        if !is_item(t) {
                            return None;
                        }
                    }
                    None
                }
                Elem::Punct(',') => {
                    if ti < toks.len() && toks[ti].comma_before {
                        m(ctx, elems, ei + 1, ti, k)
                    } else {
                        None
                    }
                }
                Elem::Punct(c) => {
                    let ok = ti < toks.len()
                        && match toks[ti].kind {
                            TokenKind::End(e) => e == *c || (*c == '.' && e == '\n'),
                            TokenKind::Colon => *c == ':',
                            _ => false,
                        };
                    if ok {
                        // A sentence mark is the last token of its sentence.
                        let saved = ctx.limit;
                        ctx.limit = ctx.limit.max(ti + 1);
                        let r = m(ctx, elems, ei + 1, ti + 1, k);
                        ctx.limit = saved;
                        r
                    } else {
                        None
                    }
                }
                Elem::Group(alts) => {
                    for alt in alts.iter() {
                        let saved = ctx.caps.len();
                        // Match the alternative, then continue with the rest.
                        let rest = &elems[ei + 1..];
                        let r = m(ctx, alt, 0, ti, &mut |ctx: &mut Ctx<'a>, t| {
                            m(ctx, rest, 0, t, k)
                        });
                        if r.is_some() {
                            return r;
                        }
                        ctx.caps.truncate(saved);
                    }
                    None
                }
                Elem::Optional(e) => {
                    let saved = ctx.caps.len();
                    let rest = &elems[ei + 1..];
                    let one = std::slice::from_ref(e.as_ref());
                    if let Some(r) = m(ctx, one, 0, ti, &mut |ctx: &mut Ctx<'a>, t| {
                        m(ctx, rest, 0, t, k)
                    }) {
                        return Some(r);
                    }
                    ctx.caps.truncate(saved);
                    m(ctx, elems, ei + 1, ti, k)
                }
                Elem::SentenceStart => {
                    if ti == ctx.floor {
                        m(ctx, elems, ei + 1, ti, k)
                    } else {
                        None
                    }
                }
                Elem::SentenceEnd => {
                    if ti >= toks.len()
                        || !matches!(toks[ti].kind, TokenKind::Word | TokenKind::Placeholder)
                        || ti >= limit
                    {
                        m(ctx, elems, ei + 1, ti, k)
                    } else {
                        None
                    }
                }
            }
        }

        pub fn match_at(
            toks: &Tokens,
            elems: &[Elem],
            start: usize,
        ) -> Option<(usize, super::super::Captures)> {
            let (floor, limit) = match toks.tokens.get(start) {
                Some(t) => {
                    let s = &toks.sentences[t.sentence as usize];
                    let mut lim = s.end;
                    if lim > s.start && matches!(toks.tokens[lim - 1].kind, TokenKind::End(_)) {
                        lim -= 1;
                    }
                    (s.start, lim)
                }
                None => (start, start),
            };
            let mut ctx = Ctx {
                toks,
                limit,
                floor,
                caps: Vec::new(),
            };
            let end = m(&mut ctx, elems, 0, start, &mut |_, t| Some(t))?;
            (end != start).then_some((end, ctx.caps))
        }
    }

    /// Random small patterns over a small vocabulary, matched at every
    /// token of random texts: the program gives the same end and captures
    /// as the recursive backtracker (same priority order).
    #[test]
    fn the_program_matches_exactly_what_the_backtracker_matched() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        fn pick(seed: &mut u64, n: usize) -> usize {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            (*seed % n as u64) as usize
        }
        let atoms = [
            "a", "b", "a|b", "a*", "*", "{x}", "{y:a|b}", "{..2}", "{..1}", "{ph}", ",", ".", ":",
            "!",
        ];
        let texts = [
            "a b a. b a, a b! a",
            "b, a \u{E000} a b a: b a a",
            "a a a a b a a b. a",
            "ab ba a, b, a! b? a",
        ];
        let mut compared = 0;
        for _ in 0..3000 {
            let item = |seed: &mut u64| {
                let a = atoms[pick(seed, atoms.len())].to_string();
                match pick(seed, 6) {
                    0 => format!("{a}?"),
                    1 => format!(
                        "({a} {}|{})",
                        atoms[pick(seed, 3)],
                        atoms[pick(seed, atoms.len())]
                    ),
                    2 => format!("({a}|{} {})?", atoms[pick(seed, 3)], atoms[pick(seed, 3)]),
                    _ => a,
                }
            };
            let n = 1 + pick(&mut seed, 5);
            let mut parts: Vec<String> = (0..n).map(|_| item(&mut seed)).collect();
            if pick(&mut seed, 5) == 0 {
                parts.insert(0, "^".into());
            }
            if pick(&mut seed, 5) == 0 {
                parts.push("$".into());
            }
            let Ok(p) = parse(&parts.join(" ")) else {
                continue;
            };
            for text in texts {
                let t = tokenize(text);
                for s in 0..=t.tokens.len() {
                    let want = reference::match_at(&t, &p.elems, s);
                    let got = match_at(&t, &p, s).map(|m| (m.tokens.end, m.captures));
                    assert_eq!(got, want, "pattern {:?} at {s} in {text:?}", p.source);
                    compared += 1;
                }
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    #[test]
    fn nested_optional_groups_verify_in_polynomial_time() {
        // 2^30 paths for the old backtracker; a few thousand states here.
        let pat = format!("start {} zz", ["(a|a a|a a a)?"; 30].join(" "));
        let p = parse(&pat).unwrap();
        let text = format!("start {} z", ["a"; 100].join(" "));
        let t = tokenize(&text);
        assert!(match_at(&t, &p, 0).is_none());
        let text = format!("start {} zz", ["a"; 40].join(" "));
        let t = tokenize(&text);
        assert_eq!(match_at(&t, &p, 0).map(|m| m.tokens.end), Some(42));
    }
}
