//! Metrics, milestones, availability, quotas, lints, and several errors
//! in one run.

use super::build::{base, codes, only, run, B};
use crate::ast::{
    AvailabilityDecl, AvailabilityStmt, Item, MetricClause, MilestoneDecl, QuotaDecl, QuotaStmt,
    TierSel,
};
use crate::ir::{self, MaintenanceRule, MissingRule};
use crate::values::{Money, Percent};

#[test]
fn five_independent_errors_in_one_run() {
    let mut b = B::default();
    let mut items = base(&mut b);
    // A tier typo in a table column.
    items.push(b.targets(
        "resolution",
        None,
        None,
        "silver gld\n sev1 4h 2h\n sev2 8h 4h",
    ));
    // A bad zone.
    items.push(b.weekly("central", "Central US", "mon-fri", "08:00-16:00"));
    // An impossible time.
    items.push(b.weekly("late", "UTC", "mon-fri", "08:00-25:00"));
    // A missing cell.
    items.push(b.targets("follow_up", None, None, "silver gold\n sev1 4h 2h"));
    // An extends cycle.
    items.push(b.tier("gold", Some("silver"), &[]));
    items.push(b.tier("silver", Some("gold"), &[]));
    let (policy, diags) = run(&b.file(items));
    assert!(policy.is_none());
    let mut found = codes(&diags);
    found.sort_unstable();
    assert_eq!(
        found,
        ["E0101", "E0120", "E0201", "E0202", "E0302"],
        "{diags:#?}"
    );
}

#[test]
fn metrics_need_a_start_and_a_stop() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let s = b.starts("opened", None);
    items.push(b.metric("triage", vec![s]));
    let t = b.stops("resolved");
    items.push(b.metric("orphan", vec![t]));
    let (s, t) = (b.starts("open", None), b.stops("resolved"));
    let change = MetricClause::OnChange(b.id("restrat"));
    items.push(b.metric("typos", vec![s, t, change]));
    items.push(b.allow("unused"));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0401", "E0401", "E0106", "E0107"]);
    assert_eq!(diags[0].message, "metric `triage` never stops");
    assert_eq!(diags[1].message, "metric `orphan` never starts");
    assert_eq!(diags[2].help.as_deref(), Some("did you mean `opened`?"));
    assert_eq!(diags[3].message, "unknown change rule `restrat`");
    assert_eq!(diags[3].help.as_deref(), Some("did you mean `restart`?"));
}

#[test]
fn user_metric_clauses() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let s = b.starts("customer_replied", Some("first_response"));
    let t = b.stops("replied");
    let p = MetricClause::Periodic {
        events: b.ids("replied"),
        mode: b.id("sequential"),
    };
    let r = MetricClause::OnReopen(b.id("new_cycle"));
    items.push(b.metric("update", vec![s, t, p, r, MetricClause::Repeats]));
    items.push(b.targets("update", None, None, "*\n * 2h"));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    let m = policy.metrics.last().expect("metric");
    assert_eq!(m.name, "update");
    assert_eq!(m.after, policy.metric_named("first_response"));
    assert_eq!(m.on_reopen, ir::ReopenRule::NewCycle);
    assert!(m.repeats);
    assert_eq!(
        m.periodic.as_ref().map(|p| p.mode),
        Some(ir::PeriodicMode::Sequential)
    );
}

fn milestone(b: &mut B, metric: &str, at: &str) -> Item {
    Item::Milestone(MilestoneDecl {
        escalate: true,
        metric: b.id(metric),
        at: b.lit(at),
        to: b.sp("Support management".into(), 20),
        span: b.span(30),
    })
}

#[test]
fn milestones() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(milestone(&mut b, "first_response", "100%"));
    let (policy, diags) = run(&b.file(items.clone()));
    assert!(diags.is_empty(), "{diags:#?}");
    let m = &policy.expect("policy").milestones[0];
    assert_eq!(
        (m.kind, m.at),
        (ir::MilestoneKind::Escalate, Percent(1_000_000))
    );

    items.push(milestone(&mut b, "first_response", "4h"));
    items.push(milestone(&mut b, "first_response", "0%"));
    items.push(milestone(&mut b, "frist_response", "50%"));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0304", "E0305", "E0104"]);
    assert_eq!(
        diags[0].message,
        "expected a percentage such as `99.5%`, found a duration `4h`"
    );
}

fn availability(b: &mut B, stmts: Vec<AvailabilityStmt>) -> Item {
    let name = b.id("product");
    let stmts = stmts.into_iter().map(|s| b.sp(s, 10)).collect();
    Item::Availability(AvailabilityDecl {
        name,
        stmts,
        span: b.span(30),
    })
}

#[test]
fn availability_objectives() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.weekly("maintenance", "UTC", "sun", "02:00-04:00"));
    let stmts = vec![
        AvailabilityStmt::Objective(b.lit("99.5%")),
        AvailabilityStmt::Sampled(b.lit("1m")),
        AvailabilityStmt::DownThreshold {
            signal: b.id("error_rate"),
            op: b.sp(">".into(), 1),
            value: b.lit("5%"),
        },
        AvailabilityStmt::Excluding(b.ids("maintenance")),
        AvailabilityStmt::Credit {
            below: b.lit("99%"),
            value: b.lit("10%"),
        },
        AvailabilityStmt::Credit {
            below: b.lit("99.5%"),
            value: b.lit("\"as mutually agreed\""),
        },
    ];
    items.push(availability(&mut b, stmts));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let policy = policy.expect("policy");
    let a = &policy.availability[0];
    assert_eq!(a.objective, Percent(995_000));
    assert_eq!(a.zone, "America/Denver", "the default calendar's zone");
    assert_eq!(a.sample_seconds, 60);
    assert_eq!(a.maintenance, MaintenanceRule::CountsAsUp);
    assert_eq!(a.missing, MissingRule::Excluded);
    assert_eq!(
        a.excluding,
        [policy.calendar_named("maintenance").expect("cal")]
    );
    let below: Vec<Percent> = a.credits.iter().map(|c| c.below).collect();
    assert_eq!(
        below,
        [Percent(995_000), Percent(990_000)],
        "highest threshold first"
    );
    assert_eq!(
        a.down,
        [ir::DownRule::Threshold {
            signal: "error_rate".into(),
            op: ir::CmpOp::Gt,
            value: Percent(50_000)
        }]
    );
}

#[test]
fn availability_errors() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let stmts = vec![
        AvailabilityStmt::Objective(b.lit("100.5%")),
        AvailabilityStmt::Zone(b.sp("Eastern European Time".into(), 20)),
        AvailabilityStmt::Sampled(b.lit("1bd")),
        AvailabilityStmt::Maintenance(b.id("upp")),
        AvailabilityStmt::Objective(b.lit("99%")),
    ];
    items.push(availability(&mut b, stmts));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0305", "E0201", "E0304", "E0107", "E0111"]);
    assert_eq!(
        diags[1].help.as_deref(),
        Some("did you mean `Europe/Helsinki`?")
    );

    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(availability(&mut b, vec![]));
    let (_, diags) = run(&b.file(items));
    assert_eq!(
        only(&diags, "E0402").message,
        "availability `product` has no objective"
    );
}

fn quota(b: &mut B, stmts: Vec<QuotaStmt>) -> Item {
    let name = b.id("requests");
    let stmts = stmts.into_iter().map(|s| b.sp(s, 10)).collect();
    Item::Quota(QuotaDecl {
        name,
        stmts,
        span: b.span(30),
    })
}

#[test]
fn quotas() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let stmts = vec![
        QuotaStmt::Allowance {
            amount: b.lit("10"),
            unit: Some(b.id("users")),
            per: Some(b.id("month")),
        },
        QuotaStmt::Tiers(vec![b.sp(TierSel::One("gold".into()), 4)]),
        QuotaStmt::Overage {
            price: b.lit("$2"),
            per: Some(b.id("user")),
        },
        QuotaStmt::Minimum(b.lit("30m")),
        QuotaStmt::Beyond(b.sp("time and material".into(), 10)),
    ];
    items.push(quota(&mut b, stmts));
    let (policy, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
    let q = &policy.expect("policy").quotas[0];
    assert_eq!(
        q.amount,
        ir::Amount::Count {
            count: 10,
            unit: "users".into()
        }
    );
    assert_eq!(q.per, Some(ir::Period::Month));
    assert_eq!(q.tiers, [ir::TierId(1)]);
    assert_eq!(
        q.overage,
        Some(Money {
            cents: 200,
            currency: "USD".into()
        })
    );
    assert_eq!(q.minimum, Some(crate::values::Duration::Seconds(1800)));

    let mut b = B::default();
    let mut items = base(&mut b);
    let stmts = vec![
        QuotaStmt::Allowance {
            amount: b.lit("8h"),
            unit: None,
            per: Some(b.id("yaer")),
        },
        QuotaStmt::Overage {
            price: b.lit("2"),
            per: None,
        },
    ];
    items.push(quota(&mut b, stmts));
    items.push(Item::Quota(QuotaDecl {
        name: b.id("empty"),
        stmts: vec![],
        span: b.span(5),
    }));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0107", "E0304", "E0402"]);
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `year`?"));
}

#[test]
fn huge_numbers_do_not_panic() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.targets("resolution", None, None, &format!("*\n * {}h", i64::MAX)));
    items.push(b.tier("gold", None, &[("contacts", Some("-5"))]));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0305", "E0305"]);
}

#[test]
fn tier_and_severity_inversions() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.targets(
        "acknowledge",
        None,
        None,
        "silver gold\n sev1 4h 8h\n sev2 2h 2h",
    ));
    let (policy, diags) = run(&b.file(items.clone()));
    assert!(policy.is_some());
    assert_eq!(codes(&diags), ["L0301"]);
    assert_eq!(
        diags[0].message,
        "tier `gold` promises `8h` for `acknowledge` at `sev1`, slower than the lower tier `silver`"
    );

    // sev1 (24x7) and sev2 (business) run on different calendars: not compared.
    let mut b = B::default();
    let mut items2 = base(&mut b);
    items2.push(b.targets(
        "acknowledge",
        None,
        Some("business"),
        "silver gold\n sev1 8h 4h\n sev2 4h 2h",
    ));
    let (_, diags) = run(&b.file(items2));
    assert_eq!(codes(&diags), ["L0302", "L0302"]);
    assert_eq!(
        diags[0].message,
        "`sev1` gets `8h` for `acknowledge` on tier `silver`, slower than the less severe `sev2`"
    );

    items.push(b.allow("tier-inversion"));
    let (_, diags) = run(&b.file(items));
    assert!(diags.is_empty(), "{diags:#?}");
}

#[test]
fn follow_up_and_resolution_shorter_than_response() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.targets(
        "follow_up",
        None,
        None,
        "silver gold\n sev1 8h 2h\n sev2 16h 8h",
    ));
    items.push(b.targets(
        "resolution",
        None,
        None,
        "silver gold\n sev1 8h 4h\n sev2 16h 1bd",
    ));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["L0303"]);
    assert_eq!(
        diags[0].message,
        "the `follow_up` target `2h` for `sev1` on tier `gold` is shorter than the first response `4h`"
    );
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.targets(
        "resolution",
        None,
        None,
        "silver gold\n sev1 8h 4h\n sev2 16h 4h",
    ));
    items.push(b.allow("L0302"));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["L0304"]);
}

#[test]
fn unused_declarations() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.weekly("spare", "UTC", "mon", "09:00-10:00"));
    items.push(b.issue_type("bug", &[]));
    items.push(b.issue_type("question", &["all"]));
    let (s, t) = (b.starts("opened", None), b.stops("resolved"));
    items.push(b.metric("triage", vec![s, t]));
    let (_, diags) = run(&b.file(items.clone()));
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "the calendar `spare` is never used",
            "the issue type `bug` is never used",
            "the metric `triage` is never used"
        ]
    );
    items.push(b.allow("unused"));
    let (_, diags) = run(&b.file(items));
    assert!(diags.is_empty());
}

#[test]
fn allow_takes_lint_names_and_codes_only() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.allow("tier-inverson, L0302, E0101, overlapping-ranges"));
    let (policy, diags) = run(&b.file(items.clone()));
    assert!(policy.is_some());
    assert_eq!(codes(&diags), ["L0404", "L0404"]);
    assert_eq!(diags[0].message, "unknown lint `tier-inverson`");
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `tier-inversion`?")
    );
    assert_eq!(
        diags[1].message,
        "`E0101` is an error and cannot be allowed"
    );
}

#[test]
fn lints_are_not_reported_with_errors() {
    let mut b = B::default();
    let mut items = base(&mut b);
    items.push(b.targets(
        "acknowledge",
        None,
        None,
        "silver gold\n sev1 4h 8h\n sev2 2h 2h",
    ));
    items.push(b.weekly("spare", "Nowhere/Land", "mon", "09:00-10:00"));
    let (_, diags) = run(&b.file(items));
    assert_eq!(codes(&diags), ["E0201"]);
}

#[test]
fn a_metric_cannot_start_after_itself() {
    let mut b = B::default();
    let mut items = base(&mut b);
    let (s, t) = (
        b.starts("customer_replied", Some("chase")),
        b.stops("replied"),
    );
    items.push(b.metric("nag", vec![s, t]));
    let (s, t) = (
        b.starts("customer_replied", Some("nag")),
        b.stops("replied"),
    );
    items.push(b.metric("chase", vec![s, t]));
    items.push(b.allow("unused"));
    let (_, diags) = run(&b.file(items));
    let msgs: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        msgs,
        [
            "metric `nag` only starts after itself, so it never starts",
            "metric `chase` only starts after itself, so it never starts"
        ]
    );
}

/// Issue 14's clauses, from text: event filters, resets, their order, and
/// the reopen that counts closed time.
#[test]
fn who_acted_resets_and_include_closed() {
    let text = r#"
policy "W" { calendar c }
calendar c = 24x7
severity s1 "S"
tiers t
metric handling {
  starts on opened by agent, customer_replied by customer public
  stops on replied by agent public, replied by system internal, resolved
  resets when status in_progress, triage
  order stop before reset
  on reopen include_closed
}
targets handling {
     t
  *  1h
}
"#;
    let compiled = crate::compile(&crate::source::SourceFile::new("w.sla", text))
        .unwrap_or_else(|e| panic!("{e}"));
    let policy = compiled.policy();
    let m = policy.metrics.last().expect("metric");
    assert_eq!(m.name, "handling");
    assert_eq!(m.resets, ["in_progress", "triage"]);
    assert_eq!(m.reset_order, ir::ResetOrder::StopFirst);
    assert_eq!(m.on_reopen, ir::ReopenRule::IncludeClosed);
    let filters: Vec<_> = m
        .filters
        .iter()
        .map(|f| (f.clause, f.event, f.by, f.public))
        .collect();
    use ir::{Actor, EventKind, FilterClause};
    assert_eq!(
        filters,
        [
            (
                FilterClause::Starts,
                EventKind::Opened,
                Some(Actor::Agent),
                None
            ),
            (
                FilterClause::Starts,
                EventKind::CustomerReplied,
                Some(Actor::Customer),
                Some(true)
            ),
            (
                FilterClause::Stops,
                EventKind::Replied,
                Some(Actor::Agent),
                Some(true)
            ),
            (
                FilterClause::Stops,
                EventKind::Replied,
                Some(Actor::System),
                Some(false)
            ),
        ]
    );
    // Two filters of one kind: either matches; `resolved` has none.
    let counts = |kind, actor, public| m.counts(FilterClause::Stops, kind, actor, public);
    assert!(counts(EventKind::Replied, Actor::Agent, true));
    assert!(counts(EventKind::Replied, Actor::System, false));
    assert!(!counts(EventKind::Replied, Actor::Agent, false));
    assert!(!counts(EventKind::Replied, Actor::System, true));
    assert!(counts(EventKind::Resolved, Actor::Customer, true));
    assert!(!counts(EventKind::Closed, Actor::Agent, true));
}
