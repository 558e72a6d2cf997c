//! Availability objectives and quotas.
//!
//! Defaults when a block does not say: samples every minute; maintenance
//! windows count as up (the provider planned them, and most contracts word
//! them as "not downtime"); missing samples leave the denominator; the
//! zone of the policy's default calendar when it is weekly, else `UTC`.

use super::metrics::keyword;
use super::values::money;
use super::{duplicate_entry, duplicate_name, Checker, Names, Slot};
use crate::ast::{AvailabilityStmt, Ident, Item, Literal, QuotaStmt};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, CmpOp, CreditValue, MaintenanceRule, MissingRule, Period};
use crate::source::Span;
use crate::values::Percent;

const DEFAULT_SAMPLE_SECONDS: i64 = 60;

/// Remembers which statements of a block were given, for E0111.
#[derive(Default)]
struct Once(Vec<(&'static str, Span)>);

impl Once {
    fn first(&mut self, kind: &'static str, span: Span) -> Option<Span> {
        if let Some(&(_, first)) = self.0.iter().find(|(k, _)| *k == kind) {
            return Some(first);
        }
        self.0.push((kind, span));
        None
    }
}

impl Checker<'_> {
    fn default_zone(&self) -> String {
        let mut cal = match self.default_calendar {
            Slot::Known(id) => id,
            _ => return "UTC".into(),
        };
        // A default chosen per ticket: its default case, else its first.
        if let ir::CalendarDef::Select(s) = &self.calendars[cal.index()].def {
            match s.default.or(s.cases.first().map(|c| c.calendar)) {
                Some(id) => cal = id,
                None => return "UTC".into(),
            }
        }
        match &self.calendars[cal.index()].def {
            ir::CalendarDef::Weekly(w) => w.zone.clone(),
            ir::CalendarDef::Expr { .. } | ir::CalendarDef::Select(_) => "UTC".into(),
        }
    }

    /// An amount of money (`$2`), reported when it is something else or
    /// cannot be held exactly.
    fn price(
        &mut self,
        price: &crate::source::Spanned<Literal>,
        help: &str,
    ) -> Option<crate::values::Money> {
        match &price.node {
            Literal::Money(text) => {
                let m = money(text);
                if m.is_none() {
                    self.invalid(
                        price.span,
                        format!("`${text}` is not an amount of money slate can hold exactly"),
                        "invalid amount",
                        "write dollars with at most two decimals, such as `$2.50`",
                    );
                }
                m
            }
            other => {
                self.mismatch(price.span, "an amount of money such as `$2`", other, help);
                None
            }
        }
    }

    /// `availability` blocks.
    pub(crate) fn check_availability(&mut self) {
        let file = self.file;
        let mut names = Names::default();
        for item in &file.items {
            let Item::Availability(decl) = item else {
                continue;
            };
            if let Err(first) = names.declare(&decl.name.node, decl.name.span) {
                self.error(duplicate_name(
                    "availability objective",
                    &decl.name.node,
                    decl.name.span,
                    first,
                ));
                continue;
            }
            let name = &decl.name.node;
            let mut once = Once::default();
            let mut out = ir::Availability {
                name: name.clone(),
                objective: Percent(Percent::WHOLE),
                zone: self.default_zone(),
                sample_seconds: DEFAULT_SAMPLE_SECONDS,
                down: Vec::new(),
                excluding: Vec::new(),
                maintenance: MaintenanceRule::CountsAsUp,
                missing: MissingRule::Excluded,
                credits: Vec::new(),
                span: decl.span,
            };
            let mut has_objective = false;
            for stmt in &decl.stmts {
                let kind = match &stmt.node {
                    AvailabilityStmt::Objective(_) => "objective",
                    AvailabilityStmt::Zone(_) => "zone",
                    AvailabilityStmt::Sampled(_) => "sampling interval",
                    AvailabilityStmt::Maintenance(_) => "maintenance rule",
                    AvailabilityStmt::Missing(_) => "missing-sample rule",
                    // Several of these may be given: any down rule makes a sample down.
                    AvailabilityStmt::DownThreshold { .. }
                    | AvailabilityStmt::DownFails(_)
                    | AvailabilityStmt::Excluding(_)
                    | AvailabilityStmt::Credit { .. } => "",
                };
                if !kind.is_empty() {
                    if let Some(first) = once.first(kind, stmt.span) {
                        let what = format!("the {kind} of availability `{name}`");
                        self.error(duplicate_entry(&what, stmt.span, first));
                        continue;
                    }
                }
                match &stmt.node {
                    AvailabilityStmt::Objective(lit) => {
                        has_objective = true;
                        if let Some(p) = self.uptime(lit.span, lit, "objective") {
                            out.objective = p;
                        }
                    }
                    AvailabilityStmt::Zone(z) => {
                        if self.zone(z) {
                            out.zone = z.node.clone();
                        }
                    }
                    AvailabilityStmt::Sampled(lit) => {
                        let help = "samples are taken every fixed interval, such as `1m`";
                        match self.clock_seconds(lit, help) {
                            Some(s) if s > 0 => out.sample_seconds = s,
                            Some(_) => self.invalid(
                                lit.span,
                                "the sampling interval must be longer than zero".into(),
                                "zero interval",
                                help,
                            ),
                            None => {}
                        }
                    }
                    AvailabilityStmt::DownThreshold { signal, op, value } => {
                        let op_ident = Ident::new(op.node.clone(), op.span);
                        let ops = [
                            (">", CmpOp::Gt),
                            (">=", CmpOp::Ge),
                            ("<", CmpOp::Lt),
                            ("<=", CmpOp::Le),
                        ];
                        let op = keyword(self, &op_ident, "comparison", &ops);
                        let value = self
                            .percent(value, "a downtime threshold is a percentage, such as `5%`");
                        if let (Some(op), Some(value)) = (op, value) {
                            out.down.push(ir::DownRule::Threshold {
                                signal: signal.node.clone(),
                                op,
                                value,
                            });
                        }
                    }
                    AvailabilityStmt::DownFails(check) => {
                        out.down.push(ir::DownRule::Fails {
                            check: check.node.clone(),
                        });
                    }
                    AvailabilityStmt::Excluding(cals) => {
                        for c in cals {
                            if let Some(id) = self
                                .calendar_ref(&c.node, c.span)
                                .filter(|&id| self.needs_hours(id, c.span, "as maintenance"))
                            {
                                if !out.excluding.contains(&id) {
                                    out.excluding.push(id);
                                }
                            }
                        }
                    }
                    AvailabilityStmt::Maintenance(word) => {
                        let rules = [
                            ("up", MaintenanceRule::CountsAsUp),
                            ("excluded", MaintenanceRule::Excluded),
                        ];
                        if let Some(r) = keyword(self, word, "maintenance rule", &rules) {
                            out.maintenance = r;
                        }
                    }
                    AvailabilityStmt::Missing(word) => {
                        let rules = [
                            ("up", MissingRule::Up),
                            ("down", MissingRule::Down),
                            ("excluded", MissingRule::Excluded),
                        ];
                        if let Some(r) = keyword(self, word, "missing-sample rule", &rules) {
                            out.missing = r;
                        }
                    }
                    AvailabilityStmt::Credit { below, value } => {
                        let Some(threshold) = self.uptime(below.span, below, "credit threshold")
                        else {
                            continue;
                        };
                        if let Some(first) = out.credits.iter().find(|c| c.below == threshold) {
                            let what = format!("the credit below `{threshold}`");
                            let first = first.span;
                            self.error(duplicate_entry(&what, stmt.span, first));
                            continue;
                        }
                        let credit = match &value.node {
                            Literal::Percent(_) => {
                                self.percent(value, "").map(CreditValue::Percent)
                            }
                            Literal::Str(s) => Some(CreditValue::Text(s.clone())),
                            other => {
                                self.mismatch(
                                    value.span,
                                    "a percentage of the fees or the contract's words in quotes",
                                    other,
                                    "write a credit such as `10%` or `\"as mutually agreed\"`",
                                );
                                None
                            }
                        };
                        if let Some(credit) = credit {
                            out.credits.push(ir::Credit {
                                below: threshold,
                                credit,
                                span: stmt.span,
                            });
                        }
                    }
                }
            }
            if !has_objective {
                let diag = Diagnostic::new(
                    Code::MissingSetting,
                    decl.name.span,
                    format!("availability `{name}` has no objective"),
                    "no `objective`",
                )
                .with_help("add the promised uptime, such as `objective 99.9% per calendar month`");
                self.error(diag);
            }
            out.credits.sort_by_key(|c| std::cmp::Reverse(c.below));
            self.availability.push(out);
        }
    }

    /// An uptime percentage: above 0% and at most 100%.
    fn uptime(
        &mut self,
        span: Span,
        lit: &crate::source::Spanned<Literal>,
        what: &str,
    ) -> Option<Percent> {
        let p = self.percent(lit, "uptime is a percentage, such as `99.9%`")?;
        if p.0 > Percent::WHOLE || p.0 <= 0 {
            self.invalid(
                span,
                format!("an uptime {what} of `{p}` is impossible"),
                "must be above 0% and at most 100%",
                "write the uptime as a percentage of the month, such as `99.9%`",
            );
            return None;
        }
        Some(p)
    }

    /// `quota` blocks.
    pub(crate) fn check_quotas(&mut self) {
        let file = self.file;
        let mut names = Names::default();
        for item in &file.items {
            let Item::Quota(decl) = item else { continue };
            if let Err(first) = names.declare(&decl.name.node, decl.name.span) {
                self.error(duplicate_name(
                    "quota",
                    &decl.name.node,
                    decl.name.span,
                    first,
                ));
                continue;
            }
            let name = &decl.name.node;
            let mut once = Once::default();
            let mut amount = None;
            let mut has_amount = false;
            let mut out = ir::Quota {
                name: name.clone(),
                tiers: Vec::new(),
                amount: ir::Amount::Count {
                    count: 0,
                    unit: "units".into(),
                },
                per: None,
                overage: None,
                rate: None,
                minimum: None,
                beyond: None,
                span: decl.span,
            };
            for stmt in &decl.stmts {
                let kind = match &stmt.node {
                    QuotaStmt::Allowance { .. } => "allowance",
                    QuotaStmt::Tiers(_) => "tiers",
                    QuotaStmt::Overage { .. } => "overage price",
                    QuotaStmt::Minimum(_) => "minimum",
                    QuotaStmt::Rate { .. } => "hourly rate",
                    QuotaStmt::Beyond(_) => "`beyond` text",
                };
                if let Some(first) = once.first(kind, stmt.span) {
                    let what = format!("the {kind} of quota `{name}`");
                    self.error(duplicate_entry(&what, stmt.span, first));
                    continue;
                }
                match &stmt.node {
                    QuotaStmt::Allowance {
                        amount: lit,
                        unit,
                        per,
                    } => {
                        has_amount = true;
                        amount = match &lit.node {
                            Literal::Int(n) if *n >= 0 => Some(ir::Amount::Count {
                                count: *n,
                                unit: unit
                                    .as_ref()
                                    .map_or_else(|| "units".into(), |u| u.node.clone()),
                            }),
                            Literal::Int(n) => {
                                self.invalid(
                                    lit.span,
                                    format!("the allowance `{n}` is negative"),
                                    "negative allowance",
                                    "write how many are included, from 0",
                                );
                                None
                            }
                            Literal::Duration(parts) => self
                                .duration_parts(parts, lit.span)
                                .map(|d| ir::Amount::Time { duration: d.value }),
                            other => {
                                self.mismatch(
                                    lit.span,
                                    "a whole number or a duration",
                                    other,
                                    "write an allowance such as `10 requests` or `8h`",
                                );
                                None
                            }
                        };
                        if let Some(p) = per {
                            let periods = [
                                ("day", Period::Day),
                                ("week", Period::Week),
                                ("month", Period::Month),
                                ("year", Period::Year),
                            ];
                            out.per = keyword(self, p, "period", &periods);
                        }
                    }
                    QuotaStmt::Tiers(sels) => {
                        out.tiers = self.tier_selectors(sels).unwrap_or_default()
                    }
                    QuotaStmt::Overage { price, .. } => {
                        out.overage = self.price(
                            price,
                            "write the price per unit beyond the allowance, such as `$2`",
                        );
                    }
                    QuotaStmt::Rate { price, per } => {
                        out.rate = self.price(
                            price,
                            "write the hourly rate of billed time, such as `rate $150 per hour`",
                        );
                        if let Some(p) = per.as_ref().filter(|p| p.node != "hour") {
                            self.invalid(
                                p.span,
                                format!("a rate is per hour, not per `{}`", p.node),
                                "not `hour`",
                                "write `rate $150 per hour`",
                            );
                        }
                    }
                    QuotaStmt::Minimum(lit) => {
                        out.minimum = self
                            .any_duration(
                                lit,
                                "write the minimum charge as a duration, such as `30m`",
                            )
                            .map(|d| d.value);
                    }
                    QuotaStmt::Beyond(text) => out.beyond = Some(text.node.clone()),
                }
            }
            match amount {
                Some(a) => out.amount = a,
                None if !has_amount => {
                    let diag = Diagnostic::new(
                        Code::MissingSetting,
                        decl.name.span,
                        format!("quota `{name}` has no allowance"),
                        "no allowance",
                    )
                    .with_help(
                        "say what is included, such as `10 requests per month` or `8h per year`",
                    );
                    self.error(diag);
                }
                None => {}
            }
            self.quotas.push(out);
        }
    }
}
