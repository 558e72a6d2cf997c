//! The first query on a fresh calendar set, for spans of 1 to 100 years:
//! what a query costs when none of the years it touches is built yet.
//! Prints one `calendar span_years micros micros_per_year` line per case
//! (median of seven fresh sets; compiling the policy is not timed).
//!
//! `cargo run --release --example cold_query [SPAN_YEARS...]`

use chrono::{TimeZone, Utc};
use std::time::Instant;

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let from = Utc
        .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
        .single()
        .expect("a valid instant");
    let mut spans: Vec<i32> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a span in years"))
        .collect();
    if spans.is_empty() {
        spans = vec![1, 2, 5, 10, 12, 13, 20, 30, 50, 75, 100];
    }
    for (cal_name, name) in common::cases() {
        for &span in &spans {
            let to = Utc
                .with_ymd_and_hms(2026 + span, 1, 1, 0, 0, 0)
                .single()
                .expect("a valid instant");
            let mut micros: Vec<f64> = (0..7)
                .map(|_| {
                    let set = common::set();
                    let cal = set.calendar(name).expect("benchmark calendar");
                    let began = Instant::now();
                    let open = cal.between(from, to).expect("in range");
                    let took = began.elapsed().as_secs_f64() * 1e6;
                    assert!(open > 0);
                    took
                })
                .collect();
            micros.sort_by(f64::total_cmp);
            let median = micros[micros.len() / 2];
            println!(
                "{cal_name} {span} {median:.0} {:.0}",
                median / f64::from(span)
            );
        }
    }
}
