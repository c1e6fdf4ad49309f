//! Conversions from core types into LSP types: positions, ranges, edits,
//! diagnostics, code actions, hover and code lens. Nothing here touches state.

use std::collections::HashMap;
use std::ops::Range as ByteRange;
use std::path::Path;

use serde_json::json;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeDescription, CodeLens, Command, CreateFile, CreateFileOptions,
    Diagnostic, DiagnosticSeverity, DocumentChangeOperation, DocumentChanges, Hover, HoverContents,
    MarkupContent, MarkupKind, NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, PositionEncodingKind, Range, ResourceOp, TextDocumentEdit, TextEdit, Uri,
    WorkspaceEdit,
};

use crate::explain;
use crate::lint::Linter;
use crate::model::{Edit, Finding, Severity};
use crate::score::Summary;
use crate::source::SourceError;
use crate::text_document::{Encoding, LineCol, TextDocument};

pub const SOURCE: &str = "tactful";
pub const FIX_ALL_KIND: &str = "source.fixAll.tactful";

pub fn encoding(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
    }
}

pub fn position(p: LineCol) -> Position {
    Position::new(p.line, p.col)
}

pub fn range(doc: &TextDocument, bytes: ByteRange<usize>, enc: Encoding) -> Range {
    let (s, e) = doc.range(bytes, enc);
    Range::new(position(s), position(e))
}

pub fn severity(s: Severity) -> DiagnosticSeverity {
    match s {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

pub fn text_edit(doc: &TextDocument, edit: &Edit, enc: Encoding) -> TextEdit {
    TextEdit::new(
        range(doc, edit.range.clone(), enc),
        edit.replacement.clone(),
    )
}

/// A diagnostic for a finding. `data` names the rule, its category and how
/// many fixes it has (not the version, so an unchanged block's diagnostics
/// stay byte for byte the same from one edit to the next); code actions look
/// the finding up by range in the analysis of the current version.
pub fn diagnostic(
    f: &Finding,
    doc: &TextDocument,
    enc: Encoding,
    linter: &Linter,
    docs_base: Option<&str>,
) -> Diagnostic {
    Diagnostic {
        range: range(doc, f.range.clone(), enc),
        severity: Some(severity(f.severity)),
        code: Some(NumberOrString::String(f.rule.to_string())),
        code_description: explain::rule_link(linter.engine(), &f.rule, docs_base)
            .and_then(|u| u.parse::<Uri>().ok())
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: f.message.to_string(),
        data: Some(json!({
            "rule": &*f.rule,
            "category": f.category.id(),
            "fixes": f.fixes.len(),
        })),
        ..Diagnostic::default()
    }
}

/// The JSON text of a `publishDiagnostics` notification.
pub fn publish_json(uri: &Uri, version: Option<i32>, diagnostics: &[Diagnostic]) -> String {
    let mut params = json!({"uri": uri, "diagnostics": diagnostics});
    if let Some(v) = version {
        params["version"] = json!(v);
    }
    serde_json::to_string(&json!({
        "jsonrpc": "2.0",
        "method": "textDocument/publishDiagnostics",
        "params": params,
    }))
    .unwrap_or_default()
}

/// A document that cannot be read as its format (e.g. broken JSON).
pub fn source_error(e: &SourceError, doc: &TextDocument, enc: Encoding) -> Diagnostic {
    let line = e.line.saturating_sub(1) as u32;
    let start = doc
        .offset(LineCol::new(line, 0), enc)
        .unwrap_or(doc.len_bytes());
    let text = doc.rope();
    let line_idx = text.byte_to_line(start);
    let line_end = if line_idx + 1 < text.len_lines() {
        text.line_to_byte(line_idx + 1)
    } else {
        text.len_bytes()
    };
    Diagnostic {
        range: range(doc, start..line_end, enc),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("source-error".into())),
        source: Some(SOURCE.to_string()),
        message: format!("tactful cannot read this document: {e}"),
        ..Diagnostic::default()
    }
}

/// A diagnostic on a configuration file (1-based line and column).
pub fn config_error(line: usize, column: usize, message: &str) -> Diagnostic {
    let p = Position::new(
        line.saturating_sub(1) as u32,
        column.saturating_sub(1) as u32,
    );
    Diagnostic {
        range: Range::new(p, Position::new(p.line, p.character.saturating_add(1))),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("config-error".into())),
        source: Some(SOURCE.to_string()),
        message: format!("{message} (the last valid configuration stays in force)"),
        ..Diagnostic::default()
    }
}

/// A workspace edit on one document, versioned when the client can check
/// versions so a stale edit is refused rather than misapplied.
pub fn workspace_edit(
    uri: &Uri,
    version: Option<i32>,
    edits: Vec<TextEdit>,
    document_changes: bool,
) -> WorkspaceEdit {
    if document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

/// A workspace edit that creates a file (unless it exists) and writes `edit`
/// into it.
pub fn create_file_edit(uri: &Uri, edit: TextEdit) -> WorkspaceEdit {
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version: None,
                },
                edits: vec![OneOf::Left(edit)],
            }),
        ])),
        ..WorkspaceEdit::default()
    }
}

/// The `file:` URI of a path (which need not exist yet).
pub fn file_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path).or_else(|| format!("file://{}", path.display()).parse().ok())
}

pub fn code_action(
    title: String,
    kind: CodeActionKind,
    diagnostics: Option<Vec<Diagnostic>>,
    edit: Option<WorkspaceEdit>,
    command: Option<Command>,
    preferred: bool,
) -> CodeAction {
    CodeAction {
        title,
        kind: Some(kind),
        diagnostics,
        edit,
        command,
        is_preferred: preferred.then_some(true),
        ..CodeAction::default()
    }
}

pub fn hover(markdown: String, range: Range) -> Hover {
    Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: markdown,
        }),
        range: Some(range),
    }
}

/// The tone summary lens at the top of the document. Its command only shows
/// the text (`tactful.showSummary` is a no-op the server accepts).
pub fn summary_lens(summary: &Summary) -> CodeLens {
    CodeLens {
        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
        command: Some(Command {
            title: explain::summary_line(summary),
            command: "tactful.showSummary".to_string(),
            arguments: None,
        }),
        data: None,
    }
}
