//! `slate explain`: a diagnostic code's explanation, or why a ticket's
//! clocks say what they say.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use slate::diagnostics::Code;
use std::path::PathBuf;

/// Arguments of `slate explain`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Examples:\n  slate explain                     list every diagnostic code\n  \
    slate explain E0101               explain one code (or its name, `unknown-tier`)\n  \
    slate explain POLICY TICKETS      trace a ticket's clocks (TICKETS: a JSON Lines file, `-` for stdin)"
)]
pub struct Args {
    /// A code (`E0101`) or name (`unknown-tier`); or a policy file followed by a tickets file.
    #[arg(num_args = 0..=2)]
    args: Vec<String>,
    /// With a ticket: only this metric.
    #[arg(long)]
    metric: Option<String>,
    /// With a ticket: the ticket id, when the file holds several tickets.
    #[arg(long)]
    id: Option<String>,
    /// With a ticket: the instant to explain at: RFC 3339, `now` (the
    /// default) or `latest-event`.
    #[arg(long)]
    at: Option<String>,
    /// With a ticket: IANA zone for timestamps written without an offset.
    #[arg(long, value_name = "ZONE")]
    assume_zone: Option<String>,
}

pub fn run(args: Args) -> i32 {
    match args.args.as_slice() {
        [] => {
            let mut out = super::Stdout::new();
            for c in Code::ALL {
                out.line(&format!("{}  {:<28} {}", c.as_str(), c.name(), c.summary()));
            }
            out.finish(EXIT_OK)
        }
        [code] => explain_code(code),
        [policy, tickets] => explain_ticket(&args, policy, tickets),
        _ => EXIT_USAGE,
    }
}

fn explain_code(text: &str) -> i32 {
    match Code::lookup(text) {
        Some(c) => {
            let kind = if c.is_lint() {
                "warning (lint)"
            } else {
                "error"
            };
            let mut out = super::Stdout::new();
            out.line(&format!("{} {}: {}\n", c.as_str(), c.name(), c.summary()));
            out.line(&format!("{}\n", c.explanation()));
            out.line(&format!("level: {kind}"));
            if c.is_lint() {
                out.line(&format!("allow it in a policy with `allow {}`", c.name()));
            }
            out.line(&format!("more: {}", c.help_url()));
            out.finish(EXIT_OK)
        }
        None => {
            if std::path::Path::new(text).exists() {
                eprintln!("error: `{text}` is a file; to trace a ticket give the policy and a tickets file: slate explain POLICY TICKETS");
                return EXIT_USAGE;
            }
            let names = Code::ALL.iter().map(|c| c.name());
            match slate::diagnostics::did_you_mean(text, names) {
                Some(s) => eprintln!("error: unknown code `{text}`; did you mean `{s}`?"),
                None => eprintln!("error: unknown code `{text}`; `slate explain` lists them all"),
            }
            EXIT_USAGE
        }
    }
}

fn explain_ticket(args: &Args, policy_path: &str, tickets: &str) -> i32 {
    let (at, read) = match (
        super::eval::parse_answer_at(args.at.as_deref()),
        super::eval::parse_zone(args.assume_zone.as_deref()),
    ) {
        (Ok(at), Ok(read)) => (at, read),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let compiled = match super::load_policy(&PathBuf::from(policy_path)) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let (input, _) = match super::eval::open_input(&PathBuf::from(tickets)) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_IO;
        }
    };
    // At most one ticket is kept: without --id a second ticket ends the
    // read (a 2 GB file is not loaded to say it holds many), and with --id
    // a second ticket of that id is an error, not "choose one with --id".
    let mut found: Option<(slate::Ticket, u64)> = None;
    // Lines are read as bytes: a line that is not UTF-8 is that line's
    // error (as in `slate eval`), not a failure to read the file.
    let mut input = input;
    let mut bytes = Vec::new();
    let mut line_no = 0u64;
    // Lines whose ticket id could not be read (told when --id finds nothing).
    let mut unreadable: Vec<u64> = Vec::new();
    loop {
        bytes.clear();
        match std::io::BufRead::read_until(&mut input, b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("error: reading `{tickets}`: {e}");
                return EXIT_IO;
            }
        }
        line_no += 1;
        let parsed = match std::str::from_utf8(&bytes) {
            Ok(text) => {
                let text = text.trim_start_matches('\u{feff}').trim();
                if text.is_empty() {
                    continue;
                }
                compiled.ticket_from_json_with(text, line_no, &read)
            }
            Err(e) => {
                // Which ticket it holds is unknown: it is the answer's
                // error unless another ticket was asked for by id (as for
                // any line whose id cannot be read).
                if args.id.is_none() {
                    eprintln!("error: line {line_no}: malformed input: not UTF-8: {e}");
                    return EXIT_FINDINGS;
                }
                unreadable.push(line_no);
                continue;
            }
        };
        match parsed {
            Ok(t) => {
                if args.id.as_deref().is_some_and(|id| t.id() != id) {
                    continue;
                }
                if let Some((_, first)) = &found {
                    match &args.id {
                        Some(id) => eprintln!(
                            "error: ticket `{id}` appears more than once in `{tickets}` (lines {first} and {line_no}); ticket ids must be unique"
                        ),
                        None => eprintln!(
                            "error: `{tickets}` holds more than one ticket (lines {first} and {line_no}); choose one with --id"
                        ),
                    }
                    return if args.id.is_some() {
                        EXIT_FINDINGS
                    } else {
                        EXIT_USAGE
                    };
                }
                found = Some((t, line_no));
            }
            Err(e) => {
                let wanted = args.id.is_none() || e.ticket.as_deref() == args.id.as_deref();
                if wanted {
                    eprintln!("error: {e}");
                    return EXIT_FINDINGS;
                }
                if e.ticket.is_none() {
                    unreadable.push(line_no);
                }
            }
        }
    }
    let ticket = match (found, &args.id) {
        (Some((t, _)), _) => t,
        (None, Some(id)) => {
            match unreadable.as_slice() {
                [] => eprintln!("error: no ticket `{id}` in `{tickets}`"),
                lines => {
                    let shown: Vec<String> = lines.iter().take(5).map(u64::to_string).collect();
                    let more = if lines.len() > 5 { ", ..." } else { "" };
                    eprintln!(
                        "error: no ticket `{id}` in `{tickets}`; {} line(s) could not be read as a ticket (line {}{more}): run `slate eval` on the file to see why",
                        lines.len(),
                        shown.join(", ")
                    );
                }
            }
            return EXIT_FINDINGS;
        }
        (None, None) => {
            eprintln!("error: `{tickets}` holds no ticket");
            return EXIT_FINDINGS;
        }
    };
    let at = match at.instant().or_else(|| ticket.latest_event()) {
        Some(t) => t,
        None => {
            eprintln!("error: ticket `{}` has no events; give --at", ticket.id());
            return EXIT_FINDINGS;
        }
    };
    match compiled.explain(&ticket, at, args.metric.as_deref()) {
        Ok(explanation) => {
            let mut out = super::Stdout::new();
            out.print(&explanation.to_string());
            out.finish(EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_FINDINGS
        }
    }
}
