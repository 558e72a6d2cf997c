//! Builders for surface trees, so checker tests can be written without the
//! parser. Every node gets a fresh, distinct span, so tests can assert that
//! a diagnostic points at exactly the node they built.

use crate::ast::*;
use crate::diagnostics::Diagnostic;
use crate::ir::Policy;
use crate::source::{Span, Spanned};

/// Hands out distinct spans, in increasing order.
#[derive(Default)]
pub(crate) struct B {
    pos: usize,
}

fn time(text: &str) -> TimeLit {
    let (h, m) = text.split_once(':').expect("test time hh:mm");
    TimeLit {
        hour: h.parse().expect("test hour"),
        minute: m.parse().expect("test minute"),
    }
}

fn date(text: &str) -> DateLit {
    let parts: Vec<&str> = text.split('-').collect();
    DateLit {
        year: parts[0].parse().expect("test year"),
        month: parts[1].parse().expect("test month"),
        day: parts[2].parse().expect("test day"),
    }
}

impl B {
    pub fn span(&mut self, len: usize) -> Span {
        let s = Span::new(self.pos, self.pos + len.max(1));
        self.pos += len.max(1) + 1;
        s
    }

    pub fn sp<T>(&mut self, node: T, len: usize) -> Spanned<T> {
        Spanned::new(node, self.span(len))
    }

    pub fn id(&mut self, name: &str) -> Ident {
        self.sp(name.to_string(), name.len())
    }

    pub fn ids(&mut self, names: &str) -> Vec<Ident> {
        names
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|n| self.id(n))
            .collect()
    }

    /// A literal as written: `4h`, `1h30m`, `1bd`, `-`, `5%`, `$2`, `3`, `"text"`, `yes`.
    pub fn lit(&mut self, text: &str) -> Spanned<Literal> {
        let node = if text == "-" || text == "none" {
            Literal::NoGuarantee
        } else if text == "yes" || text == "no" {
            Literal::Bool(text == "yes")
        } else if let Some(p) = text.strip_suffix('%') {
            Literal::Percent(p.into())
        } else if let Some(m) = text.strip_prefix('$') {
            Literal::Money(m.into())
        } else if let Some(s) = text.strip_prefix('"') {
            Literal::Str(s.trim_end_matches('"').into())
        } else if text.contains('.') {
            Literal::Decimal(text.into())
        } else if let Ok(n) = text.parse() {
            Literal::Int(n)
        } else {
            Literal::Duration(duration(text))
        };
        self.sp(node, text.len())
    }

    pub fn file(&mut self, items: Vec<Item>) -> File {
        File { items }
    }

    pub fn policy(&mut self, name: &str, calendar: Option<&str>) -> Item {
        let name = self.sp(name.to_string(), name.len() + 2);
        let calendar = calendar.map(|c| self.id(c));
        Item::Policy(PolicyDecl {
            name,
            provider: None,
            effective: None,
            calendar,
            span: self.span(20),
        })
    }

    pub fn tiers(&mut self, names: &str) -> Item {
        let tiers = self.ids(&names.replace('<', " "));
        Item::TierOrder(TierOrder {
            tiers,
            span: self.span(10),
        })
    }

    /// `tier name extends base { contacts 3  named_advisor }`; entitlement
    /// values are literals as in [`B::lit`].
    pub fn tier(
        &mut self,
        name: &str,
        extends: Option<&str>,
        ents: &[(&str, Option<&str>)],
    ) -> Item {
        let name = self.id(name);
        let extends = extends.map(|e| self.id(e));
        let entitlements = ents
            .iter()
            .map(|(n, v)| EntitlementDecl {
                name: self.id(n),
                value: v.map(|v| self.lit(v)),
                span: self.span(8),
            })
            .collect();
        Item::Tier(TierDecl {
            name,
            title: None,
            extends,
            entitlements,
            span: self.span(30),
        })
    }

    pub fn severity(&mut self, name: &str, clock: Option<&str>) -> Item {
        let name = self.id(name);
        let clock = clock.map(|c| self.expr(c));
        Item::Severity(SeverityDecl {
            name,
            description: None,
            aliases: Vec::new(),
            clock,
            metric_clocks: Vec::new(),
            span: self.span(30),
        })
    }

    /// A calendar expression of names, `24x7`, `|`, `&` and `-`, evaluated
    /// left to right (tests keep to one operator kind per expression).
    pub fn expr(&mut self, text: &str) -> Spanned<CalendarExpr> {
        let mut tokens = text.split_whitespace();
        let operand = |b: &mut B, t: &str| {
            let node = if t == "24x7" {
                CalendarExpr::Always
            } else {
                CalendarExpr::Name(t.into())
            };
            b.sp(node, t.len())
        };
        let first = tokens.next().expect("test expression");
        let mut left = operand(self, first);
        while let (Some(op), Some(right)) = (tokens.next(), tokens.next()) {
            let right = Box::new(operand(self, right));
            let span = left.span.join(right.span);
            let l = Box::new(left);
            let node = match op {
                "|" => CalendarExpr::Union(l, right),
                "&" => CalendarExpr::Intersection(l, right),
                _ => CalendarExpr::Difference(l, right),
            };
            left = Spanned::new(node, span);
        }
        left
    }

    pub fn calendar(&mut self, name: &str, stmts: Vec<CalendarStmt>) -> Item {
        let name = self.id(name);
        Item::Calendar(CalendarDecl {
            name,
            body: CalendarBody::Block(stmts),
            span: self.span(30),
        })
    }

    pub fn calendar_expr(&mut self, name: &str, expr: &str) -> Item {
        let name = self.id(name);
        let e = self.expr(expr);
        Item::Calendar(CalendarDecl {
            name,
            body: CalendarBody::Expr(e),
            span: self.span(30),
        })
    }

    /// `calendar name { zone "zone"  days ranges }`.
    pub fn weekly(&mut self, name: &str, zone: &str, days: &str, ranges: &str) -> Item {
        let z = self.zone(zone);
        let h = self.hours(days, ranges);
        self.calendar(name, vec![z, h])
    }

    pub fn zone(&mut self, zone: &str) -> CalendarStmt {
        CalendarStmt::Zone(self.sp(zone.to_string(), zone.len() + 2))
    }

    pub fn range(&mut self, text: &str) -> Spanned<RangeLit> {
        let (a, b) = text.split_once('-').expect("test range");
        let start = self.sp(time(a), a.len());
        let end = self.sp(time(b), b.len());
        let span = start.span.join(end.span);
        Spanned::new(RangeLit { start, end }, span)
    }

    /// `mon-fri, sat 08:00-12:00, 13:00-17:00`.
    pub fn hours(&mut self, days: &str, ranges: &str) -> CalendarStmt {
        let days = days
            .split(',')
            .map(str::trim)
            .map(|d| {
                let node = match d.split_once('-') {
                    _ if d == "daily" => DaySpec::Daily,
                    Some((a, b)) => DaySpec::Range(a.into(), b.into()),
                    None => DaySpec::Day(d.into()),
                };
                self.sp(node, d.len())
            })
            .collect();
        let ranges = ranges.split(',').map(|r| self.range(r.trim())).collect();
        CalendarStmt::Hours {
            days,
            ranges,
            span: self.span(20),
        }
    }

    /// `closed 2026-12-25` or `closed every 12-25`, with an optional range.
    pub fn closed(&mut self, when: &str, range: Option<&str>) -> CalendarStmt {
        let node = match when.strip_prefix("every ") {
            Some(md) => {
                let (m, d) = md.split_once('-').expect("test month-day");
                DateSpec::Yearly {
                    month: m.parse().expect("test month"),
                    day: d.parse().expect("test day"),
                }
            }
            None => DateSpec::Date(date(when)),
        };
        let date = self.sp(node, when.len());
        let range = range.map(|r| self.range(r));
        CalendarStmt::Closed {
            date,
            range,
            label: None,
            span: self.span(20),
        }
    }

    pub fn open(&mut self, when: &str, ranges: &str) -> CalendarStmt {
        let date = self.sp(date(when), when.len());
        let ranges = ranges.split(',').map(|r| self.range(r.trim())).collect();
        CalendarStmt::Open {
            date,
            ranges,
            label: None,
            span: self.span(20),
        }
    }

    /// A target table from text: the first line is the header, each other
    /// line a row label and its cells.
    pub fn targets(
        &mut self,
        metric: &str,
        for_type: Option<&str>,
        on: Option<&str>,
        table: &str,
    ) -> Item {
        let metric = self.id(metric);
        let issue_type = for_type.map(|t| self.id(t));
        let calendar = on.map(|c| self.expr(c));
        let mut lines = table.lines().map(str::trim).filter(|l| !l.is_empty());
        let columns = lines.next().map(|h| self.ids(h)).unwrap_or_default();
        let rows = lines
            .map(|line| {
                let mut words = line.split_whitespace();
                let label = self.id(words.next().expect("test row label"));
                let cells: Vec<Spanned<Literal>> = words.map(|w| self.lit(w)).collect();
                let end = cells.last().map_or(label.span, |c| c.span);
                TargetRow {
                    span: label.span.join(end),
                    label,
                    cells,
                }
            })
            .collect();
        Item::Targets(TargetsDecl {
            metric,
            issue_type,
            version: None,
            calendar,
            columns,
            rows,
            span: self.span(40),
        })
    }

    pub fn metric(&mut self, name: &str, clauses: Vec<MetricClause>) -> Item {
        let name = self.id(name);
        let clauses = clauses.into_iter().map(|c| self.sp(c, 10)).collect();
        Item::Metric(MetricDecl {
            name,
            clauses,
            span: self.span(30),
        })
    }

    pub fn starts(&mut self, events: &str, after: Option<&str>) -> MetricClause {
        MetricClause::Starts {
            events: self.ids(events),
            after: after.map(|a| self.id(a)),
        }
    }

    pub fn stops(&mut self, events: &str) -> MetricClause {
        MetricClause::Stops(self.ids(events))
    }

    pub fn issue_type(&mut self, name: &str, covers: &[&str]) -> Item {
        let name = self.id(name);
        let covers = covers
            .iter()
            .map(|sel| {
                let tiers = sel
                    .split(',')
                    .map(str::trim)
                    .map(|s| {
                        let node = match s.split_once("..") {
                            _ if s == "all" => TierSel::All,
                            Some((a, b)) => TierSel::Range(a.into(), b.into()),
                            None => TierSel::One(s.into()),
                        };
                        self.sp(node, s.len())
                    })
                    .collect();
                CoversStmt {
                    tiers,
                    channels: Vec::new(),
                    no_guarantee: false,
                    note: None,
                    span: self.span(20),
                }
            })
            .collect();
        Item::Type(TypeDecl {
            name,
            description: None,
            covers,
            span: self.span(30),
        })
    }

    pub fn allow(&mut self, names: &str) -> Item {
        Item::Allow(AllowDecl {
            lints: self.ids(names),
            span: self.span(20),
        })
    }
}

/// Parses `1h30m`, `1bd`, `2d` into duration parts.
fn duration(text: &str) -> Vec<(i64, DurationUnit)> {
    let mut parts = Vec::new();
    let mut num = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            's' => DurationUnit::Seconds,
            'm' => DurationUnit::Minutes,
            'h' => DurationUnit::Hours,
            'w' => DurationUnit::Weeks,
            'b' => {
                chars.next();
                DurationUnit::BusinessDays
            }
            'd' => DurationUnit::Days,
            other => panic!("test duration unit {other}"),
        };
        parts.push((num.parse().expect("test duration number"), unit));
        num.clear();
    }
    parts
}

/// The prelude, as the parser would produce it from `src/prelude.sla`.
pub(crate) fn prelude() -> File {
    let mut b = B { pos: 1_000_000 };
    let waiting = |b: &mut B| MetricClause::Pauses(b.ids("waiting_on_customer"));
    let items = vec![
        {
            let (s, t, p) = (
                b.starts("opened", None),
                b.stops("acknowledged, replied, resolved"),
                waiting(&mut b),
            );
            b.metric("acknowledge", vec![s, t, p])
        },
        {
            let (s, t, p) = (
                b.starts("opened", None),
                b.stops("replied, resolved"),
                waiting(&mut b),
            );
            b.metric("first_response", vec![s, t, p])
        },
        {
            let s = b.starts("customer_replied", Some("first_response"));
            let (t, p) = (b.stops("replied, resolved"), waiting(&mut b));
            b.metric("follow_up", vec![s, t, MetricClause::Repeats, p])
        },
        {
            let (s, t) = (b.starts("opened", None), b.stops("resolved"));
            let periodic = MetricClause::Periodic {
                events: b.ids("replied"),
                mode: b.id("independent"),
            };
            let p = waiting(&mut b);
            b.metric("periodic_update", vec![s, t, periodic, p])
        },
        {
            let (s, t, p) = (
                b.starts("opened", None),
                b.stops("resolved, closed"),
                waiting(&mut b),
            );
            let reopen = MetricClause::OnReopen(b.id("continue"));
            b.metric("resolution", vec![s, t, p, reopen])
        },
    ];
    File { items }
}

/// Checks `file` against the prelude.
pub(crate) fn run(file: &File) -> (Option<Policy>, Vec<Diagnostic>) {
    super::super::check(file, &prelude(), "test.sla")
}

/// The codes of the diagnostics, in order.
pub(crate) fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code.as_str()).collect()
}

/// The only diagnostic with `code`.
pub(crate) fn only<'d>(diags: &'d [Diagnostic], code: &str) -> &'d Diagnostic {
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code.as_str() == code).collect();
    assert_eq!(found.len(), 1, "expected one {code}, got {diags:#?}");
    found[0]
}

/// A small valid policy: two tiers, two severities (sev1 on 24x7), a
/// business calendar as the default, a first-response table.
pub(crate) fn base(b: &mut B) -> Vec<Item> {
    vec![
        b.policy("Acme", Some("business")),
        b.weekly("business", "America/Denver", "mon-fri", "08:00-17:00"),
        b.severity("sev1", Some("24x7")),
        b.severity("sev2", None),
        b.tiers("silver < gold"),
        b.targets(
            "first_response",
            None,
            None,
            "      silver gold
             sev1  8h     4h
             sev2  16h    8h",
        ),
    ]
}
