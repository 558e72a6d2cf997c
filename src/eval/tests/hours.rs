//! Evaluation on real business hours (the calendar engine), including the
//! explanation trace.

use crate::calendar::CalendarSet;
use crate::eval::explain::{explain, trace, StretchKind};
use crate::eval::testing::{business_policy, H};
use crate::eval::{evaluate, read_line, ReadOptions, State, Ticket, TicketAnswer};
use crate::ir::Policy;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

fn policy() -> Policy {
    business_policy()
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

fn ticket(p: &Policy, sev: &str, events: &[(&str, &str, Option<&str>)]) -> Ticket {
    let events: Vec<Value> = events
        .iter()
        .map(|(at, kind, value)| {
            let mut v = json!({"at": at, "type": kind});
            if let Some(x) = value {
                v[*kind] = json!(x);
            }
            v
        })
        .collect();
    let v = json!({"id": "B-1", "tier": "gold", "severity": sev, "events": events});
    read_line(p, &v.to_string(), 1, &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn run<'a>(p: &'a Policy, t: &'a Ticket, at: &str) -> TicketAnswer<'a> {
    let cals = CalendarSet::from_policy(p);
    // The answer borrows the calendars' memo: owned, it outlives them.
    evaluate(p, &cals, t, time(at))
        .map(TicketAnswer::into_owned)
        .unwrap_or_else(|e| panic!("{e}"))
}

const FRIDAY: &str = "2026-03-06T15:30:00-06:00";

#[test]
fn deadline_runs_over_the_weekend_and_the_dst_change() {
    let p = policy();
    let t = ticket(&p, "sev2", &[(FRIDAY, "opened", None)]);
    let a = run(&p, &t, "2026-03-07T12:00:00-06:00");
    let c = &a.metrics[1].cycles[0];
    assert_eq!(c.calendar, "business");
    assert_eq!(c.state, State::Running);
    assert_eq!(c.elapsed_seconds, 1800);
    // Monday is on daylight time (-05:00): 0.5h Friday + 7.5h Monday.
    assert_eq!(c.deadline, Some(time("2026-03-09T15:30:00-05:00")));
    assert_eq!(
        c.milestones[0].fires_at,
        Some(time("2026-03-09T13:30:00-05:00"))
    );
}

#[test]
fn severity_clock_overrides_the_default_calendar() {
    let p = policy();
    let t = ticket(&p, "sev1", &[(FRIDAY, "opened", None)]);
    let a = run(&p, &t, "2026-03-06T17:00:00-06:00");
    let c = &a.metrics[1].cycles[0];
    assert_eq!((&*c.calendar, c.elapsed_seconds), ("24x7", 5400));
    assert_eq!(c.deadline, Some(time("2026-03-06T19:30:00-06:00")));
    let text = explain(
        &p,
        &CalendarSet::from_policy(&p),
        &t,
        time("2026-03-06T17:00:00-06:00"),
        Some("first_response"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains("calendar `24x7`: the clock of severity `sev1`"),
        "{text}"
    );
}

#[test]
fn recompute_keeps_the_calendar_of_earlier_segments() {
    let p = policy();
    let t = ticket(
        &p,
        "sev2",
        &[
            (FRIDAY, "opened", None),
            ("2026-03-06T15:45:00-06:00", "severity", Some("sev1")),
        ],
    );
    let a = run(&p, &t, "2026-03-06T16:45:00-06:00");
    let c = &a.metrics[1].cycles[0];
    // 15 minutes of business time, then an hour on 24x7.
    assert_eq!((&*c.calendar, c.elapsed_seconds), ("24x7", 4500));
    assert_eq!(c.deadline, Some(time("2026-03-06T19:30:00-06:00")));
}

#[test]
fn business_days_keep_their_position_and_pauses_push_them() {
    let p = policy();
    let t = ticket(&p, "sev3", &[(FRIDAY, "opened", None)]);
    let a = run(&p, &t, "2026-03-06T15:45:00-06:00");
    let c = &a.metrics[4].cycles[0];
    assert_eq!(
        (c.target.as_deref(), c.target_seconds),
        (Some("1bd"), Some(8 * H))
    );
    assert_eq!(c.deadline, Some(time("2026-03-09T15:30:00-05:00")));
    let t = ticket(
        &p,
        "sev3",
        &[
            (FRIDAY, "opened", None),
            (
                "2026-03-09T09:00:00-05:00",
                "status",
                Some("waiting_on_customer"),
            ),
            ("2026-03-09T10:00:00-05:00", "status", Some("open")),
        ],
    );
    let a = run(&p, &t, "2026-03-09T10:00:00-05:00");
    let c = &a.metrics[4].cycles[0];
    assert_eq!(c.deadline, Some(time("2026-03-10T08:30:00-05:00")));
}

#[test]
fn explanation_labels_every_stretch() {
    let p = policy();
    let t = ticket(
        &p,
        "sev2",
        &[
            ("2026-12-24T15:00:00-06:00", "opened", None),
            (
                "2026-12-28T09:00:00-06:00",
                "status",
                Some("waiting_on_customer"),
            ),
            ("2026-12-28T09:30:00-06:00", "status", Some("open")),
        ],
    );
    let cals = CalendarSet::from_policy(&p);
    let at = time("2026-12-28T10:00:00-06:00");
    let tr = trace(&p, &cals, &t, at, Some("first_response")).unwrap_or_else(|e| panic!("{e}"));
    let kinds: Vec<&StretchKind> = tr.metrics[0].cycles[0]
        .stretches
        .iter()
        .map(|s| &s.kind)
        .collect();
    assert_eq!(kinds[0], &StretchKind::Counted);
    assert!(kinds.contains(&&StretchKind::Closed(Some("Christmas Day".to_string()))));
    assert!(kinds.contains(&&StretchKind::OutsideHours));
    assert!(kinds.contains(&&StretchKind::Paused("waiting_on_customer".to_string())));
    let counted: i64 = tr.metrics[0].cycles[0]
        .stretches
        .iter()
        .map(|s| s.counted_seconds)
        .sum();
    assert_eq!(counted, 2 * H + 1800);
    assert_eq!(tr.metrics[0].cycles[0].answer.elapsed_seconds, counted);
    let text = explain(&p, &cals, &t, at, Some("first_response")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains("target 8h: `first_response` row `sev2`, column `gold` (the general cell)"),
        "{text}"
    );
    assert!(text.contains("closed (Christmas Day)"), "{text}");
    assert!(text.contains("paused (status waiting_on_customer) since status -> waiting_on_customer at 2026-12-28T15:00:00Z"), "{text}");
    assert!(matches!(
        explain(&p, &cals, &t, at, Some("nope")),
        Err(crate::eval::explain::ExplainError::UnknownMetric(_))
    ));
}

#[test]
fn shared_state_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<Policy>();
    shared::<CalendarSet>();
    shared::<Ticket>();
    shared::<TicketAnswer<'static>>();
    shared::<crate::Compiled>();
}

#[test]
fn explanation_of_a_metric_that_has_not_started() {
    let p = policy();
    let t = ticket(&p, "sev2", &[(FRIDAY, "opened", None)]);
    let cals = CalendarSet::from_policy(&p);
    let text =
        explain(&p, &cals, &t, time(FRIDAY), Some("follow_up")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        text.contains("follow_up: not_started\n  starts on `customer_replied` once `first_response` has stopped; target 24h: `follow_up` row `sev2`, column `gold` (the general cell)"),
        "{text}"
    );
}

/// A duration of one business day and a deadline at the end of the next
/// business day differ for a ticket opened outside hours, and agree inside
/// them. Monday-Friday 09:00-17:00 UTC; opened Friday 2026-03-06 17:30
/// (after the close): `1bd` is one business day of time from the start of
/// Monday, so Monday 17:00; `1bd@end` is the close of the business day
/// after day zero (Monday), so Tuesday 17:00. Opened Friday 15:30: both
/// are Monday (15:30 and 17:00).
#[test]
fn one_business_day_and_the_end_of_the_next_business_day() {
    let p = crate::eval::testing::policy_from(
        "d.sla",
        r#"
policy "D" { calendar office }
calendar office { zone "UTC"  mon-fri 09:00-17:00 }
severity sev1 "Critical"
severity sev2 "Major"
tiers basic < gold
targets first_response {
        basic gold
  sev1  1bd   1bd
  sev2  1bd@end 1bd@end
}
"#,
    );
    let deadline = |sev: &str, opened: &str| {
        let t = ticket(&p, sev, &[(opened, "opened", None)]);
        run(&p, &t, opened).metrics[1].cycles[0].deadline
    };
    let after_close = "2026-03-06T17:30:00Z";
    assert_eq!(
        deadline("sev1", after_close),
        Some(time("2026-03-09T17:00:00Z"))
    );
    assert_eq!(
        deadline("sev2", after_close),
        Some(time("2026-03-10T17:00:00Z"))
    );
    let in_hours = "2026-03-06T15:30:00Z";
    assert_eq!(
        deadline("sev1", in_hours),
        Some(time("2026-03-09T15:30:00Z"))
    );
    assert_eq!(
        deadline("sev2", in_hours),
        Some(time("2026-03-09T17:00:00Z"))
    );
}
