//! The release pipeline as code: the archive script packs what this machine
//! builds (linux-x64 glibc) with a checksum `sha256sum -c` accepts, and every
//! archive `action.yml` downloads is one `release.yml` builds.

mod ci_support;
use ci_support::*;

use std::process::Command;
use yaml_rust2::YamlLoader;

fn yaml(path: &str) -> yaml_rust2::Yaml {
    let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

#[test]
fn package_release_packs_the_linux_x64_binary_with_a_checksum() {
    let p = Project::new("release");
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/package-release.sh"))
        .arg("x86_64-unknown-linux-gnu")
        .arg(tactful_bin())
        .arg(p.path().join("dist"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dist = p.path().join("dist");
    let check = Command::new("sha256sum")
        .args(["-c", "tactful-x86_64-unknown-linux-gnu.tar.gz.sha256"])
        .current_dir(&dist)
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let untar = Command::new("tar")
        .args(["-xzf", "tactful-x86_64-unknown-linux-gnu.tar.gz"])
        .current_dir(&dist)
        .status()
        .unwrap();
    assert!(untar.success());
    let bin = dist.join("tactful-x86_64-unknown-linux-gnu/tactful");
    let v = Command::new(&bin).arg("--version").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("tactful {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(dist
        .join("tactful-x86_64-unknown-linux-gnu/README.md")
        .is_file());
    // A missing binary is a clear error.
    let out = Command::new("bash")
        .arg(repo_root().join("scripts/package-release.sh"))
        .args(["x86_64-unknown-linux-gnu", "/nonexistent/tactful"])
        .arg(p.path().join("dist2"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/tactful not found"));
}

#[test]
fn every_archive_the_action_downloads_is_built_by_the_release() {
    let release = yaml(".github/workflows/release.yml");
    let matrix = &release["jobs"]["build"]["strategy"]["matrix"]["include"];
    let built: Vec<String> = matrix
        .as_vec()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap().to_string())
        .collect();
    for t in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            built.contains(&t.to_string()),
            "release builds {t}: {built:?}"
        );
    }
    let vsce: Vec<&str> = matrix
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|m| m["vsce"].as_str())
        .collect();
    for t in [
        "linux-x64",
        "linux-arm64",
        "darwin-x64",
        "darwin-arm64",
        "win32-x64",
    ] {
        assert!(vsce.contains(&t), "a {t} VSIX: {vsce:?}");
    }
    assert!(
        !release["jobs"]["universal-vsix"].is_badvalue(),
        "a universal VSIX job"
    );
    let action = yaml("action.yml");
    let install = action["runs"]["steps"][0]["run"].as_str().unwrap();
    let wanted: Vec<&str> = install
        .lines()
        .filter_map(|l| {
            l.trim()
                .split_once(") target=")
                .map(|(_, t)| t.trim_end_matches(" ;;").trim())
        })
        .filter(|t| !t.is_empty() && *t != ";;")
        .collect();
    assert!(wanted.len() >= 5, "{wanted:?}");
    for t in wanted {
        assert!(
            built.contains(&t.to_string()),
            "action.yml downloads {t}, which release.yml does not build"
        );
    }
    assert!(install.contains(".sha256"), "the action verifies checksums");
}
