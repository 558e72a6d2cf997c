//! `slate time`: ask the business-time engine directly, one question on the
//! command line or a JSON Lines batch.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use slate::{Calendar, CalendarError, Compiled, Duration};
use std::borrow::Cow;
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
    use chrono::Timelike;
    let t = DateTime::parse_from_rfc3339(text.trim()).map_err(|e| {
        format!(
            "`{}` is not an RFC 3339 instant with an offset (like 2026-03-06T15:30:00-06:00): {e}",
            excerpt(text)
        )
    })?;
    // chrono reads `23:59:60` as a leap second; slate counts UTC without
    // them, and silently reading `:59` would move the question.
    if t.nanosecond() >= 1_000_000_000 {
        return Err(format!(
            "`{}` is a leap second, which slate does not count (UTC without leap seconds): write `:59` or the next minute's `:00`",
            excerpt(text)
        ));
    }
    Ok(t.with_timezone(&Utc))
}

/// One batch question. Unknown fields are ignored; a field given twice is
/// an error (as in `slate eval`), not "the last one wins".
#[derive(serde::Deserialize)]
struct Question<'a> {
    #[serde(borrow)]
    op: Option<Cow<'a, str>>,
    #[serde(borrow)]
    calendar: Option<Cow<'a, str>>,
    #[serde(borrow)]
    at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    from: Option<Cow<'a, str>>,
    #[serde(borrow)]
    to: Option<Cow<'a, str>>,
    seconds: Option<serde_json::Number>,
}

/// Reads lines as bytes, like `slate eval`: a line that is not UTF-8 is a
/// failed question and the batch goes on; blank lines (only spaces, tabs
/// and a line end) are skipped and not counted.
fn run_batch(compiled: &Compiled, path: &PathBuf) -> i32 {
    let mut reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
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
    let (mut questions, mut failed) = (0usize, 0usize);
    let mut buf = Vec::new();
    let mut answer = String::new();
    for number in 1.. {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: reading line {number}: {e}");
                return EXIT_IO;
            }
        }
        let bytes = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if bytes.iter().all(|b| matches!(b, b' ' | b'\t')) {
            continue;
        }
        questions += 1;
        answer.clear();
        let result = match std::str::from_utf8(bytes) {
            Ok(line) => answer_line(compiled, line, &mut answer),
            Err(e) => Err(format!(
                "not UTF-8 text (byte {} of the line)",
                e.valid_up_to() + 1
            )),
        };
        if let Err(e) = result {
            failed += 1;
            answer.clear();
            let msg = format!("line {number}: {e}");
            answer.push_str(&json!({ "error": msg }).to_string());
        }
        if writeln!(out, "{answer}").is_err() {
            // The reader went away (quietly) or the write failed (exit 3).
            return out.finish(EXIT_OK);
        }
    }
    if out.flush().is_err() {
        return out.finish(EXIT_OK);
    }
    eprintln!(
        "{questions} question(s), {} answered, {failed} failed",
        questions - failed
    );
    out.finish(if failed > 0 { EXIT_FINDINGS } else { EXIT_OK })
}

/// Answers one question, writing the answer's JSON into `out`.
fn answer_line(compiled: &Compiled, line: &str, out: &mut String) -> Result<(), String> {
    use std::fmt::Write as _;
    let q: Question = serde_json::from_str(line).map_err(|e| {
        let msg = e.to_string();
        if msg.starts_with("duplicate field") {
            format!(
                "{} (give each field once)",
                msg.split(" at line").next().unwrap_or(&msg)
            )
        } else if msg.starts_with("recursion limit exceeded") {
            "the JSON is nested more than 128 levels deep".to_string()
        } else {
            format!(
                "not a question (a JSON object with `op`, `calendar`, ...): {}",
                excerpt(&msg)
            )
        }
    })?;
    let field = |k: &'static str, v: &Option<Cow<'_, str>>| -> Result<String, String> {
        v.as_deref()
            .map(str::to_string)
            .ok_or_else(|| format!("missing string field `{k}`"))
    };
    let op = field("op", &q.op)?;
    let cal: Calendar = compiled
        .calendar(&field("calendar", &q.calendar)?)
        .map_err(|e| excerpt(&e.to_string()))?;
    let engine = |e: CalendarError| e.to_string();
    let instant = |k: &'static str, v: &Option<Cow<'_, str>>| -> Result<DateTime<Utc>, String> {
        parse_instant(&field(k, v)?)
    };
    let text = |t: DateTime<Utc>| Value::String(cal.local_text(t)).to_string();
    let at_or_null = |t: Option<DateTime<Utc>>| t.map_or_else(|| "null".to_string(), text);
    let w = |out: &mut String, s: std::fmt::Arguments| {
        let _ = out.write_fmt(s);
    };
    match op.as_str() {
        "add" | "sub" => {
            let at = instant("at", &q.at)?;
            let secs = q
                .seconds
                .as_ref()
                .ok_or("missing integer field `seconds`")?
                .as_i64()
                .ok_or("`seconds` must be a whole number of seconds")?;
            let u = if op == "add" {
                cal.add(at, Duration::Seconds(secs))
            } else {
                cal.sub(at, Duration::Seconds(secs))
            }
            .map_err(engine)?;
            w(out, format_args!("{{\"at\":{}}}", text(u)));
        }
        "between" => {
            let s = cal
                .between(instant("from", &q.from)?, instant("to", &q.to)?)
                .map_err(engine)?;
            w(out, format_args!("{{\"seconds\":{s}}}"));
        }
        "is_open" => {
            let open = cal.is_open(instant("at", &q.at)?).map_err(engine)?;
            w(out, format_args!("{{\"open\":{open}}}"));
        }
        "next_open" | "next_close" | "previous_close" => {
            let at = instant("at", &q.at)?;
            let next = match op.as_str() {
                "next_open" => cal.next_open(at),
                "next_close" => cal.next_close(at),
                _ => cal.previous_close(at),
            }
            .map_err(engine)?;
            w(out, format_args!("{{\"at\":{}}}", at_or_null(next)));
        }
        "open_periods" => {
            let periods = cal
                .open_periods(instant("from", &q.from)?, instant("to", &q.to)?)
                .map_err(engine)?;
            out.push_str("{\"periods\":[");
            for (i, p) in periods.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                // Keys in sorted order, as the JSON value tree wrote them.
                w(
                    out,
                    format_args!("{{\"end\":{},\"start\":{}}}", text(p.end), text(p.start)),
                );
            }
            out.push_str("]}");
        }
        other => {
            return Err(format!(
                "unknown op `{}`; use add, sub, between, is_open, next_open, next_close, previous_close or open_periods",
                excerpt(other)
            ))
        }
    }
    Ok(())
}

/// At most 80 characters of `text`, with an ellipsis when cut.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(80) {
        None => text.to_string(),
        Some((cut, _)) => format!("{}… ({} bytes in all)", &text[..cut], text.len()),
    }
}
