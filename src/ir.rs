//! The checked, resolved policy: what the evaluator and the calendar engine
//! consume. Deterministic (vectors in declaration order, `BTreeMap`s), names
//! resolved to ids, spans kept for provenance. Serializes to the documented
//! JSON form printed by `slate compile` (see `docs/ir.md`).

use crate::source::Span;
use crate::values::{Duration, Money, Percent};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the JSON form of the IR; bumped on any incompatible change.
pub const IR_FORMAT_VERSION: u32 = 2;

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl $name {
            /// The index into the policy's vector.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

id_type!(
    /// Index into [`Policy::calendars`].
    CalendarId
);
id_type!(
    /// Index into [`Policy::severities`] (0 is the most severe).
    SeverityId
);
id_type!(
    /// Index into [`Policy::tiers`] (0 is the lowest tier).
    TierId
);
id_type!(
    /// Index into [`Policy::types`].
    TypeId
);
id_type!(
    /// Index into [`Policy::metrics`].
    MetricId
);
id_type!(
    /// Index into [`Policy::versions`].
    VersionId
);

/// A whole checked policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Policy {
    /// Always [`IR_FORMAT_VERSION`].
    pub format_version: u32,
    /// Name of the source file the policy came from.
    pub source: String,
    /// The `policy "..."` name.
    pub name: String,
    /// The provider, when declared.
    pub provider: Option<String>,
    /// The effective date, when declared.
    pub effective: Option<NaiveDate>,
    /// The calendar a target uses when neither its table nor its severity names one.
    pub default_calendar: CalendarId,
    /// Calendars, in declaration order (built-in `24x7` included when used).
    pub calendars: Vec<Calendar>,
    /// Severities, most severe first.
    pub severities: Vec<Severity>,
    /// Tiers, lowest first.
    pub tiers: Vec<Tier>,
    /// Issue types.
    pub types: Vec<IssueType>,
    /// Metrics (clocks), prelude metrics first.
    pub metrics: Vec<Metric>,
    /// Every target cell, sorted by (metric, type, severity, tier).
    pub targets: Vec<Target>,
    /// Warn and escalate milestones.
    pub milestones: Vec<Milestone>,
    /// Availability objectives.
    pub availability: Vec<Availability>,
    /// Quotas and allowances.
    pub quotas: Vec<Quota>,
    /// Policy versions (`version NAME effective DATE RULE`), by effective
    /// date; empty when the policy has one set of targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<PolicyVersion>,
    /// Span of the `policy` header.
    pub span: Span,
}

/// A named calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Calendar {
    /// Its name (`24x7` for the built-in always-open calendar).
    pub name: String,
    /// What it is.
    pub def: CalendarDef,
    /// Where it was declared (empty for built-ins).
    pub span: Span,
}

/// The definition of a calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
// Few calendars per policy: boxing the weekly variant would buy nothing.
#[allow(clippy::large_enum_variant)]
pub enum CalendarDef {
    /// Weekly hours in one time zone, with closures and overrides.
    Weekly(WeeklyCalendar),
    /// A combination of other calendars.
    Expr {
        /// The expression.
        expr: CalendarExpr,
    },
    /// Chosen per ticket by one of its attributes
    /// (`calendar desk by region { eu: eu_desk, us: us_desk } default us_desk`).
    Select(CalendarSelect),
}

/// A calendar chosen per ticket by the value of one ticket attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CalendarSelect {
    /// The ticket attribute that selects (`region`).
    pub attribute: String,
    /// Attribute value and the calendar it selects, in declaration order;
    /// values are unique and compare exactly. Each calendar has hours (it
    /// is never another selector).
    pub cases: Vec<SelectCase>,
    /// The calendar of a ticket whose value is missing or not listed;
    /// without one, such a ticket is refused when it is read.
    pub default: Option<CalendarId>,
}

/// One `value: calendar` case of a [`CalendarSelect`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SelectCase {
    /// The attribute value (`eu`).
    pub value: String,
    /// The calendar it selects.
    pub calendar: CalendarId,
    /// Where the case was written.
    pub span: Span,
}

impl CalendarSelect {
    /// The calendar a ticket with this attribute value gets: its case, else
    /// the default; `None` when neither applies.
    pub(crate) fn select(&self, value: Option<&str>) -> Option<CalendarId> {
        value
            .and_then(|v| self.cases.iter().find(|c| c.value == v))
            .map(|c| c.calendar)
            .or(self.default)
    }
}

/// A calendar expression over other calendars.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum CalendarExpr {
    /// Always open.
    Always,
    /// Another named calendar.
    Ref {
        /// Which one.
        calendar: CalendarId,
    },
    /// Open when either side is open (`a | b`).
    Union {
        /// Left operand.
        left: Box<CalendarExpr>,
        /// Right operand.
        right: Box<CalendarExpr>,
    },
    /// Open when both sides are open (`a & b`).
    Intersection {
        /// Left operand.
        left: Box<CalendarExpr>,
        /// Right operand.
        right: Box<CalendarExpr>,
    },
    /// Open when the left side is open and the right side is not (`a - b`).
    Difference {
        /// Left operand.
        left: Box<CalendarExpr>,
        /// Right operand.
        right: Box<CalendarExpr>,
    },
}

/// Weekly open hours in one IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WeeklyCalendar {
    /// IANA zone name, validated by the checker (`America/Chicago`).
    pub zone: String,
    /// Open ranges per weekday, index 0 = Monday .. 6 = Sunday, sorted by start.
    pub weekly: [Vec<TimeRange>; 7],
    /// Closed dates and partial closures.
    pub closed: Vec<Closure>,
    /// Dated overrides that replace a date's weekly ranges.
    pub overrides: Vec<OpenOverride>,
}

/// A local time range starting on some day. `start` is seconds after local
/// midnight of that day (0..86400); `end` is seconds after the same midnight
/// and is greater than `start`, up to `start + 86400`: `22:00-02:00` is
/// `79200..93600` and belongs to the day it starts on; `00:00-24:00` is
/// `0..86400`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TimeRange {
    /// Seconds after local midnight.
    pub start: u32,
    /// Seconds after the same local midnight (may exceed 86400).
    pub end: u32,
}

/// Which date(s) a closure applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DateRule {
    /// One calendar date.
    Date {
        /// The date.
        date: NaiveDate,
    },
    /// Every year on this month and day (`closed every 12-25`); a `02-29`
    /// rule applies only in leap years.
    Yearly {
        /// Month 1..=12.
        month: u32,
        /// Day 1..=31.
        day: u32,
    },
}

/// A closure: the whole local date (00:00 to 24:00, cutting overnight ranges
/// on both sides) or part of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Closure {
    /// Which date(s).
    pub date: DateRule,
    /// The closed part of the date; `None` means the whole date.
    pub range: Option<TimeRange>,
    /// Why (`"Christmas Day"`).
    pub label: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// `open DATE hh:mm-hh:mm`: replaces the weekly ranges that start on `date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OpenOverride {
    /// The date.
    pub date: NaiveDate,
    /// The ranges open on that date instead of the weekly ones.
    pub ranges: Vec<TimeRange>,
    /// Where it was declared.
    pub span: Span,
}

/// A severity level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Severity {
    /// Identifier (`sev1`).
    pub name: String,
    /// Description from the contract.
    pub description: Option<String>,
    /// Other names the contract uses (`"Severity 1"`, `"Critical"`); tickets may use them.
    pub aliases: Vec<String>,
    /// The clock this severity's targets run on, overriding the policy default.
    pub calendar: Option<CalendarId>,
    /// Clocks of single metrics for this severity (`clock 24x7 for
    /// first_response`), overriding [`Severity::calendar`] for them; at
    /// most one per metric.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metric_calendars: Vec<(MetricId, CalendarId)>,
    /// Where it was declared.
    pub span: Span,
}

/// A support tier (plan).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tier {
    /// Identifier (`gold`).
    pub name: String,
    /// Display name from the contract, when given.
    pub title: Option<String>,
    /// The tier it extends.
    pub extends: Option<TierId>,
    /// Entitlements, own and inherited, by name.
    pub entitlements: BTreeMap<String, Entitlement>,
    /// Where it was declared (its position in the `tiers` order when it has no block).
    pub span: Span,
}

/// One entitlement of a tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Entitlement {
    /// The value.
    pub value: Value,
    /// The tier it was declared on, when inherited through `extends`.
    pub inherited_from: Option<TierId>,
    /// Where it was declared.
    pub span: Span,
}

/// A typed entitlement value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// A present feature (`named_advisor`), or `no`.
    Flag(bool),
    /// A count (`contacts 3`).
    Count(i64),
    /// A duration (`enablement 8h`).
    Duration(Duration),
    /// A percentage.
    Percent(Percent),
    /// Money (`$2`).
    Money(Money),
    /// Text from the contract (`phone "24/7"`).
    Text(String),
}

/// An issue type (support category).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IssueType {
    /// Identifier (`bug`).
    pub name: String,
    /// Description from the contract.
    pub description: Option<String>,
    /// Which tiers are covered, through which channels.
    pub coverage: Vec<Coverage>,
    /// Where it was declared.
    pub span: Span,
}

impl IssueType {
    /// Whether this type is covered on `tier` (see [`Policy::covered`]), and
    /// the `covers` line that says so.
    pub fn covered(&self, tier: TierId) -> (Covered, Option<&Coverage>) {
        if self.coverage.is_empty() {
            return (Covered::Yes, None);
        }
        match self.coverage.iter().find(|c| c.tiers.contains(&tier)) {
            None => (Covered::No, None),
            Some(c) if c.no_guarantee => (Covered::NoGuarantee, Some(c)),
            Some(c) => (Covered::Yes, Some(c)),
        }
    }
}

impl IssueType {
    /// [`IssueType::covered`] for a ticket that came in through `channel`
    /// (when it says). Among the `covers` lines naming `tier`, the first that
    /// lists no channel or lists `channel` (compared without case or
    /// surrounding spaces) decides; when lines name the tier but none lists
    /// the channel, the type is not covered ([`Covered::No`], with the first
    /// of those lines). Without a channel, or for a type without `covers`
    /// lines, this is [`IssueType::covered`].
    pub(crate) fn covered_via(
        &self,
        tier: TierId,
        channel: Option<&str>,
    ) -> (Covered, Option<&Coverage>) {
        let Some(channel) = channel.map(str::trim) else {
            return self.covered(tier);
        };
        if self.coverage.is_empty() {
            return (Covered::Yes, None);
        }
        let mut naming = self.coverage.iter().filter(|c| c.tiers.contains(&tier));
        let Some(first) = naming.clone().next() else {
            return (Covered::No, None);
        };
        match naming.find(|c| c.admits(channel)) {
            Some(c) if c.no_guarantee => (Covered::NoGuarantee, Some(c)),
            Some(c) => (Covered::Yes, Some(c)),
            None => (Covered::No, Some(first)),
        }
    }
}

impl Coverage {
    /// Whether a ticket through `channel` is covered by this line: it lists
    /// no channel, or lists this one (without case or surrounding spaces).
    pub(crate) fn admits(&self, channel: &str) -> bool {
        let channel = channel.trim();
        self.channels.is_empty()
            || self
                .channels
                .iter()
                .any(|c| c.trim().eq_ignore_ascii_case(channel))
    }
}

/// Coverage of an issue type for some tiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Coverage {
    /// The tiers this line covers.
    pub tiers: Vec<TierId>,
    /// Support channels (`"email"`, `"Support Portal"`).
    pub channels: Vec<String>,
    /// `without guarantee`: covered, but no target applies to this type on
    /// these tiers.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_guarantee: bool,
    /// The contract's own words about the guarantee.
    pub note: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// Ticket events a metric can start or stop on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// The ticket was opened.
    Opened,
    /// The support team replied to the customer.
    Replied,
    /// The customer wrote (again).
    CustomerReplied,
    /// The support team acknowledged the ticket.
    Acknowledged,
    /// The ticket was resolved.
    Resolved,
    /// The ticket was closed.
    Closed,
    /// A resolved or closed ticket was reopened.
    Reopened,
    /// The status changed.
    Status,
    /// The severity changed.
    Severity,
    /// The tier changed.
    Tier,
    /// A `re-evaluated` policy version took effect (not a ticket event:
    /// the cause of a recompute, never written in a policy or a ticket).
    Version,
}

impl EventKind {
    /// Every event kind a policy or a ticket can name, in the order used
    /// for documentation ([`EventKind::Version`] is not one).
    pub const ALL: [EventKind; 10] = [
        EventKind::Opened,
        EventKind::Replied,
        EventKind::CustomerReplied,
        EventKind::Acknowledged,
        EventKind::Resolved,
        EventKind::Closed,
        EventKind::Reopened,
        EventKind::Status,
        EventKind::Severity,
        EventKind::Tier,
    ];

    /// The name used in policies and ticket files.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Opened => "opened",
            EventKind::Replied => "replied",
            EventKind::CustomerReplied => "customer_replied",
            EventKind::Acknowledged => "acknowledged",
            EventKind::Resolved => "resolved",
            EventKind::Closed => "closed",
            EventKind::Reopened => "reopened",
            EventKind::Status => "status",
            EventKind::Severity => "severity",
            EventKind::Tier => "tier",
            EventKind::Version => "version",
        }
    }

    /// The event kind with this name.
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// What a severity or tier change does to a running clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ChangeRule {
    /// Same start, the new target, elapsed time kept (default).
    #[default]
    Recompute,
    /// A new clock from the change.
    Restart,
}

/// What reopening a resolved ticket does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ReopenRule {
    /// The clock continues; the closed time is excluded (default).
    #[default]
    Continue,
    /// A new cycle starts at the reopen.
    NewCycle,
    /// Only the first close counts; reopening changes nothing.
    FirstCloseOnly,
    /// The clock continues and the time the ticket spent resolved or closed
    /// counts too (open time on the cycle's calendar, never paused): total
    /// elapsed time across closed periods.
    IncludeClosed,
}

/// Who did something on a ticket (an event's `actor`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    /// Someone of the support team.
    Agent,
    /// The customer (the requester or anyone on their side).
    Customer,
    /// An automation: a trigger, an automatic acknowledgement, a bot.
    System,
}

impl Actor {
    /// Every actor, in the order used for documentation.
    pub const ALL: [Actor; 3] = [Actor::Agent, Actor::Customer, Actor::System];

    /// The name used in policies and ticket files.
    pub fn name(self) -> &'static str {
        match self {
            Actor::Agent => "agent",
            Actor::Customer => "customer",
            Actor::System => "system",
        }
    }

    /// The actor with this name.
    pub fn from_name(name: &str) -> Option<Actor> {
        Actor::ALL.into_iter().find(|a| a.name() == name)
    }

    /// Who did an event of `kind` whose input names no actor: the customer
    /// for `opened` and `customer_replied`, the support team for every
    /// other event.
    pub fn default_for(kind: EventKind) -> Actor {
        match kind {
            EventKind::Opened | EventKind::CustomerReplied => Actor::Customer,
            _ => Actor::Agent,
        }
    }

    /// Whether an event of `kind` can be done by this actor: `replied` and
    /// `acknowledged` are the support team's (an agent, or an automation on
    /// its behalf), `customer_replied` is the customer's; anyone may do the
    /// others.
    pub(crate) fn can_do(self, kind: EventKind) -> bool {
        match kind {
            EventKind::Replied | EventKind::Acknowledged => self != Actor::Customer,
            EventKind::CustomerReplied => self == Actor::Customer,
            _ => true,
        }
    }
}

impl EventKind {
    /// Whether events of this kind are messages, which are public (seen by
    /// the customer) or internal: `opened` (its opening comment), `replied`
    /// and `customer_replied`.
    pub(crate) fn has_visibility(self) -> bool {
        matches!(
            self,
            EventKind::Opened | EventKind::Replied | EventKind::CustomerReplied
        )
    }

    /// Whether this kind is a field change (`status`, `severity`, `tier`),
    /// which no `by` or visibility filter applies to.
    pub(crate) fn is_field_change(self) -> bool {
        matches!(
            self,
            EventKind::Status | EventKind::Severity | EventKind::Tier
        )
    }
}

/// Which clause of a metric an event filter belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterClause {
    /// `starts on`.
    Starts,
    /// `stops on`.
    Stops,
    /// `periodic on`.
    Periodic,
}

/// `replied by agent public`: an event of a clause counts only when it was
/// done by `by` (when given) with the visibility `public` (when given).
/// Events without `actor` or `public` in the input take the defaults of
/// [`Actor::default_for`] and public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EventFilter {
    /// The clause it belongs to.
    pub clause: FilterClause,
    /// The event kind it filters (listed in that clause).
    pub event: EventKind,
    /// Only events by this actor.
    pub by: Option<Actor>,
    /// Only public (`true`) or internal (`false`) messages.
    pub public: Option<bool>,
    /// Where it was written.
    pub span: Span,
}

impl EventFilter {
    /// Whether an event done by `actor` with visibility `public` passes.
    pub(crate) fn matches(&self, actor: Actor, public: bool) -> bool {
        self.by.is_none_or(|a| a == actor) && self.public.is_none_or(|p| p == public)
    }
}

/// Which of a reset and a stop applies first when both happen in the same
/// second (`order stop before reset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ResetOrder {
    /// The reset applies with the second's field changes, before its starts
    /// and stops (default): a stop in the same second stops the new cycle.
    #[default]
    ResetFirst,
    /// The reset applies after the second's stops: a stop in the same second
    /// stops the old cycle, and the new cycle runs on.
    StopFirst,
}

impl ResetOrder {
    fn is_default(&self) -> bool {
        *self == ResetOrder::ResetFirst
    }
}

/// How periodic update windows follow each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodicMode {
    /// The next window starts at the update.
    Independent,
    /// The next window starts at the previous deadline.
    Sequential,
}

/// Periodic updates: each event in `on` ends the current window and opens the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Periodic {
    /// The events that count as an update.
    pub on: Vec<EventKind>,
    /// How windows follow each other.
    pub mode: PeriodicMode,
}

/// A clock defined by ticket events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Metric {
    /// Identifier (`first_response`).
    pub name: String,
    /// Events that start a cycle.
    pub starts: Vec<EventKind>,
    /// A start only counts once this metric has stopped at least once (`after first_response`).
    pub after: Option<MetricId>,
    /// Events that stop the running cycle.
    pub stops: Vec<EventKind>,
    /// Ticket statuses during which the clock is paused.
    pub pauses: Vec<String>,
    /// Whether each start opens a new cycle (follow-up after every customer message).
    pub repeats: bool,
    /// Periodic update windows, when this is a periodic metric.
    pub periodic: Option<Periodic>,
    /// What a severity or tier change does.
    pub on_change: ChangeRule,
    /// What a reopen does.
    pub on_reopen: ReopenRule,
    /// Filters on the events of `starts`, `stops` and `periodic`: an event
    /// of a kind that has filters in a clause counts for that clause only
    /// when one of them matches it; a kind without filters always counts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filters: Vec<EventFilter>,
    /// `resets when status ...`: a change to one of these statuses stops
    /// the open cycle and starts a new one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resets: Vec<String>,
    /// Whether a reset applies before or after a stop of the same second.
    #[serde(default, skip_serializing_if = "ResetOrder::is_default")]
    pub reset_order: ResetOrder,
    /// Whether it comes from the built-in prelude.
    pub prelude: bool,
    /// Where it was declared.
    pub span: Span,
}

impl Metric {
    /// The event kinds a clause lists (`periodic on`: none for a metric
    /// that is not periodic).
    pub(crate) fn clause_events(&self, clause: FilterClause) -> &[EventKind] {
        match clause {
            FilterClause::Starts => &self.starts,
            FilterClause::Stops => &self.stops,
            FilterClause::Periodic => self.periodic.as_ref().map_or(&[], |p| &p.on),
        }
    }

    /// Whether an event of `kind`, done by `actor` with visibility
    /// `public`, counts for `clause`: the clause lists the kind, and either
    /// has no filter for it or has one that matches.
    pub(crate) fn counts(
        &self,
        clause: FilterClause,
        kind: EventKind,
        actor: Actor,
        public: bool,
    ) -> bool {
        if !self.clause_events(clause).contains(&kind) {
            return false;
        }
        let mut filters = self
            .filters
            .iter()
            .filter(|f| f.clause == clause && f.event == kind)
            .peekable();
        filters.peek().is_none() || filters.any(|f| f.matches(actor, public))
    }
}

/// The promise of one target cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetValue {
    /// An explicit "no guarantee" (`-`).
    NoTarget,
    /// A duration of open time on a calendar.
    Within {
        /// How long.
        duration: Duration,
        /// On which calendar (table override, else severity clock, else policy default).
        calendar: CalendarId,
    },
    /// A deadline: an instant, counted as the open time from the cycle's
    /// start to it on a calendar.
    By {
        /// Which instant.
        deadline: Deadline,
        /// On which calendar (chosen as for [`TargetValue::Within`]); its
        /// business days and zone place the deadline.
        calendar: CalendarId,
    },
}

/// A deadline target: an instant rather than a length of time (see
/// `docs/language.md`, "Deadline targets").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Deadline {
    /// `Nbd@hh:mm`: at a local time of day on the `days`-th business day
    /// after day zero (the business day the cycle's start counts in).
    TimeOfDay {
        /// Business days after day zero (0: day zero itself).
        days: u32,
        /// Seconds after local midnight, `0..=86400`.
        seconds: u32,
    },
    /// `Nbd@end`: at the last close of the `days`-th business day after
    /// day zero.
    EndOfDay {
        /// Business days after day zero (0: day zero itself).
        days: u32,
    },
    /// `due`: the ticket's own `due_at`.
    DueAt,
}

impl std::fmt::Display for Deadline {
    /// The canonical cell text: `1bd@16:00`, `1bd@end`, `due`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Deadline::TimeOfDay { days, seconds } => {
                write!(f, "{days}bd@{:02}:{:02}", seconds / 3600, seconds / 60 % 60)
            }
            Deadline::EndOfDay { days } => write!(f, "{days}bd@end"),
            Deadline::DueAt => f.write_str("due"),
        }
    }
}

/// One cell of a target table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Target {
    /// The metric.
    pub metric: MetricId,
    /// Only for this issue type (`None`: any type without a more specific target).
    pub issue_type: Option<TypeId>,
    /// The severity row.
    pub severity: SeverityId,
    /// The tier column.
    pub tier: TierId,
    /// The promise.
    pub value: TargetValue,
    /// The version whose table gave the cell (`targets M in VERSION`);
    /// `None` for the policy's own tables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<VersionId>,
    /// The cell as written in the policy (`90m`, `1w`, `1bd`, `-`): answers
    /// print the target this way. IR built by hand must keep it in step
    /// with `value`, or leave it empty (answers then print the normalized
    /// duration, `1h30m`); empty in IR written before it existed.
    #[serde(default)]
    pub written: String,
    /// Where the cell was written.
    pub span: Span,
}

/// What a new version does to tickets opened before its effective date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionRule {
    /// `pinned`: they keep the targets in force when they were opened.
    Pinned,
    /// `re-evaluated`: they move to this version's targets at its
    /// effective date (running cycles are recomputed then, as on a
    /// severity change with `on change recompute`).
    #[serde(rename = "re-evaluated")]
    ReEvaluated,
}

impl VersionRule {
    /// The rule as written in a policy.
    pub fn name(self) -> &'static str {
        match self {
            VersionRule::Pinned => "pinned",
            VersionRule::ReEvaluated => "re-evaluated",
        }
    }
}

/// `version NAME effective DATE RULE`: from 00:00 of `effective` (in the
/// zone of the ticket's default calendar), the target tables written
/// `targets METRIC in NAME` replace the earlier tables of the same metric
/// and issue type; the others carry over from the version before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PolicyVersion {
    /// Identifier (`july2026`).
    pub name: String,
    /// The first local date it is in force.
    pub effective: NaiveDate,
    /// What it does to tickets opened before that date.
    pub rule: VersionRule,
    /// The tables it replaces: (metric, issue type of a `for TYPE` table).
    pub tables: Vec<(MetricId, Option<TypeId>)>,
    /// Where it was declared.
    pub span: Span,
}

/// Whether a milestone warns or escalates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneKind {
    /// `warn`.
    Warn,
    /// `escalate`.
    Escalate,
}

/// `warn METRIC at 75% to "..."` / `escalate METRIC at 100% to "..."`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Milestone {
    /// Warn or escalate.
    pub kind: MilestoneKind,
    /// The metric whose target it is a fraction of.
    pub metric: MetricId,
    /// The fraction of the target (may exceed 100%).
    pub at: Percent,
    /// Who is told.
    pub to: String,
    /// Where it was declared.
    pub span: Span,
}

/// A comparison operator in a downtime rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CmpOp {
    /// `>`
    #[serde(rename = ">")]
    Gt,
    /// `>=`
    #[serde(rename = ">=")]
    Ge,
    /// `<`
    #[serde(rename = "<")]
    Lt,
    /// `<=`
    #[serde(rename = "<=")]
    Le,
}

/// When a sample counts as down: `down when error_rate > 5%`, or `down when check fails`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DownRule {
    /// A measured signal compared against a threshold.
    Threshold {
        /// The signal's name (`error_rate`).
        signal: String,
        /// The comparison.
        op: CmpOp,
        /// The threshold.
        value: Percent,
    },
    /// A named check failed.
    Fails {
        /// The check's name (`health_check`).
        check: String,
    },
}

/// How maintenance windows enter the uptime formula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaintenanceRule {
    /// Maintenance minutes count as up.
    CountsAsUp,
    /// Maintenance minutes leave the denominator.
    Excluded,
}

/// How missing samples are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissingRule {
    /// Missing samples count as up.
    Up,
    /// Missing samples count as down.
    Down,
    /// Missing samples leave the denominator.
    Excluded,
}

/// What a credit line grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum CreditValue {
    /// A percentage of the fees.
    Percent(Percent),
    /// The contract's words (`"as mutually agreed"`).
    Text(String),
}

/// `credit below 99.5% ...`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Credit {
    /// Applies when uptime is below this.
    pub below: Percent,
    /// What is granted.
    pub credit: CreditValue,
    /// Where it was declared.
    pub span: Span,
}

/// An availability objective over calendar months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Availability {
    /// Identifier (`product`).
    pub name: String,
    /// Monthly uptime objective.
    pub objective: Percent,
    /// IANA zone whose calendar months are measured (policy default calendar's zone unless given).
    pub zone: String,
    /// Sampling interval in seconds.
    pub sample_seconds: i64,
    /// A sample is down when any of these rules holds.
    pub down: Vec<DownRule>,
    /// Calendars whose open time is planned maintenance.
    pub excluding: Vec<CalendarId>,
    /// How maintenance enters the formula.
    pub maintenance: MaintenanceRule,
    /// How missing samples are treated.
    pub missing: MissingRule,
    /// Credits, highest threshold first.
    pub credits: Vec<Credit>,
    /// Where it was declared.
    pub span: Span,
}

/// The period an allowance renews over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar day.
    Day,
    /// Calendar week.
    Week,
    /// Calendar month.
    Month,
    /// Calendar year.
    Year,
}

/// An allowance amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Amount {
    /// A count of units (`10 requests`).
    Count {
        /// How many.
        count: i64,
        /// What is counted (`requests`, `users`).
        unit: String,
    },
    /// Time (`8h`).
    Time {
        /// How long.
        duration: Duration,
    },
}

/// A quota: an allowance per period and what happens beyond it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Quota {
    /// Identifier (`requests`).
    pub name: String,
    /// The tiers it applies to (empty: all).
    pub tiers: Vec<TierId>,
    /// What is included.
    pub amount: Amount,
    /// Per which period.
    pub per: Option<Period>,
    /// Price per unit beyond the allowance.
    pub overage: Option<Money>,
    /// Minimum charge per request beyond the allowance.
    pub minimum: Option<Duration>,
    /// Hourly rate of time billed beyond the allowance (`rate $150 per hour`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<Money>,
    /// The contract's words about what happens beyond.
    pub beyond: Option<String>,
    /// Where it was declared.
    pub span: Span,
}

/// Whether a tier's tickets of some issue type get targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Covered {
    /// Covered (or the type has no `covers` lines): targets apply.
    Yes,
    /// `covers ... without guarantee`: supported, no target applies.
    NoGuarantee,
    /// The type's `covers` lines leave this tier out.
    No,
}

impl Policy {
    /// Whether `issue_type` is covered on `tier`: the first `covers` line
    /// naming the tier decides; a type with `covers` lines that do not name
    /// the tier is not covered there; a type without any is covered
    /// everywhere.
    pub fn covered(&self, issue_type: TypeId, tier: TierId) -> Covered {
        self.types
            .get(issue_type.index())
            .map_or(Covered::Yes, |t| t.covered(tier).0)
    }

    /// [`Policy::covered`] for a ticket that came in through `channel`
    /// ([`IssueType::covered_via`]).
    pub(crate) fn covered_via(
        &self,
        issue_type: TypeId,
        tier: TierId,
        channel: Option<&str>,
    ) -> Covered {
        self.types
            .get(issue_type.index())
            .map_or(Covered::Yes, |t| t.covered_via(tier, channel).0)
    }

    /// The calendar with this name.
    pub fn calendar_named(&self, name: &str) -> Option<CalendarId> {
        position(&self.calendars, |c| c.name == name).map(CalendarId)
    }

    /// The severity with this name or alias (aliases compare case-insensitively).
    pub fn severity_named(&self, name: &str) -> Option<SeverityId> {
        position(&self.severities, |s| {
            s.name == name || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
        .map(SeverityId)
    }

    /// The tier with this name.
    pub fn tier_named(&self, name: &str) -> Option<TierId> {
        position(&self.tiers, |t| t.name == name).map(TierId)
    }

    /// The issue type with this name.
    pub fn type_named(&self, name: &str) -> Option<TypeId> {
        position(&self.types, |t| t.name == name).map(TypeId)
    }

    /// The metric with this name.
    pub fn metric_named(&self, name: &str) -> Option<MetricId> {
        position(&self.metrics, |m| m.name == name).map(MetricId)
    }

    /// The target for a metric, severity, tier and optional issue type: the
    /// type-specific cell when one exists, else the general one.
    pub fn target(
        &self,
        metric: MetricId,
        severity: SeverityId,
        tier: TierId,
        issue_type: Option<TypeId>,
    ) -> Option<&Target> {
        self.target_index(metric, severity, tier, issue_type)
            .and_then(|i| self.targets.get(i))
    }

    /// The index in [`Policy::targets`] of the cell [`Policy::target`] gives
    /// (the policy's own tables, before any version).
    pub fn target_index(
        &self,
        metric: MetricId,
        severity: SeverityId,
        tier: TierId,
        issue_type: Option<TypeId>,
    ) -> Option<usize> {
        self.target_index_in(None, metric, severity, tier, issue_type)
    }

    /// The version whose table for `metric` and `table_type` (`None`: the
    /// general table) is in force under `version`: the latest version up
    /// to it that gives that table, else the policy's own (`None`).
    pub(crate) fn table_version(
        &self,
        version: Option<VersionId>,
        metric: MetricId,
        table_type: Option<TypeId>,
    ) -> Option<VersionId> {
        let upto = version.map_or(0, |v| (v.index() + 1).min(self.versions.len()));
        self.versions[..upto]
            .iter()
            .rposition(|v| v.tables.contains(&(metric, table_type)))
            .map(|i| VersionId(i as u32))
    }

    /// [`Policy::target_index`] under a version: the type-specific cell of
    /// the table in force for the type when there is one, else the cell of
    /// the general table in force.
    pub(crate) fn target_index_in(
        &self,
        version: Option<VersionId>,
        metric: MetricId,
        severity: SeverityId,
        tier: TierId,
        issue_type: Option<TypeId>,
    ) -> Option<usize> {
        let typed = issue_type.map(|ty| self.table_version(version, metric, Some(ty)));
        let general = self.table_version(version, metric, None);
        // One pass: the first type-specific cell wins; otherwise the first
        // general one.
        let mut found = None;
        for (i, t) in self.targets.iter().enumerate() {
            if t.metric != metric || t.severity != severity || t.tier != tier {
                continue;
            }
            match t.issue_type {
                Some(ty) if Some(ty) == issue_type && typed == Some(t.version) => return Some(i),
                None if found.is_none() && t.version == general => found = Some(i),
                _ => {}
            }
        }
        found
    }
}

fn position<T>(items: &[T], pred: impl Fn(&T) -> bool) -> Option<u32> {
    items.iter().position(pred).map(|i| i as u32)
}
