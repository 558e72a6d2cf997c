//! Streaming bulk evaluation: read tickets in chunks, evaluate each chunk in
//! parallel (rayon), write the answers in input order. The calling thread
//! reads the next chunk and writes the previous one's answers while the
//! pool evaluates, so at most two chunks are in flight.
//!
//! Memory is bounded by twice the chunk size (lines held at once, default
//! 4096, with their rendered answers) plus the duplicate-id index: every ticket id seen is kept with its line
//! number to detect duplicates across the whole stream, roughly
//! `60 + id length` bytes per ticket (about 70 MB for a million tickets with
//! ten-character ids), plus at most `max_errors` stored errors (the counts
//! always include every failure).

use super::answer::evaluate;
use super::csv_input::CsvTickets;
use super::hours::OpenHours;
use super::jsonl::parse_line;
use super::report::{render, OutputFormat, Reporter};
use super::timeline::{validate, InputError, InputErrorKind, RawTicket, ReadOptions};
use crate::ir::Policy;
use chrono::{DateTime, Utc};
use rayon::prelude::*;
use std::collections::{HashMap, VecDeque};
use std::io::{self, BufRead, Read, Write};
use std::ops::Range;
use std::sync::mpsc;

/// Options for [`evaluate_stream`] and [`evaluate_csv_stream`].
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// The evaluation instant; `None` evaluates each ticket at its latest event.
    pub at: Option<DateTime<Utc>>,
    /// How times are read.
    pub read: ReadOptions,
    /// The output format.
    pub format: OutputFormat,
    /// Lines (JSONL) or tickets (CSV) per parallel chunk.
    pub chunk: usize,
    /// At most this many errors are kept in [`Summary::errors`].
    pub max_errors: usize,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            at: None,
            read: ReadOptions::default(),
            format: OutputFormat::Jsonl,
            chunk: 4096,
            max_errors: 10_000,
        }
    }
}

/// Progress so far, reported after each chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

enum Job {
    Line(u64, Result<String, InputError>),
    Raw(Result<RawTicket<'static>, InputError>),
}

struct Driver<'a, W: Write> {
    policy: &'a Policy,
    hours: &'a dyn OpenHours,
    opts: &'a StreamOptions,
    reporter: Reporter<W>,
    seen: HashMap<Box<str>, u64>,
    summary: Summary,
}

/// The input line of a job.
fn job_line(j: &Job) -> u64 {
    match j {
        Job::Line(l, _) => *l,
        Job::Raw(Ok(r)) => r.line,
        Job::Raw(Err(e)) => e.line,
    }
}

/// Parses, validates, evaluates and renders one ticket (in a worker thread),
/// appending its answer to `out`; returns the id, the answer's byte range
/// in `out` and whether it has a breach. On failure `out` is left as it was.
fn run_job(
    policy: &Policy,
    hours: &dyn OpenHours,
    opts: &StreamOptions,
    job: Job,
    out: &mut Vec<u8>,
) -> Result<(String, Range<usize>, bool), InputError> {
    let text;
    let raw = match job {
        Job::Line(line, line_text) => {
            text = line_text?;
            parse_line(&text, line)?
        }
        Job::Raw(raw) => raw?,
    };
    let ticket = validate(policy, raw, &opts.read)?;
    let at = match opts.at.or_else(|| ticket.latest_event()) {
        Some(at) => at,
        None => return Err(fail(&ticket.id, ticket.line, "no events".to_string())),
    };
    let answer = evaluate(policy, hours, &ticket, at)
        .map_err(|e| fail(&ticket.id, ticket.line, e.to_string()))?;
    let start = out.len();
    if let Err(e) = render(opts.format, &answer, out) {
        out.truncate(start);
        return Err(fail(&ticket.id, ticket.line, e.to_string()));
    }
    let breached = answer.metrics.iter().any(|m| m.breaches > 0);
    Ok((answer.id, start..out.len(), breached))
}

/// Tickets evaluated together by one worker, rendered into one buffer (one
/// allocation per batch instead of one per answer).
const BATCH: usize = 64;

/// A batch's answers, and per ticket its id, byte range and breach, or its error.
type Batch = (
    Vec<u8>,
    Vec<Result<(String, Range<usize>, bool), InputError>>,
);

/// Evaluates and renders a chunk in the pool, in batches of [`BATCH`].
fn evaluate_chunk(
    policy: &Policy,
    hours: &dyn OpenHours,
    opts: &StreamOptions,
    jobs: Vec<Job>,
) -> Vec<Batch> {
    jobs.into_par_iter()
        .chunks(BATCH)
        .map(|batch| {
            let mut out = Vec::with_capacity(batch.len() * 4096);
            let results = batch
                .into_iter()
                .map(|j| run_job(policy, hours, opts, j, &mut out))
                .collect();
            (out, results)
        })
        .collect()
}

impl<'a, W: Write> Driver<'a, W> {
    fn new(
        policy: &'a Policy,
        hours: &'a dyn OpenHours,
        opts: &'a StreamOptions,
        output: W,
    ) -> Self {
        Driver {
            policy,
            hours,
            opts,
            reporter: Reporter::new(opts.format, output),
            seen: HashMap::new(),
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
    /// (at most two chunks in flight). `next` returns `None` when there is
    /// nothing more, or a chunk, the progress after it, and whether it is
    /// the last one. `progress` is called after each chunk is written.
    fn run(
        &mut self,
        mut next: impl FnMut() -> io::Result<Option<(Vec<Job>, Progress, bool)>>,
        progress: &mut dyn FnMut(Progress),
    ) -> io::Result<()> {
        let (policy, hours, opts) = (self.policy, self.hours, self.opts);
        rayon::in_place_scope(|s| {
            let mut pending = VecDeque::new();
            loop {
                let chunk = next()?;
                let last = chunk.as_ref().is_none_or(|c| c.2);
                if let Some((jobs, p, _)) = chunk {
                    let lines: Vec<u64> = jobs.iter().map(job_line).collect();
                    let (tx, rx) = mpsc::sync_channel::<Vec<Batch>>(1);
                    s.spawn(move |_| {
                        // The receiver is gone only when writing failed.
                        let _ = tx.send(evaluate_chunk(policy, hours, opts, jobs));
                    });
                    pending.push_back((lines, p, rx));
                }
                while pending.len() > usize::from(!last) {
                    let Some((lines, p, rx)) = pending.pop_front() else {
                        break;
                    };
                    let batches = rx
                        .recv()
                        .map_err(|_| io::Error::other("a worker thread failed"))?;
                    self.write_chunk(lines, &batches)?;
                    progress(p);
                }
                if last {
                    return Ok(());
                }
            }
        })
    }

    /// Checks ids and writes the answers of one evaluated chunk, in order.
    fn write_chunk(&mut self, lines: Vec<u64>, batches: &[Batch]) -> io::Result<()> {
        let results = batches
            .iter()
            .flat_map(|(out, results)| results.iter().map(move |r| (out, r)));
        for (line, (out, result)) in lines.into_iter().zip(results) {
            self.summary.read += 1;
            let id = match result {
                Ok((id, _, _)) => Some(id),
                Err(e) => e.ticket.as_ref(),
            };
            let dup = id.and_then(|id| match self.seen.get(id.as_str()) {
                Some(first) => Some(*first),
                None => {
                    self.seen.insert(id.clone().into_boxed_str(), line);
                    None
                }
            });
            if let Some(first) = dup {
                self.failed(InputError {
                    ticket: id.cloned(),
                    line,
                    kind: InputErrorKind::DuplicateId(first),
                });
                continue;
            }
            match result {
                Ok((_, range, breached)) => {
                    self.reporter.write_rendered(&out[range.clone()])?;
                    self.summary.breached += u64::from(*breached);
                    self.summary.evaluated += 1;
                }
                Err(e) => self.failed(e.clone()),
            }
        }
        Ok(())
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
    policy: &Policy,
    hours: &dyn OpenHours,
    mut input: R,
    output: W,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(Progress),
) -> io::Result<Summary> {
    let mut driver = Driver::new(policy, hours, opts, output);
    let mut p = Progress::default();
    let chunk = opts.chunk.max(1);
    let mut buf = Vec::new();
    let mut eof = false;
    let next = || -> io::Result<Option<(Vec<Job>, Progress, bool)>> {
        if eof {
            return Ok(None);
        }
        let mut jobs = Vec::with_capacity(chunk);
        while jobs.len() < chunk {
            buf.clear();
            let n = input.read_until(b'\n', &mut buf)?;
            if n == 0 {
                eof = true;
                break;
            }
            p.bytes += n as u64;
            p.lines += 1;
            let text = match std::str::from_utf8(&buf) {
                Ok(t) => Ok(t.trim_start_matches('\u{feff}').trim().to_string()),
                Err(e) => Err(InputError {
                    ticket: None,
                    line: p.lines,
                    kind: InputErrorKind::Malformed(format!("not UTF-8: {e}")),
                }),
            };
            if matches!(&text, Ok(t) if t.is_empty()) {
                continue;
            }
            jobs.push(Job::Line(p.lines, text));
        }
        p.tickets += jobs.len() as u64;
        Ok(Some((jobs, p, eof)))
    };
    driver.run(next, progress)?;
    driver.finish()
}

/// Evaluates a CSV events table (see [`super::csv_input`]) like
/// [`evaluate_stream`].
pub fn evaluate_csv_stream<R: Read, W: Write>(
    policy: &Policy,
    hours: &dyn OpenHours,
    input: R,
    output: W,
    opts: &StreamOptions,
    progress: &mut dyn FnMut(Progress),
) -> io::Result<Summary> {
    let mut driver = Driver::new(policy, hours, opts, output);
    let mut tickets = CsvTickets::new(input);
    let mut p = Progress::default();
    let chunk = opts.chunk.max(1);
    let next = || -> io::Result<Option<(Vec<Job>, Progress, bool)>> {
        let jobs: Vec<Job> = tickets.by_ref().take(chunk).map(Job::Raw).collect();
        if jobs.is_empty() {
            return Ok(None);
        }
        p.tickets += jobs.len() as u64;
        let (bytes, lines) = tickets.position();
        p.bytes = bytes;
        p.lines = lines;
        Ok(Some((jobs, p, false)))
    };
    driver.run(next, progress)?;
    driver.finish()
}
