//! Calendars: blocks of weekly hours and dates, and calendar expressions.

use super::{span_of, text, Lower, MAX_EXPR_DEPTH, P};
use crate::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{Span, Spanned};
use crate::syntax::pest::Rule;

impl Lower {
    // -- calendars ----------------------------------------------------------

    pub(super) fn calendar(&mut self, decl: P<'_>) -> CalendarDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut stmts = Vec::new();
        let mut expr = None;
        let mut select = None;
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::select_body => select = Some(self.select_body(p)),
                Rule::calendar_name => name = text(&p),
                Rule::calendar_stmt => {
                    if let Some(stmt) = p.into_inner().next() {
                        stmts.push(self.calendar_stmt(stmt));
                    }
                }
                Rule::cal_expr => expr = Some(self.cal_expr_root(p)),
                _ => {}
            }
        }
        let body = match (expr, select) {
            (Some(e), _) => CalendarBody::Expr(e),
            (None, Some(s)) => CalendarBody::Select(s),
            (None, None) => CalendarBody::Block(stmts),
        };
        CalendarDecl { name, body, span }
    }

    fn select_body(&mut self, body: P<'_>) -> SelectDecl {
        let span = span_of(&body);
        let mut attribute = Spanned::new(String::new(), span);
        let mut cases = Vec::new();
        let mut default = None;
        for p in body.into_inner() {
            match p.as_rule() {
                Rule::attribute_name => attribute = text(&p),
                Rule::select_case => {
                    let mut value = None;
                    let mut cal = None;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::select_value => {
                                if let Some(v) = q.into_inner().next() {
                                    value = Some(if v.as_rule() == Rule::string {
                                        self.string(&v)
                                    } else {
                                        text(&v)
                                    });
                                }
                            }
                            Rule::calendar_name => cal = Some(text(&q)),
                            _ => {}
                        }
                    }
                    if let (Some(v), Some(c)) = (value, cal) {
                        cases.push((v, c));
                    }
                }
                Rule::calendar_name => default = Some(text(&p)),
                _ => {}
            }
        }
        SelectDecl {
            attribute,
            cases,
            default,
        }
    }

    fn calendar_stmt(&mut self, stmt: P<'_>) -> CalendarStmt {
        let span = span_of(&stmt);
        let rule = stmt.as_rule();
        let mut days = Vec::new();
        let mut ranges = Vec::new();
        let mut label = None;
        let mut date = None;
        let mut yearly = None;
        let mut zone = None;
        for p in stmt.into_inner() {
            match p.as_rule() {
                Rule::string if rule == Rule::zone_stmt => zone = Some(self.string(&p)),
                Rule::string => label = Some(self.string(&p)),
                Rule::day_spec => days.push(day_spec(&p)),
                Rule::time_range => ranges.push(self.time_range(p)),
                Rule::date => date = Some(self.date(&p)),
                Rule::yearly_date => {
                    let yspan = span_of(&p);
                    if let Some(md) = p.into_inner().find(|q| q.as_rule() == Rule::month_day) {
                        let (month, day) = self.month_day(&md);
                        yearly = Some(Spanned::new(DateSpec::Yearly { month, day }, yspan));
                    }
                }
                _ => {}
            }
        }
        let no_date = || {
            Spanned::new(
                DateLit {
                    year: 0,
                    month: 0,
                    day: 0,
                },
                span,
            )
        };
        match rule {
            Rule::zone_stmt => {
                CalendarStmt::Zone(zone.unwrap_or_else(|| Spanned::new(String::new(), span)))
            }
            Rule::closed_stmt => {
                let date = yearly.unwrap_or_else(|| {
                    let d = date.unwrap_or_else(no_date);
                    Spanned::new(DateSpec::Date(d.node), d.span)
                });
                CalendarStmt::Closed {
                    date,
                    range: ranges.into_iter().next(),
                    label,
                    span,
                }
            }
            Rule::open_stmt => CalendarStmt::Open {
                date: date.unwrap_or_else(no_date),
                ranges,
                label,
                span,
            },
            _ => CalendarStmt::Hours { days, ranges, span },
        }
    }

    /// Lowers a calendar expression, reporting one error if it is too deep.
    pub(super) fn cal_expr_root(&mut self, pair: P<'_>) -> Spanned<CalendarExpr> {
        let mut too_deep = false;
        let (expr, _) = self.cal_expr(pair, &mut too_deep);
        expr
    }

    /// Returns the expression and its depth. Folding stops once the depth
    /// passes [`MAX_EXPR_DEPTH`], so no huge tree is ever built.
    fn cal_expr(&mut self, pair: P<'_>, too_deep: &mut bool) -> (Spanned<CalendarExpr>, usize) {
        let span = span_of(&pair);
        let rule = pair.as_rule();
        match rule {
            Rule::always => (Spanned::new(CalendarExpr::Always, span), 1),
            Rule::calendar_name => (
                Spanned::new(CalendarExpr::Name(pair.as_str().to_string()), span),
                1,
            ),
            Rule::cal_expr | Rule::cal_term => {
                let mut acc: Option<(Spanned<CalendarExpr>, usize)> = None;
                let mut op = Rule::union_op;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::union_op | Rule::inter_op | Rule::diff_op => op = p.as_rule(),
                        Rule::lparen | Rule::rparen => {}
                        _ => {
                            if *too_deep {
                                break;
                            }
                            let rhs = self.cal_expr(p, too_deep);
                            acc = Some(match acc {
                                None => rhs,
                                Some((lhs, ldepth)) => {
                                    let depth = ldepth.max(rhs.1) + 1;
                                    if depth > MAX_EXPR_DEPTH {
                                        // The left side grows with each term of
                                        // a flat chain (`a | b | c ...`); the
                                        // right side only with parentheses.
                                        let chain = ldepth >= rhs.1;
                                        self.too_deep(span, too_deep, chain);
                                        (lhs, ldepth)
                                    } else {
                                        let s = lhs.span.join(rhs.0.span);
                                        let (l, r) = (Box::new(lhs), Box::new(rhs.0));
                                        let node = match op {
                                            Rule::inter_op => CalendarExpr::Intersection(l, r),
                                            Rule::diff_op => CalendarExpr::Difference(l, r),
                                            _ => CalendarExpr::Union(l, r),
                                        };
                                        (Spanned::new(node, s), depth)
                                    }
                                }
                            });
                        }
                    }
                }
                acc.unwrap_or_else(|| (Spanned::new(CalendarExpr::Always, span), 1))
            }
            _ => (Spanned::new(CalendarExpr::Always, span), 1),
        }
    }

    /// Reports an expression past [`MAX_EXPR_DEPTH`]: "too deeply nested"
    /// only for nesting; a flat chain of terms has "too many terms".
    fn too_deep(&mut self, span: Span, flag: &mut bool, chain: bool) {
        if !*flag {
            *flag = true;
            let (message, label) = if chain {
                (
                    "calendar expression has too many terms",
                    format!("more than {MAX_EXPR_DEPTH} terms"),
                )
            } else {
                (
                    "calendar expression is too deeply nested",
                    format!("more than {MAX_EXPR_DEPTH} levels"),
                )
            };
            self.diags.push(
                Diagnostic::new(Code::SyntaxError, span, message, label)
                    .with_help("split it into named calendars, such as `calendar part = a | b`"),
            );
        }
    }
}

fn day_spec(pair: &P<'_>) -> Spanned<DaySpec> {
    let s = pair.as_str();
    let node = match s.split_once('-') {
        Some((a, b)) => DaySpec::Range(a.to_string(), b.to_string()),
        None if s == "daily" || s == "everyday" => DaySpec::Daily,
        None => DaySpec::Day(s.to_string()),
    };
    Spanned::new(node, span_of(pair))
}
