//! Streaming bulk evaluation: read tickets in chunks, evaluate each chunk in
//! parallel (rayon), write the answers in input order. The calling thread
//! reads the next chunk and writes the previous one's answers while the
//! pool evaluates, so at most two chunks are in flight; with a pool of one
//! thread, the calling thread does it all, one chunk at a time.
//!
//! Memory is bounded by twice the chunk size (lines held at once, default
//! 1024, with their rendered answers; a chunk's lines share one buffer, and
//! the buffers are reused for later chunks) plus the duplicate-id window:
//! the ids of at least the last `duplicate_window` tickets (default 524,288)
//! and at most twice that, each with its line (about 50 MB at most with
//! ten-character ids: per generation a 5 MB table, 12 MB of entries and
//! the ids' text), plus at most `max_errors` stored errors (the counts
//! always include every failure). Memory is therefore flat in the number of
//! tickets: a stream of ten million costs what one of a million does. The
//! price: a duplicate whose first use is further back than that is not
//! reported (docs/eval.md).

use super::csv_in::CsvTickets;
use super::jsonl::read_line_in;
use super::report::{render, OutputFormat, Reporter};
use crate::calendar::CalendarSet;
use crate::eval::answer::{evaluate_in, Scratch};
use crate::eval::timeline::{
    validate_in, InputError, InputErrorKind, Lookup, RawTicket, ReadOptions, Ticket,
};
use crate::eval::MetricSelection;
use crate::ir::Policy;
use crate::Compiled;
use chrono::{DateTime, Utc};
use hashbrown::HashTable;
use rayon::prelude::*;
use std::cell::Cell;
use std::collections::VecDeque;
use std::hash::{BuildHasher, Hasher, RandomState};
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
    /// used further back is forgotten. Taken as at least 1 and at most
    /// `u32::MAX`.
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
    newer: Generation,
    older: Generation,
    window: usize,
    /// SipHash with a random key (as in `std`'s maps): ids come from the
    /// input, so chosen ids must not be able to pile up in one bucket.
    hasher: RandomState,
}

/// One generation of remembered ids. The table holds only a 4-byte index
/// per id into `seen`, which is written in order, like the ids' bytes in
/// `text`: the table is the only part read and written at random, and at
/// 5 bytes a slot (with its control byte) the table for 2^19 ids is 5 MB
/// and stays in the caches (a `HashMap` of 32-byte inline keys was 33 MB,
/// and its misses cost about 5% of a one-core run). No allocation per id,
/// so dropping a generation fragments nothing.
#[derive(Default)]
struct Generation {
    /// The ids' bytes, one after another.
    text: Vec<u8>,
    /// Per id, in the order they came.
    seen: Vec<Seen>,
    /// Indexes into `seen`, found by the ids' hashes.
    table: HashTable<u32>,
}

#[derive(Clone, Copy)]
struct Seen {
    /// Where the id ends in [`Generation::text`] (it starts where the one
    /// before it ends).
    end: usize,
    /// The line of its ticket.
    line: u64,
}

impl Generation {
    /// The bytes of entry `i`.
    fn id(&self, i: u32) -> Option<&[u8]> {
        id_in(&self.seen, &self.text, i)
    }

    /// The line an id was remembered with, if it was. (The table keeps
    /// seven bits of each hash beside its slot and compares them first, so
    /// the bytes of another id are rarely compared: the entries need not
    /// keep the hash, and are a third smaller without it.)
    fn find(&self, hash: u64, id: &[u8]) -> Option<u64> {
        let &i = self.table.find(hash, |&i| self.id(i) == Some(id))?;
        self.seen.get(i as usize).map(|s| s.line)
    }

    /// Remembers an id that is not in this generation yet. `hasher` would
    /// hash the ids again if the table had to grow (it has room for a
    /// whole generation: [`Generation::clear`]).
    fn insert(&mut self, hasher: &RandomState, hash: u64, id: &[u8], line: u64) {
        // The window holds at most `u32::MAX` ids (see `IdWindow::new`).
        let i = self.seen.len() as u32;
        self.text.extend_from_slice(id);
        self.seen.push(Seen {
            end: self.text.len(),
            line,
        });
        let (seen, text) = (&self.seen, &self.text);
        self.table.insert_unique(hash, i, |&j| {
            hash_id(hasher, id_in(seen, text, j).unwrap_or_default())
        });
    }

    /// Forgets every id, keeping the memory for the next generation, with
    /// a table and entries ready for `room` ids (their text grows as it
    /// needs: ids can get longer from one generation to the next).
    fn clear(&mut self, room: usize) {
        self.text.clear();
        self.seen.clear();
        self.table.clear();
        // An empty table rehashes nothing.
        self.table.reserve(room, |_| 0);
        self.seen.reserve_exact(room);
    }
}

/// The bytes of entry `i` of a generation's `seen` and `text`.
fn id_in<'t>(seen: &[Seen], text: &'t [u8], i: u32) -> Option<&'t [u8]> {
    let i = i as usize;
    let end = seen.get(i)?.end;
    let start = i
        .checked_sub(1)
        .and_then(|p| seen.get(p))
        .map_or(0, |p| p.end);
    text.get(start..end)
}

/// An id's hash: its bytes alone (`hash_one` would also hash the length,
/// one more SipHash round for a typical id).
fn hash_id(hasher: &RandomState, id: &[u8]) -> u64 {
    let mut h = hasher.build_hasher();
    h.write(id);
    h.finish()
}

impl IdWindow {
    /// A window of `window` ids per generation, at least one and at most
    /// `u32::MAX`.
    fn new(window: usize) -> IdWindow {
        IdWindow {
            newer: Generation::default(),
            older: Generation::default(),
            window: window.clamp(1, u32::MAX as usize),
            hasher: RandomState::new(),
        }
    }

    /// [`IdWindow::first_or_insert_hashed`], hashing the id itself.
    #[cfg(test)]
    fn first_or_insert(&mut self, id: &str, line: u64) -> Option<u64> {
        let hash = self.hash(id);
        self.first_or_insert_hashed(id, hash, line)
    }

    /// An id's hash, as [`IdWindow::first_or_insert_hashed`] takes it.
    fn hash(&self, id: &str) -> u64 {
        hash_id(&self.hasher, id.as_bytes())
    }

    /// Looks up the table entries of the ids whose hashes are `hashes`
    /// without using them: the lookups of a batch's ids, one after the
    /// other, then find them in the caches. The tables are megabytes read
    /// at random, and each lookup's miss otherwise waited for the one
    /// before it to be settled; here they overlap (the lookups depend on
    /// nothing but the hashes). Changes nothing.
    fn warm(&self, hashes: &[u64]) {
        for &hash in hashes {
            for g in [&self.older, &self.newer] {
                // `black_box`: the probe is only wanted for its reads.
                std::hint::black_box(g.table.find(hash, |_| false));
            }
        }
    }

    /// The line of an earlier ticket with this id, if it is remembered;
    /// otherwise remembers this one. `hash` is the id's
    /// ([`IdWindow::hash`]), one for both generations. Every generation,
    /// the first too, gets its table and entries at full size when it takes
    /// its first id: growing them by doubling rehashed the table and copied
    /// the entries at each step, into fresh memory the kernel had to zero
    /// (4% of a one-core run of a million tickets, docs/performance.md).
    /// The cost for a small file: the table's control bytes (a megabyte)
    /// are set at once, and a one-ticket run's peak memory went from 16 to
    /// 20 MB.
    fn first_or_insert_hashed(&mut self, id: &str, hash: u64, line: u64) -> Option<u64> {
        let id = id.as_bytes();
        if let Some(first) = self.older.find(hash, id) {
            return Some(first);
        }
        if let Some(first) = self.newer.find(hash, id) {
            return Some(first);
        }
        if self.newer.seen.len() >= self.window {
            // The oldest generation is emptied and reused for the next one,
            // its table and entries sized for a full generation at once
            // (grown by doubling, each step copied the entries and the
            // kernel zeroed the pages of each copy). After the first
            // rotation nothing grows past what the largest generation
            // needed, so memory after ten million tickets is what it was
            // after one million.
            self.older.clear(self.window);
            std::mem::swap(&mut self.older, &mut self.newer);
        }
        if self.newer.seen.capacity() == 0 {
            // The first id of the first generation.
            self.newer.clear(self.window);
        }
        self.newer.insert(&self.hasher, hash, id, line);
        None
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

/// What a batch gives per ticket, in input order: its id, its answer's
/// byte range in the batch's buffer and whether it has a breach, or its
/// error.
type Outcome = Result<(String, Range<usize>, bool), InputError>;

/// Reads, evaluates and renders a batch of tickets, appending their
/// answers to `out`, in three passes: every ticket is read, then every
/// one evaluated, then every answer rendered. Taking each stage over the
/// whole batch keeps one stage's code in the instruction cache at a time:
/// the three stages one ticket after another took 9% more CPU on one core
/// (docs/performance.md). A failed ticket renders nothing.
fn run_batch<T>(
    policy: &Policy,
    hours: &CalendarSet,
    opts: &StreamOptions,
    jobs: Vec<T>,
    read: impl Fn(T) -> Result<Ticket, InputError>,
    out: &mut Vec<u8>,
) -> Vec<Outcome> {
    // Each ticket is read into its place (collecting through the iterator
    // adapters copied each one twice).
    let mut tickets: Vec<Result<Ticket, InputError>> = Vec::with_capacity(jobs.len());
    for job in jobs {
        tickets.push(read(job));
    }
    // This thread's engine memory, from its earlier batches (taken out
    // while in use, so that nothing else can hold it meanwhile).
    let mut scratch = SCRATCH.take();
    // Aligned with `tickets`: `None` for a ticket that could not be read.
    let answers: Vec<_> = tickets
        .iter()
        .map(|ticket| {
            let ticket = ticket.as_ref().ok()?;
            let Some(at) = opts.at.or_else(|| ticket.latest_event()) else {
                return Some(Err(fail(&ticket.id, ticket.line, "no events".to_string())));
            };
            let answer = evaluate_in(&mut scratch, policy, hours, ticket, at, &opts.metrics)
                .map_err(|e| fail(&ticket.id, ticket.line, e.to_string()));
            Some(answer.map(|a| (a, ticket.line)))
        })
        .collect();
    SCRATCH.set(scratch);
    // Also aligned; a ticket that could not be read renders nothing. The
    // answers are rendered where they are (moving each out of the list
    // copied it), and dropped with the list. `out`'s length is room
    // ([`Batch`]): the answers end at `end`.
    let mut end = 0;
    let rendered: Vec<Result<(Range<usize>, bool), InputError>> = answers
        .iter()
        .map(|answer| {
            let (answer, line) = match answer {
                None => return Ok((0..0, false)),
                Some(Err(e)) => return Err(e.clone()),
                Some(Ok((answer, line))) => (answer, *line),
            };
            let start = end;
            end = render(opts.format, answer, out, start)
                .map_err(|e| fail(&answer.id, line, e.to_string()))?;
            let breached = answer.metrics.iter().any(|m| m.breaches > 0);
            Ok((start..end, breached))
        })
        .collect();
    drop(answers);
    // The answers, which borrow the tickets, are gone: the ids move out
    // (taken in place: the rest of each ticket is dropped with the list).
    tickets
        .iter_mut()
        .zip(rendered)
        .map(|(ticket, rendered)| {
            let id = match ticket {
                Ok(ticket) => std::mem::take(&mut ticket.id),
                Err(e) => return Err(e.clone()),
            };
            let (range, breached) = rendered?;
            Ok((id, range, breached))
        })
        .collect()
}

thread_local! {
    /// Each thread's engine [`Scratch`] for [`run_batch`], kept from batch
    /// to batch: evaluating a ticket reuses the earlier tickets' lists
    /// instead of allocating five. Each list keeps room for at most 256
    /// items (about 120 KB per thread at most; a few KB for usual tickets).
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

/// Tickets evaluated together by one worker, rendered into one buffer (one
/// allocation per batch instead of one per answer).
const BATCH: usize = 64;

/// A batch's answers, and per ticket its [`Outcome`]. The answers are
/// written straight into the vector, whose whole length is initialised
/// room ([`render`]): only the bytes of the outcomes' ranges are answers.
type Batch = (Vec<u8>, Vec<Outcome>);

/// Room made for a batch's answers, per ticket.
const ANSWER_GUESS: usize = 4096;

/// Answer buffers already written out, for later batches: the workers
/// would otherwise allocate, and the writer free, megabytes per chunk.
/// Holds at most as many buffers as were in flight at once.
#[derive(Default)]
struct Spare(Mutex<Vec<Vec<u8>>>);

impl Spare {
    /// A buffer of at least room for `answers` answers, all of it room (a
    /// [`Batch`]'s): a recycled one keeps its length, so its room is
    /// initialised once, not cleared for each batch.
    fn take(&self, answers: usize) -> Vec<u8> {
        let room = answers * ANSWER_GUESS;
        match self.0.lock().ok().and_then(|mut s| s.pop()) {
            Some(mut buf) => {
                if buf.len() < room {
                    buf.resize(room, 0);
                }
                buf
            }
            // Zeroed by the allocator: fresh memory needs no clearing.
            None => vec![0; room],
        }
    }

    /// Keeps `buf` for later, cut back to the size [`Spare::take`] makes
    /// room for: a kept buffer that grew for one batch of long answers
    /// would otherwise stay large, and as the pool's buffers each took the
    /// largest batch they ever held, peak memory crept up with the number
    /// of tickets (160 MB after ten million, 127 MB after one).
    fn put(&self, mut buf: Vec<u8>) {
        buf.truncate(BATCH * ANSWER_GUESS);
        buf.shrink_to(BATCH * ANSWER_GUESS);
        if let Ok(mut s) = self.0.lock() {
            s.push(buf);
        }
    }
}

/// Evaluates and renders a chunk in batches of [`BATCH`] ([`run_batch`]),
/// in the pool, or on this thread when `inline`; hands back its text (for
/// the reader to reuse).
fn evaluate_chunk(
    policy: &Policy,
    hours: &CalendarSet,
    opts: &StreamOptions,
    spare: &Spare,
    chunk: Chunk,
    inline: bool,
) -> (Vec<Batch>, Vec<u8>) {
    let Chunk { text, jobs } = chunk;
    let lookup = Lookup::new(policy);
    let batches = match jobs {
        Jobs::Lines(lines) => in_batches(lines, spare, inline, |batch, out| {
            let read = |(line, range): (u64, Range<usize>)| {
                line_text(&text[range], line)
                    .and_then(|t| read_line_in(&lookup, t, line, &opts.read))
            };
            run_batch(policy, hours, opts, batch, read, out)
        }),
        Jobs::Raw(raws) => in_batches(raws, spare, inline, |batch, out| {
            let read = |raw: Result<RawTicket<'static>, InputError>| {
                raw.and_then(|raw| validate_in(&lookup, raw, &opts.read))
            };
            run_batch(policy, hours, opts, batch, read, out)
        }),
    };
    (batches, text)
}

/// Runs `batch` on each [`BATCH`] of `jobs`, each with its own buffer, in
/// the pool or, when `inline`, on this thread.
fn in_batches<T: Send>(
    jobs: Vec<T>,
    spare: &Spare,
    inline: bool,
    batch: impl Fn(Vec<T>, &mut Vec<u8>) -> Vec<Outcome> + Sync,
) -> Vec<Batch> {
    let one = |jobs: Vec<T>| {
        let mut out = spare.take(jobs.len());
        let outcomes = batch(jobs, &mut out);
        (out, outcomes)
    };
    if inline {
        let mut jobs = jobs.into_iter().peekable();
        let mut batches = Vec::new();
        while jobs.peek().is_some() {
            batches.push(one(jobs.by_ref().take(BATCH).collect()));
        }
        return batches;
    }
    jobs.into_par_iter().chunks(BATCH).map(one).collect()
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
        if rayon::current_num_threads() == 1 {
            return self.run_inline(next, progress);
        }
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
                        let _ =
                            tx.send(evaluate_chunk(policy, hours, opts, spare_out, chunk, false));
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

    /// [`Driver::run`] for a pool of one thread: each chunk is read,
    /// evaluated and written on this thread, one after the other. Handing
    /// chunks to the pool's one worker would let reading overlap evaluation
    /// but cost more CPU (3% on a million tickets, docs/performance.md),
    /// and one thread is what was asked for.
    fn run_inline(
        &mut self,
        mut next: impl FnMut(Vec<u8>) -> io::Result<Option<(Chunk, Progress, bool)>>,
        progress: &mut dyn FnMut(Progress),
    ) -> io::Result<()> {
        let (policy, hours, opts) = (self.policy, self.hours, self.opts);
        let spare_out = Spare::default();
        let mut spare = Vec::new();
        while let Some((chunk, p, last)) = next(std::mem::take(&mut spare))? {
            let lines = chunk.jobs.lines();
            let (batches, mut text) = evaluate_chunk(policy, hours, opts, &spare_out, chunk, true);
            self.write_chunk(lines, batches, &spare_out)?;
            text.clear();
            spare = text;
            progress(p);
            if last {
                break;
            }
        }
        Ok(())
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
        let mut hashes = Vec::with_capacity(BATCH);
        for (out, results) in batches {
            let mut run = 0..0;
            // Each id is hashed once; `warm` reads the tables ahead.
            hashes.clear();
            hashes.extend(results.iter().map(|r| match r {
                Ok((id, ..)) => self.seen.hash(id),
                Err(e) => e.ticket.as_deref().map_or(0, |id| self.seen.hash(id)),
            }));
            self.seen.warm(&hashes);
            // `results` first: `zip` stops at its end without taking a line.
            for ((result, line), &hash) in results.into_iter().zip(lines.by_ref()).zip(&hashes) {
                self.summary.read += 1;
                let (id, result) = match result {
                    Ok((id, range, breached)) => (Some(id), Ok((range, breached))),
                    Err(e) => (e.ticket.clone(), Err(e)),
                };
                if let Some(id) = id {
                    if let Some(first) = self.seen.first_or_insert_hashed(&id, hash, line) {
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

/// Appends the next line of `input` (its newline included, when it has
/// one) to `text` and returns its length: `BufRead::read_until` with the
/// `memchr` crate's vectorized search for the newline (the standard
/// library's portable one took about 700 instructions per 500-byte line).
fn take_line<R: BufRead>(input: &mut R, text: &mut Vec<u8>) -> io::Result<usize> {
    let mut n = 0;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (used, done) = match memchr::memchr(b'\n', buf) {
            Some(i) => (i + 1, true),
            None => (buf.len(), buf.is_empty()),
        };
        text.extend_from_slice(&buf[..used]);
        input.consume(used);
        n += used;
        if done {
            return Ok(n);
        }
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
            let n = take_line(&mut input, &mut text)?;
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

    /// The window's rule with plain maps of owned ids: two generations of
    /// at most `window` ids, the older one dropped when the newer is full.
    struct ModelWindow {
        newer: std::collections::HashMap<Vec<u8>, u64>,
        older: std::collections::HashMap<Vec<u8>, u64>,
        window: usize,
    }

    impl ModelWindow {
        fn first_or_insert(&mut self, id: &[u8], line: u64) -> Option<u64> {
            if let Some(&first) = self.older.get(id).or(self.newer.get(id)) {
                return Some(first);
            }
            if self.newer.len() >= self.window {
                self.older = std::mem::take(&mut self.newer);
            }
            self.newer.insert(id.to_vec(), line);
            None
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// The window answers what the rule says, for ids short and long
        /// (empty, short and long) and windows of every size.
        #[test]
        fn id_window_follows_the_rule(
            window in 1usize..6,
            ids in prop::collection::vec((0u8..8, prop::sample::select(vec![0usize, 1, 5, 127, 128, 300])), 0..60),
        ) {
            let mut fast = IdWindow::new(window);
            let mut model = ModelWindow {
                newer: Default::default(),
                older: Default::default(),
                window,
            };
            for (line, (k, len)) in ids.into_iter().enumerate() {
                let id: String = std::iter::repeat_n(char::from(b'a' + k), len).collect();
                let line = line as u64 + 1;
                prop_assert_eq!(
                    fast.first_or_insert(&id, line),
                    model.first_or_insert(id.as_bytes(), line),
                    "{} at line {}", id.len(), line
                );
            }
        }

        /// `take_line` splits any input as `read_until` does, also when
        /// lines span the reader's buffer.
        #[test]
        fn take_line_is_read_until(
            bytes in prop::collection::vec(prop::sample::select(vec![b'\n', b'x', b'{', 0xff]), 0..200),
            capacity in 1usize..9,
        ) {
            let mut fast = io::BufReader::with_capacity(capacity, bytes.as_slice());
            let mut std = io::BufReader::with_capacity(capacity, bytes.as_slice());
            loop {
                let (mut a, mut b) = (b"kept".to_vec(), b"kept".to_vec());
                let n = take_line(&mut fast, &mut a).unwrap();
                prop_assert_eq!(n, std.read_until(b'\n', &mut b).unwrap());
                prop_assert_eq!(&a, &b);
                if n == 0 {
                    break;
                }
            }
        }

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
