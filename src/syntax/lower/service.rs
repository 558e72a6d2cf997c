//! Service blocks: availability objectives and quotas.

use super::{span_of, text, tier_sel, Lower, P};
use crate::ast::*;
use crate::source::Spanned;
use crate::syntax::pest::Rule;

impl Lower {
    // -- availability and quotas --------------------------------------------

    pub(super) fn availability(&mut self, decl: P<'_>) -> AvailabilityDecl {
        let (name, stmts, span) =
            self.named_block(decl, Rule::availability_stmt, Self::availability_stmt);
        AvailabilityDecl { name, stmts, span }
    }

    /// A declaration `KEYWORD name { stmt* }`: its name, its statements
    /// (each lowered by `lower` with its own span) and its span.
    fn named_block<T>(
        &mut self,
        decl: P<'_>,
        stmt_rule: Rule,
        lower: fn(&mut Self, P<'_>) -> Option<T>,
    ) -> (Ident, Vec<Spanned<T>>, crate::source::Span) {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut stmts = Vec::new();
        for p in decl.into_inner() {
            if p.as_rule() == Rule::ident {
                name = text(&p);
            } else if p.as_rule() == stmt_rule {
                if let Some(s) = p.into_inner().next() {
                    let sspan = span_of(&s);
                    if let Some(stmt) = lower(self, s) {
                        stmts.push(Spanned::new(stmt, sspan));
                    }
                }
            }
        }
        (name, stmts, span)
    }

    fn availability_stmt(&mut self, stmt: P<'_>) -> Option<AvailabilityStmt> {
        let rule = stmt.as_rule();
        let mut idents = Vec::new();
        let mut values = Vec::new();
        let mut op = None;
        let mut string = None;
        let mut fails = false;
        let mut excluded = None;
        for p in stmt.into_inner() {
            match p.as_rule() {
                Rule::signal_name | Rule::calendar_name | Rule::count_word => idents.push(text(&p)),
                Rule::fraction | Rule::interval | Rule::value => values.push(self.value(&p)),
                Rule::comparison => op = Some(text(&p)),
                Rule::string => string = Some(self.string(&p)),
                Rule::k_fails => fails = true,
                Rule::k_excluded => excluded = Some(text(&p)),
                _ => {}
            }
        }
        let mut values = values.into_iter();
        Some(match rule {
            Rule::objective_stmt => AvailabilityStmt::Objective(values.next()?),
            Rule::zone_stmt => AvailabilityStmt::Zone(string?),
            Rule::sampled_stmt => AvailabilityStmt::Sampled(values.next()?),
            Rule::down_stmt if fails => AvailabilityStmt::DownFails(idents.into_iter().next()?),
            Rule::down_stmt => AvailabilityStmt::DownThreshold {
                signal: idents.into_iter().next()?,
                op: op?,
                value: values.next()?,
            },
            Rule::excluding_stmt => AvailabilityStmt::Excluding(idents),
            Rule::maintenance_stmt => {
                AvailabilityStmt::Maintenance(excluded.or_else(|| idents.into_iter().next())?)
            }
            Rule::missing_stmt => {
                AvailabilityStmt::Missing(excluded.or_else(|| idents.into_iter().next())?)
            }
            Rule::credit_stmt => AvailabilityStmt::Credit {
                below: values.next()?,
                value: values.next()?,
            },
            _ => return None,
        })
    }

    pub(super) fn quota(&mut self, decl: P<'_>) -> QuotaDecl {
        let (name, stmts, span) = self.named_block(decl, Rule::quota_stmt, Self::quota_stmt);
        QuotaDecl { name, stmts, span }
    }

    fn quota_stmt(&mut self, stmt: P<'_>) -> Option<QuotaStmt> {
        let rule = stmt.as_rule();
        let mut value = None;
        let mut unit = None;
        let mut per = None;
        let mut sels = Vec::new();
        let mut string = None;
        for p in stmt.into_inner() {
            match p.as_rule() {
                Rule::value => value = Some(self.value(&p)),
                Rule::unit => unit = Some(text(&p)),
                Rule::per_word => per = Some(text(&p)),
                Rule::tier_sel => sels.push(tier_sel(p)),
                Rule::string => string = Some(self.string(&p)),
                _ => {}
            }
        }
        Some(match rule {
            Rule::allowance_stmt => QuotaStmt::Allowance {
                amount: value?,
                unit,
                per,
            },
            Rule::tiers_stmt => QuotaStmt::Tiers(sels),
            Rule::overage_stmt => QuotaStmt::Overage { price: value?, per },
            Rule::minimum_stmt => QuotaStmt::Minimum(value?),
            Rule::rate_stmt => QuotaStmt::Rate { price: value?, per },
            Rule::beyond_stmt => QuotaStmt::Beyond(string?),
            _ => return None,
        })
    }
}
