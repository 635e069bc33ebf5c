//! Standard input read on a thread of its own, and the run's interrupt
//! flag (issue 16: a paused stream held back results that were ready, and
//! Ctrl-C threw them away).
//!
//! [`Stdin`] starts its thread at the first read (a run that never reads
//! stdin never touches it), reads to end-of-file once, and hands the bytes
//! over through a bounded channel. The calling thread therefore never
//! blocks in `read(2)`: it waits on the channel a little at a time, so that
//! after [`interrupt`] (Ctrl-C) it sees end-of-file and the run ends in
//! order, printing what was done. [`would_wait`] says whether the next read
//! would wait for the writer, which is when results already computed must
//! be written out rather than held for a fuller batch.
//!
//! The flags are process-wide, as signals are. Nothing here prints.

use std::io::{self, Read};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, TryRecvError};
use std::time::Duration;

static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// Chunks sent by the reading thread and not yet taken.
static QUEUED: AtomicUsize = AtomicUsize::new(0);
/// Whether [`Stdin`] holds bytes not yet handed out, or has ended.
static READY: AtomicBool = AtomicBool::new(false);
/// Whether a [`Stdin`] is being read at all.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// Asks the run to stop (Ctrl-C): no more input is read, what was read is
/// finished and reported.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Whether [`interrupt`] was called.
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Whether the run ends itself on Ctrl-C (`whi listen`).
static LINGER: AtomicBool = AtomicBool::new(false);

/// Says that this run ends itself on Ctrl-C, finishing what is in flight
/// and exiting 0: the process is not to be cut short after a moment, and
/// an interrupted run is not a failure.
pub fn linger() {
    LINGER.store(true, Ordering::SeqCst);
}

/// Whether [`linger`] was called.
pub fn lingers() -> bool {
    LINGER.load(Ordering::SeqCst)
}

/// Whether reading standard input now would wait for its writer: nothing
/// is buffered or queued, and the stream has not ended.
pub fn would_wait() -> bool {
    ACTIVE.load(Ordering::SeqCst)
        && !READY.load(Ordering::SeqCst)
        && QUEUED.load(Ordering::SeqCst) == 0
}

/// How much one read of the real stdin asks for.
const CHUNK: usize = 256 * 1024;

/// Chunks in flight between the threads, at most: bounds memory.
const QUEUE: usize = 8;

/// Standard input, read on its own thread. See the module documentation.
#[derive(Debug, Default)]
pub struct Stdin {
    rx: Option<Receiver<io::Result<Vec<u8>>>>,
    buffer: Vec<u8>,
    at: usize,
    ended: bool,
}

impl Stdin {
    /// A reader of the process's standard input; nothing is read yet.
    pub fn new() -> Self {
        Stdin::default()
    }

    fn start(&mut self) -> &Receiver<io::Result<Vec<u8>>> {
        self.rx.get_or_insert_with(|| {
            let (tx, rx) = mpsc::sync_channel(QUEUE);
            ACTIVE.store(true, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut stdin = io::stdin().lock();
                loop {
                    let mut chunk = vec![0; CHUNK];
                    let result = match stdin.read(&mut chunk) {
                        Ok(n) => {
                            chunk.truncate(n);
                            Ok(chunk)
                        }
                        Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                        Err(e) => Err(e),
                    };
                    // End-of-file and errors are final: stdin is read once.
                    let last = !matches!(&result, Ok(chunk) if !chunk.is_empty());
                    QUEUED.fetch_add(1, Ordering::SeqCst);
                    if tx.send(result).is_err() || last {
                        return;
                    }
                }
            });
            rx
        })
    }

    /// The next chunk from the thread, or `None` at end-of-file (or after
    /// an interrupt).
    fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        loop {
            if interrupted() {
                return Ok(None);
            }
            let rx = self.start();
            let received = match rx.try_recv() {
                Ok(item) => Ok(item),
                Err(TryRecvError::Disconnected) => Err(RecvTimeoutError::Disconnected),
                Err(TryRecvError::Empty) => rx.recv_timeout(Duration::from_millis(50)),
            };
            match received {
                Ok(item) => {
                    QUEUED.fetch_sub(1, Ordering::SeqCst);
                    let chunk = item?;
                    return Ok((!chunk.is_empty()).then_some(chunk));
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        }
    }
}

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.at == self.buffer.len() {
            if self.ended {
                return Ok(0);
            }
            match self.next_chunk() {
                Ok(Some(chunk)) => {
                    self.buffer = chunk;
                    self.at = 0;
                }
                Ok(None) => {
                    self.ended = true;
                    READY.store(true, Ordering::SeqCst);
                    return Ok(0);
                }
                Err(e) => {
                    self.ended = true;
                    READY.store(true, Ordering::SeqCst);
                    return Err(e);
                }
            }
        }
        let n = buf.len().min(self.buffer.len() - self.at);
        buf[..n].copy_from_slice(&self.buffer[self.at..self.at + n]);
        self.at += n;
        READY.store(self.at < self.buffer.len() || self.ended, Ordering::SeqCst);
        Ok(n)
    }
}
