//! Clause function: what the sentence around a match is doing — a condition
//! or hypothetical, a requirement or how-to step, a question, reported
//! speech, a negation — so rules say *where* they apply (`not_in = [...]`,
//! `only_in = [...]`) instead of listing guard phrases one by one. The cue
//! words are data: `clause-*` classes of `rules/lexicon.toml`.
//!
//! Automated notifications ("This is an automated message", "do not reply to
//! this email") and a developer audience (a pull request, a stack trace, the
//! repository) are properties of the whole document; see [`NOTICE_CLASS`] and
//! [`DEVELOPER_CLASS`].

use std::ops::Range;
use std::sync::OnceLock;

use super::matcher;
use super::tokenize::{TokenKind, Tokens};
use crate::rules::{self, pattern, Pattern};

/// One clause function. The names are the values of `not_in` / `only_in`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// Inside (or governed by) an if/unless/when/once/in-case clause, or a
    /// hypothetical ("should you", "would you like").
    Conditional,
    /// The sentence states what something requires or how to do it: a
    /// purpose clause ("To add an admin, …"), eligibility, a plan or role requirement.
    Requirement,
    /// The sentence is a question.
    Question,
    /// The match is reported or quoted speech ("you said that …", "you wrote:").
    Reported,
    /// A negation governs the match ("you don't need to …", "never …").
    Negated,
    /// The sentence starts with an instruction verb (a how-to step).
    Instruction,
    /// The document is an automated notification (no human voice).
    Notification,
    /// The document is written to developers (a pull request, a commit, a
    /// stack trace): their trade words are not jargon to them.
    Developer,
}

impl Function {
    pub const ALL: [Function; 8] = [
        Function::Conditional,
        Function::Requirement,
        Function::Question,
        Function::Reported,
        Function::Negated,
        Function::Instruction,
        Function::Notification,
        Function::Developer,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Function::Conditional => "conditional",
            Function::Requirement => "requirement",
            Function::Question => "question",
            Function::Reported => "reported",
            Function::Negated => "negated",
            Function::Instruction => "instruction",
            Function::Notification => "notification",
            Function::Developer => "developer",
        }
    }

    pub fn from_id(id: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.id() == id)
    }

    /// Judged on the whole document (in `Engine::finish`), not per sentence.
    pub fn is_document_level(self) -> bool {
        matches!(self, Function::Notification | Function::Developer)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// A set of clause functions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Functions(u8);

impl Functions {
    pub fn insert(&mut self, f: Function) {
        self.0 |= f.bit();
    }
    pub fn contains(self, f: Function) -> bool {
        self.0 & f.bit() != 0
    }
    pub fn intersects(self, other: Functions) -> bool {
        self.0 & other.0 != 0
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn of(list: &[Function]) -> Functions {
        let mut s = Functions::default();
        for f in list {
            s.insert(*f);
        }
        s
    }
}

/// The lexicon class holding automated-notice cues (document level).
pub const NOTICE_CLASS: &str = "clause-automated";

/// The lexicon class holding developer-audience cues (document level).
pub const DEVELOPER_CLASS: &str = "clause-developer";

struct Cues {
    /// Subordinators that open a condition anywhere in the sentence.
    conditional: Vec<Pattern>,
    /// Sentence openings that make it hypothetical ("should you …").
    hypothetical_start: Vec<Pattern>,
    /// Requirement / purpose framing anywhere in the sentence.
    requirement: Vec<Pattern>,
    /// Reporting frames before the match ("you said that").
    reported: Vec<Pattern>,
    /// Negators just before the match.
    negator: Vec<Pattern>,
    /// Instruction verbs that open a how-to step.
    instruction: Vec<Pattern>,
    /// Automated-notification cues.
    notice: Vec<Pattern>,
    /// Developer-audience cues.
    developer: Vec<Pattern>,
}

fn class_patterns(name: &str, fallback: &[&str]) -> Vec<Pattern> {
    let lex = rules::embedded_lexicon();
    let owned: Vec<String>;
    let entries: &[String] = match lex.class(name) {
        Some(e) => e,
        None => {
            owned = fallback.iter().map(|s| s.to_string()).collect();
            &owned
        }
    };
    entries
        .iter()
        .filter_map(|e| lex.expand(e).ok())
        .filter_map(|e| pattern::parse(&e).ok())
        .collect()
}

fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| Cues {
        conditional: class_patterns(
            "clause-conditional",
            &[
                "if",
                "unless",
                "once",
                "whenever",
                "in case",
                "provided that",
            ],
        ),
        hypothetical_start: class_patterns("clause-hypothetical-start", &["should you"]),
        requirement: class_patterns("clause-requirement", &["in order to"]),
        reported: class_patterns("clause-reported", &["you (said|wrote|mentioned) (that)?"]),
        negator: class_patterns("clause-negator", &["not", "never", "no"]),
        instruction: class_patterns("clause-instruction", &["click", "go to", "select"]),
        notice: class_patterns(NOTICE_CLASS, &["this is an automated message"]),
        developer: class_patterns(DEVELOPER_CLASS, &["pull request"]),
    })
}

fn any_in(toks: &Tokens, pats: &[Pattern], starts: Range<usize>) -> Option<usize> {
    for s in starts {
        for p in pats {
            if matcher::match_at(toks, p, s).is_some() {
                return Some(s);
            }
        }
    }
    None
}

/// How far before or after a match a cue is looked for (bounds the cost).
const WINDOW: usize = 40;

/// The clause functions of the sentence around `span` (token indices).
pub fn functions_at(toks: &Tokens, span: Range<usize>) -> Functions {
    let mut f = Functions::default();
    let Some(first) = toks.tokens.get(span.start) else {
        return f;
    };
    let sentence = toks.sentences[first.sentence as usize].clone();
    let lo = span.start.saturating_sub(WINDOW).max(sentence.start);
    let hi = (span.end + WINDOW).min(sentence.end);
    let c = cues();
    if toks.tokens[sentence.start..sentence.end]
        .last()
        .is_some_and(|t| t.kind == TokenKind::End('?'))
    {
        f.insert(Function::Question);
    }
    // Cues are looked for around the match, never inside it: the matched
    // words ("unable to change", "can not") are the rule's own.
    let around = |pats: &[Pattern]| {
        any_in(toks, pats, lo..span.start).is_some() || any_in(toks, pats, span.end..hi).is_some()
    };
    if around(&c.conditional)
        || any_in(
            toks,
            &c.hypothetical_start,
            sentence.start..sentence.start + 1,
        )
        .is_some()
    {
        f.insert(Function::Conditional);
    }
    if around(&c.requirement) {
        f.insert(Function::Requirement);
    }
    if any_in(toks, &c.reported, lo..span.start).is_some() {
        f.insert(Function::Reported);
    }
    if any_in(
        toks,
        &c.negator,
        span.start.saturating_sub(3).max(sentence.start)..span.start,
    )
    .is_some()
    {
        f.insert(Function::Negated);
    }
    if any_in(toks, &c.instruction, sentence.start..sentence.start + 1).is_some() {
        f.insert(Function::Instruction);
    }
    f
}

/// Whether a segment reads as an automated notification.
pub fn is_automated_notice(toks: &Tokens) -> bool {
    static INDEX: OnceLock<CueIndex> = OnceLock::new();
    let notice = &cues().notice;
    any_document_cue(toks, notice, INDEX.get_or_init(|| cue_index(notice)))
}

/// Whether a segment is written to developers.
pub fn is_developer_audience(toks: &Tokens) -> bool {
    static INDEX: OnceLock<CueIndex> = OnceLock::new();
    let developer = &cues().developer;
    any_document_cue(toks, developer, INDEX.get_or_init(|| cue_index(developer)))
}

/// Whether one of a document-level class's cues matches in the segment's
/// first 400 tokens.
fn any_document_cue(toks: &Tokens, cues: &[Pattern], index: &CueIndex) -> bool {
    let n = toks.tokens.len().min(400);
    // A cue matching at a start before `n` has its anchor text in the
    // normalised text at a token its prefix widths allow: verifying only
    // around anchor hits finds the same starts as trying every position.
    if let Some(ac) = &index.ac {
        for m in ac.find_overlapping_iter(&toks.norm) {
            let Some(t) = toks.token_at_norm(m.start() + 1) else {
                continue;
            };
            for &(pi, lo, hi) in &index.owners[m.pattern().as_usize()] {
                if t < lo {
                    continue;
                }
                let first = t.saturating_sub(hi);
                let last = (t - lo).min(n.saturating_sub(1));
                if n == 0 || first > last {
                    continue;
                }
                let p = &cues[pi as usize];
                if (first..=last).any(|s| matcher::match_at(toks, p, s).is_some()) {
                    return true;
                }
            }
        }
    }
    index
        .unanchored
        .iter()
        .any(|&pi| (0..n).any(|s| matcher::match_at(toks, &cues[pi as usize], s).is_some()))
}

/// A document-level class's cue anchors in one small automaton: (pattern,
/// least and most tokens before the anchor) per anchor text; cues without a
/// literal anchor are tried at every start.
struct CueIndex {
    ac: Option<aho_corasick::AhoCorasick>,
    owners: Vec<Vec<(u32, usize, usize)>>,
    unanchored: Vec<u32>,
}

fn cue_index(cues: &[Pattern]) -> CueIndex {
    let mut texts: Vec<String> = Vec::new();
    let mut owners: Vec<Vec<(u32, usize, usize)>> = Vec::new();
    let mut unanchored = Vec::new();
    for (pi, p) in cues.iter().enumerate() {
        let Ok(anchors) = super::automaton::anchors_for(&p.elems) else {
            unanchored.push(pi as u32);
            continue;
        };
        for a in anchors.iter().filter(|a| !a.gate) {
            let (lo, hi) = pattern::seq_width(&p.elems[..a.elem]);
            let k = match texts.iter().position(|t| *t == a.text) {
                Some(k) => k,
                None => {
                    texts.push(a.text.clone());
                    owners.push(Vec::new());
                    texts.len() - 1
                }
            };
            if !owners[k].contains(&(pi as u32, lo, hi)) {
                owners[k].push((pi as u32, lo, hi));
            }
        }
    }
    let ac = (!texts.is_empty()).then(|| {
        aho_corasick::AhoCorasickBuilder::new()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(&texts)
            .expect("cue automaton builds")
    });
    CueIndex {
        ac,
        owners,
        unanchored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tokenize::tokenize;

    fn at(text: &str, word: &str) -> Functions {
        let t = tokenize(text);
        let i = (0..t.tokens.len()).find(|&i| t.norm_of(i) == word).unwrap();
        functions_at(&t, i..i + 1)
    }

    #[test]
    fn help_desk_system_mail_reads_as_an_automated_notice() {
        for text in [
            "This is a courtesy e-mail to let you know that we have received your query.",
            "Your ticket has been assigned a number of 4411.",
            "Please reply keeping the subject intact.",
            "##- Please type your reply above this line -##",
        ] {
            assert!(is_automated_notice(&tokenize(text)), "{text}");
        }
        assert!(!is_automated_notice(&tokenize(
            "I've assigned your ticket to Sam, who will call you today."
        )));
    }

    #[test]
    fn replies_to_developers_read_as_a_developer_audience() {
        for text in [
            "Thanks for the PR! CI is failing on the lint step.",
            "Could you attach the full stack trace?",
            "Please rebase on main and push again.",
            "This is fixed in the latest commit on the release branch.",
        ] {
            assert!(is_developer_audience(&tokenize(text)), "{text}");
        }
        for text in [
            "Please bring your ID to the branch on High Street.",
            "I've triaged your ticket and a technician will call you at 3 pm.",
            "We commit to answering within one working day.",
        ] {
            assert!(!is_developer_audience(&tokenize(text)), "{text}");
        }
    }

    #[test]
    fn conditions_questions_requirements_and_reports() {
        assert!(
            at("If you didn't get the email, resend it.", "did").contains(Function::Conditional)
        );
        assert!(
            at("You'll need a new link once it expires.", "need").contains(Function::Conditional)
        );
        assert!(!at("You didn't enter the code.", "did").contains(Function::Conditional));
        assert!(
            !at("The app crashed once and you lost the draft.", "lost")
                .contains(Function::Conditional),
            "\"once\" as a count is not a condition"
        );
        assert!(at("Once installed, restart it.", "restart").contains(Function::Conditional));
        assert!(at("Did you restart it?", "restart").contains(Function::Question));
        assert!(
            at("To add an admin, you need to be on the Team plan.", "need")
                .contains(Function::Requirement)
        );
        assert!(at("You said that it was broken.", "broken").contains(Function::Reported));
        assert!(at("You don't need to do anything.", "need").contains(Function::Negated));
        assert!(at("Click Save and you're done.", "done").contains(Function::Instruction));
    }

    #[test]
    fn cues_inside_the_match_are_the_rules_own_words() {
        let t = tokenize("We are unable to change the date.");
        let f = functions_at(&t, 2..5); // "unable to change"
        assert!(!f.contains(Function::Requirement));
        let t = tokenize("We can't refund it.");
        let f = functions_at(&t, 1..4); // "can not refund"
        assert!(!f.contains(Function::Negated));
        let t = tokenize("It is not that we can't refund it.");
        assert!(functions_at(&t, 5..8).contains(Function::Negated));
    }
}
