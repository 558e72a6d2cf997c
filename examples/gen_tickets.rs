//! Synthetic ticket corpus for the evaluator, and an in-process bulk run.
//!
//! ```text
//! cargo run --release --example gen_tickets -- 1000000 > tickets.jsonl
//! cargo run --release --example gen_tickets -- 1000000 --eval   # generate + evaluate, timings on stderr
//! ```
//!
//! Tickets fit `benches/data/corpus.sla` (Chicago business hours, sev1 on
//! 24x7). The corpus is deterministic for a given count and `--seed`.

#[path = "../benches/common/synth.rs"]
mod synth;

use slate::stream::{evaluate_stream, StreamOptions};
use std::io::{self, BufRead, Read, Write};
use std::time::Instant;
use synth::synthetic_ticket;

/// Generates the corpus lazily as a `BufRead`, so a million tickets never
/// sit in memory.
struct Corpus {
    next: u64,
    count: u64,
    seed: u64,
    buf: Vec<u8>,
    pos: usize,
}

impl Read for Corpus {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(out.len());
        out[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl BufRead for Corpus {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.pos >= self.buf.len() && self.next < self.count {
            self.buf.clear();
            self.pos = 0;
            // Generate a batch of lines at a time.
            for _ in 0..256 {
                if self.next >= self.count {
                    break;
                }
                self.buf
                    .extend_from_slice(synthetic_ticket(self.next, self.seed).as_bytes());
                self.buf.push(b'\n');
                self.next += 1;
            }
        }
        Ok(&self.buf[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let count: u64 = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let seed = args
        .iter()
        .position(|a| a == "--seed")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(7);
    let corpus = Corpus {
        next: 0,
        count,
        seed,
        buf: Vec::new(),
        pos: 0,
    };
    if !args.iter().any(|a| a == "--eval") {
        let mut out = io::BufWriter::new(io::stdout().lock());
        io::copy(&mut { corpus }, &mut out)?;
        out.flush()?;
        return Ok(());
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/corpus.sla");
    let compiled = slate::compile(&slate::SourceFile::new(
        path,
        std::fs::read_to_string(path)?,
    ))?;
    let start = Instant::now();
    let mut sink = io::BufWriter::new(io::sink());
    let summary = evaluate_stream(
        &compiled,
        corpus,
        &mut sink,
        &StreamOptions::default(),
        &mut |_| {},
    )?;
    let secs = start.elapsed().as_secs_f64();
    eprintln!(
        "read {} evaluated {} failed {} in {secs:.2}s ({:.0} tickets/s)",
        summary.read,
        summary.evaluated,
        summary.failed,
        summary.read as f64 / secs.max(1e-9)
    );
    for e in summary.errors.iter().take(5) {
        eprintln!("  {e}");
    }
    Ok(())
}
