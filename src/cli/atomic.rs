//! Atomic file replacement for everything the CI commands write (baselines,
//! reports, the cache index): a temporary file in the destination's folder,
//! synced, then renamed over it, so a failure never leaves half a file.

use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` atomically. An existing file keeps its
/// permissions; a new one gets the usual 0644 (less the umask on Unix).
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    match std::fs::metadata(path) {
        Ok(meta) => std::fs::set_permissions(tmp.path(), meta.permissions())?,
        Err(_) => {
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mask = umask();
                std::fs::set_permissions(
                    tmp.path(),
                    std::fs::Permissions::from_mode(0o666 & !mask),
                )?;
            }
        }
    }
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(unix)]
fn umask() -> u32 {
    // The process umask cannot be read without setting it; 022 is the common
    // default and what CI runners use.
    0o022
}
