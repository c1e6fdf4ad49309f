//! Where tactful may write: only regular files inside the folders the user
//! is working in (a workspace folder, the tree being fixed, the current
//! folder). Symbolic links are resolved and their targets checked; a write
//! through a link replaces the target's content, never the link; a
//! hard-linked file is rewritten in place so every link sees the change.
//! Protocol-free: the CLI and the language server both call it.

use std::fmt;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Why a write was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for Refused {}

/// A checked write destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The real file written (symbolic links resolved).
    pub path: PathBuf,
    /// Whether it exists already.
    pub exists: bool,
    /// The file has several hard links: rewrite it in place.
    pub hard_linked: bool,
}

fn refuse(path: &Path, reason: impl Into<String>) -> Refused {
    Refused {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Absolute and lexically normal (`.` and `..` folded), without touching the disk.
fn lexical(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The folders writes may land in, resolved (missing ones are dropped).
pub fn resolve_roots<P: AsRef<Path>>(roots: &[P]) -> Vec<PathBuf> {
    roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r.as_ref()).ok())
        .collect()
}

/// Checks that `path` may be written: after resolving symbolic links it is
/// (or would be created as) a regular file inside one of `roots` (already
/// resolved, see [`resolve_roots`]). A dangling link is refused: writing
/// would create a file wherever the link points.
pub fn check(path: &Path, roots: &[PathBuf]) -> Result<Target, Refused> {
    let inside = |real: &Path| roots.iter().any(|r| real.starts_with(r));
    let outside_msg = |real: &Path| {
        format!(
            "resolves to {}, outside the folders tactful may write to ({}); nothing written",
            real.display(),
            roots
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if roots.is_empty() {
        return Err(refuse(
            path,
            "no folder to write in is known (open a workspace folder); nothing written",
        ));
    }
    match std::fs::symlink_metadata(path) {
        Ok(meta) => {
            let real = std::fs::canonicalize(path).map_err(|e| {
                if meta.file_type().is_symlink() {
                    refuse(
                        path,
                        "is a symbolic link to a file that does not exist; nothing written",
                    )
                } else {
                    refuse(path, format!("cannot resolve the path: {e}"))
                }
            })?;
            let target = std::fs::metadata(&real)
                .map_err(|e| refuse(path, format!("cannot read the file's metadata: {e}")))?;
            if !target.is_file() {
                return Err(refuse(
                    path,
                    "is not a regular file (a folder, device, pipe or socket); nothing written",
                ));
            }
            if !inside(&real) {
                return Err(refuse(path, outside_msg(&real)));
            }
            #[cfg(unix)]
            let hard_linked = {
                use std::os::unix::fs::MetadataExt;
                target.nlink() > 1
            };
            #[cfg(not(unix))]
            let hard_linked = false;
            Ok(Target {
                path: real,
                exists: true,
                hard_linked,
            })
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A new file: its folder must exist and be inside a root.
            let lex = lexical(path);
            let (Some(parent), Some(name)) = (lex.parent(), lex.file_name()) else {
                return Err(refuse(path, "is not a file path; nothing written"));
            };
            let real_parent = std::fs::canonicalize(parent).map_err(|e| {
                refuse(
                    path,
                    format!("its folder {} cannot be resolved: {e}", parent.display()),
                )
            })?;
            let real = real_parent.join(name);
            if !inside(&real) {
                return Err(refuse(path, outside_msg(&real)));
            }
            Ok(Target {
                path: real,
                exists: false,
                hard_linked: false,
            })
        }
        Err(e) => Err(refuse(
            path,
            format!("cannot read the file's metadata: {e}"),
        )),
    }
}

/// Writes `bytes` to a checked target. A new or singly linked file is
/// replaced atomically (temporary file in the same folder, flushed, renamed
/// over it; permissions kept). A hard-linked file is rewritten in place, so
/// its other names see the new text (that write is not atomic).
pub fn write(target: &Target, bytes: &[u8]) -> std::io::Result<()> {
    if target.hard_linked {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .truncate(true)
            .open(&target.path)?;
        f.write_all(bytes)?;
        return f.sync_all();
    }
    let dir = target
        .path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    if let Ok(meta) = std::fs::metadata(&target.path) {
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    if target.exists {
        tmp.persist(&target.path).map_err(|e| e.error)?;
    } else {
        // Never replace something created meanwhile.
        tmp.persist_noclobber(&target.path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// A write that failed: refused by the guard, or failed on disk.
#[derive(Debug)]
pub enum WriteError {
    Refused(Refused),
    Io(PathBuf, std::io::Error),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Refused(r) => write!(f, "{r}"),
            WriteError::Io(p, e) => write!(f, "{}: cannot write: {e}", p.display()),
        }
    }
}

impl std::error::Error for WriteError {}

/// [`check`] then [`write`].
pub fn write_checked(path: &Path, roots: &[PathBuf], bytes: &[u8]) -> Result<(), WriteError> {
    let target = check(path, roots).map_err(WriteError::Refused)?;
    write(&target, bytes).map_err(|e| WriteError::Io(path.to_path_buf(), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parent_dirs_are_folded_before_the_root_check() {
        let dir = tempfile::tempdir().unwrap();
        let roots = resolve_roots(&[dir.path()]);
        let escape = dir.path().join("../../../../etc/../etc/tactful.toml");
        assert!(check(&escape, &roots).is_err());
        let ok = dir.path().join("sub/../tactful.toml");
        assert_eq!(
            check(&ok, &roots).unwrap().path,
            roots[0].join("tactful.toml")
        );
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_resolve_and_dangling_ones_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let roots = resolve_roots(&[dir.path()]);
        let out_file = outside.path().join("x.md");
        std::fs::write(&out_file, "x").unwrap();
        std::os::unix::fs::symlink(&out_file, dir.path().join("out.md")).unwrap();
        assert!(check(&dir.path().join("out.md"), &roots).is_err());
        std::os::unix::fs::symlink(outside.path().join("nope"), dir.path().join("dangling.md"))
            .unwrap();
        let e = check(&dir.path().join("dangling.md"), &roots).unwrap_err();
        assert!(e.reason.contains("does not exist"), "{e}");
        std::fs::write(dir.path().join("real.md"), "r").unwrap();
        std::os::unix::fs::symlink("real.md", dir.path().join("in.md")).unwrap();
        let t = check(&dir.path().join("in.md"), &roots).unwrap();
        assert_eq!(t.path, roots[0].join("real.md"));
    }
}
