//! `slate eval`'s defaults that must not hide an answer: `--at` is now
//! unless told otherwise, and only the metrics with a target are shown
//! unless `--all-metrics` or `--metrics` says which.

use super::support::{slate, stderr, stdout};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use std::path::{Path, PathBuf};

fn temp_file(name: &str, contents: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("eval_cli");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let p = dir.join(name);
    std::fs::write(&p, contents).expect("write temp file");
    p
}

/// Around the clock, a 4h first response and an 8h resolution; no follow-up
/// or periodic-update table, so those prelude metrics have no target.
const POLICY: &str = r#"policy "Week" { calendar always }
calendar always = 24x7
severity high "High"
tiers basic
targets first_response {
        basic
  high  4h
}
targets resolution {
        basic
  high  8h
}
"#;

fn rfc(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).expect("a JSON answer per line"))
        .collect()
}

fn metric_names(answer: &serde_json::Value) -> Vec<String> {
    answer["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .map(|m| m["metric"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_ticket_opened_a_week_ago_and_never_answered_is_breached_by_default() {
    let before = Utc::now();
    let opened = DateTime::from_timestamp(before.timestamp(), 0).expect("now") - Duration::days(7);
    let ticket = format!(
        r#"{{"id":"W-1","tier":"basic","severity":"high","events":[{{"at":"{}","type":"opened"}}]}}"#,
        rfc(opened)
    );
    let policy = temp_file("week.sla", POLICY);
    let tickets = temp_file("week.jsonl", &ticket);
    let (p, t) = (
        policy.to_str().expect("utf-8"),
        tickets.to_str().expect("utf-8"),
    );
    let o = slate(&["eval", p, t, "--fail-on-breach"]);
    let after = Utc::now();
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let answers = json_lines(&stdout(&o));
    assert_eq!(answers.len(), 1);
    let fr = &answers[0]["metrics"][0];
    assert_eq!(fr["metric"], "first_response");
    assert_eq!(fr["state"], "breached");
    // 24x7 and 4h: breached four hours after opening.
    assert_eq!(
        fr["cycles"][0]["breached_at"],
        rfc(opened + Duration::hours(4))
    );
    // The instant used is now (to the second), and the summary names it.
    let at: DateTime<Utc> = answers[0]["at"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("an RFC 3339 `at`");
    assert!(at.timestamp() >= before.timestamp() && at <= after, "{at}");
    let err = stderr(&o);
    assert!(
        err.contains(&format!("1 with a breach; answered at {} (now)", rfc(at))),
        "{err}"
    );

    // The old meaning on request: at its latest event (the opening) the
    // clock has just started, so nothing is breached and the exit is 0.
    let o = slate(&["eval", p, t, "--fail-on-breach", "--at", "latest-event"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let answers = json_lines(&stdout(&o));
    assert_eq!(answers[0]["metrics"][0]["state"], "running");
    assert_eq!(answers[0]["at"], rfc(opened));
    assert!(
        stderr(&o).contains("0 with a breach; answered at each ticket's latest event"),
        "{}",
        stderr(&o)
    );

    // An explicit instant is named as given (in UTC).
    let o = slate(&["eval", p, t, "--at", "2030-01-01T00:00:00+01:00"]);
    assert!(
        stderr(&o).contains("answered at 2029-12-31T23:00:00Z\n"),
        "{}",
        stderr(&o)
    );
    let o = slate(&["eval", p, t, "--at", "yesterday"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`now` or `latest-event`"),
        "{}",
        stderr(&o)
    );
}

const TICKET: &str = r#"{"id":"M-1","tier":"basic","severity":"high","events":[{"at":"2026-03-02T10:00:00Z","type":"opened"},{"at":"2026-03-02T11:00:00Z","type":"replied"}]}"#;

#[test]
fn only_metrics_with_a_target_unless_asked() {
    let policy = temp_file("select.sla", POLICY);
    let tickets = temp_file("select.jsonl", TICKET);
    let (p, t) = (
        policy.to_str().expect("utf-8"),
        tickets.to_str().expect("utf-8"),
    );
    let at = "2026-03-02T12:00:00Z";

    // Default: follow_up and periodic_update have no table: left out.
    let o = slate(&["eval", p, t, "--at", at]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a = &json_lines(&stdout(&o))[0];
    assert_eq!(metric_names(a), ["first_response", "resolution"]);
    // first_response met at 11:00 (1h of 4h); resolution running, 2h of 8h.
    assert_eq!(a["metrics"][0]["state"], "met");
    assert_eq!(a["metrics"][1]["cycles"][0]["elapsed_seconds"], 7200);

    // Every prelude metric, in prelude order.
    let o = slate(&["eval", p, t, "--at", at, "--all-metrics"]);
    let all = metric_names(&json_lines(&stdout(&o))[0]);
    assert_eq!(
        all,
        [
            "acknowledge",
            "first_response",
            "follow_up",
            "periodic_update",
            "resolution"
        ]
    );

    // Picked: in policy order whatever the order asked, with or without a
    // target.
    let o = slate(&[
        "eval",
        p,
        t,
        "--at",
        at,
        "--metrics",
        "resolution,follow_up",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let a = &json_lines(&stdout(&o))[0];
    assert_eq!(metric_names(a), ["follow_up", "resolution"]);
    assert_eq!(a["metrics"][0]["state"], "no_target");

    // The same selection in CSV: one row per metric (one cycle each here).
    let o = slate(&[
        "eval",
        p,
        t,
        "--at",
        at,
        "--metrics",
        "first_response",
        "--format",
        "csv",
    ]);
    let out = stdout(&o);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert!(rows[1].starts_with("M-1,basic,high,,2026-03-02T12:00:00Z,first_response,1,met,4h,14400,always,2026-03-02T10:00:00Z,2026-03-02T14:00:00Z,2026-03-02T11:00:00Z,replied,3600,10800,3600,250,,"), "{out}");

    // An unknown name is a usage error with a suggestion.
    let o = slate(&["eval", p, t, "--metrics", "first_respons"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "error: --metrics: the policy has no metric `first_respons` (did you mean `first_response`?)"
        ),
        "{}",
        stderr(&o)
    );
    let o = slate(&["eval", p, t, "--metrics", "first_response", "--all-metrics"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
