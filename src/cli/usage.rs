//! `slate usage POLICY (--requests FILE | --users FILE)`: quotas used per
//! account and period, and what goes beyond them costs.

use super::uptime::{name, open, read_or_fail, report, ReportFormat};
use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use slate::ir::Policy;
use slate::stream::usage::{self as reader, amount_text, OverRow};
use slate::stream::RowFormat;
use slate::usage::{Charge, PeriodFigures, UsageKind};
use std::io::Write;
use std::path::PathBuf;

/// Arguments of `slate usage`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["requests", "tickets", "users"])))]
pub struct Args {
    /// The policy file with `quota` blocks.
    policy: PathBuf,
    /// Requests or sessions: `account,tier,at[,duration][,contact][,id][,quota]`.
    #[arg(long, value_name = "FILE")]
    requests: Option<PathBuf>,
    /// Tickets as `slate eval` reads them (JSON Lines) with an `account`
    /// (and optionally a `contact`): each counts as a request when opened.
    #[arg(long, value_name = "FILE")]
    tickets: Option<PathBuf>,
    /// Active users: `account,tier,at,user` (distinct users count per period).
    #[arg(long, value_name = "FILE")]
    users: Option<PathBuf>,
    /// Known accounts and their tiers: `account,tier`. A usage row of an
    /// account it does not list is refused.
    #[arg(long, value_name = "FILE")]
    accounts: Option<PathBuf>,
    /// The tier of rows that do not name one.
    #[arg(long, value_name = "NAME")]
    tier: Option<String>,
    /// Hourly rate for requests billed by time (`$150`, `120 EUR`).
    #[arg(long, value_name = "AMOUNT")]
    rate: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// IANA zone for timestamps written without an offset (otherwise an error).
    #[arg(long, value_name = "ZONE")]
    assume_zone: Option<String>,
}

pub fn run(args: Args) -> i32 {
    let read = match super::eval::parse_zone(args.assume_zone.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let rate = match args.rate.as_deref().map(Charge::parse).transpose() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: --rate {e}");
            return EXIT_USAGE;
        }
    };
    let compiled = match super::load_policy(&args.policy) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let policy = compiled.policy();
    let tier = match args.tier.as_deref().map(|t| (t, policy.tier_named(t))) {
        None => None,
        Some((_, Some(id))) => Some(id),
        Some((t, None)) => {
            eprintln!(
                "error: --tier `{t}` is not a tier of policy `{}`",
                policy.name
            );
            return EXIT_USAGE;
        }
    };
    let (kind, path, what) = match (&args.requests, &args.tickets, &args.users) {
        (Some(p), _, _) => (UsageKind::Requests, p, "requests"),
        (None, Some(p), _) => (UsageKind::Requests, p, "tickets"),
        (None, None, Some(p)) => (UsageKind::Users, p, "users"),
        (None, None, None) => return EXIT_USAGE,
    };
    let tickets = args.tickets.is_some();
    if tickets && RowFormat::of_path(path) == RowFormat::Csv {
        eprintln!("error: --tickets reads JSON Lines tickets; for a CSV file give --requests with `account,tier,at` rows");
        return EXIT_USAGE;
    }
    let limits_contacts = kind == UsageKind::Requests
        && (0..policy.tiers.len()).any(|t| {
            slate::usage::authorized_contacts(policy, slate::ir::TierId(t as u32)).is_some()
        });
    if !limits_contacts && !policy.quotas.iter().any(|q| slate::usage::counts(q, kind)) {
        eprintln!(
            "error: policy `{}` has no quota that counts {what}",
            policy.name
        );
        return EXIT_USAGE;
    }
    let mut accounts = reader::Accounts {
        default_tier: tier,
        known: None,
    };
    let mut rejected = 0;
    if let Some(path) = &args.accounts {
        let loaded = match open(path)
            .and_then(|(f, fmt)| read_or_fail(reader::read_accounts(policy, &name(path), f, fmt)))
        {
            Ok(l) => l,
            Err(code) => return code,
        };
        rejected += report("accounts", path, &loaded);
        accounts.known = Some(loaded.value);
    }
    let mut meter = compiled.meter(kind, rate);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut over_rows: Vec<OverRow> = Vec::new();
    let mut csv_out = (args.format == ReportFormat::Csv).then(|| {
        let mut w = Vec::new();
        slate::stream::csv_row(&mut w, &CSV_HEADER);
        w
    });
    let mut write_err: Option<std::io::Error> = None;
    let loaded = {
        let on_over = |o: OverRow| match args.format {
            ReportFormat::Table => over_rows.push(o),
            ReportFormat::Jsonl => {
                if let Err(e) = writeln!(out, "{}", reader::over_json(policy, &o)) {
                    write_err.get_or_insert(e);
                }
            }
            ReportFormat::Csv => {
                if let Some(w) = &mut csv_out {
                    slate::stream::csv_row(w, &over_csv(policy, &o));
                }
            }
        };
        match open(path).and_then(|(f, fmt)| {
            read_or_fail(reader::read_usage(
                policy,
                &mut meter,
                kind,
                &name(path),
                f,
                if tickets { RowFormat::Tickets } else { fmt },
                &read,
                &accounts,
                on_over,
            ))
        }) {
            Ok(l) => l,
            Err(code) => return code,
        }
    };
    rejected += report(what, path, &loaded);
    let findings = meter.contact_findings();
    let figures = meter.finish();
    let written = match args.format {
        ReportFormat::Table => out.write_all(table(policy, &over_rows, &figures).as_bytes()),
        ReportFormat::Jsonl => figures
            .iter()
            .try_for_each(|f| writeln!(out, "{}", reader::period_json(policy, f)))
            .and_then(|_| {
                findings
                    .iter()
                    .try_for_each(|f| writeln!(out, "{}", reader::contacts_json(policy, f)))
            }),
        ReportFormat::Csv => {
            let mut w = csv_out.unwrap_or_default();
            for f in &figures {
                slate::stream::csv_row(&mut w, &period_csv(policy, f));
            }
            out.write_all(&w)
        }
    };
    for f in &findings {
        eprintln!(
            "warning: account `{}` ({}): requests from {} contacts, the tier authorizes {}: {}",
            f.account,
            policy.tiers[f.tier.index()].name,
            f.contacts.len(),
            f.authorized,
            f.contacts
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if let Some(e) = write_err
        .map(Err)
        .unwrap_or(written)
        .and_then(|_| out.flush())
        .err()
    {
        eprintln!("error: cannot write the report: {e}");
        return EXIT_IO;
    }
    if rejected > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

const CSV_HEADER: [&str; 15] = [
    "format_version",
    "record",
    "account",
    "tier",
    "quota",
    "period",
    "line",
    "at",
    "used",
    "allowance",
    "over",
    "billed_seconds",
    "charge",
    "currency",
    "unpriced",
];

fn over_csv(policy: &Policy, o: &OverRow) -> Vec<String> {
    vec![
        reader::USAGE_FORMAT_VERSION.to_string(),
        "beyond".into(),
        o.account.clone(),
        String::new(),
        policy.quotas[o.item.quota].name.clone(),
        o.item.period.to_string(),
        o.line.to_string(),
        o.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        o.item.number.to_string(),
        String::new(),
        String::new(),
        o.item
            .billed_seconds
            .map(|s| s.to_string())
            .unwrap_or_default(),
        o.item
            .charge
            .as_ref()
            .map(|c| c.value.to_string())
            .unwrap_or_default(),
        o.item
            .charge
            .as_ref()
            .map(|c| c.currency.clone())
            .unwrap_or_default(),
        o.item.charge.is_none().to_string(),
    ]
}

fn period_csv(policy: &Policy, f: &PeriodFigures) -> Vec<String> {
    vec![
        reader::USAGE_FORMAT_VERSION.to_string(),
        "period".into(),
        f.account.clone(),
        policy.tiers[f.tier.index()].name.clone(),
        policy.quotas[f.quota].name.clone(),
        f.period.to_string(),
        String::new(),
        String::new(),
        f.used.to_string(),
        f.allowance.to_string(),
        f.over.to_string(),
        f.billed_seconds.to_string(),
        f.charge
            .as_ref()
            .map(|c| c.value.to_string())
            .unwrap_or_default(),
        f.charge
            .as_ref()
            .map(|c| c.currency.clone())
            .unwrap_or_default(),
        f.unpriced.to_string(),
    ]
}

fn table(policy: &Policy, over: &[OverRow], figures: &[PeriodFigures]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    if !over.is_empty() {
        let _ = writeln!(s, "beyond the allowance:");
        let head = [
            "line", "id", "account", "at", "quota", "period", "#", "billed", "charge",
        ];
        let rows: Vec<Vec<String>> = std::iter::once(head.iter().map(|h| h.to_string()).collect())
            .chain(over.iter().map(|o| {
                let q = &policy.quotas[o.item.quota];
                vec![
                    o.line.to_string(),
                    o.id.clone().unwrap_or_default(),
                    o.account.clone(),
                    o.at.to_rfc3339(),
                    q.name.clone(),
                    o.item.period.to_string(),
                    match &q.amount {
                        slate::ir::Amount::Count { .. } => o.item.number.to_string(),
                        slate::ir::Amount::Time { .. } => String::new(),
                    },
                    o.item
                        .billed_seconds
                        .map(|s| slate::Duration::Seconds(s).to_string())
                        .unwrap_or_default(),
                    o.item
                        .charge
                        .as_ref()
                        .map_or_else(|| "not priced".to_string(), ToString::to_string),
                ]
            }))
            .collect();
        s.push_str(&columns(&rows, &[]));
        let _ = writeln!(s);
    }
    let head: Vec<String> = [
        "account",
        "tier",
        "quota",
        "period",
        "used",
        "allowance",
        "over",
        "charge",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    let mut rows = vec![head];
    let mut notes: Vec<String> = Vec::new();
    for f in figures {
        let q = &policy.quotas[f.quota];
        let charge = match (&f.charge, f.unpriced) {
            (Some(c), false) => c.to_string(),
            (Some(c), true) => format!("{c} + not priced (*)"),
            (None, true) => "not priced (*)".to_string(),
            (None, false) => "-".to_string(),
        };
        if f.unpriced {
            let note = match (&q.beyond, q.minimum.is_some()) {
                (_, true) => format!("{}: billed time needs an hourly rate: give --rate", q.name),
                (Some(b), false) => format!("{}: beyond the allowance: \"{b}\"", q.name),
                (None, false) => {
                    format!("{}: the policy gives no price beyond the allowance", q.name)
                }
            };
            if !notes.contains(&note) {
                notes.push(note);
            }
        }
        rows.push(vec![
            f.account.clone(),
            policy.tiers[f.tier.index()].name.clone(),
            q.name.clone(),
            f.period.to_string(),
            amount_text(q, f.used),
            amount_text(q, f.allowance),
            amount_text(q, f.over),
            charge,
        ]);
    }
    s.push_str(&columns(&rows, &[4, 5, 6]));
    for n in &notes {
        let _ = writeln!(s, "(*) {n}");
    }
    s
}

/// Rows padded into columns; `right` lists right-aligned columns.
fn columns(rows: &[Vec<String>], right: &[usize]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for r in rows {
        let cells: Vec<String> = r
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if right.contains(&i) {
                    format!("{c:>w$}", w = widths[i])
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect();
        s.push_str(cells.join("  ").trim_end());
        s.push('\n');
    }
    s
}
