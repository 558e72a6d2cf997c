//! Clock semantics of the evaluator, on an always-open calendar.

use crate::calendar::CalendarSet;
use crate::eval::testing::{sample_policy, H};
use crate::eval::{evaluate, read_line, MetricAnswer, ReadOptions, State, TicketAnswer};
use crate::ir::{ChangeRule, PeriodicMode, Policy, ReopenRule, TargetValue};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};

/// `"09:30"` or `"+1 09:30"` (days after Monday 2026-03-02) as an instant.
fn t(s: &str) -> DateTime<Utc> {
    let (day, hm) = match s.split_once(' ') {
        Some((d, hm)) => (d.trim_start_matches('+').parse::<u32>().unwrap_or(0), hm),
        None => (0, s),
    };
    let (h, m) = hm.split_once(':').unwrap_or(("0", "0"));
    Utc.with_ymd_and_hms(
        2026,
        3,
        2 + day,
        h.parse().unwrap_or(0),
        m.parse().unwrap_or(0),
        0,
    )
    .single()
    .unwrap_or_default()
}

fn ev(at: &str, kind: &str) -> Value {
    json!({"at": t(at).to_rfc3339(), "type": kind})
}

fn change(at: &str, kind: &str, value: &str) -> Value {
    let mut v = ev(at, kind);
    v[kind] = json!(value);
    v
}

fn ticket_json(tier: &str, sev: &str, events: &[Value]) -> Value {
    json!({"id": "T-1", "tier": tier, "severity": sev, "events": events})
}

fn answer(policy: &Policy, v: &Value, at: &str) -> TicketAnswer<'static> {
    let ticket = read_line(policy, &v.to_string(), 1, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("valid ticket: {e}"));
    evaluate(policy, &CalendarSet::from_policy(policy), &ticket, t(at))
        .unwrap_or_else(|e| panic!("{e}"))
        .into_owned()
}

fn metric<'a>(a: &'a TicketAnswer<'_>, name: &str) -> &'a MetricAnswer<'a> {
    a.metrics
        .iter()
        .find(|m| m.metric == name)
        .unwrap_or_else(|| panic!("metric {name}"))
}

fn with_metric(f: impl Fn(&mut crate::ir::Metric), name: &str) -> Policy {
    let mut p = sample_policy();
    for m in p.metrics.iter_mut().filter(|m| m.name == name) {
        f(m);
    }
    p
}

#[test]
fn first_response_met_before_deadline() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev2",
        &[ev("09:00", "opened"), ev("10:30", "replied")],
    );
    let a = answer(&p, &v, "11:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(c.state, State::Met);
    assert_eq!(c.target.as_deref(), Some("8h"));
    assert_eq!(c.elapsed_seconds, 5400);
    assert_eq!(c.remaining_seconds, Some(8 * H - 5400));
    assert_eq!(c.deadline, Some(t("17:00")));
    assert_eq!(c.stop, Some(t("10:30")));
    assert_eq!(c.stopped_by.as_deref(), Some("replied"));
    assert_eq!(c.consumed_permille, Some(187));
    assert_eq!(c.breached_at, None);
    assert!(c
        .milestones
        .iter()
        .all(|m| !m.fired && m.fires_at.is_none()));
    assert_eq!(metric(&a, "acknowledge").cycles[0].state, State::Met);
}

#[test]
fn breach_instant_and_milestones() {
    let p = sample_policy();
    let v = ticket_json("gold", "sev1", &[ev("09:00", "opened")]);
    let a = answer(&p, &v, "14:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(c.state, State::Breached);
    assert_eq!(c.breached_at, Some(t("13:00")));
    assert_eq!(c.deadline, Some(t("13:00")));
    assert_eq!(c.elapsed_seconds, 5 * H);
    assert_eq!(c.remaining_seconds, Some(0));
    assert_eq!(c.consumed_permille, Some(1250));
    assert_eq!(c.wall_seconds, 5 * H);
    let ms: Vec<_> = c
        .milestones
        .iter()
        .map(|m| (&*m.percent, m.fires_at, m.fired))
        .collect();
    assert_eq!(
        ms,
        vec![
            ("75%", Some(t("12:00")), true),
            ("100%", Some(t("13:00")), true)
        ]
    );

    let a = answer(&p, &v, "10:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(c.state, State::Running);
    assert_eq!(c.deadline, Some(t("13:00")));
    assert_eq!(c.remaining_seconds, Some(3 * H));
    assert_eq!(c.milestones[0].fires_at, Some(t("12:00")));
    assert!(!c.milestones[0].fired);
}

#[test]
fn reply_exactly_at_the_deadline_is_met() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[ev("09:00", "opened"), ev("13:00", "replied")],
    );
    let a = answer(&p, &v, "13:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(c.state, State::Met);
    assert_eq!(c.breached_at, None);
    assert!(!c.milestones[1].fired);
    let running = answer(
        &p,
        &ticket_json("gold", "sev1", &[ev("09:00", "opened")]),
        "13:00",
    );
    let c = &metric(&running, "first_response").cycles[0];
    assert_eq!((c.state, c.remaining_seconds), (State::Running, Some(0)));
}

#[test]
fn pause_and_resume() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[
            ev("09:00", "opened"),
            change("10:00", "status", "waiting_on_customer"),
            change("12:00", "status", "open"),
        ],
    );
    let paused = answer(&p, &v, "11:00");
    let c = &metric(&paused, "first_response").cycles[0];
    assert_eq!(c.state, State::Paused);
    assert_eq!(c.deadline, None);
    assert_eq!(c.remaining_seconds, Some(3 * H));
    assert_eq!(c.milestones[0].fires_at, None);
    let a = answer(&p, &v, "13:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(c.state, State::Running);
    assert_eq!(c.elapsed_seconds, 2 * H);
    assert_eq!(c.deadline, Some(t("15:00")));
    assert_eq!(c.wall_seconds, 4 * H);
    assert_eq!(c.milestones[0].fires_at, Some(t("14:00")));
}

#[test]
fn created_paused_starts_paused() {
    let p = sample_policy();
    let mut v = ticket_json("gold", "sev1", &[ev("09:00", "opened")]);
    v["status"] = json!("waiting_on_customer");
    let a = answer(&p, &v, "11:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!((c.state, c.elapsed_seconds), (State::Paused, 0));
    // The same through a status event at the opening instant, after it in the input.
    let v = ticket_json(
        "gold",
        "sev1",
        &[
            ev("09:00", "opened"),
            change("09:00", "status", "waiting_on_customer"),
        ],
    );
    let b = answer(&p, &v, "11:00");
    assert_eq!(
        metric(&b, "first_response").cycles,
        metric(&a, "first_response").cycles
    );
}

#[test]
fn same_instant_order_does_not_matter() {
    let p = sample_policy();
    let events = [
        ev("09:00", "opened"),
        change("09:00", "status", "waiting_on_customer"),
        ev("10:00", "customer_replied"),
        change("10:00", "status", "open"),
        ev("10:00", "replied"),
        ev("11:00", "customer_replied"),
        ev("12:00", "replied"),
        ev("12:00", "resolved"),
        ev("12:00", "reopened"),
    ];
    let base = answer(&p, &ticket_json("gold", "sev2", &events), "13:00");
    // Every rotation and the reverse order give the same answer.
    for k in 0..events.len() {
        let mut e = events.to_vec();
        e.rotate_left(k);
        assert_eq!(
            answer(&p, &ticket_json("gold", "sev2", &e), "13:00"),
            base,
            "rotation {k}"
        );
        e.reverse();
        assert_eq!(
            answer(&p, &ticket_json("gold", "sev2", &e), "13:00"),
            base,
            "reverse {k}"
        );
    }
    let fr = &metric(&base, "first_response").cycles[0];
    assert_eq!((fr.elapsed_seconds, fr.stop), (0, Some(t("10:00"))));
}

#[test]
fn follow_up_runs_from_the_oldest_unanswered_message() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[
            ev("09:00", "opened"),
            ev("09:00", "customer_replied"),
            ev("09:30", "replied"),
            ev("10:00", "customer_replied"),
            ev("11:00", "customer_replied"),
            ev("12:00", "replied"),
            ev("13:00", "customer_replied"),
        ],
    );
    let a = answer(&p, &v, "14:00");
    let f = metric(&a, "follow_up");
    assert_eq!(
        f.cycles.len(),
        2,
        "the message before the first reply starts nothing"
    );
    assert_eq!(
        (f.cycles[0].start, f.cycles[0].stop),
        (t("10:00"), Some(t("12:00")))
    );
    assert_eq!(f.cycles[0].elapsed_seconds, 2 * H);
    assert_eq!(f.cycles[0].state, State::Met);
    assert_eq!(f.cycles[1].start, t("13:00"));
    assert_eq!(f.cycles[1].state, State::Running);
    assert_eq!(f.cycles[1].deadline, Some(t("21:00")));
    assert_eq!(f.state, State::Running);
}

#[test]
fn periodic_independent_windows_start_at_the_update() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[
            ev("09:00", "opened"),
            ev("10:00", "replied"),
            ev("13:00", "replied"),
        ],
    );
    let a = answer(&p, &v, "13:30");
    let w = &metric(&a, "periodic_update").cycles;
    assert_eq!(w.len(), 3);
    assert_eq!((w[0].state, w[0].stop), (State::Met, Some(t("10:00"))));
    assert_eq!((w[1].start, w[1].state), (t("10:00"), State::Breached));
    assert_eq!(w[1].breached_at, Some(t("12:00")));
    assert_eq!((w[2].start, w[2].deadline), (t("13:00"), Some(t("15:00"))));
    assert_eq!(metric(&a, "periodic_update").breaches, 1);
}

#[test]
fn periodic_sequential_windows_start_at_the_previous_deadline() {
    let p = with_metric(
        |m| {
            if let Some(per) = m.periodic.as_mut() {
                per.mode = PeriodicMode::Sequential;
            }
        },
        "periodic_update",
    );
    let events = [
        ev("09:00", "opened"),
        ev("10:00", "replied"),
        ev("10:15", "replied"),
    ];
    let a = answer(&p, &ticket_json("gold", "sev1", &events), "10:30");
    let w = &metric(&a, "periodic_update").cycles;
    assert_eq!(
        w.len(),
        2,
        "an update before the next window opens is not a new window"
    );
    assert_eq!(w[1].start, t("11:00"));
    assert_eq!(w[1].state, State::NotStarted);
    let events = [
        ev("09:00", "opened"),
        ev("10:00", "replied"),
        ev("12:00", "replied"),
    ];
    let a = answer(&p, &ticket_json("gold", "sev1", &events), "12:30");
    let w = &metric(&a, "periodic_update").cycles;
    assert_eq!(
        (w[1].start, w[1].stop, w[1].state),
        (t("11:00"), Some(t("12:00")), State::Met)
    );
    assert_eq!((w[2].start, w[2].state), (t("13:00"), State::NotStarted));
    // Resolving ends the chain: the scheduled window is dropped.
    let events = [
        ev("09:00", "opened"),
        ev("10:00", "replied"),
        ev("10:30", "resolved"),
    ];
    let a = answer(&p, &ticket_json("gold", "sev1", &events), "12:30");
    assert_eq!(metric(&a, "periodic_update").cycles.len(), 1);
}

#[test]
fn severity_change_recomputes_with_elapsed_kept() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev2",
        &[ev("09:00", "opened"), change("10:00", "severity", "sev1")],
    );
    let a = answer(&p, &v, "12:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!((c.start, c.target.as_deref()), (t("09:00"), Some("4h")));
    assert_eq!((c.elapsed_seconds, c.deadline), (3 * H, Some(t("13:00"))));
    assert_eq!(a.severity, "sev1");
    // Raised after the new target is already used up: breached at the change.
    let v = ticket_json(
        "gold",
        "sev2",
        &[ev("09:00", "opened"), change("14:00", "severity", "sev1")],
    );
    let a = answer(&p, &v, "15:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(
        (c.state, c.breached_at),
        (State::Breached, Some(t("14:00")))
    );
    assert_eq!(c.milestones[0].fires_at, Some(t("14:00")));
}

#[test]
fn severity_change_restarts_when_declared() {
    let p = with_metric(|m| m.on_change = ChangeRule::Restart, "first_response");
    let v = ticket_json(
        "gold",
        "sev2",
        &[ev("09:00", "opened"), change("10:00", "severity", "sev1")],
    );
    let a = answer(&p, &v, "11:00");
    let cs = &metric(&a, "first_response").cycles;
    assert_eq!(cs.len(), 2);
    assert_eq!(
        (cs[0].stop, cs[0].stopped_by.as_deref()),
        (Some(t("10:00")), Some("severity"))
    );
    assert_eq!((cs[1].start, &*cs[1].started_by), (t("10:00"), "severity"));
    assert_eq!(
        (cs[1].target.as_deref(), cs[1].deadline),
        (Some("4h"), Some(t("14:00")))
    );
}

#[test]
fn pause_survives_changes() {
    let restart = with_metric(|m| m.on_change = ChangeRule::Restart, "first_response");
    for p in [sample_policy(), restart] {
        let v = ticket_json(
            "gold",
            "sev2",
            &[
                ev("09:00", "opened"),
                change("10:00", "status", "waiting_on_customer"),
                change("11:00", "severity", "sev1"),
                change("11:30", "tier", "platinum"),
            ],
        );
        let a = answer(&p, &v, "12:00");
        let m = metric(&a, "first_response");
        assert_eq!(m.state, State::Paused);
        assert_eq!(m.cycles.last().map(|c| c.deadline), Some(None));
        assert_eq!(a.tier, "platinum");
    }
}

#[test]
fn tier_change_uses_the_new_column() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[ev("09:00", "opened"), change("10:00", "tier", "platinum")],
    );
    let a = answer(&p, &v, "10:30");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(
        (c.target.as_deref(), c.deadline),
        (Some("2h"), Some(t("11:00")))
    );
}

fn reopen_events() -> Vec<Value> {
    vec![
        ev("09:00", "opened"),
        ev("10:00", "resolved"),
        ev("12:00", "reopened"),
    ]
}

#[test]
fn reopen_continue_excludes_resolved_time() {
    let p = sample_policy();
    let a = answer(&p, &ticket_json("gold", "sev1", &reopen_events()), "13:00");
    let r = metric(&a, "resolution");
    assert_eq!(r.cycles.len(), 1);
    let c = &r.cycles[0];
    assert_eq!(
        (c.state, c.stop, c.elapsed_seconds),
        (State::Running, None, 2 * H)
    );
    assert_eq!(c.deadline, Some(t("+1 11:00")));
    // first_response was stopped by `resolved`: continue resumes it too.
    assert_eq!(metric(&a, "first_response").cycles[0].state, State::Running);
}

#[test]
fn reopen_new_cycle_and_first_close_only() {
    let p = with_metric(|m| m.on_reopen = ReopenRule::NewCycle, "resolution");
    let a = answer(&p, &ticket_json("gold", "sev1", &reopen_events()), "13:00");
    let cs = &metric(&a, "resolution").cycles;
    assert_eq!(cs.len(), 2);
    assert_eq!((cs[0].state, cs[0].stop), (State::Met, Some(t("10:00"))));
    assert_eq!((cs[1].start, &*cs[1].started_by), (t("12:00"), "reopened"));
    assert_eq!(cs[1].elapsed_seconds, H);

    let p = with_metric(|m| m.on_reopen = ReopenRule::FirstCloseOnly, "resolution");
    let mut events = reopen_events();
    events.push(ev("+2 12:00", "resolved"));
    let a = answer(&p, &ticket_json("gold", "sev1", &events), "+3 13:00");
    let cs = &metric(&a, "resolution").cycles;
    assert_eq!(cs.len(), 1);
    assert_eq!((cs[0].state, cs[0].stop), (State::Met, Some(t("10:00"))));
}

#[test]
fn no_target_never_invents_a_deadline() {
    let p = sample_policy();
    let v = ticket_json("standard", "sev1", &[ev("09:00", "opened")]);
    let a = answer(&p, &v, "12:00");
    let m = metric(&a, "first_response");
    assert_eq!(m.state, State::NoTarget);
    let c = &m.cycles[0];
    assert_eq!(
        (c.target.as_deref(), c.deadline, c.remaining_seconds),
        (None, None, None)
    );
    assert_eq!(c.elapsed_seconds, 3 * H);
    assert!(c.milestones.is_empty());
    // No cell at all behaves the same.
    let mut p = sample_policy();
    p.targets.retain(|t| !(t.metric.0 == 4 && t.tier.0 == 1));
    let a = answer(
        &p,
        &ticket_json("gold", "sev1", &[ev("09:00", "opened")]),
        "12:00",
    );
    assert_eq!(metric(&a, "resolution").state, State::NoTarget);
    // An explicit `-` with no cycle yet is no_target, not not_started.
    let mut p = sample_policy();
    for t in p.targets.iter_mut().filter(|t| t.metric.0 == 2) {
        t.value = TargetValue::NoTarget;
    }
    let a = answer(
        &p,
        &ticket_json("gold", "sev1", &[ev("09:00", "opened")]),
        "12:00",
    );
    assert_eq!(metric(&a, "follow_up").state, State::NoTarget);
}

#[test]
fn not_started_and_events_after_at_ignored() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[ev("09:00", "opened"), ev("10:00", "replied")],
    );
    let a = answer(&p, &v, "09:30");
    let f = metric(&a, "follow_up");
    assert_eq!((f.state, f.cycles.len()), (State::NotStarted, 0));
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(
        (c.state, c.stop, c.elapsed_seconds),
        (State::Running, None, 1800)
    );
}

#[test]
fn severity_alias_is_accepted() {
    let p = sample_policy();
    let v = ticket_json("gold", "critical", &[ev("09:00", "opened")]);
    let a = answer(&p, &v, "09:30");
    assert_eq!(a.severity, "sev1");
}

#[test]
fn answer_json_field_order_is_stable() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[ev("09:00", "opened"), ev("10:00", "replied")],
    );
    let a = answer(&p, &v, "10:00");
    let text = a.to_json();
    assert!(
        text.starts_with(
            r#"{"format_version":1,"id":"T-1","at":"2026-03-02T10:00:00Z","tier":"gold""#
        ),
        "{text}"
    );
    let c = text.find(r#""metric":"first_response","state":"met","breaches":0,"cycles":[{"cycle":1,"state":"met","target":"4h","target_seconds":14400,"calendar":"24x7","start":"2026-03-02T09:00:00Z","started_by":"opened","deadline":"2026-03-02T13:00:00Z","stop":"2026-03-02T10:00:00Z","stopped_by":"replied","elapsed_seconds":3600,"remaining_seconds":10800,"wall_seconds":3600,"consumed_permille":250,"breached_at":null,"milestones":[{"kind":"warn","percent":"75%","to":"team lead","fires_at":null,"fired":false}"#);
    assert!(c.is_some(), "{text}");
}

mod shuffled {
    use super::*;
    use proptest::prelude::*;

    const KINDS: [&str; 8] = [
        "replied",
        "customer_replied",
        "acknowledged",
        "resolved",
        "reopened",
        "status:waiting_on_customer",
        "status:open",
        "severity:sev1",
    ];

    fn event(minute: u32, k: usize) -> Value {
        let at = format!("{:02}:{:02}", 9 + minute / 60, minute % 60);
        match KINDS[k].split_once(':') {
            Some((kind, value)) => change(&at, kind, value),
            None => ev(&at, KINDS[k]),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Any permutation of a timeline gives the same answer, for any
        /// change rule (at most one status and one severity change per instant: two
        /// status changes in the same second keep their input order).
        #[test]
        fn answers_do_not_depend_on_input_order(
            raw in proptest::collection::vec((0u32..6, 0usize..KINDS.len()), 0..12),
            seed in any::<u64>(),
            restart in any::<bool>(),
        ) {
            let mut seen_change = std::collections::HashSet::new();
            let mut events = vec![ev("09:00", "opened")];
            for (slot, k) in raw {
                if k >= 5 && !seen_change.insert((slot, k == 7)) {
                    continue;
                }
                events.push(event(slot * 30, k));
            }
            let p = if restart {
                with_metric(|m| m.on_change = ChangeRule::Restart, "first_response")
            } else {
                sample_policy()
            };
            let base = answer(&p, &ticket_json("gold", "sev2", &events), "12:00");
            let mut shuffled = events.clone();
            let mut s = seed;
            for i in (1..shuffled.len()).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
            prop_assert_eq!(answer(&p, &ticket_json("gold", "sev2", &shuffled), "12:00"), base);
        }
    }
}

#[test]
fn fast_timestamps_match_chrono() {
    use chrono::SecondsFormat;
    for secs in [
        0i64,
        951_782_400,
        1_772_800_000,
        4_102_444_799,
        -2_208_988_800,
        253_402_300_799,
    ] {
        let t = DateTime::from_timestamp(secs, 0).unwrap_or_default();
        assert_eq!(
            crate::eval::answer::utc::text(&t),
            t.to_rfc3339_opts(SecondsFormat::Secs, true)
        );
    }
}

#[test]
fn resolved_at_the_deadline_then_reopened_breaches_at_the_reopen() {
    let p = sample_policy();
    let events = [
        ev("09:00", "opened"),
        ev("13:00", "resolved"),
        ev("14:00", "reopened"),
    ];
    let v = ticket_json("gold", "sev1", &events);
    let a = answer(&p, &v, "14:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!((c.state, c.breached_at), (State::Running, None));
    let a = answer(&p, &v, "14:01");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(
        (c.state, c.breached_at),
        (State::Breached, Some(t("14:00")))
    );
    assert_eq!(c.milestones[1].fires_at, Some(t("14:00")));
}

#[test]
fn a_breach_survives_a_later_recompute_that_gives_more_time() {
    let p = sample_policy();
    let events = [ev("09:00", "opened"), change("14:00", "severity", "sev3")];
    let a = answer(&p, &ticket_json("gold", "sev1", &events), "15:00");
    let c = &metric(&a, "first_response").cycles[0];
    assert_eq!(
        (c.state, c.breached_at),
        (State::Breached, Some(t("13:00")))
    );
    assert_eq!(
        (c.target.as_deref(), c.deadline),
        (Some("12h"), Some(t("21:00")))
    );
    assert_eq!(c.remaining_seconds, Some(6 * H));
}

#[test]
fn evaluating_before_the_ticket_opened() {
    let p = sample_policy();
    let v = ticket_json(
        "gold",
        "sev1",
        &[ev("09:00", "opened"), ev("10:00", "replied")],
    );
    let a = answer(&p, &v, "08:00");
    for m in &a.metrics {
        assert!(m.cycles.is_empty(), "{}", m.metric);
        assert_eq!(m.state, State::NotStarted, "{}", m.metric);
    }
}

/// A policy whose `bug` type is covered on gold by email or the portal
/// (with targets), on gold by phone without guarantee, and on platinum
/// through any channel.
fn channel_policy() -> Policy {
    crate::eval::testing::policy_from(
        "channels.sla",
        r#"
policy "Channels" { calendar always }
calendar always = 24x7
severity sev1 "Critical"
tiers standard < gold < platinum
type bug "Bug" {
  covers gold via "email", "Support Portal"
  covers gold via "phone" without guarantee "best effort by phone"
  covers platinum
}
targets first_response {
        standard gold platinum
  sev1  4h       2h   1h
}
"#,
    )
}

#[test]
fn channels_narrow_coverage_when_the_ticket_gives_one() {
    // Opened Monday 09:00, nothing since; asked at 12:00 (3h later).
    let policy = channel_policy();
    let state = |tier: &str, channel: Option<&str>| {
        let mut v = ticket_json(tier, "sev1", &[ev("09:00", "opened")]);
        v["type"] = json!("bug");
        if let Some(c) = channel {
            v["channel"] = json!(c);
        }
        let a = answer(&policy, &v, "12:00");
        metric(&a, "first_response").state
    };
    // gold: email or the portal (any case, spaces trimmed) get the 2h
    // target, breached at 11:00.
    assert_eq!(state("gold", Some("email")), State::Breached);
    assert_eq!(state("gold", Some("  support portal ")), State::Breached);
    // No channel given: the first line naming gold decides (covered).
    assert_eq!(state("gold", None), State::Breached);
    // phone: the first line naming gold that lists it is `without guarantee`.
    assert_eq!(state("gold", Some("phone")), State::NoTarget);
    // chat: lines name gold, none lists chat: not covered.
    assert_eq!(state("gold", Some("chat")), State::NotCovered);
    // platinum's line lists no channel: every channel is covered (1h).
    assert_eq!(state("platinum", Some("chat")), State::Breached);
    // standard is not named at all: not covered, channel or not.
    assert_eq!(state("standard", None), State::NotCovered);
    assert_eq!(state("standard", Some("email")), State::NotCovered);
}

#[test]
fn explain_names_the_channel_that_is_not_covered() {
    let policy = channel_policy();
    let mut v = ticket_json("gold", "sev1", &[ev("09:00", "opened")]);
    v["type"] = json!("bug");
    v["channel"] = json!("chat");
    let ticket = read_line(&policy, &v.to_string(), 1, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("valid ticket: {e}"));
    let hours = CalendarSet::from_policy(&policy);
    let text =
        crate::eval::explain::explain(&policy, &hours, &ticket, t("12:00"), Some("first_response"))
            .unwrap_or_else(|e| panic!("{e:?}"));
    assert!(
        text.contains(
            "not covered: type `bug` is not covered on tier `gold` through channel `chat` \
             (covered there via `email`, `Support Portal`, `phone`), so `first_response` has no target"
        ),
        "{text}"
    );
    assert!(text.contains("channel `chat`"), "{text}");
}
