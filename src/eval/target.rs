//! Which target applies to a metric for a ticket's severity, tier and type,
//! on which calendar and why, and its length in open seconds.

use super::timeline::Ticket;
use crate::calendar::{CalendarError, CalendarSet};
use crate::ir::{
    CalendarId, Covered, Deadline, MetricId, Policy, SeverityId, TargetValue, TierId, TypeId,
    VersionId,
};
use crate::values::Duration;
use std::borrow::Cow;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

/// Where the calendar of a target came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarSource {
    /// The severity's own clock (`severity sev1 { clock 24x7 }`).
    Severity,
    /// The severity's clock for this metric (`clock 24x7 for first_response`).
    SeverityMetric,
    /// The policy's default calendar.
    Default,
    /// Named by the target table.
    Table,
}

/// What a target cell promises: a length of open time, or a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Promise {
    /// `4h`, `1bd`.
    Within(Duration),
    /// `1bd@16:00`, `1bd@end`, `due`.
    By(Deadline),
}

impl std::fmt::Display for Promise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Promise::Within(d) => d.fmt(f),
            Promise::By(d) => d.fmt(f),
        }
    }
}

/// The target that applies to a cycle, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppliedTarget {
    /// The promise; `None` when there is no target (explicit `-` or no
    /// cell for this combination).
    pub promise: Option<Promise>,
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
    /// The policy version in force for the ticket when the target was
    /// looked up (`None`: the policy's own targets).
    pub version: Option<VersionId>,
    /// The calendar chosen per ticket (`by ATTRIBUTE`) that `calendar` was
    /// chosen from, when it was.
    pub selected_from: Option<CalendarId>,
    /// The cell's index in the policy's targets (`None`: no cell).
    pub cell: Option<usize>,
    /// Whether the ticket's type is covered on the tier; when it is not, or
    /// is covered `without guarantee`, there is no target whatever the
    /// tables say.
    pub covered: Covered,
    /// The ticket's issue type, as asked.
    pub asked_type: Option<TypeId>,
    /// The type is covered on the tier, but not through the ticket's
    /// channel (`covered` is then [`Covered::No`]).
    pub channel_refused: bool,
}

impl AppliedTarget {
    /// The target as written in the policy (`1w`, `90m`, `1bd`,
    /// `1bd@16:00`), `None` without target. IR without the cell's text
    /// gives the normalized form (`168h`).
    #[inline]
    pub fn written<'p>(&self, policy: &'p Policy) -> Option<Cow<'p, str>> {
        let d = self.promise?;
        Some(match self.cell.and_then(|i| policy.targets.get(i)) {
            Some(cell) if !cell.written.is_empty() => Cow::Borrowed(cell.written.as_str()),
            _ => Cow::Owned(d.to_string()),
        })
    }
}

/// The clock of `severity` for `metric` when no table names one: the
/// severity's clock for that metric, else the severity's clock, else the
/// policy default.
pub(crate) fn severity_calendar(
    policy: &Policy,
    metric: MetricId,
    severity: SeverityId,
) -> (CalendarId, CalendarSource) {
    let sev = policy.severities.get(severity.index());
    let for_metric = sev.and_then(|s| {
        s.metric_calendars
            .iter()
            .find(|(m, _)| *m == metric)
            .map(|(_, c)| *c)
    });
    match (for_metric, sev.and_then(|s| s.calendar)) {
        (Some(c), _) => (c, CalendarSource::SeverityMetric),
        (None, Some(c)) => (c, CalendarSource::Severity),
        (None, None) => (policy.default_calendar, CalendarSource::Default),
    }
}

/// What the evaluator remembers about one policy: answers that depend on
/// the policy alone but were computed per ticket. Built on first use and
/// kept in the slot the policy's [`CalendarSet`] has for it (the calendar
/// layer stores it without knowing its type).
pub(crate) struct PolicyMemo {
    /// The policy it is for (its target and milestone tables' addresses and
    /// sizes): another policy is answered without it.
    policy: [usize; 4],
    /// The target cells (`None`: too many combinations to remember).
    cells: Option<TargetCells>,
    /// Each milestone's percentage as written in answers (`75%`).
    percents: Box<[String]>,
    /// Each metric's clauses as masks.
    clauses: Box<[super::clock::Clauses]>,
    /// Per metric, whether it has a target cell
    /// ([`super::select::has_target_cell`]).
    targeted: Box<[bool]>,
}

impl PolicyMemo {
    fn fingerprint(policy: &Policy) -> [usize; 4] {
        [
            policy.targets.as_ptr() as usize,
            policy.targets.len(),
            policy.milestones.as_ptr() as usize,
            policy.milestones.len(),
        ]
    }

    /// The memo of `policy`, built on first use; `None` when `hours` were
    /// built from another policy.
    pub(crate) fn of<'h>(policy: &Policy, hours: &'h CalendarSet) -> Option<&'h PolicyMemo> {
        let memo = hours.memo.get_or_init(|| {
            Box::new(PolicyMemo {
                policy: PolicyMemo::fingerprint(policy),
                cells: TargetCells::new(policy),
                percents: policy.milestones.iter().map(|m| m.at.to_string()).collect(),
                clauses: policy
                    .metrics
                    .iter()
                    .map(super::clock::Clauses::of)
                    .collect(),
                targeted: (0..policy.metrics.len())
                    .map(|i| super::select::has_target_cell(policy, i))
                    .collect(),
            })
        });
        memo.downcast_ref::<PolicyMemo>()
            .filter(|m| m.policy == PolicyMemo::fingerprint(policy))
    }

    /// The clauses of `metric` as masks.
    pub(crate) fn clauses(&self, metric: MetricId) -> Option<super::clock::Clauses> {
        self.clauses.get(metric.index()).copied()
    }

    /// Whether metric `i` has a target cell.
    pub(crate) fn has_target_cell(&self, i: usize) -> Option<bool> {
        self.targeted.get(i).copied()
    }

    /// The text of milestone `i`'s percentage.
    pub(crate) fn percent(&self, i: usize) -> Option<&str> {
        self.percents.get(i).map(String::as_str)
    }
}

/// [`Policy::target_index_in`] remembered per version, metric, severity,
/// tier and issue type: the lookup scans the policy's target table and
/// runs per metric and change of every ticket, while its answer depends on
/// the policy alone. Each entry is filled on first use.
struct TargetCells {
    /// Versions + 1, metrics, severities, tiers, types + 1.
    dims: [usize; 5],
    /// 0: not looked up yet; 1: no cell; `i + 2`: cell `i`.
    cells: Box<[AtomicU32]>,
    /// The whole [`applied_cell`] answer per entry, for tickets whose
    /// answer depends on the entry's key alone ([`plain`]): most tickets.
    applied: Box<[OnceLock<AppliedTarget>]>,
}

/// Whether [`applied_cell`] answers for `ticket` from the version, metric,
/// severity, tier and issue type alone: no channel (coverage `via` a
/// channel) and no calendar chosen per ticket.
fn plain(ticket: &Ticket) -> bool {
    ticket.channel.is_none() && ticket.selected.is_empty()
}

/// At most this many entries (4 bytes each) are remembered; a policy with
/// more combinations is answered by the scan.
const MAX_CELLS: usize = 1 << 16;

impl TargetCells {
    fn new(policy: &Policy) -> Option<TargetCells> {
        let dims = [
            policy.versions.len() + 1,
            policy.metrics.len(),
            policy.severities.len(),
            policy.tiers.len(),
            policy.types.len() + 1,
        ];
        let n = dims
            .iter()
            .try_fold(1usize, |n, &d| n.checked_mul(d))
            .filter(|&n| n <= MAX_CELLS)?;
        u32::try_from(policy.targets.len()).ok()?.checked_add(2)?;
        Some(TargetCells {
            dims,
            cells: (0..n).map(|_| AtomicU32::new(0)).collect(),
            applied: (0..n).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The entry of a key; `None` past the dimensions.
    fn slot(
        &self,
        version: Option<VersionId>,
        metric: MetricId,
        severity: SeverityId,
        tier: TierId,
        issue_type: Option<TypeId>,
    ) -> Option<usize> {
        let at = [
            version.map_or(0, |v| v.index() + 1),
            metric.index(),
            severity.index(),
            tier.index(),
            issue_type.map_or(0, |t| t.index() + 1),
        ];
        // Written out rather than as iterator chains: this runs per
        // metric of every ticket.
        let [d0, d1, d2, d3, d4] = self.dims;
        let [i0, i1, i2, i3, i4] = at;
        if i0 >= d0 || i1 >= d1 || i2 >= d2 || i3 >= d3 || i4 >= d4 {
            return None;
        }
        let slot = (((i0 * d1 + i1) * d2 + i2) * d3 + i3) * d4 + i4;
        (slot < self.cells.len()).then_some(slot)
    }

    /// [`Policy::target_index_in`], remembered.
    fn index(
        &self,
        policy: &Policy,
        version: Option<VersionId>,
        metric: MetricId,
        severity: SeverityId,
        tier: TierId,
        issue_type: Option<TypeId>,
    ) -> Option<usize> {
        let scan = || policy.target_index_in(version, metric, severity, tier, issue_type);
        let Some(entry) = self
            .slot(version, metric, severity, tier, issue_type)
            .and_then(|slot| self.cells.get(slot))
        else {
            return scan();
        };
        // Relaxed is enough: every thread that fills an entry writes the
        // same value, and a thread that misses it computes it again.
        match entry.load(Ordering::Relaxed) {
            0 => {
                let index = scan();
                let code = index.map_or(Some(1), |i| u32::try_from(i + 2).ok());
                if let Some(code) = code {
                    entry.store(code, Ordering::Relaxed);
                }
                index
            }
            1 => None,
            code => Some(code as usize - 2),
        }
    }
}

/// Looks up the target of `metric` for a ticket's severity, tier and issue
/// type under policy version `version`; a calendar chosen per ticket is
/// resolved to the ticket's own.
pub fn applied_target(
    policy: &Policy,
    ticket: &Ticket,
    version: Option<VersionId>,
    metric: MetricId,
    severity: SeverityId,
    tier: TierId,
) -> AppliedTarget {
    let index = policy.target_index_in(version, metric, severity, tier, ticket.issue_type);
    applied_cell(policy, ticket, version, metric, severity, tier, index)
}

/// [`applied_target`] with the cell looked up in `memo` (the memo of
/// `policy`, [`PolicyMemo::of`]); for a [`plain`] ticket the whole answer
/// is remembered per key.
pub(crate) fn applied_target_in(
    policy: &Policy,
    memo: Option<&PolicyMemo>,
    ticket: &Ticket,
    version: Option<VersionId>,
    metric: MetricId,
    severity: SeverityId,
    tier: TierId,
) -> AppliedTarget {
    let issue_type = ticket.issue_type;
    let Some(cells) = memo.and_then(|m| m.cells.as_ref()) else {
        let index = policy.target_index_in(version, metric, severity, tier, issue_type);
        return applied_cell(policy, ticket, version, metric, severity, tier, index);
    };
    let applied = |ticket: &Ticket| {
        let index = cells.index(policy, version, metric, severity, tier, issue_type);
        applied_cell(policy, ticket, version, metric, severity, tier, index)
    };
    match cells
        .slot(version, metric, severity, tier, issue_type)
        .and_then(|slot| cells.applied.get(slot))
    {
        Some(known) if plain(ticket) => *known.get_or_init(|| applied(ticket)),
        _ => applied(ticket),
    }
}

/// The target of the cell `index` (the one [`Policy::target_index_in`]
/// gives) for the ticket: its coverage, calendar and why.
fn applied_cell(
    policy: &Policy,
    ticket: &Ticket,
    version: Option<VersionId>,
    metric: MetricId,
    severity: SeverityId,
    tier: TierId,
    index: Option<usize>,
) -> AppliedTarget {
    let issue_type = ticket.issue_type;
    let (fallback, fallback_source) = severity_calendar(policy, metric, severity);
    let source_of = |cal: CalendarId| {
        if cal == fallback {
            fallback_source
        } else if cal == policy.default_calendar {
            CalendarSource::Default
        } else {
            CalendarSource::Table
        }
    };
    let channel = ticket.channel.as_deref();
    let covered = issue_type.map_or(Covered::Yes, |ty| policy.covered_via(ty, tier, channel));
    let channel_refused = covered == Covered::No
        && channel.is_some()
        && issue_type.is_some_and(|ty| policy.covered(ty, tier) != Covered::No);
    let cell = index.and_then(|i| policy.targets.get(i));
    let (promise, calendar) = match cell.map(|c| &c.value) {
        Some(TargetValue::Within { duration, calendar }) if covered == Covered::Yes => {
            (Some(Promise::Within(*duration)), *calendar)
        }
        Some(TargetValue::By { deadline, calendar }) if covered == Covered::Yes => {
            (Some(Promise::By(*deadline)), *calendar)
        }
        _ => (None, fallback),
    };
    let chosen = ticket.calendar_for(calendar);
    AppliedTarget {
        promise,
        has_cell: cell.is_some(),
        calendar: chosen,
        selected_from: (chosen != calendar).then_some(calendar),
        version,
        calendar_source: source_of(calendar),
        severity,
        tier,
        cell_type: cell.and_then(|c| c.issue_type),
        cell: index,
        covered,
        asked_type: issue_type,
        channel_refused,
    }
}

/// A target measured from a cycle's start: its length in open seconds and,
/// for business days and deadlines, the instant it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    /// The target in open seconds; `None` without target.
    pub seconds: Option<i64>,
    /// `start + Nbd` on the calendar (the same function `slate time`
    /// uses), or a deadline's instant (never before `start`), in Unix
    /// seconds; `None` for targets in hours, minutes or seconds.
    pub end: Option<i64>,
}

/// Measures a target for a cycle starting at `start`: open seconds as they
/// are; `Nbd` becomes the open seconds between `start` and `start + Nbd`,
/// and a deadline (`1bd@16:00`, `1bd@end`, `due`) the open seconds between
/// `start` and its instant (0 when the instant is not after `start`). Both
/// are then counted like any other target (pauses push the deadline by the
/// paused open time), and the cycle keeps the instant as the deadline for
/// as long as no open time is lost (see [`super::clock::crossing`]).
/// `due_at` is the ticket's due date; a `due` target without one has no
/// target here (validation refuses such tickets, see
/// [`super::timeline::validate`]).
#[inline]
pub fn measure_target(
    hours: &CalendarSet,
    cal: CalendarId,
    start: i64,
    promise: Option<Promise>,
    due_at: Option<i64>,
) -> Result<Measured, CalendarError> {
    // Inlined where a cycle starts, for the usual targets in hours or
    // minutes, which need no calendar; the others are measured out of line.
    match promise {
        None => Ok(Measured {
            seconds: None,
            end: None,
        }),
        Some(Promise::Within(Duration::Seconds(s))) => Ok(Measured {
            seconds: Some(s),
            end: None,
        }),
        Some(p) => measure_on_calendar(hours, cal, start, p, due_at),
    }
}

/// [`measure_target`] of a target in business days or a deadline.
#[inline(never)]
fn measure_on_calendar(
    hours: &CalendarSet,
    cal: CalendarId,
    start: i64,
    promise: Promise,
    due_at: Option<i64>,
) -> Result<Measured, CalendarError> {
    let end = match promise {
        Promise::Within(Duration::Seconds(s)) => {
            return Ok(Measured {
                seconds: Some(s),
                end: None,
            })
        }
        Promise::Within(bd @ Duration::BusinessDays(_)) => hours.add_at(cal, start, bd)?,
        Promise::By(Deadline::TimeOfDay { days, seconds }) => {
            hours.business_day_deadline(cal, start, days, Some(seconds))?
        }
        Promise::By(Deadline::EndOfDay { days }) => {
            hours.business_day_deadline(cal, start, days, None)?
        }
        Promise::By(Deadline::DueAt) => match due_at {
            Some(t) => t,
            None => {
                return Ok(Measured {
                    seconds: None,
                    end: None,
                })
            }
        },
    };
    // A deadline at or before the start leaves nothing to count: a zero
    // target, reached at the start.
    let end = end.max(start);
    Ok(Measured {
        seconds: Some(hours.between_at(cal, start, end)?),
        end: Some(end),
    })
}

#[cfg(test)]
mod tests {
    //! One definition of business days: the deadline of an `Nbd` target
    //! (without pauses) is `start + Nbd` as `slate time POLICY CAL add START
    //! Nbd` computes it (`CalendarSet::add`, the call in `src/cli/time.rs`),
    //! on random weekly calendars in several zones, from random instants and
    //! from the calendars' own opening and closing instants.

    use crate::calendar::CalendarSet;
    use crate::eval::{evaluate, read_line, ReadOptions, State};
    use crate::ir::{MetricId, Policy, SeverityId, TierId, TypeId, VersionId};
    use crate::source::SourceFile;
    use chrono::{DateTime, TimeZone, Utc};
    use proptest::prelude::*;

    const ZONES: [&str; 5] = [
        "UTC",
        "America/Chicago",
        "Europe/Helsinki",
        "Australia/Lord_Howe",
        "Asia/Kathmandu",
    ];
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

    /// A weekly calendar: per weekday up to two ranges `(start, length)` in
    /// quarter hours (a range may cross midnight), and closed dates (days
    /// after 2026-03-01).
    #[derive(Debug, Clone)]
    struct Week {
        zone: usize,
        days: Vec<Vec<(u32, u32)>>,
        closed: Vec<u32>,
    }

    fn hhmm(quarters: u32) -> String {
        let q = quarters % 96;
        format!("{:02}:{:02}", q / 4, q % 4 * 15)
    }

    fn policy_text(w: &Week, n: i64) -> String {
        let mut cal = format!("calendar shop {{ zone \"{}\"", ZONES[w.zone]);
        for (day, ranges) in DAYS.iter().zip(&w.days) {
            if ranges.is_empty() {
                continue;
            }
            let list: Vec<String> = ranges
                .iter()
                .map(|&(s, len)| format!("{}-{}", hhmm(s), hhmm(s + len)))
                .collect();
            cal.push_str(&format!("  {day} {}", list.join(", ")));
        }
        for d in &w.closed {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
                .and_then(|x| x.checked_add_days(chrono::Days::new(u64::from(*d))))
                .unwrap_or_default();
            cal.push_str(&format!("  closed {date}"));
        }
        cal.push_str(" }");
        format!(
            "policy \"R\" {{ calendar shop }}\n{cal}\nseverity sev1 \"One\"\ntiers basic < gold\n\
             targets first_response {{\n        basic gold\n  sev1  {n}bd {n}bd\n}}\n"
        )
    }

    fn week() -> impl Strategy<Value = Week> {
        // Ranges of 15 minutes to 12 hours; starts on any quarter hour.
        let range = (0u32..96, 1u32..48);
        (
            0..ZONES.len(),
            proptest::collection::vec(proptest::collection::vec(range, 0..3), 7),
            proptest::collection::vec(0u32..60, 0..4),
        )
            .prop_map(|(zone, days, closed)| Week { zone, days, closed })
            .prop_filter("open at least one day a week", |w| {
                w.days.iter().any(|d| !d.is_empty())
            })
    }

    /// What a ticket opened at `start` gives: `start + Nbd` by the
    /// calendar, the evaluator's deadline, and the state and breach of a
    /// reply at that instant and one second after it.
    struct Answers {
        due: DateTime<Utc>,
        deadline: Option<DateTime<Utc>>,
        replies: Vec<(State, Option<DateTime<Utc>>)>,
    }

    fn answers(text: &str, start: DateTime<Utc>) -> Result<Answers, String> {
        let policy = crate::compile(&SourceFile::new("r.sla", text))
            .map_err(|e| format!("{e}\n{text}"))?
            .policy;
        let cals = CalendarSet::from_policy(&policy);
        let n = match policy.targets.first().map(|t| &t.value) {
            Some(crate::ir::TargetValue::Within { duration, .. }) => *duration,
            _ => return Err("no target".into()),
        };
        // What `slate time r.sla shop add START Nbd` prints.
        let due = cals
            .add(policy.default_calendar, start, n)
            .map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        let mut deadline = None;
        for reply in [None, Some(due), Some(due + chrono::TimeDelta::seconds(1))] {
            let mut events = format!(r#"{{"at":"{}","type":"opened"}}"#, start.to_rfc3339());
            if let Some(r) = reply {
                events.push_str(&format!(
                    r#",{{"at":"{}","type":"replied"}}"#,
                    r.to_rfc3339()
                ));
            }
            let line =
                format!(r#"{{"id":"R","tier":"basic","severity":"sev1","events":[{events}]}}"#);
            let ticket =
                read_line(&policy, &line, 1, &ReadOptions::default()).map_err(|e| e.to_string())?;
            let answer = evaluate(&policy, &cals, &ticket, reply.unwrap_or(start))
                .map_err(|e| e.to_string())?;
            let c = answer
                .metrics
                .iter()
                .find(|m| m.metric == "first_response")
                .and_then(|m| m.cycles.first())
                .ok_or("no first-response cycle")?;
            if reply.is_none() {
                deadline = c.deadline;
                assert_eq!(c.target.as_deref(), Some(n.to_string().as_str()));
            } else {
                out.push((c.state, c.breached_at));
            }
        }
        Ok(Answers {
            due,
            deadline,
            replies: out,
        })
    }

    /// The versioned fixture and the seed policies, compiled.
    fn memo_test_policies() -> Vec<Policy> {
        let versioned = include_str!("../../tests/fixtures/eval/clock/versions-reevaluated.sla");
        std::iter::once(versioned.to_string())
            .chain(
                crate::eval::testing::seed_policy_texts()
                    .into_iter()
                    .map(|(_, text)| text),
            )
            .map(|text| {
                crate::compile(&SourceFile::new("p.sla", text.as_str()))
                    .expect("compiles")
                    .policy
            })
            .collect()
    }

    /// A key of a target lookup: version, metric, severity, tier, type.
    type Key = (
        Option<VersionId>,
        MetricId,
        SeverityId,
        TierId,
        Option<TypeId>,
    );

    /// Every (version, metric, severity, tier, type) of a policy, and one
    /// past the last of each.
    fn every_key(policy: &Policy) -> Vec<Key> {
        let past = |n: usize| 0..=n;
        let optional = |n: usize| (0..=n + 1).map(|i| i.checked_sub(1));
        let mut keys = Vec::new();
        for v in optional(policy.versions.len()) {
            for m in past(policy.metrics.len()) {
                for sev in past(policy.severities.len()) {
                    for tier in past(policy.tiers.len()) {
                        for ty in optional(policy.types.len()) {
                            keys.push((
                                v.map(|v| VersionId(v as u32)),
                                MetricId(m as u32),
                                SeverityId(sev as u32),
                                TierId(tier as u32),
                                ty.map(|t| TypeId(t as u32)),
                            ));
                        }
                    }
                }
            }
        }
        keys
    }

    /// The memo of target cells answers as the scan does, for every
    /// version, metric, severity, tier and type of the seed policies and a
    /// versioned one (and one past each), filled or not; another policy's
    /// calendars are not used for it.
    #[test]
    fn target_memo_answers_as_the_scan() {
        use super::TargetCells;
        let mut compared = 0;
        let policies = memo_test_policies();
        for policy in &policies {
            let memo = TargetCells::new(policy).expect("small enough to remember");
            for _pass in 0..2 {
                for (version, m, sev, tier, ty) in every_key(policy) {
                    let scan = policy.target_index_in(version, m, sev, tier, ty);
                    let memo = memo.index(policy, version, m, sev, tier, ty);
                    assert_eq!(memo, scan);
                    compared += usize::from(scan.is_some());
                }
            }
        }
        assert!(compared > 100);
        let hours = CalendarSet::from_policy(&policies[0]);
        let memo = super::PolicyMemo::of(&policies[0], &hours).expect("the same policy");
        assert!(memo.cells.is_some());
        assert!(super::PolicyMemo::of(&policies[1], &hours).is_none());
        for p in &policies[1..] {
            let hours = CalendarSet::from_policy(p);
            let memo = super::PolicyMemo::of(p, &hours).expect("the same policy");
            for (i, m) in p.milestones.iter().enumerate() {
                assert_eq!(memo.percent(i), Some(m.at.to_string().as_str()));
            }
        }
    }

    /// The whole answers remembered for plain tickets (no channel, no
    /// calendar chosen per ticket) are what [`super::applied_target`]
    /// gives, for every version, metric, severity, tier and type of the
    /// seed policies and a versioned one, remembered or not; a ticket with
    /// a channel is answered by the lookup as before.
    #[test]
    fn remembered_targets_answer_as_the_lookup() {
        use super::{applied_target, applied_target_in, PolicyMemo};
        let mut compared = 0;
        for policy in &memo_test_policies() {
            let hours = CalendarSet::from_policy(policy);
            let memo = PolicyMemo::of(policy, &hours);
            assert!(memo.is_some_and(|m| m.cells.is_some()));
            let line = format!(
                r#"{{"id":"P","tier":"{}","severity":"{}","events":[{{"at":"2026-03-02T10:00:00Z","type":"opened"}}]}}"#,
                policy.tiers[0].name, policy.severities[0].name
            );
            let mut ticket = read_line(policy, &line, 1, &ReadOptions::default()).expect("reads");
            for channel in [None, None, Some("email".to_string())] {
                ticket.channel = channel;
                // Past the last metric there is nothing to look up.
                let keys = every_key(policy);
                let keys = keys.iter().filter(|k| k.1.index() < policy.metrics.len());
                for &(version, m, sev, tier, ty) in keys {
                    ticket.issue_type = ty;
                    let lookup = applied_target(policy, &ticket, version, m, sev, tier);
                    let known = applied_target_in(policy, memo, &ticket, version, m, sev, tier);
                    assert_eq!(known, lookup);
                    compared += usize::from(lookup.promise.is_some());
                }
            }
        }
        assert!(compared > 100);
    }

    fn cases() -> u32 {
        std::env::var("SLATE_PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(cases()))]

        #[test]
        fn business_day_deadline_is_slate_time_add(
            w in week(),
            n in 1i64..4,
            minute in 0i64..(40 * 1440),
            second in prop_oneof![Just(0i64), 1i64..60],
            snap in any::<bool>(),
        ) {
            let text = policy_text(&w, n);
            let base = Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).single().unwrap_or_default();
            let mut start = base + chrono::TimeDelta::minutes(minute) + chrono::TimeDelta::seconds(second);
            if snap {
                // Exactly at the next opening or closing of the calendar.
                let policy = crate::compile(&SourceFile::new("r.sla", text.as_str()))
                    .map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?
                    .policy;
                let cals = CalendarSet::from_policy(&policy);
                let segs = cals
                    .segments(policy.default_calendar, start, start + chrono::TimeDelta::days(8))
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                if let Some(s) = segs.get(1) {
                    start = s.start;
                }
            }
            let Answers { due, deadline, replies } =
                answers(&text, start).map_err(TestCaseError::fail)?;
            prop_assert_eq!(deadline, Some(due), "{}", text);
            // A reply at `start + Nbd` is met; one second later it is late.
            prop_assert_eq!(replies[0], (State::Met, None), "{}", text);
            prop_assert_eq!(replies[1], (State::Breached, Some(due)), "{}", text);
        }
    }
}
