//! Rendering findings: 10,000 warnings in one file, in every format. Each
//! rendering is one pass over the file for its line index, then a binary
//! search per finding, so the cost grows linearly with the findings.
//!
//! `cargo bench --bench render -- --measurement-time 5 --warm-up-time 1`
//! (figures in docs/performance.md).

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use slate::diagnostics::render::{self, FileReport};
use slate::source::SourceFile;

/// A policy with `n` calendars that nothing uses: `n` L0401 warnings, one
/// per line, with a non-ASCII comment on each line so that character and
/// byte columns differ.
fn unused_calendars(n: usize) -> String {
    let mut out = String::from(
        "policy \"Bench\" { calendar c }\ncalendar c { zone \"UTC\"  mon-fri 09:00-17:00 }\n\
         severity s \"S\"\ntiers t\ntargets first_response {\n     t\n  s  4h\n}\n",
    );
    for i in 0..n {
        out.push_str(&format!(
            "calendar u{i} {{ zone \"UTC\"  mon-fri 09:00-17:00 }}  # Bürozeiten {i}\n"
        ));
    }
    out
}

fn report(n: usize) -> FileReport {
    let source = SourceFile::new("bench.sla", unused_calendars(n));
    let diagnostics = match slate::compile(&source) {
        Ok(c) => c.warnings().to_vec(),
        Err(e) => e.diagnostics,
    };
    assert_eq!(diagnostics.len(), n, "one warning per unused calendar");
    FileReport {
        source: SourceFile::new("bench.sla", source.text),
        diagnostics,
    }
}

fn render_10k(c: &mut Criterion) {
    let n = 10_000;
    let base = report(n);
    let mut group = c.benchmark_group("render_10k_findings");
    group.sample_size(10);
    // A fresh source per iteration, so the line index is built every time.
    let fresh = || {
        let mut r = base.clone();
        r.source = SourceFile::new("bench.sla", base.source.text.clone());
        [r]
    };
    group.bench_function("human", |b| {
        b.iter_batched(
            fresh,
            |reports| {
                let r = &reports[0];
                let total: usize = r
                    .diagnostics
                    .iter()
                    .map(|d| render::human(&r.source, d, false, 100).len())
                    .sum();
                black_box(total)
            },
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("json", |b| {
        b.iter_batched(
            fresh,
            |reports| black_box(render::json(&reports).to_string().len()),
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("sarif", |b| {
        b.iter_batched(
            fresh,
            |reports| black_box(render::sarif(&reports).to_string().len()),
            criterion::BatchSize::LargeInput,
        )
    });
    group.bench_function("github", |b| {
        b.iter_batched(
            fresh,
            |reports| black_box(render::github(&reports).len()),
            criterion::BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, render_10k);
criterion_main!(benches);
