//! Uptime inputs: per-sample rows (`at,ok` or `at,error_rate`) and incident
//! windows (`start,end[,kind]`), as CSV or JSON Lines. Every refused row is
//! an error naming the file, line and field; the rest are still read.

use super::rows::{Loaded, RowError, RowFormat, Rows};
use crate::eval::timeline::{parse_time, ReadOptions};
use crate::ir::{Availability, Credit, CreditValue, DownRule};
use crate::uptime::{is_down, MonthFigures, Observed, SampleSeries, Uptime, Window};
use crate::values::Percent;
use chrono::{DateTime, Utc};
use std::io::Read;

/// The kind of an incident window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncidentKind {
    /// The service was down.
    Outage,
    /// Degraded but not down: shown, not counted.
    Degraded,
    /// Planned maintenance.
    Maintenance,
}

const KINDS: [(&str, IncidentKind); 3] = [
    ("outage", IncidentKind::Outage),
    ("degraded", IncidentKind::Degraded),
    ("maintenance", IncidentKind::Maintenance),
];

/// The field names a samples file may use for `block`: `at`, `ok`, each
/// checked name (`health_check`, read like `ok`) and each measured signal
/// (`error_rate`, a percentage).
pub fn sample_fields(block: &Availability) -> (Vec<String>, Vec<String>) {
    let mut checks = vec!["ok".to_string()];
    let mut signals = Vec::new();
    for rule in &block.down {
        match rule {
            DownRule::Fails { check } if !checks.contains(check) => checks.push(check.clone()),
            DownRule::Threshold { signal, .. } if !signals.contains(signal) => {
                signals.push(signal.clone())
            }
            _ => {}
        }
    }
    (checks, signals)
}

/// Reads samples for `block` (in time order) into a [`SampleSeries`].
/// `Err` only when the file cannot be read at all (a bad CSV header).
pub fn read_samples<R: Read>(
    block: &Availability,
    file: &str,
    input: R,
    format: RowFormat,
    opts: &ReadOptions,
) -> Result<Loaded<SampleSeries>, RowError> {
    let (checks, signals) = sample_fields(block);
    let mut wanted: Vec<&str> = vec!["at"];
    wanted.extend(checks.iter().map(String::as_str));
    wanted.extend(signals.iter().map(String::as_str));
    let mut rows = Rows::new(file, input, format, &wanted)?;
    rows.require(
        &["at"],
        "samples need `at` and `ok` or a measured signal such as `error_rate`",
    )?;
    let mut out = Loaded::new(SampleSeries::new(block));
    let readable: Vec<&str> = wanted[1..].to_vec();
    while let Some(row) = rows.next_row() {
        out.counts.read += 1;
        let result = row.and_then(|row| {
            let line = row.line;
            let at = time_field(&rows, line, "at", row.values[0].as_deref(), opts)?;
            let mut ok: Option<bool> = None;
            for (i, name) in checks.iter().enumerate() {
                if let Some(v) = row.values[1 + i].as_deref() {
                    let b = parse_bool(v).ok_or_else(|| {
                        rows.error(line, Some(name), format!("`{v}` is not `true` or `false`"))
                    })?;
                    ok = Some(ok.unwrap_or(true) && b);
                }
            }
            let mut values: Vec<(&str, Percent)> = Vec::new();
            for (i, name) in signals.iter().enumerate() {
                if let Some(v) = row.values[1 + checks.len() + i].as_deref() {
                    let p = parse_percent(v).ok_or_else(|| {
                        rows.error(
                            line,
                            Some(name),
                            format!("`{v}` is not a percentage such as `4.5` or `4.5%`"),
                        )
                    })?;
                    values.push((name, p));
                }
            }
            if ok.is_none() && values.is_empty() {
                let names = readable
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(rows.error(
                    line,
                    None,
                    format!("no field the down rules read; give one of {names}"),
                ));
            }
            let down = is_down(block, ok, |name| {
                values.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
            });
            out.value
                .push(at, down)
                .map_err(|e| rows.error(line, Some("at"), e.to_string()))
        });
        match result {
            Ok(()) => out.counts.used += 1,
            Err(e) => {
                out.counts.rejected += 1;
                out.errors.push(e);
            }
        }
    }
    out.unread = std::mem::take(&mut rows.unread);
    Ok(out)
}

/// Reads incident windows `start,end[,kind]` (kind `outage` when absent).
/// With `maintenance_only`, every window is maintenance and another kind is
/// refused (the `--maintenance` file).
pub fn read_incidents<R: Read>(
    file: &str,
    input: R,
    format: RowFormat,
    opts: &ReadOptions,
    maintenance_only: bool,
) -> Result<Loaded<Observed>, RowError> {
    let mut rows = Rows::new(file, input, format, &["start", "end", "kind"])?;
    rows.require(&["start", "end"], "windows need `start,end[,kind]`")?;
    let mut out = Loaded::new(Observed::default());
    while let Some(row) = rows.next_row() {
        out.counts.read += 1;
        let result = row.and_then(|row| {
            let line = row.line;
            let start = time_field(&rows, line, "start", row.values[0].as_deref(), opts)?;
            let end = time_field(&rows, line, "end", row.values[1].as_deref(), opts)?;
            if end < start {
                return Err(rows.error(
                    line,
                    Some("end"),
                    format!(
                        "ends at {} before it starts at {} (a negative duration); swap them",
                        end.to_rfc3339(),
                        start.to_rfc3339()
                    ),
                ));
            }
            if end == start {
                return Err(rows.error(
                    line,
                    Some("end"),
                    "the window is empty (it ends when it starts)".into(),
                ));
            }
            let kind = match row.values[2].as_deref() {
                None if maintenance_only => IncidentKind::Maintenance,
                None => IncidentKind::Outage,
                Some(k) => {
                    let found = KINDS.iter().find(|(n, _)| n.eq_ignore_ascii_case(k));
                    match found {
                        Some((_, kind)) => *kind,
                        None => {
                            return Err(rows.error(
                                line,
                                Some("kind"),
                                format!("unknown kind `{k}`; use `outage`, `degraded` or `maintenance`"),
                            ))
                        }
                    }
                }
            };
            if maintenance_only && kind != IncidentKind::Maintenance {
                return Err(rows.error(
                    line,
                    Some("kind"),
                    "a maintenance file holds maintenance windows only; give outages with `--incidents`".into(),
                ));
            }
            Ok((kind, Window { start, end }))
        });
        match result {
            Ok((kind, w)) => {
                out.counts.used += 1;
                match kind {
                    IncidentKind::Outage => out.value.down.push(w),
                    IncidentKind::Degraded => out.value.degraded.push(w),
                    IncidentKind::Maintenance => out.value.maintenance.push(w),
                }
            }
            Err(e) => {
                out.counts.rejected += 1;
                out.errors.push(e);
            }
        }
    }
    out.unread = std::mem::take(&mut rows.unread);
    Ok(out)
}

fn time_field<R: Read>(
    rows: &Rows<R>,
    line: u64,
    field: &str,
    value: Option<&str>,
    opts: &ReadOptions,
) -> Result<DateTime<Utc>, RowError> {
    let Some(v) = value else {
        return Err(rows.error(
            line,
            Some(field),
            "missing; write an RFC 3339 time such as `2024-03-31T23:30:00Z`".into(),
        ));
    };
    parse_time(v, opts).map_err(|e| rows.error(line, Some(field), e.to_string()))
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "up" => Some(true),
        "false" | "0" | "no" | "down" => Some(false),
        _ => None,
    }
}

/// `4.5` or `4.5%` (percent, at most four decimals).
fn parse_percent(v: &str) -> Option<Percent> {
    Percent::parse(v.strip_suffix('%').unwrap_or(v).trim())
}

/// Version of the uptime JSON Lines and CSV forms; bumped on any
/// incompatible change.
pub const UPTIME_FORMAT_VERSION: u32 = 1;

/// One month as a line of JSON (documented in docs/cli.md): keys in the
/// documented order, `format_version` first.
pub fn month_json(block: &Availability, f: &MonthFigures) -> String {
    let credit = f.credit.as_ref().map(|c| {
        let mut o = serde_json::json!({ "below_percent": percent_number(c.below) });
        match &c.credit {
            CreditValue::Percent(p) => o["percent"] = percent_number(*p).into(),
            CreditValue::Text(t) => o["text"] = t.clone().into(),
        }
        o
    });
    let gaps: Vec<serde_json::Value> = f
        .gaps
        .iter()
        .map(|g| serde_json::json!({"start": utc_text(g.start), "end": utc_text(g.end)}))
        .collect();
    use serde_json::Value;
    super::rows::ordered_json(&[
        ("format_version", Value::from(UPTIME_FORMAT_VERSION)),
        ("availability", Value::from(block.name.as_str())),
        ("month", Value::from(f.month.to_string())),
        ("zone", Value::from(block.zone.as_str())),
        ("start", Value::from(utc_text(f.start))),
        ("end", Value::from(utc_text(f.end))),
        ("total_seconds", Value::from(f.total_seconds)),
        ("downtime_seconds", Value::from(f.downtime_seconds)),
        ("maintenance_seconds", Value::from(f.maintenance_seconds)),
        ("missing_seconds", Value::from(f.missing_seconds)),
        ("degraded_seconds", Value::from(f.degraded_seconds)),
        ("excluded_seconds", Value::from(f.excluded_seconds)),
        ("counted_seconds", Value::from(f.uptime.counted)),
        ("uptime_percent", Value::from(uptime_number(f.uptime))),
        (
            "objective_percent",
            Value::from(percent_number(block.objective)),
        ),
        ("state", Value::from(if f.met { "met" } else { "breached" })),
        ("credit", credit.unwrap_or(Value::Null)),
        ("budget_seconds", Value::from(f.budget_seconds)),
        ("budget_left_seconds", Value::from(f.budget_left_seconds)),
        ("gaps", Value::from(gaps)),
    ])
}

/// The CSV header of [`month_csv_row`].
pub const CSV_HEADER: [&str; 16] = [
    "format_version",
    "availability",
    "month",
    "zone",
    "total_seconds",
    "downtime_seconds",
    "maintenance_seconds",
    "missing_seconds",
    "degraded_seconds",
    "excluded_seconds",
    "counted_seconds",
    "uptime_percent",
    "state",
    "credit",
    "budget_left_seconds",
    "gaps",
];

/// One month as a CSV row (gaps counted, not listed).
pub fn month_csv_row(block: &Availability, f: &MonthFigures) -> Vec<String> {
    vec![
        UPTIME_FORMAT_VERSION.to_string(),
        block.name.clone(),
        f.month.to_string(),
        block.zone.clone(),
        f.total_seconds.to_string(),
        f.downtime_seconds.to_string(),
        f.maintenance_seconds.to_string(),
        f.missing_seconds.to_string(),
        f.degraded_seconds.to_string(),
        f.excluded_seconds.to_string(),
        f.uptime.counted.to_string(),
        uptime_number(f.uptime),
        if f.met { "met" } else { "breached" }.to_string(),
        f.credit.as_ref().map(credit_text).unwrap_or_default(),
        f.budget_left_seconds.to_string(),
        f.gaps.len().to_string(),
    ]
}

/// A table for people: one line per month, durations in minutes, then the
/// credit texts and the gaps without samples.
pub fn table(block: &Availability, months: &[MonthFigures]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let head = [
        "month",
        "minutes",
        "down",
        "maint.",
        "missing",
        "degraded",
        "excluded",
        "uptime",
        "state",
        "credit",
        "budget left",
    ];
    let mut rows: Vec<Vec<String>> = vec![head.iter().map(|s| s.to_string()).collect()];
    let mut notes: Vec<String> = Vec::new();
    for f in months {
        let credit = match &f.credit {
            None => "-".to_string(),
            Some(c) => match &c.credit {
                CreditValue::Percent(p) => format!("{p} of fees"),
                CreditValue::Text(t) => {
                    let note = format!("credit below {}: \"{t}\"", c.below);
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                    "as agreed (*)".to_string()
                }
            },
        };
        rows.push(vec![
            f.month.to_string(),
            minutes(f.total_seconds),
            minutes(f.downtime_seconds),
            minutes(f.maintenance_seconds),
            minutes(f.missing_seconds),
            minutes(f.degraded_seconds),
            minutes(f.excluded_seconds),
            f.uptime.to_string(),
            if f.met { "met" } else { "breached" }.to_string(),
            credit,
            minutes(f.budget_left_seconds),
        ]);
    }
    let widths: Vec<usize> = (0..head.len())
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let _ = writeln!(
        out,
        "availability `{}`: objective {} per calendar month in {}; maintenance {}; missing samples {}",
        block.name,
        block.objective,
        block.zone,
        match block.maintenance {
            crate::ir::MaintenanceRule::CountsAsUp => "counts as up",
            crate::ir::MaintenanceRule::Excluded => "leaves the denominator",
        },
        match block.missing {
            crate::ir::MissingRule::Up => "count as up",
            crate::ir::MissingRule::Down => "count as down",
            crate::ir::MissingRule::Excluded => "leave the denominator",
        }
    );
    for r in &rows {
        let line: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if i == 0 || i == 8 || i == 9 {
                    format!("{c:<w$}", w = widths[i])
                } else {
                    format!("{c:>w$}", w = widths[i])
                }
            })
            .collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(out, "(durations in minutes)");
    for (i, n) in notes.iter().enumerate() {
        let _ = writeln!(out, "{} {n}", if i == 0 { "(*)" } else { "   " });
    }
    let gaps: Vec<&Window> = months.iter().flat_map(|f| &f.gaps).collect();
    if !gaps.is_empty() {
        let _ = writeln!(out, "gaps without samples ({}):", gaps.len());
        for g in gaps.iter().take(20) {
            let _ = writeln!(
                out,
                "  {} to {} ({})",
                g.start.to_rfc3339(),
                g.end.to_rfc3339(),
                crate::values::format_seconds((g.end - g.start).num_seconds())
            );
        }
        if gaps.len() > 20 {
            let _ = writeln!(
                out,
                "  ... and {} more (all in --format jsonl)",
                gaps.len() - 20
            );
        }
    }
    out
}

/// Whole minutes as a number, or `Nm Ss` when not whole.
fn minutes(secs: i64) -> String {
    if secs % 60 == 0 {
        (secs / 60).to_string()
    } else {
        let sign = if secs < 0 { "-" } else { "" };
        let a = secs.unsigned_abs();
        format!("{sign}{}m{:02}s", a / 60, a % 60)
    }
}

fn credit_text(c: &Credit) -> String {
    match &c.credit {
        CreditValue::Percent(p) => p.to_string(),
        CreditValue::Text(t) => t.clone(),
    }
}

/// `99.503` (exactly three decimals, no `%`).
fn uptime_number(u: Uptime) -> String {
    let s = u.to_string();
    s.trim_end_matches('%').to_string()
}

/// `99.5` (no `%`).
fn percent_number(p: Percent) -> String {
    p.to_string().trim_end_matches('%').to_string()
}

#[cfg(test)]
mod tests;

/// An instant as `slate eval` writes it: UTC, whole seconds, `Z`.
pub(crate) fn utc_text(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
