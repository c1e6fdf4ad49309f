//! Bare URLs in prose (`https://…`, `www.…`, `mailto:…`): found so producers
//! can mask each one as an opaque placeholder word instead of linting it.

use std::ops::Range;

const SCHEMES: &[&str] = &["https://", "http://", "ftp://", "mailto:", "www."];

/// Byte ranges of the bare URLs in `text`, in order. Trailing sentence
/// punctuation (and an unbalanced closing parenthesis) is not part of a URL.
pub fn find_urls(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if !(c == b'h' || c == b'H' || c == b'f' || c == b'm' || c == b'w' || c == b'W') {
            i += 1;
            continue;
        }
        let at_word_start =
            i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.');
        let scheme = SCHEMES.iter().find(|s| {
            bytes.len() >= i + s.len() && bytes[i..i + s.len()].eq_ignore_ascii_case(s.as_bytes())
        });
        let Some(scheme) = scheme.filter(|_| at_word_start) else {
            i += 1;
            continue;
        };
        let mut end = i + scheme.len();
        while end < bytes.len() {
            let b = bytes[end];
            if b.is_ascii_whitespace() || matches!(b, b'<' | b'>' | b'"' | b'`') {
                break;
            }
            end += 1;
        }
        // Trim trailing punctuation that ends the sentence rather than the URL.
        while end > i + scheme.len() {
            let last = bytes[end - 1];
            let unbalanced_paren = last == b')'
                && text[i..end].matches('(').count() < text[i..end].matches(')').count();
            if matches!(
                last,
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b']' | b'*' | b'_'
            ) || unbalanced_paren
            {
                end -= 1;
            } else {
                break;
            }
        }
        // `www.` alone or `http://` alone is not a URL.
        if end > i + scheme.len() && text.is_char_boundary(end) {
            out.push(i..end);
            i = end;
        } else {
            i += scheme.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<&str> {
        find_urls(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn finds_bare_urls_without_trailing_punctuation() {
        assert_eq!(
            urls("See https://example.com/just-do-it. Or www.x.org, (http://a.b/c_(d))."),
            vec![
                "https://example.com/just-do-it",
                "www.x.org",
                "http://a.b/c_(d)"
            ]
        );
        assert_eq!(
            urls("mailto:help@x.com?subject=Hi!"),
            vec!["mailto:help@x.com?subject=Hi"]
        );
    }

    #[test]
    fn ignores_words_that_look_like_schemes() {
        assert!(urls("somewhere http:// www. shttp://x").is_empty());
        assert!(urls("").is_empty());
        assert_eq!(urls("é https://ü.com é"), vec!["https://ü.com"]);
    }
}
