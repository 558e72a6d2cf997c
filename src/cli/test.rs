//! `slate test`: run the contract examples beside policies.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use slate::contract::{self, Outcome};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The suffix of a test file: `domo.tests.json` tests `domo.sla`.
const SUFFIX: &str = ".tests.json";

/// Arguments of `slate test`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Test files (`*.tests.json`), policies (their sibling test file is
    /// run) or directories (searched for test files).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

pub fn run(args: Args) -> i32 {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for p in &args.paths {
        collect(p, &mut files, &mut errors);
    }
    for e in &errors {
        eprintln!("error: {e}");
    }
    if !errors.is_empty() {
        return EXIT_IO;
    }
    if files.is_empty() {
        eprintln!("error: no test files (*{SUFFIX}) found");
        return EXIT_USAGE;
    }
    let (mut passed, mut failed, mut broken) = (0, 0, 0);
    let mut out = String::new();
    for file in &files {
        match run_file(file, &mut out) {
            Ok((p, f)) => {
                passed += p;
                failed += f;
            }
            Err(code) => {
                broken += 1;
                if code == EXIT_IO {
                    return flush(&out, EXIT_IO);
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{passed} passed, {failed} failed{}",
        if broken > 0 {
            format!(", {broken} test file(s) could not run")
        } else {
            String::new()
        }
    );
    flush(
        &out,
        if failed > 0 || broken > 0 {
            EXIT_FINDINGS
        } else {
            EXIT_OK
        },
    )
}

fn flush(text: &str, code: i32) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write the output: {e}");
            EXIT_IO
        }
        _ => code,
    }
}

fn collect(p: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<String>) {
    let name = p.to_string_lossy();
    if p.is_dir() {
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(p) {
            Ok(e) => e.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                errors.push(format!("cannot read directory `{name}`: {e}"));
                return;
            }
        };
        entries.sort();
        for e in entries {
            if e.is_dir() || e.to_string_lossy().ends_with(SUFFIX) {
                collect(&e, files, errors);
            }
        }
    } else if name.ends_with(SUFFIX) {
        if p.exists() {
            files.push(p.to_path_buf());
        } else {
            errors.push(format!("`{name}` does not exist"));
        }
    } else if p.extension().is_some_and(|e| e == "sla") {
        let sibling = PathBuf::from(format!("{}{SUFFIX}", &name[..name.len() - 4]));
        if sibling.exists() {
            files.push(sibling);
        } else {
            errors.push(format!(
                "`{name}` has no test file; write its examples in `{}`",
                sibling.display()
            ));
        }
    } else if p.exists() {
        errors.push(format!(
            "`{name}` is neither a policy (.sla) nor a test file (*{SUFFIX})"
        ));
    } else {
        errors.push(format!("`{name}` does not exist"));
    }
}

/// Runs one test file, writing its report; the counts of passed and failed
/// examples, or `Err(exit code)` when it could not run.
fn run_file(file: &Path, out: &mut String) -> Result<(usize, usize), i32> {
    let name = file.display().to_string();
    let policy_path = PathBuf::from(format!("{}.sla", &name[..name.len() - SUFFIX.len()]));
    let text = std::fs::read_to_string(file).map_err(|e| {
        eprintln!("error: cannot read `{name}`: {e}");
        EXIT_IO
    })?;
    let tests = contract::parse(&text).map_err(|e| {
        eprintln!("error: `{name}` is not a valid test file: {e}");
        EXIT_FINDINGS
    })?;
    if !policy_path.exists() {
        eprintln!(
            "error: `{name}` tests `{}`, which does not exist",
            policy_path.display()
        );
        return Err(EXIT_FINDINGS);
    }
    let compiled = super::load_policy(&policy_path)?;
    let outcomes = contract::run(&compiled, &tests);
    let mut passed = 0;
    for (i, o) in outcomes.iter().enumerate() {
        if o.passed() {
            passed += 1;
            let _ = writeln!(out, "ok    {name} #{} {}", i + 1, o.name);
        } else {
            report_failure(&name, i + 1, o, out);
        }
    }
    Ok((passed, outcomes.len() - passed))
}

fn report_failure(file: &str, number: usize, o: &Outcome, out: &mut String) {
    let _ = writeln!(out, "FAIL  {file} #{number} {}", o.name);
    if let Some(e) = &o.error {
        let _ = writeln!(out, "  error: {e}");
    }
    for m in &o.mismatches {
        let actual = match &m.actual {
            Some(v) => v.to_string(),
            None => "(the answer has no such field)".to_string(),
        };
        let _ = writeln!(out, "  {} `{}`", m.metric, m.field);
        let _ = writeln!(out, "    expected {}", m.expected);
        let _ = writeln!(out, "    actual   {actual}");
    }
    if !o.hand.is_empty() {
        let _ = writeln!(out, "  hand computation:");
        for l in &o.hand {
            let _ = writeln!(out, "    {l}");
        }
    }
    for (metric, trace) in &o.traces {
        let _ = writeln!(out, "  explain {metric}:");
        for l in trace.lines() {
            let _ = writeln!(out, "{}", format!("    {l}").trim_end());
        }
    }
}
