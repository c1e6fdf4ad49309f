//! The command-line adapter: parses arguments (clap) and dispatches to the
//! subcommands; turns results into exit codes (0 clean, 1 findings, 2 usage/config).

mod atomic;
mod baseline;
mod baseline_cmd;
mod cache;
mod changed_lines;
mod check;
mod ci_output;
mod fix_cmd;
mod gate;
pub mod init;
mod lint_paths;
pub(crate) mod output;
mod report;
pub(crate) mod rules_cmd;
mod serve_cmd;
mod walk;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "tactful",
    version,
    about = "An empathy linter for customer-service replies and knowledge-base articles."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Sarif,
    Github,
    /// GitLab Code Quality (Code Climate issues JSON).
    Gitlab,
    /// reviewdog's diagnostic format (rdjson).
    Rdjson,
    /// JUnit XML for CI test dashboards.
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Hint,
    Never,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Lint files or folders (default: the current folder); `-` reads stdin.
    Check(check::Options),
    /// Apply the preferred fixes: show a diff (default) or write files atomically.
    Fix {
        paths: Vec<PathBuf>,
        /// Print a unified diff of the changes (the default).
        #[arg(long, conflicts_with = "write")]
        diff: bool,
        /// Write the changes to the files.
        #[arg(long)]
        write: bool,
    },
    /// List rules, explain one, or print the rule reference.
    Rules {
        #[command(subcommand)]
        action: Option<RulesAction>,
    },
    /// Accept today's findings: write them to a baseline file that
    /// `check --baseline` then leaves silent.
    Baseline {
        paths: Vec<PathBuf>,
        /// The baseline file to write.
        #[arg(short, long, default_value = baseline::DEFAULT_FILE)]
        output: PathBuf,
    },
    /// Write one self-contained HTML page: score distribution, findings by
    /// category, lowest-scoring folders, worst documents, change against a baseline.
    Report {
        paths: Vec<PathBuf>,
        /// The HTML file to write.
        #[arg(short, long, default_value = "tactful-report.html")]
        output: PathBuf,
        /// Show the change against this baseline file.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// The page title.
        #[arg(long)]
        title: Option<String>,
    },
    /// Write a commented tactful.toml in the current folder.
    Init {
        /// Overwrite an existing tactful.toml.
        #[arg(long)]
        force: bool,
    },
    /// Run the local HTTP service: web playground, JSON API, LanguageTool-compatible API.
    Serve(serve_cmd::Options),
    /// Run the language server over stdio.
    Lsp {
        /// Accepted for editors that pass it; stdio is the only transport.
        #[arg(long)]
        stdio: bool,
    },
}

#[derive(Subcommand, Debug)]
enum RulesAction {
    /// One line per rule.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Why a rule exists, its examples, and how to turn it off.
    Explain { id: String },
    /// The Markdown rule reference (docs/rules.md is generated from this).
    Docs,
    /// Proves every example of the rules in effect here (house packs too):
    /// bad ones flagged and fixed as written, good ones clean. Exit 1 on a failure.
    Test,
}

/// Runs the CLI; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(opts) => check::run(opts),
        Command::Fix {
            paths,
            diff: _,
            write,
        } => fix_cmd::run(paths, write),
        Command::Rules { action } => match action {
            None | Some(RulesAction::List { json: false }) => rules_cmd::list(false),
            Some(RulesAction::List { json: true }) => rules_cmd::list(true),
            Some(RulesAction::Explain { id }) => rules_cmd::explain(&id),
            Some(RulesAction::Docs) => rules_cmd::docs(),
            Some(RulesAction::Test) => rules_cmd::test(),
        },
        Command::Baseline { paths, output } => baseline_cmd::run(&paths, &output),
        Command::Report {
            paths,
            output,
            baseline,
            title,
        } => report::run(&paths, &output, baseline.as_deref(), title.as_deref()),
        Command::Init { force } => init::run(force),
        Command::Serve(opts) => serve_cmd::run(opts),
        Command::Lsp { stdio: _ } => match crate::lsp::run_stdio() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("tactful lsp: {e:#}");
                1
            }
        },
    }
}
