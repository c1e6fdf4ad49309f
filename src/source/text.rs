//! Plain-text and template producer: paragraphs separated by blank lines
//! become segments; template tags and bare URLs are masked.

use super::placeholder::{mask, MaskContext, SegmentBuilder};
use super::{SourceDoc, SourceOptions};

/// Splits plain text into paragraph segments.
pub fn extract(text: &str, opts: &SourceOptions) -> SourceDoc {
    let mut ctx = MaskContext {
        brackets: opts.bracket_placeholders,
        ..Default::default()
    };
    // Tags are masked over the whole text first, so a tag holding a blank
    // line (a long comment) never splits into two paragraphs.
    let masked = mask(text, 0, &mut ctx);
    let mut b = SegmentBuilder::new();
    for (start, para) in paragraphs(&masked.text) {
        b.push_span(text, start..start + para.len(), &masked, 0, &mut ctx.protected);
        b.cut();
    }
    let segments = b.finish();
    SourceDoc {
        segments,
        directives: ctx.directives,
        kind: ctx.kind,
        protected: ctx.protected,
    }
}

/// Byte offset and text of each run of non-blank lines.
pub fn paragraphs(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty();
        match (blank, start) {
            (false, None) => start = Some(pos),
            (true, Some(s)) => {
                out.push((s, &text[s..pos]));
                start = None;
            }
            _ => {}
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let t = "Hi {{name}},\n\nYou failed.\nSorry.\n  \nBye";
        let p = paragraphs(t);
        assert_eq!(
            p.iter().map(|x| x.1).collect::<Vec<_>>(),
            vec!["Hi {{name}},\n", "You failed.\nSorry.\n", "Bye"]
        );
        let doc = extract(t, &SourceOptions::default());
        assert_eq!(doc.segments.len(), 3);
        assert_eq!(doc.protected, vec![3..11]);
    }
}
