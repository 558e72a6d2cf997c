//! The checker: surface tree to IR.
//!
//! [`check`] resolves every name of a parsed policy, validates every value
//! and builds the [`ir::Policy`]. It reports every independent problem of the
//! file in one run and suppresses only follow-on errors (a table column whose
//! tier did not resolve is not also reported as a missing column).
//!
//! One pass per file, run in this order:
//!
//! - `resolve`: the policy header, names of every kind, duplicates, tiers
//!   (order, `extends`, entitlements), severities and issue types;
//! - `calendar` (blocks, times, days, dates, calendar lints), `calexpr`
//!   (expressions, cycles, empty calendars, severity and table clocks) and
//!   `zones` (suggestions for zone names that are not IANA names);
//! - `metrics`: metric clauses, `after` cycles and milestones;
//! - `targets`: target tables, one IR target per cell, missing and
//!   duplicate cells;
//! - `service`: availability objectives and quotas;
//! - `values`: literals to exact durations, percentages and money;
//! - `lints`: `allow` declarations and the warnings, which are only reported
//!   when the file has no errors.
//!
//! The rules and defaults are described for users in `docs/checking.md`.

mod calendar;
mod calexpr;
mod deadlines;
mod lints;
mod metrics;
mod resolve;
mod service;
mod service_lints;
mod targets;
mod values;
mod versions;
mod zones;

#[cfg(test)]
mod tests;

use crate::ast;
use crate::diagnostics::{self, Code, Diagnostic};
use crate::ir::{self, CalendarId, MetricId, TypeId};
use crate::source::Span;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet};

/// Checks a parsed policy file against the parsed prelude.
///
/// Returns the checked policy when the file has no errors, and every
/// diagnostic (errors, and warnings that were not allowed) in a stable order.
/// Prelude metrics come first in [`ir::Policy::metrics`]; a metric declared in
/// `file` with the name of a prelude metric replaces it. When the header
/// names no default calendar (and no target needed one), the built-in
/// `24x7` is the policy's default calendar. Lints are only reported when
/// the file has no errors, and never when an `allow` names them.
pub fn check(
    file: &ast::File,
    prelude: &ast::File,
    source_name: &str,
) -> (Option<ir::Policy>, Vec<Diagnostic>) {
    let mut cx = Checker::new(file, prelude);
    cx.run();
    cx.finish(source_name)
}

/// The result of resolving an optional reference: not given, resolved, or
/// given but broken (already reported; skip follow-on checks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Slot<T> {
    Absent,
    Known(T),
    Failed,
}

/// The kinds of names the checker resolves, with their wording and code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Tier,
    Severity,
    Calendar,
    Metric,
    Type,
    Event,
    Version,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Tier => "tier",
            Kind::Severity => "severity",
            Kind::Calendar => "calendar",
            Kind::Metric => "metric",
            Kind::Type => "issue type",
            Kind::Event => "event",
            Kind::Version => "version",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Tier => "tiers",
            Kind::Severity => "severities",
            Kind::Calendar => "calendars",
            Kind::Metric => "metrics",
            Kind::Type => "issue types",
            Kind::Event => "ticket events",
            Kind::Version => "versions",
        }
    }

    fn code(self) -> Code {
        match self {
            Kind::Tier => Code::UnknownTier,
            Kind::Severity => Code::UnknownSeverity,
            Kind::Calendar => Code::UnknownCalendar,
            Kind::Metric => Code::UnknownMetric,
            Kind::Type => Code::UnknownType,
            Kind::Event => Code::UnknownEvent,
            Kind::Version => Code::UnknownVersion,
        }
    }
}

/// Names of one kind in declaration order, with where each was declared.
#[derive(Debug, Default)]
pub(crate) struct Names {
    entries: Vec<(String, Span)>,
    index: BTreeMap<String, u32>,
}

impl Names {
    /// Declares `name`; on a duplicate, returns the first declaration's span.
    fn declare(&mut self, name: &str, span: Span) -> Result<u32, Span> {
        if let Some(&i) = self.index.get(name) {
            return Err(self.entries[i as usize].1);
        }
        let i = self.entries.len() as u32;
        self.entries.push((name.to_string(), span));
        self.index.insert(name.to_string(), i);
        Ok(i)
    }

    fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn name(&self, i: u32) -> &str {
        &self.entries[i as usize].0
    }

    fn span(&self, i: u32) -> Span {
        self.entries[i as usize].1
    }

    fn set_span(&mut self, i: u32, span: Span) {
        self.entries[i as usize].1 = span;
    }

    fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.entries.iter().map(|(n, _)| n.as_str())
    }
}

/// `` `a`, `b`, `c` `` for a help line, shortened after eight names.
pub(crate) fn backtick_list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<&str> = names.into_iter().collect();
    let mut out: Vec<String> = all.iter().take(8).map(|n| format!("`{n}`")).collect();
    if all.len() > 8 {
        out.push(format!("and {} more", all.len() - 8));
    }
    out.join(", ")
}

/// The closest candidate to `name` (the one did-you-mean of slate,
/// [`did_you_mean`]).
pub(crate) use crate::diagnostics::did_you_mean as close_name;

/// An "unknown name" error with a did-you-mean help, or the list of names.
pub(crate) fn unknown_name<'a>(
    kind: Kind,
    name: &str,
    span: Span,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Diagnostic {
    let word = kind.word();
    let diag = Diagnostic::new(
        kind.code(),
        span,
        format!("unknown {word} `{name}`"),
        format!("no {word} has this name"),
    );
    let help = match close_name(name, candidates.clone()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => {
            let list = backtick_list(candidates);
            if list.is_empty() {
                match kind {
                    Kind::Tier => {
                        "no tiers are declared: order them with `tiers basic < pro`".into()
                    }
                    Kind::Severity => {
                        "no severities are declared: add `severity sev1 \"Critical\"`".into()
                    }
                    _ => format!("no {} are declared", kind.plural()),
                }
            } else {
                format!("the {} are {list}", kind.plural())
            }
        }
    };
    diag.with_help(help)
}

/// A "declared twice" error pointing at both declarations.
pub(crate) fn duplicate_name(kind: &str, name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateName,
        span,
        format!("the {kind} `{name}` is declared twice"),
        "declared again here",
    )
    .with_label(first, "first declared here")
    .with_help(format!(
        "rename one of them, or merge them into one `{name}`"
    ))
}

/// A "given twice" error for a setting that may appear once.
pub(crate) fn duplicate_entry(what: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::new(
        Code::DuplicateEntry,
        span,
        format!("{what} is given twice"),
        "given again here",
    )
    .with_label(first, "first given here")
    .with_help("keep only one of them")
}

/// The state of one check run; each pass adds to it.
pub(crate) struct Checker<'a> {
    pub(crate) file: &'a ast::File,
    pub(crate) prelude: &'a ast::File,
    pub(crate) diags: Vec<Diagnostic>,
    /// Warnings, reported only when the file has no errors.
    pub(crate) lints: Vec<Diagnostic>,
    pub(crate) allowed: BTreeSet<Code>,

    pub(crate) header: Option<&'a ast::PolicyDecl>,
    pub(crate) effective: Option<NaiveDate>,
    pub(crate) default_calendar: Slot<CalendarId>,

    pub(crate) tiers: Names,
    /// Tier blocks outside the `tiers` order (already reported as E0132).
    pub(crate) unordered_tiers: BTreeSet<String>,
    pub(crate) severities: Names,
    pub(crate) types: Names,
    pub(crate) metrics: Names,
    /// Declared calendar names; their ids are their positions.
    pub(crate) calendar_names: Names,
    /// Declared version names; their ids are their positions.
    pub(crate) version_names: Names,
    pub(crate) out_versions: Vec<ir::PolicyVersion>,

    /// Every calendar of the policy, index = id: declared ones first, then
    /// the built-in `24x7` and anonymous clocks as they are needed.
    pub(crate) calendars: Vec<ir::Calendar>,
    /// Whether each calendar checked clean (false: skip follow-on checks).
    pub(crate) calendar_ok: Vec<bool>,
    pub(crate) always: Option<CalendarId>,
    pub(crate) severity_clocks: Vec<Slot<CalendarId>>,
    /// Per severity (same index as `severity_clocks`), its
    /// `clock CAL for METRIC` clocks.
    pub(crate) severity_metric_clocks: Vec<Vec<(MetricId, Slot<CalendarId>)>>,

    pub(crate) out_tiers: Vec<ir::Tier>,
    pub(crate) out_severities: Vec<ir::Severity>,
    pub(crate) out_types: Vec<ir::IssueType>,
    pub(crate) out_metrics: Vec<ir::Metric>,
    pub(crate) targets: Vec<ir::Target>,
    pub(crate) milestones: Vec<ir::Milestone>,
    pub(crate) availability: Vec<ir::Availability>,
    pub(crate) quotas: Vec<ir::Quota>,

    pub(crate) used_calendars: BTreeSet<CalendarId>,
    pub(crate) used_types: BTreeSet<TypeId>,
    pub(crate) used_metrics: BTreeSet<MetricId>,
}

impl<'a> Checker<'a> {
    fn new(file: &'a ast::File, prelude: &'a ast::File) -> Self {
        Checker {
            file,
            prelude,
            diags: Vec::new(),
            lints: Vec::new(),
            allowed: BTreeSet::new(),
            header: None,
            effective: None,
            default_calendar: Slot::Absent,
            tiers: Names::default(),
            unordered_tiers: BTreeSet::new(),
            severities: Names::default(),
            types: Names::default(),
            metrics: Names::default(),
            calendar_names: Names::default(),
            version_names: Names::default(),
            out_versions: Vec::new(),
            calendars: Vec::new(),
            calendar_ok: Vec::new(),
            always: None,
            severity_clocks: Vec::new(),
            severity_metric_clocks: Vec::new(),
            out_tiers: Vec::new(),
            out_severities: Vec::new(),
            out_types: Vec::new(),
            out_metrics: Vec::new(),
            targets: Vec::new(),
            milestones: Vec::new(),
            availability: Vec::new(),
            quotas: Vec::new(),
            used_calendars: BTreeSet::new(),
            used_types: BTreeSet::new(),
            used_metrics: BTreeSet::new(),
        }
    }

    fn run(&mut self) {
        self.check_header();
        self.declare_names();
        self.check_calendars();
        self.check_default_calendar();
        self.check_severities();
        self.check_tiers();
        self.check_types();
        self.check_metrics();
        self.check_versions();
        self.check_targets();
        self.check_milestones();
        self.check_availability();
        self.check_quotas();
        self.check_allows();
    }

    pub(crate) fn error(&mut self, diag: Diagnostic) {
        self.diags.push(diag);
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    /// The id of the built-in always-open calendar, added on first use.
    pub(crate) fn always_id(&mut self) -> CalendarId {
        if let Some(id) = self.always {
            return id;
        }
        let id = self.push_calendar(
            "24x7".to_string(),
            ir::CalendarDef::Expr {
                expr: ir::CalendarExpr::Always,
            },
            Span::default(),
        );
        self.always = Some(id);
        id
    }

    pub(crate) fn push_calendar(
        &mut self,
        name: String,
        def: ir::CalendarDef,
        span: Span,
    ) -> CalendarId {
        let id = CalendarId(self.calendars.len() as u32);
        self.calendars.push(ir::Calendar { name, def, span });
        self.calendar_ok.push(true);
        id
    }

    fn finish(mut self, source_name: &str) -> (Option<ir::Policy>, Vec<Diagnostic>) {
        let errors = self.has_errors();
        if !errors {
            self.collect_lints();
        }
        let allowed = std::mem::take(&mut self.allowed);
        let mut lints = std::mem::take(&mut self.lints);
        lints.retain(|d| !allowed.contains(&d.code));
        let mut diags = std::mem::take(&mut self.diags);
        diags.extend(lints);
        diagnostics::sort(&mut diags);
        if errors {
            return (None, diags);
        }
        let Some(header) = self.header else {
            return (None, diags);
        };
        let default_calendar = match self.default_calendar {
            Slot::Known(id) => id,
            _ => self.always_id(),
        };
        let mut targets = std::mem::take(&mut self.targets);
        targets.sort_by_key(|t| (t.metric, t.issue_type, t.severity, t.tier));
        let policy = ir::Policy {
            format_version: ir::IR_FORMAT_VERSION,
            source: source_name.to_string(),
            name: header.name.node.clone(),
            provider: header.provider.as_ref().map(|p| p.node.clone()),
            effective: self.effective,
            default_calendar,
            calendars: self.calendars,
            severities: self.out_severities,
            tiers: self.out_tiers,
            types: self.out_types,
            metrics: self.out_metrics,
            targets,
            milestones: self.milestones,
            availability: self.availability,
            quotas: self.quotas,
            versions: self.out_versions,
            span: header.span,
        };
        (Some(policy), diags)
    }
}
