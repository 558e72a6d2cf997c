//! Controlling `slate check` (the real binary): `slate.toml` found by
//! walking up from each file, inline suppressions, `--fail-level`, `slate
//! rules`, and baselines.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn slate_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_slate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("the slate binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(p).expect("fixture")
}

/// A fresh directory tree for one test:
/// `team/a.sla` (one L0301), `team/sub/b.sla` (one L0401),
/// `team/drafts/wip.sla` (one E0101).
fn tree(test: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("control")
        .join(test);
    let _ = std::fs::remove_dir_all(&root);
    for (path, source) in [
        ("team/a.sla", "lint/L0301-tier-inversion.sla"),
        ("team/sub/b.sla", "lint/L0401-unused.sla"),
        ("team/drafts/wip.sla", "err/E0101-unknown-tier.sla"),
    ] {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
        std::fs::write(p, fixture(source)).expect("write");
    }
    root
}

/// The codes of a `--format github` report, in order.
fn codes(o: &Output) -> Vec<String> {
    text(&o.stdout)
        .lines()
        .filter_map(|l| l.split("title=").nth(1))
        .map(|t| t.split(' ').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn without_settings_every_finding_is_reported() {
    let root = tree("none");
    let o = slate_in(&root, &["check", "--format", "github", "team"]);
    // Sorted file order: a.sla, drafts/wip.sla, sub/b.sla.
    assert_eq!(codes(&o), ["L0301", "E0101", "L0401"]);
    assert_eq!(o.status.code(), Some(1), "the E0101 fails the check");
}

#[test]
fn the_nearest_slate_toml_sets_levels_and_ignores_paths() {
    let root = tree("config");
    let toml = "ignore = [\"drafts/\"]\n[rules]\ntier-inversion = \"off\"\nL0401 = \"error\"\n";
    std::fs::write(root.join("team/slate.toml"), toml).expect("write");
    // Found from team/a.sla and, walking up, from team/sub/b.sla.
    let o = slate_in(&root, &["check", "--format", "json", "team"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let files: Vec<&str> = v["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["file"].as_str())
        .collect();
    assert_eq!(
        files,
        ["team/a.sla", "team/sub/b.sla"],
        "drafts/ is ignored"
    );
    assert_eq!(
        v["files"][0]["diagnostics"],
        serde_json::json!([]),
        "L0301 is off"
    );
    let unused = &v["files"][1]["diagnostics"][0];
    assert_eq!(
        (unused["code"].as_str(), unused["severity"].as_str()),
        (Some("L0401"), Some("error"))
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "a lint set to error fails the check"
    );
    // A file named on the command line is checked even if ignored.
    let o = slate_in(
        &root,
        &["check", "--format", "github", "team/drafts/wip.sla"],
    );
    assert_eq!(codes(&o), ["E0101"]);
    // A nearer slate.toml wins over the one above it.
    std::fs::write(
        root.join("team/sub/slate.toml"),
        "[rules]\nunused = \"off\"\n",
    )
    .expect("write");
    let o = slate_in(&root, &["check", "--format", "github", "team"]);
    assert_eq!(codes(&o), Vec::<String>::new());
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn a_bad_slate_toml_is_a_usage_error_naming_file_line_and_setting() {
    let root = tree("bad-config");
    std::fs::write(
        root.join("team/slate.toml"),
        "[rules]\n\ntier-inversoin = \"off\"\n",
    )
    .expect("write");
    let o = slate_in(&root, &["check", "team/a.sla"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("line 3: `tier-inversoin` is not a lint; did you mean `tier-inversion`?"),
        "{err}"
    );
    assert!(err.contains("slate.toml"), "{err}");
}

#[test]
fn inline_suppression_needs_a_reason() {
    let root = tree("inline");
    let a = root.join("team/a.sla");
    let source = std::fs::read_to_string(&a).expect("read");
    let with = |comment: &str| {
        source.replace(
            "targets first_response {",
            &format!("{comment}\ntargets first_response {{"),
        )
    };
    std::fs::write(
        &a,
        with("# slate: allow L0301 -- the contract gives gold a slower night desk"),
    )
    .expect("write");
    let o = slate_in(&root, &["check", "--format", "github", "team/a.sla"]);
    assert_eq!(codes(&o), Vec::<String>::new());
    std::fs::write(&a, with("# slate: allow L0301")).expect("write");
    let o = slate_in(&root, &["check", "--format", "github", "team/a.sla"]);
    assert_eq!(
        codes(&o),
        ["L0405", "L0301"],
        "no reason: reported, and it does not apply"
    );
}

#[test]
fn fail_level_decides_the_exit_code() {
    let root = tree("fail-level");
    let warn_only = ["check", "team/a.sla", "--fail-level"];
    let run = |level: &str, file: &str| {
        let mut args = warn_only.to_vec();
        args[1] = file;
        args.push(level);
        slate_in(&root, &args).status.code()
    };
    assert_eq!(
        run("error", "team/a.sla"),
        Some(0),
        "a warning does not fail"
    );
    assert_eq!(run("warning", "team/a.sla"), Some(1));
    assert_eq!(
        run("never", "team/drafts/wip.sla"),
        Some(0),
        "even an error passes"
    );
    assert_eq!(run("error", "team/drafts/wip.sla"), Some(1));
    let deny = slate_in(&root, &["check", "team/a.sla", "--deny-warnings"]);
    assert_eq!(
        deny.status.code(),
        Some(1),
        "--deny-warnings is --fail-level warning"
    );
}

#[test]
fn rules_lists_every_code() {
    let root = tree("rules");
    let o = slate_in(&root, &["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["format_version"], 1);
    let rules = v["rules"].as_array().expect("rules");
    let tier = rules.iter().find(|r| r["code"] == "L0301").expect("L0301");
    assert_eq!(tier["name"], "tier-inversion");
    assert_eq!(tier["level"], "warning");
    assert!(tier["help_url"]
        .as_str()
        .is_some_and(|u| u.ends_with("diagnostics.md#l0301")));
    let human = text(&slate_in(&root, &["rules"]).stdout);
    // Two lines per code: the code line, then its link.
    assert_eq!(human.lines().count(), 2 * rules.len());
    assert!(
        human.lines().any(|l| l.starts_with("E0101  unknown-tier")),
        "{human}"
    );
}

#[test]
fn a_baseline_grandfathers_lints_but_not_errors_or_new_findings() {
    let root = tree("baseline");
    let o = slate_in(
        &root,
        &["check", "team", "--write-baseline", "baseline.json"],
    );
    assert!(
        text(&o.stderr).contains("wrote 2 lint findings"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(o.status.code(), Some(1), "the error is still reported");
    let o = slate_in(
        &root,
        &[
            "check",
            "--format",
            "github",
            "team",
            "--baseline",
            "baseline.json",
        ],
    );
    assert_eq!(codes(&o), ["E0101"]);
    assert!(text(&o.stderr).contains("2 findings hidden by the baseline"));
    // A line added above the old findings does not revive them; a new
    // unused calendar is reported.
    let b = root.join("team/sub/b.sla");
    let source = std::fs::read_to_string(&b).expect("read");
    std::fs::write(
        &b,
        format!("# a new first line\n{source}calendar extra = 24x7\n"),
    )
    .expect("write");
    let o = slate_in(
        &root,
        &[
            "check",
            "--format",
            "github",
            "team/sub/b.sla",
            "--baseline",
            "baseline.json",
        ],
    );
    let out = text(&o.stdout);
    assert_eq!(codes(&o), ["L0401"], "{out}");
    assert!(out.contains("`extra`"), "{out}");
    // A baseline that is not one says so.
    std::fs::write(root.join("bad.json"), "{\"findings\": 3}").expect("write");
    let o = slate_in(&root, &["check", "team/a.sla", "--baseline", "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("is not a slate baseline"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn rules_for_a_path_show_what_its_slate_toml_sets() {
    let root = tree("rules-path");
    let toml = "[rules]\ntier-inversion = \"off\"\nL0401 = \"error\"\n";
    std::fs::write(root.join("team/slate.toml"), toml).expect("write");
    let level = |args: &[&str], code: &str| {
        let o = slate_in(&root, args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let r = v["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["code"] == code)
            .cloned()
            .expect("the code");
        (
            r["level"].as_str().map(String::from),
            r["default_level"].as_str().map(String::from),
        )
    };
    let own = |l: &str, d: &str| (Some(l.to_string()), Some(d.to_string()));
    // From a directory below the settings, and from a file in it.
    let sub = ["rules", "--format", "json", "team/sub"];
    assert_eq!(level(&sub, "L0301"), own("off", "warning"));
    assert_eq!(level(&sub, "L0401"), own("error", "warning"));
    assert_eq!(level(&sub, "L0402"), own("warning", "warning"));
    let file = ["rules", "--format", "json", "team/a.sla"];
    assert_eq!(level(&file, "L0301"), own("off", "warning"));
    // Without a path: the defaults.
    let defaults = ["rules", "--format", "json"];
    assert_eq!(level(&defaults, "L0301"), own("warning", "warning"));
    let missing = slate_in(&root, &["rules", "nowhere"]);
    assert_eq!(missing.status.code(), Some(2));
}
