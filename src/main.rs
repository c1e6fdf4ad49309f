//! The `tactful` binary: parses the command line and hands over to the CLI
//! adapter. Nothing else lives here.

fn main() {
    std::process::exit(tactful::cli::main());
}
