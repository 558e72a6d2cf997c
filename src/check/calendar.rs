//! Calendar blocks: zones, weekly hours, closed dates and open overrides;
//! times, day names and dates; the calendar lints (overlapping ranges,
//! closed dates on days without hours).

use super::close_name;
use super::values::DAY;
use super::{duplicate_entry, Checker};
use crate::ast::{self, CalendarStmt, DateLit, DateSpec, DaySpec, RangeLit, TimeLit};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, Closure, DateRule, OpenOverride, TimeRange, WeeklyCalendar};
use crate::source::{Span, Spanned};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

const DAY_SECS: u32 = DAY as u32;

/// The years the calendar engine answers for (it covers 1900 to 2200 UTC).
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2199;

/// Short day names, Monday first (the IR's weekday index).
pub(crate) const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const FULL_DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `hh:mm` for a number of seconds after midnight (`24:00` for the end of
/// the day; times past it are shown on the next day's clock).
pub(crate) fn fmt_time(secs: u32) -> String {
    let s = if secs > DAY_SECS {
        secs - DAY_SECS
    } else {
        secs
    };
    format!("{:02}:{:02}", s / 3600, (s % 3600) / 60)
}

fn fmt_range(r: TimeRange) -> String {
    format!("{}-{}", fmt_time(r.start), fmt_time(r.end))
}

fn day_index(name: &str) -> Option<usize> {
    DAYS.iter()
        .position(|d| *d == name)
        .or_else(|| FULL_DAYS.iter().position(|d| *d == name))
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A weekly range with where it was written, for the overlap lint.
struct Placed {
    day: usize,
    range: TimeRange,
    span: Span,
}

impl Checker<'_> {
    /// Builds a weekly calendar from a block; the flag says whether it
    /// checked clean.
    pub(crate) fn weekly_calendar(
        &mut self,
        decl: &ast::CalendarDecl,
        stmts: &[CalendarStmt],
    ) -> (WeeklyCalendar, bool) {
        let errors_before = self.diags.len();
        let name = &decl.name.node;
        let mut zone: Option<&Spanned<String>> = None;
        let mut weekly: [Vec<TimeRange>; 7] = Default::default();
        let mut placed = Vec::new();
        let mut closed = Vec::new();
        let mut overrides: Vec<OpenOverride> = Vec::new();
        let mut override_dates: BTreeMap<NaiveDate, Span> = BTreeMap::new();
        let mut needs_zone = false;
        for stmt in stmts {
            match stmt {
                CalendarStmt::Zone(z) => match zone {
                    Some(first) => {
                        let diag = duplicate_entry(
                            &format!("the zone of calendar `{name}`"),
                            z.span,
                            first.span,
                        );
                        self.error(diag);
                    }
                    None => {
                        zone = Some(z);
                        self.zone(z);
                    }
                },
                CalendarStmt::Hours { days, ranges, .. } => {
                    needs_zone = true;
                    let days = self.days(days);
                    let ranges: Vec<(TimeRange, Span)> = ranges
                        .iter()
                        .filter_map(|r| self.range(r).map(|t| (t, r.span)))
                        .collect();
                    for &day in &days {
                        for &(range, span) in &ranges {
                            weekly[day].push(range);
                            placed.push(Placed { day, range, span });
                        }
                    }
                }
                CalendarStmt::Closed {
                    date,
                    range,
                    label,
                    span,
                } => {
                    let rule = self.date_spec(date);
                    let range = match range {
                        Some(r) => match self.range(r) {
                            Some(t) => Some(t),
                            None => continue,
                        },
                        None => None,
                    };
                    if let Some(date) = rule {
                        closed.push(Closure {
                            date,
                            range,
                            label: label.as_ref().map(|l| l.node.clone()),
                            span: *span,
                        });
                    }
                }
                CalendarStmt::Open {
                    date, ranges, span, ..
                } => {
                    needs_zone = true;
                    let day = self.date(date);
                    let ranges: Vec<TimeRange> =
                        ranges.iter().filter_map(|r| self.range(r)).collect();
                    let Some(day) = day else { continue };
                    if let Some(&first) = override_dates.get(&day) {
                        let what = format!("the `open` override for `{day}`");
                        let diag = duplicate_entry(&what, *span, first);
                        self.error(diag);
                        continue;
                    }
                    override_dates.insert(day, *span);
                    let mut ranges = ranges;
                    ranges.sort();
                    overrides.push(OpenOverride {
                        date: day,
                        ranges,
                        span: *span,
                    });
                }
            }
        }
        if zone.is_none() && needs_zone {
            let diag = Diagnostic::new(
                Code::MissingZone,
                decl.name.span,
                format!("calendar `{name}` has opening hours but no time zone"),
                "no `zone` in this calendar",
            )
            .with_help("add the IANA zone the contract means, such as `zone \"America/New_York\"`");
            self.error(diag);
        }
        for day in &mut weekly {
            day.sort();
        }
        let cal = WeeklyCalendar {
            zone: zone.map_or_else(String::new, |z| z.node.clone()),
            weekly,
            closed,
            overrides,
        };
        let ok = self.diags.len() == errors_before;
        let never_open = cal.weekly.iter().all(Vec::is_empty)
            && cal.overrides.iter().all(|o| o.ranges.is_empty());
        if ok && never_open {
            let diag = Diagnostic::new(
                Code::EmptyCalendar,
                decl.name.span,
                format!("calendar `{name}` is never open"),
                "no opening hours",
            )
            .with_help("add weekly hours such as `mon-fri 09:00-17:00`, or use `24x7`");
            self.error(diag);
            return (cal, false);
        }
        if ok {
            self.overlap_lints(name, &placed);
            self.closed_day_lints(name, &cal);
        }
        (cal, ok)
    }

    /// Validates an IANA zone name, suggesting the closest one.
    pub(crate) fn zone(&mut self, z: &Spanned<String>) -> bool {
        if z.node.parse::<chrono_tz::Tz>().is_ok() {
            return true;
        }
        let help = match super::zones::suggest(&z.node) {
            Some(best) => format!("did you mean `{best}`?"),
            None => "write an IANA zone name such as `America/Chicago` or `Europe/Helsinki`".into(),
        };
        let diag = Diagnostic::new(
            Code::UnknownZone,
            z.span,
            format!("unknown time zone `{}`", z.node),
            "not an IANA time zone name",
        )
        .with_help(help);
        self.error(diag);
        false
    }

    /// Weekday indices (Monday = 0) of day specs; unknown days are reported.
    fn days(&mut self, specs: &[Spanned<DaySpec>]) -> Vec<usize> {
        let mut out = Vec::new();
        for spec in specs {
            match &spec.node {
                DaySpec::Daily => out.extend(0..7),
                DaySpec::Day(d) => out.extend(self.day(d, spec.span)),
                DaySpec::Range(a, b) => {
                    let (a, b) = (self.day(a, spec.span), self.day(b, spec.span));
                    if let (Some(a), Some(b)) = (a, b) {
                        let mut d = a;
                        out.push(d);
                        while d != b {
                            d = (d + 1) % 7;
                            out.push(d);
                        }
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn day(&mut self, name: &str, span: Span) -> Option<usize> {
        if let Some(i) = day_index(name) {
            return Some(i);
        }
        let help = match close_name(name, DAYS) {
            Some(d) => format!("did you mean `{d}`?"),
            None => format!("days are {}, or `daily`", super::backtick_list(DAYS)),
        };
        let diag = Diagnostic::new(
            Code::InvalidRange,
            span,
            format!("unknown day `{name}`"),
            "not a day of the week",
        )
        .with_help(help);
        self.error(diag);
        None
    }

    /// Seconds after midnight of a time; `24:00` only as the end of a range.
    fn time(&mut self, t: &Spanned<TimeLit>, is_end: bool) -> Option<u32> {
        let TimeLit { hour, minute } = t.node;
        let text = format!("{hour:02}:{minute:02}");
        let problem = if hour > 24 {
            Some((
                "hours go from 00 to 24",
                "write a time from `00:00` to `24:00`",
            ))
        } else if minute > 59 {
            Some((
                "minutes go from 00 to 59",
                "write a time from `00:00` to `24:00`",
            ))
        } else if hour == 24 && minute > 0 {
            Some((
                "the day ends at 24:00",
                "`24:00` (the end of the day) is the latest time",
            ))
        } else if hour == 24 && !is_end {
            Some((
                "`24:00` can only end a range",
                "write `00:00` to start at midnight",
            ))
        } else {
            None
        };
        if let Some((label, help)) = problem {
            let diag = Diagnostic::new(
                Code::InvalidTime,
                t.span,
                format!("`{text}` is not a time of day"),
                label,
            )
            .with_help(help);
            self.error(diag);
            return None;
        }
        Some(hour * 3600 + minute * 60)
    }

    /// A time range; an end not after the start crosses midnight.
    fn range(&mut self, r: &Spanned<RangeLit>) -> Option<TimeRange> {
        let start = self.time(&r.node.start, false);
        let end = self.time(&r.node.end, true);
        let (start, end) = (start?, end?);
        let TimeLit { hour, minute } = r.node.end.node;
        if (hour, minute) == (23, 59) {
            let whole = format!("{}-24:00", fmt_time(start));
            self.lints.push(
                Diagnostic::new(
                    Code::EndOfDay2359,
                    r.node.end.span,
                    "`23:59` ends the range a minute before midnight",
                    "the last minute of the day stays closed",
                )
                .with_help(format!("write `{whole}`: `24:00` is the end of the day")),
            );
        }
        if start == end {
            let text = fmt_time(start);
            let diag = Diagnostic::new(
                Code::InvalidRange,
                r.span,
                format!("the range `{text}-{text}` starts and ends at the same time"),
                "empty or ambiguous range",
            )
            .with_help("write `00:00-24:00` for a whole day");
            self.error(diag);
            return None;
        }
        let end = if end <= start { end + DAY_SECS } else { end };
        Some(TimeRange { start, end })
    }

    /// Validates a date, explaining why it does not exist.
    pub(crate) fn date(&mut self, d: &Spanned<DateLit>) -> Option<NaiveDate> {
        let DateLit { year, month, day } = d.node;
        let in_range = (FIRST_YEAR..=LAST_YEAR).contains(&year);
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day).filter(|_| in_range) {
            return Some(date);
        }
        let label = if !in_range {
            format!("slate works with dates from {FIRST_YEAR} to {LAST_YEAR}")
        } else if !(1..=12).contains(&month) {
            format!("there is no month {month}")
        } else if day == 0 || day > days_in_month(year, month) {
            format!(
                "{} {year} has {} days",
                MONTHS[(month - 1) as usize],
                days_in_month(year, month)
            )
        } else {
            format!("there is no such date in {year}")
        };
        // A real date outside the supported years exists; say what is wrong.
        let (message, help) = if in_range || NaiveDate::from_ymd_opt(year, month, day).is_none() {
            (
                format!("the date `{year:04}-{month:02}-{day:02}` does not exist"),
                "write an existing date as `YYYY-MM-DD`".to_string(),
            )
        } else {
            (
                format!(
                    "the date `{year:04}-{month:02}-{day:02}` is outside the years slate supports"
                ),
                format!("write a date from {FIRST_YEAR} to {LAST_YEAR}"),
            )
        };
        let diag = Diagnostic::new(Code::InvalidDate, d.span, message, label).with_help(help);
        self.error(diag);
        None
    }

    fn date_spec(&mut self, d: &Spanned<DateSpec>) -> Option<DateRule> {
        match d.node {
            DateSpec::Date(lit) => self
                .date(&Spanned::new(lit, d.span))
                .map(|date| DateRule::Date { date }),
            DateSpec::Yearly { month, day } => {
                // Valid when the date exists in some year: 02-29 is fine.
                let label = if !(1..=12).contains(&month) {
                    format!("there is no month {month}")
                } else if day == 0 || day > days_in_month(2000, month) {
                    format!(
                        "{} has at most {} days",
                        MONTHS[(month - 1) as usize],
                        days_in_month(2000, month)
                    )
                } else {
                    return Some(DateRule::Yearly { month, day });
                };
                let diag = Diagnostic::new(
                    Code::InvalidDate,
                    d.span,
                    format!("the date `every {month:02}-{day:02}` never happens"),
                    label,
                )
                .with_help("write an existing month and day as `every MM-DD`");
                self.error(diag);
                None
            }
        }
    }

    /// L0402: open ranges of the same day (or an overnight range and the
    /// next day's ranges) overlap. One warning per pair of ranges; a sweep
    /// per day keeps this linear in the number of ranges.
    fn overlap_lints(&mut self, name: &str, placed: &[Placed]) {
        let mut by_day: [Vec<(u32, u32, usize)>; 7] = Default::default();
        for (i, p) in placed.iter().enumerate() {
            by_day[p.day].push((p.range.start, p.range.end, i));
            if p.range.end > DAY_SECS {
                by_day[(p.day + 1) % 7].push((0, p.range.end - DAY_SECS, i));
            }
        }
        let mut pairs: BTreeMap<(Span, Span), (TimeRange, TimeRange, Vec<usize>)> = BTreeMap::new();
        for (day, items) in by_day.iter_mut().enumerate() {
            items.sort_unstable();
            let mut reach: Option<(u32, usize)> = None;
            for &(start, end, i) in items.iter() {
                if let Some((max_end, j)) = reach {
                    let (a, b) = (&placed[j], &placed[i]);
                    if start < max_end && a.span != b.span {
                        let (first, second) = if a.span <= b.span { (a, b) } else { (b, a) };
                        let entry = pairs.entry((first.span, second.span)).or_insert((
                            first.range,
                            second.range,
                            Vec::new(),
                        ));
                        entry.2.push(day);
                    }
                    if end > max_end {
                        reach = Some((end, i));
                    }
                } else {
                    reach = Some((end, i));
                }
            }
        }
        for ((first_span, second_span), (r1, r2, mut days)) in pairs {
            days.sort_unstable();
            days.dedup();
            let day_list: Vec<&str> = days.iter().map(|&d| DAYS[d]).collect();
            let help = if r1.end <= DAY_SECS && r2.end <= DAY_SECS {
                let merged = TimeRange {
                    start: r1.start.min(r2.start),
                    end: r1.end.max(r2.end),
                };
                format!(
                    "overlapping time counts once; merge them into `{}`",
                    fmt_range(merged)
                )
            } else {
                "overlapping time counts once; shorten one of the ranges".into()
            };
            let diag = Diagnostic::new(
                Code::OverlappingRanges,
                second_span,
                format!(
                    "open ranges `{}` and `{}` of calendar `{name}` overlap",
                    fmt_range(r1),
                    fmt_range(r2)
                ),
                format!("overlaps on {}", day_list.join(", ")),
            )
            .with_label(first_span, "the other range")
            .with_help(help);
            self.lints.push(diag);
        }
    }

    /// L0403: a closed date falls on a weekday without open hours.
    fn closed_day_lints(&mut self, name: &str, cal: &WeeklyCalendar) {
        let opened: BTreeSet<NaiveDate> = cal.overrides.iter().map(|o| o.date).collect();
        for c in &cal.closed {
            let DateRule::Date { date } = c.date else {
                continue;
            };
            let day = date.weekday().num_days_from_monday() as usize;
            let prev = (day + 6) % 7;
            let open_that_day = !cal.weekly[day].is_empty()
                || cal.weekly[prev].iter().any(|r| r.end > DAY_SECS)
                || opened.contains(&date);
            if open_that_day {
                continue;
            }
            let diag = Diagnostic::new(
                Code::HolidayOnClosedDay,
                c.span,
                format!(
                    "closed date `{date}` is a {}, when calendar `{name}` has no hours anyway",
                    FULL_DAYS[day]
                ),
                format!("no open hours on {}s", FULL_DAYS[day]),
            )
            .with_help(
                "check the date (is the holiday observed on another day?) or remove this line",
            );
            self.lints.push(diag);
        }
    }
}

/// Weekly open intervals in seconds since Monday 00:00, split at the end of
/// the week; used to prove two calendars in one zone never overlap.
pub(crate) fn week_intervals(cal: &WeeklyCalendar) -> Vec<(u32, u32)> {
    let week = 7 * DAY_SECS;
    let mut out = Vec::new();
    for (d, ranges) in cal.weekly.iter().enumerate() {
        for r in ranges {
            let start = d as u32 * DAY_SECS + r.start;
            let end = d as u32 * DAY_SECS + r.end;
            if end > week {
                out.push((start, week));
                out.push((0, end - week));
            } else {
                out.push((start, end));
            }
        }
    }
    out
}

/// The weekly calendar of a definition, if it is one.
pub(crate) fn def_is_weekly(def: &ir::CalendarDef) -> Option<&WeeklyCalendar> {
    match def {
        ir::CalendarDef::Weekly(w) => Some(w),
        ir::CalendarDef::Expr { .. } | ir::CalendarDef::Select(_) => None,
    }
}
