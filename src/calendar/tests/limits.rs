//! Hostile shapes and sizes (issue 11): long reference chains, durations
//! near `i64::MAX`, lazy tables. Each test is a finding that once aborted,
//! panicked or built far more than the query needed.

use super::xorshift;
use crate::calendar::{CalendarError, CalendarSet};
use crate::ir::{Calendar, CalendarDef, CalendarExpr, CalendarId, TimeRange, WeeklyCalendar};
use crate::source::Span;
use chrono::{DateTime, Utc};

const H: i64 = 3600;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("rfc3339")
        .with_timezone(&Utc)
}

/// Mon-Fri 08:00-17:00 in `zone`.
fn office(name: &str, zone: &str) -> Calendar {
    let day = vec![TimeRange {
        start: 8 * 3600,
        end: 17 * 3600,
    }];
    let none = Vec::new();
    Calendar {
        name: name.to_string(),
        def: CalendarDef::Weekly(WeeklyCalendar {
            zone: zone.to_string(),
            weekly: [
                day.clone(),
                day.clone(),
                day.clone(),
                day.clone(),
                day,
                none.clone(),
                none,
            ],
            closed: Vec::new(),
            overrides: Vec::new(),
        }),
        span: Span::default(),
    }
}

fn reference(i: usize) -> Box<CalendarExpr> {
    Box::new(CalendarExpr::Ref {
        calendar: CalendarId(i as u32),
    })
}

/// `k0` (Mon-Fri 08-17 in `zone`), `r0 = k0`, `r_i = r_{i-1} | k0`: the
/// chain that aborted `slate eval` at 2,000 links and `slate time` at
/// 10,000. Calendar `links` is the last link.
fn chain(links: usize, zone: &str) -> Vec<Calendar> {
    let mut cals = vec![office("k0", zone)];
    cals.push(Calendar {
        name: "r0".into(),
        def: CalendarDef::Expr {
            expr: *reference(0),
        },
        span: Span::default(),
    });
    for i in 1..links {
        cals.push(Calendar {
            name: format!("r{i}"),
            def: CalendarDef::Expr {
                expr: CalendarExpr::Union {
                    left: reference(i),
                    right: reference(0),
                },
            },
            span: Span::default(),
        });
    }
    cals
}

/// Runs `f` on a thread with a small stack (256 KiB, an eighth of a rayon
/// worker's): building a calendar must not need a frame per reference.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no stack overflow")
}

#[test]
fn reference_chain_of_10000_links_needs_no_deep_stack() {
    let out = on_small_stack(|| {
        let set = CalendarSet::new(&chain(10_000, "UTC"));
        let last = CalendarId(10_000);
        // Fri 15:30Z + 4h: Fri 15:30-17:00 is 1h30m, Mon 08:00 + 2h30m.
        let add = set.add_seconds(last, utc("2026-03-06T15:30:00Z"), 4 * H);
        // Mon 2026-03-02 00:00 .. Mon 2026-03-09 00:00: five days of 9h.
        let week = set.between(
            last,
            utc("2026-03-02T00:00:00Z"),
            utc("2026-03-09T00:00:00Z"),
        );
        (add, week)
    });
    assert_eq!(out.0, Ok(utc("2026-03-09T10:30:00Z")));
    assert_eq!(out.1, Ok(45 * H));
}

#[test]
fn reference_chain_takes_the_zone_of_its_first_weekly_calendar() {
    // Business days of an expression are the local dates of its leftmost
    // weekly calendar, found through every link. Chicago: Fri 2026-03-06
    // 15:30 CST (21:30Z) + 1 business day = Mon 15:30 CDT (20:30Z), the
    // same wall time after the DST change of Sunday Mar 8.
    let out = on_small_stack(|| {
        let set = CalendarSet::new(&chain(3_000, "America/Chicago"));
        (
            set.zone_of(CalendarId(0)),
            set.add_business_days(CalendarId(3_000), utc("2026-03-06T21:30:00Z"), 1),
        )
    });
    assert_eq!(out.0, Some(chrono_tz::America::Chicago));
    assert_eq!(out.1, Ok(utc("2026-03-09T20:30:00Z")));
}

#[test]
fn durations_near_i64_limits_are_out_of_range_not_overflow() {
    // Found by a calendar fuzz run: in debug builds these overflowed
    // (`c[y] + v`, `r.1 as i64 + n`); release builds wrapped and happened
    // to give the right error. Every one is a clear OutOfRange.
    let set = CalendarSet::new(&[office("office", "UTC")]);
    let c = CalendarId(0);
    let t = utc("2026-03-06T15:30:00Z");
    let end = utc("2200-01-01T00:00:00Z");
    let start = utc("1900-01-01T00:00:00Z");
    for secs in [i64::MAX, i64::MAX - 1, i64::MAX / 2, 1 << 40] {
        assert_eq!(
            set.add_seconds(c, t, secs),
            Err(CalendarError::OutOfRange { at: end }),
            "+{secs}s"
        );
        assert_eq!(
            set.sub_seconds(c, t, secs),
            Err(CalendarError::OutOfRange { at: start }),
            "-{secs}s"
        );
    }
    for secs in [i64::MIN, i64::MIN + 1] {
        assert_eq!(
            set.add_seconds(c, t, secs),
            Err(CalendarError::OutOfRange { at: start }),
            "{secs}s"
        );
        assert_eq!(
            set.sub_seconds(c, t, secs),
            Err(CalendarError::OutOfRange { at: end }),
            "-({secs})s"
        );
    }
    for n in [i64::MAX, i64::MAX - 1, 1 << 40, 100_000] {
        assert_eq!(
            set.add_business_days(c, t, n),
            Err(CalendarError::OutOfRange { at: end }),
            "+{n}bd"
        );
    }
    for n in [i64::MIN, i64::MIN + 1, -(1 << 40), -100_000] {
        assert_eq!(
            set.add_business_days(c, t, n),
            Err(CalendarError::OutOfRange { at: start }),
            "{n}bd"
        );
    }
}

#[test]
fn tables_are_allocated_on_first_query_and_build_only_the_years_touched() {
    let set = CalendarSet::new(&[office("a", "UTC"), office("b", "UTC")]);
    // Nothing reserved before a query (it was ~11.5 KB per calendar).
    assert_eq!(set.built_years(CalendarId(0)), None);
    assert_eq!(set.built_years(CalendarId(1)), None);
    // A 100-year span builds those 100 years, not all 300 (the cumulative
    // index did once the span passed 12 years). 1950-01-01 .. 2050-01-01
    // touches the buckets of UTC years 1950..=2049 plus the year of the
    // end, 2050 (read for `open_before(end)`): 101.
    let open = set
        .between(
            CalendarId(0),
            utc("1950-01-01T00:00:00Z"),
            utc("2050-01-01T00:00:00Z"),
        )
        .expect("in range");
    assert!(open > 0);
    assert_eq!(set.built_years(CalendarId(0)), Some(101));
    assert_eq!(set.built_years(CalendarId(1)), None);
}

/// `utc_of` (an answer's instant found from its year's January 1) gives
/// what `to_utc` gives, for answers anywhere in the range, seconds, days or
/// centuries away from a start, both ways (the instants `add_seconds` and
/// `sub_seconds` return).
#[test]
fn utc_of_gives_what_to_utc_gives() {
    use crate::calendar::{to_utc, utc_of, MAX_SECONDS, MIN_SECONDS};
    let mut next = xorshift(0x2545_F491_4F6C_DD1D);
    let span = MAX_SECONDS - MIN_SECONDS + 1;
    for i in 0..200_000 {
        let s = MIN_SECONDS + next(span);
        let u = match i % 3 {
            0 => s + next(20 * H) - 10 * H,
            1 => s + next(800 * 24 * H) - 400 * 24 * H,
            _ => MIN_SECONDS + next(span),
        }
        .clamp(MIN_SECONDS, MAX_SECONDS);
        assert_eq!(utc_of(u), to_utc(u), "{s} -> {u}");
    }
}
