//! tactful: an empathy linter for customer-service replies and knowledge-base
//! articles. This crate is the protocol-free core plus two thin adapters.
//!
//! Layers, from the bottom up (see ARCHITECTURE.md):
//! - [`model`]: categories, severities, kinds, findings, fixes.
//! - [`source`]: formats → prose segments with offset maps (masking).
//! - [`rules`]: rule packs (data) → validated rule specs.
//! - [`engine`]: the compiled rule set (one Aho-Corasick automaton + verifiers).
//! - [`fix`]: applying fixes to text, purely.
//! - [`config`]: `tactful.toml` discovery and per-file settings.
//! - [`lint`]: the facade every adapter calls.
//! - [`text_document`], [`incremental`], [`actions`], [`explain`]: open
//!   documents (rope, positions), per-block re-linting, the edits behind
//!   editor actions, hover and summary text; protocol-free, used by the server.
//! - [`cli`] and [`lsp`]: adapters; they convert types and nothing else.

pub mod actions;
pub mod cli;
pub mod config;
pub mod editor_settings;
pub mod engine;
pub mod explain;
pub mod file_read;
pub mod fix;
pub mod incremental;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod rule_pages;
pub mod rules;
pub mod score;
pub mod serve;
pub mod source;
pub mod text_document;
pub mod write_guard;
