//! Business-time arithmetic over checked calendars.
//!
//! A calendar is a set of half-open open intervals `[open, close)` on the real
//! (UTC) timeline. [`CalendarSet`] turns a policy's calendars into lazily
//! built, cached per-year tables of those intervals with prefix sums of open
//! time, so that adding 8 hours or 10,000 hours, or measuring open time across
//! one year or ten, costs a few short searches. See `docs/calendar.md` for
//! the exact semantics (DST rules, business days, supported range).
//!
//! Every instant must lie in `1900-01-01T00:00:00Z ..= 2200-01-01T00:00:00Z`;
//! anything else, and any answer that would leave that range, is
//! [`CalendarError::OutOfRange`].

mod build;
mod intervals;

pub(crate) use intervals::normalize as normalize_pairs;
mod query;
mod zone;

use crate::ir::{self, CalendarId};
use crate::values::Duration;
use build::{check_refs, Kind, Node};
use chrono::{DateTime, Utc};
use std::fmt;

/// Why a calendar computation failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CalendarError {
    /// An instant (given or computed) outside 1900-01-01 ..= 2200-01-01 UTC.
    OutOfRange {
        /// The offending instant (the range's edge when an answer ran off it).
        at: DateTime<Utc>,
    },
    /// The calendar has no open time at all.
    NeverOpen {
        /// Its name.
        calendar: String,
    },
    /// A calendar id that is not in the set (or a reference cycle through it).
    NoSuchCalendar(CalendarId),
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // A given instant is checked first, so one exactly on an edge
            // (both edges are in range) means an answer ran off it.
            CalendarError::OutOfRange { at } if at.timestamp() == MAX_SECONDS => f.write_str(
                "the answer would fall after 2200-01-01T00:00:00Z, \
                 the end of the supported range (1900-01-01 to 2200-01-01 UTC)",
            ),
            CalendarError::OutOfRange { at } if at.timestamp() == MIN_SECONDS => f.write_str(
                "the answer would fall before 1900-01-01T00:00:00Z, \
                 the start of the supported range (1900-01-01 to 2200-01-01 UTC)",
            ),
            CalendarError::OutOfRange { at } => write!(
                f,
                "instant `{}` is outside the supported range 1900-01-01 to 2200-01-01 UTC",
                at.to_rfc3339()
            ),
            CalendarError::NeverOpen { calendar } => {
                write!(f, "calendar `{calendar}` is never open")
            }
            CalendarError::NoSuchCalendar(id) => {
                write!(f, "no calendar number {} (or it refers to itself)", id.0)
            }
        }
    }
}

impl std::error::Error for CalendarError {}

/// Whether a piece of the timeline counted, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SegmentState {
    /// Open time: it counts.
    Open,
    /// Outside the weekly hours.
    OutsideHours,
    /// Closed by a closure (holiday), or by the right side of a difference.
    Closed {
        /// The closure's label, or the subtracted calendar's name.
        label: Option<String>,
    },
}

/// A maximal piece `[start, end)` of the timeline in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// First instant of the piece.
    pub start: DateTime<Utc>,
    /// First instant after the piece.
    pub end: DateTime<Utc>,
    /// What the piece is.
    pub state: SegmentState,
}

/// All calendars of a policy, ready for business-time arithmetic.
///
/// Built once per policy; tables are computed on first use, one UTC year at
/// a time, and cached (thread-safe: `CalendarSet` is `Send + Sync`).
pub struct CalendarSet {
    bounds: Vec<i64>,
    nodes: Vec<Node>,
    /// A slot for what a later stage derives from the policy these
    /// calendars were built from and keeps beside them (the evaluator's
    /// per-policy lookups), built lazily once and shared by every ticket.
    /// Its type is the later stage's, so this module does not name it.
    pub(crate) memo: std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>>,
}

impl fmt::Debug for CalendarSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The caches are large and say nothing useful: show the calendars.
        let names: Vec<&str> = self.nodes.iter().map(|n| n.name.as_str()).collect();
        f.debug_struct("CalendarSet")
            .field("calendars", &names)
            .finish_non_exhaustive()
    }
}

/// Earliest supported instant, 1900-01-01T00:00:00Z.
pub const MIN_SECONDS: i64 = -2_208_988_800;
/// Latest supported instant, 2200-01-01T00:00:00Z.
pub const MAX_SECONDS: i64 = 7_258_118_400;

impl CalendarSet {
    /// Prepares `calendars` (indexed by [`CalendarId`]) of a checked
    /// policy. This cannot fail: whether a calendar is valid (zones,
    /// references, cycles, plainly empty hours) is decided once, by the
    /// checker. A calendar whose emptiness only shows in its tables
    /// (`a & b` of disjoint hours) is reported by the first search that runs
    /// off the supported range ([`CalendarError::NeverOpen`]).
    pub(crate) fn new(calendars: &[ir::Calendar]) -> CalendarSet {
        debug_assert!(
            check_refs(calendars).is_ok(),
            "calendar references are checked before calendars are built"
        );
        let zones = build::day_zones(calendars);
        let nodes = calendars
            .iter()
            .zip(zones)
            .map(|(c, tz)| Node::new(c, tz))
            .collect();
        let bounds = (0..=build::YEARS)
            .map(|i| {
                let year = build::FIRST_YEAR + i as i32;
                chrono::NaiveDate::from_ymd_opt(year, 1, 1).map_or(0, zone::date_seconds)
            })
            .collect();
        CalendarSet {
            bounds,
            nodes,
            memo: std::sync::OnceLock::new(),
        }
    }

    /// Prepares the calendars of a checked policy.
    pub(crate) fn from_policy(policy: &ir::Policy) -> CalendarSet {
        CalendarSet::new(&policy.calendars)
    }

    /// `t` plus a target duration: open seconds, or business days.
    pub fn add(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        d: Duration,
    ) -> Result<DateTime<Utc>, CalendarError> {
        match d {
            Duration::Seconds(s) => self.add_seconds(cal, t, s),
            Duration::BusinessDays(n) => self.add_business_days(cal, t, n),
        }
    }

    /// [`CalendarSet::add`] on Unix seconds.
    pub(crate) fn add_at(
        &self,
        cal: CalendarId,
        t: i64,
        d: Duration,
    ) -> Result<i64, CalendarError> {
        match d {
            Duration::Seconds(s) => self.add_seconds_at(cal, t, s),
            Duration::BusinessDays(n) => self.add_business_days_at(cal, t, n),
        }
    }

    /// The earliest instant `u >= t` with exactly `secs` seconds of open time
    /// in `[t, u)`; `add_seconds(t, 0) == t`. Negative `secs` subtract (see
    /// [`CalendarSet::sub_seconds`]).
    pub fn add_seconds(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        secs: i64,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.shift(cal, t, secs, true)
    }

    /// The latest instant `u <= t` with exactly `secs` seconds of open time in
    /// `[u, t)`; `sub_seconds(t, 0) == t`. Negative `secs` add.
    pub fn sub_seconds(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        secs: i64,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.shift(cal, t, secs, false)
    }

    /// Moves `secs` of open time forward (`forward` and `secs >= 0`, or
    /// neither) or backward; works on the magnitude so `i64::MIN` is fine.
    fn shift(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        secs: i64,
        forward: bool,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.id(cal)?;
        let s = check(t)?;
        Ok(utc_of(self.shift_at(cal, s, secs, forward)?))
    }

    /// [`CalendarSet::add_seconds`] on Unix seconds (the engine's
    /// instants: no conversion to and from chrono's dates per query).
    pub(crate) fn add_seconds_at(
        &self,
        cal: CalendarId,
        t: i64,
        secs: i64,
    ) -> Result<i64, CalendarError> {
        self.shift_at(cal, t, secs, true)
    }

    /// [`CalendarSet::shift`] on Unix seconds.
    fn shift_at(
        &self,
        cal: CalendarId,
        t: i64,
        secs: i64,
        forward: bool,
    ) -> Result<i64, CalendarError> {
        let id = self.id(cal)?;
        let s = check_at(t)?;
        self.shift_raw(id, s, secs, forward)
    }

    fn shift_raw(&self, id: usize, t: i64, secs: i64, forward: bool) -> Result<i64, CalendarError> {
        if (secs >= 0) == forward {
            self.add_raw(id, t, secs.unsigned_abs())
        } else {
            self.sub_raw(id, t, secs.unsigned_abs())
        }
    }

    /// Open seconds in `[a, b)`, or minus those in `[b, a)`.
    fn signed_between(&self, id: usize, a: i64, b: i64) -> i64 {
        if a <= b {
            self.between_raw(id, a, b)
        } else {
            -self.between_raw(id, b, a)
        }
    }

    /// Open seconds in `[from, to)`; negative (minus the open time in
    /// `[to, from)`) when `to < from`.
    pub fn between(
        &self,
        cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<i64, CalendarError> {
        self.id(cal)?;
        let (a, b) = (check(from)?, check(to)?);
        self.between_at(cal, a, b)
    }

    /// [`CalendarSet::between`] on Unix seconds.
    pub(crate) fn between_at(
        &self,
        cal: CalendarId,
        from: i64,
        to: i64,
    ) -> Result<i64, CalendarError> {
        let id = self.id(cal)?;
        let (a, b) = (check_at(from)?, check_at(to)?);
        Ok(self.signed_between(id, a, b))
    }

    /// Whether the calendar is open at `t` (intervals are half-open: closing
    /// time itself is closed).
    pub fn is_open(&self, cal: CalendarId, t: DateTime<Utc>) -> Result<bool, CalendarError> {
        let id = self.id(cal)?;
        let t = check(t)?;
        Ok(self.is_open_raw(id, t))
    }

    /// The earliest open instant `>= t` (`t` itself when open); `None` when
    /// the calendar never opens again before 2200-01-01.
    pub fn next_open(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, CalendarError> {
        let id = self.id(cal)?;
        let t = check(t)?;
        Ok(self.next_open_raw(id, t)?.map(to_utc))
    }

    /// The earliest closed instant `>= t` (`t` itself when closed); `None`
    /// when the calendar stays open until 2200-01-01 (always, for `24x7`).
    pub fn next_close(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, CalendarError> {
        let id = self.id(cal)?;
        let t = check(t)?;
        Ok(self.next_close_raw(id, t).map(to_utc))
    }

    /// The latest instant `<= t` at which an open period ended (`t` itself
    /// when one ends exactly at `t`); `None` when none ended since
    /// 1900-01-01 (always, for `24x7`).
    pub fn previous_close(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, CalendarError> {
        let id = self.id(cal)?;
        let t = check(t)?;
        Ok(self.previous_close_raw(id, t).map(to_utc))
    }

    /// `t` plus `n` business days, keeping the position within the business
    /// day (negative `n` goes back).
    ///
    /// A business day is a local date with open time: for a weekly calendar,
    /// the date its open ranges start on (an overnight range belongs to the
    /// day it starts on); for an expression, the open time between two local
    /// midnights of the zone of its leftmost weekly calendar (UTC for
    /// `24x7`). Day `D` spans from its first open instant `first(D)` to its
    /// last close `last(D)`.
    ///
    /// For `n > 0`: if `t` is inside a day, `first(D) < t <= last(D)` (with
    /// `D` the latest-starting day that opened before `t`), the answer is the
    /// same local wall-clock time on the `n`-th business day after `D`,
    /// clamped to that day's `[first, last]`. Otherwise (before opening,
    /// after closing, on a closed date) `t` counts as the start of the next
    /// business day `D0`, and the answer is `last` of the `(n-1)`-th business
    /// day after `D0`: Friday 15:30 + 1bd is Monday 15:30, Saturday 10:00 +
    /// 1bd is Monday 16:00, Friday 08:00 (opening) + 1bd is Friday 16:00.
    /// `n < 0` mirrors this: inside means `first(D) <= t < last(D)`, and
    /// outside counts as the end of the previous business day, landing on a
    /// `first`. `n == 0` returns `t`.
    pub fn add_business_days(
        &self,
        cal: CalendarId,
        t: DateTime<Utc>,
        n: i64,
    ) -> Result<DateTime<Utc>, CalendarError> {
        self.id(cal)?;
        let t = check(t)?;
        Ok(to_utc(self.add_business_days_at(cal, t, n)?))
    }

    /// [`CalendarSet::add_business_days`] on Unix seconds.
    pub(crate) fn add_business_days_at(
        &self,
        cal: CalendarId,
        t: i64,
        n: i64,
    ) -> Result<i64, CalendarError> {
        let id = self.id(cal)?;
        let t = check_at(t)?;
        self.add_days_raw(id, t, n)
    }

    /// The instant of a deadline target counted from `t`: `days` business
    /// days after day zero, at local time `at` (seconds after local
    /// midnight of that business day's date, read by the zone rules) or,
    /// with `None`, at that day's last close. Day zero is the business day
    /// `t` counts in: the latest-starting day `D` with `first(D) <= t`, when
    /// `t < last(D)`; otherwise (before opening, at or after closing, on a
    /// closed date) the next business day to open. Friday 17:30 on a mon-fri 09:00-17:00 calendar counts in
    /// Monday, so 1 day at 16:00 is Tuesday 16:00. The answer may be
    /// before `t` (day zero's 16:00 for `t` at 16:30).
    /// (All in Unix seconds: only the engine asks.)
    pub(crate) fn business_day_deadline(
        &self,
        cal: CalendarId,
        t: i64,
        days: u32,
        at: Option<u32>,
    ) -> Result<i64, CalendarError> {
        let id = self.id(cal)?;
        let t = check_at(t)?;
        let u = self.day_deadline_raw(id, t, days, at)?;
        // The answer must be in the range too (as an instant: chrono's
        // range first, for the same error as before).
        check_at(to_utc(u).timestamp())
    }

    /// Consecutive pieces covering `[from, to)` (empty when `to <= from`),
    /// each open, outside hours, or closed with the closure's label.
    pub fn segments(
        &self,
        cal: CalendarId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<Segment>, CalendarError> {
        let id = self.id(cal)?;
        let (a, b) = (check(from)?, check(to)?);
        Ok(self.segments_raw(id, a, b))
    }

    /// The zone of a weekly calendar; `None` for expressions and `24x7`.
    pub fn zone_of(&self, cal: CalendarId) -> Option<chrono_tz::Tz> {
        match &self.nodes.get(cal.index())?.kind {
            Kind::Weekly(w) => Some(w.tz),
            Kind::Expr(_) => None,
        }
    }

    /// The instant local midnight begins `date` in the zone whose dates are
    /// `cal`'s days (its own zone; for an expression, its leftmost weekly
    /// calendar's; UTC for `24x7`). Midnight skipped by a DST change moves
    /// forward by the gap, as every local time of a calendar does.
    pub(crate) fn day_start(&self, cal: CalendarId, date: chrono::NaiveDate) -> DateTime<Utc> {
        let tz = self
            .nodes
            .get(cal.index())
            .map_or(chrono_tz::Tz::UTC, |n| n.day_zone);
        to_utc(zone::local_to_instant(tz, date, 0))
    }

    /// Years of `cal` with a built table; `None` before its first query
    /// (tests only).
    #[cfg(test)]
    pub(crate) fn built_years(&self, cal: CalendarId) -> Option<usize> {
        self.nodes.get(cal.index())?.built_years()
    }

    fn id(&self, cal: CalendarId) -> Result<usize, CalendarError> {
        let i = cal.index();
        if i < self.nodes.len() {
            Ok(i)
        } else {
            Err(CalendarError::NoSuchCalendar(cal))
        }
    }
}

fn check(t: DateTime<Utc>) -> Result<i64, CalendarError> {
    let s = secs_of(&t);
    if (MIN_SECONDS..=MAX_SECONDS).contains(&s) {
        Ok(s)
    } else {
        Err(CalendarError::OutOfRange { at: t })
    }
}

/// [`check`] of the instant at Unix seconds `s`.
fn check_at(s: i64) -> Result<i64, CalendarError> {
    if (MIN_SECONDS..=MAX_SECONDS).contains(&s) {
        Ok(s)
    } else {
        Err(CalendarError::OutOfRange { at: to_utc(s) })
    }
}

/// Seconds in a UTC day.
const DAY: i64 = 86_400;

/// Years with a January 1 in the supported range (1900 to 2200).
const JAN_1_YEARS: usize = build::YEARS + 1;

/// January 1 of each year from 1900, and its day number counted from
/// 1900-01-01, for [`utc_of`].
const JAN_1: ([chrono::NaiveDate; JAN_1_YEARS], [u32; JAN_1_YEARS]) = {
    let mut dates = [chrono::NaiveDate::MIN; JAN_1_YEARS];
    let mut days = [0u32; JAN_1_YEARS];
    let (mut i, mut day) = (0, 0u32);
    while i < JAN_1_YEARS {
        let year = build::FIRST_YEAR + i as i32;
        if let Some(d) = chrono::NaiveDate::from_ymd_opt(year, 1, 1) {
            dates[i] = d;
        }
        days[i] = day;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        day += if leap { 366 } else { 365 };
        i += 1;
    }
    (dates, days)
};

/// Unix seconds of `t`, its fraction of a second dropped: what
/// `t.timestamp()` gives, for the engine's event instants. For a year in
/// the supported range the day number is its January 1's (from a table)
/// plus the day of the year, instead of chrono's count from day zero.
pub(crate) fn secs_of(t: &DateTime<Utc>) -> i64 {
    use chrono::{Datelike, Timelike};
    let n = t.naive_utc();
    let year = usize::try_from(n.year() - build::FIRST_YEAR).ok();
    match year.and_then(|i| JAN_1.1.get(i)) {
        Some(&jan_1) => {
            let day = i64::from(jan_1) + i64::from(n.ordinal0());
            MIN_SECONDS + day * DAY + i64::from(n.num_seconds_from_midnight())
        }
        None => t.timestamp(),
    }
}

/// The instant at Unix seconds `u`: what [`to_utc`] gives, for the
/// engine's answers and [`CalendarSet::add_seconds`]'s. In the supported range the date is January 1 of its
/// year (from a table) moved to its day of the year, which costs a third
/// of chrono's conversion from day zero (400-year cycles, a division by
/// 365, range checks): every instant of every answer goes through here.
pub(crate) fn utc_of(u: i64) -> DateTime<Utc> {
    if !(MIN_SECONDS..=MAX_SECONDS).contains(&u) {
        return to_utc(u);
    }
    // Days and seconds from `MIN_SECONDS`, a midnight: unsigned divisions.
    let x = u.abs_diff(MIN_SECONDS);
    let (day, secs) = ((x / DAY as u64) as u32, (x % DAY as u64) as u32);
    let (dates, starts) = (&JAN_1.0, &JAN_1.1);
    // A guess from the mean Gregorian year, then the exact year.
    let mut y = ((u64::from(day) * 400 / 146_097) as usize).min(JAN_1_YEARS - 1);
    while y > 0 && starts[y] > day {
        y -= 1;
    }
    while y + 1 < JAN_1_YEARS && starts[y + 1] <= day {
        y += 1;
    }
    let date = chrono::Datelike::with_ordinal0(&dates[y], day - starts[y]);
    match (
        date,
        chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, 0),
    ) {
        (Some(d), Some(t)) => d.and_time(t).and_utc(),
        _ => to_utc(u),
    }
}

/// The instant at Unix seconds `s` (the range's start for one chrono
/// cannot hold, which no instant of the engine is).
pub(crate) fn to_utc(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

#[cfg(test)]
mod tests;
