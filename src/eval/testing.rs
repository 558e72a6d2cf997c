//! A small hand-built policy for examples and tests (not part of the API).
//!
//! Until the parser is available, examples need a checked policy; this one
//! mirrors the prelude metrics with a `24x7` default calendar.

use crate::ir::*;
use crate::source::Span;
use crate::values::{Duration, Percent};
use std::collections::BTreeMap;

/// A prelude-like metric.
pub fn metric(name: &str, starts: &[EventKind], stops: &[EventKind]) -> Metric {
    Metric {
        name: name.to_string(),
        starts: starts.to_vec(),
        after: None,
        stops: stops.to_vec(),
        pauses: vec!["waiting_on_customer".to_string()],
        repeats: false,
        periodic: None,
        on_change: ChangeRule::Recompute,
        on_reopen: ReopenRule::Continue,
        prelude: true,
        span: Span::default(),
    }
}

/// The five prelude metrics, as `src/prelude.sla` defines them.
pub fn prelude_metrics() -> Vec<Metric> {
    use EventKind::*;
    let mut follow = metric("follow_up", &[CustomerReplied], &[Replied, Resolved]);
    follow.after = Some(MetricId(1));
    follow.repeats = true;
    let mut periodic = metric("periodic_update", &[Opened], &[Resolved]);
    periodic.periodic = Some(Periodic {
        on: vec![Replied],
        mode: PeriodicMode::Independent,
    });
    vec![
        metric("acknowledge", &[Opened], &[Acknowledged, Replied, Resolved]),
        metric("first_response", &[Opened], &[Replied, Resolved]),
        follow,
        periodic,
        metric("resolution", &[Opened], &[Resolved, Closed]),
    ]
}

fn sev(name: &str, aliases: &[&str]) -> Severity {
    Severity {
        name: name.to_string(),
        description: None,
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
        calendar: None,
        span: Span::default(),
    }
}

fn tier(name: &str) -> Tier {
    Tier {
        name: name.to_string(),
        title: None,
        extends: None,
        entitlements: BTreeMap::new(),
        span: Span::default(),
    }
}

/// Seconds in an hour.
pub const H: i64 = 3600;

/// A policy with one `24x7` calendar, severities `sev1 sev2 sev3` (`sev1`
/// alias `Critical`), tiers `standard gold platinum`, types `bug question`,
/// the prelude metrics and these targets (hours, sev1/sev2/sev3):
/// acknowledge 1/2/4, first_response gold 4/8/12 and platinum 2/6/10
/// (standard: `-`), follow_up 8/24/48, periodic_update 2/4/8, resolution
/// 24/72/120; plus `warn first_response at 75%` and `escalate
/// first_response at 100%`.
pub fn sample_policy() -> Policy {
    let calendars = vec![Calendar {
        name: "24x7".to_string(),
        def: CalendarDef::Expr {
            expr: CalendarExpr::Always,
        },
        span: Span::default(),
    }];
    let table: [(u32, [Option<[i64; 3]>; 3]); 5] = [
        (0, [Some([1, 2, 4]), Some([1, 2, 4]), Some([1, 2, 4])]),
        (1, [None, Some([4, 8, 12]), Some([2, 6, 10])]),
        (2, [Some([8, 24, 48]), Some([8, 24, 48]), Some([8, 24, 48])]),
        (3, [Some([2, 4, 8]), Some([2, 4, 8]), Some([2, 4, 8])]),
        (
            4,
            [
                Some([24, 72, 120]),
                Some([24, 72, 120]),
                Some([24, 72, 120]),
            ],
        ),
    ];
    let mut targets = Vec::new();
    for (m, tiers) in table {
        for s in 0..3u32 {
            for (t, col) in tiers.iter().enumerate() {
                let value = match col {
                    Some(hours) => TargetValue::Within {
                        duration: Duration::Seconds(hours[s as usize] * H),
                        calendar: CalendarId(0),
                    },
                    None => TargetValue::NoTarget,
                };
                targets.push(Target {
                    metric: MetricId(m),
                    issue_type: None,
                    severity: SeverityId(s),
                    tier: TierId(t as u32),
                    written: col.map_or("-".to_string(), |h| format!("{}h", h[s as usize])),
                    value,
                    span: Span::default(),
                });
            }
        }
    }
    let milestone = |kind, pct: &str, to: &str| Milestone {
        kind,
        metric: MetricId(1),
        at: Percent::parse(pct).unwrap_or(Percent(0)),
        to: to.to_string(),
        span: Span::default(),
    };
    Policy {
        format_version: IR_FORMAT_VERSION,
        source: "sample.sla".to_string(),
        name: "Sample".to_string(),
        provider: None,
        effective: None,
        default_calendar: CalendarId(0),
        calendars,
        severities: vec![
            sev("sev1", &["Critical"]),
            sev("sev2", &[]),
            sev("sev3", &[]),
        ],
        tiers: vec![tier("standard"), tier("gold"), tier("platinum")],
        types: ["bug", "question"]
            .iter()
            .map(|n| IssueType {
                name: n.to_string(),
                description: None,
                coverage: Vec::new(),
                span: Span::default(),
            })
            .collect(),
        metrics: prelude_metrics(),
        targets,
        milestones: vec![
            milestone(MilestoneKind::Warn, "75", "team lead"),
            milestone(MilestoneKind::Escalate, "100", "support management"),
        ],
        availability: Vec::new(),
        quotas: Vec::new(),
        span: Span::default(),
    }
}

/// Mon-Fri 08:00-16:00 in `zone`, no closures.
pub fn office_hours(zone: &str) -> WeeklyCalendar {
    let day = vec![TimeRange {
        start: 8 * 3600,
        end: 16 * 3600,
    }];
    WeeklyCalendar {
        zone: zone.to_string(),
        weekly: [
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            Vec::new(),
            Vec::new(),
        ],
        closed: Vec::new(),
        overrides: Vec::new(),
    }
}

/// [`sample_policy`] on a `business` calendar (America/Chicago, Mon-Fri
/// 08:00-16:00, closed on Christmas Day) as the default, with `sev1` on its
/// own `24x7` clock and resolution for `sev3` promised in `1bd`.
pub fn business_policy() -> Policy {
    let mut p = sample_policy();
    let mut business = office_hours("America/Chicago");
    business.closed.push(Closure {
        date: DateRule::Yearly { month: 12, day: 25 },
        range: None,
        label: Some("Christmas Day".to_string()),
        span: Span::default(),
    });
    p.calendars.push(Calendar {
        name: "business".to_string(),
        def: CalendarDef::Weekly(business),
        span: Span::default(),
    });
    p.default_calendar = CalendarId(1);
    p.severities[0].calendar = Some(CalendarId(0));
    for t in &mut p.targets {
        if let TargetValue::Within { duration, calendar } = &mut t.value {
            if t.severity.0 != 0 {
                *calendar = CalendarId(1);
            }
            if t.metric.0 == 4 && t.severity.0 == 2 {
                *duration = Duration::BusinessDays(1);
                t.written = "1bd".to_string();
            }
        }
    }
    p
}

/// A deterministic pseudo-random generator (64-bit LCG) for corpora.
#[derive(Debug, Clone)]
pub struct Lcg(pub u64);

impl Lcg {
    /// The next number below `n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Ticket number `i` of a synthetic corpus for the sample policies, as one
/// JSON line: opened during 2026, a mix of replies, customer messages,
/// waiting periods, severity and tier changes, resolutions and reopens.
pub fn synthetic_ticket(i: u64, seed: u64) -> String {
    use std::fmt::Write as _;
    let mut r = Lcg(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    r.below(2);
    let tiers = ["standard", "gold", "platinum"];
    let sevs = ["sev1", "sev2", "sev3"];
    let base: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z
    let mut t = base + (r.below(364 * 86_400) as i64);
    let mut line = format!(
        r#"{{"id":"T-{i}","tier":"{}","severity":"{}","type":"{}","events":["#,
        tiers[r.below(3) as usize],
        sevs[r.below(3) as usize],
        ["bug", "question"][r.below(2) as usize],
    );
    let push = |line: &mut String, t: i64, body: &str| {
        let at = chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();
        let sep = if line.ends_with('[') { "" } else { "," };
        let _ = write!(
            line,
            r#"{sep}{{"at":"{}","type":{body}}}"#,
            at.format("%Y-%m-%dT%H:%M:%SZ")
        );
    };
    push(&mut line, t, r#""opened""#);
    let steps = 2 + r.below(10);
    let mut resolved = false;
    for _ in 0..steps {
        t += 60 + r.below(20 * 3600) as i64;
        let body = match r.below(20) {
            0..=5 => r#""replied""#,
            6..=9 => r#""customer_replied""#,
            10 => r#""acknowledged""#,
            11 | 12 => r#""status","status":"waiting_on_customer""#,
            13 | 14 => r#""status","status":"open""#,
            15 => r#""severity","severity":"sev1""#,
            16 => r#""tier","tier":"platinum""#,
            17 if !resolved => {
                resolved = true;
                r#""resolved""#
            }
            18 if resolved => {
                resolved = false;
                r#""reopened""#
            }
            _ => r#""replied""#,
        };
        push(&mut line, t, body);
    }
    if r.below(3) > 0 && !resolved {
        t += 60 + r.below(48 * 3600) as i64;
        push(&mut line, t, r#""resolved""#);
    }
    line.push_str("]}");
    line
}
