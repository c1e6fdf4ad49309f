//! Who may read the service's answers from a web page: the tactful browser
//! extension (its fixed id comes from the `key` in editors/browser/manifest.json)
//! and the origins named with `tactful serve --allow-origin`. The playground
//! is same-origin and needs no CORS; every other origin gets no CORS headers.

use axum::http::{header, HeaderValue, Method};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The extension's origin (the id Chromium derives from the manifest's public key).
pub const EXTENSION_ORIGIN: &str = "chrome-extension://edfflkiokefekfmhckefhkdokbebobpb";

pub fn layer(extra: &[String]) -> CorsLayer {
    let mut allowed: Vec<String> = vec![EXTENSION_ORIGIN.to_string()];
    allowed.extend(extra.iter().map(|o| o.trim_end_matches('/').to_string()));
    CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
            origin
                .to_str()
                .is_ok_and(|o| allowed.iter().any(|a| a == o))
        }))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(600))
}
