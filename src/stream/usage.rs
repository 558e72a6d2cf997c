//! Usage inputs: requests or sessions (`account,tier,at[,duration][,contact][,id][,quota]`)
//! and users (`account,tier,at,user`), as CSV or JSON Lines, streamed into a
//! [`Meter`]. Every refused row is an error naming the file, line and field.

use super::rows::{ordered_json, Loaded, RowError, RowFormat, Rows};
use crate::eval::timeline::{parse_time, ReadOptions};
use crate::ir::{Policy, TierId};
use crate::usage::{ContactFinding, Meter, OverItem, PeriodFigures, UsageKind, UsageRow};
use crate::values::{format_seconds, parse_duration, Duration};
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::io::Read;

/// Version of the usage JSON Lines and CSV forms.
pub const USAGE_FORMAT_VERSION: u32 = 1;

/// A row beyond its allowance, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverRow {
    /// The input line.
    pub line: u64,
    /// The row's `id`, when given.
    pub id: Option<String>,
    /// The account.
    pub account: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Who asked, when given.
    pub contact: Option<String>,
    /// What it costs.
    pub item: OverItem,
}

/// Where a row's tier comes from: its own `tier` field, the accounts file
/// (which also makes an account it does not list an error), or a default.
#[derive(Debug, Clone, Default)]
pub struct Accounts {
    /// The tier of rows without one (`--tier`).
    pub default_tier: Option<TierId>,
    /// The known accounts and their tiers (`--accounts FILE`).
    pub known: Option<HashMap<String, TierId>>,
}

/// Reads an accounts file: `account,tier`, one row per account.
pub fn read_accounts<R: Read>(
    policy: &Policy,
    file: &str,
    input: R,
    format: RowFormat,
) -> Result<Loaded<HashMap<String, TierId>>, RowError> {
    let mut rows = Rows::new(file, input, format, &["account", "tier"])?;
    rows.require(&["account", "tier"], "an accounts file has `account,tier`")?;
    let mut out = Loaded::new(HashMap::new());
    let mut first_line: HashMap<String, u64> = HashMap::new();
    while let Some(row) = rows.next_row() {
        out.counts.read += 1;
        let result = row.and_then(|row| {
            let line = row.line;
            let account = row.values[0].as_deref().ok_or_else(|| {
                rows.error(line, Some("account"), "missing; name the account".into())
            })?;
            let name = row.values[1].as_deref().ok_or_else(|| {
                rows.error(
                    line,
                    Some("tier"),
                    "missing; give the account's tier".into(),
                )
            })?;
            let tier = policy.tier_named(name).ok_or_else(|| {
                let hint = suggest(name, policy.tiers.iter().map(|t| t.name.as_str()));
                rows.error(line, Some("tier"), format!("unknown tier `{name}`{hint}"))
            })?;
            if let Some(first) = first_line.get(account) {
                return Err(rows.error(
                    line,
                    Some("account"),
                    format!("account `{account}` is already listed on line {first}"),
                ));
            }
            first_line.insert(account.to_string(), line);
            Ok((account.to_string(), tier))
        });
        match result {
            Ok((a, t)) => {
                out.counts.used += 1;
                out.value.insert(a, t);
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

const FIELDS: [&str; 8] = [
    "account", "tier", "at", "quota", "user", "duration", "contact", "id",
];

/// Reads usage rows into `meter`, calling `on_over` for each row beyond an
/// allowance. `accounts` says where tiers come from. `Err` only when the
/// file cannot be read at all (a bad CSV header).
#[allow(clippy::too_many_arguments)]
pub fn read_usage<R: Read>(
    policy: &Policy,
    meter: &mut Meter<'_>,
    kind: UsageKind,
    file: &str,
    input: R,
    format: RowFormat,
    opts: &ReadOptions,
    accounts: &Accounts,
    mut on_over: impl FnMut(OverRow),
) -> Result<Loaded<()>, RowError> {
    let mut rows = Rows::new(file, input, format, &FIELDS)?;
    let mut needed = vec!["account", "at"];
    if accounts.default_tier.is_none() && accounts.known.is_none() {
        needed.push("tier");
    }
    if kind == UsageKind::Users {
        needed.push("user");
    }
    let need = if kind == UsageKind::Users {
        "usage rows need `account`, `tier` (or --tier), `at` and `user`"
    } else {
        "usage rows need `account`, `tier` (or --tier), `at`"
    };
    rows.require(&needed, need)?;
    let mut out = Loaded::new(());
    while let Some(row) = rows.next_row() {
        out.counts.read += 1;
        let result = row.and_then(|row| {
            let line = row.line;
            let v = |i: usize| row.values[i].as_deref();
            let account = v(0).ok_or_else(|| {
                rows.error(
                    line,
                    Some("account"),
                    "missing; every row names its customer account".into(),
                )
            })?;
            let listed = match &accounts.known {
                None => None,
                Some(known) => Some(*known.get(account).ok_or_else(|| {
                    let hint = suggest(account, known.keys().map(String::as_str));
                    rows.error(
                        line,
                        Some("account"),
                        format!("unknown account `{account}`{hint}; add it to the accounts file"),
                    )
                })?),
            };
            let tier = match (v(1), listed) {
                (Some(name), _) => {
                    let tier = policy.tier_named(name).ok_or_else(|| {
                        let hint = suggest(name, policy.tiers.iter().map(|t| t.name.as_str()));
                        rows.error(line, Some("tier"), format!("unknown tier `{name}`{hint}"))
                    })?;
                    if let Some(l) = listed.filter(|l| *l != tier) {
                        return Err(rows.error(
                            line,
                            Some("tier"),
                            format!(
                                "`{name}`, but the accounts file gives `{account}` the tier `{}`",
                                policy.tiers[l.index()].name
                            ),
                        ));
                    }
                    tier
                }
                (None, Some(l)) => l,
                (None, None) => accounts.default_tier.ok_or_else(|| {
                    rows.error(
                        line,
                        Some("tier"),
                        "missing; give the account's tier, --accounts FILE, or --tier NAME for every row".into(),
                    )
                })?,
            };
            let at_text = v(2).ok_or_else(|| {
                rows.error(
                    line,
                    Some("at"),
                    "missing; write an RFC 3339 time such as `2024-02-01T03:00:00Z`".into(),
                )
            })?;
            let at = parse_time(at_text, opts)
                .map_err(|e| rows.error(line, Some("at"), e.to_string()))?;
            let quota = match v(3) {
                None => None,
                Some(name) => Some(
                    policy
                        .quotas
                        .iter()
                        .position(|q| q.name == name)
                        .ok_or_else(|| {
                            let hint = suggest(name, policy.quotas.iter().map(|q| q.name.as_str()));
                            rows.error(line, Some("quota"), format!("unknown quota `{name}`{hint}"))
                        })?,
                ),
            };
            let seconds = match v(5) {
                None => None,
                Some(d) => Some(duration(d).map_err(|m| rows.error(line, Some("duration"), m))?),
            };
            let usage = UsageRow {
                account: account.to_string(),
                tier,
                at,
                quota,
                user: v(4).map(str::to_string),
                seconds,
            };
            let field = |e: &crate::usage::UsageError| match e {
                crate::usage::UsageError::OutOfOrder { .. } => Some("at"),
                crate::usage::UsageError::MissingDuration { .. } => Some("duration"),
                crate::usage::UsageError::MissingUser => Some("user"),
                crate::usage::UsageError::QuotaNotForTier { .. } => Some("quota"),
                crate::usage::UsageError::NoSuchQuota(_) => Some("quota"),
                crate::usage::UsageError::Currency { .. } => None,
            };
            let over = meter
                .record(&usage)
                .map_err(|e| rows.error(line, field(&e), e.to_string()))?;
            if let Some(c) = v(6) {
                meter.contact(account, tier, c);
            }
            for item in over {
                on_over(OverRow {
                    line,
                    id: v(7).map(str::to_string),
                    account: account.to_string(),
                    at,
                    contact: v(6).map(str::to_string),
                    item,
                });
            }
            Ok(())
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

/// `30m`, `1h30m`, `2h` (not business days, not negative).
fn duration(text: &str) -> Result<i64, String> {
    if text.trim_start().starts_with('-') {
        return Err(format!(
            "`{text}` is a negative duration; time spent is 0 or more"
        ));
    }
    match parse_duration(text).map(|d| d.value) {
        Ok(Duration::Seconds(s)) => Ok(s),
        Ok(Duration::BusinessDays(_)) => Err(format!(
            "`{text}` is in business days; give the time spent, such as `1h30m`"
        )),
        Err(e) => Err(e.to_string()),
    }
}

fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::diagnostics::did_you_mean(name, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// One row beyond its allowance as a line of JSON: keys in the documented
/// order, `format_version` first, then `record`.
pub fn over_json(policy: &Policy, o: &OverRow) -> String {
    use serde_json::Value;
    let quota = policy.quotas.get(o.item.quota).map(|q| q.name.as_str());
    ordered_json(&[
        ("format_version", Value::from(USAGE_FORMAT_VERSION)),
        ("record", Value::from("beyond")),
        ("line", Value::from(o.line)),
        ("id", Value::from(o.id.clone())),
        ("account", Value::from(o.account.as_str())),
        ("at", Value::from(super::uptime::utc_text(o.at))),
        ("contact", Value::from(o.contact.clone())),
        ("quota", Value::from(quota)),
        ("period", Value::from(o.item.period.to_string())),
        ("number", Value::from(o.item.number)),
        ("billed_seconds", Value::from(o.item.billed_seconds)),
        (
            "charge",
            Value::from(o.item.charge.as_ref().map(|c| c.value.to_string())),
        ),
        (
            "currency",
            Value::from(o.item.charge.as_ref().map(|c| c.currency.clone())),
        ),
    ])
}

/// One account's quota period as a line of JSON: keys in the documented
/// order, `format_version` first, then `record`.
pub fn period_json(policy: &Policy, f: &PeriodFigures) -> String {
    use serde_json::Value;
    let quota = policy.quotas.get(f.quota);
    let tier = policy.tiers.get(f.tier.index()).map(|t| t.name.as_str());
    ordered_json(&[
        ("format_version", Value::from(USAGE_FORMAT_VERSION)),
        ("record", Value::from("period")),
        ("account", Value::from(f.account.as_str())),
        ("tier", Value::from(tier)),
        ("quota", Value::from(quota.map(|q| q.name.as_str()))),
        ("period", Value::from(f.period.to_string())),
        ("unit", Value::from(quota.map(unit))),
        ("rows", Value::from(f.rows)),
        ("used", Value::from(f.used)),
        ("allowance", Value::from(f.allowance)),
        ("over", Value::from(f.over)),
        ("billed_seconds", Value::from(f.billed_seconds)),
        (
            "charge",
            Value::from(f.charge.as_ref().map(|c| c.value.to_string())),
        ),
        (
            "currency",
            Value::from(f.charge.as_ref().map(|c| c.currency.clone())),
        ),
        ("unpriced", Value::from(f.unpriced)),
        ("beyond", Value::from(quota.and_then(|q| q.beyond.clone()))),
    ])
}

/// An account with more contacts than its tier authorizes, as a line of
/// JSON: `format_version` first, then `record` (`contacts`).
pub fn contacts_json(policy: &Policy, f: &ContactFinding) -> String {
    use serde_json::Value;
    let tier = policy.tiers.get(f.tier.index()).map(|t| t.name.as_str());
    ordered_json(&[
        ("format_version", Value::from(USAGE_FORMAT_VERSION)),
        ("record", Value::from("contacts")),
        ("account", Value::from(f.account.as_str())),
        ("tier", Value::from(tier)),
        ("authorized", Value::from(f.authorized)),
        ("contacts", Value::from(f.contacts.clone())),
    ])
}

/// The unit `used`, `allowance` and `over` are in: `seconds` for a time
/// allowance, else the quota's unit (`requests`, `users`).
pub fn unit(quota: &crate::ir::Quota) -> String {
    match &quota.amount {
        crate::ir::Amount::Count { unit, .. } => unit.clone(),
        crate::ir::Amount::Time { .. } => "seconds".into(),
    }
}

/// An amount in a quota's unit for people: `14`, or `9h` for time.
pub fn amount_text(quota: &crate::ir::Quota, n: i64) -> String {
    match &quota.amount {
        crate::ir::Amount::Count { .. } => n.to_string(),
        crate::ir::Amount::Time { .. } => format_seconds(n),
    }
}

#[cfg(test)]
mod tests;
