//! Verifies a pattern against the token stream at a candidate position
//! (backtracking over optional elements, groups and gaps; never crosses a sentence end).

use std::ops::Range;

use super::tokenize::{TokenKind, Tokens};
use crate::rules::pattern::{Elem, WordTest};

/// A verified match: token range and captures (name, token index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub tokens: Range<usize>,
    pub captures: Vec<(std::sync::Arc<str>, usize)>,
}

fn word_ok(tests: &[WordTest], w: &str) -> bool {
    tests.iter().any(|t| t.matches(w))
}

struct Ctx<'a> {
    toks: &'a Tokens,
    /// Tokens must stay inside this range (one sentence, plus its end mark).
    limit: usize,
    /// First token of the sentence.
    floor: usize,
    caps: Vec<(std::sync::Arc<str>, usize)>,
}

/// Tries `elems[ei..]` at token `ti`, then `k` with the end. Returns the end
/// token index of the first successful match.
fn m<'a>(
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
    let is_item =
        |i: usize| i < limit && matches!(toks[i].kind, TokenKind::Word | TokenKind::Placeholder);
    match &elems[ei] {
        Elem::Word(tests) => {
            if ti < limit && toks[ti].kind == TokenKind::Word && word_ok(tests, all.norm_of(ti)) {
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
        Elem::Capture { name, only } => {
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
            for alt in alts {
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

/// Matches `elems` starting exactly at token `start`, within its sentence.
pub fn match_at(toks: &Tokens, elems: &[Elem], start: usize) -> Option<Match> {
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
    let mut ctx = Ctx {
        toks,
        limit,
        floor,
        caps: Vec::new(),
    };
    let end = m(&mut ctx, elems, 0, start, &mut |_, t| Some(t))?;
    if end == start {
        return None;
    }
    Some(Match {
        tokens: start..end,
        captures: ctx.caps,
    })
}

/// Every match of `elems` starting at a token in `starts` (used for guards;
/// a match never leaves its sentence).
pub fn find_in(toks: &Tokens, elems: &[Elem], starts: Range<usize>) -> Vec<Match> {
    starts.filter_map(|s| match_at(toks, elems, s)).collect()
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
            .find_map(|s| match_at(&t, &p.elems, s))
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
        let mt = match_at(&t, &p.elems, 0).unwrap();
        assert_eq!(mt.captures, vec![(std::sync::Arc::from("verb"), 4)]);
    }
}
