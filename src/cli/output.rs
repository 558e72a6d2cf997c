//! Standard output, for every command. A reader that goes away early (a
//! closed pipe: `slate check --format json . | head -c 10`) is not an error:
//! the command stops writing and ends with the exit code it would have had,
//! without a panic and without a message. Any other write failure (a full
//! disk) is an I/O failure, exit 3.

use super::EXIT_IO;
use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Buffered standard output that notices a closed pipe.
pub struct Stdout {
    inner: io::BufWriter<io::StdoutLock<'static>>,
    closed: Arc<AtomicBool>,
    failed: Option<io::Error>,
}

/// Whether the reader of standard output has gone away; readable after the
/// [`Stdout`] was handed to a writer that owns it.
#[derive(Clone)]
pub struct Closed(Arc<AtomicBool>);

impl Closed {
    /// True once a write found the pipe closed.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

impl Stdout {
    /// Standard output, locked and buffered for the life of the value.
    pub fn new() -> Self {
        Stdout {
            inner: io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
            closed: Arc::new(AtomicBool::new(false)),
            failed: None,
        }
    }

    /// A handle that tells, later, whether the pipe was closed.
    pub fn closed(&self) -> Closed {
        Closed(Arc::clone(&self.closed))
    }

    /// Writes `text`; after a failure, writes nothing more.
    pub fn print(&mut self, text: &str) {
        if self.failed.is_none() && !self.closed.load(Ordering::Relaxed) {
            if let Err(e) = self.write_all(text.as_bytes()) {
                self.failed = (e.kind() != io::ErrorKind::BrokenPipe).then_some(e);
            }
        }
    }

    /// Writes `text` and a line break.
    pub fn line(&mut self, text: &str) {
        self.print(text);
        self.print("\n");
    }

    /// Flushes; `code` if everything was written or the reader went away,
    /// else an error message and [`EXIT_IO`].
    pub fn finish(mut self, code: i32) -> i32 {
        if self.failed.is_none() && !self.closed.load(Ordering::Relaxed) {
            if let Err(e) = self.flush() {
                self.failed = (e.kind() != io::ErrorKind::BrokenPipe).then_some(e);
            }
        }
        match self.failed.take() {
            Some(e) => {
                eprintln!("error: cannot write to standard output: {e}");
                EXIT_IO
            }
            None => code,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf).inspect_err(|e| self.note(e))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf).inspect_err(|e| self.note(e))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|e| self.note(e))
    }
}

impl Stdout {
    fn note(&self, e: &io::Error) {
        if e.kind() == io::ErrorKind::BrokenPipe {
            self.closed.store(true, Ordering::Relaxed);
        }
    }
}
