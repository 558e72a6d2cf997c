//! Explanations: why a ticket's clocks say what they say.
//!
//! [`trace`] builds a structured [`Explanation`]: for every cycle of every
//! metric (or of one metric), which target applied and why (severity row,
//! tier column, type-specific or general cell), which calendar and why
//! (severity clock, table, policy default), and each stretch of the timeline
//! labelled counted, outside hours, closed (holiday label), paused (status)
//! or stopped, with its duration and the event that began it. [`explain`]
//! renders it as text.

use super::answer::permille_text;
use super::answer::run_all;
use super::answer::{evaluate, CycleAnswer, State};
use super::clock::{applied_target, AppliedTarget, CalendarSource, Cause, Cycle, Piece, Promise};
use super::timeline::{Change, Ticket};
use crate::calendar::{to_utc, CalendarError, CalendarSet, SegmentState};
use crate::ir::{Covered, EventKind, FilterClause, MetricId, Policy};
use crate::values::format_seconds;
use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt::{self, Write as _};

/// Why an explanation could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExplainError {
    /// The metric name is not one of the policy's metrics.
    UnknownMetric(String),
    /// Calendar arithmetic failed.
    Hours(CalendarError),
}

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::UnknownMetric(m) => write!(f, "unknown metric `{m}`"),
            ExplainError::Hours(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ExplainError {}

impl From<CalendarError> for ExplainError {
    fn from(e: CalendarError) -> Self {
        ExplainError::Hours(e)
    }
}

/// What a stretch of a cycle's timeline was.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StretchKind {
    /// Open time on the calendar, counted.
    Counted,
    /// Outside the calendar's weekly hours.
    OutsideHours,
    /// Closed by a closure (holiday), with its label.
    Closed(Option<String>),
    /// Paused by this status.
    Paused(String),
    /// Stopped by this event until a reopen resumed the clock.
    Stopped(EventKind),
}

/// One labelled stretch `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stretch {
    /// First instant.
    pub from: DateTime<Utc>,
    /// First instant after.
    pub to: DateTime<Utc>,
    /// What it was.
    pub kind: StretchKind,
    /// Open seconds counted in it.
    pub counted_seconds: i64,
    /// The event that began it, when one did.
    pub cause: Option<String>,
}

/// The explanation of one cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CycleTrace {
    /// The measured answer.
    pub answer: CycleAnswer<'static>,
    /// Which target cell applied and why.
    pub target_why: String,
    /// Which calendar and why.
    pub calendar_why: String,
    /// Severity/tier changes that recomputed the target.
    pub recomputes: Vec<String>,
    /// The timeline of the cycle.
    pub stretches: Vec<Stretch>,
    /// Who did the event that started the cycle (`agent, public`), when
    /// the input said something else than the defaults.
    pub started_who: Option<String>,
    /// The same for the event that stopped it.
    pub stopped_who: Option<String>,
    /// Events of the kinds the metric starts, stops or updates on that did
    /// not count, and why (`replied by system, public at ...: `stops on`
    /// counts only `replied by agent public``).
    pub ignored: Vec<String>,
}

/// The explanation of one metric.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MetricTrace {
    /// The metric's name.
    pub metric: String,
    /// Its state.
    pub state: State,
    /// Its cycles.
    pub cycles: Vec<CycleTrace>,
    /// For a metric without cycles: what would start it and what target
    /// would apply now.
    pub note: Option<String>,
}

/// The explanation of a ticket at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Explanation {
    /// The ticket id.
    pub ticket: String,
    /// The evaluation instant.
    pub at: DateTime<Utc>,
    /// One line about the ticket's fields at `at`.
    pub fields: String,
    /// The metrics explained.
    pub metrics: Vec<MetricTrace>,
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn cause_text(c: &Cause) -> String {
    match &c.value {
        Some(v) => format!("{} -> {v} at {}", c.kind.name(), ts(to_utc(c.at))),
        None => format!("{} at {}", c.kind.name(), ts(to_utc(c.at))),
    }
}

fn target_why(policy: &Policy, metric: &str, t: &AppliedTarget, channel: Option<&str>) -> String {
    let sev = policy
        .severities
        .get(t.severity.index())
        .map_or("?", |s| s.name.as_str());
    let tier = policy
        .tiers
        .get(t.tier.index())
        .map_or("?", |s| s.name.as_str());
    let cell = match t.cell_type.and_then(|ty| policy.types.get(ty.index())) {
        Some(ty) => format!("the `{}` cell", ty.name),
        None => "the general cell".to_string(),
    };
    let ty = t
        .cell_type
        .or(t.asked_type)
        .and_then(|ty| policy.types.get(ty.index()))
        .map_or("?", |ty| ty.name.as_str());
    match t.covered {
        Covered::No if t.channel_refused => {
            let list: Vec<String> = t
                .asked_type
                .and_then(|ty| policy.types.get(ty.index()))
                .map(|ty| {
                    ty.coverage
                        .iter()
                        .filter(|c| c.tiers.contains(&t.tier))
                        .flat_map(|c| c.channels.iter().map(|n| format!("`{n}`")))
                        .collect()
                })
                .unwrap_or_default();
            let via = if list.is_empty() {
                String::new()
            } else {
                format!(" (covered there via {})", list.join(", "))
            };
            return format!(
                "not covered: type `{ty}` is not covered on tier `{tier}` through channel `{}`{via}, so `{metric}` has no target",
                channel.unwrap_or("?")
            );
        }
        Covered::No => {
            return format!(
            "not covered: type `{ty}` is not covered on tier `{tier}`, so `{metric}` has no target"
        )
        }
        Covered::NoGuarantee => {
            return format!("no target: type `{ty}` is covered on tier `{tier}` without guarantee")
        }
        Covered::Yes => {}
    }
    match (t.has_cell, t.promise) {
        (false, _) => {
            format!("no target: `{metric}` has no cell for severity `{sev}`, tier `{tier}`")
        }
        (true, None) => {
            format!("no target: `{metric}` row `{sev}`, column `{tier}` ({cell}) is `-`")
        }
        (true, Some(_)) => {
            let d = t.written(policy).unwrap_or_default();
            let version = match t.version.and_then(|v| policy.versions.get(v.index())) {
                Some(v) => format!(", version `{}`", v.name),
                None if !policy.versions.is_empty() => ", the policy's own targets".to_string(),
                None => String::new(),
            };
            format!("target {d}: `{metric}` row `{sev}`, column `{tier}` ({cell}{version})")
        }
    }
}

/// For a deadline target (`1bd@16:00`, `1bd@end`, `due`), the instant it
/// names and the open time from the start to it.
fn deadline_why(why: String, c: &Cycle<'_>) -> String {
    match (c.target.promise, c.target_end, c.target_seconds) {
        (Some(Promise::By(_)), Some(end), Some(0)) if end == c.start => format!(
            "{why}; it names an instant at or before the start {}: a zero target, reached at the start",
            ts(to_utc(c.start))
        ),
        (Some(Promise::By(_)), Some(end), Some(secs)) => format!(
            "{why}; it names {}, {} of open time after the start {} (a pause pushes the deadline by the open time it loses)",
            ts(to_utc(end)),
            crate::values::format_seconds(secs),
            ts(to_utc(c.start))
        ),
        _ => why,
    }
}

fn calendar_why(policy: &Policy, metric: &str, ticket: &Ticket, t: &AppliedTarget) -> String {
    let name = policy
        .calendars
        .get(t.calendar.index())
        .map_or("?", |c| c.name.as_str());
    let sev = policy
        .severities
        .get(t.severity.index())
        .map_or("?", |s| s.name.as_str());
    let why = match t.calendar_source {
        CalendarSource::Severity => format!("the clock of severity `{sev}`"),
        CalendarSource::SeverityMetric => format!("the clock of severity `{sev}` for `{metric}`"),
        CalendarSource::Default => "the policy's default calendar".to_string(),
        CalendarSource::Table => "named by the target table".to_string(),
    };
    let chosen = t.selected_from.and_then(|sel| {
        let s = ticket.selection(sel)?;
        let cal = policy.calendars.get(sel.index())?;
        let crate::ir::CalendarDef::Select(def) = &cal.def else {
            return None;
        };
        Some(match &s.value {
            Some(v) => format!(", chosen from `{}` by `{}` `{v}`", cal.name, def.attribute),
            None => format!(
                ", chosen from `{}` as its default (no listed `{}`)",
                cal.name, def.attribute
            ),
        })
    });
    format!("calendar `{name}`: {why}{}", chosen.unwrap_or_default())
}

fn stretches(
    hours: &CalendarSet,
    c: &Cycle<'_>,
    all: &[Piece<'_>],
) -> Result<Vec<Stretch>, CalendarError> {
    let mut out = Vec::new();
    for p in c.pieces(all) {
        let mut cause = Some(cause_text(&p.cause));
        if let Some(status) = &p.paused {
            out.push(Stretch {
                from: to_utc(p.from),
                to: to_utc(p.to),
                kind: StretchKind::Paused(status.to_string()),
                counted_seconds: 0,
                cause: cause.take(),
            });
            continue;
        }
        for s in hours.segments(p.calendar, to_utc(p.from), to_utc(p.to))? {
            let (kind, counted_seconds) = match s.state {
                SegmentState::Open => (StretchKind::Counted, (s.end - s.start).num_seconds()),
                SegmentState::OutsideHours => (StretchKind::OutsideHours, 0),
                SegmentState::Closed { label } => (StretchKind::Closed(label), 0),
            };
            out.push(Stretch {
                from: s.start,
                to: s.end,
                kind,
                counted_seconds,
                cause: cause.take(),
            });
        }
    }
    for g in &c.gaps {
        out.push(Stretch {
            from: to_utc(g.from),
            to: to_utc(g.to),
            kind: StretchKind::Stopped(g.stopped_by),
            counted_seconds: 0,
            cause: Some(format!("{} at {}", g.stopped_by.name(), ts(to_utc(g.from)))),
        });
    }
    out.sort_by_key(|s| s.from);
    Ok(out)
}

/// Who did an event and, for a message, whether it was public:
/// `by agent, internal`.
fn who(e: &super::timeline::Event) -> String {
    let mut text = format!("by {}", e.actor.name());
    if e.change.kind().has_visibility() {
        text.push_str(if e.public { ", public" } else { ", internal" });
    }
    text
}

/// `agent, internal` for the event of `kind` at `at` that counted, when
/// its actor or visibility is not the default one.
fn who_if_not_default(ticket: &Ticket, at: DateTime<Utc>, kind: &str) -> Option<String> {
    let e = ticket
        .events
        .iter()
        .find(|e| e.at == at && e.change.kind().name() == kind && !e.opening_comment)?;
    let k = e.change.kind();
    if e.actor == crate::ir::Actor::default_for(k) && e.public {
        return None;
    }
    let mut text = e.actor.name().to_string();
    if k.has_visibility() {
        text.push_str(if e.public { ", public" } else { ", internal" });
    }
    Some(text)
}

/// `replied by agent public, replied by system`: the filtered events of a
/// clause, as written.
fn filters_text(m: &crate::ir::Metric, clause: FilterClause, kind: EventKind) -> String {
    let items: Vec<String> = m
        .filters
        .iter()
        .filter(|f| f.clause == clause && f.event == kind)
        .map(|f| {
            let mut t = kind.name().to_string();
            if let Some(a) = f.by {
                t.push_str(&format!(" by {}", a.name()));
            }
            match f.public {
                Some(true) => t.push_str(" public"),
                Some(false) => t.push_str(" internal"),
                None => {}
            }
            format!("`{t}`")
        })
        .collect();
    items.join(" or ")
}

/// The events from `from` to `to` (inclusive) of a kind the metric's
/// clauses name that did not count for a clause: filtered out, or the
/// opening comment of a ticket an agent opened.
fn ignored_events(
    m: &crate::ir::Metric,
    ticket: &Ticket,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<String> {
    let mut out = Vec::new();
    let clauses = [
        (FilterClause::Starts, "starts on"),
        (FilterClause::Stops, "stops on"),
        (FilterClause::Periodic, "periodic on"),
    ];
    for e in ticket.events.iter().filter(|e| from <= e.at && e.at <= to) {
        let kind = e.change.kind();
        for (clause, word) in clauses {
            if !m.clause_events(clause).contains(&kind) {
                continue;
            }
            let at = ts(e.at);
            let name = kind.name();
            if e.opening_comment {
                out.push(format!(
                    "ignored {name} {} at {at}: the opening comment of a ticket an agent opened",
                    who(e)
                ));
                break;
            }
            if !m.counts(clause, kind, e.actor, e.public) {
                out.push(format!(
                    "ignored {name} {} at {at}: `{word}` counts only {}",
                    who(e),
                    filters_text(m, clause, kind)
                ));
            }
        }
    }
    out
}

fn not_started_note(
    policy: &Policy,
    hours: &CalendarSet,
    ticket: &Ticket,
    at: DateTime<Utc>,
    id: MetricId,
) -> String {
    let Some(m) = policy.metrics.get(id.index()) else {
        return String::new();
    };
    let starts: Vec<String> = m
        .starts
        .iter()
        .map(|k| match filters_text(m, FilterClause::Starts, *k) {
            t if t.is_empty() => format!("`{}`", k.name()),
            t => t,
        })
        .collect();
    let mut text = format!("starts on {}", starts.join(" or "));
    if let Some(dep) = m.after.and_then(|d| policy.metrics.get(d.index())) {
        text.push_str(&format!(" once `{}` has stopped", dep.name));
    }
    let (mut sev, mut tier) = (ticket.severity, ticket.tier);
    for e in ticket.events.iter().filter(|e| e.at <= at) {
        match e.change {
            Change::Severity(s) => sev = s,
            Change::Tier(t) => tier = t,
            _ => {}
        }
    }
    let version = super::versions::in_force(policy, hours, ticket, at);
    let channel = ticket.channel.as_deref();
    let target = applied_target(policy, ticket, version, id, sev, tier);
    format!("{text}; {}", target_why(policy, &m.name, &target, channel))
}

/// Builds the explanation of a ticket at `at`, for every metric or one.
pub(crate) fn trace(
    policy: &Policy,
    hours: &CalendarSet,
    ticket: &Ticket,
    at: DateTime<Utc>,
    metric: Option<&str>,
) -> Result<Explanation, ExplainError> {
    let only = match metric {
        Some(name) => Some(
            policy
                .metric_named(name)
                .ok_or_else(|| ExplainError::UnknownMetric(name.to_string()))?,
        ),
        None => None,
    };
    // The ticket's events are in evaluation order (validation sorts them).
    let answer = evaluate(policy, hours, ticket, at)?.into_owned();
    let runs = run_all(policy, hours, ticket, at)?;
    let mut metrics = Vec::new();
    for (i, m) in answer.metrics.into_iter().enumerate() {
        let cs = runs.metric(i);
        if only.is_some_and(|o| o.index() != i) {
            continue;
        }
        let mut traces = Vec::new();
        let metric_ir = &policy.metrics[i];
        for (a, c) in m.cycles.into_iter().zip(cs) {
            let end = a.stop.unwrap_or(at);
            let ignored = if a.state == State::NotStarted {
                Vec::new()
            } else {
                ignored_events(metric_ir, ticket, a.start, end)
            };
            let started_who = who_if_not_default(ticket, a.start, &a.started_by);
            let stopped_who = match (a.stop, a.stopped_by.as_deref()) {
                (Some(t), Some(by)) => who_if_not_default(ticket, t, by),
                _ => None,
            };
            traces.push(CycleTrace {
                started_who,
                stopped_who,
                ignored,
                target_why: deadline_why(
                    target_why(policy, &m.metric, &c.target, ticket.channel.as_deref()),
                    c,
                ),
                calendar_why: calendar_why(policy, &m.metric, ticket, &c.target),
                recomputes: c.recomputes.iter().map(cause_text).collect(),
                stretches: stretches(hours, c, &runs.pieces)?,
                answer: a,
            });
        }
        let note = traces
            .is_empty()
            .then(|| not_started_note(policy, hours, ticket, at, MetricId(i as u32)));
        metrics.push(MetricTrace {
            metric: m.metric.into_owned(),
            state: m.state,
            cycles: traces,
            note,
        });
    }
    let mut fields = format!(
        "tier `{}`, severity `{}`, type `{}`, status `{}`",
        answer.tier,
        answer.severity,
        answer.issue_type.as_deref().unwrap_or("-"),
        answer.status.as_deref().unwrap_or("-"),
    );
    if let Some(v) = &answer.version {
        let since = v
            .effective
            .map(|d| format!(", from {d}"))
            .unwrap_or_default();
        match &v.name {
            Some(name) => fields.push_str(&format!(", version `{name}`{since}")),
            None => fields.push_str(&format!(", the policy's own targets{since}")),
        }
    }
    if let Some(channel) = ticket.channel.as_deref() {
        fields.push_str(&format!(", channel `{channel}`"));
    }
    Ok(Explanation {
        ticket: answer.id.into_owned(),
        at,
        fields,
        metrics,
    })
}

impl fmt::Display for Explanation {
    /// The text `slate explain` prints.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&render(self))
    }
}

/// Renders an explanation as text.
fn render(e: &Explanation) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "ticket {} at {}: {}", e.ticket, ts(e.at), e.fields);
    for m in &e.metrics {
        let _ = writeln!(out);
        if m.cycles.is_empty() {
            let _ = writeln!(out, "{}: {}", m.metric, m.state.name());
            if let Some(note) = &m.note {
                let _ = writeln!(out, "  {note}");
            }
        }
        for c in &m.cycles {
            render_cycle(&mut out, &m.metric, c);
        }
    }
    out
}

fn render_cycle(out: &mut String, metric: &str, c: &CycleTrace) {
    let a = &c.answer;
    let _ = writeln!(out, "{metric}, cycle {}: {}", a.cycle, a.state.name());
    let _ = writeln!(out, "  {}", c.target_why);
    let _ = writeln!(out, "  {}", c.calendar_why);
    for r in &c.recomputes {
        let _ = writeln!(out, "  target recomputed by {r}");
    }
    if a.state == State::NotStarted {
        let _ = write!(
            out,
            "  starts {} (scheduled by {})",
            ts(a.start),
            a.started_by
        );
    } else {
        let _ = write!(out, "  started {} by {}", ts(a.start), a.started_by);
    }
    if let Some(who) = &c.started_who {
        let _ = write!(out, " ({who})");
    }
    if let (Some(s), Some(by)) = (a.stop, &a.stopped_by) {
        let _ = write!(out, ", stopped {} by {by}", ts(s));
        if let Some(who) = &c.stopped_who {
            let _ = write!(out, " ({who})");
        }
    }
    let _ = writeln!(out);
    for s in &c.stretches {
        let kind = match &s.kind {
            StretchKind::Counted => "counted".to_string(),
            StretchKind::OutsideHours => "outside hours".to_string(),
            StretchKind::Closed(Some(l)) => format!("closed ({l})"),
            StretchKind::Closed(None) => "closed".to_string(),
            StretchKind::Paused(st) => format!("paused (status {st})"),
            StretchKind::Stopped(k) => format!("stopped ({})", k.name()),
        };
        let wall = format_seconds((s.to - s.from).num_seconds());
        let mut line = format!(
            "    {} .. {}  {:>9}  {:<28}",
            ts(s.from),
            ts(s.to),
            wall,
            kind
        );
        if let Some(cause) = &s.cause {
            line.push_str(&format!(" since {cause}"));
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    for i in &c.ignored {
        let _ = writeln!(out, "  {i}");
    }
    let mut summary = format!("  elapsed {}", format_seconds(a.elapsed_seconds));
    if let (Some(t), Some(p)) = (a.target_seconds, a.consumed_permille) {
        summary.push_str(&format!(" of {} ({})", format_seconds(t), permille_text(p)));
    }
    if let Some(d) = a.deadline {
        summary.push_str(&format!(", deadline {}", ts(d)));
    }
    if let Some(b) = a.breached_at {
        summary.push_str(&format!(", breached at {}", ts(b)));
    }
    let _ = writeln!(out, "{summary}");
    for ms in &a.milestones {
        let kind = match ms.kind {
            crate::ir::MilestoneKind::Warn => "warn",
            crate::ir::MilestoneKind::Escalate => "escalate",
        };
        let when = match (ms.fires_at, ms.fired) {
            (Some(t), true) => format!("fired at {}", ts(t)),
            (Some(t), false) => format!("due at {}", ts(t)),
            (None, _) => "will not fire".to_string(),
        };
        let _ = writeln!(out, "  {kind} at {} to {}: {when}", ms.percent, ms.to);
    }
}

/// Explains a ticket at `at` as text: for every metric, or only `metric`.
#[cfg(test)]
pub(crate) fn explain(
    policy: &Policy,
    hours: &CalendarSet,
    ticket: &Ticket,
    at: DateTime<Utc>,
    metric: Option<&str>,
) -> Result<String, ExplainError> {
    Ok(render(&trace(policy, hours, ticket, at, metric)?))
}
