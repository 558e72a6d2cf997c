//! `slate time`: ask the business-time engine directly, one question on the
//! command line or a JSON Lines batch.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use slate::{Calendar, CalendarError, Compiled, Duration};
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// Arguments of `slate time`.
#[derive(clap::Args, Debug)]
#[command(after_help = "Operations:\n  \
    add START DURATION      the instant DURATION of open time after START\n  \
    sub START DURATION      the instant DURATION of open time before START\n  \
    between FROM TO         the open time in [FROM, TO)\n  \
    open AT                 `open` or `closed`\n  \
    next-open AT            the first open instant at or after AT\n  \
    next-close AT           the first closing instant after AT\n  \
    previous-close AT       the last closing instant at or before AT\n  \
    open-periods FROM TO    the open periods in [FROM, TO), one per line\n\n\
    Instants are RFC 3339 with an offset (2026-03-06T15:30:00-06:00).\n\
    Durations: 30m, 4h, 1h30m, 1bd (business days); d and w only on 24x7.")]
pub struct Args {
    /// The policy file that declares the calendar.
    policy: PathBuf,
    /// The calendar's name (or `24x7`).
    calendar: Option<String>,
    /// The operation: add, sub, between, open, next-open, next-close,
    /// previous-close, open-periods.
    op: Option<String>,
    /// The operation's operands.
    operands: Vec<String>,
    /// Answer JSON Lines questions from FILE (`-` for standard input).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["calendar", "op", "operands"])]
    batch: Option<PathBuf>,
    /// With `between`: print whole seconds instead of `8h30m`.
    #[arg(long)]
    seconds: bool,
}

pub fn run(args: Args) -> i32 {
    let compiled = match super::load_policy(&args.policy) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(batch) = &args.batch {
        return run_batch(&compiled, batch);
    }
    let (Some(cal_name), Some(op)) = (&args.calendar, &args.op) else {
        eprintln!(
            "error: give a calendar and an operation, or --batch FILE (see `slate time --help`)"
        );
        return EXIT_USAGE;
    };
    let cal = match compiled.calendar(cal_name) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let want = |n: usize| -> Result<(), String> {
        if args.operands.len() == n {
            Ok(())
        } else {
            Err(format!(
                "`{op}` takes {n} operand{}, got {}",
                if n == 1 { "" } else { "s" },
                args.operands.len()
            ))
        }
    };
    let result: Result<String, (i32, String)> = (|| {
        let usage = |e: String| (EXIT_USAGE, e);
        let engine = |e: CalendarError| (EXIT_FINDINGS, e.to_string());
        match op.as_str() {
            "add" | "sub" => {
                want(2).map_err(usage)?;
                let at = parse_instant(&args.operands[0]).map_err(usage)?;
                let d = cal
                    .duration(&args.operands[1])
                    .map_err(|e| usage(e.to_string()))?;
                let u = if op == "add" {
                    cal.add(at, d).map_err(engine)?
                } else {
                    cal.sub(at, d).map_err(engine)?
                };
                Ok(cal.local_text(u))
            }
            "between" => {
                want(2).map_err(usage)?;
                let from = parse_instant(&args.operands[0]).map_err(usage)?;
                let to = parse_instant(&args.operands[1]).map_err(usage)?;
                let s = cal.between(from, to).map_err(engine)?;
                Ok(if args.seconds {
                    s.to_string()
                } else {
                    Duration::Seconds(s).to_string()
                })
            }
            "open" => {
                want(1).map_err(usage)?;
                let at = parse_instant(&args.operands[0]).map_err(usage)?;
                let open = cal.is_open(at).map_err(engine)?;
                Ok(if open { "open" } else { "closed" }.to_string())
            }
            "next-open" | "next-close" | "previous-close" => {
                want(1).map_err(usage)?;
                let at = parse_instant(&args.operands[0]).map_err(usage)?;
                let next = match op.as_str() {
                    "next-open" => cal.next_open(at),
                    "next-close" => cal.next_close(at),
                    _ => cal.previous_close(at),
                }
                .map_err(engine)?;
                Ok(next.map_or_else(|| "never".to_string(), |u| cal.local_text(u)))
            }
            "open-periods" => {
                want(2).map_err(usage)?;
                let from = parse_instant(&args.operands[0]).map_err(usage)?;
                let to = parse_instant(&args.operands[1]).map_err(usage)?;
                let periods = cal.open_periods(from, to).map_err(engine)?;
                Ok(periods
                    .iter()
                    .map(|p| format!("{} {}", cal.local_text(p.start), cal.local_text(p.end)))
                    .collect::<Vec<_>>()
                    .join("\n"))
            }
            other => Err(usage(format!(
                "unknown operation `{other}`; use add, sub, between, open, next-open, next-close, previous-close or open-periods"
            ))),
        }
    })();
    match result {
        Ok(line) => {
            let mut out = super::Stdout::new();
            out.line(&line);
            out.finish(EXIT_OK)
        }
        Err((code, msg)) => {
            eprintln!("error: {msg}");
            code
        }
    }
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("`{text}` is not an RFC 3339 instant with an offset (like 2026-03-06T15:30:00-06:00): {e}")
        })
}

fn run_batch(compiled: &Compiled, path: &PathBuf) -> i32 {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(std::io::BufReader::new(f)),
            Err(e) => {
                eprintln!("error: cannot read `{}`: {e}", path.display());
                return EXIT_IO;
            }
        }
    };
    let mut out = super::Stdout::new();
    let (mut lines, mut failed) = (0usize, 0usize);
    for (i, line) in reader.lines().enumerate() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: reading line {}: {e}", i + 1);
                return EXIT_IO;
            }
        };
        lines += 1;
        let answer = match answer_line(compiled, &line) {
            Ok(v) => v,
            Err(e) => {
                failed += 1;
                json!({ "error": format!("line {}: {e}", i + 1) })
            }
        };
        if writeln!(out, "{answer}").is_err() {
            // The reader went away (quietly) or the write failed (exit 3).
            return out.finish(EXIT_OK);
        }
    }
    if out.flush().is_err() {
        return out.finish(EXIT_OK);
    }
    eprintln!(
        "{lines} question(s), {} answered, {failed} failed",
        lines - failed
    );
    if failed > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn answer_line(compiled: &Compiled, line: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let obj = v.as_object().ok_or("not a JSON object")?;
    let field = |k: &str| -> Result<&str, String> {
        obj.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("missing string field `{k}`"))
    };
    let op = field("op")?;
    let cal: Calendar = compiled
        .calendar(field("calendar")?)
        .map_err(|e| e.to_string())?;
    let engine = |e: CalendarError| e.to_string();
    let instant = |k: &str| -> Result<DateTime<Utc>, String> { parse_instant(field(k)?) };
    let fmt = |t: DateTime<Utc>| cal.local_text(t);
    match op {
        "add" | "sub" => {
            let at = instant("at")?;
            let secs = obj
                .get("seconds")
                .and_then(Value::as_i64)
                .ok_or("missing integer field `seconds`")?;
            let u = if op == "add" {
                cal.add(at, Duration::Seconds(secs))
            } else {
                cal.sub(at, Duration::Seconds(secs))
            }
            .map_err(engine)?;
            Ok(json!({ "at": fmt(u) }))
        }
        "between" => {
            let s = cal
                .between(instant("from")?, instant("to")?)
                .map_err(engine)?;
            Ok(json!({ "seconds": s }))
        }
        "is_open" => Ok(json!({ "open": cal.is_open(instant("at")?).map_err(engine)? })),
        "next_open" | "next_close" | "previous_close" => {
            let at = instant("at")?;
            let next = match op {
                "next_open" => cal.next_open(at),
                "next_close" => cal.next_close(at),
                _ => cal.previous_close(at),
            }
            .map_err(engine)?;
            Ok(json!({ "at": next.map(fmt) }))
        }
        "open_periods" => {
            let periods = cal
                .open_periods(instant("from")?, instant("to")?)
                .map_err(engine)?;
            let list: Vec<Value> = periods
                .iter()
                .map(|p| json!({ "start": fmt(p.start), "end": fmt(p.end) }))
                .collect();
            Ok(json!({ "periods": list }))
        }
        other => Err(format!(
            "unknown op `{other}`; use add, sub, between, is_open, next_open, next_close, previous_close or open_periods"
        )),
    }
}
