//! Rule packs: TOML data (docs/rule-format.md) → validated [`Rule`]s, with
//! errors that name the pack file, line and reason. The default packs are embedded.

pub mod docs;
pub mod lexicon;
pub mod pattern;
pub mod selftest;

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{Category, Kind, Severity};
pub use lexicon::Lexicon;
pub use pattern::{Elem, Pattern};

include!(concat!(env!("OUT_DIR"), "/embedded_packs.rs"));

/// A built-in check that is not a token pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    ApologyDensity,
    Exclamation,
    AllCaps,
    NoAcknowledgement,
    ApologyWithoutAction,
    NoOwnership,
    WallOfText,
}

impl Check {
    pub fn from_id(id: &str) -> Option<Check> {
        Some(match id {
            "apology-density" => Check::ApologyDensity,
            "exclamation" => Check::Exclamation,
            "all-caps" => Check::AllCaps,
            "no-acknowledgement" => Check::NoAcknowledgement,
            "apology-without-action" => Check::ApologyWithoutAction,
            "no-ownership" => Check::NoOwnership,
            "wall-of-text" => Check::WallOfText,
            _ => return None,
        })
    }
}

/// One bad example: the text and, when given, what the preferred fix makes of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadExample {
    pub text: String,
    pub fixed: Option<String>,
}

/// A validated rule.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: Arc<str>,
    pub category: Category,
    pub severity: Severity,
    pub message: Arc<str>,
    pub why: String,
    pub kinds: Vec<Kind>,
    pub patterns: Vec<Pattern>,
    pub unless: Vec<Pattern>,
    pub unless_sentence: Vec<Pattern>,
    /// Guards looked for in the sentence before and the two after the match
    /// (same segment): "I'm closing this. Reply here and it reopens."
    pub unless_nearby: Vec<Pattern>,
    /// Clause functions where the rule does not apply (`not_in`).
    pub not_in: Vec<crate::engine::clause::Function>,
    /// Clause functions the match must be in (`only_in`), when non-empty.
    pub only_in: Vec<crate::engine::clause::Function>,
    pub fixes: Vec<String>,
    pub fix_unsafe: bool,
    pub bad: Vec<BadExample>,
    pub good: Vec<String>,
    pub check: Option<Check>,
    pub params: toml::Table,
    /// The pack file it came from.
    pub pack: Arc<str>,
}

impl Rule {
    /// A finding of this rule at a source range.
    pub fn finding(
        &self,
        range: std::ops::Range<usize>,
        fixes: Vec<crate::model::Fix>,
    ) -> crate::model::Finding {
        crate::model::Finding {
            rule: self.id.clone(),
            category: self.category,
            severity: self.severity,
            range,
            message: self.message.clone(),
            fixes,
        }
    }

    pub fn applies_to(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

    /// Patterns named by a check param (a list of pattern strings).
    pub fn param_patterns(&self, key: &str) -> Vec<Pattern> {
        self.params
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .filter_map(|s| pattern::parse(s).ok())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn param_usize(&self, key: &str, default: usize) -> usize {
        self.params
            .get(key)
            .and_then(|v| v.as_integer())
            .map(|i| i.max(0) as usize)
            .unwrap_or(default)
    }

    pub fn param_str(&self, key: &str) -> Option<&str> {
        self.params.get(key).and_then(|v| v.as_str())
    }

    pub fn param_strings(&self, key: &str) -> Vec<String> {
        self.params
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// A problem in a rule pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackError {
    pub file: String,
    /// 1-based; 0 when unknown.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file, self.line, self.column, self.message
            )
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for PackError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackToml {
    #[serde(default)]
    rule: Vec<Spanned<RuleToml>>,
    /// Word classes (`@name` in patterns), shared by every pack.
    #[serde(default)]
    lexicon: BTreeMap<String, Vec<String>>,
    /// Irregular forms for `~word` (`forget = ["forgot", "forgotten"]`).
    #[serde(default)]
    inflections: BTreeMap<String, Vec<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ExamplesToml {
    #[serde(default)]
    bad: Vec<Vec<String>>,
    #[serde(default)]
    good: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleToml {
    id: Spanned<String>,
    category: Spanned<String>,
    #[serde(default)]
    severity: Option<Spanned<String>>,
    message: String,
    why: String,
    #[serde(default)]
    kinds: Option<Spanned<Vec<String>>>,
    #[serde(rename = "match", default)]
    patterns: Vec<Spanned<String>>,
    #[serde(default)]
    unless: Vec<Spanned<String>>,
    #[serde(default)]
    unless_sentence: Vec<Spanned<String>>,
    #[serde(default)]
    unless_nearby: Vec<Spanned<String>>,
    #[serde(default)]
    not_in: Vec<Spanned<String>>,
    #[serde(default)]
    only_in: Vec<Spanned<String>>,
    #[serde(default)]
    fix: Vec<String>,
    #[serde(default)]
    fix_unsafe: bool,
    #[serde(default)]
    examples: ExamplesToml,
    #[serde(default)]
    check: Option<Spanned<String>>,
    #[serde(default)]
    params: toml::Table,
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}

fn parse_toml(file: &str, text: &str) -> Result<PackToml, PackError> {
    toml::from_str(text).map_err(|e| {
        let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
        PackError {
            file: file.to_string(),
            line,
            column,
            message: e.message().trim().to_string(),
        }
    })
}

fn add_to_lexicon(lex: &mut Lexicon, pack: &PackToml) {
    for (name, entries) in &pack.lexicon {
        lex.define(name, entries.clone());
    }
    for (word, forms) in &pack.inflections {
        lex.define_irregular(word, forms.clone());
    }
}

/// The word classes of the embedded packs (always available, also to house
/// packs when `builtin = false`).
pub fn embedded_lexicon() -> &'static Lexicon {
    static LEX: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
    LEX.get_or_init(|| {
        let mut lex = Lexicon::default();
        for (file, text) in EMBEDDED_PACKS {
            if let Ok(pack) = parse_toml(file, text) {
                add_to_lexicon(&mut lex, &pack);
            }
        }
        lex
    })
}

/// Reads a pack named in a tactful.toml at `root` (relative names are
/// relative to it). Packs are regular files of bounded size (see
/// [`crate::file_read`]); errors about a pack outside the config's tree
/// never quote its text (see [`message_about`]).
pub fn read_pack(root: &std::path::Path, name: &str) -> Result<String, String> {
    crate::file_read::read_config_file(&root.join(name), crate::file_read::MAX_CONFIG_BYTES)
}

/// The tree a config at `dir` governs: the enclosing git repository (a
/// `.git` above it), else `dir` itself; resolved.
pub(crate) fn tree_root(dir: &std::path::Path) -> std::io::Result<std::path::PathBuf> {
    let dir = if dir.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        dir
    };
    let real = std::fs::canonicalize(dir)?;
    Ok(real
        .ancestors()
        .find(|a| a.join(".git").exists())
        .unwrap_or(&real)
        .to_path_buf())
}

/// A pack error's message as shown for a config at `root`: a pack outside
/// `root`'s tree (named by absolute path) may be any file, so quoted parts
/// that come from its text are left out; the location still says where.
pub fn message_about(e: &PackError, root: &std::path::Path) -> String {
    let inside = std::fs::canonicalize(&e.file)
        .ok()
        .zip(tree_root(root).ok())
        .is_some_and(|(f, r)| f.starts_with(r));
    let embedded = EMBEDDED_PACKS.iter().any(|(n, _)| *n == e.file);
    if inside || embedded {
        return e.message.clone();
    }
    let mut out = String::with_capacity(e.message.len());
    let mut quote = None;
    for c in e.message.chars() {
        match quote {
            Some(q) if c == q => {
                out.push('\u{2026}');
                out.push(c);
                quote = None;
            }
            Some(_) => {}
            None => {
                out.push(c);
                if matches!(c, '"' | '`') {
                    quote = Some(c);
                }
            }
        }
    }
    out
}

/// Parses one pack. `file` names it in errors. Word classes come from the
/// embedded packs and this one.
pub fn parse_pack(file: &str, text: &str) -> Result<Vec<Rule>, PackError> {
    let pack = parse_toml(file, text)?;
    let mut lex = embedded_lexicon().clone();
    add_to_lexicon(&mut lex, &pack);
    pattern::sharing(|| build_rules(file, text, pack, &lex))
}

fn build_rules(
    file: &str,
    text: &str,
    pack: PackToml,
    lex: &Lexicon,
) -> Result<Vec<Rule>, PackError> {
    let err_at = |offset: usize, message: String| {
        let (line, column) = line_col(text, offset);
        PackError {
            file: file.to_string(),
            line,
            column,
            message,
        }
    };
    let pack_name: Arc<str> = Arc::from(file);
    let mut rules = Vec::with_capacity(pack.rule.len());
    for spanned in pack.rule {
        let rule_start = spanned.span().start;
        let r = spanned.into_inner();
        let category = Category::from_id(r.category.get_ref()).ok_or_else(|| {
            err_at(
                r.category.span().start,
                format!(
                    "unknown category {:?} (see `tactful rules list` for the 28 categories)",
                    r.category.get_ref()
                ),
            )
        })?;
        let id = r.id.get_ref().trim().to_string();
        if id.is_empty() || id.contains(char::is_whitespace) {
            return Err(err_at(
                r.id.span().start,
                format!("rule id {id:?} must be non-empty with no spaces"),
            ));
        }
        let severity = match &r.severity {
            None => Severity::Warning,
            Some(s) => Severity::from_id(s.get_ref()).ok_or_else(|| {
                err_at(
                    s.span().start,
                    format!(
                        "unknown severity {:?} (error, warning, info or hint)",
                        s.get_ref()
                    ),
                )
            })?,
        };
        let kinds = match &r.kinds {
            None => Kind::ALL.to_vec(),
            Some(k) => {
                let mut out = Vec::new();
                for name in k.get_ref() {
                    out.push(Kind::from_id(name).ok_or_else(|| {
                        err_at(
                            k.span().start,
                            format!("unknown kind {name:?} (reply, kb or internal-note)"),
                        )
                    })?);
                }
                out
            }
        };
        let parse_all = |list: &[Spanned<String>]| -> Result<Vec<Pattern>, PackError> {
            list.iter()
                .map(|p| {
                    let expanded = lex.expand(p.get_ref()).map_err(|m| {
                        err_at(p.span().start, format!("pattern {:?}: {m}", p.get_ref()))
                    })?;
                    let mut parsed = pattern::parse(&expanded)
                        .map_err(|e| err_at(p.span().start, e.to_string()))?;
                    parsed.source = p.get_ref().clone();
                    Ok(parsed)
                })
                .collect()
        };
        let patterns = parse_all(&r.patterns)?;
        let unless = parse_all(&r.unless)?;
        let unless_sentence = parse_all(&r.unless_sentence)?;
        let unless_nearby = parse_all(&r.unless_nearby)?;
        let functions = |list: &[Spanned<String>]| -> Result<Vec<_>, PackError> {
            use crate::engine::clause::Function;
            list.iter()
                .map(|f| {
                    Function::from_id(f.get_ref()).ok_or_else(|| {
                        err_at(
                            f.span().start,
                            format!(
                                "unknown clause function {:?} (one of {})",
                                f.get_ref(),
                                Function::ALL.map(Function::id).join(", ")
                            ),
                        )
                    })
                })
                .collect()
        };
        let not_in = functions(&r.not_in)?;
        let only_in = functions(&r.only_in)?;
        let check = match &r.check {
            None => None,
            Some(c) => Some(Check::from_id(c.get_ref()).ok_or_else(|| {
                err_at(c.span().start, format!("unknown check {:?}", c.get_ref()))
            })?),
        };
        if check.is_none() && patterns.is_empty() {
            return Err(err_at(
                rule_start,
                format!("rule {id:?} has neither `match` patterns nor a `check`"),
            ));
        }
        // Every capture used by a fix must exist in every pattern.
        for p in &patterns {
            let mut names = Vec::new();
            pattern::capture_names(&p.elems, &mut names);
            for f in &r.fix {
                for used in fix_captures(f) {
                    if !names.iter().any(|n| n == used) {
                        return Err(err_at(
                            rule_start,
                            format!("rule {id:?}: fix {f:?} uses {{{used}}} but pattern {:?} does not capture it", p.source),
                        ));
                    }
                }
            }
            if let Err(m) = p.anchors() {
                return Err(err_at(
                    rule_start,
                    format!("rule {id:?}: pattern {:?}: {m}", p.source),
                ));
            }
        }
        let mut bad = Vec::new();
        for b in r.examples.bad {
            match b.len() {
                1 | 2 => bad.push(BadExample {
                    text: b[0].clone(),
                    fixed: b.get(1).cloned(),
                }),
                _ => {
                    return Err(err_at(
                        rule_start,
                        format!("rule {id:?}: each bad example is [text] or [text, fixed]"),
                    ))
                }
            }
        }
        let mut params = r.params;
        for (key, value) in params.iter_mut() {
            if let Some(list) = value.as_array_mut() {
                for v in list.iter_mut() {
                    if let Some(s) = v.as_str() {
                        let e = lex.expand(s).map_err(|m| {
                            err_at(rule_start, format!("rule {id:?} params.{key} {s:?}: {m}"))
                        })?;
                        *v = toml::Value::String(e);
                    }
                }
            }
        }
        rules.push(Rule {
            id: Arc::from(id.as_str()),
            category,
            severity,
            message: Arc::from(r.message.trim()),
            why: r.why.trim().to_string(),
            kinds,
            patterns,
            unless,
            unless_sentence,
            unless_nearby,
            not_in,
            only_in,
            fixes: r.fix,
            fix_unsafe: r.fix_unsafe,
            bad,
            good: r.examples.good,
            check,
            params,
            pack: pack_name.clone(),
        });
    }
    Ok(rules)
}

/// Names of captures a fix template uses (`{name}`).
pub fn fix_captures(fix: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = fix;
    while let Some(s) = rest.find('{') {
        let after = &rest[s + 1..];
        match after.find('}') {
            Some(e) => {
                out.push(&after[..e]);
                rest = &after[e + 1..];
            }
            None => break,
        }
    }
    out
}

/// Parses several packs and checks ids are unique across them. Patterns
/// share their parsed items (word classes are parsed once per load).
pub fn load_packs<'a>(
    packs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Rule>, PackError> {
    pattern::sharing(|| load_packs_shared(packs))
}

fn load_packs_shared<'a>(
    packs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Vec<Rule>, PackError> {
    let mut all: Vec<Rule> = Vec::new();
    let mut seen = HashSet::new();
    // Two passes: every pack's word classes first, so any pack may use them.
    let mut parsed = Vec::new();
    let mut lex = embedded_lexicon().clone();
    for (file, text) in packs {
        let pack = parse_toml(file, text)?;
        add_to_lexicon(&mut lex, &pack);
        parsed.push((file, text, pack));
    }
    for (file, text, pack) in parsed {
        for rule in build_rules(file, text, pack, &lex)? {
            if !seen.insert(rule.id.clone()) {
                let line = text
                    .find(&format!("\"{}\"", rule.id))
                    .map(|o| line_col(text, o))
                    .unwrap_or((0, 0));
                return Err(PackError {
                    file: file.to_string(),
                    line: line.0,
                    column: line.1,
                    message: format!(
                        "duplicate rule id {:?} (ids must be unique across packs)",
                        rule.id
                    ),
                });
            }
            all.push(rule);
        }
    }
    Ok(all)
}

/// The embedded default packs.
pub fn default_rules() -> Result<Vec<Rule>, PackError> {
    load_packs(EMBEDDED_PACKS.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_packs_name_file_line_and_reason() {
        let e = parse_pack("x.toml", "[[rule]]\nid = \"a.b\"\ncategory = \"nope\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"x\"]\n").unwrap_err();
        assert_eq!((e.file.as_str(), e.line), ("x.toml", 3));
        assert!(e.message.contains("unknown category"), "{e}");
        let e = parse_pack("y.toml", "[[rule]]\nid = \"a.b\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"just (a\"]\n").unwrap_err();
        assert_eq!(e.line, 6);
        assert!(e.message.contains("unbalanced"), "{e}");
        let e = parse_pack("z.toml", "[[rule]\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_pack("w.toml", "[[rule]]\nid = \"a\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"x\"]\nbogus = 1\n").unwrap_err();
        assert!(e.message.contains("bogus"), "{e}");
    }

    #[test]
    fn fixes_must_use_known_captures() {
        let e = parse_pack("f.toml", "[[rule]]\nid = \"a\"\ncategory = \"minimizing\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"x {y}\"]\nfix = [\"{z}\"]\n").unwrap_err();
        assert!(e.message.contains("{z}"), "{e}");
    }
}
