//! Calendars: zones, times, days, dates, expressions, emptiness, lints.

use super::build::{base, codes, only, run, B};
use crate::ast::{CalendarStmt, Item};
use crate::ir::{CalendarDef, CalendarExpr, CalendarId, Closure, DateRule, TimeRange};

/// The base policy plus a calendar `c` made of `stmts`, used as default.
fn with_calendar(b: &mut B, stmts: impl FnOnce(&mut B) -> Vec<CalendarStmt>) -> Vec<Item> {
    let stmts = stmts(b);
    let mut items = base(b);
    if let Item::Policy(p) = &mut items[0] {
        p.calendar = Some(b.id("c"));
    }
    items.push(b.calendar("c", stmts));
    items.push(b.calendar_expr("uses_business", "business | c"));
    items.push(b.allow("unused"));
    items
}

fn weekly_of(policy: &crate::ir::Policy, name: &str) -> crate::ir::WeeklyCalendar {
    let id = policy.calendar_named(name).expect("calendar");
    match &policy.calendars[id.index()].def {
        CalendarDef::Weekly(w) => w.clone(),
        other => panic!("not weekly: {other:?}"),
    }
}

#[test]
fn bad_zone_suggests_an_iana_name() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.weekly("central", "Central US", "mon-fri", "08:00-16:00"));
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0201");
    assert_eq!(d.message, "unknown time zone `Central US`");
    assert_eq!(d.help.as_deref(), Some("did you mean `America/Chicago`?"));
}

#[test]
fn times_must_exist() {
    let mut b = B::default();
    let bad = b.range("08:00-25:00");
    let end = bad.node.end.span;
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("UTC"),
            CalendarStmt::Hours {
                days: vec![b.sp(crate::ast::DaySpec::Day("mon".into()), 3)],
                ranges: vec![bad],
                span: b.span(10),
            },
            b.hours("tue", "24:00-08:00"),
            b.hours("wed", "08:60-09:00"),
            b.hours("thu", "08:00-24:30"),
        ]
    });
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0202", "E0202", "E0202", "E0202"]);
    assert_eq!(diags[0].primary.span, end);
    assert_eq!(diags[0].message, "`25:00` is not a time of day");
    assert_eq!(diags[1].primary.message, "`24:00` can only end a range");
    assert_eq!(diags[2].primary.message, "minutes go from 00 to 59");
    assert_eq!(diags[3].primary.message, "the day ends at 24:00");
}

#[test]
fn ranges_cross_midnight_and_sort() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("Europe/Helsinki"),
            b.hours("mon", "22:00-02:00, 08:00-12:00"),
            b.hours("sun", "00:00-24:00"),
            b.hours("sat", "18:00-00:00"),
        ]
    });
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let w = weekly_of(&policy.expect("policy"), "c");
    assert_eq!(
        w.weekly[0],
        [
            TimeRange {
                start: 8 * 3600,
                end: 12 * 3600
            },
            TimeRange {
                start: 22 * 3600,
                end: 26 * 3600
            }
        ]
    );
    assert_eq!(
        w.weekly[6],
        [TimeRange {
            start: 0,
            end: 86_400
        }]
    );
    assert_eq!(
        w.weekly[5],
        [TimeRange {
            start: 18 * 3600,
            end: 86_400
        }]
    );
    assert_eq!(w.zone, "Europe/Helsinki");
}

#[test]
fn equal_start_and_end_is_refused() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("UTC"),
            b.hours("mon-fri", "08:00-08:00, 09:00-17:00"),
        ]
    });
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0207");
    assert_eq!(
        d.message,
        "the range `08:00-08:00` starts and ends at the same time"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write `00:00-24:00` for a whole day")
    );
}

#[test]
fn day_names_and_wrapping_ranges() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![b.zone("UTC"), b.hours("fri-mon, wednesday", "09:00-17:00")]
    });
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let w = weekly_of(&policy.expect("policy"), "c");
    let open: Vec<bool> = w.weekly.iter().map(|d| !d.is_empty()).collect();
    assert_eq!(open, [true, false, true, false, true, true, true]);

    let items = with_calendar(&mut b, |b| {
        vec![b.zone("UTC"), b.hours("mon-thr", "09:00-17:00")]
    });
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0207");
    assert_eq!(d.message, "unknown day `thr`");
    assert!(d
        .help
        .as_deref()
        .is_some_and(|h| h.starts_with("did you mean")));
}

#[test]
fn dates_must_exist() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("UTC"),
            b.hours("mon-fri", "09:00-17:00"),
            b.closed("2026-02-30", None),
            b.closed("2026-13-01", None),
            b.closed("every 02-29", None),
            b.closed("every 04-31", None),
            b.closed("2028-02-29", None),
        ]
    });
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0203", "E0203", "E0203"]);
    assert_eq!(diags[0].primary.message, "February 2026 has 28 days");
    assert_eq!(diags[1].primary.message, "there is no month 13");
    assert_eq!(diags[2].message, "the date `every 04-31` never happens");
    assert_eq!(diags[2].primary.message, "April has at most 30 days");
}

#[test]
fn closures_and_overrides_are_kept() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("America/Chicago"),
            b.hours("mon-fri", "08:00-16:00"),
            b.closed("2026-12-25", None),
            b.closed("every 01-01", None),
            b.closed("2026-12-24", Some("12:00-24:00")),
            b.open("2026-12-27", "10:00-14:00"),
        ]
    });
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let w = weekly_of(&policy.expect("policy"), "c");
    let rules: Vec<(DateRule, Option<TimeRange>)> = w
        .closed
        .iter()
        .map(|c: &Closure| (c.date, c.range))
        .collect();
    let date = |m, d| DateRule::Date {
        date: chrono::NaiveDate::from_ymd_opt(2026, m, d).expect("date"),
    };
    assert_eq!(
        rules,
        [
            (date(12, 25), None),
            (DateRule::Yearly { month: 1, day: 1 }, None),
            (
                date(12, 24),
                Some(TimeRange {
                    start: 12 * 3600,
                    end: 86_400
                })
            ),
        ]
    );
    assert_eq!(w.overrides.len(), 1);
    assert_eq!(
        w.overrides[0].ranges,
        [TimeRange {
            start: 10 * 3600,
            end: 14 * 3600
        }]
    );
}

#[test]
fn hours_need_a_zone() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| vec![b.hours("mon-fri", "09:00-17:00")]);
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0206");
    assert_eq!(d.message, "calendar `c` has opening hours but no time zone");
}

#[test]
fn duplicate_zone_is_reported() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("UTC"),
            b.zone("Europe/Paris"),
            b.hours("mon", "09:00-17:00"),
        ]
    });
    let (_, diags) = run(&b.file(items));
    assert_eq!(
        only(&diags, "E0111").message,
        "the zone of calendar `c` is given twice"
    );
}

#[test]
fn empty_calendars_are_errors() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![b.zone("UTC"), b.closed("2026-12-25", None)]
    });
    let (_, diags) = run(&b.file(items));
    assert_eq!(only(&diags, "E0204").message, "calendar `c` is never open");
    // No follow-on error for `uses_business = business | c`.
    assert_eq!(codes(&diags), ["E0204"]);

    for (expr, reason) in [
        (
            "business - 24x7",
            "subtracting an always-open calendar leaves nothing",
        ),
        (
            "business - business",
            "a calendar minus itself leaves nothing",
        ),
        (
            "business & night",
            "`business` and `night` are never open at the same time",
        ),
    ] {
        let mut b = B::default();
        let mut items = base(&mut b);
        items.push(b.weekly("night", "America/Denver", "mon-fri", "20:00-23:00"));
        items.push(b.calendar_expr("x", expr));
        items.push(b.allow("unused"));
        let (_, diags) = run(&b.file(items));
        let d = only(&diags, "E0204");
        assert_eq!(d.message, "calendar `x` is never open", "{expr}");
        assert_eq!(d.secondary[0].message, reason);
    }

    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.weekly("night", "America/Denver", "mon-fri", "20:00-23:00"));
    items.push(b.calendar_expr("x", "business | night"));
    items.push(b.calendar_expr("y", "business & 24x7"));
    items.push(b.allow("unused"));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    let x = policy.calendar_named("x").expect("x");
    let expected = CalendarExpr::Union {
        left: Box::new(CalendarExpr::Ref {
            calendar: CalendarId(0),
        }),
        right: Box::new(CalendarExpr::Ref {
            calendar: CalendarId(1),
        }),
    };
    assert_eq!(
        policy.calendars[x.index()].def,
        CalendarDef::Expr { expr: expected }
    );
}

#[test]
fn calendar_cycles_are_reported_once() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.calendar_expr("a", "b | business"));
    items.push(b.calendar_expr("b", "a - business"));
    items.push(b.calendar_expr("self_ref", "self_ref"));
    let (_, diags) = run(&b.file(items));
    let msgs: Vec<&str> = diags
        .iter()
        .filter(|d| d.code.as_str() == "E0121")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        msgs,
        [
            "calendar `a` is defined in terms of itself: `a -> b -> a`",
            "calendar `self_ref` is defined in terms of itself: `self_ref -> self_ref`"
        ]
    );
}

#[test]
fn unknown_calendar_in_the_header() {
    let mut b = B::default();
    let mut items = base(&mut b);
    if let Item::Policy(p) = &mut items[0] {
        p.calendar = Some(b.id("bussiness"));
    }
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0103");
    assert_eq!(d.help.as_deref(), Some("did you mean `business`?"));
    // No "no calendar to run on" follow-on for the sev2 row.
    assert_eq!(codes(&diags), ["E0103"]);
}

#[test]
fn severity_clock_expression_becomes_an_anonymous_calendar() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.weekly("weekend", "America/Denver", "sat-sun", "10:00-14:00"));
    items.retain(|i| !matches!(i, Item::Severity(s) if s.name.node == "sev1"));
    items.insert(2, b.severity("sev1", Some("business | weekend")));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    let id = policy.severities[0].calendar.expect("clock");
    assert_eq!(policy.calendars[id.index()].name, "sev1.clock");
    assert!(
        policy.calendar_named("24x7").is_none(),
        "24x7 is only added when used"
    );
}

#[test]
fn overlapping_ranges_lint() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("UTC"),
            b.hours("mon-fri", "08:00-12:00, 11:00-13:00"),
            b.hours("sun", "22:00-02:00"),
            b.hours("mon", "01:00-03:00"),
        ]
    });
    let (policy, diags) = run(&b.file(items));
    assert!(policy.is_some());
    assert_eq!(codes(&diags), ["L0402", "L0402"]);
    assert_eq!(
        diags[0].message,
        "open ranges `08:00-12:00` and `11:00-13:00` of calendar `c` overlap"
    );
    assert_eq!(
        diags[0].primary.message,
        "overlaps on mon, tue, wed, thu, fri"
    );
    assert_eq!(
        diags[0].help.as_deref(),
        Some("overlapping time counts once; merge them into `08:00-13:00`")
    );
    assert_eq!(
        diags[1].message,
        "open ranges `22:00-02:00` and `01:00-03:00` of calendar `c` overlap"
    );
}

#[test]
fn closed_date_on_a_closed_day_lint() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("UTC"),
            b.hours("mon-fri", "09:00-17:00"),
            b.closed("2026-12-26", None),
            b.closed("2026-12-25", None),
            b.closed("2026-12-27", None),
            b.open("2026-12-27", "10:00-12:00"),
        ]
    });
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "L0403");
    assert_eq!(
        d.message,
        "closed date `2026-12-26` is a saturday, when calendar `c` has no hours anyway"
    );
}

#[test]
fn dates_outside_the_supported_years() {
    let mut b = B::default();
    let items = with_calendar(&mut b, |b| {
        vec![
            b.zone("UTC"),
            b.hours("mon-fri", "09:00-17:00"),
            b.closed("2300-01-01", None),
        ]
    });
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0203");
    assert_eq!(
        d.primary.message,
        "slate works with dates from 1900 to 2199"
    );
}

#[test]
fn empty_anonymous_clock_is_named_by_its_owner() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.severity("sev3", Some("business - business")));
    items.push(b.targets("resolution", None, Some("business - 24x7"), "*\n * 1bd"));
    let (_, mut diags) = run(&b.file(items));
    diags.retain(|d| d.code.as_str() == "E0204");
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "the clock of severity `sev3` is never open",
            "the calendar of this `resolution` table is never open"
        ]
    );
    assert!(diags.iter().all(|d| d.secondary.is_empty()));
}
