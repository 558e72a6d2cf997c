//! Samples to windows: which samples are down, and the time they cover.
//! Memory grows with the number of up/down changes and gaps, not with the
//! number of samples.

use super::{Observed, Window};
use crate::ir::{Availability, CmpOp, DownRule};
use crate::values::Percent;
use chrono::{DateTime, Utc};
use std::fmt;

/// Why a sample was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SampleError {
    /// Earlier than the sample before it.
    OutOfOrder {
        /// The previous sample's time.
        previous: DateTime<Utc>,
    },
    /// At the same time as the sample before it.
    Duplicate,
    /// Starts inside the interval of the sample before it.
    Overlaps {
        /// The previous sample's time.
        previous: DateTime<Utc>,
        /// The sampling interval, in seconds.
        every: i64,
    },
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleError::OutOfOrder { previous } => write!(
                f,
                "earlier than the sample before it ({}); sort the samples by time",
                previous.to_rfc3339()
            ),
            SampleError::Duplicate => write!(f, "a second sample at the same time"),
            SampleError::Overlaps { previous, every } => write!(
                f,
                "overlaps the sample at {} (one sample covers {})",
                previous.to_rfc3339(),
                crate::values::format_seconds(*every)
            ),
        }
    }
}

impl std::error::Error for SampleError {}

/// Whether a sample is down under `block`'s rules: any `down when CHECK
/// fails` rule holds when `ok` is `false`; a threshold rule holds when
/// `signal(NAME)` gives a value that compares true. A block without down
/// rules counts `ok = false` as down.
pub fn is_down(
    block: &Availability,
    ok: Option<bool>,
    signal: impl Fn(&str) -> Option<Percent>,
) -> bool {
    if block.down.is_empty() {
        return ok == Some(false);
    }
    block.down.iter().any(|rule| match rule {
        DownRule::Fails { .. } => ok == Some(false),
        DownRule::Threshold {
            signal: s,
            op,
            value,
        } => signal(s).is_some_and(|v| match op {
            CmpOp::Gt => v > *value,
            CmpOp::Ge => v >= *value,
            CmpOp::Lt => v < *value,
            CmpOp::Le => v <= *value,
        }),
    })
}

/// Sorted samples folded into down and covered windows. Each sample at `t`
/// covers `[t, t + every)`.
#[derive(Debug, Clone)]
pub struct SampleSeries {
    every: i64,
    last: Option<(i64, i64)>,
    down: Vec<(i64, i64)>,
    covered: Vec<(i64, i64)>,
}

impl SampleSeries {
    /// An empty series with the block's sampling interval.
    pub fn new(block: &Availability) -> SampleSeries {
        SampleSeries {
            every: block.sample_seconds.max(1),
            last: None,
            down: Vec::new(),
            covered: Vec::new(),
        }
    }

    /// Adds the next sample; a sample out of order or overlapping the one
    /// before it is refused (and changes nothing).
    pub fn push(&mut self, at: DateTime<Utc>, down: bool) -> Result<(), SampleError> {
        let t = at.timestamp();
        if let Some((prev, prev_end)) = self.last {
            let previous = DateTime::from_timestamp(prev, 0).unwrap_or(at);
            if t < prev {
                return Err(SampleError::OutOfOrder { previous });
            }
            if t == prev {
                return Err(SampleError::Duplicate);
            }
            if t < prev_end {
                return Err(SampleError::Overlaps {
                    previous,
                    every: self.every,
                });
            }
        }
        let end = t.saturating_add(self.every);
        self.last = Some((t, end));
        extend(&mut self.covered, t, end);
        if down {
            extend(&mut self.down, t, end);
        }
        Ok(())
    }

    /// The windows, for [`super::monthly`] (no maintenance or degraded time).
    pub fn into_observed(self) -> Observed {
        let w = |v: Vec<(i64, i64)>| {
            v.into_iter()
                .map(|(s, e)| Window {
                    start: DateTime::from_timestamp(s, 0).unwrap_or(DateTime::<Utc>::MIN_UTC),
                    end: DateTime::from_timestamp(e, 0).unwrap_or(DateTime::<Utc>::MAX_UTC),
                })
                .collect::<Vec<_>>()
        };
        Observed {
            down: w(self.down),
            degraded: Vec::new(),
            maintenance: Vec::new(),
            covered: Some(w(self.covered)),
            until: None,
        }
    }
}

fn extend(v: &mut Vec<(i64, i64)>, s: i64, e: i64) {
    match v.last_mut() {
        Some(last) if last.1 == s => last.1 = e,
        _ => v.push((s, e)),
    }
}
