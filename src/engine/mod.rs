//! The compiled rule set: every pattern's anchor in one Aho-Corasick
//! automaton, verified on tokens; guards, engine checks and directives applied.

pub mod automaton;
pub mod checks;
pub mod clause;
pub mod matcher;
pub mod rewrite;
pub mod tokenize;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use automaton::Automaton;
use matcher::Match;
use tokenize::Tokens;

use crate::model::{Finding, Fix, Kind, Severity};
use crate::rules::{self, Check, PackError, Pattern, Rule};
use crate::source::{DirectiveKind, Segment, SourceDoc};

/// Who a compiled pattern belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// A rule's `match` pattern.
    Rule(u32),
    /// A check rule's param list (rule index, param key index).
    Param(u32, u16),
}

/// Where a compiled pattern lives: a rule's `match` pattern stays in its
/// rule (by index, not copied); a param list's pattern is held here.
#[derive(Debug)]
enum Source {
    Match(u32),
    Own(Pattern),
}

#[derive(Debug)]
struct Compiled {
    pattern: Source,
    owner: Owner,
    /// (min, max) tokens consumed by the elements before each element.
    prefix: Vec<(usize, usize)>,
}

/// Rule set compiled for linting.
#[derive(Debug)]
pub struct Engine {
    rules: Vec<Rule>,
    by_id: HashMap<Arc<str>, usize>,
    compiled: Vec<Compiled>,
    automaton: Automaton,
    /// Param keys of check rules, indexed by `Owner::Param`'s second field.
    param_keys: Vec<&'static str>,
    allow: Vec<Pattern>,
    /// Per rule (by index): its check's params, compiled once.
    check_params: Vec<checks::CheckParams>,
    /// Rules whose engine check looks at one segment.
    local_checks: Vec<u32>,
    /// Rules whose engine check looks at the whole document.
    document_checks: Vec<u32>,
    /// Rules (by index) with `unless_nearby` guards, which
    /// [`Engine::finish`] also looks for across block boundaries.
    nearby: Vec<u32>,
    /// Some rule is conditioned on the `notification` function.
    needs_notice: bool,
    /// Some rule's `not_in` / `only_in` names `developer`.
    needs_developer: bool,
    /// Some document check weighs the reply's sentences (apology-without-action).
    needs_sentences: bool,
}

/// Severity or `off`, per rule id or category id.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// Rule id or category id → None (off) or a severity.
    pub levels: HashMap<String, Option<Severity>>,
    /// Phrases never flagged (product names, house phrases), as patterns.
    pub allow: Vec<String>,
}

/// A pattern hit of a check's param list, in one segment.
#[derive(Debug, Clone)]
pub struct ParamHit {
    pub rule: u32,
    pub key: &'static str,
    pub segment: usize,
    /// Index of the sentence (within the segment) where the hit starts.
    pub sentence: u32,
    pub tokens: Range<usize>,
    pub source: Range<usize>,
}

/// What the document checks need to know of one sentence.
#[derive(Debug, Clone, Copy, Default)]
pub struct SentenceFacts {
    pub words: u16,
    /// A question or a request ("please", "could you").
    pub request: bool,
}

/// What linting one segment produced: its findings and the facts the
/// document-level checks need. Everything is in source offsets.
#[derive(Debug, Clone, Default)]
pub struct SegmentLint {
    pub findings: Vec<Finding>,
    pub hits: Vec<ParamHit>,
    /// Words in the segment.
    pub words: usize,
    /// The segment reads as an automated notification (clause function
    /// `notification`, applied to the whole document in [`Engine::finish`]).
    pub automated: bool,
    /// The segment is written to developers (clause function `developer`,
    /// applied to the whole document in [`Engine::finish`]).
    pub developer: bool,
    /// Per sentence of the segment (only when a document check needs them).
    pub sentences: Vec<SentenceFacts>,
}

const PARAM_KEYS: &[&str] = &[
    "words",
    "bad_news",
    "good_news",
    "problem",
    "acknowledge",
    "apology",
    "action",
    "passive",
    "owner",
    "filler",
];

impl Engine {
    /// Compiles rules with overrides applied (rules turned off are dropped).
    /// Param patterns share their parsed items (see [`rules::pattern::sharing`]).
    pub fn new(rules: Vec<Rule>, overrides: &Overrides) -> Result<Engine, PackError> {
        rules::pattern::sharing(|| Engine::compile(rules, overrides))
    }

    fn compile(mut rules: Vec<Rule>, overrides: &Overrides) -> Result<Engine, PackError> {
        rules.retain_mut(|r| {
            let level = overrides
                .levels
                .get(r.id.as_ref())
                .or_else(|| overrides.levels.get(r.category.id()))
                .copied();
            match level {
                Some(None) => false,
                Some(Some(s)) => {
                    r.severity = s;
                    true
                }
                None => true,
            }
        });
        let mut allow = Vec::new();
        for a in &overrides.allow {
            let p = rules::pattern::parse(a).map_err(|e| PackError {
                file: "tactful.toml".into(),
                line: 0,
                column: 0,
                message: format!("allow: {e}"),
            })?;
            allow.push(p);
        }
        let mut compiled = Vec::new();
        let mut anchors = Vec::new();
        // A rule's `match` patterns chose their anchors when the pack was
        // validated; they are taken from the pattern, not chosen again.
        let mut push = |elems: &[rules::Elem],
                        found: Result<Vec<automaton::Anchor>, String>,
                        source: Source,
                        owner: Owner,
                        compiled: &mut Vec<Compiled>|
         -> Result<(), String> {
            let a = found?;
            // Running sums: linear in the pattern's length.
            let mut prefix = Vec::with_capacity(elems.len());
            let mut acc = (0, 0);
            for e in elems {
                prefix.push(acc);
                let w = e.width();
                acc = (acc.0 + w.0, acc.1 + w.1);
            }
            anchors.push((compiled.len() as u32, a));
            compiled.push(Compiled {
                pattern: source,
                owner,
                prefix,
            });
            Ok(())
        };
        for (ri, r) in rules.iter_mut().enumerate() {
            for (pi, p) in r.patterns.iter_mut().enumerate() {
                let source = Source::Match(pi as u32);
                let found = p.take_anchors();
                push(
                    &p.elems,
                    found,
                    source,
                    Owner::Rule(ri as u32),
                    &mut compiled,
                )
                .map_err(|m| PackError {
                    file: r.pack.to_string(),
                    line: 0,
                    column: 0,
                    message: format!("rule {}: {m}", r.id),
                })?;
            }
            if r.check.is_some() {
                for (ki, key) in PARAM_KEYS.iter().enumerate() {
                    for s in r.param_strings(key) {
                        let p = rules::pattern::parse(&s).map_err(|e| PackError {
                            file: r.pack.to_string(),
                            line: 0,
                            column: 0,
                            message: format!("rule {} params.{key}: {e}", r.id),
                        })?;
                        let owner = Owner::Param(ri as u32, ki as u16);
                        let found = automaton::anchors_for(&p.elems);
                        let elems = p.elems.clone();
                        push(&elems, found, Source::Own(p), owner, &mut compiled).map_err(|m| {
                            PackError {
                                file: r.pack.to_string(),
                                line: 0,
                                column: 0,
                                message: format!("rule {} params.{key} {s:?}: {m}", r.id),
                            }
                        })?;
                    }
                }
            }
        }
        let automaton = Automaton::build(&anchors);
        let by_id = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.clone(), i))
            .collect();
        let local_checks = (0..rules.len() as u32)
            .filter(|&i| {
                matches!(
                    rules[i as usize].check,
                    Some(Check::AllCaps | Check::Exclamation | Check::WallOfText)
                )
            })
            .collect();
        let document_checks = (0..rules.len() as u32)
            .filter(|&i| {
                matches!(
                    rules[i as usize].check,
                    Some(
                        Check::ApologyDensity
                            | Check::NoAcknowledgement
                            | Check::ApologyWithoutAction
                            | Check::NoOwnership
                    )
                )
            })
            .collect();
        let check_params = rules
            .iter()
            .map(|r| {
                if r.check.is_some() {
                    checks::CheckParams::of(r)
                } else {
                    Default::default()
                }
            })
            .collect();
        let nearby = (0..rules.len() as u32)
            .filter(|&i| !rules[i as usize].unless_nearby.is_empty())
            .collect();
        let needs = |f: clause::Function| {
            rules
                .iter()
                .any(|r| r.not_in.contains(&f) || r.only_in.contains(&f))
        };
        let needs_notice = needs(clause::Function::Notification);
        let needs_developer = needs(clause::Function::Developer);
        // Sentence facts cost a pass per segment: only when the substance
        // test of apology-without-action is switched on.
        let needs_sentences = rules.iter().any(|r| {
            r.check == Some(Check::ApologyWithoutAction) && r.param_usize("substance_words", 0) > 0
        });
        Ok(Engine {
            nearby,
            needs_notice,
            needs_developer,
            needs_sentences,
            rules,
            by_id,
            compiled,
            automaton,
            param_keys: PARAM_KEYS.to_vec(),
            allow,
            check_params,
            local_checks,
            document_checks,
        })
    }

    /// The pattern a compiled entry verifies.
    fn pattern_of<'a>(&'a self, c: &'a Compiled) -> &'a Pattern {
        match (&c.pattern, c.owner) {
            (Source::Own(p), _) => p,
            (Source::Match(pi), Owner::Rule(ri) | Owner::Param(ri, _)) => {
                &self.rules[ri as usize].patterns[*pi as usize]
            }
        }
    }

    /// The embedded default packs, no overrides.
    pub fn default_packs() -> Engine {
        // One sharing scope: param patterns share the packs' parsed items.
        rules::pattern::sharing(|| {
            let rules =
                rules::default_rules().expect("embedded rule packs are valid (checked by tests)");
            Engine::new(rules, &Overrides::default())
                .expect("embedded rule packs compile (checked by tests)")
        })
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.by_id.get(id).map(|&i| &self.rules[i])
    }

    /// Lints an extracted document; findings are in source byte offsets,
    /// sorted by position.
    pub fn lint(&self, src: &str, doc: &SourceDoc, kind: Kind) -> Vec<Finding> {
        let parts: Vec<SegmentLint> = doc
            .segments
            .iter()
            .enumerate()
            .map(|(i, seg)| self.lint_segment(src, doc, i, seg, kind))
            .collect();
        self.finish(src, doc, kind, parts)
    }

    /// Lints one segment on its own (the unit an editor can cache).
    pub fn lint_segment(
        &self,
        src: &str,
        doc: &SourceDoc,
        index: usize,
        seg: &Segment,
        kind: Kind,
    ) -> SegmentLint {
        let toks = tokenize::tokenize(&seg.text);
        let mut out = SegmentLint {
            words: toks
                .tokens
                .iter()
                .filter(|t| t.kind == tokenize::TokenKind::Word)
                .count(),
            ..Default::default()
        };
        if toks.tokens.is_empty() {
            return out;
        }
        out.automated = self.needs_notice && clause::is_automated_notice(&toks);
        out.developer = self.needs_developer && clause::is_developer_audience(&toks);
        if self.needs_sentences {
            out.sentences = toks
                .sentences
                .iter()
                .map(|r| {
                    let words = toks.tokens[r.clone()]
                        .iter()
                        .filter(|t| t.kind == tokenize::TokenKind::Word)
                        .count();
                    let last_q = toks.tokens[r.end - 1].kind == tokenize::TokenKind::End('?');
                    let asks = (r.start..r.end).take(12).any(|i| {
                        matches!(
                            toks.norm_of(i),
                            "please" | "could" | "can" | "would" | "kindly"
                        )
                    });
                    SentenceFacts {
                        words: words.min(u16::MAX as usize) as u16,
                        request: last_q || asks,
                    }
                })
                .collect();
        }
        // Candidates from the automaton, verified.
        let mut raw: Vec<(u32, Match)> = Vec::new();
        self.automaton.candidates(&toks, |pat, elem, t| {
            let c = &self.compiled[pat as usize];
            if let Owner::Rule(ri) = c.owner {
                if !self.rules[ri as usize].applies_to(kind) {
                    return;
                }
            }
            let (lo, hi) = c.prefix[elem as usize];
            let first = t.saturating_sub(hi);
            let last = t.saturating_sub(lo);
            for s in first..=last {
                if let Some(mt) = matcher::match_at(&toks, self.pattern_of(c), s) {
                    if mt.tokens.start <= t && t < mt.tokens.end {
                        raw.push((pat, mt));
                        break;
                    }
                }
            }
        });
        raw.sort_by_key(|(p, m)| {
            (
                self.owner_rule(*p),
                m.tokens.start,
                std::cmp::Reverse(m.tokens.end),
                *p,
            )
        });
        raw.dedup_by(|b, a| a.0 == b.0 && a.1.tokens.start == b.1.tokens.start);
        let site = rewrite::Site {
            src,
            seg,
            toks: &toks,
            protected: &doc.protected,
        };
        let mut last_end: HashMap<u32, usize> = HashMap::new();
        let mut sentence_guards: HashMap<(usize, u32), bool> = HashMap::new();
        let mut hit_starts: std::collections::HashSet<(u32, &'static str, usize)> =
            Default::default();
        for (pat, mt) in raw {
            let c = &self.compiled[pat as usize];
            match c.owner {
                Owner::Param(ri, ki) => {
                    if toks.tokens[mt.tokens.start..mt.tokens.end]
                        .iter()
                        .all(|t| t.quoted)
                    {
                        continue;
                    }
                    let key = self.param_keys[ki as usize];
                    if !hit_starts.insert((ri, key, mt.tokens.start)) {
                        continue;
                    }
                    let (source, _) = rewrite::token_source(&site, mt.tokens.clone());
                    out.hits.push(ParamHit {
                        rule: ri,
                        key,
                        segment: index,
                        sentence: toks.tokens[mt.tokens.start].sentence,
                        tokens: mt.tokens.clone(),
                        source,
                    });
                }
                Owner::Rule(ri) => {
                    // One finding per rule per stretch of text.
                    if last_end.get(&ri).is_some_and(|&e| mt.tokens.start < e) {
                        continue;
                    }
                    let rule = &self.rules[ri as usize];
                    if self.suppressed(rule, &toks, &mt, &mut sentence_guards) {
                        continue;
                    }
                    last_end.insert(ri, mt.tokens.end);
                    out.findings.push(self.finding(&site, rule, &mt));
                }
            }
        }
        // Local engine checks.
        for &ri in &self.local_checks {
            let rule = &self.rules[ri as usize];
            if rule.applies_to(kind) {
                checks::local(self, ri, rule, &site, &out.hits, &mut out.findings);
            }
        }
        out
    }

    fn owner_rule(&self, pat: u32) -> u32 {
        match self.compiled[pat as usize].owner {
            Owner::Rule(r) | Owner::Param(r, _) => r,
        }
    }

    /// Whether guards, quotes or the allow list silence a match.
    fn suppressed(
        &self,
        rule: &Rule,
        toks: &Tokens,
        mt: &Match,
        sentence_guards: &mut HashMap<(usize, u32), bool>,
    ) -> bool {
        let span = &toks.tokens[mt.tokens.start..mt.tokens.end];
        if span.iter().all(|t| t.quoted) {
            return true;
        }
        let sentence = toks.sentences[toks.tokens[mt.tokens.start].sentence as usize].clone();
        let overlaps = |m: &Match| m.tokens.start < mt.tokens.end && mt.tokens.start < m.tokens.end;
        // A guard overlapping the match starts no earlier than its widest
        // reach before the match, and before the match ends.
        let window = |p: &Pattern| {
            let reach = rules::pattern::seq_width(&p.elems).1;
            mt.tokens.start.saturating_sub(reach).max(sentence.start)
                ..mt.tokens.end.min(sentence.end)
        };
        let overlapped_by = |p: &Pattern| matcher::find_in(toks, p, window(p)).iter().any(overlaps);
        if rule.unless.iter().any(overlapped_by) || self.allow.iter().any(overlapped_by) {
            return true;
        }
        // Each (guard, sentence) is scanned once per segment, however many
        // matches the sentence holds.
        let sentence_index = toks.tokens[mt.tokens.start].sentence;
        if rule.unless_sentence.iter().any(|p| {
            *sentence_guards
                .entry((p as *const Pattern as usize, sentence_index))
                .or_insert_with(|| matcher::any_in(toks, p, sentence.clone()))
        }) {
            return true;
        }
        // The sentence before and the two after, not the match's own (the door
        // held open right after a closure); each (guard, sentence) scanned once.
        if !rule.unless_nearby.is_empty() {
            let s = sentence_index as usize;
            let near = s.saturating_sub(1)..(s + 3).min(toks.sentences.len());
            if rule.unless_nearby.iter().any(|p| {
                near.clone().filter(|&j| j != s).any(|j| {
                    *sentence_guards
                        .entry((p as *const Pattern as usize, j as u32))
                        .or_insert_with(|| matcher::any_in(toks, p, toks.sentences[j].clone()))
                })
            }) {
                return true;
            }
        }
        // Clause functions (the document-level ones are judged in `finish`).
        let sentence_level = |fs: &[clause::Function]| fs.iter().any(|f| !f.is_document_level());
        if sentence_level(&rule.not_in) || sentence_level(&rule.only_in) {
            let here = clause::functions_at(toks, mt.tokens.clone());
            let not_in = clause::Functions::of(&rule.not_in);
            if here.intersects(not_in) {
                return true;
            }
            let only: Vec<_> = rule
                .only_in
                .iter()
                .copied()
                .filter(|f| !f.is_document_level())
                .collect();
            if !only.is_empty() && !here.intersects(clause::Functions::of(&only)) {
                return true;
            }
        }
        false
    }

    fn finding(&self, site: &rewrite::Site, rule: &Rule, mt: &Match) -> Finding {
        let (range, _) = rewrite::token_source(site, mt.tokens.clone());
        let matched = &site.src[range.clone()];
        let mut fixes = Vec::new();
        for (i, template) in rule.fixes.iter().enumerate() {
            if let Some((edit, deletion)) = rewrite::build(site, mt, template) {
                if fixes.iter().any(|f: &Fix| f.edits[0] == edit) {
                    continue;
                }
                fixes.push(Fix {
                    title: rewrite::title(matched, &edit, deletion, site.seg.escape),
                    edits: vec![edit],
                    preferred: i == 0 && !rule.fix_unsafe,
                });
            }
        }
        rule.finding(range, fixes)
    }

    /// Document-level checks, then directives; returns every finding sorted.
    pub fn finish(
        &self,
        src: &str,
        doc: &SourceDoc,
        kind: Kind,
        parts: Vec<SegmentLint>,
    ) -> Vec<Finding> {
        let mut findings: Vec<Finding> = Vec::new();
        let mut hits: Vec<ParamHit> = Vec::new();
        let mut words = 0;
        let mut automated = false;
        let mut developer = false;
        // Rules (apology-without-action) whose reply has substance besides
        // apologies and filler: a request, or a sentence of information.
        let mut substance: Vec<u32> = Vec::new();
        if self.needs_sentences {
            for &ri in &self.document_checks {
                let rule = &self.rules[ri as usize];
                // `substance_words`: a sentence this long (or a request) that is
                // neither apology nor filler gives the customer something. 0 = off.
                let min_words = rule.param_usize("substance_words", 0);
                if rule.check != Some(Check::ApologyWithoutAction) || min_words == 0 {
                    continue;
                }
                let min_words = min_words.min(u16::MAX as usize) as u16;
                let has = parts.iter().any(|p| {
                    p.sentences.iter().enumerate().any(|(j, s)| {
                        (s.words >= min_words || s.request && s.words >= 2)
                            && !p.hits.iter().any(|h| {
                                h.rule == ri
                                    && h.sentence as usize == j
                                    && matches!(h.key, "apology" | "filler")
                            })
                    })
                });
                if has {
                    substance.push(ri);
                }
            }
        }
        let mut parts = parts;
        self.hold_door_across_segments(doc, &mut parts);
        for p in parts {
            findings.extend(p.findings);
            hits.extend(p.hits);
            words += p.words;
            automated |= p.automated;
            developer |= p.developer;
        }
        for &ri in &self.document_checks {
            let rule = &self.rules[ri as usize];
            if rule.applies_to(kind) && !substance.contains(&ri) {
                checks::document(
                    ri,
                    rule,
                    &self.check_params[ri as usize],
                    src,
                    doc,
                    &hits,
                    words,
                    &mut findings,
                );
            }
        }
        // A document check may yield to findings of other categories that
        // already say what is wrong (`unless_categories`).
        for &ri in &self.document_checks {
            let rule = &self.rules[ri as usize];
            let yields = rule.param_strings("unless_categories");
            if yields.is_empty() {
                continue;
            }
            let other = findings
                .iter()
                .any(|f| f.rule != rule.id && yields.iter().any(|c| c == f.category.id()));
            if other {
                findings.retain(|f| f.rule != rule.id);
            }
        }
        // Document-level clause functions: what the whole document is.
        for (needed, function, holds) in [
            (self.needs_notice, clause::Function::Notification, automated),
            (self.needs_developer, clause::Function::Developer, developer),
        ] {
            if !needed {
                continue;
            }
            findings.retain(|f| {
                let Some(rule) = self.rule(&f.rule) else {
                    return true;
                };
                !(holds && rule.not_in.contains(&function)
                    || !holds && rule.only_in.contains(&function))
            });
        }
        apply_directives(src, doc, &mut findings);
        findings.sort_by(|a, b| {
            a.range
                .start
                .cmp(&b.range.start)
                .then_with(|| a.rule.cmp(&b.rule))
        });
        findings
    }
}

impl Engine {
    /// `unless_nearby` across a block boundary: the guard may open the next
    /// block ("Closing this." / new paragraph "Reply here and it reopens.")
    /// or end the previous one, when the two blocks are close in the source.
    /// Tokenizes a neighbour only when a finding of such a rule needs it.
    fn hold_door_across_segments(&self, doc: &SourceDoc, parts: &mut [SegmentLint]) {
        const MAX_GAP: usize = 400;
        if self.nearby.is_empty() {
            return;
        }
        let span = |i: usize| {
            let seg = &doc.segments[i];
            seg.to_source(0..seg.text.len()).0
        };
        let mut tokens: HashMap<usize, tokenize::Tokens> = HashMap::new();
        for i in 0..parts.len().min(doc.segments.len()) {
            if parts[i].findings.is_empty() {
                continue;
            }
            let mut drop: Vec<bool> = Vec::new();
            for f in &parts[i].findings {
                // A few rules at most: compared by id (pointer first), no hashing.
                let guards = match self
                    .nearby
                    .iter()
                    .map(|&ri| &self.rules[ri as usize])
                    .find(|r| r.id == f.rule)
                {
                    Some(r) => &r.unless_nearby,
                    None => {
                        drop.push(false);
                        continue;
                    }
                };
                let here = span(i);
                let mut held = false;
                for (j, first) in [(i + 1, true), (i.wrapping_sub(1), false)] {
                    if j >= doc.segments.len() || held {
                        continue;
                    }
                    let there = span(j);
                    let gap = if first {
                        there.start.saturating_sub(here.end)
                    } else {
                        here.start.saturating_sub(there.end)
                    };
                    if gap > MAX_GAP {
                        continue;
                    }
                    let toks = tokens
                        .entry(j)
                        .or_insert_with(|| tokenize::tokenize(&doc.segments[j].text));
                    let n = toks.sentences.len();
                    let sentences = if first {
                        0..n.min(2)
                    } else {
                        n.saturating_sub(1)..n
                    };
                    held = sentences.into_iter().any(|k| {
                        guards
                            .iter()
                            .any(|p| matcher::any_in(toks, p, toks.sentences[k].clone()))
                    });
                }
                drop.push(held);
            }
            let mut k = 0;
            parts[i].findings.retain(|_| {
                k += 1;
                !drop[k - 1]
            });
        }
    }
}

/// Drops findings silenced by inline directives. Linear in findings plus
/// directives: next-line directives are looked up by line, and a sweep in
/// offset order keeps the last disable/enable per id (and for all rules).
fn apply_directives(src: &str, doc: &SourceDoc, findings: &mut Vec<Finding>) {
    if doc.directives.is_empty() {
        return;
    }
    let line_starts: Vec<usize> = memchr::memchr_iter(b'\n', src.as_bytes()).collect();
    let line_of = |off: usize| line_starts.partition_point(|&nl| nl < off);
    let matches_ids = |ids: &[String], f: &Finding| {
        ids.is_empty()
            || ids
                .iter()
                .any(|id| id.as_str() == f.rule.as_ref() || id.as_str() == f.category.id())
    };
    let mut directives = doc.directives.clone();
    directives.sort_by_key(|d| d.offset);
    let mut next_line: HashMap<usize, Vec<&[String]>> = HashMap::new();
    for d in &directives {
        if d.kind == DirectiveKind::DisableNextLine {
            next_line
                .entry(line_of(d.offset) + 1)
                .or_default()
                .push(&d.ids);
        }
    }
    // Findings in offset order; each sees the toggles before its start.
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| findings[i].range.start);
    let mut keep = vec![true; findings.len()];
    // Last toggle (sequence number, disabled?) for all rules and per id.
    let mut all: Option<(usize, bool)> = None;
    let mut by_id: HashMap<&str, (usize, bool)> = HashMap::new();
    let mut next = 0;
    for i in order {
        let f = &findings[i];
        while next < directives.len() && directives[next].offset <= f.range.start {
            let d = &directives[next];
            let state = match d.kind {
                DirectiveKind::Disable => Some(true),
                DirectiveKind::Enable => Some(false),
                _ => None,
            };
            if let Some(disabled) = state {
                if d.ids.is_empty() {
                    all = Some((next, disabled));
                } else {
                    for id in &d.ids {
                        by_id.insert(id.as_str(), (next, disabled));
                    }
                }
            }
            next += 1;
        }
        if next_line
            .get(&line_of(f.range.start))
            .is_some_and(|list| list.iter().any(|ids| matches_ids(ids, f)))
        {
            keep[i] = false;
            continue;
        }
        let last = [
            all,
            by_id.get(f.rule.as_ref()).copied(),
            by_id.get(f.category.id()).copied(),
        ]
        .into_iter()
        .flatten()
        .max_by_key(|(seq, _)| *seq);
        keep[i] = !last.is_some_and(|(_, disabled)| disabled);
    }
    let mut k = 0;
    findings.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}
