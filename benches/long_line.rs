//! Cost of one single-line document (one sentence, no line break) of 1, 5
//! and 20 MB, as plain text, Markdown and a JSON string value: minified HTML
//! e-mails and long JSON values are real inputs. Every stage must be linear,
//! so MB/s stays flat from 1 to 20 MB. A dense variant plants several
//! findings per line of prose. Run `cargo bench --bench long_line`.

use divan::counter::BytesCount;
use divan::Bencher;
use tactful::lint::{FileSettings, Linter};
use tactful::model::Kind;
use tactful::source::Format;

fn main() {
    divan::main();
}

/// Sparse: ordinary words, a finding now and then.
const SPARSE: &str = "the team looked at the settings page and the billing history again because the invoice total did not match the plan, then you simply need to check it, ";
/// Dense: four findings in every 88 bytes.
const DENSE: &str =
    "unfortunately you simply need to restart the app and obviously we value your business, ";

fn line(unit: &str, mb: usize) -> String {
    let n = mb << 20;
    let mut s = unit.repeat(n / unit.len() + 1);
    s.truncate(n);
    s
}

fn bench(b: Bencher, text: String, format: Format) {
    let linter = Linter::default_packs();
    let (text, settings) = match format {
        Format::Json => (
            serde_json::json!({ "body": text }).to_string(),
            FileSettings {
                format,
                kind: Kind::Reply,
                ..Default::default()
            },
        ),
        _ => (
            text,
            FileSettings {
                format,
                kind: Kind::Reply,
                ..Default::default()
            },
        ),
    };
    b.counter(BytesCount::new(text.len())).bench(|| {
        linter
            .lint(&text, &settings)
            .map(|r| r.findings.len())
            .unwrap_or(0)
    });
}

#[divan::bench(args = [1, 5, 20], sample_count = 3, sample_size = 1)]
fn sparse_text(b: Bencher, mb: usize) {
    bench(b, line(SPARSE, mb), Format::Text);
}

#[divan::bench(args = [1, 5, 20], sample_count = 3, sample_size = 1)]
fn sparse_markdown(b: Bencher, mb: usize) {
    bench(b, line(SPARSE, mb), Format::Markdown);
}

#[divan::bench(args = [1, 5, 20], sample_count = 3, sample_size = 1)]
fn sparse_json(b: Bencher, mb: usize) {
    bench(b, line(SPARSE, mb), Format::Json);
}

#[divan::bench(args = [1, 5, 20], sample_count = 3, sample_size = 1)]
fn dense_text(b: Bencher, mb: usize) {
    bench(b, line(DENSE, mb), Format::Text);
}

#[divan::bench(args = [1, 5, 20], sample_count = 3, sample_size = 1)]
fn dense_json(b: Bencher, mb: usize) {
    bench(b, line(DENSE, mb), Format::Json);
}
