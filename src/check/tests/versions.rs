//! Calendars chosen per ticket and policy versions, checked from text.

use crate::source::SourceFile;

/// The codes and messages of a policy's findings.
fn findings(text: &str) -> Vec<(String, String, Option<String>)> {
    match crate::compile(&SourceFile::new("t.sla", text)) {
        Ok(c) => c
            .warnings()
            .iter()
            .map(|d| {
                (
                    d.code.as_str().to_string(),
                    d.message.clone(),
                    d.help.clone(),
                )
            })
            .collect(),
        Err(e) => e
            .diagnostics
            .iter()
            .map(|d| {
                (
                    d.code.as_str().to_string(),
                    d.message.clone(),
                    d.help.clone(),
                )
            })
            .collect(),
    }
}

const HEAD: &str = r#"
policy "T" { calendar desk  effective 2026-01-01 }
calendar eu_desk { zone "Europe/Paris"  mon-fri 09:00-17:00 }
calendar us_desk { zone "America/New_York"  mon-fri 09:00-17:00 }
severity sev1 "Critical"
tiers basic
targets first_response {
        basic
  sev1  4h
}
"#;

#[test]
fn a_selector_compiles_as_every_kind_of_clock() {
    let text = format!(
        "{HEAD}calendar desk by region {{ eu: eu_desk, \"us-east\": us_desk }} default us_desk
severity sev2 \"Major\" {{ clock desk }}
targets resolution on desk {{
        basic
  sev1  2bd
  sev2  5bd
}}"
    );
    let text = text.replace(
        "targets first_response {\n        basic\n  sev1  4h\n}",
        "targets first_response {\n        basic\n  sev1  4h\n  sev2  8h\n}",
    );
    assert_eq!(findings(&text), vec![]);
    let c = crate::compile(&SourceFile::new("t.sla", &text)).expect("compiles");
    let desk = c.policy.calendar_named("desk").expect("declared");
    let crate::ir::CalendarDef::Select(sel) = &c.policy.calendars[desk.index()].def else {
        panic!("a selector")
    };
    assert_eq!(sel.attribute, "region");
    let values: Vec<&str> = sel.cases.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["eu", "us-east"]);
    assert_eq!(sel.select(Some("eu")), c.policy.calendar_named("eu_desk"));
    assert_eq!(sel.select(Some("apac")), c.policy.calendar_named("us_desk"));
    assert_eq!(sel.select(None), c.policy.calendar_named("us_desk"));
}

#[test]
fn selector_misuses() {
    // No cases and no default: E0402.
    let f = findings(&format!("{HEAD}calendar desk by region {{ }}"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "E0402");
    assert_eq!(f[0].1, "calendar `desk` lists no calendar to choose");
    // An unknown calendar in a case: E0103 with a suggestion.
    let f = findings(&format!(
        "{HEAD}calendar desk by region {{ eu: eu_dsk }} default us_desk"
    ));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "E0103");
    assert_eq!(f[0].2.as_deref(), Some("did you mean `eu_desk`?"));
    // Days are ambiguous on a selector, as on any calendar that is not 24x7.
    let f = findings(
        &format!("{HEAD}calendar desk by region {{ eu: eu_desk }} default us_desk")
            .replace("sev1  4h", "sev1  2d"),
    );
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "E0205");
}

#[test]
fn version_misuses() {
    let sel = "calendar desk by region { eu: eu_desk } default us_desk\n";
    // A misspelt rule: E0107 with a suggestion.
    let f = findings(&format!("{HEAD}{sel}version v2 effective 2026-07-01 pined"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "E0107");
    assert_eq!(f[0].1, "unknown version rule `pined`");
    assert_eq!(f[0].2.as_deref(), Some("did you mean `pinned`?"));
    // A version declared twice: E0110.
    let f = findings(&format!(
        "{HEAD}{sel}version v2 effective 2026-07-01 pinned\nversion v2 effective 2026-08-01 pinned"
    ));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "E0110");
    // A version's table must be complete by itself: E0302 names the version.
    let f = findings(&format!(
        "{HEAD}{sel}severity sev2 \"Major\"\nversion v2 effective 2026-07-01 pinned\ntargets first_response in v2 {{\n        basic\n  sev1  2h\n}}"
    ).replace("sev1  4h\n}", "sev1  4h\n  sev2  8h\n}"));
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].0, "E0302");
    assert_eq!(
        f[0].1,
        "the `first_response` targets in version `v2` have no row for severity `sev2`"
    );
    // A version table compares only with its own version for lints: a
    // faster new target is no severity inversion.
    let f = findings(&format!(
        "{HEAD}{sel}version v2 effective 2026-07-01 re-evaluated\ntargets first_response in v2 {{\n        basic\n  sev1  1h\n}}"
    ));
    assert_eq!(f, vec![]);
}
