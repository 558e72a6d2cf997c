//! The evaluator against a slow, obviously-correct oracle: a minute-by-minute
//! walk of the timeline for the prelude's `first_response`, `follow_up`,
//! `periodic_update` (independent and sequential) and `resolution`: pauses,
//! `after`, repeats from the oldest message, stops, periodic windows, reopen
//! `continue`, and severity changes under `recompute` and `restart`; on an
//! always-open calendar with small targets so that breaches happen.

use crate::calendar::CalendarSet;
use crate::eval::testing::sample_policy;
use crate::eval::{evaluate, read_line, ReadOptions, TicketAnswer};
use crate::ir::{
    Calendar, CalendarDef, CalendarId, ChangeRule, PeriodicMode, Policy, TargetValue, TimeRange,
    WeeklyCalendar,
};
use crate::source::Span;
use crate::values::Duration;
use chrono::{DateTime, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{json, Value};

const KINDS: [&str; 13] = [
    "replied",
    "customer_replied",
    "resolved",
    "reopened",
    "closed",
    "status:waiting_on_customer",
    "status:open",
    "severity:sev1",
    "severity:sev2",
    "severity:sev3",
    "tier:standard",
    "tier:gold",
    "tier:platinum",
];

const TIERS: [&str; 3] = ["standard", "gold", "platinum"];

fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Minute `[m, m + 1)` after Monday 09:00 UTC is open on the `hourly`
/// calendar: minutes 0-39 of each hour from 09:00 to 16:59.
fn business_open(m: i64) -> bool {
    let of_day = (9 * 60 + m).rem_euclid(1440);
    (9 * 60..17 * 60).contains(&of_day) && of_day % 60 < 40
}

fn minute(m: i64) -> DateTime<Utc> {
    base() + chrono::TimeDelta::minutes(m)
}

/// Targets divided by 24, so all are whole minutes (gold first response
/// 10/20/30m, follow-up 20/60/120m, periodic 5/10/20m, resolution
/// 60/180/300m for sev1/sev2/sev3).
fn policy(restart: bool, sequential: bool, business: bool) -> Policy {
    let mut p = sample_policy();
    if business {
        let ranges: Vec<TimeRange> = (9..17)
            .map(|h| TimeRange {
                start: h * 3600,
                end: h * 3600 + 2400,
            })
            .collect();
        let hourly = CalendarId(p.calendars.len() as u32);
        p.calendars.push(Calendar {
            name: "hourly".to_string(),
            def: CalendarDef::Weekly(WeeklyCalendar {
                zone: "UTC".to_string(),
                weekly: std::array::from_fn(|_| ranges.clone()),
                closed: Vec::new(),
                overrides: Vec::new(),
            }),
            span: Span::default(),
        });
        p.default_calendar = hourly;
        for t in &mut p.targets {
            if let TargetValue::Within { calendar, .. } = &mut t.value {
                *calendar = hourly;
            }
        }
    }
    for t in &mut p.targets {
        if let TargetValue::Within {
            duration: Duration::Seconds(s),
            ..
        } = &mut t.value
        {
            *s /= 24;
        }
    }
    for m in &mut p.metrics {
        match m.periodic.as_mut() {
            Some(per) if sequential => per.mode = PeriodicMode::Sequential,
            Some(_) => {}
            None if restart => m.on_change = ChangeRule::Restart,
            None => {}
        }
    }
    p
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct OracleCycle {
    start: i64,
    stop: Option<i64>,
    by: Option<String>,
    counted: i64,
    breach: Option<i64>,
}

/// How periodic windows follow each other in the oracle.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Windows {
    None,
    Independent,
    Sequential,
}

/// One metric as the oracle sees it.
struct Spec {
    starts: &'static [&'static str],
    stops: &'static [&'static str],
    repeats: bool,
    /// `Some(first stop of the metric it waits for)` for `after`.
    after: Option<Option<i64>>,
    /// Target minutes for [standard, gold, platinum][sev1, sev2, sev3];
    /// `None`: no target.
    targets: [[Option<i64>; 3]; 3],
    windows: Windows,
    restart: bool,
    /// Whether minute `[m, m + 1)` is open on the calendar.
    open: fn(i64) -> bool,
}

fn cycle(start: i64) -> OracleCycle {
    OracleCycle {
        start,
        stop: None,
        by: None,
        counted: 0,
        breach: None,
    }
}

/// Walks minute boundaries `0..=end`; events are `(minute, kind index)`.
fn oracle(events: &[(i64, usize)], end: i64, spec: &Spec) -> Vec<OracleCycle> {
    let mut cycles: Vec<OracleCycle> = Vec::new();
    let mut scheduled = false;
    let mut restarted_at: Option<i64> = None;
    let mut paused = false;
    let mut sev = 1usize;
    let mut tier = 1usize;
    // The current cycle's active minutes [m, m + 1) and whether each counted,
    // for a sequential window that starts in the past.
    let mut hist: Vec<(i64, bool)> = Vec::new();
    for b in 0..=end {
        let here: Vec<&str> = events
            .iter()
            .filter(|(m, _)| *m == b)
            .map(|(_, k)| KINDS[*k])
            .collect();
        let running = |c: &Vec<OracleCycle>| c.last().is_some_and(|c| c.stop.is_none());
        // Field changes, in input order.
        for k in &here {
            if let Some(status) = k.strip_prefix("status:") {
                paused = status == "waiting_on_customer";
            }
            let change = if let Some(level) = k.strip_prefix("severity:sev") {
                let new = level.parse::<usize>().unwrap_or(2) - 1;
                (new != sev).then(|| {
                    sev = new;
                    "severity"
                })
            } else if let Some(name) = k.strip_prefix("tier:") {
                let new = TIERS.iter().position(|t| *t == name).unwrap_or(1);
                (new != tier).then(|| {
                    tier = new;
                    "tier"
                })
            } else {
                None
            };
            if let Some(by) = change {
                if spec.restart && running(&cycles) && restarted_at != Some(b) {
                    if let Some(c) = cycles.last_mut() {
                        c.stop = Some(b);
                        c.by = Some(by.to_string());
                    }
                    cycles.push(cycle(b));
                    restarted_at = Some(b);
                    hist.clear();
                }
            }
        }
        let target = spec.targets[tier][sev].map(|m| m * 60);
        let start_here = spec
            .starts
            .iter()
            .any(|s| here.contains(s) || (*s == "opened" && b == 0));
        let allowed = cycles.is_empty()
            || (spec.repeats && spec.windows == Windows::None && !running(&cycles));
        if start_here && spec.after.is_none_or(|a| a.is_some_and(|s| s < b)) && allowed {
            cycles.push(cycle(b));
            scheduled = false;
            hist.clear();
        }
        if here.contains(&"reopened") {
            if let Some(c) = cycles.last_mut().filter(|c| {
                c.stop.is_some() && matches!(c.by.as_deref(), Some("resolved" | "closed"))
            }) {
                c.stop = None;
                c.by = None;
            }
        }
        if let Some(k) = spec.stops.iter().find(|s| here.contains(s)) {
            if running(&cycles) {
                if scheduled && cycles.last().is_some_and(|c| b <= c.start) {
                    cycles.pop();
                    scheduled = false;
                } else if let Some(c) = cycles.last_mut() {
                    c.stop = Some(b);
                    c.by = Some(k.to_string());
                }
            }
        }
        if spec.windows != Windows::None && here.contains(&"replied") {
            if let Some(c) = cycles
                .last_mut()
                .filter(|c| c.stop.is_none() && c.start <= b)
            {
                c.stop = Some(b);
                c.by = Some("replied".to_string());
                let target = target.unwrap_or(0);
                let next = match (spec.windows, c.breach) {
                    (Windows::Independent, _) => b,
                    (_, Some(d)) => d,
                    _ => {
                        // As if running from here: the end of the last open
                        // minute the remaining target needs.
                        let (mut m, mut left) = (b, (target - c.counted).max(0) / 60);
                        while left > 0 {
                            if (spec.open)(m) {
                                left -= 1;
                            }
                            m += 1;
                        }
                        m
                    }
                };
                let mut w = cycle(next);
                hist.retain(|(m, _)| *m >= next);
                for &(m, counts) in &hist {
                    if w.breach.is_none() && w.counted >= target {
                        w.breach = Some(m);
                    }
                    if counts {
                        w.counted += 60;
                    }
                }
                cycles.push(w);
                scheduled = next > b;
            }
        }
        if let Some(c) = cycles
            .last_mut()
            .filter(|c| c.stop.is_none() && c.start <= b)
        {
            if b < end && c.breach.is_none() && target.is_some_and(|x| c.counted >= x) {
                c.breach = Some(b);
            }
            let counts = !paused && (spec.open)(b);
            if b < end {
                hist.push((b, counts));
            }
            if b < end && counts {
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

fn observed(answer: &TicketAnswer<'_>, name: &str) -> Vec<OracleCycle> {
    answer
        .metrics
        .iter()
        .find(|m| m.metric == name)
        .map(|m| {
            m.cycles
                .iter()
                .map(|c| OracleCycle {
                    start: (c.start - base()).num_minutes(),
                    stop: c.stop.map(|s| (s - base()).num_minutes()),
                    by: c.stopped_by.as_deref().map(str::to_string),
                    counted: c.elapsed_seconds,
                    breach: c.breached_at.map(|s| (s - base()).num_minutes()),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn check(
    raw: Vec<(i64, usize)>,
    end: i64,
    created_paused: bool,
    restart: bool,
    sequential: bool,
    business: bool,
) -> Result<(), TestCaseError> {
    {
        // At most one status change per minute (two in one second keep input order).
        let mut seen = std::collections::HashSet::new();
        let mut all: Vec<(i64, usize)> = raw
            .into_iter()
            .filter(|(m, k)| !(5..=6).contains(k) || seen.insert(*m))
            .collect();
        if created_paused {
            all.push((0, 5));
        }
        let mut json_events = vec![json!({"at": minute(0).to_rfc3339(), "type": "opened"})];
        json_events.extend(all.iter().map(|(m, k)| ev(*m, *k)));
        let line = json!({"id": "O-1", "tier": "gold", "severity": "sev2", "events": json_events});
        let p = policy(restart, sequential, business);
        let open: fn(i64) -> bool = if business { business_open } else { |_| true };
        let ticket = read_line(&p, &line.to_string(), 1, &ReadOptions::default())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let cals = CalendarSet::from_policy(&p);
        let answer = evaluate(&p, &cals, &ticket, minute(end))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;

        let spec = |starts, stops, repeats, after, targets, windows| Spec {
            starts,
            stops,
            repeats,
            after,
            targets,
            windows,
            restart: restart && windows == Windows::None,
            open,
        };
        let fr = oracle(
            &all,
            end,
            &spec(
                &["opened"],
                &["replied", "resolved"],
                false,
                None,
                [
                    [None; 3],
                    [Some(10), Some(20), Some(30)],
                    [Some(5), Some(15), Some(25)],
                ],
                Windows::None,
            ),
        );
        let dep = fr
            .iter()
            .find(|c| c.stop.is_some() && !matches!(c.by.as_deref(), Some("severity" | "tier")))
            .and_then(|c| c.stop);
        let mut cases = vec![
            ("first_response", fr.clone()),
            (
                "follow_up",
                oracle(
                    &all,
                    end,
                    &spec(
                        &["customer_replied"],
                        &["replied", "resolved"],
                        true,
                        Some(dep),
                        [[Some(20), Some(60), Some(120)]; 3],
                        Windows::None,
                    ),
                ),
            ),
            (
                "resolution",
                oracle(
                    &all,
                    end,
                    &spec(
                        &["opened"],
                        &["resolved", "closed"],
                        false,
                        None,
                        [[Some(60), Some(180), Some(300)]; 3],
                        Windows::None,
                    ),
                ),
            ),
        ];
        // Periodic windows with severity changes: the next sequential window
        // follows the target in force, which the oracle does not model.
        if !all.iter().any(|(_, k)| *k >= 7) || !sequential {
            let windows = if sequential {
                Windows::Sequential
            } else {
                Windows::Independent
            };
            cases.push((
                "periodic_update",
                oracle(
                    &all,
                    end,
                    &spec(
                        &["opened"],
                        &["resolved"],
                        false,
                        None,
                        [[Some(5), Some(10), Some(20)]; 3],
                        windows,
                    ),
                ),
            ));
        }
        for (name, expected) in cases {
            prop_assert_eq!(&observed(&answer, name), &expected, "metric {}", name);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn evaluator_matches_the_minute_oracle(
        raw in proptest::collection::vec((1i64..300, 0usize..KINDS.len()), 0..14),
        end in 1i64..360,
        created_paused in any::<bool>(),
        restart in any::<bool>(),
        sequential in any::<bool>(),
    ) {
        check(raw, end, created_paused, restart, sequential, false)?;
    }

    /// The same on a calendar of short open periods (40 minutes of every
    /// hour from 09:00 to 17:00 UTC, every day), through the calendar engine.
    #[test]
    fn evaluator_matches_the_minute_oracle_on_business_hours(
        raw in proptest::collection::vec((1i64..600, 0usize..KINDS.len()), 0..14),
        end in 1i64..1500,
        created_paused in any::<bool>(),
        restart in any::<bool>(),
        sequential in any::<bool>(),
    ) {
        check(raw, end, created_paused, restart, sequential, true)?;
    }
}
