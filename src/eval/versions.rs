//! Policy versions per ticket: which version's targets a ticket starts
//! under, and when it moves to a later one.
//!
//! A version takes effect at 00:00 of its date in the zone of the ticket's
//! default calendar (for a default chosen per ticket, the calendar chosen
//! for this ticket). A ticket starts under the version in force when it was
//! opened (the policy's own targets before the first version). It moves to
//! a later version at that version's effective instant only when the
//! version is `re-evaluated`; a `pinned` version applies to tickets opened
//! from its date on.

use super::timeline::Ticket;
use crate::calendar::CalendarSet;
use crate::ir::{Policy, VersionId, VersionRule};
use chrono::{DateTime, Utc};

/// The instant version `v` takes effect for `ticket`.
pub(crate) fn effective_at(
    policy: &Policy,
    hours: &CalendarSet,
    ticket: &Ticket,
    v: VersionId,
) -> Option<DateTime<Utc>> {
    let version = policy.versions.get(v.index())?;
    let cal = ticket.calendar_for(policy.default_calendar);
    Some(hours.day_start(cal, version.effective))
}

/// The version `ticket` was opened under, and its later `re-evaluated`
/// versions with the instants it moves to them, in order.
pub(crate) fn timeline(
    policy: &Policy,
    hours: &CalendarSet,
    ticket: &Ticket,
) -> (Option<VersionId>, Vec<(DateTime<Utc>, VersionId)>) {
    if policy.versions.is_empty() {
        // Most policies: no need to find the ticket's `opened` event.
        return (None, Vec::new());
    }
    let opened = ticket.opened();
    let mut start = None;
    let mut moves = Vec::new();
    for i in 0..policy.versions.len() {
        let v = VersionId(i as u32);
        let Some(at) = effective_at(policy, hours, ticket, v) else {
            continue;
        };
        if at <= opened {
            start = Some(v);
        } else if policy.versions[i].rule == VersionRule::ReEvaluated {
            moves.push((at, v));
        }
    }
    (start, moves)
}

/// The version whose targets apply to `ticket` at `t`.
pub(crate) fn in_force(
    policy: &Policy,
    hours: &CalendarSet,
    ticket: &Ticket,
    t: DateTime<Utc>,
) -> Option<VersionId> {
    let (start, moves) = timeline(policy, hours, ticket);
    in_force_of(start, &moves, t)
}

/// The version in force at `t` for a ticket opened under `start` that
/// moves as `moves` says ([`timeline`]).
pub(crate) fn in_force_of(
    start: Option<VersionId>,
    moves: &[(DateTime<Utc>, VersionId)],
    t: DateTime<Utc>,
) -> Option<VersionId> {
    moves
        .iter()
        .take_while(|(at, _)| *at <= t)
        .last()
        .map(|&(_, v)| v)
        .or(start)
}
