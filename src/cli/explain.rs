//! `slate explain CODE`: the explanation of a diagnostic code.

use super::{EXIT_OK, EXIT_USAGE};
use slate::diagnostics::Code;

/// Arguments of `slate explain`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// A code (`E0101`) or name (`unknown-tier`); omit to list every code.
    code: Option<String>,
}

pub fn run(args: Args) -> i32 {
    let Some(text) = args.code else {
        for c in Code::ALL {
            println!("{}  {:<28} {}", c.as_str(), c.name(), c.summary());
        }
        return EXIT_OK;
    };
    match Code::lookup(&text) {
        Some(c) => {
            let kind = if c.is_lint() {
                "warning (lint)"
            } else {
                "error"
            };
            println!("{} {}: {}\n", c.as_str(), c.name(), c.summary());
            println!("{}\n", c.explanation());
            println!("level: {kind}");
            if c.is_lint() {
                println!("allow it in a policy with `allow {}`", c.name());
            }
            EXIT_OK
        }
        None => {
            let names = Code::ALL.iter().map(|c| c.name());
            match slate::diagnostics::did_you_mean(&text, names) {
                Some(s) => eprintln!("error: unknown code `{text}`; did you mean `{s}`?"),
                None => eprintln!("error: unknown code `{text}`; `slate explain` lists them all"),
            }
            EXIT_USAGE
        }
    }
}
