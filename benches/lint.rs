//! Lint throughput, single thread: the KB corpus file by file, and one 1 MB
//! article. Run `cargo bench --bench lint`; divan prints time and MB/s.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use divan::counter::BytesCount;
use divan::Bencher;
use tactful::lint::{FileSettings, Linter};
use tactful::model::Kind;
use tactful::source::Format;

fn main() {
    divan::main();
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/kb")
}

fn walk(dir: &Path, out: &mut Vec<String>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "md") {
            if let Ok(t) = std::fs::read_to_string(&p) {
                out.push(t);
            }
        }
    }
}

/// The KB corpus, or the bundled examples repeated when ../shared is absent.
fn articles() -> &'static Vec<String> {
    static A: OnceLock<Vec<String>> = OnceLock::new();
    A.get_or_init(|| {
        let mut out = Vec::new();
        walk(&corpus_dir(), &mut out);
        if out.is_empty() {
            eprintln!("note: ../shared/corpus/kb absent; benchmarking the bundled example article");
            let t = include_str!("../examples/kb/reset-your-password.md");
            out = vec![t.to_string(); 2000];
        }
        out
    })
}

fn one_megabyte() -> &'static String {
    static A: OnceLock<String> = OnceLock::new();
    A.get_or_init(|| {
        let mut s = String::new();
        for a in articles().iter().cycle() {
            // Drop front matter so the article reads as one document.
            let body = a
                .strip_prefix("---\n")
                .and_then(|r| r.split_once("\n---\n"))
                .map(|(_, b)| b)
                .unwrap_or(a);
            s.push_str(body);
            s.push_str("\n\n");
            if s.len() >= 1 << 20 {
                break;
            }
        }
        s
    })
}

fn settings(kind: Kind) -> FileSettings {
    FileSettings {
        format: Format::Markdown,
        kind,
        ..Default::default()
    }
}

#[divan::bench(sample_count = 10)]
fn kb_corpus_markdown(b: Bencher) {
    let linter = Linter::default_packs();
    let arts = articles();
    let bytes: usize = arts.iter().map(String::len).sum();
    let s = settings(Kind::Kb);
    b.counter(BytesCount::new(bytes)).bench(|| {
        let mut n = 0;
        for a in arts {
            n += linter.lint(a, &s).map(|r| r.findings.len()).unwrap_or(0);
        }
        n
    });
}

#[divan::bench(sample_count = 20)]
fn one_mb_article(b: Bencher) {
    let linter = Linter::default_packs();
    let text = one_megabyte();
    let s = settings(Kind::Reply);
    b.counter(BytesCount::new(text.len()))
        .bench(|| linter.lint(text, &s).map(|r| r.findings.len()).unwrap_or(0));
}

#[divan::bench(sample_count = 20)]
fn one_mb_article_as_plain_text(b: Bencher) {
    let linter = Linter::default_packs();
    let text = one_megabyte();
    let s = FileSettings {
        format: Format::Text,
        kind: Kind::Reply,
        ..Default::default()
    };
    b.counter(BytesCount::new(text.len()))
        .bench(|| linter.lint(text, &s).map(|r| r.findings.len()).unwrap_or(0));
}

/// Lint cost with the default packs plus N synthetic rules: the automaton
/// keeps the time flat as rules are added.
#[divan::bench(args = [0, 1_000, 10_000], sample_count = 10)]
fn kb_corpus_with_extra_rules(b: Bencher, extra: usize) {
    use std::sync::Arc;
    use tactful::engine::{Engine, Overrides};
    let mut pack = String::new();
    for i in 0..extra {
        pack.push_str(&format!(
            "[[rule]]\nid = \"jargon.synthetic-{i}\"\ncategory = \"jargon\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"zq{i}x (flurb{i}|blorp{i}) {{x}}\"]\n\n"
        ));
    }
    let mut rules = tactful::rules::default_rules().expect("default packs");
    rules.extend(tactful::rules::parse_pack("synthetic.toml", &pack).expect("synthetic pack"));
    let linter = Linter::new(Arc::new(
        Engine::new(rules, &Overrides::default()).expect("compiles"),
    ));
    let arts = articles();
    let bytes: usize = arts.iter().map(String::len).sum();
    let s = settings(Kind::Kb);
    b.counter(BytesCount::new(bytes)).bench(|| {
        arts.iter()
            .map(|a| linter.lint(a, &s).map(|r| r.findings.len()).unwrap_or(0))
            .sum::<usize>()
    });
}

/// Compiling the default packs (start-up cost of the CLI and the server).
#[divan::bench(sample_count = 20)]
fn compile_default_packs() -> usize {
    tactful::engine::Engine::default_packs().rules().len()
}
