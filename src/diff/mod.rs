//! Semantic differences between two versions of a policy, and which of them
//! weaken a promise to the customer (`slate diff`, `slate breaking`).
//!
//! Declarations are matched by name. Each difference has a category (the
//! unit `slate breaking --category` selects), a direction and a subject.
//! For the differences that move ticket deadlines, [`example`] finds a
//! concrete ticket whose deadline moves later by evaluating both versions.

pub mod example;

use crate::ir::{
    Amount, CalendarDef, CalendarExpr, CalendarId, CreditValue, Policy, TargetValue, Value,
};
use crate::values::{format_seconds, Duration};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a difference is about; `slate breaking --category` selects these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Target cells: tier x severity x metric x type.
    Targets,
    /// Calendars: open hours, holidays, zones.
    Hours,
    /// Metric definitions, such as what pauses the clock.
    Metrics,
    /// Availability objectives and service credits.
    Availability,
    /// Quotas and their prices.
    Quotas,
    /// Tiers, severities, issue types and entitlements.
    Coverage,
}

impl Category {
    /// Every category, in report order.
    pub const ALL: [Category; 6] = [
        Category::Targets,
        Category::Hours,
        Category::Metrics,
        Category::Availability,
        Category::Quotas,
        Category::Coverage,
    ];

    /// Its name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Category::Targets => "targets",
            Category::Hours => "hours",
            Category::Metrics => "metrics",
            Category::Availability => "availability",
            Category::Quotas => "quotas",
            Category::Coverage => "coverage",
        }
    }

    /// The category with this name.
    pub fn from_name(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// Which way a promise moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Stronger for the customer (a shorter target, more open hours...).
    Tighter,
    /// Weaker for the customer.
    Looser,
    /// A promise that did not exist.
    Added,
    /// A promise that no longer exists.
    Removed,
    /// Different in a way that is neither simply stronger nor weaker (a
    /// zone, a calendar expression); `breaking` evaluates tickets to tell.
    Changed,
}

impl Direction {
    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Direction::Tighter => "tighter",
            Direction::Looser => "looser",
            Direction::Added => "added",
            Direction::Removed => "removed",
            Direction::Changed => "changed",
        }
    }
}

/// A target cell, by names: metric, issue type (`None`: any), severity, tier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct TargetKey {
    /// The metric.
    pub metric: String,
    /// The issue type of a type-specific table.
    pub issue_type: Option<String>,
    /// The severity row.
    pub severity: String,
    /// The tier column.
    pub tier: String,
}

impl std::fmt::Display for TargetKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.metric, self.tier, self.severity)?;
        if let Some(t) = &self.issue_type {
            write!(f, " for {t}")?;
        }
        Ok(())
    }
}

/// Where to look for an example ticket: these target cells, opened in this
/// window of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// Cells whose deadline may move.
    pub targets: Vec<TargetKey>,
    /// First day of the window (UTC).
    pub from: chrono::NaiveDate,
    /// Length of the window in days.
    pub days: u32,
    /// A status the example ticket spends two hours in (a widened pause).
    pub pause_status: Option<String>,
}

/// One semantic difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// What it is about.
    pub category: Category,
    /// Which way it moved.
    pub direction: Direction,
    /// What changed (`first_response gold sev2`, `calendar business`).
    pub subject: String,
    /// The difference in words (`8h -> 10h`).
    pub detail: String,
    /// Whether it weakens a promise. `None` for [`Direction::Changed`]: only
    /// an example ticket can tell.
    pub weaker: Option<bool>,
    /// Where an example ticket may show it, for differences about deadlines.
    #[serde(skip)]
    pub probe: Option<Probe>,
}

/// The week example tickets are opened in when no date matters: Monday
/// 2026-03-02, a week without DST changes in the US or Europe.
pub fn reference_week() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default()
}

fn change(
    category: Category,
    direction: Direction,
    subject: impl Into<String>,
    detail: impl Into<String>,
) -> Change {
    let weaker = match direction {
        Direction::Tighter | Direction::Added => Some(false),
        Direction::Looser | Direction::Removed => Some(true),
        Direction::Changed => None,
    };
    Change {
        category,
        direction,
        subject: subject.into(),
        detail: detail.into(),
        weaker,
        probe: None,
    }
}

/// Every semantic difference from `old` to `new`, by category, then in
/// declaration order.
pub fn diff(old: &Policy, new: &Policy) -> Vec<Change> {
    let mut out = Vec::new();
    targets(old, new, &mut out);
    calendars(old, new, &mut out);
    metrics(old, new, &mut out);
    availability(old, new, &mut out);
    quotas(old, new, &mut out);
    coverage(old, new, &mut out);
    out.sort_by_key(|c| c.category);
    out
}

/// A difference that weakens a promise, with an example ticket when it is
/// about deadlines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Breaking {
    /// The difference.
    pub change: Change,
    /// A ticket whose deadline moves later; `None` for promises that are
    /// not about ticket deadlines (or when no ticket in the probe's window
    /// shows it).
    pub example: Option<example::Example>,
}

/// The differences in `categories` that weaken a promise. A difference
/// that is neither simply stronger nor weaker ([`Direction::Changed`])
/// breaks only when an example ticket shows a later deadline.
pub fn breaking(
    old: &example::Version<'_>,
    new: &example::Version<'_>,
    categories: &[Category],
) -> Vec<Breaking> {
    let mut out = Vec::new();
    for change in diff(old.policy, new.policy) {
        if !categories.contains(&change.category) || change.weaker == Some(false) {
            continue;
        }
        let example = change
            .probe
            .as_ref()
            .and_then(|p| example::find(old, new, p, p.pause_status.as_deref()));
        if change.weaker == Some(true) || example.is_some() {
            out.push(Breaking { change, example });
        }
    }
    out
}

/// The target cells of a policy by key: the duration and calendar name
/// (`None`: an explicit "no guarantee").
fn target_map(p: &Policy) -> BTreeMap<TargetKey, Option<(Duration, String)>> {
    let mut map = BTreeMap::new();
    for t in &p.targets {
        let key = TargetKey {
            metric: p.metrics[t.metric.index()].name.clone(),
            issue_type: t.issue_type.map(|ty| p.types[ty.index()].name.clone()),
            severity: p.severities[t.severity.index()].name.clone(),
            tier: p.tiers[t.tier.index()].name.clone(),
        };
        let value = match &t.value {
            TargetValue::NoTarget => None,
            TargetValue::Within { duration, calendar } => {
                Some((*duration, p.calendars[calendar.index()].name.clone()))
            }
        };
        map.entry(key).or_insert(value);
    }
    map
}

fn show_target(v: &Option<(Duration, String)>) -> String {
    match v {
        None => "no target".to_string(),
        Some((d, cal)) => format!("{d} on `{cal}`"),
    }
}

fn targets(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    let (a, b) = (target_map(old), target_map(new));
    let keys: BTreeSet<&TargetKey> = a.keys().chain(b.keys()).collect();
    for key in keys {
        let (before, after) = (a.get(key), b.get(key));
        let direction = match (before, after) {
            (Some(x), Some(y)) if x == y => continue,
            (None | Some(None), None | Some(None)) => continue,
            (None | Some(None), Some(Some(_))) => Direction::Added,
            (Some(Some(_)), None | Some(None)) => Direction::Removed,
            (Some(Some((d1, c1))), Some(Some((d2, c2)))) => match (d1, d2) {
                (Duration::Seconds(x), Duration::Seconds(y)) if c1 == c2 => {
                    if y < x {
                        Direction::Tighter
                    } else {
                        Direction::Looser
                    }
                }
                (Duration::BusinessDays(x), Duration::BusinessDays(y)) if c1 == c2 => {
                    if y < x {
                        Direction::Tighter
                    } else {
                        Direction::Looser
                    }
                }
                _ => Direction::Changed,
            },
        };
        let show = |v: Option<&Option<(Duration, String)>>| match v {
            None => "no cell".to_string(),
            Some(v) => show_target(v),
        };
        let mut c = change(
            Category::Targets,
            direction,
            key.to_string(),
            format!("{} -> {}", show(before), show(after)),
        );
        c.probe = Some(Probe {
            targets: vec![key.clone()],
            from: reference_week(),
            days: 7,
            pause_status: None,
        });
        out.push(c);
    }
}

/// Open seconds in a week of weekly hours.
fn weekly_seconds(w: &crate::ir::WeeklyCalendar) -> i64 {
    w.weekly
        .iter()
        .flatten()
        .map(|r| i64::from(r.end) - i64::from(r.start))
        .sum()
}

/// The old policy's target cells counted on `calendar` or on a calendar
/// built from it.
fn targets_on(p: &Policy, calendar: &str) -> Vec<TargetKey> {
    fn uses(p: &Policy, id: CalendarId, name: &str, depth: usize) -> bool {
        let cal = &p.calendars[id.index()];
        if cal.name == name {
            return true;
        }
        fn walk(p: &Policy, e: &CalendarExpr, name: &str, depth: usize) -> bool {
            match e {
                CalendarExpr::Always => false,
                CalendarExpr::Ref { calendar } => uses(p, *calendar, name, depth + 1),
                CalendarExpr::Union { left, right }
                | CalendarExpr::Intersection { left, right }
                | CalendarExpr::Difference { left, right } => {
                    walk(p, left, name, depth) || walk(p, right, name, depth)
                }
            }
        }
        match &cal.def {
            CalendarDef::Expr { expr } if depth < 64 => walk(p, expr, name, depth),
            _ => false,
        }
    }
    let mut keys = Vec::new();
    for (key, value) in target_map(p) {
        if let Some((_, cal)) = &value {
            if p.calendar_named(cal)
                .is_some_and(|id| uses(p, id, calendar, 0))
            {
                keys.push(key);
            }
        }
    }
    keys
}

fn calendars(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    for oc in &old.calendars {
        let subject = format!("calendar {}", oc.name);
        let probe = |from: chrono::NaiveDate, days: u32| Probe {
            targets: targets_on(old, &oc.name),
            from,
            days,
            pause_status: None,
        };
        let Some(nc) = new.calendars.iter().find(|c| c.name == oc.name) else {
            out.push(change(
                Category::Hours,
                Direction::Removed,
                subject,
                "removed",
            ));
            continue;
        };
        match (&oc.def, &nc.def) {
            (CalendarDef::Weekly(a), CalendarDef::Weekly(b)) => {
                if a.zone != b.zone {
                    let mut c = change(
                        Category::Hours,
                        Direction::Changed,
                        &subject,
                        format!("zone `{}` -> `{}`", a.zone, b.zone),
                    );
                    c.probe = Some(probe(reference_week(), 7));
                    out.push(c);
                }
                let (sa, sb) = (weekly_seconds(a), weekly_seconds(b));
                if a.weekly != b.weekly {
                    let (direction, what) = match sb.cmp(&sa) {
                        std::cmp::Ordering::Less => (
                            Direction::Looser,
                            format!("{} lost", format_seconds(sa - sb)),
                        ),
                        std::cmp::Ordering::Greater => (
                            Direction::Tighter,
                            format!("{} gained", format_seconds(sb - sa)),
                        ),
                        std::cmp::Ordering::Equal => {
                            (Direction::Changed, "same total, other hours".to_string())
                        }
                    };
                    let mut c = change(
                        Category::Hours,
                        direction,
                        &subject,
                        format!(
                            "open hours per week {} -> {} ({what})",
                            format_seconds(sa),
                            format_seconds(sb)
                        ),
                    );
                    c.probe = Some(probe(reference_week(), 7));
                    out.push(c);
                }
                for cl in &b.closed {
                    if !a
                        .closed
                        .iter()
                        .any(|x| x.date == cl.date && x.range == cl.range)
                    {
                        let (what, day) = closure_text(cl);
                        let mut c = change(
                            Category::Hours,
                            Direction::Looser,
                            &subject,
                            format!("holiday added: {what}"),
                        );
                        c.probe = Some(probe(day - chrono::Days::new(4), 5));
                        out.push(c);
                    }
                }
                for cl in &a.closed {
                    if !b
                        .closed
                        .iter()
                        .any(|x| x.date == cl.date && x.range == cl.range)
                    {
                        let (what, _) = closure_text(cl);
                        out.push(change(
                            Category::Hours,
                            Direction::Tighter,
                            &subject,
                            format!("holiday removed: {what}"),
                        ));
                    }
                }
                for o in &b.overrides {
                    if !a
                        .overrides
                        .iter()
                        .any(|x| x.date == o.date && x.ranges == o.ranges)
                    {
                        out.push(change(
                            Category::Hours,
                            Direction::Tighter,
                            &subject,
                            format!("opening added on {}", o.date),
                        ));
                    }
                }
                for o in &a.overrides {
                    if !b
                        .overrides
                        .iter()
                        .any(|x| x.date == o.date && x.ranges == o.ranges)
                    {
                        let mut c = change(
                            Category::Hours,
                            Direction::Looser,
                            &subject,
                            format!("opening removed on {}", o.date),
                        );
                        c.probe = Some(probe(o.date - chrono::Days::new(4), 5));
                        out.push(c);
                    }
                }
            }
            (a, b) if a != b => {
                let mut c = change(
                    Category::Hours,
                    Direction::Changed,
                    &subject,
                    "definition changed",
                );
                c.probe = Some(probe(reference_week(), 7));
                out.push(c);
            }
            _ => {}
        }
    }
    for nc in &new.calendars {
        if !old.calendars.iter().any(|c| c.name == nc.name) {
            out.push(change(
                Category::Hours,
                Direction::Added,
                format!("calendar {}", nc.name),
                "added",
            ));
        }
    }
}

/// A closure in words, and a date it applies on (the next one from the
/// reference week for a yearly rule).
fn closure_text(cl: &crate::ir::Closure) -> (String, chrono::NaiveDate) {
    use crate::ir::DateRule;
    let day = match cl.date {
        DateRule::Date { date } => date,
        DateRule::Yearly { month, day } => {
            let year = reference_week().format("%Y").to_string();
            let y: i32 = year.parse().unwrap_or(2026);
            (y..y + 8)
                .find_map(|y| chrono::NaiveDate::from_ymd_opt(y, month, day))
                .unwrap_or_else(reference_week)
        }
    };
    let mut what = match cl.date {
        DateRule::Date { date } => date.to_string(),
        DateRule::Yearly { month, day } => format!("every {month:02}-{day:02}"),
    };
    if let Some(r) = cl.range {
        what.push_str(&format!(
            " {:02}:{:02}-{:02}:{:02}",
            r.start / 3600,
            r.start % 3600 / 60,
            r.end / 3600,
            r.end % 3600 / 60
        ));
    }
    if let Some(l) = &cl.label {
        what.push_str(&format!(" \"{l}\""));
    }
    (what, day)
}

fn metrics(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    for om in &old.metrics {
        let Some(nm) = new.metrics.iter().find(|m| m.name == om.name) else {
            continue; // its targets report the removal
        };
        let subject = format!("metric {}", om.name);
        let on = |p: &Policy| -> Vec<TargetKey> {
            target_map(p)
                .into_keys()
                .filter(|k| k.metric == om.name)
                .collect()
        };
        let added: Vec<&String> = nm
            .pauses
            .iter()
            .filter(|s| !om.pauses.contains(s))
            .collect();
        let removed: Vec<&String> = om
            .pauses
            .iter()
            .filter(|s| !nm.pauses.contains(s))
            .collect();
        for s in added {
            let mut c = change(
                Category::Metrics,
                Direction::Looser,
                &subject,
                format!("now pauses while status `{s}`"),
            );
            c.probe = Some(Probe {
                targets: on(old),
                from: reference_week(),
                days: 7,
                pause_status: Some(s.clone()),
            });
            out.push(c);
        }
        for s in removed {
            out.push(change(
                Category::Metrics,
                Direction::Tighter,
                &subject,
                format!("no longer pauses while status `{s}`"),
            ));
        }
        let names = |p: &Policy, m: &crate::ir::Metric| {
            let mut m = m.clone();
            m.pauses.clear();
            m.span = crate::source::Span::new(0, 0);
            let after = m.after.map(|a| p.metrics[a.index()].name.clone());
            m.after = None;
            (m, after)
        };
        if names(old, om) != names(new, nm) {
            let mut c = change(
                Category::Metrics,
                Direction::Changed,
                &subject,
                "when it starts, stops or repeats changed",
            );
            c.probe = Some(Probe {
                targets: on(old),
                from: reference_week(),
                days: 7,
                pause_status: None,
            });
            out.push(c);
        }
    }
}

fn availability(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    for oa in &old.availability {
        let subject = format!("availability {}", oa.name);
        let Some(na) = new.availability.iter().find(|a| a.name == oa.name) else {
            out.push(change(
                Category::Availability,
                Direction::Removed,
                subject,
                "removed",
            ));
            continue;
        };
        if na.objective != oa.objective {
            let d = if na.objective < oa.objective {
                Direction::Looser
            } else {
                Direction::Tighter
            };
            out.push(change(
                Category::Availability,
                d,
                &subject,
                format!("objective {} -> {}", oa.objective, na.objective),
            ));
        }
        for oc in &oa.credits {
            let show = |v: &CreditValue| match v {
                CreditValue::Percent(p) => p.to_string(),
                CreditValue::Text(t) => format!("\"{t}\""),
            };
            match na.credits.iter().find(|c| c.below == oc.below) {
                None => out.push(change(
                    Category::Availability,
                    Direction::Removed,
                    &subject,
                    format!("credit below {} ({}) removed", oc.below, show(&oc.credit)),
                )),
                Some(nc) if nc.credit != oc.credit => {
                    let d = match (&oc.credit, &nc.credit) {
                        (CreditValue::Percent(a), CreditValue::Percent(b)) if b < a => {
                            Direction::Looser
                        }
                        (CreditValue::Percent(_), CreditValue::Percent(_)) => Direction::Tighter,
                        _ => Direction::Changed,
                    };
                    out.push(change(
                        Category::Availability,
                        d,
                        &subject,
                        format!(
                            "credit below {}: {} -> {}",
                            oc.below,
                            show(&oc.credit),
                            show(&nc.credit)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        for nc in &na.credits {
            if !oa.credits.iter().any(|c| c.below == nc.below) {
                out.push(change(
                    Category::Availability,
                    Direction::Added,
                    &subject,
                    format!("credit below {} added", nc.below),
                ));
            }
        }
        let rules = |a: &crate::ir::Availability| {
            (
                a.zone.clone(),
                a.sample_seconds,
                a.down.clone(),
                a.maintenance,
                a.missing,
            )
        };
        if rules(oa) != rules(na) || excluded(old, oa) != excluded(new, na) {
            out.push(change(
                Category::Availability,
                Direction::Changed,
                &subject,
                "how uptime is measured changed (zone, sampling, down rules, exclusions)",
            ));
        }
    }
    for na in &new.availability {
        if !old.availability.iter().any(|a| a.name == na.name) {
            out.push(change(
                Category::Availability,
                Direction::Added,
                format!("availability {}", na.name),
                format!("added with objective {}", na.objective),
            ));
        }
    }
}

fn excluded(p: &Policy, a: &crate::ir::Availability) -> Vec<String> {
    a.excluding
        .iter()
        .map(|c| p.calendars[c.index()].name.clone())
        .collect()
}

fn quotas(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    for oq in &old.quotas {
        let subject = format!("quota {}", oq.name);
        let Some(nq) = new.quotas.iter().find(|q| q.name == oq.name) else {
            out.push(change(
                Category::Quotas,
                Direction::Removed,
                subject,
                "removed",
            ));
            continue;
        };
        let amount = |a: &Amount| match a {
            Amount::Count { count, unit } => format!("{count} {unit}"),
            Amount::Time { duration } => duration.to_string(),
        };
        if oq.amount != nq.amount || oq.per != nq.per {
            let d = match (&oq.amount, &nq.amount) {
                _ if oq.per != nq.per => Direction::Changed,
                (Amount::Count { count: a, unit: u }, Amount::Count { count: b, unit: v })
                    if u == v =>
                {
                    if b < a {
                        Direction::Looser
                    } else {
                        Direction::Tighter
                    }
                }
                (Amount::Time { duration: a }, Amount::Time { duration: b })
                    if a.seconds().is_some() && b.seconds().is_some() =>
                {
                    if b < a {
                        Direction::Looser
                    } else {
                        Direction::Tighter
                    }
                }
                _ => Direction::Changed,
            };
            out.push(change(
                Category::Quotas,
                d,
                &subject,
                format!("allowance {} -> {}", amount(&oq.amount), amount(&nq.amount)),
            ));
        }
        if oq.overage != nq.overage {
            let d = match (&oq.overage, &nq.overage) {
                (Some(a), Some(b)) if a.currency == b.currency => {
                    if b.cents > a.cents {
                        Direction::Looser
                    } else {
                        Direction::Tighter
                    }
                }
                _ => Direction::Changed,
            };
            let show = |m: &Option<crate::values::Money>| {
                m.as_ref().map_or("none".to_string(), |m| m.to_string())
            };
            out.push(change(
                Category::Quotas,
                d,
                &subject,
                format!(
                    "overage price {} -> {}",
                    show(&oq.overage),
                    show(&nq.overage)
                ),
            ));
        }
        if oq.minimum != nq.minimum {
            let d = match (oq.minimum, nq.minimum) {
                (Some(a), Some(b)) if b > a => Direction::Looser,
                (Some(_), Some(_)) => Direction::Tighter,
                (None, Some(_)) => Direction::Looser,
                _ => Direction::Tighter,
            };
            let show = |m: Option<Duration>| m.map_or("none".to_string(), |m| m.to_string());
            out.push(change(
                Category::Quotas,
                d,
                &subject,
                format!(
                    "minimum charge {} -> {}",
                    show(oq.minimum),
                    show(nq.minimum)
                ),
            ));
        }
    }
    for nq in &new.quotas {
        if !old.quotas.iter().any(|q| q.name == nq.name) {
            out.push(change(
                Category::Quotas,
                Direction::Added,
                format!("quota {}", nq.name),
                "added",
            ));
        }
    }
}

fn coverage(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    let names = |v: Vec<&String>| v.into_iter().cloned().collect::<Vec<_>>();
    for (kind, a, b) in [
        (
            "tier",
            names(old.tiers.iter().map(|t| &t.name).collect()),
            names(new.tiers.iter().map(|t| &t.name).collect()),
        ),
        (
            "severity",
            names(old.severities.iter().map(|s| &s.name).collect()),
            names(new.severities.iter().map(|s| &s.name).collect()),
        ),
        (
            "type",
            names(old.types.iter().map(|t| &t.name).collect()),
            names(new.types.iter().map(|t| &t.name).collect()),
        ),
    ] {
        for n in a.iter().filter(|n| !b.contains(n)) {
            out.push(change(
                Category::Coverage,
                Direction::Removed,
                format!("{kind} {n}"),
                "removed",
            ));
        }
        for n in b.iter().filter(|n| !a.contains(n)) {
            out.push(change(
                Category::Coverage,
                Direction::Added,
                format!("{kind} {n}"),
                "added",
            ));
        }
    }
    for ot in &old.tiers {
        let Some(nt) = new.tiers.iter().find(|t| t.name == ot.name) else {
            continue;
        };
        let subject = format!("tier {}", ot.name);
        for (name, e) in &ot.entitlements {
            match nt.entitlements.get(name) {
                None => out.push(change(
                    Category::Coverage,
                    Direction::Removed,
                    &subject,
                    format!("entitlement `{name}` removed"),
                )),
                Some(n) if n.value != e.value => {
                    let d = match (&e.value, &n.value) {
                        (Value::Count(a), Value::Count(b)) if b < a => Direction::Looser,
                        (Value::Count(_), Value::Count(_)) => Direction::Tighter,
                        (Value::Flag(true), Value::Flag(false)) => Direction::Looser,
                        (Value::Flag(false), Value::Flag(true)) => Direction::Tighter,
                        // A price: more is weaker for the customer.
                        (Value::Money(a), Value::Money(b)) if a.currency == b.currency => {
                            if b.cents > a.cents {
                                Direction::Looser
                            } else {
                                Direction::Tighter
                            }
                        }
                        _ => Direction::Changed,
                    };
                    out.push(change(
                        Category::Coverage,
                        d,
                        &subject,
                        format!(
                            "entitlement `{name}` {} -> {}",
                            show_value(&e.value),
                            show_value(&n.value)
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        for name in nt.entitlements.keys() {
            if !ot.entitlements.contains_key(name) {
                out.push(change(
                    Category::Coverage,
                    Direction::Added,
                    &subject,
                    format!("entitlement `{name}` added"),
                ));
            }
        }
    }
}

fn show_value(v: &Value) -> String {
    match v {
        Value::Flag(true) => "yes".to_string(),
        Value::Flag(false) => "no".to_string(),
        Value::Count(n) => n.to_string(),
        Value::Duration(d) => d.to_string(),
        Value::Percent(p) => p.to_string(),
        Value::Money(m) => m.to_string(),
        Value::Text(t) => format!("\"{t}\""),
    }
}

#[cfg(test)]
mod tests;
