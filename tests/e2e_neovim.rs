//! End-to-end: headless Neovim 0.11 with editors/neovim installed as a user would (a native
//! package), `vim.lsp.enable('tactful')` or the 0.10-style `setup{}`: diagnostics, fixes, save.

mod e2e_support;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use e2e_support::*;

fn nvim() -> Option<PathBuf> {
    let found = find_program(
        "TACTFUL_E2E_NVIM",
        &[cache_dir().join("venv/bin/nvim")],
        None,
    );
    // Debian's nvim is 0.7; only a 0.11 (or newer 0.x) counts.
    let found = found.filter(|p| {
        let out = std::process::Command::new(p).arg("--version").output();
        out.is_ok_and(|o| {
            let v = String::from_utf8_lossy(&o.stdout);
            v.lines()
                .next()
                .is_some_and(|l| l.starts_with("NVIM v0.1") && !l.starts_with("NVIM v0.10"))
        })
    });
    require(
        "e2e_neovim",
        "Neovim >= 0.11 ($TACTFUL_E2E_NVIM or <cache>/venv/bin/nvim)",
        found,
    )
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// Installs the plugin the documented way: a copy of editors/neovim as a native package.
fn install_plugin(sb: &Sandbox, init_lua: &str) {
    copy_dir(
        &repo_root().join("editors/neovim"),
        &sb.data().join("nvim/site/pack/tactful/start/tactful"),
    );
    fs::create_dir_all(sb.config().join("nvim")).unwrap();
    fs::write(sb.config().join("nvim/init.lua"), init_lua).unwrap();
}

/// Runs the driver (tests/e2e/nvim_quickfix.lua) on the reply; returns its JSON result.
fn drive(sb: &Sandbox, nvim: &Path, reply: &Path, mode: &str) -> (serde_json::Value, String) {
    assert!(
        tactful_bin().is_file(),
        "the tactful binary is missing: {}",
        tactful_bin().display()
    );
    let result_file = sb.path().join("result.json");
    let mut cmd = sb.command(nvim);
    cmd.args(["--headless", "-i", "NONE", "-n"])
        .arg(reply)
        .arg("-c")
        .arg(format!(
            "luafile {}",
            repo_root().join("tests/e2e/nvim_quickfix.lua").display()
        ))
        .env("E2E_RESULT", &result_file)
        .env("E2E_MODE", mode)
        .env("E2E_RULE_PREFIX", RULE_PREFIX)
        .env("E2E_TIMEOUT_MS", "20000");
    let run = run_with_timeout(cmd, Duration::from_secs(120));
    let lsp_log = fs::read_to_string(sb.path().join("state/nvim/lsp.log")).unwrap_or_default();
    let log = format!("{}\n--- lsp.log\n{lsp_log}", run.log());
    let result: serde_json::Value = fs::read_to_string(&result_file)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_else(|| panic!("Neovim wrote no result\n{log}"));
    assert!(
        run.status.success() && result["ok"] == true,
        "Neovim e2e failed: {result:#}\n{log}"
    );
    (result, log)
}

#[test]
fn neovim_enable_shows_diagnostic_applies_quickfix_and_saves() {
    let Some(nvim) = nvim() else { return };
    let sb = Sandbox::new("nvim-enable");
    install_plugin(&sb, "vim.lsp.enable('tactful')\n");
    let reply = sb.write("reply.txt", REPLY);
    let target = target_finding(&reply);

    let (result, log) = drive(&sb, &nvim, &reply, "quickfix");

    assert_eq!(result["filetype"], "text");
    assert_eq!(result["target"]["code"], target.rule.as_str(), "{result:#}");
    assert!(
        result["target"]["lsp"]["range"].is_object(),
        "raw LSP diagnostic missing: {result:#}"
    );
    // :TactfulExplain showed `tactful rules explain` for the rule under the cursor.
    let explained = result["explain_name"].as_str().unwrap_or_default();
    assert!(explained.ends_with(&target.rule), "{result:#}");
    let explanation = result["explain"].as_str().unwrap_or_default();
    assert!(explanation.contains(&target.rule), "{result:#}");
    assert_fixed(REPLY, &reply, &target, &|| format!("{result:#}\n{log}"));
    // The other finding (minimizing "Just") is untouched and still reported.
    let after = result["after"].as_array().unwrap();
    assert_eq!(
        after.len() + 1,
        result["before"].as_array().unwrap().len(),
        "{result:#}"
    );
    println!("neovim: {}", result["steps"]);
}

#[test]
fn neovim_setup_fix_all_command_rewrites_every_finding() {
    let Some(nvim) = nvim() else { return };
    let sb = Sandbox::new("nvim-setup");
    // `use_enable = false` takes the Neovim 0.10 path (FileType autocmd + vim.lsp.start), which
    // PyPI's only Neovim (0.11) can run too.
    install_plugin(
        &sb,
        "require('tactful').setup({ keymaps = true, use_enable = false })\n",
    );
    let reply = sb.write("reply.txt", REPLY);
    let before = check(&reply);
    assert!(
        before.iter().any(|f| !f.fixes.is_empty()),
        "nothing fixable in {REPLY:?}: {before:?}"
    );

    let (result, log) = drive(&sb, &nvim, &reply, "fixall");

    let saved = fs::read_to_string(&reply).unwrap();
    assert!(
        saved.starts_with("Hi {{name}}, "),
        "placeholder or greeting changed: {saved:?}\n{log}"
    );
    let after = check(&reply);
    assert!(
        after.iter().all(|f| f.fixes.is_empty()),
        ":TactfulFixAll left fixable findings: {after:?}\nsaved: {saved:?}\n{result:#}\n{log}"
    );
    println!("neovim fix-all: {saved:?}");
}

/// A Zendesk macro export: the plugin attaches to `*macro*.json` (not to every JSON file), the
/// diagnostic lands inside the JSON string, and the fix keeps the file valid JSON.
#[test]
fn neovim_fixes_a_zendesk_macro_export_and_keeps_valid_json() {
    const MACROS: &str = r#"{
  "macros": [
    {
      "title": "Code expired",
      "actions": [
        { "field": "comment_value", "value": "Hi {{ticket.requester.first_name}},\n\nyou failed to enter the code in time. Here is a \"fresh\" one." }
      ]
    }
  ]
}
"#;
    let Some(nvim) = nvim() else { return };
    let sb = Sandbox::new("nvim-json");
    install_plugin(&sb, "vim.lsp.enable('tactful')\n");
    let file = sb.write("zendesk-macros.json", MACROS);
    let target = target_finding(&file);

    let (result, log) = drive(&sb, &nvim, &file, "quickfix");

    assert_eq!(result["filetype"], "json");
    assert_fixed(MACROS, &file, &target, &|| format!("{result:#}\n{log}"));
    let saved = fs::read_to_string(&file).unwrap();
    let json: serde_json::Value = serde_json::from_str(&saved)
        .unwrap_or_else(|e| panic!("the fix broke the JSON ({e}): {saved}"));
    let value = json["macros"][0]["actions"][0]["value"].as_str().unwrap();
    assert!(
        value.starts_with("Hi {{ticket.requester.first_name}},\n\n"),
        "{value:?}"
    );
    assert!(value.ends_with("Here is a \"fresh\" one."), "{value:?}");
}

/// Template files: the plugin's filetype detection (`*.liquid`, `*.mustache`, `*.reply`) and
/// attachment, with the template tags coming through the fix byte for byte.
#[test]
fn neovim_detects_template_filetypes_and_fixes_them() {
    let cases = [
        (
            "welcome.liquid",
            "liquid",
            "{% if customer.first_name %}Hi {{ customer.first_name }},{% endif %}\n\nYou failed to enter the code. {% comment %}internal{% endcomment %}\n",
        ),
        (
            "hello.mustache",
            "mustache",
            "Hi {{name}},\n\nyou failed to enter the code.\n{{#agent}}{{agent.name}}{{/agent}}\n",
        ),
        ("expired.reply", "text", REPLY),
    ];
    let Some(nvim) = nvim() else { return };
    for (name, filetype, text) in cases {
        let sb = Sandbox::new("nvim-template");
        install_plugin(&sb, "vim.lsp.enable('tactful')\n");
        let file = sb.write(name, text);
        let target = target_finding(&file);
        let (result, log) = drive(&sb, &nvim, &file, "quickfix");
        assert_eq!(result["filetype"], filetype, "{name}: {result:#}");
        assert_fixed(text, &file, &target, &|| {
            format!("{name}\n{result:#}\n{log}")
        });
    }
}
