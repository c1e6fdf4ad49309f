//! Property tests over every producer (text, templates, Markdown, HTML,
//! JSON, YAML) and over fix application, on random documents made of
//! rule-triggering phrases, placeholders, template tags, escapes, emoji and
//! CJK. Invariants: no panic; every finding lies inside a prose segment and
//! never cuts a placeholder; fixes keep placeholders byte for byte, keep the
//! file parseable by the format's real parser (yaml-rust2, serde_json,
//! pulldown-cmark) with the same structure, and are idempotent.
//!
//! `cargo test` runs a bounded number of cases per property
//! (`TACTFUL_PROP_CASES`, default 48); `scripts/props.sh` runs many more.

use proptest::prelude::*;
use proptest::test_runner::Config;
use tactful::fix;
use tactful::lint::{FileSettings, Linter};
use tactful::model::Kind;
use tactful::source::{self, Format, SourceOptions};

fn linter() -> &'static Linter {
    static LINTER: std::sync::OnceLock<Linter> = std::sync::OnceLock::new();
    LINTER.get_or_init(Linter::default_packs)
}

fn config() -> Config {
    let cases = std::env::var("TACTFUL_PROP_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

const PHRASES: &[&str] = &[
    "Just",
    "just restart it",
    "simply",
    "Obviously,",
    "you failed to enter",
    "You didn't enter the right password",
    "Sorry for any inconvenience.",
    "Per my last email,",
    "We value your business.",
    "- The team",
    "Please note that",
    "you need to use",
    "Unfortunately, we can't",
    "As I said,",
    "calm down",
    "PLEASE DO NOT REPLY",
    "!!",
    "It's",
    "don't",
    "the app",
    "your account is locked.",
    "Thanks.",
    "Hi there,",
];

const ODD: &[&str] = &[
    "😀",
    "你好，世界。",
    "ß",
    "e\u{301}",
    "#",
    "%",
    "@team",
    "`x`",
    ":",
    " - ",
    "1.",
    ">",
    "|",
    "\"quoted\"",
    "'",
    "—",
    "\\",
    "&",
    "<",
    "*",
    "~",
    "yes",
    "5",
    "\t",
    "\u{a0}",
    "\u{2019}",
];

const TAGS: &[&str] = &[
    "{{ name }}",
    "{{customer.first_name}}",
    "%{ticket.id}",
    "{% if vip %}",
    "{% endif %}",
    "{{! note }}",
    "{{#if x}}",
    "{{/if}}",
    "{%customer.firstName,fallback=there%}",
    "{{ first_name | fallback: \"there\" }}",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(PHRASES).prop_map(String::from),
        2 => prop::sample::select(ODD).prop_map(String::from),
        2 => prop::sample::select(TAGS).prop_map(String::from),
        2 => "[a-zA-Z]{1,9}",
        1 => prop::sample::select(&[". ", ".\n", "\n", "\n\n", ", "][..]).prop_map(String::from),
    ]
}

fn prose() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 1..24).prop_map(|v| v.join(" "))
}

fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

fn markdown_doc() -> impl Strategy<Value = String> {
    let block = (
        prop::sample::select(&["", "", "# ", "- ", "> ", "1. ", "| ", "  ", "* [ ] "][..]),
        prose(),
    )
        .prop_map(|(p, t)| format!("{p}{t}"));
    prop::collection::vec((block, prop::bool::ANY), 1..6).prop_map(|blocks| {
        let mut out = String::new();
        for (b, tight) in blocks {
            out.push_str(&b);
            out.push_str(if tight { "\n" } else { "\n\n" });
        }
        out
    })
}

fn html_doc() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(&["p", "li", "td", "b", "div"][..]),
            prose(),
        ),
        1..5,
    )
    .prop_map(|parts| {
        parts
            .into_iter()
            .map(|(tag, t)| {
                let t = t
                    .replace('&', "&amp;")
                    .replace('<', "&lt;")
                    .replace('\u{2019}', "&rsquo;");
                format!("<{tag}>{t}</{tag}>\n")
            })
            .collect()
    })
}

/// JSON string text, some non-ASCII characters as `\u` escapes.
fn json_string(s: &str, ascii: bool) -> String {
    let plain = serde_json::to_string(s).unwrap();
    if !ascii {
        return plain;
    }
    let mut out = String::new();
    for c in plain.chars() {
        if (c as u32) > 0x7f {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn json_doc() -> impl Strategy<Value = String> {
    (prose(), prose(), prop::bool::ANY).prop_map(|(a, b, ascii)| {
        format!(
            "{{\"title\": {}, \"body\": {}, \"id\": 7}}\n",
            json_string(&one_line(&a), ascii),
            json_string(&b, ascii)
        )
    })
}

fn yaml_value(style: u8, t: &str) -> String {
    let plain_ok = |v: &str| {
        source::repair::plain_ok(v, false)
            && !v.contains(['\t', '\\'])
            && !v.split_whitespace().any(|w| {
                w.starts_with(['#', '-', '|', '>', '%', '@', '`', '&', '*', '!', '{', '['])
            })
    };
    let style = if style == 0 && !plain_ok(one_line(t).trim())
        || style == 4 && !plain_ok(&t.split_whitespace().collect::<Vec<_>>().join(" "))
    {
        2
    } else {
        style
    };
    match style {
        0 => one_line(t).trim().to_string(),
        1 => format!("'{}'", one_line(t).replace('\'', "''")),
        2 => json_string(t, false),
        3 => {
            let mut out = "|\n".to_string();
            for line in t.lines() {
                out.push_str("    ");
                out.push_str(line.trim_end());
                out.push('\n');
            }
            out.trim_end_matches('\n').to_string()
        }
        _ => {
            // A multi-line plain scalar.
            let words: Vec<&str> = t.split_whitespace().collect();
            words
                .chunks(4)
                .map(|c| c.join(" "))
                .collect::<Vec<_>>()
                .join("\n    ")
        }
    }
}

fn yaml_doc() -> impl Strategy<Value = String> {
    prop::collection::vec((0u8..5, prose()), 1..4).prop_map(|items| {
        let mut out = String::from("replies:\n");
        for (style, t) in items {
            out.push_str(&format!(
                "  - subject: Login help\n    body: {}\n    count: 3\n",
                yaml_value(style, &t)
            ));
        }
        out
    })
}

fn settings(format: Format) -> FileSettings {
    FileSettings {
        format,
        kind: Kind::Reply,
        source: SourceOptions::default(),
        keep_covered: false,
    }
}

/// The real parser's view of a document's structure, or `None` when it
/// does not read the document (then only no-panic is required).
fn real_shape(text: &str, format: Format) -> Option<String> {
    match format {
        Format::Yaml => {
            fn shape(y: &yaml_rust2::Yaml) -> String {
                match y {
                    yaml_rust2::Yaml::Hash(h) => h
                        .iter()
                        .map(|(k, v)| format!("{k:?}:{}", shape(v)))
                        .collect::<Vec<_>>()
                        .join(","),
                    yaml_rust2::Yaml::Array(a) => {
                        format!("[{}]", a.iter().map(shape).collect::<Vec<_>>().join(";"))
                    }
                    yaml_rust2::Yaml::String(_) => "str".into(),
                    other => format!("{other:?}"),
                }
            }
            let docs = yaml_rust2::YamlLoader::load_from_str(text).ok()?;
            Some(docs.iter().map(shape).collect::<Vec<_>>().join("---"))
        }
        Format::Json => {
            let v: serde_json::Value = serde_json::from_str(text).ok()?;
            Some(
                v.as_object()?
                    .iter()
                    .map(|(k, v)| format!("{k}:{}", if v.is_string() { "str" } else { "other" }))
                    .collect::<Vec<_>>()
                    .join(","),
            )
        }
        Format::Markdown => {
            use pulldown_cmark::{Event, Parser, Tag};
            let opts = source::markdown::parser_options();
            Some(
                Parser::new_ext(text, opts)
                    .filter_map(|e| match e {
                        Event::Start(
                            t @ (Tag::Paragraph
                            | Tag::Heading { .. }
                            | Tag::BlockQuote(_)
                            | Tag::List(_)
                            | Tag::Item
                            | Tag::Table(_)
                            | Tag::TableRow
                            | Tag::CodeBlock(_)),
                        ) => Some(format!("{t:?}").split(['(', ' ', '{']).next()?.to_string()),
                        Event::Rule => Some("rule".into()),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(","),
            )
        }
        _ => Some(String::new()),
    }
}

/// Placeholder texts with their counts.
fn placeholders(text: &str, doc: &source::SourceDoc) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for r in &doc.protected {
        let t = text[r.clone()].to_string();
        if !t.starts_with(['{', '%', '$']) {
            continue;
        }
        match out.iter_mut().find(|(x, _)| *x == t) {
            Some((_, n)) => *n += 1,
            None => out.push((t, 1)),
        }
    }
    out
}

fn check(text: &str, format: Format) -> Result<(), TestCaseError> {
    let s = settings(format);
    let Ok(doc) = source::extract(text, format, &s.source) else {
        return Ok(());
    };
    let result = linter().lint(text, &s).expect("extracts, so lints");
    // Every finding inside a prose segment, never cutting a placeholder.
    let spans: Vec<(usize, usize)> = doc
        .segments
        .iter()
        .filter_map(|seg| {
            let p = seg.map.pieces();
            Some((p.first()?.src, p.last().map(|l| l.src + l.src_len)?))
        })
        .collect();
    for f in &result.findings {
        prop_assert!(
            spans
                .iter()
                .any(|&(a, b)| a <= f.range.start && f.range.end <= b),
            "{} at {:?} is outside every segment: {:?}",
            f.rule,
            f.range,
            text
        );
        for p in &doc.protected {
            let cuts = (p.start < f.range.start && f.range.start < p.end)
                || (p.start < f.range.end && f.range.end < p.end);
            prop_assert!(!cuts, "{} cuts {:?}", f.rule, &text[p.clone()]);
        }
        // Each quick fix alone keeps placeholders.
        for x in &f.fixes {
            let (one, _) = fix::apply_edits(text, &x.edits);
            if let Ok(d) = source::extract(&one, format, &s.source) {
                for (ph, n) in placeholders(text, &doc) {
                    prop_assert!(
                        one.matches(&ph).count() >= n,
                        "fix {:?} drops {ph}: {one:?}",
                        x.title
                    );
                }
                let _ = d;
            }
        }
    }
    // Fixing: parseable, same structure, placeholders kept, idempotent.
    let (fixed, _) =
        fix::fix_all(linter(), text, &s, fix::FIX_PASSES).expect("fix reads its own output");
    let fixed_doc = source::extract(&fixed, format, &s.source).expect("the fixed text extracts");
    for (ph, n) in placeholders(text, &doc) {
        prop_assert!(
            fixed.matches(&ph).count() >= n,
            "{ph} lost: {text:?} → {fixed:?}"
        );
    }
    let _ = fixed_doc;
    if let Some(before) = real_shape(text, format) {
        let after = real_shape(&fixed, format);
        prop_assert_eq!(
            Some(before),
            after,
            "structure changed: {:?} → {:?}",
            text,
            fixed
        );
    }
    let (again, _) = fix::fix_all(linter(), &fixed, &s, fix::FIX_PASSES).unwrap();
    prop_assert_eq!(&again, &fixed, "not idempotent: {:?}", text);
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn text_documents_keep_the_invariants(t in prose()) {
        check(&t, Format::Text)?;
    }

    #[test]
    fn template_documents_keep_the_invariants(t in prose()) {
        check(&t, Format::Template)?;
    }

    #[test]
    fn markdown_documents_keep_the_invariants(t in markdown_doc()) {
        check(&t, Format::Markdown)?;
    }

    #[test]
    fn html_documents_keep_the_invariants(t in html_doc()) {
        check(&t, Format::Html)?;
    }

    #[test]
    fn json_documents_keep_the_invariants(t in json_doc()) {
        check(&t, Format::Json)?;
    }

    #[test]
    fn yaml_documents_keep_the_invariants(t in yaml_doc()) {
        check(&t, Format::Yaml)?;
    }

    #[test]
    fn any_bytes_in_any_format_never_panic(t in "(?s).{0,200}", f in 0usize..6) {
        let format = [Format::Text, Format::Template, Format::Markdown, Format::Html, Format::Json, Format::Yaml][f];
        let s = settings(format);
        if let Ok(r) = linter().lint(&t, &s) {
            let _ = fix::apply_preferred(&t, &r.findings);
        }
    }
}

/// The generators are not vacuous: in every format a good share of the
/// documents is read by the real parser and changed by `tactful fix`.
#[test]
fn generated_documents_are_parsed_and_fixed() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let strategies: Vec<(Format, BoxedStrategy<String>)> = vec![
        (Format::Text, prose().boxed()),
        (Format::Template, prose().boxed()),
        (Format::Markdown, markdown_doc().boxed()),
        (Format::Html, html_doc().boxed()),
        (Format::Json, json_doc().boxed()),
        (Format::Yaml, yaml_doc().boxed()),
    ];
    let mut runner = TestRunner::deterministic();
    for (format, strategy) in strategies {
        let (mut parsed, mut fixed) = (0, 0);
        for _ in 0..40 {
            let t = strategy.new_tree(&mut runner).unwrap().current();
            if real_shape(&t, format).is_some()
                && source::extract(&t, format, &SourceOptions::default()).is_ok()
            {
                parsed += 1;
                let (f, _) =
                    fix::fix_all(linter(), &t, &settings(format), fix::FIX_PASSES).unwrap();
                fixed += usize::from(f != t);
            }
        }
        assert!(parsed >= 20, "{format:?}: only {parsed}/40 parsed");
        assert!(fixed >= 10, "{format:?}: only {fixed}/40 changed by fixes");
        eprintln!("{format:?}: {parsed}/40 parsed, {fixed} fixed");
    }
}

/// Cases proptest found: chains of overlapping fixes that needed more
/// passes than `tactful fix` once made (4), so a second run changed more.
#[test]
fn fixing_chains_of_overlapping_phrases_is_idempotent() {
    for (t, format) in [
        (
            "<p>Obviously, you failed to enter</p>\n<p>just restart it</p>\n<p>you failed to enter</p>\n<p>Obviously, Obviously, #</p>\n",
            Format::Html,
        ),
        (
            "1. Obviously, just restart it Obviously,\n\nObviously, Obviously, 1.\n\n",
            Format::Markdown,
        ),
    ] {
        check(t, format).unwrap();
    }
}
