//! Configuration as the server sees it: workspace roots, LSP settings
//! (initializationOptions, workspace/configuration, didChangeConfiguration),
//! `tactful.toml` per document with the last good config kept when a file
//! breaks, and a generation counter that changes whenever any of it does.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use serde::Deserialize;

use crate::config::{self, ConfigError, Resolved};
use crate::lint::{FileSettings, Linter};
use crate::model::{Finding, Severity};
use crate::source::Format;

/// LSP settings (the `tactful` section). They override `tactful.toml`.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct LspSettings {
    /// Rule or category id → `error` | `warning` | `info` | `hint` | `off`.
    pub severity: BTreeMap<String, String>,
    /// Show the tone summary code lens (default true).
    pub code_lens: Option<bool>,
    /// Most diagnostics published for one document (default 2000); the
    /// summary still counts every finding.
    pub max_diagnostics: Option<usize>,
    /// Base URL of the rule reference; a diagnostic links to
    /// `<docsUrl>#<rule anchor>` (default: the repository's docs/rules.md).
    pub docs_url: Option<String>,
}

impl LspSettings {
    /// Reads settings from a JSON value: either the section itself or an
    /// object holding a `tactful` section. Unknown keys are ignored; a value of
    /// the wrong type yields an error message.
    pub fn from_json(value: &serde_json::Value) -> Result<LspSettings, String> {
        let section = value.get("tactful").unwrap_or(value);
        if section.is_null() {
            return Ok(LspSettings::default());
        }
        serde_json::from_value(section.clone()).map_err(|e| e.to_string())
    }

    /// The base URL of the rule reference.
    pub fn docs_base(&self) -> Option<String> {
        self.docs_url
            .clone()
            .or_else(crate::explain::default_docs_base)
    }

    fn apply(&self, findings: &mut Vec<Finding>) -> bool {
        if self.severity.is_empty() {
            return false;
        }
        findings.retain_mut(|f| {
            let setting = self
                .severity
                .get(&*f.rule)
                .or_else(|| self.severity.get(f.category.id()));
            match setting.map(String::as_str) {
                Some("off") => false,
                Some(s) => {
                    if let Some(sev) = Severity::from_id(s) {
                        f.severity = sev;
                    }
                    true
                }
                None => true,
            }
        });
        true
    }
}

/// How to lint one document right now.
#[derive(Clone)]
pub struct DocConfig {
    pub linter: Linter,
    pub settings: FileSettings,
    pub lsp: Arc<LspSettings>,
    /// Changes whenever anything above may have changed.
    pub generation: u64,
}

impl DocConfig {
    /// Applies LSP-level overrides to findings; returns whether any apply.
    pub fn post_process(&self, findings: &mut Vec<Finding>) -> bool {
        self.lsp.apply(findings)
    }
}

/// One config file: the last config that loaded, and the current error.
struct Loaded {
    good: Option<Arc<Resolved>>,
    error: Option<ConfigError>,
    generation: u64,
}

pub struct Workspace {
    roots: RwLock<Vec<PathBuf>>,
    lsp: RwLock<Arc<LspSettings>>,
    generation: AtomicU64,
    /// Folder → the config file governing it.
    discovered: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Config file → what loading it gave.
    loaded: Mutex<HashMap<PathBuf, Loaded>>,
    /// Built-in defaults per folder, for documents without a config file.
    defaults_by_root: Mutex<HashMap<PathBuf, Arc<Resolved>>>,
    defaults: Linter,
    errors_changed: AtomicBool,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            roots: RwLock::new(Vec::new()),
            lsp: RwLock::new(Arc::new(LspSettings::default())),
            generation: AtomicU64::new(1),
            discovered: Mutex::new(HashMap::new()),
            loaded: Mutex::new(HashMap::new()),
            defaults_by_root: Mutex::new(HashMap::new()),
            defaults: Linter::default_packs(),
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
        self.defaults_by_root
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
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

    pub fn lsp_settings(&self) -> Arc<LspSettings> {
        self.lsp.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the LSP settings; returns whether they changed.
    pub fn set_lsp_settings(&self, settings: LspSettings) -> bool {
        let mut cur = self.lsp.write().unwrap_or_else(|e| e.into_inner());
        if **cur == settings {
            return false;
        }
        *cur = Arc::new(settings);
        drop(cur);
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
        let generation = self.generation();
        {
            let map = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(l) = map.get(file) {
                if l.generation == generation {
                    return l.good.clone();
                }
            }
        }
        let result = Resolved::load(file);
        let mut map = self.loaded.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(file.to_path_buf()).or_insert(Loaded {
            good: None,
            error: None,
            generation,
        });
        entry.generation = generation;
        match result {
            Ok(r) => {
                entry.good = Some(Arc::new(r));
                if entry.error.take().is_some() {
                    self.errors_changed.store(true, Ordering::SeqCst);
                }
            }
            Err(e) => {
                if entry.error.as_ref() != Some(&e) {
                    self.errors_changed.store(true, Ordering::SeqCst);
                }
                entry.error = Some(e);
            }
        }
        entry.good.clone()
    }

    fn defaults_for(&self, path: &Path) -> Arc<Resolved> {
        let root = self
            .root_of(path)
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        let mut map = self
            .defaults_by_root
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        map.entry(root.clone())
            .or_insert_with(|| Arc::new(Resolved::defaults(&root)))
            .clone()
    }

    /// The linter and settings for a document. May read config files.
    /// `format` (from the editor's language id) wins over the one the config
    /// or the file name gives.
    pub fn for_document(&self, path: Option<&Path>, format: Option<Format>) -> DocConfig {
        let resolved = path
            .and_then(|p| self.config_file(p))
            .and_then(|file| self.resolved(&file));
        let (linter, mut settings) = match (&resolved, path) {
            (Some(r), Some(p)) => (r.linter.clone(), r.settings_for(p)),
            (Some(r), None) => (r.linter.clone(), FileSettings::default()),
            (None, Some(p)) => {
                let defaults = self.defaults_for(p);
                (defaults.linter.clone(), defaults.settings_for(p))
            }
            (None, None) => (self.defaults.clone(), FileSettings::default()),
        };
        if let Some(format) = format {
            settings.format = format;
        }
        DocConfig {
            linter,
            settings,
            lsp: self.lsp_settings(),
            generation: self.generation(),
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
            .filter_map(|l| l.error.clone())
            .collect()
    }
}
