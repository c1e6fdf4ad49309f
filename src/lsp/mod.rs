//! The language server adapter (`tactful lsp`): converts between LSP types and
//! the core, and dispatches. All analysis lives in the core.
//!
//! Map: `server` implements the LSP methods; `documents` holds open
//! documents and their lint workers; `workspace` resolves configuration per
//! document; `from_proto` / `to_proto` are the only places positions,
//! ranges and edits cross the boundary; `guard` turns a panic inside one
//! request into an error response; `framing` answers malformed messages
//! without ending the session.

mod documents;
mod framing;
mod from_proto;
mod guard;
mod server;
mod to_proto;
mod workspace;

use tower_lsp_server::{LspService, Server};

/// Runs the language server over stdio until the client exits.
pub fn run_stdio() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_all()
        .build()?;
    let shut_down = runtime.block_on(async {
        let (service, socket) = server::build(LspService::build(server::Backend::new)).finish();
        let shut_down = service.inner().shutdown_flag();
        let (input, filtered) = tokio::io::duplex(1 << 16);
        tokio::spawn(framing::filter(tokio::io::stdin(), input));
        Server::new(filtered, tokio::io::stdout(), socket)
            // Handlers never block (linting runs on blocking threads), but a
            // few may wait on the client; keep them from starving the rest.
            .concurrency_level(64)
            .serve(guard::CatchPanic::new(service))
            .await;
        shut_down
    });
    // Workers still linting a huge document must not delay the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    if !shut_down.load(std::sync::atomic::Ordering::SeqCst) {
        // LSP: exit without a prior shutdown (or a closed input) exits with 1.
        anyhow::bail!("the client exited without a shutdown request");
    }
    Ok(())
}
