//! Lints over credits, quotas, availability objectives and milestones:
//! credit tables that grant less for worse uptime or leave a gap below the
//! objective (L0501), quotas without a period (L0502), objectives whose
//! monthly error budget is smaller than one sample (L0503), and milestones
//! that can never fire (L0408). Only run when the file has no errors.

use super::Checker;
use crate::ast::{AvailabilityStmt, Item, QuotaStmt};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{CreditValue, MilestoneKind, TargetValue};
use crate::source::Span;
use crate::values::{Duration, Percent};

/// The shortest calendar month, in seconds: the month with the smallest
/// error budget.
const SHORTEST_MONTH: i64 = 28 * 86_400;

impl Checker<'_> {
    pub(crate) fn service_lints(&mut self) {
        self.credit_lints();
        self.budget_lints();
        self.quota_lints();
        self.never_firing_milestones();
    }

    /// The span of an availability block's `objective` statement.
    fn objective_span(&self, name: &str) -> Option<Span> {
        self.file.items.iter().find_map(|item| match item {
            Item::Availability(d) if d.name.node == name => d
                .stmts
                .iter()
                .find_map(|s| matches!(s.node, AvailabilityStmt::Objective(_)).then_some(s.span)),
            _ => None,
        })
    }

    /// L0501: a lower threshold granting a smaller credit, or a first
    /// threshold below the objective.
    fn credit_lints(&mut self) {
        let mut out = Vec::new();
        for a in &self.availability {
            // Credits are kept highest threshold first.
            for pair in a.credits.windows(2) {
                let (higher, lower) = (&pair[0], &pair[1]);
                if let (CreditValue::Percent(h), CreditValue::Percent(l)) =
                    (&higher.credit, &lower.credit)
                {
                    if l < h {
                        out.push(
                            Diagnostic::new(
                                Code::InconsistentCredits,
                                lower.span,
                                format!(
                                    "uptime below `{}` earns `{l}`, less than the `{h}` earned below `{}`",
                                    lower.below, higher.below
                                ),
                                "smaller credit for worse uptime",
                            )
                            .with_label(higher.span, "the larger credit for better uptime")
                            .with_help("credits normally grow as uptime falls: check the thresholds and amounts"),
                        );
                    }
                }
            }
            if let Some(first) = a.credits.first() {
                if first.below < a.objective {
                    let mut d = Diagnostic::new(
                        Code::InconsistentCredits,
                        first.span,
                        format!(
                            "uptime from `{}` up to the objective `{}` misses the objective but earns no credit",
                            first.below, a.objective
                        ),
                        "the first credit starts below the objective",
                    )
                    .with_help(format!(
                        "add a credit `below {}`, or say in a comment why missing the objective by less costs nothing",
                        a.objective
                    ));
                    if let Some(span) = self.objective_span(&a.name) {
                        d = d.with_label(span, "the objective");
                    }
                    out.push(d);
                }
            }
        }
        self.lints.extend(out);
    }

    /// L0503: an objective whose error budget in the shortest month is less
    /// than one sampling interval, so one failed sample breaks it.
    fn budget_lints(&mut self) {
        let mut out = Vec::new();
        for a in &self.availability {
            let down = Percent::WHOLE - a.objective.0;
            // budget = down / WHOLE * month < sample, in exact integers.
            if down * SHORTEST_MONTH >= a.sample_seconds * Percent::WHOLE {
                continue;
            }
            let budget = down * SHORTEST_MONTH / Percent::WHOLE;
            let span = self.objective_span(&a.name).unwrap_or(a.span);
            out.push(
                Diagnostic::new(
                    Code::BudgetBelowSample,
                    span,
                    format!(
                        "`{}` leaves {} of downtime in a 28-day month, less than one sample every {}",
                        a.objective,
                        Duration::Seconds(budget),
                        Duration::Seconds(a.sample_seconds)
                    ),
                    "one failed sample misses this objective",
                )
                .with_help("sample more often (`sampled every 10s`), or check the objective's digits"),
            );
        }
        self.lints.extend(out);
    }

    /// L0502: a quota allowance without `per day|week|month|year`.
    fn quota_lints(&mut self) {
        let mut out = Vec::new();
        for item in &self.file.items {
            let Item::Quota(q) = item else { continue };
            for s in &q.stmts {
                if let QuotaStmt::Allowance { per: None, .. } = &s.node {
                    out.push(
                        Diagnostic::new(
                            Code::QuotaWithoutPeriod,
                            s.span,
                            format!("the quota `{}` does not say what period its allowance renews over", q.name.node),
                            "per day, week, month or year?",
                        )
                        .with_help("add the period the contract gives, such as `per month`; for a one-off allowance say so in a comment and allow the lint"),
                    );
                }
            }
        }
        self.lints.extend(out);
    }

    /// L0408: a `warn` or `escalate` on a metric that has no target anywhere
    /// (every cell `-`, or no table), which can never fire.
    fn never_firing_milestones(&mut self) {
        let mut out = Vec::new();
        for m in &self.milestones {
            let has_target = self.targets.iter().any(|t| {
                t.metric == m.metric
                    && matches!(t.value, TargetValue::Within { .. } | TargetValue::By { .. })
            });
            if has_target {
                continue;
            }
            let name = self
                .out_metrics
                .get(m.metric.0 as usize)
                .map_or("?", |x| x.name.as_str());
            let kind = match m.kind {
                MilestoneKind::Warn => "warn",
                MilestoneKind::Escalate => "escalate",
            };
            out.push(
                Diagnostic::new(
                    Code::NeverEvaluated,
                    m.span,
                    format!(
                        "`{kind} {name} at {}` can never fire: `{name}` has no target",
                        m.at
                    ),
                    "a share of no target",
                )
                .with_help(format!(
                    "give `{name}` a target in a `targets {name}` table, or remove this line"
                )),
            );
        }
        self.lints.extend(out);
    }
}
