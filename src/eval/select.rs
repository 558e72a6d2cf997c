//! Which metrics an evaluation answers: all of them (the library's
//! default), those named, and/or only those that have a target for the
//! ticket (the CLI's default). Metrics left out are not measured at all;
//! a selected metric that starts `after` one left out still runs that
//! one's clock (it needs its stop), without measuring it.

use super::answer::{MetricAnswer, State};
use super::target::PolicyMemo;
use crate::ir::{Policy, TargetValue};

/// Which metrics [`crate::Compiled::evaluate_selected`] (and the bulk
/// driver, [`crate::stream::StreamOptions::metrics`]) answers.
///
/// `MetricSelection::default()` (or [`MetricSelection::all`]) answers every
/// metric, as [`crate::Compiled::evaluate`] does; names are picked with
/// [`crate::Compiled::select_metrics`], and
/// [`MetricSelection::with_target_only`] leaves out, per ticket, the metrics
/// that promise it nothing.
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
/// let ticket = slate::Ticket::builder("T-1")
///     .tier("basic")
///     .severity("high")
///     .event("2026-01-05T09:00:00Z".parse()?, "opened")
///     .build(&compiled)?;
/// let at = "2026-01-05T10:30:00Z".parse()?;
/// // Only the metrics with a target: first_response (the other prelude
/// // metrics have no table in this policy).
/// let only = slate::MetricSelection::all().with_target_only(true);
/// let answer = compiled.evaluate_selected(&ticket, at, &only)?;
/// assert_eq!(answer.metrics.len(), 1);
/// assert_eq!(answer.metrics[0].metric, "first_response");
/// // By name (an unknown name is an error with a suggestion).
/// let picked = compiled.select_metrics(["resolution"])?;
/// let answer = compiled.evaluate_selected(&ticket, at, &picked)?;
/// assert_eq!(answer.metrics[0].metric, "resolution");
/// assert_eq!(answer.metrics[0].state, slate::State::NoTarget);
/// assert!(compiled.select_metrics(["first_respons"]).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MetricSelection {
    /// `None`: every metric; else whether each metric (by index) is picked.
    only: Option<Vec<bool>>,
    /// Leave out metrics without a target for the ticket.
    with_target: bool,
}

impl MetricSelection {
    /// Every metric of the policy.
    pub fn all() -> MetricSelection {
        MetricSelection::default()
    }

    /// With `true`, a metric is answered for a ticket only when it has a
    /// target for that ticket: one of its cycles has a target or a breach,
    /// or it has no cycle yet and the ticket's cell (severity, tier and
    /// type at the evaluation instant) has a target (the state
    /// `not_started`). Metrics whose answer would be only `no_target` or
    /// `not_covered` are left out.
    pub fn with_target_only(mut self, yes: bool) -> MetricSelection {
        self.with_target = yes;
        self
    }

    /// Whether [`MetricSelection::with_target_only`] is on.
    pub fn is_with_target_only(&self) -> bool {
        self.with_target
    }

    /// Picks metrics by index (crate use: names are resolved by
    /// [`crate::Compiled::select_metrics`]).
    pub(crate) fn picked(only: Vec<bool>) -> MetricSelection {
        MetricSelection {
            only: Some(only),
            with_target: false,
        }
    }

    /// Whether metric `i` is to be run and measured for `policy`: picked,
    /// and, with targets only, with at least one target cell in the policy
    /// (a metric without any can never have a target, so it is skipped
    /// before any work). `memo` is the policy's memo, which remembers the
    /// latter (asked per ticket: no list is built per ticket).
    pub(crate) fn wants(&self, policy: &Policy, memo: Option<&PolicyMemo>, i: usize) -> bool {
        let picked = match &self.only {
            None => true,
            Some(only) => only.get(i).copied().unwrap_or(false),
        };
        picked
            && (!self.with_target
                || memo
                    .and_then(|m| m.has_target_cell(i))
                    .unwrap_or_else(|| has_target_cell(policy, i)))
    }

    /// Whether a measured metric is shown.
    pub(crate) fn shows(&self, m: &MetricAnswer<'_>) -> bool {
        !self.with_target || has_target(m)
    }
}

/// Whether the policy has a target cell (other than `-`) for metric `i`.
pub(crate) fn has_target_cell(policy: &Policy, i: usize) -> bool {
    policy
        .targets
        .iter()
        .any(|t| t.metric.index() == i && !matches!(t.value, TargetValue::NoTarget))
}

/// Whether a metric's answer holds a promise for the ticket (see
/// [`MetricSelection::with_target_only`]).
fn has_target(m: &MetricAnswer<'_>) -> bool {
    if m.cycles.is_empty() {
        return m.state == State::NotStarted;
    }
    m.cycles
        .iter()
        .any(|c| c.target_seconds.is_some() || c.breached_at.is_some())
}

#[cfg(test)]
mod tests {
    use super::MetricSelection;
    use crate::eval::testing::{synthetic_ticket, SAMPLE};
    use crate::source::SourceFile;
    use chrono::{DateTime, Utc};

    /// The sample policy (`src/eval/testing.rs`): its `standard` tier has
    /// no first-response target (`-`), so some tickets have none.
    fn compiled() -> crate::Compiled {
        let text = format!("calendar always = 24x7\n{SAMPLE}");
        crate::compile(&SourceFile::new("sample.sla", text)).expect("the sample compiles")
    }

    #[test]
    fn one_metric_alone_answers_what_the_full_answer_says_for_it() {
        // `follow_up` starts `after first_response`: picked alone it still
        // runs first response's clock (not measured, not listed).
        let c = compiled();
        let at: DateTime<Utc> = "2027-01-01T00:00:00Z".parse().expect("instant");
        let names: Vec<String> = c.policy.metrics.iter().map(|m| m.name.clone()).collect();
        for i in 0..400 {
            let t = c
                .ticket_from_json(&synthetic_ticket(i, 3))
                .expect("a valid ticket");
            let full = c.evaluate(&t, at).expect("evaluates");
            for name in &names {
                let one = c.select_metrics([name.as_str()]).expect("a metric");
                let picked = c.evaluate_selected(&t, at, &one).expect("evaluates");
                assert_eq!(picked.metrics.len(), 1);
                assert_eq!(
                    Some(&picked.metrics[0]),
                    full.metric(name),
                    "{name}, ticket {i}"
                );
                assert_eq!(
                    (&picked.id, picked.at, &picked.tier),
                    (&full.id, full.at, &full.tier)
                );
            }
        }
    }

    #[test]
    fn with_target_only_is_the_full_answer_without_the_targetless_metrics() {
        let c = compiled();
        let at: DateTime<Utc> = "2026-07-01T00:00:00Z".parse().expect("instant");
        let only = MetricSelection::all().with_target_only(true);
        let mut left_out = 0;
        for i in 0..400 {
            let t = c
                .ticket_from_json(&synthetic_ticket(i, 5))
                .expect("a valid ticket");
            let full = c.evaluate(&t, at).expect("evaluates");
            let shown = c.evaluate_selected(&t, at, &only).expect("evaluates");
            let expected: Vec<_> = full
                .metrics
                .iter()
                .filter(|m| super::has_target(m))
                .cloned()
                .collect();
            left_out += full.metrics.len() - expected.len();
            assert_eq!(shown.metrics, expected, "ticket {i}");
            // What is left out promises nothing: no target, no breach.
            for m in full.metrics.iter().filter(|m| !super::has_target(m)) {
                assert!(
                    matches!(m.state, crate::State::NoTarget | crate::State::NotCovered),
                    "{} {:?}",
                    m.metric,
                    m.state
                );
                assert_eq!(m.breaches, 0);
            }
        }
        // The sample's `standard` tier has no first-response target.
        assert!(left_out > 0);
    }

    /// A metric whose only targets are deadline cells (`1bd@16:00`) has a
    /// target: it was skipped as if it had none (merge of deadline targets
    /// and metric selection).
    #[test]
    fn deadline_targets_count_as_targets() {
        let c = crate::compile(&SourceFile::new(
            "desk.sla",
            "policy \"Desk\" { calendar office }\n\
             calendar office { zone \"America/New_York\"  mon-fri 09:00-17:00 }\n\
             severity high \"High\"\ntiers gold\n\
             targets first_response {\n        gold\n  high  1bd@16:00\n}\n",
        ))
        .expect("compiles");
        let t = c
            .ticket_from_json(
                r#"{"id":"T-1","tier":"gold","severity":"high","events":[{"at":"2026-03-06T22:30:00Z","type":"opened"}]}"#,
            )
            .expect("a valid ticket");
        let at: DateTime<Utc> = "2026-03-12T00:00:00Z".parse().expect("instant");
        let only = MetricSelection::all().with_target_only(true);
        let shown = c.evaluate_selected(&t, at, &only).expect("evaluates");
        let names: Vec<&str> = shown.metrics.iter().map(|m| m.metric.as_ref()).collect();
        // Opened Friday 17:30 New York, after the close: due Tuesday 16:00
        // New York (20:00 UTC, daylight time from Sunday), breached then.
        assert_eq!(names, ["first_response"]);
        assert_eq!(shown.metrics[0].state, crate::State::Breached);
    }
}
