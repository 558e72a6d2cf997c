//! Each declaration kind lowers to the expected tree.

use super::*;
use crate::source::Spanned;

fn s(node: &str, text: &str) -> Spanned<String> {
    let start = text
        .find(node)
        .unwrap_or_else(|| panic!("`{node}` not in text"));
    Spanned::new(node.to_string(), Span::new(start, start + node.len()))
}

#[test]
fn import() {
    let text = r#"import "shared/holidays.sla""#;
    let Item::Import(path) = item(text) else {
        panic!("not an import")
    };
    assert_eq!(path.node, "shared/holidays.sla");
    assert_eq!(at(text, path.span), r#""shared/holidays.sla""#);
}

#[test]
fn policy_header_in_any_order() {
    let text = "policy \"Domo Support\" {\n  calendar business\n  effective 2026-01-01\n  provider \"Domo\"\n}";
    let Item::Policy(p) = item(text) else {
        panic!("not a policy")
    };
    assert_eq!(p.name.node, "Domo Support");
    assert_eq!(p.provider.as_ref().map(|s| s.node.as_str()), Some("Domo"));
    let eff = p.effective.expect("effective");
    assert_eq!(
        eff.node,
        DateLit {
            year: 2026,
            month: 1,
            day: 1
        }
    );
    assert_eq!(at(text, eff.span), "2026-01-01");
    assert_eq!(p.calendar, Some(s("business", text)));
    assert_eq!(p.span, Span::new(0, text.len()));
}

#[test]
fn policy_header_may_be_empty() {
    let Item::Policy(p) = item("policy \"P\" {}") else {
        panic!("not a policy")
    };
    assert_eq!((p.provider, p.effective, p.calendar), (None, None, None));
}

#[test]
fn policy_setting_given_twice_is_reported_and_first_kept() {
    let text = "policy \"P\" { provider \"A\" provider \"B\" }";
    let (file, diags) = parse(&SourceFile::new("t.sla", text));
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::DuplicateEntry);
    assert_eq!(diags[0].message, "`provider` is given twice");
    assert_eq!(at(text, diags[0].primary.span), "provider \"B\"");
    let Some(Item::Policy(p)) = file.and_then(|f| f.items.into_iter().next()) else {
        panic!("no policy")
    };
    assert_eq!(p.provider.map(|s| s.node), Some("A".to_string()));
}

#[test]
fn calendar_block() {
    let text = r#"calendar business {
  zone "America/Denver"
  mon-fri 08:00-17:00
  sat, sun 10:00-12:00, 13:00-15:00
  daily 00:00-01:00
  closed 2026-12-25 "Christmas Day"
  closed 2026-12-24 12:00-24:00 "Christmas Eve afternoon"
  closed every 01-01 "New Year's Day"
  open 2026-12-27 10:00-14:00, 15:00-16:00 "Sunday opening"
}"#;
    let Item::Calendar(c) = item(text) else {
        panic!("not a calendar")
    };
    assert_eq!(c.name.node, "business");
    let CalendarBody::Block(stmts) = c.body else {
        panic!("not a block")
    };
    assert_eq!(stmts.len(), 8);
    assert!(matches!(&stmts[0], CalendarStmt::Zone(z) if z.node == "America/Denver"));

    let CalendarStmt::Hours { days, ranges, span } = &stmts[1] else {
        panic!("not hours")
    };
    assert_eq!(days[0].node, DaySpec::Range("mon".into(), "fri".into()));
    assert_eq!(at(text, days[0].span), "mon-fri");
    assert_eq!(ranges.len(), 1);
    assert_eq!(ranges[0].node.start.node, TimeLit { hour: 8, minute: 0 });
    assert_eq!(
        ranges[0].node.end.node,
        TimeLit {
            hour: 17,
            minute: 0
        }
    );
    assert_eq!(at(text, ranges[0].span), "08:00-17:00");
    assert_eq!(at(text, *span), "mon-fri 08:00-17:00");

    let CalendarStmt::Hours { days, ranges, .. } = &stmts[2] else {
        panic!("not hours")
    };
    let days: Vec<_> = days.iter().map(|d| d.node.clone()).collect();
    assert_eq!(
        days,
        [DaySpec::Day("sat".into()), DaySpec::Day("sun".into())]
    );
    assert_eq!(ranges.len(), 2);
    assert_eq!(
        ranges[1].node.start.node,
        TimeLit {
            hour: 13,
            minute: 0
        }
    );

    let CalendarStmt::Hours { days, .. } = &stmts[3] else {
        panic!("not hours")
    };
    assert_eq!(days[0].node, DaySpec::Daily);

    let CalendarStmt::Closed {
        date,
        range,
        label,
        span,
    } = &stmts[4]
    else {
        panic!("not closed")
    };
    assert_eq!(
        date.node,
        DateSpec::Date(DateLit {
            year: 2026,
            month: 12,
            day: 25
        })
    );
    assert_eq!(*range, None);
    assert_eq!(
        label.as_ref().map(|l| l.node.as_str()),
        Some("Christmas Day")
    );
    assert_eq!(at(text, *span), "closed 2026-12-25 \"Christmas Day\"");

    let CalendarStmt::Closed { range, .. } = &stmts[5] else {
        panic!("not closed")
    };
    let range = range.as_ref().expect("a range");
    assert_eq!(
        range.node.start.node,
        TimeLit {
            hour: 12,
            minute: 0
        }
    );
    assert_eq!(
        range.node.end.node,
        TimeLit {
            hour: 24,
            minute: 0
        }
    );

    let CalendarStmt::Closed { date, label, .. } = &stmts[6] else {
        panic!("not closed")
    };
    assert_eq!(date.node, DateSpec::Yearly { month: 1, day: 1 });
    assert_eq!(at(text, date.span), "every 01-01");
    assert_eq!(
        label.as_ref().map(|l| l.node.as_str()),
        Some("New Year's Day")
    );

    let CalendarStmt::Open {
        date,
        ranges,
        label,
        ..
    } = &stmts[7]
    else {
        panic!("not open")
    };
    assert_eq!(
        date.node,
        DateLit {
            year: 2026,
            month: 12,
            day: 27
        }
    );
    assert_eq!(ranges.len(), 2);
    assert_eq!(
        label.as_ref().map(|l| l.node.as_str()),
        Some("Sunday opening")
    );
}

#[test]
fn severity_with_and_without_block() {
    let text = "severity sev1 \"Critical\" {\n  alias \"Severity 1\", \"Niveau 1\"\n  alias \"P1\"\n  clock 24x7\n}\nseverity sev2\nseverity sev3 \"Minor\"";
    let all = items(text);
    let Item::Severity(s1) = &all[0] else {
        panic!("not a severity")
    };
    assert_eq!(s1.name.node, "sev1");
    assert_eq!(
        s1.description.as_ref().map(|d| d.node.as_str()),
        Some("Critical")
    );
    let aliases: Vec<&str> = s1.aliases.iter().map(|a| a.node.as_str()).collect();
    assert_eq!(aliases, ["Severity 1", "Niveau 1", "P1"]);
    assert_eq!(
        s1.clock.as_ref().map(|c| c.node.clone()),
        Some(CalendarExpr::Always)
    );
    let Item::Severity(s2) = &all[1] else {
        panic!("not a severity")
    };
    assert_eq!(
        (s2.name.node.as_str(), &s2.description, s2.aliases.len()),
        ("sev2", &None, 0)
    );
    assert_eq!(s2.clock, None);
    let Item::Severity(s3) = &all[2] else {
        panic!("not a severity")
    };
    assert_eq!(
        s3.description.as_ref().map(|d| d.node.as_str()),
        Some("Minor")
    );
    assert_eq!(at(text, s3.span), "severity sev3 \"Minor\"");
}

#[test]
fn tier_order() {
    let text = "tiers standard < bronze < silver < gold";
    let Item::TierOrder(o) = item(text) else {
        panic!("not a tier order")
    };
    let names: Vec<&str> = o.tiers.iter().map(|t| t.node.as_str()).collect();
    assert_eq!(names, ["standard", "bronze", "silver", "gold"]);
    assert_eq!(o.tiers[2], s("silver", text));
    assert_eq!(o.span, Span::new(0, text.len()));
}

#[test]
fn tier_with_entitlements() {
    let text = r#"tier gold "Gold" extends silver {
  contacts 3
  phone "24/7"
  named_advisor
  video_conferencing no
  enablement 8h
  extra_user $2.50
  on_site yes
  discount 12.5%
  ratio 0.5
  support_sla -
}"#;
    let Item::Tier(t) = item(text) else {
        panic!("not a tier")
    };
    assert_eq!(t.name.node, "gold");
    assert_eq!(t.title.map(|x| x.node), Some("Gold".to_string()));
    assert_eq!(t.extends, Some(s("silver", text)));
    let got: Vec<(&str, Option<Literal>)> = t
        .entitlements
        .iter()
        .map(|e| {
            (
                e.name.node.as_str(),
                e.value.as_ref().map(|v| v.node.clone()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("contacts", Some(Literal::Int(3))),
            ("phone", Some(Literal::Str("24/7".into()))),
            ("named_advisor", None),
            ("video_conferencing", Some(Literal::Bool(false))),
            (
                "enablement",
                Some(Literal::Duration(vec![(8, DurationUnit::Hours)]))
            ),
            ("extra_user", Some(Literal::Money("2.50".into()))),
            ("on_site", Some(Literal::Bool(true))),
            ("discount", Some(Literal::Percent("12.5".into()))),
            ("ratio", Some(Literal::Decimal("0.5".into()))),
            ("support_sla", Some(Literal::NoGuarantee)),
        ]
    );
    // A flag's span is just its name, not the line break after it.
    assert_eq!(at(text, t.entitlements[2].span), "named_advisor");
    assert_eq!(at(text, t.entitlements[1].span), "phone \"24/7\"");
}

#[test]
fn tier_without_title_extends_or_block() {
    let all = items("tier basic\ntier plus extends basic\ntier empty \"Empty\" {}");
    let Item::Tier(a) = &all[0] else {
        panic!("not a tier")
    };
    assert_eq!(
        (a.name.node.as_str(), &a.title, &a.extends),
        ("basic", &None, &None)
    );
    let Item::Tier(b) = &all[1] else {
        panic!("not a tier")
    };
    assert_eq!(b.extends.as_ref().map(|e| e.node.as_str()), Some("basic"));
    assert_eq!(b.title, None);
    let Item::Tier(c) = &all[2] else {
        panic!("not a tier")
    };
    assert!(c.entitlements.is_empty());
}

#[test]
fn several_statements_on_one_line() {
    let text = "tier gold extends silver { contacts 3  service_days 3  named_advisor }";
    let Item::Tier(t) = item(text) else {
        panic!("not a tier")
    };
    let got: Vec<(&str, Option<Literal>)> = t
        .entitlements
        .iter()
        .map(|e| {
            (
                e.name.node.as_str(),
                e.value.as_ref().map(|v| v.node.clone()),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("contacts", Some(Literal::Int(3))),
            ("service_days", Some(Literal::Int(3))),
            ("named_advisor", None)
        ]
    );

    let text = "calendar central { zone \"America/Chicago\"  mon-fri 08:00-16:00 } metric resolution { starts on opened  stops on resolved  pauses while status = waiting_on_customer }";
    let all = items(text);
    assert_eq!(all.len(), 2);
    let Item::Metric(m) = &all[1] else {
        panic!("not a metric")
    };
    assert_eq!(m.clauses.len(), 3);
    assert!(
        matches!(&m.clauses[2].node, MetricClause::Pauses(v) if v.len() == 1 && v[0].node == "waiting_on_customer")
    );
}

#[test]
fn issue_type_with_covers() {
    let text = r#"type bug "CommCare bug" {
  covers pro..enterprise via "email", "Report an Issue" "1 business day first response"
  covers all
  covers free, pro "note only"
  covers gold via "phone"
}"#;
    let Item::Type(t) = item(text) else {
        panic!("not a type")
    };
    assert_eq!(t.name.node, "bug");
    assert_eq!(
        t.description.map(|d| d.node),
        Some("CommCare bug".to_string())
    );
    assert_eq!(t.covers.len(), 4);
    let c = &t.covers[0];
    assert_eq!(
        c.tiers[0].node,
        TierSel::Range("pro".into(), "enterprise".into())
    );
    assert_eq!(at(text, c.tiers[0].span), "pro..enterprise");
    let ch: Vec<&str> = c.channels.iter().map(|x| x.node.as_str()).collect();
    assert_eq!(ch, ["email", "Report an Issue"]);
    assert_eq!(
        c.note.as_ref().map(|n| n.node.as_str()),
        Some("1 business day first response")
    );
    assert_eq!(t.covers[1].tiers[0].node, TierSel::All);
    assert_eq!((t.covers[1].channels.len(), &t.covers[1].note), (0, &None));
    let sels: Vec<TierSel> = t.covers[2].tiers.iter().map(|x| x.node.clone()).collect();
    assert_eq!(
        sels,
        [TierSel::One("free".into()), TierSel::One("pro".into())]
    );
    assert_eq!(
        t.covers[2].note.as_ref().map(|n| n.node.as_str()),
        Some("note only")
    );
    assert!(t.covers[2].channels.is_empty());
    assert_eq!(t.covers[3].channels.len(), 1);
    assert_eq!(t.covers[3].note, None);
}

#[test]
fn metric_clauses() {
    let text = r#"metric follow_up {
  starts on opened, customer_replied after first_response
  stops on replied, resolved
  pauses while status waiting_on_customer, on_hold
  pauses while status = pending
  pauses while status in a, b
  repeats
  periodic on replied sequential
  on change restart
  on reopen new_cycle
}"#;
    let Item::Metric(m) = item(text) else {
        panic!("not a metric")
    };
    assert_eq!(m.name.node, "follow_up");
    let names = |v: &[Spanned<String>]| v.iter().map(|x| x.node.clone()).collect::<Vec<_>>();
    let c: Vec<&MetricClause> = m.clauses.iter().map(|c| &c.node).collect();
    let MetricClause::Starts { events, after } = c[0] else {
        panic!("not starts")
    };
    assert_eq!(names(events), ["opened", "customer_replied"]);
    assert_eq!(
        after.as_ref().map(|a| a.node.as_str()),
        Some("first_response")
    );
    assert!(matches!(c[1], MetricClause::Stops(v) if names(v) == ["replied", "resolved"]));
    assert!(
        matches!(c[2], MetricClause::Pauses(v) if names(v) == ["waiting_on_customer", "on_hold"])
    );
    assert!(matches!(c[3], MetricClause::Pauses(v) if names(v) == ["pending"]));
    assert!(matches!(c[4], MetricClause::Pauses(v) if names(v) == ["a", "b"]));
    assert_eq!(c[5], &MetricClause::Repeats);
    let MetricClause::Periodic { events, mode } = c[6] else {
        panic!("not periodic")
    };
    assert_eq!(
        (names(events), mode.node.as_str()),
        (vec!["replied".to_string()], "sequential")
    );
    assert!(matches!(c[7], MetricClause::OnChange(x) if x.node == "restart"));
    assert!(matches!(c[8], MetricClause::OnReopen(x) if x.node == "new_cycle"));
    assert_eq!(
        at(text, m.clauses[0].span),
        "starts on opened, customer_replied after first_response"
    );
    assert_eq!(at(text, m.clauses[5].span), "repeats");
}

#[test]
fn milestones() {
    let text = "warn first_response at 75% to \"Assigned engineer\"\nescalate resolution at 200% to \"Management\"";
    let all = items(text);
    let Item::Milestone(w) = &all[0] else {
        panic!("not a milestone")
    };
    assert!(!w.escalate);
    assert_eq!(w.metric.node, "first_response");
    assert_eq!(w.at.node, Literal::Percent("75".into()));
    assert_eq!(w.to.node, "Assigned engineer");
    assert_eq!(
        at(text, w.span),
        "warn first_response at 75% to \"Assigned engineer\""
    );
    let Item::Milestone(e) = &all[1] else {
        panic!("not a milestone")
    };
    assert!(e.escalate);
    assert_eq!(e.at.node, Literal::Percent("200".into()));
}

#[test]
fn availability() {
    let text = r#"availability product {
  objective 99.5% per calendar month
  zone "UTC"
  sampled every 1m
  down when error_rate > 5%
  down when latency >= 2s
  down when health_check fails
  excluding maintenance, freeze
  maintenance counts as up
  maintenance excluded
  missing samples count as down
  missing samples excluded
  credit below 99.5% "as mutually agreed"
  credit below 99% 10%
}"#;
    let Item::Availability(a) = item(text) else {
        panic!("not availability")
    };
    assert_eq!(a.name.node, "product");
    let st: Vec<&AvailabilityStmt> = a.stmts.iter().map(|s| &s.node).collect();
    assert!(
        matches!(st[0], AvailabilityStmt::Objective(v) if v.node == Literal::Percent("99.5".into()))
    );
    assert_eq!(
        at(text, a.stmts[0].span),
        "objective 99.5% per calendar month"
    );
    assert!(matches!(st[1], AvailabilityStmt::Zone(z) if z.node == "UTC"));
    assert!(
        matches!(st[2], AvailabilityStmt::Sampled(v) if v.node == Literal::Duration(vec![(1, DurationUnit::Minutes)]))
    );
    let AvailabilityStmt::DownThreshold { signal, op, value } = st[3] else {
        panic!("not a threshold")
    };
    assert_eq!(
        (signal.node.as_str(), op.node.as_str()),
        ("error_rate", ">")
    );
    assert_eq!(value.node, Literal::Percent("5".into()));
    assert!(matches!(st[4], AvailabilityStmt::DownThreshold { op, .. } if op.node == ">="));
    assert!(matches!(st[5], AvailabilityStmt::DownFails(s) if s.node == "health_check"));
    assert!(
        matches!(st[6], AvailabilityStmt::Excluding(v) if v.len() == 2 && v[1].node == "freeze")
    );
    assert!(matches!(st[7], AvailabilityStmt::Maintenance(w) if w.node == "up"));
    let AvailabilityStmt::Maintenance(w) = st[8] else {
        panic!("not maintenance")
    };
    assert_eq!(
        (w.node.as_str(), at(text, w.span)),
        ("excluded", "excluded")
    );
    assert!(matches!(st[9], AvailabilityStmt::Missing(w) if w.node == "down"));
    assert!(matches!(st[10], AvailabilityStmt::Missing(w) if w.node == "excluded"));
    let AvailabilityStmt::Credit { below, value } = st[11] else {
        panic!("not a credit")
    };
    assert_eq!(below.node, Literal::Percent("99.5".into()));
    assert_eq!(value.node, Literal::Str("as mutually agreed".into()));
    assert!(
        matches!(st[12], AvailabilityStmt::Credit { value, .. } if value.node == Literal::Percent("10".into()))
    );
}

#[test]
fn quota() {
    let text = r#"quota requests {
  10 requests per month
  8h per year
  10 users
  tiers fixed_fee, pro..enterprise
  overage $2 per user
  minimum 30m per request
  beyond "time and material, 0.5 h minimum per request"
}"#;
    let Item::Quota(q) = item(text) else {
        panic!("not a quota")
    };
    assert_eq!(q.name.node, "requests");
    let st: Vec<&QuotaStmt> = q.stmts.iter().map(|s| &s.node).collect();
    let QuotaStmt::Allowance { amount, unit, per } = st[0] else {
        panic!("not an allowance")
    };
    assert_eq!(amount.node, Literal::Int(10));
    assert_eq!(unit.as_ref().map(|u| u.node.as_str()), Some("requests"));
    assert_eq!(per.as_ref().map(|u| u.node.as_str()), Some("month"));
    let QuotaStmt::Allowance { amount, unit, per } = st[1] else {
        panic!("not an allowance")
    };
    assert_eq!(
        amount.node,
        Literal::Duration(vec![(8, DurationUnit::Hours)])
    );
    assert_eq!(
        (unit, per.as_ref().map(|p| p.node.as_str())),
        (&None, Some("year"))
    );
    let QuotaStmt::Allowance { unit, per, .. } = st[2] else {
        panic!("not an allowance")
    };
    assert_eq!(
        (unit.as_ref().map(|u| u.node.as_str()), per),
        (Some("users"), &None)
    );
    let QuotaStmt::Tiers(sels) = st[3] else {
        panic!("not tiers")
    };
    assert_eq!(
        sels[1].node,
        TierSel::Range("pro".into(), "enterprise".into())
    );
    let QuotaStmt::Overage { price, per } = st[4] else {
        panic!("not overage")
    };
    assert_eq!(price.node, Literal::Money("2".into()));
    assert_eq!(per.as_ref().map(|p| p.node.as_str()), Some("user"));
    assert!(
        matches!(st[5], QuotaStmt::Minimum(v) if v.node == Literal::Duration(vec![(30, DurationUnit::Minutes)]))
    );
    assert!(matches!(st[6], QuotaStmt::Beyond(b) if b.node.starts_with("time and material")));
}

#[test]
fn quota_rate_and_a_duration_allowance_before_it() {
    // `rate` starts a statement: after `8h` it is not read as a unit word.
    let text = "quota time {\n  8h\n  rate $150 per hour\n}";
    let Item::Quota(q) = item(text) else {
        panic!("not a quota")
    };
    let st: Vec<&QuotaStmt> = q.stmts.iter().map(|s| &s.node).collect();
    assert!(matches!(st[0], QuotaStmt::Allowance { unit: None, .. }));
    let QuotaStmt::Rate { price, per } = st[1] else {
        panic!("not a rate")
    };
    assert_eq!(price.node, Literal::Money("150".into()));
    assert_eq!(per.as_ref().map(|p| p.node.as_str()), Some("hour"));
}

#[test]
fn covers_without_guarantee() {
    let text = r#"type dev "Developer support" {
  covers free..platinum without guarantee "No response time guarantee."
  covers premium via "Forum", "Call" without guarantee
  covers gold via "Phone" "1 hour"
}"#;
    let Item::Type(t) = item(text) else {
        panic!("not a type")
    };
    let flags: Vec<bool> = t.covers.iter().map(|c| c.no_guarantee).collect();
    assert_eq!(flags, vec![true, true, false]);
    assert_eq!(t.covers[1].channels.len(), 2);
    assert_eq!(
        t.covers[0].note.as_ref().map(|n| n.node.as_str()),
        Some("No response time guarantee.")
    );
    assert_eq!(
        t.covers[2].note.as_ref().map(|n| n.node.as_str()),
        Some("1 hour")
    );
}

#[test]
fn allow() {
    let text = "allow tier-inversion, L0302";
    let Item::Allow(a) = item(text) else {
        panic!("not allow")
    };
    assert_eq!(a.lints, [s("tier-inversion", text), s("L0302", text)]);
}

#[test]
fn literals() {
    let text = "tier t { a 30m  b 1h30m  c 90s  d 2d  e 1w  f 1bd  g 0  h \"say \\\"hi\\\" \\\\ é 日本\"  i none }";
    let Item::Tier(t) = item(text) else {
        panic!("not a tier")
    };
    let v: Vec<Literal> = t
        .entitlements
        .iter()
        .filter_map(|e| e.value.as_ref().map(|v| v.node.clone()))
        .collect();
    use DurationUnit::*;
    assert_eq!(
        v,
        [
            Literal::Duration(vec![(30, Minutes)]),
            Literal::Duration(vec![(1, Hours), (30, Minutes)]),
            Literal::Duration(vec![(90, Seconds)]),
            Literal::Duration(vec![(2, Days)]),
            Literal::Duration(vec![(1, Weeks)]),
            Literal::Duration(vec![(1, BusinessDays)]),
            Literal::Int(0),
            Literal::Str("say \"hi\" \\ é 日本".into()),
            Literal::NoGuarantee,
        ]
    );
}

#[test]
fn times_and_dates_are_kept_as_written() {
    let text = "calendar c { mon 25:00-7:99  closed 2026-02-30  closed every 13-32 }";
    let Item::Calendar(c) = item(text) else {
        panic!("not a calendar")
    };
    let CalendarBody::Block(stmts) = c.body else {
        panic!("not a block")
    };
    let CalendarStmt::Hours { ranges, .. } = &stmts[0] else {
        panic!("not hours")
    };
    assert_eq!(
        ranges[0].node.start.node,
        TimeLit {
            hour: 25,
            minute: 0
        }
    );
    assert_eq!(
        ranges[0].node.end.node,
        TimeLit {
            hour: 7,
            minute: 99
        }
    );
    assert!(
        matches!(&stmts[1], CalendarStmt::Closed { date, .. } if date.node == DateSpec::Date(DateLit { year: 2026, month: 2, day: 30 }))
    );
    assert!(
        matches!(&stmts[2], CalendarStmt::Closed { date, .. } if date.node == DateSpec::Yearly { month: 13, day: 32 })
    );
}

#[test]
fn comments_anywhere() {
    let text = "# head\npolicy \"P # not a comment\" { # open\n  provider \"A\" # after\n} # end";
    let Item::Policy(p) = item(text) else {
        panic!("not a policy")
    };
    assert_eq!(p.name.node, "P # not a comment");
    assert_eq!(p.provider.map(|x| x.node), Some("A".to_string()));
}

#[test]
fn every_single_setting_given_twice_is_reported() {
    for (text, what) in [
        (
            "policy \"P\" { effective 2026-01-01 effective 2027-01-01 }",
            "effective",
        ),
        ("policy \"P\" { calendar a calendar b }", "calendar"),
        ("severity s { clock 24x7  clock business }", "clock"),
    ] {
        let (file, diags) = parse(&SourceFile::new("t.sla", text));
        assert!(file.is_some(), "{text}");
        assert_eq!(diags.len(), 1, "{text}");
        assert_eq!(diags[0].code, Code::DuplicateEntry);
        assert_eq!(diags[0].message, format!("`{what}` is given twice"));
        assert_eq!(diags[0].secondary.len(), 1);
    }
}

#[test]
fn table_header_may_share_the_opening_line() {
    let Item::Targets(t) = item("targets m { gold silver\n sev1 1h 2h }") else {
        panic!("not targets")
    };
    assert_eq!(t.columns.len(), 2);
    assert_eq!(t.rows.len(), 1);
    assert_eq!(t.rows[0].cells.len(), 2);
}
