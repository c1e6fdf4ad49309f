//! The CI gate around `check`: `--baseline`/`--prune` (only new findings
//! fail), `--diff-base`/`--changed-lines` (only changed lines count) and
//! `--cache`. Loads everything up front so bad input stops the run (exit 2)
//! before any file is linted, and applies the filters after linting.

use std::path::PathBuf;

use super::baseline::{self, Baseline};
use super::cache::{self, Cache};
use super::changed_lines::ChangedLines;
use super::output::FileReport;

#[derive(clap::Args, Debug, Default, Clone)]
pub struct GateOptions {
    /// Report only findings not in this baseline file (see `tactful baseline`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: list baseline entries that no longer match (fixed
    /// since) and remove them from the file.
    #[arg(long, requires = "baseline")]
    pub prune: bool,
    /// Report only findings on lines changed since the merge base of REF and
    /// HEAD (working tree and untracked files included). Lints the changed files
    /// when no paths are given.
    #[arg(long, value_name = "REF", conflicts_with = "changed_lines")]
    pub diff_base: Option<String>,
    /// Report only findings on lines a unified diff adds or modifies (`-` reads
    /// the diff from stdin). Lints the diff's files when no paths are given.
    #[arg(long, value_name = "FILE|-")]
    pub changed_lines: Option<PathBuf>,
    /// Reuse results of unchanged files (content, rule packs and config
    /// unchanged), stored in DIR (`--cache=DIR`; default .tactful-cache).
    #[arg(long, value_name = "DIR", num_args = 0..=1, require_equals = true, default_missing_value = cache::DEFAULT_DIR)]
    pub cache: Option<PathBuf>,
    /// Apply tactful.toml's include/exclude globs to files named on the
    /// command line too (pre-commit and CI pass file lists).
    #[arg(long)]
    pub force_exclude: bool,
}

/// What the gate loaded before linting.
pub struct Gate {
    pub baseline: Option<Baseline>,
    pub changed: Option<ChangedLines>,
    pub cache: Option<Cache>,
    prune: bool,
}

impl Gate {
    /// Loads the baseline, the changed lines and the cache; an error is one line, exit 2.
    pub fn load(opts: &GateOptions) -> Result<Gate, String> {
        let baseline = opts.baseline.as_deref().map(Baseline::load).transpose()?;
        let changed = if let Some(base) = &opts.diff_base {
            Some(ChangedLines::from_git(base)?)
        } else if let Some(f) = &opts.changed_lines {
            Some(ChangedLines::from_diff_file(f)?)
        } else {
            None
        };
        Ok(Gate {
            baseline,
            changed,
            cache: opts.cache.as_deref().map(Cache::open),
            prune: opts.prune,
        })
    }

    /// Applies the baseline (on all findings, so stale entries are right;
    /// reported, and removed from the file with `--prune`), then the changed
    /// lines. Err = exit 2.
    pub fn apply(&self, reports: &mut [FileReport]) -> Result<(), String> {
        let r = self.apply_baseline(reports);
        if let Some(c) = &self.changed {
            c.filter(reports);
        }
        r
    }

    fn apply_baseline(&self, reports: &mut [FileReport]) -> Result<(), String> {
        let Some(b) = &self.baseline else {
            return Ok(());
        };
        let outcome = b.apply(reports);
        let shown = b.file.display();
        if outcome.stale.is_empty() {
            return Ok(());
        }
        if !self.prune {
            eprintln!(
                "tactful: {} entr{} in {shown} no longer match (fixed since); run with --prune to remove {}",
                outcome.stale.len(),
                if outcome.stale.len() == 1 { "y" } else { "ies" },
                if outcome.stale.len() == 1 { "it" } else { "them" },
            );
            return Ok(());
        }
        for e in &outcome.stale {
            eprintln!("stale: {} [{}] {:?}", e.path, e.rule, e.text);
        }
        let kept = b.without(&outcome.stale);
        super::atomic::write(&b.file, baseline::render(kept).as_bytes())
            .map_err(|e| format!("{shown}: cannot write the pruned baseline: {e}"))?;
        eprintln!(
            "tactful: removed {} stale entr{} from {shown}",
            outcome.stale.len(),
            if outcome.stale.len() == 1 { "y" } else { "ies" }
        );
        Ok(())
    }
}
