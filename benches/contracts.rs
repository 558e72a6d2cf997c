//! Uptime and usage: a year of per-minute samples (525,600 rows) through the
//! CSV reader and the monthly figures, and 1M usage rows streamed through the
//! meter.
//!
//! `cargo bench --bench contracts -- --measurement-time 10 --warm-up-time 1`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use slate::stream::uptime::read_samples;
use slate::stream::usage::read_usage;
use slate::stream::RowFormat;
use slate::usage::{Charge, Meter, UsageKind};
use slate::ReadOptions;
use std::fmt::Write;

fn policy(name: &str) -> slate::Compiled {
    let path = format!("{}/policies/{name}.sla", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("seed policy");
    slate::compile(&slate::SourceFile::new(name, text)).expect("seed policy compiles")
}

/// 2024 (a leap year: 527,040 minutes) less its last 1,440 minutes =
/// 525,600 samples; one minute in 500 fails its health check, one in 700
/// has a 7% error rate, and one sample in 10,000 is missing.
fn samples_csv() -> String {
    let mut s = String::with_capacity(525_600 * 40);
    s.push_str("at,ok,error_rate\n");
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
        .expect("start")
        .to_utc();
    for i in 0..525_600i64 {
        if i % 10_000 == 9_999 {
            continue;
        }
        let at = start + chrono::Duration::minutes(i);
        let ok = i % 500 != 0;
        let rate = if i % 700 == 0 { "7" } else { "0.5" };
        let _ = writeln!(s, "{},{ok},{rate}", at.format("%Y-%m-%dT%H:%M:%SZ"));
    }
    s
}

/// 1M requests of 2,000 accounts over 2024, in time order.
fn requests_csv() -> String {
    let mut s = String::with_capacity(1_000_000 * 60);
    s.push_str("account,tier,at,duration\n");
    let start = chrono::DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
        .expect("start")
        .to_utc();
    for i in 0..1_000_000i64 {
        let at = start + chrono::Duration::seconds(i * 31);
        let tier = if i % 3 == 0 {
            "time_and_material"
        } else {
            "fixed_fee"
        };
        let _ = writeln!(
            s,
            "acct{},{tier},{},{}m",
            i % 2_000,
            at.format("%Y-%m-%dT%H:%M:%SZ"),
            5 + i % 90
        );
    }
    s
}

fn uptime(c: &mut Criterion) {
    let compiled = policy("dooap");
    let block = &compiled.policy().availability[0];
    let csv = samples_csv();
    let mut group = c.benchmark_group("uptime");
    group.sample_size(10);
    group.bench_function("year_of_minutes_csv", |b| {
        b.iter(|| {
            let got = read_samples(
                block,
                "samples.csv",
                black_box(csv.as_bytes()),
                RowFormat::Csv,
                &ReadOptions::default(),
            )
            .expect("readable");
            assert_eq!(got.counts.rejected, 0);
            let observed = got.value.into_observed();
            let months = slate::uptime::months_spanned(block, &observed).expect("months");
            slate::uptime::monthly(block, &compiled, &observed, &months).expect("figures")
        })
    });
    group.finish();
}

fn usage(c: &mut Criterion) {
    let p = policy("dooap");
    let csv = requests_csv();
    let rate = Charge::parse("$150").expect("rate");
    let mut group = c.benchmark_group("usage");
    group.sample_size(10);
    group.bench_function("million_requests_csv", |b| {
        b.iter(|| {
            let mut meter = Meter::new(p.policy(), UsageKind::Requests, Some(rate.clone()));
            let mut over = 0u64;
            let got = read_usage(
                p.policy(),
                &mut meter,
                UsageKind::Requests,
                "requests.csv",
                black_box(csv.as_bytes()),
                RowFormat::Csv,
                &ReadOptions::default(),
                &slate::stream::usage::Accounts::default(),
                |_| over += 1,
            )
            .expect("readable");
            assert_eq!(got.counts.rejected, 0);
            (over, meter.finish().len())
        })
    });
    group.finish();
}

criterion_group!(benches, uptime, usage);
criterion_main!(benches);
