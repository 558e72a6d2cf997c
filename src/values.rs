//! Exact value types shared by the surface tree and the IR: durations,
//! percentages and money. No floats anywhere.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A target or allowance length.
///
/// Open-time durations count seconds of open time on a calendar; business
/// days keep the position within the business day (`1bd`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum Duration {
    /// Seconds of open time (`30m`, `4h`, `1h30m`, and `Nd` on a 24x7 calendar).
    Seconds(i64),
    /// Whole business days (`1bd`).
    BusinessDays(i64),
}

impl Duration {
    /// Seconds if this is an open-time duration.
    pub fn seconds(self) -> Option<i64> {
        match self {
            Duration::Seconds(s) => Some(s),
            Duration::BusinessDays(_) => None,
        }
    }
}

/// The unit of one part of a written duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DurationUnit {
    /// `s`.
    Seconds,
    /// `m`.
    Minutes,
    /// `h`.
    Hours,
    /// `d`: refused on a calendar that is not 24x7.
    Days,
    /// `w`: seven 24-hour days.
    Weeks,
    /// `bd`: business days.
    BusinessDays,
}

/// Seconds in one 24-hour day.
pub(crate) const DAY: i64 = 86_400;

/// The longest duration slate accepts, in a policy or on the command line:
/// a century. The calendar engine answers for instants from 1900 to 2200,
/// so anything longer could only run off its range.
pub(crate) const MAX_DURATION_SECONDS: i64 = 100 * 365 * DAY;

/// The most business days slate accepts (a century of working days).
pub(crate) const MAX_BUSINESS_DAYS: i64 = 100 * 365;

/// Why a written duration is not one. The same messages serve policies
/// (inside `E0001` and `E0305` findings) and the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DurationError {
    /// Not of the form number + unit (`4h`, `1h30m`, `1bd`).
    NotADuration(String),
    /// A number in it does not fit 64 bits.
    NumberTooLarge(String),
    /// Business days written together with another unit (`1bd2h`).
    MixedBusinessDays,
    /// Longer than a century.
    TooLong,
    /// `d` or `w` (24-hour days) on a calendar that is not 24x7.
    DaysOnBusinessCalendar(String),
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::NotADuration(t) => write!(
                f,
                "`{t}` is not a duration; write e.g. `4h`, `1h30m`, `90s` or `1bd`"
            ),
            DurationError::NumberTooLarge(t) => write!(f, "number in `{t}` is too large"),
            DurationError::MixedBusinessDays => {
                f.write_str("business days (`bd`) cannot be combined with other units")
            }
            DurationError::TooLong => f.write_str("it is longer than a century"),
            DurationError::DaysOnBusinessCalendar(t) => write!(
                f,
                "`{t}` counts days on a calendar that is not 24x7; write `1bd` for business days or `24h` for 24 open hours"
            ),
        }
    }
}

impl std::error::Error for DurationError {}

/// A duration as written, added up: its value and whether it used `d` or
/// `w` (24-hour days, only meaningful on a 24x7 clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CheckedDuration {
    pub value: Duration,
    /// Whether it was written with `d` or `w` (24-hour days).
    pub uses_days: bool,
}

/// Splits `1h30m` into `[(1, Hours), (30, Minutes)]`: the lexical half of
/// reading a duration (the parser uses it alone, the checker adds up).
pub(crate) fn split_duration(text: &str) -> Result<Vec<(i64, DurationUnit)>, DurationError> {
    let mut parts = Vec::new();
    let mut rest = text;
    if rest.is_empty() {
        return Err(DurationError::NotADuration(text.to_string()));
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (number, after) = rest.split_at(digits);
        if digits == 0 {
            return Err(DurationError::NotADuration(text.to_string()));
        }
        let n = number
            .parse::<i64>()
            .map_err(|_| DurationError::NumberTooLarge(text.to_string()))?;
        let (unit, len) = if after.starts_with("bd") {
            (DurationUnit::BusinessDays, 2)
        } else {
            let unit = match after.as_bytes().first() {
                Some(b's') => DurationUnit::Seconds,
                Some(b'm') => DurationUnit::Minutes,
                Some(b'h') => DurationUnit::Hours,
                Some(b'd') => DurationUnit::Days,
                Some(b'w') => DurationUnit::Weeks,
                _ => return Err(DurationError::NotADuration(text.to_string())),
            };
            (unit, 1)
        };
        parts.push((n, unit));
        rest = &after[len..];
    }
    Ok(parts)
}

/// Adds up the parts of a duration exactly: business days stand alone, and
/// nothing may be longer than a century.
pub(crate) fn sum_duration(
    parts: &[(i64, DurationUnit)],
) -> Result<CheckedDuration, DurationError> {
    let has_bd = parts.iter().any(|(_, u)| *u == DurationUnit::BusinessDays);
    if has_bd && parts.len() > 1 {
        return Err(DurationError::MixedBusinessDays);
    }
    if let [(n, DurationUnit::BusinessDays)] = parts {
        if !(0..=MAX_BUSINESS_DAYS).contains(n) {
            return Err(DurationError::TooLong);
        }
        return Ok(CheckedDuration {
            value: Duration::BusinessDays(*n),
            uses_days: false,
        });
    }
    let mut total: i64 = 0;
    let mut uses_days = false;
    for (n, unit) in parts {
        let per = match unit {
            DurationUnit::Seconds => 1,
            DurationUnit::Minutes => 60,
            DurationUnit::Hours => 3_600,
            DurationUnit::Days => DAY,
            DurationUnit::Weeks => 7 * DAY,
            DurationUnit::BusinessDays => 0,
        };
        uses_days |= matches!(unit, DurationUnit::Days | DurationUnit::Weeks);
        total = n
            .checked_mul(per)
            .and_then(|s| total.checked_add(s))
            .filter(|t| (0..=MAX_DURATION_SECONDS).contains(t))
            .ok_or(DurationError::TooLong)?;
    }
    Ok(CheckedDuration {
        value: Duration::Seconds(total),
        uses_days,
    })
}

impl Duration {
    /// Reads a duration the way policies write it: `30m`, `4h`, `1h30m`,
    /// `90s`, `2d` (24 h), `1w` (168 h) or `1bd` (business days, alone), at
    /// most a century. Whether `d`/`w` suit a calendar is the calendar's
    /// question: see [`crate::Calendar::duration`].
    ///
    /// ```
    /// use slate::Duration;
    /// assert_eq!("1h30m".parse::<Duration>(), Ok(Duration::Seconds(5400)));
    /// assert_eq!("1bd".parse::<Duration>(), Ok(Duration::BusinessDays(1)));
    /// assert_eq!(
    ///     "1bd2h".parse::<Duration>().unwrap_err().to_string(),
    ///     "business days (`bd`) cannot be combined with other units"
    /// );
    /// ```
    pub fn parse(text: &str) -> Result<Duration, DurationError> {
        parse_duration(text).map(|d| d.value)
    }
}

impl std::str::FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Duration, DurationError> {
        Duration::parse(text)
    }
}

/// [`split_duration`] then [`sum_duration`] of a trimmed text.
pub(crate) fn parse_duration(text: &str) -> Result<CheckedDuration, DurationError> {
    sum_duration(&split_duration(text.trim())?)
}

/// Formats a number of seconds the way policies write them: `1h30m`, `45s`, `0s`.
pub fn format_seconds(total: i64) -> String {
    if total == 0 {
        return "0s".to_string();
    }
    // One allocation: `-2562047788015215h30m7s` is the longest.
    let mut out = String::with_capacity(24);
    if total < 0 {
        out.push('-');
    }
    let t = total.unsigned_abs();
    let (h, m, s) = (t / 3600, (t % 3600) / 60, t % 60);
    let mut digits = itoa::Buffer::new();
    for (n, unit) in [(h, 'h'), (m, 'm'), (s, 's')] {
        if n > 0 {
            out.push_str(digits.format(n));
            out.push(unit);
        }
    }
    out
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Duration::Seconds(s) => f.write_str(&format_seconds(*s)),
            Duration::BusinessDays(n) => write!(f, "{n}bd"),
        }
    }
}

/// A percentage held exactly as parts per million of the whole
/// (`99.5%` is `995_000`, `100%` is `1_000_000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Percent(pub i64);

impl Percent {
    /// Parts per million for 100%.
    pub const WHOLE: i64 = 1_000_000;

    /// Parses `99.5` (the text before `%`) into parts per million; at most
    /// four decimal places.
    pub fn parse(text: &str) -> Option<Percent> {
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        if int.is_empty() || frac.len() > 4 || !int.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let int: i64 = int.parse().ok()?;
        let mut frac_val: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().ok()?
        };
        for _ in frac.len()..4 {
            frac_val *= 10;
        }
        int.checked_mul(10_000)?.checked_add(frac_val).map(Percent)
    }
}

impl fmt::Display for Percent {
    /// `99.5%`: the whole percent, then up to four decimals without
    /// trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Built in one small buffer and written once: `write!` with its
        // integer formatting cost more than the rest of a milestone's answer
        // (every answer writes each milestone's percent).
        let int = self.0 / 10_000;
        let frac = (self.0 % 10_000).unsigned_abs();
        let mut digits = itoa::Buffer::new();
        let int = digits.format(int).as_bytes();
        let mut b = [0u8; 26];
        b[..int.len()].copy_from_slice(int);
        let mut n = int.len();
        if frac != 0 {
            let decimals = [frac / 1000, frac / 100 % 10, frac / 10 % 10, frac % 10];
            let kept = match frac {
                _ if frac % 1000 == 0 => 1,
                _ if frac % 100 == 0 => 2,
                _ if frac % 10 == 0 => 3,
                _ => 4,
            };
            b[n] = b'.';
            for (i, d) in decimals.iter().take(kept).enumerate() {
                b[n + 1 + i] = b'0' + *d as u8;
            }
            n += 1 + kept;
        }
        b[n] = b'%';
        f.write_str(std::str::from_utf8(&b[..=n]).map_err(|_| fmt::Error)?)
    }
}

/// An amount of money in minor units (cents) with an ISO-like currency code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Money {
    /// Amount in hundredths of the currency unit.
    pub cents: i64,
    /// Currency code, `USD` for `$`.
    pub currency: String,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sym = if self.currency == "USD" { "$" } else { "" };
        let (w, c) = (self.cents / 100, (self.cents % 100).abs());
        if c == 0 {
            write!(f, "{sym}{w}")?;
        } else {
            write!(f, "{sym}{w}.{c:02}")?;
        }
        if sym.is_empty() {
            write!(f, " {}", self.currency)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_parse_and_display_round_trip() {
        assert_eq!(Percent::parse("99.5"), Some(Percent(995_000)));
        assert_eq!(Percent::parse("100"), Some(Percent(1_000_000)));
        assert_eq!(Percent::parse("0.0001"), Some(Percent(1)));
        assert_eq!(Percent::parse("1.23456"), None);
        assert_eq!(Percent::parse(".5"), None);
        assert_eq!(Percent(995_000).to_string(), "99.5%");
        assert_eq!(Percent(1_000_000).to_string(), "100%");
    }

    /// The text `Percent` had when it was written with `format!`, for
    /// comparison.
    fn percent_reference(p: Percent) -> String {
        let int = p.0 / 10_000;
        let frac = (p.0 % 10_000).abs();
        if frac == 0 {
            format!("{int}%")
        } else {
            let s = format!("{frac:04}");
            format!("{int}.{}%", s.trim_end_matches('0'))
        }
    }

    #[test]
    fn percent_display_matches_the_reference() {
        let near = (0..=30_000).chain(995_000..=1_005_000);
        let edges = [i64::MAX, i64::MIN, -1, -10_000, -12_345, 123_456_789];
        for p in near.chain(edges) {
            assert_eq!(Percent(p).to_string(), percent_reference(Percent(p)), "{p}");
        }
    }

    #[test]
    fn durations_parse() {
        let read = |t: &str| parse_duration(t).map(|d| (d.value, d.uses_days));
        assert_eq!(read("1h30m"), Ok((Duration::Seconds(5400), false)));
        assert_eq!(read("2d"), Ok((Duration::Seconds(172_800), true)));
        assert_eq!(read("1bd"), Ok((Duration::BusinessDays(1), false)));
        // The policy's rules, word for word, on the command line too.
        assert_eq!(
            read("1bd2h").map_err(|e| e.to_string()),
            Err("business days (`bd`) cannot be combined with other units".to_string())
        );
        assert_eq!(
            read("1000000h").map_err(|e| e.to_string()),
            Err("it is longer than a century".to_string())
        );
        assert!(parse_duration("4 hours").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("99999999999999999999h").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn seconds_format() {
        assert_eq!(format_seconds(5400), "1h30m");
        assert_eq!(format_seconds(0), "0s");
        assert_eq!(format_seconds(-61), "-1m1s");
        assert_eq!(Duration::BusinessDays(1).to_string(), "1bd");
        assert_eq!(format_seconds(3600), "1h");
        assert_eq!(format_seconds(7), "7s");
        assert_eq!(format_seconds(i64::MIN), "-2562047788015215h30m8s");
        assert_eq!(format_seconds(i64::MAX), "2562047788015215h30m7s");
    }

    proptest::proptest! {
        #[test]
        fn formatted_seconds_read_back(n in 1i64..=MAX_DURATION_SECONDS) {
            let text = format_seconds(n);
            let read = parse_duration(&text).map(|d| (d.value, d.uses_days));
            proptest::prop_assert_eq!(read, Ok((Duration::Seconds(n), false)));
            proptest::prop_assert_eq!(format_seconds(-n), format!("-{text}"));
        }
    }
}
