//! Calendar expressions (`a | b`, `a & b`, `a - b`, `24x7`): name
//! resolution, definition cycles, provably empty expressions, severity
//! clocks, table calendars and the policy's default calendar.
//!
//! Emptiness is proved only in simple cases: an operand of an intersection
//! or a difference that is itself provably empty, `a - 24x7` (or minus any
//! always-open calendar), `a - a`, and the intersection of two weekly
//! calendars in the same zone, without open overrides, whose weekly hours
//! never overlap. Anything subtler (weekly calendars in different zones,
//! closures that remove every open hour) is left to the evaluator.

use super::calendar::{def_is_weekly, week_intervals};
use super::{unknown_name, Checker, Kind, Slot};
use crate::ast::{self, CalendarBody, Item};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, CalendarExpr, CalendarId};
use crate::source::{Span, Spanned};

impl<'a> Checker<'a> {
    /// Every declared calendar: blocks, then expressions, then cycles and
    /// emptiness of expressions.
    pub(crate) fn check_calendars(&mut self) {
        let file = self.file;
        let mut decls: Vec<(CalendarId, &'a ast::CalendarDecl)> = Vec::new();
        for item in &file.items {
            let Item::Calendar(c) = item else { continue };
            let Some(id) = self.calendar_names.get(&c.name.node) else {
                continue;
            };
            if self.calendar_names.span(id) == c.name.span {
                decls.push((CalendarId(id), c));
            }
        }
        for &(id, decl) in &decls {
            if let CalendarBody::Block(stmts) = &decl.body {
                let (weekly, ok) = self.weekly_calendar(decl, stmts);
                self.calendars[id.index()].def = ir::CalendarDef::Weekly(weekly);
                self.calendar_ok[id.index()] = ok;
            }
        }
        // Before expressions, which may not use them.
        self.check_selectors();
        let mut exprs: Vec<(
            CalendarId,
            &'a ast::CalendarDecl,
            &'a Spanned<ast::CalendarExpr>,
        )> = Vec::new();
        for &(id, decl) in &decls {
            if let CalendarBody::Expr(e) = &decl.body {
                let resolved = self.cal_expr(e);
                self.calendar_ok[id.index()] = resolved.is_some();
                if let Some(expr) = resolved {
                    self.calendars[id.index()].def = ir::CalendarDef::Expr { expr };
                }
                exprs.push((id, decl, e));
            }
        }
        self.calendar_cycles(&exprs);
        for &(id, decl, e) in &exprs {
            if self.calendar_ok[id.index()] {
                let what = format!("calendar `{}`", decl.name.node);
                self.check_not_empty(id, Some(decl.name.span), e.span, &what);
            }
        }
    }

    /// Resolves a calendar expression, reporting every unknown name.
    pub(crate) fn cal_expr(&mut self, e: &Spanned<ast::CalendarExpr>) -> Option<CalendarExpr> {
        let pair =
            |cx: &mut Self, l: &Spanned<ast::CalendarExpr>, r: &Spanned<ast::CalendarExpr>| {
                let l = cx.cal_expr(l);
                let r = cx.cal_expr(r);
                Some((Box::new(l?), Box::new(r?)))
            };
        Some(match &e.node {
            ast::CalendarExpr::Always => CalendarExpr::Always,
            ast::CalendarExpr::Name(n) if n == "24x7" => CalendarExpr::Always,
            ast::CalendarExpr::Name(n) => {
                let calendar = self.calendar_ref(n, e.span)?;
                if !self.needs_hours(calendar, e.span, "in a calendar expression") {
                    return None;
                }
                CalendarExpr::Ref { calendar }
            }
            ast::CalendarExpr::Union(l, r) => {
                let (left, right) = pair(self, l, r)?;
                CalendarExpr::Union { left, right }
            }
            ast::CalendarExpr::Intersection(l, r) => {
                let (left, right) = pair(self, l, r)?;
                CalendarExpr::Intersection { left, right }
            }
            ast::CalendarExpr::Difference(l, r) => {
                let (left, right) = pair(self, l, r)?;
                CalendarExpr::Difference { left, right }
            }
        })
    }

    /// A declared calendar by name (marked used), or E0103.
    pub(crate) fn calendar_ref(&mut self, name: &str, span: Span) -> Option<CalendarId> {
        if name == "24x7" {
            let id = self.always_id();
            self.used_calendars.insert(id);
            return Some(id);
        }
        match self.calendar_names.get(name) {
            Some(i) => {
                self.used_calendars.insert(CalendarId(i));
                Some(CalendarId(i))
            }
            None => {
                let names: Vec<String> = std::iter::once("24x7".to_string())
                    .chain(self.calendar_names.names().map(str::to_string))
                    .collect();
                let diag =
                    unknown_name(Kind::Calendar, name, span, names.iter().map(String::as_str));
                self.error(diag);
                None
            }
        }
    }

    /// The calendar a clock runs on: a name, `24x7`, or an expression that
    /// becomes an anonymous calendar called `anon_name`; `what` names the
    /// clock in messages ("the clock of severity `sev1`").
    pub(crate) fn clock(
        &mut self,
        e: &Spanned<ast::CalendarExpr>,
        anon_name: &str,
        what: &str,
    ) -> Slot<CalendarId> {
        let id = match &e.node {
            ast::CalendarExpr::Always => Some(self.always_id()),
            ast::CalendarExpr::Name(n) => self.calendar_ref(n, e.span),
            _ => match self.cal_expr(e) {
                None => None,
                Some(expr) => {
                    let mut name = anon_name.to_string();
                    let mut n = 2;
                    while self.calendars.iter().any(|c| c.name == name) {
                        name = format!("{anon_name}{n}");
                        n += 1;
                    }
                    let id = self.push_calendar(name, ir::CalendarDef::Expr { expr }, e.span);
                    self.check_not_empty(id, None, e.span, what);
                    Some(id)
                }
            },
        };
        // A calendar with errors is still known: checks that only depend on
        // its kind (weekly hours are never 24x7) still apply to its cells.
        match id {
            Some(id) => {
                self.used_calendars.insert(id);
                Slot::Known(id)
            }
            None => Slot::Failed,
        }
    }

    /// The policy header's `calendar NAME`.
    pub(crate) fn check_default_calendar(&mut self) {
        let Some(header) = self.header else {
            self.default_calendar = Slot::Failed;
            return;
        };
        let Some(name) = &header.calendar else { return };
        self.default_calendar = match self.calendar_ref(&name.node, name.span) {
            Some(id) => Slot::Known(id),
            None => Slot::Failed,
        };
    }

    /// E0121: calendars defined in terms of each other. Members of a cycle
    /// are marked broken.
    fn calendar_cycles(
        &mut self,
        exprs: &[(CalendarId, &ast::CalendarDecl, &Spanned<ast::CalendarExpr>)],
    ) {
        let n = self.calendars.len();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut decl_of: Vec<Option<&ast::CalendarDecl>> = vec![None; n];
        for &(id, decl, e) in exprs {
            let mut names = Vec::new();
            collect_names(&e.node, &mut names);
            for name in names {
                if let Some(to) = self.calendar_names.get(name) {
                    edges[id.index()].push(to as usize);
                }
            }
            decl_of[id.index()] = Some(decl);
        }
        // 0 = unvisited, 1 = on the stack, 2 = done.
        let mut state = vec![0u8; n];
        let mut cycles: Vec<Vec<usize>> = Vec::new();
        for &(id, _, _) in exprs {
            let mut stack: Vec<(usize, usize)> = vec![(id.index(), 0)];
            if state[id.index()] != 0 {
                continue;
            }
            state[id.index()] = 1;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                if let Some(&to) = edges[node].get(*next) {
                    *next += 1;
                    match state[to] {
                        0 => {
                            state[to] = 1;
                            stack.push((to, 0));
                        }
                        1 => {
                            let at = stack.iter().position(|&(s, _)| s == to).unwrap_or(0);
                            cycles.push(stack[at..].iter().map(|&(s, _)| s).collect());
                        }
                        _ => {}
                    }
                } else {
                    state[node] = 2;
                    stack.pop();
                }
            }
        }
        for cycle in cycles {
            for &c in &cycle {
                self.calendar_ok[c] = false;
            }
            let span_of = |c: usize| decl_of[c].map_or(Span::default(), |d| d.name.span);
            let mut names: Vec<&str> = cycle
                .iter()
                .map(|&c| self.calendars[c].name.as_str())
                .collect();
            names.push(names[0]);
            let mut diag = Diagnostic::new(
                Code::CalendarCycle,
                span_of(cycle[0]),
                format!(
                    "calendar `{}` is defined in terms of itself: `{}`",
                    names[0],
                    names.join(" -> ")
                ),
                "this calendar starts the cycle",
            )
            .with_help("define one of these calendars with weekly hours instead of the others");
            for &c in &cycle[1..] {
                diag = diag.with_label(span_of(c), "part of the cycle");
            }
            self.error(diag);
        }
    }

    /// E0204 for an expression calendar that is provably never open. A
    /// named calendar is labelled at its name and its expression; an
    /// anonymous clock at its expression only.
    fn check_not_empty(
        &mut self,
        id: CalendarId,
        name_span: Option<Span>,
        expr_span: Span,
        what: &str,
    ) {
        let ir::CalendarDef::Expr { expr } = &self.calendars[id.index()].def else {
            return;
        };
        let Some(reason) = self.provably_empty(expr) else {
            return;
        };
        let message = format!("{what} is never open");
        let help = "change the expression so that some time is open; every deadline on an empty calendar is infinite";
        let diag = match name_span {
            Some(name_span) => Diagnostic::new(
                Code::EmptyCalendar,
                name_span,
                message,
                "this calendar has no open time",
            )
            .with_label(expr_span, reason),
            None => Diagnostic::new(Code::EmptyCalendar, expr_span, message, reason),
        };
        self.calendar_ok[id.index()] = false;
        self.error(diag.with_help(help));
    }

    /// Why an expression has no open time, when that is easy to prove.
    fn provably_empty(&self, expr: &CalendarExpr) -> Option<String> {
        match expr {
            CalendarExpr::Always | CalendarExpr::Ref { .. } => None,
            CalendarExpr::Union { left, right } => {
                let l = self.provably_empty(left)?;
                self.provably_empty(right).map(|_| l)
            }
            CalendarExpr::Intersection { left, right } => self
                .provably_empty(left)
                .or_else(|| self.provably_empty(right))
                .or_else(|| self.disjoint_weekly(left, right)),
            CalendarExpr::Difference { left, right } => {
                if let Some(reason) = self.provably_empty(left) {
                    Some(reason)
                } else if self.is_always(right, 0) {
                    Some("subtracting an always-open calendar leaves nothing".into())
                } else if left == right {
                    Some("a calendar minus itself leaves nothing".into())
                } else {
                    None
                }
            }
        }
    }

    fn disjoint_weekly(&self, left: &CalendarExpr, right: &CalendarExpr) -> Option<String> {
        let (CalendarExpr::Ref { calendar: a }, CalendarExpr::Ref { calendar: b }) = (left, right)
        else {
            return None;
        };
        let wa = def_is_weekly(&self.calendars[a.index()].def)?;
        let wb = def_is_weekly(&self.calendars[b.index()].def)?;
        if wa.zone != wb.zone || !wa.overrides.is_empty() || !wb.overrides.is_empty() {
            return None;
        }
        let (ia, ib) = (week_intervals(wa), week_intervals(wb));
        let overlap = ia.iter().any(|x| ib.iter().any(|y| x.0 < y.1 && y.0 < x.1));
        (!overlap).then(|| {
            format!(
                "`{}` and `{}` are never open at the same time",
                self.calendars[a.index()].name,
                self.calendars[b.index()].name
            )
        })
    }

    /// Whether an expression is open around the clock (`24x7`, or built
    /// only from it).
    pub(crate) fn is_always(&self, expr: &CalendarExpr, depth: usize) -> bool {
        if depth > 64 {
            return false;
        }
        match expr {
            CalendarExpr::Always => true,
            CalendarExpr::Ref { calendar } => self.calendar_is_always_at(*calendar, depth + 1),
            CalendarExpr::Union { left, right } => {
                self.is_always(left, depth + 1) || self.is_always(right, depth + 1)
            }
            CalendarExpr::Intersection { left, right } => {
                self.is_always(left, depth + 1) && self.is_always(right, depth + 1)
            }
            CalendarExpr::Difference { .. } => false,
        }
    }

    /// Whether a calendar is open around the clock.
    pub(crate) fn calendar_is_always(&self, id: CalendarId) -> bool {
        self.calendar_is_always_at(id, 0)
    }

    fn calendar_is_always_at(&self, id: CalendarId, depth: usize) -> bool {
        match &self.calendars[id.index()].def {
            ir::CalendarDef::Expr { expr } if self.calendar_ok[id.index()] => {
                self.is_always(expr, depth)
            }
            _ => false,
        }
    }
}

fn collect_names<'e>(e: &'e ast::CalendarExpr, out: &mut Vec<&'e str>) {
    match e {
        ast::CalendarExpr::Always => {}
        ast::CalendarExpr::Name(n) => out.push(n),
        ast::CalendarExpr::Union(l, r)
        | ast::CalendarExpr::Intersection(l, r)
        | ast::CalendarExpr::Difference(l, r) => {
            collect_names(&l.node, out);
            collect_names(&r.node, out);
        }
    }
}
