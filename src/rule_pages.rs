//! Rule pages shipped with the server: the `tactful rules explain` text of a
//! rule, written once to a file under the user's cache folder, so every
//! diagnostic can link to its rule's documentation with no network and no
//! `docsUrl` setting (house rules included). Pages are content-addressed
//! (`<rule id>-<hash>.txt`) and written atomically, so a link never shows
//! another version's text and two servers never see half a page.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, Weak};

use crate::engine::Engine;
use crate::rules::docs;

/// Where pages go: `$TACTFUL_RULE_PAGES_DIR`, else
/// `$XDG_CACHE_HOME/tactful/rules`, else `~/.cache/tactful/rules`, else the
/// temporary folder.
pub fn pages_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TACTFUL_RULE_PAGES_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(d);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("tactful").join("rules")
}

type Key = (usize, Arc<str>);
type Written = Mutex<HashMap<Key, (Weak<Engine>, Option<PathBuf>)>>;

/// Pages already written, per engine (held weakly: a dropped engine's
/// entries are never mistaken for a new engine at the same address).
fn written() -> &'static Written {
    static W: OnceLock<Written> = OnceLock::new();
    W.get_or_init(Default::default)
}

/// The page of `rule`, written if needed; `None` when the engine has no such
/// rule or the page cannot be written.
pub fn page(engine: &Arc<Engine>, rule: &str) -> Option<PathBuf> {
    let key: Key = (Arc::as_ptr(engine) as usize, Arc::from(rule));
    let mut map = written().lock().unwrap_or_else(|e| e.into_inner());
    if let Some((weak, path)) = map.get(&key) {
        if weak.upgrade().is_some_and(|e| Arc::ptr_eq(&e, engine)) {
            return path.clone();
        }
    }
    if map.len() > 4096 {
        map.retain(|_, (w, _)| w.strong_count() > 0);
    }
    let path = engine
        .rule(rule)
        .and_then(|r| write_page(&pages_dir(), rule, &docs::explain(r)).ok());
    map.insert(key, (Arc::downgrade(engine), path.clone()));
    path
}

/// Writes `text` as the page of `rule` in `dir` (unless that exact page is
/// there already) and returns its path.
pub fn write_page(dir: &Path, rule: &str, text: &str) -> std::io::Result<PathBuf> {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut h);
    let safe: String = rule
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    let path = dir.join(format!("{safe}-{:016x}.txt", h.finish()));
    if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
        return Ok(path);
    }
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())?;
    tmp.persist(&path).map_err(|e| e.error)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_content_addressed_and_rewritten_only_when_missing() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_page(dir.path(), "house.x", "one").unwrap();
        let b = write_page(dir.path(), "house.x", "two").unwrap();
        assert_ne!(a, b);
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "one");
        assert_eq!(write_page(dir.path(), "house.x", "one").unwrap(), a);
        let odd = write_page(dir.path(), "a/../b\"", "x").unwrap();
        assert_eq!(odd.parent(), Some(dir.path()));
    }
}
