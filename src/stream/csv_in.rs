//! CSV input: a long table of events, one row per event.
//!
//! Columns (by header name, any order): `ticket_id`, `at`, `type` (the event
//! type) and `value` (the new status, severity or tier of change events);
//! optional `tier`, `severity`, `issue_type`, `status`, `channel` and `due_at`
//! give the ticket's initial fields (and due date), taken from the first row
//! of the ticket that has them; optional `actor` and `public` say who did
//! each event and whether a message was public (as in JSON Lines).
//! Columns named `attributes.NAME` give the ticket's attribute `NAME`
//! (read by calendars chosen per ticket), from the first row of the ticket
//! that has a value. The rows of one ticket must be consecutive; an id that
//! comes back after another ticket is a duplicate.

use crate::eval::timeline::{InputError, InputErrorKind, RawEvent, RawTicket};
use csv::StringRecord;
use std::borrow::Cow;
use std::io::Read;

#[derive(Clone)]
struct Columns {
    id: usize,
    at: usize,
    kind: usize,
    value: Option<usize>,
    tier: Option<usize>,
    severity: Option<usize>,
    issue_type: Option<usize>,
    status: Option<usize>,
    /// `attributes.NAME` columns: (column, NAME).
    attributes: Vec<(usize, String)>,
    channel: Option<usize>,
    actor: Option<usize>,
    public: Option<usize>,
    due_at: Option<usize>,
}

/// Reads grouped tickets from a CSV events table.
pub(crate) struct CsvTickets<R: Read> {
    reader: csv::Reader<R>,
    columns: Option<Columns>,
    header_error: Option<InputError>,
    pending: Option<(StringRecord, u64)>,
    done: bool,
}

impl<R: Read> CsvTickets<R> {
    /// Starts reading; the first row is the header.
    pub fn new(input: R) -> Self {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(input);
        let (columns, header_error) = match reader.headers() {
            Ok(h) => {
                let find = |names: &[&str]| h.iter().position(|c| names.contains(&c));
                match (
                    find(&["ticket_id", "id"]),
                    find(&["at"]),
                    find(&["type", "event"]),
                ) {
                    (Some(id), Some(at), Some(kind)) => (
                        Some(Columns {
                            id,
                            at,
                            kind,
                            value: find(&["value"]),
                            tier: find(&["tier"]),
                            severity: find(&["severity"]),
                            issue_type: find(&["issue_type", "ticket_type"]),
                            status: find(&["status"]),
                            attributes: h
                                .iter()
                                .enumerate()
                                .filter_map(|(i, c)| {
                                    c.strip_prefix("attributes.").map(|n| (i, n.to_string()))
                                })
                                .collect(),
                            channel: find(&["channel"]),
                            actor: find(&["actor"]),
                            public: find(&["public"]),
                            due_at: find(&["due_at"]),
                        }),
                        None,
                    ),
                    _ => (None, Some(header_missing())),
                }
            }
            Err(e) => (
                None,
                Some(InputError {
                    ticket: None,
                    line: 1,
                    kind: InputErrorKind::Malformed(e.to_string()),
                }),
            ),
        };
        CsvTickets {
            reader,
            columns,
            header_error,
            pending: None,
            done: false,
        }
    }

    /// Bytes and lines consumed so far.
    pub fn position(&self) -> (u64, u64) {
        let p = self.reader.position();
        (p.byte(), p.line())
    }

    fn next_record(&mut self) -> Option<Result<(StringRecord, u64), InputError>> {
        if let Some(p) = self.pending.take() {
            return Some(Ok(p));
        }
        let mut rec = StringRecord::new();
        match self.reader.read_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                Some(Ok((rec, line)))
            }
            Ok(false) => None,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                Some(Err(InputError {
                    ticket: None,
                    line,
                    kind: InputErrorKind::Malformed(e.to_string()),
                }))
            }
        }
    }
}

fn header_missing() -> InputError {
    InputError {
        ticket: None,
        line: 1,
        kind: InputErrorKind::Malformed(
            "the header must name the columns `ticket_id`, `at` and `type`".to_string(),
        ),
    }
}

/// The non-empty cell of column `i`.
fn cell(rec: &StringRecord, i: Option<usize>) -> Option<&str> {
    i.and_then(|i| rec.get(i)).filter(|s| !s.is_empty())
}

/// The non-empty cell of column `i`, copied out of the record.
fn owned(rec: &StringRecord, i: Option<usize>) -> Option<Cow<'static, str>> {
    cell(rec, i).map(|s| Cow::Owned(s.to_string()))
}

impl<R: Read> Iterator for CsvTickets<R> {
    type Item = Result<RawTicket<'static>, InputError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if let Some(e) = self.header_error.take() {
            self.done = true;
            return Some(Err(e));
        }
        let width = self.reader.headers().map_or(0, |h| h.len());
        let (first, line) = match self.next_record()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        let cols = self.columns.clone()?;
        let id = cell(&first, Some(cols.id)).map(str::to_string);
        let mut ticket = RawTicket {
            id: id.clone().map(Cow::Owned),
            line,
            ..RawTicket::default()
        };
        let mut error: Option<InputError> = None;
        let mut rec = Some((first, line));
        while let Some((r, l)) = rec.take() {
            if r.len() != width && error.is_none() {
                error = Some(InputError {
                    ticket: id.clone(),
                    line: l,
                    kind: InputErrorKind::Malformed(format!(
                        "expected {width} fields, found {}",
                        r.len()
                    )),
                });
            }
            ticket.tier = ticket.tier.or_else(|| owned(&r, cols.tier));
            ticket.severity = ticket.severity.or_else(|| owned(&r, cols.severity));
            ticket.issue_type = ticket.issue_type.or_else(|| owned(&r, cols.issue_type));
            ticket.status = ticket.status.or_else(|| owned(&r, cols.status));
            for (i, name) in &cols.attributes {
                if !ticket.attributes.iter().any(|(k, _)| k == name) {
                    if let Some(v) = owned(&r, Some(*i)) {
                        ticket.attributes.push((Cow::Owned(name.clone()), v));
                    }
                }
            }
            ticket.channel = ticket.channel.or_else(|| owned(&r, cols.channel));
            ticket.due_at = ticket.due_at.or_else(|| owned(&r, cols.due_at));
            ticket.events.push(RawEvent {
                line: l,
                at: owned(&r, Some(cols.at)),
                kind: owned(&r, Some(cols.kind)),
                value: owned(&r, cols.value),
                actor: owned(&r, cols.actor),
                public: owned(&r, cols.public),
            });
            match self.next_record() {
                Some(Ok((next, nl))) => {
                    if cell(&next, Some(cols.id)) == id.as_deref() {
                        rec = Some((next, nl));
                    } else {
                        self.pending = Some((next, nl));
                    }
                }
                Some(Err(e)) if error.is_none() => {
                    error = Some(InputError {
                        ticket: id.clone(),
                        ..e
                    });
                }
                _ => {}
            }
        }
        Some(match error {
            Some(e) => Err(e),
            None => Ok(ticket),
        })
    }
}
