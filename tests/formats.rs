//! Source-format fixtures: the segments each producer yields for a realistic
//! file of its format, and the exactness of every segment's offset map.

use std::path::Path;

use serde_json::json;
use tactful::source::{self, Format, SourceDoc, SourceOptions};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/formats")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Checks the invariants every producer keeps: verbatim pieces copy source
/// bytes exactly, pieces are ordered and inside the file, and protected
/// ranges are never split by a verbatim piece.
fn assert_exact_maps(src: &str, doc: &SourceDoc) {
    for seg in &doc.segments {
        let mut seg_end = 0;
        let mut src_end = 0;
        for p in seg.map.pieces() {
            assert_eq!(p.seg, seg_end, "pieces tile the segment: {:?}", seg.text);
            assert!(
                p.src >= src_end,
                "pieces are in source order: {:?}",
                seg.text
            );
            assert!(p.src + p.src_len <= src.len());
            if p.verbatim {
                assert_eq!(
                    &seg.text[p.seg..p.seg + p.seg_len],
                    &src[p.src..p.src + p.src_len],
                    "verbatim piece copies the source"
                );
                for r in &doc.protected {
                    let overlap = p.src < r.end && r.start < p.src + p.src_len;
                    assert!(
                        !overlap,
                        "verbatim text {:?} inside protected {:?}",
                        &src[p.src..p.src + p.src_len],
                        &src[r.clone()]
                    );
                }
            }
            seg_end = p.seg + p.seg_len;
            src_end = p.src + p.src_len;
        }
        assert_eq!(seg_end, seg.text.len(), "pieces cover the segment");
    }
}

/// A readable description of an extraction, for snapshots.
fn describe(src: &str, doc: &SourceDoc) -> serde_json::Value {
    let segments: Vec<_> = doc
        .segments
        .iter()
        .map(|s| {
            let (r, fixable) = s.to_source(0..s.text.len());
            json!({
                "text": s.text.replace(source::PLACEHOLDER, "⟨P⟩").replace(source::CONTROL, "⟨C⟩"),
                "source": &src[r.clone()],
                "range": [r.start, r.end],
                "whole_segment_fixable": fixable,
                "escape": format!("{:?}", s.escape),
            })
        })
        .collect();
    let directives: Vec<_> = doc
        .directives
        .iter()
        .map(|d| json!({"kind": format!("{:?}", d.kind), "ids": d.ids, "offset": d.offset}))
        .collect();
    let protected: Vec<_> = doc.protected.iter().map(|r| &src[r.clone()]).collect();
    json!({
        "kind": doc.kind.map(|k| k.id()),
        "segments": segments,
        "directives": directives,
        "protected": protected,
    })
}

fn extract_fixture(name: &str, opts: &SourceOptions) -> (String, SourceDoc) {
    let src = fixture(name);
    let doc = source::extract(&src, Format::from_path(name), opts).unwrap();
    assert_exact_maps(&src, &doc);
    (src, doc)
}

fn texts(doc: &SourceDoc) -> Vec<&str> {
    doc.segments.iter().map(|s| s.text.as_str()).collect()
}

macro_rules! snapshot_fixture {
    ($test:ident, $file:expr) => {
        #[test]
        fn $test() {
            let (src, doc) = extract_fixture($file, &SourceOptions::default());
            insta::assert_json_snapshot!(describe(&src, &doc));
        }
    };
}

snapshot_fixture!(plain_text_fixture, "reply.txt");
snapshot_fixture!(markdown_fixture, "article.md");
snapshot_fixture!(html_fixture, "reply.html");
snapshot_fixture!(liquid_fixture, "reply.liquid");
snapshot_fixture!(handlebars_fixture, "reply.hbs");
snapshot_fixture!(zendesk_json_fixture, "zendesk-macros.json");
snapshot_fixture!(freshdesk_json_fixture, "freshdesk.json");
snapshot_fixture!(generic_json_fixture, "generic.json");
snapshot_fixture!(osticket_yaml_fixture, "osticket.yaml");
snapshot_fixture!(saved_replies_yaml_fixture, "saved-replies.yml");

#[test]
fn markdown_skips_code_quotes_front_matter_and_reads_kind() {
    let (src, doc) = extract_fixture("article.md", &SourceOptions::default());
    assert_eq!(doc.kind, Some(tactful::model::Kind::Kb));
    let all = texts(&doc).join("\n");
    for skipped in [
        "you failed",
        "ridiculous",
        "Resetting",
        "simply-reset",
        "reset}",
        "Simply a screenshot",
    ] {
        assert!(!all.contains(skipped), "{skipped:?} must be skipped: {all}");
    }
    assert!(all.contains("Just restart the app & try again."));
    // The `[!NOTE]` marker is not text.
    assert!(!all.contains("[!NOTE]"));
    // `must` maps to exactly its bytes inside `**must**`.
    let seg = doc
        .segments
        .iter()
        .find(|s| s.text.starts_with("You must"))
        .unwrap();
    let (r, ok) = seg.to_source(4..8);
    assert!(ok);
    assert_eq!(&src[r], "must");
    assert!(!seg.to_source(0..8).1, "a range crossing `**` gets no fix");
}

#[test]
fn json_strings_map_through_escapes_both_ways() {
    let (src, doc) = extract_fixture("zendesk-macros.json", &SourceOptions::default());
    let seg = doc
        .segments
        .iter()
        .find(|s| s.text.contains("policy"))
        .unwrap();
    let at = seg.text.find("that\u{2019}s").unwrap();
    let (r, ok) = seg.to_source(at..at + "that\u{2019}s".len());
    assert!(ok);
    assert_eq!(&src[r.clone()], r"that\u2019s");
    // A fix written back is valid JSON.
    let fixed = format!(
        "{}{}{}",
        &src[..r.start],
        seg.escape.encode("that is \"our\" rule\n"),
        &src[r.end..]
    );
    let v: serde_json::Value = serde_json::from_str(&fixed).unwrap();
    let value = v["macros"][0]["actions"][2]["value"].as_str().unwrap();
    assert!(value.contains("Unfortunately that is \"our\" rule\n our policy."));
}

#[test]
fn configured_export_keys_replace_automatic_selection() {
    let opts = SourceOptions {
        export_keys: vec!["/replies/*/body".to_string()],
        ..Default::default()
    };
    let (_, doc) = extract_fixture("generic.json", &opts);
    assert_eq!(
        texts(&doc),
        vec![
            "Sorry for any inconvenience.",
            "This ticket will be closed in 48h."
        ]
    );
    let (_, auto) = extract_fixture("generic.json", &SourceOptions::default());
    assert_eq!(auto.segments.len(), 3, "automatic mode also lints `text`");
}

/// Every string value of a JSON or YAML file, decoded by the reference
/// parsers (serde_json, yaml-rust2).
fn reference_strings(text: &str, format: Format) -> Result<Vec<String>, String> {
    fn json_walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(items) => items.iter().for_each(|i| json_walk(i, out)),
            serde_json::Value::Object(m) => m.values().for_each(|v| json_walk(v, out)),
            _ => {}
        }
    }
    fn yaml_walk(v: &yaml_rust2::Yaml, out: &mut Vec<String>) {
        match v {
            yaml_rust2::Yaml::String(s) => out.push(s.clone()),
            yaml_rust2::Yaml::Array(items) => items.iter().for_each(|i| yaml_walk(i, out)),
            yaml_rust2::Yaml::Hash(m) => m.values().for_each(|v| yaml_walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match format {
        Format::Json => json_walk(
            &serde_json::from_str(text).map_err(|e| e.to_string())?,
            &mut out,
        ),
        _ => {
            for doc in yaml_rust2::YamlLoader::load_from_str(text).map_err(|e| e.to_string())? {
                yaml_walk(&doc, &mut out);
            }
        }
    }
    Ok(out)
}

/// What a replacement reads as once decoded from the file: plain YAML
/// scalars trade `: ` and ` #` for no-break spaces, scalars never take line
/// breaks, HTML values hold the HTML-escaped text.
fn decoded_replacement(escape: source::Escape, replacement: &str) -> String {
    use source::Escape::*;
    let html = replacement
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let one_line = |t: &str| t.replace('\n', " ");
    let plain = |t: &str| {
        one_line(t)
            .replace(": ", ":\u{a0}")
            .replace(" #", "\u{a0}#")
    };
    match escape {
        None | Json | YamlDouble => replacement.to_string(),
        Html | JsonHtml | YamlDoubleHtml => html,
        YamlSingle => one_line(replacement),
        YamlSingleHtml => one_line(&html),
        YamlPlain => plain(replacement),
        YamlPlainHtml => plain(&html),
        YamlBlock => one_line(replacement),
        YamlBlockHtml => one_line(&html),
    }
}

/// Fixes written through each segment's escape keep JSON/YAML valid, and the
/// value then reads exactly as the replacement (whole segments, first and
/// last words, and ranges that cross a folded line break).
#[test]
fn fixes_written_back_keep_exports_valid_and_read_right() {
    const REPLACEMENT: &str = "Note: it's \"quoted\" #1 \\ & <b>\nnext";
    let files = [
        "saved-replies.yml",
        "osticket.yaml",
        "zendesk-macros.json",
        "freshdesk.json",
        "generic.json",
    ];
    let mut checked = 0;
    for name in files {
        let (src, doc) = extract_fixture(name, &SourceOptions::default());
        let format = Format::from_path(name);
        for seg in &doc.segments {
            let words: Vec<(usize, usize)> = seg
                .text
                .char_indices()
                .filter(|(i, c)| {
                    c.is_alphanumeric() && !seg.text[..*i].ends_with(char::is_alphanumeric)
                })
                .map(|(i, _)| {
                    let end = seg.text[i..]
                        .find(|c: char| !c.is_alphanumeric())
                        .map_or(seg.text.len(), |e| i + e);
                    (i, end)
                })
                .collect();
            let Some(&first) = words.first() else {
                continue;
            };
            let last = *words.last().unwrap();
            let candidates = [(0, seg.text.len()), first, last, (first.0, last.1)];
            for (a, b) in candidates {
                let (r, ok) = seg.to_source(a..b);
                if !ok {
                    continue;
                }
                let fixed = format!(
                    "{}{}{}",
                    &src[..r.start],
                    seg.escape.encode(REPLACEMENT),
                    &src[r.end..]
                );
                let strings = reference_strings(&fixed, format)
                    .unwrap_or_else(|e| panic!("{name}: {e}\n{fixed}"));
                let want = decoded_replacement(seg.escape, REPLACEMENT);
                assert!(
                    strings.iter().any(|s| s.contains(&want)),
                    "{name}: {:?} not found after the fix ({:?})\n{fixed}",
                    want,
                    seg.escape
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 40, "only {checked} fixes checked");
}

#[test]
fn html_templates_read_as_html() {
    for name in ["email.html.hbs", "email.hbs"] {
        let (_, doc) = extract_fixture(name, &SourceOptions::default());
        assert!(
            doc.segments
                .iter()
                .all(|s| s.escape == source::Escape::Html),
            "{name}"
        );
        assert!(
            doc.segments.iter().all(|s| !s.text.contains("<p>")),
            "{name}"
        );
    }
    let (_, doc) = extract_fixture("email.html.hbs", &SourceOptions::default());
    assert_eq!(
        texts(&doc),
        vec![
            "Hi \u{E000},",
            "\u{E001}Your refund is on its way.",
            "\u{E001}We can\u{2019}t refund this order.\u{E001}"
        ]
    );
}

#[test]
fn format_follows_the_file_name() {
    let cases = [
        ("a.md", Format::Markdown),
        ("a.markdown", Format::Markdown),
        ("a.html", Format::Html),
        ("a.htm", Format::Html),
        ("a.liquid", Format::Template),
        ("a.hbs", Format::Template),
        ("a.handlebars", Format::Template),
        ("a.mustache", Format::Template),
        ("a.html.liquid", Format::Html),
        ("a.md.hbs", Format::Markdown),
        ("macros.json", Format::Json),
        ("replies.yml", Format::Yaml),
        ("t.yaml", Format::Yaml),
        ("notes.txt", Format::Text),
        ("README", Format::Text),
        ("dir.d/file", Format::Text),
        ("X.JSON", Format::Json),
    ];
    for (path, want) in cases {
        assert_eq!(Format::from_path(path), want, "{path}");
    }
}

#[test]
fn invalid_exports_fail_with_line_and_column() {
    let err = source::extract(
        "{\n  \"a\": [1, 2 3]\n}",
        Format::Json,
        &SourceOptions::default(),
    )
    .unwrap_err();
    assert_eq!((err.line, err.column), (2, 14));
    assert!(err
        .to_string()
        .starts_with("line 2, column 14: expected `,` or `]` after an array element"));
    let err =
        source::extract("a:\n  - x\n - y\n", Format::Yaml, &SourceOptions::default()).unwrap_err();
    assert_eq!(err.line, 3);
}

/// Deterministic fuzzing: random documents built from the tokens every
/// producer reacts to. No panic, no hang, and every map stays exact.
#[test]
fn random_documents_never_break_any_producer() {
    const TOKENS: &[&str] = &[
        "{{",
        "}}",
        "{%",
        "%}",
        "{{#if x}}",
        "{{else}}",
        "{{/if}}",
        "{% else %}",
        "{{!",
        "%{a}",
        "<p>",
        "</p>",
        "<b>",
        "<code>",
        "</code>",
        "<!--",
        "-->",
        "<br>",
        "&amp;",
        "&#",
        ";",
        "\"",
        "'",
        "\\",
        "\\u00e9",
        "\\n",
        "\n",
        "\n\n",
        "  ",
        "    ",
        "- ",
        ": ",
        ":",
        "|",
        ">",
        "|-",
        ">+",
        "[",
        "]",
        "{",
        "}",
        ",",
        "#",
        "é",
        "😀",
        "**",
        "_",
        "`",
        "```",
        "> [!NOTE]\n",
        "---\n",
        "...",
        "key: ",
        "body: |\n  ",
        "\"body\": \"",
        "https://x.y/z",
        "you failed",
        "just",
        "Hi",
        "\r\n",
        "\t",
        "&rsquo;",
        "<pre>",
        "![i](u)",
        "[a](b)",
        "{:",
        "{.x}",
        "{#a}",
        "[!INCLUDE [a](b)]",
        "[!div x]",
        "[//]: # (",
        ")",
        "? ",
        "*a",
        "&a ",
        "!!str ",
        "${a}",
        "{!b}",
        "$",
        "//",
        "/*",
        "*/",
        "```md\n",
        "```markdown x\n",
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let formats = [
        Format::Text,
        Format::Markdown,
        Format::Html,
        Format::Template,
        Format::Json,
        Format::Yaml,
    ];
    let iterations = std::env::var("TACTFUL_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3000);
    for _ in 0..iterations {
        let len = (next() % 40) as usize;
        let doc: String = (0..len)
            .map(|_| TOKENS[(next() % TOKENS.len() as u64) as usize])
            .collect();
        for format in formats {
            let opts = SourceOptions {
                bracket_placeholders: true,
                ..Default::default()
            };
            if let Ok(extracted) = source::extract(&doc, format, &opts) {
                assert_exact_maps(&doc, &extracted);
            }
        }
    }
}

/// A developer tool: `TACTFUL_DUMP=path cargo test --test formats dump -- --ignored --nocapture`
/// prints the segments of a file.
#[test]
#[ignore]
fn dump_segments_of_a_file() {
    let Ok(path) = std::env::var("TACTFUL_DUMP") else {
        return;
    };
    let src = std::fs::read_to_string(&path).unwrap();
    match source::extract(&src, Format::from_path(&path), &SourceOptions::default()) {
        Ok(doc) => println!(
            "{}",
            serde_json::to_string_pretty(&describe(&src, &doc)).unwrap()
        ),
        Err(e) => println!("error: {e}"),
    }
}

/// A small deterministic generator for the structured fuzz tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A string full of what escaping and folding must survive.
    fn string(&mut self) -> String {
        const PARTS: &[&str] = &[
            "word",
            " ",
            "  ",
            "\n",
            "\n\n",
            "\t",
            "\"",
            "'",
            "\\",
            ": ",
            " #",
            "#",
            "-",
            "- ",
            "é",
            "😀",
            "\u{2028}",
            "\u{1}",
            "{{ name }}",
            "%{x}",
            "<p>",
            "&amp;",
            "|",
            ">",
            "[",
            "]",
            "{",
            "}",
            ",",
            "*",
            "&",
            "!",
            "?",
            "%",
            "@",
            "`",
            "yes",
            "null",
            "1.5",
            "~",
            "\r\n",
            " trailing ",
        ];
        (0..self.below(12))
            .map(|_| PARTS[self.below(PARTS.len())])
            .collect()
    }
}

/// Random documents written by yaml-rust2's emitter (quoted, plain and
/// literal block scalars) decode to the same strings with tactful's scanner.
#[test]
fn yaml_scanner_agrees_with_yaml_rust2_on_emitted_documents() {
    use yaml_rust2::yaml::{Hash, Yaml};
    fn value(rng: &mut Rng, depth: usize) -> Yaml {
        match if depth > 3 { 0 } else { rng.below(4) } {
            0 | 1 => Yaml::String(rng.string()),
            2 => Yaml::Array((0..rng.below(4)).map(|_| value(rng, depth + 1)).collect()),
            _ => {
                let mut h = Hash::new();
                for i in 0..rng.below(4) {
                    h.insert(Yaml::String(format!("k{i}")), value(rng, depth + 1));
                }
                Yaml::Hash(h)
            }
        }
    }
    fn strings(v: &Yaml, out: &mut Vec<String>) {
        match v {
            Yaml::String(s) => out.push(s.clone()),
            Yaml::Array(items) => items.iter().for_each(|i| strings(i, out)),
            Yaml::Hash(h) => h.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    fn ours(v: &source::yaml::YamlValue, out: &mut Vec<String>) {
        use source::yaml::YamlValue::*;
        match v {
            Scalar(s) if s.is_string() => out.push(s.value.clone()),
            Scalar(_) | Null => {}
            Seq(items) => items.iter().for_each(|i| ours(i, out)),
            Map(entries) => entries.iter().for_each(|(_, v)| ours(v, out)),
        }
    }
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let mut compared = 0;
    for round in 0..2000 {
        let doc = value(&mut rng, 0);
        let mut text = String::new();
        let mut emitter = yaml_rust2::YamlEmitter::new(&mut text);
        emitter.multiline_strings(round % 2 == 0);
        if emitter.dump(&doc).is_err() {
            continue;
        }
        // The reference reading of the emitted text (the emitter is not
        // always faithful; compare against what the text says).
        let Ok(reference) = yaml_rust2::YamlLoader::load_from_str(&text) else {
            continue;
        };
        let mut want = Vec::new();
        reference.iter().for_each(|d| strings(d, &mut want));
        let parsed = source::yaml::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut got = Vec::new();
        parsed.iter().for_each(|d| ours(d, &mut got));
        // Trailing line breaks of block scalars at the end of a document
        // are a known corner where parsers (and yaml-rust2's emitter)
        // disagree with the spec; everything before them must match.
        let normalize = |v: &mut Vec<String>| {
            v.iter_mut()
                .for_each(|s| *s = s.trim_end_matches(['\n', ' ']).to_string());
            v.retain(|s| !s.trim().is_empty());
        };
        normalize(&mut want);
        normalize(&mut got);
        want.sort();
        got.sort();
        assert_eq!(got, want, "\n{text}");
        compared += 1;
    }
    assert!(compared > 1000);
}

/// Random JSON written by serde_json decodes to the same strings.
#[test]
fn json_scanner_agrees_with_serde_json() {
    let mut rng = Rng(0x0fed_cba9_8765_4321);
    for _ in 0..2000 {
        let strings: Vec<String> = (0..rng.below(5) + 1).map(|_| rng.string()).collect();
        let doc = serde_json::json!({"macros": [{"actions": strings.iter().map(|s| serde_json::json!({"field": "comment_value", "value": s})).collect::<Vec<_>>()}]});
        let text = if rng.below(2) == 0 {
            serde_json::to_string(&doc)
        } else {
            serde_json::to_string_pretty(&doc)
        }
        .unwrap();
        let parsed = source::json::parse(&text).unwrap();
        let mut got = Vec::new();
        fn walk(v: &source::json::JsonValue, out: &mut Vec<String>) {
            use source::json::JsonValue::*;
            match v {
                String(s) => out.push(s.value.clone()),
                Array(i) => i.iter().for_each(|v| walk(v, out)),
                Object(m) => m.iter().for_each(|(_, v)| walk(v, out)),
                Scalar => {}
            }
        }
        walk(&parsed, &mut got);
        got.retain(|s| s != "comment_value");
        assert_eq!(got, strings);
        let extracted = source::extract(&text, Format::Json, &SourceOptions::default()).unwrap();
        assert_exact_maps(&text, &extracted);
    }
}

/// Hand-written YAML styles the emitter never produces (multi-line plain,
/// folded and quoted scalars, comments, flow collections, indicators):
/// wherever yaml-rust2 reads the text, tactful reads the same strings.
#[test]
fn yaml_scanner_agrees_with_yaml_rust2_on_hand_written_styles() {
    const WORDS: &[&str] = &[
        "Thanks", "for", "the", "report,", "we", "can't", "repro", "it.", "é", "😀", "a-b", "x:y",
        "50%", "#1", "it's", "\"q\"",
    ];
    fn words(rng: &mut Rng, n: usize) -> Vec<&'static str> {
        (0..n).map(|_| WORDS[rng.below(WORDS.len())]).collect()
    }
    fn lines(rng: &mut Rng) -> Vec<String> {
        (0..rng.below(4) + 1)
            .map(|_| {
                if rng.below(5) == 0 {
                    String::new()
                } else {
                    let extra = if rng.below(6) == 0 { "  " } else { "" };
                    let n = rng.below(4) + 1;
                    format!("{extra}{}", words(rng, n).join(" "))
                }
            })
            .collect()
    }
    fn scalar(rng: &mut Rng, indent: usize) -> String {
        let pad = " ".repeat(indent + 2);
        match rng.below(7) {
            0 => {
                let ls = lines(rng);
                let body: Vec<String> = ls
                    .iter()
                    .map(|l| {
                        if l.is_empty() {
                            String::new()
                        } else {
                            format!("{pad}{l}")
                        }
                    })
                    .collect();
                let header = ["|", "|-", "|+", ">", ">-", ">+"][rng.below(6)];
                format!("{header}\n{}\n", body.join("\n"))
            }
            1 => {
                let ls: Vec<String> = lines(rng)
                    .into_iter()
                    .map(|l| l.trim().replace('\'', "''"))
                    .collect();
                format!("'{}'\n", ls.join(&format!("\n{pad}")))
            }
            2 => {
                let ls: Vec<String> = lines(rng)
                    .into_iter()
                    .map(|l| l.trim().replace('\\', "\\\\").replace('"', "\\\""))
                    .collect();
                let esc = ["\\n", "\\t", "\\u00e9", "\\x41", "\\\"", "\\\\", ""][rng.below(7)];
                format!("\"{}{esc}\"\n", ls.join(&format!("\n{pad}")))
            }
            3 => {
                let ls: Vec<String> = lines(rng)
                    .into_iter()
                    .map(|l| l.trim().replace(['#', ':', '"', '\''], ""))
                    .filter(|l| !l.is_empty())
                    .collect();
                if ls.is_empty() {
                    return "plain\n".into();
                }
                format!("{} # comment\n", ls.join(&format!("\n{pad}")))
            }
            4 => format!(
                "[{}, '{}', {{k: v}}]\n",
                words(rng, 1)[0].replace([',', '#', ':', '"', '\''], ""),
                "q"
            ),
            5 => "&anchor !!str tagged value\n".into(),
            _ => format!(
                "{}\n",
                words(rng, 3).join(" ").replace([':', '#', '"', '\''], "")
            ),
        }
    }
    fn document(rng: &mut Rng) -> String {
        let mut out = String::from("# header comment\n---\n");
        for i in 0..rng.below(4) + 1 {
            match rng.below(3) {
                0 => out.push_str(&format!("k{i}: {}", scalar(rng, 0))),
                1 => {
                    out.push_str(&format!("list{i}:\n"));
                    for j in 0..rng.below(3) + 1 {
                        out.push_str(&format!("  - name: n{j}\n    body: {}", scalar(rng, 4)));
                    }
                }
                _ => out.push_str(&format!("m{i}:\n  inner: {}", scalar(rng, 2))),
            }
        }
        out
    }
    let mut rng = Rng(0x7777_1234_abcd_0001);
    let mut compared = 0;
    for _ in 0..3000 {
        let text = document(&mut rng);
        let Ok(reference) = yaml_rust2::YamlLoader::load_from_str(&text) else {
            continue;
        };
        let mut want = Vec::new();
        fn strings(v: &yaml_rust2::Yaml, out: &mut Vec<String>) {
            use yaml_rust2::Yaml;
            match v {
                Yaml::String(s) => out.push(s.clone()),
                Yaml::Array(items) => items.iter().for_each(|i| strings(i, out)),
                Yaml::Hash(h) => h.values().for_each(|v| strings(v, out)),
                _ => {}
            }
        }
        reference.iter().for_each(|d| strings(d, &mut want));
        let parsed = source::yaml::parse(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let mut got = Vec::new();
        fn ours(v: &source::yaml::YamlValue, out: &mut Vec<String>) {
            use source::yaml::YamlValue::*;
            match v {
                Scalar(s) if s.is_string() => out.push(s.value.clone()),
                Scalar(_) | Null => {}
                Seq(items) => items.iter().for_each(|i| ours(i, out)),
                Map(entries) => entries.iter().for_each(|(_, v)| ours(v, out)),
            }
        }
        parsed.iter().for_each(|d| ours(d, &mut got));
        let normalize = |v: &mut Vec<String>| {
            v.iter_mut()
                .for_each(|s| *s = s.trim_end_matches(['\n', ' ']).to_string());
            v.retain(|s| !s.trim().is_empty());
            v.sort();
        };
        normalize(&mut want);
        normalize(&mut got);
        assert_eq!(got, want, "\n{text}");
        let extracted = source::extract(&text, Format::Yaml, &SourceOptions::default()).unwrap();
        assert_exact_maps(&text, &extracted);
        compared += 1;
    }
    assert!(compared > 1000, "only {compared} documents compared");
}
