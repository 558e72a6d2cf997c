//! Streaming bulk evaluation: read tickets in chunks, evaluate each chunk in
//! parallel (rayon), write the answers in input order. The calling thread
//! reads the next chunk and writes the previous one's answers while the
//! pool evaluates, so at most two chunks are in flight.
//!
//! Memory is bounded by twice the chunk size (lines held at once, default
//! 1024, with their rendered answers; a chunk's lines share one buffer, and
//! the buffers are reused for later chunks) plus the duplicate-id window:
//! the ids of at least the last `duplicate_window` tickets (default 524,288)
//! and at most twice that, each with its line (about 85 MB at most with
//! ten-character ids), plus at most `max_errors` stored errors (the counts
//! always include every failure). Memory is therefore flat in the number of
//! tickets: a stream of ten million costs what one of a million does. The
//! price: a duplicate whose first use is further back than that is not
//! reported (docs/eval.md).

use super::csv_in::CsvTickets;
use super::jsonl::read_line;
use super::report::{render, OutputFormat, Reporter};
use crate::calendar::CalendarSet;
use crate::eval::answer::evaluate_selected;
use crate::eval::timeline::{validate, InputError, InputErrorKind, RawTicket, ReadOptions, Ticket};
use crate::eval::MetricSelection;
use crate::ir::Policy;
use crate::Compiled;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;
use std::sync::{mpsc, Mutex};

/// Options for [`evaluate_stream`] and [`evaluate_csv_stream`]: start from
/// `StreamOptions::default()` and set the fields you need.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct StreamOptions {
    /// The evaluation instant; `None` evaluates each ticket at its latest event.
    pub at: Option<DateTime<Utc>>,
    /// How times are read.
    pub read: ReadOptions,
    /// The output format.
    pub format: OutputFormat,
    /// Which metrics are answered (default: all of them); the others are
    /// not measured, and breaches count only among those answered.
    pub metrics: MetricSelection,
    /// Lines (JSONL) or tickets (CSV) per parallel chunk.
    pub chunk: usize,
    /// At most this many errors are kept in [`Summary::errors`].
    pub max_errors: usize,
    /// Duplicate ids are detected among at least the last this many tickets
    /// and at most twice that many (exactly: no false reports); an id first
    /// used further back is forgotten.
    pub duplicate_window: usize,
}

/// The default [`StreamOptions::duplicate_window`]: 2^19 ids.
pub(crate) const DUPLICATE_WINDOW: usize = 1 << 19;

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            at: None,
            read: ReadOptions::default(),
            format: OutputFormat::Jsonl,
            metrics: MetricSelection::all(),
            // 4096 took 7% more CPU on one core (docs/performance.md): two
            // chunks' answers (about 25 MB) no longer stayed in the caches.
            chunk: 1024,
            max_errors: 10_000,
            duplicate_window: DUPLICATE_WINDOW,
        }
    }
}

/// Progress so far, reported after each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Progress {
    /// Bytes of input consumed.
    pub bytes: u64,
    /// Lines of input consumed.
    pub lines: u64,
    /// Tickets read so far.
    pub tickets: u64,
}

/// What a stream evaluation did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Summary {
    /// Tickets read (non-blank lines, or CSV ticket groups).
    pub read: u64,
    /// Tickets evaluated and written.
    pub evaluated: u64,
    /// Tickets that failed (`read = evaluated + failed`).
    pub failed: u64,
    /// Evaluated tickets with at least one breached cycle (for
    /// `--fail-on-breach`).
    pub breached: u64,
    /// The failures, in input order (at most `max_errors`).
    pub errors: Vec<InputError>,
}

/// The tickets of one chunk.
enum Jobs {
    /// JSON lines: their numbers and their bytes in the chunk's text
    /// (newline included, not yet checked for UTF-8).
    Lines(Vec<(u64, Range<usize>)>),
    /// Tickets a reader already grouped (CSV).
    Raw(Vec<Result<RawTicket<'static>, InputError>>),
}

impl Jobs {
    /// The input line of each ticket.
    fn lines(&self) -> Vec<u64> {
        match self {
            Jobs::Lines(lines) => lines.iter().map(|(l, _)| *l).collect(),
            Jobs::Raw(raws) => raws
                .iter()
                .map(|r| match r {
                    Ok(r) => r.line,
                    Err(e) => e.line,
                })
                .collect(),
        }
    }
}

/// A chunk's tickets and the text its [`Jobs::Lines`] are in (empty for
/// other jobs): one buffer per chunk instead of one string per line.
struct Chunk {
    text: Vec<u8>,
    jobs: Jobs,
}

struct Driver<'a, W: Write> {
    policy: &'a Policy,
    hours: &'a CalendarSet,
    opts: &'a StreamOptions,
    reporter: Reporter<W>,
    seen: IdWindow,
    summary: Summary,
}

/// The ids of the most recent tickets, each with its line, in two
/// generations of at most `window` ids: when the newer one is full, the
/// older one is dropped and the newer one takes its place. So every id of
/// the last `window` tickets is remembered (exactly: no false reports), some
/// up to `2 * window` back, and memory is the same after ten million
/// tickets as after one million. (One map with oldest-first eviction grew
/// its table once more after the first eviction: hash maps count deleted
/// entries against their capacity.)
struct IdWindow {
    newer: HashMap<IdKey, u64>,
    older: HashMap<IdKey, u64>,
    window: usize,
}

/// An id as a map key: ids up to 22 bytes (nearly all) are kept inline,
/// longer ones on the heap. Inline keys make no allocation per ticket, so
/// the window's memory is its two tables and nothing that fragments as
/// generations are dropped (with one small allocation per id, peak memory
/// still crept up by a quarter between one and ten million tickets).
#[derive(PartialEq, Eq)]
enum IdKey {
    Short { len: u8, bytes: [u8; 22] },
    Long(Box<str>),
}

/// Hashes the id's bytes only: the derived hash also fed the variant, the
/// length and all 22 inline bytes (padding included) to SipHash, about
/// four times the bytes of a typical id. Equal keys have equal bytes, so
/// equal hashes.
impl std::hash::Hash for IdKey {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(match self {
            IdKey::Short { len, bytes } => &bytes[..usize::from(*len)],
            IdKey::Long(s) => s.as_bytes(),
        });
    }
}

impl IdKey {
    fn new(id: &str) -> IdKey {
        let b = id.as_bytes();
        if b.len() <= 22 {
            let mut bytes = [0; 22];
            bytes[..b.len()].copy_from_slice(b);
            IdKey::Short {
                len: b.len() as u8,
                bytes,
            }
        } else {
            IdKey::Long(id.into())
        }
    }
}

impl IdWindow {
    fn new(window: usize) -> IdWindow {
        IdWindow {
            newer: HashMap::new(),
            older: HashMap::new(),
            window: window.max(1),
        }
    }

    /// The line of an earlier ticket with this id, if it is remembered;
    /// otherwise remembers this one. The id is hashed once per table (a
    /// lookup and then an insertion hashed it a third time). (Giving the
    /// newer table its full size up front, to spare its rehashing as it
    /// grows, made 100,000 tickets touch the whole 32 MB table: not done.)
    fn first_or_insert(&mut self, id: &str, line: u64) -> Option<u64> {
        let key = IdKey::new(id);
        if let Some(&first) = self.older.get(&key) {
            return Some(first);
        }
        if self.newer.len() >= self.window {
            if let Some(&first) = self.newer.get(&key) {
                return Some(first);
            }
            // The oldest generation's table is emptied and reused for the
            // next one (allocated at full size the first time): after the
            // first rotation no table is allocated or freed again, so
            // memory after ten million tickets is what it was after one
            // million (freeing and allocating a table per generation let
            // the allocator's cached blocks add up).
            self.older.clear();
            if self.older.capacity() < self.window {
                self.older = HashMap::with_capacity(self.window);
            }
            std::mem::swap(&mut self.older, &mut self.newer);
        }
        match self.newer.entry(key) {
            Entry::Occupied(e) => Some(*e.get()),
            Entry::Vacant(e) => {
                e.insert(line);
                None
            }
        }
    }
}

/// The text of one JSON line, without a byte order mark and surrounding
/// whitespace.
fn line_text(bytes: &[u8], line: u64) -> Result<&str, InputError> {
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(t.trim_start_matches('\u{feff}').trim()),
        Err(e) => Err(InputError {
            ticket: None,
            line,
            kind: InputErrorKind::Malformed(format!("not UTF-8: {e}")),
        }),
    }
}

/// Whether a line is skipped: UTF-8 whose [`line_text`] is empty. Decided
/// from the first bytes for usual lines, without checking the whole line.
fn is_blank(bytes: &[u8]) -> bool {
    let mut rest = bytes;
    while let Some(r) = rest.strip_prefix("\u{feff}".as_bytes()) {
        rest = r;
    }
    // The ASCII characters `str::trim` removes.
    let space = |b: &u8| matches!(b, b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r' | b' ');
    match rest.iter().find(|b| !space(b)) {
        None => true,
        Some(b) if b.is_ascii() => false,
        Some(_) => line_text(bytes, 0).is_ok_and(str::is_empty),
    }
}

/// Evaluates and renders one validated ticket (in a worker thread),
/// appending its answer to `out`; returns the id, the answer's byte range
/// in `out` and whether it has a breach. On failure `out` is left as it was.
fn run_job(
    policy: &Policy,
    hours: &CalendarSet,
    opts: &StreamOptions,
    ticket: Result<Ticket, InputError>,
    out: &mut Vec<u8>,
) -> Result<(String, Range<usize>, bool), InputError> {
    let ticket = ticket?;
    let at = match opts.at.or_else(|| ticket.latest_event()) {
        Some(at) => at,
        None => return Err(fail(&ticket.id, ticket.line, "no events".to_string())),
    };
    let answer = evaluate_selected(policy, hours, &ticket, at, &opts.metrics)
        .map_err(|e| fail(&ticket.id, ticket.line, e.to_string()))?;
    let start = out.len();
    if let Err(e) = render(opts.format, &answer, out) {
        out.truncate(start);
        return Err(fail(&ticket.id, ticket.line, e.to_string()));
    }
    let breached = answer.metrics.iter().any(|m| m.breaches > 0);
    drop(answer);
    Ok((ticket.id, start..out.len(), breached))
}

/// Tickets evaluated together by one worker, rendered into one buffer (one
/// allocation per batch instead of one per answer).
const BATCH: usize = 64;

/// A batch's answers, and per ticket its id, byte range and breach, or its error.
type Batch = (
    Vec<u8>,
    Vec<Result<(String, Range<usize>, bool), InputError>>,
);

/// Room made for a batch's answers, per ticket.
const ANSWER_GUESS: usize = 4096;

/// Answer buffers already written out, for later batches: the workers
/// would otherwise allocate, and the writer free, megabytes per chunk.
/// Holds at most as many buffers as were in flight at once.
#[derive(Default)]
struct Spare(Mutex<Vec<Vec<u8>>>);

impl Spare {
    /// An empty buffer with room for `answers` answers.
    fn take(&self, answers: usize) -> Vec<u8> {
        let mut buf = self
            .0
            .lock()
            .ok()
            .and_then(|mut s| s.pop())
            .unwrap_or_default();
        buf.reserve(answers * ANSWER_GUESS);
        buf
    }

    /// Keeps `buf` for later, cut back to the size [`Spare::take`] makes
    /// room for: a kept buffer that grew for one batch of long answers
    /// would otherwise stay large, and as the pool's buffers each took the
    /// largest batch they ever held, peak memory crept up with the number
    /// of tickets (160 MB after ten million, 127 MB after one).
    fn put(&self, mut buf: Vec<u8>) {
        buf.clear();
        buf.shrink_to(BATCH * ANSWER_GUESS);
        if let Ok(mut s) = self.0.lock() {
            s.push(buf);
        }
    }
}

/// Evaluates and renders a chunk in the pool, in batches of [`BATCH`];
/// hands back its text (for the reader to reuse).
fn evaluate_chunk(
    policy: &Policy,
    hours: &CalendarSet,
    opts: &StreamOptions,
    spare: &Spare,
    chunk: Chunk,
) -> (Vec<Batch>, Vec<u8>) {
    let Chunk { text, jobs } = chunk;
    let batches = match jobs {
        Jobs::Lines(lines) => in_batches(lines, spare, |(line, range), out| {
            let ticket =
                line_text(&text[range], line).and_then(|t| read_line(policy, t, line, &opts.read));
            run_job(policy, hours, opts, ticket, out)
        }),
        Jobs::Raw(raws) => in_batches(raws, spare, |raw, out| {
            let ticket = raw.and_then(|raw| validate(policy, raw, &opts.read));
            run_job(policy, hours, opts, ticket, out)
        }),
    };
    (batches, text)
}

/// Runs `job` on each of `jobs` in the pool, in batches of [`BATCH`] that
/// render into one buffer each.
fn in_batches<T: Send>(
    jobs: Vec<T>,
    spare: &Spare,
    job: impl Fn(T, &mut Vec<u8>) -> Result<(String, Range<usize>, bool), InputError> + Sync,
) -> Vec<Batch> {
    jobs.into_par_iter()
        .chunks(BATCH)
        .map(|batch| {
            let mut out = spare.take(batch.len());
            let results = batch.into_iter().map(|j| job(j, &mut out)).collect();
            (out, results)
        })
        .collect()
}

impl<'a, W: Write> Driver<'a, W> {
    fn new(policy: &'a Policy, hours: &'a CalendarSet, opts: &'a StreamOptions, output: W) -> Self {
        Driver {
            policy,
            hours,
            opts,
            reporter: Reporter::new(opts.format, output),
            seen: IdWindow::new(opts.duplicate_window),
            summary: Summary::default(),
        }
    }

    /// Flushes the output and hands back the counts.
    fn finish(self) -> io::Result<Summary> {
        self.reporter.finish()?;
        Ok(self.summary)
    }

    /// Runs the chunks `next` gives: each is evaluated in the pool while
    /// this thread reads the next one and writes the previous one's answers
    /// (at most two chunks in flight). `next` is given an empty buffer for
    /// the chunk's text (a written chunk's, so that its memory is reused) and
    /// returns `None` when there is nothing more, or a chunk, the progress
    /// after it, and whether it is the last one. `progress` is called after
    /// each chunk is written.
    fn run(
        &mut self,
        mut next: impl FnMut(Vec<u8>) -> io::Result<Option<(Chunk, Progress, bool)>>,
        progress: &mut dyn FnMut(Progress),
    ) -> io::Result<()> {
        let (policy, hours, opts) = (self.policy, self.hours, self.opts);
        let spare_out = &Spare::default();
        rayon::in_place_scope(|s| {
            let mut pending = VecDeque::new();
            let mut spare = Vec::new();
            loop {
                let chunk = next(std::mem::take(&mut spare))?;
                let last = chunk.as_ref().is_none_or(|c| c.2);
                if let Some((chunk, p, _)) = chunk {
                    let lines = chunk.jobs.lines();
                    let (tx, rx) = mpsc::sync_channel::<(Vec<Batch>, Vec<u8>)>(1);
                    s.spawn(move |_| {
                        // The receiver is gone only when writing failed.
                        let _ = tx.send(evaluate_chunk(policy, hours, opts, spare_out, chunk));
                    });
                    pending.push_back((lines, p, rx));
                }
                while pending.len() > usize::from(!last) {
                    let Some((lines, p, rx)) = pending.pop_front() else {
                        break;
                    };
                    let (batches, mut text) = rx
                        .recv()
                        .map_err(|_| io::Error::other("a worker thread failed"))?;
                    self.write_chunk(lines, batches, spare_out)?;
                    text.clear();
                    spare = text;
                    progress(p);
                }
                if last {
                    return Ok(());
                }
            }
        })
    }

    /// Checks ids and writes the answers of one evaluated chunk, in order.
    /// The answers of a batch that are written one after the other are
    /// contiguous in its buffer (failures render nothing), so each such run
    /// is written at once; a duplicate's answer is left out and ends a run.
    /// The batch buffers go to `spare` once written.
    fn write_chunk(
        &mut self,
        lines: Vec<u64>,
        batches: Vec<Batch>,
        spare: &Spare,
    ) -> io::Result<()> {
        let mut lines = lines.into_iter();
        for (out, results) in batches {
            let mut run = 0..0;
            // `results` first: `zip` stops at its end without taking a line.
            for (result, line) in results.into_iter().zip(lines.by_ref()) {
                self.summary.read += 1;
                let (id, result) = match result {
                    Ok((id, range, breached)) => (Some(id), Ok((range, breached))),
                    Err(e) => (e.ticket.clone(), Err(e)),
                };
                if let Some(id) = id {
                    if let Some(first) = self.seen.first_or_insert(&id, line) {
                        self.failed(InputError {
                            ticket: Some(id),
                            line,
                            kind: InputErrorKind::DuplicateId(first),
                        });
                        continue;
                    }
                }
                match result {
                    Ok((range, breached)) => {
                        if run.end != range.start {
                            self.write_run(&out[run])?;
                            run = range.start..range.start;
                        }
                        run.end = range.end;
                        self.summary.breached += u64::from(breached);
                        self.summary.evaluated += 1;
                    }
                    Err(e) => self.failed(e),
                }
            }
            self.write_run(&out[run])?;
            spare.put(out);
        }
        Ok(())
    }

    /// Writes rendered answers (nothing when there are none).
    fn write_run(&mut self, bytes: &[u8]) -> io::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.reporter.write_rendered(bytes)
    }

    fn failed(&mut self, e: InputError) {
        self.summary.failed += 1;
        if self.summary.errors.len() < self.opts.max_errors {
            self.summary.errors.push(e);
        }
    }
}

fn fail(id: &str, line: u64, msg: String) -> InputError {
    InputError {
        ticket: Some(id.to_string()),
        line,
        kind: InputErrorKind::Evaluation(msg),
    }
}

/// Evaluates a JSON Lines stream of tickets, writing answers in input order.
/// Blank lines are skipped. `progress` is called after every chunk. Returns
/// the counts and errors; fails only when reading or writing fails.
pub fn evaluate_stream<R: BufRead, W: Write>(
    compiled: &Compiled,
    mut input: R,
    output: W,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(Progress),
) -> io::Result<Summary> {
    let mut driver = Driver::new(&compiled.policy, &compiled.calendars, opts, output);
    let mut p = Progress::default();
    let chunk = opts.chunk.max(1);
    let mut eof = false;
    let next = |mut text: Vec<u8>| -> io::Result<Option<(Chunk, Progress, bool)>> {
        if eof {
            return Ok(None);
        }
        let mut jobs = Vec::with_capacity(chunk);
        while jobs.len() < chunk {
            let start = text.len();
            let n = input.read_until(b'\n', &mut text)?;
            if n == 0 {
                eof = true;
                break;
            }
            p.bytes += n as u64;
            p.lines += 1;
            if is_blank(&text[start..]) {
                text.truncate(start);
                continue;
            }
            jobs.push((p.lines, start..text.len()));
        }
        p.tickets += jobs.len() as u64;
        let jobs = Jobs::Lines(jobs);
        Ok(Some((Chunk { text, jobs }, p, eof)))
    };
    driver.run(next, progress)?;
    driver.finish()
}

/// Evaluates a CSV events table (see `docs/eval.md`, "CSV input") like
/// [`evaluate_stream`].
pub fn evaluate_csv_stream<R: Read, W: Write>(
    compiled: &Compiled,
    input: R,
    output: W,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(Progress),
) -> io::Result<Summary> {
    let mut driver = Driver::new(&compiled.policy, &compiled.calendars, opts, output);
    let mut tickets = CsvTickets::new(input);
    let mut p = Progress::default();
    let chunk = opts.chunk.max(1);
    let next = |text: Vec<u8>| -> io::Result<Option<(Chunk, Progress, bool)>> {
        let raws: Vec<_> = tickets.by_ref().take(chunk).collect();
        if raws.is_empty() {
            return Ok(None);
        }
        p.tickets += raws.len() as u64;
        let jobs = Jobs::Raw(raws);
        let (bytes, lines) = tickets.position();
        p.bytes = bytes;
        p.lines = lines;
        Ok(Some((Chunk { text, jobs }, p, false)))
    };
    driver.run(next, progress)?;
    driver.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What a line's blankness is by definition.
    fn blank_by_definition(bytes: &[u8]) -> bool {
        std::str::from_utf8(bytes).is_ok_and(|t| t.trim_start_matches('\u{feff}').trim().is_empty())
    }

    #[test]
    fn blank_lines() {
        for text in [
            "\n",
            "",
            " \t\r\n",
            "\u{feff}\n",
            "\u{feff}\u{feff} \x0b\x0c\r\n",
            "\u{a0}\u{2028}\n",
        ] {
            assert!(is_blank(text.as_bytes()), "{text:?}");
        }
        let not_blank: [&[u8]; 7] = [
            b"{}\n",
            b" \xff\n",
            b"\xef\xbb\n",
            b"\x1c\n",
            b"\0",
            "  \u{feff}\n".as_bytes(),
            "\u{e9}".as_bytes(),
        ];
        for bytes in not_blank {
            assert!(!is_blank(bytes), "{bytes:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn blank_as_defined(pieces in prop::collection::vec(prop::sample::select(vec![
            "\u{feff}".as_bytes(), b" ", b"\t", b"\n", b"\r", b"\x0b", b"\x0c", b"\x1c", b"\0",
            "\u{a0}".as_bytes(), "\u{2028}".as_bytes(), "\u{3000}".as_bytes(), "\u{e9}".as_bytes(),
            b"{", b"x", b"\xff", b"\xef\xbb", b"\xe2\x80",
        ]), 0..8)) {
            let bytes = pieces.concat();
            prop_assert_eq!(is_blank(&bytes), blank_by_definition(&bytes), "{:?}", bytes);
        }
    }
}
