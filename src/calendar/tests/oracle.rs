//! Property tests: the engine against a slow, obviously-correct oracle.
//!
//! The oracle knows nothing of the engine's year tables, prefix sums or DST
//! code. It turns every local range of every date in a window into instants
//! by trying each UTC offset the zone uses nearby (keeping the candidates that
//! read back as the same wall time: the earliest one; none means a DST gap,
//! read with the smaller, pre-gap offset), combines sets by sweeping over
//! every boundary and testing membership point by point, and answers each
//! query by walking the intervals one by one.
//!
//! Cases per property: 1,500 by default; set `SLATE_PROPTEST_CASES` for a
//! longer run (`SLATE_PROPTEST_CASES=200000 cargo test --release --lib
//! calendar::tests`).

/// The generated calendars are weekly or expressions; a calendar chosen per
/// ticket is resolved by the evaluator before any calendar query.
const NO_SELECTORS: &str = "the oracle never generates a calendar chosen per ticket";

use crate::calendar::{CalendarSet, SegmentState};
use crate::ir::{
    Calendar, CalendarDef, CalendarExpr, CalendarId, Closure, DateRule, OpenOverride, TimeRange,
    WeeklyCalendar,
};
use crate::source::Span;
use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

const DAY: i64 = 86_400;
const H: i64 = 3_600;

const ZONES: &[&str] = &[
    "America/Chicago",
    "Europe/Helsinki",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
    "Pacific/Apia",
    "UTC",
    "Europe/London",
];

/// Local dates around DST changes and other oddities (the property tests
/// centre most cases on these).
const HOT_DATES: &[(i32, u32, u32)] = &[
    (2026, 3, 8),
    (2026, 3, 29),
    (2026, 10, 25),
    (2026, 11, 1),
    (2026, 4, 5),
    (2026, 10, 4),
    (2018, 11, 4),
    (2018, 2, 18),
    (2011, 12, 30),
    (2011, 9, 24),
    (2012, 4, 1),
    (2024, 2, 29),
    (2026, 12, 31),
    (1999, 12, 31),
];

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

// ---------------------------------------------------------------- oracle --

fn offset(tz: Tz, u: i64) -> i64 {
    let dt = DateTime::from_timestamp(u, 0)
        .expect("in range")
        .naive_utc();
    i64::from(tz.offset_from_utc_datetime(&dt).fix().local_minus_utc())
}

fn midnight_wall(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .expect("midnight")
        .and_utc()
        .timestamp()
}

/// The instant of local `d` 00:00 + `secs`, from first principles.
fn o_local(tz: Tz, d: NaiveDate, secs: i64) -> i64 {
    let wall = midnight_wall(d) + secs;
    let mut offs: Vec<i64> = [-16, -8, 0, 8, 16]
        .iter()
        .map(|h| offset(tz, wall + h * H))
        .collect();
    offs.sort_unstable();
    offs.dedup();
    let valid = offs
        .iter()
        .map(|o| wall - o)
        .filter(|&u| offset(tz, u) == wall - u)
        .min();
    valid.unwrap_or(wall - offs[0])
}

fn member(set: &[(i64, i64)], x: i64) -> bool {
    set.iter().any(|&(s, e)| s <= x && x < e)
}

/// The set of points in `[lo, hi)` where `pred` holds of the memberships.
fn sweep(
    sets: &[&[(i64, i64)]],
    lo: i64,
    hi: i64,
    pred: impl Fn(&[bool]) -> bool,
) -> Vec<(i64, i64)> {
    let mut cuts = vec![lo, hi];
    for s in sets {
        for &(a, b) in s.iter() {
            cuts.extend([a, b].into_iter().filter(|&x| x > lo && x < hi));
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(i64, i64)> = Vec::new();
    for w in cuts.windows(2) {
        let m: Vec<bool> = sets.iter().map(|s| member(s, w[0])).collect();
        if pred(&m) {
            match out.last_mut() {
                Some(l) if l.1 == w[0] => l.1 = w[1],
                _ => out.push((w[0], w[1])),
            }
        }
    }
    out
}

struct Oracle<'a> {
    cals: &'a [Calendar],
    lo: i64,
    hi: i64,
}

struct ODay {
    first: i64,
    last: i64,
    date: NaiveDate,
}

impl Oracle<'_> {
    fn dates(&self) -> Vec<NaiveDate> {
        let mut d = DateTime::from_timestamp(self.lo - 3 * DAY, 0)
            .expect("lo")
            .date_naive();
        let end = DateTime::from_timestamp(self.hi + 3 * DAY, 0)
            .expect("hi")
            .date_naive();
        let mut out = Vec::new();
        while d <= end {
            out.push(d);
            d = d.succ_opt().expect("next date");
        }
        out
    }

    fn day_ranges(w: &WeeklyCalendar, tz: Tz, d: NaiveDate) -> Vec<(i64, i64)> {
        let next = d.succ_opt().expect("next date");
        if o_local(tz, next, 0) <= o_local(tz, d, 0) {
            return Vec::new(); // the date never happened
        }
        let overrides: Vec<&OpenOverride> = w.overrides.iter().filter(|o| o.date == d).collect();
        let ranges: Vec<TimeRange> = if overrides.is_empty() {
            w.weekly[d.weekday().num_days_from_monday() as usize].clone()
        } else {
            overrides
                .iter()
                .flat_map(|o| o.ranges.iter().copied())
                .collect()
        };
        ranges
            .iter()
            .map(|r| {
                (
                    o_local(tz, d, i64::from(r.start)),
                    o_local(tz, d, i64::from(r.end)),
                )
            })
            .filter(|p| p.1 > p.0)
            .collect()
    }

    fn closures(&self, w: &WeeklyCalendar, tz: Tz) -> Vec<(i64, i64)> {
        let mut out = Vec::new();
        for d in self.dates() {
            for c in &w.closed {
                let hit = match c.date {
                    DateRule::Date { date } => date == d,
                    DateRule::Yearly { month, day } => d.month() == month && d.day() == day,
                };
                if hit {
                    let (s, e) = c
                        .range
                        .map_or((0, DAY), |r| (i64::from(r.start), i64::from(r.end)));
                    out.push((o_local(tz, d, s), o_local(tz, d, e)));
                }
            }
        }
        out
    }

    fn open(&self, id: usize) -> Vec<(i64, i64)> {
        match &self.cals[id].def {
            CalendarDef::Weekly(w) => {
                let tz: Tz = w.zone.parse().expect("zone");
                let ranges: Vec<(i64, i64)> = self
                    .dates()
                    .into_iter()
                    .flat_map(|d| Oracle::day_ranges(w, tz, d))
                    .collect();
                let closed = self.closures(w, tz);
                sweep(&[&ranges, &closed], self.lo, self.hi, |m| m[0] && !m[1])
            }
            CalendarDef::Expr { expr } => self.eval(expr),
            CalendarDef::Select(_) => unreachable!("{}", NO_SELECTORS),
        }
    }

    fn eval(&self, e: &CalendarExpr) -> Vec<(i64, i64)> {
        let two = |l: &CalendarExpr, r: &CalendarExpr, f: fn(bool, bool) -> bool| {
            let (a, b) = (self.eval(l), self.eval(r));
            sweep(&[&a, &b], self.lo, self.hi, |m| f(m[0], m[1]))
        };
        match e {
            CalendarExpr::Always => vec![(self.lo, self.hi)],
            CalendarExpr::Ref { calendar } => self.open(calendar.index()),
            CalendarExpr::Union { left, right } => two(left, right, |a, b| a || b),
            CalendarExpr::Intersection { left, right } => two(left, right, |a, b| a && b),
            CalendarExpr::Difference { left, right } => two(left, right, |a, b| a && !b),
        }
    }

    /// Closed-for-a-reason points: every closure reachable, and the
    /// subtracted side of a difference.
    fn labelled(&self, id: usize) -> Vec<(i64, i64)> {
        fn walk(o: &Oracle<'_>, e: &CalendarExpr, out: &mut Vec<(i64, i64)>) {
            match e {
                CalendarExpr::Always => {}
                CalendarExpr::Ref { calendar } => out.extend(o.labelled(calendar.index())),
                CalendarExpr::Union { left, right }
                | CalendarExpr::Intersection { left, right } => {
                    walk(o, left, out);
                    walk(o, right, out);
                }
                CalendarExpr::Difference { left, right } => {
                    walk(o, left, out);
                    walk(o, right, out);
                    out.extend(o.eval(right));
                }
            }
        }
        match &self.cals[id].def {
            CalendarDef::Weekly(w) => self.closures(w, w.zone.parse().expect("zone")),
            CalendarDef::Expr { expr } => {
                let mut out = Vec::new();
                walk(self, expr, &mut out);
                out
            }
            CalendarDef::Select(_) => unreachable!("{}", NO_SELECTORS),
        }
    }

    fn day_zone(&self, e: &CalendarExpr) -> Option<Tz> {
        match e {
            CalendarExpr::Always => None,
            CalendarExpr::Ref { calendar } => match &self.cals[calendar.index()].def {
                CalendarDef::Weekly(w) => Some(w.zone.parse().expect("zone")),
                CalendarDef::Expr { expr } => self.day_zone(expr),
                CalendarDef::Select(_) => unreachable!("{}", NO_SELECTORS),
            },
            CalendarExpr::Union { left, right }
            | CalendarExpr::Intersection { left, right }
            | CalendarExpr::Difference { left, right } => {
                self.day_zone(left).or_else(|| self.day_zone(right))
            }
        }
    }

    /// Business days (sorted by first open instant) and their zone.
    fn days(&self, id: usize) -> (Vec<ODay>, Tz) {
        let mut days = Vec::new();
        let tz = match &self.cals[id].def {
            CalendarDef::Weekly(w) => {
                let tz: Tz = w.zone.parse().expect("zone");
                let closed = self.closures(w, tz);
                for d in self.dates() {
                    let r = Oracle::day_ranges(w, tz, d);
                    let open = sweep(&[&r, &closed], i64::MIN / 4, i64::MAX / 4, |m| {
                        m[0] && !m[1]
                    });
                    if let (Some(f), Some(l)) = (open.first(), open.last()) {
                        days.push(ODay {
                            first: f.0,
                            last: l.1,
                            date: d,
                        });
                    }
                }
                tz
            }
            CalendarDef::Expr { expr } => {
                let tz = self.day_zone(expr).unwrap_or(Tz::UTC);
                let open = self.eval(expr);
                for d in self.dates() {
                    let m0 = o_local(tz, d, 0);
                    let m1 = o_local(tz, d.succ_opt().expect("next"), 0);
                    let part = sweep(
                        &[&open],
                        m0.max(self.lo),
                        m1.min(self.hi).max(m0.max(self.lo)),
                        |m| m[0],
                    );
                    if let (Some(f), Some(l)) = (part.first(), part.last()) {
                        days.push(ODay {
                            first: f.0,
                            last: l.1,
                            date: d,
                        });
                    }
                }
                tz
            }
            CalendarDef::Select(_) => unreachable!("{}", NO_SELECTORS),
        };
        days.sort_by_key(|d| (d.first, d.last, d.date));
        (days, tz)
    }
}

fn o_between(set: &[(i64, i64)], a: i64, b: i64) -> i64 {
    set.iter().map(|&(s, e)| (e.min(b) - s.max(a)).max(0)).sum()
}

fn o_add(set: &[(i64, i64)], t: i64, d: i64) -> Option<i64> {
    if d == 0 {
        return Some(t);
    }
    let mut rem = d;
    for &(s, e) in set.iter().filter(|p| p.1 > t) {
        let s = s.max(t);
        if e - s >= rem {
            return Some(s + rem);
        }
        rem -= e - s;
    }
    None
}

fn o_sub(set: &[(i64, i64)], t: i64, d: i64) -> Option<i64> {
    if d == 0 {
        return Some(t);
    }
    let mut rem = d;
    for &(s, e) in set.iter().rev().filter(|p| p.0 < t) {
        let e = e.min(t);
        if e - s >= rem {
            return Some(e - rem);
        }
        rem -= e - s;
    }
    None
}

/// Business-day addition straight from the definition in the engine's docs.
fn o_add_days(days: &[ODay], tz: Tz, t: i64, n: i64, safe: (i64, i64)) -> Option<i64> {
    let ok = |i: i64| -> Option<&ODay> {
        let d = days.get(usize::try_from(i).ok()?)?;
        (d.first >= safe.0 && d.last <= safe.1).then_some(d)
    };
    if n == 0 {
        return Some(t);
    }
    // Strictly inside: an opening or a closing is the boundary between two
    // days, never a position within one.
    let inside = days
        .iter()
        .rposition(|d| d.first < t)
        .filter(|&i| t < days[i].last);
    if let Some(i) = inside {
        let from = ok(i as i64)?;
        let to = ok(i as i64 + n)?;
        let tod = t + offset(tz, t) - midnight_wall(from.date);
        return Some(o_local(tz, to.date, tod).clamp(to.first, to.last));
    }
    if n > 0 {
        let d0 = days.iter().position(|d| d.first >= t)? as i64;
        ok(d0 - 1).or(ok(d0))?;
        Some(ok(d0 + n - 1)?.last)
    } else {
        let d0 = days.iter().rposition(|d| d.first < t)? as i64;
        ok(d0)?;
        Some(ok(d0 + n + 1)?.first)
    }
}

/// A deadline target's instant straight from its definition
/// (docs/language.md, "Deadline targets"): day zero is the latest-starting
/// day with `first <= t` when `t < last`, else the next day to open; the
/// answer is local time `tod` on the date of the `n`-th day after it, or
/// that day's `last`.
fn o_deadline(
    days: &[ODay],
    tz: Tz,
    t: i64,
    n: i64,
    tod: Option<i64>,
    safe: (i64, i64),
) -> Option<i64> {
    let zero = match days.iter().rposition(|d| d.first <= t) {
        Some(i) if t < days[i].last => i,
        _ => days.iter().position(|d| d.first > t)?,
    };
    let d = days.get(zero + usize::try_from(n).ok()?)?;
    if d.first < safe.0 || d.last > safe.1 || days[zero].first < safe.0 {
        return None;
    }
    Some(match tod {
        Some(s) => o_local(tz, d.date, s),
        None => d.last,
    })
}

// ------------------------------------------------------------ generators --

/// A closure: days after the anchor, yearly or not, partial range.
type ClosureSpec = (i64, bool, Option<(u32, u32)>);

#[derive(Debug, Clone)]
struct WeeklySpec {
    zone: usize,
    days: [Vec<(u32, u32)>; 7],
    closures: Vec<ClosureSpec>,
    overrides: Vec<(i64, Vec<(u32, u32)>)>,
}

#[derive(Debug, Clone)]
struct Case {
    a: WeeklySpec,
    b: WeeklySpec,
    shape: u8,
    anchor: NaiveDate,
    t_off: i64,
    snap: u8,
    d: i64,
    n: i64,
}

fn arb_range() -> impl Strategy<Value = (u32, u32)> {
    prop_oneof![
        3 => (0u32..96, 1u32..=40).prop_map(|(s, l)| (s * 900, s * 900 + l * 900)),
        1 => (0u32..1440, 1u32..=1440).prop_map(|(s, l)| (s * 60, s * 60 + l * 60)),
        1 => (0u32..86_400, 1u32..=86_400).prop_map(|(s, l)| (s, s + l)),
    ]
}

fn arb_day() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec(arb_range(), 0..3).prop_map(|mut v| {
        v.sort_unstable();
        v
    })
}

fn arb_weekly() -> impl Strategy<Value = WeeklySpec> {
    (
        0..ZONES.len(),
        [
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
            arb_day(),
        ],
        prop::collection::vec(
            (-12i64..40, any::<bool>(), prop::option::of(arb_range())),
            0..4,
        ),
        prop::collection::vec((-12i64..40, arb_day()), 0..3),
    )
        .prop_map(|(zone, days, closures, overrides)| WeeklySpec {
            zone,
            days,
            closures,
            overrides,
        })
}

fn arb_anchor() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        3 => (0..HOT_DATES.len(), -2i64..3).prop_map(|(i, k)| {
            let (y, m, d) = HOT_DATES[i];
            NaiveDate::from_ymd_opt(y, m, d).expect("hot date") + chrono::Duration::days(k)
        }),
        1 => (0i64..(70 * 365)).prop_map(|k| NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + chrono::Duration::days(k)),
        // Anywhere in the supported range, historic offsets included.
        1 => (0i64..(299 * 365)).prop_map(|k| NaiveDate::from_ymd_opt(1900, 3, 1).expect("start") + chrono::Duration::days(k)),
    ]
}

fn arb_case() -> impl Strategy<Value = Case> {
    (
        arb_weekly(),
        arb_weekly(),
        0u8..8,
        arb_anchor(),
        -3 * DAY..3 * DAY,
        0u8..4,
        prop_oneof![(0i64..=80 * H), (0i64..=320).prop_map(|q| q * 900)],
        -6i64..=6,
    )
        .prop_map(|(a, b, shape, anchor, t_off, snap, d, n)| Case {
            a,
            b,
            shape,
            anchor,
            t_off,
            snap,
            d,
            n,
        })
}

fn tr((start, end): (u32, u32)) -> TimeRange {
    TimeRange { start, end }
}

fn build_weekly(spec: &WeeklySpec, anchor: NaiveDate) -> WeeklyCalendar {
    let day = |k: i64| anchor + chrono::Duration::days(k);
    WeeklyCalendar {
        zone: ZONES[spec.zone].to_string(),
        weekly: spec.days.clone().map(|d| d.into_iter().map(tr).collect()),
        closed: spec
            .closures
            .iter()
            .map(|&(k, yearly, range)| Closure {
                date: if yearly {
                    DateRule::Yearly {
                        month: day(k).month(),
                        day: day(k).day(),
                    }
                } else {
                    DateRule::Date { date: day(k) }
                },
                range: range.map(tr),
                label: Some(format!("closure {k}")),
                span: Span::default(),
            })
            .collect(),
        overrides: spec
            .overrides
            .iter()
            .map(|(k, r)| OpenOverride {
                date: day(*k),
                ranges: r.iter().copied().map(tr).collect(),
                span: Span::default(),
            })
            .collect(),
    }
}

/// Calendars `a`, `b` and the one under test (always the last).
fn build(c: &Case) -> Vec<Calendar> {
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
    let expr = match c.shape {
        0 => CalendarExpr::Ref {
            calendar: CalendarId(0),
        },
        1 => CalendarExpr::Union {
            left: r(0),
            right: r(1),
        },
        2 => CalendarExpr::Intersection {
            left: r(0),
            right: r(1),
        },
        3 => CalendarExpr::Difference {
            left: r(0),
            right: r(1),
        },
        4 => CalendarExpr::Difference {
            left: Box::new(CalendarExpr::Always),
            right: r(0),
        },
        5 => CalendarExpr::Union {
            left: r(0),
            right: Box::new(CalendarExpr::Always),
        },
        // The same set as `a`, the long way round.
        6 => CalendarExpr::Union {
            left: Box::new(CalendarExpr::Difference {
                left: r(0),
                right: r(1),
            }),
            right: Box::new(CalendarExpr::Intersection {
                left: r(1),
                right: r(0),
            }),
        },
        _ => CalendarExpr::Always,
    };
    let a = cal("a", CalendarDef::Weekly(build_weekly(&c.a, c.anchor)));
    let b = cal("b", CalendarDef::Weekly(build_weekly(&c.b, c.anchor)));
    let top = match c.shape {
        0 => cal("top", a.def.clone()),
        _ => cal("top", CalendarDef::Expr { expr }),
    };
    vec![a, b, top]
}

struct World {
    cals: Vec<Calendar>,
    set: CalendarSet,
    lo: i64,
    hi: i64,
    t: i64,
    open: Vec<(i64, i64)>,
}

fn world(c: &Case) -> Option<World> {
    let cals = build(c);
    // A calendar with no hours at all is the checker's to refuse (E0204):
    // leave it out here.
    let no_hours = |w: &WeeklySpec| {
        w.days.iter().all(|d| d.is_empty()) && w.overrides.iter().all(|o| o.1.is_empty())
    };
    if no_hours(&c.a) || no_hours(&c.b) {
        return None;
    }
    let set = CalendarSet::new(&cals);
    let base = midnight_wall(c.anchor);
    let (lo, hi) = (base - 30 * DAY, base + 45 * DAY);
    let oracle = Oracle {
        cals: &cals,
        lo,
        hi,
    };
    let open = oracle.open(2);
    let mut t = base + c.t_off;
    // Sometimes start exactly on an opening or closing boundary.
    if c.snap > 1 {
        let edges: Vec<i64> = open
            .iter()
            .flat_map(|p| [p.0, p.1])
            .filter(|&x| (x - t).abs() < 3 * DAY)
            .collect();
        if !edges.is_empty() {
            t = edges[(c.t_off.unsigned_abs() as usize) % edges.len()];
        }
    }
    Some(World {
        cals,
        set,
        lo,
        hi,
        t,
        open,
    })
}

fn utc(s: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(s, 0).expect("in range")
}

const TOP: CalendarId = CalendarId(2);

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// add, sub, between, is_open, next_open, next_close and segments
    /// against the oracle, plus round-trip properties.
    #[test]
    fn open_time_matches_oracle(c in arb_case()) {
        let Some(w) = world(&c) else { return Ok(()) };
        let (s, t, d, open) = (&w.set, w.t, c.d, &w.open);
        let safe_hi = w.hi - 3 * DAY;

        prop_assert_eq!(s.is_open(TOP, utc(t)).unwrap(), member(open, t));
        let u = t + c.d / 2 + DAY;
        prop_assert_eq!(s.between(TOP, utc(t), utc(u)).unwrap(), o_between(open, t, u));
        prop_assert_eq!(s.between(TOP, utc(u), utc(t)).unwrap(), -o_between(open, t, u));

        if let Some(x) = o_add(open, t, d).filter(|&x| x < safe_hi) {
            let got = s.add_seconds(TOP, utc(t), d).unwrap();
            prop_assert_eq!(got, utc(x), "add");
            prop_assert_eq!(s.between(TOP, utc(t), got).unwrap(), d);
            // Going back lands on the first open instant at or after t.
            let back = s.sub_seconds(TOP, got, d).unwrap();
            prop_assert!(back >= utc(t));
            prop_assert_eq!(s.between(TOP, utc(t), back).unwrap(), 0);
            prop_assert_eq!(s.between(TOP, back, got).unwrap(), d);
        }
        if let Some(x) = o_sub(open, t, d).filter(|&x| x > w.lo + 3 * DAY) {
            let got = s.sub_seconds(TOP, utc(t), d).unwrap();
            prop_assert_eq!(got, utc(x), "sub");
            prop_assert_eq!(s.add_seconds(TOP, utc(t), -d).unwrap(), got);
            // Going forward lands on the last close at or before t.
            let fwd = s.add_seconds(TOP, got, d).unwrap();
            prop_assert!(fwd <= utc(t));
            prop_assert_eq!(s.between(TOP, fwd, utc(t)).unwrap(), 0);
            prop_assert_eq!(s.between(TOP, got, fwd).unwrap(), d);
        }
        if let Some(&(a, _)) = open.iter().find(|p| p.1 > t) {
            if a < safe_hi {
                prop_assert_eq!(s.next_open(TOP, utc(t)).unwrap(), Some(utc(a.max(t))));
            }
        }
        let close = match open.iter().find(|p| p.0 <= t && t < p.1) {
            None => Some(t),
            Some(&(_, e)) => (e < w.hi).then_some(e),
        };
        if let Some(x) = close {
            prop_assert_eq!(s.next_close(TOP, utc(t)).unwrap(), Some(utc(x)));
        }

        // Segments: contiguous, open pieces exactly the oracle's, closed
        // pieces labelled exactly where a closure (or subtracted calendar) is.
        let (a, b) = (t - DAY, t + 2 * DAY);
        let segs = s.segments(TOP, utc(a), utc(b)).unwrap();
        let labelled = Oracle { cals: &w.cals, lo: w.lo, hi: w.hi }.labelled(2);
        let mut cur = utc(a);
        let mut got_open = Vec::new();
        for g in &segs {
            prop_assert_eq!(g.start, cur);
            prop_assert!(g.end > g.start);
            cur = g.end;
            let (gs, ge) = (g.start.timestamp(), g.end.timestamp());
            match &g.state {
                SegmentState::Open => got_open.push((gs, ge)),
                SegmentState::Closed { .. } => prop_assert!(member(&labelled, gs) && member(&labelled, ge - 1)),
                SegmentState::OutsideHours => prop_assert!(!member(&labelled, gs) && !member(&labelled, ge - 1)),
            }
        }
        prop_assert_eq!(cur, utc(b));
        let want: Vec<(i64, i64)> = open.iter().filter(|p| p.1 > a && p.0 < b).map(|p| (p.0.max(a), p.1.min(b))).collect();
        prop_assert_eq!(got_open, want);
    }

    /// Business days against the oracle's reading of the definition.
    #[test]
    fn business_days_match_oracle(c in arb_case()) {
        let Some(w) = world(&c) else { return Ok(()) };
        let oracle = Oracle { cals: &w.cals, lo: w.lo, hi: w.hi };
        let (days, tz) = oracle.days(2);
        let safe = (w.lo + 4 * DAY, w.hi - 4 * DAY);
        if let Some(x) = o_add_days(&days, tz, w.t, c.n, safe) {
            prop_assert_eq!(w.set.add_business_days(TOP, utc(w.t), c.n).unwrap(), utc(x));
        }
        prop_assert_eq!(w.set.add_business_days(TOP, utc(w.t), 0).unwrap(), utc(w.t));
    }

    /// Deadline targets (`Nbd@hh:mm`, `Nbd@end`) against the oracle's
    /// reading of their definition, around DST changes in every zone.
    #[test]
    fn business_day_deadlines_match_oracle(c in arb_case(), tod in prop_oneof![Just(None), (0i64..=96).prop_map(|q| Some(q * 900))]) {
        let Some(w) = world(&c) else { return Ok(()) };
        let oracle = Oracle { cals: &w.cals, lo: w.lo, hi: w.hi };
        let (days, tz) = oracle.days(2);
        let safe = (w.lo + 4 * DAY, w.hi - 4 * DAY);
        let n = c.n.rem_euclid(4);
        if let Some(x) = o_deadline(&days, tz, w.t, n, tod, safe) {
            let at = tod.map(|s| s as u32);
            prop_assert_eq!(w.set.business_day_deadline(TOP, w.t, n as u32, at).unwrap(), x);
        }
    }
}
