//! An ordered worker pool: jobs made in input order on the calling thread
//! are done on worker threads, and their results are handed back to the
//! calling thread in that same order, as soon as each one's turn comes.
//!
//! Memory is bounded: at most `window` jobs are dispatched and not yet
//! consumed; the producer waits (consuming finished results) before making
//! more. Consuming stays on the calling thread, so output needs no locks and
//! its order never depends on scheduling. A panic in a worker is raised
//! again on the calling thread. With fewer than two workers everything runs
//! inline, in order. Nothing here knows what a job is, and nothing prints.

use std::collections::BTreeMap;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

/// What the producer hands over, in order.
pub(super) enum Unit<J, D> {
    /// Work for a worker.
    Job(J),
    /// A result known without any work (an unreadable input, say).
    Ready(D),
    /// A result consumed only once everything emitted before it has been:
    /// the producer waits for it (before a read that may block, say).
    Barrier(D),
}

/// Runs `produce`, which emits units in order; does each job with `work`
/// on `workers` threads; gives every result to `consume` in emission order.
/// An error from `produce` or `consume` stops the run (jobs already queued
/// are finished and dropped) and is returned.
pub(super) fn run<J, D, W, P, C>(
    workers: usize,
    window: usize,
    work: &W,
    produce: P,
    mut consume: C,
) -> io::Result<()>
where
    J: Send,
    D: Send,
    W: Fn(J) -> D + Sync,
    P: FnOnce(&mut dyn FnMut(Unit<J, D>) -> io::Result<()>) -> io::Result<()>,
    C: FnMut(D) -> io::Result<()>,
{
    if workers < 2 {
        return produce(&mut |unit| match unit {
            Unit::Job(job) => consume(work(job)),
            Unit::Ready(done) | Unit::Barrier(done) => consume(done),
        });
    }
    let (job_tx, job_rx) = mpsc::channel::<(usize, J)>();
    let job_rx = Mutex::new(job_rx);
    thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<(usize, thread::Result<D>)>();
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || serve(job_rx, &done_tx, work));
        }
        drop(done_tx);
        let mut order = Order {
            job_tx,
            done_rx,
            waiting: BTreeMap::new(),
            emitted: 0,
            consumed: 0,
            window: window.max(1),
        };
        produce(&mut |unit| order.push(unit, &mut consume))?;
        order.finish(&mut consume)
        // `order` (the job sender) is dropped here: idle workers stop, and
        // the scope waits for the others to finish their current job.
    })
}

/// A worker: takes jobs until the producer is gone, sends back results.
fn serve<J, D, W>(
    jobs: &Mutex<Receiver<(usize, J)>>,
    done: &Sender<(usize, thread::Result<D>)>,
    work: &W,
) where
    W: Fn(J) -> D,
{
    loop {
        // The lock is held only while waiting for a job, never while working.
        let next = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok((seq, job)) = next else {
            return;
        };
        let result = panic::catch_unwind(AssertUnwindSafe(|| work(job)));
        if done.send((seq, result)).is_err() {
            return;
        }
    }
}

/// The calling thread's side: dispatches, reorders and consumes.
struct Order<J, D> {
    job_tx: Sender<(usize, J)>,
    done_rx: Receiver<(usize, thread::Result<D>)>,
    /// Results that came back before their turn.
    waiting: BTreeMap<usize, D>,
    /// Units emitted so far (the next unit's sequence number).
    emitted: usize,
    /// Units consumed so far (the sequence number whose turn it is).
    consumed: usize,
    window: usize,
}

impl<J, D> Order<J, D> {
    fn push(
        &mut self,
        unit: Unit<J, D>,
        consume: &mut impl FnMut(D) -> io::Result<()>,
    ) -> io::Result<()> {
        let seq = self.emitted;
        self.emitted += 1;
        match unit {
            Unit::Ready(done) => {
                self.waiting.insert(seq, done);
            }
            Unit::Barrier(done) => {
                self.waiting.insert(seq, done);
                return self.finish(consume);
            }
            Unit::Job(job) => self.job_tx.send((seq, job)).map_err(|_| stopped())?,
        }
        while let Ok((seq, done)) = self.done_rx.try_recv() {
            self.arrive(seq, done);
        }
        self.drain(consume)?;
        while self.emitted - self.consumed > self.window {
            self.wait_one()?;
            self.drain(consume)?;
        }
        Ok(())
    }

    fn finish(&mut self, consume: &mut impl FnMut(D) -> io::Result<()>) -> io::Result<()> {
        self.drain(consume)?;
        while self.consumed < self.emitted {
            self.wait_one()?;
            self.drain(consume)?;
        }
        Ok(())
    }

    fn wait_one(&mut self) -> io::Result<()> {
        let (seq, done) = self.done_rx.recv().map_err(|_| stopped())?;
        self.arrive(seq, done);
        Ok(())
    }

    fn arrive(&mut self, seq: usize, done: thread::Result<D>) {
        match done {
            Ok(done) => {
                self.waiting.insert(seq, done);
            }
            Err(payload) => panic::resume_unwind(payload),
        }
    }

    /// Consumes every result whose turn has come.
    fn drain(&mut self, consume: &mut impl FnMut(D) -> io::Result<()>) -> io::Result<()> {
        while let Some(done) = self.waiting.remove(&self.consumed) {
            self.consumed += 1;
            consume(done)?;
        }
        Ok(())
    }
}

fn stopped() -> io::Error {
    io::Error::other("the worker threads stopped")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// Jobs that finish out of order still come back in order, with ready
    /// units in their place, and no more than `window` are ever in flight.
    #[test]
    fn results_come_back_in_emission_order_within_the_window() {
        let in_flight = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let work = |n: u64| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            thread::sleep(Duration::from_micros((n * 7919) % 500));
            in_flight.fetch_sub(1, Ordering::SeqCst);
            n
        };
        let mut seen = Vec::new();
        run(
            2,
            4,
            &work,
            |emit| {
                for n in 0..200u64 {
                    let unit = if n % 17 == 0 {
                        Unit::Ready(n)
                    } else {
                        Unit::Job(n)
                    };
                    emit(unit)?;
                }
                Ok(())
            },
            |n| {
                seen.push(n);
                Ok(())
            },
        )
        .ok();
        assert_eq!(seen, (0..200).collect::<Vec<_>>());
        assert!(peak.load(Ordering::SeqCst) <= 2);
    }

    /// A barrier is consumed only after every unit before it, before the
    /// producer goes on.
    #[test]
    fn a_barrier_waits_for_everything_before_it() {
        let seen = std::cell::RefCell::new(Vec::new());
        let work = |n: u64| {
            thread::sleep(Duration::from_micros(200 * (n % 3)));
            n
        };
        run(
            2,
            16,
            &work,
            |emit| {
                for n in 0..10u64 {
                    emit(Unit::Job(n))?;
                }
                emit(Unit::Barrier(100))?;
                // Everything before the barrier is consumed by now.
                assert_eq!(seen.borrow().len(), 11);
                emit(Unit::Job(11))
            },
            |n| {
                seen.borrow_mut().push(n);
                Ok(())
            },
        )
        .ok();
        let mut expected: Vec<u64> = (0..10).collect();
        expected.extend([100, 11]);
        assert_eq!(*seen.borrow(), expected);
    }

    #[test]
    fn one_worker_runs_inline_in_order() {
        let mut seen = Vec::new();
        let result = run(
            1,
            4,
            &|n: u32| n * 2,
            |emit| (0..5).try_for_each(|n| emit(Unit::Job(n))),
            |n| {
                seen.push(n);
                Ok(())
            },
        );
        assert!(result.is_ok());
        assert_eq!(seen, vec![0, 2, 4, 6, 8]);
    }

    /// A consumer error (a closed stdout) ends the run with that error.
    #[test]
    fn a_consumer_error_stops_the_run() {
        let mut consumed = 0;
        let result = run(
            2,
            8,
            &|n: u32| n,
            |emit| (0..10_000).try_for_each(|n| emit(Unit::Job(n))),
            |_| {
                consumed += 1;
                if consumed == 3 {
                    Err(io::Error::from(io::ErrorKind::BrokenPipe))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(
            result.err().map(|e| e.kind()),
            Some(io::ErrorKind::BrokenPipe)
        );
        assert_eq!(consumed, 3);
    }

    #[test]
    fn a_worker_panic_is_raised_on_the_calling_thread() {
        let outcome = panic::catch_unwind(|| {
            run(
                2,
                8,
                &|n: u32| if n == 5 { panic!("job five") } else { n },
                |emit| (0..20).try_for_each(|n| emit(Unit::Job(n))),
                |_| Ok(()),
            )
        });
        assert!(outcome.is_err());
    }
}
