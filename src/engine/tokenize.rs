//! Splits segment text into normalised tokens (words, placeholders, sentence
//! marks) and builds the space-joined normalised text the automaton scans.

use std::ops::Range;

use crate::source::{CONTROL, PLACEHOLDER};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Word,
    Placeholder,
    /// `.` `!` `?` `;` or a paragraph-like line break: ends a sentence.
    End(char),
    /// `:` — kept as a token, does not end a sentence.
    Colon,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    /// Byte range in the segment text.
    pub span: Range<usize>,
    /// Byte range of the normalised form in [`Tokens::norm`].
    pub norm: Range<usize>,
    /// A comma (or semicolon-free soft mark) stands between this token and the previous one.
    pub comma_before: bool,
    /// Inside a double-quoted span (quoted customer text).
    pub quoted: bool,
    /// Index of the sentence this token belongs to.
    pub sentence: u32,
}

#[derive(Debug, Default, Clone)]
pub struct Tokens {
    pub tokens: Vec<Token>,
    /// `" tok tok tok "`: every token's normal form, separated by single spaces.
    pub norm: String,
    /// For each sentence, its token index range.
    pub sentences: Vec<Range<usize>>,
}

impl Tokens {
    pub fn norm_of(&self, i: usize) -> &str {
        &self.norm[self.tokens[i].norm.clone()]
    }

    /// Token index whose normal form starts at `pos` in `norm`.
    pub fn token_at_norm(&self, pos: usize) -> Option<usize> {
        self.tokens
            .binary_search_by(|t| t.norm.start.cmp(&pos))
            .ok()
    }

    pub fn is_sentence_start(&self, i: usize) -> bool {
        let s = self.tokens[i].sentence as usize;
        self.sentences.get(s).is_some_and(|r| r.start == i)
    }
}

pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Titles whose full stop does not end a sentence ("Dear Mr. Smith").
const TITLES: &[&str] = &[
    "mr", "mrs", "ms", "mx", "dr", "prof", "messrs", "mme", "mlle",
];

/// Whether the `.` at byte `at` closes a title written just before it.
fn after_title(out: &Tokens, at: usize) -> bool {
    out.tokens.last().is_some_and(|t| {
        matches!(t.kind, TokenKind::Word)
            && t.span.end == at
            && TITLES.contains(&&out.norm[t.norm.clone()])
    })
}

/// The emoji that carry an attitude toward someone (an eye-roll in an
/// internal note, a shrug or a laugh at a customer's problem), read as the
/// word a pattern spells (`eyeroll`, the same word as the `:eyeroll:`
/// shortcode; `shrug`, `upsidedown`, `tearsofjoy` and the like for the
/// others). Other emoji stay invisible to rules, as punctuation is; skin
/// tones and joiners after these are skipped.
fn attitude_emoji(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{1F644}' => "eyeroll",
        '\u{1F926}' => "facepalm",
        '\u{1F612}' => "unamused",
        '\u{1F921}' => "clown",
        '\u{1F971}' => "yawn",
        // Shrugs, winks and laughter: flippant about a customer's problem.
        '\u{1F937}' => "shrug",
        '\u{1F643}' => "upsidedown",
        '\u{1F61C}' => "winktongue",
        '\u{1F61D}' => "squinttongue",
        '\u{1F92A}' => "zany",
        '\u{1F923}' => "rofl",
        '\u{1F602}' => "tearsofjoy",
        '\u{1F605}' => "sweatsmile",
        _ => return None,
    })
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits a normalised word with an apostrophe into its expansion:
/// "didn't" → ("did", "not"), "can't" → ("can", "not"), "i'm" → ("i", "am").
/// Returns None when the word is not a contraction (e.g. a possessive).
pub fn expand_contraction(w: &str) -> Option<(&str, &'static str)> {
    Some(match w {
        "can't" | "cannot" => ("can", "not"),
        "won't" => ("will", "not"),
        "shan't" => ("shall", "not"),
        "ain't" => ("is", "not"),
        "don't" => ("do", "not"),
        "doesn't" => ("does", "not"),
        "didn't" => ("did", "not"),
        "isn't" => ("is", "not"),
        "aren't" => ("are", "not"),
        "wasn't" => ("was", "not"),
        "weren't" => ("were", "not"),
        "haven't" => ("have", "not"),
        "hasn't" => ("has", "not"),
        "hadn't" => ("had", "not"),
        "wouldn't" => ("would", "not"),
        "shouldn't" => ("should", "not"),
        "couldn't" => ("could", "not"),
        "mustn't" => ("must", "not"),
        "needn't" => ("need", "not"),
        "mightn't" => ("might", "not"),
        "i'm" => ("i", "am"),
        "let's" => ("let", "us"),
        _ => {
            let (head, tail) = w.rsplit_once('\'')?;
            let second: &'static str = match tail {
                "re" => "are",
                "ll" => "will",
                "ve" => "have",
                "d" => "would",
                "s" if matches!(
                    head,
                    "it" | "that"
                        | "there"
                        | "what"
                        | "he"
                        | "she"
                        | "here"
                        | "who"
                        | "where"
                        | "how"
                        | "this"
                ) =>
                {
                    "is"
                }
                _ => return None,
            };
            // Pronouns take every tail; other words only the unambiguous ones
            // ("should've", "that'll", "they're"), never "'d" or "'s".
            const PRONOUNS: &[&str] = &[
                "i", "you", "we", "they", "he", "she", "it", "that", "there", "what", "here",
                "who", "where", "how", "this",
            ];
            let pronoun = PRONOUNS.contains(&head);
            if !pronoun && !matches!(tail, "ve" | "ll" | "re") {
                return None;
            }
            if head.is_empty() || !head.chars().all(char::is_alphabetic) {
                return None;
            }
            (head, second)
        }
    })
}

/// Chat and hurried spellings read as the words they stand for, so every
/// rule sees "dont" as "do not" and "u" as "you": `(first, second, split)`,
/// where `split` is the byte offset in the word where `second` starts.
/// `original` is the word as written: the one-letter "u" and "ur" count only
/// in lower case (a capital U is usually a letter or a key).
fn informal_form(
    norm: &str,
    original: &str,
) -> Option<(&'static str, Option<&'static str>, usize)> {
    let negated = |head: &'static str| Some((head, Some("not"), norm.len() - 2));
    match norm {
        "dont" => negated("do"),
        "didnt" => negated("did"),
        "doesnt" => negated("does"),
        "isnt" => negated("is"),
        "arent" => negated("are"),
        "wasnt" => negated("was"),
        "werent" => negated("were"),
        "havent" => negated("have"),
        "hasnt" => negated("has"),
        "hadnt" => negated("had"),
        "wouldnt" => negated("would"),
        "shouldnt" => negated("should"),
        "couldnt" => negated("could"),
        "mustnt" => negated("must"),
        "cant" => Some(("can", Some("not"), 2)),
        "im" => Some(("i", Some("am"), 1)),
        "ive" => Some(("i", Some("have"), 1)),
        "youre" => Some(("you", Some("are"), 3)),
        "youve" => Some(("you", Some("have"), 3)),
        "theyre" => Some(("they", Some("are"), 4)),
        "thats" => Some(("that", Some("is"), 4)),
        "whats" => Some(("what", Some("is"), 4)),
        "theres" => Some(("there", Some("is"), 5)),
        "gonna" => Some(("going", Some("to"), 3)),
        "wanna" => Some(("want", Some("to"), 3)),
        "gotta" => Some(("got", Some("to"), 3)),
        "u" if original == "u" => Some(("you", None, 0)),
        "ur" if original == "ur" => Some(("your", None, 0)),
        "pls" | "plz" | "plis" | "pleez" | "pleeze" => Some(("please", None, 0)),
        "thx" | "thnx" | "tnx" | "thanx" => Some(("thanks", None, 0)),
        "coz" | "cuz" | "bcoz" | "bcuz" | "bcz" => Some(("because", None, 0)),
        "sry" | "soz" | "sowwy" => Some(("sorry", None, 0)),
        "ppl" => Some(("people", None, 0)),
        _ => None,
    }
}

/// Where the two halves of a contraction split in the original word, as a byte
/// offset into it ("didn't" → 3, "can't" → 2, "I'm" → 1).
fn contraction_split(word: &str, second: &str) -> usize {
    if second == "not" {
        // "n't" suffix, or "cannot".
        let lower = word.to_lowercase();
        if lower == "cannot" {
            return 3;
        }
        // Byte index of the 'n' before the apostrophe.
        if let Some(ap) = word
            .char_indices()
            .rev()
            .find(|(_, c)| is_apostrophe(*c))
            .map(|(i, _)| i)
        {
            return ap.saturating_sub(1);
        }
    }
    word.char_indices()
        .find(|(_, c)| is_apostrophe(*c))
        .map(|(i, _)| i)
        .unwrap_or(word.len())
}

/// Tokenises one segment.
pub fn tokenize(text: &str) -> Tokens {
    let mut out = Tokens {
        tokens: Vec::with_capacity(text.len() / 5),
        norm: String::with_capacity(text.len() + 2),
        sentences: Vec::new(),
    };
    out.norm.push(' ');
    let mut comma = false;
    let mut quoted = false;
    let mut sentence: u32 = 0;
    let mut sentence_start = 0usize;
    let b = text.as_bytes();
    let mut i = 0;
    let push = |out: &mut Tokens,
                kind: TokenKind,
                span: Range<usize>,
                norm: &str,
                comma: &mut bool,
                quoted: bool,
                sentence: u32| {
        let start = out.norm.len();
        out.norm.push_str(norm);
        let end = out.norm.len();
        out.norm.push(' ');
        out.tokens.push(Token {
            kind,
            span,
            norm: start..end,
            comma_before: *comma,
            quoted,
            sentence,
        });
        *comma = false;
    };
    let end_sentence = |out: &mut Tokens, sentence: &mut u32, sentence_start: &mut usize| {
        if out.tokens.len() > *sentence_start {
            out.sentences.push(*sentence_start..out.tokens.len());
            *sentence += 1;
            *sentence_start = out.tokens.len();
        }
    };
    // Reused for every word's normal form.
    let mut norm = String::new();
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let clen = c.len_utf8();
        if c.is_ascii() && !b[i].is_ascii_alphanumeric() {
            // Fast path for ASCII punctuation and space.
            match b[i] {
                b'.' | b'!' | b'?' | b';' => {
                    // '.' inside a number or a domain is not an end.
                    let next = b.get(i + 1).copied();
                    let is_end = b[i] != b'.'
                        || next.is_none_or(|n| {
                            n.is_ascii_whitespace()
                                || matches!(n, b'"' | b')' | b'\'' | b'*' | b'_')
                        }) && !after_title(&out, i);
                    if is_end {
                        // Collapse runs like "!!" or "?!" into one token spanning them.
                        let mut j = i + 1;
                        while j < b.len() && matches!(b[j], b'!' | b'?' | b'.') {
                            j += 1;
                        }
                        let norm: &str = &text[i..j];
                        push(
                            &mut out,
                            TokenKind::End(b[i] as char),
                            i..j,
                            norm,
                            &mut comma,
                            quoted,
                            sentence,
                        );
                        end_sentence(&mut out, &mut sentence, &mut sentence_start);
                        i = j;
                        continue;
                    }
                }
                b':' => push(
                    &mut out,
                    TokenKind::Colon,
                    i..i + 1,
                    ":",
                    &mut comma,
                    quoted,
                    sentence,
                ),
                b',' => comma = true,
                b'"' => quoted = !quoted,
                b'\n' => {
                    // A line break ends a sentence when the next line starts a new thought.
                    let rest = text[i + 1..].trim_start_matches([' ', '\t']);
                    let prev_soft = out.tokens.last().is_some_and(|t| {
                        matches!(t.kind, TokenKind::Word | TokenKind::Placeholder)
                    });
                    let next_c = rest.chars().next();
                    let starts_new = next_c.is_some_and(|n| {
                        n.is_uppercase()
                            || n.is_numeric()
                            || matches!(n, '-' | '*' | '\u{2022}' | '>' | '\u{E000}' | '\n')
                    });
                    if prev_soft && starts_new {
                        push(
                            &mut out,
                            TokenKind::End('\n'),
                            i..i + 1,
                            "\n",
                            &mut comma,
                            quoted,
                            sentence,
                        );
                        end_sentence(&mut out, &mut sentence, &mut sentence_start);
                    }
                    if rest.starts_with('\n') {
                        quoted = false;
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == PLACEHOLDER {
            push(
                &mut out,
                TokenKind::Placeholder,
                i..i + clen,
                "\u{E000}",
                &mut comma,
                quoted,
                sentence,
            );
            i += clen;
            continue;
        }
        if c == CONTROL {
            i += clen;
            continue;
        }
        if matches!(c, '\u{201C}') {
            quoted = true;
            i += clen;
            continue;
        }
        if matches!(c, '\u{201D}') {
            quoted = false;
            i += clen;
            continue;
        }
        if is_word_char(c) {
            // A word: letters/digits with inner apostrophes.
            let start = i;
            let mut j = i + clen;
            while let Some(d) = text[j..].chars().next() {
                if is_word_char(d) {
                    j += d.len_utf8();
                } else if is_apostrophe(d) {
                    let after = &text[j + d.len_utf8()..];
                    if after.chars().next().is_some_and(is_word_char) {
                        j += d.len_utf8();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            let word = &text[start..j];
            norm.clear();
            for ch in word.chars() {
                if is_apostrophe(ch) {
                    norm.push('\'');
                } else if ch.is_ascii() {
                    norm.push(ch.to_ascii_lowercase());
                } else {
                    norm.extend(ch.to_lowercase());
                }
            }
            // One word read as two ("didn't" → did not, "dont" → do not), or a
            // chat spelling read as its word ("u" → you): (first, second, split).
            let informal = if norm.len() <= 8 {
                informal_form(&norm, word)
            } else {
                None
            };
            let expanded = informal.or_else(|| {
                if !norm.contains('\'') && norm != "cannot" {
                    return None;
                }
                let (a, b) = expand_contraction(&norm)?;
                Some((a, Some(b), contraction_split(word, b)))
            });
            if let Some((first, second, split)) = expanded {
                let first_end = if second.is_some() { start + split } else { j };
                push(
                    &mut out,
                    TokenKind::Word,
                    start..first_end,
                    first,
                    &mut comma,
                    quoted,
                    sentence,
                );
                if let Some(second) = second {
                    push(
                        &mut out,
                        TokenKind::Word,
                        first_end..j,
                        second,
                        &mut comma,
                        quoted,
                        sentence,
                    );
                }
            } else if let Some(base) = norm.strip_suffix("'s") {
                // Possessive: the word, then "'s".
                let base = base.to_string();
                let ap = start + word.len() - 2 - (word.len() - norm.len()).min(2);
                let split = word
                    .char_indices()
                    .rev()
                    .find(|(_, c)| is_apostrophe(*c))
                    .map(|(k, _)| start + k)
                    .unwrap_or(ap);
                push(
                    &mut out,
                    TokenKind::Word,
                    start..split,
                    &base,
                    &mut comma,
                    quoted,
                    sentence,
                );
                push(
                    &mut out,
                    TokenKind::Word,
                    split..j,
                    "'s",
                    &mut comma,
                    quoted,
                    sentence,
                );
            } else {
                push(
                    &mut out,
                    TokenKind::Word,
                    start..j,
                    &norm,
                    &mut comma,
                    quoted,
                    sentence,
                );
            }
            i = j;
            continue;
        }
        // Other non-ASCII marks: dashes and brackets are soft; ellipsis ends;
        // a few emoji are words.
        if let Some(word) = attitude_emoji(c) {
            push(
                &mut out,
                TokenKind::Word,
                i..i + clen,
                word,
                &mut comma,
                quoted,
                sentence,
            );
        } else if c == '\u{2026}' {
            push(
                &mut out,
                TokenKind::End('.'),
                i..i + clen,
                ".",
                &mut comma,
                quoted,
                sentence,
            );
            end_sentence(&mut out, &mut sentence, &mut sentence_start);
        }
        i += clen;
    }
    end_sentence(&mut out, &mut sentence, &mut sentence_start);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attitude_emoji_read_as_the_word_of_their_shortcode() {
        let t = tokenize("Thanks, Sales \u{1F644} and \u{1F926}\u{200D}\u{2640}\u{FE0F} \u{1F600}");
        let words: Vec<&str> = t
            .tokens
            .iter()
            .filter(|x| x.kind == TokenKind::Word)
            .map(|x| &t.norm[x.norm.clone()])
            .collect();
        assert_eq!(words, ["thanks", "sales", "eyeroll", "and", "facepalm"]);
        let t = tokenize("Lost again \u{1F937}\u{200D}\u{2642}\u{FE0F} \u{1F643} \u{1F602}");
        let words: Vec<&str> = (0..t.tokens.len()).map(|i| t.norm_of(i)).collect();
        assert_eq!(
            words,
            ["lost", "again", "shrug", "upsidedown", "tearsofjoy"]
        );
    }

    fn norms(t: &Tokens) -> Vec<&str> {
        (0..t.tokens.len()).map(|i| t.norm_of(i)).collect()
    }

    #[test]
    fn contractions_expand_and_keep_spans() {
        let text = "You didn’t — I can't. It's Sam's.";
        let t = tokenize(text);
        assert_eq!(
            norms(&t),
            vec!["you", "did", "not", "i", "can", "not", ".", "it", "is", "sam", "'s", "."]
        );
        assert_eq!(&text[t.tokens[1].span.clone()], "did");
        assert_eq!(&text[t.tokens[2].span.clone()], "n’t");
        assert_eq!(&text[t.tokens[4].span.clone()], "ca");
        assert_eq!(t.sentences.len(), 2);
        assert!(t.is_sentence_start(7));
    }

    #[test]
    fn modal_contractions_expand_but_possessives_stay() {
        let t = tokenize("You should've asked; that'll help. The team's plan.");
        assert_eq!(
            norms(&t),
            vec![
                "you", "should", "have", "asked", ";", "that", "will", "help", ".", "the", "team",
                "'s", "plan", "."
            ]
        );
    }

    #[test]
    fn commas_quotes_and_placeholders() {
        let t = tokenize("Hi \u{E000}, you wrote \"per my last email\" v1.2!!");
        assert_eq!(t.tokens[1].kind, TokenKind::Placeholder);
        assert!(t.tokens[2].comma_before);
        assert!(t.tokens[4].quoted && !t.tokens[3].quoted);
        let last = t.tokens.last().unwrap();
        assert_eq!(last.kind, TokenKind::End('!'));
        assert_eq!(t.norm_of(t.tokens.len() - 1), "!!");
        assert!(norms(&t).contains(&"v1.2") || norms(&t).contains(&"v1"));
    }

    #[test]
    fn chat_spellings_read_as_the_words_they_stand_for() {
        let t = tokenize("u dont need to, pls ignore it. Im sorry coz U-boats");
        assert_eq!(
            norms(&t),
            [
                "you", "do", "not", "need", "to", "please", "ignore", "it", ".", "i", "am",
                "sorry", "because", "u", "boats"
            ]
        );
        // Spans stay on the source text: "do" + "nt", "I" + "m".
        let dont = &t.tokens[1..3];
        assert_eq!((dont[0].span.clone(), dont[1].span.clone()), (2..4, 4..6));
    }

    #[test]
    fn a_title_full_stop_does_not_end_the_sentence() {
        let t = tokenize("Dear Mr. Smith, thanks. Dr. Ng agrees.");
        assert_eq!(t.sentences.len(), 2);
    }

    #[test]
    fn line_breaks_end_sentences_before_capitals() {
        let t = tokenize("Hi Sam\nYou failed\nto enter it");
        assert_eq!(t.sentences.len(), 2);
    }
}
