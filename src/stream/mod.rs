//! Readers and writers: files in, figures out. The engines they feed
//! (`uptime`, `eval`) do no I/O.

pub mod rows;
pub mod uptime;
pub mod usage;

pub use rows::{Counts, Loaded, RowError, RowFormat, Rows};
