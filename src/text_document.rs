//! An open document's text as a rope with its version: incremental edits and
//! conversion between byte offsets and line/column positions (UTF-8 or UTF-16).
//!
//! Protocol-free: the language server converts its own position types to
//! [`LineCol`] and back. Line breaks are exactly the LSP ones (`\n`, `\r\n`,
//! `\r`); ropey is built with `cr_lines` and without `unicode_lines` for that.

use std::fmt;
use std::ops::Range;

use ropey::Rope;

/// The unit of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units (the LSP default).
    #[default]
    Utf16,
}

/// A 0-based line and a 0-based column in [`Encoding`] units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl LineCol {
    pub fn new(line: u32, col: u32) -> LineCol {
        LineCol { line, col }
    }
}

/// A position or range that does not denote a place in the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PositionError {
    /// The line is past the end of the document.
    LineOutOfRange { line: u32, lines: usize },
    /// The column falls inside one character (e.g. between the two UTF-16
    /// units of an emoji).
    InsideCharacter { line: u32, col: u32 },
    /// The range ends before it starts.
    Reversed,
}

impl fmt::Display for PositionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PositionError::LineOutOfRange { line, lines } => {
                write!(f, "line {line} is out of range (the document has {lines})")
            }
            PositionError::InsideCharacter { line, col } => {
                write!(f, "line {line}, column {col} is inside a character")
            }
            PositionError::Reversed => f.write_str("the range ends before it starts"),
        }
    }
}

impl std::error::Error for PositionError {}

/// The text of one open document and the version the editor gave it.
#[derive(Debug, Clone)]
pub struct TextDocument {
    rope: Rope,
    version: i32,
}

impl TextDocument {
    pub fn new(text: &str, version: i32) -> TextDocument {
        TextDocument {
            rope: Rope::from_str(text),
            version,
        }
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn set_version(&mut self, version: i32) {
        self.version = version;
    }

    pub fn len_bytes(&self) -> usize {
        self.rope.len_bytes()
    }

    /// Replaces the whole text.
    pub fn replace_all(&mut self, text: &str) {
        self.rope = Rope::from_str(text);
    }

    /// Replaces `range` with `text`. On error the document is unchanged.
    pub fn replace(
        &mut self,
        range: (LineCol, LineCol),
        text: &str,
        enc: Encoding,
    ) -> Result<(), PositionError> {
        let bytes = self.byte_range(range, enc)?;
        let start = self.rope.byte_to_char(bytes.start);
        let end = self.rope.byte_to_char(bytes.end);
        self.rope.remove(start..end);
        self.rope.insert(start, text);
        Ok(())
    }

    /// Applies the changes of one `didChange` in order, all or nothing: when
    /// one does not fit, the document (text and version) stays as it was and
    /// the error names the change (0-based). `None` replaces the whole text.
    pub fn apply_changes<'a>(
        &mut self,
        changes: impl IntoIterator<Item = (Option<(LineCol, LineCol)>, &'a str)>,
        version: i32,
        enc: Encoding,
    ) -> Result<(), (usize, PositionError)> {
        // A rope clone shares its nodes: this costs nothing until an edit.
        let mut next = self.rope.clone();
        for (i, (range, text)) in changes.into_iter().enumerate() {
            let mut doc = TextDocument {
                rope: next,
                version,
            };
            match range {
                None => doc.replace_all(text),
                Some(r) => doc.replace(r, text, enc).map_err(|e| (i, e))?,
            }
            next = doc.rope;
        }
        self.rope = next;
        self.version = version;
        Ok(())
    }

    /// The byte range of a position range.
    pub fn byte_range(
        &self,
        (start, end): (LineCol, LineCol),
        enc: Encoding,
    ) -> Result<Range<usize>, PositionError> {
        let s = self.offset(start, enc)?;
        let e = self.offset(end, enc)?;
        if e < s {
            return Err(PositionError::Reversed);
        }
        Ok(s..e)
    }

    /// The byte offset of a position. A column past the end of its line means
    /// the end of the line (as LSP specifies); a line past the end of the
    /// document is an error.
    pub fn offset(&self, pos: LineCol, enc: Encoding) -> Result<usize, PositionError> {
        let rope = &self.rope;
        let line = pos.line as usize;
        if line >= rope.len_lines() {
            return Err(PositionError::LineOutOfRange {
                line: pos.line,
                lines: rope.len_lines(),
            });
        }
        let line_start = rope.line_to_byte(line);
        let line_end = line_start + content_len(rope.line(line));
        match enc {
            Encoding::Utf8 => {
                let off = line_start.saturating_add(pos.col as usize).min(line_end);
                if rope.char_to_byte(rope.byte_to_char(off)) != off {
                    return Err(PositionError::InsideCharacter {
                        line: pos.line,
                        col: pos.col,
                    });
                }
                Ok(off)
            }
            Encoding::Utf16 => {
                let start_cu = rope.char_to_utf16_cu(rope.byte_to_char(line_start));
                let end_cu = rope.char_to_utf16_cu(rope.byte_to_char(line_end));
                let cu = start_cu.saturating_add(pos.col as usize).min(end_cu);
                let ch = rope.utf16_cu_to_char(cu);
                if rope.char_to_utf16_cu(ch) != cu {
                    return Err(PositionError::InsideCharacter {
                        line: pos.line,
                        col: pos.col,
                    });
                }
                Ok(rope.char_to_byte(ch))
            }
        }
    }

    /// The position of a byte offset. Offsets past the end clamp to the end;
    /// offsets inside a character round down to its start.
    pub fn position(&self, offset: usize, enc: Encoding) -> LineCol {
        let rope = &self.rope;
        let offset = offset.min(rope.len_bytes());
        let ch = rope.byte_to_char(offset);
        let line = rope.char_to_line(ch);
        let line_start_char = rope.line_to_char(line);
        let col = match enc {
            Encoding::Utf8 => rope.char_to_byte(ch) - rope.char_to_byte(line_start_char),
            Encoding::Utf16 => rope.char_to_utf16_cu(ch) - rope.char_to_utf16_cu(line_start_char),
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The positions of a byte range.
    pub fn range(&self, bytes: Range<usize>, enc: Encoding) -> (LineCol, LineCol) {
        (
            self.position(bytes.start, enc),
            self.position(bytes.end, enc),
        )
    }

    /// The position just past the last character.
    pub fn end(&self, enc: Encoding) -> LineCol {
        self.position(self.rope.len_bytes(), enc)
    }
}

/// The length in bytes of a line without its line break.
fn content_len(line: ropey::RopeSlice<'_>) -> usize {
    let len = line.len_bytes();
    let mut n = len;
    if n > 0 && line.byte(n - 1) == b'\n' {
        n -= 1;
    }
    if n > 0 && line.byte(n - 1) == b'\r' {
        n -= 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lc(line: u32, col: u32) -> LineCol {
        LineCol::new(line, col)
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs() {
        let doc = TextDocument::new("a😀b\nx", 1);
        assert_eq!(doc.offset(lc(0, 3), Encoding::Utf16), Ok(5));
        assert_eq!(doc.position(5, Encoding::Utf16), lc(0, 3));
        assert_eq!(doc.position(5, Encoding::Utf8), lc(0, 5));
        assert_eq!(
            doc.offset(lc(0, 2), Encoding::Utf16),
            Err(PositionError::InsideCharacter { line: 0, col: 2 })
        );
        assert_eq!(doc.offset(lc(1, 1), Encoding::Utf16), Ok(8));
    }

    #[test]
    fn utf8_columns_reject_the_middle_of_a_character() {
        let doc = TextDocument::new("日本", 1);
        assert_eq!(doc.offset(lc(0, 3), Encoding::Utf8), Ok(3));
        assert!(doc.offset(lc(0, 1), Encoding::Utf8).is_err());
    }

    #[test]
    fn combining_marks_are_their_own_characters() {
        // "é" as e + U+0301: two chars, two UTF-16 units, three bytes.
        let doc = TextDocument::new("e\u{301}x", 1);
        assert_eq!(doc.offset(lc(0, 2), Encoding::Utf16), Ok(3));
        assert_eq!(doc.offset(lc(0, 1), Encoding::Utf16), Ok(1));
        assert_eq!(doc.position(3, Encoding::Utf8), lc(0, 3));
    }

    #[test]
    fn columns_past_the_line_end_clamp_before_the_line_break() {
        let doc = TextDocument::new("ab\r\ncd", 1);
        assert_eq!(doc.offset(lc(0, 99), Encoding::Utf16), Ok(2));
        assert_eq!(doc.offset(lc(1, 99), Encoding::Utf8), Ok(6));
        assert_eq!(
            doc.offset(lc(2, 0), Encoding::Utf8),
            Err(PositionError::LineOutOfRange { line: 2, lines: 2 })
        );
    }

    #[test]
    fn only_lsp_line_breaks_count() {
        let doc = TextDocument::new("a\u{2028}b\rc\u{85}d", 1);
        assert_eq!(doc.rope().len_lines(), 2);
        assert_eq!(doc.offset(lc(1, 0), Encoding::Utf8), Ok(6));
    }

    #[test]
    fn edits_replace_ranges() {
        let mut doc = TextDocument::new("héllo\nwörld", 1);
        doc.replace((lc(0, 1), lc(1, 1)), "İ", Encoding::Utf16)
            .unwrap();
        assert_eq!(doc.rope().to_string(), "hİörld");
        assert_eq!(
            doc.replace((lc(0, 3), lc(0, 1)), "x", Encoding::Utf16),
            Err(PositionError::Reversed)
        );
        assert_eq!(doc.rope().to_string(), "hİörld");
    }
}
