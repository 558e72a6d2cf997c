//! Example tickets for weakened promises: the same ticket evaluated against
//! both versions of a policy, with the deadline moving later.

use super::{Probe, TargetKey};
use crate::calendar::CalendarSet;
use crate::eval::{evaluate, read_line, ReadOptions};
use crate::ir::{EventKind, Policy};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

/// Example tickets are opened every this many seconds across a probe's window.
const STEP_SECONDS: i64 = 30 * 60;

/// A ticket whose deadline is later under the new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Example {
    /// The target cell it exercises.
    pub target: TargetKey,
    /// When the measured clock starts (the ticket is opened then, or just
    /// before for a metric that starts on a later event).
    pub opened: DateTime<Utc>,
    /// The ticket, as a line of `slate eval` input (a JSON object in the
    /// JSON report).
    #[serde(serialize_with = "as_json")]
    pub ticket: String,
    /// The deadline under the old version.
    pub old_deadline: DateTime<Utc>,
    /// The deadline under the new version; `None` when there is none any more.
    pub new_deadline: Option<DateTime<Utc>>,
    /// The calendar the new version counts on.
    pub calendar: Option<String>,
    /// Open seconds between the two deadlines on that calendar.
    pub later_open_seconds: Option<i64>,
}

/// A policy and its calendars, ready to evaluate.
pub(crate) struct Version<'a> {
    /// The policy.
    pub policy: &'a Policy,
    /// Its calendars.
    pub calendars: &'a CalendarSet,
}

impl<'a> From<&'a crate::Compiled> for Version<'a> {
    fn from(c: &'a crate::Compiled) -> Self {
        Version {
            policy: &c.policy,
            calendars: &c.calendars,
        }
    }
}

/// The first ticket, over the probe's target cells and opening instants in
/// order, whose deadline is later (or gone) under `new`. `pause_status`: a
/// status the ticket spends two hours in (for a widened pause condition).
pub(crate) fn find(
    old: &Version<'_>,
    new: &Version<'_>,
    probe: &Probe,
    pause_status: Option<&str>,
) -> Option<Example> {
    let start = probe.from.and_hms_opt(0, 0, 0)?.and_utc();
    let steps = i64::from(probe.days) * 86_400 / STEP_SECONDS;
    // A version's cells apply from its date on; the examples are opened in
    // the reference week under the policy's own cells.
    for key in probe.targets.iter().filter(|k| k.version.is_none()) {
        let metric = old.policy.metric_named(&key.metric)?;
        let calendar = old_calendar(old.policy, key);
        let metric = &old.policy.metrics[metric.index()];
        // Instants when the old calendar is open first: an example opened
        // during business hours reads most plainly.
        let open_first = (0..steps)
            .filter(|i| open_at(old, calendar, start, *i))
            .chain((0..steps).filter(|i| !open_at(old, calendar, start, *i)));
        for i in open_first {
            let t = start + chrono::Duration::seconds(i * STEP_SECONDS);
            let mut ticket = ticket_line(old.policy, metric, key, t, pause_status);
            if has_due(old.policy) || has_due(new.policy) {
                // A version with `due` cells refuses tickets without a due
                // date; the probed cell is never `due` (its deadline would
                // be made up), so any date will do: 30 days on.
                let due =
                    (t + chrono::Duration::days(30)).to_rfc3339_opts(SecondsFormat::Secs, true);
                ticket = ticket.replacen(
                    r#","events":"#,
                    &format!(r#","due_at":"{due}","events":"#),
                    1,
                );
            }
            let at = t + chrono::Duration::seconds(4 * 3600);
            let Some((Some(before), _)) = deadline(old, &ticket, &key.metric, at) else {
                continue;
            };
            let (after, calendar) = deadline(new, &ticket, &key.metric, at).unwrap_or((None, None));
            let later = match after {
                None => true,
                Some(a) => a > before,
            };
            if !later {
                continue;
            }
            let later_open_seconds = match (after, &calendar) {
                (Some(a), Some(cal)) => new
                    .policy
                    .calendar_named(cal)
                    .and_then(|id| new.calendars.between(id, before, a).ok()),
                _ => None,
            };
            return Some(Example {
                target: key.clone(),
                opened: t,
                ticket,
                old_deadline: before,
                new_deadline: after,
                calendar,
                later_open_seconds,
            });
        }
    }
    None
}

/// The calendar an old target cell counts on.
fn old_calendar(p: &Policy, key: &TargetKey) -> Option<crate::ir::CalendarId> {
    let target = p.target(
        p.metric_named(&key.metric)?,
        p.severity_named(&key.severity)?,
        p.tier_named(&key.tier)?,
        key.issue_type.as_deref().and_then(|t| p.type_named(t)),
    )?;
    match target.value {
        crate::ir::TargetValue::Within { calendar, .. }
        | crate::ir::TargetValue::By { calendar, .. } => Some(calendar),
        crate::ir::TargetValue::NoTarget => None,
    }
}

fn open_at(
    v: &Version<'_>,
    cal: Option<crate::ir::CalendarId>,
    start: DateTime<Utc>,
    i: i64,
) -> bool {
    let t = start + chrono::Duration::seconds(i * STEP_SECONDS);
    cal.is_some_and(|c| v.calendars.is_open(c, t).unwrap_or(false))
}

/// The deadline of the first cycle of `metric`, and its calendar; `None`
/// when the ticket is not valid for this version (a tier or severity gone).
fn deadline(
    v: &Version<'_>,
    ticket: &str,
    metric: &str,
    at: DateTime<Utc>,
) -> Option<(Option<DateTime<Utc>>, Option<String>)> {
    let ticket = read_line(v.policy, ticket, 1, &ReadOptions::default()).ok()?;
    let answer = evaluate(v.policy, v.calendars, &ticket, at).ok()?;
    let m = answer.metrics.iter().find(|m| m.metric == metric)?;
    let cycle = m.cycles.first()?;
    Some((cycle.deadline, Some(cycle.calendar.to_string())))
}

/// A ticket that starts `metric` at `t`: opened then, or (for a metric that
/// starts later) opened two seconds before, with the event that ends the
/// metric it comes after and the event that starts it.
fn ticket_line(
    policy: &Policy,
    metric: &crate::ir::Metric,
    key: &TargetKey,
    t: DateTime<Utc>,
    pause_status: Option<&str>,
) -> String {
    let at = |secs: i64| {
        (t + chrono::Duration::seconds(secs)).to_rfc3339_opts(SecondsFormat::Secs, true)
    };
    let mut events = Vec::new();
    if metric.starts.contains(&EventKind::Opened) {
        events.push(format!(r#"{{"at":"{}","type":"opened"}}"#, at(0)));
    } else {
        events.push(format!(r#"{{"at":"{}","type":"opened"}}"#, at(-2)));
        if let Some(before) = metric.after {
            if let Some(stop) = policy.metrics[before.index()].stops.first() {
                events.push(format!(r#"{{"at":"{}","type":"{}"}}"#, at(-1), stop.name()));
            }
        }
        if let Some(start) = metric.starts.first() {
            events.push(format!(r#"{{"at":"{}","type":"{}"}}"#, at(0), start.name()));
        }
    }
    if let Some(status) = pause_status {
        events.push(format!(
            r#"{{"at":"{}","type":"status","status":{}}}"#,
            at(1800),
            json_string(status)
        ));
        events.push(format!(
            r#"{{"at":"{}","type":"status","status":"open"}}"#,
            at(3 * 3600 + 1800)
        ));
    }
    let issue_type = key
        .issue_type
        .as_deref()
        .map(|t| format!(r#","type":{}"#, json_string(t)))
        .unwrap_or_default();
    format!(
        r#"{{"id":"EXAMPLE","tier":{},"severity":{}{issue_type},"events":[{}]}}"#,
        json_string(&key.tier),
        json_string(&key.severity),
        events.join(",")
    )
}

/// Whether a policy has a `due` cell (its tickets then need a `due_at`).
fn has_due(p: &Policy) -> bool {
    p.targets.iter().any(|t| {
        matches!(
            t.value,
            crate::ir::TargetValue::By {
                deadline: crate::ir::Deadline::DueAt,
                ..
            }
        )
    })
}

fn as_json<S: serde::Serializer>(line: &str, s: S) -> Result<S::Ok, S::Error> {
    match serde_json::from_str::<serde_json::Value>(line) {
        Ok(v) => v.serialize(s),
        Err(_) => s.serialize_str(line),
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}
