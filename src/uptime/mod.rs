//! Monthly uptime of an `availability` block: the pure engine. No I/O and
//! no clock: what the monitor saw comes in as windows of UTC time, the
//! months are calendar months of the block's zone, and every figure is an
//! integer number of seconds.
//!
//! For each month `[start, end)` (local midnight of the 1st to local
//! midnight of the next 1st, in the zone):
//!
//! - *maintenance* is the union of the block's `excluding` calendars' open
//!   time, the maintenance windows given as input, and incidents of kind
//!   `maintenance`;
//! - *downtime* is the union of down windows (outages, down samples) outside
//!   maintenance, so overlapping incidents count once and maintenance is
//!   never downtime;
//! - with samples, *missing* time is the part of the month no sample covers,
//!   outside maintenance; it counts as the block's `missing samples` rule
//!   says (up, down, or excluded from the denominator);
//! - maintenance counts as up (`maintenance counts as up`) or leaves the
//!   denominator (`maintenance excluded`);
//! - `uptime = (counted - downtime) / counted`, with `counted` the month's
//!   seconds minus what left the denominator. A month with nothing counted
//!   is 100%.
//!
//! The objective is met when `uptime >= objective`, compared exactly on the
//! fraction (never on the rounded figure). The credit is the one of the
//! lowest `credit below X` threshold that the exact uptime is below. The
//! error budget is `floor(counted x (100% - objective))` seconds of
//! downtime; what is left of it may be negative (overspent).

mod samples;

pub use samples::{is_down, SampleError, SampleSeries};

use crate::calendar::{CalendarError, CalendarSet, SegmentState};
use crate::ir::{Availability, Credit, MaintenanceRule, MissingRule};
use crate::values::Percent;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use std::fmt;

/// A half-open window `[start, end)` of UTC time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Window {
    /// First instant.
    pub start: DateTime<Utc>,
    /// First instant after the window.
    pub end: DateTime<Utc>,
}

/// What the monitor saw, in any order; windows may overlap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Observed {
    /// Time that counts as down: outages, or the windows of down samples.
    pub down: Vec<Window>,
    /// Time reported as degraded but not down (shown, never counted).
    pub degraded: Vec<Window>,
    /// Planned maintenance given as input; the block's `excluding`
    /// calendars are added by [`monthly`].
    pub maintenance: Vec<Window>,
    /// With samples: the time the samples cover. `None` for incidents, where
    /// any time outside an incident is up.
    pub covered: Option<Vec<Window>>,
    /// The time of the figures, for a month in progress: no sample is
    /// missing after it (it has not happened yet). The budget is still that
    /// of the whole month.
    pub until: Option<DateTime<Utc>>,
}

/// A calendar month of some zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    /// The year.
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| Month { year, month })
    }

    /// The month after this one.
    pub fn next(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month containing `t` in `zone`.
    pub fn containing(t: DateTime<Utc>, zone: Tz) -> Month {
        let local = t.with_timezone(&zone);
        Month {
            year: local.year(),
            month: local.month(),
        }
    }

    /// The instant the month starts in `zone`: local midnight of the 1st (or
    /// the first local time after it, if a DST change skips midnight).
    pub fn start(self, zone: Tz) -> Option<DateTime<Utc>> {
        let date = NaiveDate::from_ymd_opt(self.year, self.month, 1)?;
        (0..=3).find_map(|h| {
            let naive = date.and_hms_opt(h, 0, 0)?;
            zone.from_local_datetime(&naive)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        })
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// An exact uptime fraction `up / counted` (both seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uptime {
    /// Seconds up.
    pub up: i64,
    /// Seconds counted (the denominator); 0 means 100%.
    pub counted: i64,
}

impl Uptime {
    /// Thousandths of a percent, rounded half up: `99.5026..%` is `99_503`.
    pub fn thousandths(self) -> i64 {
        if self.counted <= 0 {
            return 100_000;
        }
        let num = i128::from(self.up) * 200_000 + i128::from(self.counted);
        (num / (2 * i128::from(self.counted))) as i64
    }

    /// Whether the exact fraction is at least `p`.
    pub fn at_least(self, p: Percent) -> bool {
        self.counted <= 0
            || i128::from(self.up) * i128::from(Percent::WHOLE)
                >= i128::from(p.0) * i128::from(self.counted)
    }
}

impl fmt::Display for Uptime {
    /// Exactly three decimals: `99.503%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.thousandths();
        write!(f, "{}.{:03}%", t / 1000, t % 1000)
    }
}

/// One month's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    /// Which month (in the block's zone).
    pub month: Month,
    /// Its first instant.
    pub start: DateTime<Utc>,
    /// The first instant of the next month.
    pub end: DateTime<Utc>,
    /// Seconds in the month.
    pub total_seconds: i64,
    /// Seconds of downtime (outside maintenance; missing samples included
    /// when they count as down).
    pub downtime_seconds: i64,
    /// Seconds of planned maintenance.
    pub maintenance_seconds: i64,
    /// Seconds no sample covers, outside maintenance (always 0 for incidents).
    pub missing_seconds: i64,
    /// Seconds reported degraded but not down.
    pub degraded_seconds: i64,
    /// Seconds that left the denominator (maintenance and/or missing, by the rules).
    pub excluded_seconds: i64,
    /// The uptime fraction.
    pub uptime: Uptime,
    /// Whether the objective is met.
    pub met: bool,
    /// The credit that applies, if any.
    pub credit: Option<Credit>,
    /// Seconds of downtime the objective allows this month.
    pub budget_seconds: i64,
    /// What is left of it (negative: overspent).
    pub budget_left_seconds: i64,
    /// The windows no sample covers (outside maintenance), for the report.
    pub gaps: Vec<Window>,
}

/// Why the figures could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UptimeError {
    /// The block's zone is not a known IANA zone.
    UnknownZone(String),
    /// A month outside the supported range.
    MonthOutOfRange(Month),
    /// A maintenance calendar failed.
    Calendar(CalendarError),
    /// The policy declares no `availability` block.
    NoAvailability {
        /// The policy's name.
        policy: String,
    },
    /// No availability block has this name.
    UnknownAvailability {
        /// The name asked for.
        name: String,
        /// The policy's blocks.
        known: Vec<String>,
    },
    /// The policy has several blocks and none was named.
    SeveralAvailability {
        /// The policy's blocks.
        known: Vec<String>,
    },
}

impl fmt::Display for UptimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UptimeError::UnknownZone(z) => write!(f, "unknown time zone `{z}`"),
            UptimeError::MonthOutOfRange(m) => write!(f, "month `{m}` is out of range"),
            UptimeError::Calendar(e) => write!(f, "maintenance calendar: {e}"),
            UptimeError::NoAvailability { policy } => write!(
                f,
                "policy `{policy}` declares no `availability` block, so there is no uptime objective to measure"
            ),
            UptimeError::UnknownAvailability { name, known } => write!(
                f,
                "no availability block `{name}`; the policy has {}",
                crate::check::backtick_list(known.iter().map(String::as_str))
            ),
            UptimeError::SeveralAvailability { known } => write!(
                f,
                "the policy has several availability blocks ({}); choose one by name (--availability NAME)",
                crate::check::backtick_list(known.iter().map(String::as_str))
            ),
        }
    }
}

impl std::error::Error for UptimeError {}

impl From<CalendarError> for UptimeError {
    fn from(e: CalendarError) -> Self {
        UptimeError::Calendar(e)
    }
}

/// The zone whose months `block` measures.
pub fn zone_of(block: &Availability) -> Result<Tz, UptimeError> {
    block
        .zone
        .parse::<Tz>()
        .map_err(|_| UptimeError::UnknownZone(block.zone.clone()))
}

/// The months `observed` touches, in the block's zone, first to last
/// (empty when it holds no window).
pub fn months_spanned(
    block: &Availability,
    observed: &Observed,
) -> Result<Vec<Month>, UptimeError> {
    let zone = zone_of(block)?;
    let all = observed
        .down
        .iter()
        .chain(&observed.degraded)
        .chain(&observed.maintenance)
        .chain(observed.covered.iter().flatten())
        .filter(|w| w.end > w.start);
    let (mut lo, mut hi) = (None::<DateTime<Utc>>, None::<DateTime<Utc>>);
    for w in all {
        lo = Some(lo.map_or(w.start, |l| l.min(w.start)));
        // The last instant inside the window.
        let last = w.end - chrono::Duration::seconds(1);
        hi = Some(hi.map_or(last, |h| h.max(last)));
    }
    let (Some(lo), Some(hi)) = (lo, hi) else {
        return Ok(Vec::new());
    };
    let (first, last) = (Month::containing(lo, zone), Month::containing(hi, zone));
    let mut out = vec![first];
    while let Some(&m) = out.last() {
        if m >= last {
            break;
        }
        out.push(m.next());
    }
    Ok(out)
}

/// The figures of each month in `months` for the availability `block` of
/// `compiled` (its calendars give the `excluding` maintenance windows).
pub fn monthly(
    block: &Availability,
    compiled: &crate::Compiled,
    observed: &Observed,
    months: &[Month],
) -> Result<Vec<MonthFigures>, UptimeError> {
    monthly_on(block, &compiled.calendars, observed, months)
}

/// [`monthly`] on a calendar set.
pub(crate) fn monthly_on(
    block: &Availability,
    calendars: &CalendarSet,
    observed: &Observed,
    months: &[Month],
) -> Result<Vec<MonthFigures>, UptimeError> {
    let zone = zone_of(block)?;
    let down = normalize(secs(&observed.down));
    let degraded = normalize(secs(&observed.degraded));
    let given_maintenance = normalize(secs(&observed.maintenance));
    let covered = observed.covered.as_ref().map(|c| normalize(secs(c)));
    let mut out = Vec::with_capacity(months.len());
    for &month in months {
        let start = month
            .start(zone)
            .ok_or(UptimeError::MonthOutOfRange(month))?;
        let end = month
            .next()
            .start(zone)
            .ok_or(UptimeError::MonthOutOfRange(month))?;
        let (lo, hi) = (start.timestamp(), end.timestamp());
        let mut maint = clip(&given_maintenance, lo, hi);
        for &cal in &block.excluding {
            for seg in calendars.segments(cal, start, end)? {
                if seg.state == SegmentState::Open {
                    maint.push((seg.start.timestamp(), seg.end.timestamp()));
                }
            }
        }
        let maint = normalize(maint);
        let mut down_m = subtract(&clip(&down, lo, hi), &maint);
        let seen_to = observed.until.map_or(hi, |u| u.timestamp().clamp(lo, hi));
        let gaps = match &covered {
            Some(c) => subtract(&subtract(&[(lo, seen_to)], &clip(c, lo, seen_to)), &maint),
            None => Vec::new(),
        };
        let missing = total(&gaps);
        let maintenance_seconds = total(&maint);
        let mut excluded = 0;
        match block.missing {
            MissingRule::Up => {}
            MissingRule::Down => {
                down_m.extend_from_slice(&gaps);
                down_m = normalize(down_m);
            }
            MissingRule::Excluded => excluded += missing,
        }
        if block.maintenance == MaintenanceRule::Excluded {
            excluded += maintenance_seconds;
        }
        let total_seconds = hi - lo;
        let downtime = total(&down_m);
        let counted = total_seconds - excluded;
        let uptime = Uptime {
            up: counted - downtime,
            counted,
        };
        let budget = budget_seconds(counted, block.objective);
        out.push(MonthFigures {
            month,
            start,
            end,
            total_seconds,
            downtime_seconds: downtime,
            maintenance_seconds,
            missing_seconds: missing,
            degraded_seconds: total(&subtract(&clip(&degraded, lo, hi), &maint)),
            excluded_seconds: excluded,
            uptime,
            met: uptime.at_least(block.objective),
            credit: credit_for(block, uptime).cloned(),
            budget_seconds: budget,
            budget_left_seconds: budget - downtime,
            gaps: gaps.iter().map(|&(s, e)| window(s, e)).collect(),
        });
    }
    Ok(out)
}

/// The credit of the lowest threshold the exact uptime is below (credits
/// are sorted highest threshold first).
pub fn credit_for(block: &Availability, uptime: Uptime) -> Option<&Credit> {
    block
        .credits
        .iter()
        .rev()
        .find(|c| !uptime.at_least(c.below))
}

/// Seconds of downtime an objective allows over `counted` seconds, rounded down.
pub fn budget_seconds(counted: i64, objective: Percent) -> i64 {
    let allowed = i128::from(counted.max(0)) * i128::from(Percent::WHOLE - objective.0);
    (allowed / i128::from(Percent::WHOLE)) as i64
}

fn secs(ws: &[Window]) -> Vec<(i64, i64)> {
    ws.iter()
        .map(|w| (w.start.timestamp(), w.end.timestamp()))
        .collect()
}

fn window(s: i64, e: i64) -> Window {
    let t = |x| DateTime::from_timestamp(x, 0).unwrap_or(DateTime::<Utc>::MIN_UTC);
    Window {
        start: t(s),
        end: t(e),
    }
}

/// Sorts, drops empty pairs and merges overlapping or touching ones (the
/// calendar engine's interval rule, written once).
use crate::calendar::normalize_pairs as normalize;

/// The part of normalized `pairs` inside `[lo, hi)`.
fn clip(pairs: &[(i64, i64)], lo: i64, hi: i64) -> Vec<(i64, i64)> {
    let first = pairs.partition_point(|p| p.1 <= lo);
    pairs[first..]
        .iter()
        .take_while(|p| p.0 < hi)
        .map(|&(s, e)| (s.max(lo), e.min(hi)))
        .filter(|p| p.1 > p.0)
        .collect()
}

/// Normalized `a` minus normalized `b`.
fn subtract(a: &[(i64, i64)], b: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut j = 0;
    for &(s, e) in a {
        let mut cur = s;
        while j < b.len() && b[j].1 <= cur {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b[k].0 < e {
            if b[k].0 > cur {
                out.push((cur, b[k].0));
            }
            cur = cur.max(b[k].1);
            k += 1;
        }
        if cur < e {
            out.push((cur, e));
        }
    }
    out
}

fn total(pairs: &[(i64, i64)]) -> i64 {
    pairs.iter().map(|p| p.1 - p.0).sum()
}

#[cfg(test)]
mod tests;
