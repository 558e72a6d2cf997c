//! Prints operations per second of the calendar engine for the benchmark
//! cases (warm caches), one `slate <calendar> <op> <ops/s>` line each.
//! Used by `benches/peers/pandas_peer.sh` to print slate beside pandas.
//!
//! `cargo run --release --example calendar_ops`

use std::hint::black_box;
use std::time::{Duration, Instant};

#[path = "../benches/common/mod.rs"]
mod common;

fn main() {
    let set = common::set();
    let starts = common::starts();
    // The answers themselves, as Chicago wall-clock times, for the peer
    // script to compare with pandas. slate answers the earliest instant
    // (a closing time when the duration ends exactly there); pandas moves
    // such an answer to the next opening, so compare after doing the same.
    for (cal_name, name) in common::cases().into_iter().take(2) {
        let cal = set.calendar(name).expect("benchmark calendar");
        for (op_name, hours) in [("add_8h", 8), ("add_10000h", 10_000)] {
            for &t in starts.iter().take(8) {
                let answer = cal
                    .add(t, slate::Duration::Seconds(hours * 3600))
                    .and_then(|u| cal.next_open(u).map(|o| o.unwrap_or(u)))
                    .map_or_else(
                        |e| e.to_string(),
                        |u| {
                            u.with_timezone(&chrono_tz::America::Chicago)
                                .format("%Y-%m-%dT%H:%M:%S")
                                .to_string()
                        },
                    );
                println!("answer {cal_name} {op_name} {answer}");
            }
        }
    }
    for (cal_name, name) in common::cases() {
        let cal = &set.calendar(name).expect("benchmark calendar");
        for (op_name, op) in common::ops() {
            for &t in &starts {
                black_box(op(cal, t));
            }
            let mut n: u64 = 0;
            let began = Instant::now();
            while began.elapsed() < Duration::from_millis(500) {
                for &t in &starts {
                    black_box(op(cal, black_box(t)));
                }
                n += starts.len() as u64;
            }
            let nanos = began.elapsed().as_nanos().max(1);
            println!(
                "slate {cal_name} {op_name} {}",
                u128::from(n) * 1_000_000_000 / nanos
            );
        }
    }
}
