//! The calendar engine's tests: named regressions, long spans, and the
//! property tests against a slow, obviously correct oracle.

mod limits;
mod long;
mod oracle;
mod regressions;
