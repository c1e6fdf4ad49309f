//! Word classes and inflections shared by rule patterns (lexical
//! generalization as data): a pack's `[lexicon]` table names classes of words
//! and phrases (`soon = ["soon", "shortly", "in due course"]`) that any pattern
//! uses as `@soon`; `~verb` stands for a word's inflections (`~revert` →
//! revert, reverts, reverted, reverting), with irregular forms listed in the
//! `[inflections]` table. Expansion is textual and happens once, when a pack
//! is loaded, so the engine and its single automaton never see a class.

use std::collections::HashMap;

/// Classes and irregular inflections, merged from every pack.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    classes: HashMap<String, Vec<String>>,
    irregular: HashMap<String, Vec<String>>,
}

/// Classes may refer to other classes this deep.
const MAX_DEPTH: usize = 8;

impl Lexicon {
    /// Adds (or replaces) a class.
    pub fn define(&mut self, name: &str, entries: Vec<String>) {
        self.classes.insert(name.to_ascii_lowercase(), entries);
    }

    /// Adds irregular forms of a word (`forget = ["forgot", "forgotten"]`).
    pub fn define_irregular(&mut self, word: &str, forms: Vec<String>) {
        self.irregular.insert(word.to_ascii_lowercase(), forms);
    }

    pub fn is_empty(&self) -> bool {
        self.classes.is_empty() && self.irregular.is_empty()
    }

    /// The names of every class, sorted (for docs).
    pub fn class_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.classes.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    pub fn class(&self, name: &str) -> Option<&[String]> {
        self.classes.get(name).map(Vec::as_slice)
    }

    /// Every form of `word`: regular inflections plus listed irregular ones.
    pub fn inflections(&self, word: &str) -> Vec<String> {
        let w = word.to_lowercase();
        let mut out = vec![w.clone()];
        let mut push = |f: String| {
            if !f.is_empty() && !out.contains(&f) {
                out.push(f);
            }
        };
        let ends = |s: &str| w.ends_with(s);
        let last = w.chars().last().unwrap_or(' ');
        let vowel = |c: char| "aeiou".contains(c);
        // -s / -es
        if ends("s") || ends("x") || ends("z") || ends("ch") || ends("sh") {
            push(format!("{w}es"));
        } else if last == 'y' && !w.ends_with("ay") && !w.ends_with("ey") && !w.ends_with("oy") {
            push(format!("{}ies", &w[..w.len() - 1]));
        } else {
            push(format!("{w}s"));
        }
        // -ed / -ing
        if last == 'e' {
            push(format!("{w}d"));
            push(format!("{}ing", &w[..w.len() - 1]));
        } else if last == 'y' && !w.ends_with("ay") && !w.ends_with("ey") && !w.ends_with("oy") {
            push(format!("{}ied", &w[..w.len() - 1]));
            push(format!("{w}ing"));
        } else {
            push(format!("{w}ed"));
            push(format!("{w}ing"));
            // Consonant doubling for short stressed endings (stop → stopped).
            let cs: Vec<char> = w.chars().collect();
            if cs.len() >= 3 {
                let (a, b, c) = (cs[cs.len() - 3], cs[cs.len() - 2], cs[cs.len() - 1]);
                if !vowel(a) && vowel(b) && !vowel(c) && !"wxy".contains(c) {
                    push(format!("{w}{c}ed"));
                    push(format!("{w}{c}ing"));
                }
            }
        }
        if let Some(irr) = self.irregular.get(&w) {
            for f in irr {
                push(f.to_lowercase());
            }
        }
        out
    }

    /// Expands every `@class` and `~word` in a pattern string.
    pub fn expand(&self, pattern: &str) -> Result<String, String> {
        self.expand_at(pattern, 0)
    }

    fn expand_at(&self, pattern: &str, depth: usize) -> Result<String, String> {
        if !pattern.contains(['@', '~']) {
            return Ok(pattern.to_string());
        }
        if depth > MAX_DEPTH {
            return Err(format!(
                "word classes nest more than {MAX_DEPTH} deep (is a class defined in terms of itself?)"
            ));
        }
        let chars: Vec<char> = pattern.chars().collect();
        let mut out = String::with_capacity(pattern.len() * 2);
        let mut in_brace = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let at_atom_start = i == 0 || matches!(chars[i - 1], ' ' | '(' | '|' | ':' | '\t');
            if (c == '@' || c == '~') && at_atom_start {
                let mut j = i + 1;
                while j < chars.len()
                    && (chars[j].is_alphanumeric() || matches!(chars[j], '-' | '_' | '\''))
                {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect::<String>().to_lowercase();
                if name.is_empty() {
                    return Err(format!("`{c}` must be followed by a name"));
                }
                let entries: Vec<String> = if c == '~' {
                    self.inflections(&name)
                } else {
                    let Some(entries) = self.classes.get(&name) else {
                        let mut known = self.class_names();
                        known.truncate(12);
                        return Err(format!(
                            "unknown word class @{name} (define it in a pack's [lexicon] table; known: {})",
                            known.join(", ")
                        ));
                    };
                    let mut v = Vec::with_capacity(entries.len());
                    for e in entries {
                        v.push(self.expand_at(e.trim(), depth + 1)?);
                    }
                    v
                };
                if entries.is_empty() {
                    return Err(format!("word class @{name} is empty"));
                }
                let single = entries
                    .iter()
                    .all(|e| !e.contains([' ', '(', ')', '{', '}']));
                if in_brace {
                    if !single {
                        return Err(format!(
                            "@{name} has phrases; inside {{name:…}} only single words are allowed"
                        ));
                    }
                    out.push_str(&entries.join("|"));
                } else if single {
                    out.push_str(&entries.join("|"));
                } else {
                    out.push('(');
                    out.push_str(&entries.join("|"));
                    out.push(')');
                }
                i = j;
                continue;
            }
            match c {
                '{' => in_brace = true,
                '}' => in_brace = false,
                _ => {}
            }
            out.push(c);
            i += 1;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex() -> Lexicon {
        let mut l = Lexicon::default();
        l.define(
            "soon",
            vec!["soon".into(), "shortly".into(), "in due course".into()],
        );
        l.define("only", vec!["just".into(), "merely".into(), "only".into()]);
        l.define("later", vec!["@soon".into(), "later".into()]);
        l.define_irregular("forget", vec!["forgot".into(), "forgotten".into()]);
        l
    }

    #[test]
    fn classes_expand_to_words_or_groups() {
        let l = lex();
        assert_eq!(
            l.expand("it is @only a").unwrap(),
            "it is just|merely|only a"
        );
        assert_eq!(
            l.expand("we will reply @soon").unwrap(),
            "we will reply (soon|shortly|in due course)"
        );
        assert_eq!(
            l.expand("reply @later?").unwrap(),
            "reply ((soon|shortly|in due course)|later)?"
        );
        assert_eq!(l.expand("(a b|@only)").unwrap(), "(a b|just|merely|only)");
        assert_eq!(l.expand("x|@only y").unwrap(), "x|just|merely|only y");
        assert_eq!(l.expand("{w:@only} x").unwrap(), "{w:just|merely|only} x");
        assert!(l.expand("{w:@soon}").is_err());
        assert!(l
            .expand("@nope")
            .unwrap_err()
            .contains("unknown word class @nope"));
        assert_eq!(l.expand("no classes here").unwrap(), "no classes here");
    }

    #[test]
    fn inflections_cover_regular_and_irregular_forms() {
        let l = lex();
        let f = l.inflections("forget");
        for w in ["forget", "forgets", "forgetting", "forgot", "forgotten"] {
            assert!(f.contains(&w.to_string()), "{w} in {f:?}");
        }
        let f = l.inflections("revert");
        assert_eq!(f, ["revert", "reverts", "reverted", "reverting"]);
        let f = l.inflections("apologise");
        assert!(f.contains(&"apologised".to_string()) && f.contains(&"apologising".to_string()));
        let f = l.inflections("try");
        assert!(f.contains(&"tries".to_string()) && f.contains(&"tried".to_string()));
        assert!(l.inflections("stop").contains(&"stopped".to_string()));
        assert!(l
            .expand("you ~forget to")
            .unwrap()
            .contains("forgot|forgotten"));
    }

    #[test]
    fn self_referencing_classes_are_an_error_not_a_hang() {
        let mut l = Lexicon::default();
        l.define("a", vec!["@b".into()]);
        l.define("b", vec!["@a".into()]);
        assert!(l.expand("@a").unwrap_err().contains("nest"));
    }
}
