//! Target tables: one IR target per (severity, tier) cell, with the
//! calendar each cell runs on; table shape, missing and duplicate cells.
//!
//! Tables for the same metric and issue type form a group: together they
//! must give every severity and tier a cell, exactly once. A table for an
//! issue type only needs the cells the general table (no `for TYPE`) of
//! the same metric does not give.

use super::values::{literal_text, CheckedDuration};
use super::{duplicate_entry, unknown_name, Checker, Kind, Slot};
use crate::ast::{self, Item, Literal};
use crate::diagnostics::{Code, Diagnostic};
use crate::ir::{self, CalendarId, MetricId, SeverityId, TargetValue, TierId, TypeId};
use crate::source::{Span, Spanned};
use crate::values::Duration;
use std::collections::BTreeMap;

/// The cells given so far for one metric and issue type.
#[derive(Default)]
struct Group {
    /// Covered cells, with where each was written.
    cells: BTreeMap<(u32, u32), Span>,
    /// Some row label did not resolve: don't report missing rows.
    bad_rows: bool,
    /// Some column did not resolve: don't report missing columns.
    bad_cols: bool,
    /// The metric or type did not resolve: skip the group.
    skip: bool,
    /// The first table's metric name.
    anchor: Span,
    /// The first table's header.
    header: Option<Span>,
}

/// A cell's value before its calendar is known.
enum CellValue {
    NoTarget,
    Within(CheckedDuration),
    By(ir::Deadline),
}

/// (metric, `for TYPE`, `in VERSION`) as written.
type GroupKey = (String, Option<String>, Option<String>);

impl Checker<'_> {
    /// Every `targets` table, then the missing-cell checks of each group.
    pub(crate) fn check_targets(&mut self) {
        let file = self.file;
        let mut groups: BTreeMap<GroupKey, Group> = BTreeMap::new();
        for item in &file.items {
            if let Item::Targets(decl) = item {
                self.target_table(decl, &mut groups);
            }
        }
        for (key, group) in &groups {
            if group.skip {
                continue;
            }
            // A type's table needs only the cells the general table of
            // its version (else the policy's own general table) lacks.
            let general = match key.1 {
                Some(_) => groups
                    .get(&(key.0.clone(), None, key.2.clone()))
                    .or_else(|| groups.get(&(key.0.clone(), None, None))),
                None => None,
            };
            self.missing_cells(key, group, general);
        }
    }

    fn type_ref(&mut self, t: &ast::Ident) -> Option<TypeId> {
        match self.types.get(&t.node) {
            Some(i) => {
                self.used_types.insert(TypeId(i));
                Some(TypeId(i))
            }
            None => {
                let diag = unknown_name(Kind::Type, &t.node, t.span, self.types.names());
                self.error(diag);
                None
            }
        }
    }

    fn target_table(&mut self, decl: &ast::TargetsDecl, groups: &mut BTreeMap<GroupKey, Group>) {
        let metric = self.metric_ref(&decl.metric.node, decl.metric.span);
        let ty: Slot<TypeId> = match &decl.issue_type {
            None => Slot::Absent,
            Some(t) => self.type_ref(t).map_or(Slot::Failed, Slot::Known),
        };
        let table_cal: Option<Slot<CalendarId>> = decl.calendar.as_ref().map(|e| {
            let mut anon = decl.metric.node.clone();
            if let Some(t) = &decl.issue_type {
                anon = format!("{anon}.{}", t.node);
            }
            let what = format!("the calendar of this `{}` table", decl.metric.node);
            self.clock(e, &format!("{anon}.on"), &what)
        });
        let version: Slot<ir::VersionId> = match &decl.version {
            None => Slot::Absent,
            Some(v) => self.version_ref(v).map_or(Slot::Failed, Slot::Known),
        };
        if let (Slot::Known(v), Some(m)) = (version, metric) {
            let table_type = match ty {
                Slot::Known(t) => Some(t),
                _ => None,
            };
            if let Some(out) = self.out_versions.get_mut(v.index()) {
                if !out.tables.contains(&(m, table_type)) {
                    out.tables.push((m, table_type));
                }
            }
        }
        let key = (
            decl.metric.node.clone(),
            decl.issue_type.as_ref().map(|t| t.node.clone()),
            decl.version.as_ref().map(|v| v.node.clone()),
        );
        let header = decl
            .columns
            .first()
            .zip(decl.columns.last())
            .map(|(a, b)| a.span.join(b.span));
        let group = groups.entry(key).or_insert_with(|| Group {
            anchor: decl.metric.span,
            header,
            ..Group::default()
        });
        if group.header.is_none() {
            group.header = header;
        }
        group.skip |= metric.is_none() || ty == Slot::Failed || version == Slot::Failed;

        let columns = self.columns(decl, group);
        let mut rows_seen: BTreeMap<u32, Span> = BTreeMap::new();
        let mut no_calendar_reported = false;
        for row in &decl.rows {
            let sevs = self.row_severities(row, &mut rows_seen, group);
            let values: Vec<Option<CellValue>> = row
                .cells
                .iter()
                .map(|c| self.cell_value(c, metric))
                .collect();
            if row.cells.len() != columns.len() {
                self.row_shape(decl, row);
                // Count the row as written so that it is not also missing.
                if let Some(sevs) = &sevs {
                    for s in sevs {
                        for t in columns.iter().flatten().flatten() {
                            group.cells.entry((s.0, t.0)).or_insert(row.span);
                        }
                    }
                }
                continue;
            }
            let Some(sevs) = sevs else { continue };
            for ((cell, value), tiers) in row.cells.iter().zip(values).zip(&columns) {
                let Some(tiers) = tiers else { continue };
                let mut duplicate_reported = false;
                let mut days_reported = false;
                for &sev in &sevs {
                    let promised = matches!(value, Some(CellValue::Within(_) | CellValue::By(_)));
                    let cal = self.cell_calendar(
                        table_cal,
                        (sev, metric),
                        decl,
                        promised.then_some(cell.span),
                        &mut no_calendar_reported,
                    );
                    let target = match &value {
                        None => None,
                        Some(CellValue::NoTarget) => Some(TargetValue::NoTarget),
                        Some(CellValue::Within(d)) => {
                            self.within(cell, *d, cal, &mut days_reported)
                        }
                        Some(CellValue::By(d)) => match cal {
                            Slot::Known(calendar) => Some(TargetValue::By {
                                deadline: *d,
                                calendar,
                            }),
                            _ => None,
                        },
                    };
                    for &tier in tiers {
                        if let Some(&first) = group.cells.get(&(sev.0, tier.0)) {
                            if !duplicate_reported {
                                let what = format!(
                                    "the `{}` target for severity `{}` and tier `{}`",
                                    decl.metric.node,
                                    self.severities.name(sev.0),
                                    self.tiers.name(tier.0)
                                );
                                self.error(duplicate_entry(&what, cell.span, first));
                                duplicate_reported = true;
                            }
                            continue;
                        }
                        group.cells.insert((sev.0, tier.0), cell.span);
                        let issue_type = match ty {
                            Slot::Known(t) => Some(t),
                            _ => None,
                        };
                        let version = match version {
                            Slot::Known(v) => Some(v),
                            _ => None,
                        };
                        if let (Some(metric), Some(value)) = (metric, target.clone()) {
                            self.push_target(metric, (issue_type, version), sev, tier, value, cell);
                        }
                    }
                }
            }
        }
    }

    fn push_target(
        &mut self,
        metric: MetricId,
        (issue_type, version): (Option<TypeId>, Option<ir::VersionId>),
        severity: SeverityId,
        tier: TierId,
        value: TargetValue,
        cell: &crate::source::Spanned<Literal>,
    ) {
        self.targets.push(ir::Target {
            metric,
            issue_type,
            version,
            severity,
            tier,
            value,
            written: literal_text(&cell.node),
            span: cell.span,
        });
    }

    /// The tiers of each column; `None` for a column that did not resolve
    /// or repeats an earlier one.
    fn columns(&mut self, decl: &ast::TargetsDecl, group: &mut Group) -> Vec<Option<Vec<TierId>>> {
        let mut seen: BTreeMap<u32, Span> = BTreeMap::new();
        let mut out = Vec::new();
        for col in &decl.columns {
            let tiers = if col.node == "*" {
                (0..self.tiers.len() as u32).map(TierId).collect()
            } else {
                match self.tier(&col.node, col.span) {
                    Some(t) => vec![t],
                    None => {
                        group.bad_cols = true;
                        out.push(None);
                        continue;
                    }
                }
            };
            if let Some(t) = tiers.iter().find(|t| seen.contains_key(&t.0)) {
                let what = format!("the column for tier `{}`", self.tiers.name(t.0));
                let first = seen[&t.0];
                self.error(duplicate_entry(&what, col.span, first));
                out.push(None);
                continue;
            }
            for t in &tiers {
                seen.insert(t.0, col.span);
            }
            out.push(Some(tiers));
        }
        out
    }

    fn row_severities(
        &mut self,
        row: &ast::TargetRow,
        seen: &mut BTreeMap<u32, Span>,
        group: &mut Group,
    ) -> Option<Vec<SeverityId>> {
        let label = &row.label;
        let sevs: Vec<SeverityId> = if label.node == "*" {
            (0..self.severities.len() as u32).map(SeverityId).collect()
        } else {
            match self.severities.get(&label.node) {
                Some(s) => vec![SeverityId(s)],
                None => {
                    let diag = unknown_name(
                        Kind::Severity,
                        &label.node,
                        label.span,
                        self.severities.names(),
                    );
                    self.error(diag);
                    group.bad_rows = true;
                    return None;
                }
            }
        };
        if let Some(s) = sevs.iter().find(|s| seen.contains_key(&s.0)) {
            let what = format!("the row for severity `{}`", self.severities.name(s.0));
            let first = seen[&s.0];
            self.error(duplicate_entry(&what, label.span, first));
            return None;
        }
        for s in &sevs {
            seen.insert(s.0, label.span);
        }
        Some(sevs)
    }

    /// E0301: a row with more or fewer cells than columns.
    fn row_shape(&mut self, decl: &ast::TargetsDecl, row: &ast::TargetRow) {
        let (cells, cols) = (row.cells.len(), decl.columns.len());
        let plural = |n: usize, w: &str| {
            if n == 1 {
                format!("1 {w}")
            } else {
                format!("{n} {w}s")
            }
        };
        let mut diag = Diagnostic::new(
            Code::RowMismatch,
            row.span,
            format!(
                "the row `{}` has {} but the table has {}",
                row.label.node,
                plural(cells, "cell"),
                plural(cols, "column")
            ),
            plural(cells, "cell"),
        )
        .with_help("write one cell per column, and `-` where the contract promises nothing");
        if cells > cols {
            let extra = &row.cells[cols..];
            let span = extra[0].span.join(extra[extra.len() - 1].span);
            diag = diag.with_label(span, "no column for this");
        } else {
            let missing: Vec<&str> = decl.columns[cells..]
                .iter()
                .map(|c| c.node.as_str())
                .collect();
            let end = Span::new(row.span.end, row.span.end);
            diag = diag.with_label(
                end,
                format!("missing a cell for {}", super::backtick_list(missing)),
            );
        }
        self.error(diag);
    }

    /// The kind check of a cell: a duration, a deadline or `-`, or E0304
    /// (E0310 and E0311 for deadlines).
    fn cell_value(
        &mut self,
        cell: &Spanned<Literal>,
        metric: Option<MetricId>,
    ) -> Option<CellValue> {
        match &cell.node {
            Literal::NoGuarantee => Some(CellValue::NoTarget),
            Literal::Deadline(text) => self
                .deadline_cell(text, cell.span, metric)
                .map(CellValue::By),
            Literal::Duration(parts) => {
                self.duration_parts(parts, cell.span).map(CellValue::Within)
            }
            other => {
                let help = match other {
                    Literal::Int(n) => format!(
                        "add a unit: `{n}h` for {n} hours of open time, `{n}bd` for {n} business days"
                    ),
                    _ => "a target is open time (`4h`, `1h30m`), business days (`1bd`), a deadline (`1bd@16:00`), or `-` for no guarantee"
                        .to_string(),
                };
                self.mismatch(cell.span, "a duration such as `4h` or `1bd`", other, &help);
                None
            }
        }
    }

    /// The calendar of a cell: the table's, else the severity's clock for
    /// the metric, else the severity's clock, else the policy default, else
    /// E0131 (once per table). A table calendar and a different clock of
    /// the severity for the metric on a cell that promises something
    /// (`promise`, its span) is E0312.
    fn cell_calendar(
        &mut self,
        table: Option<Slot<CalendarId>>,
        (sev, metric): (SeverityId, Option<MetricId>),
        decl: &ast::TargetsDecl,
        promise: Option<Span>,
        reported: &mut bool,
    ) -> Slot<CalendarId> {
        let for_metric = self
            .severity_metric_clocks
            .get(sev.index())
            .and_then(|clocks| clocks.iter().find(|(m, _)| Some(*m) == metric))
            .map(|(_, slot)| *slot);
        if let Some(slot) = table {
            if let (Slot::Known(t), Some(Slot::Known(s)), Some(span)) = (slot, for_metric, promise)
            {
                if t != s {
                    self.conflicting_clocks(decl, sev, (t, s), span);
                }
            }
            return slot;
        }
        if let Some(slot) = for_metric {
            return slot;
        }
        match self
            .severity_clocks
            .get(sev.index())
            .copied()
            .unwrap_or(Slot::Failed)
        {
            Slot::Absent => {}
            other => return other,
        }
        if self.default_calendar != Slot::Absent {
            return self.default_calendar;
        }
        if !*reported {
            *reported = true;
            let metric = &decl.metric.node;
            let diag = Diagnostic::new(
                Code::MissingDefaultCalendar,
                decl.metric.span,
                format!("the `{metric}` targets have no calendar to run on"),
                "no `on CALENDAR`, no severity clock and no default calendar",
            )
            .with_help(format!(
                "name a default calendar in the policy header (`calendar business`), or write `targets {metric} on business`"
            ));
            self.error(diag);
        }
        Slot::Failed
    }

    /// E0312: the table names one calendar, the severity another for this
    /// metric.
    fn conflicting_clocks(
        &mut self,
        decl: &ast::TargetsDecl,
        sev: SeverityId,
        (table, own): (CalendarId, CalendarId),
        cell: Span,
    ) {
        let metric = decl.metric.node.clone();
        let sev_name = self.severities.name(sev.0).to_string();
        let (t, s) = (
            self.calendars[table.index()].name.clone(),
            self.calendars[own.index()].name.clone(),
        );
        let mut diag = Diagnostic::new(
            Code::ConflictingClocks,
            cell,
            format!(
                "this `{metric}` target of severity `{sev_name}` has two clocks: `{t}` from the table and `{s}` from the severity"
            ),
            "two clocks",
        )
        .with_help(format!(
            "keep one: remove `on {t}` from the table, or `clock {s} for {metric}` from severity `{sev_name}`"
        ));
        if let Some(e) = &decl.calendar {
            diag = diag.with_label(e.span, format!("the table's clock `{t}`"));
        }
        diag = diag.with_label(
            self.severities.span(sev.0),
            format!("severity `{sev_name}` runs `{metric}` on `{s}`"),
        );
        // Once per table and severity, not once per cell of the row.
        let repeated = self.diags.iter().any(|d| {
            d.code == Code::ConflictingClocks
                && d.message == diag.message
                && d.secondary == diag.secondary
        });
        if !repeated {
            self.error(diag);
        }
    }

    /// A duration target on its calendar; days only on an always-open one.
    fn within(
        &mut self,
        cell: &Spanned<Literal>,
        d: CheckedDuration,
        cal: Slot<CalendarId>,
        reported: &mut bool,
    ) -> Option<TargetValue> {
        let Slot::Known(calendar) = cal else {
            return None;
        };
        // An expression calendar with errors may or may not be 24x7: don't guess.
        let broken_expr = !self.calendar_ok[calendar.index()]
            && matches!(
                self.calendars[calendar.index()].def,
                ir::CalendarDef::Expr { .. }
            );
        if d.uses_days && broken_expr {
            return None;
        }
        if d.uses_days && !self.calendar_is_always(calendar) {
            if !*reported {
                *reported = true;
                let text = literal_text(&cell.node);
                let help = match (&cell.node, d.value) {
                    (Literal::Duration(parts), Duration::Seconds(s))
                        if parts.len() == 1 && s % 86_400 == 0 =>
                    {
                        let n = s / 86_400;
                        let days = if n == 1 { "day" } else { "days" };
                        format!(
                            "write `{n}bd` for {n} business {days}, or `{}h` for {} hours of open time",
                            s / 3600,
                            s / 3600
                        )
                    }
                    _ => "write business days (`1bd`) or hours of open time (`24h`)".to_string(),
                };
                let name = self.calendars[calendar.index()].name.clone();
                let diag = Diagnostic::new(
                    Code::AmbiguousDays,
                    cell.span,
                    format!("`{text}` counts days on calendar `{name}`, which is not open around the clock"),
                    "ambiguous: business days or 24-hour days?",
                )
                .with_help(help);
                self.error(diag);
            }
            return None;
        }
        Some(TargetValue::Within {
            duration: d.value,
            calendar,
        })
    }

    /// E0302: severities, tiers or single cells that no table of the group gives.
    fn missing_cells(&mut self, key: &GroupKey, group: &Group, general: Option<&Group>) {
        let covered = |s: u32, t: u32| {
            group.cells.contains_key(&(s, t))
                || general.is_some_and(|g| g.cells.contains_key(&(s, t)))
        };
        let (n_sev, n_tier) = (self.severities.len() as u32, self.tiers.len() as u32);
        let mut desc = match &key.1 {
            Some(ty) => format!("the `{}` targets for `{ty}`", key.0),
            None => format!("the `{}` targets", key.0),
        };
        if let Some(v) = &key.2 {
            desc.push_str(&format!(" in version `{v}`"));
        }
        let missing_rows: Vec<u32> = (0..n_sev)
            .filter(|&s| (0..n_tier).all(|t| !covered(s, t)))
            .collect();
        let missing_cols: Vec<u32> = (0..n_tier)
            .filter(|&t| (0..n_sev).all(|s| !covered(s, t)))
            .collect();
        if n_tier > 0 && !group.bad_rows {
            for &s in &missing_rows {
                let name = self.severities.name(s).to_string();
                let diag = Diagnostic::new(
                    Code::MissingCell,
                    group.anchor,
                    format!("{desc} have no row for severity `{name}`"),
                    format!("no `{name}` row"),
                )
                .with_help(format!(
                    "add a `{name}` row; write `-` in a cell where the contract promises nothing"
                ));
                self.error(diag);
            }
        }
        if n_sev > 0 && !group.bad_cols {
            for &t in &missing_cols {
                let name = self.tiers.name(t).to_string();
                let diag = Diagnostic::new(
                    Code::MissingCell,
                    group.header.unwrap_or(group.anchor),
                    format!("{desc} have no column for tier `{name}`"),
                    format!("no `{name}` column"),
                )
                .with_help(format!(
                    "add a `{name}` column; write `-` in its cells where the contract promises nothing"
                ));
                self.error(diag);
            }
        }
        if group.bad_rows || group.bad_cols {
            return;
        }
        for s in (0..n_sev).filter(|s| !missing_rows.contains(s)) {
            for t in (0..n_tier).filter(|t| !missing_cols.contains(t)) {
                if covered(s, t) {
                    continue;
                }
                let (sev, tier) = (
                    self.severities.name(s).to_string(),
                    self.tiers.name(t).to_string(),
                );
                let diag = Diagnostic::new(
                    Code::MissingCell,
                    group.anchor,
                    format!("{desc} have no target for severity `{sev}` and tier `{tier}`"),
                    "a cell is missing",
                )
                .with_help("add the cell; write `-` where the contract promises nothing");
                self.error(diag);
            }
        }
    }
}
