//! Names: the policy header, declarations of every kind and their
//! duplicates, tiers (order, `extends`, entitlements) and issue types.

use super::close_name;
use super::values::money;
use super::{duplicate_entry, duplicate_name, unknown_name, Checker, Kind, Slot};
use crate::ast::{self, Item, Literal, TierSel};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, CalendarId, MetricId, TierId, TypeId};
use crate::source::{Span, Spanned};
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    /// Exactly one `policy` header; its effective date.
    pub(crate) fn check_header(&mut self) {
        let file = self.file;
        for item in &file.items {
            let Item::Policy(decl) = item else { continue };
            match self.header {
                None => self.header = Some(decl),
                Some(first) => {
                    let diag = Diagnostic::new(
                        Code::MissingPolicy,
                        decl.span,
                        "the file has more than one `policy` header",
                        "second header",
                    )
                    .with_label(first.span, "first header")
                    .with_help("merge the two headers into one");
                    self.error(diag);
                }
            }
        }
        let Some(header) = self.header else {
            let diag = Diagnostic::new(
                Code::MissingPolicy,
                Span::default(),
                "the file has no `policy` header",
                "expected a `policy` header in this file",
            )
            .with_help(
                "start the file with `policy \"Name\" { provider \"...\"  calendar business }`",
            );
            self.error(diag);
            return;
        };
        if let Some(date) = &header.effective {
            self.effective = self.date(date);
        }
    }

    /// Declares every calendar, severity, tier, type and metric name, and
    /// reports duplicates.
    pub(crate) fn declare_names(&mut self) {
        let file = self.file;
        let prelude = self.prelude;
        for item in &file.items {
            match item {
                Item::Calendar(c) => {
                    if let Err(first) = self.calendar_names.declare(&c.name.node, c.name.span) {
                        self.error(duplicate_name("calendar", &c.name.node, c.name.span, first));
                    } else {
                        // Placeholder definition, filled in by the calendar pass.
                        let def = ir::CalendarDef::Expr {
                            expr: ir::CalendarExpr::Always,
                        };
                        self.push_calendar(c.name.node.clone(), def, c.span);
                    }
                }
                Item::Severity(s) => {
                    if let Err(first) = self.severities.declare(&s.name.node, s.name.span) {
                        self.error(duplicate_name("severity", &s.name.node, s.name.span, first));
                    }
                }
                Item::Type(t) => {
                    if let Err(first) = self.types.declare(&t.name.node, t.name.span) {
                        self.error(duplicate_name(
                            "issue type",
                            &t.name.node,
                            t.name.span,
                            first,
                        ));
                    }
                }
                _ => {}
            }
        }
        self.declare_tier_order();
        for item in &prelude.items {
            if let Item::Metric(m) = item {
                // The prelude is trusted; a duplicate there keeps the first.
                let _ = self.metrics.declare(&m.name.node, m.name.span);
            }
        }
        let mut user_spans: BTreeMap<u32, Span> = BTreeMap::new();
        for item in &file.items {
            let Item::Metric(m) = item else { continue };
            let id = match self.metrics.get(&m.name.node) {
                Some(id) => id,
                None => match self.metrics.declare(&m.name.node, m.name.span) {
                    Ok(id) => id,
                    Err(_) => continue,
                },
            };
            if let Some(&first) = user_spans.get(&id) {
                self.error(duplicate_name("metric", &m.name.node, m.name.span, first));
                continue;
            }
            user_spans.insert(id, m.name.span);
            self.metrics.set_span(id, m.name.span);
        }
    }

    /// The `tiers` order. A file without one whose only tier block names
    /// one tier has that tier as its order (nothing to compare). Tier
    /// blocks outside the order are remembered, so that references to them
    /// are not reported again as unknown tiers (E0132 says it once).
    fn declare_tier_order(&mut self) {
        let file = self.file;
        let has_order = file.items.iter().any(|i| matches!(i, Item::TierOrder(_)));
        let mut block_names: Vec<&Spanned<String>> = Vec::new();
        for item in &file.items {
            if let Item::Tier(decl) = item {
                if !block_names.iter().any(|n| n.node == decl.name.node) {
                    block_names.push(&decl.name);
                }
            }
        }
        if !has_order && block_names.len() == 1 {
            let only = block_names[0];
            let _ = self.tiers.declare(&only.node, only.span);
            return;
        }
        let mut first_order: Option<Span> = None;
        for item in &file.items {
            let Item::TierOrder(order) = item else {
                continue;
            };
            if let Some(first) = first_order {
                self.error(duplicate_entry("the tier order", order.span, first));
                continue;
            }
            first_order = Some(order.span);
            for t in &order.tiers {
                if let Err(first) = self.tiers.declare(&t.node, t.span) {
                    self.error(duplicate_name("tier", &t.node, t.span, first));
                }
            }
        }
        for name in block_names {
            if self.tiers.get(&name.node).is_none() {
                self.unordered_tiers.insert(name.node.clone());
            }
        }
    }

    /// Resolves a tier name, reporting E0101.
    pub(crate) fn tier(&mut self, name: &str, span: Span) -> Option<TierId> {
        match self.tiers.get(name) {
            Some(i) => Some(TierId(i)),
            // Its block was reported (E0132): not an unknown tier as well.
            None if self.unordered_tiers.contains(name) => None,
            None => {
                let diag = unknown_name(Kind::Tier, name, span, self.tiers.names());
                self.error(diag);
                None
            }
        }
    }

    /// Resolves tier selectors (`gold`, `silver..platinum`, `all`) to tiers
    /// in tier order; `None` if any part failed.
    pub(crate) fn tier_selectors(&mut self, sels: &[Spanned<TierSel>]) -> Option<Vec<TierId>> {
        let mut out = Vec::new();
        let mut ok = true;
        for sel in sels {
            match &sel.node {
                TierSel::All => out.extend((0..self.tiers.len() as u32).map(TierId)),
                TierSel::One(name) => match self.tier(name, sel.span) {
                    Some(t) => out.push(t),
                    None => ok = false,
                },
                TierSel::Range(a, b) => {
                    let lo = self.tier(a, sel.span);
                    let hi = self.tier(b, sel.span);
                    match (lo, hi) {
                        (Some(lo), Some(hi)) if lo <= hi => out.extend((lo.0..=hi.0).map(TierId)),
                        (Some(_), Some(_)) => {
                            self.invalid(
                                sel.span,
                                format!("the tier range `{a}..{b}` goes from a higher tier to a lower one"),
                                "backwards range",
                                &format!("tiers are ordered lowest first: write `{b}..{a}`"),
                            );
                            ok = false;
                        }
                        _ => ok = false,
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        ok.then_some(out)
    }

    /// Tier blocks, `extends` (with cycles) and entitlements.
    pub(crate) fn check_tiers(&mut self) {
        let file = self.file;
        let n = self.tiers.len();
        let mut blocks: Vec<Option<&'a ast::TierDecl>> = vec![None; n];
        if n == 0 {
            self.no_tier_order();
        }
        for item in &file.items {
            let Item::Tier(decl) = item else { continue };
            let Some(id) = self.tiers.get(&decl.name.node) else {
                if n > 0 {
                    self.tier_not_ordered(decl);
                }
                continue;
            };
            match blocks[id as usize] {
                Some(first) => {
                    let diag =
                        duplicate_name("tier", &decl.name.node, decl.name.span, first.name.span);
                    self.error(diag);
                }
                None => blocks[id as usize] = Some(decl),
            }
        }
        let mut parents: Vec<Option<u32>> = vec![None; n];
        for (i, block) in blocks.iter().enumerate() {
            if let Some(base) = block.and_then(|b| b.extends.as_ref()) {
                parents[i] = self.tier(&base.node, base.span).map(|t| t.0);
            }
        }
        self.extends_cycles(&blocks, &mut parents);
        self.extends_depth(&blocks, &mut parents);

        let mut own: Vec<BTreeMap<String, ir::Entitlement>> = Vec::with_capacity(n);
        for block in &blocks {
            own.push(block.map(|b| self.entitlements(b)).unwrap_or_default());
        }
        let mut done: Vec<Option<BTreeMap<String, ir::Entitlement>>> = vec![None; n];
        for i in 0..n {
            inherit(i, &parents, &own, &mut done);
        }
        for i in 0..n {
            let id = i as u32;
            let block = blocks[i];
            self.out_tiers.push(ir::Tier {
                name: self.tiers.name(id).to_string(),
                title: block.and_then(|b| b.title.as_ref()).map(|t| t.node.clone()),
                extends: parents[i].map(TierId),
                entitlements: done[i].take().unwrap_or_default(),
                span: block.map_or(self.tiers.span(id), |b| b.span),
            });
        }
    }

    /// E0132 once for a file whose several tier blocks have no `tiers`
    /// order: at the first block, with the others as labels.
    fn no_tier_order(&mut self) {
        let file = self.file;
        let mut names: Vec<&str> = Vec::new();
        let mut spans: Vec<Span> = Vec::new();
        for item in &file.items {
            if let Item::Tier(decl) = item {
                if !names.contains(&decl.name.node.as_str()) {
                    names.push(&decl.name.node);
                    spans.push(decl.name.span);
                }
            }
        }
        let Some(&first) = spans.first() else { return };
        let mut diag = Diagnostic::new(
            Code::TierNotInOrder,
            first,
            format!(
                "the file declares {} tiers but no `tiers` order",
                names.len()
            ),
            "not an ordered tier",
        );
        for &span in &spans[1..] {
            diag = diag.with_label(span, "nor this one");
        }
        let order = names.join(" < ");
        let diag = diag.with_help(format!(
            "order them lowest first, for example `tiers {order}` (a policy with one tier needs no order)"
        ));
        self.error(diag);
    }

    fn tier_not_ordered(&mut self, decl: &ast::TierDecl) {
        let name = &decl.name.node;
        let help = if let Some(close) = close_name(name, self.tiers.names()) {
            format!("did you mean `{close}`? otherwise add `{name}` to the `tiers` order")
        } else {
            format!("add `{name}` to the `tiers` order, where it ranks among the other tiers")
        };
        let diag = Diagnostic::new(
            Code::TierNotInOrder,
            decl.name.span,
            format!("the tier `{name}` is not in the `tiers` order"),
            "not an ordered tier",
        )
        .with_help(help);
        self.error(diag);
    }

    /// Reports each `extends` cycle once and cuts it, so that inheritance
    /// below terminates.
    fn extends_cycles(&mut self, blocks: &[Option<&ast::TierDecl>], parents: &mut [Option<u32>]) {
        let n = parents.len();
        // 0 = unvisited, 1 = on the current path, 2 = done.
        let mut state = vec![0u8; n];
        for start in 0..n {
            let mut path = Vec::new();
            let mut cur = Some(start as u32);
            while let Some(c) = cur {
                match state[c as usize] {
                    2 => break,
                    1 => {
                        let at = path.iter().position(|&p| p == c).unwrap_or(0);
                        let cycle: Vec<u32> = path[at..].to_vec();
                        self.report_extends_cycle(blocks, &cycle);
                        for &m in &cycle {
                            parents[m as usize] = None;
                        }
                        break;
                    }
                    _ => {
                        state[c as usize] = 1;
                        path.push(c);
                        cur = parents[c as usize];
                    }
                }
            }
            for p in path {
                state[p as usize] = 2;
            }
        }
    }

    /// E0122: a chain of `extends` longer than [`MAX_EXTENDS_DEPTH`] tiers.
    /// Reported once, at the first tier past the limit in each chain; every
    /// tier past it is cut from its base, so that inheritance below copies
    /// at most that many maps per tier (memory grew with the square of the
    /// chain: 10,000 tiers took 8.8 GB). `parents` has no cycles here.
    fn extends_depth(&mut self, blocks: &[Option<&ast::TierDecl>], parents: &mut [Option<u32>]) {
        let n = parents.len();
        // Tiers in the chain from each tier to its root, counted iteratively.
        let mut depth: Vec<usize> = vec![0; n];
        for start in 0..n {
            let mut path = Vec::new();
            let mut cur = Some(start);
            while let Some(c) = cur {
                if depth[c] > 0 || path.len() > n {
                    break;
                }
                path.push(c);
                cur = parents[c].map(|p| p as usize);
            }
            let mut d = cur.map_or(0, |c| depth[c]);
            for &t in path.iter().rev() {
                d += 1;
                depth[t] = d;
            }
        }
        for i in 0..n {
            if depth[i] == MAX_EXTENDS_DEPTH + 1 {
                if let Some(base) = blocks[i].and_then(|b| b.extends.as_ref()) {
                    let name = self.tiers.name(i as u32).to_string();
                    let diag = Diagnostic::new(
                        Code::ExtendsTooDeep,
                        base.span,
                        format!(
                            "the `extends` chain down to tier `{name}` holds {} tiers; at most {MAX_EXTENDS_DEPTH} are allowed",
                            MAX_EXTENDS_DEPTH + 1
                        ),
                        "the chain passes the limit here",
                    )
                    .with_help(format!(
                        "extend a tier nearer the base of the chain, or write the entitlements of `{name}` out in full"
                    ));
                    self.error(diag);
                }
            }
            if depth[i] > MAX_EXTENDS_DEPTH {
                parents[i] = None;
            }
        }
    }

    fn report_extends_cycle(&mut self, blocks: &[Option<&ast::TierDecl>], cycle: &[u32]) {
        // Start the cycle at the tier declared first, for a stable message.
        let span_of = |t: u32| blocks[t as usize].map_or(Span::default(), |b| b.span);
        let first = (0..cycle.len())
            .min_by_key(|&i| span_of(cycle[i]))
            .unwrap_or(0);
        let ordered: Vec<u32> = cycle[first..]
            .iter()
            .chain(&cycle[..first])
            .copied()
            .collect();
        let mut names: Vec<&str> = ordered.iter().map(|&t| self.tiers.name(t)).collect();
        names.push(self.tiers.name(ordered[0]));
        let chain = names.join(" -> ");
        let extends_span = |t: u32| {
            blocks[t as usize]
                .and_then(|b| b.extends.as_ref())
                .map_or(span_of(t), |e| e.span)
        };
        let mut diag = Diagnostic::new(
            Code::ExtendsCycle,
            extends_span(ordered[0]),
            format!("tier `{}` extends itself: `{chain}`", names[0]),
            "this `extends` starts the cycle",
        )
        .with_help("remove one of these `extends` clauses");
        for &t in &ordered[1..] {
            diag = diag.with_label(extends_span(t), "part of the cycle");
        }
        self.error(diag);
    }

    fn entitlements(&mut self, block: &ast::TierDecl) -> BTreeMap<String, ir::Entitlement> {
        let mut out: BTreeMap<String, ir::Entitlement> = BTreeMap::new();
        for e in &block.entitlements {
            if let Some(first) = out.get(&e.name.node) {
                let what = format!(
                    "the entitlement `{}` of tier `{}`",
                    e.name.node, block.name.node
                );
                let diag = duplicate_entry(&what, e.name.span, first.span);
                self.error(diag);
                continue;
            }
            let Some(value) = self.entitlement_value(e) else {
                continue;
            };
            out.insert(
                e.name.node.clone(),
                ir::Entitlement {
                    value,
                    inherited_from: None,
                    span: e.span,
                },
            );
        }
        out
    }

    fn entitlement_value(&mut self, e: &ast::EntitlementDecl) -> Option<ir::Value> {
        let Some(lit) = &e.value else {
            return Some(ir::Value::Flag(true));
        };
        let value = match &lit.node {
            Literal::Int(n) if *n < 0 => {
                self.invalid(
                    lit.span,
                    format!("the count `{n}` is negative"),
                    "negative count",
                    "counts are whole numbers from 0",
                );
                return None;
            }
            Literal::Int(n) => ir::Value::Count(*n),
            Literal::Bool(b) => ir::Value::Flag(*b),
            Literal::NoGuarantee => ir::Value::Flag(false),
            Literal::Str(s) => ir::Value::Text(s.clone()),
            Literal::Duration(parts) => {
                ir::Value::Duration(self.duration_parts(parts, lit.span)?.value)
            }
            Literal::Percent(_) => ir::Value::Percent(self.percent(lit, "")?),
            Literal::Money(text) => match money(text) {
                Some(m) => ir::Value::Money(m),
                None => {
                    self.invalid(
                        lit.span,
                        format!("`${text}` is not an amount of money slate can hold exactly"),
                        "invalid amount",
                        "write dollars with at most two decimals, such as `$2.50`",
                    );
                    return None;
                }
            },
            Literal::Decimal(_) | Literal::Deadline(_) => {
                self.mismatch(
                    lit.span,
                    "a whole number, duration, percentage, amount of money, `yes`/`no` or text",
                    &lit.node,
                    "write a count as a whole number, or put the contract's words in quotes",
                );
                return None;
            }
        };
        Some(value)
    }

    /// Severity names were declared earlier; this builds them (clocks are
    /// resolved by the calendar pass).
    pub(crate) fn check_severities(&mut self) {
        let file = self.file;
        let mut seen = vec![false; self.severities.len()];
        for item in &file.items {
            let Item::Severity(s) = item else { continue };
            let Some(id) = self.severities.get(&s.name.node) else {
                continue;
            };
            if std::mem::replace(&mut seen[id as usize], true) {
                continue;
            }
            let clock = match &s.clock {
                None => Slot::Absent,
                Some(expr) => {
                    let what = format!("the clock of severity `{}`", s.name.node);
                    self.clock(expr, &format!("{}.clock", s.name.node), &what)
                }
            };
            self.severity_clocks.push(clock);
            let metric_calendars = self.severity_metric_clocks(s);
            self.out_severities.push(ir::Severity {
                name: s.name.node.clone(),
                description: s.description.as_ref().map(|d| d.node.clone()),
                aliases: s.aliases.iter().map(|a| a.node.clone()).collect(),
                calendar: match clock {
                    Slot::Known(id) => Some(id),
                    _ => None,
                },
                metric_calendars,
                span: s.span,
            });
        }
        self.alias_collisions();
    }

    /// `clock CAL for METRIC, ...` of one severity: each metric resolved
    /// (E0104), at most one clock per metric (E0111). Records every clock,
    /// also broken ones (so that cells do not fall back to another clock
    /// and report follow-on errors), in `severity_metric_clocks`.
    fn severity_metric_clocks(&mut self, s: &ast::SeverityDecl) -> Vec<(MetricId, CalendarId)> {
        let mut seen: Vec<(MetricId, Slot<CalendarId>, Span)> = Vec::new();
        for mc in &s.metric_clocks {
            let names: Vec<&str> = mc.metrics.iter().map(|m| m.node.as_str()).collect();
            let what = format!(
                "the clock of severity `{}` for {}",
                s.name.node,
                super::backtick_list(names.iter().copied())
            );
            let anon = format!("{}.clock.{}", s.name.node, names.join("."));
            let clock = self.clock(&mc.clock, &anon, &what);
            for m in &mc.metrics {
                let Some(id) = self.metric_ref(&m.node, m.span) else {
                    continue;
                };
                if let Some(&(_, _, first)) = seen.iter().find(|(x, _, _)| *x == id) {
                    let what = format!("the clock of severity `{}` for `{}`", s.name.node, m.node);
                    self.error(super::duplicate_entry(&what, m.span, first));
                    continue;
                }
                seen.push((id, clock, m.span));
            }
        }
        let out = seen
            .iter()
            .filter_map(|&(m, c, _)| match c {
                Slot::Known(c) => Some((m, c)),
                _ => None,
            })
            .collect();
        self.severity_metric_clocks
            .push(seen.into_iter().map(|(m, c, _)| (m, c)).collect());
        out
    }

    /// E0110: an alias that another severity also answers to (aliases
    /// compare case-insensitively, as tickets use them), so a ticket
    /// naming it would be ambiguous.
    fn alias_collisions(&mut self) {
        let file = self.file;
        let mut owners: BTreeMap<String, (String, Span)> = BTreeMap::new();
        for item in &file.items {
            if let Item::Severity(s) = item {
                owners
                    .entry(s.name.node.to_ascii_lowercase())
                    .or_insert((s.name.node.clone(), s.name.span));
            }
        }
        for item in &file.items {
            let Item::Severity(s) = item else { continue };
            for alias in &s.aliases {
                let key = alias.node.to_ascii_lowercase();
                match owners.get(&key) {
                    Some((owner, _)) if *owner == s.name.node => {}
                    Some((owner, first)) => {
                        let diag = Diagnostic::new(
                            Code::DuplicateName,
                            alias.span,
                            format!(
                                "severity `{}` and severity `{owner}` both answer to `{}`",
                                s.name.node, alias.node
                            ),
                            "ambiguous alias",
                        )
                        .with_label(*first, format!("`{owner}` answers to it here"))
                        .with_help("give each alias to one severity only; aliases ignore case");
                        self.error(diag);
                    }
                    None => {
                        owners.insert(key, (s.name.node.clone(), alias.span));
                    }
                }
            }
        }
    }

    /// Issue types and their coverage lines.
    pub(crate) fn check_types(&mut self) {
        let file = self.file;
        let mut seen = vec![false; self.types.len()];
        for item in &file.items {
            let Item::Type(t) = item else { continue };
            let Some(id) = self.types.get(&t.name.node) else {
                continue;
            };
            if std::mem::replace(&mut seen[id as usize], true) {
                continue;
            }
            let mut coverage = Vec::new();
            for c in &t.covers {
                let tiers = self.tier_selectors(&c.tiers).unwrap_or_default();
                coverage.push(ir::Coverage {
                    tiers,
                    channels: c.channels.iter().map(|s| s.node.clone()).collect(),
                    no_guarantee: c.no_guarantee,
                    note: c.note.as_ref().map(|s| s.node.clone()),
                    span: c.span,
                });
            }
            if !coverage.is_empty() {
                // Coverage is meaningful on its own: the type is used.
                self.used_types.insert(TypeId(id));
            }
            self.out_types.push(ir::IssueType {
                name: t.name.node.clone(),
                description: t.description.as_ref().map(|d| d.node.clone()),
                coverage,
                span: t.span,
            });
        }
    }
}

/// The most tiers one chain of `extends` may hold (E0122).
pub(crate) const MAX_EXTENDS_DEPTH: usize = 32;

/// Own entitlements over inherited ones; `parents` has no cycles. Walks
/// each chain of `extends` iteratively, bases first.
fn inherit(
    i: usize,
    parents: &[Option<u32>],
    own: &[BTreeMap<String, ir::Entitlement>],
    done: &mut [Option<BTreeMap<String, ir::Entitlement>>],
) {
    let mut chain = vec![i];
    let mut cur = i;
    while let Some(p) = parents[cur] {
        let p = p as usize;
        if done[p].is_some() || chain.len() > parents.len() {
            break;
        }
        chain.push(p);
        cur = p;
    }
    for &t in chain.iter().rev() {
        if done[t].is_some() {
            continue;
        }
        let mut map = BTreeMap::new();
        if let Some(p) = parents[t] {
            if let Some(base) = &done[p as usize] {
                for (name, e) in base {
                    let mut e = e.clone();
                    e.inherited_from = e.inherited_from.or(Some(TierId(p)));
                    map.insert(name.clone(), e);
                }
            }
        }
        for (name, e) in &own[t] {
            map.insert(name.clone(), e.clone());
        }
        done[t] = Some(map);
    }
}
