//! LanguageTool's annotated text (`data={"annotation":[{"text":..},{"markup":..,"interpretAs":..}]}`):
//! the prose tactful lints (text parts plus each markup's `interpretAs`) and
//! the way back from a prose byte range to UTF-16 offsets in the original
//! (text and markup concatenated), which is what LanguageTool reports.

use std::ops::Range;

use serde::Deserialize;

use super::error::ApiError;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Data {
    annotation: Vec<Part>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Part {
    text: Option<String>,
    markup: Option<String>,
    #[serde(rename = "interpretAs")]
    interpret_as: Option<String>,
}

/// One run of the prose and where it sits in the original.
#[derive(Debug)]
struct Run {
    /// Bytes of the prose.
    plain: Range<usize>,
    /// UTF-16 offsets in the original.
    original: Range<usize>,
    /// Prose copied from a text part (offsets inside map one to one);
    /// otherwise a markup's interpretation.
    is_text: bool,
}

/// The prose to lint and its map back to the original.
#[derive(Debug)]
pub struct Annotated {
    pub plain: String,
    runs: Vec<Run>,
}

impl Annotated {
    /// Plain `text`: the prose is the original.
    pub fn text(text: String) -> Annotated {
        let units = text.encode_utf16().count();
        let runs = vec![Run {
            plain: 0..text.len(),
            original: 0..units,
            is_text: true,
        }];
        Annotated { plain: text, runs }
    }

    /// Parses the `data` parameter.
    pub fn parse(data: &str) -> Result<Annotated, ApiError> {
        let data: Data = serde_json::from_str(data).map_err(|e| {
            ApiError::bad_request(format!(
                "the `data` parameter is not LanguageTool annotated text ({e}); expected {{\"annotation\":[{{\"text\":\"...\"}},{{\"markup\":\"<b>\"}}]}}"
            ))
        })?;
        let mut plain = String::new();
        let mut runs = Vec::new();
        let mut original = 0usize;
        for (i, part) in data.annotation.into_iter().enumerate() {
            let start = plain.len();
            match (part.text, part.markup) {
                (Some(text), None) if part.interpret_as.is_none() => {
                    let units = text.encode_utf16().count();
                    plain.push_str(&text);
                    runs.push(Run {
                        plain: start..plain.len(),
                        original: original..original + units,
                        is_text: true,
                    });
                    original += units;
                }
                (None, Some(markup)) => {
                    let units = markup.encode_utf16().count();
                    plain.push_str(part.interpret_as.as_deref().unwrap_or(""));
                    runs.push(Run {
                        plain: start..plain.len(),
                        original: original..original + units,
                        is_text: false,
                    });
                    original += units;
                }
                _ => {
                    return Err(ApiError::bad_request(format!(
                        "annotation item {i} must have either `text` or `markup` (with optional `interpretAs`), not both or neither"
                    )))
                }
            }
        }
        Ok(Annotated { plain, runs })
    }

    /// The run holding prose byte `at` (`end` picks the run ending there).
    fn run_at(&self, at: usize, end: bool) -> Option<&Run> {
        self.runs.iter().find(|r| {
            if end {
                r.plain.start < at && at <= r.plain.end
            } else {
                r.plain.start <= at && at < r.plain.end
            }
        })
    }

    fn original_offset(&self, at: usize, end: bool) -> usize {
        match self.run_at(at, end) {
            Some(r) if r.is_text => {
                r.original.start + self.plain[r.plain.start..at].encode_utf16().count()
            }
            Some(r) => {
                if end {
                    r.original.end
                } else {
                    r.original.start
                }
            }
            None => self.runs.last().map_or(0, |r| r.original.end),
        }
    }

    /// A prose byte range as UTF-16 `(offset, length)` in the original.
    pub fn original_range(&self, range: Range<usize>) -> (usize, usize) {
        let start = self.original_offset(range.start, false);
        let end = if range.end == range.start {
            start
        } else {
            self.original_offset(range.end, true)
        };
        (start, end.saturating_sub(start))
    }

    /// Whether a prose range lies inside one text part, so that replacing it
    /// in the original replaces exactly that prose (no markup lost).
    pub fn replaceable(&self, range: &Range<usize>) -> bool {
        self.runs
            .iter()
            .any(|r| r.is_text && r.plain.start <= range.start && range.end <= r.plain.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_markup_in_the_original_and_interpretation_in_the_prose() {
        let a = Annotated::parse(
            r#"{"annotation":[{"text":"Hi 😀"},{"markup":"<br/>","interpretAs":"\n"},{"text":"you failed to pay."}]}"#,
        )
        .unwrap();
        assert_eq!(a.plain, "Hi 😀\nyou failed to pay.");
        let at = a.plain.find("you failed").unwrap();
        let (offset, length) = a.original_range(at..at + "you failed".len());
        // "Hi " (3) + 😀 (2 units) + "<br/>" (5)
        assert_eq!((offset, length), (10, 10));
        assert!(a.replaceable(&(at..at + 3)));
        let across = a.plain.find('\n').unwrap();
        assert!(!a.replaceable(&(across - 1..across + 2)));
    }

    #[test]
    fn an_item_with_both_text_and_markup_is_refused() {
        let err = Annotated::parse(r#"{"annotation":[{"text":"a","markup":"<b>"}]}"#).unwrap_err();
        assert!(err.message.contains("item 0"), "{}", err.message);
    }
}
