//! Engine checks that are not token patterns: density (apologies, `!`),
//! all-caps shouting, long sentences, and the document-level reply checks.

use std::ops::Range;

use super::rewrite::{token_source, Site};
use super::tokenize::{is_apostrophe, tokenize, TokenKind};
use super::{Engine, ParamHit};
use crate::model::{Edit, Finding, Fix};
use crate::rules::{Check, Rule};
use crate::source::SourceDoc;

fn finding(rule: &Rule, range: Range<usize>, fixes: Vec<Fix>) -> Finding {
    rule.finding(range, fixes)
}

fn sentence_case(run: &str, keep_first: bool) -> String {
    let lower = run.to_lowercase();
    if keep_first {
        let mut c = lower.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    } else {
        lower
    }
}

/// A check rule's limits and word lists, read from its params once when the
/// engine is compiled (never per segment).
#[derive(Debug, Clone, Default)]
pub struct CheckParams {
    pub min_words: usize,
    pub min_letters: usize,
    pub single_word_min_letters: usize,
    /// Upper-cased words never counted as shouting (acronyms, product names).
    pub allow: std::collections::HashSet<String>,
    /// Upper-cased words that shout even alone ("We CANNOT", "NEVER").
    pub emphasis: std::collections::HashSet<String>,
    /// all-caps: words that make a lone capitalised word a name, not a
    /// raised voice ("the bitwise NOT", "the AND operator"), lower case.
    pub term_before: std::collections::HashSet<String>,
    pub term_after: std::collections::HashSet<String>,
    pub max_sentence_words: usize,
    pub max_paragraph_words: usize,
    pub max: usize,
    /// no-acknowledgement: what a problem looks like in the customer's quoted message.
    pub customer_problem: Vec<crate::rules::Pattern>,
}

impl CheckParams {
    pub fn of(rule: &Rule) -> CheckParams {
        CheckParams {
            min_words: rule.param_usize("min_words", 2).max(1),
            min_letters: rule.param_usize("min_letters", 6),
            single_word_min_letters: rule.param_usize("single_word_min_letters", 0),
            allow: word_set(rule, "allow", str::to_uppercase),
            emphasis: word_set(rule, "emphasis", str::to_uppercase),
            term_before: word_set(rule, "term_before", str::to_lowercase),
            term_after: word_set(rule, "term_after", str::to_lowercase),
            max_sentence_words: rule.param_usize("max_sentence_words", 40),
            max_paragraph_words: rule.param_usize("max_paragraph_words", 150),
            max: rule.param_usize("max", 2),
            customer_problem: rule.param_patterns("customer_problem"),
        }
    }
}

/// A word-list param as a set, each word in the case the check compares in.
fn word_set(rule: &Rule, key: &str, case: fn(&str) -> String) -> std::collections::HashSet<String> {
    rule.param_strings(key).iter().map(|s| case(s)).collect()
}

/// Checks that look at one segment.
pub fn local(
    engine: &Engine,
    ri: u32,
    rule: &Rule,
    site: &Site,
    hits: &[ParamHit],
    out: &mut Vec<Finding>,
) {
    let toks = site.toks;
    let seg = site.seg;
    match rule.check {
        Some(Check::AllCaps) => {
            let params = &engine.check_params[ri as usize];
            let (min_words, min_letters, single) = (
                params.min_words,
                params.min_letters,
                params.single_word_min_letters,
            );
            let allow = &params.allow;
            // The whole written word around token `i`: a contraction or a
            // possessive is split into touching tokens ("CAN", "'T"), but it
            // shouts, or not, as one word ("CAN'T" does, "ABC's" does not).
            let word_at = |i: usize| {
                let touching = |a: usize, b: usize| {
                    toks.tokens[a].kind == TokenKind::Word
                        && toks.tokens[b].kind == TokenKind::Word
                        && toks.tokens[a].span.end == toks.tokens[b].span.start
                };
                let (mut a, mut b) = (i, i);
                while a > 0 && touching(a - 1, a) {
                    a -= 1;
                }
                while b + 1 < toks.tokens.len() && touching(b, b + 1) {
                    b += 1;
                }
                toks.tokens[a].span.start..toks.tokens[b].span.end
            };
            let is_caps = |i: usize| {
                let t = &toks.tokens[i];
                if t.kind != TokenKind::Word || t.quoted {
                    return false;
                }
                // Cheap test first: most words are not upper case (a
                // contraction's tail, "'T", starts with its apostrophe).
                let own = &seg.text[t.span.clone()];
                if !own.starts_with(|c: char| c.is_uppercase() || is_apostrophe(c)) {
                    return false;
                }
                let whole = word_at(i);
                let w = &seg.text[whole.clone()];
                let mut cs = w.chars();
                if !cs.next().is_some_and(char::is_uppercase)
                    || !cs.next().is_some_and(char::is_uppercase)
                {
                    return false;
                }
                // Code-like neighbours: SUM(, CTRL+C, MY_VAR, HTTP/2, A=B.
                let before = seg.text[..whole.start].chars().next_back();
                let after = seg.text[whole.end..].chars().next();
                let code_like = before.is_some_and(|c| "(+_/=[<\\$%@#.-".contains(c))
                    || after.is_some_and(|c| "(+_/=[<\\$%@#-".contains(c))
                    || after == Some('.')
                        && seg.text[whole.end + 1..].starts_with(|c: char| c.is_alphanumeric());
                w.chars().count() >= 2
                    && !code_like
                    // Capitalised contractions shout too ("We CAN'T", "DON'T").
                    && w.chars().all(|c| c.is_alphabetic() && c.is_uppercase() || is_apostrophe(c))
                    && !w.ends_with(is_apostrophe)
                    && !allow.contains(w)
            };
            let mut i = 0;
            while i < toks.tokens.len() {
                if !is_caps(i) {
                    i += 1;
                    continue;
                }
                let start = i;
                while i < toks.tokens.len()
                    && is_caps(i)
                    && toks.tokens[i].sentence == toks.tokens[start].sentence
                {
                    i += 1;
                }
                let letters: usize = (start..i).map(|k| toks.tokens[k].span.len()).sum();
                // Emphasis words are listed without apostrophes ("CANT"), so
                // "CAN'T" and "CAN’T" are looked up as "CANT" too.
                let emphatic = (start..i).any(|k| {
                    let w = &seg.text[word_at(k)];
                    params.emphasis.contains(w)
                        || w.contains(is_apostrophe)
                            && params
                                .emphasis
                                .contains(w.replace(is_apostrophe, "").as_str())
                });
                // A lone word named as a term: "the bitwise NOT", "the OR operator".
                let named = i - start == 1
                    && (start
                        .checked_sub(1)
                        .is_some_and(|k| params.term_before.contains(toks.norm_of(k)))
                        || (i < toks.tokens.len() && params.term_after.contains(toks.norm_of(i))));
                let run_ok = !named
                    && ((i - start >= min_words && letters >= min_letters)
                        || (single > 0 && i - start == 1 && letters >= single)
                        || emphatic);
                if !run_ok {
                    continue;
                }
                let (range, contiguous) = token_source(site, start..i);
                let mut fixes = Vec::new();
                if contiguous {
                    let text = &site.src[range.clone()];
                    let rep = seg
                        .escape
                        .encode(&sentence_case(text, toks.is_sentence_start(start)));
                    fixes.push(Fix {
                        title: format!("Write \u{201C}{}\u{201D} in normal case", text),
                        edits: vec![Edit {
                            range: range.clone(),
                            replacement: rep,
                        }],
                        preferred: !rule.fix_unsafe,
                    });
                }
                out.push(finding(rule, range, fixes));
            }
        }
        Some(Check::Exclamation) => {
            let sentences_with = |key: &str| -> std::collections::HashSet<u32> {
                hits.iter()
                    .filter(|h| h.rule == ri && h.key == key)
                    .map(|h| toks.tokens[h.tokens.start].sentence)
                    .collect()
            };
            // A sentence that confirms what the reader just did ("Success:
            // your subscription has been cancelled!") is not bad news.
            let good_sentences = sentences_with("good_news");
            let bad_sentences: std::collections::HashSet<u32> = sentences_with("bad_news")
                .into_iter()
                .filter(|s| !good_sentences.contains(s))
                .collect();
            for (i, t) in toks.tokens.iter().enumerate() {
                let TokenKind::End(c) = t.kind else { continue };
                if t.quoted || !(c == '!' || toks.norm_of(i).contains('!')) {
                    continue;
                }
                let mark = toks.norm_of(i);
                let multiple = mark.chars().count() > 1;
                let bad = bad_sentences.contains(&t.sentence);
                if !multiple && !bad {
                    continue;
                }
                let (range, contiguous) = token_source(site, i..i + 1);
                if ends_error_code(&site.src[..range.start]) {
                    continue;
                }
                let rep = if bad {
                    "."
                } else if mark.contains('?') {
                    "?"
                } else {
                    "!"
                };
                let mut fixes = Vec::new();
                if contiguous && &site.src[range.clone()] != rep {
                    fixes.push(Fix {
                        title: format!(
                            "Replace \u{201C}{}\u{201D} with \u{201C}{rep}\u{201D}",
                            &site.src[range.clone()]
                        ),
                        edits: vec![Edit {
                            range: range.clone(),
                            replacement: rep.to_string(),
                        }],
                        preferred: !rule.fix_unsafe,
                    });
                }
                out.push(finding(rule, range, fixes));
            }
        }
        Some(Check::WallOfText) => {
            let params = &engine.check_params[ri as usize];
            let (max_sentence, max_paragraph) =
                (params.max_sentence_words, params.max_paragraph_words);
            let mut flagged_paragraph = false;
            let para_words = toks
                .tokens
                .iter()
                .filter(|t| t.kind == TokenKind::Word)
                .count();
            for s in &toks.sentences {
                let words = toks.tokens[s.clone()]
                    .iter()
                    .filter(|t| t.kind == TokenKind::Word)
                    .count();
                if words > max_sentence || (!flagged_paragraph && para_words > max_paragraph) {
                    flagged_paragraph = true;
                    let (range, _) = token_source(site, s.clone());
                    out.push(finding(rule, range, Vec::new()));
                    if words <= max_sentence {
                        continue;
                    }
                }
            }
        }
        _ => {}
    }
}

/// The raw source text of the template's customer-name placeholder, if any.
fn customer_placeholder<'a>(src: &'a str, doc: &SourceDoc) -> Option<&'a str> {
    doc.protected.iter().map(|r| &src[r.clone()]).find(|raw| {
        let l = raw.to_lowercase();
        let printing = !(l.starts_with("{{#")
            || l.starts_with("{{/")
            || l.starts_with("{{!")
            || l.starts_with("{% if")
            || l.starts_with("{%if"));
        printing
            && (l.contains("name") || l.contains("customer") || l.contains("requester"))
            && ![
                "agent",
                "assignee",
                "staff",
                "company",
                "brand",
                "product",
                "team",
                "ticket.id",
                "site",
                "org",
            ]
            .iter()
            .any(|x| l.contains(x))
    })
}

const GREETINGS: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "dear",
    "greetings",
    "good",
    "hiya",
    "howdy",
];

/// Whether the customer's quoted message raises a problem.
fn quoted_problem(params: &CheckParams, doc: &SourceDoc) -> bool {
    doc.customer_quotes().any(|q| {
        let toks = tokenize(q);
        let words = toks
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .count();
        // A plain question ("Can I change my address?") raises no problem.
        let in_question = |m: &super::matcher::Match| {
            let s = &toks.sentences[toks.tokens[m.tokens.start].sentence as usize];
            toks.tokens[s.end - 1].kind == TokenKind::End('?')
        };
        words >= 4
            && params.customer_problem.iter().any(|p| {
                super::matcher::find_in(&toks, p, 0..toks.tokens.len())
                    .iter()
                    .any(|m| !in_question(m))
            })
    })
}

/// Source range of the reply's first sentence after the greeting.
fn first_body_sentence(doc: &SourceDoc) -> Option<Range<usize>> {
    for seg in &doc.segments {
        let toks = tokenize(&seg.text);
        let mut start = 0;
        if toks
            .tokens
            .first()
            .is_some_and(|t| t.kind == TokenKind::Word && GREETINGS.contains(&toks.norm_of(0)))
        {
            // Skip "Hi Name," — up to the first comma, colon or end.
            start = toks
                .tokens
                .iter()
                .enumerate()
                .take(8)
                .skip(1)
                .find(|(_, t)| {
                    t.comma_before || matches!(t.kind, TokenKind::End(_) | TokenKind::Colon)
                })
                .map(|(i, t)| if t.comma_before { i } else { i + 1 })
                .unwrap_or(toks.tokens.len());
        }
        let words = toks.tokens[start.min(toks.tokens.len())..]
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .count();
        if words < 2 {
            continue;
        }
        let first = &toks.tokens[start];
        let sentence = toks.sentences[first.sentence as usize].clone();
        let last = &toks.tokens[sentence.end - 1];
        let a = seg.map.start_to_source(first.span.start);
        let b = seg.map.end_to_source(last.span.end).max(a);
        return Some(a..b);
    }
    None
}

/// Where a sentence goes "after the greeting": the edit inserting `sentence`.
pub fn insert_after_greeting(src: &str, doc: &SourceDoc, sentence: &str) -> Option<Edit> {
    let first = doc.segments.first()?;
    let toks = tokenize(&first.text);
    let starts_with_greeting = toks
        .tokens
        .first()
        .is_some_and(|t| t.kind == TokenKind::Word && GREETINGS.contains(&toks.norm_of(0)));
    // Segment offset where the body starts.
    let (seg_index, seg_offset) = if starts_with_greeting {
        let mut end = None;
        for (i, t) in toks.tokens.iter().enumerate().take(8).skip(1) {
            if t.comma_before || matches!(t.kind, TokenKind::End(_) | TokenKind::Colon) {
                end = Some(if t.comma_before { i } else { i + 1 });
                break;
            }
        }
        match end {
            Some(e) if e < toks.tokens.len() => (0, toks.tokens[e].span.start),
            Some(_) | None => (1, 0),
        }
    } else {
        (0, 0)
    };
    let seg = doc.segments.get(seg_index)?;
    let seg_offset = seg_offset.min(seg.text.len());
    // Skip separators in the segment text.
    let body = &seg.text[seg_offset..];
    let skip = body.len()
        - body
            .trim_start_matches([',', ':', ' ', '\n', '\t', '\r'])
            .len();
    let at = seg.map.start_to_source(seg_offset + skip);
    let mut rep = seg.escape.encode(sentence);
    rep.push(' ');
    let mut end = at;
    if let Some(c) = src[at..].chars().next() {
        if c.is_lowercase() {
            rep.extend(c.to_uppercase());
            end += c.len_utf8();
        }
    }
    Some(Edit {
        range: at..end,
        replacement: rep,
    })
}

/// The edit inserting `sentence` right after the sentence holding `hit`.
fn insert_after_sentence(doc: &SourceDoc, hit: &ParamHit, sentence: &str) -> Option<Edit> {
    let seg = doc.segments.get(hit.segment)?;
    let toks = tokenize(&seg.text);
    let t = toks.tokens.get(hit.tokens.start)?;
    let s = toks.sentences.get(t.sentence as usize)?;
    let last = &toks.tokens[s.end - 1];
    let at = seg.map.end_to_source(last.span.end);
    let rep = format!(" {}", seg.escape.encode(sentence));
    Some(Edit {
        range: at..at,
        replacement: rep,
    })
}

fn insertion_fix(rule: &Rule, edit: Option<Edit>) -> Vec<Fix> {
    edit.map(|e| Fix {
        title: format!("Add \u{201C}{}\u{201D}", e.replacement.trim()),
        edits: vec![e],
        preferred: !rule.fix_unsafe,
    })
    .into_iter()
    .collect()
}

fn sentence_param(rule: &Rule, src: &str, doc: &SourceDoc) -> Option<String> {
    match (
        rule.param_str("insert_with_name"),
        customer_placeholder(src, doc),
    ) {
        (Some(t), Some(name)) => Some(t.replace("{customer}", name)),
        _ => rule.param_str("insert").map(str::to_string),
    }
}

/// Whether an apology-density rule counts per paragraph (`scope =
/// "paragraph"`) rather than over the whole document.
pub fn density_per_paragraph(rule: &Rule) -> bool {
    rule.check == Some(Check::ApologyDensity) && rule.param_str("scope") == Some("paragraph")
}

/// Checks that look at the whole document.
#[allow(clippy::too_many_arguments)]
pub fn document(
    ri: u32,
    rule: &Rule,
    params: &CheckParams,
    src: &str,
    doc: &SourceDoc,
    hits: &[ParamHit],
    words: usize,
    out: &mut Vec<Finding>,
) {
    // Snippets too short to judge as a whole reply are skipped.
    if words < rule.param_usize("min_document_words", 0) {
        return;
    }
    let of = |key: &str| -> Vec<&ParamHit> {
        hits.iter()
            .filter(|h| h.rule == ri && h.key == key)
            .collect()
    };
    match rule.check {
        Some(Check::ApologyDensity) => {
            let max = rule.param_usize("max", 2);
            let words = of("words");
            if density_per_paragraph(rule) {
                // Counted per paragraph (segment): the check never looks
                // across blocks, so block-mode re-linting stays exact.
                for group in words.chunk_by(|a, b| a.segment == b.segment) {
                    if group.len() > max {
                        out.push(finding(rule, group[max].source.clone(), Vec::new()));
                    }
                }
            } else if words.len() > max {
                out.push(finding(rule, words[max].source.clone(), Vec::new()));
            }
        }
        Some(Check::NoAcknowledgement) => {
            // The problem is raised in the reply's own words or in the
            // customer's quoted message that the reply answers.
            let at = of("problem").first().map(|h| h.source.clone()).or_else(|| {
                quoted_problem(params, doc)
                    .then(|| first_body_sentence(doc))
                    .flatten()
            });
            if let Some(range) = at {
                if of("acknowledge").is_empty() {
                    let edit = sentence_param(rule, src, doc)
                        .and_then(|s| insert_after_greeting(src, doc, &s));
                    out.push(finding(rule, range, insertion_fix(rule, edit)));
                }
            }
        }
        Some(Check::ApologyWithoutAction) => {
            let apologies = of("apology");
            if let (Some(first), Some(last)) = (apologies.first(), apologies.last()) {
                if of("action").is_empty() {
                    let edit = sentence_param(rule, src, doc)
                        .and_then(|s| insert_after_sentence(doc, last, &s));
                    out.push(finding(
                        rule,
                        first.source.clone(),
                        insertion_fix(rule, edit),
                    ));
                }
            }
        }
        Some(Check::NoOwnership) => {
            let passive = of("passive");
            if let Some(first) = passive.first() {
                if of("owner").is_empty() {
                    let edit = sentence_param(rule, src, doc)
                        .and_then(|s| insert_after_sentence(doc, first, &s));
                    out.push(finding(
                        rule,
                        first.source.clone(),
                        insertion_fix(rule, edit),
                    ));
                }
            }
        }
        _ => {}
    }
}

/// Whether the text before an exclamation mark ends in a spreadsheet error code glued to it
/// (`#DIV/0!`, `#NUM!`, `#REF!`): the mark is part of the code's name, not a raised voice.
fn ends_error_code(before: &str) -> bool {
    let run = before
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"' || c == '\u{201C}')
        .next()
        .unwrap_or("");
    run.len() > 1
        && run.starts_with('#')
        && run[1..]
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '/' || c == '?')
}

#[cfg(test)]
mod tests {
    use crate::engine::{Engine, Overrides};
    use crate::lint::{FileSettings, Linter};
    use std::sync::Arc;

    const PACK: &str = r#"
[[rule]]
id = "shouting.caps"
category = "shouting"
message = "m"
why = "w"
check = "all-caps"
params = { min_words = 2, min_letters = 5, allow = ["FAQ"], emphasis = ["NEVER", "NOT", "CANT"], term_before = ["bitwise"], term_after = ["operator"] }

[[rule]]
id = "apology-without-action.x"
category = "apology-without-action"
message = "m"
why = "w"
check = "apology-without-action"
params = { apology = ["sorry"], action = ["i will"], min_document_words = 6 }
"#;

    fn rules_hit(text: &str) -> Vec<String> {
        let rules = crate::rules::parse_pack("t.toml", PACK).unwrap();
        let l = Linter::new(Arc::new(Engine::new(rules, &Overrides::default()).unwrap()));
        let r = l.lint(text, &FileSettings::default()).unwrap();
        r.findings
            .iter()
            .map(|f| text[f.range.clone()].to_string())
            .collect()
    }

    #[test]
    fn all_caps_runs_but_not_code_keys_or_acronyms() {
        assert_eq!(rules_hit("PLEASE DO NOT reply."), vec!["PLEASE DO NOT"]);
        assert!(
            rules_hit("Press CTRL+SHIFT+ENTER, then =SUM(LEN(A1)) and INSERT_INTO.").is_empty()
        );
        assert!(rules_hit("See the FAQ page.").is_empty());
        assert!(
            rules_hit("\"DO NOT REPLY\" is what they wrote").is_empty(),
            "quoted text"
        );
        assert_eq!(
            rules_hit("We will NEVER share it."),
            vec!["NEVER"],
            "emphasis words shout alone"
        );
        assert_eq!(
            rules_hit("We CAN'T refund it and we CAN’T reopen it."),
            vec!["CAN'T", "CAN’T"],
            "capitalised contractions shout like the words they stand for"
        );
        assert!(
            rules_hit("The customer's order went to the ABC's depot.").is_empty(),
            "a possessive acronym is not a raised voice"
        );
        assert!(
            rules_hit("Use the bitwise NOT to flip it, or the NOT operator.").is_empty(),
            "an operator's name is not a raised voice"
        );
    }

    #[test]
    fn document_checks_skip_snippets_shorter_than_min_document_words() {
        assert!(rules_hit("So sorry.").is_empty());
        assert_eq!(
            rules_hit("I am so sorry about the delay with your order."),
            vec!["sorry"]
        );
    }
}
