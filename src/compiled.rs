//! The front door: a compiled policy that owns its calendars, and what an
//! embedder asks of it (evaluate, explain, business time, the IR).

use crate::calendar::{CalendarError, CalendarSet, Segment};
use crate::diagnostics::Diagnostic;
use crate::eval::timeline::{validate, RawEvent, RawTicket, Ticket};
use crate::eval::{Explanation, InputError, MetricSelection, TicketAnswer};
use crate::ir::{CalendarDef, CalendarExpr, CalendarId, Policy};
use crate::source::SourceFile;
use crate::values::{parse_duration, Duration, DurationError};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use std::borrow::Cow;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

pub use crate::eval::timeline::ReadOptions;

/// A policy that compiled: the checked policy, its calendars (built once,
/// with their caches), and the warnings found on the way.
///
/// `Compiled` is `Send + Sync`: compile once and share it (for example in
/// an `Arc`) between any number of threads. See `docs/embedding.md`.
pub struct Compiled {
    pub(crate) policy: Policy,
    pub(crate) calendars: CalendarSet,
    warnings: Vec<Diagnostic>,
    /// Which compilation this is: tickets remember it, so that a ticket
    /// resolved against one policy is never evaluated against another.
    pub(crate) token: u64,
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Compiled")
            .field("policy", &self.policy.name)
            .field("source", &self.policy.source)
            .field("warnings", &self.warnings.len())
            .finish_non_exhaustive()
    }
}

/// A policy that did not compile: every finding, errors and warnings, in
/// stable order (render them with [`crate::diagnostics::render`]).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CompileError {
    /// The findings.
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(f, "the policy has {errors} error(s)")?;
        if let Some(d) = self.diagnostics.iter().find(|d| d.is_error()) {
            write!(f, "; first: {} {}", d.code, d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileError {}

/// Why a ticket could not be evaluated or explained.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvalError {
    /// Business-time arithmetic failed (an instant or a deadline outside
    /// the supported range 1900 to 2200, or a calendar that never opens).
    Calendar {
        /// The ticket's id.
        ticket: String,
        /// What the calendar engine said.
        error: CalendarError,
    },
    /// The ticket was built for another compiled policy (names resolve to
    /// different things there): build it again from this one.
    OtherPolicy {
        /// The ticket's id.
        ticket: String,
    },
    /// `explain` or [`Compiled::select_metrics`] was asked for a metric the
    /// policy does not have.
    UnknownMetric {
        /// The name asked for.
        metric: String,
        /// The closest metric name, when one is close.
        suggestion: Option<String>,
    },
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Calendar { ticket, error } => {
                write!(f, "ticket `{ticket}` cannot be evaluated: {error}")
            }
            EvalError::OtherPolicy { ticket } => write!(
                f,
                "ticket `{ticket}` was built for another policy; build it from this one"
            ),
            EvalError::UnknownMetric { metric, suggestion } => {
                write!(f, "the policy has no metric `{metric}`")?;
                match suggestion {
                    Some(s) => write!(f, " (did you mean `{s}`?)"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for EvalError {}

/// A calendar name the policy does not declare.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UnknownCalendar {
    /// The name asked for.
    pub name: String,
    /// The closest declared name, when one is close.
    pub suggestion: Option<String>,
    /// Every calendar the policy has, `24x7` included.
    pub known: Vec<String>,
}

impl fmt::Display for UnknownCalendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no calendar `{}` in the policy", self.name)?;
        match &self.suggestion {
            Some(s) => write!(f, "; did you mean `{s}`?"),
            None => {
                let names: Vec<String> = self.known.iter().map(|n| format!("`{n}`")).collect();
                write!(f, "; it has: {}", names.join(", "))
            }
        }
    }
}

impl std::error::Error for UnknownCalendar {}

static NEXT_TOKEN: AtomicU64 = AtomicU64::new(1);

/// Parses and checks one policy, and prepares its calendars.
///
/// ```
/// let source = slate::SourceFile::new("mini.sla", r#"
/// policy "Mini" { calendar office }
/// calendar office { zone "Europe/Paris"  mon-fri 09:00-17:00 }
/// severity high "Production down"
/// tiers basic < premium
/// targets first_response {
///         basic premium
///   high  8h    2h
/// }
/// "#);
/// let compiled = slate::compile(&source).expect("the policy checks clean");
/// assert_eq!(compiled.policy().tiers.len(), 2);
/// assert!(compiled.warnings().is_empty());
/// ```
pub fn compile(source: &SourceFile) -> Result<Compiled, CompileError> {
    let (policy, diagnostics) = crate::check_source(source);
    match policy {
        Some(policy) => Ok(Compiled::new(policy, diagnostics)),
        None => Err(CompileError { diagnostics }),
    }
}

impl Compiled {
    pub(crate) fn new(policy: Policy, warnings: Vec<Diagnostic>) -> Compiled {
        let calendars = CalendarSet::from_policy(&policy);
        Compiled {
            policy,
            calendars,
            warnings,
            token: NEXT_TOKEN.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The checked policy (read-only): tiers, severities, types, metrics,
    /// targets, calendars, availability and quotas, names resolved.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Lint findings (warnings); empty for a clean policy.
    pub fn warnings(&self) -> &[Diagnostic] {
        &self.warnings
    }

    /// The checked policy as the versioned IR JSON that `slate compile`
    /// prints (`docs/ir.md`): pretty, or one line with `compact`.
    pub fn ir_json(&self, compact: bool) -> String {
        let json = if compact {
            serde_json::to_string(&self.policy)
        } else {
            serde_json::to_string_pretty(&self.policy)
        };
        // The IR is plain data (strings, integers, enums): it always
        // serializes.
        json.unwrap_or_default()
    }

    /// Reads one ticket from a JSON object on one line (the `slate eval`
    /// input format, `docs/eval.md`), resolving its names against this
    /// policy. Times must carry a UTC offset.
    ///
    /// ```
    /// let compiled = slate::compile(&slate::SourceFile::new("p.sla", r#"
    /// policy "P" { calendar always }
    /// calendar always = 24x7
    /// severity high "High"
    /// tiers basic
    /// targets first_response {
    ///         basic
    ///   high  1h
    /// }
    /// "#))?;
    /// let ticket = compiled.ticket_from_json(
    ///     r#"{"id": "T-1", "tier": "basic", "severity": "high",
    ///         "events": [{"at": "2026-01-05T09:00:00Z", "type": "opened"}]}"#,
    /// )?;
    /// assert_eq!(ticket.id(), "T-1");
    /// assert_eq!(ticket.event_count(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn ticket_from_json(&self, line: &str) -> Result<Ticket, InputError> {
        self.ticket_from_json_with(line, 1, &ReadOptions::default())
    }

    /// [`Compiled::ticket_from_json`] for line `line_number` of a file
    /// (errors name it), with options (a zone for times written without an
    /// offset).
    pub fn ticket_from_json_with(
        &self,
        line: &str,
        line_number: u64,
        opts: &ReadOptions,
    ) -> Result<Ticket, InputError> {
        let raw = crate::stream::jsonl::parse_line(line, line_number)?;
        self.validate(raw, opts)
    }

    /// Reads one ticket from a JSON value (the `slate eval` input format).
    pub fn ticket_from_value(&self, value: &serde_json::Value) -> Result<Ticket, InputError> {
        self.ticket_from_json(&value.to_string())
    }

    pub(crate) fn validate(
        &self,
        raw: RawTicket<'_>,
        opts: &ReadOptions,
    ) -> Result<Ticket, InputError> {
        let mut ticket = validate(&self.policy, raw, opts)?;
        ticket.policy = self.token;
        Ok(ticket)
    }

    /// Evaluates a ticket at `at`: every metric of the policy, every cycle.
    /// Events after `at` are ignored; nothing here reads the clock.
    ///
    /// The answer borrows names from the policy and the ticket; call
    /// [`TicketAnswer::into_owned`] to keep it longer.
    ///
    /// ```
    /// let compiled = slate::compile(&slate::SourceFile::new("p.sla", r#"
    /// policy "P" { calendar always }
    /// calendar always = 24x7
    /// severity high "High"
    /// tiers basic
    /// targets first_response {
    ///         basic
    ///   high  1h
    /// }
    /// "#))?;
    /// let opened = "2026-01-05T09:00:00Z".parse()?;
    /// let ticket = slate::Ticket::builder("T-1")
    ///     .tier("basic")
    ///     .severity("high")
    ///     .event(opened, "opened")
    ///     .build(&compiled)?;
    /// // Asked at 10:30: the hour ran out at 10:00.
    /// let answer = compiled.evaluate(&ticket, "2026-01-05T10:30:00Z".parse()?)?;
    /// let cycle = &answer.metric("first_response").unwrap().cycles[0];
    /// assert_eq!(cycle.state, slate::State::Breached);
    /// assert_eq!(cycle.breached_at, Some("2026-01-05T10:00:00Z".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate<'a>(
        &'a self,
        ticket: &'a Ticket,
        at: DateTime<Utc>,
    ) -> Result<TicketAnswer<'a>, EvalError> {
        self.same_policy(ticket)?;
        crate::eval::answer::evaluate(&self.policy, &self.calendars, ticket, at).map_err(|error| {
            EvalError::Calendar {
                ticket: ticket.id.clone(),
                error,
            }
        })
    }

    /// [`Compiled::evaluate`] for the metrics `select` picks: the others
    /// are not measured and are left out of the answer (see
    /// [`MetricSelection`]). With [`MetricSelection::all`] this is exactly
    /// `evaluate`.
    pub fn evaluate_selected<'a>(
        &'a self,
        ticket: &'a Ticket,
        at: DateTime<Utc>,
        select: &MetricSelection,
    ) -> Result<TicketAnswer<'a>, EvalError> {
        self.same_policy(ticket)?;
        crate::eval::answer::evaluate_selected(&self.policy, &self.calendars, ticket, at, select)
            .map_err(|error| EvalError::Calendar {
                ticket: ticket.id.clone(),
                error,
            })
    }

    /// The metrics named (in any order; answers keep the policy's order),
    /// for [`Compiled::evaluate_selected`] and the bulk driver. A name the
    /// policy does not have is [`EvalError::UnknownMetric`], with the
    /// closest metric name when one is close.
    pub fn select_metrics<'n>(
        &self,
        names: impl IntoIterator<Item = &'n str>,
    ) -> Result<MetricSelection, EvalError> {
        let metrics = &self.policy.metrics;
        let mut only = vec![false; metrics.len()];
        for name in names {
            match metrics.iter().position(|m| m.name == name) {
                Some(i) => only[i] = true,
                None => {
                    let known = metrics.iter().map(|m| m.name.as_str());
                    return Err(EvalError::UnknownMetric {
                        metric: name.to_string(),
                        suggestion: crate::diagnostics::did_you_mean(name, known)
                            .map(str::to_string),
                    });
                }
            }
        }
        Ok(MetricSelection::picked(only))
    }

    /// Explains a ticket at `at` (every metric, or only `metric`): which
    /// target applied and why, and every stretch of each cycle's timeline.
    /// The explanation's `Display` is the text `slate explain` prints.
    ///
    /// ```
    /// let compiled = slate::compile(&slate::SourceFile::new("p.sla", r#"
    /// policy "P" { calendar always }
    /// calendar always = 24x7
    /// severity high "High"
    /// tiers basic
    /// targets first_response {
    ///         basic
    ///   high  1h
    /// }
    /// "#))?;
    /// let ticket = compiled.ticket_from_json(
    ///     r#"{"id": "T-1", "tier": "basic", "severity": "high",
    ///         "events": [{"at": "2026-01-05T09:00:00Z", "type": "opened"},
    ///                    {"at": "2026-01-05T09:20:00Z", "type": "replied"}]}"#,
    /// )?;
    /// let why = compiled.explain(&ticket, "2026-01-05T12:00:00Z".parse()?, Some("first_response"))?;
    /// assert_eq!(why.metrics[0].cycles[0].answer.elapsed_seconds, 1200);
    /// assert!(why.to_string().contains("first_response"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn explain(
        &self,
        ticket: &Ticket,
        at: DateTime<Utc>,
        metric: Option<&str>,
    ) -> Result<Explanation, EvalError> {
        use crate::eval::explain::ExplainError;
        self.same_policy(ticket)?;
        crate::eval::explain::trace(&self.policy, &self.calendars, ticket, at, metric).map_err(
            |e| match e {
                ExplainError::UnknownMetric(metric) => {
                    let names = self.policy.metrics.iter().map(|m| m.name.as_str());
                    let suggestion =
                        crate::diagnostics::did_you_mean(&metric, names).map(str::to_string);
                    EvalError::UnknownMetric { metric, suggestion }
                }
                ExplainError::Hours(error) => EvalError::Calendar {
                    ticket: ticket.id.clone(),
                    error,
                },
            },
        )
    }

    fn same_policy(&self, ticket: &Ticket) -> Result<(), EvalError> {
        if ticket.policy == self.token {
            Ok(())
        } else {
            Err(EvalError::OtherPolicy {
                ticket: ticket.id.clone(),
            })
        }
    }

    /// A calendar of the policy by name (`24x7` too, when the policy uses it), for
    /// business-time questions.
    ///
    /// ```
    /// let compiled = slate::compile(&slate::SourceFile::new("desk.sla", r#"
    /// policy "Desk" { calendar desk }
    /// calendar desk { zone "America/Chicago"  mon-fri 08:00-16:00 }
    /// severity high "High"
    /// tiers basic
    /// targets first_response {
    ///         basic
    ///   high  8h
    /// }
    /// "#))?;
    /// let desk = compiled.calendar("desk")?;
    /// // Friday 15:30 in Chicago plus 8 business hours: Monday 15:30.
    /// let start = "2026-03-06T15:30:00-06:00".parse()?;
    /// let due = desk.add(start, desk.duration("8h")?)?;
    /// assert_eq!(desk.local_text(due), "2026-03-09T15:30:00-05:00");
    /// assert_eq!(desk.between(start, due)?, 8 * 3600);
    /// assert!(desk.is_open(due)?);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn calendar(&self, name: &str) -> Result<Calendar<'_>, UnknownCalendar> {
        let found = self.policy.calendar_named(name).or_else(|| {
            // `24x7` is built in: any calendar defined as exactly `24x7`
            // answers to it.
            (name == "24x7")
                .then(|| {
                    self.policy.calendars.iter().position(|c| {
                        matches!(
                            c.def,
                            CalendarDef::Expr {
                                expr: CalendarExpr::Always
                            }
                        )
                    })
                })
                .flatten()
                .map(|i| CalendarId(i as u32))
        });
        match found {
            Some(id) => Ok(Calendar { compiled: self, id }),
            None => {
                let known: Vec<String> = self.calendar_names().map(str::to_string).collect();
                let suggestion =
                    crate::diagnostics::did_you_mean(name, known.iter().map(String::as_str))
                        .map(str::to_string);
                Err(UnknownCalendar {
                    name: name.to_string(),
                    suggestion,
                    known,
                })
            }
        }
    }

    /// The policy's default calendar (the one `policy { calendar ... }`
    /// names).
    pub fn default_calendar(&self) -> Calendar<'_> {
        Calendar {
            compiled: self,
            id: self.policy.default_calendar,
        }
    }

    /// The names of the policy's calendars, in declaration order.
    pub fn calendar_names(&self) -> impl Iterator<Item = &str> {
        self.policy.calendars.iter().map(|c| c.name.as_str())
    }
}

/// One calendar of a compiled policy: business-time arithmetic in exact
/// seconds. Intervals are half-open (`[open, close)`): the closing instant
/// itself is closed. Every instant must lie in 1900-01-01 to 2200-01-01
/// UTC. `docs/calendar.md` states the rules (DST, business days).
#[derive(Clone, Copy)]
pub struct Calendar<'a> {
    compiled: &'a Compiled,
    id: CalendarId,
}

impl fmt::Debug for Calendar<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("name", &self.name())
            .finish()
    }
}

/// One open period `[start, end)` of a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenPeriod {
    /// The first open instant.
    pub start: DateTime<Utc>,
    /// The first closed instant after it.
    pub end: DateTime<Utc>,
}

impl<'a> Calendar<'a> {
    fn set(&self) -> &'a CalendarSet {
        &self.compiled.calendars
    }

    /// The calendar's name.
    pub fn name(&self) -> &'a str {
        self.compiled
            .policy
            .calendars
            .get(self.id.index())
            .map_or("", |c| c.name.as_str())
    }

    /// The zone of a weekly calendar; `None` for `24x7` and combinations
    /// (whose answers are printed in UTC).
    pub fn zone(&self) -> Option<Tz> {
        self.set().zone_of(self.id)
    }

    /// Whether the calendar is `24x7` (always open).
    pub fn is_always_open(&self) -> bool {
        matches!(
            self.compiled
                .policy
                .calendars
                .get(self.id.index())
                .map(|c| &c.def),
            Some(CalendarDef::Expr {
                expr: CalendarExpr::Always
            })
        )
    }

    /// Reads a duration for this calendar with the policy's rules: `d` and
    /// `w` (24-hour days) only on a 24x7 calendar; elsewhere write `1bd` or
    /// `24h`.
    pub fn duration(&self, text: &str) -> Result<Duration, DurationError> {
        let d = parse_duration(text)?;
        if d.uses_days && !self.is_always_open() {
            return Err(DurationError::DaysOnBusinessCalendar(
                text.trim().to_string(),
            ));
        }
        Ok(d.value)
    }

    /// `t` plus `d`: the earliest instant with `d` of open time since `t`
    /// (`add(t, 0s) == t`), or `t` plus business days (see
    /// `docs/calendar.md`).
    pub fn add(&self, t: DateTime<Utc>, d: Duration) -> Result<DateTime<Utc>, CalendarError> {
        self.set().add(self.id, t, d)
    }

    /// `t` minus `d`: the latest instant with `d` of open time before `t`,
    /// or `t` minus business days.
    pub fn sub(&self, t: DateTime<Utc>, d: Duration) -> Result<DateTime<Utc>, CalendarError> {
        match d {
            Duration::Seconds(s) => self.set().sub_seconds(self.id, t, s),
            Duration::BusinessDays(n) => self.set().add_business_days(self.id, t, -n),
        }
    }

    /// Open seconds in `[from, to)`; negative when `to` is before `from`.
    pub fn between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<i64, CalendarError> {
        self.set().between(self.id, from, to)
    }

    /// Whether the calendar is open at `t`.
    pub fn is_open(&self, t: DateTime<Utc>) -> Result<bool, CalendarError> {
        self.set().is_open(self.id, t)
    }

    /// The earliest open instant at or after `t` (`t` itself when open);
    /// `None` when it never opens again before 2200.
    pub fn next_open(&self, t: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, CalendarError> {
        self.set().next_open(self.id, t)
    }

    /// The earliest closed instant at or after `t` (`t` itself when
    /// closed); `None` when it stays open until 2200 (always, for `24x7`).
    pub fn next_close(&self, t: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, CalendarError> {
        self.set().next_close(self.id, t)
    }

    /// The latest instant at or before `t` at which an open period ended
    /// (`t` itself when an open period ends exactly at `t`); `None` when no
    /// open period ended since 1900.
    pub fn previous_close(&self, t: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, CalendarError> {
        self.set().previous_close(self.id, t)
    }

    /// The open periods that overlap `[from, to)`, clipped to it, in order
    /// (empty when `to <= from`).
    ///
    /// ```
    /// let compiled = slate::compile(&slate::SourceFile::new("p.sla", r#"
    /// policy "P" { calendar desk }
    /// calendar desk { zone "UTC"  mon-fri 09:00-12:00, 13:00-17:00 }
    /// severity high "High"
    /// tiers basic
    /// targets first_response {
    ///         basic
    ///   high  1h
    /// }
    /// "#))?;
    /// let desk = compiled.calendar("desk")?;
    /// let monday = "2026-01-05T00:00:00Z".parse()?;
    /// let periods = desk.open_periods(monday, "2026-01-06T00:00:00Z".parse()?)?;
    /// assert_eq!(periods.len(), 2);
    /// assert_eq!(desk.previous_close("2026-01-05T14:00:00Z".parse()?)?,
    ///            Some("2026-01-05T12:00:00Z".parse()?));
    /// assert_eq!(desk.next_open(monday)?, Some("2026-01-05T09:00:00Z".parse()?));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_periods(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<OpenPeriod>, CalendarError> {
        let segments: Vec<Segment> = self.set().segments(self.id, from, to)?;
        let mut out: Vec<OpenPeriod> = Vec::new();
        for s in segments {
            if s.state != crate::calendar::SegmentState::Open {
                continue;
            }
            match out.last_mut() {
                Some(last) if last.end == s.start => last.end = s.end,
                _ => out.push(OpenPeriod {
                    start: s.start,
                    end: s.end,
                }),
            }
        }
        Ok(out)
    }

    /// `t` as RFC 3339 in the calendar's own zone offset (UTC for `24x7`
    /// and combinations): how `slate time` prints instants.
    pub fn local_text(&self, t: DateTime<Utc>) -> String {
        match self.zone() {
            Some(tz) => t.with_timezone(&tz).fixed_offset().to_rfc3339(),
            None => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }
}

/// Builds a ticket in code; [`TicketBuilder::build`] validates it against
/// a compiled policy exactly as the JSON readers do (same checks, same
/// errors), so an invalid or unordered ticket cannot exist.
///
/// ```
/// use chrono::{DateTime, Utc};
/// let compiled = slate::compile(&slate::SourceFile::new("mini.sla", r#"
/// policy "Mini" { calendar office }
/// calendar office { zone "America/Chicago"  mon-fri 08:00-16:00 }
/// severity high "Production down"
/// tiers basic
/// targets first_response {
///         basic
///   high  8h
/// }
/// "#))?;
/// let opened: DateTime<Utc> = "2026-03-06T21:30:00Z".parse()?; // Friday 15:30 in Chicago
/// let ticket = slate::Ticket::builder("T-1")
///     .tier("basic")
///     .severity("high")
///     .event(opened, "opened")
///     .build(&compiled)?;
/// let answer = compiled.evaluate(&ticket, "2026-03-09T12:00:00Z".parse()?)?;
/// let first = answer.metric("first_response").expect("a prelude metric");
/// assert_eq!(first.state, slate::State::Running);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct TicketBuilder {
    raw: RawTicket<'static>,
}

impl Ticket {
    /// Starts building a ticket with this id.
    pub fn builder(id: impl Into<String>) -> TicketBuilder {
        TicketBuilder {
            raw: RawTicket {
                id: Some(Cow::Owned(id.into())),
                line: 1,
                ..RawTicket::default()
            },
        }
    }
}

impl TicketBuilder {
    /// The tier at opening (a declared tier name).
    pub fn tier(mut self, name: impl Into<String>) -> Self {
        self.raw.tier = Some(Cow::Owned(name.into()));
        self
    }

    /// The severity at opening (a declared name or alias).
    pub fn severity(mut self, name: impl Into<String>) -> Self {
        self.raw.severity = Some(Cow::Owned(name.into()));
        self
    }

    /// The issue type (a declared type name).
    pub fn issue_type(mut self, name: impl Into<String>) -> Self {
        self.raw.issue_type = Some(Cow::Owned(name.into()));
        self
    }

    /// The status at creation (a ticket created in a paused status starts
    /// paused).
    pub fn status(mut self, status: impl Into<String>) -> Self {
        self.raw.status = Some(Cow::Owned(status.into()));
        self
    }

    /// An attribute of the ticket (`region`, `queue`), which a calendar
    /// chosen per ticket (`calendar desk by region { ... }`) reads; the
    /// first value given for a name counts, as in `"attributes"` of a JSON
    /// line.
    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.raw
            .attributes
            .push((Cow::Owned(name.into()), Cow::Owned(value.into())));
        self
    }

    /// The channel the ticket came in through (`"email"`, `"Support
    /// Portal"`): a ticket whose type is covered on its tier only through
    /// other channels (`covers gold via "email"`) is answered `not_covered`.
    ///
    /// ```
    /// let compiled = slate::compile(&slate::SourceFile::new("desk.sla", r#"
    /// policy "Desk" { calendar always }
    /// calendar always = 24x7
    /// severity high "High"
    /// tiers basic
    /// type bug "Bug" { covers basic via "email" }
    /// targets first_response {
    ///         basic
    ///   high  1h
    /// }
    /// "#))?;
    /// let opened = "2026-03-02T09:00:00Z".parse()?;
    /// let by_phone = slate::Ticket::builder("T-1")
    ///     .tier("basic")
    ///     .severity("high")
    ///     .issue_type("bug")
    ///     .channel("phone")
    ///     .event(opened, "opened")
    ///     .build(&compiled)?;
    /// let answer = compiled.evaluate(&by_phone, "2026-03-02T12:00:00Z".parse()?)?;
    /// let first = answer.metric("first_response").expect("a prelude metric");
    /// assert_eq!(first.state, slate::State::NotCovered);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn channel(mut self, name: impl Into<String>) -> Self {
        self.raw.channel = Some(Cow::Owned(name.into()));
        self
    }

    /// The ticket's due date, the deadline of `due` targets (the JSON
    /// field `due_at`). A ticket that a `due` cell applies to must have
    /// one: without it, [`TicketBuilder::build`] fails with
    /// [`InputErrorKind::MissingDueDate`](crate::InputErrorKind::MissingDueDate).
    pub fn due_at(mut self, at: DateTime<Utc>) -> Self {
        self.raw.due_at = Some(Cow::Owned(crate::eval::answer::utc::text(&at)));
        self
    }

    /// An event without a value: `opened`, `replied`, `customer_replied`,
    /// `acknowledged`, `resolved`, `closed` or `reopened`.
    pub fn event(self, at: DateTime<Utc>, kind: impl Into<String>) -> Self {
        self.push(at, kind.into(), None)
    }

    /// An event done by `actor` (`agent`, `customer` or `system`), such as
    /// an automatic acknowledgement: `event_by(t, "replied", "system")`.
    /// Without an actor, `opened` and `customer_replied` are the
    /// customer's and every other event the support team's.
    pub fn event_by(
        self,
        at: DateTime<Utc>,
        kind: impl Into<String>,
        actor: impl Into<String>,
    ) -> Self {
        self.push_with(at, kind.into(), None, Some(actor.into()), None)
    }

    /// A message (`opened`, `replied` or `customer_replied`) by `actor`,
    /// public or internal: `message(t, "replied", "agent", false)` is an
    /// internal note, `message(t, "opened", "agent", true)` a ticket an
    /// agent opened with a public comment.
    pub fn message(
        self,
        at: DateTime<Utc>,
        kind: impl Into<String>,
        actor: impl Into<String>,
        public: bool,
    ) -> Self {
        let public = if public { "true" } else { "false" };
        self.push_with(at, kind.into(), None, Some(actor.into()), Some(public))
    }

    /// A change event with its new value: `status`, `severity` or `tier`.
    pub fn change(
        self,
        at: DateTime<Utc>,
        kind: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        self.push(at, kind.into(), Some(value.into()))
    }

    fn push(self, at: DateTime<Utc>, kind: String, value: Option<String>) -> Self {
        self.push_with(at, kind, value, None, None)
    }

    fn push_with(
        mut self,
        at: DateTime<Utc>,
        kind: String,
        value: Option<String>,
        actor: Option<String>,
        public: Option<&'static str>,
    ) -> Self {
        let at = crate::eval::answer::utc::text(&at);
        self.raw.events.push(RawEvent {
            line: 1,
            at: Some(Cow::Owned(at)),
            kind: Some(Cow::Owned(kind)),
            value: value.map(Cow::Owned),
            actor: actor.map(Cow::Owned),
            public: public.map(Cow::Borrowed),
        });
        self
    }

    /// Validates the ticket against `compiled`: names resolved, one
    /// `opened` event, nothing before it, events put in evaluation order.
    pub fn build(self, compiled: &Compiled) -> Result<Ticket, InputError> {
        compiled.validate(self.raw, &ReadOptions::default())
    }
}
