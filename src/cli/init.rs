//! `tactful init`: writes a commented `tactful.toml` that documents every
//! setting, refusing to overwrite an existing one unless asked.

pub const TEMPLATE: &str = r#"# tactful.toml — configuration for the tactful empathy linter.
# tactful looks for this file (or .tactful.toml) in the linted file's folder
# and its parents; the nearest one wins. Every key is optional.

# Use the built-in rule packs (set false to lint with your own packs only).
# builtin = true

# Extra rule packs (same format as the built-in rules/*.toml), relative to this file.
# packs = ["house-rules.toml"]

# Phrases never flagged: product names, house style. Token patterns.
# allow = ["Simply Business", "just in time"]

# Which files `tactful check` lints when walking folders (globs, relative to this file).
# include = ["**/*.md", "**/*.txt", "**/*.liquid"]
# exclude = ["drafts/**", "vendor/**"]

# Severity per category or per rule id: error | warning | info | hint | off.
[severity]
# minimizing = "info"
# "blame-customer.you-failed-to" = "error"
# jargon = "off"

# Document kinds by glob. Defaults: **/kb/**, **/articles/**, **/help/**,
# **/docs/** are kb; **/notes/**, **/internal/**, **/*.note.* are internal-note;
# everything else is a reply. A `tactful: kind=kb` comment in a file wins.
[kinds]
# kb = ["handbook/**"]
# internal-note = ["escalations/**"]
# default = "reply"

# Formats by glob, overriding the file extension (text, markdown, html, template, json, yaml).
[formats]
# "**/*.tmpl" = "template"

[placeholders]
# Also treat [[name]] as a placeholder.
# brackets = true

[markdown]
# Lint plain > block quotes too (by default they are quoted customer text).
# lint_block_quotes = true

[exports]
# JSON pointer patterns or key names whose string values are linted in JSON/YAML exports.
# keys = ["/replies/*/body", "body"]
"#;

use std::path::Path;

pub fn run(force: bool) -> i32 {
    let path = Path::new("tactful.toml");
    if (path.exists() || path.is_symlink()) && !force {
        eprintln!("tactful: tactful.toml already exists here; pass --force to overwrite it");
        return 2;
    }
    // Only a regular file inside this folder: never through a symbolic
    // link to elsewhere, never creating a dangling link's target.
    let roots = crate::write_guard::resolve_roots(&[Path::new(".")]);
    match crate::write_guard::write_checked(path, &roots, TEMPLATE.as_bytes()) {
        Ok(()) => {
            eprintln!("tactful: wrote tactful.toml");
            0
        }
        Err(e) => {
            eprintln!("tactful: cannot write tactful.toml: {e}");
            2
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn template_is_a_valid_config() {
        crate::config::Resolved::parse(std::path::Path::new("/t/tactful.toml"), super::TEMPLATE)
            .unwrap();
    }
}
