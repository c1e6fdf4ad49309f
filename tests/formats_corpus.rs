//! The source producers over the real macro corpus (../shared/corpus/macros):
//! extraction, maps inside string values, reference decoders, fixes that keep files valid.
//!
//! Every file extracts; segments stay inside string values and outside tags;
//! decoded values agree with serde_json / yaml-rust2; findings stay inside
//! string values; applying every preferred fix keeps the file parseable.
//! Skipped with a message when the corpus is absent, unless
//! TACTFUL_CORPUS=required.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use tactful::engine::{Engine, Overrides};
use tactful::lint::{FileSettings, Linter};
use tactful::source::json::{self, JsonValue};
use tactful::source::yaml::{self, YamlValue};
use tactful::source::{self, Format, SourceDoc, SourceOptions};

fn corpus_files() -> Option<Vec<PathBuf>> {
    let root = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/corpus/macros"
    ));
    if !root.is_dir() {
        if std::env::var("TACTFUL_CORPUS").as_deref() == Ok("required") {
            panic!("TACTFUL_CORPUS=required but {} is absent", root.display());
        }
        eprintln!(
            "SKIP: macro corpus {} is absent (set TACTFUL_CORPUS=required to fail instead)",
            root.display()
        );
        return None;
    }
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Some(files)
}

/// Source spans of every string value (not keys) of a JSON/YAML file, and
/// the decoded values.
fn string_values(text: &str, format: Format) -> (Vec<Range<usize>>, Vec<String>) {
    let mut spans = Vec::new();
    let mut values = Vec::new();
    match format {
        Format::Json => {
            fn walk(v: &JsonValue, spans: &mut Vec<Range<usize>>, values: &mut Vec<String>) {
                match v {
                    JsonValue::String(s) => {
                        spans.push(s.span.clone());
                        values.push(s.value.clone());
                    }
                    JsonValue::Array(items) => items.iter().for_each(|i| walk(i, spans, values)),
                    JsonValue::Object(members) => {
                        members.iter().for_each(|(_, v)| walk(v, spans, values))
                    }
                    JsonValue::Scalar => {}
                }
            }
            walk(&json::parse(text).unwrap(), &mut spans, &mut values);
        }
        Format::Yaml => {
            fn walk(v: &YamlValue, spans: &mut Vec<Range<usize>>, values: &mut Vec<String>) {
                match v {
                    YamlValue::Scalar(s) => {
                        spans.push(s.span.clone());
                        if s.is_string() {
                            values.push(s.value.clone());
                        }
                    }
                    YamlValue::Seq(items) => items.iter().for_each(|i| walk(i, spans, values)),
                    YamlValue::Map(entries) => {
                        entries.iter().for_each(|(_, v)| walk(v, spans, values))
                    }
                    YamlValue::Null => {}
                }
            }
            for doc in yaml::parse(text).unwrap() {
                walk(&doc, &mut spans, &mut values);
            }
        }
        _ => {}
    }
    (spans, values)
}

/// String values as serde_json / yaml-rust2 decode them.
fn reference_values(text: &str, format: Format) -> Vec<String> {
    let mut out = Vec::new();
    match format {
        Format::Json => {
            fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
                match v {
                    serde_json::Value::String(s) => out.push(s.clone()),
                    serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
                    serde_json::Value::Object(m) => m.values().for_each(|v| walk(v, out)),
                    _ => {}
                }
            }
            walk(&serde_json::from_str(text).unwrap(), &mut out);
        }
        Format::Yaml => {
            fn walk(v: &yaml_rust2::Yaml, out: &mut Vec<String>) {
                match v {
                    yaml_rust2::Yaml::String(s) => out.push(s.clone()),
                    yaml_rust2::Yaml::Array(items) => items.iter().for_each(|i| walk(i, out)),
                    yaml_rust2::Yaml::Hash(m) => m.values().for_each(|v| walk(v, out)),
                    _ => {}
                }
            }
            for doc in yaml_rust2::YamlLoader::load_from_str(text).unwrap() {
                walk(&doc, &mut out);
            }
        }
        _ => {}
    }
    out
}

fn still_parses(text: &str, format: Format) -> Result<(), String> {
    match format {
        Format::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        Format::Yaml => yaml_rust2::YamlLoader::load_from_str(text)
            .map(|_| ())
            .map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}

fn inside(r: &Range<usize>, spans: &[Range<usize>]) -> bool {
    spans.iter().any(|s| s.start <= r.start && r.end <= s.end)
}

fn assert_segments_in_prose(
    name: &str,
    text: &str,
    doc: &SourceDoc,
    spans: Option<&[Range<usize>]>,
) {
    for seg in &doc.segments {
        let (r, _) = seg.to_source(0..seg.text.len());
        if let Some(spans) = spans {
            assert!(
                inside(&r, spans),
                "{name}: segment {:?} at {r:?} is not inside a string value",
                seg.text
            );
        }
        for p in seg.map.pieces().iter().filter(|p| p.verbatim) {
            let pr = p.src..p.src + p.src_len;
            assert_eq!(
                &seg.text[p.seg..p.seg + p.seg_len],
                &text[pr.clone()],
                "{name}: verbatim piece"
            );
            for t in &doc.protected {
                assert!(
                    !(pr.start < t.end && t.start < pr.end),
                    "{name}: prose {:?} inside tag {:?}",
                    &text[pr.clone()],
                    &text[t.clone()]
                );
            }
        }
    }
}

#[derive(Default, Debug)]
struct Counts {
    files: usize,
    segments: usize,
    findings: usize,
    default_pack_findings: usize,
    fixes_applied: usize,
}

/// Engine panics seen while linting the corpus (file, message); the files
/// are skipped by the fix checks and reported by their own test.
fn engine_panics() -> &'static Vec<(String, String)> {
    static PANICS: std::sync::OnceLock<Vec<(String, String)>> = std::sync::OnceLock::new();
    PANICS.get_or_init(|| run_corpus().unwrap_or_default())
}

#[test]
fn macro_corpus_extracts_maps_and_fixes_cleanly() {
    if corpus_files().is_none() {
        return;
    }
    let panics = engine_panics();
    for (name, message) in panics {
        println!(
            "ENGINE PANIC (checked by engine_never_panics_on_the_macro_corpus): {name}: {message}"
        );
    }
}

#[test]
fn engine_never_panics_on_the_macro_corpus() {
    if corpus_files().is_none() {
        return;
    }
    let panics = engine_panics();
    assert!(
        panics.is_empty(),
        "the engine panicked on {} corpus file(s):\n{}",
        panics.len(),
        panics
            .iter()
            .map(|(n, m)| format!("  {n}: {m}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Runs every check over the corpus; returns the engine panics.
fn run_corpus() -> Option<Vec<(String, String)>> {
    let files = corpus_files()?;
    let mut panics = Vec::new();
    // The default packs plus a stress pack whose fixes need escaping.
    let mut rules = tactful::rules::default_rules().unwrap();
    let stress = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/formats/stress-pack.toml"
    ))
    .unwrap();
    rules.extend(
        tactful::rules::parse_pack("stress-pack.toml", &stress).unwrap_or_else(|e| panic!("{e}")),
    );
    let linter = Linter::new(Arc::new(Engine::new(rules, &Overrides::default()).unwrap()));
    let default_linter = Linter::default_packs();
    let opts = SourceOptions::default();
    let mut by_format: BTreeMap<&str, Counts> = BTreeMap::new();
    let mut by_group: BTreeMap<String, Counts> = BTreeMap::new();
    for path in &files {
        let name = path.to_string_lossy().into_owned();
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let format = Format::from_path(&name);
        let doc = source::extract(&text, format, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
        let structured = matches!(format, Format::Json | Format::Yaml);
        let (spans, mut values) = string_values(&text, format);
        if structured {
            // Whitespace-only values (empty block scalars) differ between
            // parsers in corner cases and hold no prose.
            let mut reference = reference_values(&text, format);
            reference.retain(|v| !v.trim().is_empty());
            values.retain(|v| !v.trim().is_empty());
            values.sort();
            reference.sort();
            assert_eq!(
                values, reference,
                "{name}: decoded string values differ from the reference parser"
            );
        }
        assert_segments_in_prose(&name, &text, &doc, structured.then_some(&spans[..]));

        let settings = FileSettings {
            format,
            ..Default::default()
        };
        let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            linter.lint(&text, &settings)
        }));
        let result = match linted {
            Ok(r) => r.unwrap_or_else(|e| panic!("{name}: {e}")),
            Err(payload) => {
                let message = payload
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panics.push((
                    name.clone(),
                    message.lines().next().unwrap_or("").to_string(),
                ));
                continue;
            }
        };
        for f in &result.findings {
            if structured {
                assert!(
                    inside(&f.range, &spans),
                    "{name}: finding {} at {:?} is outside string values",
                    f.rule,
                    f.range
                );
            }
            for fix in &f.fixes {
                for edit in &fix.edits {
                    for t in &doc.protected {
                        let overlaps = edit.range.start < t.end && t.start < edit.range.end;
                        if overlaps {
                            assert!(
                                edit.range.start <= t.start
                                    && t.end <= edit.range.end
                                    && edit.replacement.contains(&text[t.clone()]),
                                "{name}: fix {:?} alters tag {:?}",
                                edit,
                                &text[t.clone()]
                            );
                        }
                    }
                }
            }
        }
        let default_findings = default_linter
            .lint(&text, &settings)
            .map(|r| r.findings.len())
            .unwrap_or(0);
        let (fixed, applied) = tactful::fix::apply_preferred(&text, &result.findings);
        if let Err(e) = still_parses(&fixed, format) {
            panic!("{name}: no longer parses after {applied} fixes: {e}");
        }
        source::extract(&fixed, format, &opts)
            .unwrap_or_else(|e| panic!("{name}: fixed file: {e}"));

        let group = path
            .strip_prefix(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../shared/corpus/macros"
            ))
            .ok()
            .and_then(|p| p.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        for counts in [
            by_format.entry(format.id()).or_default(),
            by_group.entry(group).or_default(),
        ] {
            counts.files += 1;
            counts.segments += doc.segments.len();
            counts.findings += result.findings.len();
            counts.default_pack_findings += default_findings;
            counts.fixes_applied += applied;
        }
    }
    for (k, c) in &by_format {
        println!(
            "format {k:10} files {:4} segments {:5} default-pack findings {:5} (with stress pack {:5}, preferred fixes applied {:4})",
            c.files, c.segments, c.default_pack_findings, c.findings, c.fixes_applied
        );
    }
    for (k, c) in &by_group {
        println!(
            "group {k:30} files {:4} segments {:5} default-pack findings {:5} (with stress pack {:5}, preferred fixes applied {:4})",
            c.files, c.segments, c.default_pack_findings, c.findings, c.fixes_applied
        );
    }
    Some(panics)
}

/// Mutated corpus files (lines deleted, duplicated, re-indented, cut short)
/// never panic or hang a producer, and maps stay inside the file.
#[test]
fn mutated_corpus_files_never_break_a_producer() {
    let Some(files) = corpus_files() else { return };
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let opts = SourceOptions::default();
    for (i, path) in files.iter().enumerate() {
        let name = path.to_string_lossy().into_owned();
        let format = Format::from_path(&name);
        // Every JSON/YAML file, one Markdown file in ten.
        if format == Format::Markdown && i % 10 != 0 {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        if lines.is_empty() {
            continue;
        }
        for _ in 0..40 {
            let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            for _ in 0..3 {
                let at = (next() as usize) % mutated.len();
                match next() % 5 {
                    0 => {
                        mutated.remove(at);
                    }
                    1 => mutated.insert(at, mutated[at].clone()),
                    2 => mutated[at] = format!("  {}", mutated[at]),
                    3 => mutated[at] = mutated[at].trim_start().to_string(),
                    _ => {
                        let cut = (next() as usize) % (mutated[at].len() + 1);
                        let cut = (0..=cut)
                            .rev()
                            .find(|c| mutated[at].is_char_boundary(*c))
                            .unwrap_or(0);
                        mutated[at].truncate(cut);
                    }
                }
                if mutated.is_empty() {
                    break;
                }
            }
            let doc = mutated.concat();
            if let Ok(extracted) = source::extract(&doc, format, &opts) {
                for seg in &extracted.segments {
                    let (r, _) = seg.to_source(0..seg.text.len());
                    assert!(r.end <= doc.len(), "{name}: segment past the end");
                }
            }
        }
    }
}
