//! Named regression tests for the business-time engine: the examples from the
//! language sketch and every tricky zone or rule found while building it.

use crate::calendar::{CalendarError, CalendarSet, Segment, SegmentState};
use crate::ir::{
    Calendar, CalendarDef, CalendarExpr, CalendarId, Closure, DateRule, OpenOverride, TimeRange,
    WeeklyCalendar,
};
use crate::source::Span;
use crate::values::Duration;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

const H: i64 = 3600;

fn hm(s: &str) -> u32 {
    let (h, m) = s.split_once(':').expect("hh:mm");
    h.parse::<u32>().expect("hour") * 3600 + m.parse::<u32>().expect("minute") * 60
}

/// `"08:00-16:00"`; an end not after the start crosses midnight.
fn range(s: &str) -> TimeRange {
    let (a, b) = s.split_once('-').expect("range");
    let (start, mut end) = (hm(a), hm(b));
    if end <= start {
        end += 86_400;
    }
    TimeRange { start, end }
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn weekly(zone: &str, days: [&[&str]; 7]) -> WeeklyCalendar {
    WeeklyCalendar {
        zone: zone.to_string(),
        weekly: days.map(|d| d.iter().map(|r| range(r)).collect()),
        closed: Vec::new(),
        overrides: Vec::new(),
    }
}

fn mon_fri(zone: &str, r: &'static str) -> WeeklyCalendar {
    let d: &[&str] = &[r];
    weekly(zone, [d, d, d, d, d, &[], &[]])
}

fn every_day(zone: &str, r: &'static str) -> WeeklyCalendar {
    let d: &[&str] = &[r];
    weekly(zone, [d; 7])
}

fn closed(day: &str, label: &str) -> Closure {
    Closure {
        date: DateRule::Date { date: date(day) },
        range: None,
        label: Some(label.to_string()),
        span: Span::default(),
    }
}

fn cal(name: &str, def: CalendarDef) -> Calendar {
    Calendar {
        name: name.to_string(),
        def,
        span: Span::default(),
    }
}

fn wk(name: &str, w: WeeklyCalendar) -> Calendar {
    cal(name, CalendarDef::Weekly(w))
}

fn r(i: u32) -> Box<CalendarExpr> {
    Box::new(CalendarExpr::Ref {
        calendar: CalendarId(i),
    })
}

fn set(cals: Vec<Calendar>) -> CalendarSet {
    CalendarSet::new(&cals)
}

fn one(w: WeeklyCalendar) -> CalendarSet {
    set(vec![wk("office", w)])
}

const C0: CalendarId = CalendarId(0);
const C1: CalendarId = CalendarId(1);
const C2: CalendarId = CalendarId(2);

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

/// Local wall time `"2026-03-06 15:30"` in `zone` (must be unambiguous).
fn at(zone: &str, s: &str) -> DateTime<Utc> {
    let tz: Tz = zone.parse().expect("zone");
    let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("local time");
    tz.from_local_datetime(&naive)
        .single()
        .expect("unambiguous")
        .with_timezone(&Utc)
}

const CHI: &str = "America/Chicago";
const HEL: &str = "Europe/Helsinki";

#[test]
fn friday_1530_plus_8h_is_monday_1530_across_us_dst_start() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    let t = at(CHI, "2026-03-06 15:30");
    let u = s.add(C0, t, Duration::Seconds(8 * H)).unwrap();
    assert_eq!(u, at(CHI, "2026-03-09 15:30"));
    assert_eq!(s.between(C0, t, u).unwrap(), 8 * H);
    assert_eq!(s.sub_seconds(C0, u, 8 * H).unwrap(), t);
}

#[test]
fn friday_1530_plus_one_business_day_is_monday_1530() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    let u = s
        .add(C0, at(CHI, "2026-03-06 15:30"), Duration::BusinessDays(1))
        .unwrap();
    assert_eq!(u, at(CHI, "2026-03-09 15:30"));
}

#[test]
fn saturday_1000_plus_one_business_day_is_monday_1600() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    let u = s
        .add(C0, at(CHI, "2026-03-07 10:00"), Duration::BusinessDays(1))
        .unwrap();
    assert_eq!(u, at(CHI, "2026-03-09 16:00"));
}

#[test]
fn business_days_at_opening_and_closing_and_backwards() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    // At opening the day has not started: one business day is that day.
    let fri8 = at(CHI, "2026-03-06 08:00");
    assert_eq!(
        s.add_business_days(C0, fri8, 1).unwrap(),
        at(CHI, "2026-03-06 16:00")
    );
    // At closing the day is complete: one more is the next day's close.
    let fri16 = at(CHI, "2026-03-06 16:00");
    assert_eq!(
        s.add_business_days(C0, fri16, 1).unwrap(),
        at(CHI, "2026-03-09 16:00")
    );
    assert_eq!(s.add_business_days(C0, fri16, 0).unwrap(), fri16);
    // Backwards mirrors it.
    let mon10 = at(CHI, "2026-03-09 10:00");
    assert_eq!(
        s.add_business_days(C0, mon10, -1).unwrap(),
        at(CHI, "2026-03-06 10:00")
    );
    let sat = at(CHI, "2026-03-07 10:00");
    assert_eq!(
        s.add_business_days(C0, sat, -1).unwrap(),
        at(CHI, "2026-03-06 08:00")
    );
    assert_eq!(
        s.add_business_days(C0, sat, -5).unwrap(),
        at(CHI, "2026-03-02 08:00")
    );
    // Ten business days is two weeks.
    let wed = at(CHI, "2026-03-04 11:15");
    assert_eq!(
        s.add_business_days(C0, wed, 10).unwrap(),
        at(CHI, "2026-03-18 11:15")
    );
}

#[test]
fn business_day_clamps_to_a_shorter_day() {
    let mut w = mon_fri(CHI, "08:00-16:00");
    w.overrides.push(OpenOverride {
        date: date("2026-03-09"),
        ranges: vec![range("09:00-12:00")],
        span: Span::default(),
    });
    let s = one(w);
    let fri = |hm: &str| at(CHI, &format!("2026-03-06 {hm}"));
    let mon = |hm: &str| at(CHI, &format!("2026-03-09 {hm}"));
    assert_eq!(
        s.add_business_days(C0, fri("15:30"), 1).unwrap(),
        mon("12:00")
    );
    assert_eq!(
        s.add_business_days(C0, fri("08:30"), 1).unwrap(),
        mon("09:00")
    );
    assert_eq!(
        s.add_business_days(C0, fri("10:30"), 1).unwrap(),
        mon("10:30")
    );
}

#[test]
fn fifteen_plus_one_hour_is_sixteen_same_day() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    let t = at(CHI, "2026-08-14 15:00");
    assert_eq!(
        s.add_seconds(C0, t, H).unwrap(),
        at(CHI, "2026-08-14 16:00")
    );
}

#[test]
fn sixteen_plus_one_hour_is_nine_next_open_day() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    // Thursday 16:00 -> Friday 09:00; Friday 16:00 -> Monday 09:00.
    assert_eq!(
        s.add_seconds(C0, at(CHI, "2026-08-13 16:00"), H).unwrap(),
        at(CHI, "2026-08-14 09:00")
    );
    assert_eq!(
        s.add_seconds(C0, at(CHI, "2026-08-14 16:00"), H).unwrap(),
        at(CHI, "2026-08-17 09:00")
    );
    // Closing time itself is closed; adding zero stays put.
    assert!(!s.is_open(C0, at(CHI, "2026-08-14 16:00")).unwrap());
    assert!(s.is_open(C0, at(CHI, "2026-08-14 08:00")).unwrap());
    let t = at(CHI, "2026-08-14 16:00");
    assert_eq!(s.add_seconds(C0, t, 0).unwrap(), t);
    // sub is the latest instant: back from Monday 09:00 by 1h is Monday 08:00.
    assert_eq!(
        s.sub_seconds(C0, at(CHI, "2026-08-17 09:00"), H).unwrap(),
        at(CHI, "2026-08-17 08:00")
    );
    assert_eq!(
        s.add_seconds(C0, at(CHI, "2026-08-17 09:00"), -2 * H)
            .unwrap(),
        at(CHI, "2026-08-14 15:00")
    );
}

fn union_set(us_holiday: bool) -> CalendarSet {
    let mut us = mon_fri(CHI, "08:00-16:00");
    if us_holiday {
        us.closed
            .push(closed("2026-01-19", "Martin Luther King Jr. Day"));
    }
    set(vec![
        wk("us", us),
        wk("eu", mon_fri(HEL, "08:00-16:00")),
        cal(
            "follow_the_sun",
            CalendarDef::Expr {
                expr: CalendarExpr::Union {
                    left: r(0),
                    right: r(1),
                },
            },
        ),
    ])
}

fn open_spans(
    s: &CalendarSet,
    c: CalendarId,
    from: &str,
    to: &str,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    s.segments(c, utc(from), utc(to))
        .unwrap()
        .into_iter()
        .filter(|g| g.state == SegmentState::Open)
        .map(|g| (g.start, g.end))
        .collect()
}

#[test]
fn union_chicago_helsinki_january_is_0600_to_2200_utc() {
    let s = union_set(false);
    let spans = open_spans(&s, C2, "2026-01-14T00:00:00Z", "2026-01-15T00:00:00Z");
    assert_eq!(
        spans,
        vec![(utc("2026-01-14T06:00:00Z"), utc("2026-01-14T22:00:00Z"))]
    );
    assert_eq!(
        s.between(C2, utc("2026-01-14T00:00:00Z"), utc("2026-01-15T00:00:00Z"))
            .unwrap(),
        16 * H
    );
    assert_eq!(
        s.next_close(C2, utc("2026-01-14T07:00:00Z")).unwrap(),
        Some(utc("2026-01-14T22:00:00Z"))
    );
    assert_eq!(s.zone_of(C2), None);
    assert_eq!(s.zone_of(C0), Some(chrono_tz::America::Chicago));
}

#[test]
fn union_between_us_and_eu_dst_changes_is_0600_to_2100_utc() {
    let s = union_set(false);
    // 2026: the US changes on March 8, the EU on March 29.
    let spans = open_spans(&s, C2, "2026-03-18T00:00:00Z", "2026-03-19T00:00:00Z");
    assert_eq!(
        spans,
        vec![(utc("2026-03-18T06:00:00Z"), utc("2026-03-18T21:00:00Z"))]
    );
    // After both changes: 05:00-21:00.
    let spans = open_spans(&s, C2, "2026-04-01T00:00:00Z", "2026-04-02T00:00:00Z");
    assert_eq!(
        spans,
        vec![(utc("2026-04-01T05:00:00Z"), utc("2026-04-01T21:00:00Z"))]
    );
    // Overlap counted once: a week between the changes is 5 x 15h.
    let week = s
        .between(C2, utc("2026-03-16T00:00:00Z"), utc("2026-03-23T00:00:00Z"))
        .unwrap();
    assert_eq!(week, 5 * 15 * H);
}

#[test]
fn us_only_holiday_leaves_helsinki_half_open() {
    let s = union_set(true);
    let segs = s
        .segments(C2, utc("2026-01-19T00:00:00Z"), utc("2026-01-20T00:00:00Z"))
        .unwrap();
    let opens: Vec<_> = segs
        .iter()
        .filter(|g| g.state == SegmentState::Open)
        .collect();
    assert_eq!(opens.len(), 1);
    assert_eq!(
        (opens[0].start, opens[0].end),
        (utc("2026-01-19T06:00:00Z"), utc("2026-01-19T14:00:00Z"))
    );
    assert!(segs.iter().any(|g| g.state
        == SegmentState::Closed {
            label: Some("Martin Luther King Jr. Day".to_string())
        }
        && g.start == utc("2026-01-19T14:00:00Z")));
    // The US calendar alone is closed all day.
    assert_eq!(
        s.between(C0, utc("2026-01-19T00:00:00Z"), utc("2026-01-20T12:00:00Z"))
            .unwrap(),
        0
    );
    assert_eq!(
        s.between(C2, utc("2026-01-19T00:00:00Z"), utc("2026-01-20T00:00:00Z"))
            .unwrap(),
        8 * H
    );
}

#[test]
fn always_open_day_of_autumn_change_has_25_hours() {
    let s = set(vec![
        wk("chicago_24", every_day(CHI, "00:00-24:00")),
        cal(
            "24x7",
            CalendarDef::Expr {
                expr: CalendarExpr::Always,
            },
        ),
    ]);
    let (a, b) = (at(CHI, "2026-11-01 00:00"), at(CHI, "2026-11-02 00:00"));
    assert_eq!(b - a, chrono::Duration::hours(25));
    assert_eq!(s.between(C0, a, b).unwrap(), 25 * H);
    assert_eq!(s.between(C1, a, b).unwrap(), 25 * H);
    // Spring: 23 hours.
    let (a, b) = (at(CHI, "2026-03-08 00:00"), at(CHI, "2026-03-09 00:00"));
    assert_eq!(s.between(C0, a, b).unwrap(), 23 * H);
    // 24x7 never closes.
    assert_eq!(s.next_close(C1, a).unwrap(), None);
    assert_eq!(s.next_open(C1, a).unwrap(), Some(a));
    assert_eq!(
        s.add_seconds(C1, a, 10_000 * H).unwrap(),
        a + chrono::Duration::hours(10_000)
    );
    // Every day open from 00:00 to 24:00: the close is only the range's end.
    assert_eq!(s.next_close(C0, a).unwrap(), None);
}

#[test]
fn ambiguous_and_skipped_local_times_in_chicago() {
    // Fall back 2026-11-01: 01:30 happens twice; the range starts at the earlier one.
    let mut w = weekly(CHI, [&[], &[], &[], &[], &[], &[], &["01:30-02:30"]]);
    // Spring forward 2026-03-08: 02:30 does not exist and moves to 03:30 CDT.
    w.weekly[6] = vec![range("01:30-02:30")];
    let s = one(w);
    let spans = open_spans(&s, C0, "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z");
    // 01:30 CDT = 06:30Z; 02:30 CST = 08:30Z: two real hours.
    assert_eq!(
        spans,
        vec![(utc("2026-11-01T06:30:00Z"), utc("2026-11-01T08:30:00Z"))]
    );
    let spans = open_spans(&s, C0, "2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z");
    // 01:30 CST = 07:30Z; 02:30 (skipped) -> 03:30 CDT = 08:30Z.
    assert_eq!(
        spans,
        vec![(utc("2026-03-08T07:30:00Z"), utc("2026-03-08T08:30:00Z"))]
    );
}

#[test]
fn apia_skipped_2011_12_30_has_no_hours() {
    let zone = "Pacific/Apia";
    let s = set(vec![
        wk("all_day", every_day(zone, "00:00-24:00")),
        wk("office", mon_fri(zone, "09:00-17:00")),
    ]);
    let thu = at(zone, "2011-12-29 00:00");
    let sat = at(zone, "2011-12-31 00:00");
    // Thursday 29th is a whole day, then Friday 30th never happened.
    assert_eq!(sat - thu, chrono::Duration::hours(24));
    assert_eq!(s.between(C0, thu, sat).unwrap(), 24 * H);
    // Thursday 10:00 + 8h of office time is Monday 10:00 (no Friday, no Saturday hours).
    let t = at(zone, "2011-12-29 10:00");
    assert_eq!(
        s.add_seconds(C1, t, 8 * H).unwrap(),
        at(zone, "2012-01-02 10:00")
    );
    assert_eq!(
        s.add_business_days(C1, t, 1).unwrap(),
        at(zone, "2012-01-02 10:00")
    );
    let spans = open_spans(&s, C1, "2011-12-29T12:00:00Z", "2012-01-02T12:00:00Z");
    assert_eq!(spans.len(), 2);
}

#[test]
fn sao_paulo_2018_midnight_gap() {
    // 2018-11-04 00:00 did not exist in Sao Paulo: clocks went from 23:59:59 to 01:00.
    let zone = "America/Sao_Paulo";
    let mut all_day = every_day(zone, "00:00-24:00");
    all_day.closed.push(closed("2018-11-04", "election"));
    let s = set(vec![
        wk("mornings", every_day(zone, "00:00-08:00")),
        wk("all_day", all_day),
    ]);
    // The morning of the 4th is 01:00-08:00: 7 hours, starting 03:00Z.
    let spans = open_spans(&s, C0, "2018-11-04T00:00:00Z", "2018-11-05T00:00:00Z");
    assert_eq!(
        spans,
        vec![(utc("2018-11-04T03:00:00Z"), utc("2018-11-04T10:00:00Z"))]
    );
    // The closed day is 23 hours long: 2018-11-04T03:00Z to 2018-11-05T02:00Z.
    let segs = s
        .segments(C1, utc("2018-11-04T00:00:00Z"), utc("2018-11-05T12:00:00Z"))
        .unwrap();
    assert_eq!(
        segs,
        vec![
            Segment {
                start: utc("2018-11-04T00:00:00Z"),
                end: utc("2018-11-04T03:00:00Z"),
                state: SegmentState::Open
            },
            Segment {
                start: utc("2018-11-04T03:00:00Z"),
                end: utc("2018-11-05T02:00:00Z"),
                state: SegmentState::Closed {
                    label: Some("election".to_string())
                }
            },
            Segment {
                start: utc("2018-11-05T02:00:00Z"),
                end: utc("2018-11-05T12:00:00Z"),
                state: SegmentState::Open
            },
        ]
    );
}

#[test]
fn lord_howe_half_hour_dst() {
    let zone = "Australia/Lord_Howe";
    let s = set(vec![
        wk("all_day", every_day(zone, "00:00-24:00")),
        wk("early", every_day(zone, "02:00-03:00")),
    ]);
    // DST starts 2026-10-04 02:00 -> 02:30; ends 2026-04-05 02:00 -> 01:30.
    let a = at(zone, "2026-10-04 00:00");
    let b = at(zone, "2026-10-05 00:00");
    assert_eq!(s.between(C0, a, b).unwrap(), 23 * H + 1800);
    // 02:00 is skipped and moves forward by the gap to 02:30: 30 minutes open.
    assert_eq!(s.between(C1, a, b).unwrap(), 1800);
    let a = at(zone, "2026-04-05 00:00");
    let b = at(zone, "2026-04-06 00:00");
    assert_eq!(s.between(C0, a, b).unwrap(), 24 * H + 1800);
    // 02:00-03:00 after the change is plain (01:30-02:00 repeated, not 02:00).
    assert_eq!(s.between(C1, a, b).unwrap(), H);
}

#[test]
fn kathmandu_quarter_hour_offset() {
    let zone = "Asia/Kathmandu";
    let s = one(mon_fri(zone, "09:00-17:00"));
    let spans = open_spans(&s, C0, "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z");
    assert_eq!(
        spans,
        vec![(utc("2026-06-01T03:15:00Z"), utc("2026-06-01T11:15:00Z"))]
    );
}

#[test]
fn overnight_range_cut_on_both_sides_by_closed_date() {
    let mut w = weekly(
        CHI,
        [
            &["22:00-06:00"],
            &["22:00-06:00"],
            &["22:00-06:00"],
            &[],
            &[],
            &[],
            &[],
        ],
    );
    w.closed.push(closed("2026-06-02", "maintenance day")); // a Tuesday
    let s = one(w);
    let spans = open_spans(&s, C0, "2026-06-01T00:00:00Z", "2026-06-05T00:00:00Z");
    assert_eq!(
        spans,
        vec![
            (at(CHI, "2026-06-01 22:00"), at(CHI, "2026-06-02 00:00")),
            (at(CHI, "2026-06-03 00:00"), at(CHI, "2026-06-03 06:00")),
            (at(CHI, "2026-06-03 22:00"), at(CHI, "2026-06-04 06:00")),
        ]
    );
    // The overnight shift belongs to the day it starts on: Tuesday's shift
    // is what is left of it on Wednesday morning, so a position of 23:00 is
    // clamped to its start.
    let t = at(CHI, "2026-06-03 23:00");
    assert_eq!(
        s.add_business_days(C0, t, -1).unwrap(),
        at(CHI, "2026-06-03 00:00")
    );
    assert_eq!(
        s.add_business_days(C0, t, -2).unwrap(),
        at(CHI, "2026-06-01 23:00")
    );
}

#[test]
fn partial_closure_and_yearly_closure_and_leap_day() {
    let mut w = every_day(CHI, "08:00-16:00");
    w.closed.push(Closure {
        date: DateRule::Date {
            date: date("2026-06-03"),
        },
        range: Some(range("12:00-14:00")),
        label: Some("all hands".into()),
        span: Span::default(),
    });
    w.closed.push(Closure {
        date: DateRule::Yearly { month: 12, day: 25 },
        range: None,
        label: Some("Christmas Day".into()),
        span: Span::default(),
    });
    w.closed.push(Closure {
        date: DateRule::Yearly { month: 2, day: 29 },
        range: None,
        label: None,
        span: Span::default(),
    });
    let s = one(w);
    let day = |d: &str| {
        s.between(
            C0,
            at(CHI, &format!("{d} 00:00")),
            at(CHI, &format!("{d} 23:00")),
        )
        .unwrap()
    };
    assert_eq!(day("2026-06-03"), 6 * H);
    assert_eq!(day("2026-06-04"), 8 * H);
    assert_eq!(day("2026-12-25"), 0);
    assert_eq!(day("2031-12-25"), 0);
    assert_eq!(day("2028-02-29"), 0);
    assert_eq!(day("2027-03-01"), 8 * H);
    assert_eq!(day("2027-02-28"), 8 * H);
    let segs = s
        .segments(C0, at(CHI, "2026-06-03 11:00"), at(CHI, "2026-06-03 15:00"))
        .unwrap();
    assert_eq!(segs.len(), 3);
    assert_eq!(
        segs[1].state,
        SegmentState::Closed {
            label: Some("all hands".into())
        }
    );
}

#[test]
fn override_replaces_weekly_ranges() {
    let mut w = mon_fri(CHI, "08:00-16:00");
    w.overrides.push(OpenOverride {
        date: date("2026-12-05"), // a Saturday
        ranges: vec![range("10:00-12:00"), range("13:00-14:00")],
        span: Span::default(),
    });
    let s = one(w);
    let sat = |hm: &str| at(CHI, &format!("2026-12-05 {hm}"));
    assert_eq!(s.between(C0, sat("00:00"), sat("23:59")).unwrap(), 3 * H);
    assert_eq!(s.next_open(C0, sat("12:30")).unwrap(), Some(sat("13:00")));
    assert_eq!(s.next_close(C0, sat("10:30")).unwrap(), Some(sat("12:00")));
    assert_eq!(s.next_close(C0, sat("12:30")).unwrap(), Some(sat("12:30")));
    let segs = s.segments(C0, sat("11:00"), sat("13:30")).unwrap();
    let states: Vec<_> = segs.iter().map(|g| g.state.clone()).collect();
    assert_eq!(
        states,
        vec![
            SegmentState::Open,
            SegmentState::OutsideHours,
            SegmentState::Open
        ]
    );
}

#[test]
fn difference_and_intersection() {
    let s = set(vec![
        cal(
            "24x7",
            CalendarDef::Expr {
                expr: CalendarExpr::Always,
            },
        ),
        wk(
            "maintenance",
            weekly("UTC", [&[], &[], &[], &[], &[], &[], &["02:00-04:00"]]),
        ),
        cal(
            "uptime",
            CalendarDef::Expr {
                expr: CalendarExpr::Difference {
                    left: r(0),
                    right: r(1),
                },
            },
        ),
        wk("office", mon_fri(CHI, "08:00-12:00")),
        wk("eu", mon_fri(HEL, "08:00-12:00")),
        cal(
            "overlap",
            CalendarDef::Expr {
                expr: CalendarExpr::Intersection {
                    left: r(3),
                    right: r(4),
                },
            },
        ),
    ]);
    let week = (utc("2026-06-01T00:00:00Z"), utc("2026-06-08T00:00:00Z"));
    assert_eq!(s.between(C2, week.0, week.1).unwrap(), 7 * 24 * H - 2 * H);
    let segs = s
        .segments(C2, utc("2026-06-07T00:00:00Z"), utc("2026-06-07T06:00:00Z"))
        .unwrap();
    assert_eq!(
        segs[1].state,
        SegmentState::Closed {
            label: Some("maintenance".into())
        }
    );
    // Chicago mornings are 13-18Z, Helsinki mornings 05-10Z, whatever the DST: never together.
    assert_eq!(s.between(CalendarId(5), week.0, week.1).unwrap(), 0);
    assert_eq!(
        s.add_seconds(CalendarId(5), week.0, H),
        Err(CalendarError::NeverOpen {
            calendar: "overlap".into()
        })
    );
}

#[test]
fn long_durations_and_distances() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    let t = at(CHI, "2026-03-06 15:30");
    for hours in [8, 100, 2_000, 10_000, 100_000] {
        let u = s.add_seconds(C0, t, hours * H).unwrap();
        assert_eq!(s.between(C0, t, u).unwrap(), hours * H, "{hours}h");
        assert_eq!(s.sub_seconds(C0, u, hours * H).unwrap(), t, "{hours}h");
        assert_eq!(s.between(C0, u, t).unwrap(), -hours * H);
    }
    // 10,000 business hours = 1,250 days of 8h = 250 weeks; no holidays: same weekday and time.
    let u = s.add_seconds(C0, t, 10_000 * H).unwrap();
    assert_eq!(u, at(CHI, "2030-12-20 15:30"));
    // Across 150 years, and back.
    let far = utc("2180-01-01T00:00:00Z");
    let open = s.between(C0, utc("1930-01-01T00:00:00Z"), far).unwrap();
    assert_eq!(
        s.sub_seconds(C0, far, open).unwrap(),
        utc("1930-01-01T14:00:00Z")
    );
    assert_eq!(
        s.add_business_days(C0, t, 5_000).unwrap(),
        at(CHI, "2045-05-05 15:30")
    );
}

#[test]
fn supported_range_and_errors() {
    let s = one(mon_fri(CHI, "08:00-16:00"));
    let early = utc("1899-12-31T23:59:59Z");
    assert_eq!(
        s.is_open(C0, early),
        Err(CalendarError::OutOfRange { at: early })
    );
    let late = utc("2200-01-01T00:00:01Z");
    assert_eq!(
        s.between(C0, late, late),
        Err(CalendarError::OutOfRange { at: late })
    );
    let edge = utc("2199-12-31T12:00:00Z");
    assert_eq!(
        s.add_seconds(C0, edge, 100 * H),
        Err(CalendarError::OutOfRange {
            at: utc("2200-01-01T00:00:00Z")
        })
    );
    assert_eq!(
        s.sub_seconds(C0, utc("1900-01-02T00:00:00Z"), 100 * H),
        Err(CalendarError::OutOfRange {
            at: utc("1900-01-01T00:00:00Z")
        })
    );
    assert_eq!(s.next_open(C0, utc("2199-12-31T23:00:00Z")).unwrap(), None);
    assert_eq!(
        s.is_open(CalendarId(7), edge),
        Err(CalendarError::NoSuchCalendar(CalendarId(7)))
    );
    assert_eq!(s.zone_of(CalendarId(7)), None);

    // Building never fails: a calendar without hours is the checker's to
    // refuse (E0204, and so are unknown zones E0201 and reference cycles
    // E0121; see `calendar_validity_is_decided_by_the_checker`). Built by
    // hand, it answers NeverOpen at the first search.
    let never = CalendarSet::new(&[wk("never", weekly(CHI, [&[]; 7]))]);
    let err = never.add_seconds(C0, edge, H).unwrap_err();
    assert_eq!(
        err,
        CalendarError::NeverOpen {
            calendar: "never".into()
        }
    );
    assert_eq!(err.to_string(), "calendar `never` is never open");
    assert_eq!(
        CalendarError::OutOfRange { at: early }.to_string(),
        "instant `1899-12-31T23:59:59+00:00` is outside the supported range 1900-01-01 to 2200-01-01 UTC"
    );
}

#[test]
fn calendar_set_is_send_and_sync_and_shared_across_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<CalendarSet>();
    assert_eq!(
        format!("{:?}", union_set(false)),
        r#"CalendarSet { calendars: ["us", "eu", "follow_the_sun"], .. }"#
    );
    let s = std::sync::Arc::new(union_set(true));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let s = std::sync::Arc::clone(&s);
            std::thread::spawn(move || {
                let t = utc("2026-01-05T00:00:00Z") + chrono::Duration::days(i * 30);
                let u = s.add_seconds(C2, t, 500 * H).expect("add");
                s.between(C2, t, u).expect("between")
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread"), 500 * H);
    }
}

/// What `CalendarSet::new` used to refuse is refused once, by the checker,
/// with a finding that names the place.
#[test]
fn calendar_validity_is_decided_by_the_checker() {
    let findings = |text: &str| -> Vec<String> {
        let (_, diags) = crate::check_source(&crate::SourceFile::new("c.sla", text));
        diags.iter().map(|d| d.code.as_str().to_string()).collect()
    };
    let base = "severity high \"High\"\ntiers basic\ntargets first_response {\n        basic\n  high  8h\n}\n";
    let zone = format!(
        "policy \"P\" {{ calendar x }}\ncalendar x {{ zone \"America/Chicgo\"  mon-fri 08:00-16:00 }}\n{base}"
    );
    assert!(findings(&zone).contains(&"E0201".to_string()), "{zone}");
    let never = format!("policy \"P\" {{ calendar x }}\ncalendar x {{ zone \"UTC\" }}\n{base}");
    assert!(findings(&never).contains(&"E0204".to_string()), "{never}");
    let cycle = format!("policy \"P\" {{ calendar a }}\ncalendar a = a | a\n{base}");
    assert!(findings(&cycle).contains(&"E0121".to_string()), "{cycle}");
}

/// The engine's conversion of Unix seconds to instants gives chrono's,
/// on every day of the supported range (its first and last second and
/// one in between) and just outside it.
#[test]
fn utc_of_is_chronos_conversion() {
    use crate::calendar::{utc_of, MAX_SECONDS, MIN_SECONDS};
    let chrono = |u: i64| chrono::DateTime::from_timestamp(u, 0).unwrap_or_default();
    let mut u = MIN_SECONDS - 2 * 86_400;
    let mut n = 0;
    while u <= MAX_SECONDS + 2 * 86_400 {
        for v in [u, u + 1, u + 43_210 + n % 997, u + 86_399] {
            assert_eq!(utc_of(v), chrono(v), "{v}");
        }
        u += 86_400;
        n += 1;
    }
    assert!(n > 109_000);
    for v in [i64::MIN, -1 << 40, -1, 0, 1, 1 << 40, i64::MAX] {
        assert_eq!(utc_of(v), crate::calendar::to_utc(v), "{v}");
    }
}

/// The engine's conversion of instants to Unix seconds gives chrono's
/// `timestamp`, on every day of the supported range and of the years
/// around it, with and without a fraction of a second.
#[test]
fn secs_of_is_chronos_timestamp() {
    use crate::calendar::secs_of;
    use chrono::Datelike;
    let first = NaiveDate::from_ymd_opt(1890, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let mut n = 0;
    let mut t = first;
    while t.year() < 2210 {
        for d in [0, 1, 43_210 + n % 997, 86_399] {
            let v = t + chrono::TimeDelta::seconds(d);
            assert_eq!(secs_of(&v), v.timestamp(), "{v}");
            let frac = v + chrono::TimeDelta::nanoseconds(999_999_999);
            assert_eq!(secs_of(&frac), frac.timestamp(), "{frac}");
        }
        t += chrono::TimeDelta::days(1);
        n += 1;
    }
    for t in [
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
        DateTime::<Utc>::UNIX_EPOCH,
    ] {
        assert_eq!(secs_of(&t), t.timestamp(), "{t}");
    }
}
