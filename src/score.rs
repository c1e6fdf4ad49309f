//! The per-document tone summary: counts by category and the empathy score
//! (0–100) shown by the CLI and the server alike.

use std::collections::BTreeMap;

use crate::model::{Category, Finding, Severity};

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Summary {
    pub counts: BTreeMap<Category, usize>,
    pub score: u8,
}

impl Summary {
    /// Score: 100 minus a penalty per finding weighted by severity
    /// (error 12, warning 6, info 3, hint 1), scaled down for long documents
    /// (the penalty is divided by words/250 once a document passes 250 words).
    pub fn of(findings: &[Finding], text: &str) -> Summary {
        Summary::of_words(findings, word_count(text))
    }

    /// [`Summary::of`] with the word count already known (the language
    /// server sums it per block instead of rescanning a large document).
    pub fn of_words(findings: &[Finding], words: usize) -> Summary {
        Summary::of_iter(findings.iter(), words)
    }

    /// [`Summary::of_words`] over findings held in several parts.
    pub fn of_iter<'a>(findings: impl Iterator<Item = &'a Finding>, words: usize) -> Summary {
        let mut counts = BTreeMap::new();
        let mut penalty = 0.0f64;
        for f in findings {
            *counts.entry(f.category).or_insert(0) += 1;
            penalty += match f.severity {
                Severity::Error => 12.0,
                Severity::Warning => 6.0,
                Severity::Info => 3.0,
                Severity::Hint => 1.0,
            };
        }
        let words = words.max(1) as f64;
        let scale = (words / 250.0).max(1.0);
        let score = (100.0 - penalty / scale).clamp(0.0, 100.0).round() as u8;
        Summary { counts, score }
    }
}

/// Words in a text: runs of non-whitespace bytes (ASCII whitespace splits;
/// fast, and close enough for scaling a score).
pub fn word_count(text: &str) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        let space = b.is_ascii_whitespace();
        if !space && !in_word {
            n += 1;
        }
        in_word = !space;
    }
    n
}
