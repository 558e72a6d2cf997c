//! Hand-computed scenarios from the seed documents, one JSON fixture each
//! under `tests/fixtures/eval/<policy>/` (format: the README there).
//!
//! Every field listed in a fixture's `expect` is asserted against the
//! engine's answer; the whole answer and the `explain` trace of one metric
//! are then snapshotted for review.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use slate::{Compiled, SourceFile};
use std::path::Path;

/// A policy next to the fixture (the clock-rule cases), else a shipped one.
fn compile_policy(fixture: &Path, name: &str) -> Compiled {
    let local = fixture.parent().map(|dir| dir.join(name));
    let path = match local.filter(|p| p.is_file()) {
        Some(p) => p,
        None => Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("policies")
            .join(name),
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match slate::compile(&SourceFile::new(name, text)) {
        Ok(c) => c,
        Err(e) => panic!("{name} does not compile: {e}"),
    }
}

fn field<'a>(fixture: &'a Value, key: &str) -> &'a Value {
    fixture
        .get(key)
        .unwrap_or_else(|| panic!("the fixture has no `{key}`"))
}

/// Checks one metric's expectations: the keys `cycle` (which cycle, default
/// 1), `cycles` (how many), `metric_state` and `breaches` (of the metric),
/// and any field of the chosen cycle's answer.
fn check_metric(
    name: &str,
    metric: &Value,
    expect: &Map<String, Value>,
    problems: &mut Vec<String>,
) {
    let cycles = metric["cycles"].as_array().cloned().unwrap_or_default();
    let n = expect.get("cycle").and_then(Value::as_u64).unwrap_or(1);
    for (key, want) in expect {
        let got = match key.as_str() {
            "cycle" => continue,
            "cycles" => Value::from(cycles.len()),
            "metric_state" => metric["state"].clone(),
            "breaches" => metric["breaches"].clone(),
            _ => match cycles.get(n as usize - 1) {
                Some(c) => match c.get(key) {
                    Some(v) => v.clone(),
                    None => {
                        problems.push(format!("{name}: the answer has no field `{key}`"));
                        continue;
                    }
                },
                None => {
                    problems.push(format!("{name}: no cycle {n} (has {})", cycles.len()));
                    return;
                }
            },
        };
        if &got != want {
            problems.push(format!(
                "{name} cycle {n} `{key}`: expected {want}, engine says {got}"
            ));
        }
    }
}

#[test]
fn scenarios() {
    insta::glob!("../fixtures", "eval/**/*.json", |path| {
        let text = std::fs::read_to_string(path).expect("readable fixture");
        let fixture: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{}: not JSON: {e}", path.display()));
        let name = field(&fixture, "policy").as_str().expect("policy name");
        let policy = compile_policy(path, name);
        let at: DateTime<Utc> = field(&fixture, "at")
            .as_str()
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
            .map(|t| t.with_timezone(&Utc))
            .expect("`at` is an RFC 3339 instant");
        let line = field(&fixture, "ticket").to_string();
        let ticket = policy
            .ticket_from_json(&line)
            .unwrap_or_else(|e| panic!("{}: ticket rejected: {e}", path.display()));
        let answer = policy.evaluate(&ticket, at).expect("evaluates");
        // The bytes `slate eval` writes.
        let json: Value = serde_json::from_str(&answer.to_json()).expect("answers are JSON");

        let mut problems = Vec::new();
        if let Some(order) = fixture.get("metric_order") {
            let got: Vec<Value> = json["metrics"]
                .as_array()
                .map(|ms| ms.iter().map(|m| m["metric"].clone()).collect())
                .unwrap_or_default();
            if Value::from(got.clone()) != *order {
                problems.push(format!(
                    "metric order: expected {order}, engine says {got:?}"
                ));
            }
        }
        // The policy version the answer names (policies with versions).
        if let Some(version) = fixture.get("version") {
            if json["version"] != *version {
                problems.push(format!(
                    "version: expected {version}, engine says {}",
                    json["version"]
                ));
            }
        }
        let expect = field(&fixture, "expect")
            .as_object()
            .expect("`expect` is an object");
        for (name, want) in expect {
            let want = want.as_object().expect("each expectation is an object");
            match json["metrics"]
                .as_array()
                .and_then(|ms| ms.iter().find(|m| m["metric"] == name.as_str()))
            {
                Some(m) => check_metric(name, m, want, &mut problems),
                None => problems.push(format!("the policy reports no metric `{name}`")),
            }
        }
        assert!(
            problems.is_empty(),
            "{}: the engine disagrees with the hand computation:\n  {}",
            path.display(),
            problems.join("\n  ")
        );

        let metric = field(&fixture, "explain").as_str().expect("metric name");
        let trace = policy
            .explain(&ticket, at, Some(metric))
            .expect("explains")
            .to_string();
        let hand = fixture["hand"]
            .as_array()
            .map(|lines| {
                lines
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|l| format!("  {l}\n"))
                    .collect::<String>()
            })
            .unwrap_or_default();
        let pretty = serde_json::to_string_pretty(&json).expect("pretty JSON");
        // Name snapshots `<policy dir>-<fixture>` so that fixtures with the
        // same file name in different policy folders do not collide.
        let name = |p: Option<&std::ffi::OsStr>| p.map(|s| s.to_string_lossy().into_owned());
        let suffix = format!(
            "{}-{}",
            name(path.parent().and_then(Path::file_name)).unwrap_or_default(),
            name(path.file_stem()).unwrap_or_default()
        );
        insta::with_settings!({snapshot_suffix => suffix}, {
            insta::assert_snapshot!(format!(
                "hand computation:\n{hand}\nanswer at {}:\n{pretty}\n\nexplain {metric}:\n{trace}",
                at.format("%Y-%m-%dT%H:%M:%SZ")
            ));
        });
    });
}
