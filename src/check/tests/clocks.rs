//! Per-metric severity clocks (`clock CAL for METRIC`) and deadline cells,
//! checked from policy text.

use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{Deadline, Policy, TargetValue};
use crate::source::SourceFile;

const HEAD: &str = r#"
policy "T" { calendar office }
calendar office { zone "UTC"  mon-fri 09:00-17:00 }
tiers basic < gold
"#;

fn compile(body: &str) -> Result<Policy, Vec<Diagnostic>> {
    let text = format!("{HEAD}{body}");
    crate::compile(&SourceFile::new("t.sla", text))
        .map(|c| c.policy().clone())
        .map_err(|e| e.diagnostics)
}

fn codes(body: &str) -> Vec<Code> {
    compile(body)
        .err()
        .unwrap_or_default()
        .iter()
        .map(|d| d.code)
        .collect()
}

fn cell(p: &Policy, metric: &str, sev: &str, tier: &str) -> TargetValue {
    let (m, s, t) = (
        p.metric_named(metric).expect("metric"),
        p.severity_named(sev).expect("severity"),
        p.tier_named(tier).expect("tier"),
    );
    p.target(m, s, t, None).expect("cell").value.clone()
}

#[test]
fn a_metric_clock_applies_to_that_metric_only() {
    let p = compile(
        r#"
severity sev1 "Critical" { clock 24x7 for first_response, acknowledge }
severity sev2 "Major"
targets first_response {
      basic gold
  *   4h    1h
}
targets resolution {
      basic gold
  *   2bd   2bd
}
"#,
    )
    .expect("compiles");
    let (office, always) = (
        p.calendar_named("office").expect("office"),
        p.calendar_named("24x7").expect("24x7"),
    );
    let cal = |v: TargetValue| match v {
        TargetValue::Within { calendar, .. } | TargetValue::By { calendar, .. } => Some(calendar),
        TargetValue::NoTarget => None,
    };
    // sev1's first response runs around the clock, its resolution on
    // office hours; sev2 has no clock of its own.
    assert_eq!(
        cal(cell(&p, "first_response", "sev1", "gold")),
        Some(always)
    );
    assert_eq!(cal(cell(&p, "resolution", "sev1", "gold")), Some(office));
    assert_eq!(
        cal(cell(&p, "first_response", "sev2", "gold")),
        Some(office)
    );
    let sev1 = &p.severities[0];
    let ids: Vec<&str> = sev1
        .metric_calendars
        .iter()
        .map(|(m, _)| p.metrics[m.index()].name.as_str())
        .collect();
    assert_eq!(ids, ["first_response", "acknowledge"]);
    assert_eq!(sev1.calendar, None);
}

#[test]
fn a_metric_clock_beats_the_severity_clock_and_a_table_must_agree() {
    let p = compile(
        r#"
severity sev1 "Critical" {
  clock office
  clock 24x7 for first_response
}
targets first_response on 24x7 {
      basic gold
  *   4h    1h
}
"#,
    )
    .expect("the table names the same clock: no conflict");
    let always = p.calendar_named("24x7").expect("24x7");
    assert!(matches!(
        cell(&p, "first_response", "sev1", "gold"),
        TargetValue::Within { calendar, .. } if calendar == always
    ));
    // A different table calendar on cells that promise something: E0312,
    // once for the row (not once per cell).
    let c = codes(
        r#"
severity sev1 "Critical" { clock 24x7 for first_response }
targets first_response on office {
      basic gold
  *   4h    1h
}
"#,
    );
    assert_eq!(c, [Code::ConflictingClocks]);
    // A `-` row promises nothing: no conflict.
    let ok = compile(
        r#"
severity sev1 "Critical" { clock 24x7 for first_response }
targets first_response on office {
      basic gold
  *   -     -
}
"#,
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn metric_clock_misuses() {
    // An unknown metric (with a suggestion), a metric given two clocks, a
    // clock given twice, an unknown calendar: each its own error.
    let c = codes(
        r#"
severity sev1 "Critical" {
  clock 24x7 for first_respons
  clock 24x7 for resolution
  clock office for resolution
  clock nowhere for acknowledge
}
"#,
    );
    assert_eq!(
        c,
        [
            Code::UnknownMetric,
            Code::DuplicateEntry,
            Code::UnknownCalendar
        ]
    );
    let d = compile(
        r#"
severity sev1 "Critical" { clock 24x7 for first_respons }
"#,
    )
    .err()
    .unwrap_or_default();
    assert_eq!(d[0].help.as_deref(), Some("did you mean `first_response`?"));
}

#[test]
fn deadline_cells_become_deadlines_on_their_calendar() {
    let p = compile(
        r#"
severity sev1 "Critical"
severity sev2 "Major"
targets first_response {
      basic     gold
  sev1  1bd@16:00 0bd@9:30
  sev2  2bd@end   4h
}
targets resolution {
      basic gold
  *   due   due
}
"#,
    )
    .expect("compiles");
    let office = p.calendar_named("office").expect("office");
    let by = |deadline| TargetValue::By {
        deadline,
        calendar: office,
    };
    assert_eq!(
        cell(&p, "first_response", "sev1", "basic"),
        by(Deadline::TimeOfDay {
            days: 1,
            seconds: 16 * 3600
        })
    );
    assert_eq!(
        cell(&p, "first_response", "sev1", "gold"),
        by(Deadline::TimeOfDay {
            days: 0,
            seconds: 9 * 3600 + 1800
        })
    );
    assert_eq!(
        cell(&p, "first_response", "sev2", "basic"),
        by(Deadline::EndOfDay { days: 2 })
    );
    assert_eq!(cell(&p, "resolution", "sev2", "gold"), by(Deadline::DueAt));
    // Answers print the cell as written; the IR's canonical text pads
    // the hour.
    let m = p.metric_named("first_response").expect("metric");
    let gold = p.target(m, crate::ir::SeverityId(0), crate::ir::TierId(1), None);
    assert_eq!(gold.map(|t| t.written.as_str()), Some("0bd@9:30"));
    assert_eq!(
        Deadline::TimeOfDay {
            days: 0,
            seconds: 9 * 3600 + 1800
        }
        .to_string(),
        "0bd@09:30"
    );
}

#[test]
fn deadline_misuses_have_their_codes() {
    let c = codes(
        r#"
severity sev1 "Critical"
targets first_response {
      basic   gold
  *   1bd@4pm 4h@16:00
}
targets follow_up {
      basic gold
  *   due   -
}
"#,
    );
    assert_eq!(
        c,
        [
            Code::InvalidDeadline,
            Code::InvalidDeadline,
            Code::DeadlineNotApplicable
        ]
    );
    // A deadline where a plain value belongs is a syntax error: deadlines
    // are cells only.
    let c = codes(
        r#"
severity sev1 "Critical"
tier gold { enablement 1bd@16:00 }
"#,
    );
    assert_eq!(c.first(), Some(&Code::SyntaxError), "{c:?}");
}

#[test]
fn deadlines_are_not_compared_by_the_inversion_lints() {
    let text = format!(
        "{HEAD}{}",
        r#"
severity sev1 "Critical"
severity sev2 "Major"
targets first_response {
      basic     gold
  sev1  1bd@end   2bd@16:00
  sev2  1bd@16:00 4h
}
"#
    );
    let c = crate::compile(&SourceFile::new("t.sla", text)).expect("compiles");
    assert!(c.warnings().is_empty(), "{:?}", c.warnings());
}
