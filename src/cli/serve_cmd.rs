//! `tactful serve`: flags → [`crate::serve::ServeOptions`]; resolves the
//! config of the current folder once at start-up and runs the service.

use std::net::SocketAddr;
use std::time::Duration;

use crate::config::ConfigCache;
use crate::serve::ServeOptions;

#[derive(clap::Args, Debug)]
pub struct Options {
    /// Address to listen on (loopback by default).
    #[arg(long, default_value = "127.0.0.1:7383")]
    pub addr: SocketAddr,
    /// Another origin allowed to call the API from a web page (repeatable),
    /// e.g. `https://support.example.com`. The tactful extension is always allowed.
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Requests handled at once; more wait for a slot.
    #[arg(long, default_value_t = 64)]
    pub max_concurrent: usize,
    /// Longest a request may take, in seconds (waiting for a slot included); also how long a
    /// client may take to send its request head.
    #[arg(long, default_value_t = 10)]
    pub timeout_secs: u64,
}

pub fn run(opts: Options) -> i32 {
    let config = match ConfigCache::new().for_file(std::path::Path::new("./.")) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tactful: config error: {e}");
            return 2;
        }
    };
    let serve = ServeOptions {
        addr: opts.addr,
        allowed_origins: opts.allow_origin,
        max_body_bytes: opts.max_body_bytes,
        max_concurrent: opts.max_concurrent,
        timeout: Duration::from_secs(opts.timeout_secs.max(1)),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("tactful serve: cannot start the runtime: {e}");
            return 1;
        }
    };
    match runtime.block_on(crate::serve::run(config, serve)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("tactful serve: {e:#}");
            1
        }
    }
}
