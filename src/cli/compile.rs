//! `slate compile`.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK};
use slate::diagnostics::render;
use std::path::PathBuf;

/// Arguments of `slate compile`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The policy file.
    file: PathBuf,
    /// Print compact JSON on one line.
    #[arg(long)]
    compact: bool,
}

pub fn run(args: Args) -> i32 {
    let source = match super::read_policy(&args.file) {
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_IO;
        }
        Ok((source, Some(diag))) => {
            eprint!("{}", render::human(&source, &diag, false, 100));
            return EXIT_FINDINGS;
        }
        Ok((source, None)) => source,
    };
    match slate::compile(&source) {
        Ok(compiled) => {
            for w in &compiled.warnings {
                eprint!("{}", render::human(&source, w, false, 100));
            }
            let json = if args.compact {
                serde_json::to_string(&compiled.policy)
            } else {
                serde_json::to_string_pretty(&compiled.policy)
            };
            match json {
                Ok(j) => {
                    println!("{j}");
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: cannot serialize the policy: {e}");
                    EXIT_IO
                }
            }
        }
        Err(err) => {
            let color = std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr());
            for d in &err.diagnostics {
                eprint!("{}", render::human(&source, d, color, 100));
            }
            EXIT_FINDINGS
        }
    }
}
