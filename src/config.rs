//! `tactful.toml` / `.tactful.toml`: discovery upward from a file, parsing
//! with located errors, and the per-file settings (format, kind) it decides.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::engine::{Engine, Overrides};
use crate::lint::{FileSettings, Linter};
use crate::model::{Category, Kind, Severity};
use crate::rules::{self, line_col};
use crate::source::{Format, SourceOptions};

/// Config file names, in the order they are looked for in each folder.
pub const FILE_NAMES: [&str; 2] = ["tactful.toml", ".tactful.toml"];

/// Default kind globs (DESIGN.md): later config globs win over these.
pub const DEFAULT_KB_GLOBS: [&str; 4] = ["**/kb/**", "**/articles/**", "**/help/**", "**/docs/**"];
pub const DEFAULT_NOTE_GLOBS: [&str; 3] = ["**/notes/**", "**/internal/**", "**/*.note.*"];

/// A config or pack problem, located.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; 0 when unknown.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.path.display(),
                self.line,
                self.column,
                self.message
            )
        } else {
            write!(f, "{}: {}", self.path.display(), self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// The file's shape. Unknown keys are errors.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigToml {
    /// Use the built-in packs (default true); false lints with `packs` only.
    #[serde(default = "default_true")]
    pub builtin: bool,
    #[serde(default)]
    pub packs: Vec<Spanned<String>>,
    #[serde(default)]
    pub allow: Vec<String>,
    #[serde(default)]
    pub include: Vec<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub kinds: KindsToml,
    #[serde(default)]
    pub formats: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub placeholders: PlaceholdersToml,
    #[serde(default)]
    pub markdown: MarkdownToml,
    #[serde(default)]
    pub exports: ExportsToml,
}

fn default_true() -> bool {
    true
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct KindsToml {
    #[serde(default)]
    pub reply: Vec<Spanned<String>>,
    #[serde(default)]
    pub kb: Vec<Spanned<String>>,
    #[serde(default, rename = "internal-note")]
    pub internal_note: Vec<Spanned<String>>,
    /// The kind of files no glob matches (default "reply").
    #[serde(default)]
    pub default: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct PlaceholdersToml {
    /// Also treat `[[name]]` as a placeholder.
    #[serde(default)]
    pub brackets: bool,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct MarkdownToml {
    /// Lint plain block quotes (by default they are quoted customer text).
    #[serde(default)]
    pub lint_block_quotes: bool,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExportsToml {
    /// JSON pointer patterns (`/replies/*/body`) or key names to lint in JSON/YAML.
    #[serde(default)]
    pub keys: Vec<String>,
}

/// Settings an editor sends over LSP that extend every `tactful.toml`
/// (DESIGN.md: LSP settings override the file): more packs, allowed phrases,
/// and kind globs that are tried before the file's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overlay {
    /// Extra rule packs (absolute paths).
    pub packs: Vec<PathBuf>,
    pub allow: Vec<String>,
    /// Kind globs, tried in order before the file's own.
    pub kinds: Vec<(Kind, Vec<String>)>,
}

impl Overlay {
    pub fn is_empty(&self) -> bool {
        self.packs.is_empty()
            && self.allow.is_empty()
            && self.kinds.iter().all(|(_, g)| g.is_empty())
    }
}

/// A config resolved for use: compiled linter, globs, options.
pub struct Resolved {
    /// The config file, or None for the built-in defaults.
    pub path: Option<PathBuf>,
    /// The folder globs are relative to.
    pub root: PathBuf,
    pub linter: Linter,
    include: Option<GlobSet>,
    exclude: GlobSet,
    kind_globs: Vec<(GlobSet, Kind)>,
    default_kind: Kind,
    formats: Vec<(GlobSet, Format)>,
    source: SourceOptions,
}

impl fmt::Debug for Resolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resolved")
            .field("path", &self.path)
            .field("root", &self.root)
            .finish()
    }
}

fn glob_set<'a>(
    globs: impl IntoIterator<Item = (&'a str, usize)>,
    err: &dyn Fn(usize, String) -> ConfigError,
) -> Result<GlobSet, ConfigError> {
    let mut b = GlobSetBuilder::new();
    for (g, at) in globs {
        let glob = Glob::new(g).map_err(|e| err(at, format!("bad glob {g:?}: {}", e.kind())))?;
        b.add(glob);
    }
    b.build().map_err(|e| err(0, e.to_string()))
}

impl Resolved {
    /// The built-in defaults (embedded packs, default globs), rooted at `root`.
    pub fn defaults(root: &Path) -> Resolved {
        Resolved::defaults_with(root, &Overlay::default()).expect("defaults are valid")
    }

    /// The built-in defaults plus an editor's overlay.
    pub fn defaults_with(root: &Path, overlay: &Overlay) -> Result<Resolved, ConfigError> {
        let cfg: ConfigToml = toml::from_str("").expect("an empty config parses");
        Resolved::from_toml(None, root, "", cfg, overlay)
    }

    /// Loads a config file and the packs it names.
    pub fn load(path: &Path) -> Result<Resolved, ConfigError> {
        Resolved::load_with(path, &Overlay::default())
    }

    /// Loads a config file with an editor's overlay on top.
    pub fn load_with(path: &Path, overlay: &Overlay) -> Result<Resolved, ConfigError> {
        let text = crate::file_read::read_config_file(path, crate::file_read::MAX_CONFIG_BYTES)
            .map_err(|e| ConfigError {
                path: path.to_path_buf(),
                line: 0,
                column: 0,
                message: format!("cannot read the config file: {e}"),
            })?;
        Resolved::parse_with(path, &text, overlay)
    }

    /// Parses config text as if it were the file at `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Resolved, ConfigError> {
        Resolved::parse_with(path, text, &Overlay::default())
    }

    /// Parses config text with an editor's overlay on top.
    pub fn parse_with(path: &Path, text: &str, overlay: &Overlay) -> Result<Resolved, ConfigError> {
        let parsed: ConfigToml = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            ConfigError {
                path: path.to_path_buf(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        Resolved::from_toml(Some(path), &root, text, parsed, overlay)
    }

    fn from_toml(
        path: Option<&Path>,
        root: &Path,
        text: &str,
        cfg: ConfigToml,
        overlay: &Overlay,
    ) -> Result<Resolved, ConfigError> {
        let cfg_path = path
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("tactful.toml"));
        let err = |at: usize, message: String| {
            let (line, column) = if text.is_empty() {
                (0, 0)
            } else {
                line_col(text, at)
            };
            ConfigError {
                path: cfg_path.clone(),
                line,
                column,
                message,
            }
        };
        // Severity overrides.
        let mut overrides = Overrides {
            allow: cfg.allow.iter().chain(&overlay.allow).cloned().collect(),
            ..Default::default()
        };
        for (key, value) in &cfg.severity {
            let level = match value.get_ref().as_str() {
                "off" => None,
                s => Some(Severity::from_id(s).ok_or_else(|| {
                    err(value.span().start, format!("severity for {key:?} must be error, warning, info, hint or off, not {s:?}"))
                })?),
            };
            overrides.levels.insert(key.clone(), level);
        }
        // Packs: the embedded ones plus those named, relative to the config.
        let mut texts: Vec<(String, String)> = if cfg.builtin {
            rules::EMBEDDED_PACKS
                .iter()
                .map(|(n, t)| (n.to_string(), t.to_string()))
                .collect()
        } else {
            Vec::new()
        };
        for p in &cfg.packs {
            let full = root.join(p.get_ref());
            let t = rules::read_pack(root, p.get_ref()).map_err(|e| {
                err(
                    p.span().start,
                    format!("cannot read rule pack {}: {e}", full.display()),
                )
            })?;
            texts.push((full.display().to_string(), t));
        }
        for full in &overlay.packs {
            let t = crate::file_read::read_config_file(full, crate::file_read::MAX_CONFIG_BYTES)
                .map_err(|e| ConfigError {
                    path: full.clone(),
                    line: 0,
                    column: 0,
                    message: format!(
                        "cannot read rule pack {} (from the editor's tactful.packs setting): {e}",
                        full.display()
                    ),
                })?;
            texts.push((full.display().to_string(), t));
        }
        let rules = rules::load_packs(texts.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .map_err(|e| ConfigError {
                path: PathBuf::from(&e.file),
                line: e.line,
                column: e.column,
                message: rules::message_about(&e, root),
            })?;
        // Unknown rule or category ids in [severity] are mistakes.
        for (key, value) in &cfg.severity {
            if Category::from_id(key).is_none() && !rules.iter().any(|r| r.id.as_ref() == key) {
                return Err(err(
                    value.span().start,
                    format!("[severity] {key:?} is neither a category nor a rule id (see `tactful rules list`)"),
                ));
            }
        }
        let engine = Engine::new(rules, &overrides).map_err(|e| err(0, e.to_string()))?;
        let include = if cfg.include.is_empty() {
            None
        } else {
            Some(glob_set(
                cfg.include
                    .iter()
                    .map(|g| (g.get_ref().as_str(), g.span().start)),
                &err,
            )?)
        };
        let exclude = glob_set(
            cfg.exclude
                .iter()
                .map(|g| (g.get_ref().as_str(), g.span().start)),
            &err,
        )?;
        let mut kind_globs = Vec::new();
        for (kind, globs) in &overlay.kinds {
            if !globs.is_empty() {
                let set = glob_set(globs.iter().map(|g| (g.as_str(), 0)), &|_, m| ConfigError {
                    path: PathBuf::from("tactful.kinds (editor setting)"),
                    line: 0,
                    column: 0,
                    message: m,
                })?;
                kind_globs.push((set, *kind));
            }
        }
        for (list, kind) in [
            (&cfg.kinds.reply, Kind::Reply),
            (&cfg.kinds.kb, Kind::Kb),
            (&cfg.kinds.internal_note, Kind::InternalNote),
        ] {
            if !list.is_empty() {
                kind_globs.push((
                    glob_set(
                        list.iter().map(|g| (g.get_ref().as_str(), g.span().start)),
                        &err,
                    )?,
                    kind,
                ));
            }
        }
        kind_globs.push((
            glob_set(DEFAULT_NOTE_GLOBS.iter().map(|g| (*g, 0)), &err)?,
            Kind::InternalNote,
        ));
        kind_globs.push((
            glob_set(DEFAULT_KB_GLOBS.iter().map(|g| (*g, 0)), &err)?,
            Kind::Kb,
        ));
        let default_kind = match &cfg.kinds.default {
            None => Kind::Reply,
            Some(k) => Kind::from_id(k.get_ref()).ok_or_else(|| {
                err(
                    k.span().start,
                    format!(
                        "kinds.default must be reply, kb or internal-note, not {:?}",
                        k.get_ref()
                    ),
                )
            })?,
        };
        let mut formats = Vec::new();
        for (glob, f) in &cfg.formats {
            let format = Format::from_id(f.get_ref()).ok_or_else(|| {
                err(
                    f.span().start,
                    format!(
                        "unknown format {:?} (text, markdown, html, template, json or yaml)",
                        f.get_ref()
                    ),
                )
            })?;
            formats.push((glob_set([(glob.as_str(), f.span().start)], &err)?, format));
        }
        Ok(Resolved {
            path: path.map(Path::to_path_buf),
            root: root.to_path_buf(),
            linter: Linter::new(Arc::new(engine)),
            include,
            exclude,
            kind_globs,
            default_kind,
            formats,
            source: SourceOptions {
                bracket_placeholders: cfg.placeholders.brackets,
                lint_block_quotes: cfg.markdown.lint_block_quotes,
                export_keys: cfg.exports.keys,
            },
        })
    }

    fn relative<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    fn matches(&self, set: &GlobSet, path: &Path) -> bool {
        set.is_match(self.relative(path)) || set.is_match(path)
    }

    /// Whether a file found by walking is linted (include/exclude globs).
    pub fn is_included(&self, path: &Path) -> bool {
        if self.matches(&self.exclude, path) {
            return false;
        }
        self.include
            .as_ref()
            .is_none_or(|inc| self.matches(inc, path))
    }

    /// Format and kind for a file.
    pub fn settings_for(&self, path: &Path) -> FileSettings {
        let format = self
            .formats
            .iter()
            .find(|(g, _)| self.matches(g, path))
            .map(|(_, f)| *f)
            .unwrap_or_else(|| Format::from_path(&path.to_string_lossy()));
        let kind = self
            .kind_globs
            .iter()
            .find(|(g, _)| self.matches(g, path))
            .map(|(_, k)| *k)
            .unwrap_or(self.default_kind);
        FileSettings {
            format,
            kind,
            source: self.source.clone(),
        }
    }
}

/// The config file that governs `path`: the nearest tactful.toml or
/// .tactful.toml in its folder or above.
pub fn discover(path: &Path) -> Option<PathBuf> {
    let start = if path.is_dir() {
        Some(path)
    } else {
        path.parent()
    };
    let mut dir = start;
    while let Some(d) = dir {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        dir = d.parent();
    }
    None
}

/// Resolved configs by config path, loaded once each.
#[derive(Default)]
pub struct ConfigCache {
    map: Mutex<HashMap<Option<PathBuf>, Arc<Resolved>>>,
    /// Folder → the config governing it (discovery costs a stat per ancestor).
    dirs: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
}

impl ConfigCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// The resolved config for a file (defaults when none is found).
    pub fn for_file(&self, file: &Path) -> Result<Arc<Resolved>, ConfigError> {
        let abs = std::path::absolute(file).unwrap_or_else(|_| file.to_path_buf());
        let dir = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        let known = self
            .dirs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&dir)
            .cloned();
        let key = match known {
            Some(k) => k,
            None => {
                let k = discover(&abs);
                self.dirs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(dir, k.clone());
                k
            }
        };
        if let Some(r) = self.map.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return Ok(r.clone());
        }
        let resolved = Arc::new(match &key {
            Some(p) => Resolved::load(p)?,
            None => Resolved::defaults(abs.parent().unwrap_or(Path::new("/"))),
        });
        self.map
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, resolved.clone());
        Ok(resolved)
    }

    /// Forgets every cached config (after a config or pack changed).
    pub fn clear(&self) {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.dirs.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_bad_values_are_located() {
        let p = Path::new("/x/tactful.toml");
        let e = Resolved::parse(p, "allow = []\nbogus = 1\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("bogus"), "{e}");
        let e = Resolved::parse(p, "[severity]\nminimizing = \"loud\"\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(e.message.contains("loud"), "{e}");
        let e = Resolved::parse(p, "[severity]\nnot-a-rule = \"off\"\n").unwrap_err();
        assert!(e.message.contains("neither a category nor a rule"), "{e}");
        let e = Resolved::parse(p, "[kinds]\nkb = [\"a/[\"]\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn kinds_and_formats_from_globs() {
        let r = Resolved::parse(
            Path::new("/w/tactful.toml"),
            "[kinds]\ninternal-note = [\"team/**\"]\n[formats]\n\"**/*.tmpl\" = \"template\"\n",
        )
        .unwrap();
        assert_eq!(
            r.settings_for(Path::new("/w/team/a.txt")).kind,
            Kind::InternalNote
        );
        assert_eq!(r.settings_for(Path::new("/w/help/a.md")).kind, Kind::Kb);
        assert_eq!(r.settings_for(Path::new("/w/a.md")).kind, Kind::Reply);
        assert_eq!(
            r.settings_for(Path::new("/w/notes/x.md")).kind,
            Kind::InternalNote
        );
        assert_eq!(
            r.settings_for(Path::new("/w/a.tmpl")).format,
            Format::Template
        );
        assert_eq!(
            r.settings_for(Path::new("/w/a.md")).format,
            Format::Markdown
        );
    }

    #[test]
    fn an_editor_overlay_adds_packs_allow_and_kind_globs() {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("house.toml");
        std::fs::write(
            &pack,
            "[[rule]]\nid = \"jargon.house-term\"\ncategory = \"jargon\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"synergize\"]\n",
        )
        .unwrap();
        let overlay = Overlay {
            packs: vec![pack.clone()],
            allow: vec!["acme synergize".into()],
            kinds: vec![(Kind::InternalNote, vec!["**/escalations/**".into()])],
        };
        let r = Resolved::defaults_with(dir.path(), &overlay).unwrap();
        assert!(r.linter.engine().rule("jargon.house-term").is_some());
        assert_eq!(
            r.settings_for(&dir.path().join("escalations/a.txt")).kind,
            Kind::InternalNote
        );
        let s = r.settings_for(&dir.path().join("a.txt"));
        let ids = |t: &str| {
            r.linter
                .lint(t, &s)
                .unwrap()
                .findings
                .iter()
                .map(|f| f.rule.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("We synergize."), vec!["jargon.house-term"]);
        assert!(
            ids("Try Acme Synergize today.").is_empty(),
            "allowed phrase"
        );
        let missing = Overlay {
            packs: vec![dir.path().join("nope.toml")],
            ..Default::default()
        };
        let e = Resolved::defaults_with(dir.path(), &missing).unwrap_err();
        assert!(e.message.contains("tactful.packs"), "{e}");
    }

    #[test]
    fn include_and_exclude() {
        let r = Resolved::parse(
            Path::new("/w/tactful.toml"),
            "include = [\"**/*.md\"]\nexclude = [\"drafts/**\"]\n",
        )
        .unwrap();
        assert!(r.is_included(Path::new("/w/a.md")));
        assert!(!r.is_included(Path::new("/w/a.txt")));
        assert!(!r.is_included(Path::new("/w/drafts/a.md")));
    }
}
