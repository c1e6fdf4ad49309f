//! Open documents: one rope per URI with its version, edits applied in arrival
//! order, and one lint worker per document that lints the latest version off
//! the protocol thread and keeps the newest fresh analysis.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::watch;
use tower_lsp_server::ls_types::{Diagnostic, Uri};

use crate::incremental::{Findings, IncrementalLint, Stopped, Work};
use crate::score::Summary;
use crate::source::Format;
use crate::text_document::{Encoding, TextDocument};

use super::rendered::DiagnosticsCache;
use super::workspace::DocConfig;

/// One open document.
pub struct Doc {
    /// Unique per `open`, so a worker of a closed or reopened document can
    /// never store into its successor.
    id: u64,
    pub text: TextDocument,
    pub format: Option<Format>,
    pub path: Option<PathBuf>,
    /// A config file or rule pack: shows config errors, never linted as prose.
    pub is_config: bool,
    /// Bumped on every change; wakes the worker.
    wake: watch::Sender<u64>,
    /// The newest analysis whose version was current when it finished.
    results: watch::Sender<Option<Arc<Analysis>>>,
}

/// The lint of one version of a document, with everything a request needs to
/// answer against exactly that text.
pub struct Analysis {
    doc_id: u64,
    pub version: i32,
    pub doc: TextDocument,
    pub format: Format,
    pub path: Option<PathBuf>,
    pub findings: Findings,
    /// The tone summary; `None` when the document could not be read.
    pub summary: Option<Summary>,
    pub diagnostics: Vec<Diagnostic>,
    pub config: DocConfig,
    /// What the incremental lint did for this version.
    pub work: Work,
}

/// A lint run: the snapshot to lint and where to report.
pub struct Job {
    pub doc_id: u64,
    pub doc: TextDocument,
    pub format: Option<Format>,
    pub path: Option<PathBuf>,
    pub is_config: bool,
}

#[derive(Default)]
pub struct Documents {
    map: DashMap<Uri, Doc>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Documents {
    /// Opens (or reopens) a document; returns the receivers its worker needs.
    pub fn open(
        &self,
        uri: Uri,
        text: TextDocument,
        format: Option<Format>,
        path: Option<PathBuf>,
        is_config: bool,
    ) -> watch::Receiver<u64> {
        let (wake, wake_rx) = watch::channel(0);
        let (results, _) = watch::channel(None);
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.map.insert(
            uri,
            Doc {
                id,
                text,
                format,
                path,
                is_config,
                wake,
                results,
            },
        );
        wake_rx
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn close(&self, uri: &Uri) -> bool {
        self.map.remove(uri).is_some()
    }

    /// Runs `f` on a document under its write lock and wakes its worker. `f`
    /// must not await: this is how edits stay in arrival order.
    pub fn edit<R>(&self, uri: &Uri, f: impl FnOnce(&mut Doc) -> R) -> Option<R> {
        let mut doc = self.map.get_mut(uri)?;
        let r = f(&mut doc);
        doc.wake.send_modify(|n| *n += 1);
        Some(r)
    }

    /// The file paths of the open documents.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.map.iter().filter_map(|d| d.path.clone()).collect()
    }

    /// Wakes every worker (configuration changed).
    pub fn wake_all(&self) {
        for doc in self.map.iter() {
            doc.wake.send_modify(|n| *n += 1);
        }
    }

    /// Wakes the workers of the documents `pick` selects.
    pub fn wake_where(&self, pick: impl Fn(&Doc) -> bool) {
        for doc in self.map.iter() {
            if pick(&doc) {
                doc.wake.send_modify(|n| *n += 1);
            }
        }
    }

    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.map.get(uri).map(|d| d.text.version())
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<TextDocument> {
        self.map.get(uri).map(|d| d.text.clone())
    }

    pub fn job(&self, uri: &Uri) -> Option<Job> {
        self.map.get(uri).map(|d| Job {
            doc_id: d.id,
            doc: d.text.clone(),
            format: d.format,
            path: d.path.clone(),
            is_config: d.is_config,
        })
    }

    /// Stores an analysis if its version is still the document's; returns
    /// whether it did (a stale analysis is dropped, never reported).
    /// `then` runs under the document's lock when it was stored (a
    /// `didClose` cannot slip in between: its empty publication comes after).
    pub fn store(&self, uri: &Uri, analysis: Arc<Analysis>, then: impl FnOnce()) -> bool {
        match self.map.get(uri) {
            Some(doc) if doc.id == analysis.doc_id && doc.text.version() == analysis.version => {
                doc.results.send_replace(Some(analysis));
                then();
                true
            }
            _ => false,
        }
    }

    /// The newest analysis, fresh or not.
    pub fn latest(&self, uri: &Uri) -> Option<Arc<Analysis>> {
        self.map.get(uri).and_then(|d| d.results.borrow().clone())
    }

    /// The analysis of the document's current version under configuration
    /// `generation` (or newer), waiting up to `timeout` for it. `None` when
    /// the document is not open or the wait timed out.
    pub async fn current(
        &self,
        uri: &Uri,
        generation: u64,
        timeout: Duration,
    ) -> Option<Arc<Analysis>> {
        let mut rx = {
            let doc = self.map.get(uri)?;
            doc.results.subscribe()
        };
        let wait = async {
            loop {
                let version = self.version(uri)?;
                if let Some(a) = rx.borrow_and_update().clone() {
                    if a.version == version && a.config.generation >= generation {
                        return Some(a);
                    }
                }
                rx.changed().await.ok()?;
            }
        };
        tokio::time::timeout(timeout, wait).await.ok().flatten()
    }
}

/// Diagnostics published per document unless settings say otherwise: more
/// help no one and only cost time on both sides.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 2000;

/// Lints a snapshot: the core incremental lint plus conversion to LSP
/// diagnostics. Runs on a lint thread. `keep_going` is asked between blocks
/// (`None` back: the lint stopped). In push mode (`push` holds the
/// document's rendering cache) the diagnostics come back as the JSON text of
/// the `publishDiagnostics` notification and `Analysis::diagnostics` stays
/// empty; in pull mode they are in the analysis.
pub fn analyze(
    cache: &mut IncrementalLint,
    job: Job,
    config: DocConfig,
    enc: Encoding,
    keep_going: &dyn Fn() -> bool,
    push: Option<(&mut DiagnosticsCache, &Uri)>,
) -> Option<(Analysis, Option<String>)> {
    let text = job.doc.rope().to_string();
    let settings = &config.settings;
    let (findings, summary, error) = match cache.lint_until(
        &config.linter,
        settings,
        config.generation,
        &text,
        keep_going,
    ) {
        Ok(result) => (result.findings, Some(result.summary), None),
        Err(Stopped::Cancelled) => return None,
        Err(Stopped::Source(e)) => (Findings::default(), None, Some(e)),
    };
    drop(text);
    let docs_base = config.lsp.docs_base();
    let max = config
        .lsp
        .max_diagnostics
        .unwrap_or(DEFAULT_MAX_DIAGNOSTICS);
    let extra: Vec<Diagnostic> = error
        .iter()
        .map(|e| super::to_proto::source_error(e, &job.doc, enc))
        .collect();
    let (diagnostics, notification) = match push {
        Some((rendered, uri)) => {
            let n = rendered.notification(
                uri,
                &findings,
                &job.doc,
                enc,
                &config.linter,
                docs_base.as_deref(),
                max,
                &extra,
            );
            if !cache.last_work().block_mode {
                rendered.forget();
            }
            (Vec::new(), Some(n))
        }
        None => {
            let mut d: Vec<Diagnostic> = findings
                .iter()
                .take(max)
                .map(|f| {
                    super::to_proto::diagnostic(
                        &f,
                        &job.doc,
                        enc,
                        &config.linter,
                        docs_base.as_deref(),
                    )
                })
                .collect();
            d.extend(extra);
            (d, None)
        }
    };
    let analysis = Analysis {
        doc_id: job.doc_id,
        version: job.doc.version(),
        doc: job.doc,
        format: config.settings.format,
        path: job.path,
        findings,
        summary,
        diagnostics,
        config,
        work: cache.last_work(),
    };
    Some((analysis, notification))
}

/// The analysis of a config file or rule pack open in the editor: never
/// linted as prose; its diagnostics are the configuration errors located in
/// it.
pub fn config_analysis(
    job: Job,
    config: DocConfig,
    errors: &[crate::config::ConfigError],
    push: Option<&Uri>,
) -> (Analysis, Option<String>) {
    let path = job.path.clone();
    let diagnostics: Vec<Diagnostic> = errors
        .iter()
        .filter(|e| path.as_ref().is_some_and(|p| same_file(p, &e.path)))
        .map(|e| super::to_proto::config_error(e.line, e.column, &e.message))
        .collect();
    let notification =
        push.map(|uri| super::to_proto::publish_json(uri, Some(job.doc.version()), &diagnostics));
    let analysis = Analysis {
        doc_id: job.doc_id,
        version: job.doc.version(),
        format: config.settings.format,
        doc: job.doc,
        path,
        findings: Findings::default(),
        summary: None,
        diagnostics: if push.is_some() {
            Vec::new()
        } else {
            diagnostics
        },
        config,
        work: Work::default(),
    };
    (analysis, notification)
}

/// Whether two paths name the same file (the editor's and the config's
/// spelling may differ by symlinks or `..`).
pub fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b
        || match (a.canonicalize(), b.canonicalize()) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
}
