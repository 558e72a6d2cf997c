//! Calendar operations on arbitrary weekly calendars, instants and
//! durations, compared with a slow oracle that walks the timeline minute by
//! minute.
//!
//! The oracle is exact for zones without DST (UTC, Tokyo, Kolkata at
//! +05:30, Kiritimati at +14); for zones with DST (Chicago, Helsinki, Lord
//! Howe with its 30-minute change) it checks the laws that hold everywhere
//! (`between(t, add(t, d)) == d`, `sub` undoes `add` on open time,
//! `is_open` agrees with `next_open`/`next_close`). Durations near
//! `i64::MAX` must give an error, never a panic or an overflow (the fuzz
//! profile keeps overflow checks on).
#![no_main]

use arbitrary::Arbitrary;
use chrono::{DateTime, Datelike, Duration as Delta, NaiveDate, Utc};
use libfuzzer_sys::fuzz_target;
use slate::{CalendarError, Duration};

/// (zone, UTC offset in minutes when it has no DST).
const ZONES: [(&str, Option<i64>); 7] = [
    ("UTC", Some(0)),
    ("Asia/Tokyo", Some(540)),
    ("Asia/Kolkata", Some(330)),
    ("Pacific/Kiritimati", Some(840)),
    ("America/Chicago", None),
    ("Europe/Helsinki", None),
    ("Australia/Lord_Howe", None),
];

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

#[derive(Arbitrary, Debug)]
struct Input {
    zone: u8,
    /// Per weekday, up to two ranges in quarter hours `(start, end)`; an end
    /// not after the start crosses midnight.
    days: [[Option<(u8, u8)>; 2]; 7],
    /// Closed whole dates: days after 2026-01-01.
    closed: Vec<u16>,
    ops: Vec<Op>,
}

#[derive(Arbitrary, Debug)]
enum Op {
    /// Minutes after 2026-01-01 (within two years), open minutes to add.
    Add(u32, u16),
    Sub(u32, u16),
    Between(u32, u16),
    IsOpen(u32),
    NextOpen(u32),
    /// Any duration at all (overflow and range checks).
    Huge(u32, i64, bool),
    BusinessDays(u32, i64),
}

fn hhmm(quarters: u8) -> String {
    let m = u32::from(quarters % 96) * 15;
    format!("{:02}:{:02}", m / 60, m % 60)
}

struct Oracle {
    offset: i64,
    /// Per weekday (Monday first), open ranges in minutes from local
    /// midnight, `end` up to 2880 for overnight ranges.
    ranges: [Vec<(i64, i64)>; 7],
    closed: Vec<NaiveDate>,
}

impl Oracle {
    /// Whether the minute starting at `t` (UTC minutes since the epoch) is
    /// open.
    fn open(&self, t: i64) -> bool {
        let local = t + self.offset;
        let day = local.div_euclid(1440);
        let m = local.rem_euclid(1440);
        let date = |d: i64| {
            DateTime::from_timestamp(d * 86_400, 0)
                .expect("in range")
                .date_naive()
        };
        let today = date(day);
        if self.closed.contains(&today) {
            return false;
        }
        let wd = |d: NaiveDate| d.weekday().num_days_from_monday() as usize;
        let yesterday = date(day - 1);
        self.ranges[wd(today)].iter().any(|&(s, e)| s <= m && m < e)
            || self.ranges[wd(yesterday)]
                .iter()
                .any(|&(s, e)| s <= m + 1440 && m + 1440 < e)
    }
}

const BASE: i64 = 29_453_760; // 2026-01-01T00:00Z in minutes
const SPAN: u32 = 2 * 366 * 1440;
/// How far the oracle walks (minutes): 21 days.
const WALK: i64 = 21 * 1440;

fn at(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(minute * 60, 0).expect("in range")
}

fn minutes(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

fuzz_target!(|input: Input| {
    let (zone, fixed) = ZONES[usize::from(input.zone) % ZONES.len()];
    let mut text = format!("policy \"F\" {{ calendar c }}\ncalendar c {{\n  zone \"{zone}\"\n");
    let mut ranges: [Vec<(i64, i64)>; 7] = Default::default();
    for (i, day) in input.days.iter().enumerate() {
        let list: Vec<(u8, u8)> = day
            .iter()
            .flatten()
            .map(|&(s, e)| (s % 96, e % 96))
            .collect();
        if list.is_empty() {
            continue;
        }
        let written: Vec<String> = list
            .iter()
            .map(|&(s, e)| format!("{}-{}", hhmm(s), hhmm(e)))
            .collect();
        text.push_str(&format!("  {} {}\n", DAYS[i], written.join(", ")));
        for &(s, e) in &list {
            let (s, mut e) = (i64::from(s) * 15, i64::from(e) * 15);
            if e <= s {
                e += 1440;
            }
            ranges[i].push((s, e));
        }
    }
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let closed: Vec<NaiveDate> = input
        .closed
        .iter()
        .take(20)
        .map(|&d| start + Delta::days(i64::from(d % 730)))
        .collect();
    for d in &closed {
        text.push_str(&format!("  closed {d}\n"));
    }
    text.push_str("}\nseverity s \"S\"\ntiers t\n");
    let Ok(compiled) = slate::compile(&slate::SourceFile::new("fuzz.sla", text.as_str())) else {
        return;
    };
    let cal = compiled.calendar("c").expect("declared");
    let oracle = fixed.map(|offset| Oracle {
        offset,
        ranges,
        closed,
    });
    for op in input.ops.iter().take(16) {
        match *op {
            Op::Add(t, d) | Op::Sub(t, d) => {
                let t = BASE + i64::from(t % SPAN);
                let d = i64::from(d % 4320);
                let forward = matches!(op, Op::Add(..));
                let r = if forward {
                    cal.add(at(t), Duration::Seconds(d * 60))
                } else {
                    cal.sub(at(t), Duration::Seconds(d * 60))
                };
                let Ok(u) = r else {
                    // Only a calendar with no open time fails here.
                    assert!(
                        matches!(r, Err(CalendarError::NeverOpen { .. })),
                        "{op:?}: {r:?}"
                    );
                    continue;
                };
                let (a, b) = if forward { (at(t), u) } else { (u, at(t)) };
                assert_eq!(cal.between(a, b).expect("in range"), d * 60, "{op:?}");
                if let Some(o) = &oracle {
                    let mut count = 0;
                    let mut m = t;
                    let step = if forward { 1 } else { -1 };
                    while count < d && (m - t).abs() < WALK {
                        let minute = if forward { m } else { m - 1 };
                        count += i64::from(o.open(minute));
                        m += step;
                    }
                    if count == d {
                        assert_eq!(minutes(u), m, "{op:?} in {zone}");
                    }
                }
            }
            Op::Between(t, len) => {
                let a = BASE + i64::from(t % SPAN);
                let b = a + i64::from(len % 20_160);
                let got = cal.between(at(a), at(b)).expect("in range");
                assert_eq!(cal.between(at(b), at(a)).expect("in range"), -got);
                if let Some(o) = &oracle {
                    let want: i64 = (a..b).map(|m| i64::from(o.open(m))).sum::<i64>() * 60;
                    assert_eq!(got, want, "{op:?} in {zone}");
                }
            }
            Op::IsOpen(t) => {
                let t = BASE + i64::from(t % SPAN);
                let open = cal.is_open(at(t)).expect("in range");
                if let Some(o) = &oracle {
                    assert_eq!(open, o.open(t), "{op:?} in {zone}");
                }
                let next = cal.next_open(at(t));
                if open {
                    assert_eq!(next.clone().ok().flatten(), Some(at(t)));
                    let close = cal.next_close(at(t)).expect("in range");
                    assert!(close.is_none_or(|c| c > at(t)), "{op:?}: closes at once");
                }
                if let (Some(o), Ok(Some(n))) = (&oracle, next) {
                    let n = minutes(n);
                    if n - t < WALK {
                        assert!(o.open(n), "{op:?}: next_open is not open");
                        assert!((t..n).all(|m| !o.open(m)), "{op:?}: an earlier open minute");
                    }
                }
            }
            Op::NextOpen(t) => {
                let t = BASE + i64::from(t % SPAN);
                if let Ok(Some(n)) = cal.next_open(at(t)) {
                    assert!(n >= at(t));
                    assert!(cal.is_open(n).expect("in range"), "{op:?}");
                }
            }
            Op::Huge(t, d, forward) => {
                let t = at(BASE + i64::from(t % SPAN));
                let r = if forward {
                    cal.add(t, Duration::Seconds(d))
                } else {
                    cal.sub(t, Duration::Seconds(d))
                };
                if let Ok(u) = r {
                    let (a, b) = if (d >= 0) == forward { (t, u) } else { (u, t) };
                    assert_eq!(
                        cal.between(a, b).expect("in range"),
                        d.unsigned_abs() as i64,
                        "{op:?}"
                    );
                }
            }
            Op::BusinessDays(t, n) => {
                let t = at(BASE + i64::from(t % SPAN));
                if let Ok(u) = cal.add(t, Duration::BusinessDays(n)) {
                    if n > 0 {
                        assert!(u >= t, "{op:?}");
                    } else {
                        assert!(u <= t, "{op:?}");
                    }
                }
            }
        }
    }
});
