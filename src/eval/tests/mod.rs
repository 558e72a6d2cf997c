//! The clock engine's tests: rules one by one, real calendars, snapshots,
//! and the minute-by-minute oracle.

mod basics;
mod hours;
mod oracle;
mod selection;
mod snapshots;
