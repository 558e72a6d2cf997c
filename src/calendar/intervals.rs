//! Sorted, disjoint, non-adjacent half-open intervals of UTC seconds, with
//! prefix sums of open time, and the set operations calendar expressions use.

/// One UTC year (or any span) of open time: `[starts[i], ends[i])`, sorted,
/// disjoint and never touching, with `cum[i]` the open time before interval
/// `i` (`cum` has one more entry than there are intervals).
///
/// A year's table also has a day index ([`Intervals::with_day_index`]):
/// for day `k` of the span, `day_first[k]` intervals start before it, so
/// finding where an instant falls searches only the intervals starting on
/// its own day (none or one for office hours) instead of the whole year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Intervals {
    pub(crate) starts: Vec<i64>,
    pub(crate) ends: Vec<i64>,
    pub(crate) cum: Vec<i64>,
    /// The start of the indexed span (when `day_first` is not empty).
    lo: i64,
    /// `0`, then the number of intervals starting before day `k` of the
    /// span for `k = 1..=days`, then the number of intervals; empty when
    /// the table has no index.
    day_first: Vec<u32>,
}

/// Seconds in a UTC day.
const DAY: i64 = 86_400;

impl Intervals {
    /// Builds the table from sorted, disjoint, non-touching pairs.
    pub(crate) fn from_normalized(pairs: &[(i64, i64)]) -> Intervals {
        let mut starts = Vec::with_capacity(pairs.len());
        let mut ends = Vec::with_capacity(pairs.len());
        let mut cum = Vec::with_capacity(pairs.len() + 1);
        let mut acc = 0;
        cum.push(0);
        for &(s, e) in pairs {
            starts.push(s);
            ends.push(e);
            acc += e - s;
            cum.push(acc);
        }
        Intervals {
            starts,
            ends,
            cum,
            lo: 0,
            day_first: Vec::new(),
        }
    }

    /// The table with a day index over the span `[lo, hi)` (a table of
    /// more than `u32::MAX` intervals keeps none). Every answer is the
    /// same with or without it (the index only narrows the searches).
    pub(crate) fn with_day_index(mut self, lo: i64, hi: i64) -> Intervals {
        let Ok(n) = u32::try_from(self.len()) else {
            return self;
        };
        let days = (hi - lo).max(0).div_euclid(DAY) + i64::from((hi - lo).rem_euclid(DAY) != 0);
        let mut first = Vec::with_capacity(days as usize + 2);
        first.push(0);
        let mut i = 0;
        for k in 1..=days {
            let day = lo + k * DAY;
            while i < self.starts.len() && self.starts[i] < day {
                i += 1;
            }
            first.push(i as u32);
        }
        first.push(n);
        self.lo = lo;
        self.day_first = first;
        self
    }

    /// The number of intervals starting at or before `t`.
    fn rank(&self, t: i64) -> usize {
        if self.day_first.len() < 2 {
            return self.starts.partition_point(|&s| s <= t);
        }
        // Only the intervals starting on `t`'s day are searched: a binary
        // search over a year's starts is a chain of dependent loads with
        // unpredictable branches, which costs more time than instructions.
        let last = self.day_first.len() - 2;
        // Unsigned: a division by a constant without the signed fix-ups.
        let d = (t.saturating_sub(self.lo).max(0) as u64 / DAY as u64).min(last as u64) as usize;
        let (i, j) = (self.day_first[d] as usize, self.day_first[d + 1] as usize);
        i + self.starts[i..j].partition_point(|&s| s <= t)
    }

    /// Builds the table from any pairs: empty ones dropped, the rest sorted,
    /// merged and clipped to `[lo, hi)`.
    pub(crate) fn from_pairs(mut pairs: Vec<(i64, i64)>, lo: i64, hi: i64) -> Intervals {
        for p in &mut pairs {
            p.0 = p.0.max(lo);
            p.1 = p.1.min(hi);
        }
        Intervals::from_normalized(&normalize(pairs))
    }

    /// The pairs.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (i64, i64)> + '_ {
        self.starts.iter().copied().zip(self.ends.iter().copied())
    }

    /// Total open time.
    pub(crate) fn total(&self) -> i64 {
        self.cum.last().copied().unwrap_or(0)
    }

    /// Number of intervals.
    pub(crate) fn len(&self) -> usize {
        self.starts.len()
    }

    /// Open time before `t` (in the table's own span).
    pub(crate) fn open_before(&self, t: i64) -> i64 {
        self.open_at(self.rank(t), t)
    }

    /// Open time in `[a, b)` (`a <= b`, both in the table's span), as
    /// `open_before(b) - open_before(a)`. Without a day index: one binary
    /// search for `a`, then a gallop from there to `b` (most measured
    /// stretches end a few intervals after they start).
    pub(crate) fn open_between(&self, a: i64, b: i64) -> i64 {
        if !self.day_first.is_empty() {
            return self.open_before(b) - self.open_before(a);
        }
        let ia = self.starts.partition_point(|&s| s <= a);
        let ib = gallop(&self.starts, ia, |s| s <= b);
        self.open_at(ib, b) - self.open_at(ia, a)
    }

    /// `t` plus `d > 0` seconds of open time, within the table: the
    /// earliest instant at which the open time since `t` reaches `d`, or,
    /// when the table ends first, `Err` with the open time since the
    /// table's start to reach (`open_before(t) + d`, more than the total).
    /// The same as [`Intervals::reach_earliest`] of that value, searched
    /// forward from `t`'s interval instead of over the whole table.
    pub(crate) fn add(&self, t: i64, d: i64) -> Result<i64, i64> {
        let r = self.rank(t);
        let v = self.open_at(r, t).saturating_add(d);
        if v > self.total() {
            return Err(v);
        }
        // `cum[r - 1] <= open_before(t) < v`, so the answer's interval is
        // at or after `r - 1`.
        let i = gallop(&self.cum[1..], r.saturating_sub(1), |c| c < v);
        match self.starts.get(i) {
            Some(&s) => Ok(s + (v - self.cum[i])),
            None => Err(v),
        }
    }

    /// Open time before `t`, given `idx`, the number of intervals starting
    /// at or before `t`.
    fn open_at(&self, idx: usize, t: i64) -> i64 {
        if idx > 0 && self.ends[idx - 1] > t {
            self.cum[idx - 1] + (t - self.starts[idx - 1])
        } else {
            self.cum[idx]
        }
    }

    /// The index of the interval containing `t`.
    pub(crate) fn containing(&self, t: i64) -> Option<usize> {
        let idx = self.rank(t);
        (idx > 0 && self.ends[idx - 1] > t).then(|| idx - 1)
    }

    /// The earliest instant at which the open time since the table's start
    /// reaches `v` (`0 < v <= total`).
    pub(crate) fn reach_earliest(&self, v: i64) -> Option<i64> {
        let i = self.cum[1..].partition_point(|&c| c < v);
        (i < self.len()).then(|| self.starts[i] + (v - self.cum[i]))
    }

    /// The latest instant at which the open time since the table's start is
    /// still `v` (`0 <= v < total`): an open instant.
    pub(crate) fn reach_latest(&self, v: i64) -> Option<i64> {
        let i = self.cum[1..].partition_point(|&c| c <= v);
        (i < self.len()).then(|| self.starts[i] + (v - self.cum[i]))
    }
}

/// The first index at or after `from` whose value fails `pred` (`pred`
/// holds on a prefix of `xs`, and at every index before `from`): steps of
/// 1, 2, 4, ... from `from`, then a binary search in the last step.
fn gallop(xs: &[i64], from: usize, pred: impl Fn(i64) -> bool) -> usize {
    let (mut lo, mut hi, mut step) = (from, from, 1);
    while hi < xs.len() && pred(xs[hi]) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(xs.len());
    lo + xs[lo..hi].partition_point(|&x| pred(x))
}

/// Sorts pairs, drops empty ones and merges overlapping or touching ones.
pub(crate) fn normalize(mut pairs: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    pairs.retain(|p| p.1 > p.0);
    pairs.sort_unstable();
    let mut out: Vec<(i64, i64)> = Vec::with_capacity(pairs.len());
    for (s, e) in pairs {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

/// Union of two normalized lists.
pub(crate) fn union(a: &Intervals, b: &Intervals) -> Vec<(i64, i64)> {
    let mut all: Vec<(i64, i64)> = a.pairs().chain(b.pairs()).collect();
    all.sort_unstable();
    normalize(all)
}

/// Intersection of two normalized lists.
pub(crate) fn intersection(a: &Intervals, b: &Intervals) -> Vec<(i64, i64)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        let s = a.starts[i].max(b.starts[j]);
        let e = a.ends[i].min(b.ends[j]);
        if s < e {
            out.push((s, e));
        }
        if a.ends[i] < b.ends[j] {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// `a` minus `b`, both normalized.
pub(crate) fn difference(a: &Intervals, b: &Intervals) -> Vec<(i64, i64)> {
    let mut out = Vec::new();
    let mut j = 0;
    for (s, e) in a.pairs() {
        let mut cur = s;
        while j < b.len() && b.ends[j] <= cur {
            j += 1;
        }
        let mut k = j;
        while k < b.len() && b.starts[k] < e {
            if b.starts[k] > cur {
                out.push((cur, b.starts[k]));
            }
            cur = cur.max(b.ends[k]);
            if cur >= e {
                break;
            }
            k += 1;
        }
        if cur < e {
            out.push((cur, e));
        }
    }
    out
}

/// `pairs` (any) minus the normalized `cut`, normalized.
pub(crate) fn subtract_pairs(pairs: Vec<(i64, i64)>, cut: &[(i64, i64)]) -> Vec<(i64, i64)> {
    let a = Intervals::from_normalized(&normalize(pairs));
    let b = Intervals::from_normalized(cut);
    difference(&a, &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(p: &[(i64, i64)]) -> Intervals {
        Intervals::from_normalized(p)
    }

    #[test]
    fn normalize_merges_overlapping_and_touching_and_drops_empty() {
        let got = normalize(vec![(5, 7), (1, 3), (3, 4), (6, 9), (10, 10), (12, 11)]);
        assert_eq!(got, vec![(1, 4), (5, 9)]);
    }

    #[test]
    fn set_operations() {
        let a = iv(&[(0, 10), (20, 30)]);
        let b = iv(&[(5, 25), (28, 40)]);
        assert_eq!(union(&a, &b), vec![(0, 40)]);
        assert_eq!(intersection(&a, &b), vec![(5, 10), (20, 25), (28, 30)]);
        assert_eq!(difference(&a, &b), vec![(0, 5), (25, 28)]);
        assert_eq!(difference(&b, &a), vec![(10, 20), (30, 40)]);
        assert_eq!(difference(&a, &iv(&[])), vec![(0, 10), (20, 30)]);
        assert_eq!(difference(&a, &iv(&[(-5, 50)])), vec![]);
    }

    /// `open_between` (a search and a gallop) is the difference of two
    /// `open_before`, on random tables and every pair of probe instants
    /// (interval edges and the seconds around them).
    #[test]
    fn open_between_is_the_difference_of_open_before() {
        let mut next = crate::calendar::tests::xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..300 {
            let n = next(40);
            let mut t = next(10);
            let mut pairs = Vec::new();
            for _ in 0..n {
                let s = t + 1 + next(30);
                let e = s + 1 + next(30);
                pairs.push((s, e));
                t = e;
            }
            let table = iv(&pairs);
            let mut probes = vec![0, t + 5];
            for &(s, e) in &pairs {
                probes.extend([s - 1, s, s + 1, e - 1, e, e + 1]);
            }
            for &a in &probes {
                for &b in probes.iter().filter(|&&b| b >= a) {
                    assert_eq!(
                        table.open_between(a, b),
                        table.open_before(b) - table.open_before(a),
                        "{pairs:?} {a} {b}"
                    );
                }
            }
        }
    }

    /// The day index and the forward search of `add` only narrow the
    /// searches: on random tables (intervals of a few seconds to a few
    /// days, some crossing day boundaries or the span's edges), at every
    /// probe instant, an indexed table answers `open_before`,
    /// `open_between` and `containing` as the plain table does, and
    /// `add(t, d)` is `reach_earliest(open_before(t) + d)` (or says how
    /// much open time it needs past the table).
    #[test]
    fn the_day_index_and_add_agree_with_the_plain_searches() {
        let mut next = crate::calendar::tests::xorshift(0x9E37_79B9_7F4A_7C15);
        for round in 0..400 {
            let lo = next(3 * DAY) - DAY;
            let hi = lo + 1 + next(12 * DAY);
            let scale = [60, 3_600, DAY, 3 * DAY][round % 4];
            let mut pairs = Vec::new();
            let mut t = lo - next(2 * scale);
            for _ in 0..next(60) {
                let s = t + 1 + next(scale);
                let e = s + 1 + next(scale);
                pairs.push((s, e));
                t = e;
            }
            let plain = Intervals::from_pairs(pairs, lo, hi);
            let indexed = plain.clone().with_day_index(lo, hi);
            let mut probes = vec![lo - DAY, lo - 1, lo, hi - 1, hi, hi + 1, hi + DAY];
            for k in 0..=(hi - lo) / DAY {
                probes.extend([lo + k * DAY - 1, lo + k * DAY]);
            }
            for (s, e) in plain.pairs() {
                probes.extend([s - 1, s, s + 1, e - 1, e, e + 1]);
            }
            for _ in 0..20 {
                probes.push(lo + next(hi - lo));
            }
            for &a in &probes {
                assert_eq!(indexed.open_before(a), plain.open_before(a), "{a}");
                assert_eq!(indexed.containing(a), plain.containing(a), "{a}");
                for &b in probes.iter().filter(|&&b| b >= a && a >= lo && b <= hi) {
                    assert_eq!(indexed.open_between(a, b), plain.open_between(a, b));
                }
                if a < lo || a > hi {
                    continue;
                }
                for d in [1, 2, 59, 3_600, next(DAY) + 1, next(20 * DAY) + 1] {
                    let v = plain.open_before(a) + d;
                    let want = if v <= plain.total() {
                        plain.reach_earliest(v).ok_or(v)
                    } else {
                        Err(v)
                    };
                    assert_eq!(plain.add(a, d), want, "{a} + {d}");
                    assert_eq!(indexed.add(a, d), want, "{a} + {d}");
                }
            }
        }
    }

    #[test]
    fn prefix_sums_and_searches() {
        let a = iv(&[(10, 20), (30, 35)]);
        assert_eq!(a.total(), 15);
        assert_eq!(a.open_before(0), 0);
        assert_eq!(a.open_before(15), 5);
        assert_eq!(a.open_before(25), 10);
        assert_eq!(a.open_before(100), 15);
        assert_eq!(a.containing(20), None);
        assert_eq!(a.containing(10), Some(0));
        // Earliest instant reaching 10 is the close at 20; latest is the
        // next opening at 30.
        assert_eq!(a.reach_earliest(10), Some(20));
        assert_eq!(a.reach_latest(10), Some(30));
        assert_eq!(a.reach_earliest(15), Some(35));
        assert_eq!(a.reach_latest(15), None);
        assert_eq!(a.reach_earliest(16), None);
    }
}
