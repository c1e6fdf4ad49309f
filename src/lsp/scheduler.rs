//! Where lint work runs: every lint job gets a thread of its own, never a
//! thread of the request loop, and at most `slots` jobs start at once. A job
//! holds its slot for at most `slot_budget`; past that it keeps running
//! (there is no safe way to stop a thread) but no longer keeps other
//! documents waiting. So a document stuck on a pathological rule pack can
//! slow the others down, never stop them or a request being answered.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{oneshot, Semaphore};

/// How a job ended, as far as the caller waited.
pub enum Outcome<T> {
    Done(T),
    /// Still running after the slot budget; the receiver resolves when it
    /// ends (an error if it panicked).
    Slow(oneshot::Receiver<std::thread::Result<T>>),
    /// It panicked (the message).
    Panicked(String),
}

pub struct Scheduler {
    slots: Arc<Semaphore>,
    slot_budget: Duration,
}

/// Lint threads get a large stack: deep documents and patterns recurse.
const STACK_BYTES: usize = 64 << 20;

pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_string())
}

impl Scheduler {
    pub fn new(slots: usize, slot_budget: Duration) -> Scheduler {
        Scheduler {
            slots: Arc::new(Semaphore::new(slots.max(1))),
            slot_budget,
        }
    }

    /// Runs `job` on its own thread once a slot is free.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Outcome<T> {
        let permit = self.slots.clone().acquire_owned().await;
        let (tx, mut rx) = oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("tactful-lint".into())
            .stack_size(STACK_BYTES)
            .spawn(move || {
                let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                let _ = tx.send(r);
            });
        if let Err(e) = spawned {
            return Outcome::Panicked(format!("cannot start a lint thread: {e}"));
        }
        let result = tokio::time::timeout(self.slot_budget, &mut rx).await;
        drop(permit);
        match result {
            Ok(Ok(Ok(t))) => Outcome::Done(t),
            Ok(Ok(Err(p))) => Outcome::Panicked(panic_message(&*p)),
            Ok(Err(_)) => Outcome::Panicked("the lint thread ended without a result".into()),
            Err(_) => Outcome::Slow(rx),
        }
    }
}
