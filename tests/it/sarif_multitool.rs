//! `slate check --format sarif` checked by Microsoft's SARIF Multitool, with
//! its `Sarif` rules (the standard) and its `Gh` rules (what GitHub code
//! scanning requires). `.ci/run` installs the tool into `.ci/tools`; without
//! it the test says so and passes, except under `CI`, where it must run.
//! What the schema cannot see (character columns, URIs, related locations)
//! is asserted here and in `src/diagnostics/sarif.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The fixture: errors (with a secondary label), a lint, non-ASCII text and
/// a space in its path.
const FIXTURE: &str = "tests/fixtures/formats/with space/ünïcode policy.sla";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn multitool() -> Option<PathBuf> {
    let path = std::env::var_os("SARIF_MULTITOOL")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            root().join(".ci/tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool")
        });
    path.is_file().then_some(path)
}

fn sarif_of_fixture() -> (String, serde_json::Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_slate"))
        .args(["check", "--format", "sarif", FIXTURE])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("slate runs");
    // The fixture has errors: exit 1, the report on stdout.
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let value = serde_json::from_str(&text).expect("SARIF is JSON");
    (text, value)
}

fn check(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_slate"))
        .arg("check")
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("slate runs");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked"),
        "slate check {args:?} panicked:\n{err}"
    );
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("utf-8"),
    )
}

/// Runs the multitool's `validate` on `text` with both rule kinds and
/// asserts it reports no error and no warning.
fn assert_valid(tool: &Path, name: &str, text: &str) {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif multitool");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let log = dir.join(format!("{name}.sarif"));
    std::fs::write(&log, text).expect("write the log");
    for kind in ["Sarif", "Gh"] {
        let report = dir.join(format!("{name}-validate-{kind}.sarif"));
        let out = Command::new(tool)
            .arg("validate")
            .arg(&log)
            .args([
                "--rule-kind",
                kind,
                "--level",
                "Error;Warning",
                "--log",
                "ForceOverwrite",
            ])
            .arg("--output")
            .arg(&report)
            .output()
            .expect("the multitool runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{name} {kind}: the multitool failed:\n{stdout}"
        );
        let v: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(&report).expect("the multitool wrote its report"),
        )
        .expect("the multitool's report is JSON");
        let findings = v["runs"][0]["results"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(
            findings.is_empty(),
            "{name} {kind}: {} error(s) or warning(s):\n{stdout}",
            findings.len()
        );
        // The run itself must have completed (a crash leaves no results).
        let ok = v["runs"][0]["invocations"][0]["executionSuccessful"].as_bool();
        assert_eq!(
            ok,
            Some(true),
            "{name} {kind}: the validation did not complete:\n{stdout}"
        );
    }
}

fn tool_or_skip() -> Option<PathBuf> {
    let tool = multitool();
    if tool.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI is set but the SARIF Multitool is missing: run .ci/run (npm ci in .ci/tools)"
        );
        eprintln!(
            "skipped: the SARIF Multitool is not installed (.ci/run installs it into .ci/tools)"
        );
    }
    tool
}

#[test]
fn sarif_passes_the_multitool_with_both_rule_kinds() {
    let Some(tool) = tool_or_skip() else { return };
    let (text, _) = sarif_of_fixture();
    assert_valid(&tool, "fixture", &text);
    // Every fixture at once (every code, a file that is not UTF-8, clean
    // files), and the shipped policies (no results at all).
    let (code, all) = check(&[
        "--format",
        "sarif",
        "tests/fixtures/err",
        "tests/fixtures/lint",
        "tests/fixtures/ok",
    ]);
    assert_eq!(code, Some(1));
    assert_valid(&tool, "all-fixtures", &all);
    let (code, clean) = check(&["--format", "sarif", "policies/"]);
    assert_eq!(code, Some(0));
    assert_valid(&tool, "policies", &clean);
}

#[test]
fn every_format_renders_every_fixture() {
    for format in ["human", "json", "sarif", "github"] {
        let (code, out) = check(&[
            "--format",
            format,
            "tests/fixtures/err",
            "tests/fixtures/lint",
        ]);
        assert_eq!(code, Some(1), "{format}");
        assert!(
            out.contains("E0002"),
            "{format}: the file that is not UTF-8 is reported"
        );
    }
}

#[test]
fn sarif_fixture_has_what_the_schema_cannot_check() {
    let (_, v) = sarif_of_fixture();
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let results = run["results"].as_array().expect("results");
    // E0110 twice-declared `sev2`, E0102 unknown `sev9`, L0402 overlap.
    let codes: Vec<&str> = results
        .iter()
        .filter_map(|r| r["ruleId"].as_str())
        .collect();
    assert_eq!(codes, ["L0402", "E0110", "E0102"]);
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(
            loc["uri"],
            "tests/fixtures/formats/with%20space/%C3%BCn%C3%AFcode%20policy.sla"
        );
        assert_eq!(loc["uriBaseId"], "%SRCROOT%");
        assert!(r["partialFingerprints"]["slateFingerprint/v1"].is_string());
    }
    // Line 7 is `severity sev2 "Größer, nochmal"`: `sev2` at column 10. Lines
    // 1-6 hold 75, 50, 91, 65, 41 and 22 characters (the emoji and the
    // umlauts count one each), plus 6 line breaks, plus 9 before `sev2`:
    // character offset 359, where the byte offset is 376.
    let dup = &results[1];
    let region = &dup["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 7);
    assert_eq!(region["startColumn"], 10);
    assert_eq!(region["endColumn"], 14);
    assert_eq!(region["charLength"], 4);
    assert_eq!(region["snippet"]["text"], "sev2");
    let related = dup["relatedLocations"]
        .as_array()
        .expect("related locations");
    assert_eq!(related.len(), 1);
    assert_eq!(related[0]["id"], 1);
    assert_eq!(related[0]["message"]["text"], "First declared here.");
    let first = &related[0]["physicalLocation"]["region"];
    assert_eq!(
        (first["startLine"].as_u64(), first["startColumn"].as_u64()),
        (Some(6), Some(10))
    );
    assert_eq!(region["charOffset"], 359);
    let text = std::fs::read_to_string(root().join(FIXTURE)).expect("fixture");
    assert_eq!(text.find("sev2 \"Größer, nochmal\""), Some(376));
}
