//! Turns pest pairs into the surface tree.
//!
//! The grammar guarantees the shape of every pair, so lowering walks the
//! children of a pair by rule and ignores keywords and punctuation. Where a
//! required child is missing anyway (it cannot be, but nothing here may
//! panic), an empty placeholder is used. Values are classified in
//! `literal.rs`. Calendars, clocks (metrics and target tables) and service
//! blocks (availability and quotas) are lowered in the submodules.

mod calendar;
mod clocks;
mod service;

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
            Rule::version_decl => Item::Version(self.version(decl)),
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

    pub(super) fn string(&mut self, pair: &P<'_>) -> Str {
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

    pub(super) fn value(&mut self, pair: &P<'_>) -> Spanned<Literal> {
        let span = span_of(pair);
        match literal::classify(pair.as_str(), span.start) {
            Ok(lit) => Spanned::new(lit, span),
            Err(e) => {
                self.report(e);
                Spanned::new(Literal::NoGuarantee, span)
            }
        }
    }

    pub(super) fn date(&mut self, pair: &P<'_>) -> Spanned<DateLit> {
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

    pub(super) fn month_day(&mut self, pair: &P<'_>) -> (u32, u32) {
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

    pub(super) fn time_range(&mut self, pair: P<'_>) -> Spanned<RangeLit> {
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

    pub(super) fn duplicate(&mut self, what: &str, span: Span, first: Span) {
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
        for p in decl.into_inner() {
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

    // -- severities, tiers, types -------------------------------------------

    fn severity(&mut self, decl: P<'_>) -> SeverityDecl {
        let span = span_of(&decl);
        let mut name = Spanned::new(String::new(), span);
        let mut description = None;
        let mut aliases = Vec::new();
        let mut clock: Option<Spanned<CalendarExpr>> = None;
        let mut metric_clocks = Vec::new();
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::severity_name => name = text(&p),
                Rule::string => description = Some(self.string(&p)),
                Rule::severity_stmt => {
                    let stmt_span = span_of(&p);
                    let Some(stmt) = p.into_inner().next() else {
                        continue;
                    };
                    let mut expr = None;
                    let mut metrics = Vec::new();
                    for q in stmt.into_inner() {
                        match q.as_rule() {
                            Rule::string => aliases.push(self.string(&q)),
                            Rule::cal_expr => expr = Some(self.cal_expr_root(q)),
                            Rule::metric_name => metrics.push(text(&q)),
                            _ => {}
                        }
                    }
                    match expr {
                        // `clock CAL for METRIC, ...`: duplicates per metric
                        // are the checker's (it knows the metric names).
                        Some(e) if !metrics.is_empty() => metric_clocks.push(MetricClock {
                            metrics,
                            clock: e,
                            span: stmt_span,
                        }),
                        Some(e) => {
                            if let Some(old) = &clock {
                                self.duplicate("clock", stmt_span, old.span);
                            } else {
                                clock = Some(e);
                            }
                        }
                        None => {}
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
            metric_clocks,
            span,
        }
    }

    fn tier(&mut self, decl: P<'_>) -> TierDecl {
        let span = span_of(&decl);
        let mut idents = Vec::new();
        let mut title = None;
        let mut entitlements = Vec::new();
        for p in decl.into_inner() {
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
        for p in decl.into_inner() {
            match p.as_rule() {
                Rule::type_name => name = text(&p),
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
        let mut no_guarantee = false;
        for p in stmt.into_inner() {
            match p.as_rule() {
                Rule::tier_sel => tiers.push(tier_sel(p)),
                Rule::no_guarantee => no_guarantee = true,
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
            no_guarantee,
            note,
            span,
        }
    }
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
