//! The server's output: the frames tower-lsp writes and notifications the
//! server serialized itself (large `publishDiagnostics`, see `rendered`) are
//! merged onto stdout one whole frame at a time, in the order they were sent.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Sends a message (the JSON text of one notification) to the client.
#[derive(Clone)]
pub struct RawSender(UnboundedSender<Vec<u8>>);

impl RawSender {
    /// Queues `body`; never blocks. Returns false once the output is gone.
    pub fn send(&self, body: String) -> bool {
        self.0.send(body.into_bytes()).is_ok()
    }
}

/// A sender and the receiver [`run`] drains.
pub fn channel() -> (RawSender, UnboundedReceiver<Vec<u8>>) {
    let (tx, rx) = unbounded_channel();
    (RawSender(tx), rx)
}

/// Reads tower-lsp's frames from `server` and queues their bodies next to
/// the raw ones; writes every body framed to `out` until both inputs end.
pub async fn run<R, W>(server: R, raw: RawSender, mut rx: UnboundedReceiver<Vec<u8>>, mut out: W)
where
    R: AsyncRead + Unpin + Send + 'static,
    W: AsyncWrite + Unpin,
{
    tokio::spawn(async move {
        let mut input = BufReader::new(server);
        let mut line = Vec::new();
        loop {
            let mut len = None;
            loop {
                line.clear();
                match input.read_until(b'\n', &mut line).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                let text = String::from_utf8_lossy(&line);
                let text = text.trim_end();
                if text.is_empty() {
                    break;
                }
                if let Some((name, value)) = text.split_once(':') {
                    if name.trim().eq_ignore_ascii_case("content-length") {
                        len = value.trim().parse::<usize>().ok();
                    }
                }
            }
            let Some(len) = len else { return };
            let mut body = vec![0; len];
            if input.read_exact(&mut body).await.is_err() || raw.0.send(body).is_err() {
                return;
            }
        }
    });
    while let Some(body) = rx.recv().await {
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        if out.write_all(header.as_bytes()).await.is_err()
            || out.write_all(&body).await.is_err()
            || out.flush().await.is_err()
        {
            return;
        }
    }
}
