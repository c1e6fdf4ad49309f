//! The facade every adapter calls: text + per-file settings in, findings and
//! a tone summary out. Pure and synchronous; safe to call from many threads.

use std::sync::Arc;

use crate::engine::Engine;
use crate::model::{Finding, Kind};
use crate::score::Summary;
use crate::source::{self, Format, SourceError, SourceOptions};

/// Everything that decides how one file is linted.
#[derive(Debug, Clone)]
pub struct FileSettings {
    pub format: Format,
    /// The kind from config globs or the default globs; a directive in the
    /// document wins over it.
    pub kind: Kind,
    pub source: SourceOptions,
    /// Keep a finding even when another one of the same category covers its
    /// words (rule self-tests look at every rule on its own).
    pub keep_covered: bool,
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            format: Format::Text,
            kind: Kind::Reply,
            source: SourceOptions::default(),
            keep_covered: false,
        }
    }
}

/// The result of linting one document.
#[derive(Debug, Clone)]
pub struct LintResult {
    /// Sorted by start offset, then rule id.
    pub findings: Vec<Finding>,
    /// The kind actually used (after directives).
    pub kind: Kind,
    pub summary: Summary,
}

/// A compiled rule set with its settings: build once, lint many documents.
#[derive(Clone)]
pub struct Linter {
    engine: Arc<Engine>,
}

impl Linter {
    pub fn new(engine: Arc<Engine>) -> Self {
        Linter { engine }
    }

    /// The linter over the embedded default packs with default settings.
    pub fn default_packs() -> Self {
        Linter {
            engine: Arc::new(Engine::default_packs()),
        }
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Lints one document.
    pub fn lint(&self, text: &str, settings: &FileSettings) -> Result<LintResult, SourceError> {
        let doc = source::extract(text, settings.format, &settings.source)?;
        Ok(self.lint_doc(text, &doc, settings))
    }

    /// Lints a document already turned into prose (`doc`, extracted from
    /// `text` with `settings`, possibly narrowed to some of its segments).
    pub fn lint_doc(
        &self,
        text: &str,
        doc: &source::SourceDoc,
        settings: &FileSettings,
    ) -> LintResult {
        let kind = doc.kind.unwrap_or(settings.kind);
        let mut findings = self.engine.lint(text, doc, kind);
        source::repair::repair_fixes(text, settings.format, &doc.protected, &mut findings);
        if !settings.keep_covered {
            drop_covered_findings(&mut findings);
        }
        let summary = Summary::of(&findings, text);
        LintResult {
            findings,
            kind,
            summary,
        }
    }
}

/// Two rules of one category on the same words say the same thing twice: a
/// finding whose range lies inside another finding of its category and
/// severity is dropped (a severity set apart in config keeps both). On equal ranges the one with a preferred fix
/// stays. Findings are sorted by start, so one pass with the widest finding
/// so far per category is enough (linear in the findings).
pub fn drop_covered_findings(findings: &mut Vec<Finding>) {
    use std::collections::HashMap;
    let mut cover: HashMap<crate::model::Category, usize> = HashMap::new();
    let mut keep = vec![true; findings.len()];
    for i in 0..findings.len() {
        let f = &findings[i];
        match cover.get(&f.category).copied() {
            Some(c)
                if findings[c].range.end >= f.range.end && findings[c].severity == f.severity =>
            {
                let same_words = findings[c].range == f.range;
                if same_words
                    && f.preferred_fix().is_some()
                    && findings[c].preferred_fix().is_none()
                {
                    keep[c] = false;
                    cover.insert(f.category, i);
                } else {
                    keep[i] = false;
                }
            }
            Some(c) if findings[c].range.end >= f.range.end => {}
            _ => {
                cover.insert(f.category, i);
            }
        }
    }
    let mut k = keep.into_iter();
    findings.retain(|_| k.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_inside_another_of_its_category_is_dropped_keeping_the_fixable_one() {
        let linter = Linter::default_packs();
        let text = "You should have checked the address first.";
        let all = linter
            .lint(
                text,
                &FileSettings {
                    keep_covered: true,
                    ..Default::default()
                },
            )
            .unwrap()
            .findings;
        let blame = |fs: &[Finding]| {
            fs.iter()
                .filter(|f| f.category.id() == "blame-customer")
                .count()
        };
        assert!(
            blame(&all) >= 2,
            "two blame rules share these words: {all:?}"
        );
        let shown = linter
            .lint(text, &FileSettings::default())
            .unwrap()
            .findings;
        assert_eq!(blame(&shown), 1, "{shown:?}");
        // The one kept is the one carrying a fix.
        assert!(shown
            .iter()
            .any(|f| f.category.id() == "blame-customer" && f.preferred_fix().is_some()));
        // Findings of other categories on the same words stay.
        let other = |fs: &[Finding]| {
            fs.iter()
                .filter(|f| f.category.id() != "blame-customer")
                .count()
        };
        assert_eq!(other(&all), other(&shown));
    }
}
