//! Errors as HTTP responses: every failure the service reports has a status
//! and a JSON body `{"error": {"status": N, "message": "..."}}`, including
//! the ones produced by the framework's layers (404, 405, 413, timeouts).

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A request the service refuses, with what to do about it.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

fn body(status: StatusCode, message: &str) -> Response {
    let value = json!({"error": {"status": status.as_u16(), "message": message}});
    (status, axum::Json(value)).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        body(self.status, &self.message)
    }
}

/// Unknown paths.
pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        format!(
            "no endpoint at {}; see / (playground), POST /api/v1/check, GET /api/v1/rules, POST /v2/check",
            uri.path()
        ),
    )
}

/// Gives error responses from the framework's layers (which have empty or
/// plain-text bodies) the service's JSON error body.
pub async fn json_error_bodies(resp: Response) -> Response {
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let is_json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if is_json {
        return resp;
    }
    let message = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            "method not allowed for this endpoint (checks are POST, listings are GET)".to_string()
        }
        StatusCode::PAYLOAD_TOO_LARGE => {
            "request body too large; send less text or raise `tactful serve --max-body-bytes`"
                .to_string()
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            "the request timed out or the service is busy; retry, or raise `tactful serve --timeout-secs`".to_string()
        }
        s => s
            .canonical_reason()
            .unwrap_or("request failed")
            .to_lowercase(),
    };
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let new = body(status, &message);
    let (_, new_body) = new.into_parts();
    Response::from_parts(parts, Body::new(new_body))
}
