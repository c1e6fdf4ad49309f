//! The command-line adapter. (Being built.)

pub fn main() -> i32 {
    eprintln!("tactful: the CLI is being built");
    2
}
