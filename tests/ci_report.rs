//! `tactful report`: one self-contained HTML page. Rendered in real headless
//! Chromium (playwright-core, Debian's chromium): charts and tables present,
//! no console errors, no network; a screenshot lands in target/. Also: the
//! page stays small for 10,000 documents, and an unwritable path is a one-line
//! error that leaves nothing behind.

mod ci_support;
use ci_support::*;

use std::path::{Path, PathBuf};

fn knowledge_base() -> Project {
    let p = Project::new("report");
    p.write("help/billing/refunds.md", "# Refunds\n\nYou should have read the refund policy first. Obviously, refunds take a week.\n\nJust email us.\n");
    p.write(
        "help/billing/cards.md",
        "# Cards\n\nUnfortunately we cannot help you with that, it is against our policy.\n",
    );
    p.write("help/account/password.md", "# Password\n\nTo reset your password, open Settings and choose Reset. We email you a link right away.\n");
    p.write("replies/late.txt", TWO_FINDINGS);
    p.write("replies/thanks.txt", CLEAN);
    p
}

fn render(p: &Project, args: &[&str]) -> (Run, String) {
    let mut a = vec!["report"];
    a.extend_from_slice(args);
    let r = p.tactful(&a);
    assert_eq!(r.code, 0, "{}", r.log());
    let out = args
        .iter()
        .position(|x| *x == "-o")
        .map(|i| args[i + 1])
        .unwrap_or("tactful-report.html");
    (r, p.read(out))
}

#[test]
fn the_report_is_one_self_contained_page_with_every_section() {
    let p = knowledge_base();
    let (_, html) = render(&p, &["help", "replies", "-o", "report.html"]);
    for id in ["score-chart", "category-chart", "folders-table", "worst"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "missing #{id}");
    }
    assert!(!html.contains("<script"), "no script");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "no network references"
    );
    assert!(
        html.contains("<mark>You should have read</mark>"),
        "flagged text highlighted"
    );
    assert!(html.contains("suggested: "), "suggested rewrites");
    assert!(html.contains("help/billing"), "folders listed");
    assert!(
        !html.contains("id=\"baseline\""),
        "no baseline section without --baseline"
    );
}

#[test]
fn with_a_baseline_the_report_shows_the_change() {
    let p = knowledge_base();
    assert_eq!(p.tactful(&["baseline", "help", "replies"]).code, 0);
    p.write(
        "help/account/password.md",
        "# Password\n\nObviously, resetting is easy.\n",
    );
    p.write("replies/late.txt", CLEAN);
    let (_, html) = render(
        &p,
        &[
            "help",
            "replies",
            "-o",
            "report.html",
            "--baseline",
            "tactful-baseline.json",
        ],
    );
    assert!(html.contains("id=\"baseline-table\""), "baseline table");
    let new = html.split("new findings").next().unwrap();
    assert!(
        new.ends_with("</b><span>") && new.contains(">1</b>"),
        "one new finding: {}",
        &new[new.len().saturating_sub(80)..]
    );
    assert!(
        html.contains("<b class=\"good\">2</b><span>fixed since the baseline"),
        "two fixed"
    );
}

#[test]
fn ten_thousand_documents_stay_under_a_few_megabytes() {
    let p = Project::new("report-big");
    for i in 0..10_000 {
        let body = match i % 4 {
            0 => TWO_FINDINGS,
            1 => "Hi,\n\nObviously, this is documented. Calm down and read it.\n",
            _ => CLEAN,
        };
        p.write(
            &format!("kb/section-{:02}/article-{i:05}.txt", i % 50),
            body,
        );
    }
    let (r, html) = render(&p, &["kb", "-o", "big.html"]);
    assert!(r.stderr.contains("10000 documents"), "{}", r.log());
    assert!(
        html.len() < 3 * 1024 * 1024,
        "report is {} bytes",
        html.len()
    );
    assert_eq!(html.matches("<article class=\"doc\">").count(), 20);
}

#[test]
fn an_unwritable_report_path_is_a_one_line_error_and_writes_nothing() {
    let p = knowledge_base();
    for out in ["no/such/dir/report.html", "help"] {
        let r = p.tactful(&["report", "help", "-o", out]);
        assert_eq!(r.code, 2, "{}", r.log());
        assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.log());
        assert!(
            r.stderr
                .contains(&format!("{out}: cannot write the report")),
            "{}",
            r.log()
        );
    }
    assert!(!p.path().join("no").exists());
    // A bad baseline stops it before anything is written.
    p.write("bad.json", "{}");
    let r = p.tactful(&["report", "help", "-o", "r.html", "--baseline", "bad.json"]);
    assert_eq!(r.code, 2, "{}", r.log());
    assert!(!p.path().join("r.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(p.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        leftovers
            .iter()
            .all(|n| !n.to_string_lossy().starts_with(".tmp")),
        "{leftovers:?}"
    );
}

fn node() -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("node"))
        .find(|p| p.is_file())
}

#[test]
fn the_report_renders_in_headless_chromium_without_errors() {
    let test = "report_in_chromium";
    let pw = repo_root().join("editors/vscode/node_modules/playwright-core/package.json");
    let Some(_) = require(test, "playwright-core (editors/vscode npm deps)", pw) else {
        return;
    };
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| "/usr/bin/chromium".into());
    let Some(_) = require(test, "chromium", chromium) else {
        return;
    };
    let Some(node) = require(test, "node", node().unwrap_or_default()) else {
        return;
    };

    let p = knowledge_base();
    assert_eq!(p.tactful(&["baseline", "help"]).code, 0);
    p.write(
        "help/account/password.md",
        "# Password\n\nObviously, resetting is easy.\n",
    );
    render(
        &p,
        &[
            "help",
            "replies",
            "-o",
            "report.html",
            "--baseline",
            "tactful-baseline.json",
            "--title",
            "Help centre tone",
        ],
    );
    let shot = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-screenshot.png");
    let out = std::process::Command::new(node)
        .arg(repo_root().join("tests/ci/report_page.mjs"))
        .arg(p.path().join("report.html"))
        .arg(&shot)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let log = format!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{log}");
    let seen: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(seen["title"], "Help centre tone", "{log}");
    assert_eq!(seen["scoreBars"], 10, "{log}");
    assert!(seen["scoreBarsDrawn"].as_u64().unwrap() >= 2, "{log}");
    assert!(seen["categoryBars"].as_u64().unwrap() >= 3, "{log}");
    assert!(
        seen["scoreChartBox"][1].as_u64().unwrap() > 100,
        "the chart is drawn at size: {log}"
    );
    assert_eq!(seen["folderRows"], 3, "{log}");
    assert_eq!(seen["worstDocs"], 4, "{log}");
    assert!(seen["marks"].as_u64().unwrap() >= 4, "{log}");
    assert!(seen["baselineRows"].as_u64().unwrap() >= 1, "{log}");
    assert_eq!(seen["problems"], serde_json::json!([]), "{log}");
    let png = std::fs::read(&shot).unwrap();
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 10_000,
        "screenshot at {}",
        shot.display()
    );
    println!("screenshot: {} ({} bytes)", shot.display(), png.len());
}
