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
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            format: Format::Text,
            kind: Kind::Reply,
            source: SourceOptions::default(),
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
        let kind = doc.kind.unwrap_or(settings.kind);
        let mut findings = self.engine.lint(text, &doc, kind);
        source::repair::repair_fixes(text, settings.format, &doc.protected, &mut findings);
        let summary = Summary::of(&findings, text);
        Ok(LintResult {
            findings,
            kind,
            summary,
        })
    }
}
