//! The evaluator against a slow, obviously-correct oracle: a minute-by-minute
//! walk of the timeline for the prelude's `first_response`, `follow_up` and
//! `resolution` (pauses, `after`, repeats from the oldest message, stops,
//! reopen `continue`), on an always-open calendar with small targets so that
//! breaches happen.

use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};
use slate::eval::testing::sample_policy;
use slate::eval::{evaluate, read_line, AlwaysOpen, ReadOptions};
use slate::ir::{EventKind, Policy, TargetValue};
use slate::values::Duration;

const KINDS: [&str; 7] = [
    "replied",
    "customer_replied",
    "resolved",
    "reopened",
    "closed",
    "status:waiting_on_customer",
    "status:open",
];

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

fn minute(m: i64) -> DateTime<Utc> {
    base() + chrono::TimeDelta::minutes(m)
}

/// Targets divided by 16 (4h -> 15m, 8h -> 30m, 24h -> 90m, 72h -> 4h30m).
fn policy() -> Policy {
    let mut p = sample_policy();
    for t in &mut p.targets {
        if let TargetValue::Within {
            duration: Duration::Seconds(s),
            ..
        } = &mut t.value
        {
            *s /= 16;
        }
    }
    p
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct OracleCycle {
    start: i64,
    stop: Option<i64>,
    counted: i64,
    breach: Option<i64>,
}

/// Walks minute boundaries `0..=end`; events are `(minute, kind index)`.
fn oracle(
    events: &[(i64, usize)],
    end: i64,
    starts: &[&str],
    stops: &[&str],
    repeats: bool,
    after: Option<Option<i64>>,
    target_minutes: i64,
) -> Vec<OracleCycle> {
    let mut cycles: Vec<OracleCycle> = Vec::new();
    let mut stopped_by: Option<&str> = None;
    let mut paused = false;
    for b in 0..=end {
        let here: Vec<&str> = events
            .iter()
            .filter(|(m, _)| *m == b)
            .map(|(_, k)| KINDS[*k])
            .collect();
        let opened = b == 0;
        // Field changes: the last status change at this minute wins.
        for k in &here {
            if let Some(status) = k.strip_prefix("status:") {
                paused = status == "waiting_on_customer";
            }
        }
        let running = |c: &Vec<OracleCycle>| c.last().is_some_and(|c| c.stop.is_none());
        let start_here = starts
            .iter()
            .any(|s| here.contains(s) || (*s == "opened" && opened));
        if start_here
            && after.map_or(true, |a| a.is_some_and(|s| s < b))
            && (cycles.is_empty() || (repeats && !running(&cycles)))
        {
            cycles.push(OracleCycle {
                start: b,
                stop: None,
                counted: 0,
                breach: None,
            });
        }
        if here.contains(&"reopened") && matches!(stopped_by, Some("resolved" | "closed")) {
            if let Some(c) = cycles.last_mut() {
                if c.stop.is_some() {
                    c.stop = None;
                    stopped_by = None;
                }
            }
        }
        if let Some(k) = stops.iter().find(|s| here.contains(s)) {
            if let Some(c) = cycles.last_mut().filter(|c| c.stop.is_none()) {
                c.stop = Some(b);
                stopped_by = Some(k);
            }
        }
        if let Some(c) = cycles.last_mut().filter(|c| c.stop.is_none()) {
            if b < end && c.breach.is_none() && c.counted >= target_minutes * 60 {
                c.breach = Some(b);
            }
            if b < end && !paused {
                c.counted += 60;
            }
        }
    }
    cycles
}

fn ev(m: i64, k: usize) -> Value {
    let at = minute(m).to_rfc3339();
    match KINDS[k].split_once(':') {
        Some((kind, value)) => json!({"at": at, "type": kind, kind: value}),
        None => json!({"at": at, "type": KINDS[k]}),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn evaluator_matches_the_minute_oracle(
        raw in proptest::collection::vec((1i64..300, 0usize..KINDS.len()), 0..14),
        end in 1i64..360,
        created_paused in any::<bool>(),
    ) {
        // At most one status change per minute (two in one second keep input order).
        let mut seen = std::collections::HashSet::new();
        let events: Vec<(i64, usize)> = raw
            .into_iter()
            .filter(|(m, k)| *k < 5 || seen.insert(*m))
            .collect();
        let mut all = events.clone();
        if created_paused {
            all.push((0, 5));
        }
        let mut json_events = vec![json!({"at": minute(0).to_rfc3339(), "type": "opened"})];
        json_events.extend(all.iter().map(|(m, k)| ev(*m, *k)));
        let line = json!({"id": "O-1", "tier": "gold", "severity": "sev2", "events": json_events});
        let p = policy();
        let ticket = read_line(&p, &line.to_string(), 1, &ReadOptions::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let answer = evaluate(&p, &AlwaysOpen, &ticket, minute(end))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;

        let fr = oracle(&all, end, &["opened"], &["replied", "resolved"], false, None, 30);
        let dep = fr.first().and_then(|c| c.stop);
        let cases = [
            ("first_response", fr.clone()),
            ("follow_up", oracle(&all, end, &["customer_replied"], &["replied", "resolved"], true, Some(dep), 90)),
            ("resolution", oracle(&all, end, &["opened"], &["resolved", "closed"], false, None, 270)),
        ];
        for (name, expected) in cases {
            let got: Vec<OracleCycle> = answer
                .metrics
                .iter()
                .find(|m| m.metric == name)
                .map(|m| {
                    m.cycles
                        .iter()
                        .map(|c| OracleCycle {
                            start: (c.start - base()).num_minutes(),
                            stop: c.stop.map(|s| (s - base()).num_minutes()),
                            counted: c.elapsed_seconds,
                            breach: c.breached_at.map(|s| (s - base()).num_minutes()),
                        })
                        .collect()
                })
                .unwrap_or_default();
            prop_assert_eq!(&got, &expected, "metric {}", name);
        }
        // Kinds used by the oracle exist in the IR under these names.
        prop_assert!(EventKind::from_name("customer_replied").is_some());
    }
}
