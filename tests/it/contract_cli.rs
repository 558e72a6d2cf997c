//! The contract tooling through the real binary: `slate fmt`, `slate diff`,
//! `slate breaking` and `slate test` (exit codes and what they print).

use super::support::{slate, slate_stdin, stderr, stdout};
use std::path::{Path, PathBuf};

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

/// `name`: a file name of the caller's own (tests run in parallel).
fn domo_with_gold_sev2_at_10h(name: &str) -> PathBuf {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/domo.sla"))
            .expect("domo.sla");
    let row = "  sev2  -        -      10h    8h   6h       4h";
    assert_eq!(text.matches(row).count(), 1);
    temp_file(
        name,
        &text.replace(row, "  sev2  -        -      10h    10h  6h       4h"),
    )
}

/// Done means: Domo's gold severity-2 first response 8h -> 10h breaks, with
/// an example ticket due two business hours later.
#[test]
fn breaking_reports_domo_gold_sev2_at_10h_with_an_example_ticket() {
    let new = domo_with_gold_sev2_at_10h("domo-10h-breaking.sla");
    let o = slate(&["breaking", "policies/domo.sla", new.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // Monday 2026-03-02 08:00 MST (15:00Z): old 8h -> 16:00 MST (23:00Z);
    // new 10h -> 9h on Monday, then Tuesday 08:00-09:00 MST (16:00Z).
    assert_eq!(
        stdout(&o),
        "breaking (targets): first_response gold sev2 looser: 8h on `business` -> 10h on `business`\n\
         \x20 example: a gold sev2 ticket whose first_response clock starts 2026-03-02T15:00:00Z (Mon 2026-03-02 08:00 America/Denver)\n\
         \x20   old deadline 2026-03-02T23:00:00Z\n\
         \x20   new deadline 2026-03-03T16:00:00Z, 2h of open time later on `business`\n\
         \x20   ticket: {\"id\":\"EXAMPLE\",\"tier\":\"gold\",\"severity\":\"sev2\",\"events\":[{\"at\":\"2026-03-02T15:00:00Z\",\"type\":\"opened\"}]}\n\
         1 breaking change(s)\n"
    );
    let j = slate(&[
        "breaking",
        "--format",
        "json",
        "policies/domo.sla",
        new.to_str().expect("path"),
    ]);
    assert_eq!(j.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).expect("JSON");
    let ex = &v["breaking"][0]["example"];
    assert_eq!(ex["ticket"]["tier"], "gold");
    assert_eq!(ex["old_deadline"], "2026-03-02T23:00:00Z");
    assert_eq!(ex["new_deadline"], "2026-03-03T16:00:00Z");
    assert_eq!(ex["later_open_seconds"], 7200);
    // The example ticket is real input: `slate eval` gives the new deadline.
    let line = stdout(&o)
        .lines()
        .find_map(|l| l.trim().strip_prefix("ticket: ").map(str::to_string))
        .expect("a ticket line");
    let t = temp_file("example.jsonl", &format!("{line}\n"));
    let e = slate(&[
        "eval",
        new.to_str().expect("path"),
        t.to_str().expect("path"),
    ]);
    assert!(
        stdout(&e).contains("\"deadline\":\"2026-03-03T16:00:00Z\""),
        "{}",
        stdout(&e)
    );
}

#[test]
fn breaking_is_clean_for_the_same_policy_and_selects_categories() {
    let o = slate(&["breaking", "policies/domo.sla", "policies/domo.sla"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "no breaking changes\n");
    let new = domo_with_gold_sev2_at_10h("domo-10h-categories.sla");
    let only_hours = slate(&[
        "breaking",
        "--category",
        "hours,availability",
        "policies/domo.sla",
        new.to_str().expect("path"),
    ]);
    assert_eq!(only_hours.status.code(), Some(0));
    let bad = slate(&[
        "breaking",
        "--category",
        "speed",
        "policies/domo.sla",
        "policies/domo.sla",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("unknown category `speed`; the categories are targets, hours, metrics, availability, quotas, coverage"), "{}", stderr(&bad));
}

#[test]
fn diff_lists_changes_and_reads_git_revisions() {
    let new = domo_with_gold_sev2_at_10h("domo-10h-diff.sla");
    let o = slate(&[
        "diff",
        "git:HEAD:policies/domo.sla",
        new.to_str().expect("path"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "targets\n  looser   first_response gold sev2: 8h on `business` -> 10h on `business`\n1 difference(s)\n"
    );
    let j = slate(&[
        "diff",
        "--format",
        "json",
        new.to_str().expect("path"),
        "policies/domo.sla",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&j)).expect("JSON");
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["changes"][0]["direction"], "tighter");
    assert_eq!(v["changes"][0]["weaker"], false);
    let missing = slate(&["diff", "git:HEAD:policies/nope.sla", "policies/domo.sla"]);
    assert_eq!(missing.status.code(), Some(3));
    assert!(
        stderr(&missing).contains("cannot read `git:HEAD:policies/nope.sla`"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn slate_test_passes_on_the_shipped_policies() {
    let o = slate(&["test", "policies/"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    for policy in ["dimagi", "domo", "dooap", "prismic"] {
        let n = out
            .lines()
            .filter(|l| l.starts_with(&format!("ok    policies/{policy}.tests.json #")))
            .count();
        assert!(n >= 5, "{policy} has {n} examples");
    }
    assert!(out.ends_with(" passed, 0 failed\n"), "{out}");
}

/// A deliberately wrong expectation: the hand computation forgot that
/// Mountain Standard Time is UTC-7 (23:00Z, not 22:00Z).
#[test]
fn slate_test_shows_a_wrong_expectation_as_expected_against_actual() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract_cli/wrong");
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("policies/domo.sla"),
        dir.join("domo.sla"),
    )
    .expect("copy domo.sla");
    std::fs::write(
        dir.join("domo.tests.json"),
        r#"{"examples": [
  {"name": "gold severity 2 is due 8 business hours after opening",
   "hand": ["Mon 2026-03-02 08:00 MST (15:00Z) + 8h = 16:00 MST = 22:00Z"],
   "at": "2026-03-02T18:00:00Z",
   "ticket": {"id": "G-1", "tier": "gold", "severity": "sev2",
              "events": [{"at": "2026-03-02T08:00:00-07:00", "type": "opened"}]},
   "expect": {"first_response": {"state": "running", "deadline": "2026-03-02T22:00:00Z", "breached": false}}}
]}"#,
    )
    .expect("write tests");
    let policy = dir.join("domo.sla");
    let o = slate(&["test", policy.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    let file = dir.join("domo.tests.json");
    let out = stdout(&o);
    let head = format!(
        "FAIL  {} #1 gold severity 2 is due 8 business hours after opening\n\
         \x20 first_response `deadline`\n\
         \x20   expected \"2026-03-02T22:00:00Z\"\n\
         \x20   actual   \"2026-03-02T23:00:00Z\"\n\
         \x20 hand computation:\n\
         \x20   Mon 2026-03-02 08:00 MST (15:00Z) + 8h = 16:00 MST = 22:00Z\n\
         \x20 explain first_response:\n",
        file.display()
    );
    assert!(out.starts_with(&head), "{out}");
    assert!(
        out.contains("      elapsed 3h of 8h (37.5%), deadline 2026-03-02T23:00:00Z\n"),
        "{out}"
    );
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn slate_test_reports_bad_test_files() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract_cli/bad");
    std::fs::create_dir_all(&dir).expect("temp dir");
    std::fs::write(
        dir.join("p.tests.json"),
        "{\"examples\": [\n  {\"nme\": 1}\n]}",
    )
    .expect("write");
    let o = slate(&["test", dir.to_str().expect("path")]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains(
            "p.tests.json` is not a valid test file: line 2, column 8: unknown field `nme`, expected one of `name`, `hand`, `at`, `ticket`, `expect`\n"
        ),
        "{err}"
    );
    let none = slate(&["test", "tests/fixtures/ok/checker-tour.sla"]);
    assert_eq!(none.status.code(), Some(3));
    assert!(
        stderr(&none).contains(
            "has no test file; write its examples in `tests/fixtures/ok/checker-tour.tests.json`"
        ),
        "{}",
        stderr(&none)
    );
}

/// Every `$ slate ...` command in the `fmt`, `diff`, `breaking` and `test`
/// sections of docs/cli.md runs and prints exactly what the page shows,
/// with the exit code it gives (`# exit N`, else 0).
#[test]
fn cli_doc_examples_run() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/cli.md"))
        .expect("docs/cli.md");
    let sections = [
        "## `slate fmt",
        "## `slate diff",
        "## `slate breaking",
        "## `slate test",
    ];
    let mut in_section = false;
    let mut in_block = false;
    let mut commands: Vec<(String, i32, String)> = Vec::new();
    // Output lines belong to the last command of the same block.
    let mut collecting = false;
    for line in doc.lines() {
        if line.starts_with("## ") {
            in_section = sections.iter().any(|s| line.starts_with(s));
        } else if line.starts_with("```") {
            in_block = !in_block && line == "```sh";
            collecting = false;
        } else if in_section && in_block {
            if let Some(cmd) = line.strip_prefix("$ slate ") {
                let (cmd, code) = match cmd.split_once("   # exit ") {
                    Some((c, n)) => (c, n.parse().expect("an exit code")),
                    None => (cmd, 0),
                };
                commands.push((cmd.to_string(), code, String::new()));
                collecting = true;
            } else if let Some((_, _, out)) = commands.last_mut().filter(|_| collecting) {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    assert!(commands.len() >= 7, "found {}", commands.len());
    for (cmd, code, want) in &commands {
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let o = slate(&args);
        assert_eq!(
            o.status.code(),
            Some(*code),
            "`slate {cmd}`: {}",
            stderr(&o)
        );
        assert_eq!(&stdout(&o), want, "`slate {cmd}` prints something else");
    }
}
