//! Configuration as the server sees it: workspace roots, LSP settings
//! (initializationOptions, workspace/configuration, didChangeConfiguration),
//! `tactful.toml` per document with the last good config kept when a file
//! breaks, and a generation counter that changes whenever any of it does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::config::{self, ConfigError, Overlay, Resolved};
use crate::editor_settings::EditorSettings;
use crate::lint::{FileSettings, Linter};
use crate::model::Kind;
use crate::source::Format;

/// How to lint one document right now.
#[derive(Clone)]
pub struct DocConfig {
    pub linter: Linter,
    pub settings: FileSettings,
    pub lsp: Arc<EditorSettings>,
    /// Changes whenever anything above may have changed.
    pub generation: u64,
}

/// One config file: the newest config that loaded and the newest error,
/// each with the file generation its load started at. Loads may finish in
/// any order; a result older than the one kept is dropped, so the last good
/// config always wins.
struct Loaded {
    good: Option<(u64, Arc<Resolved>)>,
    error: Option<(u64, ConfigError)>,
    /// The newest generation a load finished for.
    checked: u64,
}

impl Loaded {
    fn record(&mut self, generation: u64, result: Result<Resolved, ConfigError>) -> bool {
        let was_error = self.current_error().cloned();
        self.checked = self.checked.max(generation);
        let good_generation = self.good.as_ref().map_or(0, |(g, _)| *g);
        match result {
            Ok(r) => {
                if generation >= good_generation {
                    self.good = Some((generation, Arc::new(r)));
                }
            }
            Err(e) => {
                if self.error.as_ref().is_none_or(|(g, _)| generation >= *g) {
                    self.error = Some((generation, e));
                }
            }
        }
        was_error != self.current_error().cloned()
    }

    /// The error, unless a newer load succeeded.
    fn current_error(&self) -> Option<&ConfigError> {
        let good_generation = self.good.as_ref().map_or(0, |(g, _)| *g);
        self.error
            .as_ref()
            .filter(|(g, _)| *g > good_generation)
            .map(|(_, e)| e)
    }
}

pub struct Workspace {
    roots: RwLock<Vec<PathBuf>>,
    lsp: RwLock<Arc<EditorSettings>>,
    generation: AtomicU64,
    /// Changes when files on disk may have changed (config files reload).
    file_generation: AtomicU64,
    /// Folder → the config file governing it.
    discovered: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Config file → what loading it gave.
    loaded: Mutex<HashMap<PathBuf, Loaded>>,
    /// Config file → held while it loads.
    loading: Mutex<HashMap<PathBuf, Arc<Mutex<()>>>>,
    /// The embedded packs compiled once, for documents without a config file.
    defaults: OnceLock<Linter>,
    /// The built-in defaults with the editor's overlay, when it has one
    /// (rebuilt when the file generation changes).
    overlaid_defaults: Mutex<Option<(u64, Arc<Resolved>)>>,
    errors_changed: AtomicBool,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            roots: RwLock::new(Vec::new()),
            lsp: RwLock::new(Arc::new(EditorSettings::default())),
            generation: AtomicU64::new(1),
            file_generation: AtomicU64::new(1),
            discovered: Mutex::new(HashMap::new()),
            loaded: Mutex::new(HashMap::new()),
            loading: Mutex::new(HashMap::new()),
            defaults: OnceLock::new(),
            overlaid_defaults: Mutex::new(None),
            errors_changed: AtomicBool::new(false),
        }
    }

    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    fn bump(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub fn set_roots(&self, roots: Vec<PathBuf>) {
        *self.roots.write().unwrap_or_else(|e| e.into_inner()) = roots;
        self.bump();
    }

    pub fn add_root(&self, root: PathBuf) {
        self.roots
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .push(root);
        self.bump();
    }

    pub fn remove_root(&self, root: &Path) {
        self.roots
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|r| r != root);
        self.bump();
    }

    pub fn roots(&self) -> Vec<PathBuf> {
        self.roots.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The workspace folder holding `path` (the deepest one).
    pub fn root_of(&self, path: &Path) -> Option<PathBuf> {
        self.roots
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .filter(|r| path.starts_with(r))
            .max_by_key(|r| r.as_os_str().len())
            .cloned()
    }

    pub fn lsp_settings(&self) -> Arc<EditorSettings> {
        self.lsp.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the editor settings; returns whether they changed.
    pub fn set_lsp_settings(&self, settings: EditorSettings) -> bool {
        let mut cur = self.lsp.write().unwrap_or_else(|e| e.into_inner());
        if **cur == settings {
            return false;
        }
        let overlay_changed = cur.overlay_differs(&settings);
        *cur = Arc::new(settings);
        drop(cur);
        if overlay_changed {
            // Every config must be rebuilt with the new overlay.
            self.file_generation.fetch_add(1, Ordering::SeqCst);
        }
        self.bump();
        true
    }

    /// A config or rule file changed on disk: rediscover and reload on next
    /// use (keeping each file's last good config if the reload fails).
    pub fn invalidate(&self) {
        self.discovered
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.file_generation.fetch_add(1, Ordering::SeqCst);
        self.bump();
    }

    /// The config file governing `path`, if any.
    pub fn config_file(&self, path: &Path) -> Option<PathBuf> {
        let dir = path.parent()?.to_path_buf();
        let mut map = self.discovered.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(dir.clone())
            .or_insert_with(|| config::discover(&dir.join("_")))
            .clone()
    }

    /// The resolved config of a config file, loading it when it is new or
    /// stale. A file that fails to load records its error and keeps serving
    /// its last good config (or the defaults when it never loaded).
    fn resolved(&self, file: &Path) -> Option<Arc<Resolved>> {
        // Read before the file: a load that started before a change on disk
        // carries the older generation and cannot replace a newer result.
        let generation = self.file_generation.load(Ordering::SeqCst);
        {
            let map = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(l) = map.get(file) {
                if l.checked >= generation {
                    return l.good.as_ref().map(|(_, r)| r.clone());
                }
            }
        }
        // One load per file at a time: documents opened together wait for
        // the first load instead of each compiling the same packs.
        let gate = self
            .loading
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(file.to_path_buf())
            .or_default()
            .clone();
        let _one_at_a_time = gate.lock().unwrap_or_else(|e| e.into_inner());
        {
            let map = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(l) = map.get(file) {
                if l.checked >= generation {
                    return l.good.as_ref().map(|(_, r)| r.clone());
                }
            }
        }
        let overlay = self.current_overlay();
        let result = Resolved::load_with(file, &overlay);
        let mut map = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(file.to_path_buf()).or_insert(Loaded {
            good: None,
            error: None,
            checked: 0,
        });
        if entry.record(generation, result) {
            self.errors_changed.store(true, Ordering::SeqCst);
        }
        entry.good.as_ref().map(|(_, r)| r.clone())
    }

    fn current_overlay(&self) -> Overlay {
        let first_root = self
            .roots
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .first()
            .cloned();
        self.lsp_settings().overlay(first_root.as_deref())
    }

    /// The built-in defaults with the editor's overlay; None when there is no
    /// overlay (the plain default linter serves then). A broken overlay (a
    /// missing pack) is recorded as a config error and the defaults serve.
    fn overlaid_defaults(&self, root: &Path) -> Option<Arc<Resolved>> {
        let overlay = self.current_overlay();
        if overlay.is_empty() {
            return None;
        }
        let generation = self.file_generation.load(Ordering::SeqCst);
        let mut cached = self
            .overlaid_defaults
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some((g, r)) = cached.as_ref() {
            if *g == generation {
                return Some(r.clone());
            }
        }
        match Resolved::defaults_with(root, &overlay) {
            Ok(r) => {
                let r = Arc::new(r);
                *cached = Some((generation, r.clone()));
                Some(r)
            }
            Err(e) => {
                let mut map = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
                let entry = map.entry(e.path.clone()).or_insert(Loaded {
                    good: None,
                    error: None,
                    checked: 0,
                });
                if entry.record(generation, Err(e)) {
                    self.errors_changed.store(true, Ordering::SeqCst);
                }
                None
            }
        }
    }

    /// The linter over the embedded packs (compiled on first use; call
    /// early from a blocking thread to have it ready).
    pub fn default_linter(&self) -> Linter {
        self.defaults.get_or_init(Linter::default_packs).clone()
    }

    /// Settings for a document no config governs: the built-in kind globs
    /// (the same as `Resolved::defaults`, without compiling its linter) and
    /// the format from the file name.
    fn default_settings(&self, path: &Path) -> FileSettings {
        static GLOBS: OnceLock<Option<(GlobSet, GlobSet)>> = OnceLock::new();
        let globs = GLOBS.get_or_init(|| {
            let set = |globs: &[&str]| {
                let mut b = GlobSetBuilder::new();
                for g in globs {
                    b.add(Glob::new(g).ok()?);
                }
                b.build().ok()
            };
            Some((
                set(&config::DEFAULT_NOTE_GLOBS)?,
                set(&config::DEFAULT_KB_GLOBS)?,
            ))
        });
        let root = self
            .root_of(path)
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let rel = path.strip_prefix(&root).unwrap_or(path);
        let is = |set: &GlobSet| set.is_match(rel) || set.is_match(path);
        let kind = match globs {
            Some((notes, _)) if is(notes) => Kind::InternalNote,
            Some((_, kb)) if is(kb) => Kind::Kb,
            _ => Kind::Reply,
        };
        FileSettings {
            format: Format::from_path(&path.to_string_lossy()),
            kind,
            ..FileSettings::default()
        }
    }

    /// Loads what documents under `dir` will need (its config, or the
    /// default linter) so the first lint does not pay for it.
    pub fn warm(&self, dir: &Path) {
        // Its config, or the defaults with the editor's overlay.
        self.for_document(Some(&dir.join("_")), None);
    }

    /// The linter and settings for a document. May read config files.
    /// `format` (from the editor's language id) wins over the one the config
    /// or the file name gives.
    pub fn for_document(&self, path: Option<&Path>, format: Option<Format>) -> DocConfig {
        // Read first: when the settings or files change while this runs, the
        // result carries the older generation and is redone (F11: tagged
        // with the newer one, a stale lint was reused as current).
        let generation = self.generation();
        let lsp = self.lsp_settings();
        let resolved = path
            .and_then(|p| self.config_file(p))
            .and_then(|file| self.resolved(&file));
        let (linter, mut settings) = match (&resolved, path) {
            (Some(r), Some(p)) => (r.linter.clone(), r.settings_for(p)),
            (Some(r), None) => (r.linter.clone(), FileSettings::default()),
            (None, Some(p)) => {
                let root = self
                    .root_of(p)
                    .or_else(|| p.parent().map(Path::to_path_buf))
                    .unwrap_or_default();
                match self.overlaid_defaults(&root) {
                    Some(r) => (r.linter.clone(), r.settings_for(p)),
                    None => (self.default_linter(), self.default_settings(p)),
                }
            }
            (None, None) => (self.default_linter(), FileSettings::default()),
        };
        if let Some(format) = format {
            settings.format = format;
        }
        DocConfig {
            linter,
            settings,
            lsp,
            generation,
        }
    }

    /// Whether the set of config errors changed since the last call.
    pub fn take_errors_changed(&self) -> bool {
        self.errors_changed.swap(false, Ordering::SeqCst)
    }

    /// Every current config error.
    pub fn config_errors(&self) -> Vec<ConfigError> {
        self.loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter_map(|l| l.current_error().cloned())
            .collect()
    }

    /// Whether any loaded configuration (or the built-in packs) defines a
    /// rule with this id.
    pub fn knows_rule(&self, id: &str) -> bool {
        if self.default_linter().engine().rule(id).is_some() {
            return true;
        }
        // One lock at a time (`overlaid_defaults` takes them in the other order).
        let loaded: Vec<Arc<Resolved>> = self
            .loaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .filter_map(|l| l.good.as_ref().map(|(_, r)| r.clone()))
            .collect();
        let overlaid = self
            .overlaid_defaults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(_, r)| r.clone());
        loaded
            .iter()
            .chain(overlaid.as_ref())
            .any(|r| r.linter.engine().rule(id).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(allow: &str) -> Resolved {
        Resolved::parse(
            Path::new("/w/tactful.toml"),
            &format!("builtin = false\nallow = [\"{allow}\"]\n"),
        )
        .unwrap()
    }

    fn good_generation(l: &Loaded) -> Option<u64> {
        l.good.as_ref().map(|(g, _)| *g)
    }

    #[test]
    fn a_late_load_never_replaces_a_newer_config() {
        // F14: A (gen 1) finishing after B (gen 2), then a break (gen 3):
        // B must stay, and the error must show.
        let mut l = Loaded {
            good: None,
            error: None,
            checked: 0,
        };
        assert!(!l.record(2, Ok(resolved("b"))));
        assert!(!l.record(1, Ok(resolved("a"))));
        assert_eq!(good_generation(&l), Some(2));
        let broken = ConfigError {
            path: PathBuf::from("/w/tactful.toml"),
            line: 1,
            column: 1,
            message: "broken".into(),
        };
        assert!(l.record(3, Err(broken.clone())), "the error appears");
        assert_eq!(good_generation(&l), Some(2));
        assert_eq!(l.current_error(), Some(&broken));
        // A late success from before the break does not hide the error.
        assert!(!l.record(2, Ok(resolved("b"))));
        assert_eq!(l.current_error(), Some(&broken));
        // A newer success clears it.
        assert!(l.record(4, Ok(resolved("c"))));
        assert_eq!(l.current_error(), None);
        assert_eq!(l.checked, 4);
    }
}
