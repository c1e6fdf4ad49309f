//! Turns a verified match and a rule's fix template into a source edit: fills
//! captures, keeps sentence capitals, spacing and articles right, protects placeholders.

use std::ops::Range;

use super::matcher::Match;
use super::tokenize::Tokens;
use crate::model::Edit;
use crate::source::Segment;

/// Everything a rewrite needs to know about where it happens.
pub struct Site<'a> {
    pub src: &'a str,
    pub seg: &'a Segment,
    pub toks: &'a Tokens,
    pub protected: &'a [Range<usize>],
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn starts_with_vowel_sound(word: &str) -> bool {
    let w = word.to_lowercase();
    const CONSONANT_SOUND: &[&str] = &["use", "user", "usual", "uni", "one", "once", "eu", "ur"];
    const VOWEL_SOUND: &[&str] = &["hour", "honest", "honour", "honor", "heir"];
    if VOWEL_SOUND.iter().any(|p| w.starts_with(p)) {
        return true;
    }
    if CONSONANT_SOUND.iter().any(|p| w.starts_with(p)) {
        return false;
    }
    w.starts_with(['a', 'e', 'i', 'o', 'u'])
}

/// Source range of a token range.
pub fn token_source(site: &Site, toks: Range<usize>) -> (Range<usize>, bool) {
    let a = site.toks.tokens[toks.start].span.start;
    let b = site.toks.tokens[toks.end - 1].span.end;
    site.seg.to_source(a..b)
}

/// Builds the edit for one fix template, or None when it cannot be done
/// safely (markup inside the match, a placeholder it would lose).
pub fn build(site: &Site, mt: &Match, template: &str) -> Option<(Edit, bool)> {
    let (mut range, contiguous) = token_source(site, mt.tokens.clone());
    if !contiguous {
        return None;
    }
    let src = site.src;
    // A match that starts or ends inside a word (half of "we'll", "didn't")
    // cannot be rewritten without mangling the other half.
    // Judged on the segment text: in the source an escape (`\n`) may stand
    // before the word.
    let inside_word =
        |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || matches!(c, '\'' | '\u{2019}'));
    let text = &site.seg.text;
    let (a, b) = (
        site.toks.tokens[mt.tokens.start].span.start,
        site.toks.tokens[mt.tokens.end - 1].span.end,
    );
    if inside_word(text[..a].chars().next_back()) && inside_word(text[a..].chars().next())
        || inside_word(text[b..].chars().next()) && inside_word(text[..b].chars().next_back())
    {
        return None;
    }
    // Render the template: literals encoded for the container, captures copied raw.
    let mut rep = String::new();
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(s) = rest.find('{') {
            let lit = &rest[..s];
            if !lit.is_empty() {
                rep.push_str(&site.seg.escape.encode(lit));
            }
            let after = &rest[s + 1..];
            let e = after.find('}')?;
            let name = &after[..e];
            let (_, ti) = mt.captures.iter().find(|(n, _)| n.as_ref() == name)?;
            let (cr, _) = token_source(site, *ti..*ti + 1);
            rep.push_str(&src[cr]);
            rest = &after[e + 1..];
        } else {
            rep.push_str(&site.seg.escape.encode(rest));
            break;
        }
    }
    let sentence_start = site.toks.is_sentence_start(mt.tokens.start);
    let orig_upper = src[range.clone()]
        .chars()
        .next()
        .is_some_and(char::is_uppercase);
    let deletion = rep.is_empty();
    // A match that ends its own sentence ("We value your business.") does
    // not lead on into a dash after it (" - The team" is a signature).
    let ends_sentence = src[range.clone()].trim_end().ends_with(['.', '!', '?']);
    if deletion {
        // Deletion: take a following comma and the spaces with it.
        let mut end = range.end;
        let tail = &src[end..];
        if tail.starts_with(',') {
            end += 1;
        }
        let spaces = src[end..].len() - src[end..].trim_start_matches([' ', '\t']).len();
        let closes_sentence =
            src[end..].is_empty() || src[end..].starts_with(['.', '!', '?', ';', ')', '\n']);
        if closes_sentence {
            // "…today, no matter what." → "…today." (the comma before goes too).
            let before = src[..range.start].trim_end_matches([' ', '\t']);
            range.start = before.strip_suffix(',').unwrap_or(before).len();
        } else if spaces > 0 {
            end += spaces;
        } else {
            let lead =
                src[..range.start].len() - src[..range.start].trim_end_matches([' ', '\t']).len();
            range.start -= lead;
        }
        if sentence_start && !ends_sentence {
            // "So sorry to trouble you — I need…" → "I need…": the dash that
            // led on from the deleted words goes with them.
            let rest = &src[end..];
            if let Some(after) = rest.strip_prefix(['\u{2014}', '\u{2013}', '-']) {
                if after.starts_with([' ', '\t']) {
                    end += rest.len() - after.trim_start_matches([' ', '\t']).len();
                }
            }
        }
        range.end = end;
        if sentence_start && orig_upper {
            // Capitalise the next word.
            if let Some(c) = src[range.end..].chars().next() {
                if c.is_lowercase() {
                    rep = c.to_uppercase().collect();
                    range.end += c.len_utf8();
                }
            }
        }
    } else {
        if sentence_start && orig_upper {
            rep = upper_first(&rep);
        }
        // No doubled sentence punctuation.
        if let (Some(last), Some(next)) = (rep.chars().last(), src[range.end..].chars().next()) {
            if matches!(last, '.' | '!' | '?' | ',') && matches!(next, '.' | '!' | '?' | ',') {
                rep.pop();
            }
        }
        // a / an agreement with the word before.
        let before = &src[..range.start];
        let trimmed = before.trim_end_matches(' ');
        if trimmed.len() < before.len() {
            let word_start = trimmed
                .char_indices()
                .rev()
                .find(|(_, c)| !c.is_alphabetic())
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0);
            let article = &trimmed[word_start..];
            if article.eq_ignore_ascii_case("a") || article.eq_ignore_ascii_case("an") {
                let first_word: String = rep.chars().take_while(|c| c.is_alphabetic()).collect();
                if !first_word.is_empty() {
                    let want = if starts_with_vowel_sound(&first_word) {
                        "an"
                    } else {
                        "a"
                    };
                    if !article.eq_ignore_ascii_case(want) {
                        let fixed = if article.starts_with('A') {
                            upper_first(want)
                        } else {
                            want.to_string()
                        };
                        rep = format!("{fixed}{}{rep}", &before[trimmed.len()..]);
                        range.start = word_start;
                    }
                }
            }
        }
    }
    // Placeholders: each one touched must be inside and kept byte for byte.
    for p in site.protected {
        if p.end <= range.start || p.start >= range.end {
            continue;
        }
        if p.start < range.start || p.end > range.end {
            return None;
        }
        let raw = &src[p.clone()];
        let inside = site
            .protected
            .iter()
            .filter(|q| q.start >= range.start && q.end <= range.end && &src[(*q).clone()] == raw)
            .count();
        if rep.matches(raw).count() < inside {
            return None;
        }
    }
    if src[range.clone()] == rep {
        return None;
    }
    Some((
        Edit {
            range,
            replacement: rep,
        },
        deletion,
    ))
}

/// A short title for a fix.
/// A quick fix's title, in the text the reader sees: `escape` decodes the
/// source's own escaping (JSON `\u2019`, YAML `''`, HTML entities).
pub fn title(matched: &str, edit: &Edit, deletion: bool, escape: crate::source::Escape) -> String {
    let matched = escape.decode_for_display(matched.trim());
    if deletion {
        format!("Remove \u{201C}{matched}\u{201D}")
    } else {
        format!(
            "Replace \u{201C}{matched}\u{201D} with \u{201C}{}\u{201D}",
            escape.decode_for_display(edit.replacement.trim())
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::{Engine, Overrides};
    use crate::lint::{FileSettings, Linter};
    use std::sync::Arc;

    fn linter(pack: &str) -> Linter {
        let rules = crate::rules::parse_pack("t.toml", pack).unwrap();
        Linter::new(Arc::new(Engine::new(rules, &Overrides::default()).unwrap()))
    }

    fn fixed(l: &Linter, text: &str) -> String {
        let r = l.lint(text, &FileSettings::default()).unwrap();
        crate::fix::apply_preferred(text, &r.findings).0
    }

    const PACK: &str = r#"
[[rule]]
id = "jargon.rma"
category = "jargon"
message = "m"
why = "w"
match = ["rma"]
fix = ["return authorisation", "return number"]
"#;

    const BROKEN: &str = r#"
[[rule]]
id = "blame-customer.you-failed"
category = "blame-customer"
message = "m"
why = "w"
match = ["you failed to {verb}"]
fix = ["the {verb} step did not go through for {who}"]
"#;

    #[test]
    fn fix_titles_show_decoded_text() {
        use crate::source::Escape;
        let edit = crate::model::Edit {
            range: 0..1,
            replacement: "it looks like you weren''t".into(),
        };
        assert_eq!(
            super::title("You didn\\u2019t enter", &edit, false, Escape::Json),
            "Replace \u{201C}You didn\u{2019}t enter\u{201D} with \u{201C}it looks like you weren''t\u{201D}"
        );
        assert_eq!(
            super::title("you weren''t", &edit, false, Escape::YamlSingle),
            "Replace \u{201C}you weren't\u{201D} with \u{201C}it looks like you weren't\u{201D}"
        );
        assert_eq!(
            super::title("Q&amp;A", &edit, true, Escape::Html),
            "Remove \u{201C}Q&A\u{201D}"
        );
    }

    #[test]
    fn articles_agree_and_multibyte_neighbours_are_safe() {
        let l = linter(PACK);
        assert_eq!(
            fixed(&l, "Please send a RMA."),
            "Please send a return authorisation."
        );
        assert_eq!(
            fixed(&l, "We\u{2019}re sending an RMA"),
            "We\u{2019}re sending a return authorisation"
        );
        assert_eq!(fixed(&l, "caf\u{e9} RMA"), "caf\u{e9} return authorisation");
    }

    const DELETE: &str = r#"
[[rule]]
id = "overpromise.no-matter-what"
category = "overpromise"
message = "m"
why = "w"
match = ["no matter what", "just"]
fix = [""]
"#;

    const HALF: &str = r#"
[[rule]]
id = "vague-commitment.get-back"
category = "vague-commitment"
message = "m"
why = "w"
match = ["will get back to you", "you did"]
fix = ["I'll reply by Friday", "you"]
"#;

    #[test]
    fn no_fix_splits_a_contraction() {
        let l = linter(HALF);
        for text in [
            "We'll get back to you.",
            "We\u{2019}ll get back to you.",
            "You didn't pay.",
        ] {
            let r = l.lint(text, &FileSettings::default()).unwrap();
            assert_eq!(r.findings.len(), 1, "{text}");
            assert!(
                r.findings[0].fixes.is_empty(),
                "{text}: {:?}",
                r.findings[0].fixes
            );
        }
        assert_eq!(
            fixed(&l, "We will get back to you."),
            "We I'll reply by Friday."
        );
    }

    #[test]
    fn deletions_take_their_comma_and_space_and_keep_capitals() {
        let l = linter(DELETE);
        assert_eq!(
            fixed(&l, "It works today, no matter what."),
            "It works today."
        );
        assert_eq!(fixed(&l, "No matter what, it works."), "It works.");
        assert_eq!(fixed(&l, "Just click Save."), "Click Save.");
        assert_eq!(fixed(&l, "Then just click Save."), "Then click Save.");
        assert_eq!(fixed(&l, "No matter what \u{2014} it works."), "It works.");
    }

    #[test]
    fn fixes_with_unknown_captures_are_rejected_at_load() {
        assert!(crate::rules::parse_pack("t.toml", BROKEN).is_err());
    }
}
