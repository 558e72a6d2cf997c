//! Metric state machines: one generic mechanism driven by [`ir::Metric`].
//!
//! Running a metric over a ticket's timeline gives its cycles; each cycle is
//! a list of [`Piece`]s (stretches of constant pause state and calendar)
//! from which [`super::answer`] measures elapsed time, deadlines, breaches
//! and milestones, and [`super::explain()`] prints the trace.
//!
//! Per instant, a metric applies the events in this order: field changes
//! (status changes in input order, then severity and tier as one net
//! change); then its starts; then `reopened`; then its stops; then
//! periodic updates. Pausing is a function
//! of the status after the field changes, so a status change and a start at
//! the same instant give a cycle that starts paused or running according to
//! the new status, whatever the input order.

use super::target::PolicyMemo;
pub use super::target::{
    applied_target, measure_target, AppliedTarget, CalendarSource, Measured, Promise,
};
use super::timeline::{Change, Ticket};
use crate::calendar::{secs_of, CalendarError, CalendarSet};
use crate::ir::{
    self, CalendarId, ChangeRule, EventKind, FilterClause, MetricId, PeriodicMode, Policy,
    ReopenRule, ResetOrder, SeverityId, TierId, VersionId,
};
use chrono::{DateTime, Utc};
use std::cell::Cell;

/// The event that began a piece or ended a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cause<'a> {
    /// Its kind.
    pub kind: EventKind,
    /// The new status, severity or tier name for change events (borrowed
    /// from the ticket or the policy).
    pub value: Option<&'a str>,
    /// When it happened (Unix seconds, as every instant of the engine:
    /// converted from the ticket's events once, and to the answer's once).
    pub at: i64,
}

/// A stretch `[from, to)` of a cycle with one pause state and one calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece<'a> {
    /// First instant (Unix seconds).
    pub from: i64,
    /// First instant after.
    pub to: i64,
    /// The calendar that applied.
    pub calendar: CalendarId,
    /// `Some(status)` when the clock was paused by that status.
    pub paused: Option<&'a str>,
    /// The event that began this stretch.
    pub cause: Cause<'a>,
}

/// A stretch between a stop and the reopen that resumed the cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The stop (Unix seconds).
    pub from: i64,
    /// The reopen.
    pub to: i64,
    /// The event that stopped the clock.
    pub stopped_by: EventKind,
}

/// One cycle of a metric, as run up to the evaluation instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle<'a> {
    /// When it started (may be after the evaluation instant for a scheduled
    /// periodic window).
    pub start: i64,
    /// The event that started it.
    pub started_by: EventKind,
    /// A periodic window opened ahead of time (sequential mode).
    pub scheduled: bool,
    /// The stretches so far, in order, up to the stop or the evaluation
    /// instant: `all[pieces]` of the ticket's list of pieces (one list for
    /// all cycles of a ticket's runs instead of an allocation per cycle; see
    /// [`Cycle::pieces`]).
    pieces: std::ops::Range<usize>,
    /// Stops undone by a reopen.
    pub gaps: Vec<Gap>,
    /// The stop, when it stopped.
    pub stop: Option<Cause<'a>>,
    /// The target now in force.
    pub target: AppliedTarget,
    /// The target in open seconds (business days converted from the start).
    pub target_seconds: Option<i64>,
    /// For a business-day target, `start + Nbd`: the deadline as long as
    /// no open time is lost before it (see [`crossing`]).
    pub target_end: Option<i64>,
    /// When the target in force took effect (start or last recompute).
    pub target_since: i64,
    /// Severity/tier changes that recomputed the target (kept only for a
    /// trace, [`Digest::trace`]: answers do not show them).
    pub recomputes: Vec<Cause<'a>>,
    /// A breach under an earlier target, kept when a recompute later gave
    /// the cycle more time: a breach that happened stays a breach.
    pub kept_breach: Option<i64>,
    open_from: i64,
    open_paused: Option<&'a str>,
    open_cause: Cause<'a>,
}

impl<'a> Cycle<'a> {
    /// Whether the clock was paused at the end of the run.
    pub fn paused_now(&self) -> Option<&'a str> {
        self.open_paused
    }

    /// The calendar in force at the end of the run.
    pub fn calendar_now(&self) -> CalendarId {
        self.target.calendar
    }

    /// Sets the target in force and its measure.
    fn set_target(&mut self, target: AppliedTarget, m: Measured) {
        self.target = target;
        self.target_seconds = m.seconds;
        self.target_end = m.end;
    }

    /// Its stretches, from `all`, the list of pieces of the run that gave
    /// it.
    pub fn pieces<'p>(&self, all: &'p [Piece<'a>]) -> &'p [Piece<'a>] {
        all.get(self.pieces.clone()).unwrap_or_default()
    }

    /// Closes the open stretch at `t` and opens the next one with a new
    /// pause state and cause.
    fn split(
        &mut self,
        all: &mut Vec<Piece<'a>>,
        t: i64,
        paused: Option<&'a str>,
        cause: Cause<'a>,
    ) {
        self.close(all, t);
        self.open_paused = paused;
        self.open_cause = cause;
    }

    /// Ends the open stretch at `t` (nothing when it would be empty),
    /// appending it to `all`.
    fn close(&mut self, all: &mut Vec<Piece<'a>>, t: i64) {
        if t > self.open_from {
            if self.pieces.is_empty() {
                self.pieces = all.len()..all.len();
            } else if self.pieces.end != all.len() {
                // Only the latest cycle of a run gains pieces, so its own
                // are the last in the list; should they not be, they move
                // there.
                let start = all.len();
                all.extend_from_within(self.pieces.clone());
                self.pieces = start..all.len();
            }
            all.push(Piece {
                from: self.open_from,
                to: t,
                calendar: self.target.calendar,
                paused: self.open_paused,
                cause: self.open_cause,
            });
            self.pieces.end = all.len();
            self.open_from = t;
        }
    }
}

type TargetKey = (SeverityId, TierId, Option<VersionId>);

/// A metric's `starts`, `stops` and `periodic` clauses as bit sets of event
/// kinds, built once per policy (see [`super::target::PolicyMemo`]): most
/// events are then judged by a mask test (this loop runs per event and
/// metric). For kinds that have filters in a clause, the answer of
/// [`ir::Metric::counts`], the one rule, is kept for each actor and
/// visibility.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clauses {
    /// Per clause, the kinds it lists.
    listed: [u16; 3],
    /// Per clause, the listed kinds that have filters.
    filtered: [u16; 3],
    /// Per clause and filtered kind, which (actor, visibility) count: bit
    /// `2 * actor + public` ([`who_bit`]).
    who: [[u8; 16]; 3],
}

const CLAUSES: [FilterClause; 3] = [
    FilterClause::Starts,
    FilterClause::Stops,
    FilterClause::Periodic,
];

fn kind_bit(kind: EventKind) -> u16 {
    1 << (kind as u16)
}

fn clause_slot(clause: FilterClause) -> usize {
    match clause {
        FilterClause::Starts => 0,
        FilterClause::Stops => 1,
        FilterClause::Periodic => 2,
    }
}

/// The bit of an actor and a visibility in [`Clauses::who`].
fn who_bit(actor: ir::Actor, public: bool) -> u8 {
    let actor = match actor {
        ir::Actor::Agent => 0,
        ir::Actor::Customer => 1,
        ir::Actor::System => 2,
    };
    1 << (2 * actor + u8::from(public))
}

impl Clauses {
    pub(crate) fn of(metric: &ir::Metric) -> Clauses {
        let mut c = Clauses {
            listed: [0; 3],
            filtered: [0; 3],
            who: [[0; 16]; 3],
        };
        for clause in CLAUSES {
            for &k in metric.clause_events(clause) {
                c.listed[clause_slot(clause)] |= kind_bit(k);
            }
        }
        for f in &metric.filters {
            c.filtered[clause_slot(f.clause)] |= kind_bit(f.event);
        }
        for clause in CLAUSES {
            let i = clause_slot(clause);
            for &kind in metric.clause_events(clause) {
                if c.filtered[i] & kind_bit(kind) == 0 {
                    continue;
                }
                for actor in ir::Actor::ALL {
                    for public in [false, true] {
                        if metric.counts(clause, kind, actor, public) {
                            if let Some(w) = c.who[i].get_mut(kind as usize) {
                                *w |= who_bit(actor, public);
                            }
                        }
                    }
                }
            }
        }
        c
    }

    /// Whether `clause` lists one of the kinds in `kinds`.
    fn lists(&self, clause: FilterClause, kinds: u16) -> bool {
        self.listed[clause_slot(clause)] & kinds != 0
    }

    /// [`ir::Metric::counts`] for the metric these clauses are of.
    fn counts(
        &self,
        clause: FilterClause,
        kind: EventKind,
        actor: ir::Actor,
        public: bool,
    ) -> bool {
        let (i, bit) = (clause_slot(clause), kind_bit(kind));
        if self.listed[i] & bit == 0 {
            false
        } else if self.filtered[i] & bit == 0 {
            true
        } else {
            self.who[i]
                .get(kind as usize)
                .is_some_and(|w| w & who_bit(actor, public) != 0)
        }
    }
}

struct Ctx<'a, 'h> {
    policy: &'a Policy,
    hours: &'h CalendarSet,
    /// The policy's memo, fetched once per ticket.
    memo: Option<&'h PolicyMemo>,
    /// [`Digest::trace`].
    trace: bool,
    ticket: &'a Ticket,
    metric_id: MetricId,
    metric: &'a ir::Metric,
    status: Option<&'a str>,
    severity: SeverityId,
    tier: TierId,
    /// The policy version whose targets apply now.
    version: Option<VersionId>,
    /// The ticket's due date, for `due` targets.
    due_at: Option<i64>,
    last_target: Cell<Option<(TargetKey, AppliedTarget)>>,
}

impl<'a> Ctx<'a, '_> {
    fn paused(&self) -> Option<&'a str> {
        self.status
            .filter(|s| self.metric.pauses.iter().any(|p| p == s))
    }

    /// The target for the current severity, tier and version, looked up
    /// in the policy's table only when they changed since the last lookup.
    fn target(&self) -> AppliedTarget {
        let key = (self.severity, self.tier, self.version);
        if let Some((k, t)) = self.last_target.get() {
            if k == key {
                return t;
            }
        }
        let t = super::target::applied_target_in(
            self.policy,
            self.memo,
            self.ticket,
            self.version,
            self.metric_id,
            self.severity,
            self.tier,
        );
        self.last_target.set(Some((key, t)));
        t
    }

    /// Starts a cycle at `start` and appends it to `cycles` (built in
    /// place: a cycle is large, and returning it through a `Result` cost a
    /// copy).
    fn push_cycle(
        &self,
        cycles: &mut Cycles<'_, 'a>,
        start: i64,
        cause: Cause<'a>,
        scheduled: bool,
    ) -> Result<(), CalendarError> {
        let target = self.target();
        let m = measure_target(
            self.hours,
            target.calendar,
            start,
            target.promise,
            self.due_at,
        )?;
        let open_paused = self.paused();
        cycles.push_with(|| Cycle {
            start,
            started_by: cause.kind,
            scheduled,
            pieces: 0..0,
            gaps: Vec::new(),
            stop: None,
            target,
            target_seconds: m.seconds,
            target_end: m.end,
            target_since: start,
            recomputes: Vec::new(),
            kept_breach: None,
            open_from: start,
            open_paused,
            open_cause: cause,
        });
        Ok(())
    }
}

fn change_cause<'a>(policy: &'a Policy, change: &'a Change, at: i64) -> Cause<'a> {
    let value = match change {
        Change::Status(s) => Some(s.as_str()),
        Change::Severity(s) => policy.severities.get(s.index()).map(|x| x.name.as_str()),
        Change::Tier(t) => policy.tiers.get(t.index()).map(|x| x.name.as_str()),
        _ => None,
    };
    Cause {
        kind: change.kind(),
        value,
        at,
    }
}

/// The instant at which a cycle's counted time reaches `x` open seconds
/// while the cycle is not stopped, never before the target took effect
/// (`target_since`); `None` when it does not within the pieces. Zero is
/// reached at the start. For the whole of a business-day target, the
/// instant is `start + Nbd` when the cycle counts nothing between the
/// earliest such instant and it (no open time was lost). An instant that
/// falls while the cycle is stopped (a stop at the deadline) moves to the
/// reopen that resumed it: that is when the cycle is again running with
/// nothing left.
pub fn crossing(
    hours: &CalendarSet,
    c: &Cycle,
    pieces: &[Piece],
    x: i64,
) -> Result<Option<i64>, CalendarError> {
    crossing_by(hours, c, pieces, x, true, |_, p| {
        hours.between_at(p.calendar, p.from, p.to)
    })
}

/// [`crossing`] with the open seconds of every piece already measured
/// (`secs[i]` for `pieces[i]`, as [`piece_seconds`] gives them).
pub(crate) fn crossing_with(
    hours: &CalendarSet,
    c: &Cycle,
    pieces: &[Piece],
    x: i64,
    secs: &[i64],
) -> Result<Option<i64>, CalendarError> {
    crossing_by(hours, c, pieces, x, true, |i, _| Ok(secs[i]))
}

/// The open seconds of each piece, zero for paused ones, into `out`
/// (cleared first).
pub(crate) fn piece_seconds(
    hours: &CalendarSet,
    pieces: &[Piece<'_>],
    out: &mut Vec<i64>,
) -> Result<(), CalendarError> {
    out.clear();
    for p in pieces {
        out.push(match p.paused {
            Some(_) => 0,
            None => hours.between_at(p.calendar, p.from, p.to)?,
        });
    }
    Ok(())
}

/// `project`: whether a cycle still running unpaused after its pieces
/// counts on from there (the evaluation instant: yes; an instant in the
/// middle of the run, where the next pieces are not known yet: no).
fn crossing_by(
    hours: &CalendarSet,
    c: &Cycle,
    pieces: &[Piece],
    x: i64,
    project: bool,
    seconds: impl Fn(usize, &Piece) -> Result<i64, CalendarError>,
) -> Result<Option<i64>, CalendarError> {
    if x <= 0 {
        // Nothing to count: a zero target is reached at the start, paused
        // or not; a deadline target with no open time before its instant
        // (due Saturday evening on a weekday calendar, opened Saturday
        // noon) is reached at that instant, which no pause can move.
        let at = match c.target_end {
            Some(end) if Some(x) == c.target_seconds => end,
            _ => c.start,
        };
        return Ok(Some(after_gaps(c, at.max(c.target_since))));
    }
    let mut cum = 0i64;
    for (i, p) in pieces.iter().enumerate() {
        if p.paused.is_some() {
            continue;
        }
        let secs = seconds(i, p)?;
        if cum + secs >= x {
            let earliest = hours.add_seconds_at(p.calendar, p.from, x - cum)?;
            let at = match c.target_end {
                Some(end)
                    if Some(x) == c.target_seconds
                        && end > earliest
                        && !counts_between(hours, c, &pieces[i..], earliest, end, project)? =>
                {
                    end
                }
                _ => earliest,
            };
            return Ok(Some(after_gaps(c, at.max(c.target_since))));
        }
        cum += secs;
    }
    Ok(None)
}

/// A deadline that falls while the cycle is stopped (between a stop and
/// the reopen that resumed it) moves to the reopen: that is when the cycle
/// is again running with nothing left.
fn after_gaps(c: &Cycle, mut at: i64) -> i64 {
    while let Some(g) = c.gaps.iter().find(|g| g.from <= at && at < g.to) {
        at = g.to;
    }
    at
}

/// Whether the cycle counts any open time in `[from, to)`: in its unpaused
/// `pieces`, and after them, while it still runs unpaused, on the calendar
/// in force.
fn counts_between(
    hours: &CalendarSet,
    c: &Cycle,
    pieces: &[Piece],
    from: i64,
    to: i64,
    project: bool,
) -> Result<bool, CalendarError> {
    for p in pieces.iter().filter(|p| p.paused.is_none()) {
        let (a, b) = (p.from.max(from), p.to.min(to));
        if a < b && hours.between_at(p.calendar, a, b)? > 0 {
            return Ok(true);
        }
    }
    let a = c.open_from.max(from);
    Ok(project
        && c.stop.is_none()
        && c.open_paused.is_none()
        && a < to
        && hours.between_at(c.calendar_now(), a, to)? > 0)
}

/// The instant the counted time would reach `x` open seconds if the cycle,
/// which has counted `counted` by `from` (the stop, or the evaluation
/// instant while it runs), ran on unpaused from there on the calendar in
/// force. For the whole of a business-day target that is `start + Nbd` when
/// the calendar counts nothing between the two (no open time was lost).
pub(crate) fn projected(
    hours: &CalendarSet,
    c: &Cycle,
    from: i64,
    x: i64,
    counted: i64,
) -> Result<i64, CalendarError> {
    let cal = c.calendar_now();
    let earliest = hours.add_seconds_at(cal, from, (x - counted).max(0))?;
    Ok(match c.target_end {
        Some(end)
            if Some(x) == c.target_seconds
                && end > earliest
                && hours.between_at(cal, earliest, end)? == 0 =>
        {
            end
        }
        _ => earliest,
    })
}

/// Open seconds counted in the unpaused pieces.
pub fn counted(hours: &CalendarSet, pieces: &[Piece]) -> Result<i64, CalendarError> {
    let mut sum = 0;
    for p in pieces.iter().filter(|p| p.paused.is_none()) {
        sum += hours.between_at(p.calendar, p.from, p.to)?;
    }
    Ok(sum)
}

/// What every metric's run over one ticket shares, computed once per
/// ticket: its policy versions and its events up to the evaluation instant
/// grouped by instant.
pub(crate) struct Digest<'a> {
    /// The version the ticket was opened under, and its later
    /// `re-evaluated` ones with the instants it moves to them
    /// ([`super::versions::timeline`]).
    version: Option<VersionId>,
    moves: Vec<(DateTime<Utc>, VersionId)>,
    instants: Vec<Instant<'a>>,
    /// The evaluation instant.
    at: DateTime<Utc>,
    /// The policy's memo ([`PolicyMemo::of`]), fetched once per ticket.
    pub(crate) memo: Option<&'a PolicyMemo>,
    /// Whether the runs keep what only a trace shows (each cycle's
    /// [`Cycle::recomputes`]); off by default.
    pub(crate) trace: bool,
}

/// The events of one instant, with what the metrics' runs test first (most
/// instants concern few metrics, so most runs skip them on a mask test).
struct Instant<'a> {
    /// When, in Unix seconds (converted once here for every metric's run).
    at: i64,
    /// Its field changes (status, severity, tier), in input order: in
    /// evaluation order they come first in their second.
    fields: &'a [super::timeline::Event],
    /// Its other events.
    rest: &'a [super::timeline::Event],
    /// The kinds of the events a metric's clauses see ([`clause_sees`]).
    others: u16,
}

/// Whether a metric's clauses see an event: not field changes, and not the
/// opening comment of a ticket an agent opened.
fn clause_sees(e: &super::timeline::Event) -> bool {
    e.change.phase() != 0 && !e.opening_comment
}

impl<'a> Digest<'a> {
    /// The ticket's tier, severity and status after its events up to the
    /// evaluation instant.
    pub(crate) fn fields_at_end(
        &self,
        ticket: &'a Ticket,
    ) -> (TierId, SeverityId, Option<&'a str>) {
        let (mut tier, mut severity, mut status) =
            (ticket.tier, ticket.severity, ticket.status.as_deref());
        for e in self.instants.iter().flat_map(|g| g.fields) {
            match &e.change {
                Change::Status(s) => status = Some(s.as_str()),
                Change::Severity(s) => severity = *s,
                Change::Tier(t) => tier = *t,
                _ => {}
            }
        }
        (tier, severity, status)
    }

    /// The digest of a ticket whose events are in evaluation order, for an
    /// evaluation at `at` (later events are left out).
    pub(crate) fn of(
        policy: &Policy,
        hours: &'a CalendarSet,
        ticket: &'a Ticket,
        at: DateTime<Utc>,
    ) -> Digest<'a> {
        Digest::of_in(policy, hours, ticket, at, DigestRoom::default())
    }

    /// [`Digest::of`] in the memory of `room` (an earlier ticket's digest,
    /// [`Digest::into_room`]): a worker reuses it from ticket to ticket
    /// instead of allocating it per ticket.
    pub(crate) fn of_in(
        policy: &Policy,
        hours: &'a CalendarSet,
        ticket: &'a Ticket,
        at: DateTime<Utc>,
        room: DigestRoom,
    ) -> Digest<'a> {
        let (version, moves) = super::versions::timeline(policy, hours, ticket);
        // Events are in evaluation order (validation sorts them), so the
        // events of one instant are a contiguous run, its field changes
        // first.
        let mut instants: Vec<Instant> = super::reuse::emptied(room.0);
        instants.reserve(ticket.events.len());
        let mut rest = ticket.events.as_slice();
        while let Some(first) = rest.first() {
            if first.at > at {
                break;
            }
            // Linear scans: an instant has a few events.
            let n = rest.iter().take_while(|e| e.at == first.at).count();
            let (group, after) = rest.split_at(n);
            let f = group.iter().take_while(|e| e.change.phase() == 0).count();
            let (fields, others) = group.split_at(f);
            instants.push(Instant {
                at: secs_of(&first.at),
                fields,
                rest: others,
                others: others
                    .iter()
                    .filter(|e| clause_sees(e))
                    .fold(0, |k, e| k | kind_bit(e.change.kind())),
            });
            rest = after;
        }
        Digest {
            version,
            moves,
            instants,
            at,
            memo: PolicyMemo::of(policy, hours),
            trace: false,
        }
    }

    /// The policy version whose targets apply to the ticket at the
    /// evaluation instant (what [`super::versions::in_force`] says, from
    /// the timeline the digest already has).
    pub(crate) fn version_at_end(&self) -> Option<VersionId> {
        super::versions::in_force_of(self.version, &self.moves, self.at)
    }

    /// The digest's memory, for the next ticket's [`Digest::of_in`] (kept
    /// only up to a size: a ticket with a million events does not keep
    /// its megabytes for the rest of a run).
    pub(crate) fn into_room(self) -> DigestRoom {
        DigestRoom(super::reuse::kept(self.instants, super::reuse::KEPT_MOST))
    }
}

/// The memory of a [`Digest`]'s list of instants, empty, between tickets.
#[derive(Default)]
pub(crate) struct DigestRoom(Vec<Instant<'static>>);

/// Runs one metric over a ticket's events up to the evaluation instant of
/// `digest`, the ticket's [`Digest`] (inclusive). `first_stop` gives, for
/// the metric named by `after`, the instant it first stopped (by one of its
/// own stop events); the cycles' pieces are appended to `all`, the cycles
/// to `list` (the ticket's list of cycles: the metric's are
/// `list[range]`, the range returned). The
/// ticket's events must be in evaluation order, as [`super::validate`]
/// leaves them (see [`Ticket::sort_events`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_metric<'a>(
    policy: &'a Policy,
    hours: &CalendarSet,
    ticket: &'a Ticket,
    metric_id: MetricId,
    first_stop: Option<i64>,
    digest: &Digest<'a>,
    all: &mut Vec<Piece<'a>>,
    list: &mut Vec<Cycle<'a>>,
) -> Result<std::ops::Range<usize>, CalendarError> {
    let at = digest.at;
    let base = list.len();
    let Some(metric) = policy.metrics.get(metric_id.index()) else {
        return Ok(base..base);
    };
    let version = digest.version;
    let memo = digest.memo;
    let clauses = match memo {
        Some(memo) => memo
            .clauses(metric_id)
            .unwrap_or_else(|| Clauses::of(metric)),
        None => Clauses::of(metric),
    };
    let mut ctx = Ctx {
        policy,
        hours,
        memo,
        trace: digest.trace,
        ticket,
        metric_id,
        metric,
        status: ticket.status.as_deref(),
        severity: ticket.severity,
        tier: ticket.tier,
        version,
        due_at: ticket.due_at.as_ref().map(secs_of),
        last_target: Cell::new(None),
    };
    let mut cycles = Cycles { list, base };
    let stop_first = metric.reset_order == ResetOrder::StopFirst;
    let reopened = kind_bit(EventKind::Reopened);
    // The kinds that can do anything to this metric's cycles.
    let seen = clauses.listed.iter().fold(reopened, |all, &k| all | k);
    let mut moves = digest.moves.as_slice();
    for g in &digest.instants {
        // A re-evaluated version takes effect before the events of its
        // instant, like a field change.
        while let Some((&(b, v), rest)) =
            moves.split_first().filter(|((b, _), _)| secs_of(b) <= g.at)
        {
            moves = rest;
            change_version(&mut ctx, &mut cycles, all, secs_of(&b), v)?;
        }
        // Most instants do nothing to most metrics: no field change, and
        // no event that a clause of this one lists, nor a reopen.
        if g.fields.is_empty() && g.others & seen == 0 {
            continue;
        }
        let t = g.at;
        let mut reset = None;
        if !g.fields.is_empty() {
            let status_before = ctx.status;
            apply_field_changes(&mut ctx, &mut cycles, all, g.fields, t)?;
            // `resets when status S`: the status changed in this second, to S.
            reset = (!metric.resets.is_empty()
                && ctx.status != status_before
                && ctx
                    .status
                    .is_some_and(|s| metric.resets.iter().any(|r| r == s)))
            .then(|| {
                g.fields
                    .iter()
                    .rev()
                    .find(|e| matches!(e.change, Change::Status(_)))
                    .map(|e| change_cause(policy, &e.change, t))
            })
            .flatten();
        }
        if let Some(cause) = reset.filter(|_| !stop_first) {
            reset_cycle(&ctx, &mut cycles, all, t, cause)?;
        }
        let others = || g.rest.iter().filter(|e| !e.opening_comment);
        let counts = |clause, e: &super::timeline::Event| {
            clauses.counts(clause, e.change.kind(), e.actor, e.public)
        };
        // Each clause looks at the events only when it lists one of their
        // kinds (`counts` is false for the others).
        if clauses.lists(FilterClause::Starts, g.others) {
            for e in others() {
                if counts(FilterClause::Starts, e) {
                    start(&ctx, &mut cycles, e.change.kind(), t, first_stop)?;
                }
            }
        }
        if g.others & reopened != 0 {
            reopen(&ctx, &mut cycles, all, t)?;
        }
        if clauses.lists(FilterClause::Stops, g.others) {
            for e in others() {
                if counts(FilterClause::Stops, e) {
                    stop(&mut cycles, all, e.change.kind(), t);
                }
            }
        }
        if let Some(cause) = reset.filter(|_| stop_first) {
            reset_cycle(&ctx, &mut cycles, all, t, cause)?;
        }
        // Several updates in the same second are one update.
        if let Some(periodic) = &metric.periodic {
            if clauses.lists(FilterClause::Periodic, g.others) {
                if let Some(e) = others().find(|e| counts(FilterClause::Periodic, e)) {
                    update(&ctx, &mut cycles, all, e.change.kind(), t, periodic.mode)?;
                }
            }
        }
    }
    for &(b, v) in moves.iter().take_while(|(b, _)| *b <= at) {
        change_version(&mut ctx, &mut cycles, all, secs_of(&b), v)?;
    }
    // The evaluation instant's fraction of a second, if any, counts for
    // nothing (as in every calendar query).
    let at = secs_of(&at);
    for c in cycles.mine().iter_mut().filter(|c| c.stop.is_none()) {
        c.close(all, at);
    }
    Ok(base..cycles.list.len())
}

/// A `re-evaluated` version takes effect at `t`: the open cycle (running,
/// paused, or a scheduled periodic window) is recomputed under the new
/// version's target, as on a severity change with `on change recompute`
/// whatever the metric's `on change` says (the contract changed, not the
/// ticket). Stopped cycles keep their targets; cycles that start later
/// get the new version's.
fn change_version<'a>(
    ctx: &mut Ctx<'a, '_>,
    cycles: &mut Cycles<'_, 'a>,
    all: &mut Vec<Piece<'a>>,
    t: i64,
    v: VersionId,
) -> Result<(), CalendarError> {
    ctx.version = Some(v);
    let cause = Cause {
        kind: EventKind::Version,
        value: ctx.policy.versions.get(v.index()).map(|x| x.name.as_str()),
        at: t,
    };
    let Some(c) = running(cycles) else {
        return Ok(());
    };
    // Looked up only for an open cycle (most changes find none).
    let new = ctx.target();
    recompute(ctx, c, all, t, cause, new)
}

/// Applies the target now in force to the open cycle `c` from `t` on: same
/// start, counted time kept, a breach under the old target kept.
fn recompute<'a>(
    ctx: &Ctx<'a, '_>,
    c: &mut Cycle<'a>,
    all: &mut Vec<Piece<'a>>,
    t: i64,
    cause: Cause<'a>,
    new: AppliedTarget,
) -> Result<(), CalendarError> {
    if new.promise == c.target.promise && new.calendar == c.target.calendar {
        c.target = new;
        return Ok(());
    }
    let paused = ctx.paused();
    c.split(all, t, paused, cause);
    keep_breach(ctx.hours, c, all, t)?;
    let m = measure_target(ctx.hours, new.calendar, c.start, new.promise, ctx.due_at)?;
    c.set_target(new, m);
    c.target_since = t.max(c.start);
    if ctx.trace {
        c.recomputes.push(cause);
    }
    Ok(())
}

fn running<'c, 'a>(cycles: &'c mut Cycles<'_, 'a>) -> Option<&'c mut Cycle<'a>> {
    cycles.last_mut().filter(|c| c.stop.is_none())
}

/// One metric's cycles: the end of the ticket's list of cycles, from
/// `base` on (one list for every metric of a ticket instead of a vector
/// per metric: fewer allocations).
pub(crate) struct Cycles<'v, 'a> {
    list: &'v mut Vec<Cycle<'a>>,
    base: usize,
}

impl<'a> Cycles<'_, 'a> {
    fn mine(&mut self) -> &mut [Cycle<'a>] {
        self.list.get_mut(self.base..).unwrap_or_default()
    }

    // The latest cycle is the list's last when the metric has any: no
    // slicing on these paths, which run per event.
    fn last(&self) -> Option<&Cycle<'a>> {
        self.list.last().filter(|_| self.list.len() > self.base)
    }

    fn last_mut(&mut self) -> Option<&mut Cycle<'a>> {
        let mine = self.list.len() > self.base;
        self.list.last_mut().filter(|_| mine)
    }

    fn is_empty(&self) -> bool {
        self.list.len() <= self.base
    }

    /// Appends the cycle `make` gives, written straight into the list
    /// (`resize_with` calls `make` where the cycle goes; a cycle built
    /// first and then pushed was copied, 300 bytes per cycle).
    fn push_with(&mut self, make: impl FnMut() -> Cycle<'a>) {
        let n = self.list.len();
        self.list.resize_with(n + 1, make);
    }

    fn pop(&mut self) {
        if !self.is_empty() {
            self.list.pop();
        }
    }
}

/// Applies an instant's field changes (`group`: the instant's field-change
/// events): status changes one by one (the last one wins), then severity
/// and tier as one net change. Several
/// severity or tier events in one second are one change from the values
/// before the second to the values after it; when those are equal (a flip
/// and a flip back), nothing changed.
fn apply_field_changes<'a>(
    ctx: &mut Ctx<'a, '_>,
    cycles: &mut Cycles<'_, 'a>,
    all: &mut Vec<Piece<'a>>,
    group: &'a [super::timeline::Event],
    t: i64,
) -> Result<(), CalendarError> {
    let (severity, tier) = (ctx.severity, ctx.tier);
    let (mut last_severity, mut last_tier) = (None, None);
    for e in group {
        match &e.change {
            Change::Status(s) => {
                ctx.status = Some(s.as_str());
                let paused = ctx.paused();
                let cause = change_cause(ctx.policy, &e.change, t);
                if let Some(c) = running(cycles) {
                    c.split(all, t, paused, cause);
                }
            }
            Change::Severity(s) => {
                ctx.severity = *s;
                last_severity = Some(e);
            }
            Change::Tier(x) => {
                ctx.tier = *x;
                last_tier = Some(e);
            }
            _ => {}
        }
    }
    // The event named as the cause: the later (in input order) of the last
    // severity event and the last tier event, among the fields that changed.
    let changed = |e: Option<&'a super::timeline::Event>, differs: bool| e.filter(|_| differs);
    let sev_event = changed(last_severity, ctx.severity != severity);
    let tier_event = changed(last_tier, ctx.tier != tier);
    let event = match (sev_event, tier_event) {
        (Some(a), Some(b)) => {
            let pos = |e: &super::timeline::Event| group.iter().position(|g| std::ptr::eq(g, e));
            if pos(a) > pos(b) {
                a
            } else {
                b
            }
        }
        (Some(e), None) | (None, Some(e)) => e,
        (None, None) => return Ok(()),
    };
    let cause = change_cause(ctx.policy, &event.change, t);
    let restart = ctx.metric.on_change == ChangeRule::Restart;
    let Some(c) = running(cycles) else {
        return Ok(());
    };
    if restart && !c.scheduled {
        c.close(all, t);
        c.stop = Some(cause);
        ctx.push_cycle(cycles, t, cause, false)?;
    } else {
        // Looked up only for an open cycle (most changes find none).
        let new = ctx.target();
        recompute(ctx, c, all, t, cause, new)?;
    }
    Ok(())
}

/// Records a breach of the target in force that happened before `t`,
/// judged on the pieces up to `t` only (a business-day deadline that the
/// counted time reached early is only final once the cycle counts on).
fn keep_breach(
    hours: &CalendarSet,
    c: &mut Cycle<'_>,
    all: &[Piece<'_>],
    t: i64,
) -> Result<(), CalendarError> {
    if c.kept_breach.is_none() {
        if let Some(x) = c.target_seconds {
            let between = |_: usize, p: &Piece| hours.between_at(p.calendar, p.from, p.to);
            let pieces = c.pieces(all);
            c.kept_breach = crossing_by(hours, c, pieces, x, false, between)?.filter(|d| *d < t);
        }
    }
    Ok(())
}

fn start<'a>(
    ctx: &Ctx<'a, '_>,
    cycles: &mut Cycles<'_, 'a>,
    kind: EventKind,
    t: i64,
    first_stop: Option<i64>,
) -> Result<(), CalendarError> {
    if ctx.metric.after.is_some() && first_stop.is_none_or(|s| s >= t) {
        return Ok(());
    }
    let allowed = if ctx.metric.repeats && ctx.metric.periodic.is_none() {
        cycles.last().is_none_or(|c| c.stop.is_some())
    } else {
        cycles.is_empty()
    };
    if allowed {
        let cause = Cause {
            kind,
            value: None,
            at: t,
        };
        ctx.push_cycle(cycles, t, cause, false)?;
    }
    Ok(())
}

fn reopen<'a>(
    ctx: &Ctx<'a, '_>,
    cycles: &mut Cycles<'_, 'a>,
    all: &mut Vec<Piece<'a>>,
    t: i64,
) -> Result<(), CalendarError> {
    let cause = Cause {
        kind: EventKind::Reopened,
        value: None,
        at: t,
    };
    match ctx.metric.on_reopen {
        ReopenRule::FirstCloseOnly => {}
        ReopenRule::Continue | ReopenRule::IncludeClosed => {
            let Some(last) = cycles.last_mut() else {
                return Ok(());
            };
            let Some(stop) = last.stop else {
                return Ok(());
            };
            if matches!(stop.kind, EventKind::Resolved | EventKind::Closed) {
                last.stop = None;
                if ctx.metric.on_reopen == ReopenRule::IncludeClosed {
                    // The closed time counts: one unpaused stretch from the
                    // stop to the reopen, begun by the stop.
                    last.open_from = stop.at;
                    last.open_paused = None;
                    last.open_cause = stop;
                    last.split(all, t, ctx.paused(), cause);
                    keep_breach(ctx.hours, last, all, t)?;
                } else {
                    keep_breach(ctx.hours, last, all, stop.at)?;
                    last.gaps.push(Gap {
                        from: stop.at,
                        to: t,
                        stopped_by: stop.kind,
                    });
                    last.open_from = t;
                    last.open_paused = ctx.paused();
                    last.open_cause = cause;
                }
                // A change while stopped applies from the reopen on.
                let now = ctx.target();
                if now.promise != last.target.promise || now.calendar != last.target.calendar {
                    let m = measure_target(
                        ctx.hours,
                        now.calendar,
                        last.start,
                        now.promise,
                        ctx.due_at,
                    )?;
                    last.set_target(now, m);
                    last.target_since = t;
                } else {
                    last.target = now;
                }
            }
        }
        ReopenRule::NewCycle => {
            if cycles.last().is_some_and(|c| c.stop.is_some()) {
                ctx.push_cycle(cycles, t, cause, false)?;
            }
        }
    }
    Ok(())
}

/// `resets when status S`: the open cycle stops at `t` (stopped by the
/// status change) and a new one starts there, paused if the ticket is. No
/// cycle open, or one that started in this very second: nothing to reset.
fn reset_cycle<'a>(
    ctx: &Ctx<'a, '_>,
    cycles: &mut Cycles<'_, 'a>,
    all: &mut Vec<Piece<'a>>,
    t: i64,
    cause: Cause<'a>,
) -> Result<(), CalendarError> {
    let Some(c) = running(cycles) else {
        return Ok(());
    };
    if c.scheduled || c.start >= t {
        return Ok(());
    }
    c.close(all, t);
    c.stop = Some(cause);
    ctx.push_cycle(cycles, t, cause, false)
}

fn stop<'a>(cycles: &mut Cycles<'_, 'a>, all: &mut Vec<Piece<'a>>, kind: EventKind, t: i64) {
    let Some(c) = running(cycles) else {
        return;
    };
    if c.scheduled && t <= c.start {
        cycles.pop();
        return;
    }
    c.close(all, t);
    c.stop = Some(Cause {
        kind,
        value: None,
        at: t,
    });
}

fn update<'a>(
    ctx: &Ctx<'a, '_>,
    cycles: &mut Cycles<'_, 'a>,
    all: &mut Vec<Piece<'a>>,
    kind: EventKind,
    t: i64,
    mode: PeriodicMode,
) -> Result<(), CalendarError> {
    let hours = ctx.hours;
    let Some(c) = running(cycles) else {
        return Ok(());
    };
    if c.start > t {
        return Ok(());
    }
    c.close(all, t);
    c.stop = Some(Cause {
        kind,
        value: None,
        at: t,
    });
    let next_start = match (mode, c.target_seconds) {
        (PeriodicMode::Independent, _) | (_, None) => t,
        (PeriodicMode::Sequential, Some(x)) => match crossing(hours, c, c.pieces(all), x)? {
            Some(d) => d,
            None => projected(hours, c, t, x, counted(hours, c.pieces(all))?)?,
        },
    };
    // A late update: the next window began at the missed deadline; its
    // past stretches (and stops undone by reopens) are the previous
    // window's, with their pause state, appended as the next window's.
    let copied = all.len();
    let late = (next_start < t).then(|| {
        for i in c.pieces.clone() {
            if let Some(p) = all.get(i).copied().filter(|p| p.to > next_start) {
                all.push(Piece {
                    from: p.from.max(next_start),
                    ..p
                });
            }
        }
        let gaps: Vec<Gap> = c
            .gaps
            .iter()
            .filter(|g| g.to > next_start)
            .cloned()
            .collect();
        gaps
    });
    let cause = Cause {
        kind,
        value: None,
        at: t,
    };
    ctx.push_cycle(cycles, next_start, cause, next_start > t)?;
    if let (Some(gaps), Some(next)) = (late, cycles.last_mut()) {
        next.pieces = copied..all.len();
        next.gaps = gaps;
        next.open_from = t;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Clauses;
    use crate::ir::{Actor, EventKind, FilterClause};
    use crate::source::SourceFile;

    /// The clause masks answer as [`crate::ir::Metric::counts`] does, for
    /// every clause, event kind, actor and visibility: on the prelude
    /// metrics and on a metric with filters.
    #[test]
    fn clause_masks_agree_with_the_counting_rule() {
        let text = "policy \"P\" { calendar always }\ncalendar always = 24x7\n\
            severity high \"High\"\ntiers basic\n\
            metric handling {\n\
              starts on opened by agent, customer_replied by customer public\n\
              stops on replied by agent public, replied internal, resolved\n\
            }\n";
        let policy = crate::compile(&SourceFile::new("p.sla", text))
            .expect("compiles")
            .policy;
        assert!(policy.metrics.iter().any(|m| !m.filters.is_empty()));
        assert!(policy.metrics.iter().any(|m| m.periodic.is_some()));
        let clauses = [
            FilterClause::Starts,
            FilterClause::Stops,
            FilterClause::Periodic,
        ];
        let mut kinds = EventKind::ALL.to_vec();
        kinds.push(EventKind::Version);
        let mut counted = 0;
        for metric in &policy.metrics {
            let masks = Clauses::of(metric);
            for clause in clauses {
                for &kind in &kinds {
                    for actor in Actor::ALL {
                        for public in [false, true] {
                            let rule = metric.counts(clause, kind, actor, public);
                            let fast = masks.counts(clause, kind, actor, public);
                            assert_eq!(
                                fast, rule,
                                "{} {clause:?} {kind:?} {actor:?} {public}",
                                metric.name
                            );
                            counted += usize::from(rule);
                        }
                    }
                }
            }
        }
        assert!(counted > 0);
    }
}
