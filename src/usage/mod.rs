//! Quotas and charges: the pure engine. Usage rows (requests, sessions,
//! users) come in one at a time; each counts against the quotas of its
//! account's tier, per period of the policy's zone; what goes beyond an
//! allowance is charged by the quota's rules. No I/O, no clock, no floats:
//! time is integer seconds and money is an exact decimal with a currency.
//!
//! Charges (every rule written once, here):
//!
//! - a count allowance with `overage $P per UNIT`: `P x (used - allowance)`
//!   for the period (Dimagi: 14 users, 10 free, $2 each beyond = $8);
//! - a count allowance with `minimum D per request`: each request beyond the
//!   allowance is billed `max(its duration, D)` at the hourly rate (Dooap:
//!   the 11th request of a month at 0.5 h minimum); the rate is the one
//!   given to [`Meter::new`], else the quota's `rate $P per hour`;
//! - a count allowance with an overage price and no minimum: the price per
//!   request beyond;
//! - a time allowance (`8h per year`): the time beyond it, priced by
//!   `overage $P per hour` when given, else reported with the quota's
//!   `beyond` words and no charge.
//!
//! Amounts are rounded to cents (half away from zero) once, per request or
//! per period, and then summed exactly.

mod money;

pub use money::Charge;

use crate::ir::{Amount, CalendarDef, CalendarExpr, Period, Policy, Quota, TierId};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

/// What the input rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    /// Support requests or sessions: each row is one; it may carry a duration.
    Requests,
    /// Users: each row names a user active at some time; distinct users count.
    Users,
}

/// One usage row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// The customer account.
    pub account: String,
    /// Its tier.
    pub tier: TierId,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Only this quota (by index into `policy.quotas`), when the row names one.
    pub quota: Option<usize>,
    /// The user (for [`UsageKind::Users`]).
    pub user: Option<String>,
    /// Time spent, in seconds (sessions, billable work).
    pub seconds: Option<i64>,
}

/// A request beyond its allowance, and what it costs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverItem {
    /// Index into `policy.quotas`.
    pub quota: usize,
    /// The period it counts in.
    pub period: PeriodKey,
    /// Which request of the period it is (1-based), for counted quotas.
    pub number: i64,
    /// Seconds billed (the minimum applied), for time-billed quotas.
    pub billed_seconds: Option<i64>,
    /// The charge, when the policy (or the rate) prices it.
    pub charge: Option<Charge>,
}

/// A period of a quota: its first local date (`None` for a quota without a
/// period) and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PeriodKey {
    /// The period's first local date.
    pub start: Option<NaiveDate>,
    /// Its length.
    pub per: Option<Period>,
}

impl fmt::Display for PeriodKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.start, self.per) {
            (Some(d), Some(Period::Year)) => write!(f, "{}", d.year()),
            (Some(d), Some(Period::Month)) => write!(f, "{:04}-{:02}", d.year(), d.month()),
            (Some(d), Some(Period::Week)) => {
                let w = d.iso_week();
                write!(f, "{}-W{:02}", w.year(), w.week())
            }
            (Some(d), _) => write!(f, "{d}"),
            (None, _) => f.write_str("all"),
        }
    }
}

/// One account's use of one quota in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodFigures {
    /// The account.
    pub account: String,
    /// Its tier (the tier of its latest row in the period).
    pub tier: TierId,
    /// Index into `policy.quotas`.
    pub quota: usize,
    /// The period.
    pub period: PeriodKey,
    /// Rows counted.
    pub rows: u64,
    /// Used: units (requests, distinct users) or seconds for a time allowance.
    pub used: i64,
    /// The allowance in the same unit.
    pub allowance: i64,
    /// `max(0, used - allowance)`.
    pub over: i64,
    /// Seconds billed for requests beyond the allowance.
    pub billed_seconds: i64,
    /// The total charge, when priced (`None`: nothing beyond, or no price).
    pub charge: Option<Charge>,
    /// Something is beyond the allowance but nothing prices it (no
    /// overage, no rate): the quota's `beyond` words apply.
    pub unpriced: bool,
}

/// Why a row cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// Earlier than the account's previous row.
    OutOfOrder {
        /// The previous row's time.
        previous: DateTime<Utc>,
    },
    /// A time quota needs the row's duration.
    MissingDuration {
        /// The quota.
        quota: String,
    },
    /// A user count needs the user.
    MissingUser,
    /// The named quota does not apply to the row's tier.
    QuotaNotForTier {
        /// The quota.
        quota: String,
        /// The tier.
        tier: String,
    },
    /// A quota index that is not in the policy.
    NoSuchQuota(usize),
    /// Charges in two currencies cannot be added.
    Currency {
        /// The first currency.
        have: String,
        /// The other one.
        got: String,
    },
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::OutOfOrder { previous } => write!(
                f,
                "earlier than the account's previous row ({}); sort the rows by time",
                previous.to_rfc3339()
            ),
            UsageError::MissingDuration { quota } => write!(
                f,
                "missing; quota `{quota}` counts time, so each row needs a duration such as `1h30m`"
            ),
            UsageError::MissingUser => write!(f, "missing; users are counted by name"),
            UsageError::QuotaNotForTier { quota, tier } => {
                write!(f, "quota `{quota}` does not apply to tier `{tier}`")
            }
            UsageError::NoSuchQuota(q) => write!(f, "the policy has no quota number {q}"),
            UsageError::Currency { have, got } => {
                write!(f, "a charge in {got} cannot be added to charges in {have}")
            }
        }
    }
}

impl std::error::Error for UsageError {}

/// The zone whose days, months and years quotas count in: the zone of the
/// policy's default calendar (for an expression, its leftmost weekly
/// calendar; for a calendar chosen per ticket, that of its default case,
/// else its first; UTC for `24x7`).
pub fn policy_zone(policy: &Policy) -> Tz {
    fn leftmost(policy: &Policy, id: usize, depth: usize) -> Option<Tz> {
        let cal = policy.calendars.get(id)?;
        match &cal.def {
            CalendarDef::Weekly(w) => w.zone.parse().ok(),
            CalendarDef::Expr { expr } if depth < 64 => expr_zone(policy, expr, depth + 1),
            CalendarDef::Expr { .. } => None,
            // Chosen per ticket: the zone of its default case, else its first.
            CalendarDef::Select(s) if depth < 64 => s
                .default
                .or(s.cases.first().map(|c| c.calendar))
                .and_then(|c| leftmost(policy, c.index(), depth + 1)),
            CalendarDef::Select(_) => None,
        }
    }
    fn expr_zone(policy: &Policy, e: &CalendarExpr, depth: usize) -> Option<Tz> {
        match e {
            CalendarExpr::Always => None,
            CalendarExpr::Ref { calendar } => leftmost(policy, calendar.index(), depth),
            CalendarExpr::Union { left, right }
            | CalendarExpr::Intersection { left, right }
            | CalendarExpr::Difference { left, right } => {
                expr_zone(policy, left, depth).or_else(|| expr_zone(policy, right, depth))
            }
        }
    }
    leftmost(policy, policy.default_calendar.index(), 0).unwrap_or(Tz::UTC)
}

/// Whether a quota counts rows of this kind: users for a `users` count,
/// requests for any other count and for a time allowance.
pub fn counts(quota: &Quota, kind: UsageKind) -> bool {
    let users =
        matches!(&quota.amount, Amount::Count { unit, .. } if unit == "users" || unit == "user");
    users == (kind == UsageKind::Users)
}

/// Whether a quota applies to a tier.
pub fn applies_to(quota: &Quota, tier: TierId) -> bool {
    quota.tiers.is_empty() || quota.tiers.contains(&tier)
}

#[derive(Debug, Clone, Default)]
struct Acc {
    tier: Option<TierId>,
    rows: u64,
    used: i64,
    billed_seconds: i64,
    charge: Option<Charge>,
    unpriced: bool,
    users: BTreeSet<String>,
}

/// Counts rows against a policy's quotas.
#[derive(Debug, Clone)]
pub struct Meter<'p> {
    policy: &'p Policy,
    zone: Tz,
    kind: UsageKind,
    rate: Option<Charge>,
    acc: BTreeMap<(String, usize, PeriodKey), Acc>,
    last: HashMap<String, DateTime<Utc>>,
    contacts: BTreeMap<String, (TierId, BTreeSet<String>)>,
}

/// An account whose requests came from more contacts than its tier
/// authorizes (`authorized_contacts N`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFinding {
    /// The account.
    pub account: String,
    /// Its tier.
    pub tier: TierId,
    /// How many contacts the tier authorizes.
    pub authorized: i64,
    /// The distinct contacts seen, sorted.
    pub contacts: Vec<String>,
}

/// The number of authorized contacts a tier allows, when it limits them.
pub fn authorized_contacts(policy: &Policy, tier: TierId) -> Option<i64> {
    match policy
        .tiers
        .get(tier.index())?
        .entitlements
        .get("authorized_contacts")?
        .value
    {
        crate::ir::Value::Count(n) => Some(n),
        _ => None,
    }
}

impl<'p> Meter<'p> {
    /// A meter for `kind` rows; `rate` is the hourly rate for requests
    /// billed by time (it overrides nothing in the policy, which has none).
    pub fn new(policy: &'p Policy, kind: UsageKind, rate: Option<Charge>) -> Meter<'p> {
        Meter {
            policy,
            zone: policy_zone(policy),
            kind,
            rate,
            acc: BTreeMap::new(),
            last: HashMap::new(),
            contacts: BTreeMap::new(),
        }
    }

    /// The zone periods are counted in.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The quotas (indices) a row counts against.
    pub fn quotas_for(&self, row: &UsageRow) -> Result<Vec<usize>, UsageError> {
        if let Some(q) = row.quota {
            let quota = self
                .policy
                .quotas
                .get(q)
                .ok_or(UsageError::NoSuchQuota(q))?;
            if !applies_to(quota, row.tier) {
                return Err(UsageError::QuotaNotForTier {
                    quota: quota.name.clone(),
                    tier: self
                        .policy
                        .tiers
                        .get(row.tier.index())
                        .map_or_else(|| format!("#{}", row.tier.0), |t| t.name.clone()),
                });
            }
            return Ok(vec![q]);
        }
        Ok((0..self.policy.quotas.len())
            .filter(|&i| {
                let q = &self.policy.quotas[i];
                counts(q, self.kind) && applies_to(q, row.tier)
            })
            .collect())
    }

    /// Notes who made a request, for tiers that limit authorized contacts.
    pub fn contact(&mut self, account: &str, tier: TierId, contact: &str) {
        if authorized_contacts(self.policy, tier).is_some() {
            let e = self
                .contacts
                .entry(account.to_string())
                .or_insert_with(|| (tier, BTreeSet::new()));
            e.0 = tier;
            if !e.1.contains(contact) {
                e.1.insert(contact.to_string());
            }
        }
    }

    /// Accounts with requests from more distinct contacts than their tier
    /// authorizes.
    pub fn contact_findings(&self) -> Vec<ContactFinding> {
        self.contacts
            .iter()
            .filter_map(|(account, (tier, seen))| {
                let authorized = authorized_contacts(self.policy, *tier)?;
                (seen.len() as i64 > authorized).then(|| ContactFinding {
                    account: account.clone(),
                    tier: *tier,
                    authorized,
                    contacts: seen.iter().cloned().collect(),
                })
            })
            .collect()
    }

    /// Counts one row; returns the requests beyond an allowance with their
    /// charges (empty for users, which are charged per period). A refused
    /// row changes nothing.
    pub fn record(&mut self, row: &UsageRow) -> Result<Vec<OverItem>, UsageError> {
        if let Some(&previous) = self.last.get(&row.account) {
            if row.at < previous {
                return Err(UsageError::OutOfOrder { previous });
            }
        }
        let quotas = self.quotas_for(row)?;
        for &q in &quotas {
            let quota = &self.policy.quotas[q];
            match (&quota.amount, self.kind) {
                (Amount::Time { .. }, _) if row.seconds.is_none() => {
                    return Err(UsageError::MissingDuration {
                        quota: quota.name.clone(),
                    })
                }
                (_, UsageKind::Users) if row.user.is_none() => return Err(UsageError::MissingUser),
                _ => {}
            }
        }
        let mut over = Vec::new();
        let local = row.at.with_timezone(&self.zone).date_naive();
        for q in quotas {
            let quota = &self.policy.quotas[q];
            let period = period_of(local, quota.per);
            let key = (row.account.clone(), q, period);
            let acc = self.acc.entry(key).or_default();
            acc.tier = Some(row.tier);
            acc.rows += 1;
            match (&quota.amount, self.kind) {
                (Amount::Count { .. }, UsageKind::Users) => {
                    if let Some(u) = &row.user {
                        if !acc.users.contains(u) {
                            acc.users.insert(u.clone());
                            acc.used += 1;
                        }
                    }
                }
                (Amount::Count { count, .. }, UsageKind::Requests) => {
                    acc.used += 1;
                    if acc.used > *count {
                        let item = request_charge(quota, row.seconds, self.rate.as_ref());
                        add(acc, &item)?;
                        over.push(OverItem {
                            quota: q,
                            period,
                            number: acc.used,
                            billed_seconds: item.0,
                            charge: item.1,
                        });
                    }
                }
                (Amount::Time { duration }, _) => {
                    let allowance = duration.seconds().unwrap_or(0);
                    let spent = row.seconds.unwrap_or(0).max(0);
                    let before = acc.used;
                    acc.used += spent;
                    let beyond = (acc.used - allowance.max(before)).clamp(0, spent);
                    if beyond > 0 {
                        let charge = quota
                            .overage
                            .as_ref()
                            .map(|p| Charge::from_money(p).times_seconds(beyond));
                        let item = (Some(beyond), charge);
                        add(acc, &item)?;
                        over.push(OverItem {
                            quota: q,
                            period,
                            number: acc.rows as i64,
                            billed_seconds: item.0,
                            charge: item.1,
                        });
                    }
                }
            }
        }
        self.last.insert(row.account.clone(), row.at);
        Ok(over)
    }

    /// The figures of every account, quota and period, sorted by account,
    /// quota (policy order) and period.
    pub fn finish(self) -> Vec<PeriodFigures> {
        let policy = self.policy;
        self.acc
            .into_iter()
            .map(|((account, q, period), acc)| {
                let quota = &policy.quotas[q];
                let allowance = match &quota.amount {
                    Amount::Count { count, .. } => *count,
                    Amount::Time { duration } => duration.seconds().unwrap_or(0),
                };
                let over = (acc.used - allowance).max(0);
                let (mut charge, mut unpriced) = (acc.charge, acc.unpriced);
                if matches!(quota.amount, Amount::Count { .. })
                    && self.kind == UsageKind::Users
                    && over > 0
                {
                    match &quota.overage {
                        Some(p) => charge = Some(Charge::from_money(p).times(over)),
                        None => unpriced = true,
                    }
                }
                PeriodFigures {
                    account,
                    tier: acc.tier.unwrap_or(TierId(0)),
                    quota: q,
                    period,
                    rows: acc.rows,
                    used: acc.used,
                    allowance,
                    over,
                    billed_seconds: acc.billed_seconds,
                    charge,
                    unpriced,
                }
            })
            .collect()
    }
}

/// What one request beyond a count allowance is billed: with a minimum,
/// `max(seconds, minimum)` at the rate; else the overage price.
fn request_charge(
    quota: &Quota,
    seconds: Option<i64>,
    rate: Option<&Charge>,
) -> (Option<i64>, Option<Charge>) {
    // `--rate` wins over the quota's `rate`.
    let own = quota.rate.as_ref().map(Charge::from_money);
    let rate = rate.or(own.as_ref());
    match quota.minimum.and_then(|m| m.seconds()) {
        Some(min) => {
            let billed = seconds.unwrap_or(0).max(min);
            (Some(billed), rate.map(|r| r.times_seconds(billed)))
        }
        None => match (&quota.overage, seconds, rate) {
            (Some(p), _, _) => (None, Some(Charge::from_money(p))),
            (None, Some(s), Some(r)) => (Some(s), Some(r.times_seconds(s))),
            _ => (seconds, None),
        },
    }
}

fn add(acc: &mut Acc, item: &(Option<i64>, Option<Charge>)) -> Result<(), UsageError> {
    acc.billed_seconds += item.0.unwrap_or(0);
    match (&mut acc.charge, &item.1) {
        (_, None) => acc.unpriced = true,
        (None, Some(c)) => acc.charge = Some(c.clone()),
        (Some(have), Some(c)) => {
            if have.currency != c.currency {
                return Err(UsageError::Currency {
                    have: have.currency.clone(),
                    got: c.currency.clone(),
                });
            }
            have.value += c.value;
        }
    }
    Ok(())
}

/// The period a local date falls in.
pub fn period_of(date: NaiveDate, per: Option<Period>) -> PeriodKey {
    let start = match per {
        None => None,
        Some(Period::Day) => Some(date),
        Some(Period::Week) => {
            Some(date - chrono::Duration::days(i64::from(date.weekday().num_days_from_monday())))
        }
        Some(Period::Month) => date.with_day(1),
        Some(Period::Year) => NaiveDate::from_ymd_opt(date.year(), 1, 1),
    };
    PeriodKey { start, per }
}

/// Hours as an exact decimal: `1800` seconds is `0.5`.
pub fn hours(seconds: i64) -> Decimal {
    (Decimal::from(seconds) / Decimal::from(3600)).normalize()
}

#[cfg(test)]
mod tests;
