//! Lints a set of paths (files and walked folders) in parallel into sorted
//! per-file reports, for the commands that post-process every finding
//! (`baseline`, `report`). Config errors are returned, one line each.

use std::path::PathBuf;

use rayon::prelude::*;

use super::baseline::normalize;
use super::check::lint_file;
use super::output::FileReport;
use super::walk;
use crate::config::ConfigCache;

/// The reports of every file under `paths` (default: the current folder),
/// sorted by path; files in `skip` (the baseline itself) are left out.
pub fn lint_paths(
    paths: &[PathBuf],
    skip: &[PathBuf],
    max_file_size: u64,
) -> Result<Vec<FileReport>, Vec<String>> {
    let paths = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    let configs = ConfigCache::new();
    let (mut targets, missing) = walk::collect(&paths);
    let skip: Vec<PathBuf> = skip.iter().map(|p| normalize(p)).collect();
    targets.retain(|t| !skip.contains(&normalize(&t.path)));
    let mut reports: Vec<FileReport> = missing
        .into_iter()
        .map(|(p, why)| FileReport::error(p.display().to_string(), why))
        .collect();
    let results: Vec<_> = targets
        .par_iter()
        .map(|t| lint_file(&configs, &t.path, t.explicit, max_file_size, None))
        .collect();
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(Some(rep)) => reports.push(rep),
            Ok(None) => {}
            Err(e) => {
                let line = format!("config error: {e}");
                if !errors.contains(&line) {
                    errors.push(line);
                }
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(reports)
}
