//! Answers: what each metric's cycles say at the evaluation instant.

use super::clock::{self, crossing_with, piece_seconds, projected, Cycle, Piece};
use super::reuse;
use super::select::MetricSelection;
use super::target::PolicyMemo;
use super::timeline::Ticket;
use crate::calendar::{CalendarError, CalendarSet};
use crate::ir::{Covered, MetricId, MilestoneKind, Policy};
use crate::values::{format_seconds, Percent};
use chrono::{DateTime, Utc};
use std::borrow::Cow;

/// Fast, exact UTC timestamps (`2026-03-06T21:30:00Z`) for the outputs.
pub mod utc {
    use chrono::{DateTime, Datelike, SecondsFormat, Timelike, Utc};

    /// `00` to `99`, two bytes each.
    const PAIRS: [[u8; 2]; 100] = {
        let mut t = [[0u8; 2]; 100];
        let mut i = 0;
        while i < 100 {
            t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
            i += 1;
        }
        t
    };

    /// The years [`fill`] writes from a table: the engine's range
    /// (1900-01-01 to 2200-01-01) and a little more.
    const YEARS: std::ops::RangeInclusive<i32> = 1900..=2299;

    /// `"YYYY` for each year of [`YEARS`], as the low five bytes of a
    /// little-endian word (see [`fill`]).
    const YEAR_TEXT: [u64; 400] = {
        let mut t = [0u64; 400];
        let mut i = 0;
        while i < t.len() {
            let y = *YEARS.start() as usize + i;
            let [y0, y1] = PAIRS[y / 100];
            let [y2, y3] = PAIRS[y % 100];
            t[i] = u64::from_le_bytes([b'"', y0, y1, y2, y3, 0, 0, 0]);
            i += 1;
        }
        t
    };

    /// `-MM-DDT` for each day of a leap year, by zero-based ordinal, in the
    /// places [`fill`] puts it: `-MM` in the last three bytes of a
    /// little-endian word, `-DDT` in the first four of the next one (so
    /// that `fill` shifts nothing).
    const DAY_TEXT: [[u64; 2]; 366] = {
        const LENGTHS: [usize; 12] = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        let mut t = [[0u64; 2]; 366];
        let (mut month, mut day, mut i) = (0, 0, 0);
        while i < 366 {
            let [m0, m1] = PAIRS[month + 1];
            let [d0, d1] = PAIRS[day + 1];
            t[i] = [
                u64::from_le_bytes([0, 0, 0, 0, 0, b'-', m0, m1]),
                u64::from_le_bytes([b'-', d0, d1, b'T', 0, 0, 0, 0]),
            ];
            day += 1;
            if day == LENGTHS[month] {
                day = 0;
                month += 1;
            }
            i += 1;
        }
        t
    };

    /// `SSZ"` for each second of a minute, in bytes 2 to 5 of a
    /// little-endian word (where [`fill`] puts it).
    const SECOND_TEXT: [u64; 60] = {
        let mut t = [0u64; 60];
        let mut i = 0;
        while i < t.len() {
            let [s0, s1] = PAIRS[i];
            t[i] = u64::from_le_bytes([0, 0, s0, s1, b'Z', b'"', 0, 0]);
            i += 1;
        }
        t
    };

    /// `HH:MM:` for each minute of a day, as the low six bytes of a
    /// little-endian word (see [`fill`]).
    const MINUTE_TEXT: [u64; 1440] = {
        let mut t = [0u64; 1440];
        let mut i = 0;
        while i < t.len() {
            let [h0, h1] = PAIRS[i / 60];
            let [m0, m1] = PAIRS[i % 60];
            t[i] = u64::from_le_bytes([h0, h1, b':', m0, m1, b':', 0, 0]);
            i += 1;
        }
        t
    };

    /// Writes `"t"` (quotes included) into the first 22 bytes of `b` when
    /// `t` has whole seconds and its year is one of [`YEARS`] (the last two
    /// bytes are room for whole-word writes: they say nothing).
    #[inline(always)]
    pub(crate) fn fill(t: &DateTime<Utc>, b: &mut [u8; 24]) -> bool {
        // One conversion to the naive date-time, not one per field; the
        // year's text, month and day (from the ordinal), hours and minutes
        // come from tables (chrono derives each field separately); the
        // text is put together as three words, not byte by byte.
        let t = t.naive_utc();
        let Some(&year) = usize::try_from(t.year() - YEARS.start())
            .ok()
            .and_then(|i| YEAR_TEXT.get(i))
        else {
            return false;
        };
        if t.nanosecond() != 0 {
            return false;
        }
        let ordinal = t.ordinal0() as usize;
        // Past February 28 a common year is one day behind the leap table.
        let day = ordinal + usize::from(ordinal >= 59 && !t.date().leap_year());
        // The time's own count: `NaiveDateTime`'s would add it up again from
        // hour, minute and second.
        let secs = t.time().num_seconds_from_midnight() as usize;
        let (Some(&[month, day]), Some(&minute)) = (DAY_TEXT.get(day), MINUTE_TEXT.get(secs / 60))
        else {
            return false;
        };
        // `"YYYY-MM`, `-DDTHH:M`, `M:SSZ"`.
        let words = [
            year | month,
            day | minute << 32,
            minute >> 32 | SECOND_TEXT[secs % 60],
        ];
        for (i, w) in words.into_iter().enumerate() {
            b[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
        }
        true
    }

    /// Formats an instant as RFC 3339 UTC with whole seconds.
    pub fn text(t: &DateTime<Utc>) -> String {
        let mut b = [0u8; 24];
        if fill(t, &mut b) {
            String::from_utf8_lossy(&b[1..21]).into_owned()
        } else {
            t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use proptest::prelude::*;

        /// What chrono writes, for comparison.
        fn chrono_text(t: &DateTime<Utc>) -> String {
            t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
        }

        #[test]
        fn era_and_month_boundaries_match_chrono() {
            for written in [
                "0000-01-01T00:00:00Z",
                "0000-02-29T23:59:59Z",
                "1600-02-29T12:00:00Z",
                "1900-02-28T23:59:59Z",
                "1900-03-01T00:00:00Z",
                "1969-12-31T23:59:59Z",
                "1970-01-01T00:00:00Z",
                "2000-02-29T00:00:00Z",
                "2026-03-08T08:00:00Z",
                "2100-12-31T23:59:59Z",
                "9999-12-31T23:59:59Z",
            ] {
                let t: DateTime<Utc> = written.parse().unwrap();
                assert_eq!(text(&t), written);
                assert_eq!(text(&t), chrono_text(&t));
            }
        }

        #[test]
        fn out_of_range_years_and_fractions_fall_back_to_chrono() {
            for written in [
                "-0001-12-31T23:59:59Z",
                "0000-01-01T00:00:00Z",
                "1899-12-31T23:59:59Z",
                "2300-01-01T00:00:00Z",
                "9999-12-31T23:59:59Z",
                "+10000-01-01T00:00:00Z",
                "2026-03-06T21:30:00.5Z",
            ] {
                let t: DateTime<Utc> = written.parse().unwrap();
                let mut b = [0u8; 24];
                assert!(!fill(&t, &mut b), "{written}");
                assert_eq!(text(&t), chrono_text(&t));
            }
        }

        /// `fill` writes what chrono writes, for the years of its table, and
        /// declines every other year; `text` gives chrono's text either way.
        fn check(t: DateTime<Utc>) {
            let mut b = [0u8; 24];
            let filled = fill(&t, &mut b);
            assert_eq!(filled, YEARS.contains(&t.year()), "{t}");
            if filled {
                assert_eq!(
                    std::str::from_utf8(&b[..22]).unwrap(),
                    format!("\"{}\"", chrono_text(&t))
                );
            }
            assert_eq!(text(&t), chrono_text(&t));
        }

        /// Every second of a day, every day of a leap and a common year,
        /// and every year (on its first and last day) against chrono.
        #[test]
        fn every_second_day_and_year_matches_chrono() {
            let day = DateTime::from_timestamp(1_772_755_200, 0).unwrap();
            for s in 0..86_400 {
                check(day + chrono::Duration::seconds(s));
            }
            for start in [1_704_067_200, 1_735_689_600] {
                let start = DateTime::from_timestamp(start, 0).unwrap();
                for d in 0..366 {
                    check(start + chrono::Duration::seconds(d * 86_400 + d * 37 % 86_400));
                }
            }
            for y in 0..=9999 {
                let first = chrono::NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
                check(first.and_hms_opt(0, 0, 0).unwrap().and_utc());
                let last = chrono::NaiveDate::from_ymd_opt(y, 12, 31).unwrap();
                check(last.and_hms_opt(23, 59, 59).unwrap().and_utc());
            }
        }

        proptest! {
            #[test]
            fn fill_matches_chrono(secs in -62_167_219_200i64..253_402_300_800i64) {
                check(DateTime::from_timestamp(secs, 0).unwrap());
            }

            /// Within the table's years, where the writer's instants are.
            #[test]
            fn fill_matches_chrono_in_the_table(secs in -2_208_988_800i64..10_413_792_000i64) {
                check(DateTime::from_timestamp(secs, 0).unwrap());
            }
        }
    }
}

/// `87.5%` from per-mille, exactly.
pub(crate) fn permille_text(p: i64) -> String {
    if p % 10 == 0 {
        format!("{}%", p / 10)
    } else {
        format!("{}.{}%", p / 10, (p % 10).abs())
    }
}

/// Version of the answer format (JSON Lines and CSV); bumped on any
/// incompatible change.
pub const EVAL_FORMAT_VERSION: u32 = 1;

/// The state of a cycle (or of a metric: its latest cycle) at the
/// evaluation instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum State {
    /// Stopped before the deadline.
    Met,
    /// The deadline passed while the clock was still running (or paused).
    Breached,
    /// Counting, deadline ahead.
    Running,
    /// Paused by the ticket's status; the deadline is not known.
    Paused,
    /// No target for this metric, severity, tier and type (including a type
    /// covered `without guarantee`).
    NoTarget,
    /// The ticket's issue type is not covered on its tier.
    NotCovered,
    /// Not started yet.
    NotStarted,
}

impl State {
    /// The name used in outputs.
    pub const fn name(self) -> &'static str {
        match self {
            State::Met => "met",
            State::Breached => "breached",
            State::Running => "running",
            State::Paused => "paused",
            State::NoTarget => "no_target",
            State::NotCovered => "not_covered",
            State::NotStarted => "not_started",
        }
    }
}

/// Everything the evaluator says about one ticket.
///
/// Names (tier, metric, calendar, ...) are borrowed from the policy and
/// the ticket it was computed from; [`TicketAnswer::into_owned`] gives an
/// answer that outlives them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TicketAnswer<'a> {
    /// Always [`EVAL_FORMAT_VERSION`].
    pub format_version: u32,
    /// The ticket id.
    pub id: Cow<'a, str>,
    /// The evaluation instant.
    pub at: DateTime<Utc>,
    /// Tier at `at`.
    pub tier: Cow<'a, str>,
    /// Severity at `at`.
    pub severity: Cow<'a, str>,
    /// Issue type, when given.
    pub issue_type: Option<Cow<'a, str>>,
    /// Status at `at`, when known.
    pub status: Option<Cow<'a, str>>,
    /// The policy version whose targets apply to the ticket at `at`;
    /// `None` when the policy declares no versions.
    pub version: Option<VersionAnswer<'a>>,
    /// One entry per metric of the policy, in policy order.
    pub metrics: Vec<MetricAnswer<'a>>,
}

/// Which policy version applies to a ticket (only for policies that
/// declare versions).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct VersionAnswer<'a> {
    /// The version's name; `None` for the policy's own targets (before its
    /// first version).
    pub name: Option<Cow<'a, str>>,
    /// The first local date it is in force: the version's `effective`
    /// date, or the policy header's (`None` when the header gives none).
    pub effective: Option<chrono::NaiveDate>,
}

/// One metric of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetricAnswer<'a> {
    /// The metric's name.
    pub metric: Cow<'a, str>,
    /// The state of the latest cycle (`not_started` when there is none).
    pub state: State,
    /// How many cycles breached.
    pub breaches: u32,
    /// Cycles in order.
    pub cycles: Vec<CycleAnswer<'a>>,
}

/// One cycle of a metric.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CycleAnswer<'a> {
    /// 1-based cycle number.
    pub cycle: u32,
    /// Its state.
    pub state: State,
    /// The target as written (`8h`, `1bd`), `null` when there is none.
    pub target: Option<Cow<'a, str>>,
    /// The target in open seconds (business days converted from the start).
    pub target_seconds: Option<i64>,
    /// The calendar time is counted on.
    pub calendar: Cow<'a, str>,
    /// When it started.
    pub start: DateTime<Utc>,
    /// The event that started it.
    pub started_by: Cow<'a, str>,
    /// The deadline: when the target runs out given the pause state at the
    /// stop or at `at`; `null` when paused or without target.
    pub deadline: Option<DateTime<Utc>>,
    /// When it stopped.
    pub stop: Option<DateTime<Utc>>,
    /// The event that stopped it.
    pub stopped_by: Option<Cow<'a, str>>,
    /// Open seconds counted (not paused, inside the calendar).
    pub elapsed_seconds: i64,
    /// Open seconds left before the deadline (never negative); `null`
    /// without target.
    pub remaining_seconds: Option<i64>,
    /// Wall-clock seconds from start to stop (or `at`).
    pub wall_seconds: i64,
    /// Elapsed over target in per-mille, rounded down (1000 = all used).
    pub consumed_permille: Option<i64>,
    /// When it breached.
    pub breached_at: Option<DateTime<Utc>>,
    /// The metric's warn and escalate milestones for this cycle.
    pub milestones: Vec<MilestoneAnswer<'a>>,
}

/// A warn or escalate milestone of a cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MilestoneAnswer<'a> {
    /// `warn` or `escalate`.
    pub kind: MilestoneKind,
    /// The fraction of the target, as written (`75%`).
    pub percent: Cow<'a, str>,
    /// Who is told.
    pub to: Cow<'a, str>,
    /// When it fires (or fired); `null` when it cannot be known (paused) or
    /// never will (stopped first).
    pub fires_at: Option<DateTime<Utc>>,
    /// Whether it fired before the stop and before `at`.
    pub fired: bool,
}

/// What [`measure`] needs besides the cycle: the same for every cycle of a
/// ticket.
struct Measure<'a, 'h> {
    policy: &'a Policy,
    hours: &'h CalendarSet,
    memo: Option<&'a PolicyMemo>,
    at: DateTime<Utc>,
    /// The list of pieces of the ticket's runs ([`Runs`]).
    all: &'h [Piece<'h>],
}

/// Measures one cycle at `at` and appends its answer to `out` (built in
/// place: an answer is large, and moving it through a `Result` cost a
/// copy); `shown` is the number of the metric's milestones (the answer's
/// list is sized once: growing it from empty cost more); `secs` is a buffer for the pieces' open seconds, reused across
/// cycles.
fn measure<'a>(
    m: &Measure<'a, '_>,
    metric: MetricId,
    shown: usize,
    c: &Cycle<'_>,
    number: u32,
    secs: &mut Vec<i64>,
    out: &mut Vec<CycleAnswer<'a>>,
) -> Result<(), CalendarError> {
    let (policy, hours, at) = (m.policy, m.hours, m.at);
    // The cycle's instants are Unix seconds (whole); so are the answer's.
    // The evaluation instant's fraction of a second, if any, counts for
    // nothing in open or wall time, but an instant in its second is before
    // it.
    let at_s = crate::calendar::secs_of(&at);
    let at_frac = at.timestamp_subsec_nanos() > 0;
    let utc = crate::calendar::utc_of;
    // A query from the evaluation instant out of range names it as given.
    let from_at = |e: CalendarError| match e {
        CalendarError::OutOfRange { at: x } if x.timestamp() == at_s => {
            CalendarError::OutOfRange { at }
        }
        e => e,
    };
    let stop_at = c.stop.as_ref().map(|s| s.at);
    let end = stop_at.unwrap_or(at_s);
    let before_end = |d: i64| d < end || (stop_at.is_none() && at_frac && d == end);
    // Each piece is measured once; the crossings below reuse the counts.
    let pieces = c.pieces(m.all);
    piece_seconds(hours, pieces, secs)?;
    let secs = secs.as_slice();
    let elapsed: i64 = secs.iter().sum();
    let paused = stop_at.is_none() && c.paused_now().is_some();
    // Stopped while the clock was paused: no deadline was in force then.
    let stopped_paused = stop_at.is_some() && c.paused_now().is_some();
    let mut state = State::NoTarget;
    // The deadline, in seconds and as an instant (converted once).
    let mut known = None;
    let mut remaining_seconds = None;
    // Whole seconds from the start (an instant's fraction, if any,
    // counts for nothing, as in a subtraction rounded towards zero).
    let mut wall_seconds = (end - c.start).max(0);
    let mut consumed_permille = None;
    let mut breached_at = None;
    let mine = |i: &usize| {
        policy
            .milestones
            .get(*i)
            .is_some_and(|x| x.metric == metric)
    };
    let mut milestones = Vec::with_capacity(shown);
    if at_s < c.start {
        // A periodic window scheduled ahead (sequential mode): nothing is
        // counted yet; its deadline is the one it will have if its clock
        // runs from its start, and the time left is the open time from
        // `at` to that deadline.
        state = State::NotStarted;
        wall_seconds = 0;
        if let Some(target) = c.target_seconds {
            let d = projected(hours, c, c.start, target, 0)?;
            known = Some((d, utc(d)));
            remaining_seconds = Some(
                hours
                    .between_at(c.calendar_now(), at_s, d)
                    .map_err(from_at)?,
            );
            consumed_permille = (target > 0).then_some(0);
            for i in (0..policy.milestones.len()).filter(mine) {
                let x = milestone_seconds(target, policy.milestones[i].at);
                let fires_at = projected(hours, c, c.start, x, 0)?;
                milestones.push(milestone(m, i, Some(instant(fires_at, known)), false));
            }
        }
    } else if let Some(target) = c.target_seconds {
        remaining_seconds = Some((target - elapsed).max(0));
        // A zero target has no ratio: `null`, not a made-up 1000.
        consumed_permille = (target > 0).then(|| elapsed.saturating_mul(1000) / target);
        let reach = crossing_with(hours, c, pieces, target, secs)?;
        let breach = c.kept_breach.or(reach.filter(|&d| before_end(d)));
        breached_at = breach;
        state = if breach.is_some() {
            State::Breached
        } else if stop_at.is_some() {
            State::Met
        } else if paused {
            State::Paused
        } else {
            State::Running
        };
        let deadline = match (reach, stop_at) {
            (Some(d), _) => Some(d),
            (None, _) if paused || stopped_paused => None,
            (None, Some(s)) => Some(projected(hours, c, s, target, elapsed)?),
            (None, None) => Some(projected(hours, c, at_s, target, elapsed).map_err(from_at)?),
        };
        known = deadline.map(|d| (d, utc(d)));
        for i in (0..policy.milestones.len()).filter(mine) {
            let x = milestone_seconds(target, policy.milestones[i].at);
            // A milestone at 100% is the deadline's crossing, already found.
            let hit = if x == target {
                reach
            } else {
                crossing_with(hours, c, pieces, x, secs)?
            };
            let fired = hit.is_some_and(before_end);
            let fires_at = match hit {
                Some(h) if fired || stop_at.is_none() => Some(h),
                Some(_) => None,
                None if stop_at.is_some() || paused => None,
                None => Some(projected(hours, c, at_s, x, elapsed).map_err(from_at)?),
            };
            let fires_at = fires_at.map(|h| instant(h, known));
            milestones.push(milestone(m, i, fires_at, fired));
        }
    } else if let Some(kept) = c.kept_breach {
        // No promise now; a breach of an earlier promise stays a breach.
        state = State::Breached;
        breached_at = Some(kept);
    } else if c.target.covered == Covered::No {
        state = State::NotCovered;
    }
    out.push(CycleAnswer {
        cycle: number,
        state,
        target: c.target.written(policy),
        target_seconds: c.target_seconds,
        calendar: policy
            .calendars
            .get(c.calendar_now().index())
            .map_or(Cow::Borrowed(""), |k| Cow::Borrowed(k.name.as_str())),
        start: utc(c.start),
        started_by: Cow::Borrowed(c.started_by.name()),
        deadline: known.map(|(_, t)| t),
        stop: stop_at.map(utc),
        stopped_by: c.stop.as_ref().map(|s| Cow::Borrowed(s.kind.name())),
        elapsed_seconds: elapsed,
        remaining_seconds,
        wall_seconds,
        consumed_permille,
        breached_at: breached_at.map(|b| instant(b, known)),
        milestones,
    });
    Ok(())
}

/// The instant at `u` seconds, the deadline's (`known`, in seconds and as
/// an instant) when it is the deadline, as a breach and a milestone at
/// 100% usually are: one conversion for all of them.
fn instant(u: i64, known: Option<(i64, DateTime<Utc>)>) -> DateTime<Utc> {
    match known {
        Some((d, t)) if d == u => t,
        _ => crate::calendar::utc_of(u),
    }
}

/// The answer of milestone `i` (of the policy's list).
fn milestone<'a>(
    m: &Measure<'a, '_>,
    i: usize,
    fires_at: Option<DateTime<Utc>>,
    fired: bool,
) -> MilestoneAnswer<'a> {
    let ms = &m.policy.milestones[i];
    MilestoneAnswer {
        kind: ms.kind,
        percent: percent_text(m.policy, m.memo, i),
        to: Cow::Borrowed(ms.to.as_str()),
        fires_at,
        fired,
    }
}

/// The open seconds of a milestone at `at` of a target of `target`
/// seconds, rounded down (saturating).
fn milestone_seconds(target: i64, at: Percent) -> i64 {
    // The product fits in 64 bits for any real target: no 128-bit division.
    match target.checked_mul(at.0) {
        Some(p) => p / Percent::WHOLE,
        None => {
            let x = i128::from(target) * i128::from(at.0) / i128::from(Percent::WHOLE);
            i64::try_from(x).unwrap_or(i64::MAX)
        }
    }
}

/// Milestone `i`'s percentage as answers write it (`75%`): remembered per
/// policy and borrowed from the memo, since formatting or copying it per
/// cycle cost an allocation each.
fn percent_text<'a>(policy: &Policy, memo: Option<&'a PolicyMemo>, i: usize) -> Cow<'a, str> {
    match (
        memo.and_then(|memo| memo.percent(i)),
        policy.milestones.get(i),
    ) {
        (Some(text), _) => Cow::Borrowed(text),
        (None, Some(m)) => Cow::Owned(m.at.to_string()),
        (None, None) => Cow::Borrowed(""),
    }
}

/// The cycles of every metric of the policy for a ticket at `at`, in
/// policy order, with what only a trace shows. Metrics that start `after`
/// another are run after it.
pub(crate) fn run_all<'a>(
    policy: &'a Policy,
    hours: &'a CalendarSet,
    ticket: &'a Ticket,
    at: DateTime<Utc>,
) -> Result<Runs<'a>, CalendarError> {
    let mut digest = clock::Digest::of(policy, hours, ticket, at);
    digest.trace = true;
    run_wanted(policy, hours, ticket, |_| true, &digest, Runs::default())
}

/// [`run_all`] for the metrics `wanted` (by index) and those they start
/// `after`; the others get no cycles. `digest` is the ticket's
/// [`clock::Digest`] at the evaluation instant; the runs are kept in the
/// memory of `room` (an earlier ticket's, [`Runs::into_room`]).
fn run_wanted<'a>(
    policy: &'a Policy,
    hours: &CalendarSet,
    ticket: &'a Ticket,
    wanted: impl Fn(usize) -> bool,
    digest: &clock::Digest<'a>,
    room: Runs<'static>,
) -> Result<Runs<'a>, CalendarError> {
    let n = policy.metrics.len();
    let mut runs = Runs {
        of: room.of,
        cycles: reuse::emptied(room.cycles),
        pieces: reuse::emptied(room.pieces),
    };
    runs.of.clear();
    runs.of.resize(n, None);
    // One list for the cycles of every metric, sized for the usual ticket
    // (a cycle or two per metric) so that it rarely grows: growing moves
    // every cycle.
    runs.cycles.reserve(n.saturating_mul(2).clamp(4, 64));
    // One list for the pieces of every cycle of the ticket: a few pieces
    // per event is the usual size (capped: a ticket with a million events
    // grows it as it needs, instead of reserving for the worst case).
    let events = ticket.events.len();
    runs.pieces
        .reserve(events.saturating_mul(2).saturating_add(8).min(256));
    let run = Run {
        policy,
        hours,
        ticket,
        digest,
    };
    for i in (0..n).filter(|&i| wanted(i)) {
        ensure(&run, i, &mut runs, 0)?;
    }
    Ok(runs)
}

/// Every metric's cycles of one ticket, and the pieces they hold.
#[derive(Default)]
pub(crate) struct Runs<'a> {
    /// Per metric (by index), its cycles: `cycles[range]`, `None` when it
    /// was not run.
    of: Vec<Option<std::ops::Range<usize>>>,
    /// The cycles of every metric run, one metric after the other.
    cycles: Vec<Cycle<'a>>,
    /// The pieces of every cycle ([`Cycle::pieces`]).
    pub pieces: Vec<Piece<'a>>,
}

impl<'a> Runs<'a> {
    /// The lists' memory, emptied, for the next ticket's [`run_wanted`]
    /// (up to a size: one very long ticket does not keep its megabytes).
    fn into_room(self) -> Runs<'static> {
        Runs {
            of: reuse::kept(self.of, reuse::KEPT_MOST),
            cycles: reuse::kept(self.cycles, reuse::KEPT_MOST),
            pieces: reuse::kept(self.pieces, reuse::KEPT_MOST),
        }
    }

    /// The cycles of metric `i` (none when it was not run).
    pub(crate) fn metric(&self, i: usize) -> &[Cycle<'a>] {
        match self.of.get(i) {
            Some(Some(r)) => self.cycles.get(r.clone()).unwrap_or_default(),
            _ => &[],
        }
    }
}

/// What every metric of one ticket's run shares.
struct Run<'a, 'h> {
    policy: &'a Policy,
    hours: &'h CalendarSet,
    ticket: &'a Ticket,
    digest: &'h clock::Digest<'a>,
}

fn ensure<'a>(
    run: &Run<'a, '_>,
    i: usize,
    runs: &mut Runs<'a>,
    depth: usize,
) -> Result<(), CalendarError> {
    let policy = run.policy;
    if runs.of[i].is_some() {
        return Ok(());
    }
    let mut first_stop = None;
    if let Some(dep) = policy.metrics[i].after {
        let d = dep.index();
        let n = runs.of.len();
        // A dependency cycle is refused by the checker; never recurse forever.
        if d < n && d != i && depth < n {
            ensure(run, d, runs, depth + 1)?;
        }
        // M's first stop by one of its own stop events, also when a reopen
        // later resumed the cycle (the stop is then one of its gaps): a stop
        // that happened stays a stop for `after M`.
        let own = |k: &crate::ir::EventKind| policy.metrics[d].stops.contains(k);
        first_stop = runs
            .metric(d)
            .iter()
            .flat_map(|c| {
                let stop = c.stop.iter().filter(|s| own(&s.kind)).map(|s| s.at);
                let gaps = c.gaps.iter().filter(|g| own(&g.stopped_by)).map(|g| g.from);
                stop.chain(gaps)
            })
            .min();
    }
    let range = clock::run_metric(
        policy,
        run.hours,
        run.ticket,
        crate::ir::MetricId(i as u32),
        first_stop,
        run.digest,
        &mut runs.pieces,
        &mut runs.cycles,
    )?;
    runs.of[i] = Some(range);
    Ok(())
}

/// Evaluates a validated ticket at `at`: every metric of the policy, every
/// cycle. Events after `at` are ignored.
///
/// The answer borrows names from `policy` and `ticket`; call
/// [`TicketAnswer::into_owned`] to keep it longer.
pub(crate) fn evaluate<'a>(
    policy: &'a Policy,
    hours: &'a CalendarSet,
    ticket: &'a Ticket,
    at: DateTime<Utc>,
) -> Result<TicketAnswer<'a>, CalendarError> {
    evaluate_selected(policy, hours, ticket, at, &MetricSelection::all())
}

/// [`evaluate`] for the metrics `select` picks: the others are neither run
/// (unless a picked one starts `after` them) nor measured, and are left
/// out of the answer.
pub(crate) fn evaluate_selected<'a>(
    policy: &'a Policy,
    hours: &'a CalendarSet,
    ticket: &'a Ticket,
    at: DateTime<Utc>,
    select: &MetricSelection,
) -> Result<TicketAnswer<'a>, CalendarError> {
    evaluate_in(&mut Scratch::default(), policy, hours, ticket, at, select)
}

/// What one worker reuses from ticket to ticket ([`evaluate_in`]): the
/// engine's own lists (the digest's instants, the runs' cycles and pieces,
/// the measured seconds), kept empty. With fresh lists, each evaluation
/// cost five allocations and their frees; a list that grew past
/// [`reuse::KEPT_MOST`] items is let go instead of kept, so the memory kept stays
/// small.
#[derive(Default)]
pub(crate) struct Scratch {
    digest: clock::DigestRoom,
    runs: Runs<'static>,
    secs: Vec<i64>,
}

/// [`evaluate_selected`] in a worker's `scratch` (the same answer; the
/// lists come from and go back to `scratch`).
pub(crate) fn evaluate_in<'a>(
    scratch: &mut Scratch,
    policy: &'a Policy,
    hours: &'a CalendarSet,
    ticket: &'a Ticket,
    at: DateTime<Utc>,
    select: &MetricSelection,
) -> Result<TicketAnswer<'a>, CalendarError> {
    // A ticket's events are in evaluation order from its construction:
    // validation, the only way to make one, sorts them, and nothing
    // outside this crate can change them (checking it again per evaluation
    // cost 0.7% of a bulk run).
    debug_assert!(ticket.in_order(), "ticket {} not in order", ticket.id);
    // The memo is fetched once per ticket, with the digest, and passed
    // down (each fetch checks the memo's policy).
    let room = std::mem::take(&mut scratch.digest);
    let digest = clock::Digest::of_in(policy, hours, ticket, at, room);
    let memo = digest.memo;
    let wanted = |i| select.wants(policy, memo, i);
    let room = std::mem::take(&mut scratch.runs);
    let runs = run_wanted(policy, hours, ticket, wanted, &digest, room)?;
    let n = policy.metrics.len();
    let (tier, severity, status) = digest.fields_at_end(ticket);
    let version = digest.version_at_end();
    scratch.digest = digest.into_room();
    let mut metrics = Vec::with_capacity(n);
    let mut secs = std::mem::take(&mut scratch.secs);
    secs.reserve(8);
    let m = Measure {
        policy,
        hours,
        memo,
        at,
        all: &runs.pieces,
    };
    for i in (0..n).filter(|&i| wanted(i)) {
        let cycles = runs.metric(i);
        let id = MetricId(i as u32);
        let mut answers = Vec::with_capacity(cycles.len());
        let shown = policy.milestones.iter().filter(|x| x.metric == id).count();
        for (n, c) in cycles.iter().enumerate() {
            let number = n as u32 + 1;
            measure(&m, id, shown, c, number, &mut secs, &mut answers)?;
        }
        metrics.push(MetricAnswer {
            metric: Cow::Borrowed(policy.metrics[i].name.as_str()),
            state: match answers.last() {
                Some(a) => a.state,
                None => {
                    let t = super::target::applied_target_in(
                        policy, memo, ticket, version, id, severity, tier,
                    );
                    match (t.promise, t.covered) {
                        (None, Covered::No) => State::NotCovered,
                        (None, _) => State::NoTarget,
                        (Some(_), _) => State::NotStarted,
                    }
                }
            },
            breaches: answers.iter().filter(|a| a.breached_at.is_some()).count() as u32,
            cycles: answers,
        });
        if metrics.last().is_some_and(|m| !select.shows(m)) {
            metrics.pop();
        }
    }
    scratch.secs = reuse::kept(secs, reuse::KEPT_MOST);
    scratch.runs = runs.into_room();
    Ok(TicketAnswer {
        format_version: EVAL_FORMAT_VERSION,
        id: Cow::Borrowed(ticket.id.as_str()),
        at,
        tier: name_of(policy.tiers.get(tier.index()).map(|t| &t.name)),
        severity: name_of(policy.severities.get(severity.index()).map(|t| &t.name)),
        issue_type: ticket
            .issue_type
            .and_then(|t| policy.types.get(t.index()))
            .map(|t| Cow::Borrowed(t.name.as_str())),
        status: status.map(Cow::Borrowed),
        version: (!policy.versions.is_empty()).then(|| {
            let v = version.and_then(|v| policy.versions.get(v.index()));
            VersionAnswer {
                name: v.map(|v| Cow::Borrowed(v.name.as_str())),
                effective: v.map_or(policy.effective, |v| Some(v.effective)),
            }
        }),
        metrics,
    })
}

/// Owned copies of every borrowed name: for answers that outlive the
/// policy or the ticket they were computed from.
fn owned(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

impl TicketAnswer<'_> {
    /// The answer for one metric, by name.
    pub fn metric(&self, name: &str) -> Option<&MetricAnswer<'_>> {
        self.metrics.iter().find(|m| m.metric == name)
    }

    /// The answer as one line of JSON, exactly as `slate eval` writes it
    /// (`docs/eval.md` describes the fields; `format_version` versions
    /// them). This is the one JSON encoder of answers.
    pub fn to_json(&self) -> String {
        let mut out = Vec::with_capacity(2048);
        // Writing to a Vec cannot fail, and the encoder writes UTF-8.
        let _ = crate::stream::json_out::write_answer(self, &mut out);
        String::from_utf8(out).unwrap_or_default()
    }

    /// The same answer, owning all its text.
    pub fn into_owned(self) -> TicketAnswer<'static> {
        TicketAnswer {
            format_version: self.format_version,
            id: owned(self.id),
            at: self.at,
            tier: owned(self.tier),
            severity: owned(self.severity),
            issue_type: self.issue_type.map(owned),
            status: self.status.map(owned),
            version: self.version.map(|v| VersionAnswer {
                name: v.name.map(owned),
                effective: v.effective,
            }),
            metrics: self
                .metrics
                .into_iter()
                .map(MetricAnswer::into_owned)
                .collect(),
        }
    }
}

impl MetricAnswer<'_> {
    /// The same answer, owning all its text.
    pub fn into_owned(self) -> MetricAnswer<'static> {
        MetricAnswer {
            metric: owned(self.metric),
            state: self.state,
            breaches: self.breaches,
            cycles: self
                .cycles
                .into_iter()
                .map(CycleAnswer::into_owned)
                .collect(),
        }
    }
}

impl CycleAnswer<'_> {
    /// The same answer, owning all its text.
    pub fn into_owned(self) -> CycleAnswer<'static> {
        CycleAnswer {
            cycle: self.cycle,
            state: self.state,
            target: self.target.map(owned),
            target_seconds: self.target_seconds,
            calendar: owned(self.calendar),
            start: self.start,
            started_by: owned(self.started_by),
            deadline: self.deadline,
            stop: self.stop,
            stopped_by: self.stopped_by.map(owned),
            elapsed_seconds: self.elapsed_seconds,
            remaining_seconds: self.remaining_seconds,
            wall_seconds: self.wall_seconds,
            consumed_permille: self.consumed_permille,
            breached_at: self.breached_at,
            milestones: self
                .milestones
                .into_iter()
                .map(|m| MilestoneAnswer {
                    kind: m.kind,
                    percent: owned(m.percent),
                    to: owned(m.to),
                    fires_at: m.fires_at,
                    fired: m.fired,
                })
                .collect(),
        }
    }
}

fn name_of(n: Option<&String>) -> Cow<'_, str> {
    Cow::Borrowed(n.map_or("", String::as_str))
}

/// Formats seconds for people (`1h30m`).
pub fn human_seconds(s: i64) -> String {
    format_seconds(s)
}

#[cfg(test)]
mod tests {
    use super::{evaluate_in, evaluate_selected, milestone_seconds, Scratch};
    use crate::eval::testing::{business_policy, sample_policy, synthetic_ticket};
    use crate::eval::MetricSelection;
    use crate::values::Percent;

    /// One scratch reused over many tickets, metric selections and
    /// evaluation instants (some before a ticket's later events, some
    /// before its first) gives exactly the answers of fresh lists: nothing
    /// of one ticket's evaluation leaks into the next.
    #[test]
    fn a_reused_scratch_gives_the_answers_of_a_fresh_one() {
        let policies = [sample_policy(), business_policy()];
        let selections = [
            MetricSelection::all(),
            MetricSelection::all().with_target_only(true),
        ];
        let mut scratch = Scratch::default();
        let mut evaluated = 0;
        for policy in &policies {
            let hours = crate::calendar::CalendarSet::new(&policy.calendars);
            let opts = crate::eval::ReadOptions::default();
            for i in 0..300 {
                let line = synthetic_ticket(i, 11);
                let ticket =
                    crate::eval::read_line(policy, &line, i + 1, &opts).expect("a valid ticket");
                let latest = ticket.latest_event().expect("events");
                let first = ticket.events[0].at;
                let halfway = first + (latest - first) / 2;
                for at in [latest, halfway, first - chrono::Duration::hours(1)] {
                    let select = &selections[i as usize % 2];
                    let fresh = evaluate_selected(policy, &hours, &ticket, at, select);
                    let reused = evaluate_in(&mut scratch, policy, &hours, &ticket, at, select);
                    assert_eq!(reused, fresh, "ticket {i} at {at}");
                    evaluated += 1;
                }
            }
        }
        assert_eq!(evaluated, 1800);
        // The lists were kept with their memory, not made anew.
        let runs = &scratch.runs;
        assert!(runs.cycles.capacity() > 0 && runs.pieces.capacity() > 0);
        assert!(runs.of.capacity() > 0 && scratch.secs.capacity() > 0);
    }

    /// The 64-bit path gives what 128-bit arithmetic gives, up to and past
    /// the products that overflow 64 bits.
    #[test]
    fn milestone_seconds_is_the_exact_product_rounded_down() {
        let targets = [
            0,
            1,
            59,
            3_600,
            28_800,
            86_399,
            1 << 40,
            i64::MAX / 3,
            i64::MAX,
        ];
        let percents = [
            0,
            1,
            333_333,
            750_000,
            999_999,
            1_000_000,
            2_500_000,
            i64::MAX,
        ];
        for &t in &targets {
            for &p in &percents {
                let exact = i128::from(t) * i128::from(p) / i128::from(Percent::WHOLE);
                let exact = i64::try_from(exact).unwrap_or(i64::MAX);
                assert_eq!(milestone_seconds(t, Percent(p)), exact, "{t} {p}");
            }
        }
    }
}
