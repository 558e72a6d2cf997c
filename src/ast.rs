//! The spanned surface tree produced by [`crate::syntax`].
//!
//! It is permissive on purpose: names are plain identifiers, numbers, times
//! and dates are kept as written (`25:00` and `2026-02-30` parse fine), and
//! value literals are kept with their lexical kind. The checker resolves
//! names, validates values and reports every problem with its span.

use crate::source::{Span, Spanned};

/// An identifier as written.
pub type Ident = Spanned<String>;

/// A string literal's contents (escapes resolved) with its span.
pub type Str = Spanned<String>;

/// A whole `.sla` file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct File {
    /// Top-level declarations in source order.
    pub items: Vec<Item>,
}

/// A top-level declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// `import "other.sla"`.
    Import(Str),
    /// `policy "Name" { ... }`.
    Policy(PolicyDecl),
    /// `calendar name { ... }` or `calendar name = expr`.
    Calendar(CalendarDecl),
    /// `severity name "description" { ... }`.
    Severity(SeverityDecl),
    /// `tiers a < b < c`.
    TierOrder(TierOrder),
    /// `tier name "Title" extends other { ... }`.
    Tier(TierDecl),
    /// `type name "description" { covers ... }`.
    Type(TypeDecl),
    /// `metric name { ... }`.
    Metric(MetricDecl),
    /// `targets metric for type in version on calendar { table }`.
    Targets(TargetsDecl),
    /// `version name effective 2026-07-01 pinned|re-evaluated`.
    Version(VersionDecl),
    /// `warn metric at 75% to "..."` / `escalate ...`.
    Milestone(MilestoneDecl),
    /// `availability name { ... }`.
    Availability(AvailabilityDecl),
    /// `quota name { ... }`.
    Quota(QuotaDecl),
    /// `allow tier-inversion, L0302`.
    Allow(AllowDecl),
}

/// The `policy` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyDecl {
    /// The policy's name.
    pub name: Str,
    /// `provider "..."`.
    pub provider: Option<Str>,
    /// `effective YYYY-MM-DD`.
    pub effective: Option<Spanned<DateLit>>,
    /// `calendar name`: the default clock.
    pub calendar: Option<Ident>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// A calendar declaration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarDecl {
    /// Its name.
    pub name: Ident,
    /// Its body.
    pub body: CalendarBody,
    /// Span of the whole declaration.
    pub span: Span,
}

/// What a calendar is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarBody {
    /// `{ zone ...  mon-fri 08:00-16:00  closed ... }`.
    Block(Vec<CalendarStmt>),
    /// `= a | b`.
    Expr(Spanned<CalendarExpr>),
    /// `by region { eu: eu_desk } default us_desk`.
    Select(SelectDecl),
}

/// A calendar chosen per ticket by an attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectDecl {
    /// The ticket attribute (`region`).
    pub attribute: Ident,
    /// `value: calendar` cases in order.
    pub cases: Vec<(Str, Ident)>,
    /// `default calendar`.
    pub default: Option<Ident>,
}

/// `version NAME effective DATE RULE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionDecl {
    /// Its name.
    pub name: Ident,
    /// The first date it is in force.
    pub effective: Spanned<DateLit>,
    /// `pinned` or `re-evaluated`, as written.
    pub rule: Ident,
    /// Span of the whole declaration.
    pub span: Span,
}

/// A statement inside a calendar block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarStmt {
    /// `zone "America/Chicago"`.
    Zone(Str),
    /// `mon-fri 08:00-16:00, 17:00-18:00`.
    Hours {
        /// The days, as written.
        days: Vec<Spanned<DaySpec>>,
        /// The ranges open on each of those days.
        ranges: Vec<Spanned<RangeLit>>,
        /// Span of the statement.
        span: Span,
    },
    /// `closed 2026-12-25 "Christmas"`, `closed every 01-01`, `closed 2026-12-24 12:00-24:00`.
    Closed {
        /// Which date(s).
        date: Spanned<DateSpec>,
        /// The closed part, when not the whole date.
        range: Option<Spanned<RangeLit>>,
        /// The label.
        label: Option<Str>,
        /// Span of the statement.
        span: Span,
    },
    /// `open 2026-12-27 10:00-14:00`.
    Open {
        /// The date.
        date: Spanned<DateLit>,
        /// The ranges open that date instead of the weekly ones.
        ranges: Vec<Spanned<RangeLit>>,
        /// The label.
        label: Option<Str>,
        /// Span of the statement.
        span: Span,
    },
}

/// A weekday or a range of weekdays (`mon`, `mon-fri`, `fri-mon` wraps).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DaySpec {
    /// One day, as written (`mon`).
    Day(String),
    /// An inclusive range (`mon-fri`).
    Range(String, String),
    /// `daily` / `everyday`: all seven days.
    Daily,
}

/// A date (`2026-12-25`) as written; not validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateLit {
    /// Year.
    pub year: i32,
    /// Month as written.
    pub month: u32,
    /// Day as written.
    pub day: u32,
}

/// A closed date: one date or every year (`every 12-25`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSpec {
    /// One date.
    Date(DateLit),
    /// Every year on month-day.
    Yearly {
        /// Month as written.
        month: u32,
        /// Day as written.
        day: u32,
    },
}

/// A time of day as written (`08:00`, `24:00`, `25:00`); not validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeLit {
    /// Hour as written.
    pub hour: u32,
    /// Minute as written.
    pub minute: u32,
}

/// `08:00-16:00` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RangeLit {
    /// Start.
    pub start: Spanned<TimeLit>,
    /// End.
    pub end: Spanned<TimeLit>,
}

/// A calendar expression; `&` binds tighter than `|` and `-`, which are
/// left-associative and of equal precedence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarExpr {
    /// `24x7`.
    Always,
    /// A calendar name.
    Name(String),
    /// `a | b`.
    Union(Box<Spanned<CalendarExpr>>, Box<Spanned<CalendarExpr>>),
    /// `a & b`.
    Intersection(Box<Spanned<CalendarExpr>>, Box<Spanned<CalendarExpr>>),
    /// `a - b`.
    Difference(Box<Spanned<CalendarExpr>>, Box<Spanned<CalendarExpr>>),
}

/// `severity name "description" { alias "..", ".."  clock cal }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeverityDecl {
    /// Its name.
    pub name: Ident,
    /// Description.
    pub description: Option<Str>,
    /// Aliases.
    pub aliases: Vec<Str>,
    /// `clock NAME` or `clock 24x7`.
    pub clock: Option<Spanned<CalendarExpr>>,
    /// `clock NAME for METRIC, ...`: clocks of single metrics.
    pub metric_clocks: Vec<MetricClock>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// `clock 24x7 for first_response, acknowledge` in a severity block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricClock {
    /// The metrics it applies to.
    pub metrics: Vec<Ident>,
    /// The clock.
    pub clock: Spanned<CalendarExpr>,
    /// Span of the statement.
    pub span: Span,
}

/// `tiers a < b < c`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierOrder {
    /// Tiers, lowest first.
    pub tiers: Vec<Ident>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// `tier name "Title" extends base { entitlements }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierDecl {
    /// Its name.
    pub name: Ident,
    /// Display title.
    pub title: Option<Str>,
    /// `extends base`.
    pub extends: Option<Ident>,
    /// Entitlements in order.
    pub entitlements: Vec<EntitlementDecl>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// `contacts 3`, `named_advisor`, `phone "24/7"`, `video no`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntitlementDecl {
    /// Its name.
    pub name: Ident,
    /// Its value; `None` for a bare flag.
    pub value: Option<Spanned<Literal>>,
    /// Span of the statement.
    pub span: Span,
}

/// A value literal, kept with its lexical kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `3`.
    Int(i64),
    /// `0.5` (as written).
    Decimal(String),
    /// `4h`, `1h30m`, `1bd`, `2d`.
    Duration(Vec<(i64, DurationUnit)>),
    /// `99.5%`: the text before `%`.
    Percent(String),
    /// `$2`, `$2.50`: the text after `$`.
    Money(String),
    /// `"text"`.
    Str(String),
    /// `yes` / `no`.
    Bool(bool),
    /// `-` or `none`: an explicit "no guarantee".
    NoGuarantee,
    /// A deadline target cell as written (`1bd@16:00`, `1bd@end`, `due`),
    /// read by the checker.
    Deadline(String),
}

pub(crate) use crate::values::DurationUnit;

/// `type name "description" { covers ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDecl {
    /// Its name.
    pub name: Ident,
    /// Description.
    pub description: Option<Str>,
    /// Coverage lines.
    pub covers: Vec<CoversStmt>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// `covers pro..enterprise via "email", "portal" "Guarantee text"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoversStmt {
    /// The tiers.
    pub tiers: Vec<Spanned<TierSel>>,
    /// `via "..", ".."`.
    pub channels: Vec<Str>,
    /// `without guarantee`: covered, but no target applies.
    pub no_guarantee: bool,
    /// The guarantee in the contract's words.
    pub note: Option<Str>,
    /// Span of the statement.
    pub span: Span,
}

/// A tier selector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TierSel {
    /// One tier.
    One(String),
    /// `a..b`, inclusive, in tier order.
    Range(String, String),
    /// `all`.
    All,
}

/// `metric name { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricDecl {
    /// Its name.
    pub name: Ident,
    /// Its clauses in order.
    pub clauses: Vec<Spanned<MetricClause>>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// A clause of a metric.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetricClause {
    /// `starts on opened, customer_replied after first_response`.
    Starts {
        /// Event names.
        events: Vec<Ident>,
        /// `after METRIC`.
        after: Option<Ident>,
    },
    /// `stops on replied, resolved`.
    Stops(Vec<Ident>),
    /// `pauses while status waiting_on_customer, on_hold`.
    Pauses(Vec<Ident>),
    /// `repeats`.
    Repeats,
    /// `periodic on replied sequential`.
    Periodic {
        /// Event names.
        events: Vec<Ident>,
        /// `independent` or `sequential`.
        mode: Ident,
    },
    /// `on change recompute|restart`.
    OnChange(Ident),
    /// `on reopen continue|new_cycle|first_close_only|include_closed`.
    OnReopen(Ident),
    /// `resets when status in_progress, ...`.
    Resets(Vec<Ident>),
    /// `order stop before reset`: the two words as written.
    Order(Ident, Ident),
    /// The filter of one event of a `starts on`, `stops on` or `periodic
    /// on` clause (`replied by agent public`). The parser adds one after
    /// its clause for each event written with `by`, `public` or
    /// `internal`; the clause itself lists the event as usual.
    EventFilter {
        /// `starts on`, `stops on` or `periodic on`.
        clause: &'static str,
        /// The event.
        event: Ident,
        /// `by ACTOR`.
        by: Option<Ident>,
        /// `public` or `internal`.
        visibility: Option<Ident>,
    },
}

/// `targets metric for type on calendar { header rows }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetsDecl {
    /// The metric.
    pub metric: Ident,
    /// `for TYPE`.
    pub issue_type: Option<Ident>,
    /// `in VERSION`.
    pub version: Option<Ident>,
    /// `on CALENDAR`.
    pub calendar: Option<Spanned<CalendarExpr>>,
    /// Column headers: tier names or `*` (all tiers).
    pub columns: Vec<Ident>,
    /// Rows.
    pub rows: Vec<TargetRow>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// One row of a target table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    /// Severity name or `*` (all severities).
    pub label: Ident,
    /// The cells, left to right.
    pub cells: Vec<Spanned<Literal>>,
    /// Span of the row.
    pub span: Span,
}

/// `warn METRIC at 75% to "..."` or `escalate ...`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneDecl {
    /// `warn` (false) or `escalate` (true).
    pub escalate: bool,
    /// The metric.
    pub metric: Ident,
    /// The fraction of the target.
    pub at: Spanned<Literal>,
    /// Who is told.
    pub to: Str,
    /// Span of the whole declaration.
    pub span: Span,
}

/// `availability name { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvailabilityDecl {
    /// Its name.
    pub name: Ident,
    /// Its statements in order.
    pub stmts: Vec<Spanned<AvailabilityStmt>>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// A statement inside an availability block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AvailabilityStmt {
    /// `objective 99.5% per calendar month`.
    Objective(Spanned<Literal>),
    /// `zone "UTC"`.
    Zone(Str),
    /// `sampled every 1m`.
    Sampled(Spanned<Literal>),
    /// `down when error_rate > 5%`.
    DownThreshold {
        /// Signal name.
        signal: Ident,
        /// `>`, `>=`, `<`, `<=`.
        op: Spanned<String>,
        /// Threshold.
        value: Spanned<Literal>,
    },
    /// `down when health_check fails`.
    DownFails(Ident),
    /// `excluding maintenance, other`.
    Excluding(Vec<Ident>),
    /// `maintenance counts as up` / `maintenance excluded`.
    Maintenance(Ident),
    /// `missing samples count as up|down` / `missing samples excluded`.
    Missing(Ident),
    /// `credit below 99.5% "as mutually agreed"` / `credit below 99% 10%`.
    Credit {
        /// Threshold.
        below: Spanned<Literal>,
        /// What is granted.
        value: Spanned<Literal>,
    },
}

/// `quota name { ... }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuotaDecl {
    /// Its name.
    pub name: Ident,
    /// Its statements in order.
    pub stmts: Vec<Spanned<QuotaStmt>>,
    /// Span of the whole declaration.
    pub span: Span,
}

/// A statement inside a quota block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaStmt {
    /// `10 requests per month`, `8h per year`, `10 users`.
    Allowance {
        /// The amount (an integer or a duration).
        amount: Spanned<Literal>,
        /// The unit word, for counts (`requests`).
        unit: Option<Ident>,
        /// `per month`.
        per: Option<Ident>,
    },
    /// `tiers a, b..c`.
    Tiers(Vec<Spanned<TierSel>>),
    /// `overage $2 per user`.
    Overage {
        /// The price.
        price: Spanned<Literal>,
        /// What it is per (`user`).
        per: Option<Ident>,
    },
    /// `minimum 30m per request`.
    Minimum(Spanned<Literal>),
    /// `rate $150 per hour`.
    Rate {
        /// The price.
        price: Spanned<Literal>,
        /// What it is per (`hour`).
        per: Option<Ident>,
    },
    /// `beyond "time and material"`.
    Beyond(Str),
}

/// `allow tier-inversion, L0302`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowDecl {
    /// Lint names or codes.
    pub lints: Vec<Ident>,
    /// Span of the whole declaration.
    pub span: Span,
}
