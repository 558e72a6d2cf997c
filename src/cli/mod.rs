//! Argument parsing, files, output and exit codes. The only place with I/O.

mod baseline;
mod check;
mod compile;
mod config;
mod diff;
pub mod eval;
mod explain;
mod fmt;
mod output;
mod rules;
mod show;
mod test;
mod time;
mod uptime;
mod usage;

pub use output::Stdout;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Exit code: clean.
pub const EXIT_OK: i32 = 0;
/// Exit code: findings (errors, denied warnings, breaches...).
pub const EXIT_FINDINGS: i32 = 1;
/// Exit code: usage error.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: I/O or internal failure.
pub const EXIT_IO: i32 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "slate",
    version,
    about = "Check, compile and evaluate support SLA policies (.sla files)",
    long_about = "slate makes a support contract an executable policy: check it, compile it \
                  to JSON, and ask when tickets are due.\n\nExit codes: 0 clean, 1 findings, \
                  2 usage error, 3 I/O or internal failure."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format for findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable reports with source excerpts.
    Human,
    /// A versioned JSON envelope.
    Json,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
    /// GitHub Actions annotations.
    Github,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check policy files or directories (recursing into *.sla).
    Check(check::Args),
    /// Compile one policy and print its checked IR as JSON.
    Compile(compile::Args),
    /// Semantic differences between two versions of a policy.
    Diff(diff::Args),
    /// Promises the new version weakens, each with an example ticket; exit 1
    /// when there is one.
    Breaking(diff::Args),
    /// Evaluate tickets against a policy: deadlines, breaches, milestones.
    Eval(eval::Args),
    /// Explain a diagnostic code (`slate explain E0101`), list all codes
    /// (`slate explain`), or trace a ticket (`slate explain POLICY TICKET`).
    Explain(explain::Args),
    /// Rewrite policies in the canonical layout (`--check` for CI).
    Fmt(fmt::Args),
    /// Run the contract examples beside policies (`domo.tests.json`).
    Test(test::Args),
    /// What each tier gets, in the contract's own units: targets with their
    /// calendars in words, coverage, entitlements, quotas, availability.
    Show(show::Args),
    /// Business-time arithmetic on a policy's calendars.
    Time(time::Args),
    /// Monthly uptime against a policy's availability objective: downtime,
    /// maintenance, met or breached, credit and error budget.
    Uptime(uptime::Args),
    /// Quotas used per account and period, and the charges beyond them.
    Usage(usage::Args),
    /// List every diagnostic code with its level, summary and help link.
    Rules(rules::Args),
}

/// Runs the CLI and returns the process exit code.
pub fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Compile(args) => compile::run(args),
        Command::Diff(args) => diff::run_diff(args),
        Command::Breaking(args) => diff::run_breaking(args),
        Command::Eval(args) => eval::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Test(args) => test::run(args),
        Command::Show(args) => show::run(args),
        Command::Time(args) => time::run(args),
        Command::Uptime(args) => uptime::run(args),
        Command::Usage(args) => usage::run(args),
        Command::Rules(args) => rules::run(args),
    }
}

/// Whether human output on stdout may use colour.
pub fn stdout_color() -> bool {
    std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
}

/// Reads one policy file: the source and, for a file that is not UTF-8, its
/// E0002 finding; `Err(message)` for an I/O failure.
pub fn read_policy(
    path: &Path,
) -> Result<(slate::SourceFile, Option<slate::diagnostics::Diagnostic>), String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    Ok(slate::source_from_bytes(&path.display().to_string(), bytes))
}

/// Reads and compiles a policy for a command that needs a clean one,
/// printing its findings (errors, and warnings when it compiles) to stderr.
/// `Err` carries the exit code.
pub fn load_policy(path: &Path) -> Result<slate::Compiled, i32> {
    use slate::diagnostics::render;
    let color = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    let (source, encoding) = read_policy(path).map_err(|e| {
        eprintln!("error: {e}");
        EXIT_IO
    })?;
    if let Some(diag) = encoding {
        eprint!("{}", render::human(&source, &diag, color, 100));
        return Err(EXIT_FINDINGS);
    }
    match slate::compile(&source) {
        Ok(c) => {
            for w in c.warnings() {
                eprint!("{}", render::human(&source, w, color, 100));
            }
            Ok(c)
        }
        Err(e) => {
            for d in &e.diagnostics {
                eprint!("{}", render::human(&source, d, color, 100));
            }
            eprintln!("error: `{}` does not compile", path.display());
            Err(EXIT_FINDINGS)
        }
    }
}

/// Expands files and directories into a sorted list of `.sla` files.
///
/// Each real file is listed once, however many links or arguments lead to
/// it, and each real directory is entered once: symbolic links that form a
/// cycle (`ln -s . loop`) end the walk there instead of looping forever.
pub fn collect_policies(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<String>) {
    let mut walk = Walk::default();
    for p in paths {
        if p.is_dir() {
            walk.dir(p);
        } else if p.exists() {
            walk.file(p.clone());
        } else {
            walk.errors
                .push(format!("`{}` does not exist", p.display()));
        }
    }
    (walk.files, walk.errors)
}

/// A directory walk that remembers the real (canonical) paths it has seen.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    errors: Vec<String>,
    seen_dirs: std::collections::HashSet<PathBuf>,
    seen_files: std::collections::HashSet<PathBuf>,
}

impl Walk {
    fn file(&mut self, p: PathBuf) {
        let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if self.seen_files.insert(real) {
            self.files.push(p);
        }
    }

    /// Depth first in sorted order, with an explicit stack (no recursion).
    fn dir(&mut self, root: &Path) {
        let mut stack = vec![root.to_path_buf()];
        while let Some(p) = stack.pop() {
            if !p.is_dir() {
                if p.extension().is_some_and(|e| e == "sla") {
                    self.file(p);
                }
                continue;
            }
            let real = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
            if !self.seen_dirs.insert(real) {
                continue;
            }
            let entries = match std::fs::read_dir(&p) {
                Ok(e) => e,
                Err(e) => {
                    self.errors
                        .push(format!("cannot read directory `{}`: {e}", p.display()));
                    continue;
                }
            };
            let mut found: Vec<PathBuf> =
                entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
            found.sort();
            stack.extend(found.into_iter().rev());
        }
    }
}
