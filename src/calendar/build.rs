//! Turning checked calendars into per-year tables of open intervals.
//!
//! Each calendar gets one lazily built table per UTC year (1900..2199): its
//! open intervals clipped to the year, with prefix sums, and the labelled
//! closures that explain closed time. Business days get a second lazy table.
//! Nothing is reserved up front: a calendar's slots for its 300 years are
//! allocated on its first query (a policy with a million calendars costs a
//! few hundred bytes each until one is used).

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
    buckets: OnceLock<Box<[OnceLock<Arc<Bucket>>]>>,
    days: OnceLock<Box<[OnceLock<Arc<Days>>]>>,
}

/// `YEARS` empty slots, allocated when a calendar is first queried.
fn slots<T>() -> Box<[OnceLock<T>]> {
    (0..YEARS).map(|_| OnceLock::new()).collect()
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
    pub(crate) fn new(cal: &ir::Calendar, day_zone: Tz) -> Node {
        let kind = match &cal.def {
            CalendarDef::Weekly(w) => Kind::Weekly(Box::new(Weekly::new(w))),
            CalendarDef::Expr { expr } => Kind::Expr(expr.clone()),
            CalendarDef::Select(_) => Kind::Expr(selector_stand_in(&cal.def)),
        };
        Node {
            name: cal.name.clone(),
            kind,
            day_zone,
            buckets: OnceLock::new(),
            days: OnceLock::new(),
        }
    }

    /// The slot of year `y` in the bucket table (allocated on first use).
    pub(crate) fn bucket_slot(&self, y: usize) -> &OnceLock<Arc<Bucket>> {
        &self.buckets.get_or_init(slots)[y]
    }

    /// The slot of year `y` in the business-day table.
    pub(crate) fn days_slot(&self, y: usize) -> &OnceLock<Arc<Days>> {
        &self.days.get_or_init(slots)[y]
    }
}

/// The zone whose local dates are each calendar's business days: its own
/// for a weekly calendar, else that of the leftmost weekly calendar its
/// expression reaches (UTC when it reaches none, as `24x7` alone).
///
/// Computed once for all calendars, references first, without recursion
/// through references: a chain of 10,000 `r_i = r_{i-1} | k` costs one
/// step per link. (Cycles and bad references exist only in a hand-built
/// IR; their calendars count as UTC.)
pub(crate) fn day_zones(all: &[ir::Calendar]) -> Vec<Tz> {
    let mut zone: Vec<Option<Tz>> = vec![None; all.len()];
    let mut refs = Vec::new();
    for i in refs_first(all).unwrap_or_default() {
        zone[i] = match &all[i].def {
            CalendarDef::Weekly(w) => Some(parse_zone(&w.zone)),
            CalendarDef::Expr { .. } | CalendarDef::Select(_) => {
                refs.clear();
                collect_refs(&selector_stand_in(&all[i].def), &mut refs);
                refs.iter()
                    .find_map(|r| zone.get(r.index()).copied().flatten())
            }
        };
    }
    zone.into_iter().map(|z| z.unwrap_or(Tz::UTC)).collect()
}

/// Every calendar, each after the calendars it refers to; an error for a
/// reference out of range or a cycle. Iterative (an explicit stack), so a
/// reference chain of any length is fine.
pub(crate) fn refs_first(all: &[ir::Calendar]) -> Result<Vec<usize>, CalendarError> {
    // 0 = unvisited, 1 = in progress, 2 = done.
    let mut state = vec![0u8; all.len()];
    let mut order = Vec::with_capacity(all.len());
    let mut refs = Vec::new();
    for root in 0..all.len() {
        let mut stack = vec![(root, false)];
        while let Some((i, children_done)) = stack.pop() {
            if children_done {
                state[i] = 2;
                order.push(i);
                continue;
            }
            match state[i] {
                2 => continue,
                1 => return Err(CalendarError::NoSuchCalendar(CalendarId(i as u32))),
                _ => {}
            }
            state[i] = 1;
            stack.push((i, true));
            if let CalendarDef::Expr { .. } | CalendarDef::Select(_) = &all[i].def {
                refs.clear();
                collect_refs(&selector_stand_in(&all[i].def), &mut refs);
                for r in refs.iter().rev() {
                    match state.get(r.index()) {
                        None => return Err(CalendarError::NoSuchCalendar(*r)),
                        Some(1) => return Err(CalendarError::NoSuchCalendar(*r)),
                        Some(2) => {}
                        Some(_) => stack.push((r.index(), false)),
                    }
                }
            }
        }
    }
    Ok(order)
}

/// Checks that references exist and do not form cycles.
pub(crate) fn check_refs(all: &[ir::Calendar]) -> Result<(), CalendarError> {
    refs_first(all).map(|_| ())
}

/// The expression a calendar stands for in the set: its own for an
/// expression; for a calendar chosen per ticket (`by ATTRIBUTE`), its
/// default case, else its first. The evaluator resolves a selector for
/// each ticket before it asks the set anything, so the stand-in only
/// answers callers that name the selector directly.
fn selector_stand_in(def: &CalendarDef) -> CalendarExpr {
    match def {
        CalendarDef::Expr { expr } => expr.clone(),
        CalendarDef::Select(s) => match s.default.or(s.cases.first().map(|c| c.calendar)) {
            Some(calendar) => CalendarExpr::Ref { calendar },
            None => CalendarExpr::Always,
        },
        CalendarDef::Weekly(_) => CalendarExpr::Always,
    }
}

/// The calendars an expression refers to, left to right (the expression's
/// own nesting is bounded by the parser, `MAX_EXPR_DEPTH`).
pub(crate) fn collect_refs(expr: &CalendarExpr, out: &mut Vec<CalendarId>) {
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
        open: Intervals::from_pairs(pairs, lo, hi).with_day_index(lo, hi),
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

impl Node {
    /// How many years of this calendar have a built bucket (tests: what a
    /// query built).
    #[cfg(test)]
    pub(crate) fn built_years(&self) -> Option<usize> {
        let table = self.buckets.get()?;
        Some(table.iter().filter(|s| s.get().is_some()).count())
    }
}
