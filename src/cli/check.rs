//! `tactful check`: lints files in parallel (rayon), reports per-file errors
//! without stopping, prints in the chosen format and decides the exit code.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use super::output::{self, FileReport};
use super::walk;
use super::{FailOn, OutputFormat};
use crate::config::{ConfigCache, ConfigError};
use crate::model::Severity;

#[derive(clap::Args, Debug)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: OutputFormat,
    /// The file name to use for text read from stdin (decides format, kind and config).
    #[arg(long)]
    pub stdin_filename: Option<PathBuf>,
    /// Exit 1 when a finding of this severity or worse exists.
    #[arg(long, value_enum, default_value = "warning")]
    pub fail_on: FailOn,
    /// Exit 1 when there are more than this many warnings.
    #[arg(long)]
    pub max_warnings: Option<usize>,
    /// Files larger than this many bytes are reported as errors, not linted.
    #[arg(long, default_value_t = 16 * 1024 * 1024)]
    pub max_file_size: u64,
    /// Never show the progress bar.
    #[arg(long)]
    pub no_progress: bool,
    #[command(flatten)]
    pub gate: super::gate::GateOptions,
}

/// Reads and lints one file; every failure becomes the report's error.
pub(super) fn lint_file(
    configs: &ConfigCache,
    path: &Path,
    explicit: bool,
    max: u64,
    cache: Option<&super::cache::Cache>,
) -> Result<Option<FileReport>, ConfigError> {
    let cfg = configs.for_file(path)?;
    if !explicit
        && !cfg.is_included(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
    {
        return Ok(None);
    }
    let display = path.display().to_string();
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if size > max {
        return Ok(Some(FileReport::error(
            display,
            format!("file is {size} bytes, over the limit of {max}; raise --max-file-size or exclude it in tactful.toml"),
        )));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            return Ok(Some(FileReport::error(
                display,
                format!("cannot read the file: {e}"),
            )))
        }
    };
    if !explicit && bytes.starts_with(super::baseline::MARKER.as_bytes()) {
        // A baseline quotes flagged text; walking never lints one.
        return Ok(None);
    }
    let Some(cache) = cache else {
        return Ok(Some(lint_bytes(&cfg, path, display, bytes)));
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let key = cache.key(&cfg, &cfg.settings_for(&abs), &bytes);
    let bytes = match cache.get(path, &key) {
        Some(result) => match String::from_utf8(bytes) {
            Ok(text) => {
                return Ok(Some(FileReport {
                    path: display,
                    text,
                    result: Some(result),
                    error: None,
                }))
            }
            Err(e) => e.into_bytes(),
        },
        None => bytes,
    };
    let report = lint_bytes(&cfg, path, display, bytes);
    if let Some(r) = &report.result {
        cache.put(path, key, r);
    }
    Ok(Some(report))
}

/// Lints bytes as the file at `path` would be linted.
pub fn lint_bytes(
    cfg: &crate::config::Resolved,
    path: &Path,
    display: String,
    bytes: Vec<u8>,
) -> FileReport {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
            return FileReport::error(
                display,
                format!("not valid UTF-8 at byte {at} (line {line}); tactful reads UTF-8 text: convert the file or exclude it"),
            );
        }
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let settings = cfg.settings_for(&abs);
    let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        cfg.linter.lint(&text, &settings)
    }));
    let Ok(linted) = linted else {
        return FileReport::error(
            display,
            "internal error while linting this file (a bug in tactful: please report it with the file); other files were linted".into(),
        );
    };
    match linted {
        Ok(result) => FileReport {
            path: display,
            text,
            result: Some(result),
            error: None,
        },
        Err(e) => FileReport {
            path: display,
            text: String::new(),
            result: None,
            error: Some(format!("cannot read as {}: {e}", settings.format.id())),
        },
    }
}

pub fn run(opts: Options) -> i32 {
    let gate = match super::gate::Gate::load(&opts.gate) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("tactful: {e}");
            return 2;
        }
    };
    let configs = ConfigCache::new();
    let mut paths = opts.paths.clone();
    let from_diff = paths.is_empty() && gate.changed.is_some();
    if from_diff {
        paths = gate.changed.as_ref().map(|c| c.files()).unwrap_or_default();
    } else if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let mut reports: Vec<FileReport> = Vec::new();
    let mut config_errors: Vec<ConfigError> = Vec::new();
    if paths.iter().any(|p| p.as_os_str() == "-") {
        if paths.len() > 1 {
            eprintln!("tactful: `-` (stdin) cannot be combined with other paths");
            return 2;
        }
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("tactful: cannot read stdin: {e}");
            return 2;
        }
        let name = opts
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("<stdin>.txt"));
        let display = opts
            .stdin_filename
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "<stdin>".into());
        match configs.for_file(&name) {
            Ok(cfg) => reports.push(lint_bytes(&cfg, &name, display, bytes)),
            Err(e) => config_errors.push(e),
        }
    } else {
        let (mut targets, missing) = walk::collect(&paths);
        if let Some(b) = &gate.baseline {
            // The baseline quotes flagged text: it is never linted itself.
            let own = super::baseline::normalize(&b.file);
            targets.retain(|t| super::baseline::normalize(&t.path) != own);
        }
        if from_diff {
            // Changed files are linted as if found by walking: known extensions,
            // include/exclude of the config.
            targets.retain(|t| walk::has_known_extension(&t.path));
        }
        if from_diff || opts.gate.force_exclude {
            for t in &mut targets {
                t.explicit = false;
            }
        }
        for (p, why) in missing {
            reports.push(FileReport::error(p.display().to_string(), why));
        }
        let done = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicBool::new(false));
        let total = targets.len();
        let progress =
            (!opts.no_progress && total > 200 && std::io::stderr().is_terminal()).then(|| {
                let done = done.clone();
                let finished = finished.clone();
                std::thread::spawn(move || {
                    while !finished.load(Ordering::Relaxed) {
                        let n = done.load(Ordering::Relaxed);
                        let width = 30;
                        let filled = n * width / total.max(1);
                        eprint!(
                            "\r[{}{}] {n}/{total} files",
                            "#".repeat(filled),
                            " ".repeat(width - filled)
                        );
                        let _ = std::io::stderr().flush();
                        std::thread::sleep(std::time::Duration::from_millis(80));
                    }
                    eprint!("\r{}\r", " ".repeat(60));
                })
            });
        let results: Vec<Result<Option<FileReport>, ConfigError>> = targets
            .par_iter()
            .map(|t| {
                let r = lint_file(
                    &configs,
                    &t.path,
                    t.explicit,
                    opts.max_file_size,
                    gate.cache.as_ref(),
                );
                done.fetch_add(1, Ordering::Relaxed);
                r
            })
            .collect();
        finished.store(true, Ordering::Relaxed);
        if let Some(h) = progress {
            let _ = h.join();
        }
        for r in results {
            match r {
                Ok(Some(rep)) => reports.push(rep),
                Ok(None) => {}
                Err(e) => {
                    if !config_errors.contains(&e) {
                        config_errors.push(e)
                    }
                }
            }
        }
    }
    if !config_errors.is_empty() {
        for e in &config_errors {
            eprintln!("tactful: config error: {e}");
        }
        return 2;
    }
    reports.sort_by(|a, b| a.path.cmp(&b.path));
    if let Err(e) = gate.apply(&mut reports) {
        eprintln!("tactful: {e}");
        return 2;
    }
    if let Some(cache) = gate.cache {
        let linted = reports.iter().filter(|r| r.result.is_some()).count();
        let reused = cache.hits.load(Ordering::Relaxed);
        eprintln!(
            "tactful: cache: {reused} of {linted} files unchanged, {} linted",
            linted.saturating_sub(reused)
        );
        cache.save();
    }
    // Buffered: stdout is line-buffered, and a large report has many lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let color = opts.format == OutputFormat::Human
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let _ = match opts.format {
        OutputFormat::Human => output::human(&mut out, &reports, color),
        OutputFormat::Json => output::json(&mut out, &reports),
        OutputFormat::Sarif => output::sarif(&mut out, &reports),
        OutputFormat::Github => output::github(&mut out, &reports),
        OutputFormat::Gitlab => super::ci_output::gitlab(&mut out, &reports),
        OutputFormat::Rdjson => super::ci_output::rdjson(&mut out, &reports),
        OutputFormat::Junit => super::ci_output::junit(&mut out, &reports),
    };
    let _ = out.flush();
    exit_code(&reports, opts.fail_on, opts.max_warnings)
}

fn exit_code(reports: &[FileReport], fail_on: FailOn, max_warnings: Option<usize>) -> i32 {
    let threshold = match fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
        FailOn::Hint => Some(Severity::Hint),
        FailOn::Never => None,
    };
    let findings = reports
        .iter()
        .filter_map(|r| r.result.as_ref())
        .flat_map(|r| r.findings.iter());
    let mut failing = false;
    let mut warnings = 0;
    for f in findings {
        if threshold.is_some_and(|t| f.severity >= t) {
            failing = true;
        }
        if f.severity == Severity::Warning {
            warnings += 1;
        }
    }
    if max_warnings.is_some_and(|m| warnings > m) {
        failing = true;
    }
    if reports.iter().any(|r| r.error.is_some()) {
        failing = true;
    }
    i32::from(failing)
}
