//! The native JSON API: `POST /api/v1/check` answers what
//! `tactful check --format json` prints for the same text (built by the CLI's
//! own converter), plus UTF-16 ranges for JavaScript clients and the category
//! counts; `GET /api/v1/rules` is `tactful rules list --json` plus each rule's why.

use std::path::Path;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::error::ApiError;
use super::utf16::Utf16Index;
use super::{body, AppState};
use crate::cli::output::{json_value, FileReport};
use crate::config::Resolved;
use crate::lint::{FileSettings, LintResult};
use crate::model::Kind;
use crate::source::Format;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckRequest {
    pub text: String,
    /// text | markdown | html | template | json | yaml (default text).
    #[serde(default)]
    pub format: Option<String>,
    /// reply | kb | internal-note (default: the configured default kind).
    #[serde(default)]
    pub kind: Option<String>,
}

/// The path name a request's report carries (nothing is read from it).
pub const REQUEST_PATH: &str = "<request>";

/// Format and kind for a request: the start-up config's settings with the
/// request's choices on top.
pub fn settings(
    config: &Resolved,
    format: Option<&str>,
    kind: Option<&str>,
) -> Result<FileSettings, ApiError> {
    let mut settings = config.settings_for(Path::new(REQUEST_PATH));
    settings.format = match format {
        None | Some("") => Format::Text,
        Some(f) => Format::from_id(&f.to_ascii_lowercase()).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown format `{f}`; use text, markdown, html, template, json or yaml"
            ))
        })?,
    };
    if let Some(k) = kind.filter(|k| !k.is_empty()) {
        settings.kind = Kind::from_id(&k.to_ascii_lowercase()).ok_or_else(|| {
            ApiError::bad_request(format!(
                "unknown kind `{k}`; use reply, kb or internal-note"
            ))
        })?;
    }
    Ok(settings)
}

/// Lints on the blocking pool (linting is CPU work); a panic in the core
/// becomes a 500 for this request only.
pub async fn lint(
    config: Arc<Resolved>,
    text: Arc<str>,
    settings: FileSettings,
) -> Result<LintResult, ApiError> {
    let joined = tokio::task::spawn_blocking(move || config.linter.lint(&text, &settings)).await;
    match joined {
        Ok(Ok(result)) => Ok(result),
        Ok(Err(e)) => Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("cannot read the text as the requested format: {e}"),
        )),
        Err(_) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error while linting (a bug in tactful: please report it with the text); the service keeps running",
        )),
    }
}

pub async fn check(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    raw: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    body::require_content_type(&headers, "application/json")?;
    let raw = body::bytes(raw)?;
    let text = body::utf8(&raw, "request body")?;
    let req: CheckRequest = body::json(text)?;
    let settings = settings(&state.config, req.format.as_deref(), req.kind.as_deref())?;
    let text: Arc<str> = Arc::from(req.text);
    let result = lint(state.config.clone(), text.clone(), settings).await?;
    Ok(Json(report_json(&text, result)))
}

/// The CLI's JSON for one document, with `utf16_range` on every diagnostic
/// and fix, and `categories` (finding counts by category) on the file.
pub fn report_json(text: &str, result: LintResult) -> Value {
    let idx = Utf16Index::new(text);
    let ranges: Vec<(std::ops::Range<usize>, Vec<std::ops::Range<usize>>)> = result
        .findings
        .iter()
        .map(|f| {
            (
                f.range.clone(),
                f.fixes.iter().map(|x| x.edits[0].range.clone()).collect(),
            )
        })
        .collect();
    let categories: serde_json::Map<String, Value> = result
        .summary
        .counts
        .iter()
        .map(|(c, n)| (c.id().to_string(), json!(n)))
        .collect();
    let report = FileReport {
        path: REQUEST_PATH.to_string(),
        text: text.to_string(),
        result: Some(result),
        error: None,
    };
    let mut value = json_value(std::slice::from_ref(&report));
    let file = &mut value["files"][0];
    file["categories"] = Value::Object(categories);
    if let Some(diags) = file["diagnostics"].as_array_mut() {
        for (d, (range, fixes)) in diags.iter_mut().zip(ranges) {
            d["utf16_range"] = json!(idx.range(range));
            if let Some(fs) = d["fixes"].as_array_mut() {
                for (f, r) in fs.iter_mut().zip(fixes) {
                    f["utf16_range"] = json!(idx.range(r));
                }
            }
        }
    }
    value
}

pub async fn rules(State(state): State<Arc<AppState>>) -> Json<Value> {
    let rules = state.config.linter.engine().rules();
    let mut list = crate::cli::rules_cmd::rules_json(rules);
    for (v, r) in list.iter_mut().zip(rules) {
        v["why"] = json!(r.why);
    }
    let categories: Vec<Value> = crate::model::Category::ALL
        .iter()
        .map(|c| json!({"id": c.id(), "document_level": c.is_document_level()}))
        .collect();
    Json(json!({"version": 1, "rules": list, "categories": categories}))
}
