//! Metrics (clocks) from the prelude and the file, and warn / escalate
//! milestones.

use super::close_name;
use super::{duplicate_entry, unknown_name, Checker, Kind};
use crate::ast::{self, Ident, Item, MetricClause};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{
    self, Actor, ChangeRule, EventKind, FilterClause, MetricId, PeriodicMode, ReopenRule,
    ResetOrder,
};
use crate::source::Span;
use crate::values::Percent;

/// One of a fixed set of option words, or E0107 with a did-you-mean.
pub(crate) fn keyword<T: Copy>(
    cx: &mut Checker<'_>,
    word: &Ident,
    what: &str,
    options: &[(&'static str, T)],
) -> Option<T> {
    if let Some((_, v)) = options.iter().find(|(w, _)| *w == word.node) {
        return Some(*v);
    }
    let names = options.iter().map(|(w, _)| *w);
    let help = match close_name(&word.node, names.clone()) {
        Some(close) => format!("did you mean `{close}`?"),
        None => format!("write one of {}", super::backtick_list(names)),
    };
    let diag = Diagnostic::new(
        Code::UnknownKeyword,
        word.span,
        format!("unknown {what} `{}`", word.node),
        match what.starts_with(['a', 'e', 'i', 'o', 'u']) {
            true => format!("not an {what}"),
            false => format!("not a {what}"),
        },
    )
    .with_help(help);
    cx.error(diag);
    None
}

impl<'a> Checker<'a> {
    /// Every metric: the prelude's, replaced by the file's of the same name.
    pub(crate) fn check_metrics(&mut self) {
        let mut decls: Vec<Option<(&'a ast::MetricDecl, bool)>> = vec![None; self.metrics.len()];
        let (prelude, file) = (self.prelude, self.file);
        for (items, is_prelude) in [(&prelude.items, true), (&file.items, false)] {
            for item in items {
                let Item::Metric(m) = item else { continue };
                let Some(id) = self.metrics.get(&m.name.node) else {
                    continue;
                };
                let slot = &mut decls[id as usize];
                match slot {
                    Some((_, true)) if !is_prelude => *slot = Some((m, false)),
                    None if is_prelude || self.metrics.span(id) == m.name.span => {
                        *slot = Some((m, is_prelude))
                    }
                    _ => {}
                }
            }
        }
        let mut starts_after: Vec<Option<Span>> = Vec::new();
        for (decl, is_prelude) in decls.into_iter().flatten() {
            let metric = self.metric(decl, is_prelude);
            self.out_metrics.push(metric);
            starts_after.push(decl.clauses.iter().find_map(|c| match &c.node {
                MetricClause::Starts { after: Some(a), .. } => Some(a.span),
                _ => None,
            }));
        }
        self.after_cycles(&starts_after);
    }

    /// E0401: a metric that only starts after itself (directly or through
    /// other metrics' `after`) never starts.
    fn after_cycles(&mut self, after_spans: &[Option<Span>]) {
        for (start, after_span) in after_spans.iter().enumerate().take(self.out_metrics.len()) {
            let mut cur = self.out_metrics[start].after;
            let mut steps = 0;
            while let Some(m) = cur {
                if m.index() == start {
                    let name = self.out_metrics[start].name.clone();
                    let span = after_span.unwrap_or(self.out_metrics[start].span);
                    let diag = Diagnostic::new(
                        Code::InvalidMetric,
                        span,
                        format!("metric `{name}` only starts after itself, so it never starts"),
                        "this `after` leads back to the metric",
                    )
                    .with_help("start it `after` another metric, or remove `after`");
                    self.error(diag);
                    break;
                }
                steps += 1;
                if steps > self.out_metrics.len() {
                    break;
                }
                cur = self.out_metrics.get(m.index()).and_then(|x| x.after);
            }
        }
    }

    fn events(&mut self, names: &[Ident]) -> Vec<EventKind> {
        let mut out = Vec::new();
        for n in names {
            match EventKind::from_name(&n.node) {
                Some(k) => out.push(k),
                None => {
                    let all = EventKind::ALL.map(EventKind::name);
                    let diag = unknown_name(Kind::Event, &n.node, n.span, all);
                    self.error(diag);
                }
            }
        }
        out
    }

    fn metric(&mut self, decl: &ast::MetricDecl, prelude: bool) -> ir::Metric {
        let name = &decl.name.node;
        let mut m = ir::Metric {
            name: name.clone(),
            starts: Vec::new(),
            after: None,
            stops: Vec::new(),
            pauses: Vec::new(),
            repeats: false,
            periodic: None,
            on_change: ChangeRule::default(),
            on_reopen: ReopenRule::default(),
            filters: Vec::new(),
            resets: Vec::new(),
            reset_order: ResetOrder::default(),
            prelude,
            span: decl.span,
        };
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        let mut filters = Vec::new();
        let mut order_span = None;
        for clause in &decl.clauses {
            if let MetricClause::EventFilter {
                clause: which,
                event,
                by,
                visibility,
            } = &clause.node
            {
                filters.push((*which, event, by, visibility, clause.span));
                continue;
            }
            let kind = clause_name(&clause.node);
            if let Some(&(_, first)) = seen.iter().find(|(k, _)| *k == kind) {
                let diag =
                    duplicate_entry(&format!("`{kind}` of metric `{name}`"), clause.span, first);
                self.error(diag);
                continue;
            }
            seen.push((kind, clause.span));
            match &clause.node {
                MetricClause::Starts { events, after } => {
                    m.starts = self.events(events);
                    if let Some(a) = after {
                        m.after = self.metric_ref(&a.node, a.span);
                    }
                }
                MetricClause::Stops(events) => m.stops = self.events(events),
                MetricClause::Pauses(statuses) => {
                    m.pauses = statuses.iter().map(|s| s.node.clone()).collect()
                }
                MetricClause::Repeats => m.repeats = true,
                MetricClause::Periodic { events, mode } => {
                    let on = self.events(events);
                    let modes = [
                        ("independent", PeriodicMode::Independent),
                        ("sequential", PeriodicMode::Sequential),
                    ];
                    if let Some(mode) = keyword(self, mode, "periodic mode", &modes) {
                        m.periodic = Some(ir::Periodic { on, mode });
                    }
                }
                MetricClause::OnChange(word) => {
                    let rules = [
                        ("recompute", ChangeRule::Recompute),
                        ("restart", ChangeRule::Restart),
                    ];
                    m.on_change = keyword(self, word, "change rule", &rules).unwrap_or_default();
                }
                MetricClause::OnReopen(word) => {
                    let rules = [
                        ("continue", ReopenRule::Continue),
                        ("new_cycle", ReopenRule::NewCycle),
                        ("first_close_only", ReopenRule::FirstCloseOnly),
                        ("include_closed", ReopenRule::IncludeClosed),
                    ];
                    m.on_reopen = keyword(self, word, "reopen rule", &rules).unwrap_or_default();
                }
                MetricClause::Resets(statuses) => {
                    m.resets = statuses.iter().map(|s| s.node.clone()).collect()
                }
                MetricClause::Order(first, second) => {
                    order_span = Some(clause.span);
                    let words = [("stop", false), ("reset", true)];
                    let a = keyword(self, first, "order word", &words);
                    let b = keyword(self, second, "order word", &words);
                    match (a, b) {
                        (Some(true), Some(false)) => m.reset_order = ResetOrder::ResetFirst,
                        (Some(false), Some(true)) => m.reset_order = ResetOrder::StopFirst,
                        (Some(x), Some(_)) => {
                            let w = if x { "reset" } else { "stop" };
                            let diag = Diagnostic::new(
                                Code::InvalidReset,
                                clause.span,
                                format!("`order {w} before {w}` orders nothing"),
                                "the same word on both sides",
                            )
                            .with_help(
                                "write `order stop before reset` or `order reset before stop`",
                            );
                            self.error(diag);
                        }
                        _ => {}
                    }
                }
                MetricClause::EventFilter { .. } => {}
            }
        }
        for &(which, event, by, visibility, span) in &filters {
            let siblings = filters
                .iter()
                .filter(|f| f.0 == which && f.1.node == event.node)
                .count();
            let f = self.event_filter(
                &m,
                (which, siblings),
                event,
                by.as_ref(),
                visibility.as_ref(),
                span,
            );
            if let Some(f) = f {
                m.filters.push(f);
            }
        }
        self.check_resets(&m, decl, order_span);
        let has_start = seen
            .iter()
            .any(|(k, _)| *k == "starts on" || *k == "periodic on");
        let has_stop = seen.iter().any(|(k, _)| *k == "stops on");
        let missing = match (has_start, has_stop) {
            (true, true) => None,
            (false, true) => Some(("never starts", "add `starts on EVENT`, such as `starts on opened`")),
            (true, false) => Some(("never stops", "add `stops on EVENT`, such as `stops on resolved`")),
            (false, false) => Some((
                "never starts or stops",
                "add `starts on EVENT` and `stops on EVENT`, such as `starts on opened  stops on resolved`",
            )),
        };
        if let Some((what, help)) = missing {
            let diag = Diagnostic::new(
                Code::InvalidMetric,
                decl.name.span,
                format!("metric `{name}` {what}"),
                what,
            )
            .with_help(help);
            self.error(diag);
        }
        m
    }

    /// The filter of one event of a clause (`replied by agent public`), or
    /// E0107 for an unknown actor and E0410 for a filter that cannot match
    /// or means nothing.
    fn event_filter(
        &mut self,
        m: &ir::Metric,
        (which, siblings): (&str, usize),
        event: &Ident,
        by: Option<&Ident>,
        visibility: Option<&Ident>,
        span: Span,
    ) -> Option<ir::EventFilter> {
        // An unknown event was reported with its clause.
        let kind = EventKind::from_name(&event.node)?;
        let name = kind.name();
        let actors = Actor::ALL.map(|a| (a.name(), a));
        let actor = match by {
            Some(word) => Some(keyword(self, word, "actor", &actors)?),
            None => None,
        };
        let public = visibility.map(|v| v.node == "public");
        let filter_text = [
            actor.map(|a| format!("by {}", a.name())),
            visibility.map(|v| v.node.clone()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let mut fail = |message: String, label: &str, help: String| {
            let diag = Diagnostic::new(Code::InvalidEventFilter, span, message, label.to_string())
                .with_help(help);
            self.error(diag);
            None
        };
        if kind.is_field_change() {
            return fail(
                format!("`{name}` is a field change: `{filter_text}` does not apply to it"),
                "who acted and visibility are for messages and actions",
                format!(
                    "remove `{filter_text}`; to react to a status, use `pauses while status` or `resets when status`"
                ),
            );
        }
        if let Some(a) = actor.filter(|a| !a.can_do(kind)) {
            let help = match kind {
                EventKind::CustomerReplied => {
                    "a message by the support team is `replied`: write `replied by agent` or `replied by system`".to_string()
                }
                _ => format!(
                    "a message by the customer is `customer_replied`: write `customer_replied` instead of `{name} by {}`",
                    a.name()
                ),
            };
            let label = match kind {
                EventKind::CustomerReplied => "`customer_replied` is always the customer's",
                _ => "the customer's messages are never this event",
            };
            return fail(
                format!(
                    "`{name} by {}` never happens, so this never counts",
                    a.name()
                ),
                label,
                help,
            );
        }
        if let (Some(v), false) = (visibility, kind.has_visibility()) {
            return fail(
                format!("`{name}` is not a message, so it is neither public nor internal"),
                "only `opened`, `replied` and `customer_replied` have a visibility",
                format!("remove `{}`", v.node),
            );
        }
        let clause = match which {
            "starts on" => FilterClause::Starts,
            "stops on" => FilterClause::Stops,
            _ => FilterClause::Periodic,
        };
        // `siblings`: the filtered listings of this event in the clause.
        if m.clause_events(clause)
            .iter()
            .filter(|k| **k == kind)
            .count()
            > siblings
        {
            return fail(
                format!("`{which}` lists `{name}` both with and without a filter"),
                "the one without a filter counts every such event",
                format!("keep either `{name}` or `{name} {filter_text}`"),
            );
        }
        Some(ir::EventFilter {
            clause,
            event: kind,
            by: actor,
            public,
            span,
        })
    }

    /// E0411: `resets when status` on a periodic metric (its windows follow
    /// their updates), and `order` without a reset to order.
    fn check_resets(&mut self, m: &ir::Metric, decl: &ast::MetricDecl, order: Option<Span>) {
        let resets = decl.clauses.iter().find_map(|c| match &c.node {
            MetricClause::Resets(_) => Some(c.span),
            _ => None,
        });
        if let (Some(span), Some(_)) = (resets, &m.periodic) {
            let diag = Diagnostic::new(
                Code::InvalidReset,
                span,
                format!("the periodic metric `{}` cannot be reset", m.name),
                "a periodic metric's windows follow its updates",
            )
            .with_help("reset a metric with `starts on` and `stops on`, or remove `resets when`");
            self.error(diag);
        }
        if let (Some(span), None) = (order, resets) {
            let diag = Diagnostic::new(
                Code::InvalidReset,
                span,
                format!("metric `{}` has no reset to order", m.name),
                "`order` says which of a reset and a stop in the same second applies first",
            )
            .with_help("add `resets when status STATUS`, or remove `order`");
            self.error(diag);
        }
    }

    /// A metric by name (marked used), or E0104.
    pub(crate) fn metric_ref(&mut self, name: &str, span: Span) -> Option<MetricId> {
        match self.metrics.get(name) {
            Some(i) => {
                self.used_metrics.insert(MetricId(i));
                Some(MetricId(i))
            }
            None => {
                let diag = unknown_name(Kind::Metric, name, span, self.metrics.names());
                self.error(diag);
                None
            }
        }
    }

    /// `warn` and `escalate` milestones.
    pub(crate) fn check_milestones(&mut self) {
        let file = self.file;
        for item in &file.items {
            let Item::Milestone(decl) = item else {
                continue;
            };
            let metric = self.metric_ref(&decl.metric.node, decl.metric.span);
            let at = self.percent(
                &decl.at,
                "a milestone is a fraction of the target, such as `75%`",
            );
            if let Some(p) = at {
                if p.0 <= 0 {
                    self.invalid(
                        decl.at.span,
                        format!("a milestone at `{p}` of the target happens at the start"),
                        "must be more than 0%",
                        "write a fraction of the target above zero, such as `75%` or `100%`",
                    );
                }
            }
            if let (Some(metric), Some(at)) = (metric, at) {
                self.milestones.push(ir::Milestone {
                    kind: if decl.escalate {
                        ir::MilestoneKind::Escalate
                    } else {
                        ir::MilestoneKind::Warn
                    },
                    metric,
                    at: Percent(at.0),
                    to: decl.to.node.clone(),
                    span: decl.span,
                });
            }
        }
    }
}

fn clause_name(c: &MetricClause) -> &'static str {
    match c {
        MetricClause::Starts { .. } => "starts on",
        MetricClause::Stops(_) => "stops on",
        MetricClause::Pauses(_) => "pauses while",
        MetricClause::Repeats => "repeats",
        MetricClause::Periodic { .. } => "periodic on",
        MetricClause::OnChange(_) => "on change",
        MetricClause::OnReopen(_) => "on reopen",
        MetricClause::Resets(_) => "resets when",
        MetricClause::Order(..) => "order",
        MetricClause::EventFilter { .. } => "event filter",
    }
}
