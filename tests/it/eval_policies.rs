//! Evaluation of compiled policies: the shipped Domo policy and a policy that
//! exercises every clock option, from text through parser, checker, calendar
//! engine and evaluator.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use slate::{Compiled, CycleAnswer, SourceFile, State, TicketAnswer};

fn compile(name: &str, text: &str) -> Compiled {
    match slate::compile(&SourceFile::new(name, text)) {
        Ok(c) => c,
        Err(e) => panic!("{e}: {:?}", e.diagnostics),
    }
}

fn domo() -> Compiled {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/policies/domo.sla"))
        .unwrap_or_else(|e| panic!("{e}"));
    compile("domo.sla", &text)
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn run(
    p: &Compiled,
    tier: &str,
    sev: &str,
    events: &[(&str, &str, Option<&str>)],
    at: &str,
) -> TicketAnswer<'static> {
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
    let line = json!({"id": "D-1", "tier": tier, "severity": sev, "events": events}).to_string();
    let ticket = p.ticket_from_json(&line).unwrap_or_else(|e| panic!("{e}"));
    p.evaluate(&ticket, time(at))
        .unwrap_or_else(|e| panic!("{e}"))
        .into_owned()
}

fn cycles<'a>(a: &'a TicketAnswer<'_>, metric: &str) -> &'a [CycleAnswer<'a>] {
    a.metrics
        .iter()
        .find(|m| m.metric == metric)
        .map(|m| m.cycles.as_slice())
        .unwrap_or_else(|| panic!("no metric {metric}"))
}

#[test]
fn domo_first_response_on_mountain_business_hours() {
    let p = domo();
    // Friday 15:30 MST; 1h30m on Friday, Monday is on MDT after the DST change.
    let a = run(
        &p,
        "gold",
        "Severity 2",
        &[("2026-03-06T15:30:00-07:00", "opened", None)],
        "2026-03-09T09:00:00-06:00",
    );
    let c = &cycles(&a, "first_response")[0];
    assert_eq!(
        (c.state, &*c.calendar, c.target.as_deref()),
        (State::Running, "business", Some("8h"))
    );
    assert_eq!(c.elapsed_seconds, 5400 + 3600);
    assert_eq!(c.deadline, Some(time("2026-03-09T14:30:00-06:00")));
    assert_eq!(c.milestones.len(), 1);
    assert_eq!(c.milestones[0].fires_at, c.deadline);
    // Severity 1 runs around the clock.
    let a = run(
        &p,
        "gold",
        "Niveau 1",
        &[("2026-03-06T15:30:00-07:00", "opened", None)],
        "2026-03-06T16:00:00-07:00",
    );
    let c = &cycles(&a, "first_response")[0];
    assert_eq!(
        (&*c.calendar, c.deadline),
        ("24x7", Some(time("2026-03-06T19:30:00-07:00")))
    );
    // Standard promises nothing; metrics without a table have no target.
    let a = run(
        &p,
        "standard",
        "sev1",
        &[("2026-03-06T15:30:00-07:00", "opened", None)],
        "2026-03-06T16:00:00-07:00",
    );
    assert_eq!(
        a.metrics
            .iter()
            .find(|m| m.metric == "first_response")
            .map(|m| m.state),
        Some(State::NoTarget)
    );
    assert_eq!(
        a.metrics
            .iter()
            .find(|m| m.metric == "resolution")
            .map(|m| m.state),
        Some(State::NoTarget)
    );
}

#[test]
fn domo_follow_up_after_first_response() {
    let p = domo();
    let a = run(
        &p,
        "silver",
        "sev1",
        &[
            ("2026-03-02T09:00:00-07:00", "opened", None),
            ("2026-03-02T09:30:00-07:00", "replied", None),
            ("2026-03-02T10:00:00-07:00", "customer_replied", None),
            (
                "2026-03-02T11:00:00-07:00",
                "status",
                Some("waiting_on_customer"),
            ),
            ("2026-03-02T12:00:00-07:00", "status", Some("open")),
        ],
        "2026-03-02T13:00:00-07:00",
    );
    let f = cycles(&a, "follow_up");
    assert_eq!(f.len(), 1);
    assert_eq!(
        (f[0].target.as_deref(), f[0].elapsed_seconds),
        (Some("32h"), 2 * 3600)
    );
    // sev1 is on 24x7: 32h from 10:00 plus the hour paused.
    assert_eq!(f[0].deadline, Some(time("2026-03-03T19:00:00-07:00")));
}

const OPTIONS: &str = r#"
policy "Clock options" {
  calendar office
}

calendar office {
  zone "Europe/Helsinki"
  mon-fri 09:00-17:00
  closed 2026-12-24 "Christmas Eve"
}

severity urgent "Production down"
severity normal "Everything else"

tiers basic < premium

metric triage {
  starts on opened
  stops on acknowledged, replied
  pauses while status waiting_on_customer, on_hold
  on change restart
  on reopen new_cycle
}

metric customer_update {
  starts on opened
  stops on resolved
  periodic on replied sequential
}

targets triage {
          basic premium
  urgent  2h    1h
  normal  4h    2h
}

targets customer_update {
          basic premium
  urgent  4h    2h
  normal  -     -
}

targets resolution {
          basic premium
  urgent  2bd   1bd
  normal  5bd   3bd
}

warn triage at 50% to "Duty manager"
"#;

#[test]
fn clock_options_from_policy_text() {
    let p = compile("options.sla", OPTIONS);
    // Triage restarts on a severity change, and a reopen opens a new cycle.
    let a = run(
        &p,
        "basic",
        "normal",
        &[
            ("2026-03-02T09:00:00+02:00", "opened", None),
            ("2026-03-02T10:00:00+02:00", "severity", Some("urgent")),
            ("2026-03-02T10:30:00+02:00", "status", Some("on_hold")),
            ("2026-03-02T11:30:00+02:00", "status", Some("open")),
            ("2026-03-02T12:00:00+02:00", "replied", None),
            ("2026-03-02T13:00:00+02:00", "resolved", None),
            ("2026-03-02T14:00:00+02:00", "reopened", None),
        ],
        "2026-03-02T14:30:00+02:00",
    );
    let t = cycles(&a, "triage");
    assert_eq!(t.len(), 3);
    assert_eq!(
        (t[0].stopped_by.as_deref(), t[0].state),
        (Some("severity"), State::Met)
    );
    assert_eq!(
        (t[1].target.as_deref(), t[1].elapsed_seconds, t[1].state),
        (Some("2h"), 3600, State::Met)
    );
    assert_eq!(
        (&*t[2].started_by, t[2].state),
        ("reopened", State::Running)
    );
    // Sequential updates: the early update at 12:00 schedules the next window
    // at the old deadline (13:00); resolving at 13:00 drops it before it opens.
    let u = cycles(&a, "customer_update");
    assert_eq!(u[0].deadline, Some(time("2026-03-02T13:00:00+02:00")));
    assert_eq!(
        (u[0].state, u[0].target.as_deref()),
        (State::Met, Some("4h"))
    );
    assert_eq!(u.len(), 1);
    // Resolution in business days, across the Christmas Eve closure.
    let a = run(
        &p,
        "premium",
        "urgent",
        &[("2026-12-23T16:00:00+02:00", "opened", None)],
        "2026-12-23T16:30:00+02:00",
    );
    let r = &cycles(&a, "resolution")[0];
    assert_eq!(
        (r.target.as_deref(), r.target_seconds),
        (Some("1bd"), Some(8 * 3600))
    );
    assert_eq!(r.deadline, Some(time("2026-12-25T16:00:00+02:00")));
    let line = json!({"id": "X", "tier": "premium", "severity": "urgent", "events": [{"at": "2026-12-23T16:00:00+02:00", "type": "opened"}]});
    let ticket = p.ticket_from_value(&line).unwrap_or_else(|e| panic!("{e}"));
    let text = p
        .explain(
            &ticket,
            time("2026-12-28T10:00:00+02:00"),
            Some("resolution"),
        )
        .unwrap_or_else(|e| panic!("{e}"))
        .to_string();
    assert!(text.contains("closed (Christmas Eve)"), "{text}");
    assert!(
        text.contains("target 1bd: `resolution` row `urgent`, column `premium`"),
        "{text}"
    );
}
