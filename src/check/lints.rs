//! `allow` declarations and the lints computed over the checked policy:
//! tier and severity inversions, follow-up and resolution targets shorter
//! than the first response, unused declarations. (The calendar lints are
//! found by the calendar pass.) Lints are only reported when the file has
//! no errors, so none is derived from a broken part.

use super::close_name;
use super::Checker;
use crate::ast::Item;
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{CalendarId, Covered, MetricId, SeverityId, Target, TargetValue, TierId, TypeId};
use crate::values::Duration;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// A target's promise in a form that can be compared: same unit and same
/// calendar. Deadlines (`1bd@16:00`, `due`) are not compared: whether one
/// is sooner than a duration depends on when the ticket opens.
fn promise(t: &Target) -> Option<(bool, i64, CalendarId)> {
    match t.value {
        TargetValue::NoTarget | TargetValue::By { .. } => None,
        TargetValue::Within { duration, calendar } => Some(match duration {
            Duration::Seconds(s) => (false, s, calendar),
            Duration::BusinessDays(n) => (true, n, calendar),
        }),
    }
}

/// How `a` compares with `b` (less = faster), when they can be compared.
fn compare(a: &Target, b: &Target) -> Option<Ordering> {
    let (ka, va, ca) = promise(a)?;
    let (kb, vb, cb) = promise(b)?;
    (ka == kb && ca == cb).then(|| va.cmp(&vb))
}

fn shown(t: &Target) -> String {
    match t.value {
        TargetValue::NoTarget => "-".into(),
        TargetValue::Within { duration, .. } => duration.to_string(),
        TargetValue::By { deadline, .. } => deadline.to_string(),
    }
}

impl Checker<'_> {
    /// Reads `allow` declarations; unknown lints and errors are reported (L0404).
    pub(crate) fn check_allows(&mut self) {
        let file = self.file;
        for item in &file.items {
            let Item::Allow(decl) = item else { continue };
            for name in &decl.lints {
                match Code::lookup(&name.node) {
                    Some(code) if code.is_lint() => {
                        self.allowed.insert(code);
                    }
                    Some(code) => {
                        let diag = Diagnostic::new(
                            Code::UnknownLint,
                            name.span,
                            format!("`{}` is an error and cannot be allowed", name.node),
                            format!("`{code}` ({}) is an error", code.name()),
                        )
                        .with_help(
                            "fix the error instead; only warnings (`L` codes) can be allowed",
                        );
                        self.lints.push(diag);
                    }
                    None => {
                        let lints: Vec<&str> = Code::ALL
                            .iter()
                            .filter(|c| c.is_lint())
                            .map(|c| c.name())
                            .collect();
                        let help = match close_name(&name.node, lints.iter().copied()) {
                            Some(close) => format!("did you mean `{close}`?"),
                            None => format!(
                                "the lints are {}",
                                super::backtick_list(lints.iter().copied())
                            ),
                        };
                        let diag = Diagnostic::new(
                            Code::UnknownLint,
                            name.span,
                            format!("unknown lint `{}`", name.node),
                            "no lint has this name or code",
                        )
                        .with_help(help);
                        self.lints.push(diag);
                    }
                }
            }
        }
    }

    /// The lints over the checked policy; only called when it has no errors.
    pub(crate) fn collect_lints(&mut self) {
        self.inversions();
        self.shorter_than_response("follow_up", Code::FollowUpFaster);
        self.shorter_than_response("resolution", Code::ResolutionFaster);
        self.targets_not_covered();
        self.unused();
        self.service_lints();
    }

    /// L0301 and L0302: a higher tier (or more severe level) slower than a lower one.
    fn inversions(&mut self) {
        // Cells are compared within one table version only.
        type Key = (MetricId, Option<TypeId>, Option<crate::ir::VersionId>);
        let mut by_sev: BTreeMap<(Key, SeverityId), Vec<&Target>> = BTreeMap::new();
        let mut by_tier: BTreeMap<(Key, TierId), Vec<&Target>> = BTreeMap::new();
        for t in &self.targets {
            by_sev
                .entry(((t.metric, t.issue_type, t.version), t.severity))
                .or_default()
                .push(t);
            by_tier
                .entry(((t.metric, t.issue_type, t.version), t.tier))
                .or_default()
                .push(t);
        }
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for mut row in by_sev.into_values() {
            row.sort_by_key(|t| t.tier);
            for (j, high) in row.iter().enumerate() {
                let Some(low) = row[..j]
                    .iter()
                    .rev()
                    .find(|low| compare(high, low) == Some(Ordering::Greater))
                else {
                    continue;
                };
                if !seen.insert((Code::TierInversion, high.span, low.span)) {
                    continue;
                }
                let (metric, sev) = (
                    self.metrics.name(high.metric.0),
                    self.severities.name(high.severity.0),
                );
                let (hi_name, lo_name) =
                    (self.tiers.name(high.tier.0), self.tiers.name(low.tier.0));
                out.push(
                    Diagnostic::new(
                        Code::TierInversion,
                        high.span,
                        format!(
                            "tier `{hi_name}` promises `{}` for `{metric}` at `{sev}`, slower than the lower tier `{lo_name}`",
                            shown(high)
                        ),
                        format!("slower than `{lo_name}`"),
                    )
                    .with_label(low.span, format!("`{lo_name}` promises `{}`", shown(low)))
                    .with_help("higher tiers normally promise at least as much; if the contract says this, add `allow tier-inversion`"),
                );
            }
        }
        for mut col in by_tier.into_values() {
            col.sort_by_key(|t| t.severity);
            for (i, severe) in col.iter().enumerate() {
                let Some(mild) = col[i + 1..]
                    .iter()
                    .find(|mild| compare(severe, mild) == Some(Ordering::Greater))
                else {
                    continue;
                };
                if !seen.insert((Code::SeverityInversion, severe.span, mild.span)) {
                    continue;
                }
                let (metric, tier) = (
                    self.metrics.name(severe.metric.0),
                    self.tiers.name(severe.tier.0),
                );
                let (s_name, m_name) = (
                    self.severities.name(severe.severity.0),
                    self.severities.name(mild.severity.0),
                );
                out.push(
                    Diagnostic::new(
                        Code::SeverityInversion,
                        severe.span,
                        format!(
                            "`{s_name}` gets `{}` for `{metric}` on tier `{tier}`, slower than the less severe `{m_name}`",
                            shown(severe)
                        ),
                        format!("slower than `{m_name}`"),
                    )
                    .with_label(mild.span, format!("`{m_name}` gets `{}`", shown(mild)))
                    .with_help("more severe levels normally get faster targets; if the contract says this, add `allow severity-inversion`"),
                );
            }
        }
        self.lints.extend(out);
    }

    /// L0303 / L0304: `metric`'s target shorter than the first response's.
    fn shorter_than_response(&mut self, metric: &str, code: Code) {
        let (Some(m), Some(fr)) = (self.metrics.get(metric), self.metrics.get("first_response"))
        else {
            return;
        };
        let responses: BTreeMap<_, &Target> = self
            .targets
            .iter()
            .filter(|r| r.metric == MetricId(fr))
            .map(|r| ((r.issue_type, r.version, r.severity, r.tier), r))
            .collect();
        let mut out = Vec::new();
        for t in self.targets.iter().filter(|t| t.metric == MetricId(m)) {
            let Some(&resp) = responses.get(&(t.issue_type, t.version, t.severity, t.tier)) else {
                continue;
            };
            if compare(t, resp) != Some(Ordering::Less) {
                continue;
            }
            let (sev, tier) = (
                self.severities.name(t.severity.0),
                self.tiers.name(t.tier.0),
            );
            let help = match code {
                Code::FollowUpFaster => "a follow-up comes after the first response; check that the tables are not swapped",
                _ => "a ticket is answered before it is resolved; check that the tables are not swapped",
            };
            out.push(
                Diagnostic::new(
                    code,
                    t.span,
                    format!(
                        "the `{metric}` target `{}` for `{sev}` on tier `{tier}` is shorter than the first response `{}`",
                        shown(t),
                        shown(resp)
                    ),
                    format!("shorter than `{}`", shown(resp)),
                )
                .with_label(resp.span, "the first-response target")
                .with_help(help),
            );
        }
        self.lints.extend(out);
    }

    /// L0305: a target cell for a type on a tier its coverage leaves out, or
    /// covers `without guarantee`: it never applies.
    fn targets_not_covered(&mut self) {
        let mut out = Vec::new();
        for t in &self.targets {
            let (Some(ty), TargetValue::Within { .. }) = (t.issue_type, &t.value) else {
                continue;
            };
            let Some(issue) = self
                .out_types
                .iter()
                .find(|i| i.name == self.types.name(ty.0))
            else {
                continue;
            };
            let (metric, tier) = (self.metrics.name(t.metric.0), self.tiers.name(t.tier.0));
            let diag = match issue.covered(t.tier) {
                (Covered::Yes, _) => continue,
                (Covered::No, _) => Diagnostic::new(
                    Code::TargetNotCovered,
                    t.span,
                    format!(
                        "the `{metric}` target `{}` for type `{}` on tier `{tier}` never applies: the type is not covered there",
                        shown(t),
                        issue.name
                    ),
                    "never applies",
                )
                .with_label(issue.span, format!("`{}` covers no `{tier}`", issue.name))
                .with_help(format!("write `-` in this cell, or add `{tier}` to a `covers` line of `{}`", issue.name)),
                (Covered::NoGuarantee, line) => {
                    let mut d = Diagnostic::new(
                        Code::TargetNotCovered,
                        t.span,
                        format!(
                            "the `{metric}` target `{}` for type `{}` on tier `{tier}` never applies: the type is covered there without guarantee",
                            shown(t),
                            issue.name
                        ),
                        "never applies",
                    )
                    .with_help("write `-` in this cell, or remove `without guarantee` if the contract promises this time");
                    if let Some(line) = line {
                        d = d.with_label(line.span, "covered without guarantee here");
                    }
                    d
                }
            };
            out.push(diag);
        }
        self.lints.extend(out);
    }

    /// L0401: calendars, issue types and user metrics nothing refers to.
    fn unused(&mut self) {
        let mut out = Vec::new();
        for i in 0..self.calendar_names.len() as u32 {
            if !self.used_calendars.contains(&CalendarId(i)) {
                out.push(unused(
                    "calendar",
                    self.calendar_names.name(i),
                    self.calendar_names.span(i),
                ));
            }
        }
        for i in 0..self.types.len() as u32 {
            if !self.used_types.contains(&TypeId(i)) {
                out.push(unused("issue type", self.types.name(i), self.types.span(i)));
            }
        }
        for (i, m) in self.out_metrics.iter().enumerate() {
            if !m.prelude && !self.used_metrics.contains(&MetricId(i as u32)) {
                out.push(unused("metric", &m.name, self.metrics.span(i as u32)));
            }
        }
        self.lints.extend(out);
    }
}

fn unused(kind: &str, name: &str, span: crate::source::Span) -> Diagnostic {
    Diagnostic::new(
        Code::Unused,
        span,
        format!("the {kind} `{name}` is never used"),
        "declared here, never used",
    )
    .with_help("use it, remove it, or add `allow unused` if it documents the contract")
}
