//! `tactful report [PATH]... -o report.html`: one self-contained HTML page
//! (inline CSS and SVG, no script, no network) showing where the tone
//! problems of a knowledge base are: the score distribution, findings by
//! category, the lowest-scoring folders, the 20 worst documents with their
//! flagged sentences and suggested rewrites, and the change against a
//! baseline. Its size does not grow with the number of documents beyond the
//! fixed-size tables, so 10,000 documents stay well under a megabyte.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::baseline::{sentence_range, Baseline};
use super::lint_paths::lint_paths;
use super::output::{FileReport, LineIndex};
use crate::engine::Engine;
use crate::model::{Category, Finding};

const WORST: usize = 20;
const FOLDERS: usize = 15;
const PER_DOC: usize = 8;

pub fn run(paths: &[PathBuf], out: &Path, baseline: Option<&Path>, title: Option<&str>) -> i32 {
    let baseline = match baseline.map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("tactful: {e}");
            return 2;
        }
    };
    // Fail on an unwritable destination before spending time linting.
    if let Err(e) = check_writable(out) {
        eprintln!("tactful: {}: cannot write the report: {e}", out.display());
        return 2;
    }
    let mut skip = vec![out.to_path_buf()];
    skip.extend(baseline.as_ref().map(|b| b.file.clone()));
    let reports = match lint_paths(paths, &skip, 16 * 1024 * 1024) {
        Ok(r) => r,
        Err(errors) => {
            for e in errors {
                eprintln!("tactful: {e}");
            }
            return 2;
        }
    };
    let delta = baseline.as_ref().map(|b| BaselineDelta::of(b, &reports));
    let html = render(&reports, delta.as_ref(), title.unwrap_or("tactful report"));
    if let Err(e) = super::atomic::write(out, html.as_bytes()) {
        eprintln!("tactful: {}: cannot write the report: {e}", out.display());
        return 2;
    }
    let findings: usize = reports.iter().map(|r| findings(r).len()).sum();
    eprintln!(
        "tactful: wrote {} ({} bytes): {} documents, {findings} findings",
        out.display(),
        html.len(),
        reports.len()
    );
    0
}

fn check_writable(out: &Path) -> std::io::Result<()> {
    let dir = out
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if out.is_dir() {
        return Err(std::io::Error::other("it is a folder"));
    }
    tempfile::NamedTempFile::new_in(dir).map(drop)
}

fn findings(r: &FileReport) -> &[Finding] {
    r.result
        .as_ref()
        .map(|x| x.findings.as_slice())
        .unwrap_or(&[])
}

/// Counts against a baseline: new findings, fixed (stale) entries, per category.
pub struct BaselineDelta {
    pub file: String,
    pub new: usize,
    pub fixed: usize,
    pub unchanged: usize,
    /// Category → (in the baseline, now).
    pub by_category: BTreeMap<String, (usize, usize)>,
}

fn category_of(engine: &Engine, rule: &str) -> String {
    engine
        .rule(rule)
        .map(|r| r.category.id().to_string())
        .or_else(|| {
            let head = rule.split(['.', '/']).next()?;
            Category::from_id(head).map(|c| c.id().to_string())
        })
        .unwrap_or_else(|| "other".to_string())
}

impl BaselineDelta {
    fn of(b: &Baseline, reports: &[FileReport]) -> BaselineDelta {
        let engine = Engine::default_packs();
        let mut shadow: Vec<FileReport> = reports
            .iter()
            .map(|r| FileReport {
                path: r.path.clone(),
                text: r.text.clone(),
                result: r.result.clone(),
                error: r.error.clone(),
            })
            .collect();
        let outcome = b.apply(&mut shadow);
        let new: usize = shadow.iter().map(|r| findings(r).len()).sum();
        let mut by_category: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for r in reports {
            for f in findings(r) {
                by_category
                    .entry(f.category.id().to_string())
                    .or_default()
                    .1 += 1;
            }
        }
        for e in b.entries_in_linted(&outcome) {
            by_category
                .entry(category_of(&engine, &e.rule))
                .or_default()
                .0 += 1;
        }
        BaselineDelta {
            file: b.file.display().to_string(),
            new,
            fixed: outcome.stale.len(),
            unchanged: outcome.suppressed,
            by_category,
        }
    }
}

fn esc(s: &str) -> String {
    super::ci_output::escape_markup(s)
}

fn score_class(score: f64) -> &'static str {
    if score < 50.0 {
        "bad"
    } else if score < 80.0 {
        "meh"
    } else {
        "good"
    }
}

fn folder_of(path: &str) -> String {
    let path = path.strip_prefix("./").unwrap_or(path);
    match Path::new(path).parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => ".".to_string(),
    }
}

const CSS: &str = r#"
:root{--bg:#f7f7f4;--card:#fff;--ink:#1d2330;--mute:#5d6575;--line:#e2e2dc;--good:#2f8f5b;--meh:#c98a12;--bad:#c2412d;--accent:#3b5bdb}
*{box-sizing:border-box}body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header{padding:24px 32px 8px}h1{margin:0 0 4px;font-size:24px}h2{font-size:18px;margin:0 0 12px}
.sub{color:var(--mute)}main{padding:8px 32px 40px;display:grid;gap:20px;grid-template-columns:repeat(auto-fit,minmax(420px,1fr))}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px}
section.wide{grid-column:1/-1}.cards{display:flex;gap:12px;flex-wrap:wrap;padding:8px 32px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 18px;min-width:150px}
.card b{display:block;font-size:26px}.card span{color:var(--mute);font-size:13px}
svg text{font:12px system-ui,sans-serif;fill:var(--mute)}svg .bar{fill:var(--accent)}svg .bar.bad{fill:var(--bad)}svg .bar.meh{fill:var(--meh)}svg .bar.good{fill:var(--good)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:13px;color:var(--mute);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.score{display:inline-block;min-width:40px;text-align:center;border-radius:6px;padding:0 6px;color:#fff;font-weight:600}
.score.good{background:var(--good)}.score.meh{background:var(--meh)}.score.bad{background:var(--bad)}
article.doc{border-top:1px solid var(--line);padding:12px 0}article.doc:first-of-type{border-top:0}
article.doc h3{margin:0 0 6px;font-size:15px;display:flex;gap:10px;align-items:center;flex-wrap:wrap}
article.doc h3 code{font-size:14px;word-break:break-all}ol.findings{margin:0;padding-left:20px}ol.findings li{margin:6px 0}
mark{background:#ffe3a3;padding:0 2px;border-radius:3px}ins{background:#d8f3df;text-decoration:none;padding:0 2px;border-radius:3px}
.rule{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;color:var(--mute)}.ctx{color:var(--ink)}.fix{color:var(--mute);font-size:14px}
.delta-up{color:var(--bad);font-weight:600}.delta-down{color:var(--good);font-weight:600}.more{color:var(--mute);font-size:13px}
"#;

/// A vertical bar chart: one bar per bucket.
fn score_chart(buckets: &[usize; 10]) -> String {
    let (w, h, pad_l, pad_b, pad_t) = (560.0, 220.0, 40.0, 34.0, 16.0);
    let max = buckets.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bw = (w - pad_l - 10.0) / 10.0;
    let mut s = format!(
        "<svg id=\"score-chart\" role=\"img\" aria-label=\"Documents by empathy score\" viewBox=\"0 0 {w} {h}\" width=\"100%\">"
    );
    for t in 0..=4 {
        let v = max * t as f64 / 4.0;
        let y = h - pad_b - (h - pad_b - pad_t) * t as f64 / 4.0;
        let _ = write!(
            s,
            "<line x1=\"{pad_l}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#e2e2dc\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            w - 10.0,
            pad_l - 6.0,
            y + 4.0,
            v.round()
        );
    }
    for (i, &n) in buckets.iter().enumerate() {
        let bh = (h - pad_b - pad_t) * n as f64 / max;
        let x = pad_l + i as f64 * bw + 4.0;
        let y = h - pad_b - bh;
        let lo = i * 10;
        let hi = if i == 9 { 100 } else { lo + 9 };
        let class = score_class(lo as f64 + 5.0);
        let _ = write!(
            s,
            "<rect class=\"bar {class}\" x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" rx=\"3\"><title>score {lo}–{hi}: {n} documents</title></rect><text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{lo}–{hi}</text>",
            bw - 8.0,
            x + (bw - 8.0) / 2.0,
            h - pad_b + 16.0
        );
        if n > 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
                x + (bw - 8.0) / 2.0,
                y - 4.0
            );
        }
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">empathy score</text></svg>",
        pad_l + (w - pad_l) / 2.0,
        h - 2.0
    );
    s
}

/// A horizontal bar chart of findings per category.
fn category_chart(counts: &[(String, usize)]) -> String {
    let row = 22.0;
    let (w, label_w) = (560.0, 190.0);
    let h = (counts.len().max(1) as f64) * row + 8.0;
    let max = counts.iter().map(|c| c.1).max().unwrap_or(0).max(1) as f64;
    let mut s = format!(
        "<svg id=\"category-chart\" role=\"img\" aria-label=\"Findings by category\" viewBox=\"0 0 {w} {h}\" width=\"100%\">"
    );
    if counts.is_empty() {
        s.push_str("<text x=\"0\" y=\"16\">no findings</text>");
    }
    for (i, (cat, n)) in counts.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let bw = (w - label_w - 60.0) * *n as f64 / max;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"bar\" x=\"{label_w}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" rx=\"3\"><title>{}: {n}</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{n}</text>",
            label_w - 8.0,
            y + row / 2.0 + 4.0,
            esc(cat),
            row - 6.0,
            esc(cat),
            label_w + bw + 6.0,
            y + row / 2.0 + 4.0
        );
    }
    s.push_str("</svg>");
    s
}

/// One finding in context: its sentence with the match marked, and the
/// sentence as the preferred fix would leave it.
fn finding_html(text: &str, idx: &LineIndex, f: &Finding) -> String {
    let mut o = String::new();
    let line = idx.position(f.range.start).0 + 1;
    let _ = write!(
        o,
        "<li><span class=\"rule\">line {line} · {}</span> — {}<br>",
        esc(&f.rule),
        esc(&f.message)
    );
    if f.category.is_document_level() || f.range.is_empty() {
        o.push_str("</li>");
        return o;
    }
    let start = f.range.start.min(text.len());
    let end = f.range.end.clamp(start, text.len());
    let sent = sentence_range(text, start..end);
    let clip = |s: &str| -> String {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if s.chars().count() > 160 {
            s.chars().take(160).collect::<String>() + "…"
        } else {
            s
        }
    };
    let before = &text[sent.start..start];
    let matched = &text[start..end];
    let after = &text[end..sent.end];
    let before_c: String = {
        let b = before.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = b.chars().count();
        if n > 160 {
            "…".to_string() + &b.chars().skip(n - 160).collect::<String>()
        } else {
            b
        }
    };
    let lead = if before.ends_with(char::is_whitespace) && !before_c.is_empty() {
        " "
    } else {
        ""
    };
    let trail = if after.starts_with(char::is_whitespace) {
        " "
    } else {
        ""
    };
    let _ = write!(
        o,
        "<span class=\"ctx\">{}{lead}<mark>{}</mark>{trail}{}</span>",
        esc(&before_c),
        esc(&clip(matched)),
        esc(&clip(after))
    );
    if let Some(fix) = f.preferred_fix().or(f.fixes.first()) {
        // The sentence with the fix's edits that fall inside it applied.
        let mut edits: Vec<_> = fix
            .edits
            .iter()
            .filter(|e| e.range.start >= sent.start && e.range.end <= sent.end)
            .collect();
        edits.sort_by_key(|e| e.range.start);
        let mut rewritten = String::new();
        let mut at = sent.start;
        let mut ok = !edits.is_empty();
        for e in &edits {
            if e.range.start < at
                || !text.is_char_boundary(e.range.start)
                || !text.is_char_boundary(e.range.end)
            {
                ok = false;
                break;
            }
            rewritten.push_str(&esc(&text[at..e.range.start]));
            let _ = write!(rewritten, "<ins>{}</ins>", esc(&e.replacement));
            at = e.range.end;
        }
        if ok {
            rewritten.push_str(&esc(&text[at..sent.end]));
            let flat = rewritten.split_whitespace().collect::<Vec<_>>().join(" ");
            let _ = write!(o, "<br><span class=\"fix\">suggested: {flat}</span>");
        } else {
            let _ = write!(
                o,
                "<br><span class=\"fix\">suggested: {}</span>",
                esc(&fix.title)
            );
        }
    }
    o.push_str("</li>");
    o
}

/// The whole page.
pub fn render(reports: &[FileReport], delta: Option<&BaselineDelta>, title: &str) -> String {
    let linted: Vec<&FileReport> = reports.iter().filter(|r| r.result.is_some()).collect();
    let failed: Vec<&FileReport> = reports.iter().filter(|r| r.error.is_some()).collect();
    let mut buckets = [0usize; 10];
    let mut cat_counts: HashMap<&'static str, usize> = HashMap::new();
    let mut total_findings = 0;
    let mut score_sum = 0.0;
    let mut folders: BTreeMap<String, (usize, f64, usize, (u8, String))> = BTreeMap::new();
    for r in &linted {
        let res = r.result.as_ref().expect("filtered");
        let score = res.summary.score;
        buckets[(score as usize / 10).min(9)] += 1;
        score_sum += f64::from(score);
        total_findings += res.findings.len();
        for f in &res.findings {
            *cat_counts.entry(f.category.id()).or_insert(0) += 1;
        }
        let e = folders
            .entry(folder_of(&r.path))
            .or_insert((0, 0.0, 0, (101, String::new())));
        e.0 += 1;
        e.1 += f64::from(score);
        e.2 += res.findings.len();
        if score < e.3 .0 {
            e.3 = (score, r.path.clone());
        }
    }
    let mut cats: Vec<(String, usize)> = cat_counts
        .into_iter()
        .map(|(c, n)| (c.to_string(), n))
        .collect();
    cats.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut folder_rows: Vec<(String, usize, f64, usize, String)> = folders
        .into_iter()
        .map(|(f, (n, sum, fs, (_, worst)))| (f, n, sum / n as f64, fs, worst))
        .collect();
    folder_rows.sort_by(|a, b| a.2.total_cmp(&b.2).then(b.3.cmp(&a.3)).then(a.0.cmp(&b.0)));
    let mut worst: Vec<&FileReport> = linted
        .iter()
        .copied()
        .filter(|r| !findings(r).is_empty())
        .collect();
    worst.sort_by(|a, b| {
        let (ra, rb) = (a.result.as_ref().unwrap(), b.result.as_ref().unwrap());
        ra.summary
            .score
            .cmp(&rb.summary.score)
            .then(rb.findings.len().cmp(&ra.findings.len()))
            .then(a.path.cmp(&b.path))
    });
    worst.truncate(WORST);
    let avg = if linted.is_empty() {
        100.0
    } else {
        score_sum / linted.len() as f64
    };
    let flagged_docs = linted.iter().filter(|r| !findings(r).is_empty()).count();

    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
<title>{}</title><style>{CSS}</style></head><body>\n<header><h1>{}</h1><div class=\"sub\">tactful {} · {} documents linted</div></header>\n",
        esc(title),
        esc(title),
        env!("CARGO_PKG_VERSION"),
        linted.len()
    );
    let _ = write!(
        h,
        "<div class=\"cards\" id=\"summary\"><div class=\"card\"><b>{}</b><span>documents</span></div>\
<div class=\"card\"><b class=\"{}\">{avg:.1}</b><span>average empathy score</span></div>\
<div class=\"card\"><b>{total_findings}</b><span>findings</span></div>\
<div class=\"card\"><b>{flagged_docs}</b><span>documents with findings</span></div>{}</div>\n<main>\n",
        linted.len(),
        score_class(avg),
        if failed.is_empty() {
            String::new()
        } else {
            format!(
                "<div class=\"card\"><b>{}</b><span>files not linted</span></div>",
                failed.len()
            )
        }
    );
    let _ = writeln!(
        h,
        "<section id=\"distribution\"><h2>Empathy score distribution</h2>{}</section>",
        score_chart(&buckets)
    );
    let _ = writeln!(
        h,
        "<section id=\"categories\"><h2>Findings by category</h2>{}</section>",
        category_chart(&cats)
    );
    if let Some(d) = delta {
        let _ = write!(
            h,
            "<section id=\"baseline\" class=\"wide\"><h2>Change against the baseline</h2><p class=\"sub\">{}</p>\
<div class=\"cards\" style=\"padding:0 0 12px\"><div class=\"card\"><b class=\"{}\">{}</b><span>new findings</span></div>\
<div class=\"card\"><b class=\"good\">{}</b><span>fixed since the baseline</span></div>\
<div class=\"card\"><b>{}</b><span>unchanged (baselined)</span></div></div>\
<table id=\"baseline-table\"><thead><tr><th>category</th><th class=\"num\">baseline</th><th class=\"num\">now</th><th class=\"num\">change</th></tr></thead><tbody>",
            esc(&d.file),
            if d.new > 0 { "delta-up" } else { "" },
            d.new,
            d.fixed,
            d.unchanged
        );
        let mut rows: Vec<_> = d.by_category.iter().collect();
        rows.sort_by_key(|(c, (b, n))| (std::cmp::Reverse(b.abs_diff(*n)), (*c).clone()));
        for (cat, (b, n)) in rows {
            let change = *n as i64 - *b as i64;
            let (class, sign) = match change.cmp(&0) {
                std::cmp::Ordering::Greater => ("delta-up", "+"),
                std::cmp::Ordering::Less => ("delta-down", ""),
                std::cmp::Ordering::Equal => ("", "±"),
            };
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"num\">{b}</td><td class=\"num\">{n}</td><td class=\"num {class}\">{sign}{change}</td></tr>",
                esc(cat)
            );
        }
        h.push_str("</tbody></table></section>\n");
    }
    h.push_str("<section id=\"folders\" class=\"wide\"><h2>Lowest-scoring folders</h2><table id=\"folders-table\"><thead><tr><th>folder</th><th class=\"num\">documents</th><th class=\"num\">average score</th><th class=\"num\">findings</th><th>worst document</th></tr></thead><tbody>");
    for (folder, n, avg, fs, worst_doc) in folder_rows.iter().take(FOLDERS) {
        let _ = write!(
            h,
            "<tr><td><code>{}</code></td><td class=\"num\">{n}</td><td class=\"num\"><span class=\"score {}\">{avg:.0}</span></td><td class=\"num\">{fs}</td><td><code>{}</code></td></tr>",
            esc(folder),
            score_class(*avg),
            esc(Path::new(worst_doc).file_name().map(|f| f.to_string_lossy()).unwrap_or_default().as_ref())
        );
    }
    h.push_str("</tbody></table></section>\n");
    let _ = write!(
        h,
        "<section id=\"worst\" class=\"wide\"><h2>The {} lowest-scoring documents</h2>",
        worst.len()
    );
    if worst.is_empty() {
        h.push_str("<p>No document has findings.</p>");
    }
    for r in &worst {
        let res = r.result.as_ref().expect("linted");
        let idx = LineIndex::new(&r.text);
        let _ = write!(
            h,
            "<article class=\"doc\"><h3><span class=\"score {}\">{}</span><code>{}</code><span class=\"sub\">{} · {} finding{}</span></h3><ol class=\"findings\">",
            score_class(f64::from(res.summary.score)),
            res.summary.score,
            esc(&r.path),
            res.kind.id(),
            res.findings.len(),
            if res.findings.len() == 1 { "" } else { "s" }
        );
        for f in res.findings.iter().take(PER_DOC) {
            h.push_str(&finding_html(&r.text, &idx, f));
        }
        h.push_str("</ol>");
        if res.findings.len() > PER_DOC {
            let _ = write!(
                h,
                "<div class=\"more\">and {} more: <code>tactful check {}</code></div>",
                res.findings.len() - PER_DOC,
                esc(&r.path)
            );
        }
        h.push_str("</article>");
    }
    h.push_str("</section>\n");
    if !failed.is_empty() {
        h.push_str("<section id=\"errors\" class=\"wide\"><h2>Files that could not be linted</h2><table><tbody>");
        for r in failed.iter().take(50) {
            let _ = write!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td></tr>",
                esc(&r.path),
                esc(r.error.as_deref().unwrap_or(""))
            );
        }
        h.push_str("</tbody></table></section>\n");
    }
    h.push_str("</main></body></html>\n");
    h
}
