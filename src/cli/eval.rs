//! `slate eval POLICY TICKETS`: answers for every ticket of a file.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use chrono::{DateTime, Utc};
use clap::ValueEnum;
use slate::stream::{self, OutputFormat, Progress, StreamOptions};
use slate::ReadOptions;
use std::io::{BufRead, IsTerminal, Read};
use std::path::{Path, PathBuf};

/// Answer formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// One JSON object per ticket per line (documented in docs/eval.md).
    Jsonl,
    /// One row per ticket, metric and cycle.
    Csv,
    /// A table for people.
    Table,
}

/// Ticket input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// One ticket object per line.
    Jsonl,
    /// A long events table: ticket_id,at,type,value[,tier,severity,type].
    Csv,
}

/// Arguments of `slate eval`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The policy file.
    policy: PathBuf,
    /// Tickets: JSON Lines or CSV events (`-` for standard input).
    tickets: PathBuf,
    /// The instant to answer at: RFC 3339, `now` (the default), or
    /// `latest-event` (each ticket at its own latest event).
    #[arg(long)]
    at: Option<String>,
    /// Answer every metric of the policy, also those without a target for
    /// the ticket (default: only metrics with a target).
    #[arg(long, conflicts_with = "metrics")]
    all_metrics: bool,
    /// Answer only these metrics (comma-separated), with or without a target.
    #[arg(long, value_name = "NAMES", value_delimiter = ',')]
    metrics: Option<Vec<String>>,
    /// Answer format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Jsonl)]
    format: EvalFormat,
    /// Input format; default: `csv` for *.csv files, else `jsonl`.
    #[arg(long, value_enum)]
    input: Option<InputFormat>,
    /// IANA zone for timestamps written without an offset (otherwise an error).
    #[arg(long, value_name = "ZONE")]
    assume_zone: Option<String>,
    /// Never show a progress bar.
    #[arg(long)]
    quiet: bool,
    /// Exit with 1 when any ticket has a breached cycle.
    #[arg(long)]
    fail_on_breach: bool,
}

/// Parses `--at`: RFC 3339 or `now` (the only place the clock is read).
pub fn parse_at(text: Option<&str>) -> Result<Option<DateTime<Utc>>, String> {
    match text {
        None => Ok(None),
        Some("now") => Ok(Some(Utc::now())),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|d| Some(d.with_timezone(&Utc)))
            .map_err(|e| {
                format!("--at `{t}` is not an RFC 3339 instant with an offset, nor `now`: {e}")
            }),
    }
}

/// The instant `slate eval` and `slate explain` answer at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// One instant for every ticket; `now` says it was read from the clock.
    Instant { at: DateTime<Utc>, now: bool },
    /// Each ticket at its own latest event (`--at latest-event`).
    LatestEvent,
}

impl At {
    /// The instant, when it is one for every ticket.
    pub fn instant(self) -> Option<DateTime<Utc>> {
        match self {
            At::Instant { at, .. } => Some(at),
            At::LatestEvent => None,
        }
    }

    /// How the summary names it.
    pub fn describe(self) -> String {
        match self {
            At::Instant { at, now: true } => {
                format!(
                    "answered at {} (now)",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )
            }
            At::Instant { at, now: false } => {
                format!(
                    "answered at {}",
                    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                )
            }
            At::LatestEvent => "answered at each ticket's latest event".to_string(),
        }
    }
}

/// Parses `--at` for `eval` and `explain`: RFC 3339, `now` (also the
/// default: the clock is read here and nowhere else, to the whole second)
/// or `latest-event`.
pub fn parse_answer_at(text: Option<&str>) -> Result<At, String> {
    let now = || {
        let t = Utc::now();
        let whole = DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t);
        At::Instant {
            at: whole,
            now: true,
        }
    };
    match text {
        None | Some("now") => Ok(now()),
        Some("latest-event") => Ok(At::LatestEvent),
        Some(t) => DateTime::parse_from_rfc3339(t)
            .map(|d| At::Instant {
                at: d.with_timezone(&Utc),
                now: false,
            })
            .map_err(|e| {
                format!(
                    "--at `{t}` is not an RFC 3339 instant with an offset, `now` or `latest-event`: {e}"
                )
            }),
    }
}

/// Parses `--assume-zone`.
pub fn parse_zone(text: Option<&str>) -> Result<ReadOptions, String> {
    let assume_zone = match text {
        None => None,
        Some(z) => Some(z.parse::<chrono_tz::Tz>().map_err(|_| {
            format!("--assume-zone `{z}` is not an IANA time zone such as `America/Chicago`")
        })?),
    };
    let mut read = ReadOptions::default();
    read.assume_zone = assume_zone;
    Ok(read)
}

/// Opens a file or standard input.
pub fn open_input(path: &Path) -> Result<(Box<dyn BufRead>, Option<u64>), String> {
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::BufReader::new(std::io::stdin())), None));
    }
    let f =
        std::fs::File::open(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let len = f.metadata().ok().map(|m| m.len());
    Ok((Box::new(std::io::BufReader::with_capacity(1 << 16, f)), len))
}

pub fn run(args: Args) -> i32 {
    let (at, read) = match (
        parse_answer_at(args.at.as_deref()),
        parse_zone(args.assume_zone.as_deref()),
    ) {
        (Ok(at), Ok(read)) => (at, read),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let compiled = match super::load_policy(&args.policy) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let metrics = match &args.metrics {
        Some(names) => match compiled.select_metrics(names.iter().map(|n| n.trim())) {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: --metrics: {e}");
                return EXIT_USAGE;
            }
        },
        None => slate::MetricSelection::all().with_target_only(!args.all_metrics),
    };
    let (input, len) = match open_input(&args.tickets) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_IO;
        }
    };
    let format = match args.format {
        EvalFormat::Jsonl => OutputFormat::Jsonl,
        EvalFormat::Csv => OutputFormat::Csv,
        EvalFormat::Table => OutputFormat::Table,
    };
    let input_format = args.input.unwrap_or_else(|| {
        if args
            .tickets
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            InputFormat::Csv
        } else {
            InputFormat::Jsonl
        }
    });
    let mut opts = StreamOptions::default();
    opts.at = at.instant();
    opts.metrics = metrics;
    opts.read = read;
    opts.format = format;
    let bar = (!args.quiet && std::io::stderr().is_terminal()).then(|| progress_bar(len));
    let mut on_progress = |p: Progress| {
        if let Some(b) = &bar {
            match len {
                Some(_) => b.set_position(p.bytes),
                None => b.set_position(p.tickets),
            }
        }
    };
    let mut out = super::Stdout::new();
    let closed = out.closed();
    let result = match input_format {
        InputFormat::Jsonl => {
            stream::evaluate_stream(&compiled, input, &mut out, &opts, &mut on_progress)
        }
        InputFormat::Csv => {
            let reader: Box<dyn Read> = Box::new(input);
            stream::evaluate_csv_stream(&compiled, reader, &mut out, &opts, &mut on_progress)
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summary = match result {
        Ok(s) => s,
        // The reader of the answers went away (`| head`): stop quietly.
        Err(_) if closed.get() => return out.finish(EXIT_OK),
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_IO;
        }
    };
    let code = out.finish(EXIT_OK);
    if code != EXIT_OK {
        return code;
    }
    for e in &summary.errors {
        eprintln!("error: {e}");
    }
    if (summary.errors.len() as u64) < summary.failed {
        eprintln!(
            "error: ... and {} more failed ticket(s) not listed",
            summary.failed - summary.errors.len() as u64
        );
    }
    eprintln!(
        "{} ticket(s) read, {} evaluated, {} failed; {} with a breach; {}",
        summary.read,
        summary.evaluated,
        summary.failed,
        summary.breached,
        at.describe()
    );
    if summary.failed > 0 || (args.fail_on_breach && summary.breached > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn progress_bar(len: Option<u64>) -> indicatif::ProgressBar {
    let bar = match len {
        Some(n) => indicatif::ProgressBar::new(n).with_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        ),
        None => indicatif::ProgressBar::new_spinner(),
    };
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar
}
