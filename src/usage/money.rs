//! Exact money: a decimal amount and its currency.

use crate::values::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// An amount of money, exact, with an ISO currency code (`USD` for `$`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Charge {
    /// The amount.
    pub value: Decimal,
    /// The currency code.
    pub currency: String,
}

impl Charge {
    /// A policy's money (`$2`).
    pub fn from_money(m: &Money) -> Charge {
        Charge {
            value: Decimal::new(m.cents, 2),
            currency: m.currency.clone(),
        }
    }

    /// `n` times this amount.
    pub fn times(&self, n: i64) -> Charge {
        Charge {
            value: self.value * Decimal::from(n),
            currency: self.currency.clone(),
        }
    }

    /// This hourly rate for `seconds`, rounded to cents (half away from zero).
    pub fn times_seconds(&self, seconds: i64) -> Charge {
        let v = self.value * Decimal::from(seconds) / Decimal::from(3600);
        Charge {
            value: v.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
            currency: self.currency.clone(),
        }
    }

    /// Parses `$150`, `$87.50`, `150 EUR` or `150EUR`; a bare number has no
    /// currency and is refused.
    pub fn parse(text: &str) -> Result<Charge, String> {
        let t = text.trim();
        let (number, currency) = if let Some(n) = t.strip_prefix('$') {
            (n.trim(), "USD".to_string())
        } else {
            let split = t
                .find(|c: char| c.is_ascii_alphabetic())
                .ok_or_else(|| format!("`{t}` has no currency; write `$150` or `150 EUR`"))?;
            let (n, c) = t.split_at(split);
            let c = c.trim();
            if c.len() != 3 || !c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                return Err(format!(
                    "`{c}` is not a currency code; write three letters such as `EUR`"
                ));
            }
            (n.trim(), c.to_ascii_uppercase())
        };
        if number.is_empty()
            || number.starts_with('-')
            || !number.chars().all(|c| c.is_ascii_digit() || c == '.')
        {
            return Err(format!(
                "`{t}` is not an amount such as `$150` or `87.50 EUR`"
            ));
        }
        let value: Decimal = number
            .parse()
            .map_err(|_| format!("`{t}` is not an amount such as `$150` or `87.50 EUR`"))?;
        Ok(Charge { value, currency })
    }
}

impl fmt::Display for Charge {
    /// `$8.00`, `87.50 EUR`: always two decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self
            .value
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        if self.currency == "USD" {
            write!(f, "${v:.2}")
        } else {
            write!(f, "{v:.2} {}", self.currency)
        }
    }
}
