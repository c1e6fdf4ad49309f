//! Shared harness for the editor end-to-end tests (tests/e2e_*.rs): finding the editors that
//! .ci/install-e2e.sh installs, skip-or-fail, sandboxed HOME/XDG dirs, and the lint oracle.
#![allow(dead_code)] // each e2e test crate uses a different subset

use std::ffi::OsStr;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The reply every editor test opens: a blaming phrase after a placeholder, and a second
/// (minimizing) finding that must survive the quick fix.
pub const REPLY: &str = "Hi {{name}}, you failed to enter the code. Just restart the app.\n";
/// The placeholder that must come through every fix byte for byte.
pub const PLACEHOLDER: &str = "{{name}}";
/// The rule the tests fix (the first finding in `REPLY`).
pub const RULE_PREFIX: &str = "blame-customer";

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `tactful` binary cargo built for this test run.
pub fn tactful_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_tactful"))
}

/// Where .ci/install-e2e.sh caches editors (`TACTFUL_E2E_CACHE`, else ~/.cache/tactful-e2e).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TACTFUL_E2E_CACHE") {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").unwrap_or_else(|| "/root".into());
    Path::new(&home).join(".cache/tactful-e2e")
}

pub fn required() -> bool {
    std::env::var("TACTFUL_E2E").is_ok_and(|v| v == "required")
}

/// `Some(path)` of the first candidate that exists, else (if `PATH` lookup is allowed) the
/// program on PATH.
pub fn find_program(
    env_var: &str,
    candidates: &[PathBuf],
    on_path: Option<&str>,
) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env_var) {
        let p = PathBuf::from(p);
        return p.is_file().then_some(p);
    }
    if let Some(p) = candidates.iter().find(|p| p.is_file()) {
        return Some(p.clone());
    }
    let name = on_path?;
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Returns the tool when found. When missing: panics under `TACTFUL_E2E=required`, otherwise
/// prints why the test is skipped and returns `None` (the caller returns early).
pub fn require(test: &str, what: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    if found.is_some() {
        return found;
    }
    let msg = format!(
        "{what} not found; run `bash .ci/install-e2e.sh` (cache: {})",
        cache_dir().display()
    );
    if required() {
        panic!("{test}: {msg} (TACTFUL_E2E=required)");
    }
    eprintln!("SKIP {test}: {msg}. Set TACTFUL_E2E=required to make this a failure.");
    None
}

/// A temp dir holding HOME, the XDG dirs and a workspace, so no editor touches the real home.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new(test: &str) -> Sandbox {
        // Under target/tmp, not /tmp: a stray /tmp/tactful.toml would be found by walking up.
        let dir = tempfile::Builder::new()
            .prefix(&format!("e2e-{test}-"))
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let s = Sandbox { dir };
        for d in [
            "home", "config", "data", "state", "cache", "runtime", "work",
        ] {
            fs::create_dir_all(s.path().join(d)).unwrap();
        }
        // The project's config: the built-in defaults, and the walk up stops here.
        fs::write(
            s.work().join("tactful.toml"),
            "# e2e test project: built-in defaults\n",
        )
        .unwrap();
        s
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    pub fn config(&self) -> PathBuf {
        self.path().join("config")
    }

    pub fn data(&self) -> PathBuf {
        self.path().join("data")
    }

    /// The folder opened as the project (holds the reply file).
    pub fn work(&self) -> PathBuf {
        self.path().join("work")
    }

    /// Writes `text` to `work/<name>` and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.work().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        p
    }

    /// A command with HOME/XDG_* in the sandbox and the cargo-built `tactful` first on PATH.
    pub fn command(&self, program: impl AsRef<OsStr>) -> Command {
        let mut cmd = Command::new(program);
        let bin_dir = tactful_bin().parent().unwrap().to_path_buf();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path =
            std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&path)))
                .unwrap();
        cmd.env("HOME", self.home())
            .env("XDG_CONFIG_HOME", self.config())
            .env("XDG_DATA_HOME", self.data())
            .env("XDG_STATE_HOME", self.path().join("state"))
            .env("XDG_CACHE_HOME", self.path().join("cache"))
            .env("XDG_RUNTIME_DIR", self.path().join("runtime"))
            .env("PATH", path)
            .env_remove("VIMINIT")
            .env_remove("NVIM_APPNAME")
            .env_remove("TACTFUL_LOG")
            .current_dir(self.work());
        cmd
    }
}

/// The output of a finished editor run.
pub struct Run {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn log(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `cmd` to completion (stdin closed) in its own process group, killing the whole group
/// after `timeout` (editors start servers and browsers that would otherwise hold the pipes).
pub fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Run {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawning {cmd:?}: {e}"));
    let out = drain(child.stdout.take().unwrap());
    let err = drain(child.stderr.take().unwrap());
    let status = wait_or_kill(&mut child, timeout);
    let run = |status| Run {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    };
    match status {
        Some(status) => run(status),
        None => {
            let r = run(child.wait().unwrap());
            panic!(
                "{cmd:?} did not finish within {timeout:?}; killed.\n{}",
                r.log()
            )
        }
    }
}

fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        String::from_utf8_lossy(&buf).into_owned()
    })
}

fn wait_or_kill(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = Command::new("kill")
                .arg("-KILL")
                .arg(format!("-{}", child.id()))
                .status();
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// One finding as `tactful check --format json` reports it.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: String,
    pub byte_range: (usize, usize),
    /// Each fix: the bytes it replaces (the finding's range unless the fix says) and the text.
    pub fixes: Vec<((usize, usize), String)>,
}

/// The lint oracle: what the CLI of the binary under test reports for `file`.
pub fn check(file: &Path) -> Vec<Finding> {
    let out = Command::new(tactful_bin())
        .args(["check", "--format", "json"])
        .arg(file)
        .output()
        .expect("running tactful check");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "`tactful check --format json {}` gave no JSON ({e}); is the CLI built?\nstatus: {}\nstdout: {stdout}\nstderr: {}",
            file.display(),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let diags = json["files"][0]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    diags
        .iter()
        .map(|d| Finding {
            rule: d["rule"].as_str().unwrap_or_default().to_string(),
            byte_range: range(&d["byte_range"]).unwrap_or_default(),
            fixes: d["fixes"]
                .as_array()
                .map(|fs| {
                    fs.iter()
                        .filter_map(|f| {
                            let range = range(&f["byte_range"]).or(range(&d["byte_range"]))?;
                            Some((range, f["replacement"].as_str()?.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect()
}

fn range(v: &serde_json::Value) -> Option<(usize, usize)> {
    Some((v[0].as_u64()? as usize, v[1].as_u64()? as usize))
}

/// The finding the tests fix: the first one of `RULE_PREFIX`'s category, which must have a fix.
pub fn target_finding(file: &Path) -> Finding {
    let findings = check(file);
    findings
        .iter()
        .find(|f| f.rule.starts_with(RULE_PREFIX) && !f.fixes.is_empty())
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "tactful check flags no fixable {RULE_PREFIX} finding in {REPLY:?}: {findings:?}"
            )
        })
}

/// Asserts that `saved` is `original` with exactly `target` rewritten by one of its fixes
/// (so the placeholder and everything else came through byte for byte), and that the CLI no
/// longer reports `target.rule` on the saved file.
pub fn assert_fixed(original: &str, saved_file: &Path, target: &Finding, log: &dyn Fn() -> String) {
    let saved = fs::read_to_string(saved_file).unwrap();
    let candidates: Vec<String> = target
        .fixes
        .iter()
        .map(|((fs, fe), r)| format!("{}{}{}", &original[..*fs], r, &original[*fe..]))
        .collect();
    let s = target
        .fixes
        .iter()
        .map(|f| f.0 .0)
        .min()
        .unwrap_or(target.byte_range.0);
    assert!(
        candidates.contains(&saved),
        "the saved file is not the original with `{}` rewritten by one of its fixes.\nsaved:      {saved:?}\ncandidates: {candidates:#?}\n{}",
        target.rule,
        log()
    );
    if original.contains(PLACEHOLDER) {
        assert!(saved.contains(PLACEHOLDER), "placeholder lost: {saved:?}");
    }
    assert_eq!(&saved[..s], &original[..s], "text before the fix changed");
    let after = check(saved_file);
    assert!(
        !after
            .iter()
            .any(|f| f.rule == target.rule && f.byte_range.0 == target.byte_range.0),
        "the CLI still reports {} at byte {} after the fix: {after:?}",
        target.rule,
        target.byte_range.0
    );
}
