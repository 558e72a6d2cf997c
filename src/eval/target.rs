//! Which target applies to a metric for a ticket's severity, tier and type,
//! on which calendar and why, and its length in open seconds.

use super::hours::{HoursError, OpenHours};
use crate::ir::{CalendarId, MetricId, Policy, SeverityId, TargetValue, TierId, TypeId};
use crate::values::{parse_duration, Duration};
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// Where the calendar of a target came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarSource {
    /// The severity's own clock (`severity sev1 { clock 24x7 }`).
    Severity,
    /// The policy's default calendar.
    Default,
    /// Named by the target table.
    Table,
}

/// The target that applies to a cycle, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedTarget {
    /// The promised duration; `None` when there is no target (explicit `-`
    /// or no cell for this combination).
    pub duration: Option<Duration>,
    /// Whether a cell exists at all (`false`: nothing in the table).
    pub has_cell: bool,
    /// The calendar time is counted on.
    pub calendar: CalendarId,
    /// Why that calendar.
    pub calendar_source: CalendarSource,
    /// The severity row used.
    pub severity: SeverityId,
    /// The tier column used.
    pub tier: TierId,
    /// The issue type of the cell (`None`: the general table).
    pub cell_type: Option<TypeId>,
    /// The cell's index in the policy's targets (`None`: no cell).
    pub cell: Option<usize>,
}

impl AppliedTarget {
    /// The target as written in the policy (`1w`, `90m`, `1bd`), `None`
    /// without target. IR whose cell text is missing or does not say the
    /// cell's duration (IR built by hand) gives the normalized form (`168h`).
    pub fn written<'p>(&self, policy: &'p Policy) -> Option<Cow<'p, str>> {
        let d = self.duration?;
        let says_d = |text: &str| parse_duration(text).is_ok_and(|(w, _)| w == d);
        Some(match self.cell.and_then(|i| policy.targets.get(i)) {
            Some(cell) if says_d(&cell.written) => Cow::Borrowed(cell.written.as_str()),
            _ => Cow::Owned(d.to_string()),
        })
    }
}

/// Looks up the target of `metric` for a severity, tier and issue type.
pub fn applied_target(
    policy: &Policy,
    metric: MetricId,
    severity: SeverityId,
    tier: TierId,
    issue_type: Option<TypeId>,
) -> AppliedTarget {
    let sev_cal = policy
        .severities
        .get(severity.index())
        .and_then(|s| s.calendar);
    let fallback = sev_cal.unwrap_or(policy.default_calendar);
    let source_of = |cal: CalendarId| {
        if Some(cal) == sev_cal {
            CalendarSource::Severity
        } else if cal == policy.default_calendar {
            CalendarSource::Default
        } else {
            CalendarSource::Table
        }
    };
    let cell = policy.target(metric, severity, tier, issue_type);
    let (duration, calendar) = match cell.map(|c| &c.value) {
        Some(TargetValue::Within { duration, calendar }) => (Some(*duration), *calendar),
        _ => (None, fallback),
    };
    AppliedTarget {
        duration,
        has_cell: cell.is_some(),
        calendar,
        calendar_source: source_of(calendar),
        severity,
        tier,
        cell_type: cell.and_then(|c| c.issue_type),
        cell: cell.and_then(|c| policy.targets.iter().position(|t| std::ptr::eq(t, c))),
    }
}

/// A target measured from a cycle's start: its length in open seconds and,
/// for business days, the instant `start + Nbd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    /// The target in open seconds; `None` without target.
    pub seconds: Option<i64>,
    /// `start + Nbd` on the calendar (the same function `slate time` uses);
    /// `None` for targets in hours, minutes or seconds.
    pub end: Option<DateTime<Utc>>,
}

/// Measures a target for a cycle starting at `start`: open seconds as they
/// are; `Nbd` becomes the open seconds between `start` and `start + Nbd`,
/// which are then counted like any other (pauses push the deadline by the
/// paused open time), and the cycle keeps `start + Nbd` as the deadline
/// for as long as no open time is lost (see [`super::clock::crossing`]).
pub fn measure_target(
    hours: &dyn OpenHours,
    cal: CalendarId,
    start: DateTime<Utc>,
    d: Option<Duration>,
) -> Result<Measured, HoursError> {
    Ok(match d {
        None => Measured {
            seconds: None,
            end: None,
        },
        Some(Duration::Seconds(s)) => Measured {
            seconds: Some(s),
            end: None,
        },
        Some(bd @ Duration::BusinessDays(_)) => {
            let end = hours.add(cal, start, bd)?;
            Measured {
                seconds: Some(hours.between(cal, start, end)?),
                end: Some(end),
            }
        }
    })
}
