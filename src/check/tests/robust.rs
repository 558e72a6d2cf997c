//! Robustness: random surface trees never make the checker panic, its
//! output is deterministic and follows the message style; pathological
//! inputs stay fast.

use super::build::{base, run, B};
use crate::ast::{
    AvailabilityDecl, AvailabilityStmt, File, Item, MilestoneDecl, QuotaDecl, QuotaStmt,
};
use proptest::prelude::*;

const NAMES: &[&str] = &[
    "gold",
    "silver",
    "bronze",
    "sev1",
    "sev2",
    "business",
    "night",
    "24x7",
    "*",
    "first_response",
    "follow_up",
    "resolution",
    "bug",
    "x",
];
const ZONES: &[&str] = &["UTC", "America/Denver", "Central US", "", "Mars/Olympus"];
const DAYS: &[&str] = &[
    "mon", "mon-fri", "fri-mon", "daily", "sat-sun", "xyz", "sun-sun",
];
const RANGES: &[&str] = &[
    "08:00-16:00",
    "22:00-02:00",
    "25:00-01:00",
    "00:00-24:00",
    "08:00-08:00",
    "24:00-01:00",
    "09:00-12:00",
    "11:00-13:00",
    "12:61-13:00",
];
const LITS: &[&str] = &[
    "4h",
    "-",
    "5%",
    "1d",
    "2w",
    "1bd",
    "1bd4h",
    "3",
    "$2",
    "\"text\"",
    "yes",
    "0.5",
    "1h30m",
    "0h",
    "99999999999999h",
    "100.5%",
    "$1.999",
];
const EXPRS: &[&str] = &[
    "business",
    "business | night",
    "business & night",
    "business - 24x7",
    "night - night",
    "x | business",
    "24x7",
];

#[derive(Debug, Clone)]
enum Op {
    Policy(Option<usize>),
    Tiers(Vec<usize>),
    Tier(usize, Option<usize>, Vec<(usize, Option<usize>)>),
    Severity(usize, Option<usize>),
    Weekly(usize, usize, usize, usize),
    Expr(usize, usize),
    Targets(
        usize,
        Option<usize>,
        Option<usize>,
        Vec<usize>,
        Vec<(usize, Vec<usize>)>,
    ),
    Closed(usize, u32, u32),
    Allow(usize),
    Metric(usize, usize, Option<usize>, usize),
    Milestone(usize, usize),
    Availability(Vec<(usize, usize)>),
    Quota(usize, Option<usize>, Option<usize>),
}

const EVENTS: &[&str] = &["opened", "replied", "open", "resolved", "customer_replied"];
const WORDS: &[&str] = &[
    "up",
    "down",
    "excluded",
    "month",
    "yaer",
    "restart",
    ">",
    "=>",
    "sequential",
];

fn pick(len: usize) -> impl Strategy<Value = usize> {
    0..len
}

fn op() -> impl Strategy<Value = Op> {
    let n = NAMES.len();
    prop_oneof![
        proptest::option::of(pick(n)).prop_map(Op::Policy),
        proptest::collection::vec(pick(n), 0..4).prop_map(Op::Tiers),
        (
            pick(n),
            proptest::option::of(pick(n)),
            proptest::collection::vec((pick(n), proptest::option::of(pick(LITS.len()))), 0..3)
        )
            .prop_map(|(a, b, c)| Op::Tier(a, b, c)),
        (pick(n), proptest::option::of(pick(EXPRS.len()))).prop_map(|(a, b)| Op::Severity(a, b)),
        (
            pick(n),
            pick(ZONES.len()),
            pick(DAYS.len()),
            pick(RANGES.len())
        )
            .prop_map(|(a, b, c, d)| Op::Weekly(a, b, c, d)),
        (pick(n), pick(EXPRS.len())).prop_map(|(a, b)| Op::Expr(a, b)),
        (
            pick(n),
            proptest::option::of(pick(n)),
            proptest::option::of(pick(EXPRS.len())),
            proptest::collection::vec(pick(n), 0..4),
            proptest::collection::vec(
                (pick(n), proptest::collection::vec(pick(LITS.len()), 0..4)),
                0..4
            )
        )
            .prop_map(|(a, b, c, d, e)| Op::Targets(a, b, c, d, e)),
        (pick(n), 0u32..15, 0u32..35).prop_map(|(a, m, d)| Op::Closed(a, m, d)),
        pick(n).prop_map(Op::Allow),
        (
            pick(n),
            pick(EVENTS.len()),
            proptest::option::of(pick(n)),
            pick(EVENTS.len())
        )
            .prop_map(|(a, b, c, d)| Op::Metric(a, b, c, d)),
        (pick(n), pick(LITS.len())).prop_map(|(a, b)| Op::Milestone(a, b)),
        proptest::collection::vec((0usize..6, pick(LITS.len().max(WORDS.len()))), 0..5)
            .prop_map(Op::Availability),
        (
            pick(LITS.len()),
            proptest::option::of(pick(WORDS.len())),
            proptest::option::of(pick(LITS.len()))
        )
            .prop_map(|(a, b, c)| Op::Quota(a, b, c)),
    ]
}

fn build(ops: &[Op], with_base: bool) -> File {
    let mut b = B::default();
    let mut items: Vec<Item> = if with_base { base(&mut b) } else { Vec::new() };
    for op in ops {
        let item = match op {
            Op::Policy(c) => b.policy("P", c.map(|c| NAMES[c])),
            Op::Tiers(names) => {
                let names: Vec<&str> = names
                    .iter()
                    .map(|&i| NAMES[i])
                    .filter(|n| *n != "*")
                    .collect();
                b.tiers(&names.join(" < "))
            }
            Op::Tier(name, ext, ents) => {
                let ents: Vec<(&str, Option<&str>)> = ents
                    .iter()
                    .map(|(n, v)| (NAMES[*n], v.map(|v| LITS[v])))
                    .collect();
                b.tier(NAMES[*name], ext.map(|e| NAMES[e]), &ents)
            }
            Op::Severity(name, clock) => b.severity(NAMES[*name], clock.map(|c| EXPRS[c])),
            Op::Weekly(name, zone, days, range) => {
                b.weekly(NAMES[*name], ZONES[*zone], DAYS[*days], RANGES[*range])
            }
            Op::Expr(name, expr) => b.calendar_expr(NAMES[*name], EXPRS[*expr]),
            Op::Targets(metric, ty, on, cols, rows) => {
                let mut table: Vec<String> =
                    vec![cols.iter().map(|&c| NAMES[c]).collect::<Vec<_>>().join(" ")];
                for (label, cells) in rows {
                    let mut line = vec![NAMES[*label]];
                    line.extend(cells.iter().map(|&c| LITS[c]));
                    table.push(line.join(" "));
                }
                if table[0].is_empty() {
                    table[0] = "gold".into();
                }
                b.targets(
                    NAMES[*metric],
                    ty.map(|t| NAMES[t]),
                    on.map(|e| EXPRS[e]),
                    &table.join("\n"),
                )
            }
            Op::Closed(name, month, day) => {
                let stmts = vec![
                    b.zone("UTC"),
                    b.hours("mon-fri", "09:00-17:00"),
                    b.closed(&format!("2026-{month}-{day}"), None),
                ];
                b.calendar(NAMES[*name], stmts)
            }
            Op::Allow(name) => b.allow(NAMES[*name]),
            Op::Metric(name, start, after, stop) => {
                let s = b.starts(EVENTS[*start], after.map(|a| NAMES[a]));
                let t = b.stops(EVENTS[*stop]);
                b.metric(NAMES[*name], vec![s, t])
            }
            Op::Milestone(metric, at) => Item::Milestone(MilestoneDecl {
                escalate: false,
                metric: b.id(NAMES[*metric]),
                at: b.lit(LITS[*at]),
                to: b.sp("someone".into(), 7),
                span: b.span(20),
            }),
            Op::Availability(stmts) => {
                let stmts = stmts
                    .iter()
                    .map(|&(kind, i)| {
                        let lit = b.lit(LITS[i % LITS.len()]);
                        let word = b.id(WORDS[i % WORDS.len()]);
                        let node = match kind {
                            0 => AvailabilityStmt::Objective(lit),
                            1 => AvailabilityStmt::Sampled(lit),
                            2 => AvailabilityStmt::Maintenance(word),
                            3 => AvailabilityStmt::Missing(word),
                            4 => AvailabilityStmt::Credit {
                                below: lit.clone(),
                                value: lit,
                            },
                            _ => AvailabilityStmt::DownThreshold {
                                signal: b.id("error_rate"),
                                op: word,
                                value: lit,
                            },
                        };
                        b.sp(node, 10)
                    })
                    .collect();
                Item::Availability(AvailabilityDecl {
                    name: b.id("a"),
                    stmts,
                    span: b.span(30),
                })
            }
            Op::Quota(amount, per, overage) => {
                let mut stmts = vec![QuotaStmt::Allowance {
                    amount: b.lit(LITS[*amount]),
                    unit: None,
                    per: per.map(|p| b.id(WORDS[p])),
                }];
                if let Some(o) = overage {
                    stmts.push(QuotaStmt::Overage {
                        price: b.lit(LITS[*o]),
                        per: None,
                    });
                }
                let stmts = stmts.into_iter().map(|s| b.sp(s, 10)).collect();
                Item::Quota(QuotaDecl {
                    name: b.id("q"),
                    stmts,
                    span: b.span(30),
                })
            }
        };
        items.push(item);
    }
    b.file(items)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn random_files_never_panic_and_follow_the_style(ops in proptest::collection::vec(op(), 0..12), with_base in any::<bool>()) {
        let file = build(&ops, with_base);
        let (policy, diags) = run(&file);
        prop_assert_eq!(run(&file), (policy.clone(), diags.clone()), "deterministic");
        prop_assert_eq!(policy.is_some(), !diags.iter().any(|d| d.is_error()));
        for d in &diags {
            let m = &d.message;
            prop_assert!(!m.ends_with('.') && !m.contains('\n'), "style: {}", m);
            prop_assert!(!m.starts_with(|c: char| c.is_ascii_uppercase()), "lowercase: {}", m);
            prop_assert!(d.help.is_some(), "every checker finding says how to fix it: {:?}", d);
        }
        if let Some(p) = &policy {
            let mut sorted = p.targets.clone();
            sorted.sort_by_key(|t| (t.metric, t.issue_type, t.severity, t.tier));
            prop_assert_eq!(&sorted, &p.targets);
        }
    }
}

#[test]
fn pathological_inputs_are_checked() {
    // Sizes chosen so that a quadratic pass would make this test visibly slow;
    // speed itself is not asserted here (no timed unit tests).
    let mut b = B::default();
    let mut items = base(&mut b);
    // Thousands of identical overlapping ranges on one day.
    let ranges = vec!["09:00-17:00"; 5_000].join(", ");
    items.push(b.weekly("busy", "UTC", "mon", &ranges));
    // A long chain of tiers, each extending the one below.
    items.retain(|i| !matches!(i, Item::TierOrder(_)));
    let mut names: Vec<String> = vec!["silver".into(), "gold".into()];
    names.extend((2..3_000).map(|i| format!("t{i}")));
    items.push(b.tiers(&names.join(" < ")));
    for i in 1..names.len() {
        items.push(b.tier(&names[i], Some(&names[i - 1]), &[("x", Some("1"))]));
    }
    // A very long unknown name.
    let long = "z".repeat(200_000);
    items.push(b.severity("sev3", Some(&long)));
    let (_, diags) = run(&b.file(items));
    assert!(diags
        .iter()
        .any(|d| d.code.as_str() == "E0103" && d.help.is_some()));
    let unexpected = ["E0110", "E0111", "E0132", "E0120"];
    assert!(!diags.iter().any(|d| unexpected.contains(&d.code.as_str())));
}
