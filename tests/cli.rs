//! The real binary: exit codes, output formats, robustness.

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

fn temp_file(name: &str, contents: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write temp file");
    p
}

const BROKEN: &str = r#"policy "Broken" { calendar office }
calendar office {
  zone "Central US"
  mon-fri 08:00-25:00
}
severity sev1 "Down"
severity sev2 "Slow"
tiers basic < premium < platinum
tier premium extends platinum { contacts 2 }
tier platinum extends premium { contacts 3 }
targets first_response {
         basic premium platnum
  sev1   8h    4h      1h
  sev2   -     8h
}
"#;

#[test]
fn shipped_policies_check_clean() {
    let o = slate(&["check", "policies/"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    for f in ["dimagi.sla", "domo.sla", "dooap.sla", "prismic.sla"] {
        let line = out
            .lines()
            .find(|l| l.contains(f))
            .unwrap_or_else(|| panic!("a summary line for {f} in:\n{out}"));
        assert!(line.contains(": ok ("), "{line}");
    }
}

#[test]
fn broken_policy_reports_every_error_and_exits_1() {
    let p = temp_file("broken.sla", BROKEN.as_bytes());
    let o = slate(&["check", "--format", "json", p.to_str().expect("utf-8 path")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json output");
    assert_eq!(v["format_version"], 1);
    let diags = v["files"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics");
    let codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    for want in ["E0101", "E0201", "E0202", "E0301", "E0120"] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    for d in diags {
        assert!(d["help"].is_string(), "every error has a help line: {d}");
        assert!(d["line"].as_u64().unwrap_or(0) > 0);
        assert!(d["column"].as_u64().unwrap_or(0) > 0);
    }
    let tz = diags
        .iter()
        .find(|d| d["code"] == "E0201")
        .expect("zone error");
    assert!(
        tz["help"]
            .as_str()
            .unwrap_or("")
            .contains("America/Chicago"),
        "{tz}"
    );
    let tier = diags
        .iter()
        .find(|d| d["code"] == "E0101")
        .expect("tier error");
    assert!(
        tier["help"].as_str().unwrap_or("").contains("platinum"),
        "{tier}"
    );
}

#[test]
fn human_sarif_and_github_formats() {
    let p = temp_file("broken2.sla", BROKEN.as_bytes());
    let path = p.to_str().expect("utf-8 path");
    let human = slate(&["check", path]);
    assert_eq!(human.status.code(), Some(1));
    let text = stdout(&human);
    assert!(text.contains("E0101(unknown-tier)"), "{text}");
    assert!(text.contains("help:"), "{text}");
    assert!(!text.contains('\u{1b}'), "no colour when NO_COLOR is set");

    let sarif = slate(&["check", "--format", "sarif", path]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&sarif)).expect("sarif json");
    assert_eq!(v["version"], "2.1.0");
    assert!(!v["runs"][0]["results"]
        .as_array()
        .expect("results")
        .is_empty());

    let gh = slate(&["check", "--format", "github", path]);
    let out = stdout(&gh);
    assert!(
        out.lines()
            .all(|l| l.starts_with("::error ") || l.starts_with("::warning ")),
        "{out}"
    );
    assert!(out.contains("title=E0101 unknown-tier::"), "{out}");
}

#[test]
fn compile_shows_domo_gold_targets_with_calendars() {
    let o = slate(&["compile", "policies/domo.sla"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("IR json");
    assert_eq!(v["format_version"], 1);
    let index = |list: &str, name: &str| {
        v[list]
            .as_array()
            .and_then(|a| a.iter().position(|x| x["name"] == name))
            .unwrap_or_else(|| panic!("{name} in {list}"))
    };
    let (gold, sev1, sev2) = (
        index("tiers", "gold"),
        index("severities", "sev1"),
        index("severities", "sev2"),
    );
    let fr = index("metrics", "first_response");
    let cell = |sev: usize| {
        v["targets"]
            .as_array()
            .and_then(|a| {
                a.iter().find(|t| {
                    t["metric"] == fr
                        && t["tier"] == gold
                        && t["severity"] == sev
                        && t["issue_type"].is_null()
                })
            })
            .cloned()
            .expect("gold cell")
    };
    let cal_name = |t: &serde_json::Value| {
        v["calendars"][t["value"]["calendar"].as_u64().expect("calendar id") as usize]["name"]
            .clone()
    };
    let s2 = cell(sev2);
    assert_eq!(s2["value"]["duration"]["value"], 8 * 3600);
    assert_eq!(cal_name(&s2), "business");
    let s1 = cell(sev1);
    assert_eq!(s1["value"]["duration"]["value"], 4 * 3600);
    assert_eq!(cal_name(&s1), "24x7");
}

#[test]
fn explain_codes() {
    let o = slate(&["explain", "E0101"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("unknown-tier"));
    let o = slate(&["explain", "tier-inversion"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("L0301"));
    let o = slate(&["explain", "E9999"]);
    assert_eq!(o.status.code(), Some(2));
    let o = slate(&["explain"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).lines().count() >= 30);
}

#[test]
fn usage_and_io_exit_codes() {
    assert_eq!(slate(&["check"]).status.code(), Some(2));
    assert_eq!(slate(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        slate(&["check", "--format", "xml", "policies/"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        slate(&["check", "--allow", "E0101", "policies/"])
            .status
            .code(),
        Some(2)
    );
    let o = slate(&["check", "does/not/exist.sla"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("does not exist"));
    assert_eq!(
        slate(&["compile", "does/not/exist.sla"]).status.code(),
        Some(3)
    );
}

#[test]
fn malformed_inputs_never_panic() {
    let mut garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    garbage.extend_from_slice(b"\xff\xfe");
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty.sla", Vec::new()),
        ("garbage.sla", garbage),
        ("braces.sla", vec![b'{'; 10 * 1024 * 1024]),
        (
            "parens.sla",
            format!("calendar c = {}", "(".repeat(100_000)).into_bytes(),
        ),
        (
            "numbers.sla",
            b"tiers a\ntier a { contacts 99999999999999999999999999 }".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        let p = temp_file(name, &bytes);
        let o = slate(&["check", p.to_str().expect("utf-8 path")]);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{name}: {}", stderr(&o));
    }
}
