//! Readers and writers around the engine: tickets from JSON Lines and CSV,
//! answers as JSON Lines, CSV and a table, and the threaded bulk driver
//! that streams any number of tickets through a [`crate::Compiled`] policy
//! with bounded memory.

pub(crate) mod bulk;
pub(crate) mod csv_in;
pub(crate) mod json_out;
pub(crate) mod jsonl;
pub(crate) mod report;

pub use bulk::{evaluate_csv_stream, evaluate_stream, Progress, StreamOptions, Summary};
pub use report::{OutputFormat, Reporter};

#[cfg(test)]
mod tests;
