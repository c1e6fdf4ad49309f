//! The LSP methods: lifecycle and capability negotiation, document sync,
//! diagnostics (push and pull), code actions, hover, code lens, configuration
//! and watched files. Each handler converts, calls the core, converts back.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspServiceBuilder};

use crate::actions::{self, CommentSyntax};
use crate::editor_settings::{self, EditorSettings, Section};
use crate::incremental::IncrementalLint;
use crate::text_document::{Encoding, TextDocument};

use super::documents::{self, Analysis, Documents, Job};
use super::output::RawSender;
use super::rendered::DiagnosticsCache;
use super::scheduler::{Outcome, Scheduler};
use super::workspace::Workspace;
use super::{from_proto, to_proto};

/// How long a handler waits on the client (configuration, registration) or
/// on a lint of the current version.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);
const ANALYSIS_TIMEOUT: Duration = Duration::from_secs(10);

/// Lint jobs that start at once, and how long one may keep its slot (see
/// `scheduler`): past that, others start beside it.
const LINT_SLOTS: usize = 4;
const LINT_SLOT_BUDGET: Duration = Duration::from_millis(250);
/// A lint still running after this is reported on its document.
const LINT_NOTICE_AFTER: Duration = Duration::from_secs(10);

const CMD_TURN_OFF: &str = "tactful.turnOffRule";
const CMD_SHOW_SUMMARY: &str = "tactful.showSummary";

/// What the client said it can do, fixed at `initialize`.
#[derive(Debug, Default, Clone)]
struct ClientCaps {
    encoding: Encoding,
    pull_diagnostics: bool,
    code_lens: bool,
    configuration: bool,
    watch_registration: bool,
    document_changes: bool,
    create_files: bool,
    diagnostic_refresh: bool,
    code_lens_refresh: bool,
}

pub struct Backend {
    client: Client,
    state: Arc<State>,
    /// Becomes true when the client sent `exit`.
    exiting: tokio::sync::watch::Receiver<bool>,
}

struct State {
    docs: Documents,
    /// Pre-serialized notifications (publishDiagnostics) to the client.
    raw: RawSender,
    scheduler: Scheduler,
    workspace: Workspace,
    caps: OnceLock<ClientCaps>,
    /// Config files that currently show an error diagnostic.
    config_errors: std::sync::Mutex<Vec<Uri>>,
    shut_down: Arc<AtomicBool>,
    /// Returns freed memory to the system after documents close.
    trimmer: super::memory::Trimmer,
    /// Document workers alive (a closed document's worker ends).
    workers: Arc<std::sync::atomic::AtomicUsize>,
    /// Whether the "still linting" message was shown (once per session).
    slow_notice_shown: AtomicBool,
    test_hooks: bool,
}

impl State {
    fn caps(&self) -> ClientCaps {
        self.caps.get().cloned().unwrap_or_default()
    }
}

/// Registers the custom methods next to the standard ones.
pub fn build(builder: LspServiceBuilder<Backend>) -> LspServiceBuilder<Backend> {
    builder
        .custom_method("tactful/debug/document", Backend::debug_document)
        .custom_method("tactful/debug/panic", Backend::debug_panic)
        .custom_method("tactful/debug/stats", Backend::debug_stats)
        .custom_method(super::framing::INVALID_MESSAGE, Backend::invalid_message)
}

fn invalid_params(message: impl Into<String>) -> Error {
    Error {
        code: ErrorCode::InvalidParams,
        message: message.into().into(),
        data: None,
    }
}

fn content_modified() -> Error {
    Error {
        code: ErrorCode::ContentModified,
        message: "the document changed or is still being linted".into(),
        data: None,
    }
}

impl Backend {
    pub fn new(
        client: Client,
        raw: RawSender,
        exiting: tokio::sync::watch::Receiver<bool>,
    ) -> Backend {
        let backend = Backend {
            client,
            exiting,
            state: Arc::new(State {
                docs: Documents::default(),
                raw,
                scheduler: Scheduler::new(LINT_SLOTS, LINT_SLOT_BUDGET),
                workspace: Workspace::new(),
                caps: OnceLock::new(),
                config_errors: std::sync::Mutex::new(Vec::new()),
                shut_down: Arc::new(AtomicBool::new(false)),
                slow_notice_shown: AtomicBool::new(false),
                workers: Arc::default(),
                trimmer: Default::default(),
                test_hooks: std::env::var_os("TACTFUL_LSP_TEST_HOOKS").is_some_and(|v| v == "1"),
            }),
        };
        // Compile the default packs while the client is still initializing.
        let state = backend.state.clone();
        tokio::task::spawn_blocking(move || {
            state.workspace.default_linter();
            // The compile's temporaries are freed; give their pages back
            // (shortly, off the first lint's path).
            state.trimmer.soon();
        });
        backend
    }

    /// Set once the client sent `shutdown` (an `exit` before it is an error).
    pub fn shutdown_flag(&self) -> Arc<AtomicBool> {
        self.state.shut_down.clone()
    }

    /// Starts the lint worker of a freshly opened document: it lints the
    /// latest version whenever woken, on a lint thread (never on the request
    /// loop), and publishes what is still current.
    fn spawn_worker(&self, uri: Uri, mut wake: tokio::sync::watch::Receiver<u64>) {
        let state = self.state.clone();
        let client = self.client.clone();
        let alive = WorkerAlive::new(&self.state.workers);
        tokio::spawn(async move {
            let _alive = alive;
            let mut caches: Option<Caches> = None;
            loop {
                wake.borrow_and_update();
                let Some(job) = state.docs.job(&uri) else {
                    return;
                };
                let mut c = caches.take().unwrap_or_default();
                let (st, u, probe) = (state.clone(), uri.clone(), wake.clone());
                let outcome = state
                    .scheduler
                    .run(move || {
                        // A newer edit (or a close) makes this lint moot: it
                        // stops at the next block.
                        let keep_going = || !probe.has_changed().unwrap_or(true);
                        let r = lint_job(&st, &u, &mut c, job, &keep_going);
                        (c, r)
                    })
                    .await;
                let done = match outcome {
                    Outcome::Done(r) => Ok(r),
                    Outcome::Panicked(m) => Err(m),
                    Outcome::Slow(mut rx) => {
                        // At most one lint thread per document: wait for this
                        // one (other documents are not held up), and say so
                        // on the document if it takes long.
                        let notice = tokio::time::sleep(LINT_NOTICE_AFTER);
                        tokio::pin!(notice);
                        let mut noticed = false;
                        loop {
                            tokio::select! {
                                r = &mut rx => break match r {
                                    Ok(Ok(r)) => Ok(r),
                                    Ok(Err(p)) => Err(super::scheduler::panic_message(&*p)),
                                    Err(_) => Err("the lint thread ended without a result".into()),
                                },
                                _ = &mut notice, if !noticed => {
                                    noticed = true;
                                    publish_slow_notice(&state, &client, &uri).await;
                                }
                            }
                        }
                    }
                };
                match done {
                    Ok((c, Some((analysis, notification)))) => {
                        caches = Some(c);
                        state.docs.store(&uri, Arc::new(analysis), || {
                            if let Some(n) = notification {
                                state.raw.send(n);
                            }
                        });
                    }
                    Ok((c, None)) => caches = Some(c),
                    Err(e) => {
                        client
                            .log_message(
                                MessageType::ERROR,
                                format!("tactful: linting {} failed: {e}", uri.as_str()),
                            )
                            .await;
                    }
                }
                if state.workspace.take_errors_changed() {
                    publish_config_errors(&state);
                }
                if wake.changed().await.is_err() {
                    return;
                }
            }
        });
    }

    /// Waits for `fut` (a request to the client, or an analysis) for at most
    /// `limit`, and not at all once the client sent `exit`.
    async fn client_wait<F: std::future::Future>(
        &self,
        limit: Duration,
        fut: F,
    ) -> Option<F::Output> {
        let mut exiting = self.exiting.clone();
        tokio::select! {
            r = tokio::time::timeout(limit, fut) => r.ok(),
            _ = exiting.wait_for(|e| *e) => None,
        }
    }

    /// The analysis of the current version of a document, or an error response.
    async fn analysis(&self, uri: &Uri) -> Result<Arc<Analysis>> {
        if self.state.docs.version(uri).is_none() {
            return Err(invalid_params(format!(
                "{} is not an open document",
                uri.as_str()
            )));
        }
        let generation = self.state.workspace.generation();
        self.client_wait(
            ANALYSIS_TIMEOUT,
            self.state.docs.current(uri, generation, ANALYSIS_TIMEOUT),
        )
        .await
        .flatten()
        .ok_or_else(content_modified)
    }

    async fn pull_configuration(&self) {
        if !self.state.caps().configuration {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("tactful".to_string()),
        }];
        match self
            .client_wait(CLIENT_TIMEOUT, self.client.configuration(items))
            .await
        {
            Some(Ok(values)) => {
                // The answer is the section itself; a client without a
                // `tactful` section answers null: keep what is in force.
                if let Some(v) = values.first().filter(|v| !v.is_null()) {
                    self.apply_section(v, "workspace/configuration").await;
                }
            }
            Some(Err(e)) => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!("tactful: workspace/configuration failed: {e}"),
                    )
                    .await;
            }
            None => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        "tactful: the client did not answer workspace/configuration in time",
                    )
                    .await;
            }
        }
    }

    /// Takes a new settings section: what can be used applies (re-linting
    /// when it changed), every entry that cannot is reported.
    async fn apply_section(&self, section: &Value, origin: &str) {
        match EditorSettings::parse(section) {
            Ok((settings, problems)) => {
                for p in problems {
                    self.client
                        .show_message(
                            MessageType::WARNING,
                            format!("tactful: {p} (from {origin})"),
                        )
                        .await;
                }
                let changed = self.state.workspace.set_lsp_settings(settings.clone());
                self.report_unknown_ids(settings, origin.to_string());
                if changed {
                    self.relint_all().await;
                }
            }
            Err(e) => {
                self.client
                    .show_message(
                        MessageType::ERROR,
                        format!("tactful: invalid settings from {origin} ({e}); the previous ones stay in force"),
                    )
                    .await;
            }
        }
    }

    /// Names the severity ids no loaded rule pack defines (checked off the
    /// request loop: it may load the open documents' configs).
    fn report_unknown_ids(&self, settings: EditorSettings, origin: String) {
        if settings.severity.is_empty() {
            return;
        }
        let state = self.state.clone();
        let client = self.client.clone();
        tokio::spawn(async move {
            let st = state.clone();
            let unknown = tokio::task::spawn_blocking(move || {
                for root in st.workspace.roots() {
                    st.workspace.warm(&root);
                }
                for p in st.docs.paths() {
                    st.workspace.for_document(Some(&p), None);
                }
                settings.unknown_ids(|id| st.workspace.knows_rule(id))
            })
            .await
            .unwrap_or_default();
            for id in unknown {
                client
                    .show_message(
                        MessageType::WARNING,
                        format!(
                            "tactful: tactful.severity.{id:?} (from {origin}) names no category and no rule of the loaded packs (see `tactful rules list`); it is ignored"
                        ),
                    )
                    .await;
            }
        });
    }

    async fn relint_all(&self) {
        self.state.docs.wake_all();
        let caps = self.state.caps();
        if caps.pull_diagnostics && caps.diagnostic_refresh {
            let _ = self
                .client_wait(CLIENT_TIMEOUT, self.client.workspace_diagnostic_refresh())
                .await;
        }
        if caps.code_lens && caps.code_lens_refresh {
            let _ = self
                .client_wait(CLIENT_TIMEOUT, self.client.code_lens_refresh())
                .await;
        }
    }

    /// The config file for a document: the one governing it, else a new
    /// `tactful.toml` at its workspace root (or next to it).
    fn config_target(&self, path: &Path) -> (PathBuf, bool) {
        if let Some(file) = self.state.workspace.config_file(path) {
            return (file, true);
        }
        let dir = self
            .state
            .workspace
            .root_of(path)
            .or_else(|| path.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        (dir.join("tactful.toml"), false)
    }

    /// "Turn off <rule> in tactful.toml" for a document at `path`.
    fn turn_off_action(&self, path: &Path, rule: &str, diag: &Diagnostic) -> Option<CodeAction> {
        let caps = self.state.caps();
        let (config, exists) = self.config_target(path);
        let config_uri = to_proto::file_uri(&config)?;
        let title = format!("Turn off {rule} in {}", file_name(&config));
        let diagnostics = Some(vec![diag.clone()]);
        let open = self.state.docs.snapshot(&config_uri);
        let existing = match &open {
            Some(doc) => Some(doc.rope().to_string()),
            None if exists => std::fs::read_to_string(&config).ok(),
            None => None,
        };
        if exists && existing.is_none() {
            return None;
        }
        // A config that is not valid TOML gets no edit (its error is shown).
        let edit = crate::config::turn_off_edit(&config, existing.as_deref(), rule).ok()?;
        let doc = TextDocument::new(existing.as_deref().unwrap_or(""), 0);
        let text_edit = to_proto::text_edit(&doc, &edit, caps.encoding);
        if exists || open.is_some() {
            let version = open.as_ref().map(TextDocument::version);
            let ws = to_proto::workspace_edit(
                &config_uri,
                version,
                vec![text_edit],
                caps.document_changes,
            );
            return Some(to_proto::code_action(
                title,
                CodeActionKind::QUICKFIX,
                diagnostics,
                Some(ws),
                None,
                false,
            ));
        }
        if caps.document_changes && caps.create_files {
            let ws = to_proto::create_file_edit(&config_uri, text_edit);
            return Some(to_proto::code_action(
                title,
                CodeActionKind::QUICKFIX,
                diagnostics,
                Some(ws),
                None,
                false,
            ));
        }
        // The client cannot create files: the server writes it on command.
        let command = Command {
            title: title.clone(),
            command: CMD_TURN_OFF.to_string(),
            arguments: Some(vec![json!(config.display().to_string()), json!(rule)]),
        };
        Some(to_proto::code_action(
            title,
            CodeActionKind::QUICKFIX,
            diagnostics,
            None,
            Some(command),
            false,
        ))
    }

    /// Re-reads configuration after a config or rule file changed, reports
    /// config errors on their files and re-lints every open document.
    async fn reload_config(&self) {
        self.state.workspace.invalidate();
        let st = self.state.clone();
        let paths = self.state.docs.paths();
        let _ = tokio::task::spawn_blocking(move || {
            for p in paths {
                st.workspace.for_document(Some(&p), None);
            }
        })
        .await;
        if self.state.workspace.take_errors_changed() {
            publish_config_errors(&self.state);
        }
        self.relint_all().await;
    }

    /// Answers a malformed message (see `framing`) with its JSON-RPC error.
    async fn invalid_message(&self, params: Value) -> Result<Value> {
        let code = params.get("code").and_then(Value::as_i64).unwrap_or(-32600);
        Err(Error::new(ErrorCode::from(code)))
    }

    async fn debug_document(&self, params: TextDocumentIdentifier) -> Result<Value> {
        if !self.state.test_hooks {
            return Err(Error::method_not_found());
        }
        let doc = self
            .state
            .docs
            .snapshot(&params.uri)
            .ok_or_else(|| invalid_params("not open"))?;
        let work = self.state.docs.latest(&params.uri).map(|a| {
            json!({
                "version": a.version,
                "kind": a.config.settings.kind.id(),
                "blockMode": a.work.block_mode,
                "blocks": a.work.blocks,
                "lintedBytes": a.work.linted_bytes,
            })
        });
        Ok(json!({"version": doc.version(), "text": doc.rope().to_string(), "lastLint": work}))
    }

    async fn debug_stats(&self) -> Result<Value> {
        if !self.state.test_hooks {
            return Err(Error::method_not_found());
        }
        Ok(json!({
            "documents": self.state.docs.len(),
            "workers": self.state.workers.load(Ordering::SeqCst),
        }))
    }

    async fn debug_panic(&self) -> Result<Value> {
        if !self.state.test_hooks {
            return Err(Error::method_not_found());
        }
        panic!("test hook: panic inside a request");
    }
}

/// Shows every config error as a diagnostic on its file at its line, and
/// clears the files whose errors are gone. Reading the errors and queueing
/// the notifications happen under one lock, so two callers cannot publish
/// out of order (an older error list never lands last).
fn publish_config_errors(state: &State) {
    let mut prev = state
        .config_errors
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    let mut by_file: Vec<(Uri, Vec<Diagnostic>)> = Vec::new();
    for e in state.workspace.config_errors() {
        let Some(uri) = to_proto::file_uri(&e.path) else {
            continue;
        };
        let diag = to_proto::config_error(e.line, e.column, &e.message);
        match by_file.iter_mut().find(|(u, _)| *u == uri) {
            Some((_, d)) => d.push(diag),
            None => by_file.push((uri, vec![diag])),
        }
    }
    let shown: Vec<Uri> = by_file.iter().map(|(u, _)| u.clone()).collect();
    for (uri, diags) in by_file {
        // An open config file is published by its worker, with its version.
        if state.docs.version(&uri).is_none() {
            state.raw.send(to_proto::publish_json(&uri, None, &diags));
        }
    }
    for uri in std::mem::replace(&mut *prev, shown.clone()) {
        if !shown.contains(&uri) && state.docs.version(&uri).is_none() {
            state.raw.send(to_proto::publish_json(&uri, None, &[]));
        }
    }
    drop(prev);
    // Open config files show the new errors too.
    state.docs.wake_where(|d| d.is_config);
}

/// Tells the editor that a document's lint is taking long (a rule pattern
/// may be too costly): in the log for each such document, and once per
/// session as a message. The document keeps its last diagnostics.
async fn publish_slow_notice(state: &State, client: &Client, uri: &Uri) {
    let message = format!(
        "tactful is still linting {} after {} s (a rule pack pattern may be too costly); its diagnostics will follow, other documents are not held up",
        uri.as_str(),
        LINT_NOTICE_AFTER.as_secs()
    );
    client
        .log_message(MessageType::WARNING, message.clone())
        .await;
    if !state.slow_notice_shown.swap(true, Ordering::SeqCst) {
        client.show_message(MessageType::WARNING, message).await;
    }
}

/// Counts a worker while it lives.
struct WorkerAlive(Arc<std::sync::atomic::AtomicUsize>);

impl WorkerAlive {
    fn new(count: &Arc<std::sync::atomic::AtomicUsize>) -> WorkerAlive {
        count.fetch_add(1, Ordering::SeqCst);
        WorkerAlive(count.clone())
    }
}

impl Drop for WorkerAlive {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The caches a document's worker keeps between lints.
#[derive(Default)]
struct Caches {
    lint: IncrementalLint,
    rendered: DiagnosticsCache,
}

/// One lint of a document (runs on a lint thread).
fn lint_job(
    state: &State,
    uri: &Uri,
    c: &mut Caches,
    job: Job,
    keep_going: &dyn Fn() -> bool,
) -> Option<(Analysis, Option<String>)> {
    let caps = state.caps();
    let config = state
        .workspace
        .for_document(job.path.as_deref(), job.format);
    let push = !caps.pull_diagnostics;
    if job.is_config {
        let errors = state.workspace.config_errors();
        return Some(documents::config_analysis(
            job,
            config,
            &errors,
            push.then_some(uri),
        ));
    }
    documents::analyze(
        &mut c.lint,
        job,
        config,
        caps.encoding,
        keep_going,
        push.then_some((&mut c.rendered, uri)),
    )
}

/// Whether an open document is a config file or a rule pack (TOML), which
/// is never linted as prose.
fn is_config_document(path: Option<&Path>, language_id: &str) -> bool {
    language_id.eq_ignore_ascii_case("toml") || path.is_some_and(is_config_file)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tactful.toml".to_string())
}

/// Whether a changed file may be a config file or a rule pack.
fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::config::FILE_NAMES.contains(&n) || n.ends_with(".toml"))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let c = &params.capabilities;
        let text = c.text_document.as_ref();
        let ws = c.workspace.as_ref();
        let ws_edit = ws.and_then(|w| w.workspace_edit.as_ref());
        let init_opts = params.initialization_options.clone().unwrap_or(Value::Null);
        let force_push = init_opts
            .get("diagnosticMode")
            .and_then(Value::as_str)
            .is_some_and(|m| m == "push");
        let caps = ClientCaps {
            encoding: from_proto::negotiate_encoding(
                c.general
                    .as_ref()
                    .and_then(|g| g.position_encodings.as_deref()),
            ),
            pull_diagnostics: !force_push && text.is_some_and(|t| t.diagnostic.is_some()),
            code_lens: text.is_some_and(|t| t.code_lens.is_some()),
            configuration: ws.and_then(|w| w.configuration).unwrap_or(false),
            watch_registration: ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            document_changes: ws_edit.and_then(|e| e.document_changes).unwrap_or(false),
            create_files: ws_edit
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| ops.contains(&ResourceOperationKind::Create)),
            diagnostic_refresh: ws
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            code_lens_refresh: ws
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
        };
        let _ = self.state.caps.set(caps.clone());

        let mut roots: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|f| from_proto::file_path(&f.uri))
            .collect();
        #[allow(deprecated)]
        if roots.is_empty() {
            if let Some(root) = params.root_uri.as_ref().and_then(from_proto::file_path) {
                roots.push(root);
            }
        }
        self.state.workspace.set_roots(roots.clone());
        // Load each folder's config while the client finishes initializing.
        let state = self.state.clone();
        tokio::task::spawn_blocking(move || {
            for root in roots {
                state.workspace.warm(&root);
            }
        });
        if let Section::Value(section) = editor_settings::section(&init_opts) {
            self.apply_section(section, "initializationOptions").await;
        }

        let capabilities = ServerCapabilities {
            position_encoding: Some(to_proto::encoding(caps.encoding)),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::new(to_proto::FIX_ALL_KIND),
                ]),
                resolve_provider: Some(false),
                ..CodeActionOptions::default()
            })),
            code_lens_provider: caps.code_lens.then_some(CodeLensOptions {
                resolve_provider: Some(false),
            }),
            diagnostic_provider: caps.pull_diagnostics.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("tactful".to_string()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: false,
                    ..DiagnosticOptions::default()
                })
            }),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: vec![CMD_TURN_OFF.to_string(), CMD_SHOW_SUMMARY.to_string()],
                ..ExecuteCommandOptions::default()
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        };
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "tactful".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if self.state.caps().watch_registration {
            let watchers = ["**/tactful.toml", "**/.tactful.toml", "**/*.toml"]
                .into_iter()
                .map(|g| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(g.to_string()),
                    kind: None,
                })
                .collect();
            let registration = Registration {
                id: "tactful-watch-config".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions {
                    watchers,
                })
                .ok(),
            };
            let r = self
                .client_wait(
                    CLIENT_TIMEOUT,
                    self.client.register_capability(vec![registration]),
                )
                .await;
            if *self.exiting.borrow() {
                return;
            }
            if !matches!(r, Some(Ok(()))) {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        "tactful: could not register file watchers; config changes need a restart",
                    )
                    .await;
            }
        }
        self.pull_configuration().await;
        publish_config_errors(&self.state);
    }

    async fn shutdown(&self) -> Result<()> {
        self.state.shut_down.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let d = params.text_document;
        let format = from_proto::format(&d.language_id);
        let path = from_proto::file_path(&d.uri);
        let text = TextDocument::new(&d.text, d.version);
        let is_config = is_config_document(path.as_deref(), &d.language_id);
        let wake = self
            .state
            .docs
            .open(d.uri.clone(), text, format, path, is_config);
        self.spawn_worker(d.uri, wake);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let enc = self.state.caps().encoding;
        let uri = params.text_document.uri;
        // Applied synchronously, before any await: edits keep arrival order.
        // All changes or none: a notification with one bad change leaves the
        // document (and its version) as it was.
        let outcome = self.state.docs.edit(&uri, |doc| {
            let changes = params
                .content_changes
                .iter()
                .map(|c| (c.range.map(from_proto::range), c.text.as_str()));
            doc.text
                .apply_changes(changes, params.text_document.version, enc)
                .map_err(|(i, e)| {
                    format!("change {} of {}: {e}", i + 1, params.content_changes.len())
                })
        });
        match outcome {
            None => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "tactful: didChange for a document that is not open: {}",
                            uri.as_str()
                        ),
                    )
                    .await;
            }
            Some(Err(e)) => {
                self.client
                    .show_message(
                        MessageType::ERROR,
                        format!(
                            "tactful: an edit to {} was out of range ({e}); none of its changes were applied, reopen the document",
                            uri.as_str()
                        ),
                    )
                    .await;
            }
            Some(Ok(())) => {}
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let closed = self.state.docs.close(&uri);
        if closed {
            self.state.trimmer.soon();
        }
        if closed && !self.state.caps().pull_diagnostics {
            // Through the same queue as the workers' publications, after any
            // of them (see `Documents::store`).
            self.state.raw.send(to_proto::publish_json(&uri, None, &[]));
            // A closed config file keeps showing its errors.
            publish_config_errors(&self.state);
        }
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let analysis = self.analysis(&params.text_document.uri).await?;
        let result_id = format!("{}:{}", analysis.version, analysis.config.generation);
        let report = if params.previous_result_id.as_deref() == Some(result_id.as_str()) {
            DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
                related_documents: None,
                unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                    result_id,
                },
            })
        } else {
            DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: FullDocumentDiagnosticReport {
                    result_id: Some(result_id),
                    items: analysis.diagnostics.clone(),
                },
            })
        };
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let p = params.text_document_position_params;
        let analysis = self.analysis(&p.text_document.uri).await?;
        let enc = self.state.caps().encoding;
        let offset = analysis
            .doc
            .offset(from_proto::line_col(p.position), enc)
            .map_err(|e| invalid_params(e.to_string()))?;
        let hits = analysis.findings.touching(offset..offset);
        let Some(first) = hits.first() else {
            return Ok(None);
        };
        let engine = analysis.config.linter.engine();
        let docs_base = analysis.config.lsp.docs_base();
        let text = hits
            .iter()
            .map(|f| {
                let doc = crate::explain::rule_doc(engine, &f.rule, docs_base.as_deref());
                crate::explain::finding_markdown(f, &doc)
            })
            .collect::<Vec<_>>()
            .join("\n\n---\n\n");
        let range = to_proto::range(&analysis.doc, first.range.clone(), enc);
        Ok(Some(to_proto::hover(text, range)))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri;
        let analysis = self.analysis(&uri).await?;
        let caps = self.state.caps();
        let enc = caps.encoding;
        let doc = &analysis.doc;
        let req = doc
            .byte_range(from_proto::range(params.range), enc)
            .map_err(|e| invalid_params(e.to_string()))?;
        let only = params.context.only.as_deref();
        let wants = |kind: &str| {
            only.is_none_or(|kinds| {
                kinds
                    .iter()
                    .any(|k| kind == k.as_str() || kind.starts_with(&format!("{}.", k.as_str())))
            })
        };
        let version = Some(analysis.version);
        let mut fixes = Vec::new();
        let mut disables = Vec::new();
        if wants(CodeActionKind::QUICKFIX.as_str()) {
            let hits = analysis.findings.touching(req.clone());
            let path_str = analysis
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            let syntax = CommentSyntax::of(analysis.format, &path_str);
            let text = (syntax.is_some() && !hits.is_empty()).then(|| doc.rope().to_string());
            let mut seen_rules: Vec<&str> = Vec::new();
            let docs_base = analysis.config.lsp.docs_base();
            // Quick fixes pass the guards of `tactful fix` (actions::sound_fixes).
            let owned = (text.is_none() && hits.iter().any(|f| !f.fixes.is_empty()))
                .then(|| doc.rope().to_string());
            let full_text = text.as_deref().or(owned.as_deref());
            let fix_settings = crate::lint::FileSettings {
                format: analysis.format,
                ..analysis.config.settings.clone()
            };
            for f in &hits {
                let diag = &to_proto::diagnostic(
                    f,
                    doc,
                    enc,
                    &analysis.config.linter,
                    docs_base.as_deref(),
                );
                let sound = full_text.map_or_else(Vec::new, |t| {
                    actions::sound_fixes(&analysis.config.linter, t, &fix_settings, f)
                });
                for fix in sound {
                    let edits = fix
                        .edits
                        .iter()
                        .map(|e| to_proto::text_edit(doc, e, enc))
                        .collect();
                    fixes.push(to_proto::code_action(
                        fix.title.clone(),
                        CodeActionKind::QUICKFIX,
                        Some(vec![diag.clone()]),
                        Some(to_proto::workspace_edit(
                            &uri,
                            version,
                            edits,
                            caps.document_changes,
                        )),
                        None,
                        fix.preferred,
                    ));
                }
                if seen_rules.contains(&&*f.rule) {
                    continue;
                }
                seen_rules.push(&f.rule);
                let directive = text.as_ref().and_then(|text| {
                    actions::disable_directive(
                        text,
                        analysis.format,
                        &analysis.config.settings.source,
                        &path_str,
                        f.range.clone(),
                        &f.rule,
                    )
                });
                if let Some(directive) = directive {
                    let edits = directive
                        .edits
                        .iter()
                        .map(|e| to_proto::text_edit(doc, e, enc))
                        .collect();
                    disables.push(to_proto::code_action(
                        directive.title(&f.rule),
                        CodeActionKind::QUICKFIX,
                        Some(vec![diag.clone()]),
                        Some(to_proto::workspace_edit(
                            &uri,
                            version,
                            edits,
                            caps.document_changes,
                        )),
                        None,
                        false,
                    ));
                }
                if let Some(path) = &analysis.path {
                    disables.extend(self.turn_off_action(path, &f.rule, diag));
                }
            }
        }
        let mut out: Vec<CodeActionOrCommand> = fixes
            .into_iter()
            .chain(disables)
            .map(CodeActionOrCommand::CodeAction)
            .collect();
        if only.is_some() && wants(to_proto::FIX_ALL_KIND) {
            let text = doc.rope().to_string();
            let settings = crate::lint::FileSettings {
                format: analysis.format,
                ..analysis.config.settings.clone()
            };
            // Editor severities are already merged into the document's linter.
            let adjust = |_: &mut Vec<crate::model::Finding>| {};
            let edits: Vec<TextEdit> =
                actions::fix_all(&analysis.config.linter, &text, &settings, &adjust)
                    .iter()
                    .map(|e| to_proto::text_edit(doc, e, enc))
                    .collect();
            if !edits.is_empty() {
                out.push(CodeActionOrCommand::CodeAction(to_proto::code_action(
                    "Fix all tactful issues".to_string(),
                    CodeActionKind::new(to_proto::FIX_ALL_KIND),
                    None,
                    Some(to_proto::workspace_edit(
                        &uri,
                        version,
                        edits,
                        caps.document_changes,
                    )),
                    None,
                    false,
                )));
            }
        }
        Ok(Some(out))
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        if self.state.workspace.lsp_settings().code_lens == Some(false) {
            return Ok(Some(Vec::new()));
        }
        let analysis = self.analysis(&params.text_document.uri).await?;
        Ok(Some(
            analysis
                .summary
                .as_ref()
                .map(|s| vec![to_proto::summary_lens(s)])
                .unwrap_or_default(),
        ))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        match params.command.as_str() {
            CMD_SHOW_SUMMARY => Ok(None),
            CMD_TURN_OFF => {
                let (Some(path), Some(rule)) = (
                    params.arguments.first().and_then(Value::as_str),
                    params.arguments.get(1).and_then(Value::as_str),
                ) else {
                    return Err(invalid_params("expected [config path, rule id]"));
                };
                let path = PathBuf::from(path);
                let named = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| crate::config::FILE_NAMES.contains(&n));
                if !named || !path.is_absolute() {
                    return Err(invalid_params("not a tactful.toml path"));
                }
                // Only ids of loaded rules (or categories) are written.
                let known = crate::model::Category::from_id(rule).is_some() || {
                    let ws = self.state.clone();
                    let id = rule.to_string();
                    tokio::task::spawn_blocking(move || ws.workspace.knows_rule(&id))
                        .await
                        .unwrap_or(false)
                };
                if !known {
                    return Err(invalid_params(format!(
                        "{rule:?} is not the id of a loaded rule or a category"
                    )));
                }
                let existing = match std::fs::read_to_string(&path) {
                    Ok(t) => Some(t),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
                    Err(e) => {
                        return Err(invalid_params(format!(
                            "cannot read {}: {e}",
                            path.display()
                        )))
                    }
                };
                let edit = crate::config::turn_off_edit(&path, existing.as_deref(), rule)
                    .map_err(|e| invalid_params(e.to_string()))?;
                let mut text = existing.unwrap_or_default();
                text.replace_range(edit.range, &edit.replacement);
                let roots = self
                    .state
                    .workspace
                    .root_of(&path)
                    .into_iter()
                    .collect::<Vec<_>>();
                crate::write_guard::write_checked(
                    &path,
                    &crate::write_guard::resolve_roots(&roots),
                    text.as_bytes(),
                )
                .map_err(|e| Error {
                    code: ErrorCode::InternalError,
                    message: format!("cannot write {e}").into(),
                    data: None,
                })?;
                self.reload_config().await;
                Ok(None)
            }
            other => Err(invalid_params(format!("unknown command {other}"))),
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if params.settings.is_null() {
            // Clients that pull send no settings at all.
            return self.pull_configuration().await;
        }
        match editor_settings::section(&params.settings) {
            Section::Value(section) => {
                self.apply_section(section, "didChangeConfiguration").await;
            }
            // `{"tactful": null}` (or `null`): the settings in force stay.
            Section::Null => {}
            Section::Absent => self.pull_configuration().await,
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let relevant = params
            .changes
            .iter()
            .any(|c| from_proto::file_path(&c.uri).is_some_and(|p| is_config_file(&p)));
        if relevant {
            self.reload_config().await;
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        for f in &params.event.removed {
            if let Some(p) = from_proto::file_path(&f.uri) {
                self.state.workspace.remove_root(&p);
            }
        }
        for f in &params.event.added {
            if let Some(p) = from_proto::file_path(&f.uri) {
                self.state.workspace.add_root(p);
            }
        }
        self.relint_all().await;
    }
}
