//! `slate show POLICY [--tier NAME]`: what a tier gets, in the contract's own
//! units, to hold next to the document: targets with their calendars in
//! words, coverage, entitlements, quotas, availability and escalations.

use super::{EXIT_OK, EXIT_USAGE};
use slate::ir::{
    Amount, CalendarDef, CalendarExpr, CalendarId, Covered, CreditValue, DateRule, Deadline,
    DownRule, MaintenanceRule, MilestoneKind, MissingRule, Period, Policy, TargetValue, TierId,
    Value,
};
use slate::Duration;

fn format_seconds(s: i64) -> String {
    Duration::Seconds(s).to_string()
}
use std::fmt::Write;
use std::path::PathBuf;

/// Arguments of `slate show`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    /// Only this tier; default: every tier, lowest first.
    #[arg(long, value_name = "NAME")]
    tier: Option<String>,
}

pub fn run(args: Args) -> i32 {
    let compiled = match super::load_policy(&args.policy) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let policy = compiled.policy();
    let tiers: Vec<TierId> = match args.tier.as_deref() {
        None => (0..policy.tiers.len() as u32).map(TierId).collect(),
        Some(name) => match policy.tier_named(name) {
            Some(t) => vec![t],
            None => {
                let names: Vec<String> = policy
                    .tiers
                    .iter()
                    .map(|t| format!("`{}`", t.name))
                    .collect();
                eprintln!(
                    "error: policy `{}` has no tier `{name}`; its tiers are {}",
                    policy.name,
                    names.join(", ")
                );
                return EXIT_USAGE;
            }
        },
    };
    let mut out = String::new();
    let _ = write!(out, "{}", policy.name);
    if let Some(p) = &policy.provider {
        let _ = write!(out, " ({p})");
    }
    let _ = writeln!(out);
    for (i, &tier) in tiers.iter().enumerate() {
        if i > 0 || tiers.len() == 1 {
            let _ = writeln!(out);
        }
        show_tier(policy, tier, &mut out);
    }
    let availability = availability(policy);
    if !availability.is_empty() {
        let _ = writeln!(out, "\nfor every tier:\n{availability}");
    }
    print!("{out}");
    EXIT_OK
}

fn show_tier(policy: &Policy, tier: TierId, out: &mut String) {
    let t = &policy.tiers[tier.index()];
    let _ = write!(out, "tier `{}`", t.name);
    if let Some(title) = &t.title {
        let _ = write!(out, " \"{title}\"");
    }
    if let Some(base) = t.extends {
        let _ = write!(out, ", extends `{}`", policy.tiers[base.index()].name);
    }
    let _ = writeln!(out);

    let _ = writeln!(out, "  targets:");
    let mut any = false;
    let mut used_calendars = std::collections::BTreeSet::new();
    for (m, metric) in policy.metrics.iter().enumerate() {
        let cells: Vec<_> = policy
            .targets
            .iter()
            .filter(|c| c.metric.index() == m && c.tier == tier)
            .collect();
        if cells.iter().all(|c| c.value == TargetValue::NoTarget) {
            continue;
        }
        any = true;
        for c in cells {
            let sev = &policy.severities[c.severity.index()];
            let for_type = c
                .issue_type
                .map(|ty| format!(" for `{}`", policy.types[ty.index()].name))
                .unwrap_or_default();
            let alias = sev
                .aliases
                .first()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default();
            let promise = match &c.value {
                TargetValue::NoTarget => "no target".to_string(),
                TargetValue::Within { duration, calendar } => {
                    used_calendars.insert(*calendar);
                    let on = match &policy.calendars[calendar.index()].def {
                        CalendarDef::Expr {
                            expr: CalendarExpr::Always,
                        } => "around the clock".to_string(),
                        _ => format!("on `{}`", policy.calendars[calendar.index()].name),
                    };
                    format!("{} {on}", duration_words(*duration))
                }
                TargetValue::By { deadline, calendar } => {
                    used_calendars.insert(*calendar);
                    let name = &policy.calendars[calendar.index()].name;
                    match deadline {
                        Deadline::DueAt => {
                            format!("{}, counted on `{name}`", deadline_words(*deadline))
                        }
                        _ => format!("{} on `{name}`", deadline_words(*deadline)),
                    }
                }
            };
            let version = c
                .version
                .and_then(|v| policy.versions.get(v.index()))
                .map(|v| {
                    format!(
                        " (version `{}` from {}, {})",
                        v.name,
                        v.effective,
                        v.rule.name()
                    )
                })
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "    {}{for_type}, `{}`{alias}: {promise}{version}",
                metric.name, sev.name
            );
        }
    }
    if !any {
        let _ = writeln!(out, "    none (no time is promised on this tier)");
    }
    let named: Vec<String> = used_calendars
        .iter()
        .filter(|c| {
            !matches!(
                policy.calendars[c.index()].def,
                CalendarDef::Expr {
                    expr: CalendarExpr::Always
                }
            )
        })
        .map(|&c| format!("    {}", calendar_words(policy, c, 0)))
        .collect();
    if !named.is_empty() {
        let _ = writeln!(out, "  calendars:\n{}", named.join("\n"));
    }
    let escalations: Vec<String> = policy
        .milestones
        .iter()
        .filter(|m| {
            policy
                .targets
                .iter()
                .any(|c| c.metric == m.metric && c.tier == tier && c.value != TargetValue::NoTarget)
        })
        .map(|m| {
            let kind = match m.kind {
                MilestoneKind::Warn => "warn",
                MilestoneKind::Escalate => "escalate",
            };
            format!(
                "    {kind} at {} of the `{}` target to \"{}\"",
                m.at,
                policy.metrics[m.metric.index()].name,
                m.to
            )
        })
        .collect();
    if !escalations.is_empty() {
        let _ = writeln!(out, "  escalation:\n{}", escalations.join("\n"));
    }

    let coverage: Vec<String> = policy
        .types
        .iter()
        .enumerate()
        .filter(|(_, ty)| !ty.coverage.is_empty())
        .map(|(_, ty)| {
            let (covered, line) = ty.covered(tier);
            let how = match covered {
                Covered::Yes => "covered".to_string(),
                Covered::NoGuarantee => "covered without guarantee (no target)".to_string(),
                Covered::No => "not covered".to_string(),
            };
            let mut s = format!("    `{}`: {how}", ty.name);
            if let Some(line) = line {
                if !line.channels.is_empty() {
                    let _ = write!(s, ", via {}", quoted(&line.channels));
                }
                if let Some(note) = &line.note {
                    let _ = write!(s, ": \"{note}\"");
                }
            }
            s
        })
        .collect();
    if !coverage.is_empty() {
        let _ = writeln!(out, "  issue types:\n{}", coverage.join("\n"));
    }

    if !t.entitlements.is_empty() {
        let _ = writeln!(out, "  entitlements:");
        for (name, e) in &t.entitlements {
            let value = match &e.value {
                Value::Flag(true) => "yes".to_string(),
                Value::Flag(false) => "no".to_string(),
                Value::Count(n) => n.to_string(),
                Value::Duration(d) => duration_words(*d),
                Value::Percent(p) => p.to_string(),
                Value::Money(m) => m.to_string(),
                Value::Text(s) => format!("\"{s}\""),
            };
            let from = e
                .inherited_from
                .map(|f| format!(" (from `{}`)", policy.tiers[f.index()].name))
                .unwrap_or_default();
            let _ = writeln!(out, "    {}: {value}{from}", name.replace('_', " "));
        }
    }

    let quotas: Vec<String> = policy
        .quotas
        .iter()
        .filter(|q| q.tiers.is_empty() || q.tiers.contains(&tier))
        .map(|q| {
            let amount = match &q.amount {
                Amount::Count { count, unit } => format!("{count} {unit}"),
                Amount::Time { duration } => duration_words(*duration),
            };
            let per = match q.per {
                Some(Period::Day) => " per day",
                Some(Period::Week) => " per week",
                Some(Period::Month) => " per month",
                Some(Period::Year) => " per year",
                None => "",
            };
            let mut s = format!("    `{}`: {amount}{per} included", q.name);
            if let Some(p) = &q.overage {
                let _ = write!(s, "; beyond, {p} each");
            }
            if let Some(m) = q.minimum {
                let _ = write!(s, "; beyond, at least {} per request", duration_words(m));
            }
            if let Some(r) = &q.rate {
                let _ = write!(s, " at {r} per hour");
            }
            if let Some(b) = &q.beyond {
                let _ = write!(s, " (\"{b}\")");
            }
            s
        })
        .collect();
    if !quotas.is_empty() {
        let _ = writeln!(out, "  quotas (`slate usage`):\n{}", quotas.join("\n"));
    }
}

fn availability(policy: &Policy) -> String {
    let mut s = String::new();
    for a in &policy.availability {
        let _ = writeln!(
            s,
            "  availability `{}` (`slate uptime`): {} uptime per calendar month in {}",
            a.name, a.objective, a.zone
        );
        let _ = writeln!(s, "    sampled every {}", format_seconds(a.sample_seconds));
        for d in &a.down {
            let rule = match d {
                DownRule::Fails { check } => format!("`{check}` fails"),
                DownRule::Threshold { signal, op, value } => {
                    let op = serde_json::to_value(op)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    format!("`{signal}` {op} {value}")
                }
            };
            let _ = writeln!(s, "    down when {rule}");
        }
        for &c in &a.excluding {
            let _ = writeln!(
                s,
                "    planned maintenance: {}",
                calendar_words(policy, c, 0)
            );
        }
        let _ = writeln!(
            s,
            "    maintenance {}; missing samples {}",
            match a.maintenance {
                MaintenanceRule::CountsAsUp => "counts as up",
                MaintenanceRule::Excluded => "leaves the denominator",
            },
            match a.missing {
                MissingRule::Up => "count as up",
                MissingRule::Down => "count as down",
                MissingRule::Excluded => "leave the denominator",
            }
        );
        for c in &a.credits {
            let credit = match &c.credit {
                CreditValue::Percent(p) => format!("{p} of the fees"),
                CreditValue::Text(t) => format!("\"{t}\""),
            };
            let _ = writeln!(s, "    credit below {}: {credit}", c.below);
        }
    }
    s.trim_end().to_string()
}

/// A deadline target in words: `by 16:00 the next business day`, `by the
/// close, 3 business days later` (counted from the business day the
/// ticket counts in).
fn deadline_words(d: Deadline) -> String {
    let day = |n: u32| match n {
        0 => "the same business day".to_string(),
        1 => "the next business day".to_string(),
        n => format!("{n} business days later"),
    };
    match d {
        Deadline::TimeOfDay { days, seconds } => {
            let at = format!("{:02}:{:02}", seconds / 3600, seconds / 60 % 60);
            match days {
                0 | 1 => format!("by {at} {}", day(days)),
                n => format!("by {at}, {}", day(n)),
            }
        }
        Deadline::EndOfDay { days } => match days {
            0 | 1 => format!("by the close of {}", day(days)),
            n => format!("by the close, {}", day(n)),
        },
        Deadline::DueAt => "by the ticket's due date (`due_at`)".to_string(),
    }
}

fn duration_words(d: Duration) -> String {
    match d {
        Duration::BusinessDays(1) => "1 business day".into(),
        Duration::BusinessDays(n) => format!("{n} business days"),
        Duration::Seconds(s) => format_seconds(s),
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|c| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A calendar in words: `Mon-Fri 08:00-17:00 America/Denver (calendar
/// `business`)`, `around the clock`, or an expression of such.
fn calendar_words(policy: &Policy, id: CalendarId, depth: usize) -> String {
    let Some(cal) = policy.calendars.get(id.index()) else {
        return "?".into();
    };
    match &cal.def {
        CalendarDef::Expr { expr } if depth < 8 => {
            if matches!(expr, CalendarExpr::Always) {
                return "around the clock (24x7)".into();
            }
            format!("`{}` = {}", cal.name, expr_words(policy, expr, depth + 1))
        }
        CalendarDef::Expr { .. } => format!("`{}`", cal.name),
        CalendarDef::Select(sel) if depth < 8 => {
            let mut cases: Vec<String> = sel
                .cases
                .iter()
                .map(|c| {
                    format!(
                        "\n      {} `{}`: {}",
                        sel.attribute,
                        c.value,
                        calendar_words(policy, c.calendar, depth + 1)
                    )
                })
                .collect();
            cases.push(match sel.default {
                Some(d) => format!(
                    "\n      any other {}: {}",
                    sel.attribute,
                    calendar_words(policy, d, depth + 1)
                ),
                None => format!("\n      any other {}: refused (no default)", sel.attribute),
            });
            format!(
                "`{}`, chosen per ticket by its `{}`:{}",
                cal.name,
                sel.attribute,
                cases.concat()
            )
        }
        CalendarDef::Select(_) => format!("`{}`", cal.name),
        CalendarDef::Weekly(w) => {
            const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
            let hm = |s: u32| {
                format!(
                    "{:02}:{:02}",
                    (s / 3600) % 24 + 24 * u32::from(s >= 86_400 && s % 86_400 == 0),
                    (s % 3600) / 60
                )
            };
            // Group consecutive days with the same hours: Mon-Fri 08:00-17:00.
            let mut parts: Vec<String> = Vec::new();
            let mut i = 0;
            while i < 7 {
                if w.weekly[i].is_empty() {
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j + 1 < 7 && w.weekly[j + 1] == w.weekly[i] {
                    j += 1;
                }
                let days = if i == j {
                    DAYS[i].to_string()
                } else {
                    format!("{}-{}", DAYS[i], DAYS[j])
                };
                let ranges: Vec<String> = w.weekly[i]
                    .iter()
                    .map(|r| format!("{}-{}", hm(r.start), hm(r.end)))
                    .collect();
                parts.push(format!("{days} {}", ranges.join(", ")));
                i = j + 1;
            }
            let mut s = format!("`{}`: {} {}", cal.name, parts.join(", "), w.zone);
            let closed: Vec<String> = w
                .closed
                .iter()
                .map(|c| match c.date {
                    DateRule::Date { date } => date.to_string(),
                    DateRule::Yearly { month, day } => format!("every {month:02}-{day:02}"),
                })
                .collect();
            if !closed.is_empty() {
                let _ = write!(s, ", closed {}", closed.join(", "));
            }
            s
        }
    }
}

fn expr_words(policy: &Policy, e: &CalendarExpr, depth: usize) -> String {
    let side = |x: &CalendarExpr| match x {
        CalendarExpr::Ref { .. } | CalendarExpr::Always => expr_words(policy, x, depth),
        _ => format!("({})", expr_words(policy, x, depth)),
    };
    match e {
        CalendarExpr::Always => "around the clock".into(),
        CalendarExpr::Ref { calendar } => calendar_words(policy, *calendar, depth),
        CalendarExpr::Union { left, right } => {
            format!("{} or {}", side(left), side(right))
        }
        CalendarExpr::Intersection { left, right } => {
            format!("{} and {}", side(left), side(right))
        }
        CalendarExpr::Difference { left, right } => {
            format!("{} except {}", side(left), side(right))
        }
    }
}
