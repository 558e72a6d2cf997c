//! Front-end benchmarks (`slate::compile`: parse and check, what every
//! command pays before it answers): the shipped policies, and a large
//! synthetic file (many calendars, tiers and target tables) for throughput.
//! The parser alone is private; these figures include the checker.
//!
//! `cargo bench --bench parse -- --measurement-time 2 --warm-up-time 1`.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use slate::SourceFile;

/// Parses and checks; the findings (if any) are part of the work measured.
fn parse(source: &SourceFile) -> usize {
    match slate::compile(source) {
        Ok(c) => c.warnings().len(),
        Err(e) => e.diagnostics.len(),
    }
}

/// A policy of about `n` declarations of every common kind.
fn synthetic(n: usize) -> String {
    let mut out = String::from("policy \"Synthetic\" {\n  provider \"Bench\"\n  calendar c0\n}\n");
    out.push_str("tiers t0 < t1 < t2 < t3\n");
    for i in 0..n {
        out.push_str(&format!(
            "calendar c{i} {{\n  zone \"Europe/Paris\"\n  mon-fri 09:00-12:00, 13:00-18:00\n  sat 10:00-12:00\n  closed every 12-25 \"Christmas\"\n  closed 2026-05-01 \"Labour day\"\n}}\n"
        ));
        out.push_str(&format!(
            "severity s{i} \"Severity {i}\" {{ alias \"S{i}\", \"P{i}\"  clock c{i} | 24x7 }}\n"
        ));
        out.push_str(&format!(
            "tier x{i} \"Tier {i}\" extends t0 {{ contacts 3  phone \"24/7\"  named_advisor  enablement 8h }}\n"
        ));
        out.push_str(&format!(
            "targets first_response on c{i} - holidays {{\n        t0  t1   t2    t3\n  s{i}   -   8h   4h    1h30m   # row\n  *     -   none 1bd   2h\n}}\n"
        ));
    }
    out
}

fn shipped(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).ok()?;
            name.ends_with(".sla").then_some((name, text))
        })
        .collect();
    files.sort();
    let mut group = c.benchmark_group("parse/shipped");
    for (name, text) in files {
        let source = SourceFile::new(name.clone(), text.clone());
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| b.iter(|| black_box(parse(black_box(&source)))));
    }
    group.finish();
}

fn large(c: &mut Criterion) {
    let text = synthetic(2000);
    let source = SourceFile::new("synthetic.sla", text.clone());
    if let Err(e) = slate::compile(&source) {
        let syntax = e
            .diagnostics
            .iter()
            .filter(|d| d.code == slate::diagnostics::Code::SyntaxError)
            .count();
        assert_eq!(syntax, 0, "the synthetic policy parses");
    }
    let mut group = c.benchmark_group("parse/synthetic");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function(format!("{} KiB", text.len() / 1024), |b| {
        b.iter(|| black_box(parse(black_box(&source))))
    });
    group.finish();
}

fn errors(c: &mut Criterion) {
    // A file with one error per declaration: recovery reports 20 and stops.
    let text = "tier gold { contacts 3 , }\n".repeat(5000);
    let source = SourceFile::new("errors.sla", text);
    c.bench_function("parse/errors_with_recovery", |b| {
        b.iter(|| black_box(parse(black_box(&source))))
    });
}

criterion_group!(benches, shipped, large, errors);
criterion_main!(benches);
