//! The parse-only baseline for the bulk evaluation benchmark: read a JSON
//! Lines file and parse every line with `serde_json`, nothing else.
//!
//! ```text
//! cargo run --release --example parse_only -- tickets.jsonl
//! ```

use std::io::BufRead;
use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_only FILE.jsonl");
        std::process::exit(2);
    };
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot read `{path}`: {e}");
            std::process::exit(3);
        }
    };
    let started = Instant::now();
    let (mut lines, mut events, mut bad) = (0u64, 0u64, 0u64);
    for line in std::io::BufReader::with_capacity(1 << 16, file).lines() {
        let Ok(line) = line else {
            bad += 1;
            continue;
        };
        lines += 1;
        match serde_json::from_str::<serde_json::Value>(&line) {
            Ok(v) => events += v["events"].as_array().map_or(0, |a| a.len() as u64),
            Err(_) => bad += 1,
        }
    }
    eprintln!(
        "parsed {lines} lines ({events} events, {bad} unparseable) in {:.2?}",
        started.elapsed()
    );
}
