//! Readers and writers around the engines: tickets from JSON Lines and CSV,
//! answers as JSON Lines, CSV and a table, and the threaded bulk driver
//! that streams any number of tickets through a [`crate::Compiled`] policy
//! with bounded memory; uptime samples and incidents, and usage rows, for
//! the `uptime` and `usage` engines. The engines they feed do no I/O.

pub(crate) mod bulk;
pub(crate) mod csv_in;
pub(crate) mod json_out;
pub(crate) mod jsonl;
pub(crate) mod report;
pub mod rows;
pub mod uptime;
pub mod usage;

pub use bulk::{evaluate_csv_stream, evaluate_stream, Progress, StreamOptions, Summary};
pub use report::{csv_row, OutputFormat, Reporter};
pub use rows::{Counts, Loaded, RowError, RowFormat, Rows};

#[cfg(test)]
mod tests;
