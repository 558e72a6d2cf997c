//! Turning checked calendars into per-year tables of open intervals.
//!
//! Each calendar gets one lazily built table per UTC year (1900..2199): its
//! open intervals clipped to the year, with prefix sums, and the labelled
//! closures that explain closed time. Business days get a second lazy table.

use super::intervals::{self, normalize, Intervals};
use super::zone::{date_of_wall, local_date, local_to_instant};
use super::CalendarError;
use crate::ir::{self, CalendarDef, CalendarExpr, CalendarId, DateRule};
use chrono::{Datelike, Days as ChronoDays, NaiveDate};
use chrono_tz::Tz;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// First UTC year covered.
pub(crate) const FIRST_YEAR: i32 = 1900;
/// Number of UTC years covered (1900..=2199).
pub(crate) const YEARS: usize = 300;

/// A closed stretch and why (`None`: no reason given).
pub(crate) type Label = (i64, i64, Option<String>);

/// Business days (local date, open intervals after closures).
type DayList = Vec<(NaiveDate, Vec<(i64, i64)>)>;

/// One year of one calendar.
#[derive(Debug, Default)]
pub(crate) struct Bucket {
    pub(crate) open: Intervals,
    pub(crate) labels: Vec<Label>,
}

/// The business days whose first open instant falls in one year, sorted by
/// that instant: day `i` is the local date `date[i]` (in the calendar's day
/// zone), open from `first[i]` to `last[i]`.
#[derive(Debug, Default)]
pub(crate) struct Days {
    pub(crate) date: Vec<NaiveDate>,
    pub(crate) first: Vec<i64>,
    pub(crate) last: Vec<i64>,
}

/// Weekly hours with their closures, in seconds.
#[derive(Debug)]
pub(crate) struct Weekly {
    pub(crate) tz: Tz,
    weekly: [Vec<(i64, i64)>; 7],
    overrides: BTreeMap<NaiveDate, Vec<(i64, i64)>>,
    closures: Vec<ClosureRule>,
    by_date: BTreeMap<NaiveDate, Vec<usize>>,
    by_month_day: BTreeMap<(u32, u32), Vec<usize>>,
}

#[derive(Debug)]
struct ClosureRule {
    range: Option<(i64, i64)>,
    label: Option<String>,
}

/// What a calendar is.
#[derive(Debug)]
pub(crate) enum Kind {
    Weekly(Box<Weekly>),
    Expr(CalendarExpr),
}

/// One calendar with its caches.
#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) name: String,
    pub(crate) kind: Kind,
    /// The zone whose local dates are business days.
    pub(crate) day_zone: Tz,
    pub(crate) buckets: Vec<OnceLock<Arc<Bucket>>>,
    pub(crate) days: Vec<OnceLock<Arc<Days>>>,
    pub(crate) open_cum: OnceLock<Vec<i64>>,
    pub(crate) day_cum: OnceLock<Vec<i64>>,
}

fn range_secs(r: &ir::TimeRange) -> (i64, i64) {
    (i64::from(r.start), i64::from(r.end))
}

/// The zone of a checked calendar. The checker refuses unknown zones
/// (`E0201`), so this cannot fail for a compiled policy; a hand-built IR
/// (tests only) with an unknown name counts as UTC.
pub(crate) fn parse_zone(zone: &str) -> Tz {
    zone.parse::<Tz>().unwrap_or(Tz::UTC)
}

impl Weekly {
    fn new(w: &ir::WeeklyCalendar) -> Weekly {
        let tz = parse_zone(&w.zone);
        let weekly = std::array::from_fn(|i| w.weekly[i].iter().map(range_secs).collect());
        let mut overrides: BTreeMap<NaiveDate, Vec<(i64, i64)>> = BTreeMap::new();
        for o in &w.overrides {
            overrides
                .entry(o.date)
                .or_default()
                .extend(o.ranges.iter().map(range_secs));
        }
        let mut closures = Vec::new();
        let mut by_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        let mut by_month_day: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
        for (i, c) in w.closed.iter().enumerate() {
            closures.push(ClosureRule {
                range: c.range.as_ref().map(range_secs),
                label: c.label.clone(),
            });
            match c.date {
                DateRule::Date { date } => by_date.entry(date).or_default().push(i),
                DateRule::Yearly { month, day } => {
                    by_month_day.entry((month, day)).or_default().push(i)
                }
            }
        }
        Weekly {
            tz,
            weekly,
            overrides,
            closures,
            by_date,
            by_month_day,
        }
    }

    /// The open intervals of the ranges that start on `date`, before closures.
    fn raw_day(&self, date: NaiveDate) -> Vec<(i64, i64)> {
        let ranges = match self.overrides.get(&date) {
            Some(r) => r,
            None => &self.weekly[date.weekday().num_days_from_monday() as usize],
        };
        // A date the zone skipped entirely (Pacific/Apia 2011-12-30) has no hours.
        let midnight = local_to_instant(self.tz, date, 0);
        if date
            .succ_opt()
            .is_some_and(|n| local_to_instant(self.tz, n, 0) <= midnight)
        {
            return Vec::new();
        }
        ranges
            .iter()
            .map(|&(s, e)| {
                (
                    local_to_instant(self.tz, date, s),
                    local_to_instant(self.tz, date, e),
                )
            })
            .filter(|p| p.1 > p.0)
            .collect()
    }

    /// The closures of `date` as instants, with labels.
    fn closures_of(&self, date: NaiveDate, out: &mut Vec<Label>) {
        let yearly = self.by_month_day.get(&(date.month(), date.day()));
        let dated = self.by_date.get(&date);
        for &i in dated
            .into_iter()
            .flatten()
            .chain(yearly.into_iter().flatten())
        {
            let c = &self.closures[i];
            let (s, e) = c.range.unwrap_or((0, 86_400));
            let (s, e) = (
                local_to_instant(self.tz, date, s),
                local_to_instant(self.tz, date, e),
            );
            if e > s {
                out.push((s, e, c.label.clone()));
            }
        }
    }

    /// Days (with their open intervals after closures) for local dates
    /// around the UTC span `[lo, hi)`, and the closures there.
    fn around(&self, lo: i64, hi: i64) -> (DayList, Vec<Label>) {
        let first = date_of_wall(lo)
            .checked_sub_days(ChronoDays::new(3))
            .unwrap_or(NaiveDate::MIN);
        let last = date_of_wall(hi)
            .checked_add_days(ChronoDays::new(3))
            .unwrap_or(NaiveDate::MAX);
        let mut labels = Vec::new();
        let mut d = first;
        while d <= last {
            self.closures_of(d, &mut labels);
            d = match d.succ_opt() {
                Some(n) => n,
                None => break,
            };
        }
        let cut = normalize(labels.iter().map(|l| (l.0, l.1)).collect());
        let mut days = Vec::new();
        let mut d = first.succ_opt().unwrap_or(first);
        let end = last.pred_opt().unwrap_or(last);
        while d <= end {
            let raw = self.raw_day(d);
            if !raw.is_empty() {
                let open = intervals::subtract_pairs(raw, &cut);
                if !open.is_empty() {
                    days.push((d, open));
                }
            }
            d = match d.succ_opt() {
                Some(n) => n,
                None => break,
            };
        }
        (days, labels)
    }
}

impl Node {
    /// Prepares one calendar of a checked policy. Nothing is decided here
    /// that the checker has not already decided: a calendar with no open
    /// time is refused by the checker (`E0204`) where it can be seen from
    /// the declaration, and otherwise reported by the first search that
    /// runs off the supported range ([`CalendarError::NeverOpen`]).
    pub(crate) fn new(cal: &ir::Calendar, all: &[ir::Calendar]) -> Node {
        let (kind, day_zone) = match &cal.def {
            CalendarDef::Weekly(w) => {
                let w = Weekly::new(w);
                let tz = w.tz;
                (Kind::Weekly(Box::new(w)), tz)
            }
            CalendarDef::Expr { expr } => {
                let zone = first_zone(expr, all, 0).unwrap_or(Tz::UTC);
                (Kind::Expr(expr.clone()), zone)
            }
        };
        Node {
            name: cal.name.clone(),
            kind,
            day_zone,
            buckets: (0..YEARS).map(|_| OnceLock::new()).collect(),
            days: (0..YEARS).map(|_| OnceLock::new()).collect(),
            open_cum: OnceLock::new(),
            day_cum: OnceLock::new(),
        }
    }
}

/// The zone of the leftmost weekly calendar an expression reaches.
/// (`None` for `24x7` alone; references are resolved and acyclic in a
/// checked policy, and a bad one in a hand-built IR gives `None`.)
fn first_zone(expr: &CalendarExpr, all: &[ir::Calendar], depth: usize) -> Option<Tz> {
    match expr {
        CalendarExpr::Always => None,
        CalendarExpr::Ref { calendar } => {
            let cal = all.get(calendar.index())?;
            if depth > all.len() {
                return None;
            }
            match &cal.def {
                CalendarDef::Weekly(w) => Some(parse_zone(&w.zone)),
                CalendarDef::Expr { expr } => first_zone(expr, all, depth + 1),
            }
        }
        CalendarExpr::Union { left, right }
        | CalendarExpr::Intersection { left, right }
        | CalendarExpr::Difference { left, right } => {
            first_zone(left, all, depth).or_else(|| first_zone(right, all, depth))
        }
    }
}

/// Checks that references exist and do not form cycles.
pub(crate) fn check_refs(all: &[ir::Calendar]) -> Result<(), CalendarError> {
    // 0 = unvisited, 1 = in progress, 2 = done.
    fn visit(i: usize, all: &[ir::Calendar], state: &mut [u8]) -> Result<(), CalendarError> {
        match state[i] {
            2 => return Ok(()),
            1 => return Err(CalendarError::NoSuchCalendar(CalendarId(i as u32))),
            _ => {}
        }
        state[i] = 1;
        if let CalendarDef::Expr { expr } = &all[i].def {
            let mut refs = Vec::new();
            collect_refs(expr, &mut refs);
            for r in refs {
                if r.index() >= all.len() {
                    return Err(CalendarError::NoSuchCalendar(r));
                }
                visit(r.index(), all, state)?;
            }
        }
        state[i] = 2;
        Ok(())
    }
    let mut state = vec![0u8; all.len()];
    for i in 0..all.len() {
        visit(i, all, &mut state)?;
    }
    Ok(())
}

fn collect_refs(expr: &CalendarExpr, out: &mut Vec<CalendarId>) {
    match expr {
        CalendarExpr::Always => {}
        CalendarExpr::Ref { calendar } => out.push(*calendar),
        CalendarExpr::Union { left, right }
        | CalendarExpr::Intersection { left, right }
        | CalendarExpr::Difference { left, right } => {
            collect_refs(left, out);
            collect_refs(right, out);
        }
    }
}

/// Builds one year of a weekly calendar.
pub(crate) fn weekly_bucket(w: &Weekly, lo: i64, hi: i64) -> Bucket {
    let (days, labels) = w.around(lo, hi);
    let pairs: Vec<(i64, i64)> = days.into_iter().flat_map(|(_, v)| v).collect();
    let labels = labels
        .into_iter()
        .filter_map(|(s, e, l)| {
            let (s, e) = (s.max(lo), e.min(hi));
            (e > s).then_some((s, e, l))
        })
        .collect();
    Bucket {
        open: Intervals::from_pairs(pairs, lo, hi),
        labels,
    }
}

/// The business days of a weekly calendar that start in `[lo, hi)`.
pub(crate) fn weekly_days(w: &Weekly, lo: i64, hi: i64) -> Days {
    let (days, _) = w.around(lo, hi);
    let mut list: Vec<(i64, i64, NaiveDate)> = days
        .into_iter()
        .filter_map(|(d, v)| {
            let first = v.first()?.0;
            let last = v.iter().map(|p| p.1).max()?;
            (first >= lo && first < hi).then_some((first, last, d))
        })
        .collect();
    list.sort_unstable();
    Days {
        first: list.iter().map(|x| x.0).collect(),
        last: list.iter().map(|x| x.1).collect(),
        date: list.iter().map(|x| x.2).collect(),
    }
}

/// Local dates whose day in `tz` may overlap `[lo, hi)`.
pub(crate) fn dates_around(tz: Tz, lo: i64, hi: i64) -> (NaiveDate, NaiveDate) {
    let first = local_date(tz, lo).pred_opt().unwrap_or(NaiveDate::MIN);
    let last = local_date(tz, hi).succ_opt().unwrap_or(NaiveDate::MAX);
    (first, last)
}
