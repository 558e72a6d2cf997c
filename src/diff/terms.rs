//! Differences in the contract's other terms: availability objectives and
//! credits, quotas and prices, tiers, severities, types and entitlements.

use super::{change, Category, Change, Direction};
use crate::ir::{Amount, CreditValue, Policy, Value};
use crate::values::Duration;

pub(super) fn availability(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
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

pub(super) fn quotas(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
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

pub(super) fn coverage(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
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

/// The tiers an issue type covers, by name.
fn covered(p: &Policy, ty: &crate::ir::IssueType) -> std::collections::BTreeSet<String> {
    ty.coverage
        .iter()
        .flat_map(|c| c.tiers.iter())
        .map(|t| p.tiers[t.index()].name.clone())
        .collect()
}

/// Tiers an issue type stopped or started covering.
pub(super) fn type_coverage(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
    for ot in &old.types {
        let Some(nt) = new.types.iter().find(|t| t.name == ot.name) else {
            continue;
        };
        let (a, b) = (covered(old, ot), covered(new, nt));
        let subject = format!("type {}", ot.name);
        for tier in a.difference(&b) {
            out.push(change(
                Category::Coverage,
                Direction::Looser,
                &subject,
                format!("no longer covers tier `{tier}`"),
            ));
        }
        for tier in b.difference(&a) {
            out.push(change(
                Category::Coverage,
                Direction::Tighter,
                &subject,
                format!("now covers tier `{tier}`"),
            ));
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
