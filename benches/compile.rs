//! Start-up cost of the embedded rule packs (prints figures; asserts
//! nothing): time to load the packs and to compile them into an engine, the
//! live heap each stage leaves behind (counted by a wrapping allocator), and
//! the process RSS. Run with `cargo bench --bench compile`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LIVE.fetch_add(n as isize - l.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn live_mb() -> f64 {
    LIVE.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0)
}

fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |k| k / 1024.0)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let base = live_mb();
    let (mut load, mut build, mut total) = (Vec::new(), Vec::new(), Vec::new());
    let mut after_load = 0.0;
    for _ in 0..15 {
        let t0 = Instant::now();
        let rules = tactful::rules::default_rules().expect("embedded packs load");
        let t1 = Instant::now();
        after_load = live_mb() - base;
        let engine = tactful::engine::Engine::new(rules, &Default::default()).expect("compiles");
        let t2 = Instant::now();
        load.push(t1 - t0);
        build.push(t2 - t1);
        total.push(t2 - t0);
        drop(engine);
    }
    println!(
        "compile default packs: median {} (load packs {}, engine {})",
        ms(median(total)),
        ms(median(load)),
        ms(median(build))
    );
    let engine = tactful::engine::Engine::default_packs();
    println!(
        "live heap: {:.1} MB after loading the packs, {:.1} MB held by the engine ({} rules); process RSS {:.1} MB",
        after_load,
        live_mb() - base,
        engine.rules().len(),
        rss_mb()
    );
}
