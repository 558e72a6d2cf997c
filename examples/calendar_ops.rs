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
    for (cal_name, cal) in common::cases() {
        for (op_name, op) in common::ops() {
            for &t in &starts {
                black_box(op(&set, cal, t));
            }
            let mut n: u64 = 0;
            let began = Instant::now();
            while began.elapsed() < Duration::from_millis(500) {
                for &t in &starts {
                    black_box(op(&set, cal, black_box(t)));
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
