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

/// Parses a duration as written on the command line or in ticket files:
/// `30m`, `4h`, `1h30m`, `90s`, `2d` (24 h), `1w` (168 h) or `1bd`.
/// Returns the duration and whether it used `d`/`w` (only meaningful on a
/// 24x7 clock). Errors are one readable line.
pub fn parse_duration(text: &str) -> Result<(Duration, bool), String> {
    let t = text.trim();
    if let Some(n) = t.strip_suffix("bd") {
        if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) {
            let n: i64 = n.parse().map_err(|_| format!("`{t}` is too large"))?;
            return Ok((Duration::BusinessDays(n), false));
        }
    }
    let mut total: i64 = 0;
    let mut uses_days = false;
    let mut rest = t;
    if rest.is_empty() {
        return Err("expected a duration such as `4h`, `1h30m` or `1bd`".into());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 {
            return Err(format!(
                "`{t}` is not a duration; write e.g. `4h`, `1h30m`, `90s` or `1bd`"
            ));
        }
        let n: i64 = rest[..digits]
            .parse()
            .map_err(|_| format!("`{t}` is too large"))?;
        rest = &rest[digits..];
        let unit = rest
            .chars()
            .next()
            .ok_or_else(|| format!("`{t}` needs a unit (s, m, h, d, w or bd)"))?;
        let factor = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => {
                uses_days = true;
                86_400
            }
            'w' => {
                uses_days = true;
                604_800
            }
            _ => {
                return Err(format!(
                    "`{unit}` is not a duration unit; use s, m, h, d, w or bd"
                ))
            }
        };
        rest = &rest[unit.len_utf8()..];
        total = n
            .checked_mul(factor)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(|| format!("`{t}` is too large"))?;
    }
    Ok((Duration::Seconds(total), uses_days))
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
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.0 / 10_000;
        let frac = (self.0 % 10_000).abs();
        if frac == 0 {
            write!(f, "{int}%")
        } else {
            let s = format!("{frac:04}");
            write!(f, "{int}.{}%", s.trim_end_matches('0'))
        }
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

    #[test]
    fn durations_parse() {
        assert_eq!(
            parse_duration("1h30m"),
            Ok((Duration::Seconds(5400), false))
        );
        assert_eq!(parse_duration("2d"), Ok((Duration::Seconds(172_800), true)));
        assert_eq!(
            parse_duration("1bd"),
            Ok((Duration::BusinessDays(1), false))
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
        fn formatted_seconds_read_back(n in 1i64..1_000_000_000_000) {
            let text = format_seconds(n);
            proptest::prop_assert_eq!(parse_duration(&text), Ok((Duration::Seconds(n), false)));
            proptest::prop_assert_eq!(format_seconds(-n), format!("-{text}"));
        }
    }
}
