//! The language server adapter (`tactful lsp`): converts between LSP types and
//! the core, and dispatches. All analysis lives in the core.
//!
//! Map: `server` implements the LSP methods; `documents` holds open
//! documents and their lint workers; `workspace` resolves configuration per
//! document; `from_proto` / `to_proto` are the only places positions,
//! ranges and edits cross the boundary; `rendered` keeps each block's
//! diagnostics serialized; `scheduler` runs lint jobs off the request loop
//! with a budget; `output` merges raw notifications into the output;
//! `guard` turns a panic inside one request into an error response;
//! `framing` answers malformed messages without ending the session.

mod documents;
mod framing;
mod from_proto;
mod guard;
mod memory;
mod output;
mod rendered;
mod scheduler;
mod server;
mod to_proto;
mod workspace;

use tower_lsp_server::{LspService, Server};

/// Runs the language server over stdio until the client exits.
pub fn run_stdio() -> anyhow::Result<()> {
    memory::limit_arenas();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(16)
        .enable_all()
        .build()?;
    let shut_down = runtime.block_on(async {
        let (raw, raw_rx) = output::channel();
        let sender = raw.clone();
        // Set when `exit` arrives: handlers waiting on the client stop waiting.
        let (exit_tx, exiting) = tokio::sync::watch::channel(false);
        let mut exit_seen = exiting.clone();
        let (service, socket) = server::build(LspService::build(move |client| {
            server::Backend::new(client, sender, exiting)
        }))
        .finish();
        let shut_down = service.inner().shutdown_flag();
        let (input, filtered) = tokio::io::duplex(1 << 16);
        tokio::spawn(framing::filter(tokio::io::stdin(), input, exit_tx));
        let (server_out, merged) = tokio::io::duplex(1 << 16);
        tokio::spawn(output::run(merged, raw, raw_rx, tokio::io::stdout()));
        let serve = Server::new(filtered, server_out, socket)
            // Handlers never block (linting runs on its own threads), but a
            // few may wait on the client; keep them from starving the rest.
            .concurrency_level(64)
            .serve(guard::CatchPanic::new(service));
        // After `exit`, the server waits for every pending handler; those
        // that wait on the client stop at once (see `Backend::client_wait`),
        // and anything else gets a short grace: LSP says exit now.
        tokio::select! {
            _ = serve => {}
            _ = async {
                let _ = exit_seen.wait_for(|e| *e).await;
                tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            } => {}
        }
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
