//! Ticket evaluation: the clock engine.
//!
//! A validated [`Ticket`] and an instant in, an answer per metric and cycle
//! out: whether each promise was met, breached or is still running. The
//! engine works on a checked [`crate::ir::Policy`] and its
//! [`crate::calendar::CalendarSet`]; it never reads the clock or the local
//! time zone and does no I/O. Reading tickets from text and writing answers
//! is [`crate::stream`]'s job; embedders use both through
//! [`crate::Compiled`].

pub(crate) mod answer;
pub(crate) mod clock;
pub(crate) mod explain;
mod reuse;
pub(crate) mod select;
pub(crate) mod target;
#[cfg(test)]
pub(crate) mod testing;
pub(crate) mod timeline;
pub(crate) mod versions;

pub use answer::{CycleAnswer, MetricAnswer, MilestoneAnswer, State, TicketAnswer, VersionAnswer};
pub use explain::{CycleTrace, Explanation, MetricTrace, Stretch, StretchKind};
pub use select::MetricSelection;
pub use timeline::{InputError, InputErrorKind};

#[cfg(test)]
mod tests;

// The crate's tools (diff, contract tests) and its own tests reach the
// engine directly.
pub(crate) use crate::stream::jsonl::read_line;
pub(crate) use answer::evaluate;
#[cfg(test)]
pub(crate) use explain::explain;
pub(crate) use timeline::ReadOptions;
#[cfg(test)]
pub(crate) use timeline::{Change, Ticket};
