//! Every command ends quietly when the reader of its standard output goes
//! away (`slate ... | head -1`): the exit code it would have had (0 here, or
//! 1 for findings), no panic, no "Broken pipe" message.
//!
//! Each test closes the read end of the pipe right after starting the
//! binary, before the binary has parsed its arguments, so its first write
//! fails. Most outputs are also made larger than a pipe's buffer (64 KiB),
//! so that even a late close makes a write fail.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("closed_pipe");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write temp file");
    p
}

/// Runs slate with its standard output closed at once; returns the exit
/// code and standard error.
fn closed_stdout(args: &[&str]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the slate binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("slate finishes");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_quiet(what: &str, (code, err): (Option<i32>, String), want: i32) {
    assert_eq!(code, Some(want), "{what}: exit code; stderr:\n{err}");
    assert!(!err.contains("panicked"), "{what} panicked:\n{err}");
    assert!(
        !err.to_lowercase().contains("broken pipe"),
        "{what}:\n{err}"
    );
    assert!(!err.contains("cannot write"), "{what}:\n{err}");
}

/// A clean policy with `n` calendars used by nothing: `n` warnings, and an
/// IR of `n` calendars.
fn many_calendars(n: usize) -> String {
    let mut out = String::from(
        "policy \"Pipe\" { calendar c }\ncalendar c { zone \"UTC\"  mon-fri 09:00-17:00 }\n\
         severity s \"S\"\ntiers t\ntargets first_response {\n     t\n  s  4h\n}\n",
    );
    for i in 0..n {
        out.push_str(&format!(
            "calendar u{i} {{ zone \"UTC\"  mon-fri 09:00-17:00 }}\n"
        ));
    }
    out
}

#[test]
fn check_in_every_format() {
    // 1,000 warnings: well over 64 KiB of output in every format.
    let p = temp_file("many.sla", &many_calendars(1000));
    let path = p.to_str().expect("utf-8 path");
    for format in ["human", "json", "sarif", "github"] {
        let what = format!("check --format {format}");
        assert_quiet(
            &what,
            closed_stdout(&["check", "--format", format, path]),
            0,
        );
    }
    // The code it would have had: warnings denied are findings.
    let denied = closed_stdout(&["check", "--format", "json", "--deny-warnings", path]);
    assert_quiet("check --deny-warnings", denied, 1);
    assert_quiet(
        "check policies/",
        closed_stdout(&["check", "--format", "json", "policies/"]),
        0,
    );
}

#[test]
fn compile() {
    let p = temp_file("compile.sla", &many_calendars(300));
    let (code, err) = closed_stdout(&["compile", p.to_str().expect("utf-8 path")]);
    // The 300 warnings go to standard error, as usual; nothing else.
    assert!(err.contains("L0401"), "{err}");
    assert_quiet("compile", (code, err), 0);
    assert_quiet(
        "compile --compact",
        closed_stdout(&["compile", "--compact", "policies/domo.sla"]),
        0,
    );
}

#[test]
fn explain_codes_and_tickets() {
    assert_quiet("explain", closed_stdout(&["explain"]), 0);
    assert_quiet("explain E0101", closed_stdout(&["explain", "E0101"]), 0);
    assert_quiet(
        "explain POLICY TICKETS",
        closed_stdout(&[
            "explain",
            "policies/dooap.sla",
            "examples/tickets/dooap.jsonl",
            "--id",
            "D-1",
        ]),
        0,
    );
}

#[test]
fn eval_in_every_format() {
    let tickets: Vec<String> = (0..2000)
        .map(|i| {
            format!(
                r#"{{"id":"T-{i}","tier":"gold","severity":"sev2","events":[{{"at":"2026-03-06T15:30:00-07:00","type":"opened"}}]}}"#
            )
        })
        .collect();
    let p = temp_file("tickets.jsonl", &tickets.join("\n"));
    let path = p.to_str().expect("utf-8 path");
    for format in ["jsonl", "csv", "table"] {
        let what = format!("eval --format {format}");
        let args = [
            "eval",
            "policies/domo.sla",
            path,
            "--format",
            format,
            "--quiet",
        ];
        assert_quiet(&what, closed_stdout(&args), 0);
    }
}

#[test]
fn time_one_answer_and_a_batch() {
    assert_quiet(
        "time add",
        closed_stdout(&[
            "time",
            "policies/dooap.sla",
            "central",
            "add",
            "2026-03-06T15:30:00-06:00",
            "8h",
        ]),
        0,
    );
    let line =
        r#"{"op":"add","calendar":"central","at":"2026-03-06T15:30:00-06:00","seconds":28800}"#;
    let p = temp_file("batch.jsonl", &vec![line; 3000].join("\n"));
    let args = [
        "time",
        "policies/dooap.sla",
        "--batch",
        p.to_str().expect("utf-8"),
    ];
    assert_quiet("time --batch", closed_stdout(&args), 0);
}

#[test]
fn rules_and_help() {
    assert_quiet("rules", closed_stdout(&["rules"]), 0);
    assert_quiet(
        "rules --format json",
        closed_stdout(&["rules", "--format", "json"]),
        0,
    );
    assert_quiet("--help", closed_stdout(&["--help"]), 0);
    assert_quiet("check --help", closed_stdout(&["check", "--help"]), 0);
}
