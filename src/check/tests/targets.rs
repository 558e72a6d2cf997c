//! Target tables: per-cell calendars, shape, missing and duplicate cells.

use super::build::{base, codes, only, run, B};
use crate::ast::Item;
use crate::ir::{Policy, SeverityId, TargetValue, TierId};
use crate::values::Duration;

fn without_tables(b: &mut B) -> Vec<Item> {
    let mut items = base(b);
    items.retain(|i| !matches!(i, Item::Targets(_)));
    items
}

fn cell(policy: &Policy, metric: &str, sev: &str, tier: &str) -> TargetValue {
    let m = policy.metric_named(metric).expect("metric");
    let s = policy.severity_named(sev).expect("severity");
    let t = policy.tier_named(tier).expect("tier");
    policy.target(m, s, t, None).expect("target").value.clone()
}

#[test]
fn each_cell_runs_on_its_calendar() {
    let mut b = B::default();
    let items = base(&mut b);
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    let business = policy.calendar_named("business").expect("business");
    let always = policy.calendar_named("24x7").expect("24x7");
    assert_eq!(
        cell(&policy, "first_response", "sev2", "gold"),
        TargetValue::Within {
            duration: Duration::Seconds(8 * 3600),
            calendar: business
        }
    );
    assert_eq!(
        cell(&policy, "first_response", "sev1", "gold"),
        TargetValue::Within {
            duration: Duration::Seconds(4 * 3600),
            calendar: always
        }
    );
    assert_eq!(policy.targets.len(), 4);
    let keys: Vec<(SeverityId, TierId)> = policy
        .targets
        .iter()
        .map(|t| (t.severity, t.tier))
        .collect();
    assert_eq!(
        keys,
        [
            (SeverityId(0), TierId(0)),
            (SeverityId(0), TierId(1)),
            (SeverityId(1), TierId(0)),
            (SeverityId(1), TierId(1))
        ]
    );
}

#[test]
fn table_calendar_overrides_severity_clock() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.weekly("support", "Europe/Helsinki", "mon-fri", "08:00-16:00"));
    items.push(b.targets(
        "resolution",
        None,
        Some("support"),
        "silver gold\n sev1 2bd 1bd\n sev2 - none",
    ));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    let support = policy.calendar_named("support").expect("support");
    assert_eq!(
        cell(&policy, "resolution", "sev1", "silver"),
        TargetValue::Within {
            duration: Duration::BusinessDays(2),
            calendar: support
        }
    );
    assert_eq!(
        cell(&policy, "resolution", "sev2", "gold"),
        TargetValue::NoTarget
    );
    assert!(
        policy.calendar_named("24x7").is_some(),
        "sev1 still names it as its clock"
    );
}

#[test]
fn days_only_on_a_24x7_calendar() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.targets(
        "resolution",
        None,
        None,
        "silver gold\n sev1 2d 1w\n sev2 3d 1bd",
    ));
    let (_, diags) = run(&b.file(items));
    // sev1 runs on 24x7 (its clock): days are fine there. sev2 is on `business`.
    let d = only(&diags, "E0205");
    assert_eq!(
        d.message,
        "`3d` counts days on calendar `business`, which is not open around the clock"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("write `3bd` for 3 business days, or `72h` for 72 hours of open time")
    );
}

#[test]
fn row_with_the_wrong_number_of_cells() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    let table = b.targets(
        "first_response",
        None,
        None,
        "silver gold\n sev1 4h\n sev2 8h 4h 2h",
    );
    let Item::Targets(t) = &table else {
        unreachable!()
    };
    let (short, long) = (t.rows[0].clone(), t.rows[1].clone());
    items.push(table);
    let (_, diags) = run(&b.file(items));
    assert_eq!(
        codes(&diags),
        ["E0301", "E0301"],
        "no E0302 for the short row: {diags:#?}"
    );
    assert_eq!(diags[0].primary.span, short.span);
    assert_eq!(
        diags[0].message,
        "the row `sev1` has 1 cell but the table has 2 columns"
    );
    assert_eq!(diags[0].secondary[0].message, "missing a cell for `gold`");
    assert_eq!(
        diags[1].message,
        "the row `sev2` has 3 cells but the table has 2 columns"
    );
    assert_eq!(diags[1].secondary[0].span, long.cells[2].span);
}

#[test]
fn missing_rows_columns_and_cells() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.tiers("bronze < silver < gold"));
    items.retain(|i| !matches!(i, Item::TierOrder(o) if o.tiers.len() == 2));
    items.push(b.severity("sev3", None));
    items.push(b.targets(
        "first_response",
        None,
        None,
        "silver gold\n sev1 4h 2h\n sev2 8h 4h",
    ));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0302", "E0302"]);
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(msgs.contains(&"the `first_response` targets have no row for severity `sev3`"));
    assert!(msgs.contains(&"the `first_response` targets have no column for tier `bronze`"));
    assert!(diags
        .iter()
        .all(|d| d.help.as_deref().is_some_and(|h| h.contains("`-`"))));
}

#[test]
fn tables_of_one_metric_complete_each_other() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.targets(
        "first_response",
        None,
        Some("24x7"),
        "silver gold\n sev1 4h 2h",
    ));
    items.push(b.targets("first_response", None, None, "silver\n sev2 8h"));
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0302");
    assert_eq!(
        d.message,
        "the `first_response` targets have no target for severity `sev2` and tier `gold`"
    );
}

#[test]
fn unresolved_names_do_not_cause_missing_cell_errors() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.targets(
        "first_response",
        None,
        None,
        "silver gld\n sev1 4h 2h\n sev9 8h 4h",
    ));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0101", "E0102"]);
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `gold`?"));
}

#[test]
fn the_same_cell_twice() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let again = b.targets("first_response", None, None, "gold\n sev2 6h");
    let Item::Targets(t) = &again else {
        unreachable!()
    };
    let span = t.rows[0].cells[0].span;
    items.push(again);
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0111");
    assert_eq!(d.primary.span, span);
    assert_eq!(
        d.message,
        "the `first_response` target for severity `sev2` and tier `gold` is given twice"
    );

    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.targets(
        "first_response",
        None,
        None,
        "silver gold gold\n sev1 1h 1h 1h\n sev2 1h 1h 1h\n sev2 1h 1h 1h",
    ));
    let (_, diags) = run(&b.file(items));
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "the column for tier `gold` is given twice",
            "the row for severity `sev2` is given twice"
        ]
    );
}

#[test]
fn wildcards_cover_every_tier_and_severity() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.targets("first_response", None, None, "*\n * 1h"));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(policy.expect("policy").targets.len(), 4);
}

#[test]
fn type_specific_tables_only_need_what_the_general_table_lacks() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.issue_type("bug", &[]));
    items.push(b.targets("first_response", Some("bug"), None, "gold\n sev1 1h"));
    items.push(b.targets("resolution", Some("bug"), None, "gold\n sev1 1h"));
    let (_, diags) = run(&b.file(items));
    // first_response has a general table; resolution does not.
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "the `resolution` targets for `bug` have no row for severity `sev2`",
            "the `resolution` targets for `bug` have no column for tier `silver`"
        ]
    );
}

#[test]
fn cells_must_be_durations() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.targets(
        "first_response",
        None,
        None,
        "silver gold\n sev1 5% 4h\n sev2 1bd4h 3",
    ));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0304", "E0305", "E0304"]);
    assert_eq!(
        diags[0].message,
        "expected a duration such as `4h` or `1bd`, found a percentage `5%`"
    );
    assert_eq!(
        diags[2].message,
        "expected a duration such as `4h` or `1bd`, found a number `3`"
    );
    assert!(diags[1]
        .message
        .contains("business days (`bd`) cannot be combined"));
    assert_eq!(
        diags[2].help.as_deref(),
        Some("add a unit: `3h` for 3 hours of open time, `3bd` for 3 business days")
    );
}

#[test]
fn a_target_needs_a_calendar() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    if let Item::Policy(p) = &mut items[0] {
        p.calendar = None;
    }
    items.push(b.targets(
        "first_response",
        None,
        None,
        "silver gold\n sev1 4h 2h\n sev2 8h 4h",
    ));
    let (_, diags) = run(&b.file(items));
    let d = only(&diags, "E0131");
    assert_eq!(
        d.message,
        "the `first_response` targets have no calendar to run on"
    );
}

#[test]
fn unknown_metric_and_type() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.push(b.targets(
        "first_responce",
        Some("bgu"),
        None,
        "silver gold\n sev1 4h 2h\n sev2 8h 4h",
    ));
    items.push(b.issue_type("bug", &[]));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0104", "E0105"]);
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `first_response`?")
    );
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `bug`?"));
}

#[test]
fn days_are_refused_even_when_the_weekly_calendar_has_other_errors() {
    let mut b = B::default();
    let mut items = without_tables(&mut b);
    items.retain(|i| !matches!(i, Item::Calendar(_)));
    items.push(b.weekly("business", "Central US", "mon-fri", "08:00-16:00"));
    items.push(b.calendar_expr("cyclic", "cyclic | business"));
    items.push(b.targets(
        "resolution",
        None,
        None,
        "silver gold\n sev1 - -\n sev2 3d 2d",
    ));
    items.push(b.targets("first_response", None, Some("cyclic"), "*\n * 1d"));
    let (_, diags) = run(&b.file(items));
    // The zone error does not hide the ambiguous days; the cyclic calendar
    // may or may not be 24x7, so its cell is not judged.
    assert_eq!(codes(&diags), ["E0201", "E0121", "E0205", "E0205"]);
}
