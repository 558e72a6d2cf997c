use super::*;
use crate::ir::{Credit, CreditValue, DownRule};
use crate::source::Span;
use proptest::prelude::*;

fn block(zone: &str, maintenance: MaintenanceRule, missing: MissingRule) -> Availability {
    Availability {
        name: "product".into(),
        objective: Percent(995_000),
        zone: zone.into(),
        sample_seconds: 60,
        down: Vec::new(),
        excluding: Vec::new(),
        maintenance,
        missing,
        credits: vec![
            Credit {
                below: Percent(995_000),
                credit: CreditValue::Percent(Percent(100_000)),
                span: Span::default(),
            },
            Credit {
                below: Percent(990_000),
                credit: CreditValue::Percent(Percent(250_000)),
                span: Span::default(),
            },
        ],
        span: Span::default(),
    }
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn w(a: &str, b: &str) -> Window {
    Window {
        start: t(a),
        end: t(b),
    }
}

fn month(text: &str) -> Month {
    Month::parse(text).unwrap_or_else(|| panic!("{text}"))
}

fn no_calendars() -> CalendarSet {
    CalendarSet::new(&[])
}

fn figures(b: &Availability, o: &Observed, m: &str) -> MonthFigures {
    let mut out = monthly_on(b, &no_calendars(), o, &[month(m)]).unwrap_or_else(|e| panic!("{e}"));
    out.remove(0)
}

/// January 2024 in UTC: 31 days = 44,640 minutes. 120 minutes of
/// maintenance (Jan 6 06:00-08:00) and 222 minutes of outage (Jan 10
/// 10:00-13:42).
fn january() -> Observed {
    Observed {
        down: vec![w("2024-01-10T10:00:00Z", "2024-01-10T13:42:00Z")],
        maintenance: vec![w("2024-01-06T06:00:00Z", "2024-01-06T08:00:00Z")],
        ..Observed::default()
    }
}

#[test]
fn maintenance_counts_as_up() {
    // (44640 - 222) / 44640 = 44418 / 44640 = 99.50268..% -> 99.503%
    let f = figures(
        &block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Up),
        &january(),
        "2024-01",
    );
    assert_eq!(f.total_seconds, 44_640 * 60);
    assert_eq!(f.downtime_seconds, 222 * 60);
    assert_eq!(f.maintenance_seconds, 120 * 60);
    assert_eq!(f.excluded_seconds, 0);
    assert_eq!(f.uptime.to_string(), "99.503%");
    assert!(f.met);
    assert_eq!(f.credit, None);
    // Budget: 0.5% of 2,678,400 s = 13,392 s (223.2 min); 222 min used -> 72 s left.
    assert_eq!(f.budget_seconds, 13_392);
    assert_eq!(f.budget_left_seconds, 72);
}

#[test]
fn maintenance_leaves_the_denominator() {
    // (44520 - 222) / 44520 = 44298 / 44520 = 99.50134..% -> 99.501%
    let f = figures(
        &block("UTC", MaintenanceRule::Excluded, MissingRule::Up),
        &january(),
        "2024-01",
    );
    assert_eq!(f.excluded_seconds, 120 * 60);
    assert_eq!(f.uptime.to_string(), "99.501%");
    assert!(f.met);
    // Budget: 0.5% of 44,520 min = 222.6 min = 13,356 s; 222 min used -> 36 s left.
    assert_eq!(f.budget_left_seconds, 36);
}

#[test]
fn maintenance_counted_as_down_would_breach() {
    // (44640 - 342) / 44640 = 44298 / 44640 = 99.23387..% -> 99.234%
    let mut o = january();
    o.down.append(&mut o.maintenance);
    let f = figures(
        &block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Up),
        &o,
        "2024-01",
    );
    assert_eq!(f.uptime.to_string(), "99.234%");
    assert!(!f.met);
    // Below 99.5% but not below 99%: the 10% credit.
    assert_eq!(
        f.credit.map(|c| c.credit),
        Some(CreditValue::Percent(Percent(100_000)))
    );
    // 342 min = 20,520 s against a 13,392 s budget: 7,128 s overspent.
    assert_eq!(f.budget_left_seconds, -7_128);
}

#[test]
fn a_month_in_chicago_is_not_a_month_in_utc() {
    // 2024-03-31T23:30Z .. 2024-04-01T01:30Z is 18:30-20:30 on March 31 in
    // Chicago (CDT, UTC-5): all 120 minutes count in March there, while in
    // UTC 30 minutes fall in March and 90 in April.
    let o = Observed {
        down: vec![w("2024-03-31T23:30:00Z", "2024-04-01T01:30:00Z")],
        ..Observed::default()
    };
    let chicago = block(
        "America/Chicago",
        MaintenanceRule::CountsAsUp,
        MissingRule::Up,
    );
    let months = months_spanned(&chicago, &o).unwrap_or_default();
    assert_eq!(months, vec![month("2024-03")]);
    let f = figures(&chicago, &o, "2024-03");
    assert_eq!(f.downtime_seconds, 120 * 60);
    // March in Chicago: 2024-03-01T06:00Z (CST) to 2024-04-01T05:00Z (CDT),
    // 31 days less the hour DST skipped on March 10 = 44,580 minutes.
    assert_eq!(f.start, t("2024-03-01T06:00:00Z"));
    assert_eq!(f.end, t("2024-04-01T05:00:00Z"));
    assert_eq!(f.total_seconds, 44_580 * 60);

    let utc = block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Up);
    assert_eq!(
        months_spanned(&utc, &o).unwrap_or_default(),
        vec![month("2024-03"), month("2024-04")]
    );
    assert_eq!(figures(&utc, &o, "2024-03").downtime_seconds, 30 * 60);
    assert_eq!(figures(&utc, &o, "2024-04").downtime_seconds, 90 * 60);
}

#[test]
fn overlapping_incidents_count_once_and_maintenance_is_never_down() {
    // 10:00-11:00 and 10:30-12:00 overlap: 120 minutes, less the 11:30-12:30
    // maintenance window's 30 minutes inside them = 90 minutes.
    let o = Observed {
        down: vec![
            w("2024-01-10T10:00:00Z", "2024-01-10T11:00:00Z"),
            w("2024-01-10T10:30:00Z", "2024-01-10T12:00:00Z"),
        ],
        maintenance: vec![w("2024-01-10T11:30:00Z", "2024-01-10T12:30:00Z")],
        ..Observed::default()
    };
    let f = figures(
        &block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Up),
        &o,
        "2024-01",
    );
    assert_eq!(f.downtime_seconds, 90 * 60);
    assert_eq!(f.maintenance_seconds, 60 * 60);
}

#[test]
fn missing_samples_follow_the_rule() {
    // Samples every minute on 2024-02-01 from 00:00 to 00:10 UTC, the minute
    // at 00:03 missing and the one at 00:05 down. February 2024 (leap year)
    // has 29 x 1440 = 41,760 minutes, of which 9 are sampled: 41,751 missing.
    let mut b = block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Excluded);
    let mut series = SampleSeries::new(&b);
    for m in [0, 1, 2, 4, 5, 6, 7, 8, 9] {
        let at = t("2024-02-01T00:00:00Z") + chrono::Duration::minutes(m);
        series
            .push(at, m == 5)
            .unwrap_or_else(|e| panic!("{m}: {e}"));
    }
    let o = series.into_observed();
    let f = figures(&b, &o, "2024-02");
    assert_eq!(f.missing_seconds, 41_751 * 60);
    assert_eq!(f.gaps.len(), 2);
    assert_eq!(f.gaps[0], w("2024-02-01T00:03:00Z", "2024-02-01T00:04:00Z"));
    // Excluded: 1 down of 9 counted = 88.889%.
    assert_eq!(f.uptime.to_string(), "88.889%");
    b.missing = MissingRule::Up;
    // Up: 1 down of 41,760 = 99.99760..% -> 99.998%.
    assert_eq!(figures(&b, &o, "2024-02").uptime.to_string(), "99.998%");
    b.missing = MissingRule::Down;
    // Down: 41,752 down of 41,760 = 0.01915..% -> 0.019%.
    assert_eq!(figures(&b, &o, "2024-02").uptime.to_string(), "0.019%");
}

#[test]
fn a_month_in_progress_has_no_missing_future() {
    // Samples on 2024-02-01 00:00-00:10 (10 minutes, all up), figures at
    // 00:20 with missing samples counted as down: only 00:10-00:20 is
    // missing (10 minutes), not the rest of February. Uptime over the whole
    // month's 41,760 minutes: (41,760 - 10) / 41,760 = 99.97605..% -> 99.976%.
    let b = block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Down);
    let mut series = SampleSeries::new(&b);
    for m in 0..10 {
        let at = t("2024-02-01T00:00:00Z") + chrono::Duration::minutes(m);
        series.push(at, false).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut o = series.into_observed();
    o.until = Some(t("2024-02-01T00:20:00Z"));
    let f = figures(&b, &o, "2024-02");
    assert_eq!(f.missing_seconds, 600);
    assert_eq!(f.downtime_seconds, 600);
    assert_eq!(f.uptime.to_string(), "99.976%");
    // Budget: 0.5% of 41,760 min = 208.8 min = 12,528 s; 600 s used.
    assert_eq!(f.budget_left_seconds, 12_528 - 600);
}

#[test]
fn samples_out_of_order_or_overlapping_are_refused() {
    let b = block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Up);
    let mut s = SampleSeries::new(&b);
    assert_eq!(s.push(t("2024-01-01T00:01:00Z"), false), Ok(()));
    assert_eq!(
        s.push(t("2024-01-01T00:00:00Z"), false),
        Err(SampleError::OutOfOrder {
            previous: t("2024-01-01T00:01:00Z")
        })
    );
    assert_eq!(
        s.push(t("2024-01-01T00:01:00Z"), false),
        Err(SampleError::Duplicate)
    );
    assert_eq!(
        s.push(t("2024-01-01T00:01:30Z"), false),
        Err(SampleError::Overlaps {
            previous: t("2024-01-01T00:01:00Z"),
            every: 60
        })
    );
    // The refused samples changed nothing: the next minute still follows.
    assert_eq!(s.push(t("2024-01-01T00:02:00Z"), true), Ok(()));
    let o = s.into_observed();
    assert_eq!(
        o.covered,
        Some(vec![w("2024-01-01T00:01:00Z", "2024-01-01T00:03:00Z")])
    );
    assert_eq!(
        o.down,
        vec![w("2024-01-01T00:02:00Z", "2024-01-01T00:03:00Z")]
    );
}

#[test]
fn down_rules_read_the_sample() {
    let mut b = block("UTC", MaintenanceRule::CountsAsUp, MissingRule::Up);
    assert!(is_down(&b, Some(false), |_| None));
    b.down = vec![
        DownRule::Fails {
            check: "health_check".into(),
        },
        DownRule::Threshold {
            signal: "error_rate".into(),
            op: crate::ir::CmpOp::Gt,
            value: Percent(50_000),
        },
    ];
    let rate = |p: i64| move |n: &str| (n == "error_rate").then_some(Percent(p));
    assert!(!is_down(&b, Some(true), rate(50_000)), "5% is not > 5%");
    assert!(is_down(&b, Some(true), rate(50_001)));
    assert!(is_down(&b, Some(false), rate(0)));
    assert!(!is_down(&b, None, |_| None));
}

#[test]
fn rounding_is_half_up_and_exact_for_the_objective() {
    // 199 of 200 = 99.5% exactly: met.
    let u = Uptime {
        up: 199,
        counted: 200,
    };
    assert_eq!(u.to_string(), "99.500%");
    assert!(u.at_least(Percent(995_000)));
    // 99.4999..% prints 99.500% but is below 99.5%: breached.
    let u = Uptime {
        up: 1_989_999,
        counted: 2_000_000,
    };
    assert_eq!(u.to_string(), "99.500%");
    assert!(!u.at_least(Percent(995_000)));
    // 1 of 200,000 = 0.0005% rounds half up to 0.001%.
    let u = Uptime {
        up: 1,
        counted: 200_000,
    };
    assert_eq!(u.to_string(), "0.001%");
    assert_eq!(Uptime { up: 0, counted: 0 }.to_string(), "100.000%");
}

#[test]
fn months_parse() {
    assert_eq!(
        Month::parse("2024-02"),
        Some(Month {
            year: 2024,
            month: 2
        })
    );
    assert_eq!(Month::parse("2024-13"), None);
    assert_eq!(Month::parse("24-02"), None);
    assert_eq!(month("2024-12").next().to_string(), "2025-01");
}

fn arb_windows() -> impl Strategy<Value = Vec<Window>> {
    // Minutes within January and February 2024 (UTC), lengths up to 3 days.
    let base = t("2024-01-01T00:00:00Z").timestamp();
    prop::collection::vec((0i64..86_400, 1i64..4_320), 0..12).prop_map(move |v| {
        v.into_iter()
            .map(|(s, len)| window(base + s * 60, base + (s + len) * 60))
            .collect()
    })
}

fn arb_block() -> impl Strategy<Value = Availability> {
    (
        prop::sample::select(vec!["UTC", "America/Chicago", "Asia/Kolkata"]),
        prop::bool::ANY,
    )
        .prop_map(|(zone, excl)| {
            let rule = if excl {
                MaintenanceRule::Excluded
            } else {
                MaintenanceRule::CountsAsUp
            };
            block(zone, rule, MissingRule::Up)
        })
}

proptest! {
    #[test]
    fn uptime_never_exceeds_100_percent(b in arb_block(), down in arb_windows(), maint in arb_windows()) {
        let o = Observed { down, maintenance: maint, ..Observed::default() };
        for f in monthly_on(&b, &no_calendars(), &o, &[month("2024-01"), month("2024-02")]).unwrap_or_default() {
            prop_assert!(f.uptime.thousandths() <= 100_000);
            prop_assert!(f.uptime.up <= f.uptime.counted);
            prop_assert!(f.downtime_seconds >= 0 && f.uptime.up >= 0);
        }
    }

    #[test]
    fn adding_downtime_never_raises_uptime(b in arb_block(), down in arb_windows(), more in arb_windows(), maint in arb_windows()) {
        let months = [month("2024-01"), month("2024-02")];
        let o = Observed { down: down.clone(), maintenance: maint.clone(), ..Observed::default() };
        let mut worse = o.clone();
        worse.down.extend(more);
        let a = monthly_on(&b, &no_calendars(), &o, &months).unwrap_or_default();
        let z = monthly_on(&b, &no_calendars(), &worse, &months).unwrap_or_default();
        prop_assert_eq!(a.len(), z.len());
        for (x, y) in a.iter().zip(&z) {
            // up/counted can only shrink: compare the exact fractions.
            prop_assert!(i128::from(y.uptime.up) * i128::from(x.uptime.counted)
                <= i128::from(x.uptime.up) * i128::from(y.uptime.counted));
            prop_assert!(y.downtime_seconds >= x.downtime_seconds);
        }
    }

    #[test]
    fn splitting_an_incident_changes_nothing(b in arb_block(), down in arb_windows(), maint in arb_windows(), cut in 0i64..4_320, which in 0usize..12) {
        let months = [month("2024-01"), month("2024-02")];
        let o = Observed { down: down.clone(), maintenance: maint, ..Observed::default() };
        let mut split = o.clone();
        if !split.down.is_empty() {
            let i = which % split.down.len();
            let x = split.down[i];
            let len = (x.end - x.start).num_minutes();
            let mid = x.start + chrono::Duration::minutes(cut % len.max(1));
            split.down[i].end = mid;
            split.down.push(Window { start: mid, end: x.end });
        }
        prop_assert_eq!(
            monthly_on(&b, &no_calendars(), &o, &months).unwrap_or_default(),
            monthly_on(&b, &no_calendars(), &split, &months).unwrap_or_default()
        );
    }
}

proptest! {
    #[test]
    fn samples_and_the_same_incidents_give_the_same_figures(
        downs in prop::collection::vec(prop::bool::weighted(0.05), 1..3000),
        zone in prop::sample::select(vec!["UTC", "America/Chicago"]),
    ) {
        // Per-minute samples from 2024-02-29T20:00Z (across the end of
        // February in both zones), each down minute also written as a
        // one-minute outage: with missing samples counted as up, both
        // inputs must give the same months and figures (gaps aside).
        let b = block(zone, MaintenanceRule::CountsAsUp, MissingRule::Up);
        let start = t("2024-02-29T20:00:00Z");
        let mut series = SampleSeries::new(&b);
        let mut incidents = Observed::default();
        for (i, down) in downs.iter().enumerate() {
            let at = start + chrono::Duration::minutes(i as i64);
            prop_assert!(series.push(at, *down).is_ok());
            if *down {
                incidents.down.push(Window { start: at, end: at + chrono::Duration::minutes(1) });
            }
        }
        let sampled = series.into_observed();
        let months = months_spanned(&b, &sampled).unwrap_or_default();
        let a = monthly_on(&b, &no_calendars(), &sampled, &months).unwrap_or_default();
        let z = monthly_on(&b, &no_calendars(), &incidents, &months).unwrap_or_default();
        prop_assert_eq!(a.len(), z.len());
        for (x, y) in a.iter().zip(&z) {
            prop_assert_eq!(x.downtime_seconds, y.downtime_seconds);
            prop_assert_eq!(x.uptime, y.uptime);
            prop_assert_eq!(x.met, y.met);
            prop_assert_eq!(x.budget_left_seconds, y.budget_left_seconds);
        }
        let total_down: i64 = a.iter().map(|f| f.downtime_seconds).sum();
        prop_assert_eq!(total_down, 60 * downs.iter().filter(|d| **d).count() as i64);
    }
}
