use super::example::Version;
use super::{breaking_versions, diff, Category, Direction};
use crate::calendar::CalendarSet;
use crate::ir::Policy;
use crate::source::SourceFile;

fn policy(name: &str, text: &str) -> Policy {
    match crate::compile(&SourceFile::new(name, text)) {
        Ok(c) => c.policy,
        Err(e) => panic!("{name}: {e}"),
    }
}

fn shipped(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("policies")
        .join(name);
    std::fs::read_to_string(path).expect("shipped policy")
}

/// `text` with `from` replaced by `to` exactly once.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
    text.replacen(from, to, 1)
}

fn breaks(old: &Policy, new: &Policy) -> Vec<super::Breaking> {
    let (a, b) = (CalendarSet::from_policy(old), CalendarSet::from_policy(new));
    breaking_versions(
        &Version {
            policy: old,
            calendars: &a,
        },
        &Version {
            policy: new,
            calendars: &b,
        },
        &Category::ALL,
    )
}

#[test]
fn a_policy_against_itself_has_no_difference() {
    for name in ["domo.sla", "dimagi.sla", "dooap.sla", "prismic.sla"] {
        let p = policy(name, &shipped(name));
        assert_eq!(diff(&p, &p), vec![], "{name}");
        assert_eq!(breaks(&p, &p), vec![], "{name}");
    }
}

/// The done-means case: Domo gold severity 2 first response 8h -> 10h.
#[test]
fn domo_gold_sev2_first_response_8h_to_10h_breaks_with_an_example() {
    let text = shipped("domo.sla");
    let old = policy("domo.sla", &text);
    let new_text = edit(
        &text,
        "  sev2  -        -      10h    8h   6h       4h",
        "  sev2  -        -      10h    10h  6h       4h",
    );
    let new = policy("domo.sla", &new_text);
    let changes = diff(&old, &new);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].category, Category::Targets);
    assert_eq!(changes[0].direction, Direction::Looser);
    assert_eq!(changes[0].subject, "first_response gold sev2");
    assert_eq!(changes[0].detail, "8h on `business` -> 10h on `business`");
    let found = breaks(&old, &new);
    assert_eq!(found.len(), 1);
    let ex = found[0].example.as_ref().expect("an example ticket");
    // The first open instant of the reference week: Monday 2026-03-02
    // 08:00 in Denver (MST, UTC-7) = 15:00Z. Old: 15:00Z + 8h = 23:00Z
    // (16:00 MST). New: Monday gives 9h (15:00Z-24:00Z), the 10th hour is
    // Tuesday 15:00Z-16:00Z.
    assert_eq!(ex.opened.to_rfc3339(), "2026-03-02T15:00:00+00:00");
    assert_eq!(ex.old_deadline.to_rfc3339(), "2026-03-02T23:00:00+00:00");
    assert_eq!(
        ex.new_deadline.map(|d| d.to_rfc3339()),
        Some("2026-03-03T16:00:00+00:00".to_string())
    );
    assert_eq!(ex.later_open_seconds, Some(2 * 3600));
    assert_eq!(ex.calendar.as_deref(), Some("business"));
    // Tightening it back is not breaking.
    assert_eq!(breaks(&new, &old), vec![]);
}

const BASE: &str = r#"policy "P" { calendar office }
calendar office {
  zone "UTC"
  mon-fri 09:00-17:00
}
severity high "High"
tiers basic < gold
targets first_response {
        basic gold
  high  8h    4h
}
availability api {
  objective 99.9% per calendar month
  sampled every 1m
  down when health_check fails
  credit below 99.9% 10%
  credit below 99% 25%
}
quota sessions {
  10 requests per month
  tiers gold
  overage $100 per request
}
"#;

#[test]
fn open_hours_lost_and_a_holiday_added_break() {
    let old = policy("p.sla", BASE);
    let new = policy(
        "p.sla",
        &edit(
            BASE,
            "mon-fri 09:00-17:00",
            "mon-fri 09:00-16:00\n  closed 2026-12-25 \"Christmas\"",
        ),
    );
    let found = breaks(&old, &new);
    let details: Vec<&str> = found.iter().map(|b| b.change.detail.as_str()).collect();
    // 5 days x 8h = 40h before, 5 x 7h = 35h after.
    assert_eq!(
        details,
        vec![
            "open hours per week 40h -> 35h (5h lost)",
            "holiday added: 2026-12-25 \"Christmas\""
        ]
    );
    for b in &found {
        let ex = b.example.as_ref().expect("an example ticket");
        assert!(ex.new_deadline > Some(ex.old_deadline), "{ex:?}");
    }
    // The holiday example opens within the four days before Christmas
    // (Mon 2026-12-21 onwards) and is due later because Friday the 25th
    // is closed.
    let holiday = found[1].example.as_ref().expect("example");
    assert!(
        holiday.opened.to_rfc3339().starts_with("2026-12-2"),
        "{holiday:?}"
    );
}

#[test]
fn a_lower_objective_smaller_credit_and_dearer_overage_break() {
    let old = policy("p.sla", BASE);
    let text = edit(BASE, "objective 99.9%", "objective 99.5%");
    let text = edit(&text, "credit below 99% 25%", "credit below 99% 20%");
    let text = edit(&text, "overage $100", "overage $120");
    let new = policy("p.sla", &text);
    let found: Vec<(Category, String)> = breaks(&old, &new)
        .into_iter()
        .map(|b| (b.change.category, b.change.detail))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                Category::Availability,
                "objective 99.9% -> 99.5%".to_string()
            ),
            (
                Category::Availability,
                "credit below 99%: 25% -> 20%".to_string()
            ),
            (Category::Quotas, "overage price $100 -> $120".to_string()),
        ]
    );
    // The other way round everything is stronger.
    assert_eq!(breaks(&new, &old), vec![]);
}

#[test]
fn a_widened_pause_breaks_with_a_ticket_that_waits() {
    let old = policy("p.sla", BASE);
    let text = format!(
        "{BASE}metric first_response {{\n  starts on opened\n  stops on replied\n  pauses while status waiting_on_customer, on_hold\n}}\n"
    );
    let base_with_metric = format!(
        "{BASE}metric first_response {{\n  starts on opened\n  stops on replied\n  pauses while status waiting_on_customer\n}}\n"
    );
    let old2 = policy("p.sla", &base_with_metric);
    let new = policy("p.sla", &text);
    let found = breaks(&old2, &new);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].change.category, Category::Metrics);
    assert_eq!(found[0].change.detail, "now pauses while status `on_hold`");
    let ex = found[0].example.as_ref().expect("example");
    assert!(ex.ticket.contains(r#""status":"on_hold""#), "{}", ex.ticket);
    assert!(ex.new_deadline > Some(ex.old_deadline));
    // The prelude's own metric, unchanged, against the base: no difference.
    assert_eq!(diff(&old, &old), vec![]);
}

#[test]
fn removed_tier_and_target_are_reported() {
    let old = policy("p.sla", BASE);
    let text = edit(BASE, "  high  8h    4h", "  high  -     4h");
    let new = policy("p.sla", &text);
    let found = breaks(&old, &new);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].change.direction, Direction::Removed);
    assert_eq!(found[0].change.detail, "8h on `office` -> no target");
    let ex = found[0].example.as_ref().expect("example");
    assert_eq!(ex.new_deadline, None);
}

#[test]
fn categories_select_what_breaks() {
    let old = policy("p.sla", BASE);
    let new = policy("p.sla", &edit(BASE, "objective 99.9%", "objective 99.5%"));
    let (a, b) = (
        CalendarSet::from_policy(&old),
        CalendarSet::from_policy(&new),
    );
    let v = |p, c| Version {
        policy: p,
        calendars: c,
    };
    assert_eq!(
        breaking_versions(&v(&old, &a), &v(&new, &b), &[Category::Targets]),
        vec![]
    );
    assert_eq!(
        breaking_versions(&v(&old, &a), &v(&new, &b), &[Category::Availability]).len(),
        1
    );
}

/// A new zone is neither stronger nor weaker as written; it breaks when a
/// ticket's deadline moves later, which here happens both ways.
/// `UTC` -> `Europe/Paris` (UTC+1 in March) moves the 09:00-17:00 day to
/// 08:00-16:00Z: a ticket opened Monday 09:00Z was due 17:00Z, and is now
/// due Tuesday 09:00Z (7h on Monday, 1h from 08:00Z on Tuesday). The other
/// way, a ticket opened 08:00Z was due 16:00Z and is now due 17:00Z.
#[test]
fn a_zone_change_breaks_when_a_ticket_shows_it() {
    let utc = policy("p.sla", BASE);
    let paris = policy(
        "p.sla",
        &edit(BASE, "zone \"UTC\"", "zone \"Europe/Paris\""),
    );
    let d = diff(&utc, &paris);
    // The availability's months follow the default calendar's zone too.
    assert_eq!(d.len(), 2);
    assert_eq!(d[1].category, Category::Availability);
    assert_eq!(d[1].direction, Direction::Changed);
    assert_eq!(d[0].direction, Direction::Changed);
    assert_eq!(d[0].detail, "zone `UTC` -> `Europe/Paris`");
    assert_eq!(d[0].weaker, None);
    let deadlines = |b: &[super::Breaking]| {
        assert_eq!(b.len(), 1, "{b:?}");
        let ex = b[0].example.as_ref().expect("example");
        (
            ex.opened.to_rfc3339(),
            ex.old_deadline.to_rfc3339(),
            ex.new_deadline.map(|d| d.to_rfc3339()).unwrap_or_default(),
            ex.later_open_seconds,
        )
    };
    assert_eq!(
        deadlines(&breaks(&utc, &paris)),
        (
            "2026-03-02T09:00:00+00:00".to_string(),
            "2026-03-02T17:00:00+00:00".to_string(),
            "2026-03-03T09:00:00+00:00".to_string(),
            Some(3600)
        )
    );
    assert_eq!(
        deadlines(&breaks(&paris, &utc)),
        (
            "2026-03-02T08:00:00+00:00".to_string(),
            "2026-03-02T16:00:00+00:00".to_string(),
            "2026-03-02T17:00:00+00:00".to_string(),
            Some(3600)
        )
    );
}

#[test]
fn smaller_quotas_fewer_entitlements_and_removed_severities_break() {
    let with_tier = format!("{BASE}tier gold {{\n  contacts 3\n  named_advisor\n}}\n");
    let old = policy("p.sla", &with_tier);
    let text = edit(&with_tier, "10 requests per month", "8 requests per month");
    let text = edit(&text, "  contacts 3\n  named_advisor\n", "  contacts 2\n");
    let new = policy("p.sla", &text);
    let found: Vec<(Category, Direction, String)> = breaks(&old, &new)
        .into_iter()
        .map(|b| (b.change.category, b.change.direction, b.change.detail))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                Category::Quotas,
                Direction::Looser,
                "allowance 10 requests -> 8 requests".to_string()
            ),
            (
                Category::Coverage,
                Direction::Looser,
                "entitlement `contacts` 3 -> 2".to_string()
            ),
            (
                Category::Coverage,
                Direction::Removed,
                "entitlement `named_advisor` removed".to_string()
            ),
        ]
    );
    let two = edit(
        BASE,
        "severity high \"High\"\n",
        "severity high \"High\"\nseverity low \"Low\"\n",
    );
    let two = edit(
        &two,
        "  high  8h    4h\n",
        "  high  8h    4h\n  low   16h   8h\n",
    );
    let (old, new) = (policy("p.sla", &two), policy("p.sla", BASE));
    let subjects: Vec<String> = breaks(&old, &new)
        .into_iter()
        .map(|b| format!("{} {}", b.change.subject, b.change.direction.name()))
        .collect();
    assert_eq!(
        subjects,
        vec![
            "first_response basic low removed",
            "first_response gold low removed",
            "severity low removed"
        ]
    );
}

#[test]
fn a_type_that_covers_fewer_tiers_breaks() {
    let with_type = format!("{BASE}type bug \"Bug\" {{\n  covers basic..gold\n}}\n");
    let old = policy("p.sla", &with_type);
    let new = policy(
        "p.sla",
        &edit(&with_type, "covers basic..gold", "covers gold"),
    );
    let found: Vec<String> = breaks(&old, &new)
        .into_iter()
        .map(|b| format!("{}: {}", b.change.subject, b.change.detail))
        .collect();
    assert_eq!(found, vec!["type bug: no longer covers tier `basic`"]);
    assert_eq!(breaks(&new, &old), vec![]);
}

#[test]
fn versions_and_chosen_calendars_are_described() {
    let old = crate::eval::testing::policy_from(
        "old.sla",
        r#"
policy "V" { calendar desk }
calendar eu_desk { zone "Europe/Paris"  mon-fri 09:00-17:00 }
calendar us_desk { zone "America/New_York"  mon-fri 09:00-17:00 }
calendar desk by region { eu: eu_desk, "us-east": us_desk } default us_desk
severity sev1 "Critical"
tiers basic
targets first_response {
        basic
  sev1  4h
}
version july effective 2026-07-01 pinned
targets first_response in july {
        basic
  sev1  1h
}
"#,
    );
    let new_text = r#"
policy "V" { calendar desk }
calendar eu_desk { zone "Europe/Paris"  mon-fri 09:00-17:00 }
calendar us_desk { zone "America/New_York"  mon-fri 09:00-17:00 }
calendar desk by region { eu: eu_desk, "us-east": eu_desk }
severity sev1 "Critical"
tiers basic
targets first_response {
        basic
  sev1  4h
}
version july effective 2026-08-01 re-evaluated
targets first_response in july {
        basic
  sev1  2h
}
"#;
    let new = crate::eval::testing::policy_from("new.sla", new_text);
    let lines: Vec<String> = super::diff(&old, &new)
        .iter()
        .map(|c| format!("{:?} {}: {}", c.direction, c.subject, c.detail))
        .collect();
    assert_eq!(
        lines,
        [
            // The version's own cell, named with its version (not the
            // policy's own 4h cell, which did not change).
            "Looser first_response basic sev1 in version july: 1h on `desk` -> 2h on `desk`",
            "Changed version july: effective 2026-07-01 -> 2026-08-01, pinned -> re-evaluated",
            "Changed calendar desk: `us-east`: `us_desk` -> `eu_desk`; other values: `us_desk` -> refused",
        ]
    );
}

/// A filter on who acted is part of what a metric says; where it is
/// written is not.
#[test]
fn event_filters_are_compared_by_meaning() {
    let metric = |stops: &str| {
        format!("{BASE}metric first_response {{\n  starts on opened\n  stops on {stops}\n}}\n")
    };
    let filtered = policy("p.sla", &metric("replied by agent public"));
    let moved = policy(
        "p.sla",
        &format!("\n\n{}", metric("replied by agent public")),
    );
    assert_eq!(diff(&filtered, &moved), vec![]);
    let unfiltered = policy("p.sla", &metric("replied"));
    let found = diff(&unfiltered, &filtered);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].detail, "when it starts, stops or repeats changed");
}

/// Deadline cells: a later time or more business days is looser (and
/// breaks), an earlier one tighter; a change of form is `changed`, which
/// breaks when an example ticket's deadline moves later; `due` gets no
/// example (its deadline is the ticket's own date).
#[test]
fn deadline_targets_are_compared_and_described() {
    let old = policy(
        "p.sla",
        &edit(BASE, "  high  8h    4h", "  high  1bd@16:00 due"),
    );
    let looser = policy(
        "p.sla",
        &edit(BASE, "  high  8h    4h", "  high  1bd@17:00 due"),
    );
    let d = diff(&old, &looser);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].direction, Direction::Looser);
    assert_eq!(
        d[0].detail,
        "by 1bd@16:00 on `office` -> by 1bd@17:00 on `office`"
    );
    let found = breaks(&old, &looser);
    assert_eq!(found.len(), 1);
    let tighter = policy(
        "p.sla",
        &edit(BASE, "  high  8h    4h", "  high  0bd@end due"),
    );
    assert_eq!(diff(&old, &tighter)[0].direction, Direction::Changed);
    // A change of form breaks when an example ticket (given a due date,
    // which the `due` cell next to it needs) is due later: opened Monday
    // 09:00, `1bd@16:00` is Tuesday 16:00 and `2bd@end` Wednesday 17:00.
    let later = policy(
        "p.sla",
        &edit(BASE, "  high  8h    4h", "  high  2bd@end due"),
    );
    let found = breaks(&old, &later);
    assert_eq!(found.len(), 1, "{found:#?}");
    let ex = found[0].example.as_ref().expect("an example ticket");
    assert!(ex.ticket.contains(r#""due_at":"#), "{}", ex.ticket);
    assert_eq!(ex.old_deadline.to_rfc3339(), "2026-03-03T16:00:00+00:00");
    assert_eq!(
        ex.new_deadline.map(|d| d.to_rfc3339()).as_deref(),
        Some("2026-03-04T17:00:00+00:00")
    );
    // From `due` to a duration: changed, described, but no example.
    let dur = policy(
        "p.sla",
        &edit(BASE, "  high  8h    4h", "  high  1bd@16:00 4h"),
    );
    let d = diff(&old, &dur);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].direction, Direction::Changed);
    assert_eq!(d[0].detail, "the ticket's due date -> 4h on `office`");
    assert!(d[0].probe.is_none());
    assert_eq!(breaks(&old, &dur), vec![]);
    // An earlier time on the same day is tighter, and does not break.
    let earlier = policy(
        "p.sla",
        &edit(BASE, "  high  8h    4h", "  high  1bd@12:00 due"),
    );
    assert_eq!(diff(&old, &earlier)[0].direction, Direction::Tighter);
    assert_eq!(breaks(&old, &earlier), vec![]);
}
