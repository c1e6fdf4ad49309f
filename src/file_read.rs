//! Reads the files tactful loads as configuration (tactful.toml, rule
//! packs): regular files only, size-capped, never blocking on a pipe or
//! reading a device without end. Errors say what the file is, never what
//! it contains.

use std::io::Read;
use std::path::Path;

/// Largest config or rule pack read (the built-in packs are a few KB each).
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Reads a UTF-8 config or pack file of at most `max` bytes.
pub fn read_config_file(path: &Path, max: u64) -> Result<String, String> {
    // Check the kind before opening: opening a FIFO for reading blocks
    // until a writer appears.
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if !meta.is_file() {
        return Err(if meta.is_dir() {
            "it is a folder, not a file".into()
        } else {
            "it is not a regular file (a pipe, device or socket); name a regular file".into()
        });
    }
    if meta.len() > max {
        return Err(format!(
            "it is {} bytes, over the limit of {max} bytes",
            meta.len()
        ));
    }
    let mut file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    // The path may have been replaced between the check and the open.
    if !file.metadata().map_err(|e| e.to_string())?.is_file() {
        return Err("it is not a regular file".into());
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.by_ref()
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > max {
        return Err(format!("it is over the limit of {max} bytes"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        format!("it is not UTF-8 text (invalid byte at offset {at})")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_folders_and_oversized_files_are_refused() {
        #[cfg(unix)]
        assert!(read_config_file(Path::new("/dev/zero"), MAX_CONFIG_BYTES)
            .unwrap_err()
            .contains("not a regular file"));
        let dir = tempfile::tempdir().unwrap();
        assert!(read_config_file(dir.path(), MAX_CONFIG_BYTES)
            .unwrap_err()
            .contains("folder"));
        let big = dir.path().join("big.toml");
        std::fs::write(&big, "#".repeat(100)).unwrap();
        assert!(read_config_file(&big, 10).unwrap_err().contains("limit"));
        assert_eq!(read_config_file(&big, 100).unwrap().len(), 100);
        let bin = dir.path().join("bin.toml");
        std::fs::write(&bin, b"ok\xff secret").unwrap();
        let e = read_config_file(&bin, 100).unwrap_err();
        assert!(e.contains("not UTF-8") && !e.contains("secret"), "{e}");
    }
}
