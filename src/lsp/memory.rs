//! Giving memory back: after documents close, the allocator is asked to
//! return freed pages to the system (glibc keeps them otherwise, so a server
//! that once held 1,000 documents would keep their footprint). Debounced: one
//! trim shortly after a burst of closes; also once after the default packs
//! compile (compiling frees far more than the engine keeps). At start-up the
//! number of malloc arenas is capped: lint work runs on many short-lived
//! blocking threads, and glibc would otherwise give each its own arena, whose
//! free pages count in the server's resident memory.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Default)]
pub struct Trimmer {
    pending: Arc<AtomicBool>,
}

impl Trimmer {
    /// Schedules a trim (unless one is already scheduled).
    pub fn soon(&self) {
        if self.pending.swap(true, Ordering::SeqCst) {
            return;
        }
        let pending = self.pending.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            pending.store(false, Ordering::SeqCst);
            let _ = tokio::task::spawn_blocking(trim).await;
        });
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn trim() {
    // SAFETY: malloc_trim only releases free heap memory; it takes no
    // pointers and is safe to call from any thread at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn trim() {}

/// Caps glibc's malloc arenas (one per lint thread by default) at one:
/// lint allocates little per verification, so threads rarely contend, and
/// each extra arena kept about 2 MB of freed memory with 100 documents open.
/// Also fixes the mmap threshold at glibc's default of 128 KB: glibc raises
/// it to the size of every large block freed, so after the rule compile's
/// big temporary tables the next ones landed in the heap and left it
/// fragmented (about 3 MB of resident memory with 100 documents open).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn limit_arenas() {
    // SAFETY: mallopt only changes allocator tuning; called once at start-up
    // before any worker thread exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn limit_arenas() {}
