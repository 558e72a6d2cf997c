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
