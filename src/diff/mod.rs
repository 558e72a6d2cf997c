//! Semantic differences between two versions of a policy, and which of them
//! weaken a promise to the customer (`slate diff`, `slate breaking`).
//!
//! Declarations are matched by name. Each difference has a category (the
//! unit `slate breaking --category` selects), a direction and a subject.
//! For the differences that move ticket deadlines, [`example`] finds a
//! concrete ticket whose deadline moves later by evaluating both versions.

mod calendars;
pub mod example;
mod terms;

use crate::eval::target::Promise;
use crate::ir::{Deadline, Policy, TargetValue};
use crate::values::Duration;
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
    /// The policy version whose table gives the cell (`None`: the
    /// policy's own tables).
    pub version: Option<String>,
}

impl std::fmt::Display for TargetKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.metric, self.tier, self.severity)?;
        if let Some(t) = &self.issue_type {
            write!(f, " for {t}")?;
        }
        if let Some(v) = &self.version {
            write!(f, " in version {v}")?;
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
pub(crate) fn reference_week() -> chrono::NaiveDate {
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
    versions(old, new, &mut out);
    calendars::calendars(old, new, &mut out);
    metrics(old, new, &mut out);
    terms::availability(old, new, &mut out);
    terms::quotas(old, new, &mut out);
    terms::coverage(old, new, &mut out);
    terms::type_coverage(old, new, &mut out);
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
    old: &crate::Compiled,
    new: &crate::Compiled,
    categories: &[Category],
) -> Vec<Breaking> {
    breaking_versions(&old.into(), &new.into(), categories)
}

pub(crate) fn breaking_versions(
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

/// The target cells of a policy by key: the promise and calendar name
/// (`None`: an explicit "no guarantee").
fn target_map(p: &Policy) -> BTreeMap<TargetKey, Option<(Promise, String)>> {
    let mut map = BTreeMap::new();
    for t in &p.targets {
        let key = TargetKey {
            metric: p.metrics[t.metric.index()].name.clone(),
            issue_type: t.issue_type.map(|ty| p.types[ty.index()].name.clone()),
            severity: p.severities[t.severity.index()].name.clone(),
            tier: p.tiers[t.tier.index()].name.clone(),
            version: t.version.map(|v| p.versions[v.index()].name.clone()),
        };
        let value = match &t.value {
            TargetValue::NoTarget => None,
            TargetValue::Within { duration, calendar } => Some((
                Promise::Within(*duration),
                p.calendars[calendar.index()].name.clone(),
            )),
            TargetValue::By { deadline, calendar } => Some((
                Promise::By(*deadline),
                p.calendars[calendar.index()].name.clone(),
            )),
        };
        map.entry(key).or_insert(value);
    }
    map
}

fn show_target(v: &Option<(Promise, String)>) -> String {
    match v {
        None => "no target".to_string(),
        Some((Promise::Within(d), cal)) => format!("{d} on `{cal}`"),
        Some((Promise::By(Deadline::DueAt), _)) => "the ticket's due date".to_string(),
        Some((Promise::By(d), cal)) => format!("by {d} on `{cal}`"),
    }
}

/// How a deadline moved, when two deadlines of the same form on the same
/// calendar can be ordered: more business days, or a later time on the
/// same day, is looser.
fn deadline_direction(a: Deadline, b: Deadline) -> Direction {
    let order = match (a, b) {
        (
            Deadline::TimeOfDay {
                days: d1,
                seconds: s1,
            },
            Deadline::TimeOfDay {
                days: d2,
                seconds: s2,
            },
        ) => Some((d2, s2).cmp(&(d1, s1))),
        (Deadline::EndOfDay { days: d1 }, Deadline::EndOfDay { days: d2 }) => Some(d2.cmp(&d1)),
        _ => None,
    };
    match order {
        Some(std::cmp::Ordering::Less) => Direction::Tighter,
        Some(_) => Direction::Looser,
        None => Direction::Changed,
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
            (Some(Some((p1, c1))), Some(Some((p2, c2)))) => match (p1, p2) {
                (Promise::By(x), Promise::By(y)) if c1 == c2 => deadline_direction(*x, *y),
                (Promise::Within(Duration::Seconds(x)), Promise::Within(Duration::Seconds(y)))
                    if c1 == c2 =>
                {
                    if y < x {
                        Direction::Tighter
                    } else {
                        Direction::Looser
                    }
                }
                (
                    Promise::Within(Duration::BusinessDays(x)),
                    Promise::Within(Duration::BusinessDays(y)),
                ) if c1 == c2 => {
                    if y < x {
                        Direction::Tighter
                    } else {
                        Direction::Looser
                    }
                }
                _ => Direction::Changed,
            },
        };
        let show = |v: Option<&Option<(Promise, String)>>| match v {
            None => "no cell".to_string(),
            Some(v) => show_target(v),
        };
        let mut c = change(
            Category::Targets,
            direction,
            key.to_string(),
            format!("{} -> {}", show(before), show(after)),
        );
        // Example tickets are looked for only for the policy's own cells
        // (they are opened in a reference week, before any version), and
        // none for a `due` cell: its deadline is the ticket's own date,
        // which an example would have to make up.
        let due = |v: Option<&Option<(Promise, String)>>| {
            matches!(v, Some(Some((Promise::By(Deadline::DueAt), _))))
        };
        if key.version.is_none() && !due(before) && !due(after) {
            c.probe = Some(Probe {
                targets: vec![key.clone()],
                from: reference_week(),
                days: 7,
                pause_status: None,
            });
        }
        out.push(c);
    }
}

/// Versions added, removed, or with another date or rule. Whether such a
/// change weakens a promise depends on the tables, so it is `changed`.
fn versions(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    for ov in &old.versions {
        let subject = format!("version {}", ov.name);
        match new.versions.iter().find(|v| v.name == ov.name) {
            None => out.push(change(
                Category::Targets,
                Direction::Changed,
                subject,
                format!("removed (was effective {})", ov.effective),
            )),
            Some(nv) => {
                let mut parts = Vec::new();
                if nv.effective != ov.effective {
                    parts.push(format!("effective {} -> {}", ov.effective, nv.effective));
                }
                if nv.rule != ov.rule {
                    parts.push(format!("{} -> {}", ov.rule.name(), nv.rule.name()));
                }
                if !parts.is_empty() {
                    out.push(change(
                        Category::Targets,
                        Direction::Changed,
                        subject,
                        parts.join(", "),
                    ));
                }
            }
        }
    }
    for nv in &new.versions {
        if !old.versions.iter().any(|v| v.name == nv.name) {
            out.push(change(
                Category::Targets,
                Direction::Changed,
                format!("version {}", nv.name),
                format!("added, effective {} ({})", nv.effective, nv.rule.name()),
            ));
        }
    }
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
            // Where a filter is written is not what it says.
            for f in &mut m.filters {
                f.span = crate::source::Span::new(0, 0);
            }
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

#[cfg(test)]
mod tests;
