//! Ticket evaluation: timelines in, SLA answers out.
//!
//! The evaluator consumes a checked [`crate::ir::Policy`] and a ticket's
//! timeline and answers, for every metric and every cycle, whether the
//! promise was met, breached, or is still running, relative to an instant
//! passed in by the caller. Nothing here reads the clock or the local time
//! zone, and nothing does I/O except the streaming readers, which read from
//! the `BufRead` they are given.
//!
//! ```
//! use slate::eval::{evaluate, AlwaysOpen, ReadOptions, read_line};
//! # let policy = slate::eval::testing::sample_policy();
//! let line = r#"{"id":"T-1","tier":"gold","severity":"sev2","events":[
//!   {"at":"2026-03-06T15:30:00-06:00","type":"opened"},
//!   {"at":"2026-03-06T17:00:00-06:00","type":"replied"}]}"#;
//! let ticket = read_line(&policy, &line.replace('\n', ""), 1, &ReadOptions::default()).unwrap();
//! let at = ticket.latest_event().unwrap();
//! let answer = evaluate(&policy, &AlwaysOpen, &ticket, at).unwrap();
//! let first = answer.metrics.iter().find(|m| m.metric == "first_response").unwrap();
//! assert_eq!(first.cycles[0].elapsed_seconds, 5400);
//! ```
//!
//! The policy and the calendars are shared read-only (`Send + Sync`), so
//! one compiled policy serves any number of threads; see [`bulk`].

pub mod answer;
pub mod bulk;
pub mod clock;
pub mod csv_input;
pub mod explain;
pub mod hours;
pub mod jsonl;
pub mod report;
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
