//! Evaluator benchmarks on a business-hours policy: one ticket at a time,
//! and the streaming bulk path (parse, validate, evaluate in parallel, write
//! JSON Lines).
//!
//! `cargo bench --bench eval -- --measurement-time 3 --warm-up-time 1`.
//! The million-ticket run: `cargo run --release --example gen_tickets -- 1000000 --eval`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use slate::calendar::CalendarSet;
use slate::eval::testing::{business_policy, synthetic_ticket};
use slate::eval::{evaluate, evaluate_stream, read_line, ReadOptions, StreamOptions};

fn single(c: &mut Criterion) {
    let policy = business_policy();
    let calendars = CalendarSet::from_policy(&policy).expect("calendars");
    let tickets: Vec<_> = (0..1000)
        .filter_map(|i| {
            read_line(
                &policy,
                &synthetic_ticket(i, 7),
                i + 1,
                &ReadOptions::default(),
            )
            .ok()
        })
        .collect();
    let mut i = 0;
    c.bench_function("evaluate/one_ticket", |b| {
        b.iter(|| {
            i = (i + 1) % tickets.len();
            let t = &tickets[i];
            let at = t.latest_event().unwrap_or_default();
            evaluate(&policy, &calendars, black_box(t), at)
        })
    });
}

fn stream(c: &mut Criterion) {
    let policy = business_policy();
    let calendars = CalendarSet::from_policy(&policy).expect("calendars");
    let n = 20_000u64;
    let input: String = (0..n).map(|i| synthetic_ticket(i, 7) + "\n").collect();
    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Elements(n));
    group.sample_size(10);
    group.bench_function("jsonl_20k", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len() * 4);
            evaluate_stream(
                &policy,
                &calendars,
                input.as_bytes(),
                &mut out,
                &StreamOptions::default(),
                &mut |_| {},
            )
            .expect("stream")
        })
    });
    group.finish();
}

criterion_group!(benches, single, stream);
criterion_main!(benches);
