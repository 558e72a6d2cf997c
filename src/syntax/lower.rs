//! Turns pest pairs into the surface tree.
//!
//! The grammar guarantees the shape of every pair, so lowering walks the
//! children of a pair by rule and ignores keywords and punctuation. Where a
//! required child is missing anyway (it cannot be, but nothing here may
//! panic), an empty placeholder is used. Values are classified in
//! `literal.rs`.

use super::literal::{self, LiteralError};
use super::pest::Rule;
use crate::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{Span, Spanned};
use ::pest::iterators::{Pair, Pairs};

/// The deepest calendar expression tree accepted (operators and parentheses
/// together). Deeper trees would make every later recursive pass risky.
pub(crate) const MAX_EXPR_DEPTH: usize = 200;

type P<'i> = Pair<'i, Rule>;

/// Lowers the pairs of a successful parse of `Rule::file`.
pub(crate) fn file(pairs: Pairs<'_, Rule>) -> (File, Vec<Diagnostic>) {
    let mut lower = Lower { diags: Vec::new() };
    let mut items = Vec::new();
    for file in pairs {
        for item in file.into_inner() {
            if item.as_rule() != Rule::item {
                continue;
            }
            if let Some(decl) = item.into_inner().next() {
                if let Some(item) = lower.item(decl) {
                    items.push(item);
                }
            }
        }
    }
    (File { items }, lower.diags)
}

/// The span of a pair without the trailing whitespace and comments that
/// pest includes when a rule ends in an optional part that matched nothing:
/// it ends where its last child ends.
fn span_of(pair: &P<'_>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), end_of(pair))
}

fn end_of(pair: &P<'_>) -> usize {
    match pair.clone().into_inner().last() {
        Some(last) => end_of(&last),
        None => pair.as_span().end(),
    }
}

/// The children of `pair` with rule `rule`.
fn only<'i>(pair: P<'i>, rule: Rule) -> impl Iterator<Item = P<'i>> {
    pair.into_inner().filter(move |p| p.as_rule() == rule)
}

fn text(pair: &P<'_>) -> Spanned<String> {
    Spanned::new(pair.as_str().to_string(), span_of(pair))
}

struct Lower {
    diags: Vec<Diagnostic>,
}

impl Lower {
    fn item(&mut self, decl: P<'_>) -> Option<Item> {
        Some(match decl.as_rule() {
            Rule::import_decl => Item::Import(self.first_string(decl)),
            Rule::policy_decl => Item::Policy(self.policy(decl)),
            Rule::calendar_decl => Item::Calendar(self.calendar(decl)),
            Rule::severity_decl => Item::Severity(self.severity(decl)),
            Rule::tier_order => {
                let span = span_of(&decl);
                let tiers = only(decl, Rule::tier_name).map(|p| text(&p)).collect();
                Item::TierOrder(TierOrder { tiers, span })
            }
            Rule::tier_decl => Item::Tier(self.tier(decl)),
            Rule::type_decl => Item::Type(self.issue_type(decl)),
            Rule::metric_decl => Item::Metric(self.metric(decl)),
            Rule::targets_decl => Item::Targets(self.targets(decl)),
            Rule::milestone_decl => Item::Milestone(self.milestone(decl)),
            Rule::availability_decl => Item::Availability(self.availability(decl)),
            Rule::quota_decl => Item::Quota(self.quota(decl)),
            Rule::allow_decl => {
                let span = span_of(&decl);
                let lints = only(decl, Rule::lint_name).map(|p| text(&p)).collect();
                Item::Allow(AllowDecl { lints, span })
            }
            _ => return None,
        })
    }

    // -- leaves -------------------------------------------------------------

    fn string(&mut self, pair: &P<'_>) -> Str {
        let span = span_of(pair);
        match literal::unescape(pair.as_str(), span.start) {
            Ok(s) => Spanned::new(s, span),
            Err(e) => {
                self.report(e);
                Spanned::new(String::new(), span)
            }
        }
    }

    fn first_string(&mut self, pair: P<'_>) -> Str {
        let span = span_of(&pair);
        match pair.into_inner().find(|p| p.as_rule() == Rule::string) {
            Some(p) => self.string(&p),
            None => Spanned::new(String::new(), span),
        }
    }

    fn value(&mut self, pair: &P<'_>) -> Spanned<Literal> {
        let span = span_of(pair);
        match literal::classify(pair.as_str(), span.start) {
            Ok(lit) => Spanned::new(lit, span),
            Err(e) => {
                self.report(e);
                Spanned::new(Literal::NoGuarantee, span)
            }
        }
    }

    fn date(&mut self, pair: &P<'_>) -> Spanned<DateLit> {
        let span = span_of(pair);
        let mut nums = self.numbers(pair, '-').into_iter();
        let year = nums.next().unwrap_or(0);
        let month = nums.next().unwrap_or(0);
        let day = nums.next().unwrap_or(0);
        let year = i32::try_from(year).unwrap_or_else(|_| {
            self.report(LiteralError::too_large(pair.as_str(), span));
            0
        });
        Spanned::new(DateLit { year, month, day }, span)
    }

    fn month_day(&mut self, pair: &P<'_>) -> (u32, u32) {
        let mut nums = self.numbers(pair, '-').into_iter();
        (nums.next().unwrap_or(0), nums.next().unwrap_or(0))
    }

    fn time(&mut self, pair: &P<'_>) -> Spanned<TimeLit> {
        let mut nums = self.numbers(pair, ':').into_iter();
        let hour = nums.next().unwrap_or(0);
        let minute = nums.next().unwrap_or(0);
        Spanned::new(TimeLit { hour, minute }, span_of(pair))
    }

    /// The numbers of a date or time, separated by `sep`.
    fn numbers(&mut self, pair: &P<'_>, sep: char) -> Vec<u32> {
        let span = span_of(pair);
        let mut out = Vec::new();
        for part in pair.as_str().split(sep) {
            match part.parse::<u32>() {
                Ok(n) => out.push(n),
                Err(_) => {
                    self.report(LiteralError::too_large(pair.as_str(), span));
                    out.push(0);
                }
            }
        }
        out
    }

    fn time_range(&mut self, pair: P<'_>) -> Spanned<RangeLit> {
        let span = span_of(&pair);
        let mut times = pair.into_inner().filter(|p| p.as_rule() == Rule::time);
        let placeholder = || Spanned::new(TimeLit { hour: 0, minute: 0 }, span);
        let start = times.next().map_or_else(placeholder, |p| self.time(&p));
        let end = times.next().map_or_else(placeholder, |p| self.time(&p));
        Spanned::new(RangeLit { start, end }, span)
    }

    fn report(&mut self, e: LiteralError) {
        let mut d = Diagnostic::new(Code::SyntaxError, e.span, e.message, e.label);
        if let Some(help) = e.help {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    fn duplicate(&mut self, what: &str, span: Span, first: Span) {
        self.diags.push(
            Diagnostic::new(
                Code::DuplicateEntry,
                span,
                format!("`{what}` is given twice"),
                "given again here",
            )
            .with_label(first, "first given here")
            .with_help(format!("keep one `{what}`")),
        );
    }

    // -- policy -------------------------------------------------------------

    fn policy(&mut self, decl: P<'_>) -> PolicyDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut provider: Option<Str> = None;
        let mut effective: Option<Spanned<DateLit>> = None;
        let mut calendar: Option<Ident> = None;
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::string => name = self.string(&p),
                Rule::policy_stmt => {
                    let stmt_span = span_of(&p);
                    let Some(stmt) = p.into_inner().next() else {
                        continue;
                    };
                    let Some(arg) = stmt.clone().into_inner().last() else {
                        continue;
                    };
                    match stmt.as_rule() {
                        Rule::policy_provider => {
                            if let Some(old) = &provider {
                                self.duplicate("provider", stmt_span, old.span);
                            } else {
                                provider = Some(self.string(&arg));
                            }
                        }
                        Rule::policy_effective => {
                            if let Some(old) = &effective {
                                self.duplicate("effective", stmt_span, old.span);
                            } else {
                                effective = Some(self.date(&arg));
                            }
                        }
                        Rule::policy_calendar => {
                            if let Some(old) = &calendar {
                                self.duplicate("calendar", stmt_span, old.span);
                            } else {
                                calendar = Some(text(&arg));
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        PolicyDecl {
            name,
            provider,
            effective,
            calendar,
            span,
        }
    }

    // -- calendars ----------------------------------------------------------

    fn calendar(&mut self, decl: P<'_>) -> CalendarDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut stmts = Vec::new();
        let mut expr = None;
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::ident => name = text(&p),
                Rule::calendar_stmt => {
                    if let Some(stmt) = p.into_inner().next() {
                        stmts.push(self.calendar_stmt(stmt));
                    }
                }
                Rule::cal_expr => expr = Some(self.cal_expr_root(p)),
                _ => {}
            }
        }
        let body = match expr {
            Some(e) => CalendarBody::Expr(e),
            None => CalendarBody::Block(stmts),
        };
        CalendarDecl { name, body, span }
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
        for p in Pair::into_inner(stmt) {
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
    fn cal_expr_root(&mut self, pair: P<'_>) -> Spanned<CalendarExpr> {
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
                                        self.too_deep(span, too_deep);
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

    fn too_deep(&mut self, span: Span, flag: &mut bool) {
        if !*flag {
            *flag = true;
            self.diags.push(
                Diagnostic::new(
                    Code::SyntaxError,
                    span,
                    "calendar expression is too deeply nested",
                    format!("more than {MAX_EXPR_DEPTH} levels"),
                )
                .with_help("split it into named calendars, such as `calendar part = a | b`"),
            );
        }
    }

    // -- severities, tiers, types -------------------------------------------

    fn severity(&mut self, decl: P<'_>) -> SeverityDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut description = None;
        let mut aliases = Vec::new();
        let mut clock: Option<Spanned<CalendarExpr>> = None;
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::ident => name = text(&p),
                Rule::string => description = Some(self.string(&p)),
                Rule::severity_stmt => {
                    let stmt_span = span_of(&p);
                    let Some(stmt) = p.into_inner().next() else {
                        continue;
                    };
                    for q in Pair::into_inner(stmt) {
                        match q.as_rule() {
                            Rule::string => aliases.push(self.string(&q)),
                            Rule::cal_expr => {
                                if let Some(old) = &clock {
                                    self.duplicate("clock", stmt_span, old.span);
                                } else {
                                    clock = Some(self.cal_expr_root(q));
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
        SeverityDecl {
            name,
            description,
            aliases,
            clock,
            span,
        }
    }

    fn tier(&mut self, decl: P<'_>) -> TierDecl {
        let span = span_of(&decl);
        let mut idents = Vec::new();
        let mut title = None;
        let mut entitlements = Vec::new();
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::tier_name => idents.push(text(&p)),
                Rule::string => title = Some(self.string(&p)),
                Rule::entitlement => {
                    let espan = span_of(&p);
                    let mut name = Spanned::new(String::new(), espan);
                    let mut value = None;
                    for q in p.into_inner() {
                        match q.as_rule() {
                            Rule::entitlement_name => name = text(&q),
                            Rule::value => value = Some(self.value(&q)),
                            _ => {}
                        }
                    }
                    entitlements.push(EntitlementDecl {
                        name,
                        value,
                        span: espan,
                    });
                }
                _ => {}
            }
        }
        let mut idents = idents.into_iter();
        TierDecl {
            name: idents
                .next()
                .unwrap_or_else(|| Spanned::new(String::new(), span)),
            title,
            extends: idents.next(),
            entitlements,
            span,
        }
    }

    fn issue_type(&mut self, decl: P<'_>) -> TypeDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut description = None;
        let mut covers = Vec::new();
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::ident => name = text(&p),
                Rule::string => description = Some(self.string(&p)),
                Rule::covers_stmt => covers.push(self.covers(p)),
                _ => {}
            }
        }
        TypeDecl {
            name,
            description,
            covers,
            span,
        }
    }

    fn covers(&mut self, stmt: P<'_>) -> CoversStmt {
        let span = span_of(&stmt);
        let mut tiers = Vec::new();
        let mut channels = Vec::new();
        let mut note = None;
        for p in stmt.into_inner() {
            match p.as_rule() {
                Rule::tier_sel => tiers.push(tier_sel(p)),
                Rule::via_list => {
                    for q in only(p, Rule::string) {
                        channels.push(self.string(&q));
                    }
                }
                Rule::string => note = Some(self.string(&p)),
                _ => {}
            }
        }
        CoversStmt {
            tiers,
            channels,
            note,
            span,
        }
    }

    // -- metrics ------------------------------------------------------------

    fn metric(&mut self, decl: P<'_>) -> MetricDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut clauses = Vec::new();
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::ident => name = text(&p),
                Rule::metric_clause => {
                    if let Some(c) = p.into_inner().next() {
                        clauses.push(metric_clause(c));
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

    fn targets(&mut self, decl: P<'_>) -> TargetsDecl {
        let span = span_of(&decl);
        let mut metric = Spanned::new(String::new(), span);
        let mut issue_type = None;
        let mut calendar = None;
        let mut columns = Vec::new();
        let mut rows = Vec::new();
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::type_name => issue_type = Some(text(&p)),
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
            calendar,
            columns,
            rows,
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

    fn milestone(&mut self, decl: P<'_>) -> MilestoneDecl {
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

    // -- availability and quotas --------------------------------------------

    fn availability(&mut self, decl: P<'_>) -> AvailabilityDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut stmts = Vec::new();
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::ident => name = text(&p),
                Rule::availability_stmt => {
                    if let Some(s) = p.into_inner().next() {
                        let sspan = span_of(&s);
                        if let Some(stmt) = self.availability_stmt(s) {
                            stmts.push(Spanned::new(stmt, sspan));
                        }
                    }
                }
                _ => {}
            }
        }
        AvailabilityDecl { name, stmts, span }
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

    fn quota(&mut self, decl: P<'_>) -> QuotaDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut stmts = Vec::new();
        for p in Pair::into_inner(decl) {
            match p.as_rule() {
                Rule::ident => name = text(&p),
                Rule::quota_stmt => {
                    if let Some(s) = p.into_inner().next() {
                        let sspan = span_of(&s);
                        if let Some(stmt) = self.quota_stmt(s) {
                            stmts.push(Spanned::new(stmt, sspan));
                        }
                    }
                }
                _ => {}
            }
        }
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
            Rule::beyond_stmt => QuotaStmt::Beyond(string?),
            _ => return None,
        })
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

fn tier_sel(pair: P<'_>) -> Spanned<TierSel> {
    let span = span_of(&pair);
    let node = match pair.into_inner().next() {
        Some(p) if p.as_rule() == Rule::k_all => TierSel::All,
        Some(p) if p.as_rule() == Rule::tier_range => {
            let mut names = p.into_inner().map(|q| q.as_str().to_string());
            let a = names.next().unwrap_or_default();
            let b = names.next().unwrap_or_default();
            TierSel::Range(a, b)
        }
        Some(p) => TierSel::One(p.as_str().to_string()),
        None => TierSel::One(String::new()),
    };
    Spanned::new(node, span)
}

fn metric_clause(clause: P<'_>) -> Spanned<MetricClause> {
    let span = span_of(&clause);
    let rule = clause.as_rule();
    let mut names = Vec::new();
    let mut after = None;
    let mut mode = None;
    for p in clause.into_inner() {
        match p.as_rule() {
            Rule::metric_name => after = Some(text(&p)),
            Rule::event_name | Rule::status_name => names.push(text(&p)),
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
        _ => MetricClause::Repeats,
    };
    Spanned::new(node, span)
}
