//! `check --cache`: remembers each file's findings under a key of the file's
//! content hash, the rule-pack hash (every compiled rule of the config, so
//! house packs, severity overrides and `allow` count) and the config hash (the
//! config file's bytes and the file's resolved settings), plus the tactful
//! build. One JSON index under `.tactful-cache/` (or the given folder),
//! replaced atomically at the end of a run; an unreadable index is ignored.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};

use crate::config::Resolved;
use crate::lint::{FileSettings, LintResult};
use crate::model::{Category, Edit, Finding, Fix, Kind, Severity};
use crate::score::Summary;

/// The default cache folder (relative to the current folder).
pub const DEFAULT_DIR: &str = ".tactful-cache";
const INDEX: &str = "check-v1.json";

#[derive(Serialize, Deserialize, Default)]
struct Index {
    build: String,
    entries: HashMap<String, Entry>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Entry {
    key: String,
    kind: String,
    score: u8,
    findings: Vec<CachedFinding>,
}

#[derive(Serialize, Deserialize, Clone)]
struct CachedFinding {
    rule: String,
    category: String,
    severity: String,
    start: usize,
    end: usize,
    message: String,
    fixes: Vec<CachedFix>,
}

#[derive(Serialize, Deserialize, Clone)]
struct CachedFix {
    title: String,
    preferred: bool,
    edits: Vec<(usize, usize, String)>,
}

/// A resolved config: its file (None for the defaults) and its root.
type ConfigId = (Option<PathBuf>, PathBuf);

/// A cache opened for one run.
pub struct Cache {
    dir: PathBuf,
    build: String,
    old: HashMap<String, Entry>,
    new: Mutex<HashMap<String, Entry>>,
    config_hashes: Mutex<HashMap<ConfigId, Arc<String>>>,
    pub hits: std::sync::atomic::AtomicUsize,
    /// Whether anything was linted afresh (else the index on disk is current).
    dirty: std::sync::atomic::AtomicBool,
}

/// Identifies this build of tactful: version plus the executable's size and
/// modification time (a rebuilt binary may lint differently).
fn build_id() -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| {
            let t = m
                .modified()
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            format!("{}-{t}", m.len())
        })
        .unwrap_or_default();
    format!("{}+{exe}", env!("CARGO_PKG_VERSION"))
}

impl Cache {
    /// Opens (or starts) the cache in `dir`. A missing, corrupt or other-build
    /// index starts empty: the cache only ever saves time.
    pub fn open(dir: &Path) -> Cache {
        let build = build_id();
        let old = std::fs::read(dir.join(INDEX))
            .ok()
            .and_then(|b| serde_json::from_slice::<Index>(&b).ok())
            .filter(|i| i.build == build)
            .map(|i| i.entries)
            .unwrap_or_default();
        Cache {
            dir: dir.to_path_buf(),
            build,
            old,
            new: Mutex::new(HashMap::new()),
            config_hashes: Mutex::new(HashMap::new()),
            hits: Default::default(),
            dirty: Default::default(),
        }
    }

    fn config_hash(&self, cfg: &Resolved) -> Arc<String> {
        let k = (cfg.path.clone(), cfg.root.clone());
        if let Some(h) = self
            .config_hashes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&k)
        {
            return h.clone();
        }
        let mut h = blake3::Hasher::new();
        h.update(b"config\0");
        if let Some(p) = &cfg.path {
            h.update(p.to_string_lossy().as_bytes());
            h.update(&std::fs::read(p).unwrap_or_default());
        }
        h.update(b"\0packs\0");
        // The compiled rules: whatever a pack, an override or `allow` changed shows here.
        h.update(format!("{:?}", cfg.linter.engine().rules()).as_bytes());
        let hex = Arc::new(h.finalize().to_hex().to_string());
        self.config_hashes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(k, hex.clone());
        hex
    }

    /// The key of one file's lint: content, config and packs, settings.
    pub fn key(&self, cfg: &Resolved, settings: &FileSettings, bytes: &[u8]) -> String {
        let mut h = blake3::Hasher::new();
        h.update(self.config_hash(cfg).as_bytes());
        h.update(format!("{settings:?}").as_bytes());
        h.update(b"\0content\0");
        h.update(bytes);
        h.finalize().to_hex().to_string()
    }

    fn path_key(path: &Path) -> String {
        super::baseline::normalize(path)
            .to_string_lossy()
            .into_owned()
    }

    /// The cached result for `path` under `key`, if any.
    pub fn get(&self, path: &Path, key: &str) -> Option<LintResult> {
        let e = self
            .old
            .get(&Self::path_key(path))
            .filter(|e| e.key == key)?;
        let findings = e
            .findings
            .iter()
            .map(|f| {
                Some(Finding {
                    rule: Arc::from(f.rule.as_str()),
                    category: Category::from_id(&f.category)?,
                    severity: Severity::from_id(&f.severity)?,
                    range: f.start..f.end,
                    message: Arc::from(f.message.as_str()),
                    fixes: f
                        .fixes
                        .iter()
                        .map(|x| Fix {
                            title: x.title.clone(),
                            preferred: x.preferred,
                            edits: x
                                .edits
                                .iter()
                                .map(|(s, e, r)| Edit {
                                    range: *s..*e,
                                    replacement: r.clone(),
                                })
                                .collect(),
                        })
                        .collect(),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        let mut counts = std::collections::BTreeMap::new();
        for f in &findings {
            *counts.entry(f.category).or_insert(0) += 1;
        }
        self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(Self::path_key(path), e.clone());
        Some(LintResult {
            findings,
            kind: Kind::from_id(&e.kind)?,
            summary: Summary {
                counts,
                score: e.score,
            },
        })
    }

    /// Remembers a fresh result.
    pub fn put(&self, path: &Path, key: String, r: &LintResult) {
        self.dirty.store(true, std::sync::atomic::Ordering::Relaxed);
        let entry = Entry {
            key,
            kind: r.kind.id().to_string(),
            score: r.summary.score,
            findings: r
                .findings
                .iter()
                .map(|f| CachedFinding {
                    rule: f.rule.to_string(),
                    category: f.category.id().to_string(),
                    severity: f.severity.id().to_string(),
                    start: f.range.start,
                    end: f.range.end,
                    message: f.message.to_string(),
                    fixes: f
                        .fixes
                        .iter()
                        .map(|x| CachedFix {
                            title: x.title.clone(),
                            preferred: x.preferred,
                            edits: x
                                .edits
                                .iter()
                                .map(|e| (e.range.start, e.range.end, e.replacement.clone()))
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
        };
        self.new
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(Self::path_key(path), entry);
    }

    /// Writes the index: this run's entries plus earlier ones of files that
    /// still exist. A failure is a warning; the run's results stand.
    pub fn save(self) {
        if !self.dirty.load(std::sync::atomic::Ordering::Relaxed) && !self.old.is_empty() {
            // Every file came from the index as it is on disk.
            return;
        }
        let mut entries = self.new.into_inner().unwrap_or_else(|e| e.into_inner());
        for (k, v) in self.old {
            if !entries.contains_key(&k) && Path::new(&k).is_file() {
                entries.insert(k, v);
            }
        }
        let index = Index {
            build: self.build,
            entries,
        };
        let text = match serde_json::to_string(&index) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("tactful: warning: cache not saved: {e}");
                return;
            }
        };
        let r = std::fs::create_dir_all(&self.dir).and_then(|_| {
            if !self.dir.join(".gitignore").exists() {
                std::fs::write(self.dir.join(".gitignore"), "*\n")?;
            }
            super::atomic::write(&self.dir.join(INDEX), text.as_bytes())
        });
        if let Err(e) = r {
            eprintln!(
                "tactful: warning: cache not saved in {}: {e}",
                self.dir.display()
            );
        }
    }
}
