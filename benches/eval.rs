//! Evaluator benchmarks on a business-hours policy: one ticket at a time,
//! and the streaming bulk path (parse, validate, evaluate in parallel, write
//! JSON Lines).
//!
//! `cargo bench --bench eval -- --measurement-time 3 --warm-up-time 1`.
//! The million-ticket run: `cargo run --release --example gen_tickets -- 1000000 --eval`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use slate::stream::{evaluate_stream, StreamOptions};
use slate::Compiled;

mod common;
use common::synth::synthetic_ticket;

/// The corpus policy the synthetic tickets are written for.
fn corpus_policy() -> Compiled {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/data/corpus.sla");
    let text = std::fs::read_to_string(path).expect("benches/data/corpus.sla");
    slate::compile(&slate::SourceFile::new(path, text)).expect("the corpus policy compiles")
}

fn single(c: &mut Criterion) {
    let compiled = corpus_policy();
    let tickets: Vec<_> = (0..1000)
        .filter_map(|i| compiled.ticket_from_json(&synthetic_ticket(i, 7)).ok())
        .collect();
    let mut i = 0;
    c.bench_function("evaluate/one_ticket", |b| {
        b.iter(|| {
            i = (i + 1) % tickets.len();
            let t = &tickets[i];
            let at = t.latest_event().unwrap_or_default();
            compiled.evaluate(black_box(t), at).map(|a| a.metrics.len())
        })
    });
}

fn stream(c: &mut Criterion) {
    let compiled = corpus_policy();
    let n = 20_000u64;
    let input: String = (0..n).map(|i| synthetic_ticket(i, 7) + "\n").collect();
    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Elements(n));
    group.sample_size(10);
    group.bench_function("jsonl_20k", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len() * 4);
            evaluate_stream(
                &compiled,
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
