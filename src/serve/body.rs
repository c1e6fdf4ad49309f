//! Request bodies: checks the content type, reads the bytes within the size
//! limit, and decodes UTF-8, JSON (serde_json) and form encoding strictly, so
//! every malformed body becomes a located [`ApiError`] instead of mangled text.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{header, HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The body bytes, or the reason they could not be read (413 over the limit).
pub fn bytes(body: Result<Bytes, BytesRejection>) -> Result<Bytes, ApiError> {
    body.map_err(|e| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                status,
                "request body too large; send less text or raise `tactful serve --max-body-bytes`",
            )
        } else {
            ApiError::new(status, format!("cannot read the request body: {e}"))
        }
    })
}

/// The media type of the request (`application/json` of `application/json; charset=utf-8`).
fn media_type(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    Some(v.split(';').next()?.trim().to_ascii_lowercase())
}

/// Refuses a body whose content type is not `want`; a `charset` other than UTF-8 too.
pub fn require_content_type(headers: &HeaderMap, want: &str) -> Result<(), ApiError> {
    let got = media_type(headers);
    if got.as_deref() != Some(want) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "expected Content-Type: {want}, got {}",
                got.map(|g| format!("`{g}`"))
                    .unwrap_or_else(|| "none".into())
            ),
        ));
    }
    let charset = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(';').skip(1).find_map(|p| {
                p.trim()
                    .strip_prefix("charset=")
                    .map(|c| c.trim_matches('"').to_ascii_lowercase())
            })
        });
    match charset.as_deref() {
        None | Some("utf-8") | Some("utf8") => Ok(()),
        Some(other) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("charset `{other}` is not supported; send UTF-8"),
        )),
    }
}

/// The bytes as UTF-8 text, or where they stop being UTF-8.
pub fn utf8<'a>(bytes: &'a [u8], what: &str) -> Result<&'a str, ApiError> {
    std::str::from_utf8(bytes).map_err(|e| {
        ApiError::bad_request(format!(
            "{what} is not valid UTF-8 at byte {}; send UTF-8 text",
            e.valid_up_to()
        ))
    })
}

/// A JSON body into `T`; the error names the line and column.
pub fn json<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| {
        ApiError::bad_request(format!(
            "malformed JSON body at line {} column {}: {e}",
            e.line(),
            e.column()
        ))
    })
}

/// `application/x-www-form-urlencoded` pairs in order, decoded strictly: a
/// value whose percent-escapes are not UTF-8 is an error, not U+FFFD.
/// (The `form_urlencoded` crate decodes lossily, so the split is done here on
/// top of `percent-encoding`; see ARCHITECTURE.md.)
pub fn form(text: &str) -> Result<Vec<(String, String)>, ApiError> {
    let decode = |raw: &str, which: &str| -> Result<String, ApiError> {
        let plus = raw.replace('+', " ");
        percent_encoding::percent_decode_str(&plus)
            .decode_utf8()
            .map(|c| c.into_owned())
            .map_err(|_| {
                ApiError::bad_request(format!(
                    "form {which} `{}` is not valid UTF-8 once percent-decoded; encode the text as UTF-8",
                    raw.chars().take(40).collect::<String>()
                ))
            })
    };
    let mut out = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = decode(k, "field name")?;
        let value = decode(v, &format!("field `{key}`"))?;
        out.push((key, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_decodes_plus_and_percent_escapes() {
        let pairs = form("text=Hi+there%2C+%F0%9F%98%80&language=en-US").unwrap();
        assert_eq!(pairs[0], ("text".into(), "Hi there, 😀".into()));
        assert_eq!(pairs[1], ("language".into(), "en-US".into()));
    }

    #[test]
    fn form_with_invalid_utf8_escape_is_an_error_not_replacement_characters() {
        let err = form("text=caf%E9").unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert!(err.message.contains("field `text`"), "{}", err.message);
    }
}
