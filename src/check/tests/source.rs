//! End-to-end checks from policy text, through the real parser.

use crate::diagnostics::Diagnostic;
use crate::ir::{Policy, TargetValue};
use crate::source::SourceFile;
use crate::values::Duration;

fn check_text(text: &str) -> (Option<Policy>, Vec<Diagnostic>) {
    crate::check_source(&SourceFile::new("test.sla", text))
}

/// Where `needle` starts in `text` (the n-th occurrence, from 0).
fn at(text: &str, needle: &str, n: usize) -> usize {
    text.match_indices(needle)
        .nth(n)
        .map(|(i, _)| i)
        .expect("needle in text")
}

const HEADER: &str = r#"
policy "Acme" { calendar business }
calendar business { zone "America/Denver"  mon-fri 08:00-17:00 }
severity sev1 "Critical" { clock 24x7 }
severity sev2 "Major"
tiers silver < gold
"#;

#[test]
fn five_independent_errors_from_text() {
    let text = format!(
        "{HEADER}{}",
        r#"
calendar central { zone "Central US"  mon-fri 08:00-25:00 }
tier gold "Gold" extends silver { contacts 3 }
tier silver "Silver" extends gold { contacts 2 }
targets first_response {
        silver gld
  sev1  8h     4h
  sev2  16h    8h
}
targets resolution {
        silver gold
  sev1  2bd    1bd
}
"#
    );
    let (policy, diags) = check_text(&text);
    assert!(policy.is_none());
    let found: Vec<(&str, usize)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.primary.span.start))
        .collect();
    assert_eq!(
        found,
        [
            ("E0201", at(&text, "\"Central US\"", 0)),
            ("E0202", at(&text, "25:00", 0)),
            ("E0120", at(&text, "silver {", 0)),
            ("E0101", at(&text, "gld", 0)),
            ("E0302", at(&text, "resolution", 0)),
        ],
        "{diags:#?}"
    );
    assert_eq!(diags[3].help.as_deref(), Some("did you mean `gold`?"));
    assert_eq!(
        diags[2].message,
        "tier `gold` extends itself: `gold -> silver -> gold`"
    );
}

#[test]
fn cells_get_their_calendars_from_text() {
    let text = format!(
        "{HEADER}{}",
        r#"
targets first_response {
        silver gold
  sev1  8h     4h
  sev2  16h    8h
}
"#
    );
    let (policy, diags) = check_text(&text);
    assert!(diags.is_empty(), "{diags:#?}");
    let p = policy.expect("policy");
    let fr = p.metric_named("first_response").expect("metric");
    let gold = p.tier_named("gold").expect("gold");
    let value = |sev: &str| {
        let s = p.severity_named(sev).expect("severity");
        p.target(fr, s, gold, None).map(|t| t.value.clone())
    };
    let business = p.calendar_named("business").expect("business");
    let always = p.calendar_named("24x7").expect("24x7");
    assert_eq!(
        value("sev2"),
        Some(TargetValue::Within {
            duration: Duration::Seconds(8 * 3600),
            calendar: business
        })
    );
    assert_eq!(
        value("sev1"),
        Some(TargetValue::Within {
            duration: Duration::Seconds(4 * 3600),
            calendar: always
        })
    );
}

#[test]
fn shipped_prelude_checks_clean_on_its_own() {
    let (policy, diags) = check_text(HEADER);
    assert!(diags.is_empty(), "{diags:#?}");
    let p = policy.expect("policy");
    assert!(p.metrics.iter().all(|m| m.prelude));
    assert_eq!(p.metrics.len(), 5);
}

#[test]
fn one_tier_needs_no_order() {
    // Issue 14: `tier gold { }` alone is the whole order; before, it gave
    // E0132 and an E0101 for every table column naming `gold`.
    let text = r#"
policy "One" { calendar always }
calendar always = 24x7
severity sev1 "Critical"
severity sev2 "Major"
tier gold "Gold" { contacts 3 }
targets first_response {
        gold
  sev1  4h
  sev2  8h
}
"#;
    let (policy, diags) = check_text(text);
    assert!(diags.is_empty(), "{diags:?}");
    let policy = policy.expect("compiles");
    assert_eq!(policy.tiers.len(), 1);
    assert_eq!(policy.tiers[0].name, "gold");
    assert_eq!(policy.tiers[0].title.as_deref(), Some("Gold"));
    assert_eq!(policy.targets.len(), 2);
}

#[test]
fn several_tiers_without_order_are_one_error() {
    let text = r#"
policy "Two" { calendar always }
calendar always = 24x7
severity sev1 "Critical"
tier silver { }
tier gold extends silver { }
targets first_response {
        silver gold
  sev1  8h     4h
}
"#;
    let (policy, diags) = check_text(text);
    assert!(policy.is_none());
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    // One E0132, and no E0101 for `silver`, `gold` or `extends silver`.
    assert_eq!(codes, ["E0132"]);
    assert_eq!(diags[0].primary.span.start, at(text, "silver {", 0));
    assert_eq!(diags[0].secondary.len(), 1);
    assert_eq!(
        diags[0].help.as_deref(),
        Some("order them lowest first, for example `tiers silver < gold` (a policy with one tier needs no order)")
    );
}

#[test]
fn a_tier_outside_the_order_is_reported_once() {
    let text = format!(
        "{HEADER}{}",
        r#"
tier platinum { contacts 5 }
targets first_response {
        silver gold platinum
  sev1  8h     4h   2h
  sev2  16h    8h   4h
}
"#
    );
    let (_, diags) = check_text(&text);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0132"]);
}

#[test]
fn after_a_syntax_error_the_rest_is_checked_without_follow_on_errors() {
    // `severity sev1` does not parse, so `sev1` is unknown to the tables:
    // that E0102 waits (it may be the broken declaration's), the bad zone
    // and the wrong-kind cell are reported, and the second syntax error too.
    let text = r#"
policy "Acme" { calendar business }
calendar business { zone "America/Denver"  mon-fri 08:00-17:00 }
severity sev1 "Critical" { clock: 24x7 }
severity sev2 "Major"
tiers silver < gold
calendar central { zone "Central US"  mon-fri 08:00-17:00 }
targets first_response {
        silver gold
  sev1  8h     4h
  sev2  16h    8 h
}
targets resolution {
        silver gold
  sev1  2bd    1bd
  sev2  3bd    yes
}
"#;
    let (policy, diags) = check_text(text);
    assert!(policy.is_none());
    let found: Vec<(&str, usize)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.primary.span.start))
        .collect();
    assert_eq!(
        found,
        [
            ("E0001", at(text, ": 24x7", 0)),
            ("E0201", at(text, "\"Central US\"", 0)),
            ("E0001", at(text, "8 h", 0)),
            ("E0304", at(text, "yes", 0)),
        ]
    );
}

#[test]
fn unrecoverable_syntax_errors_check_nothing() {
    // A `}` missing before the next declaration: what precedes the error
    // does not parse on its own, so nothing is checked (no guesses).
    let text = r#"
policy "Acme" { calendar business }
calendar business { zone "Central US"  mon-fri 08:00-17:00
severity sev1 "Critical"
"#;
    let (_, diags) = check_text(text);
    let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["E0001"]);
}

#[test]
fn lowering_findings_before_a_syntax_error_are_kept() {
    // `provider` twice (E0111, found while lowering the header) comes
    // before the syntax error; it is reported with it.
    let text = r#"
policy "Acme" { provider "A"  provider "B"  calendar always }
calendar always = 24x7
severity sev1 "Critical" { clock: 24x7 }
"#;
    let (_, diags) = check_text(text);
    let found: Vec<(&str, usize)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.primary.span.start))
        .collect();
    assert_eq!(
        found,
        [
            ("E0111", at(text, "provider \"B\"", 0)),
            ("E0001", at(text, ": 24x7", 0)),
        ]
    );
}
