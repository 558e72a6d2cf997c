//! Per-ticket calendars (`calendar NAME by ATTRIBUTE { value: CAL }
//! default CAL`) and policy versions (`version NAME effective DATE RULE`,
//! `targets METRIC in NAME`).

use super::{duplicate_name, unknown_name, Checker, Kind};
use crate::ast::{self, CalendarBody, Item};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, CalendarId, VersionId};
use crate::source::Span;
use std::collections::BTreeMap;

impl<'a> Checker<'a> {
    /// The ids of the calendars declared `by ATTRIBUTE`.
    pub(crate) fn selector_ids(&self) -> Vec<CalendarId> {
        let mut out = Vec::new();
        for item in &self.file.items {
            let Item::Calendar(c) = item else { continue };
            if let (CalendarBody::Select(_), Some(id)) =
                (&c.body, self.calendar_names.get(&c.name.node))
            {
                if self.calendar_names.span(id) == c.name.span {
                    out.push(CalendarId(id));
                }
            }
        }
        out
    }

    /// Every calendar declared `by ATTRIBUTE`: its attribute, its cases and
    /// its default.
    pub(crate) fn check_selectors(&mut self) {
        let file = self.file;
        let selectors = self.selector_ids();
        for item in &file.items {
            let Item::Calendar(c) = item else { continue };
            let CalendarBody::Select(sel) = &c.body else {
                continue;
            };
            let Some(id) = self.calendar_names.get(&c.name.node).map(CalendarId) else {
                continue;
            };
            if self.calendar_names.span(id.0) != c.name.span {
                continue;
            }
            let (def, ok) = self.selector(&c.name.node, sel, &selectors);
            self.calendars[id.index()].def = ir::CalendarDef::Select(def);
            self.calendar_ok[id.index()] = ok;
        }
    }

    fn selector(
        &mut self,
        name: &str,
        sel: &ast::SelectDecl,
        selectors: &[CalendarId],
    ) -> (ir::CalendarSelect, bool) {
        let mut ok = true;
        let attr = &sel.attribute;
        let mut cases: Vec<ir::SelectCase> = Vec::new();
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for (value, cal) in &sel.cases {
            if let Some(&first) = seen.get(value.node.as_str()) {
                ok = false;
                let diag = Diagnostic::new(
                    Code::DuplicateSelectorValue,
                    value.span,
                    format!("the value `{}` of `{}` selects a calendar twice", value.node, attr.node),
                    "listed again here",
                )
                .with_label(first, "first listed here")
                .with_help("keep one case per value; a ticket has one value, so it can run on one calendar only");
                self.error(diag);
                continue;
            }
            seen.insert(&value.node, value.span);
            match self.selector_case(name, cal, selectors) {
                Some(calendar) => cases.push(ir::SelectCase {
                    value: value.node.clone(),
                    calendar,
                    span: value.span.join(cal.span),
                }),
                None => ok = false,
            }
        }
        let default = match &sel.default {
            Some(d) => {
                let id = self.selector_case(name, d, selectors);
                ok &= id.is_some();
                id
            }
            None => None,
        };
        if sel.cases.is_empty() && sel.default.is_none() {
            ok = false;
            let diag = Diagnostic::new(
                Code::MissingSetting,
                attr.span,
                format!("calendar `{name}` lists no calendar to choose"),
                "no cases and no default",
            )
            .with_help(format!(
                "list the calendars by value: `by {} {{ eu: eu_desk, us: us_desk }} default us_desk`",
                attr.node
            ));
            self.error(diag);
        }
        (
            ir::CalendarSelect {
                attribute: attr.node.clone(),
                cases,
                default,
            },
            ok,
        )
    }

    /// A calendar named in a selector: declared, and one with hours.
    fn selector_case(
        &mut self,
        name: &str,
        cal: &ast::Ident,
        selectors: &[CalendarId],
    ) -> Option<CalendarId> {
        let id = self.calendar_ref(&cal.node, cal.span)?;
        if selectors.contains(&id) {
            let diag = Diagnostic::new(
                Code::SelectorNeedsHours,
                cal.span,
                format!("calendar `{name}` chooses `{}`, which is itself chosen per ticket", cal.node),
                "a calendar chosen per ticket",
            )
            .with_help(format!(
                "name a calendar with hours here (a `{{ zone ... }}` block, `24x7` or an expression); fold the choices of `{}` into `{name}`",
                cal.node
            ));
            self.error(diag);
            return None;
        }
        Some(id)
    }

    /// E0211 when a calendar chosen per ticket is used where hours are
    /// needed (in an expression, in `excluding`).
    pub(crate) fn needs_hours(&mut self, id: CalendarId, span: Span, place: &str) -> bool {
        let ir::CalendarDef::Select(sel) = &self.calendars[id.index()].def else {
            return true;
        };
        let name = self.calendars[id.index()].name.clone();
        let choices: Vec<&str> = sel
            .cases
            .iter()
            .map(|c| c.calendar)
            .chain(sel.default)
            .map(|c| self.calendars[c.index()].name.as_str())
            .collect();
        let mut unique: Vec<&str> = Vec::new();
        for c in choices {
            if !unique.contains(&c) {
                unique.push(c);
            }
        }
        let diag = Diagnostic::new(
            Code::SelectorNeedsHours,
            span,
            format!("calendar `{name}` is chosen per ticket by `{}` and cannot be used {place}", sel.attribute),
            "chosen per ticket: no hours of its own",
        )
        .with_help(format!(
            "use `{name}` as a clock (the policy's `calendar`, a severity's `clock`, `targets ... on {name}`), or name one of its calendars here: {}",
            super::backtick_list(unique)
        ));
        self.error(diag);
        false
    }

    /// Every `version` declaration: names, rules, dates and their order.
    pub(crate) fn check_versions(&mut self) {
        let file = self.file;
        let mut previous: Option<(chrono::NaiveDate, &'a ast::VersionDecl)> = None;
        for item in &file.items {
            let Item::Version(v) = item else { continue };
            if let Err(first) = self.version_names.declare(&v.name.node, v.name.span) {
                self.error(duplicate_name("version", &v.name.node, v.name.span, first));
                continue;
            }
            let rule = match v.rule.node.as_str() {
                "pinned" => Some(ir::VersionRule::Pinned),
                "re-evaluated" => Some(ir::VersionRule::ReEvaluated),
                other => {
                    let mut diag = Diagnostic::new(
                        Code::UnknownKeyword,
                        v.rule.span,
                        format!("unknown version rule `{other}`"),
                        "expected `pinned` or `re-evaluated`",
                    );
                    let help = match super::close_name(other, ["pinned", "re-evaluated"]) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "write `pinned` (tickets opened before the date keep the targets they were opened under) or `re-evaluated` (they move to this version's targets on that date)".to_string(),
                    };
                    diag = diag.with_help(help);
                    self.error(diag);
                    None
                }
            };
            let date = self.date(&v.effective);
            if let Some(date) = date {
                if let Some(base) = self.effective.filter(|b| date <= *b) {
                    let mut diag = Diagnostic::new(
                        Code::VersionOrder,
                        v.effective.span,
                        format!("version `{}` takes effect on {date}, not after the policy's own effective date {base}", v.name.node),
                        "not after the policy's `effective` date",
                    )
                    .with_help("a version changes the policy from a later date: give it a date after the header's `effective`, or change that date");
                    if let Some(h) = self.header.and_then(|h| h.effective.as_ref()) {
                        diag = diag.with_label(h.span, "the policy's own targets take effect here");
                    }
                    self.error(diag);
                }
                if let Some((prev, pdecl)) = previous {
                    if date <= prev {
                        let (what, help, label) = if date == prev {
                            (
                                format!("versions `{}` and `{}` take effect on the same date {date}", pdecl.name.node, v.name.node),
                                "two versions cannot both be in force from one day: merge their tables into one version, or give each its own date",
                                "the same date",
                            )
                        } else {
                            (
                                format!("version `{}` takes effect on {date}, before version `{}` declared above it ({prev})", v.name.node, pdecl.name.node),
                                "declare versions in the order they take effect, oldest first, so that each one reads as a change to the one above",
                                "out of order",
                            )
                        };
                        let diag =
                            Diagnostic::new(Code::VersionOrder, v.effective.span, what, label)
                                .with_label(
                                    pdecl.effective.span,
                                    "the version above takes effect here",
                                )
                                .with_help(help);
                        self.error(diag);
                    }
                }
                // Compare each version with the latest date declared above it.
                if previous.is_none_or(|(prev, _)| date > prev) {
                    previous = Some((date, v));
                }
            }
            self.out_versions.push(ir::PolicyVersion {
                name: v.name.node.clone(),
                effective: date.unwrap_or_default(),
                rule: rule.unwrap_or(ir::VersionRule::Pinned),
                tables: Vec::new(),
                span: v.span,
            });
        }
    }

    /// A declared version by name, or E0108.
    pub(crate) fn version_ref(&mut self, v: &ast::Ident) -> Option<VersionId> {
        match self.version_names.get(&v.node) {
            Some(i) => Some(VersionId(i)),
            None => {
                let diag = unknown_name(Kind::Version, &v.node, v.span, self.version_names.names());
                let diag = if self.version_names.len() == 0 {
                    diag.with_help(format!(
                        "declare it first: `version {} effective 2026-07-01 pinned`",
                        v.node
                    ))
                } else {
                    diag
                };
                self.error(diag);
                None
            }
        }
    }
}
