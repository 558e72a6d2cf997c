//! The evaluator's view of business time.
//!
//! The evaluator only needs a handful of calendar operations, so it is
//! written against the small [`OpenHours`] trait rather than a concrete
//! calendar engine. [`AlwaysOpen`] is the trivial implementation (every
//! calendar is `24x7`), used by unit tests and by policies whose targets all
//! run around the clock; the crate's calendar engine implements the trait
//! too.

use crate::ir::CalendarId;
use crate::values::Duration;
use chrono::{DateTime, Utc};
use std::fmt;

/// A failure of the calendar arithmetic (for example an instant beyond the
/// range a calendar can represent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoursError(pub String);

impl fmt::Display for HoursError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HoursError {}

/// What a stretch of a calendar is, and a stretch in one state: the
/// calendar engine's own types, under the names the evaluator uses.
pub use crate::calendar::{Segment as HoursSegment, SegmentState as HoursState};

/// Business-time arithmetic on the calendars of a policy.
///
/// All durations are exact whole seconds of open time. Implementations must
/// be `Send + Sync`: bulk evaluation shares one instance across threads.
pub trait OpenHours: Send + Sync {
    /// The earliest instant `u >= t` such that the open time in `[t, u)` is
    /// `secs` (`secs >= 0`).
    fn add_seconds(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        secs: i64,
    ) -> Result<DateTime<Utc>, HoursError>;

    /// `t + d`: open seconds as [`OpenHours::add_seconds`]; business days
    /// keep the position within the business day.
    fn add(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        d: Duration,
    ) -> Result<DateTime<Utc>, HoursError>;

    /// Open seconds in `[from, to)`, negative when `to < from`.
    fn between(
        &self,
        cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, HoursError>;

    /// The stretches of `[from, to)`, in order, each open, outside hours or
    /// closed. Used only by explanations.
    fn segments(
        &self,
        cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HoursSegment>, HoursError>;
}

/// Every calendar is open all the time (`24x7`); a business day is 24 hours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AlwaysOpen;

fn plus(t: DateTime<Utc>, secs: i64) -> Result<DateTime<Utc>, HoursError> {
    chrono::TimeDelta::try_seconds(secs)
        .and_then(|d| t.checked_add_signed(d))
        .ok_or_else(|| HoursError(format!("{secs} seconds after {t} is out of range")))
}

impl OpenHours for AlwaysOpen {
    fn add_seconds(
        &self,
        _cal: CalendarId,
        t: DateTime<Utc>,
        secs: i64,
    ) -> Result<DateTime<Utc>, HoursError> {
        plus(t, secs)
    }

    fn add(
        &self,
        _cal: CalendarId,
        t: DateTime<Utc>,
        d: Duration,
    ) -> Result<DateTime<Utc>, HoursError> {
        match d {
            Duration::Seconds(s) => plus(t, s),
            Duration::BusinessDays(n) => plus(t, n.saturating_mul(86_400)),
        }
    }

    fn between(
        &self,
        _cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, HoursError> {
        Ok((to - from).num_seconds())
    }

    fn segments(
        &self,
        _cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HoursSegment>, HoursError> {
        if to <= from {
            return Ok(Vec::new());
        }
        Ok(vec![HoursSegment {
            start: from,
            end: to,
            state: HoursState::Open,
        }])
    }
}

fn from_cal(e: crate::calendar::CalendarError) -> HoursError {
    HoursError(e.to_string())
}

impl OpenHours for crate::calendar::CalendarSet {
    fn add_seconds(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        secs: i64,
    ) -> Result<DateTime<Utc>, HoursError> {
        crate::calendar::CalendarSet::add_seconds(self, cal, t, secs).map_err(from_cal)
    }

    fn add(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        d: Duration,
    ) -> Result<DateTime<Utc>, HoursError> {
        crate::calendar::CalendarSet::add(self, cal, t, d).map_err(from_cal)
    }

    fn between(
        &self,
        cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, HoursError> {
        crate::calendar::CalendarSet::between(self, cal, from, to).map_err(from_cal)
    }

    fn segments(
        &self,
        cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<HoursSegment>, HoursError> {
        crate::calendar::CalendarSet::segments(self, cal, from, to).map_err(from_cal)
    }
}
