//! Load test of `tactful serve` on loopback: a bounded burst of 2,000 requests from 32
//! concurrent keep-alive clients (3 of 4 on POST /api/v1/check, 1 of 4 on the LanguageTool
//! POST /v2/check), against the release binary. Reports p50/p90/p99/max latency, throughput and
//! errors; exits non-zero only on errors (timings are reported, never asserted).
//! Run: `cargo bench --bench serve_load` (REQUESTS / CLIENTS env vars override the burst).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REPLY: &str = "Hi {{ticket.requester.first_name}},\n\nThanks for getting in touch. Unfortunately, as per our policy, you failed to enter the code before it expired, so there is nothing I can do. Just restart the app and simply request a new code; it's easy. Sorry for any inconvenience this may have caused. If you had read the FAQ you would have known this.\n\nLet me know if there's anything else.\nBest,\n{{agent.name}}\n";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    // `cargo test --benches` runs benches once as tests with `--bench` absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let requests = env_usize("REQUESTS", if quick { 64 } else { 2000 });
    let clients = env_usize("CLIENTS", if quick { 4 } else { 32 });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("tactful.toml"), "# load test: defaults\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tactful"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawning tactful serve");
    let mut first = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let base = first
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .map(|a| format!("http://{a}"))
        .expect("tactful serve printed its address");
    let native_body = serde_json::json!({"text": REPLY, "kind": "reply"}).to_string();
    let next = Arc::new(AtomicUsize::new(0));
    let errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let latencies = Arc::new(Mutex::new(Vec::with_capacity(requests)));
    let started = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|_| {
            let (next, errors, latencies) = (next.clone(), errors.clone(), latencies.clone());
            let (base, native_body) = (base.clone(), native_body.clone());
            std::thread::spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build()
                    .into();
                let mut mine = Vec::new();
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= requests {
                        break;
                    }
                    let t = Instant::now();
                    let resp = if n % 4 == 3 {
                        agent
                            .post(format!("{base}/v2/check"))
                            .send_form([("text", REPLY), ("language", "en-US")])
                    } else {
                        agent
                            .post(format!("{base}/api/v1/check"))
                            .header("content-type", "application/json")
                            .send(native_body.as_bytes())
                    };
                    let outcome = match resp {
                        Ok(mut r) if r.status() == 200 => match r.body_mut().read_to_string() {
                            Ok(body) if body.contains("blame-customer") => Ok(()),
                            Ok(body) => {
                                Err(format!("request {n}: answer without findings: {body:.200}"))
                            }
                            Err(e) => Err(format!("request {n}: reading the body: {e}")),
                        },
                        Ok(r) => Err(format!("request {n}: HTTP {}", r.status())),
                        Err(e) => Err(format!("request {n}: {e}")),
                    };
                    mine.push(t.elapsed());
                    if let Err(e) = outcome {
                        errors.lock().unwrap().push(e);
                    }
                }
                latencies.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let wall = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let errors = errors.lock().unwrap();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "serve_load: {} requests, {clients} concurrent clients, {} bytes/reply: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {:.0} req/s over {:.2} s; errors {}",
        lat.len(),
        REPLY.len(),
        ms(percentile(&lat, 0.50)),
        ms(percentile(&lat, 0.90)),
        ms(percentile(&lat, 0.99)),
        ms(*lat.last().unwrap()),
        lat.len() as f64 / wall.as_secs_f64(),
        wall.as_secs_f64(),
        errors.len()
    );
    if !errors.is_empty() {
        for e in errors.iter().take(10) {
            eprintln!("  {e}");
        }
        std::process::exit(1);
    }
}
