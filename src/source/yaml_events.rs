//! The YAML 1.2 test-suite-compliant reading of a document (saphyr-parser):
//! validation with a located error, and the value stream that edit checks
//! compare. The producer's own scanner (yaml.rs) keeps the escape-exact
//! offset maps; this makes sure nothing it accepts is invalid YAML, and
//! that structure checks use a compliant parser (see ARCHITECTURE.md).

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::structure::{plain_type, Compare};
use super::SourceError;

/// Checks that `text` is valid YAML; the error names the line and column.
pub fn validate(text: &str) -> Result<(), SourceError> {
    tokens(text, Compare::Shape).map(|_| ())
}

/// The document as a stream of tokens: documents, mappings, sequences and
/// scalars (their value and resolved type for [`Compare::Content`], their
/// type for [`Compare::Shape`]; keys always with their value).
pub fn tokens(text: &str, compare: Compare) -> Result<Vec<String>, SourceError> {
    let mut out = Vec::new();
    // Whether the next scalar is a mapping key, per open collection.
    let mut stack: Vec<(bool, bool)> = Vec::new();
    for ev in Parser::new_from_str(text) {
        let (ev, _) = ev.map_err(|e| SourceError {
            line: e.marker().line().max(1),
            column: e.marker().col() + 1,
            message: format!("invalid YAML: {}", e.info()),
        })?;
        let is_key = match stack.last_mut() {
            Some((true, next_is_key)) => {
                let k = *next_is_key;
                if !matches!(ev, Event::MappingEnd) {
                    *next_is_key = !k;
                }
                k
            }
            _ => false,
        };
        match ev {
            Event::DocumentStart(_) => out.push("---".to_string()),
            Event::MappingStart(..) => {
                out.push("{".to_string());
                stack.push((true, true));
            }
            Event::SequenceStart(..) => {
                out.push("[".to_string());
                stack.push((false, false));
            }
            Event::MappingEnd => {
                out.push("}".to_string());
                stack.pop();
            }
            Event::SequenceEnd => {
                out.push("]".to_string());
                stack.pop();
            }
            Event::Scalar(v, style, _, tag) => {
                let ty = match (&tag, style) {
                    (Some(t), _) => format!("!{}", t.suffix),
                    (None, ScalarStyle::Plain) => plain_type(&v).to_string(),
                    (None, _) => "str".to_string(),
                };
                out.push(match compare {
                    _ if is_key => format!("key:{v}"),
                    Compare::Content => format!("{ty}:{v}"),
                    Compare::Shape if ty == "str" => ty,
                    Compare::Shape => format!("{ty}:{v}"),
                });
            }
            Event::Alias(_) => out.push("alias".to_string()),
            _ => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_yaml_is_located_and_shapes_keep_keys() {
        let e = validate("a: 1\nb: [x\n").unwrap_err();
        assert!(e.line >= 2, "{e}");
        let t = tokens("a: x\nb: [1, '2']\n", Compare::Shape).unwrap();
        assert_eq!(
            t,
            ["---", "{", "key:a", "str", "key:b", "[", "number:1", "str", "]", "}"]
        );
    }
}
