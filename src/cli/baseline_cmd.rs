//! `tactful baseline [PATH]... [-o FILE]`: lints and writes every finding as
//! an accepted baseline entry (sorted, atomically written).

use std::path::{Path, PathBuf};

use super::baseline;
use super::lint_paths::lint_paths;

pub fn run(paths: &[PathBuf], out: &Path) -> i32 {
    let reports = match lint_paths(paths, &[out.to_path_buf()], 16 * 1024 * 1024) {
        Ok(r) => r,
        Err(errors) => {
            for e in errors {
                eprintln!("tactful: {e}");
            }
            return 2;
        }
    };
    for r in &reports {
        if let Some(e) = &r.error {
            eprintln!("tactful: warning: {}: {e} (not in the baseline)", r.path);
        }
    }
    let entries = baseline::entries_for(&baseline::base_dir(out), &reports);
    let files = {
        let mut f: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
        f.dedup();
        f.len()
    };
    let n = entries.len();
    if let Err(e) = super::atomic::write(out, baseline::render(entries).as_bytes()) {
        eprintln!("tactful: {}: cannot write the baseline: {e}", out.display());
        return 2;
    }
    eprintln!(
        "tactful: wrote {n} finding{} in {files} of {} file{} to {}",
        if n == 1 { "" } else { "s" },
        reports.len(),
        if reports.len() == 1 { "" } else { "s" },
        out.display()
    );
    0
}
