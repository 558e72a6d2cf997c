//! Which target applies to a metric for a ticket's severity, tier and type,
//! on which calendar and why, and its length in open seconds.

use super::hours::{HoursError, OpenHours};
use crate::ir::{CalendarId, Covered, MetricId, Policy, SeverityId, TargetValue, TierId, TypeId};
use crate::values::Duration;
use chrono::{DateTime, Utc};

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
    /// Whether the ticket's type is covered on the tier; when it is not, or
    /// is covered `without guarantee`, there is no target whatever the
    /// tables say.
    pub covered: Covered,
    /// The ticket's issue type, as asked.
    pub asked_type: Option<TypeId>,
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
    let covered = issue_type.map_or(Covered::Yes, |ty| policy.covered(ty, tier));
    let cell = policy.target(metric, severity, tier, issue_type);
    let (duration, calendar) = match cell.map(|c| &c.value) {
        Some(TargetValue::Within { duration, calendar }) if covered == Covered::Yes => {
            (Some(*duration), *calendar)
        }
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
        covered,
        asked_type: issue_type,
    }
}

/// Target seconds of a duration for a cycle starting at `start`: open
/// seconds as they are; `Nbd` becomes the open seconds between `start` and
/// `start + Nbd`, which are then counted like any other (pauses push the
/// deadline by the paused open time).
pub fn target_seconds(
    hours: &dyn OpenHours,
    cal: CalendarId,
    start: DateTime<Utc>,
    d: Option<Duration>,
) -> Result<Option<i64>, HoursError> {
    match d {
        None => Ok(None),
        Some(Duration::Seconds(s)) => Ok(Some(s)),
        Some(bd @ Duration::BusinessDays(_)) => {
            let end = hours.add(cal, start, bd)?;
            Ok(Some(hours.between(cal, start, end)?))
        }
    }
}
