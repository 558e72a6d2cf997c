//! Calendar differences: open hours per week, holidays, openings, zones.

use super::{change, reference_week, target_map, Category, Change, Direction, Probe, TargetKey};
use crate::ir::{CalendarDef, CalendarExpr, CalendarId, Policy};
use crate::values::format_seconds;

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

pub(super) fn calendars(old: &Policy, new: &Policy, out: &mut Vec<Change>) {
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
            (CalendarDef::Select(a), CalendarDef::Select(b)) if a != b => {
                // Which calendar each value chooses, in words; no example
                // ticket (examples carry no attributes).
                let name = |p: &Policy, id: Option<CalendarId>| {
                    id.map_or("refused".to_string(), |c| {
                        format!("`{}`", p.calendars[c.index()].name)
                    })
                };
                let mut parts = Vec::new();
                if a.attribute != b.attribute {
                    parts.push(format!("chosen by `{}` -> `{}`", a.attribute, b.attribute));
                }
                let mut values: Vec<&str> = a.cases.iter().map(|c| c.value.as_str()).collect();
                for c in &b.cases {
                    if !values.contains(&c.value.as_str()) {
                        values.push(&c.value);
                    }
                }
                for v in values {
                    let (x, y) = (name(old, a.select(Some(v))), name(new, b.select(Some(v))));
                    if x != y {
                        parts.push(format!("`{v}`: {x} -> {y}"));
                    }
                }
                let (x, y) = (name(old, a.default), name(new, b.default));
                if x != y {
                    parts.push(format!("other values: {x} -> {y}"));
                }
                if parts.is_empty() {
                    parts.push("same choices".to_string());
                }
                out.push(change(
                    Category::Hours,
                    Direction::Changed,
                    &subject,
                    parts.join("; "),
                ));
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
