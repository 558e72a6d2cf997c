//! The contract tooling through the real binary: `slate fmt`, `slate diff`,
//! `slate breaking` and `slate test` (exit codes and what they print).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn slate(args: &[&str]) -> Output {
    slate_stdin(args, None)
}

fn slate_stdin(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_slate"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the slate binary runs");
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin is piped");
        pipe.write_all(input.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("slate finishes")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract_cli");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write temp file");
    p
}

#[test]
fn fmt_check_passes_on_the_shipped_policies() {
    let o = slate(&["fmt", "--check", "policies/"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(stdout(&o), "");
}

const UNFORMATTED: &str = "tiers a<b\ntier a {  x   90m   # note\n}\n";
const FORMATTED: &str = "tiers a < b\n\ntier a {\n  x 1h30m  # note\n}\n";

#[test]
fn fmt_check_prints_a_unified_diff_and_changes_nothing() {
    let p = temp_file("check.sla", UNFORMATTED);
    let path = p.to_str().expect("utf-8 path");
    let o = slate(&["fmt", "--check", path]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!("--- {path}\n+++ {path} (formatted)\n@@ ")),
        "{out}"
    );
    assert!(
        out.contains("\n-tiers a<b\n-tier a {  x   90m   # note\n+tiers a < b\n+\n"),
        "{out}"
    );
    assert!(out.contains("\n+  x 1h30m  # note\n"), "{out}");
    assert!(
        stderr(&o).contains("1 file(s) are not formatted"),
        "{}",
        stderr(&o)
    );
    assert_eq!(std::fs::read_to_string(&p).expect("readable"), UNFORMATTED);
    // --diff prints the same diff but exits 0.
    let d = slate(&["fmt", "--diff", path]);
    assert_eq!(d.status.code(), Some(0));
    assert_eq!(stdout(&d), out);
}

#[test]
fn fmt_rewrites_files_and_then_check_passes() {
    let p = temp_file("rewrite.sla", UNFORMATTED);
    let path = p.to_str().expect("utf-8 path");
    let o = slate(&["fmt", path]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stderr(&o), format!("formatted {path}\n"));
    assert_eq!(std::fs::read_to_string(&p).expect("readable"), FORMATTED);
    let again = slate(&["fmt", "--check", path]);
    assert_eq!(again.status.code(), Some(0));
    assert_eq!(stdout(&again), "");
}

#[test]
fn fmt_reads_standard_input() {
    let o = slate_stdin(&["fmt"], Some(UNFORMATTED));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), FORMATTED);
}

#[test]
fn fmt_refuses_a_file_with_syntax_errors() {
    let text = "tier gold {\n  contacts 3\n\ntiers a <\n";
    let p = temp_file("broken.sla", text);
    let path = p.to_str().expect("utf-8 path");
    let o = slate(&["fmt", path]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("E0001"), "{err}");
    assert!(
        err.contains(&format!(
            "error: `{path}` has syntax errors and was not formatted"
        )),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&p).expect("readable"), text);
}
