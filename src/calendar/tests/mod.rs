//! The calendar engine's tests: named regressions, long spans, and the
//! property tests against a slow, obviously correct oracle.

mod limits;
mod long;
mod oracle;
mod regressions;

/// A reproducible stream of pseudo-random numbers (xorshift) from `seed`:
/// each call gives one in `0..m` (`m > 0`).
pub(crate) fn xorshift(seed: u64) -> impl FnMut(i64) -> i64 {
    let mut x = seed;
    move |m: i64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % m as u64) as i64
    }
}
