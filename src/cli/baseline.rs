//! Baselines: a JSON file of findings a team accepts as they are today, so
//! `check --baseline` fails only on new ones (`tactful baseline` writes it).
//! An entry is keyed by path, rule and a fingerprint of the matched text and
//! its sentence — never the line — so edits elsewhere and line shifts keep it
//! matching, while rewording the flagged sentence makes the finding new.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::output::FileReport;
use crate::model::Finding;

/// The baseline file format this tactful reads and writes.
pub const FORMAT: u32 = 1;
/// How every baseline file starts (serde_json's pretty printer, first key).
pub const MARKER: &str = "{\n  \"tactful_baseline\":";
/// The default file name of `tactful baseline`.
pub const DEFAULT_FILE: &str = "tactful-baseline.json";

/// The file on disk.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineFile {
    /// The format version (this key also marks the file as a tactful baseline).
    pub tactful_baseline: u32,
    /// The tactful version that wrote it.
    pub tactful_version: String,
    pub findings: Vec<Entry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Relative to the baseline file's folder, `/`-separated.
    pub path: String,
    pub rule: String,
    pub fingerprint: String,
    /// The flagged text (for people reading the diff; not used for matching).
    pub text: String,
}

/// A loaded baseline, ready to match findings against.
pub struct Baseline {
    pub file: PathBuf,
    /// The folder entry paths are relative to.
    base: PathBuf,
    entries: Vec<Entry>,
}

/// What matching did: the entries nothing matched any more (in the files that were linted).
pub struct MatchOutcome {
    pub suppressed: usize,
    pub stale: Vec<Entry>,
    /// The baseline keys of the files linted.
    pub linted: std::collections::HashSet<String>,
}

/// Lexically normalised absolute path (`.` and `..` resolved without touching the disk).
pub fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The key a file gets in a baseline stored in `base`.
pub fn path_key(base: &Path, file: &str) -> String {
    let abs = normalize(Path::new(file));
    let rel = abs.strip_prefix(base).unwrap_or(&abs);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The byte range of the sentence around `range`: back to the previous
/// sentence end (`.`, `!`, `?` then whitespace) or blank line, forward to the
/// next, at most 400 bytes each way.
pub fn sentence_range(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let b = text.as_bytes();
    let start = range.start.min(text.len());
    let end = range.end.clamp(start, text.len());
    let lo = floor_boundary(text, start.saturating_sub(400));
    let mut s = start;
    while s > lo {
        let c = b[s - 1];
        if c == b'\n' && s >= 2 && b[s - 2] == b'\n' {
            break;
        }
        if c.is_ascii_whitespace() && s >= 2 && matches!(b[s - 2], b'.' | b'!' | b'?') {
            break;
        }
        s -= 1;
    }
    let hi = ceil_boundary(text, (end + 400).min(text.len()));
    let mut e = end;
    while e < hi {
        let c = b[e];
        if matches!(c, b'.' | b'!' | b'?') && (e + 1 >= b.len() || b[e + 1].is_ascii_whitespace()) {
            e += 1;
            break;
        }
        if c == b'\n' && e + 1 < b.len() && b[e + 1] == b'\n' {
            break;
        }
        e += 1;
    }
    floor_boundary(text, s)..ceil_boundary(text, e)
}

/// The fingerprint of a finding and the flagged text it names. Document-level
/// findings (one per document and rule) are keyed by the rule alone.
pub fn fingerprint(text: &str, f: &Finding) -> (String, String) {
    if f.category.is_document_level() {
        let h = blake3::hash(format!("{}\0document", f.rule).as_bytes());
        return (h.to_hex()[..16].to_string(), String::new());
    }
    let start = floor_boundary(text, f.range.start.min(text.len()));
    let end = ceil_boundary(text, f.range.end.clamp(start, text.len()));
    let matched = collapse_ws(&text[start..end]);
    let sentence = collapse_ws(&text[sentence_range(text, start..end)]);
    let h = blake3::hash(format!("{}\0{matched}\0{sentence}", f.rule).as_bytes());
    let shown: String = matched.chars().take(120).collect();
    (h.to_hex()[..16].to_string(), shown)
}

/// The baseline entries for these reports (sorted, diff-friendly).
pub fn entries_for(base: &Path, reports: &[FileReport]) -> Vec<Entry> {
    let mut out = Vec::new();
    for r in reports {
        let Some(res) = &r.result else { continue };
        let key = path_key(base, &r.path);
        for f in &res.findings {
            let (fingerprint, text) = fingerprint(&r.text, f);
            out.push(Entry {
                path: key.clone(),
                rule: f.rule.to_string(),
                fingerprint,
                text,
            });
        }
    }
    out.sort();
    out
}

/// The folder a baseline at `file` resolves paths against.
pub fn base_dir(file: &Path) -> PathBuf {
    let abs = normalize(file);
    abs.parent().map(Path::to_path_buf).unwrap_or(abs)
}

fn parse_version(v: &str) -> Option<(u64, u64, u64)> {
    let core = v.split(['-', '+']).next()?;
    let mut it = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

impl Baseline {
    /// Loads and checks a baseline; every problem is one line naming the file.
    pub fn load(file: &Path) -> Result<Baseline, String> {
        let shown = file.display();
        let bytes =
            std::fs::read(file).map_err(|e| format!("{shown}: cannot read the baseline: {e}"))?;
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            format!("{shown}: not a tactful baseline (invalid JSON: {e}); regenerate it with `tactful baseline -o {shown}`")
        })?;
        let Some(format) = value.get("tactful_baseline") else {
            return Err(format!(
                "{shown}: not a tactful baseline (no \"tactful_baseline\" key); regenerate it with `tactful baseline -o {shown}`"
            ));
        };
        let writer = value
            .get("tactful_version")
            .and_then(|v| v.as_str())
            .unwrap_or("an unknown version")
            .to_string();
        let ours = env!("CARGO_PKG_VERSION");
        if format.as_u64() != Some(u64::from(FORMAT)) {
            return Err(format!(
                "{shown}: baseline format {format} written by tactful {writer}; tactful {ours} reads format {FORMAT}: regenerate it with `tactful baseline -o {shown}`"
            ));
        }
        if let (Some(w), Some(o)) = (parse_version(&writer), parse_version(ours)) {
            if w > o {
                return Err(format!(
                    "{shown}: written by tactful {writer}, newer than this tactful {ours}: upgrade tactful or regenerate it with `tactful baseline -o {shown}`"
                ));
            }
        } else {
            return Err(format!(
                "{shown}: unreadable tactful version {writer:?}; regenerate it with `tactful baseline -o {shown}`"
            ));
        }
        let parsed: BaselineFile = serde_json::from_value(value).map_err(|e| {
            format!("{shown}: not a valid tactful baseline ({e}); regenerate it with `tactful baseline -o {shown}`")
        })?;
        Ok(Baseline {
            file: file.to_path_buf(),
            base: base_dir(file),
            entries: parsed.findings,
        })
    }

    /// Removes baselined findings from `reports`; returns what no longer matched.
    pub fn apply(&self, reports: &mut [FileReport]) -> MatchOutcome {
        let mut remaining: HashMap<(String, String, String), usize> = HashMap::new();
        for e in &self.entries {
            *remaining
                .entry((e.path.clone(), e.rule.clone(), e.fingerprint.clone()))
                .or_insert(0) += 1;
        }
        let mut linted = std::collections::HashSet::new();
        let mut suppressed = 0;
        for r in reports.iter_mut() {
            let key = path_key(&self.base, &r.path);
            let Some(res) = r.result.as_mut() else {
                // A file that could not be linted: its entries are neither matched nor stale.
                continue;
            };
            let text = &r.text;
            res.findings.retain(|f| {
                let (fp, _) = fingerprint(text, f);
                match remaining.get_mut(&(key.clone(), f.rule.to_string(), fp)) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        suppressed += 1;
                        false
                    }
                    _ => true,
                }
            });
            linted.insert(key);
        }
        let mut stale = Vec::new();
        for e in &self.entries {
            // Entries of files not linted this run are neither matched nor stale.
            if !linted.contains(&e.path) {
                continue;
            }
            let k = (e.path.clone(), e.rule.clone(), e.fingerprint.clone());
            if let Some(n) = remaining.get_mut(&k) {
                if *n > 0 {
                    *n -= 1;
                    stale.push(e.clone());
                }
            }
        }
        MatchOutcome {
            suppressed,
            stale,
            linted,
        }
    }

    /// The entries of the files a match outcome linted.
    pub fn entries_in_linted<'a>(&'a self, o: &MatchOutcome) -> Vec<&'a Entry> {
        self.entries
            .iter()
            .filter(|e| o.linted.contains(&e.path))
            .collect()
    }

    /// The entries kept when `stale` ones are dropped.
    pub fn without(&self, stale: &[Entry]) -> Vec<Entry> {
        let mut drop: HashMap<&Entry, usize> = HashMap::new();
        for e in stale {
            *drop.entry(e).or_insert(0) += 1;
        }
        let mut kept = Vec::new();
        for e in &self.entries {
            match drop.get_mut(e) {
                Some(n) if *n > 0 => *n -= 1,
                _ => kept.push(e.clone()),
            }
        }
        kept.sort();
        kept
    }
}

/// Serialises a baseline (sorted entries, one per finding).
pub fn render(mut entries: Vec<Entry>) -> String {
    entries.sort();
    let file = BaselineFile {
        tactful_baseline: FORMAT,
        tactful_version: env!("CARGO_PKG_VERSION").to_string(),
        findings: entries,
    };
    let mut s = serde_json::to_string_pretty(&file).expect("a baseline serialises");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_stops_at_sentence_ends_and_blank_lines() {
        let t = "First one. You failed to\nenter it. Next.\n\nOther";
        let at = t.find("failed").unwrap();
        let r = sentence_range(t, at..at + 6);
        assert_eq!(&t[r], "You failed to\nenter it.");
    }

    #[test]
    fn newer_versions_compare_numerically() {
        assert!(parse_version("0.10.0") > parse_version("0.9.9"));
        assert_eq!(parse_version("1.2.3-beta"), Some((1, 2, 3)));
        assert_eq!(parse_version("x"), None);
    }
}
