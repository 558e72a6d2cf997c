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
