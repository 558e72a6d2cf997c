//! Writing answers: JSON Lines (one ticket per line), CSV (one row per
//! ticket x metric x cycle) and a fixed-width table for people.

use super::json_out::{
    below, count, int, state, state_fields, text_as, write_answer_at, write_at, Out, Special,
    StateFields, HIGH, ONES,
};
use crate::eval::answer::{human_seconds, utc, CycleAnswer, MetricAnswer, TicketAnswer};
use crate::ir::MilestoneKind;
use chrono::{DateTime, Utc};
use std::io::{self, Write};

/// How answers are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OutputFormat {
    /// One JSON object per ticket per line (the default).
    #[default]
    Jsonl,
    /// One CSV row per ticket, metric and cycle, with a header.
    Csv,
    /// A fixed-width table for people.
    Table,
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 21] = [
    "ticket",
    "tier",
    "severity",
    "type",
    "at",
    "metric",
    "cycle",
    "state",
    "target",
    "target_seconds",
    "calendar",
    "start",
    "deadline",
    "stop",
    "stopped_by",
    "elapsed_seconds",
    "remaining_seconds",
    "wall_seconds",
    "consumed_permille",
    "breached_at",
    "milestones",
];

fn ts(t: &DateTime<Utc>) -> String {
    crate::eval::answer::utc::text(t)
}

fn opt_ts(t: &Option<DateTime<Utc>>) -> String {
    t.as_ref().map(ts).unwrap_or_default()
}

/// Appends one CSV record of text cells, written the way every CSV record
/// of slate is (answers, uptime and usage reports) and as the `csv`
/// crate's writer in its default setup writes it (a test compares the
/// two): cells joined by commas, a cell quoted (its quotes doubled) when it
/// holds a comma, a quote, CR or LF, a record of one empty cell written
/// `""`, and LF at the end. Direct, because the crate's writer cost several
/// times the rest of a row.
pub fn csv_row<S: AsRef<str>>(out: &mut Vec<u8>, row: &[S]) {
    if let [cell] = row {
        if cell.as_ref().is_empty() {
            out.extend_from_slice(b"\"\"\n");
            return;
        }
    }
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        quoted_cell(cell.as_ref(), |b| out.extend_from_slice(b));
    }
    out.push(b'\n');
}

/// Bytes that make a CSV cell quoted.
const CSV_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b',' as usize] = true;
    t[b'"' as usize] = true;
    t[b'\r' as usize] = true;
    t[b'\n' as usize] = true;
    t
};

/// Whether a CSV cell holding `t` is quoted: it holds one of
/// [`CSV_SPECIAL`].
fn needs_quotes(t: &str) -> bool {
    t.bytes().any(|c| CSV_SPECIAL[usize::from(c)])
}

/// Writes the text cell `t` through `put`: as it is, or quoted with its
/// quotes doubled when it [`needs_quotes`].
fn quoted_cell(t: &str, mut put: impl FnMut(&[u8])) {
    if needs_quotes(t) {
        put(b"\"");
        doubled(t, &mut put);
        put(b"\"");
    } else {
        put(t.as_bytes());
    }
}

/// Writes `t` through `put` with its quotes doubled.
fn doubled(t: &str, mut put: impl FnMut(&[u8])) {
    for piece in t.as_bytes().split_inclusive(|&c| c == b'"') {
        put(piece);
        if piece.ends_with(b"\"") {
            put(b"\"");
        }
    }
}

/// CSV cells for [`json_out::text_as`]: [`CSV_SPECIAL`] bytes make a
/// cell quoted.
struct Csv;

impl Special for Csv {
    const BYTES: [bool; 256] = CSV_SPECIAL;

    #[inline(always)]
    fn in_word(w: u64) -> u64 {
        let has = |c: u8| below(w ^ (ONES * u64::from(c)), 1);
        (has(b',') | has(b'"') | has(b'\r') | has(b'\n')) & HIGH
    }

    fn slow(s: &str) -> io::Result<Option<Vec<u8>>> {
        if needs_quotes(s) {
            let mut quoted = Vec::with_capacity(s.len() + 8);
            quoted_cell(s, |b| quoted.extend_from_slice(b));
            Ok(Some(quoted))
        } else {
            Ok(None)
        }
    }
}

/// After the metric, in the record of a metric without cycles: the empty
/// cycle number, the state and the thirteen empty cells after it.
const NO_CYCLE_STATES: StateFields = state_fields(b",,", b",,,,,,,,,,,,,\n");

/// After the cycle number: `,met`.
const CSV_STATES: StateFields = state_fields(b",", b"");

/// Writes the CSV records of one answer (the columns of [`CSV_HEADER`]),
/// as [`render`] writes, returning where they end:
/// one per cycle, and one with an empty cycle number for a metric without
/// cycles; each written as [`csv_row`] would write its cells (a test
/// compares them with the `csv` crate's writer), but straight into the
/// output: integers and instants without a string each, and the ticket's
/// own cells written once, then copied to each of its records.
fn csv_answer(a: &TicketAnswer, vec: &mut Vec<u8>, at: usize) -> io::Result<usize> {
    if a.metrics.is_empty() {
        return Ok(at.min(vec.len()));
    }
    write_at(vec, at, |room| {
        let mut out = Out::new(room);
        ticket_cells(&mut out, a)?;
        let Some(n) = out.written() else {
            return Ok(None);
        };
        // The first record starts with them; they are copied from there.
        let (cells, room) = room.split_at_mut(n);
        let mut out = Out::new(room);
        csv_records(&mut out, a, cells)?;
        Ok(out.written().map(|m| n + m))
    })
}

/// The ticket's own cells, which begin each of its records, with the
/// comma after them.
#[inline(always)]
fn ticket_cells(out: &mut Out<'_>, a: &TicketAnswer) -> io::Result<()> {
    text_as::<Csv>(out, b"", &a.id, b"")?;
    text_as::<Csv>(out, b",", &a.tier, b"")?;
    text_as::<Csv>(out, b",", &a.severity, b"")?;
    text_as::<Csv>(out, b",", a.issue_type.as_deref().unwrap_or_default(), b"")?;
    csv_time(out, &a.at)?;
    out.put(b",");
    Ok(())
}

/// [`csv_answer`]'s records after the first one's [`ticket_cells`], which
/// are `cells`: each later record starts with a copy of them.
#[inline(always)]
fn csv_records(out: &mut Out<'_>, a: &TicketAnswer, cells: &[u8]) -> io::Result<()> {
    let mut first = true;
    for m in &a.metrics {
        if m.cycles.is_empty() {
            if !std::mem::take(&mut first) {
                out.put(cells);
            }
            text_as::<Csv>(out, b"", &m.metric, b"")?;
            state(out, &NO_CYCLE_STATES, m.state);
        }
        for c in &m.cycles {
            if !std::mem::take(&mut first) {
                out.put(cells);
            }
            text_as::<Csv>(out, b"", &m.metric, b"")?;
            csv_cycle(out, c)?;
        }
    }
    Ok(())
}

/// The cells of cycle `c` from its number on, each with the comma before
/// it, and the end of the record.
#[inline(always)]
fn csv_cycle(out: &mut Out<'_>, c: &CycleAnswer) -> io::Result<()> {
    count(out, b",", c.cycle);
    state(out, &CSV_STATES, c.state);
    text_as::<Csv>(out, b",", c.target.as_deref().unwrap_or_default(), b"")?;
    csv_int(out, c.target_seconds);
    text_as::<Csv>(out, b",", &c.calendar, b"")?;
    csv_time(out, &c.start)?;
    csv_opt_time(out, &c.deadline)?;
    csv_opt_time(out, &c.stop)?;
    text_as::<Csv>(out, b",", c.stopped_by.as_deref().unwrap_or_default(), b"")?;
    int(out, b",", c.elapsed_seconds);
    csv_int(out, c.remaining_seconds);
    int(out, b",", c.wall_seconds);
    csv_int(out, c.consumed_permille);
    csv_opt_time(out, &c.breached_at)?;
    csv_milestones(out, c)?;
    out.put(b"\n");
    Ok(())
}

/// A comma and the milestones cell: `warn 75% fired
/// 2026-03-06T20:00:00Z; escalate 100% due 2026-03-07T12:00:00Z` (no
/// time for a milestone that cannot be known). Only the percentages, as
/// written in the policy, can hold a byte that makes the cell quoted.
#[inline(always)]
fn csv_milestones(out: &mut Out<'_>, c: &CycleAnswer) -> io::Result<()> {
    let quoted = c.milestones.iter().any(|m| needs_quotes(&m.percent));
    if quoted {
        out.put(b",\"");
    }
    for (i, m) in c.milestones.iter().enumerate() {
        let key: &[u8] = match (i == 0 && !quoted, i == 0, m.kind) {
            (true, _, MilestoneKind::Warn) => b",warn ",
            (true, _, MilestoneKind::Escalate) => b",escalate ",
            (false, true, MilestoneKind::Warn) => b"warn ",
            (false, true, MilestoneKind::Escalate) => b"escalate ",
            (_, false, MilestoneKind::Warn) => b"; warn ",
            (_, false, MilestoneKind::Escalate) => b"; escalate ",
        };
        if quoted {
            out.put(key);
            doubled(&m.percent, |b| out.put(b));
        } else {
            text_as::<Csv>(out, key, &m.percent, b"")?;
        }
        match (&m.fires_at, m.fired) {
            (Some(t), true) => instant(out, b" fired ", t),
            (Some(t), false) => instant(out, b" due ", t),
            (None, _) => {}
        }
    }
    if quoted {
        out.put(b"\"");
    } else if c.milestones.is_empty() {
        out.put(b",");
    }
    Ok(())
}

/// A comma and an integer cell, empty for `None`.
#[inline(always)]
fn csv_int(out: &mut Out<'_>, n: Option<i64>) {
    match n {
        Some(n) => int(out, b",", n),
        None => out.put(b","),
    }
}

/// A comma and an instant's cell.
#[inline(always)]
fn csv_time(out: &mut Out<'_>, t: &DateTime<Utc>) -> io::Result<()> {
    instant(out, b",", t);
    Ok(())
}

/// `key` (constant text) and an instant, which never needs quotes.
#[inline(always)]
fn instant(out: &mut Out<'_>, key: &[u8], t: &DateTime<Utc>) {
    let mut b = [0; 24];
    if utc::fill(t, &mut b) {
        // Without the quotes `fill` puts around it.
        let mut unquoted = [0; 20];
        unquoted.copy_from_slice(&b[1..21]);
        out.put_key_first(key, &unquoted, 20);
    } else {
        out.put(key);
        out.put(utc::text(t).as_bytes());
    }
}

/// A comma and an instant's cell, empty for `None`.
#[inline(always)]
fn csv_opt_time(out: &mut Out<'_>, t: &Option<DateTime<Utc>>) -> io::Result<()> {
    match t {
        Some(t) => csv_time(out, t),
        None => {
            out.put(b",");
            Ok(())
        }
    }
}

pub(crate) use crate::eval::answer::permille_text;

fn table_line(a: &TicketAnswer, m: &MetricAnswer, c: Option<&CycleAnswer>) -> String {
    let (cycle, state, target, elapsed, remaining, used, deadline) = match c {
        None => (
            "-".to_string(),
            m.state.name(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ),
        Some(c) => (
            c.cycle.to_string(),
            c.state.name(),
            c.target.as_deref().unwrap_or("-").to_string(),
            human_seconds(c.elapsed_seconds),
            c.remaining_seconds.map(human_seconds).unwrap_or_default(),
            c.consumed_permille.map(permille_text).unwrap_or_default(),
            opt_ts(&c.deadline),
        ),
    };
    format!(
        "{:<12} {:<16} {:>3} {:<11} {:>7} {:>10} {:>10} {:>7} {}",
        a.id, m.metric, cycle, state, target, elapsed, remaining, used, deadline
    )
    .trim_end()
    .to_string()
}

/// The header line of the table format.
pub fn table_header() -> String {
    format!(
        "{:<12} {:<16} {:>3} {:<11} {:>7} {:>10} {:>10} {:>7} {}",
        "TICKET", "METRIC", "#", "STATE", "TARGET", "ELAPSED", "REMAINING", "USED", "DEADLINE"
    )
}

/// The table lines of one ticket.
pub fn table_lines(a: &TicketAnswer) -> Vec<String> {
    let mut out = Vec::new();
    for m in &a.metrics {
        if m.cycles.is_empty() {
            out.push(table_line(a, m, None));
        }
        for c in &m.cycles {
            out.push(table_line(a, m, Some(c)));
        }
    }
    out
}

/// The header line of a format (`None` for JSON Lines), without newline.
pub fn header(format: OutputFormat) -> Option<String> {
    match format {
        OutputFormat::Jsonl => None,
        OutputFormat::Csv => Some(CSV_HEADER.join(",")),
        OutputFormat::Table => Some(table_header()),
    }
}

/// Writes one ticket's answer in `format` (no header) into `out` from byte
/// `at` on and returns where it ends. `out`'s length is room, not content:
/// the bytes past `at` are overwritten, and `out` grows (zeros) when it
/// needs more; a recycled vector is kept at its length, so that its room is
/// not cleared again ([`write_at`]).
pub(crate) fn render(
    format: OutputFormat,
    a: &TicketAnswer,
    out: &mut Vec<u8>,
    at: usize,
) -> io::Result<usize> {
    match format {
        OutputFormat::Jsonl => write_answer_at(a, out, at, true),
        OutputFormat::Csv => csv_answer(a, out, at),
        OutputFormat::Table => {
            let lines = table_lines(a);
            write_at(out, at, |room| {
                let mut out = Out::new(room);
                for l in &lines {
                    out.put(l.as_bytes());
                    out.put(b"\n");
                }
                Ok(out.written())
            })
        }
    }
}

/// Writes answers one at a time in one format (the header first).
pub struct Reporter<W: Write> {
    format: OutputFormat,
    out: W,
    started: bool,
    /// Room for one rendered answer ([`render`]).
    buf: Vec<u8>,
}

impl<W: Write> Reporter<W> {
    /// A reporter writing to `out`.
    pub fn new(format: OutputFormat, out: W) -> Self {
        Reporter {
            format,
            out,
            started: false,
            buf: Vec::new(),
        }
    }

    fn start(&mut self) -> io::Result<()> {
        if !self.started {
            self.started = true;
            if let Some(h) = header(self.format) {
                writeln!(self.out, "{h}")?;
            }
        }
        Ok(())
    }

    /// Writes one ticket's answer.
    pub fn write(&mut self, a: &TicketAnswer) -> io::Result<()> {
        self.start()?;
        let end = render(self.format, a, &mut self.buf, 0)?;
        self.out.write_all(&self.buf[..end])
    }

    /// Writes one answer already rendered in this format (bytes the bulk
    /// driver rendered in a worker).
    pub(crate) fn write_rendered(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.start()?;
        self.out.write_all(bytes)
    }

    /// Writes the header if nothing was written yet, flushes and returns
    /// the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.start()?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::super::json_out::tests::sample_answers;
    use super::super::json_out::tests::ROOM;
    use super::*;
    use proptest::prelude::*;
    use std::borrow::Cow;

    /// What the `csv` crate's writer (the reference) writes for `row`.
    fn by_the_crate(row: &[Cow<'_, str>]) -> Vec<u8> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(row.iter().map(|c| c.as_bytes())).unwrap();
        w.into_inner().unwrap()
    }

    fn same(row: &[&str]) {
        let mut out = Vec::new();
        csv_row(&mut out, row);
        let row: Vec<Cow<'_, str>> = row.iter().map(|&c| Cow::Borrowed(c)).collect();
        assert_eq!(
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&by_the_crate(&row)),
            "{row:?}"
        );
    }

    #[test]
    fn records_are_what_the_csv_crate_writes() {
        same(&[""]);
        same(&["", ""]);
        same(&["a"]);
        same(&["\""]);
        same(&[
            "a,b",
            "say \"hi\"",
            "line\nbreak",
            "cr\r",
            "",
            " spaced ",
            "#",
            "é",
        ]);
        same(&["warn 75% fired 2026-03-06T20:00:00Z; escalate 100%", "\"\""]);
    }

    proptest! {
        #[test]
        fn arbitrary_records_are_what_the_csv_crate_writes(
            row in proptest::collection::vec("[a-c,\"\r\n# ]{0,6}|\\PC{0,8}", 1..5)
        ) {
            let row: Vec<&str> = row.iter().map(String::as_str).collect();
            same(&row);
        }
    }

    /// `warn 75% fired 2026-03-06T20:00:00Z; escalate 100% due 2026-...`.
    fn milestones_cell(c: &CycleAnswer) -> String {
        c.milestones
            .iter()
            .map(|m| {
                let kind = match m.kind {
                    crate::ir::MilestoneKind::Warn => "warn",
                    crate::ir::MilestoneKind::Escalate => "escalate",
                };
                let when = match (&m.fires_at, m.fired) {
                    (Some(t), true) => format!(" fired {}", ts(t)),
                    (Some(t), false) => format!(" due {}", ts(t)),
                    (None, _) => String::new(),
                };
                format!("{kind} {}{when}", m.percent)
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The CSV records of an answer, cell by cell in the order of
    /// [`CSV_HEADER`], written by the `csv` crate: the slow, obviously
    /// correct reference for [`csv_answer`].
    fn reference(a: &TicketAnswer) -> Vec<u8> {
        let mut out = Vec::new();
        let text = |s: Option<&str>| Cow::Owned(s.unwrap_or_default().to_string());
        let int = |n: Option<i64>| Cow::Owned(n.map(|n| n.to_string()).unwrap_or_default());
        for m in &a.metrics {
            let base = [
                text(Some(&a.id)),
                text(Some(&a.tier)),
                text(Some(&a.severity)),
                text(a.issue_type.as_deref()),
                Cow::Owned(ts(&a.at)),
                text(Some(&m.metric)),
            ];
            if m.cycles.is_empty() {
                let mut row = base.to_vec();
                row.push(Cow::Borrowed(""));
                row.push(Cow::Borrowed(m.state.name()));
                row.resize(CSV_HEADER.len(), Cow::Borrowed(""));
                out.extend(by_the_crate(&row));
            }
            for c in &m.cycles {
                let mut row = base.to_vec();
                row.extend([
                    int(Some(c.cycle.into())),
                    Cow::Borrowed(c.state.name()),
                    text(c.target.as_deref()),
                    int(c.target_seconds),
                    text(Some(&c.calendar)),
                    Cow::Owned(ts(&c.start)),
                    Cow::Owned(opt_ts(&c.deadline)),
                    Cow::Owned(opt_ts(&c.stop)),
                    text(c.stopped_by.as_deref()),
                    int(Some(c.elapsed_seconds)),
                    int(c.remaining_seconds),
                    int(Some(c.wall_seconds)),
                    int(c.consumed_permille),
                    Cow::Owned(opt_ts(&c.breached_at)),
                    Cow::Owned(milestones_cell(c)),
                ]);
                assert_eq!(row.len(), CSV_HEADER.len());
                out.extend(by_the_crate(&row));
            }
        }
        out
    }

    /// `render` from byte `at` of `vec`: the bytes it wrote.
    fn rendered(format: OutputFormat, a: &TicketAnswer, vec: &mut Vec<u8>, at: usize) -> String {
        let end = render(format, a, vec, at).unwrap();
        String::from_utf8_lossy(&vec[at..end]).into_owned()
    }

    #[test]
    fn answers_are_what_the_reference_writes() {
        sample_answers(|a| {
            let fast = rendered(OutputFormat::Csv, a, &mut Vec::new(), 0);
            assert_eq!(fast, String::from_utf8_lossy(&reference(a)));
        });
        // After bytes already in the output, across the vector's growth,
        // and over old bytes in a recycled vector's room: many records of
        // one ticket.
        sample_answers(|a| {
            let mut a = a.clone();
            for m in &mut a.metrics {
                let cycles = m.cycles.clone();
                for _ in 0..4 {
                    m.cycles.extend(cycles.iter().cloned());
                }
            }
            let reference = String::from_utf8_lossy(&reference(&a)).into_owned();
            let mut fast = b"x".repeat(ROOM - 7);
            assert_eq!(
                rendered(OutputFormat::Csv, &a, &mut fast, ROOM - 7),
                reference
            );
            assert!(fast[..ROOM - 7].iter().all(|&b| b == b'x'));
            let mut old = b",\"\n".repeat(ROOM);
            assert_eq!(rendered(OutputFormat::Csv, &a, &mut old, 5), reference);
        });
    }

    /// The table's lines, written from any place of a recycled vector.
    #[test]
    fn table_lines_are_rendered_in_order() {
        sample_answers(|a| {
            let lines: String = table_lines(a).iter().map(|l| format!("{l}\n")).collect();
            let mut old = b"#".repeat(3 * ROOM);
            assert_eq!(rendered(OutputFormat::Table, a, &mut old, 11), lines);
        });
    }

    /// An answer without metrics has no records.
    #[test]
    fn an_answer_without_metrics_writes_nothing() {
        sample_answers(|a| {
            let mut a = a.clone();
            a.metrics.clear();
            assert_eq!(rendered(OutputFormat::Csv, &a, &mut vec![b'x'; 9], 3), "");
        });
    }
}
