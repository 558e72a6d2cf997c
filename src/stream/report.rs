//! Writing answers: JSON Lines (one ticket per line), CSV (one row per
//! ticket x metric x cycle) and a fixed-width table for people.

use crate::eval::answer::{human_seconds, utc, CycleAnswer, MetricAnswer, TicketAnswer};
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

/// One CSV cell: text, or a value [`csv_record`] writes as text without
/// making a string of it first.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    Int(i64),
    Time(&'a DateTime<Utc>),
    Milestones(&'a CycleAnswer<'a>),
}

impl<'a> Cell<'a> {
    fn int(n: Option<i64>) -> Self {
        n.map_or(Cell::Text(""), Cell::Int)
    }

    fn time(t: &'a Option<DateTime<Utc>>) -> Self {
        t.as_ref().map_or(Cell::Text(""), Cell::Time)
    }
}

/// Calls `f` with each CSV row of one ticket: one per cycle, and one with
/// an empty cycle number for a metric without cycles. One row buffer
/// serves every row.
fn each_csv_row<'a>(
    a: &'a TicketAnswer,
    mut f: impl FnMut(&[Cell<'a>]) -> io::Result<()>,
) -> io::Result<()> {
    let mut row: Vec<Cell<'a>> = Vec::with_capacity(CSV_HEADER.len());
    for m in &a.metrics {
        let base = |row: &mut Vec<Cell<'a>>, cycle: Cell<'a>, state: &'static str| {
            row.clear();
            row.extend([
                Cell::Text(&a.id),
                Cell::Text(&a.tier),
                Cell::Text(&a.severity),
                Cell::Text(a.issue_type.as_deref().unwrap_or_default()),
                Cell::Time(&a.at),
                Cell::Text(&m.metric),
                cycle,
                Cell::Text(state),
            ]);
        };
        if m.cycles.is_empty() {
            base(&mut row, Cell::Text(""), m.state.name());
            row.resize(CSV_HEADER.len(), Cell::Text(""));
            f(&row)?;
        }
        for c in &m.cycles {
            base(&mut row, Cell::Int(c.cycle.into()), c.state.name());
            row.extend([
                Cell::Text(c.target.as_deref().unwrap_or_default()),
                Cell::int(c.target_seconds),
                Cell::Text(&c.calendar),
                Cell::Time(&c.start),
                Cell::time(&c.deadline),
                Cell::time(&c.stop),
                Cell::Text(c.stopped_by.as_deref().unwrap_or_default()),
                Cell::Int(c.elapsed_seconds),
                Cell::int(c.remaining_seconds),
                Cell::Int(c.wall_seconds),
                Cell::int(c.consumed_permille),
                Cell::time(&c.breached_at),
                Cell::Milestones(c),
            ]);
            f(&row)?;
        }
    }
    Ok(())
}

/// Appends one CSV record, as the `csv` crate's writer in its default
/// setup writes it (a test compares the two): cells joined by commas, a
/// cell quoted (its quotes doubled) when it holds a comma, a quote, CR or
/// LF, a record of one empty cell written `""`, and LF at the end. Direct,
/// because the crate's writer cost several times the rest of a row.
fn csv_record(out: &mut Vec<u8>, row: &[Cell<'_>]) {
    if let [Cell::Text("")] = row {
        out.extend_from_slice(b"\"\"\n");
        return;
    }
    for (i, cell) in row.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match *cell {
            Cell::Text(t) => csv_text(out, t),
            // Digits and timestamps never need quotes.
            Cell::Int(n) => out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes()),
            Cell::Time(t) => {
                let mut b = [0; 24];
                if utc::fill(t, &mut b) {
                    out.extend_from_slice(&b[1..21]);
                } else {
                    csv_text(out, &utc::text(t));
                }
            }
            Cell::Milestones(c) if c.milestones.is_empty() => {}
            Cell::Milestones(c) => csv_text(out, &milestones_cell(c)),
        }
    }
    out.push(b'\n');
}

/// Appends one CSV record of text cells, written the way every CSV record
/// of slate is (answers, uptime and usage reports): cells joined by commas,
/// a cell quoted, its quotes doubled, when it holds a comma, a quote, CR or
/// LF; a record of one empty cell written `""`; LF at the end.
pub fn csv_row<S: AsRef<str>>(out: &mut Vec<u8>, row: &[S]) {
    let cells: Vec<Cell<'_>> = row.iter().map(|c| Cell::Text(c.as_ref())).collect();
    csv_record(out, &cells);
}

/// One text cell of [`csv_record`].
fn csv_text(out: &mut Vec<u8>, t: &str) {
    let b = t.as_bytes();
    if b.iter().any(|c| matches!(c, b',' | b'"' | b'\r' | b'\n')) {
        out.push(b'"');
        for piece in b.split_inclusive(|&c| c == b'"') {
            out.extend_from_slice(piece);
            if piece.ends_with(b"\"") {
                out.push(b'"');
            }
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(b);
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

/// Appends one ticket's answer in `format` (no header) to `out`.
pub fn render(format: OutputFormat, a: &TicketAnswer, out: &mut Vec<u8>) -> io::Result<()> {
    match format {
        OutputFormat::Jsonl => {
            super::json_out::write_answer(a, out)?;
            out.push(b'\n');
        }
        OutputFormat::Csv => each_csv_row(a, |row| {
            csv_record(out, row);
            Ok(())
        })?,
        OutputFormat::Table => {
            for l in table_lines(a) {
                out.extend_from_slice(l.as_bytes());
                out.push(b'\n');
            }
        }
    }
    Ok(())
}

/// Writes answers one at a time in one format (the header first).
pub struct Reporter<W: Write> {
    format: OutputFormat,
    out: W,
    started: bool,
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
        self.buf.clear();
        render(self.format, a, &mut self.buf)?;
        self.out.write_all(&self.buf)
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
        let cells: Vec<Cell<'_>> = row.iter().map(|&c| Cell::Text(c)).collect();
        let row: Vec<Cow<'_, str>> = row.iter().map(|&c| Cow::Borrowed(c)).collect();
        let mut out = Vec::new();
        csv_record(&mut out, &cells);
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
}
