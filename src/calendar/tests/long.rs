//! Long spans: durations of up to 200,000 hours and distances of up to 300
//! years, where the engine sums year totals or uses its cumulative index.
//!
//! Checked against a closed-form oracle for the plain office calendar (every
//! Monday-Friday has exactly 8 hours there: no DST change in Chicago ever fell
//! between 08:00 and 16:00), and by algebraic properties on calendars with
//! holidays, overnight ranges, two-zone unions and differences. One calendar
//! set is shared by all cases, as in an evaluator run.

use crate::calendar::CalendarSet;
use crate::ir::{
    Calendar, CalendarDef, CalendarExpr, CalendarId, Closure, DateRule, TimeRange, WeeklyCalendar,
};
use crate::source::Span;
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use proptest::prelude::*;
use std::sync::OnceLock;

const H: i64 = 3600;
const LO: i64 = -2_208_902_400; // 1900-01-02
const HI: i64 = 7_258_032_000; // 2199-12-31

/// Cases per property in a plain `cargo test`: enough to cover every zone
/// and shape several times while the whole suite stays within a few
/// minutes on two cores. Longer runs: `SLATE_PROPTEST_CASES` (see
/// `docs/development.md`).
const DEFAULT_CASES: u32 = 1_500;

fn cases() -> u32 {
    std::env::var("SLATE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn weekly(zone: &str, days: [&[(u32, u32)]; 7], closed: Vec<Closure>) -> CalendarDef {
    CalendarDef::Weekly(WeeklyCalendar {
        zone: zone.to_string(),
        weekly: days.map(|d| {
            d.iter()
                .map(|&(start, end)| TimeRange { start, end })
                .collect()
        }),
        closed,
        overrides: Vec::new(),
    })
}

fn yearly(month: u32, day: u32) -> Closure {
    Closure {
        date: DateRule::Yearly { month, day },
        range: None,
        label: None,
        span: Span::default(),
    }
}

fn dated(y: i32, m: u32, d: u32) -> Closure {
    let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
    Closure {
        date: DateRule::Date { date },
        range: None,
        label: None,
        span: Span::default(),
    }
}

const OFFICE: &[(u32, u32)] = &[(8 * 3600, 16 * 3600)];
const NIGHT: &[(u32, u32)] = &[(22 * 3600, 30 * 3600)];
const N: usize = 7;

fn set() -> &'static CalendarSet {
    static SET: OnceLock<CalendarSet> = OnceLock::new();
    SET.get_or_init(|| {
        let cal = |name: &str, def| Calendar {
            name: name.to_string(),
            def,
            span: Span::default(),
        };
        let r = |i| {
            Box::new(CalendarExpr::Ref {
                calendar: CalendarId(i),
            })
        };
        let five = [OFFICE, OFFICE, OFFICE, OFFICE, OFFICE, &[], &[]];
        let holidays = vec![
            yearly(1, 1),
            yearly(12, 25),
            yearly(2, 29),
            dated(2030, 6, 3),
            dated(1950, 5, 5),
        ];
        let cals = vec![
            cal("plain", weekly("America/Chicago", five, Vec::new())),
            cal("holidays", weekly("America/Chicago", five, holidays)),
            cal(
                "helsinki",
                weekly("Europe/Helsinki", five, vec![yearly(12, 6)]),
            ),
            cal(
                "union",
                CalendarDef::Expr {
                    expr: CalendarExpr::Union {
                        left: r(0),
                        right: r(2),
                    },
                },
            ),
            cal(
                "nights",
                weekly(
                    "Australia/Lord_Howe",
                    [NIGHT, NIGHT, NIGHT, &[], &[], &[], NIGHT],
                    vec![yearly(4, 25)],
                ),
            ),
            cal(
                "uptime",
                CalendarDef::Expr {
                    expr: CalendarExpr::Difference {
                        left: Box::new(CalendarExpr::Always),
                        right: r(4),
                    },
                },
            ),
            cal("apia", weekly("Pacific/Apia", five, Vec::new())),
        ];
        CalendarSet::new(&cals)
    })
}

fn utc(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).expect("in range")
}

/// Open seconds of the plain calendar from a fixed Monday to `t`, in closed form.
fn plain_f(t: i64) -> i64 {
    let local = chrono_tz::America::Chicago
        .timestamp_opt(t, 0)
        .single()
        .expect("instant")
        .naive_local();
    let monday = NaiveDate::from_ymd_opt(1899, 12, 25).expect("a monday");
    let days = (local.date() - monday).num_days();
    let (weeks, wd) = (days.div_euclid(7), days.rem_euclid(7));
    let tod = i64::from(local.num_seconds_from_midnight());
    let today = if wd < 5 {
        (tod - 8 * H).clamp(0, 8 * H)
    } else {
        0
    };
    weeks * 40 * H + wd.min(5) * 8 * H + today
}

fn id(i: usize) -> CalendarId {
    CalendarId(i as u32)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// `between` is additive and, on the plain calendar, equals the closed form.
    #[test]
    fn between_is_additive_and_exact(c in 0..N, a in LO..HI, b in LO..HI, m in LO..HI) {
        let s = set();
        let ab = s.between(id(c), utc(a), utc(b)).unwrap();
        let am = s.between(id(c), utc(a), utc(m)).unwrap();
        let mb = s.between(id(c), utc(m), utc(b)).unwrap();
        prop_assert_eq!(ab, am + mb);
        prop_assert_eq!(s.between(id(0), utc(a), utc(b)).unwrap(), plain_f(b) - plain_f(a));
    }

    /// `add` and `sub` are exact, earliest and latest, for durations up to
    /// 200,000 hours.
    #[test]
    fn long_add_and_sub_are_exact(c in 0..N, t in LO..(HI / 3), d in 1i64..(200_000 * H)) {
        let s = set();
        let u = s.add_seconds(id(c), utc(t), d).unwrap();
        prop_assert_eq!(s.between(id(c), utc(t), u).unwrap(), d);
        prop_assert_eq!(s.between(id(c), utc(t), u - chrono::Duration::seconds(1)).unwrap(), d - 1);
        let v = s.sub_seconds(id(c), u, d).unwrap();
        prop_assert_eq!(s.between(id(c), v, u).unwrap(), d);
        prop_assert!(s.is_open(id(c), v).unwrap());
        prop_assert_eq!(s.between(id(c), utc(t), v).unwrap(), 0);
        if c == 0 {
            let want = plain_f(t) + d;
            prop_assert_eq!(plain_f(u.timestamp()), want);
        }
    }

    /// `next_open` and `next_close` agree with `is_open` and `between`.
    #[test]
    fn next_open_and_close_are_consistent(c in 0..N, t in LO..(HI - 400 * 24 * H)) {
        let s = set();
        let o = s.next_open(id(c), utc(t)).unwrap().expect("opens again");
        prop_assert!(s.is_open(id(c), o).unwrap());
        prop_assert_eq!(s.between(id(c), utc(t), o).unwrap(), 0);
        if let Some(x) = s.next_close(id(c), o).unwrap() {
            prop_assert!(!s.is_open(id(c), x).unwrap());
            prop_assert_eq!(s.between(id(c), o, x).unwrap(), (x - o).num_seconds());
        }
    }

    /// Business days compose on the plain calendar (`n1` then `n2` is
    /// `n1 + n2` from inside a day), across decades.
    #[test]
    fn business_days_compose(week in 0i64..(170 * 52), wd in 0i64..5, tod in (8 * H + 1)..=(16 * H), n1 in 1i64..6000, n2 in -6000i64..6000) {
        let s = set();
        let date = NaiveDate::from_ymd_opt(1930, 1, 6).expect("a monday") + chrono::Duration::days(week * 7 + wd);
        prop_assert_eq!(date.weekday().num_days_from_monday() as i64, wd);
        let naive = date.and_hms_opt(0, 0, 0).expect("midnight") + chrono::Duration::seconds(tod);
        let t = chrono_tz::America::Chicago.from_local_datetime(&naive).single().expect("unambiguous").with_timezone(&Utc);
        let once = s.add_business_days(id(0), t, n1 + n2).unwrap();
        let twice = s.add_business_days(id(0), s.add_business_days(id(0), t, n1).unwrap(), n2).unwrap();
        if tod < 16 * H {
            prop_assert_eq!(once, twice);
        } else {
            // From a closing time, going back lands on an opening (the mirror
            // of going forward from an opening): the same point of business
            // time as the previous close, not the same instant.
            prop_assert_eq!(s.between(id(0), once.min(twice), once.max(twice)).unwrap(), 0);
        }
        // Each business day of the plain calendar is 8 hours.
        prop_assert_eq!(s.between(id(0), t, s.add_business_days(id(0), t, n1).unwrap()).unwrap(), n1 * 8 * H);
    }
}
