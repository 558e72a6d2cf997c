use super::{parse, run};
use crate::source::SourceFile;
use serde_json::json;

const POLICY: &str = r#"policy "P" { calendar office }
calendar office {
  zone "UTC"
  mon-fri 09:00-17:00
}
severity high "High"
tiers basic
targets first_response {
        basic
  high  4h
}
"#;

fn outcomes(tests: &str) -> Vec<super::Outcome> {
    let compiled = crate::compile(&SourceFile::new("p.sla", POLICY)).expect("compiles");
    run(&compiled, &parse(tests).expect("parses"))
}

/// Opened Monday 2026-03-02 15:00 UTC: 2h on Monday (to 17:00), 2h on
/// Tuesday from 09:00, so due Tuesday 11:00 UTC.
const TICKET: &str = r#"{"id": "T", "tier": "basic", "severity": "high",
  "events": [{"at": "2026-03-02T15:00:00Z", "type": "opened"}]}"#;

#[test]
fn a_right_expectation_passes() {
    let tests = format!(
        r#"{{"examples": [{{"name": "due Tuesday", "at": "2026-03-03T10:00:00Z", "ticket": {TICKET},
          "expect": {{"first_response": {{"state": "running", "deadline": "2026-03-03T11:00:00Z",
                                          "breached": false, "met": false, "cycles": 1}}}}}}]}}"#
    );
    let o = outcomes(&tests);
    assert_eq!(o.len(), 1);
    assert!(o[0].passed(), "{o:?}");
}

#[test]
fn a_wrong_expectation_fails_with_expected_actual_and_a_trace() {
    let tests = format!(
        r#"{{"examples": [{{"name": "wrong", "at": "2026-03-03T12:00:00Z", "ticket": {TICKET},
          "expect": {{"first_response": {{"deadline": "2026-03-02T19:00:00Z", "breached": false, "dedline": 1}}}}}}]}}"#
    );
    let o = outcomes(&tests);
    assert!(!o[0].passed());
    let m: Vec<(String, serde_json::Value, Option<serde_json::Value>)> = o[0]
        .mismatches
        .iter()
        .map(|m| (m.field.clone(), m.expected.clone(), m.actual.clone()))
        .collect();
    // At 12:00 on Tuesday the 11:00 deadline has passed: breached.
    assert_eq!(
        m,
        vec![
            ("breached".into(), json!(false), Some(json!(true))),
            (
                "deadline".into(),
                json!("2026-03-02T19:00:00Z"),
                Some(json!("2026-03-03T11:00:00Z"))
            ),
            ("dedline".into(), json!(1), None),
        ]
    );
    assert_eq!(o[0].traces.len(), 1);
    assert_eq!(o[0].traces[0].0, "first_response");
    assert!(
        o[0].traces[0].1.contains("first_response"),
        "{}",
        o[0].traces[0].1
    );
}

#[test]
fn bad_files_and_tickets_are_reported() {
    let err = parse("{\"examples\": [{\"name\": 1}]}").expect_err("rejected");
    assert!(err.starts_with("line 1, column "), "{err}");
    let unknown = format!(
        r#"{{"examples": [{{"name": "x", "at": "2026-03-03T12:00:00Z", "ticket": {TICKET},
          "expect": {{"resolution_time": {{"state": "met"}}}}}}]}}"#
    );
    let o = outcomes(&unknown);
    assert_eq!(
        o[0].error.as_deref(),
        Some("the policy has no metric `resolution_time`; its metrics are acknowledge, first_response, follow_up, periodic_update, resolution")
    );
    let bad_tier = r#"{"examples": [{"name": "x", "at": "2026-03-03T12:00:00Z",
        "ticket": {"id": "T", "tier": "gold", "severity": "high", "events": [{"at": "2026-03-02T15:00:00Z", "type": "opened"}]},
        "expect": {}}]}"#;
    let o = outcomes(bad_tier);
    assert!(
        o[0].error
            .as_deref()
            .is_some_and(|e| e.starts_with("the ticket is not valid for this policy: ")),
        "{:?}",
        o[0].error
    );
}
