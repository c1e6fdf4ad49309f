//! Conversions from LSP types into core types: positions, ranges, encodings,
//! document URIs and language ids. Nothing here touches state.

use std::path::PathBuf;

use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range, Uri};

use crate::source::Format;
use crate::text_document::{Encoding, LineCol};

pub fn line_col(p: Position) -> LineCol {
    LineCol::new(p.line, p.character)
}

pub fn range(r: Range) -> (LineCol, LineCol) {
    (line_col(r.start), line_col(r.end))
}

/// The encoding to use given what the client offers: UTF-8 when offered,
/// otherwise UTF-16 (which every client must support).
pub fn negotiate_encoding(offered: Option<&[PositionEncodingKind]>) -> Encoding {
    match offered {
        Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
        _ => Encoding::Utf16,
    }
}

/// The file path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if !is_file {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}

/// The format the editor's language id names, if it names one tactful knows
/// (`plaintext` does not: the config or the file name decides then).
pub fn format(language_id: &str) -> Option<Format> {
    match language_id.to_ascii_lowercase().as_str() {
        "plaintext" | "text" | "" => None,
        "jsonc" => Some(Format::Json),
        id => Format::from_id(id),
    }
}
