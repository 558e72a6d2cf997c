//! `slate check`.

use super::baseline::{self, Baseline};
use super::config::Configs;
use super::{Format, EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use slate::diagnostics::render::{self, FileReport};
use slate::diagnostics::{Code, Level};
use std::path::PathBuf;

/// Arguments of `slate check`.
#[derive(clap::Args, Debug)]
#[command(
    after_help = "Settings: the nearest slate.toml above each file (rule levels, ignored \
    paths; see docs/checking.md). Suppress a lint on one declaration with a comment \
    `# slate: allow L0301 -- the reason`."
)]
pub struct Args {
    /// Policy files or directories (directories are searched for *.sla).
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// The least severe finding that makes the exit code 1.
    #[arg(long, value_enum, default_value_t = FailLevel::Error)]
    fail_level: FailLevel,
    /// Exit with 1 when there are warnings, not only errors (`--fail-level warning`).
    #[arg(long)]
    deny_warnings: bool,
    /// Do not report this lint (code or name); repeatable.
    #[arg(long, value_name = "LINT")]
    allow: Vec<String>,
    /// Do not report the lint findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record every lint finding of this run in FILE (and do not report them).
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
}

/// `--fail-level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailLevel {
    /// Exit 1 on errors (the default).
    Error,
    /// Exit 1 on errors or warnings.
    Warning,
    /// Exit 0 whatever is found (I/O failures still exit 3).
    Never,
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
                eprintln!("error: unknown lint `{a}`; `slate rules` lists the codes");
                return EXIT_USAGE;
            }
        }
    }
    let baseline = match args.baseline.as_deref().map(Baseline::read).transpose() {
        Ok(b) => b,
        Err((code, e)) => {
            eprintln!("error: {e}");
            return code;
        }
    };
    let mut configs = Configs::default();
    let mut files = Vec::new();
    let mut io_errors = Vec::new();
    for p in &args.paths {
        let (found, errs) = super::collect_policies(std::slice::from_ref(p));
        io_errors.extend(errs);
        for f in found {
            // A file named on the command line is checked even if ignored.
            if p.is_dir() {
                match configs.for_file(&f) {
                    Ok(Some(c)) if c.ignores(&f) => continue,
                    Ok(_) => {}
                    Err(e) => {
                        eprintln!("error: {e}");
                        return EXIT_USAGE;
                    }
                }
            }
            files.push(f);
        }
    }
    if files.is_empty() && io_errors.is_empty() {
        eprintln!("error: no .sla files found (or all are ignored by slate.toml)");
        return EXIT_USAGE;
    }
    let mut reports = Vec::new();
    let mut described = Vec::new();
    for path in &files {
        let config = match configs.for_file(path) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
        let (source, mut diagnostics, policy) = match super::read_policy(path) {
            Err(e) => {
                io_errors.push(e);
                continue;
            }
            Ok((source, Some(diag))) => (source, vec![diag], None),
            Ok((source, None)) => match slate::compile(&source) {
                Ok(compiled) => {
                    let warnings = compiled.warnings().to_vec();
                    (source, warnings, Some(compiled))
                }
                Err(e) => (source, e.diagnostics, None),
            },
        };
        if let Some(c) = &config {
            c.apply(&mut diagnostics);
        }
        diagnostics.retain(|d| !allowed.contains(&d.code));
        described.push(policy.as_ref().map(|c| describe(c.policy())));
        reports.push(FileReport {
            source,
            diagnostics,
        });
    }
    if let Some(path) = &args.write_baseline {
        match baseline::write(path, &reports) {
            Ok(n) => eprintln!(
                "wrote {n} lint finding{} to the baseline `{}`",
                plural(n),
                path.display()
            ),
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_IO;
            }
        }
        // What was just recorded is grandfathered in this run too.
        match Baseline::read(path) {
            Ok(b) => {
                b.apply(&mut reports);
            }
            Err((code, e)) => {
                eprintln!("error: {e}");
                return code;
            }
        }
    } else if let (Some(b), Some(path)) = (&baseline, &args.baseline) {
        let applied = b.apply(&mut reports);
        if applied.hidden > 0 {
            eprintln!(
                "{} finding{} hidden by the baseline `{}`",
                applied.hidden,
                plural(applied.hidden),
                path.display()
            );
        }
        if applied.stale > 0 {
            eprintln!(
                "note: {} baseline entr{} no longer found; fixed findings can leave it: `slate check --write-baseline {}`",
                applied.stale,
                if applied.stale == 1 { "y is" } else { "ies are" },
                path.display()
            );
        }
    }
    let summaries: Vec<String> = reports
        .iter()
        .zip(&described)
        .map(|(r, d)| summary_line(&r.source.name, &r.diagnostics, d.as_deref()))
        .collect();
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
    let fail_level = match (args.fail_level, args.deny_warnings) {
        (FailLevel::Error, true) => FailLevel::Warning,
        (level, _) => level,
    };
    let failed = match fail_level {
        FailLevel::Error => errors > 0,
        FailLevel::Warning => errors + warnings > 0,
        FailLevel::Never => false,
    };
    let code = if !io_errors.is_empty() {
        EXIT_IO
    } else if failed {
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

/// What a policy that compiled holds, for its summary line.
fn describe(p: &slate::ir::Policy) -> String {
    format!(
        "{}: {} tier{}, {} severit{}, {} target{}, {} calendar{}",
        p.name,
        p.tiers.len(),
        plural(p.tiers.len()),
        p.severities.len(),
        if p.severities.len() == 1 { "y" } else { "ies" },
        p.targets.len(),
        plural(p.targets.len()),
        p.calendars.len(),
        plural(p.calendars.len()),
    )
}

fn summary_line(
    name: &str,
    diags: &[slate::diagnostics::Diagnostic],
    policy: Option<&str>,
) -> String {
    let errors = diags.iter().filter(|d| d.level == Level::Error).count();
    let warnings = diags.len() - errors;
    match policy {
        Some(p) if errors == 0 => format!("{name}: {} ({p})", counts_text(0, warnings)),
        _ => format!("{name}: {}", counts_text(errors, warnings)),
    }
}
