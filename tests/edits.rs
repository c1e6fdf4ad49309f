//! Edits that must never corrupt a document: "disable this rule" directive
//! comments (issue 10, F1–F5), "fix all" (F6) and fixes that would change a
//! file's structure (stress item 7). Every edited text is read back with the
//! format's real parser: yaml-rust2 for YAML, pulldown-cmark (GFM tables)
//! for Markdown, minijinja, liquid and handlebars for templates.

use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use tactful::actions::{self, DirectiveScope};
use tactful::fix;
use tactful::lint::{FileSettings, Linter};
use tactful::model::{Edit, Finding, Kind};
use tactful::source::{Format, SourceOptions};

fn linter() -> &'static Linter {
    static LINTER: std::sync::OnceLock<Linter> = std::sync::OnceLock::new();
    LINTER.get_or_init(Linter::default_packs)
}

fn settings(format: Format) -> FileSettings {
    FileSettings {
        format,
        kind: Kind::Reply,
        source: SourceOptions::default(),
        keep_covered: false,
    }
}

fn lint(text: &str, format: Format) -> Vec<Finding> {
    linter()
        .lint(text, &settings(format))
        .unwrap_or_else(|e| panic!("{e}: {text}"))
        .findings
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| e.range.start);
    let mut out = String::new();
    let mut pos = 0;
    for e in &sorted {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.replacement);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// The format's real parsers, independent of tactful's producers.
mod real {
    use super::*;

    pub fn yaml(text: &str) -> Vec<yaml_rust2::Yaml> {
        yaml_rust2::YamlLoader::load_from_str(text)
            .unwrap_or_else(|e| panic!("yaml-rust2 rejects the text: {e}\n{text}"))
    }

    fn md_options() -> Options {
        Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_GFM
    }

    /// Markdown blocks and text as a CommonMark/GFM reader gets them; HTML
    /// (comments) left out, as it renders as nothing.
    pub fn markdown(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut in_html = false;
        let mut pending = String::new();
        for ev in Parser::new_ext(text, md_options()) {
            match ev {
                Event::Start(Tag::HtmlBlock) => in_html = true,
                Event::End(TagEnd::HtmlBlock) => in_html = false,
                Event::Html(_) | Event::InlineHtml(_) => {}
                _ if in_html => {}
                Event::Text(t) => pending.push_str(&t),
                other => {
                    if !pending.is_empty() {
                        out.push(format!("text {}", std::mem::take(&mut pending)));
                    }
                    out.push(format!("{other:?}"));
                }
            }
        }
        if !pending.is_empty() {
            out.push(format!("text {pending}"));
        }
        out
    }

    /// Only the block structure (for fixes, which change text).
    pub fn markdown_blocks(text: &str) -> Vec<String> {
        markdown(text)
            .into_iter()
            .filter(|e| {
                [
                    "Start(Paragraph",
                    "Start(Heading",
                    "Start(BlockQuote",
                    "Start(List",
                    "Start(Item",
                    "Start(Table",
                    "Start(CodeBlock",
                    "Rule",
                ]
                .iter()
                .any(|p| e.starts_with(p))
            })
            .map(|e| e.split(['{', ' ']).next().unwrap_or("").to_string())
            .collect()
    }

    pub fn jinja(text: &str) -> String {
        let env = minijinja::Environment::new();
        env.render_str(text, minijinja::context! { name => "Ana" })
            .unwrap_or_else(|e| panic!("Jinja rejects the template: {e}\n{text}"))
    }

    pub fn liquid(text: &str) -> String {
        let parser = liquid::ParserBuilder::with_stdlib().build().unwrap();
        let t = parser
            .parse(text)
            .unwrap_or_else(|e| panic!("Liquid rejects the template: {e}\n{text}"));
        t.render(&liquid::object!({
            "name": "Ana",
            "ticket": { "priority": "urgent", "requester": { "first_name": "Ana" } },
        }))
        .unwrap_or_else(|e| panic!("Liquid cannot render: {e}\n{text}"))
    }

    pub fn handlebars(text: &str) -> String {
        handlebars::Handlebars::new()
            .render_template(text, &serde_json::json!({ "name": "Ana" }))
            .unwrap_or_else(|e| panic!("Handlebars rejects the template: {e}\n{text}"))
    }
}

/// Asserts that `text` after the directive edit reads the same to the
/// format's real parser (and renders the same for templates), and that
/// the finding is gone.
fn assert_directive_safe(
    text: &str,
    format: Format,
    path: &str,
    f: &Finding,
) -> actions::DirectiveEdit {
    let d = actions::disable_directive(
        text,
        format,
        &SourceOptions::default(),
        path,
        f.range.clone(),
        &f.rule,
    )
    .unwrap_or_else(|| panic!("no directive offered for {} in {path}:\n{text}", f.rule));
    let edited = apply(text, &d.edits);
    check_same_content(text, &edited, format, path);
    let shift: usize = d
        .edits
        .iter()
        .filter(|e| e.range.start <= f.range.start)
        .map(|e| e.replacement.len())
        .sum();
    let still = lint(&edited, format)
        .into_iter()
        .any(|g| g.rule == f.rule && g.range.start == f.range.start + shift);
    assert!(
        !still,
        "the directive does not silence {}:\n{edited}",
        f.rule
    );
    d
}

fn check_same_content(text: &str, edited: &str, format: Format, path: &str) {
    match format {
        Format::Yaml => assert_eq!(
            real::yaml(text),
            real::yaml(edited),
            "YAML values changed:\n{edited}"
        ),
        Format::Markdown => assert_eq!(
            real::markdown(text),
            real::markdown(edited),
            "Markdown structure changed:\n{edited}"
        ),
        Format::Template if path.ends_with(".j2") || path.ends_with(".jinja") => {
            assert_eq!(
                real::jinja(text),
                real::jinja(edited),
                "Jinja output changed:\n{edited}"
            )
        }
        Format::Template if path.ends_with(".liquid") => {
            assert_eq!(
                real::liquid(text),
                real::liquid(edited),
                "Liquid output changed:\n{edited}"
            )
        }
        Format::Template => assert_eq!(
            real::handlebars(text),
            real::handlebars(edited),
            "Handlebars output changed:\n{edited}"
        ),
        _ => {}
    }
}

fn finding_at<'a>(findings: &'a [Finding], text: &str, needle: &str) -> &'a Finding {
    let at = text.find(needle).expect("needle in text");
    findings
        .iter()
        .find(|f| {
            f.range.start <= at && at < f.range.end.max(f.range.start + 1) || f.range.start == at
        })
        .unwrap_or_else(|| panic!("no finding at {needle:?}: {findings:#?}"))
}

const BLOCK_YAML: &str = "- title: Locked out\n  body: |\n    Hi there,\n\n    You didn't enter the right password, so your account is locked.\n  tags: [login]\n";

#[test]
fn yaml_block_scalar_directive_goes_around_the_value_not_into_the_reply_text() {
    let f = lint(BLOCK_YAML, Format::Yaml);
    let f = finding_at(&f, BLOCK_YAML, "You didn't");
    let d = assert_directive_safe(BLOCK_YAML, Format::Yaml, "replies.yml", f);
    assert_eq!(d.scope, DirectiveScope::Block("value"));
    assert!(d.title(&f.rule).ends_with("for this value"));
}

#[test]
fn multi_line_double_quoted_yaml_directive_stays_out_of_the_value() {
    let text = "body: \"Hi there,\n  You didn't enter the right password, so it is locked.\"\nsubject: Login\n";
    let f = lint(text, Format::Yaml);
    let f = finding_at(&f, text, "You didn't");
    let d = assert_directive_safe(text, Format::Yaml, "r.yaml", f);
    assert_eq!(d.scope, DirectiveScope::Block("value"));
    // A single-line value still gets the comment just above its line.
    let text = "- body: Just restart the app.\n";
    let f = &lint(text, Format::Yaml)[0];
    let d = assert_directive_safe(text, Format::Yaml, "r.yaml", f);
    assert_eq!(d.scope, DirectiveScope::Line);
}

const TABLE_MD: &str = "Try these steps:\n\n| Step | What to do |\n| --- | --- |\n| 1 | Just restart the app. |\n| 2 | Sign in again. |\n\nThanks!\n";

#[test]
fn markdown_table_row_directive_keeps_the_table_whole() {
    let f = lint(TABLE_MD, Format::Markdown);
    let f = finding_at(&f, TABLE_MD, "Just restart");
    let d = assert_directive_safe(TABLE_MD, Format::Markdown, "a.md", f);
    assert_eq!(d.scope, DirectiveScope::Block("table"));
    let edited = apply(TABLE_MD, &d.edits);
    let rows = real::markdown(&edited)
        .iter()
        .filter(|e| e.starts_with("Start(TableRow") || e.starts_with("Start(TableHead"))
        .count();
    assert_eq!(rows, 3, "header and two rows:\n{edited}");
}

const WRAPPED_MD: &str = "Thanks for writing in about the login.\nJust click \"Forgot password\" on the sign-in page.\n\n- Open the app.\n- Just restart it.\n";

#[test]
fn wrapped_paragraph_second_line_directive_keeps_one_paragraph() {
    let f = lint(WRAPPED_MD, Format::Markdown);
    let first = finding_at(&f, WRAPPED_MD, "Just click");
    let d = assert_directive_safe(WRAPPED_MD, Format::Markdown, "a.md", first);
    assert_eq!(d.scope, DirectiveScope::Block("paragraph"));
    let edited = apply(WRAPPED_MD, &d.edits);
    let paragraphs = real::markdown(&edited)
        .iter()
        .filter(|e| e.starts_with("Start(Paragraph"))
        .count();
    assert_eq!(paragraphs, 1, "still one paragraph:\n{edited}");
    // The second item of a tight list: the comment continues the item above.
    let item = finding_at(&f, WRAPPED_MD, "Just restart");
    let d = assert_directive_safe(WRAPPED_MD, Format::Markdown, "a.md", item);
    assert_eq!(d.scope, DirectiveScope::Line);
}

#[test]
fn template_directives_use_each_engines_real_comment_syntax() {
    let body = "Hi {{ name }},\n\n  Just click the button below.\nThanks\n";
    for (path, marker) in [
        ("reply.j2", "{#"),
        ("reply.jinja", "{#"),
        ("reply.liquid", "{% comment %}"),
        ("reply.hbs", "{{!--"),
        ("reply.handlebars", "{{!--"),
        ("reply.mustache", "{{!"),
    ] {
        let f = lint(body, Format::Template);
        let f = finding_at(&f, body, "Just click");
        let d = assert_directive_safe(body, Format::Template, path, f);
        assert_eq!(d.scope, DirectiveScope::Line, "{path}");
        assert!(
            d.edits[0].replacement.trim_start().starts_with(marker),
            "{path}: {:?}",
            d.edits
        );
    }
    // Engines that cannot be told from the extension get no comment, nor
    // does MDX (no HTML comments there).
    let md = "Just restart it.\n";
    let m = &lint(md, Format::Markdown)[0];
    let d = actions::disable_directive(
        md,
        Format::Markdown,
        &SourceOptions::default(),
        "a.mdx",
        m.range.clone(),
        &m.rule,
    );
    assert!(d.is_none(), "{d:?}");
    let f = &lint(body, Format::Template)[0];
    for path in ["reply.tmpl", "reply.tpl", "reply"] {
        let d = actions::disable_directive(
            body,
            Format::Template,
            &SourceOptions::default(),
            path,
            f.range.clone(),
            &f.rule,
        );
        assert!(d.is_none(), "{path}: {d:?}");
    }
}

/// Every directive offered over a set of documents per format reads back
/// the same with the real parser and silences its finding.
#[test]
fn every_offered_directive_reparses_to_the_same_content() {
    let docs: Vec<(&str, Format, String)> = vec![
        ("r.yaml", Format::Yaml, BLOCK_YAML.to_string()),
        (
            "r.yaml",
            Format::Yaml,
            "replies:\n  - subject: Sorry for any inconvenience\n    body: >-\n      Just restart it.\n      Obviously, you need to update.\n  - body: 'Simply reinstall it.'\n    note: plain\n  - body: Just wait\n      a bit longer, obviously.\n".to_string(),
        ),
        ("a.md", Format::Markdown, TABLE_MD.to_string()),
        ("a.md", Format::Markdown, WRAPPED_MD.to_string()),
        (
            "a.md",
            Format::Markdown,
            "# Just restart it\n\n> [!NOTE]\n> Just wait a moment.\n\n1. Simply open it.\n   Obviously, it works.\n2. Just restart.\n\nTerm\n: Just do it.\n".to_string(),
        ),
        ("a.html", Format::Html, "<p>Hi,</p>\n<p>Just restart it.\n   Obviously, it works.</p>\n<ul><li>Simply wait.</li></ul>\n".to_string()),
        ("t.liquid", Format::Template, std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/replies/login-trouble.liquid")).unwrap()),
    ];
    let mut checked = 0;
    for (path, format, text) in &docs {
        for f in lint(text, *format) {
            if f.rule.starts_with("tone.") || f.range.is_empty() {
                continue;
            }
            if let Some(d) = actions::disable_directive(
                text,
                *format,
                &SourceOptions::default(),
                path,
                f.range.clone(),
                &f.rule,
            ) {
                let edited = apply(text, &d.edits);
                check_same_content(text, &edited, *format, path);
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "only {checked} directives checked");
}

fn fix_command(text: &str, format: Format) -> String {
    fix::fix_all(linter(), text, &settings(format), fix::FIX_PASSES)
        .unwrap()
        .0
}

fn fix_all_action(text: &str, format: Format) -> String {
    apply(
        text,
        &actions::fix_all(linter(), text, &settings(format), &|_| {}),
    )
}

#[test]
fn fix_all_action_keeps_an_overlapping_preferred_fix_and_matches_tactful_fix() {
    let text = "Obviously, you need to use the email you signed up with.\n";
    let one_step = fix_all_action(text, Format::Text);
    assert_eq!(one_step, fix_command(text, Format::Text));
    assert!(
        !lint(&one_step, Format::Text)
            .iter()
            .any(|f| f.rule.starts_with("commanding") || f.rule.starts_with("minimizing")),
        "the commanding fix was dropped: {one_step:?}"
    );
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/replies/login-trouble.liquid");
    let liquid = std::fs::read_to_string(path).unwrap();
    let one_step = fix_all_action(&liquid, Format::Template);
    assert_eq!(one_step, fix_command(&liquid, Format::Template));
    // One action leaves nothing a second "fix all" would change.
    assert_eq!(fix_all_action(&one_step, Format::Template), one_step);
    assert_eq!(real::liquid(&one_step).matches("Please").count(), 2);
}

/// Every bad example of every rule, fixed as `tactful fix` does: the result
/// holds no finding of a rule the original did not have.
#[test]
fn a_fix_never_brings_a_finding_of_another_rule_across_rule_examples() {
    let rules = tactful::rules::default_rules().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in &rules {
        for bad in &rule.bad {
            let s = FileSettings {
                kind: rule.kinds[0],
                ..settings(Format::Text)
            };
            let before = linter().lint(&bad.text, &s).unwrap().findings;
            let (fixed, _) = fix::fix_all(linter(), &bad.text, &s, fix::FIX_PASSES).unwrap();
            let after = linter().lint(&fixed, &s).unwrap().findings;
            checked += 1;
            for a in &after {
                if !before.iter().any(|b| b.rule == a.rule) {
                    failures.push(format!(
                        "{}: {:?} → {:?} brings {}",
                        rule.id, bad.text, fixed, a.rule
                    ));
                }
            }
        }
    }
    assert!(checked > 200, "{checked}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn removing_per_my_last_email_does_not_create_a_no_ownership_finding() {
    for text in [
        "Per my last email, the refund was processed.\n",
        "Per my last email, the refund is processed.\n",
        "Per my last email, your account was reset.\n",
    ] {
        let before: Vec<_> = lint(text, Format::Text)
            .into_iter()
            .map(|f| f.rule)
            .collect();
        let fixed = fix_all_action(text, Format::Text);
        for f in lint(&fixed, Format::Text) {
            assert!(
                before.contains(&f.rule),
                "{text:?} → {fixed:?} brings {}",
                f.rule
            );
        }
    }
}

fn yaml_str<'a>(docs: &'a [yaml_rust2::Yaml], key: &str) -> &'a yaml_rust2::Yaml {
    &docs[0][key]
}

#[test]
fn a_yaml_plain_scalar_is_requoted_when_a_deletion_leaves_an_indicator_first() {
    for (first, rest) in [
        ("@team", " will help you."),
        ("%PATH%", " is the setting."),
        ("`reset`", " is the command."),
        ("&amp", " is the entity."),
        ("!important", " is the flag."),
        ("*", " marks required fields."),
        (",", " is the separator."),
        ("5", ""),
        ("yes", ""),
    ] {
        let text = format!("body: Obviously, {first}{rest}\nsubject: Login\n");
        let fixed = fix_command(&text, Format::Yaml);
        let docs = real::yaml(&fixed);
        let want = format!("{first}{rest}");
        let got = yaml_str(&docs, "body").as_str();
        assert!(
            got.is_some_and(|g| g.eq_ignore_ascii_case(&want)),
            "{text:?} → {fixed:?}"
        );
        assert_eq!(yaml_str(&docs, "subject").as_str(), Some("Login"));
        // The quick fix the editor offers is the same safe edit.
        let f = lint(&text, Format::Yaml);
        let edited = apply(&text, &f[0].fixes[0].edits);
        let got = real::yaml(&edited)[0]["body"]
            .as_str()
            .map(str::to_lowercase);
        assert_eq!(got, Some(want.to_lowercase()), "{edited:?}");
    }
}

#[test]
fn deleting_a_whole_yaml_plain_value_never_turns_it_into_null() {
    for text in [
        "body: We value your business.\nsubject: x\n",
        "body: Obviously.\nsubject: x\n",
        "- {body: Obviously, it works}\n",
    ] {
        let before = real::yaml(text);
        let fixed = fix_command(text, Format::Yaml);
        let after = real::yaml(&fixed);
        fn shape(y: &yaml_rust2::Yaml) -> String {
            match y {
                yaml_rust2::Yaml::Hash(h) => h
                    .iter()
                    .map(|(k, v)| format!("{k:?}:{}", shape(v)))
                    .collect::<Vec<_>>()
                    .join(","),
                yaml_rust2::Yaml::Array(a) => a.iter().map(shape).collect::<Vec<_>>().join(";"),
                yaml_rust2::Yaml::String(_) => "str".into(),
                other => format!("{other:?}"),
            }
        }
        assert_eq!(
            before.iter().map(shape).collect::<Vec<_>>(),
            after.iter().map(shape).collect::<Vec<_>>(),
            "{text:?} → {fixed:?}"
        );
    }
}

#[test]
fn deleting_a_first_sentence_never_turns_the_rest_of_a_paragraph_into_a_heading_quote_or_list() {
    for rest in [
        "# of items is 3.",
        "> is the symbol to use.",
        "- is the separator.",
        "1. is the first step.",
        "+ adds an item.",
        "=== marks a heading.",
        "<b> is bold.",
    ] {
        for lead in ["Obviously, ", "Just so you know, ", "Per my last email, "] {
            let text = format!("Hi,\n\n{lead}{rest}\n\nThanks\n");
            let fixed = fix_command(&text, Format::Markdown);
            assert_eq!(
                real::markdown_blocks(&text),
                real::markdown_blocks(&fixed),
                "{text:?} → {fixed:?}"
            );
            let f = lint(&text, Format::Markdown);
            for quick in f.iter().flat_map(|f| &f.fixes) {
                let edited = apply(&text, &quick.edits);
                assert_eq!(
                    real::markdown_blocks(&text),
                    real::markdown_blocks(&edited),
                    "{edited:?}"
                );
            }
        }
    }
}

#[test]
fn a_deleted_sentence_does_not_take_the_signature_dash_after_it() {
    let text = "Thanks. We value your business. - The team\n";
    let fixed = fix_command(text, Format::Text);
    assert!(fixed.contains("- The team"), "{fixed:?}");
    assert_ne!(fixed, text, "the stock line is still removed");
}

/// The property tests' seed: removing "Obviously," alone in its paragraph
/// would delete the paragraph, so that fix was left out for good; once the
/// acknowledgement was inserted before it, it no longer did, and a second
/// `fix` removed it. One fix-all must reach the fixpoint.
#[test]
fn fix_all_retries_a_fix_whose_structure_change_other_fixes_undid() {
    let text = "> calm down {{customer.first_name}} .\n \n Obviously,\n\nyou failed to enter\n\n";
    let s = settings(Format::Markdown);
    let (once, _) = fix::fix_all(linter(), text, &s, fix::FIX_PASSES).unwrap();
    let (twice, _) = fix::fix_all(linter(), &once, &s, fix::FIX_PASSES).unwrap();
    assert_eq!(once, twice, "not idempotent: {text:?}");
    assert!(!once.contains("Obviously"), "{once:?}");
    assert!(once.contains("{{customer.first_name}}"), "{once:?}");
}

/// A second property seed: the "just" fixes were left out while the
/// commanding fix beside them changed the sentence, and a second `fix`
/// applied them.
#[test]
fn fix_all_retries_fixes_left_out_once_the_text_around_them_changed() {
    let text = "you need to use just restart it Just Unfortunately, we can't Just {{ name }} {{ name }} 😀 It's just restart it Just 1.\n\n";
    for format in [Format::Text, Format::Markdown] {
        let s = settings(format);
        let (once, _) = fix::fix_all(linter(), text, &s, fix::FIX_PASSES).unwrap();
        let (twice, _) = fix::fix_all(linter(), &once, &s, fix::FIX_PASSES).unwrap();
        assert_eq!(once, twice, "not idempotent ({format:?}): {text:?}");
        assert_eq!(once.matches("{{ name }}").count(), 2, "{once:?}");
    }
}
