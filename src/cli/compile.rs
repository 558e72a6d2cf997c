//! `slate compile`.

use super::EXIT_OK;
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
    let compiled = match super::load_policy(&args.file) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let mut out = super::Stdout::new();
    out.line(&compiled.ir_json(args.compact));
    out.finish(EXIT_OK)
}
