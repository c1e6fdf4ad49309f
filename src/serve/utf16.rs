//! Byte offsets → UTF-16 code-unit offsets, the unit JavaScript strings and
//! the LanguageTool API count in. Checkpoints every few hundred bytes keep a
//! lookup cheap on large texts.

/// Offsets into one text.
pub struct Utf16Index<'a> {
    text: &'a str,
    /// (byte offset at a char boundary, UTF-16 offset there), ascending.
    checkpoints: Vec<(usize, usize)>,
}

const STEP: usize = 256;

impl<'a> Utf16Index<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut checkpoints = vec![(0, 0)];
        let mut units = 0;
        let mut next = STEP;
        for (i, c) in text.char_indices() {
            if i >= next {
                checkpoints.push((i, units));
                next = i + STEP;
            }
            units += c.len_utf16();
        }
        Utf16Index { text, checkpoints }
    }

    /// The UTF-16 offset of byte `offset` (clamped to the text, rounded down
    /// to a char boundary).
    pub fn offset(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let at = self.checkpoints.partition_point(|&(b, _)| b <= offset) - 1;
        let (b, u) = self.checkpoints[at];
        u + self.text[b..offset].encode_utf16().count()
    }

    /// `[start, end)` in UTF-16 units.
    pub fn range(&self, range: std::ops::Range<usize>) -> [usize; 2] {
        [self.offset(range.start), self.offset(range.end)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn astral_characters_count_two_units_and_accents_one() {
        let text = "😀 café {{name}} you failed";
        let idx = Utf16Index::new(text);
        let at = text.find("you").unwrap();
        assert_eq!(idx.offset(at), text[..at].encode_utf16().count());
        assert_eq!(idx.offset(at), 2 + 1 + 4 + 1 + 8 + 1);
    }

    #[test]
    fn checkpoints_agree_with_a_full_count_on_long_text() {
        let text = "ünïcødé 😀 text ".repeat(200);
        let idx = Utf16Index::new(&text);
        for (i, _) in text.char_indices().step_by(37) {
            assert_eq!(idx.offset(i), text[..i].encode_utf16().count(), "byte {i}");
        }
        assert_eq!(idx.offset(text.len()), text.encode_utf16().count());
    }
}
