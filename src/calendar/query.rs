//! The arithmetic itself, on UTC seconds, over the cached year tables.
//!
//! Within a year an instant is placed through the table's day index, then
//! its prefix sums give open time (see `intervals.rs`). Across
//! years, year totals are summed one by one (each an atomic load once
//! cached), so a query builds only the years it passes through: the first
//! query over a span of 100 years builds those 100 years, not all 300 (a
//! cumulative index over the whole range made the first query past 12
//! years build everything, a 48x step). Summing 300 cached totals costs
//! well under a microsecond.

use super::build::{self, Bucket, Days, Kind, Label, YEARS};
use super::intervals::{self, Intervals};
use super::zone::{date_seconds, local_to_instant, wall_of};
use super::{to_utc, CalendarError, CalendarSet, Segment, SegmentState, MAX_SECONDS, MIN_SECONDS};
use crate::ir::CalendarExpr;
use chrono::NaiveDate;
use std::collections::HashSet;
use std::sync::Arc;

/// A business day: its year and index in that year's table.
type DayRef = (usize, usize);

/// A set operation on two years' intervals.
type SetOp = fn(&Intervals, &Intervals) -> Vec<(i64, i64)>;

impl CalendarSet {
    pub(super) fn bucket(&self, id: usize, y: usize) -> &Bucket {
        let slot = self.nodes[id].bucket_slot(y);
        if let Some(b) = slot.get() {
            return b;
        }
        self.build_refs_first(id, y);
        slot.get_or_init(|| self.build_bucket(id, y))
    }

    /// Builds year `y` of every calendar that `id` refers to, directly or
    /// not, each after the calendars it refers to, with an explicit stack:
    /// building then never recurses through references, so a reference
    /// chain of any length needs no deeper native stack than one link (a
    /// chain of 2,000 `r_i = r_{i-1} | k` overflowed a worker thread's
    /// 2 MiB stack when each link recursed into the next).
    fn build_refs_first(&self, id: usize, y: usize) {
        let mut stack = vec![(id, false)];
        let mut seen = HashSet::new();
        let mut refs = Vec::new();
        while let Some((i, children_built)) = stack.pop() {
            let slot = self.nodes[i].bucket_slot(y);
            if slot.get().is_some() {
                continue;
            }
            if children_built {
                if i != id {
                    slot.get_or_init(|| self.build_bucket(i, y));
                }
                continue;
            }
            if !seen.insert(i) {
                continue;
            }
            stack.push((i, true));
            if let Kind::Expr(e) = &self.nodes[i].kind {
                refs.clear();
                build::collect_refs(e, &mut refs);
                for r in &refs {
                    let r = r.index();
                    if r < self.nodes.len() && !seen.contains(&r) {
                        stack.push((r, false));
                    }
                }
            }
        }
    }

    fn build_bucket(&self, id: usize, y: usize) -> Arc<Bucket> {
        let (lo, hi) = (self.bounds[y], self.bounds[y + 1]);
        match &self.nodes[id].kind {
            Kind::Weekly(w) => Arc::new(build::weekly_bucket(w, lo, hi)),
            Kind::Expr(e) => self.eval(e, y),
        }
    }

    fn eval(&self, e: &CalendarExpr, y: usize) -> Arc<Bucket> {
        let (lo, hi) = (self.bounds[y], self.bounds[y + 1]);
        let (l, r, op): (Arc<Bucket>, Arc<Bucket>, SetOp) = match e {
            CalendarExpr::Always => {
                return Arc::new(Bucket {
                    open: Intervals::from_normalized(&[(lo, hi)]).with_day_index(lo, hi),
                    labels: Vec::new(),
                })
            }
            CalendarExpr::Ref { calendar } => {
                // Built before this calendar by `build_refs_first` (a
                // reference cycle, possible only in a hand-built IR, reads
                // as never open instead of recursing).
                return match self.nodes.get(calendar.index()) {
                    Some(n) => n
                        .bucket_slot(y)
                        .get()
                        .map_or_else(|| Arc::new(Bucket::default()), Arc::clone),
                    None => Arc::new(Bucket::default()),
                };
            }
            CalendarExpr::Union { left, right } => {
                (self.eval(left, y), self.eval(right, y), intervals::union)
            }
            CalendarExpr::Intersection { left, right } => (
                self.eval(left, y),
                self.eval(right, y),
                intervals::intersection,
            ),
            CalendarExpr::Difference { left, right } => (
                self.eval(left, y),
                self.eval(right, y),
                intervals::difference,
            ),
        };
        let open = Intervals::from_normalized(&op(&l.open, &r.open)).with_day_index(lo, hi);
        let mut labels: Vec<Label> = l.labels.iter().chain(r.labels.iter()).cloned().collect();
        if let CalendarExpr::Difference { right, .. } = e {
            let name = match right.as_ref() {
                CalendarExpr::Ref { calendar } => Some(self.nodes[calendar.index()].name.clone()),
                _ => None,
            };
            labels.extend(r.open.pairs().map(|(s, e)| (s, e, name.clone())));
        }
        Arc::new(Bucket { open, labels })
    }

    fn days(&self, id: usize, y: usize) -> &Days {
        self.nodes[id].days_slot(y).get_or_init(|| {
            let (lo, hi) = (self.bounds[y], self.bounds[y + 1]);
            Arc::new(match &self.nodes[id].kind {
                Kind::Weekly(w) => build::weekly_days(w, lo, hi),
                Kind::Expr(_) => self.expr_days(id, lo, hi),
            })
        })
    }

    fn expr_days(&self, id: usize, lo: i64, hi: i64) -> Days {
        let tz = self.nodes[id].day_zone;
        let (mut d, last) = build::dates_around(tz, lo, hi);
        let mut out = Days::default();
        let mut m0 = local_to_instant(tz, d, 0);
        while d <= last {
            let Some(next) = d.succ_opt() else { break };
            let m1 = local_to_instant(tz, next, 0);
            let (a, b) = (m0.max(MIN_SECONDS), m1.min(MAX_SECONDS));
            if a < b && b > lo && a < hi {
                let pieces = self.pieces(id, a, b);
                if let (Some(f), Some(l)) = (pieces.first(), pieces.last()) {
                    if f.0 >= lo && f.0 < hi {
                        out.date.push(d);
                        out.first.push(f.0);
                        out.last.push(l.1);
                    }
                }
            }
            d = next;
            m0 = m1;
        }
        out
    }

    /// The open intervals in `[from, to)`, merged across years.
    pub(super) fn pieces(&self, id: usize, from: i64, to: i64) -> Vec<(i64, i64)> {
        let mut out: Vec<(i64, i64)> = Vec::new();
        if from >= to {
            return out;
        }
        for y in self.year_of(from)..=self.year_of(to - 1) {
            let b = &self.bucket(id, y).open;
            let i0 = b.ends.partition_point(|&e| e <= from);
            for i in i0..b.len() {
                if b.starts[i] >= to {
                    break;
                }
                let (s, e) = (b.starts[i].max(from), b.ends[i].min(to));
                match out.last_mut() {
                    Some(last) if last.1 == s => last.1 = e,
                    _ => out.push((s, e)),
                }
            }
        }
        out
    }

    /// The year holding `t` (the last year for the range's end itself).
    pub(super) fn year_of(&self, t: i64) -> usize {
        // Bucket `y` is UTC year 1900 + y. Guess from the mean Gregorian
        // year (365.2425 days), then step to the exact bucket: the guess is
        // never more than one year off.
        const MEAN_YEAR: i64 = 31_556_952;
        let last = YEARS - 1;
        // Unsigned: a division by a constant without the signed fix-ups.
        let guess = ((t.saturating_sub(self.bounds[0]).max(0) as u64 / MEAN_YEAR as u64) as usize)
            .min(last);
        let mut y = guess;
        while y > 0 && self.bounds[y] > t {
            y -= 1;
        }
        while y < last && self.bounds[y + 1] <= t {
            y += 1;
        }
        y
    }

    fn total(&self, id: usize, y: usize) -> i64 {
        self.bucket(id, y).open.total()
    }

    /// The error for a search that ran off the end (or start) of the range
    /// (this builds every year, once: only a search that passed through
    /// all of them gets here).
    fn ran_off(&self, id: usize, at: i64) -> CalendarError {
        if (0..YEARS).all(|y| self.total(id, y) == 0) {
            CalendarError::NeverOpen {
                calendar: self.nodes[id].name.clone(),
            }
        } else {
            CalendarError::OutOfRange { at: to_utc(at) }
        }
    }

    /// Whether calendar `id` is `24x7`: open at every instant of the
    /// range, so that its answers need no table.
    fn always(&self, id: usize) -> bool {
        matches!(self.nodes[id].kind, Kind::Expr(CalendarExpr::Always))
    }

    pub(super) fn between_raw(&self, id: usize, a: i64, b: i64) -> i64 {
        if self.always(id) {
            return b - a;
        }
        let ya = self.year_of(a);
        // Most stretches lie within one year: one table, one search.
        if ya == YEARS - 1 || b < self.bounds[ya + 1] {
            return self.bucket(id, ya).open.open_between(a, b);
        }
        let yb = self.year_of(b);
        let before_b = self.bucket(id, yb).open.open_before(b);
        let before_a = self.bucket(id, ya).open.open_before(a);
        if ya == yb {
            return before_b - before_a;
        }
        let mid = (ya..yb).map(|y| self.total(id, y)).sum::<i64>();
        mid - before_a + before_b
    }

    /// Finds the year in which the running open time from the start of year
    /// `y` reaches `v` (`v > 0`, earliest) and the value relative to it.
    fn seek_forward(
        &self,
        id: usize,
        mut y: usize,
        mut v: i64,
        strict: bool,
    ) -> Option<(usize, i64)> {
        let fits = |v: i64, total: i64| if strict { v < total } else { v <= total };
        loop {
            let total = self.total(id, y);
            if fits(v, total) {
                return Some((y, v));
            }
            v -= total;
            y += 1;
            if y >= YEARS {
                return None;
            }
        }
    }

    pub(super) fn add_raw(&self, id: usize, t: i64, d: u64) -> Result<i64, CalendarError> {
        if d == 0 {
            return Ok(t);
        }
        let d = i64::try_from(d).map_err(|_| self.ran_off(id, MAX_SECONDS))?;
        if self.always(id) {
            return t
                .checked_add(d)
                .filter(|&u| u <= MAX_SECONDS)
                .ok_or_else(|| self.ran_off(id, MAX_SECONDS));
        }
        let y = self.year_of(t);
        // Most answers fall in the same year: no second lookup of its table.
        let v = match self.bucket(id, y).open.add(t, d) {
            Ok(u) => return Ok(u),
            Err(v) => v,
        };
        let (y, v) = self
            .seek_forward(id, y, v, false)
            .ok_or_else(|| self.ran_off(id, MAX_SECONDS))?;
        self.bucket(id, y)
            .open
            .reach_earliest(v)
            .ok_or_else(|| self.ran_off(id, MAX_SECONDS))
    }

    pub(super) fn sub_raw(&self, id: usize, t: i64, d: u64) -> Result<i64, CalendarError> {
        let out = || CalendarError::OutOfRange {
            at: to_utc(MIN_SECONDS),
        };
        if d == 0 {
            return Ok(t);
        }
        let d = i64::try_from(d).map_err(|_| out())?;
        let mut y = self.year_of(t);
        let mut v = self.bucket(id, y).open.open_before(t).saturating_sub(d);
        while v < 0 {
            if y == 0 {
                return Err(out());
            }
            y -= 1;
            v += self.total(id, y);
        }
        self.bucket(id, y).open.reach_latest(v).ok_or_else(out)
    }

    pub(super) fn is_open_raw(&self, id: usize, t: i64) -> bool {
        self.bucket(id, self.year_of(t))
            .open
            .containing(t)
            .is_some()
    }

    pub(super) fn next_open_raw(&self, id: usize, t: i64) -> Result<Option<i64>, CalendarError> {
        let y = self.year_of(t);
        let v = self.bucket(id, y).open.open_before(t);
        match self.seek_forward(id, y, v, true) {
            Some((y, v)) => Ok(self.bucket(id, y).open.reach_latest(v)),
            None => match self.ran_off(id, MAX_SECONDS) {
                e @ CalendarError::NeverOpen { .. } => Err(e),
                _ => Ok(None),
            },
        }
    }

    pub(super) fn next_close_raw(&self, id: usize, t: i64) -> Option<i64> {
        if let Kind::Expr(CalendarExpr::Always) = self.nodes[id].kind {
            return None;
        }
        let mut y = self.year_of(t);
        let b = &self.bucket(id, y).open;
        let Some(i) = b.containing(t) else {
            return Some(t);
        };
        let mut end = b.ends[i];
        while end == self.bounds[y + 1] {
            if y + 1 >= YEARS {
                return None;
            }
            y += 1;
            let b = &self.bucket(id, y).open;
            match b.starts.first() {
                Some(&s) if s == end => end = b.ends[0],
                _ => break,
            }
        }
        Some(end)
    }

    /// The latest end of an open period at or before `t` (a real close:
    /// not a year boundary that the next year's first period continues).
    pub(super) fn previous_close_raw(&self, id: usize, t: i64) -> Option<i64> {
        if let Kind::Expr(CalendarExpr::Always) = self.nodes[id].kind {
            return None;
        }
        let mut y = self.year_of(t);
        loop {
            let b = &self.bucket(id, y).open;
            let n = b.ends.partition_point(|&e| e <= t);
            for &e in b.ends[..n].iter().rev() {
                let continued = e == self.bounds[y + 1]
                    && y + 1 < YEARS
                    && self.bucket(id, y + 1).open.starts.first() == Some(&e);
                if !continued {
                    return Some(e);
                }
            }
            if y == 0 {
                return None;
            }
            y -= 1;
        }
    }

    // ---- business days -------------------------------------------------

    fn day(&self, id: usize, r: DayRef) -> (NaiveDate, i64, i64) {
        let d = self.days(id, r.0);
        (d.date[r.1], d.first[r.1], d.last[r.1])
    }

    /// The latest-starting business day whose first open instant is `< t`.
    fn day_before(&self, id: usize, t: i64) -> Option<DayRef> {
        let y = self.year_of(t);
        let d = self.days(id, y);
        let i = d.first.partition_point(|&f| f < t);
        if i > 0 {
            return Some((y, i - 1));
        }
        // The last day of an earlier year.
        let mut y2 = y;
        loop {
            if y2 == 0 {
                return None;
            }
            y2 -= 1;
            let len = self.days(id, y2).first.len();
            if len > 0 {
                return Some((y2, len - 1));
            }
        }
    }

    /// The earliest business day whose first open instant is `>= t`.
    fn day_from(&self, id: usize, t: i64) -> Option<DayRef> {
        let y = self.year_of(t);
        let i = self.days(id, y).first.partition_point(|&f| f < t);
        self.day_offset(id, (y, i), 0)
    }

    /// The day `n` business days after `r` (`r.1` may be one past the end of
    /// its year's list, meaning the first day after it).
    /// `None` when that day is outside the range, however large `n` is.
    fn day_offset(&self, id: usize, r: DayRef, n: i64) -> Option<DayRef> {
        // More business days than seconds in the range cannot fit.
        const MAX_DAYS: i64 = MAX_SECONDS - MIN_SECONDS;
        let (mut y, mut i) = (r.0, r.1 as i64 + n.clamp(-MAX_DAYS, MAX_DAYS));
        loop {
            let len = self.days(id, y).first.len() as i64;
            if i >= 0 && i < len {
                return Some((y, i as usize));
            }
            if i >= len {
                i -= len;
                y += 1;
                if y >= YEARS {
                    return None;
                }
            } else {
                if y == 0 {
                    return None;
                }
                y -= 1;
                i += self.days(id, y).first.len() as i64;
            }
        }
    }

    pub(super) fn add_days_raw(&self, id: usize, t: i64, n: i64) -> Result<i64, CalendarError> {
        if n == 0 {
            return Ok(t);
        }
        let tz = self.nodes[id].day_zone;
        let off_end = |fwd: bool| {
            if fwd {
                self.ran_off(id, MAX_SECONDS)
            } else {
                match self.ran_off(id, MIN_SECONDS) {
                    e @ CalendarError::NeverOpen { .. } => e,
                    _ => CalendarError::OutOfRange {
                        at: to_utc(MIN_SECONDS),
                    },
                }
            }
        };
        // Strictly inside a day: an opening or a closing instant is the
        // boundary between two days (the same point of business time), so it
        // counts as the start of the next day going forward and as the end
        // of the previous day going back, whatever the days' lengths.
        let inside = self.day_before(id, t).filter(|&r| {
            let (_, first, last) = self.day(id, r);
            first < t && t < last
        });
        if let Some(r) = inside {
            let (date, _, _) = self.day(id, r);
            let tod = wall_of(tz, t) - date_seconds(date);
            let target = self.day_offset(id, r, n).ok_or_else(|| off_end(n > 0))?;
            let (date2, first2, last2) = self.day(id, target);
            return Ok(local_to_instant(tz, date2, tod).clamp(first2, last2));
        }
        if n > 0 {
            let d0 = self.day_from(id, t).ok_or_else(|| off_end(true))?;
            let target = self
                .day_offset(id, d0, n - 1)
                .ok_or_else(|| off_end(true))?;
            Ok(self.day(id, target).2)
        } else {
            let d0 = self.day_before(id, t).ok_or_else(|| off_end(false))?;
            let target = self
                .day_offset(id, d0, n + 1)
                .ok_or_else(|| off_end(false))?;
            Ok(self.day(id, target).1)
        }
    }

    /// A deadline `days` business days after day zero, at local time
    /// `at` (seconds after midnight of that day's date) or, with `None`,
    /// at that day's last close. Day zero is the business day `t` counts
    /// in: the latest-starting day `D` with `first(D) <= t`, when
    /// `t < last(D)`; else (outside hours) the next business day to open.
    pub(super) fn day_deadline_raw(
        &self,
        id: usize,
        t: i64,
        days: u32,
        at: Option<u32>,
    ) -> Result<i64, CalendarError> {
        let off = || self.ran_off(id, MAX_SECONDS);
        // `first < t + 1`: an opening instant belongs to its day.
        let inside = self
            .day_before(id, t + 1)
            .filter(|&r| t < self.day(id, r).2);
        let d0 = match inside {
            Some(r) => r,
            None => self.day_from(id, t).ok_or_else(off)?,
        };
        let target = self.day_offset(id, d0, i64::from(days)).ok_or_else(off)?;
        let (date, _, last) = self.day(id, target);
        Ok(match at {
            None => last,
            Some(s) => local_to_instant(self.nodes[id].day_zone, date, i64::from(s)),
        })
    }

    // ---- segments ------------------------------------------------------

    pub(super) fn segments_raw(&self, id: usize, from: i64, to: i64) -> Vec<Segment> {
        let mut out: Vec<(i64, i64, SegmentState)> = Vec::new();
        if from >= to {
            return Vec::new();
        }
        let open = self.pieces(id, from, to);
        let mut labels: Vec<Label> = Vec::new();
        for y in self.year_of(from)..=self.year_of(to - 1) {
            labels.extend(
                self.bucket(id, y)
                    .labels
                    .iter()
                    .filter(|l| l.1 > from && l.0 < to)
                    .map(|l| (l.0.max(from), l.1.min(to), l.2.clone())),
            );
        }
        labels.sort();
        let mut push = |s: i64, e: i64, state: SegmentState| {
            if e <= s {
                return;
            }
            match out.last_mut() {
                Some(last) if last.1 == s && last.2 == state => last.1 = e,
                _ => out.push((s, e, state)),
            }
        };
        let gap = |g0: i64, g1: i64, push: &mut dyn FnMut(i64, i64, SegmentState)| {
            if g1 <= g0 {
                return;
            }
            let upto = labels.partition_point(|l| l.0 < g1);
            let mut cuts: Vec<i64> = vec![g0, g1];
            for l in &labels[..upto] {
                if l.1 > g0 {
                    cuts.extend([l.0, l.1].into_iter().filter(|&x| x > g0 && x < g1));
                }
            }
            cuts.sort_unstable();
            cuts.dedup();
            for w in cuts.windows(2) {
                let state = labels[..upto]
                    .iter()
                    .find(|l| l.0 <= w[0] && l.1 >= w[1])
                    .map_or(SegmentState::OutsideHours, |l| SegmentState::Closed {
                        label: l.2.clone(),
                    });
                push(w[0], w[1], state);
            }
        };
        let mut cur = from;
        for (s, e) in open {
            gap(cur, s, &mut push);
            push(s, e, SegmentState::Open);
            cur = e;
        }
        gap(cur, to, &mut push);
        out.into_iter()
            .map(|(s, e, state)| Segment {
                start: to_utc(s),
                end: to_utc(e),
                state,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `year_of` computes faster: the last bucket starting
    /// at or before `t`, clamped to the table.
    fn slow_year_of(set: &CalendarSet, t: i64) -> usize {
        set.bounds
            .partition_point(|&b| b <= t)
            .saturating_sub(1)
            .min(YEARS - 1)
    }

    /// `24x7` is answered without tables; a weekly calendar open all day
    /// every day in UTC goes through them: both give the same open time
    /// and the same additions (errors included), across years and up to
    /// the edges of the range.
    #[test]
    fn always_open_answers_as_its_tables_would() {
        let text = "policy \"P\" { calendar always }\ncalendar always = 24x7\n\
                    calendar daily { zone \"UTC\"  daily 00:00-24:00 }\n\
                    severity high \"High\"\ntiers basic\n";
        let policy = crate::compile(&crate::source::SourceFile::new("p.sla", text))
            .expect("compiles")
            .policy;
        let set = CalendarSet::from_policy(&policy);
        let id = |name: &str| {
            let c = policy.calendar_named(name).expect("declared");
            set.id(c).expect("in the set")
        };
        let (always, daily) = (id("always"), id("daily"));
        assert!(set.always(always) && !set.always(daily));
        let mut next = crate::calendar::tests::xorshift(0x9E37_79B9_7F4A_7C15);
        let span = MAX_SECONDS - MIN_SECONDS;
        for i in 0..2_000 {
            let a = match i % 4 {
                0 => MAX_SECONDS - next(100_000),
                1 => MIN_SECONDS + next(100_000),
                _ => MIN_SECONDS + next(span),
            };
            let b = a.max(MIN_SECONDS + next(span)).min(MAX_SECONDS);
            let (a, b) = (a.min(b), b);
            assert_eq!(set.between_raw(always, a, b), set.between_raw(daily, a, b));
            let d = match i % 3 {
                0 => next(1_000_000) as u64,
                1 => next(span) as u64,
                _ => (MAX_SECONDS - a + next(3) - 1).max(0) as u64,
            };
            assert_eq!(
                set.add_raw(always, a, d),
                set.add_raw(daily, a, d),
                "{a} + {d}"
            );
        }
    }

    #[test]
    fn year_of_matches_the_bucket_bounds() {
        let set = CalendarSet::new(&[]);
        let mut probes = vec![i64::MIN / 2, MIN_SECONDS - 1, MAX_SECONDS + 1, i64::MAX / 2];
        for &b in &set.bounds {
            probes.extend([b - 86_400, b - 1, b, b + 1, b + 86_400 * 183]);
        }
        let mut next = crate::calendar::tests::xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..100_000 {
            probes.push(MIN_SECONDS + next(MAX_SECONDS - MIN_SECONDS));
        }
        for t in probes {
            assert_eq!(set.year_of(t), slow_year_of(&set, t), "t = {t}");
        }
    }
}
