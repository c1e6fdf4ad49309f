//! The editor's settings for the language server (the `tactful` section of
//! `initializationOptions`, `workspace/configuration` and
//! `didChangeConfiguration`): finding the section in a JSON value, parsing it
//! entry by entry with a message for every entry that is ignored (wrong type,
//! bad severity, unknown key, bad glob), and the [`Overlay`] it puts on every
//! `tactful.toml`. Protocol-free: JSON values in, plain types out.
//!
//! Precedence (docs/lsp.md): editor settings win over `tactful.toml`. An
//! editor `severity` entry for a rule or a category replaces what the file
//! says for that rule (or for the rules of that category); within each
//! source a rule id wins over its category.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::config::Overlay;
use crate::model::{Category, Kind, Severity};

/// Keys the server reads from the section.
const KEYS: [&str; 8] = [
    "severity",
    "codeLens",
    "maxDiagnostics",
    "docsUrl",
    "packs",
    "allow",
    "kinds",
    // Only meaningful in initializationOptions.
    "diagnosticMode",
];

/// What a settings value says about the `tactful` section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Section<'a> {
    /// No section at all (e.g. `{}` or only other tools' sections): ask again.
    Absent,
    /// An explicit null (`{"tactful": null}`, or a null answer): keep the
    /// settings in force.
    Null,
    Value(&'a Value),
}

/// Finds the section in `value`: an object with a `tactful` key, or the
/// section itself (an object using one of its keys).
pub fn section(value: &Value) -> Section<'_> {
    match value {
        Value::Null => Section::Null,
        Value::Object(o) => match o.get("tactful") {
            Some(Value::Null) => Section::Null,
            Some(v) => Section::Value(v),
            None if o.keys().any(|k| KEYS.contains(&k.as_str())) => Section::Value(value),
            None => Section::Absent,
        },
        other => Section::Value(other),
    }
}

/// The settings, validated.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EditorSettings {
    /// Rule or category id → a severity, or `None` for off.
    pub severity: BTreeMap<String, Option<Severity>>,
    /// Show the tone summary code lens (default true).
    pub code_lens: Option<bool>,
    /// Most diagnostics published for one document (default 2000); the
    /// summary still counts every finding.
    pub max_diagnostics: Option<usize>,
    /// Base URL of the rule reference on the web; a diagnostic of a built-in
    /// rule links to `<docsUrl>#<rule anchor>` (default: the rule page the
    /// server writes, see `rule_pages`).
    pub docs_url: Option<String>,
    /// Extra rule packs (paths; relative ones are taken from the first
    /// workspace folder), added to every `tactful.toml`.
    pub packs: Vec<String>,
    /// Phrases never flagged, added to every `tactful.toml`'s `allow`.
    pub allow: Vec<String>,
    /// Kind globs, tried before the file's.
    pub kinds: BTreeMap<String, Vec<String>>,
}

/// One entry of the settings that was ignored, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn field<T: DeserializeOwned>(
    o: &serde_json::Map<String, Value>,
    key: &str,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let v = o.get(key).filter(|v| !v.is_null())?;
    match serde_json::from_value(v.clone()) {
        Ok(t) => Some(t),
        Err(_) => {
            problems.push(Problem(format!(
                "tactful.{key} must be {what}, not {v}; it is ignored"
            )));
            None
        }
    }
}

impl EditorSettings {
    /// Parses a section. Every entry that cannot be used is left out and
    /// named in the problems; the rest applies. A section that is not an
    /// object is an error (the settings in force stay).
    pub fn parse(section: &Value) -> Result<(EditorSettings, Vec<Problem>), Problem> {
        let Some(o) = section.as_object() else {
            return Err(Problem(format!(
                "the tactful settings must be an object, not {section}"
            )));
        };
        let mut problems = Vec::new();
        for k in o.keys() {
            if !KEYS.contains(&k.as_str()) {
                problems.push(Problem(format!(
                    "unknown setting tactful.{k} (known: {}); it is ignored",
                    KEYS[..7].join(", ")
                )));
            }
        }
        let mut s = EditorSettings {
            code_lens: field(o, "codeLens", "true or false", &mut problems),
            max_diagnostics: field(o, "maxDiagnostics", "a whole number", &mut problems),
            docs_url: field(o, "docsUrl", "a URL string", &mut problems),
            packs: field(o, "packs", "a list of paths", &mut problems).unwrap_or_default(),
            allow: field(o, "allow", "a list of phrases", &mut problems).unwrap_or_default(),
            ..EditorSettings::default()
        };
        let severity: BTreeMap<String, Value> = field(
            o,
            "severity",
            "an object of rule or category id → level",
            &mut problems,
        )
        .unwrap_or_default();
        for (id, level) in severity {
            let parsed = match level.as_str() {
                Some("off") => Some(None),
                Some(l) => Severity::from_id(l).map(Some),
                None => None,
            };
            match parsed {
                Some(p) => {
                    s.severity.insert(id, p);
                }
                None => problems.push(Problem(format!(
                    "tactful.severity.{id:?} must be error, warning, info, hint or off, not {level}; it is ignored"
                ))),
            }
        }
        let kinds: BTreeMap<String, Vec<String>> = field(
            o,
            "kinds",
            "an object of kind → list of globs",
            &mut problems,
        )
        .unwrap_or_default();
        for (kind, globs) in kinds {
            if Kind::from_id(&kind).is_none() {
                problems.push(Problem(format!(
                    "tactful.kinds.{kind:?} is not a kind (reply, kb or internal-note); it is ignored"
                )));
                continue;
            }
            let mut good = Vec::new();
            for g in globs {
                match globset::Glob::new(&g) {
                    Ok(_) => good.push(g),
                    Err(e) => problems.push(Problem(format!(
                        "tactful.kinds.{kind:?}: bad glob {g:?} ({}); it is ignored",
                        e.kind()
                    ))),
                }
            }
            s.kinds.insert(kind, good);
        }
        Ok((s, problems))
    }

    /// The base URL of the web rule reference (the `docsUrl` setting, else
    /// the repository's, when Cargo.toml names one).
    pub fn docs_base(&self) -> Option<String> {
        self.docs_url
            .clone()
            .or_else(crate::explain::default_docs_base)
    }

    /// The severity ids that name no category and no rule `known` accepts.
    pub fn unknown_ids(&self, known: impl Fn(&str) -> bool) -> Vec<String> {
        self.severity
            .keys()
            .filter(|id| Category::from_id(id).is_none() && !known(id))
            .cloned()
            .collect()
    }

    /// The part of the settings that goes onto every `tactful.toml` (packs,
    /// allow, kind globs, severity).
    pub fn overlay(&self, root: Option<&Path>) -> Overlay {
        let packs = self
            .packs
            .iter()
            .map(|p| {
                let p = PathBuf::from(p);
                match root {
                    Some(r) if p.is_relative() => r.join(p),
                    _ => p,
                }
            })
            .collect();
        let kinds = self
            .kinds
            .iter()
            .filter_map(|(k, globs)| Some((Kind::from_id(k)?, globs.clone())))
            .collect();
        Overlay {
            packs,
            allow: self.allow.clone(),
            kinds,
            severity: self.severity.iter().map(|(k, v)| (k.clone(), *v)).collect(),
        }
    }

    /// Whether `other` puts a different overlay on the configs.
    pub fn overlay_differs(&self, other: &EditorSettings) -> bool {
        (&self.packs, &self.allow, &self.kinds, &self.severity)
            != (&other.packs, &other.allow, &other.kinds, &other.severity)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_null_section_is_told_apart_from_an_absent_one() {
        assert_eq!(section(&json!({"tactful": null})), Section::Null);
        assert_eq!(section(&Value::Null), Section::Null);
        assert_eq!(section(&json!({})), Section::Absent);
        assert_eq!(section(&json!({"python": {"x": 1}})), Section::Absent);
        let v = json!({"severity": {}});
        assert_eq!(section(&v), Section::Value(&v));
        assert_eq!(
            section(&json!({"tactful": {"allow": []}})),
            Section::Value(&json!({"allow": []}))
        );
    }

    #[test]
    fn bad_entries_are_reported_and_the_rest_applies() {
        let (s, problems) = EditorSettings::parse(&json!({
            "severity": {"minimizing": "loud", "blame-customer": "error", "jargon": 3},
            "codeLens": "yes",
            "allow": ["Simply Business"],
            "kinds": {"faq": ["**"], "kb": ["a/[", "**/help/**"]},
            "sevrity": {}
        }))
        .unwrap();
        assert_eq!(
            s.severity,
            BTreeMap::from([("blame-customer".to_string(), Some(Severity::Error))])
        );
        assert_eq!(s.allow, vec!["Simply Business"]);
        assert_eq!(s.code_lens, None);
        assert_eq!(s.kinds["kb"], vec!["**/help/**"]);
        let text: Vec<String> = problems.iter().map(|p| p.0.clone()).collect();
        for needle in [
            "\"loud\"",
            "\"jargon\"",
            "codeLens",
            "\"faq\"",
            "a/[",
            "sevrity",
        ] {
            assert!(
                text.iter().any(|t| t.contains(needle)),
                "{needle}: {text:?}"
            );
        }
        assert!(EditorSettings::parse(&json!([1])).is_err());
    }

    #[test]
    fn unknown_rule_ids_are_found() {
        let (s, _) = EditorSettings::parse(&json!({
            "severity": {"minimizing": "off", "house.x": "error", "nope.y": "hint"}
        }))
        .unwrap();
        assert_eq!(s.unknown_ids(|id| id == "house.x"), vec!["nope.y"]);
    }
}
