//! Randomized document sync: thousands of random incremental edits with
//! multi-byte text and every LSP line break, in both position encodings, sent
//! to the server and applied to a plain String shadow; the two must end (and
//! stay, at every checkpoint) identical.

mod lsp_client;

use lsp_client::{full_caps, position, Client};
use serde_json::{json, Value};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const FRAGMENTS: &[&str] = &[
    "a",
    "You simply ",
    "日本語",
    "😀",
    "👍🏽",
    "e\u{301}",
    "\n",
    "\r\n",
    "\r",
    "\n\n",
    "ß",
    "{{ name }}",
    " ",
    "Ünïcödé ",
    "한국어",
    "🇫🇷",
    "\t",
    "x\ny",
    "",
];

/// A random offset that is a char boundary and does not split "\r\n".
fn boundary(rng: &mut Rng, text: &str) -> usize {
    loop {
        let i = rng.below(text.len() + 1);
        if text.is_char_boundary(i)
            && !(i > 0 && text.as_bytes()[i - 1] == b'\r' && text.as_bytes().get(i) == Some(&b'\n'))
        {
            return i;
        }
    }
}

fn random_change(rng: &mut Rng, shadow: &mut String, utf8: bool) -> Value {
    let a = boundary(rng, shadow);
    let b = if rng.below(3) == 0 {
        a
    } else {
        boundary(rng, shadow)
    };
    let (s, e) = (a.min(b), a.max(b));
    let mut insert = String::new();
    for _ in 0..rng.below(4) {
        insert.push_str(FRAGMENTS[rng.below(FRAGMENTS.len())]);
    }
    // Positions are computed on the shadow before the change, the way an
    // editor computes them; a \r and a \n that meet count as one break.
    let change = json!({
        "range": {"start": position(shadow, s, utf8), "end": position(shadow, e, utf8)},
        "text": insert,
    });
    shadow.replace_range(s..e, &insert);
    change
}

fn run(utf8: bool, seed: u64, edits: usize) {
    let mut rng = Rng(seed);
    let mut c = Client::spawn();
    c.initialize(full_caps(utf8), Value::Null);
    let uri = lsp_client::uri(if utf8 { "random8.md" } else { "random16.md" });
    let mut shadow = String::from("Hello 😀 world\r\nsecond línea\nthird 日本\rfourth\n");
    c.open(&uri, "markdown", 1, &shadow);
    let mut version = 1;
    let mut sent = 0;
    while sent < edits {
        // Sometimes several changes in one notification (applied in order).
        let n = 1 + rng.below(3);
        let changes: Vec<Value> = (0..n)
            .map(|_| random_change(&mut rng, &mut shadow, utf8))
            .collect();
        sent += n;
        version += 1;
        c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
        if version % 250 == 0 {
            let (v, text) = c.server_text(&uri);
            assert_eq!(v, version, "seed {seed}");
            assert_eq!(text, shadow, "seed {seed}, utf8 {utf8}, after {sent} edits");
        }
    }
    let (v, text) = c.server_text(&uri);
    assert_eq!(v, version);
    assert_eq!(text, shadow, "seed {seed}, utf8 {utf8}");
    // The diagnostics of the last version arrive, for that version.
    c.diagnostics(&uri, version);
    c.shutdown();
}

fn seed() -> u64 {
    std::env::var("TACTFUL_RANDOM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7AC7_F011)
}

#[test]
fn random_edits_keep_server_and_shadow_identical_utf16() {
    run(false, seed(), 3000);
}

#[test]
fn random_edits_keep_server_and_shadow_identical_utf8() {
    run(true, seed() ^ 0x5555, 3000);
}
