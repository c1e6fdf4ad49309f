//! The command-line adapter. (Being built.)

pub fn main() -> i32 {
    // Temporary wiring on the `lsp` branch until the CLI lands.
    if std::env::args().nth(1).as_deref() == Some("lsp") {
        return match crate::lsp::run_stdio() {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("tactful: {e:#}");
                2
            }
        };
    }
    eprintln!("tactful: the CLI is being built");
    2
}
