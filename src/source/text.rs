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
    // Lines starting with `>` are quoted email text (the customer's words).
    for (start, para) in paragraphs_where(&masked.text, |line| {
        !opts.lint_block_quotes && line.trim_start().starts_with('>')
    }) {
        b.push_span(
            text,
            start..start + para.len(),
            &masked,
            0,
            &mut ctx.protected,
        );
        b.cut();
    }
    let segments = b.finish();
    if !opts.lint_block_quotes {
        // Where each quoted line stands: the paragraphs that start before it.
        let starts: Vec<usize> = segments.iter().map(|s| s.to_source(0..0).0.start).collect();
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            if let Some(q) = line.trim_start().strip_prefix('>') {
                let before = starts.partition_point(|&s| s < at);
                super::keep_quoted(&mut ctx.quoted, q.trim_end_matches(['\n', '\r']), before);
            }
            at += line.len();
        }
    }
    SourceDoc {
        segments,
        directives: ctx.directives,
        kind: ctx.kind,
        protected: ctx.protected,
        quoted: ctx.quoted,
    }
}

/// Byte offset and text of each run of non-blank lines.
pub fn paragraphs(text: &str) -> Vec<(usize, &str)> {
    paragraphs_where(text, |_| false)
}

/// Like [`paragraphs`], treating lines for which `skip` holds as blank.
pub fn paragraphs_where(text: &str, skip: impl Fn(&str) -> bool) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let blank = line.trim().is_empty() || skip(line);
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

    #[test]
    fn email_quoted_lines_are_skipped_unless_asked() {
        let t = "Hi,
> You failed to pay.
> Per my last email!
Thanks for this.";
        let doc = extract(t, &SourceOptions::default());
        let texts: Vec<&str> = doc.segments.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["Hi,\n", "Thanks for this."]);
        let opts = SourceOptions {
            lint_block_quotes: true,
            ..Default::default()
        };
        assert_eq!(extract(t, &opts).segments.len(), 1);
    }
}
