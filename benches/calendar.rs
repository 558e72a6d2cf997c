//! Business-time engine benchmarks: warm caches (the steady state of an
//! evaluator run) and cold caches (a freshly compiled policy per operation).
//!
//! `cargo bench --bench calendar -- --measurement-time 2 --warm-up-time 1`

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};

mod common;

fn warm(c: &mut Criterion) {
    let set = common::set();
    let starts = common::starts();
    for (cal_name, name) in common::cases() {
        let cal = &set.calendar(name).expect("benchmark calendar");
        let mut group = c.benchmark_group(format!("warm/{cal_name}"));
        for (op_name, op) in common::ops() {
            // Fill the caches this operation touches.
            for &t in &starts {
                black_box(op(cal, t));
            }
            let mut i = 0;
            group.bench_function(op_name, |b| {
                b.iter(|| {
                    i = (i + 1) % starts.len();
                    op(cal, black_box(starts[i]))
                })
            });
        }
        group.finish();
    }
}

fn cold(c: &mut Criterion) {
    let starts = common::starts();
    for (cal_name, name) in common::cases() {
        let mut group = c.benchmark_group(format!("cold/{cal_name}"));
        group.sample_size(10);
        for (op_name, op) in common::ops() {
            group.bench_function(op_name, |b| {
                b.iter_batched(
                    common::set,
                    |set| op(&set.calendar(name).expect("calendar"), black_box(starts[7])),
                    BatchSize::PerIteration,
                )
            });
        }
        group.finish();
    }
}

/// Business days (`1bd`, `5bd`, `20bd`), warm: a day is counted when the
/// calendar opens on it, so this walks days rather than seconds.
fn business_days(c: &mut Criterion) {
    let set = common::set();
    let starts = common::starts();
    for (cal_name, name) in common::cases() {
        let cal = set.calendar(name).expect("benchmark calendar");
        let mut group = c.benchmark_group(format!("warm/{cal_name}"));
        for n in [1i64, 5, 20] {
            let days = slate::Duration::BusinessDays(n);
            for &t in &starts {
                black_box(cal.add(t, days).ok());
            }
            let mut i = 0;
            group.bench_function(format!("add_{n}bd"), |b| {
                b.iter(|| {
                    i = (i + 1) % starts.len();
                    cal.add(black_box(starts[i]), days)
                        .map_or(0, |u| u.timestamp())
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, warm, cold, business_days);
criterion_main!(benches);
