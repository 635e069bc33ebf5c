//! Output to a reader that may leave early: `whi validate bad/ | head -1`.
//! A closed pipe must not end the run (the checks go on, so that the exit
//! status is the real verdict a CI step with `pipefail` reads), and must
//! not hide what the run found (issue 16). [`Closable`] drops everything
//! written after the reader went away and reports success to the writer;
//! every other error is passed on.

use std::io::{self, Write};

/// A writer that, once its reader has gone (`EPIPE`), swallows what follows.
#[derive(Debug)]
pub struct Closable<W> {
    inner: W,
    closed: bool,
}

impl<W: Write> Closable<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        Closable {
            inner,
            closed: false,
        }
    }

    /// Whether the reader went away.
    pub fn closed(&self) -> bool {
        self.closed
    }
}

impl<W: Write> Write for Closable<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.inner.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.inner.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Pipe(usize);

    impl Write for Pipe {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            self.0 -= 1;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn writes_after_the_reader_left_are_dropped_not_failed() {
        let mut out = Closable::new(Pipe(1));
        assert!(writeln!(out, "first").is_ok());
        assert!(!out.closed());
        assert!(writeln!(out, "second").is_ok());
        assert!(out.closed());
        assert!(out.flush().is_ok());
    }

    #[test]
    fn other_errors_still_fail() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from_raw_os_error(28))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        assert!(writeln!(Closable::new(Full), "x").is_err());
    }
}
