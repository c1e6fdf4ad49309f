//! Finds the files to lint: explicit paths as given, folders walked with the
//! `ignore` crate (respecting .gitignore), filtered by known extensions and config globs.

use std::path::{Path, PathBuf};

/// Extensions tactful lints when walking a folder.
pub const EXTENSIONS: &[&str] = &[
    "txt",
    "text",
    "md",
    "markdown",
    "mdx",
    "html",
    "htm",
    "liquid",
    "hbs",
    "handlebars",
    "mustache",
    "json",
    "yaml",
    "yml",
];

pub fn has_known_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// A path to lint and whether it was named explicitly.
pub struct Target {
    pub path: PathBuf,
    pub explicit: bool,
}

/// Expands paths into files, sorted, without duplicates. Errors (missing
/// paths) are returned alongside.
pub fn collect(paths: &[PathBuf]) -> (Vec<Target>, Vec<(PathBuf, String)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.is_file() {
            out.push(Target {
                path: p.clone(),
                explicit: true,
            });
        } else if p.is_dir() {
            let walker = ignore::WalkBuilder::new(p)
                .hidden(true)
                .git_ignore(true)
                .git_exclude(true)
                .require_git(false)
                .build();
            for entry in walker {
                match entry {
                    Ok(e) => {
                        if e.file_type().is_some_and(|t| t.is_file())
                            && has_known_extension(e.path())
                        {
                            out.push(Target {
                                path: e.into_path(),
                                explicit: false,
                            });
                        }
                    }
                    Err(err) => errors.push((p.clone(), err.to_string())),
                }
            }
        } else {
            errors.push((p.clone(), "no such file or folder".to_string()));
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out.dedup_by(|a, b| a.path == b.path);
    (out, errors)
}
