//! `slate time`: ask the business-time engine directly, one question on the
//! command line or a JSON Lines batch.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{json, Value};
use slate::calendar::CalendarSet;
use slate::ir::{CalendarDef, CalendarExpr, CalendarId, Policy};
use slate::values::{format_seconds, parse_duration, Duration};
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
    next-close AT           the first closing instant after AT\n\n\
    Instants are RFC 3339 with an offset (2026-03-06T15:30:00-06:00).\n\
    Durations: 30m, 4h, 1h30m, 1bd (business days); d and w only on 24x7.")]
pub struct Args {
    /// The policy file that declares the calendar.
    policy: PathBuf,
    /// The calendar's name (or `24x7`).
    calendar: Option<String>,
    /// The operation: add, sub, between, open, next-open, next-close.
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
    let (policy, cals) = match super::load_policy_with_calendars(&args.policy) {
        Ok(loaded) => loaded,
        Err(code) => return code,
    };
    if let Some(batch) = &args.batch {
        return run_batch(&policy, &cals, batch);
    }
    let (Some(cal_name), Some(op)) = (&args.calendar, &args.op) else {
        eprintln!(
            "error: give a calendar and an operation, or --batch FILE (see `slate time --help`)"
        );
        return EXIT_USAGE;
    };
    let cal = match find_calendar(&policy, cal_name) {
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
        let engine = |e: slate::calendar::CalendarError| (EXIT_FINDINGS, e.to_string());
        match op.as_str() {
            "add" | "sub" => {
                want(2).map_err(usage)?;
                let at = parse_instant(&args.operands[0]).map_err(usage)?;
                let d = duration_for(&policy, cal, &args.operands[1]).map_err(usage)?;
                let u = if op == "add" {
                    cals.add(cal, at, d).map_err(engine)?
                } else {
                    match d {
                        Duration::Seconds(s) => cals.sub_seconds(cal, at, s).map_err(engine)?,
                        Duration::BusinessDays(n) => {
                            cals.add_business_days(cal, at, -n).map_err(engine)?
                        }
                    }
                };
                Ok(format_instant(&cals, cal, u))
            }
            "between" => {
                want(2).map_err(usage)?;
                let from = parse_instant(&args.operands[0]).map_err(usage)?;
                let to = parse_instant(&args.operands[1]).map_err(usage)?;
                let s = cals.between(cal, from, to).map_err(engine)?;
                Ok(if args.seconds {
                    s.to_string()
                } else {
                    format_seconds(s)
                })
            }
            "open" => {
                want(1).map_err(usage)?;
                let at = parse_instant(&args.operands[0]).map_err(usage)?;
                let open = cals.is_open(cal, at).map_err(engine)?;
                Ok(if open { "open" } else { "closed" }.to_string())
            }
            "next-open" | "next-close" => {
                want(1).map_err(usage)?;
                let at = parse_instant(&args.operands[0]).map_err(usage)?;
                let next = if op == "next-open" {
                    cals.next_open(cal, at).map_err(engine)?
                } else {
                    cals.next_close(cal, at).map_err(engine)?
                };
                Ok(next.map_or_else(|| "never".to_string(), |u| format_instant(&cals, cal, u)))
            }
            other => Err(usage(format!(
                "unknown operation `{other}`; use add, sub, between, open, next-open or next-close"
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

fn find_calendar(policy: &Policy, name: &str) -> Result<CalendarId, String> {
    policy.calendar_named(name).ok_or_else(|| {
        let names = policy.calendars.iter().map(|c| c.name.as_str());
        match slate::diagnostics::did_you_mean(name, names) {
            Some(s) => format!("no calendar `{name}` in the policy; did you mean `{s}`?"),
            None => format!(
                "no calendar `{name}` in the policy; it has: {}",
                policy
                    .calendars
                    .iter()
                    .map(|c| format!("`{}`", c.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    })
}

fn is_always(policy: &Policy, cal: CalendarId) -> bool {
    matches!(
        policy.calendars.get(cal.index()).map(|c| &c.def),
        Some(CalendarDef::Expr {
            expr: CalendarExpr::Always
        })
    )
}

fn duration_for(policy: &Policy, cal: CalendarId, text: &str) -> Result<Duration, String> {
    let (d, uses_days) = parse_duration(text)?;
    if uses_days && !is_always(policy, cal) {
        return Err(format!(
            "`{text}` counts days on a calendar that is not 24x7; write `1bd` for business days or `24h` for 24 open hours"
        ));
    }
    Ok(d)
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            format!("`{text}` is not an RFC 3339 instant with an offset (like 2026-03-06T15:30:00-06:00): {e}")
        })
}

/// RFC 3339 in the calendar's own zone offset; UTC for combinations.
fn format_instant(cals: &CalendarSet, cal: CalendarId, t: DateTime<Utc>) -> String {
    match cals.zone_of(cal) {
        Some(tz) => {
            let local = t.with_timezone(&tz);
            let fixed: DateTime<FixedOffset> = local.fixed_offset();
            fixed.to_rfc3339()
        }
        None => t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    }
}

fn run_batch(policy: &Policy, cals: &CalendarSet, path: &PathBuf) -> i32 {
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
        let answer = match answer_line(policy, cals, &line) {
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

fn answer_line(policy: &Policy, cals: &CalendarSet, line: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let obj = v.as_object().ok_or("not a JSON object")?;
    let field = |k: &str| -> Result<&str, String> {
        obj.get(k)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("missing string field `{k}`"))
    };
    let op = field("op")?;
    let cal = find_calendar(policy, field("calendar")?)?;
    let engine = |e: slate::calendar::CalendarError| e.to_string();
    let instant = |k: &str| -> Result<DateTime<Utc>, String> { parse_instant(field(k)?) };
    let fmt = |t: DateTime<Utc>| format_instant(cals, cal, t);
    match op {
        "add" | "sub" => {
            let at = instant("at")?;
            let secs = obj
                .get("seconds")
                .and_then(Value::as_i64)
                .ok_or("missing integer field `seconds`")?;
            let u = if op == "add" {
                cals.add_seconds(cal, at, secs)
            } else {
                cals.sub_seconds(cal, at, secs)
            }
            .map_err(engine)?;
            Ok(json!({ "at": fmt(u) }))
        }
        "between" => {
            let s = cals
                .between(cal, instant("from")?, instant("to")?)
                .map_err(engine)?;
            Ok(json!({ "seconds": s }))
        }
        "is_open" => Ok(json!({ "open": cals.is_open(cal, instant("at")?).map_err(engine)? })),
        "next_open" | "next_close" => {
            let at = instant("at")?;
            let next = if op == "next_open" {
                cals.next_open(cal, at)
            } else {
                cals.next_close(cal, at)
            }
            .map_err(engine)?;
            Ok(json!({ "at": next.map(fmt) }))
        }
        other => Err(format!(
            "unknown op `{other}`; use add, sub, between, is_open, next_open or next_close"
        )),
    }
}
