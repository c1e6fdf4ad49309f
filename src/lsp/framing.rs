//! Guards the server's input: reads LSP frames from stdin and passes them on
//! unchanged, except a malformed message, which becomes a request the server
//! answers with the JSON-RPC error the spec asks for (parse error or invalid
//! request, id null when unknown) instead of ending the session.

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tower_lsp_server::jsonrpc::{Id, Request, Response};

/// The custom method a malformed message is replaced with.
pub const INVALID_MESSAGE: &str = "tactful/invalidMessage";

/// Largest frame accepted (a larger one is answered as invalid and skipped).
const MAX_FRAME: usize = 512 << 20;

/// Copies frames from `input` to `output` until `input` ends. `exit` is
/// notified once the `exit` notification has been passed on (the server must
/// then end at once, even while handlers still wait on the client).
pub async fn filter<R, W>(
    input: R,
    mut output: W,
    exit: tokio::sync::watch::Sender<bool>,
) -> std::io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut input = BufReader::with_capacity(1 << 16, input);
    let mut line = Vec::new();
    loop {
        // Headers.
        let mut content_len: Option<usize> = None;
        let mut saw_header = false;
        loop {
            line.clear();
            if input.read_until(b'\n', &mut line).await? == 0 {
                return output.shutdown().await;
            }
            let text = String::from_utf8_lossy(&line);
            let mut text = text.trim_end_matches(['\r', '\n']);
            // Garbage before a header (e.g. the body of a frame that had no
            // length): resynchronise on the next `Content-Length`.
            if let Some(at) = text.find("Content-Length").filter(|&at| at > 0) {
                text = &text[at..];
            }
            if text.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            if let Some((name, value)) = text.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-length") {
                    content_len = value.trim().parse().ok();
                }
            }
        }
        let Some(len) = content_len.filter(|&l| l <= MAX_FRAME) else {
            forward(&mut output, &replacement(-32700, Id::Null)).await?;
            continue;
        };
        let mut body = vec![0; len];
        if input.read_exact(&mut body).await.is_err() {
            return output.shutdown().await;
        }
        match check(&body) {
            Ok(()) => {
                forward(&mut output, &body).await?;
                if is_exit(&body) {
                    exit.send_replace(true);
                }
            }
            Err((code, id)) => forward(&mut output, &replacement(code, id)).await?,
        }
    }
}

/// Whether the server's codec will accept `body`; else the error code and id.
fn check(body: &[u8]) -> Result<(), (i64, Id)> {
    // The codec takes `{"jsonrpc":"2.0","id":1}` for a request with an
    // empty method (answered -32601) or a response; JSON-RPC says a request
    // has a string `method` and a response exactly one of `result` and
    // `error`, and anything else is an invalid request (-32600).
    let shape = serde_json::from_slice::<serde_json::Value>(body).ok();
    let has_method = shape
        .as_ref()
        .is_some_and(|v| v.get("method").is_some_and(serde_json::Value::is_string));
    let is_response = shape.as_ref().is_some_and(|v| {
        v.get("method").is_none() && v.get("result").is_some() != v.get("error").is_some()
    });
    if has_method && serde_json::from_slice::<Request>(body).is_ok() {
        return Ok(());
    }
    if is_response && serde_json::from_slice::<Response>(body).is_ok() {
        return Ok(());
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Err(_) => Err((-32700, Id::Null)),
        Ok(v) => {
            let id = v
                .get("id")
                .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
                .unwrap_or(Id::Null);
            Err((-32600, id))
        }
    }
}

fn is_exit(body: &[u8]) -> bool {
    serde_json::from_slice::<Request>(body).is_ok_and(|r| r.method() == "exit" && r.id().is_none())
}

fn replacement(code: i64, id: Id) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "jsonrpc": "2.0",
        "id": id,
        "method": INVALID_MESSAGE,
        "params": {"code": code},
    }))
    .unwrap_or_default()
}

async fn forward<W: AsyncWrite + Unpin>(output: &mut W, body: &[u8]) -> std::io::Result<()> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    output.write_all(header.as_bytes()).await?;
    output.write_all(body).await?;
    output.flush().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_tell_parse_errors_from_invalid_requests() {
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"method":"x"}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        assert_eq!(check(b"{\"jsonrpc\":"), Err((-32700, Id::Null)));
        assert_eq!(check(b"[1,2]"), Err((-32600, Id::Null)));
        assert_eq!(
            check(br#"{"jsonrpc":"1.0","id":7,"method":"x"}"#),
            Err((-32600, Id::Number(7)))
        );
    }

    #[test]
    fn a_request_without_method_is_an_invalid_request() {
        assert_eq!(
            check(br#"{"jsonrpc":"2.0","id":3}"#),
            Err((-32600, Id::Number(3)))
        );
        assert_eq!(
            check(br#"{"jsonrpc":"2.0","id":3,"params":{}}"#),
            Err((-32600, Id::Number(3)))
        );
        assert!(check(br#"{"jsonrpc":"2.0","id":3,"result":null}"#).is_ok());
        assert!(check(br#"{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"m"}}"#).is_ok());
    }
}
