//! Incremental re-linting of an open document: splits it into blocks that lint
//! independently, keeps each block's findings, and re-lints only changed blocks.
//!
//! Protocol-free; the language server keeps one [`IncrementalLint`] per open
//! document. The result is always the one a full [`Linter::lint`] would give:
//! block mode is used only where blocks cannot influence each other (see
//! [`IncrementalLint::lint`]); everywhere else the whole document is linted.
//! Findings stay shared per block ([`Findings`]), so an edit copies nothing
//! of the blocks it did not touch.

use std::ops::Range;
use std::sync::Arc;

use crate::engine::Engine;
use crate::lint::{FileSettings, Linter};
use crate::model::{Finding, Kind};
use crate::rules::Check;
use crate::score::Summary;
use crate::source::{Format, SourceError};

/// Documents shorter than this are linted whole: it costs well under a
/// millisecond and keeps document-level checks exact.
pub const BLOCK_MODE_MIN_BYTES: usize = 32 * 1024;

/// What the last call did (for tests and benchmarks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Work {
    /// Whether the document was split into blocks.
    pub block_mode: bool,
    /// Blocks in the document (1 when linted whole).
    pub blocks: usize,
    /// Bytes actually handed to the linter.
    pub linted_bytes: usize,
}

#[derive(Debug, Clone)]
struct Block {
    range: Range<usize>,
    /// Offsets relative to the block start.
    findings: Arc<[Finding]>,
    words: usize,
}

/// A document's findings, kept as shared per-block parts (offsets relative
/// to each part's start): cloning is cheap and unchanged blocks are never
/// copied. Read them with [`Findings::iter`] or [`Findings::touching`].
#[derive(Debug, Clone, Default)]
pub struct Findings {
    parts: Vec<(usize, Arc<[Finding]>)>,
    len: usize,
}

impl Findings {
    /// Findings of a whole document (source offsets).
    pub fn whole(findings: Vec<Finding>) -> Findings {
        let len = findings.len();
        Findings {
            parts: vec![(0, findings.into())],
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every finding in document order, with source offsets.
    pub fn iter(&self) -> impl Iterator<Item = Finding> + '_ {
        self.parts
            .iter()
            .flat_map(|(at, part)| part.iter().map(move |f| shift(f, *at)))
    }

    pub fn to_vec(&self) -> Vec<Finding> {
        self.iter().collect()
    }

    /// The shared parts: each part's start offset and its findings (offsets
    /// relative to that start). An unchanged block keeps the same `Arc`
    /// from one lint to the next, so a caller may cache what it derives from
    /// a part by `Arc::ptr_eq`.
    pub fn parts(&self) -> impl Iterator<Item = (usize, &Arc<[Finding]>)> + '_ {
        self.parts.iter().map(|(at, p)| (*at, p))
    }

    /// The findings whose range overlaps or touches `range`, in order.
    pub fn touching(&self, range: Range<usize>) -> Vec<Finding> {
        let first = self
            .parts
            .partition_point(|(at, _)| *at <= range.start)
            .saturating_sub(1);
        self.parts[first..]
            .iter()
            .take_while(|(at, _)| *at <= range.end)
            .flat_map(|(at, part)| {
                part.iter().filter_map(move |f| {
                    let (s, e) = (f.range.start + at, f.range.end + at);
                    (s <= range.end && range.start <= e).then(|| shift(f, *at))
                })
            })
            .collect()
    }
}

/// Why [`IncrementalLint::lint_until`] gave no result.
#[derive(Debug)]
pub enum Stopped {
    /// The document cannot be read as its format.
    Source(SourceError),
    /// `keep_going` said to stop.
    Cancelled,
}

/// What [`IncrementalLint::lint`] gives: the same as a [`crate::lint::LintResult`], with
/// the findings shared.
#[derive(Debug, Clone)]
pub struct Lint {
    pub findings: Findings,
    pub kind: Kind,
    pub summary: Summary,
}

/// The per-document cache. Reset it (or pass a new `generation`) whenever the
/// linter or the settings change.
#[derive(Debug)]
pub struct IncrementalLint {
    generation: u64,
    text: String,
    blocks: Vec<Block>,
    whole: Option<(Arc<str>, Lint)>,
    work: Work,
    /// Documents shorter than this are linted whole.
    min_block_mode_bytes: usize,
}

impl Default for IncrementalLint {
    fn default() -> Self {
        IncrementalLint::with_threshold(BLOCK_MODE_MIN_BYTES)
    }
}

impl IncrementalLint {
    pub fn new() -> IncrementalLint {
        IncrementalLint::default()
    }

    /// A cache that uses block mode from `min_bytes` on (tests use small
    /// documents).
    pub fn with_threshold(min_bytes: usize) -> IncrementalLint {
        IncrementalLint {
            generation: 0,
            text: String::new(),
            blocks: Vec::new(),
            whole: None,
            work: Work::default(),
            min_block_mode_bytes: min_bytes,
        }
    }

    /// What the last [`lint`](Self::lint) call did.
    pub fn last_work(&self) -> Work {
        self.work
    }

    /// Lints `text`, reusing the findings of every block that did not change
    /// since the previous call with the same `generation`.
    pub fn lint(
        &mut self,
        linter: &Linter,
        settings: &FileSettings,
        generation: u64,
        text: &str,
    ) -> Result<Lint, SourceError> {
        match self.lint_until(linter, settings, generation, text, &|| true) {
            Ok(l) => Ok(l),
            Err(Stopped::Source(e)) => Err(e),
            Err(Stopped::Cancelled) => unreachable!("never cancelled"),
        }
    }

    /// [`lint`](Self::lint) that asks `keep_going` before each block it
    /// lints and stops when it says no (the text was superseded or the time
    /// budget is spent). A stopped lint leaves the cache as it was, so the
    /// next call still re-lints only what changed.
    ///
    /// Block mode applies to large plain-text and Markdown documents whose
    /// kind has no document-level check (by default only replies have them)
    /// and that hold no range or kind directive: there nothing looks across
    /// blocks (a `disable-next-line` directive reaches only the next line). Other documents are linted whole, with the
    /// result reused when the text did not change.
    pub fn lint_until(
        &mut self,
        linter: &Linter,
        settings: &FileSettings,
        generation: u64,
        text: &str,
        keep_going: &dyn Fn() -> bool,
    ) -> Result<Lint, Stopped> {
        if generation != self.generation {
            self.generation = generation;
            self.text.clear();
            self.blocks.clear();
            self.whole = None;
        }
        if text.len() < self.min_block_mode_bytes || !block_mode_applies(linter, text, settings) {
            self.blocks.clear();
            self.text.clear();
            if let Some((old, result)) = &self.whole {
                if **old == *text {
                    self.work = Work {
                        block_mode: false,
                        blocks: 1,
                        linted_bytes: 0,
                    };
                    return Ok(result.clone());
                }
            }
            if !keep_going() {
                return Err(Stopped::Cancelled);
            }
            let r = linter.lint(text, settings).map_err(Stopped::Source)?;
            let result = Lint {
                findings: Findings::whole(r.findings),
                kind: r.kind,
                summary: r.summary,
            };
            self.whole = Some((Arc::from(text), result.clone()));
            self.work = Work {
                block_mode: false,
                blocks: 1,
                linted_bytes: text.len(),
            };
            return Ok(result);
        }
        self.whole = None;

        let ranges = split_blocks(text);
        let old_text = &self.text;
        let old = &self.blocks;
        // Unchanged blocks at the front keep their offsets; at the back they
        // shift by the length difference. Both compare text, not hashes.
        let same = |o: &Block, n: &Range<usize>| old_text[o.range.clone()] == text[n.clone()];
        let mut front = 0;
        while front < old.len() && front < ranges.len() && same(&old[front], &ranges[front]) {
            front += 1;
        }
        let mut back = 0;
        while back < old.len() - front
            && back < ranges.len() - front
            && same(&old[old.len() - 1 - back], &ranges[ranges.len() - 1 - back])
        {
            back += 1;
        }
        // Built aside (blocks share their findings), so a stop or an error
        // leaves the cache intact.
        let mut blocks: Vec<Block> = Vec::with_capacity(ranges.len());
        blocks.extend_from_slice(&old[..front]);
        let mut linted = 0;
        for range in &ranges[front..ranges.len() - back] {
            if !keep_going() {
                return Err(Stopped::Cancelled);
            }
            let part = &text[range.clone()];
            let result = linter.lint(part, settings).map_err(Stopped::Source)?;
            linted += part.len();
            blocks.push(Block {
                range: range.clone(),
                findings: result.findings.into(),
                words: crate::score::word_count(part),
            });
        }
        for (block, range) in old[old.len() - back..]
            .iter()
            .zip(&ranges[ranges.len() - back..])
        {
            blocks.push(Block {
                range: range.clone(),
                ..block.clone()
            });
        }

        let words = blocks.iter().map(|b| b.words).sum();
        let summary = Summary::of_iter(blocks.iter().flat_map(|b| b.findings.iter()), words);
        let findings = Findings {
            len: blocks.iter().map(|b| b.findings.len()).sum(),
            parts: blocks
                .iter()
                .filter(|b| !b.findings.is_empty())
                .map(|b| (b.range.start, b.findings.clone()))
                .collect(),
        };
        self.work = Work {
            block_mode: true,
            blocks: blocks.len(),
            linted_bytes: linted,
        };
        self.blocks = blocks;
        self.text.clear();
        self.text.push_str(text);
        Ok(Lint {
            findings,
            kind: settings.kind,
            summary,
        })
    }
}

fn block_mode_applies(linter: &Linter, text: &str, settings: &FileSettings) -> bool {
    matches!(settings.format, Format::Text | Format::Markdown)
        && !has_document_checks(linter.engine(), settings.kind)
        && !has_range_directive(text)
}

/// Whether a check that looks at the whole document applies to `kind` (the
/// checks [`Engine::finish`] runs; segment-level checks such as wall-of-text,
/// and apology density counted per paragraph, work per block).
fn has_document_checks(engine: &Engine, kind: Kind) -> bool {
    engine.rules().iter().any(|r| {
        r.applies_to(kind)
            && !crate::engine::checks::density_per_paragraph(r)
            && matches!(
                r.check,
                Some(
                    Check::ApologyDensity
                        | Check::NoAcknowledgement
                        | Check::ApologyWithoutAction
                        | Check::NoOwnership
                )
            )
    })
}

/// Whether a directive could reach past the next line: `tactful-disable`,
/// `tactful-enable` or a `tactful:` kind directive.
fn has_range_directive(text: &str) -> bool {
    if text.contains("tactful-enable") || text.contains("tactful:") {
        return true;
    }
    text.match_indices("tactful-disable")
        .any(|(i, m)| !text[i + m.len()..].starts_with("-next-line"))
}

fn shift(f: &Finding, by: usize) -> Finding {
    let mut f = f.clone();
    f.range = f.range.start + by..f.range.end + by;
    for fix in &mut f.fixes {
        for edit in &mut fix.edits {
            edit.range = edit.range.start + by..edit.range.end + by;
        }
    }
    f
}

/// Splits a Markdown or plain-text document into blocks that lint the same
/// alone as in the document: cuts after blank lines, but never inside code
/// fences, HTML comments, raw HTML blocks (`pre`, `script`, `style`,
/// `textarea`) or front matter, never before an indented line (which may
/// continue a list item or an indented code block), and never after a line
/// ending in a colon (it introduces what follows). Blocks cover the text.
pub fn split_blocks(text: &str) -> Vec<Range<usize>> {
    #[derive(PartialEq)]
    enum State {
        Normal,
        Fence(u8, usize),
        Comment,
        RawHtml(&'static str),
        FrontMatter,
    }
    let mut blocks = Vec::new();
    let mut start = 0;
    let mut state = State::Normal;
    let mut after_blank = false;
    // The last non-blank line ends in a colon: it leads into the next block
    // ("You receive the following error message:"), which the source layer
    // reads in its light (a displayed message), so the two stay together.
    let mut lead_in = false;
    let mut pos = 0;
    let bytes = text.as_bytes();
    while pos < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let line = &text[pos..end];
        let trimmed = line.trim_start();
        let blank = trimmed.is_empty();
        if state == State::Normal && !blank && after_blank && pos > start && !lead_in {
            let indented = line.starts_with([' ', '\t']);
            if !indented {
                blocks.push(start..pos);
                start = pos;
            }
        }
        if !blank {
            after_blank = false;
            lead_in = line.trim_end().ends_with(':');
        }
        state = match state {
            State::Normal if pos == 0 && line.trim_end() == "---" => State::FrontMatter,
            State::FrontMatter => {
                let t = line.trim_end();
                if t == "---" || t == "..." {
                    State::Normal
                } else {
                    State::FrontMatter
                }
            }
            State::Normal => {
                if let Some(fence) = fence_open(trimmed) {
                    fence
                } else if let Some(i) = trimmed.find("<!--") {
                    if trimmed[i + 4..].contains("-->") {
                        State::Normal
                    } else {
                        State::Comment
                    }
                } else if let Some(close) = raw_html_open(trimmed) {
                    if contains_ignore_case(trimmed, close) {
                        State::Normal
                    } else {
                        State::RawHtml(close)
                    }
                } else {
                    State::Normal
                }
            }
            State::Fence(ch, len) => {
                let t = trimmed.trim_end();
                let n = t.bytes().take_while(|&b| b == ch).count();
                if n >= len && n == t.len() {
                    State::Normal
                } else {
                    State::Fence(ch, len)
                }
            }
            State::Comment => {
                if line.contains("-->") {
                    State::Normal
                } else {
                    State::Comment
                }
            }
            State::RawHtml(close) => {
                if contains_ignore_case(line, close) {
                    State::Normal
                } else {
                    State::RawHtml(close)
                }
            }
        };
        if blank {
            after_blank = true;
        }
        pos = end;

        fn fence_open(trimmed: &str) -> Option<State> {
            let ch = *trimmed.as_bytes().first()?;
            if ch != b'`' && ch != b'~' {
                return None;
            }
            let n = trimmed.bytes().take_while(|&b| b == ch).count();
            (n >= 3).then_some(State::Fence(ch, n))
        }
        fn raw_html_open(trimmed: &str) -> Option<&'static str> {
            let lower = trimmed.get(..10).unwrap_or(trimmed).to_ascii_lowercase();
            [
                ("<pre", "</pre>"),
                ("<script", "</script>"),
                ("<style", "</style>"),
                ("<textarea", "</textarea>"),
            ]
            .into_iter()
            .find(|(open, _)| {
                lower.starts_with(open)
                    && lower[open.len()..].starts_with(|c: char| c == '>' || c.is_whitespace())
            })
            .map(|(_, close)| close)
        }
    }
    if start < text.len() || blocks.is_empty() {
        blocks.push(start..text.len());
    }
    blocks
}

fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    hay.to_ascii_lowercase().contains(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> Vec<&str> {
        split_blocks(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn blocks_cut_after_blank_lines() {
        assert_eq!(parts("a\nb\n\nc\n\n\nd"), vec!["a\nb\n\n", "c\n\n\n", "d"]);
        assert_eq!(parts(""), vec![""]);
    }

    #[test]
    fn blocks_never_cut_inside_fences_comments_or_before_indented_lines() {
        let text = "```\ncode\n\nmore\n```\n\n- item\n\n  continued\n\n<!-- c\n\nd -->\n\nz";
        assert_eq!(
            parts(text),
            vec![
                "```\ncode\n\nmore\n```\n\n",
                "- item\n\n  continued\n\n",
                "<!-- c\n\nd -->\n\n",
                "z"
            ]
        );
        assert_eq!(
            parts("---\na: 1\n\nb: 2\n---\n\nx"),
            vec!["---\na: 1\n\nb: 2\n---\n\n", "x"]
        );
        assert_eq!(
            parts("<pre>\na\n\nb</pre>\n\nx"),
            vec!["<pre>\na\n\nb</pre>\n\n", "x"]
        );
    }

    #[test]
    fn range_directives_force_whole_document_lints() {
        assert!(has_range_directive("x <!-- tactful-disable --> y"));
        assert!(has_range_directive("<!-- tactful: kind=kb -->"));
        assert!(!has_range_directive("<!-- tactful-disable-next-line x -->"));
    }

    const PACK: &str = r#"
[[rule]]
id = "minimizing.test-simply"
category = "minimizing"
message = "m"
why = "w"
match = ["simply", "just {verb:click|restart}"]
fix = [""]

[[rule]]
id = "blame-customer.test-you-failed"
category = "blame-customer"
message = "m"
why = "w"
match = ["you failed to {verb}"]
"#;

    fn house() -> Linter {
        let rules = crate::rules::parse_pack("house.toml", PACK).unwrap();
        let engine = Engine::new(rules, &crate::engine::Overrides::default()).unwrap();
        Linter::new(Arc::new(engine))
    }

    fn kb_markdown() -> FileSettings {
        FileSettings {
            format: Format::Markdown,
            kind: Kind::Kb,
            ..FileSettings::default()
        }
    }

    #[test]
    fn only_changed_blocks_are_relinted() {
        let linter = house();
        let settings = kb_markdown();
        let para = "You simply need to restart the app. ".repeat(20);
        let mut text = String::new();
        while text.len() < BLOCK_MODE_MIN_BYTES * 2 {
            text.push_str(&para);
            text.push_str("\n\n");
        }
        let mut inc = IncrementalLint::new();
        let full = inc.lint(&linter, &settings, 1, &text).unwrap();
        assert!(inc.last_work().block_mode);
        assert_eq!(inc.last_work().linted_bytes, text.len());
        assert!(full.findings.len() > 100);
        assert_eq!(full.findings.len(), full.findings.to_vec().len());
        let mid = text.len() / 2;
        let mid = (mid..).find(|&i| text.is_char_boundary(i)).unwrap();
        text.insert(mid, 'x');
        let after = inc.lint(&linter, &settings, 1, &text).unwrap();
        assert!(inc.last_work().linted_bytes < para.len() + 10);
        let expected = linter.lint(&text, &settings).unwrap();
        assert_eq!(after.findings.to_vec(), expected.findings);
        assert_eq!(after.summary, expected.summary);
        // Lookups by range see the same findings.
        let probe = expected.findings[7].range.clone();
        let near: Vec<_> = expected
            .findings
            .iter()
            .filter(|f| f.range.start <= probe.end && probe.start <= f.range.end)
            .cloned()
            .collect();
        assert_eq!(after.findings.touching(probe), near);
        // A new generation (new config) relints everything.
        inc.lint(&linter, &settings, 2, &text).unwrap();
        assert_eq!(inc.last_work().linted_bytes, text.len());
    }

    #[test]
    fn kb_articles_keep_block_mode_with_the_default_packs() {
        // Apology density in an article is counted per paragraph, so the
        // default packs have no whole-document check for KB and an edit
        // re-lints only its block.
        let linter = Linter::default_packs();
        let settings = kb_markdown();
        let mut text = String::new();
        for i in 0..40 {
            text.push_str(&format!("Step {i}: open Settings and select Export.\n\n"));
        }
        text.push_str(
            "We're so sorry about the outage. We apologise again for the disruption.\n\n",
        );
        text.push_str("You receive the following error message:\n\n**Sorry, we are sorry, an error occurred. We apologise.**\n");
        let mut inc = IncrementalLint::with_threshold(0);
        let first = inc.lint(&linter, &settings, 1, &text).unwrap();
        assert!(inc.last_work().block_mode);
        let rules: Vec<_> = first.findings.iter().map(|f| f.rule.clone()).collect();
        assert_eq!(
            rules
                .iter()
                .filter(|r| &***r == "over-apology.density-kb")
                .count(),
            1,
            "the paragraph of apologies, not the quoted message: {rules:?}"
        );
        text.insert_str(0, "Intro.\n\n");
        let after = inc.lint(&linter, &settings, 1, &text).unwrap();
        assert!(inc.last_work().linted_bytes < 20);
        assert_eq!(
            after.findings.to_vec(),
            linter.lint(&text, &settings).unwrap().findings
        );
    }

    /// Random edits on a Markdown article full of the constructs that must
    /// not be cut (fences, comments, lists, quotes, front matter): the
    /// incremental result always equals a full lint.
    #[test]
    fn incremental_results_equal_full_lints_under_random_edits() {
        const PIECES: &[&str] = &[
            "You simply click Save. ",
            "You failed to restart it.\n",
            "\n\n",
            "\n```\nyou simply\n\nsimply\n",
            "\n```\n",
            "<!-- simply\n\n -->",
            "\n- item simply\n\n  continued, just restart\n",
            "\n> quoted: you simply\n",
            "<!-- tactful-disable-next-line -->\n",
            "<!-- tactful-disable-next-line minimizing -->\n",
            "    indented simply\n",
            "日本 😀 ",
        ];
        let linter = house();
        let settings = kb_markdown();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut rand = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut text = String::from("---\ntitle: simply\n\nmore: x\n---\n\n");
        while text.len() < 3000 {
            text.push_str(PIECES[rand(PIECES.len())]);
        }
        let mut inc = IncrementalLint::with_threshold(0);
        let mut block_runs = 0;
        for step in 0..300 {
            // A cut-up directive may leave a range directive behind (which
            // rightly forces whole lints); keep the article free of them.
            while let Some(i) = text.find("tactful-disable") {
                if has_range_directive(&text[i..]) {
                    text.replace_range(i..i + "tactful-disable".len(), "x");
                } else {
                    break;
                }
            }
            let at = loop {
                let i = rand(text.len() + 1);
                if text.is_char_boundary(i) {
                    break i;
                }
            };
            let end = (at + rand(40)).min(text.len());
            let end = (end..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap();
            text.replace_range(at..end, PIECES[rand(PIECES.len())]);
            let got = inc.lint(&linter, &settings, 1, &text).unwrap();
            block_runs += usize::from(inc.last_work().block_mode);
            let want = linter.lint(&text, &settings).unwrap();
            assert_eq!(got.findings.to_vec(), want.findings, "step {step}");
            assert_eq!(got.summary, want.summary, "step {step}");
        }
        assert!(block_runs > 200, "block mode was used {block_runs} times");
    }
}
