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
    /// Rule or category id → severity (`None`: off). These win over the
    /// file's `[severity]`: an entry for a category replaces the file's
    /// entries for the rules of that category; an entry for a rule id that
    /// no loaded pack defines is left out.
    pub severity: Vec<(String, Option<Severity>)>,
}

impl Overlay {
    pub fn is_empty(&self) -> bool {
        self.packs.is_empty()
            && self.allow.is_empty()
            && self.kinds.iter().all(|(_, g)| g.is_empty())
            && self.severity.is_empty()
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
                message: without_values(e.message().trim()),
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
            if let Some(tree) = outside_tree(root, p.get_ref()) {
                return Err(err(
                    p.span().start,
                    format!(
                        "rule pack {} is outside this project's tree ({}); a relative pack path (or a link in the tree) must stay inside it: name a pack from elsewhere by its absolute path",
                        p.get_ref(),
                        tree.display()
                    ),
                ));
            }
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
        merge_editor_severity(&mut overrides, &overlay.severity, &rules);
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
            keep_covered: false,
        }
    }
}

/// The edit that turns `rule` off in a config file's `[severity]` table
/// (`existing` is its text; `None` for a file to create). Written through
/// `toml_edit`: the key is quoted and escaped as TOML needs, comments and
/// layout elsewhere are kept, and an existing entry for the rule is
/// replaced. The edit covers only the bytes that change. An existing file
/// that is not valid TOML, or whose `severity` is not a table, is an error.
pub fn turn_off_edit(
    path: &Path,
    existing: Option<&str>,
    rule: &str,
) -> Result<crate::model::Edit, ConfigError> {
    let text = existing.unwrap_or("");
    let err = |message: String| ConfigError {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        message,
    };
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })?;
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let new = if doc.contains_key("severity") {
        let Some(table) = doc["severity"].as_table_like_mut() else {
            return Err(err("`severity` is not a table".to_string()));
        };
        match table.get_mut(rule) {
            Some(item) if item.is_value() => {
                // Keep the entry's own comments and spacing.
                let decor = item.as_value().map(|v| v.decor().clone());
                let mut value = toml_edit::Value::from("off");
                if let Some(d) = decor {
                    *value.decor_mut() = d;
                }
                *item = toml_edit::Item::Value(value);
            }
            _ => {
                table.insert(rule, toml_edit::value("off"));
            }
        }
        doc.to_string()
    } else {
        // A new table goes at the end; everything before stays verbatim.
        let mut table = toml_edit::DocumentMut::new();
        let mut severity = toml_edit::Table::new();
        severity.insert(rule, toml_edit::value("off"));
        table.insert("severity", toml_edit::Item::Table(severity));
        let mut out = text.to_string();
        if !out.is_empty() {
            if !out.ends_with('\n') {
                out.push_str(newline);
            }
            out.push_str(newline);
        }
        out.push_str(&table.to_string());
        out
    };
    let new = if newline == "\r\n" && !new.contains("\r\n") {
        new.replace('\n', "\r\n")
    } else {
        new
    };
    // The smallest edit that turns `text` into `new`, on char boundaries.
    let mut start = text
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !text.is_char_boundary(start) || !new.is_char_boundary(start) {
        start -= 1;
    }
    let max_suffix = text.len().min(new.len()) - start;
    let mut suffix = text
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !text.is_char_boundary(text.len() - suffix) || !new.is_char_boundary(new.len() - suffix) {
        suffix -= 1;
    }
    Ok(crate::model::Edit {
        range: start..text.len() - suffix,
        replacement: new[start..new.len() - suffix].to_string(),
    })
}

/// Puts the editor's severity entries over the file's (see
/// [`Overlay::severity`]).
fn merge_editor_severity(
    overrides: &mut Overrides,
    editor: &[(String, Option<Severity>)],
    rules: &[rules::Rule],
) {
    for (key, _) in editor {
        if Category::from_id(key).is_some() {
            let editor_has = |id: &str| editor.iter().any(|(k, _)| k == id);
            overrides.levels.retain(|id, _| {
                editor_has(id)
                    || !rules
                        .iter()
                        .any(|r| r.id.as_ref() == id && r.category.id() == key)
            });
        }
    }
    for (key, level) in editor {
        let known = Category::from_id(key).is_some() || rules.iter().any(|r| r.id.as_ref() == key);
        if known {
            overrides.levels.insert(key.clone(), *level);
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

/// The tree of a config at `root` when `name` (a pack path from its
/// `packs`) is relative and leads outside it (through `..` or a link):
/// packs from elsewhere are read only when named explicitly, by an absolute
/// path (or the editor's `tactful.packs`). `None` when it stays inside, is
/// absolute, or does not exist (reading it then reports that).
fn outside_tree(root: &Path, name: &str) -> Option<PathBuf> {
    if Path::new(name).is_absolute() {
        return None;
    }
    let full = std::fs::canonicalize(root.join(name)).ok()?;
    let tree = rules::tree_root(root).ok()?;
    (!full.starts_with(&tree)).then_some(tree)
}

/// A TOML or schema error message with the values it quotes from the file
/// (`invalid type: string "…"`) left out: an error says where and what is
/// wrong, never what the file holds. Key names (in backticks) stay.
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        if quoted {
            if c == '"' {
                out.push('\u{2026}');
                out.push(c);
                quoted = false;
            }
            continue;
        }
        out.push(c);
        quoted = c == '"';
    }
    if quoted {
        out.push('\u{2026}');
    }
    out
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
            "[[rule]]\nid = \"jargon.house-term\"\ncategory = \"jargon\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"frobnicate\"]\n",
        )
        .unwrap();
        let overlay = Overlay {
            packs: vec![pack.clone()],
            allow: vec!["acme frobnicate".into()],
            kinds: vec![(Kind::InternalNote, vec!["**/escalations/**".into()])],
            ..Default::default()
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
        assert_eq!(ids("We frobnicate."), vec!["jargon.house-term"]);
        assert!(
            ids("Try Acme Frobnicate today.").is_empty(),
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
    fn turning_off_a_rule_writes_escaped_toml_and_keeps_the_rest() {
        let p = Path::new("/w/tactful.toml");
        let apply = |text: &str, rule: &str| {
            let e = turn_off_edit(p, Some(text), rule).unwrap();
            let mut t = text.to_string();
            t.replace_range(e.range, &e.replacement);
            t
        };
        let text = "# house settings\npacks = [\"house.toml\"] # ours\n";
        let out = apply(text, "house.simply");
        assert!(out.starts_with(text), "{out}");
        let v: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(v["severity"]["house.simply"].as_str(), Some("off"));
        // A hostile id stays one key: no table is injected.
        let evil = "x\"]\n[kinds]\nkb = [\"**\"]\n#";
        let out = apply(text, evil);
        let v: toml::Table = toml::from_str(&out).unwrap();
        assert!(v.get("kinds").is_none(), "{out}");
        assert_eq!(v["severity"][evil].as_str(), Some("off"));
        // An existing entry is replaced in place, its comment kept.
        let text = "[severity]\n\"house.simply\" = \"error\" # why\nminimizing = \"hint\"\n";
        assert_eq!(
            apply(text, "house.simply"),
            "[severity]\n\"house.simply\" = \"off\" # why\nminimizing = \"hint\"\n"
        );
        // A new file.
        let e = turn_off_edit(p, None, "house.simply").unwrap();
        assert_eq!(e.replacement, "[severity]\n\"house.simply\" = \"off\"\n");
        assert!(turn_off_edit(p, Some("severity = 3\n"), "a").is_err());
        assert!(turn_off_edit(p, Some("[[x\n"), "a").is_err());
    }

    #[test]
    fn editor_severity_wins_over_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let pack = dir.path().join("house.toml");
        std::fs::write(
            &pack,
            "[[rule]]\nid = \"minimizing.house\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"breezy\"]\n",
        )
        .unwrap();
        let cfg = dir.path().join("tactful.toml");
        let text = "builtin = false\npacks = [\"house.toml\"]\n[severity]\n\"minimizing.house\" = \"off\"\n";
        let lint = |severity: Vec<(String, Option<Severity>)>| {
            let overlay = Overlay {
                severity,
                ..Default::default()
            };
            let r = Resolved::parse_with(&cfg, text, &overlay).unwrap();
            let s = r.settings_for(&dir.path().join("a.txt"));
            r.linter
                .lint("It is breezy.", &s)
                .unwrap()
                .findings
                .iter()
                .map(|f| f.severity)
                .collect::<Vec<_>>()
        };
        assert!(lint(vec![]).is_empty(), "the file turns it off");
        // The editor's category setting re-enables the rule the file turned off.
        assert_eq!(
            lint(vec![("minimizing".into(), Some(Severity::Error))]),
            vec![Severity::Error]
        );
        // The editor's rule setting wins over its own category setting.
        assert_eq!(
            lint(vec![
                ("minimizing".into(), Some(Severity::Error)),
                ("minimizing.house".into(), Some(Severity::Hint)),
            ]),
            vec![Severity::Hint]
        );
        // Unknown ids from the editor are left out (reported by the server).
        assert!(lint(vec![("nope.rule".into(), Some(Severity::Error))]).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_device_pack_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pack.toml");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "mkfifo");
        let cfg = dir.path().join("tactful.toml");
        let e = Resolved::parse(&cfg, "packs = [\"pack.toml\"]\n").unwrap_err();
        assert!(e.message.contains("not a regular file"), "{e}");
        assert_eq!(e.line, 1, "{e}");
        let e = Resolved::parse(&cfg, "packs = [\"/dev/zero\"]\n").unwrap_err();
        assert!(e.message.contains("not a regular file"), "{e}");
        let big = dir.path().join("big.toml");
        std::fs::write(
            &big,
            vec![b'#'; crate::file_read::MAX_CONFIG_BYTES as usize + 10],
        )
        .unwrap();
        let e = Resolved::parse(&cfg, "packs = [\"big.toml\"]\n").unwrap_err();
        assert!(e.message.contains("over the limit"), "{e}");
    }

    #[test]
    fn a_pack_outside_the_tree_is_read_only_when_named_by_absolute_path() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join(".git")).unwrap();
        let outside = dir.path().join("secret.toml");
        let pack = "[[rule]]\nid = \"house.x\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"hunter2\"]\n";
        std::fs::write(&outside, pack).unwrap();
        let cfg = tree.join("tactful.toml");
        // Relative, through `..`: refused, located, nothing read.
        let e = Resolved::parse(&cfg, "packs = [\"../secret.toml\"]\n").unwrap_err();
        assert!(e.message.contains("outside this project's tree"), "{e}");
        assert_eq!((e.line, e.column), (1, 10), "{e}");
        // Relative, through a link in the tree: refused too.
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&outside, tree.join("link.toml")).unwrap();
            let e = Resolved::parse(&cfg, "packs = [\"link.toml\"]\n").unwrap_err();
            assert!(e.message.contains("outside this project's tree"), "{e}");
        }
        // Named explicitly by absolute path: read.
        let abs = format!("packs = [{:?}]\n", outside.display().to_string());
        let r = Resolved::parse(&cfg, &abs).unwrap();
        assert!(r
            .linter
            .engine()
            .rules()
            .iter()
            .any(|r| &*r.id == "house.x"));
        // A pack inside the tree, relative: read.
        std::fs::write(tree.join("house.toml"), pack).unwrap();
        assert!(Resolved::parse(&cfg, "packs = [\"house.toml\"]\n").is_ok());
    }

    #[test]
    fn config_and_pack_errors_never_echo_the_file_contents() {
        let dir = tempfile::tempdir().unwrap();
        let tree = dir.path().join("tree");
        std::fs::create_dir_all(tree.join(".git")).unwrap();
        let cfg = tree.join("tactful.toml");
        // Values of the config itself.
        for text in [
            "allow = \"hunter2\"\n",
            "builtin = \"hunter2\"\n",
            "[severity]\nminimizing = 3\nx = \"hunter2\"\n",
        ] {
            let e = Resolved::parse(&cfg, text).unwrap_err();
            assert!(!e.to_string().contains("hunter2"), "{e}");
            assert!(e.line > 0, "{e}");
        }
        // Any file named as a pack from outside the tree.
        let outside = dir.path().join("secret.toml");
        for text in [
            "TOKEN = \"hunter2\"\n",
            "hunter2 = 1\n",
            "x = hunter2 \"\n",
            "[[rule]]\nid = \"hunter2\"\n",
            "[[rule]]\nid = \"h.x\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"((hunter2\"]\n",
        ] {
            std::fs::write(&outside, text).unwrap();
            let abs = format!("packs = [{:?}]\n", outside.display().to_string());
            let e = Resolved::parse(&cfg, &abs).unwrap_err();
            assert!(!e.to_string().contains("hunter2"), "{text:?}: {e}");
            assert!(e.line > 0, "{text:?}: {e}");
        }
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
