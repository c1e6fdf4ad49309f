//! The README's examples are true: its sample `tactful check` output is what
//! the binary prints for the file it names, and its `tactful.toml` snippet
//! loads (every rule id in it exists).

use std::path::Path;
use std::process::Command;

fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The fenced blocks of `text` whose info string is `lang` (`""`: none),
/// each with its trailing newline.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Option<(bool, String)> = None;
    for line in text.lines() {
        match &mut open {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some((info.trim() == lang, String::new()));
                }
            }
            Some((wanted, body)) => {
                if line.starts_with("```") {
                    if *wanted {
                        out.push(std::mem::take(body));
                    }
                    open = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn the_readme_sample_output_is_what_check_prints() {
    let readme = readme();
    let sample = blocks(&readme, "")
        .into_iter()
        .find(|b| b.starts_with("warning[") || b.starts_with("error["))
        .map(|b| b.to_string())
        .expect("a sample output block in README.md");
    let location = sample
        .lines()
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .unwrap();
    let file = location.split(':').next().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(["check", file])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains(&sample),
        "README sample:\n{sample}\nnot in the output of `tactful check {file}`:\n{stdout}"
    );
}

#[test]
fn the_readme_config_snippet_loads() {
    let readme = readme();
    let snippet = blocks(&readme, "toml")
        .into_iter()
        .find(|b| b.contains("[severity]"))
        .map(|b| b.to_string())
        .expect("a tactful.toml snippet in README.md");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("house-rules.toml"),
        "[[rule]]\nid = \"jargon.house\"\ncategory = \"jargon\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"synergy\"]\n",
    )
    .unwrap();
    let path = dir.path().join("tactful.toml");
    if let Err(e) = tactful::config::Resolved::parse(&path, &snippet) {
        panic!("the README's tactful.toml snippet does not load: {e}\n{snippet}");
    }
}

#[test]
fn the_init_template_loads_with_every_example_uncommented() {
    // Each commented `key = value` line of the template, uncommented, must
    // be accepted (so the ids and values it shows exist).
    let template = tactful::cli::init::TEMPLATE;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("house-rules.toml"),
        "[[rule]]\nid = \"jargon.house\"\ncategory = \"jargon\"\nmessage = \"m\"\nwhy = \"w\"\nmatch = [\"synergy\"]\n",
    )
    .unwrap();
    let path = dir.path().join("tactful.toml");
    tactful::config::Resolved::parse(&path, template).unwrap();
    for (i, line) in template.lines().enumerate() {
        let Some(example) = line.strip_prefix("# ") else {
            continue;
        };
        if !example.contains(" = ") || example.contains("builtin") {
            continue;
        }
        let text: String = template
            .lines()
            .enumerate()
            .map(|(j, l)| if j == i { example } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        if let Err(e) = tactful::config::Resolved::parse(&path, &text) {
            panic!(
                "`tactful init` example line {}: {example:?} does not load: {e}",
                i + 1
            );
        }
    }
}
