//! `slate compile`.

use super::{EXIT_IO, EXIT_OK};
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
    let policy = match super::load_policy(&args.file) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let json = if args.compact {
        serde_json::to_string(&policy)
    } else {
        serde_json::to_string_pretty(&policy)
    };
    match json {
        Ok(j) => {
            let mut out = super::Stdout::new();
            out.line(&j);
            out.finish(EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: cannot serialize the policy: {e}");
            EXIT_IO
        }
    }
}
