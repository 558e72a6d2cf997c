//! Calendars chosen per ticket (`calendar desk by region { ... }`) and
//! policy versions (`version ... pinned|re-evaluated`).
//!
//! The property: choosing a calendar by attribute is substitution. A
//! ticket whose `region` selects calendar C gets, for every metric and
//! cycle, exactly the answer it gets from the same policy with C named
//! directly as the clock (same deadlines, counted seconds, breaches),
//! whichever place names the selector (the policy default, a severity
//! clock, a table's `on`), for random timelines across the DST changes of
//! both zones.

use crate::calendar::CalendarSet;
use crate::eval::testing::policy_from;
use crate::eval::{evaluate, read_line, InputErrorKind, ReadOptions};
use crate::ir::Policy;
use chrono::{DateTime, Duration as TimeDelta, Utc};
use proptest::prelude::*;

const CALENDARS: &str = r#"
calendar eu_desk { zone "Europe/Paris"  mon-fri 09:00-17:00  closed 2026-04-06 "Easter Monday" }
calendar us_desk { zone "America/New_York"  mon-fri 08:00-12:00, 13:00-18:00 }
calendar apac { zone "Australia/Sydney"  mon-sat 10:00-14:00 }
"#;

const TABLES: &str = r#"
severity sev1 "Critical"
severity sev2 "Major"
tiers basic < gold
targets first_response {
        basic gold
  sev1  2h    1h
  sev2  1bd   4h
}
targets resolution {
        basic gold
  sev1  2bd   8h
  sev2  5bd   16h
}
"#;

/// The policy with the clock named at `place` (0 the default calendar,
/// 1 a severity clock, 2 a table's `on`) as `clock`.
fn policy(clock: &str, place: usize, selector: bool) -> Policy {
    let mut text = String::new();
    let default = if place == 0 { clock } else { "us_desk" };
    text.push_str(&format!("policy \"Sel\" {{ calendar {default} }}\n"));
    text.push_str(CALENDARS);
    if selector {
        text.push_str(
            "calendar desk by region { eu: eu_desk, \"us-east\": us_desk, apac: apac } default us_desk\n",
        );
    }
    let tables = match place {
        1 => TABLES.replace(
            "severity sev1 \"Critical\"",
            &format!("severity sev1 \"Critical\" {{ clock {clock} }}"),
        ),
        2 => TABLES.replace(
            "targets resolution {",
            &format!("targets resolution on {clock} {{"),
        ),
        _ => TABLES.to_string(),
    };
    text.push_str(&tables);
    policy_from("sel.sla", &text)
}

const EVENTS: [&str; 5] = [
    "replied",
    "customer_replied",
    "resolved",
    "reopened",
    "status",
];

fn ticket(region: Option<&str>, start: DateTime<Utc>, steps: &[(u8, i64)]) -> String {
    let mut events = vec![format!(
        r#"{{"at":"{}","type":"opened"}}"#,
        start.to_rfc3339()
    )];
    let mut t = start;
    for &(kind, minutes) in steps {
        t += TimeDelta::minutes(minutes);
        let k = EVENTS[kind as usize % EVENTS.len()];
        let extra = if k == "status" {
            r#","status":"waiting_on_customer""#
        } else {
            ""
        };
        events.push(format!(
            r#"{{"at":"{}","type":"{k}"{extra}}}"#,
            t.to_rfc3339()
        ));
    }
    let attrs = region
        .map(|r| format!(r#","attributes":{{"region":"{r}"}}"#))
        .unwrap_or_default();
    format!(
        r#"{{"id":"S","tier":"gold","severity":"sev1"{attrs},"events":[{}]}}"#,
        events.join(",")
    )
}

/// The answer as JSON without the calendar names (which differ by design).
fn answer(policy: &Policy, line: &str, at: DateTime<Utc>) -> serde_json::Value {
    let hours = CalendarSet::from_policy(policy);
    let t = read_line(policy, line, 1, &ReadOptions::default()).expect("valid ticket");
    let a = evaluate(policy, &hours, &t, at).expect("evaluates");
    let mut v: serde_json::Value = serde_json::from_str(&a.to_json()).expect("json");
    for m in v["metrics"].as_array_mut().into_iter().flatten() {
        for c in m["cycles"].as_array_mut().into_iter().flatten() {
            c["calendar"] = serde_json::Value::Null;
        }
    }
    v
}

fn cases() -> u32 {
    std::env::var("SLATE_PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn choosing_a_calendar_is_substitution(
        which in 0usize..5,
        place in 0usize..3,
        // From 2026-03-01 over about two months: the DST changes of
        // America/New_York (03-08), Europe/Paris (03-29) and
        // Australia/Sydney (04-05).
        start_minutes in 0i64..(60 * 24 * 60),
        steps in proptest::collection::vec((0u8..5, 1i64..(60 * 30)), 0..6),
        after in 0i64..(60 * 24 * 10),
    ) {
        let (region, expected) = [
            (Some("eu"), "eu_desk"),
            (Some("us-east"), "us_desk"),
            (Some("apac"), "apac"),
            (Some("mars"), "us_desk"),   // not listed: the default
            (None, "us_desk"),           // no attribute: the default
        ][which];
        let base: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().unwrap();
        let start = base + TimeDelta::minutes(start_minutes);
        let line = ticket(region, start, &steps);
        let last = start + TimeDelta::minutes(steps.iter().map(|s| s.1).sum::<i64>());
        let at = last + TimeDelta::minutes(after);
        let chosen = answer(&policy("desk", place, true), &line, at);
        let direct = answer(&policy(expected, place, false), &line, at);
        prop_assert_eq!(chosen, direct, "{}", line);
    }
}

#[test]
fn a_value_that_selects_nothing_names_the_ticket_and_the_values() {
    let p = policy_from(
        "nodefault.sla",
        &format!(
            "policy \"N\" {{ calendar desk }}\n{CALENDARS}\ncalendar desk by region {{ eu: eu_desk, apac: apac }}\n{TABLES}"
        ),
    );
    let opened = r#""events":[{"at":"2026-03-02T10:00:00Z","type":"opened"}]"#;
    let line = format!(
        r#"{{"id":"T-9","tier":"gold","severity":"sev1","attributes":{{"region":"us"}},{opened}}}"#
    );
    let e = read_line(&p, &line, 7, &ReadOptions::default()).expect_err("no calendar for `us`");
    assert!(matches!(e.kind, InputErrorKind::NoCalendar { .. }));
    assert_eq!(
        e.to_string(),
        "ticket `T-9` (line 7): attribute `region` is `us`, which selects no calendar of `desk` (its values are `eu`, `apac`; the policy gives `desk` no default)"
    );
    let line = format!(r#"{{"id":"T-10","tier":"gold","severity":"sev1",{opened}}}"#);
    let e = read_line(&p, &line, 8, &ReadOptions::default()).expect_err("no attribute");
    assert_eq!(
        e.to_string(),
        "ticket `T-10` (line 8): no attribute `region`, which selects the calendar of `desk` (its values are `eu`, `apac`; the policy gives `desk` no default)"
    );
    // An attribute that is not a string is refused by the reader.
    let line = format!(
        r#"{{"id":"T-11","tier":"gold","severity":"sev1","attributes":{{"region":3}},{opened}}}"#
    );
    let e = read_line(&p, &line, 9, &ReadOptions::default()).expect_err("a number");
    assert_eq!(
        e.to_string(),
        "ticket `T-11` (line 9): attribute `region` is the number 3; it must be a string"
    );
}

const VERSIONED: &str = r#"
policy "V" { calendar utc  effective 2026-01-01 }
calendar utc { zone "UTC"  daily 00:00-24:00 }
severity sev1 "Critical"
tiers basic
targets first_response {
        basic
  sev1  4h
}
version july effective 2026-07-01 RULE
targets first_response in july {
        basic
  sev1  1h
}
"#;

fn first_response(rule: &str, events: &str, at: &str) -> serde_json::Value {
    let p = policy_from("v.sla", &VERSIONED.replace("RULE", rule));
    let line = format!(r#"{{"id":"V","tier":"basic","severity":"sev1","events":[{events}]}}"#);
    let hours = CalendarSet::from_policy(&p);
    let t = read_line(&p, &line, 1, &ReadOptions::default()).expect("valid");
    let a = evaluate(&p, &hours, &t, at.parse().unwrap()).expect("evaluates");
    let v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    let fr = v["metrics"][1]["cycles"][0].clone();
    serde_json::json!({"version": v["version"], "cycle": fr})
}

#[test]
fn versions_pinned_and_re_evaluated() {
    // Opened 06-30 23:30 UTC, never answered, evaluated 07-01 01:00.
    let opened = r#"{"at":"2026-06-30T23:30:00Z","type":"opened"}"#;
    // Pinned: the targets in force at opening (4h): deadline 03:30, running,
    // 5400 s counted, 9000 s left.
    let p = first_response("pinned", opened, "2026-07-01T01:00:00Z");
    assert_eq!(p["version"]["name"], serde_json::Value::Null);
    assert_eq!(p["version"]["effective"], "2026-01-01");
    assert_eq!(p["cycle"]["target"], "4h");
    assert_eq!(p["cycle"]["state"], "running");
    assert_eq!(p["cycle"]["deadline"], "2026-07-01T03:30:00Z");
    assert_eq!(p["cycle"]["remaining_seconds"], 9000);
    // Re-evaluated: at 07-01 00:00 (30 min counted) the target becomes 1h
    // from the start: deadline 00:30, breached then.
    let r = first_response("re-evaluated", opened, "2026-07-01T01:00:00Z");
    assert_eq!(r["version"]["name"], "july");
    assert_eq!(r["cycle"]["target"], "1h");
    assert_eq!(r["cycle"]["state"], "breached");
    assert_eq!(r["cycle"]["breached_at"], "2026-07-01T00:30:00Z");
    // Evaluated before the change, both answer under the old targets.
    let early = first_response("re-evaluated", opened, "2026-06-30T23:50:00Z");
    assert_eq!(early["version"]["name"], serde_json::Value::Null);
    assert_eq!(early["cycle"]["target"], "4h");
    // A cycle stopped before the change keeps its target either way.
    let replied = format!(r#"{opened},{{"at":"2026-06-30T23:45:00Z","type":"replied"}}"#);
    let s = first_response("re-evaluated", &replied, "2026-07-01T01:00:00Z");
    assert_eq!(s["cycle"]["target"], "4h");
    assert_eq!(s["cycle"]["state"], "met");
    // Opened at the change instant: the new version, pinned or not.
    let on = r#"{"at":"2026-07-01T00:00:00Z","type":"opened"}"#;
    let n = first_response("pinned", on, "2026-07-01T00:10:00Z");
    assert_eq!(n["version"]["name"], "july");
    assert_eq!(n["cycle"]["target"], "1h");
    assert_eq!(n["cycle"]["deadline"], "2026-07-01T01:00:00Z");
}

const BASE: &str = r#"
policy "B" { calendar office  effective 2026-01-01 }
calendar office { zone "Europe/Paris"  mon-fri 09:00-17:00 }
severity sev1 "Critical"
tiers gold
targets first_response {
        gold
  sev1  2h
}
targets follow_up {
        gold
  sev1  4h
}
targets resolution {
        gold
  sev1  2bd
}
"#;

/// `BASE` plus a version on 2026-03-04 with `rule` whose first-response
/// table is `first` and whose resolution table is `resolution`.
fn with_version(rule: &str, first: &str, resolution: &str) -> Policy {
    policy_from(
        "bv.sla",
        &format!(
            "{BASE}version v2 effective 2026-03-04 {rule}
targets first_response in v2 {{
        gold
  sev1  {first}
}}
targets resolution in v2 {{
        gold
  sev1  {resolution}
}}
"
        ),
    )
}

/// The answer without the `version` field.
fn metrics_only(policy: &Policy, line: &str, at: DateTime<Utc>) -> serde_json::Value {
    let mut v = answer(policy, line, at);
    if let Some(o) = v.as_object_mut() {
        o.remove("version");
    }
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    /// Versions change nothing they do not say: a version whose tables
    /// equal the policy's own gives the same answers, pinned or
    /// re-evaluated (a re-evaluation to the same target splits nothing);
    /// and a pinned version, whatever its tables, gives a ticket opened
    /// before its date the same answers as the policy without it.
    #[test]
    fn versions_change_only_what_they_say(
        pinned in any::<bool>(),
        start_minutes in 0i64..(60 * 24 * 5),
        steps in proptest::collection::vec((0u8..5, 1i64..(60 * 30)), 0..6),
        after in 0i64..(60 * 24 * 6),
    ) {
        let rule = if pinned { "pinned" } else { "re-evaluated" };
        // Opened from Sunday 2026-03-01 on: before and after the change
        // (2026-03-04 00:00 Paris = 03-03 23:00 UTC).
        let base_at: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().unwrap();
        let start = base_at + TimeDelta::minutes(start_minutes);
        let line = ticket(None, start, &steps);
        let last = start + TimeDelta::minutes(steps.iter().map(|s| s.1).sum::<i64>());
        let at = last + TimeDelta::minutes(after);
        let plain = metrics_only(&policy_from("b.sla", BASE), &line, at);
        let same = metrics_only(&with_version(rule, "2h", "2bd"), &line, at);
        prop_assert_eq!(&plain, &same, "{}", line);
        let change: DateTime<Utc> = "2026-03-03T23:00:00Z".parse().unwrap();
        if start < change {
            let pinned_other = metrics_only(&with_version("pinned", "30m", "1bd"), &line, at);
            prop_assert_eq!(&plain, &pinned_other, "{}", line);
        }
    }
}
