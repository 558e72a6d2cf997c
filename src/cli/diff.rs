//! `slate diff OLD NEW` and `slate breaking OLD NEW`.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use clap::ValueEnum;
use slate::diff::example::Example;
use slate::diff::{breaking, diff, Category, Change};
use slate::Compiled;
use std::io::Write;

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// Lines for people.
    Human,
    /// A versioned JSON envelope.
    Json,
}

/// Arguments of `slate diff` and `slate breaking`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// The old version: a file, or `git:REV:PATH` (PATH relative to the
    /// current directory, as in `git:main:policies/domo.sla`).
    old: String,
    /// The new version, in the same forms.
    new: String,
    /// Report format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    format: DiffFormat,
    /// Only these categories (comma-separated or repeated): targets, hours,
    /// metrics, availability, quotas, coverage. Default: all.
    #[arg(long, value_delimiter = ',', value_name = "CATEGORY")]
    category: Vec<String>,
}

/// Loads both sides; `Err` carries the exit code (messages printed).
fn load_both(args: &Args) -> Result<(Compiled, Compiled, Vec<Category>), i32> {
    let mut categories = Vec::new();
    for c in &args.category {
        match Category::from_name(c.trim()) {
            Some(cat) => categories.push(cat),
            None => {
                let names: Vec<&str> = Category::ALL.iter().map(|c| c.name()).collect();
                eprintln!(
                    "error: unknown category `{c}`; the categories are {}",
                    names.join(", ")
                );
                return Err(EXIT_USAGE);
            }
        }
    }
    if categories.is_empty() {
        categories = Category::ALL.to_vec();
    }
    let old = load(&args.old)?;
    let new = load(&args.new)?;
    Ok((old, new, categories))
}

/// Reads a side: a file or `git:REV:PATH`, and compiles it.
fn load(spec: &str) -> Result<Compiled, i32> {
    let bytes = match spec.strip_prefix("git:") {
        Some(rest) => {
            let Some((rev, path)) = rest.split_once(':') else {
                eprintln!("error: `{spec}` is not `git:REV:PATH` (for example `git:main:policies/domo.sla`)");
                return Err(EXIT_USAGE);
            };
            let object = if path.starts_with("./") || path.starts_with('/') {
                format!("{rev}:{path}")
            } else {
                format!("{rev}:./{path}")
            };
            let out = std::process::Command::new("git")
                .args(["show", &object])
                .output()
                .map_err(|e| {
                    eprintln!("error: cannot run git for `{spec}`: {e}");
                    EXIT_IO
                })?;
            if !out.status.success() {
                eprintln!(
                    "error: cannot read `{spec}`: {}",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                return Err(EXIT_IO);
            }
            out.stdout
        }
        None => std::fs::read(spec).map_err(|e| {
            eprintln!("error: cannot read `{spec}`: {e}");
            EXIT_IO
        })?,
    };
    let (source, encoding) = slate::source_from_bytes(spec, bytes);
    let render = |d: &slate::diagnostics::Diagnostic| {
        eprint!(
            "{}",
            slate::diagnostics::render::human(&source, d, false, 100)
        );
    };
    if let Some(d) = encoding {
        render(&d);
        return Err(EXIT_FINDINGS);
    }
    match slate::compile(&source) {
        Ok(c) => Ok(c),
        Err(e) => {
            e.diagnostics.iter().for_each(render);
            eprintln!("error: `{spec}` does not compile");
            Err(EXIT_FINDINGS)
        }
    }
}

fn write_out(text: &str) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            EXIT_IO
        }
    }
}

/// `slate diff`: every semantic difference; exit 0 (it is a report).
pub fn run_diff(args: Args) -> i32 {
    let (old, new, categories) = match load_both(&args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let changes: Vec<Change> = diff(old.policy(), new.policy())
        .into_iter()
        .filter(|c| categories.contains(&c.category))
        .collect();
    let text = match args.format {
        DiffFormat::Json => json(&serde_json::json!({
            "format_version": 1,
            "old": args.old,
            "new": args.new,
            "changes": changes,
        })),
        DiffFormat::Human => {
            let mut text = String::new();
            let mut last = None;
            for c in &changes {
                if last != Some(c.category) {
                    text.push_str(c.category.name());
                    text.push('\n');
                    last = Some(c.category);
                }
                text.push_str(&format!(
                    "  {:<8} {}: {}\n",
                    c.direction.name(),
                    c.subject,
                    c.detail
                ));
            }
            text.push_str(&format!("{} difference(s)\n", changes.len()));
            text
        }
    };
    write_out(&text)
}

/// `slate breaking`: the weakened promises with example tickets; exit 1
/// when there is one.
pub fn run_breaking(args: Args) -> i32 {
    let (old, new, categories) = match load_both(&args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let found = breaking(&old, &new, &categories);
    let text = match args.format {
        DiffFormat::Json => json(&serde_json::json!({
            "format_version": 1,
            "old": args.old,
            "new": args.new,
            "breaking": found,
        })),
        DiffFormat::Human => {
            let mut text = String::new();
            for b in &found {
                let c = &b.change;
                text.push_str(&format!(
                    "breaking ({}): {} {}: {}\n",
                    c.category.name(),
                    c.subject,
                    c.direction.name(),
                    c.detail
                ));
                match &b.example {
                    Some(ex) => text.push_str(&example_text(ex, &old)),
                    None if c.probe.is_some() => text.push_str(
                        "  no example ticket found in the week searched; the promise is weaker as written\n",
                    ),
                    None => text.push_str("  (a promise about more than ticket deadlines: no example ticket)\n"),
                }
            }
            if found.is_empty() {
                text.push_str("no breaking changes\n");
            } else {
                text.push_str(&format!("{} breaking change(s)\n", found.len()));
            }
            text
        }
    };
    let code = write_out(&text);
    if code != EXIT_OK {
        code
    } else if found.is_empty() {
        EXIT_OK
    } else {
        EXIT_FINDINGS
    }
}

fn example_text(ex: &Example, old: &Compiled) -> String {
    let t = &ex.target;
    let mut s = format!(
        "  example: a {} {} ticket{} whose {} clock starts {}",
        t.tier,
        t.severity,
        t.issue_type
            .as_deref()
            .map(|ty| format!(" of type {ty}"))
            .unwrap_or_default(),
        t.metric,
        ex.opened.format("%Y-%m-%dT%H:%M:%SZ")
    );
    let zone = ex
        .calendar
        .as_deref()
        .and_then(|c| old.calendar(c).ok())
        .and_then(|c| c.zone());
    if let Some(z) = zone {
        s.push_str(&format!(
            " ({} {})",
            ex.opened.with_timezone(&z).format("%a %Y-%m-%d %H:%M"),
            z.name()
        ));
    }
    s.push('\n');
    s.push_str(&format!(
        "    old deadline {}\n",
        ex.old_deadline.format("%Y-%m-%dT%H:%M:%SZ")
    ));
    match ex.new_deadline {
        Some(d) => {
            s.push_str(&format!(
                "    new deadline {}",
                d.format("%Y-%m-%dT%H:%M:%SZ")
            ));
            if let (Some(secs), Some(cal)) = (ex.later_open_seconds, &ex.calendar) {
                s.push_str(&format!(
                    ", {} of open time later on `{cal}`",
                    slate::Duration::Seconds(secs)
                ));
            }
            s.push('\n');
        }
        None => {
            s.push_str("    new deadline: none (the new version gives this ticket no deadline)\n")
        }
    }
    s.push_str(&format!("    ticket: {}\n", ex.ticket));
    s
}

fn json(v: &serde_json::Value) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
