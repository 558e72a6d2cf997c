//! Deadline target cells (`1bd@16:00`, `1bd@end`, `due`): reading them
//! (E0310) and where they cannot apply (E0311). What they mean is in
//! `docs/language.md` ("Deadline targets"); the engine places them with
//! `CalendarSet::business_day_deadline`.

use super::Checker;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Deadline, MetricId};
use crate::source::Span;

/// The largest business-day count of a deadline (about four years).
const MAX_DAYS: u32 = 1000;

/// Why a deadline cell cannot be read: the label and the help.
struct Bad {
    message: String,
    label: &'static str,
    help: String,
}

/// Reads a deadline cell as written.
fn read(text: &str) -> Result<Deadline, Bad> {
    if text == "due" {
        return Ok(Deadline::DueAt);
    }
    if !text.contains('@') && time_of_day(text).is_some() {
        return Err(Bad {
            message: format!("`{text}` alone is not a target"),
            label: "a time of day without its day",
            help: format!(
                "a deadline names its business day: `0bd@{text}` (the same business day) or `1bd@{text}` (the next one)"
            ),
        });
    }
    let (count, at) = text.split_once('@').unwrap_or((text, ""));
    let days = days(text, count, at)?;
    if at == "end" {
        return Ok(Deadline::EndOfDay { days });
    }
    let seconds = time_of_day(at).ok_or_else(|| {
        let help = match twelve_hour(at) {
            Some(t) => format!("write the time on a 24-hour clock: `{days}bd@{t}`"),
            None => format!(
                "write a time of day `hh:mm` from `00:00` to `24:00` (`{days}bd@16:00`), or `end` for the close (`{days}bd@end`)"
            ),
        };
        Bad {
            message: format!("`{at}` in `{text}` is not a time of day"),
            label: "not `hh:mm` or `end`",
            help,
        }
    })?;
    Ok(Deadline::TimeOfDay { days, seconds })
}

/// The business-day count before `@`.
fn days(text: &str, count: &str, at: &str) -> Result<u32, Bad> {
    let at_or = |fallback: &str| {
        if at.is_empty() {
            fallback.to_string()
        } else {
            at.to_string()
        }
    };
    let Some(digits) = count.strip_suffix("bd") else {
        let help = if !count.is_empty() && count.bytes().all(|b| b.is_ascii_digit()) {
            format!("count business days: `{count}bd@{}`", at_or("16:00"))
        } else {
            format!(
                "a deadline counts business days before `@` (`1bd@{}` is the next business day); for a length of open time write the duration alone (`4h`)",
                at_or("16:00")
            )
        };
        return Err(Bad {
            message: format!("`{count}` in `{text}` is not a number of business days"),
            label: "expected business days such as `1bd`",
            help,
        });
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Bad {
            message: format!("`{count}` in `{text}` is not a number of business days"),
            label: "expected business days such as `1bd`",
            help: format!(
                "write a whole number of business days: `1bd@{}`",
                at_or("16:00")
            ),
        });
    }
    match digits.parse::<u32>() {
        Ok(n) if n <= MAX_DAYS => Ok(n),
        _ => Err(Bad {
            message: format!("`{count}` in `{text}` is more than {MAX_DAYS} business days"),
            label: "too many business days",
            help: format!("a deadline is at most {MAX_DAYS} business days after the start"),
        }),
    }
}

/// `hh:mm` (one or two hour digits) from `00:00` to `24:00`, in seconds.
fn time_of_day(at: &str) -> Option<u32> {
    let (h, m) = at.split_once(':')?;
    let ok =
        |s: &str, max: usize| (1..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !ok(h, 2) || m.len() != 2 || !ok(m, 2) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 3600 + m * 60)
}

/// `4pm` -> `16:00`, `9am` -> `09:00`, `12:30pm` -> `12:30`: a suggestion.
fn twelve_hour(at: &str) -> Option<String> {
    let lower = at.to_ascii_lowercase();
    let (clock, pm) = match (lower.strip_suffix("pm"), lower.strip_suffix("am")) {
        (Some(c), _) => (c.to_string(), true),
        (_, Some(c)) => (c.to_string(), false),
        _ => return None,
    };
    let (h, m) = clock.split_once(':').unwrap_or((clock.as_str(), "00"));
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if !(1..=12).contains(&h) || m >= 60 {
        return None;
    }
    let h24 = match (h, pm) {
        (12, false) => 0,
        (12, true) => 12,
        (h, true) => h + 12,
        (h, false) => h,
    };
    Some(format!("{h24:02}:{m:02}"))
}

impl Checker<'_> {
    /// A deadline cell read (E0310), and checked against its metric
    /// (E0311, once per cell): `None` when it is not valid.
    pub(crate) fn deadline_cell(
        &mut self,
        text: &str,
        span: Span,
        metric: Option<MetricId>,
    ) -> Option<Deadline> {
        let d = match read(text) {
            Ok(d) => d,
            Err(bad) => {
                let diag = Diagnostic::new(Code::InvalidDeadline, span, bad.message, bad.label)
                    .with_help(bad.help);
                self.error(diag);
                return None;
            }
        };
        if d == Deadline::DueAt {
            let m = metric.and_then(|m| self.out_metrics.get(m.index()));
            let why = m.and_then(|m| {
                if m.periodic.is_some() {
                    Some((m.name.clone(), "is periodic"))
                } else if m.repeats {
                    Some((m.name.clone(), "repeats"))
                } else {
                    None
                }
            });
            if let Some((name, how)) = why {
                let diag = Diagnostic::new(
                    Code::DeadlineNotApplicable,
                    span,
                    format!("`due` cannot be the target of `{name}`, which {how}"),
                    "one due date for many cycles",
                )
                .with_help(format!(
                    "every cycle of `{name}` would share the ticket's one due date; give it a duration (`4h`) or a business-day deadline (`1bd@16:00`), which count from each cycle's start"
                ));
                self.error(diag);
                return None;
            }
        }
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_form() {
        let ok = |t: &str| read(t).ok();
        assert_eq!(ok("due"), Some(Deadline::DueAt));
        assert_eq!(ok("1bd@end"), Some(Deadline::EndOfDay { days: 1 }));
        assert_eq!(
            ok("1bd@16:00"),
            Some(Deadline::TimeOfDay {
                days: 1,
                seconds: 57_600
            })
        );
        assert_eq!(
            ok("0bd@9:30"),
            Some(Deadline::TimeOfDay {
                days: 0,
                seconds: 34_200
            })
        );
        assert_eq!(
            ok("2bd@24:00"),
            Some(Deadline::TimeOfDay {
                days: 2,
                seconds: 86_400
            })
        );
        assert_eq!(ok("1000bd@end"), Some(Deadline::EndOfDay { days: 1000 }));
    }

    #[test]
    fn misuses_say_what_to_write() {
        let help = |t: &str| read(t).err().map(|b| b.help);
        assert_eq!(
            help("1bd@4pm").as_deref(),
            Some("write the time on a 24-hour clock: `1bd@16:00`")
        );
        assert_eq!(
            help("1bd@12am").as_deref(),
            Some("write the time on a 24-hour clock: `1bd@00:00`")
        );
        assert_eq!(
            help("1@16:00").as_deref(),
            Some("count business days: `1bd@16:00`")
        );
        assert_eq!(
            help("16:00").as_deref(),
            Some("a deadline names its business day: `0bd@16:00` (the same business day) or `1bd@16:00` (the next one)")
        );
        for bad in [
            "1bd@25:00",
            "1bd@24:30",
            "1bd@16:60",
            "1bd@16",
            "1bd@",
            "1h@16:00",
            "bd@16:00",
            "1001bd@end",
            "99999999999bd@end",
            "1bd@16:00:00",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
