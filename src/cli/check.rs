//! `slate check`.

use super::{Format, EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use slate::diagnostics::render::{self, FileReport};
use slate::diagnostics::{Code, Level};
use std::path::PathBuf;

/// Arguments of `slate check`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or directories (directories are searched for *.sla).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Exit with 1 when there are warnings, not only errors.
    #[arg(long)]
    deny_warnings: bool,
    /// Do not report this lint (code or name); repeatable.
    #[arg(long, value_name = "LINT")]
    allow: Vec<String>,
}

pub fn run(args: Args) -> i32 {
    let mut allowed = Vec::new();
    for a in &args.allow {
        match Code::lookup(a) {
            Some(c) if c.is_lint() => allowed.push(c),
            Some(c) => {
                eprintln!("error: `{a}` is an error ({c}), not a lint; errors cannot be allowed");
                return EXIT_USAGE;
            }
            None => {
                eprintln!("error: unknown lint `{a}`; `slate explain` lists the codes");
                return EXIT_USAGE;
            }
        }
    }
    let (files, mut io_errors) = super::collect_policies(&args.paths);
    if files.is_empty() && io_errors.is_empty() {
        eprintln!("error: no .sla files found");
        return EXIT_USAGE;
    }
    let mut reports = Vec::new();
    let mut summaries = Vec::new();
    for path in &files {
        let (source, diagnostics, policy) = match super::read_policy(path) {
            Err(e) => {
                io_errors.push(e);
                continue;
            }
            Ok((source, Some(diag))) => (source, vec![diag], None),
            Ok((source, None)) => {
                let (policy, diags) = slate::check_source(&source);
                (source, diags, policy)
            }
        };
        let diagnostics: Vec<_> = diagnostics
            .into_iter()
            .filter(|d| !allowed.contains(&d.code))
            .collect();
        summaries.push(summary_line(&source.name, &diagnostics, policy.as_ref()));
        reports.push(FileReport {
            source,
            diagnostics,
        });
    }
    let (errors, warnings) = render::counts(&reports);
    let mut out = super::Stdout::new();
    match args.format {
        Format::Human => {
            let color = super::stdout_color();
            for r in &reports {
                for d in &r.diagnostics {
                    out.line(&render::human(&r.source, d, color, 100));
                }
            }
            for s in &summaries {
                out.line(s);
            }
            if reports.len() > 1 {
                out.line(&format!(
                    "checked {} file{}: {}",
                    reports.len(),
                    plural(reports.len()),
                    counts_text(errors, warnings)
                ));
            }
        }
        Format::Json => out.line(&pretty(&render::json(&reports))),
        Format::Sarif => out.line(&pretty(&render::sarif(&reports))),
        Format::Github => out.print(&render::github(&reports)),
    }
    for e in &io_errors {
        eprintln!("error: {e}");
    }
    let code = if !io_errors.is_empty() {
        EXIT_IO
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    out.finish(code)
}

fn pretty(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn counts_text(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "ok".to_string(),
        (e, 0) => format!("{e} error{}", plural(e)),
        (0, w) => format!("{w} warning{}", plural(w)),
        (e, w) => format!("{e} error{}, {w} warning{}", plural(e), plural(w)),
    }
}

fn summary_line(
    name: &str,
    diags: &[slate::diagnostics::Diagnostic],
    policy: Option<&slate::ir::Policy>,
) -> String {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.len() - errors;
    match policy {
        Some(p) if errors == 0 => format!(
            "{name}: {} ({}: {} tier{}, {} severit{}, {} target{}, {} calendar{})",
            counts_text(0, warnings),
            p.name,
            p.tiers.len(),
            plural(p.tiers.len()),
            p.severities.len(),
            if p.severities.len() == 1 { "y" } else { "ies" },
            p.targets.len(),
            plural(p.targets.len()),
            p.calendars.len(),
            plural(p.calendars.len()),
        ),
        _ => format!("{name}: {}", counts_text(errors, warnings)),
    }
}
