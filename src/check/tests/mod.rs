//! Checker tests over hand-built surface trees (see `build`).

mod build;
mod calendars;
mod clocks;
mod names;
mod other;
mod robust;
mod source;
mod targets;
mod versions;
