//! `slate rules`: every diagnostic code, for people and for tools.

use super::EXIT_OK;
use serde_json::json;
use slate::diagnostics::{Code, Level};

/// Output formats of `slate rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// One line per code, then its help link.
    Human,
    /// A versioned JSON document.
    Json,
}

/// Arguments of `slate rules`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
    format: RulesFormat,
}

/// Version of the `slate rules --format json` document.
pub const FORMAT_VERSION: u32 = 1;

fn level(c: Code) -> &'static str {
    match c.level() {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

pub fn run(args: Args) -> i32 {
    let mut out = super::Stdout::new();
    match args.format {
        RulesFormat::Human => {
            for c in Code::ALL {
                out.line(&format!(
                    "{}  {:<28} {:<8} {}",
                    c.as_str(),
                    c.name(),
                    level(*c),
                    c.summary()
                ));
                out.line(&format!("       {}", c.help_url()));
            }
        }
        RulesFormat::Json => {
            let rules: Vec<_> = Code::ALL
                .iter()
                .map(|c| {
                    json!({
                        "code": c.as_str(),
                        "name": c.name(),
                        "level": level(*c),
                        "lint": c.is_lint(),
                        "summary": c.summary(),
                        "explanation": c.explanation(),
                        "help_url": c.help_url(),
                    })
                })
                .collect();
            let doc = json!({"format_version": FORMAT_VERSION, "tool": "slate", "rules": rules});
            out.line(&serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
    }
    out.finish(EXIT_OK)
}
