//! Clocks: metrics and target tables.

use super::{span_of, text, Lower, P};
use crate::ast::*;
use crate::source::Spanned;
use crate::syntax::pest::Rule;

impl Lower {
    // -- metrics ------------------------------------------------------------

    pub(super) fn metric(&mut self, decl: P<'_>) -> MetricDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut clauses = Vec::new();
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::metric_name => name = text(&p),
                Rule::metric_clause => {
                    if let Some(c) = p.into_inner().next() {
                        metric_clause(c, &mut clauses);
                    }
                }
                _ => {}
            }
        }
        MetricDecl {
            name,
            clauses,
            span,
        }
    }

    // -- targets and milestones ---------------------------------------------

    pub(super) fn targets(&mut self, decl: P<'_>) -> TargetsDecl {
        let span = span_of(&decl);
        let mut metric = Spanned::new(String::new(), span);
        let mut issue_type = None;
        let mut version = None;
        let mut calendar = None;
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::type_name => issue_type = Some(text(&p)),
                Rule::version_name => version = Some(text(&p)),
                Rule::metric_name => metric = text(&p),
                Rule::cal_expr => calendar = Some(self.cal_expr_root(p)),
                Rule::table => {
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::table_header => {
                                columns = q.into_inner().map(|c| text(&c)).collect()
                            }
                            Rule::table_row => rows.push(self.row(q)),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        TargetsDecl {
            metric,
            issue_type,
            version,
            calendar,
            columns,
            rows,
            span,
        }
    }

    pub(super) fn version(&mut self, decl: P<'_>) -> VersionDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut effective = None;
        let mut rule = Spanned::new(String::new(), span);
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::version_name => name = text(&p),
                Rule::date => effective = Some(self.date(&p)),
                Rule::version_rule => rule = text(&p),
                _ => {}
            }
        }
        let effective = effective.unwrap_or_else(|| {
            Spanned::new(
                DateLit {
                    year: 0,
                    month: 0,
                    day: 0,
                },
                span,
            )
        });
        VersionDecl {
            name,
            effective,
            rule,
            span,
        }
    }

    fn row(&mut self, row: P<'_>) -> TargetRow {
        let span = span_of(&row);
        let mut label = Spanned::new(String::new(), span);
        let mut cells = Vec::new();
        for p in row.into_inner() {
            match p.as_rule() {
                Rule::row_label => label = text(&p),
                Rule::cell => cells.push(self.value(&p)),
                _ => {}
            }
        }
        TargetRow { label, cells, span }
    }

    pub(super) fn milestone(&mut self, decl: P<'_>) -> MilestoneDecl {
        let span = span_of(&decl);
        let mut escalate = false;
        let mut metric = Spanned::new(String::new(), span);
        let mut at = Spanned::new(Literal::NoGuarantee, span);
        let mut to = Spanned::new(String::new(), span);
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::k_escalate => escalate = true,
                Rule::metric_name => metric = text(&p),
                Rule::fraction => at = self.value(&p),
                Rule::string => to = self.string(&p),
                _ => {}
            }
        }
        MilestoneDecl {
            escalate,
            metric,
            at,
            to,
            span,
        }
    }
}

/// Lowers one clause into `out`, followed by the filters of its events.
fn metric_clause(clause: P<'_>, out: &mut Vec<Spanned<MetricClause>>) {
    let span = span_of(&clause);
    let rule = clause.as_rule();
    let clause_word = match rule {
        Rule::starts_clause => "starts on",
        Rule::stops_clause => "stops on",
        _ => "periodic on",
    };
    let mut names = Vec::new();
    let mut filters = Vec::new();
    let mut words = Vec::new();
    let mut after = None;
    let mut mode = None;
    for p in clause.into_inner() {
        match p.as_rule() {
            Rule::metric_name => after = Some(text(&p)),
            Rule::event_item => {
                let item_span = span_of(&p);
                let (mut by, mut visibility) = (None, None);
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::event_name => names.push(text(&q)),
                        Rule::actor_name => by = Some(text(&q)),
                        Rule::visibility => visibility = Some(text(&q)),
                        _ => {}
                    }
                }
                if let (Some(event), true) = (names.last(), by.is_some() || visibility.is_some()) {
                    let node = MetricClause::EventFilter {
                        clause: clause_word,
                        event: event.clone(),
                        by,
                        visibility,
                    };
                    filters.push(Spanned::new(node, item_span));
                }
            }
            Rule::event_name | Rule::status_name => names.push(text(&p)),
            Rule::order_word => words.push(text(&p)),
            Rule::periodic_mode | Rule::change_mode | Rule::reopen_mode => mode = Some(text(&p)),
            _ => {}
        }
    }
    let mode = mode.unwrap_or_else(|| Spanned::new(String::new(), span));
    let node = match rule {
        Rule::starts_clause => MetricClause::Starts {
            events: names,
            after,
        },
        Rule::stops_clause => MetricClause::Stops(names),
        Rule::pauses_clause => MetricClause::Pauses(names),
        Rule::periodic_clause => MetricClause::Periodic {
            events: names,
            mode,
        },
        Rule::on_change_clause => MetricClause::OnChange(mode),
        Rule::on_reopen_clause => MetricClause::OnReopen(mode),
        Rule::resets_clause => MetricClause::Resets(names),
        Rule::order_clause => {
            let mut w = words.into_iter();
            let empty = || Spanned::new(String::new(), span);
            let first = w.next().unwrap_or_else(empty);
            let second = w.next().unwrap_or_else(empty);
            MetricClause::Order(first, second)
        }
        _ => MetricClause::Repeats,
    };
    out.push(Spanned::new(node, span));
    out.extend(filters);
}
