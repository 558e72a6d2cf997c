//! `slate rules`: every diagnostic code, for people and for tools.

use super::config::{Configs, RuleLevel};
use super::{EXIT_OK, EXIT_USAGE};
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
    /// Show the levels that apply to this file or directory: the defaults
    /// changed by the nearest `slate.toml` above it.
    path: Option<std::path::PathBuf>,
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
    let config = match &args.path {
        None => None,
        Some(p) => {
            let mut configs = Configs::default();
            let found = if p.is_dir() {
                std::path::absolute(p)
                    .map_err(|e| format!("`{}`: {e}", p.display()))
                    .and_then(|dir| configs.for_dir(&dir))
            } else if p.exists() {
                configs.for_file(p)
            } else {
                Err(format!("`{}` does not exist", p.display()))
            };
            match found {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error: {e}");
                    return EXIT_USAGE;
                }
            }
        }
    };
    // The level that applies: the default, or what slate.toml sets.
    let level = |c: Code| match config.as_ref().and_then(|cfg| cfg.level_of(c)) {
        Some(RuleLevel::Off) => "off",
        Some(RuleLevel::Warn) => "warning",
        Some(RuleLevel::Error) => "error",
        None => level(c),
    };
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
                        "default_level": self::level(*c),
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
