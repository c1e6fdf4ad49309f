//! `tactful.toml` discovery and per-file settings. (Being built.)
