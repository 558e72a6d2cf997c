//! `slate uptime POLICY (--samples FILE | --incidents FILE)`: monthly uptime
//! against a policy's availability objective.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use clap::ValueEnum;
use slate::stream::uptime::{self as reader, CSV_HEADER};
use slate::stream::{Counts, Loaded, RowError, RowFormat};
use slate::uptime::{self, Month, Observed};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Output formats of `slate uptime` and `slate usage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A table for people.
    Table,
    /// One JSON object per line, each with `format_version`.
    Jsonl,
    /// One CSV row per line, with a header.
    Csv,
}

/// Arguments of `slate uptime`.
#[derive(clap::Args, Debug)]
#[command(group(clap::ArgGroup::new("input").required(true).args(["samples", "incidents"])))]
pub struct Args {
    /// The policy file with an `availability` block.
    policy: PathBuf,
    /// Per-sample rows: `at,ok` and/or the signals the down rules read
    /// (`error_rate`), CSV or JSON Lines.
    #[arg(long, value_name = "FILE")]
    samples: Option<PathBuf>,
    /// Incident windows: `start,end[,kind]` with kind `outage` (default),
    /// `degraded` or `maintenance`; CSV or JSON Lines.
    #[arg(long, value_name = "FILE")]
    incidents: Option<PathBuf>,
    /// Planned maintenance windows `start,end`, added to the policy's
    /// `excluding` calendars.
    #[arg(long, value_name = "FILE")]
    maintenance: Option<PathBuf>,
    /// Only this month (`YYYY-MM`, in the availability zone); default: every
    /// month the input touches.
    #[arg(long, value_name = "YYYY-MM")]
    month: Option<String>,
    /// The time of the report (RFC 3339, or `now`), for a month in progress:
    /// samples after it are not missing. Default: the end of each month.
    #[arg(long, value_name = "INSTANT")]
    at: Option<String>,
    /// Which availability block, when the policy has several.
    #[arg(long, value_name = "NAME")]
    availability: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,
    /// IANA zone for timestamps written without an offset (otherwise an error).
    #[arg(long, value_name = "ZONE")]
    assume_zone: Option<String>,
    /// Exit with 1 when a month breaches the objective.
    #[arg(long)]
    fail_on_breach: bool,
}

pub fn run(args: Args) -> i32 {
    let read = match super::eval::parse_zone(args.assume_zone.as_deref()) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let until = match super::eval::parse_at(args.at.as_deref()) {
        Ok(u) => u,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let only_month = match args.month.as_deref().map(|m| (m, Month::parse(m))) {
        None => None,
        Some((_, Some(m))) => Some(m),
        Some((text, None)) => {
            eprintln!("error: --month `{text}` is not a month such as `2024-03`");
            return EXIT_USAGE;
        }
    };
    let compiled = match super::load_policy(&args.policy) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let block = match compiled.availability(args.availability.as_deref()) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let mut rejected = 0;
    let mut observed = if let Some(path) = &args.samples {
        let loaded = match open(path).and_then(|(f, fmt)| {
            read_or_fail(reader::read_samples(block, &name(path), f, fmt, &read))
        }) {
            Ok(l) => l,
            Err(code) => return code,
        };
        rejected += report("samples", path, &loaded);
        loaded.value.into_observed()
    } else if let Some(path) = &args.incidents {
        let loaded = match open(path).and_then(|(f, fmt)| {
            read_or_fail(reader::read_incidents(&name(path), f, fmt, &read, false))
        }) {
            Ok(l) => l,
            Err(code) => return code,
        };
        rejected += report("incidents", path, &loaded);
        loaded.value
    } else {
        Observed::default()
    };
    let months = match only_month {
        Some(m) => vec![m],
        None => match uptime::months_spanned(block, &observed) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_IO;
            }
        },
    };
    if let Some(path) = &args.maintenance {
        let loaded = match open(path).and_then(|(f, fmt)| {
            read_or_fail(reader::read_incidents(&name(path), f, fmt, &read, true))
        }) {
            Ok(l) => l,
            Err(code) => return code,
        };
        rejected += report("maintenance windows", path, &loaded);
        observed.maintenance.extend(loaded.value.maintenance);
    }
    observed.until = until;
    if months.is_empty() {
        eprintln!("error: the input has no usable row, so no month to report; give --month YYYY-MM to report a month anyway");
        return EXIT_FINDINGS;
    }
    let figures = match compiled.uptime(Some(&block.name), &observed, Some(&months)) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_IO;
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match args.format {
        ReportFormat::Table => out.write_all(reader::table(block, &figures).as_bytes()),
        ReportFormat::Jsonl => figures
            .iter()
            .try_for_each(|f| writeln!(out, "{}", reader::month_json(block, f))),
        ReportFormat::Csv => {
            let mut bytes = Vec::new();
            slate::stream::csv_row(&mut bytes, &CSV_HEADER);
            for f in &figures {
                slate::stream::csv_row(&mut bytes, &reader::month_csv_row(block, f));
            }
            out.write_all(&bytes)
        }
    };
    if let Err(e) = written.and_then(|_| out.flush()) {
        eprintln!("error: cannot write the report: {e}");
        return EXIT_IO;
    }
    let breached = figures.iter().any(|f| !f.met);
    if rejected > 0 || (args.fail_on_breach && breached) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

pub(crate) fn name(path: &Path) -> String {
    path.display().to_string()
}

pub(crate) fn open(path: &Path) -> Result<(std::fs::File, RowFormat), i32> {
    std::fs::File::open(path)
        .map(|f| (f, RowFormat::of_path(path)))
        .map_err(|e| {
            eprintln!("error: cannot read `{}`: {e}", path.display());
            EXIT_IO
        })
}

pub(crate) fn read_or_fail<T>(r: Result<Loaded<T>, RowError>) -> Result<Loaded<T>, i32> {
    r.map_err(|e| {
        eprintln!("error: {e}");
        EXIT_USAGE
    })
}

/// Prints a file's errors and counts to stderr; returns the rejected count.
pub(crate) fn report<T>(what: &str, path: &Path, loaded: &Loaded<T>) -> u64 {
    for e in &loaded.errors {
        eprintln!("error: {e}");
    }
    if !loaded.unread.is_empty() {
        let list: Vec<String> = loaded.unread.iter().map(|f| format!("`{f}`")).collect();
        eprintln!(
            "warning: {}: field(s) {} are not read by this command",
            path.display(),
            list.join(", ")
        );
    }
    let Counts {
        read,
        used,
        rejected,
    } = loaded.counts;
    eprintln!(
        "{}: {what}: {read} row(s) read, {used} used, {rejected} rejected",
        path.display()
    );
    rejected
}
