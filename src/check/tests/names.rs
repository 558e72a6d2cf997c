//! Names, duplicates, tiers, entitlements, the policy header.

use super::build::{base, codes, only, run, B};
use crate::ast::Item;
use crate::ir::{CalendarDef, CalendarExpr, TierId, Value};
use crate::source::Span;

#[test]
fn base_policy_checks_clean() {
    let mut b = B::default();
    let items = base(&mut b);
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    assert_eq!(policy.name, "Acme");
    assert_eq!(policy.source, "test.sla");
    let names: Vec<&str> = policy.calendars.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["business", "24x7"]);
    assert_eq!(
        policy.calendars[1].def,
        CalendarDef::Expr {
            expr: CalendarExpr::Always
        }
    );
    assert_eq!(
        policy.default_calendar,
        policy.calendar_named("business").expect("business")
    );
    let metrics: Vec<(&str, bool)> = policy
        .metrics
        .iter()
        .map(|m| (m.name.as_str(), m.prelude))
        .collect();
    assert_eq!(
        metrics,
        [
            ("acknowledge", true),
            ("first_response", true),
            ("follow_up", true),
            ("periodic_update", true),
            ("resolution", true)
        ]
    );
    let tiers: Vec<&str> = policy.tiers.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tiers, ["silver", "gold"]);
    let sevs: Vec<&str> = policy.severities.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(sevs, ["sev1", "sev2"]);
    assert_eq!(policy.severities[0].calendar, policy.calendar_named("24x7"));
    assert_eq!(policy.severities[1].calendar, None);
}

#[test]
fn checking_is_deterministic() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.tier("platnum", Some("silvr"), &[]));
    items.push(b.calendar_expr("x", "nope | business"));
    let file = b.file(items);
    assert_eq!(run(&file), run(&file));
}

#[test]
fn unknown_tier_suggests_the_closest_name() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let tier = b.tier("gold", Some("silvr"), &[]);
    let Item::Tier(decl) = &tier else {
        unreachable!()
    };
    let typo = decl.extends.clone().expect("extends");
    items.push(tier);
    let (policy, diags) = run(&b.file(items));
    assert!(policy.is_none());
    let d = only(&diags, "E0101");
    assert_eq!(d.primary.span, typo.span);
    assert_eq!(d.message, "unknown tier `silvr`");
    assert_eq!(d.help.as_deref(), Some("did you mean `silver`?"));
}

#[test]
fn unknown_name_without_a_close_match_lists_the_names() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.tier("gold", Some("zzzzzzzz"), &[]));
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0101");
    assert_eq!(d.help.as_deref(), Some("the tiers are `silver`, `gold`"));
}

#[test]
fn duplicate_names_point_at_both_declarations() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let again = b.severity("sev1", None);
    let Item::Severity(decl) = &again else {
        unreachable!()
    };
    let second = decl.name.span;
    items.push(again);
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0110");
    assert_eq!(d.primary.span, second);
    assert_eq!(d.message, "the severity `sev1` is declared twice");
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(d.secondary[0].message, "first declared here");
    assert!(d.secondary[0].span < second);
}

#[test]
fn duplicate_tier_in_the_order_and_second_order() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.tiers("bronze < bronze"));
    let (_, diags) = run(&b.file(items));
    // The second `tiers` line is a duplicate setting; its names are ignored.
    assert_eq!(codes(&diags), ["E0111"]);
}

#[test]
fn tier_block_must_name_an_ordered_tier() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let block = b.tier("platinum", None, &[]);
    let Item::Tier(decl) = &block else {
        unreachable!()
    };
    let span = decl.name.span;
    items.push(block);
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0132");
    assert_eq!(d.primary.span, span);
    assert_eq!(d.message, "the tier `platinum` is not in the `tiers` order");
    assert!(d
        .help
        .as_deref()
        .is_some_and(|h| h.contains("add `platinum` to the `tiers` order")));
}

#[test]
fn extends_cycle_names_the_cycle() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.tiers("bronze < silver < gold"));
    items.retain(|i| !matches!(i, Item::TierOrder(o) if o.tiers.len() == 2));
    items.push(b.tier("gold", Some("silver"), &[]));
    items.push(b.tier("silver", Some("gold"), &[]));
    items.push(b.tier("bronze", Some("bronze"), &[]));
    let (_, diags) = run(&b.file(items));
    let cycles: Vec<&str> = diags
        .iter()
        .filter(|d| d.code.as_str() == "E0120")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        cycles,
        [
            "tier `gold` extends itself: `gold -> silver -> gold`",
            "tier `bronze` extends itself: `bronze -> bronze`"
        ]
    );
}

#[test]
fn entitlements_are_inherited_and_overridden() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.tiers("bronze < silver < gold"));
    items.retain(|i| !matches!(i, Item::TierOrder(o) if o.tiers.len() == 2));
    items.retain(|i| !matches!(i, Item::Targets(_)));
    items.push(b.tier("bronze", None, &[("portal", None), ("hours", Some("8h"))]));
    items.push(b.tier(
        "silver",
        Some("bronze"),
        &[("contacts", Some("2")), ("phone", Some("\"24/7\""))],
    ));
    items.push(b.tier(
        "gold",
        Some("silver"),
        &[
            ("contacts", Some("3")),
            ("named_advisor", None),
            ("video", Some("no")),
            ("fee", Some("$2.50")),
        ],
    ));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:#?}");
    let policy = policy.expect("policy");
    let gold = &policy.tiers[2];
    assert_eq!(gold.extends, Some(TierId(1)));
    let e = |n: &str| gold.entitlements.get(n).expect(n);
    assert_eq!(e("contacts").value, Value::Count(3));
    assert_eq!(e("contacts").inherited_from, None);
    assert_eq!(e("phone").value, Value::Text("24/7".into()));
    assert_eq!(e("phone").inherited_from, Some(TierId(1)));
    assert_eq!(e("portal").value, Value::Flag(true));
    assert_eq!(e("portal").inherited_from, Some(TierId(0)));
    assert_eq!(
        e("hours").value,
        Value::Duration(crate::values::Duration::Seconds(8 * 3600))
    );
    assert_eq!(e("named_advisor").value, Value::Flag(true));
    assert_eq!(e("video").value, Value::Flag(false));
    assert_eq!(
        e("fee").value,
        Value::Money(crate::values::Money {
            cents: 250,
            currency: "USD".into()
        })
    );
    assert_eq!(
        policy.tiers[1]
            .entitlements
            .get("contacts")
            .map(|e| &e.value),
        Some(&Value::Count(2))
    );
}

#[test]
fn duplicate_entitlement_is_reported() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.tier(
        "gold",
        None,
        &[("contacts", Some("3")), ("contacts", Some("4"))],
    ));
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0111");
    assert_eq!(
        d.message,
        "the entitlement `contacts` of tier `gold` is given twice"
    );
}

#[test]
fn policy_header_is_required_once() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.retain(|i| !matches!(i, Item::Policy(_)));
    let (_, diags) = run(&b.file(items.clone()));
    let d = only(&diags, "E0130");
    assert_eq!(d.message, "the file has no `policy` header");
    assert_eq!(d.primary.span, Span::default());
    // No follow-on "no calendar to run on" for the targets.
    assert_eq!(codes(&diags), ["E0130"]);

    items.push(b.policy("One", Some("business")));
    items.push(b.policy("Two", None));
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0130");
    assert_eq!(d.message, "the file has more than one `policy` header");
    assert_eq!(d.secondary.len(), 1);
}

#[test]
fn effective_date_is_validated() {
    let mut b = B::default();
    let mut items = base(&mut b);
    if let Item::Policy(p) = &mut items[0] {
        p.effective = Some(b.sp(
            crate::ast::DateLit {
                year: 2026,
                month: 2,
                day: 30,
            },
            10,
        ));
    }
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0203");
    assert_eq!(d.primary.message, "February 2026 has 28 days");
    assert_eq!(d.message, "the date `2026-02-30` does not exist");
}

#[test]
fn user_metric_replaces_the_prelude_one() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let (s, t) = (b.starts("opened", None), b.stops("acknowledged"));
    items.push(b.metric("first_response", vec![s, t]));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    assert_eq!(policy.metrics.len(), 5);
    let fr = &policy.metrics[1];
    assert_eq!(fr.name, "first_response");
    assert!(!fr.prelude);
    assert_eq!(fr.stops, [crate::ir::EventKind::Acknowledged]);
}

#[test]
fn duplicate_user_metrics_are_reported() {
    let mut b = B::default();
    let mut items = base(&mut b);
    for _ in 0..2 {
        let (s, t) = (b.starts("opened", None), b.stops("resolved"));
        items.push(b.metric("triage", vec![s, t]));
    }
    let (_, diags) = run(&b.file(items));
    assert_eq!(
        only(&diags, "E0110").message,
        "the metric `triage` is declared twice"
    );
}

#[test]
fn issue_type_coverage_resolves_tier_ranges() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.tiers("basic < pro < enterprise"));
    items.retain(|i| !matches!(i, Item::TierOrder(o) if o.tiers.len() == 2 || o.tiers.is_empty()));
    items.retain(|i| !matches!(i, Item::Targets(_)));
    items.push(b.issue_type("bug", &["pro..enterprise", "basic"]));
    items.push(b.issue_type("question", &["all"]));
    items.push(b.issue_type("backwards", &["enterprise..pro"]));
    items.push(b.issue_type("typo", &["pri"]));
    let (_, diags) = run(&b.file(items.clone()));
    assert_eq!(codes(&diags), ["E0305", "E0101"]);
    items.truncate(items.len() - 2);
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    let t = |i: u32| TierId(i);
    assert_eq!(policy.types[0].coverage[0].tiers, [t(1), t(2)]);
    assert_eq!(policy.types[0].coverage[1].tiers, [t(0)]);
    assert_eq!(policy.types[1].coverage[0].tiers, [t(0), t(1), t(2)]);
}

#[test]
fn severity_aliases_must_not_collide() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let sev = |b: &mut B, name: &str, aliases: &[&str]| {
        let mut item = b.severity(name, None);
        if let Item::Severity(s) = &mut item {
            s.aliases = aliases
                .iter()
                .map(|a| b.sp(a.to_string(), a.len() + 2))
                .collect();
        }
        item
    };
    items.push(sev(&mut b, "sev3", &["Minor", "P3", "sev3"]));
    items.push(sev(&mut b, "sev4", &["minor", "SEV1"]));
    items.push(b.allow("unused"));
    let (_, diags) = run(&b.file(items));
    let msgs: Vec<&str> = diags
        .iter()
        .filter(|d| d.code.as_str() == "E0110")
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        msgs,
        [
            "severity `sev4` and severity `sev3` both answer to `minor`",
            "severity `sev4` and severity `sev1` both answer to `SEV1`"
        ]
    );
}
