//! Configuration as the server sees it: workspace roots, LSP settings
//! (initializationOptions, workspace/configuration, didChangeConfiguration),
//! and the per-document linter and settings, with a generation counter that
//! changes whenever any of it does.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde::Deserialize;

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

pub struct Workspace {
    roots: RwLock<Vec<PathBuf>>,
    lsp: RwLock<Arc<LspSettings>>,
    generation: AtomicU64,
    linter: Linter,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            roots: RwLock::new(Vec::new()),
            lsp: RwLock::new(Arc::new(LspSettings::default())),
            generation: AtomicU64::new(1),
            linter: Linter::default_packs(),
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
        self.roots.write().unwrap_or_else(|e| e.into_inner()).push(root);
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

    /// Drops everything read from disk (a config or rule file changed).
    pub fn invalidate(&self) {
        self.bump();
    }

    /// The linter and settings for a document. May read config files.
    pub fn for_document(&self, path: Option<&Path>, format: Format) -> DocConfig {
        let _ = path;
        DocConfig {
            linter: self.linter.clone(),
            settings: FileSettings {
                format,
                ..FileSettings::default()
            },
            lsp: self.lsp_settings(),
            generation: self.generation(),
        }
    }
}

impl Workspace {
    /// Config files that failed to load: (path, 1-based line, column, message).
    pub fn config_errors(&self) -> Vec<(PathBuf, usize, usize, String)> {
        Vec::new()
    }
}
