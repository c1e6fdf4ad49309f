//! The LanguageTool-compatible API (`POST /v2/check`, `GET /v2/languages`),
//! so LanguageTool clients can use tactful as their server. Parameters are
//! read strictly: an unknown or unsupported one is a 400 naming it. Offsets
//! and lengths are UTF-16 code units, as LanguageTool reports them.

use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde_json::{json, Value};

use super::annotated::Annotated;
use super::error::ApiError;
use super::native::{lint, settings};
use super::utf16::Utf16Index;
use super::{body, AppState};
use crate::model::{Category, Finding};

/// English variants, as LanguageTool names them.
const LANGUAGES: &[(&str, &str)] = &[
    ("en", "English"),
    ("en-US", "English (US)"),
    ("en-GB", "English (GB)"),
    ("en-AU", "English (Australian)"),
    ("en-CA", "English (Canadian)"),
    ("en-NZ", "English (New Zealand)"),
    ("en-ZA", "English (South African)"),
];

/// Parameters of LanguageTool's API that are accepted without changing what
/// tactful checks (identity, dictionaries, language hints, sessions).
const ACCEPTED_AND_IGNORED: &[&str] = &[
    "motherTongue",
    "preferredVariants",
    "username",
    "apiKey",
    "dicts",
    "useragent",
    "allowIncompleteResults",
    "noopLanguages",
    "preferredLanguages",
    "textSessionId",
    "instanceId",
];

const HANDLED: &[&str] = &[
    "text",
    "data",
    "language",
    "enabledRules",
    "disabledRules",
    "enabledCategories",
    "disabledCategories",
    "enabledOnly",
    "level",
    "mode",
];

/// A check request, parsed.
#[derive(Debug, Default)]
struct Params {
    text: Option<String>,
    data: Option<String>,
    language: String,
    enabled_rules: Vec<String>,
    disabled_rules: Vec<String>,
    enabled_categories: Vec<String>,
    disabled_categories: Vec<String>,
    enabled_only: bool,
    /// `textLevelOnly` keeps document-level findings only, `allButTextLevelOnly` drops them.
    mode: Mode,
}

#[derive(Debug, Default, PartialEq)]
enum Mode {
    #[default]
    All,
    TextLevelOnly,
    AllButTextLevelOnly,
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// A category named the tactful way (`blame-customer`) or the LanguageTool
/// way (`BLAME_CUSTOMER`).
fn category_matches(name: &str, c: Category) -> bool {
    name.to_ascii_lowercase().replace('_', "-") == c.id()
}

impl Params {
    fn parse(pairs: Vec<(String, String)>) -> Result<Params, ApiError> {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (k, v) in pairs {
            if !HANDLED.contains(&k.as_str()) && !ACCEPTED_AND_IGNORED.contains(&k.as_str()) {
                return Err(ApiError::bad_request(format!(
                    "unsupported parameter `{k}`; tactful's LanguageTool API takes {} (and ignores {})",
                    HANDLED.join(", "),
                    ACCEPTED_AND_IGNORED.join(", ")
                )));
            }
            if seen.insert(k.clone(), v).is_some() {
                return Err(ApiError::bad_request(format!(
                    "parameter `{k}` is given more than once"
                )));
            }
        }
        let mut p = Params {
            text: seen.remove("text"),
            data: seen.remove("data"),
            ..Params::default()
        };
        if p.text.is_some() == p.data.is_some() {
            return Err(ApiError::bad_request(if p.text.is_some() {
                "give either `text` or `data`, not both"
            } else {
                "missing `text` or `data` parameter"
            }));
        }
        p.language = seen.remove("language").ok_or_else(|| {
            ApiError::bad_request(
                "missing `language` parameter (e.g. language=en-US or language=auto)",
            )
        })?;
        if p.language != "auto"
            && !LANGUAGES
                .iter()
                .any(|(code, _)| code.eq_ignore_ascii_case(&p.language))
        {
            return Err(ApiError::bad_request(format!(
                "language `{}` is not supported: tactful checks English only (auto, {})",
                p.language,
                LANGUAGES.iter().map(|l| l.0).collect::<Vec<_>>().join(", ")
            )));
        }
        let take = |seen: &mut BTreeMap<String, String>, k: &str| {
            seen.remove(k).map(|v| list(&v)).unwrap_or_default()
        };
        p.enabled_rules = take(&mut seen, "enabledRules");
        p.disabled_rules = take(&mut seen, "disabledRules");
        p.enabled_categories = take(&mut seen, "enabledCategories");
        p.disabled_categories = take(&mut seen, "disabledCategories");
        for c in p.enabled_categories.iter().chain(&p.disabled_categories) {
            if !Category::ALL.iter().any(|&cat| category_matches(c, cat)) {
                return Err(ApiError::bad_request(format!(
                    "unknown category `{c}`; tactful's categories are {}",
                    Category::ALL.map(|c| c.id()).join(", ")
                )));
            }
        }
        p.enabled_only = match seen.remove("enabledOnly").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "enabledOnly must be true or false, not `{other}`"
                )))
            }
        };
        if p.enabled_only && p.enabled_rules.is_empty() && p.enabled_categories.is_empty() {
            return Err(ApiError::bad_request(
                "enabledOnly=true needs enabledRules or enabledCategories",
            ));
        }
        match seen.remove("level").as_deref() {
            None | Some("default") | Some("picky") => {}
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "level must be default or picky, not `{other}`"
                )))
            }
        }
        p.mode = match seen.remove("mode").as_deref() {
            None | Some("all") => Mode::All,
            Some("textLevelOnly") => Mode::TextLevelOnly,
            Some("allButTextLevelOnly") => Mode::AllButTextLevelOnly,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "mode must be all, textLevelOnly or allButTextLevelOnly, not `{other}`"
                )))
            }
        };
        Ok(p)
    }

    fn keeps(&self, f: &Finding) -> bool {
        let rule_on = self.enabled_rules.iter().any(|r| r == f.rule.as_ref());
        let cat_on = self
            .enabled_categories
            .iter()
            .any(|c| category_matches(c, f.category));
        if self.enabled_only && !rule_on && !cat_on {
            return false;
        }
        if self.disabled_rules.iter().any(|r| r == f.rule.as_ref()) {
            return false;
        }
        if self
            .disabled_categories
            .iter()
            .any(|c| category_matches(c, f.category))
            && !rule_on
        {
            return false;
        }
        match self.mode {
            Mode::All => true,
            Mode::TextLevelOnly => f.category.is_document_level(),
            Mode::AllButTextLevelOnly => !f.category.is_document_level(),
        }
    }
}

pub async fn check_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    body::require_content_type(&headers, "application/x-www-form-urlencoded")?;
    let raw = body::bytes(raw)?;
    let text = body::utf8(&raw, "request body")?;
    check(state, body::form(text)?).await
}

pub async fn check_query(
    State(state): State<Arc<AppState>>,
    uri: Uri,
) -> Result<Json<Value>, ApiError> {
    check(state, body::form(uri.query().unwrap_or(""))?).await
}

async fn check(
    state: Arc<AppState>,
    pairs: Vec<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let mut params = Params::parse(pairs)?;
    let doc = match (params.text.take(), params.data.take()) {
        (Some(text), _) => Annotated::text(text),
        (None, Some(data)) => Annotated::parse(&data)?,
        (None, None) => unreachable!("checked by Params::parse"),
    };
    let settings = settings(&state.config, None, None)?;
    let plain: Arc<str> = Arc::from(doc.plain.as_str());
    let result = lint(state.config.clone(), plain.clone(), settings).await?;
    let engine = state.config.linter.engine();
    let idx = Utf16Index::new(&plain);
    let matches: Vec<Value> = result
        .findings
        .iter()
        .filter(|f| params.keeps(f))
        .map(|f| to_match(&plain, &idx, &doc, f, engine))
        .collect();
    let (code, name) = if params.language == "auto" {
        LANGUAGES[1]
    } else {
        *LANGUAGES
            .iter()
            .find(|(c, _)| c.eq_ignore_ascii_case(&params.language))
            .unwrap_or(&LANGUAGES[1])
    };
    Ok(Json(json!({
        "software": {"name": "tactful", "version": env!("CARGO_PKG_VERSION"), "buildDate": "", "apiVersion": 1, "premium": false, "status": ""},
        "warnings": {"incompleteResults": false},
        "language": {"name": name, "code": code, "detectedLanguage": {"name": name, "code": code, "confidence": 1.0, "source": "tactful"}},
        "matches": matches,
    })))
}

fn category_name(c: Category) -> String {
    let id = c.id().replace('-', " ");
    let mut chars = id.chars();
    chars
        .next()
        .map(|f| f.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// One finding as a LanguageTool match. The matched range covers the finding
/// and every edit of its fixes, so each replacement replaces exactly the
/// matched text; when that range crosses markup, no replacement is offered.
fn to_match(
    text: &str,
    idx: &Utf16Index,
    doc: &Annotated,
    f: &Finding,
    engine: &crate::engine::Engine,
) -> Value {
    let mut range = f.range.clone();
    for e in f.fixes.iter().flat_map(|x| &x.edits) {
        range.start = range.start.min(e.range.start);
        range.end = range.end.max(e.range.end);
    }
    let mut replacements: Vec<String> = Vec::new();
    if doc.replaceable(&range) {
        for fix in &f.fixes {
            let shifted: Vec<crate::model::Edit> = fix
                .edits
                .iter()
                .map(|e| crate::model::Edit {
                    range: e.range.start - range.start..e.range.end - range.start,
                    replacement: e.replacement.clone(),
                })
                .collect();
            let (value, applied) = crate::fix::apply_edits(&text[range.clone()], &shifted);
            if applied == shifted.len() && !replacements.contains(&value) {
                replacements.push(value);
            }
        }
    } else {
        range = f.range.clone();
    }
    let (offset, length) = doc.original_range(range.clone());
    let (context, context_offset) = context(text, idx, &range);
    let mut rule = json!({
        "id": f.rule.as_ref(),
        "description": f.message.as_ref(),
        "issueType": "style",
        "category": {"id": f.category.id(), "name": category_name(f.category)},
        "isPremium": false,
    });
    if let Some(url) = crate::explain::docs_url(
        engine,
        &f.rule,
        crate::explain::default_docs_base().as_deref(),
    ) {
        rule["urls"] = json!([{"value": url}]);
    }
    let why = engine
        .rule(&f.rule)
        .map(|r| r.why.clone())
        .unwrap_or_default();
    json!({
        "message": if why.is_empty() { f.message.to_string() } else { format!("{} {}", f.message, why) },
        "shortMessage": f.message.as_ref(),
        "replacements": replacements.iter().map(|r| json!({"value": r})).collect::<Vec<_>>(),
        "offset": offset,
        "length": length,
        "context": {"text": context, "offset": context_offset, "length": idx.offset(range.end) - idx.offset(range.start)},
        "sentence": sentence(text, &range),
        "type": {"typeName": "Other"},
        "rule": rule,
        "ignoreForIncompleteSentence": false,
        "contextForSureMatch": 0,
    })
}

/// Up to 40 characters either side of the match, with `...` where cut, and
/// the match's UTF-16 offset in it.
fn context(text: &str, idx: &Utf16Index, range: &Range<usize>) -> (String, usize) {
    const AROUND: usize = 40;
    let before_start = text[..range.start]
        .char_indices()
        .rev()
        .nth(AROUND - 1)
        .map_or(0, |(i, _)| i);
    let after_end = text[range.end..]
        .char_indices()
        .nth(AROUND)
        .map_or(text.len(), |(i, _)| range.end + i);
    let prefix = if before_start > 0 { "..." } else { "" };
    let suffix = if after_end < text.len() { "..." } else { "" };
    let raw = &text[before_start..after_end];
    let ctx = format!("{prefix}{raw}{suffix}").replace(['\n', '\r', '\t'], " ");
    let offset = prefix.len() + idx.offset(range.start) - idx.offset(before_start);
    (ctx, offset)
}

/// The sentence around the match: from the previous sentence end or line
/// break to the next one.
fn sentence(text: &str, range: &Range<usize>) -> String {
    let ends = |c: char| matches!(c, '.' | '!' | '?' | '\n');
    let start = text[..range.start].rfind(ends).map_or(0, |i| i + 1);
    let end = text[range.end..]
        .find(ends)
        .map_or(text.len(), |i| range.end + i + 1);
    text[start..end].trim().to_string()
}

pub async fn languages() -> Json<Value> {
    let list: Vec<Value> = LANGUAGES
        .iter()
        .map(|(code, name)| json!({"name": name, "code": "en", "longCode": code}))
        .collect();
    Json(Value::Array(list))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn unknown_parameter_is_named_in_the_error() {
        let err = Params::parse(pairs(&[
            ("text", "x"),
            ("language", "en"),
            ("tokenizeOnly", "true"),
        ]))
        .unwrap_err();
        assert!(err.message.contains("`tokenizeOnly`"), "{}", err.message);
    }

    #[test]
    fn non_english_language_is_refused() {
        let err = Params::parse(pairs(&[("text", "x"), ("language", "de-DE")])).unwrap_err();
        assert!(err.message.contains("English only"), "{}", err.message);
    }

    #[test]
    fn categories_match_in_either_spelling() {
        assert!(category_matches("BLAME_CUSTOMER", Category::BlameCustomer));
        assert!(category_matches("blame-customer", Category::BlameCustomer));
    }
}
