//! Displayed messages: an emphasised run that quotes what a product shows
//! ("*Sorry, no quotes are available* error is displayed", "you receive the
//! following message: **We are sorry for the inconvenience.**") is the
//! product's voice, not the writer's. The Markdown and HTML producers wrap
//! such a run in quotation marks in the segment text (mapped onto the
//! emphasis markers, so the source is untouched), and the engine treats it
//! like any quoted text: never linted as the writer's words.
//!
//! An emphasised run is a displayed message when it holds at least three
//! words and is introduced or followed as one: a message word right after
//! it ("… error is displayed"), a lead-in right before it ("the error
//! reads", "message:"), or, for a run that opens its block, a block before
//! it that ends in a colon and names a message. Emphasis with no such cue
//! ("**Please read this first.**", "***VERY***") stays the writer's own.

/// Words that name what a product shows.
const MESSAGE_WORDS: &[&str] = &[
    "message",
    "messages",
    "error",
    "errors",
    "warning",
    "warnings",
    "notification",
    "notice",
    "prompt",
    "dialog",
    "dialogue",
    "banner",
    "alert",
    "popup",
    "pop-up",
    "text",
    "status",
    "response",
    "output",
];

/// A lead-in's last word, right before the run ("the error reads *…*").
const LEAD_IN_VERBS: &[&str] = &[
    "reads",
    "read",
    "says",
    "say",
    "saying",
    "stating",
    "states",
    "displays",
    "shows",
    "showing",
    "displaying",
];

/// What may follow the run to mark it as shown by the product.
const AFTER_CUES: &[&str] = &[
    "is displayed",
    "are displayed",
    "was displayed",
    "is shown",
    "are shown",
    "appears",
    "appear",
    "is returned",
    "is received",
    "pops up",
    "shows up",
];

use super::placeholder::SegmentBuilder;

fn raw_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
}

fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    raw_words(s).map(str::to_lowercase)
}

/// At most `len` bytes of `text` from `from`, cut back to a character boundary.
pub fn window(text: &str, from: usize, len: usize) -> &str {
    let from = from.min(text.len());
    let mut end = (from + len).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(from..end).unwrap_or("")
}

fn names_a_message(s: &str) -> bool {
    words(s).any(|w| MESSAGE_WORDS.contains(&w.as_str()))
}

/// Whether text ending just before a run introduces it as a message: a
/// colon after a message word ("the following error message:"), or a
/// lead-in verb or message word as its last word ("the error reads", "the
/// message").
fn introduces(before: &str) -> bool {
    let t = before.trim_end();
    let start = t.char_indices().rev().nth(80).map_or(0, |(i, _)| i);
    let t = t[start..].trim_end_matches(['"', '\u{201C}', '\'', ' ']);
    if let Some(head) = t.strip_suffix(':') {
        return names_a_message(head);
    }
    words(t)
        .last()
        .is_some_and(|w| LEAD_IN_VERBS.contains(&w.as_str()) || MESSAGE_WORDS.contains(&w.as_str()))
}

/// Whether text right after a run marks it as shown ("error is displayed").
fn marked_after(after: &str) -> bool {
    let head: String = after
        .trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\u{201D}'))
        .chars()
        .take(40)
        .collect::<String>()
        .to_lowercase();
    let first = words(&head).next().unwrap_or_default();
    if MESSAGE_WORDS.contains(&first.as_str()) || AFTER_CUES.iter().any(|c| head.starts_with(c)) {
        return true;
    }
    // One of two messages: "*First name is not valid!* or *Last name is not
    // valid* error is displayed". The rest of the sentence names it shown.
    if first == "or" || first == "and" {
        let sentence: String = after
            .chars()
            .take(160)
            .collect::<String>()
            .to_lowercase()
            .split(['.', '!', '?', '\n'])
            .next()
            .unwrap_or("")
            .to_string();
        return MESSAGE_WORDS.iter().any(|w| {
            AFTER_CUES
                .iter()
                .any(|c| sentence.contains(&format!("{w} {c}")))
        });
    }
    false
}

/// Whether an emphasised run reads as a displayed message.
/// - `before`: the block's text before the run (empty when the run opens it);
/// - `inner`: the run's own text, markup removed;
/// - `after`: the source text right after the run;
/// - `previous_block`: the text of the block before, for a run that opens its block.
pub fn is_displayed_message(
    before: &str,
    inner: &str,
    after: &str,
    previous_block: Option<&str>,
) -> bool {
    if raw_words(inner)
        .filter(|w| w.chars().any(char::is_alphabetic))
        .take(3)
        .count()
        < 3
    {
        return false;
    }
    if marked_after(after) || introduces(before) {
        return true;
    }
    before.trim().is_empty()
        && previous_block
            .is_some_and(|p| p.trim_end().strip_suffix(':').is_some_and(names_a_message))
}

/// [`is_displayed_message`] for a run about to be pushed to `b`: the text
/// before it is the current segment's, and the block before counts only
/// when the run opens its block.
pub fn opens_in(b: &SegmentBuilder, inner: &str, after: &str) -> bool {
    let previous = if b.is_empty() {
        b.last_segment_text()
    } else {
        None
    };
    is_displayed_message(b.text(), inner, after, previous)
}

#[cfg(test)]
mod tests {
    use super::is_displayed_message as shown;

    #[test]
    fn messages_named_around_the_run_are_displayed() {
        assert!(shown(
            "",
            "Sorry, no quotes are available for this order",
            " error is displayed.",
            None
        ));
        assert!(shown(
            "The following error message is received in the email: ",
            "We're sorry, an error has occurred.",
            "",
            None
        ));
        assert!(shown(
            "",
            "First name is not valid!",
            " Or *Last name is not valid* error is displayed.",
            None
        ));
        assert!(shown(
            "The banner reads ",
            "We are sorry for the delay",
            ".",
            None
        ));
        assert!(shown(
            "",
            "Excel has encountered a problem. We are sorry for the inconvenience.",
            "",
            Some("You receive the following error message:")
        ));
    }

    #[test]
    fn windows_end_on_a_character_boundary() {
        let text = "ab\u{e9}cd";
        assert_eq!(super::window(text, 1, 2), "b");
        assert_eq!(super::window(text, 1, 3), "b\u{e9}");
        assert_eq!(super::window(text, 9, 3), "");
    }

    #[test]
    fn the_writers_own_emphasis_is_not() {
        assert!(!shown(
            "",
            "Please read this section first.",
            " Most questions are answered below.",
            None
        ));
        assert!(!shown("Backups are ", "VERY", " important.", None));
        assert!(!shown("Select ", "Save", " and close the dialog.", None));
        assert!(!shown(
            "",
            "Never share your password.",
            "",
            Some("Keep your account safe:")
        ));
        assert!(!shown(
            "Note: ",
            "this cannot be undone once saved",
            ".",
            None
        ));
        assert!(!shown(
            "",
            "Back up your files first",
            " or the update is shown as failed.",
            None
        ));
    }
}
