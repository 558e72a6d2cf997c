//! Literals to typed values: durations, percentages, money, counts, and the
//! wording used when a literal is of the wrong kind.

use super::Checker;
use crate::ast::{DurationUnit, Literal};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::values::{Duration, Money, Percent};

pub(crate) use crate::values::{CheckedDuration, DAY};

/// The literal as the user wrote it (near enough), for messages.
pub(crate) fn literal_text(lit: &Literal) -> String {
    match lit {
        Literal::Int(n) => n.to_string(),
        Literal::Decimal(s) => s.clone(),
        Literal::Duration(parts) => parts
            .iter()
            .map(|(n, u)| format!("{n}{}", unit_suffix(*u)))
            .collect(),
        Literal::Percent(s) => format!("{s}%"),
        Literal::Money(s) => format!("${s}"),
        Literal::Str(s) => format!("\"{s}\""),
        Literal::Bool(true) => "yes".into(),
        Literal::Bool(false) => "no".into(),
        Literal::NoGuarantee => "-".into(),
        Literal::Deadline(s) => s.clone(),
    }
}

fn unit_suffix(u: DurationUnit) -> &'static str {
    match u {
        DurationUnit::Seconds => "s",
        DurationUnit::Minutes => "m",
        DurationUnit::Hours => "h",
        DurationUnit::Days => "d",
        DurationUnit::Weeks => "w",
        DurationUnit::BusinessDays => "bd",
    }
}

/// "a percentage `5%`": what a literal is, for type mismatch messages.
pub(crate) fn describe(lit: &Literal) -> String {
    let text = literal_text(lit);
    match lit {
        Literal::Int(_) => format!("a number `{text}`"),
        Literal::Decimal(_) => format!("a decimal number `{text}`"),
        Literal::Duration(_) => format!("a duration `{text}`"),
        Literal::Percent(_) => format!("a percentage `{text}`"),
        Literal::Money(_) => format!("an amount of money `{text}`"),
        Literal::Str(_) => format!("text `{text}`"),
        Literal::Bool(_) => format!("`{text}`"),
        Literal::NoGuarantee => "`-` (no guarantee)".into(),
        Literal::Deadline(_) => format!("a deadline `{text}`"),
    }
}

/// Adds up the parts of a duration literal exactly (the one rule,
/// [`crate::values::sum_duration`]), with its message.
pub(crate) fn duration(parts: &[(i64, DurationUnit)]) -> Result<CheckedDuration, String> {
    crate::values::sum_duration(parts).map_err(|e| e.to_string())
}

/// `$2` -> 200 cents of USD; at most two decimal places.
pub(crate) fn money(text: &str) -> Option<Money> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() || frac.len() > 2 {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let mut cents: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    if frac.len() == 1 {
        cents *= 10;
    }
    let cents = whole.checked_mul(100)?.checked_add(cents)?;
    Some(Money {
        cents,
        currency: "USD".into(),
    })
}

impl Checker<'_> {
    /// Reports a literal of the wrong kind.
    pub(crate) fn mismatch(&mut self, span: Span, expected: &str, lit: &Literal, help: &str) {
        let diag = Diagnostic::new(
            Code::TypeMismatch,
            span,
            format!("expected {expected}, found {}", describe(lit)),
            format!("expected {expected}"),
        )
        .with_help(help);
        self.error(diag);
    }

    /// Reports a value that is out of range.
    pub(crate) fn invalid(&mut self, span: Span, message: String, label: &str, help: &str) {
        let diag = Diagnostic::new(Code::InvalidValue, span, message, label).with_help(help);
        self.error(diag);
    }

    /// A percentage literal, or an error.
    pub(crate) fn percent(&mut self, lit: &Spanned<Literal>, help: &str) -> Option<Percent> {
        match &lit.node {
            Literal::Percent(text) => match Percent::parse(text) {
                Some(p) => Some(p),
                None => {
                    self.invalid(
                        lit.span,
                        format!("`{text}%` is not a percentage slate can hold exactly"),
                        "invalid percentage",
                        "write at most four decimal places, such as `99.95%`",
                    );
                    None
                }
            },
            other => {
                self.mismatch(lit.span, "a percentage such as `99.5%`", other, help);
                None
            }
        }
    }

    /// A duration literal in any unit (days are 24 hours), or an error.
    pub(crate) fn any_duration(
        &mut self,
        lit: &Spanned<Literal>,
        help: &str,
    ) -> Option<CheckedDuration> {
        match &lit.node {
            Literal::Duration(parts) => self.duration_parts(parts, lit.span),
            other => {
                self.mismatch(lit.span, "a duration such as `30m` or `4h`", other, help);
                None
            }
        }
    }

    /// Checks the parts of a duration literal, reporting E0305 on failure.
    pub(crate) fn duration_parts(
        &mut self,
        parts: &[(i64, DurationUnit)],
        span: Span,
    ) -> Option<CheckedDuration> {
        match duration(parts) {
            Ok(d) => Some(d),
            Err(message) => {
                let text = literal_text(&Literal::Duration(parts.to_vec()));
                self.invalid(
                    span,
                    format!("invalid duration `{text}`: {message}"),
                    "invalid duration",
                    "write open time in hours and minutes (`1h30m`) or business days alone (`1bd`)",
                );
                None
            }
        }
    }

    /// A duration of wall-clock time in seconds (no business days), or an error.
    pub(crate) fn clock_seconds(&mut self, lit: &Spanned<Literal>, help: &str) -> Option<i64> {
        let d = self.any_duration(lit, help)?;
        match d.value {
            Duration::Seconds(s) => Some(s),
            Duration::BusinessDays(_) => {
                self.mismatch(
                    lit.span,
                    "a duration in hours, minutes or seconds",
                    &lit.node,
                    help,
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_add_up_exactly() {
        use DurationUnit::*;
        let d = duration(&[(1, Hours), (30, Minutes)]).unwrap();
        assert_eq!(d.value, Duration::Seconds(5400));
        assert!(!d.uses_days);
        let d = duration(&[(2, Days)]).unwrap();
        assert_eq!(d.value, Duration::Seconds(2 * DAY));
        assert!(d.uses_days);
        assert_eq!(
            duration(&[(3, BusinessDays)]).unwrap().value,
            Duration::BusinessDays(3)
        );
        assert!(duration(&[(1, BusinessDays), (4, Hours)]).is_err());
        assert!(duration(&[(i64::MAX, Hours)]).is_err());
        assert!(duration(&[(100_000, Hours)]).is_ok());
        assert!(duration(&[(1_000_000, Hours)]).is_err());
        assert!(duration(&[(100_000, Hours), (100_000, Hours)]).is_ok());
        assert!(duration(&[(101 * 365, Days)]).is_err());
        assert!(duration(&[(36_501, BusinessDays)]).is_err());
        assert!(duration(&[(-1, Hours)]).is_err());
    }

    #[test]
    fn money_parses_cents() {
        assert_eq!(money("2").unwrap().cents, 200);
        assert_eq!(money("2.5").unwrap().cents, 250);
        assert_eq!(money("2.05").unwrap().cents, 205);
        assert_eq!(money("2.005"), None);
        assert_eq!(money("99999999999999999999"), None);
    }

    #[test]
    fn literals_are_described_in_domain_words() {
        assert_eq!(describe(&Literal::Percent("5".into())), "a percentage `5%`");
        assert_eq!(
            describe(&Literal::Duration(vec![
                (1, DurationUnit::Hours),
                (30, DurationUnit::Minutes)
            ])),
            "a duration `1h30m`"
        );
        assert_eq!(
            describe(&Literal::Money("2.50".into())),
            "an amount of money `$2.50`"
        );
    }
}
