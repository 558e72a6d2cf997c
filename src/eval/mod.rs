//! Ticket evaluation: timelines in, SLA answers out.
//!
//! The evaluator consumes a checked [`crate::ir::Policy`] and a ticket's
//! timeline and answers, for every metric and every cycle, whether the
//! promise was met, breached, or is still running, relative to an instant
//! passed in by the caller. Nothing here reads the clock or the local time
//! zone, and nothing does I/O except the streaming readers, which read from
//! the `BufRead` they are given.
//!
//! Compile once, then evaluate any number of tickets (from any number of
//! threads: the policy and the [`crate::calendar::CalendarSet`] are
//! `Send + Sync`):
//!
//! ```
//! use slate::calendar::CalendarSet;
//! use slate::eval::{evaluate, read_line, ReadOptions, State};
//! use slate::source::SourceFile;
//!
//! let text = r#"
//! policy "Example" { calendar office }
//! calendar office { zone "America/Chicago"  mon-fri 08:00-16:00 }
//! severity sev1 "Down"
//! severity sev2 "Degraded"
//! tiers basic < gold
//! targets first_response {
//!         basic gold
//!   sev1  4h    2h
//!   sev2  8h    4h
//! }
//! "#;
//! let policy = slate::compile(&SourceFile::new("example.sla", text))?.policy;
//! let calendars = CalendarSet::from_policy(&policy)?;
//!
//! // Friday 15:30: half an hour before closing, the rest on Monday.
//! let line = r#"{"id":"T-1","tier":"gold","severity":"sev2","events":[
//!   {"at":"2026-03-06T15:30:00-06:00","type":"opened"}]}"#.replace('\n', "");
//! let ticket = read_line(&policy, &line, 1, &ReadOptions::default())?;
//! let at = "2026-03-07T12:00:00Z".parse()?; // "now" is always passed in
//! let answer = evaluate(&policy, &calendars, &ticket, at)?;
//!
//! let first = answer.metrics.iter().find(|m| m.metric == "first_response").unwrap();
//! assert_eq!(first.state, State::Running);
//! assert_eq!(first.cycles[0].elapsed_seconds, 1800);
//! assert_eq!(first.cycles[0].deadline, Some("2026-03-09T16:30:00Z".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! For many tickets, [`evaluate_stream`] reads JSON Lines from a `BufRead`,
//! evaluates chunks in parallel and writes answers in input order; see
//! `docs/eval.md` for the input and answer formats and the clock rules.
//!
//! The policy and the calendars are shared read-only (`Send + Sync`), so
//! one compiled policy serves any number of threads; see [`bulk`].

pub mod answer;
pub mod bulk;
pub mod clock;
pub mod csv_input;
pub mod explain;
pub mod hours;
mod json_out;
pub mod jsonl;
pub mod report;
pub mod target;
#[doc(hidden)]
pub mod testing;
pub mod timeline;

pub use answer::{
    evaluate, CycleAnswer, MetricAnswer, MilestoneAnswer, State, TicketAnswer, EVAL_FORMAT_VERSION,
};
pub use bulk::{evaluate_stream, Progress, StreamOptions, Summary};
pub use explain::explain;
pub use hours::{AlwaysOpen, HoursError, HoursSegment, HoursState, OpenHours};
pub use jsonl::read_line;
pub use report::OutputFormat;
pub use timeline::{
    validate, Change, Event, InputError, InputErrorKind, RawEvent, RawTicket, ReadOptions, Ticket,
};
