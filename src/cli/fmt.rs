//! `slate fmt`: rewrite policies in the canonical layout.

use super::{EXIT_FINDINGS, EXIT_IO, EXIT_OK, EXIT_USAGE};
use slate::diagnostics::render;
use slate::format::{format, FormatError};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

/// Arguments of `slate fmt`.
#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy files or directories (searched for *.sla); none or `-`: read
    /// standard input and write the result to standard output.
    paths: Vec<PathBuf>,
    /// Change nothing; print a unified diff of each file that is not
    /// formatted and exit with 1 if there is one.
    #[arg(long, conflicts_with = "diff")]
    check: bool,
    /// Change nothing; print a unified diff of each file that is not
    /// formatted (exit 0).
    #[arg(long)]
    diff: bool,
}

/// What happened to one file.
enum Outcome {
    Same,
    Changed,
    Refused,
    Failed,
}

pub fn run(args: Args) -> i32 {
    let stdin = args.paths.is_empty() || args.paths.iter().any(|p| p.as_os_str() == "-");
    if stdin && args.paths.len() > 1 {
        eprintln!("error: `-` (standard input) cannot be mixed with paths");
        return EXIT_USAGE;
    }
    let mut outcomes = Vec::new();
    if stdin {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
            eprintln!("error: cannot read standard input: {e}");
            return EXIT_IO;
        }
        outcomes.push(one(None, "<stdin>", bytes, &args));
    } else {
        let (files, errors) = super::collect_policies(&args.paths);
        for e in &errors {
            eprintln!("error: {e}");
        }
        if !errors.is_empty() {
            return EXIT_IO;
        }
        if files.is_empty() {
            eprintln!("error: no .sla files found");
            return EXIT_USAGE;
        }
        for path in &files {
            let outcome = match std::fs::read(path) {
                Ok(bytes) => one(Some(path), &path.display().to_string(), bytes, &args),
                Err(e) => {
                    eprintln!("error: cannot read `{}`: {e}", path.display());
                    Outcome::Failed
                }
            };
            outcomes.push(outcome);
        }
    }
    let count = |f: fn(&Outcome) -> bool| outcomes.iter().filter(|o| f(o)).count();
    let changed = count(|o| matches!(o, Outcome::Changed));
    if args.check && changed > 0 {
        eprintln!("{changed} file(s) are not formatted; run `slate fmt` on them");
    }
    if count(|o| matches!(o, Outcome::Failed)) > 0 {
        EXIT_IO
    } else if count(|o| matches!(o, Outcome::Refused)) > 0 || (args.check && changed > 0) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

/// Formats one file (`path`, or standard input when `None`).
fn one(path: Option<&Path>, name: &str, bytes: Vec<u8>, args: &Args) -> Outcome {
    let color = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    let (source, encoding) = slate::source_from_bytes(name, bytes);
    if let Some(diag) = encoding {
        eprint!("{}", render::human(&source, &diag, color, 100));
        eprintln!("error: `{name}` was not formatted");
        return Outcome::Refused;
    }
    let formatted = match format(&source) {
        Ok(f) => f,
        Err(FormatError::Syntax(diags)) => {
            for d in &diags {
                eprint!("{}", render::human(&source, d, color, 100));
            }
            eprintln!("error: `{name}` has syntax errors and was not formatted");
            return Outcome::Refused;
        }
        Err(FormatError::Internal(why)) => {
            eprintln!("error: cannot format `{name}`: {why}; the file is unchanged (this is a bug in slate fmt, please report it)");
            return Outcome::Failed;
        }
    };
    let changed = formatted != source.text;
    let mut out = std::io::stdout().lock();
    let written = if args.check || args.diff {
        if changed {
            let diff = similar::TextDiff::from_lines(source.text.as_str(), formatted.as_str());
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(name, &format!("{name} (formatted)"))
                .to_string();
            out.write_all(text.as_bytes())
        } else {
            Ok(())
        }
    } else {
        match path {
            None => out.write_all(formatted.as_bytes()),
            Some(p) if changed => match replace(p, &formatted) {
                Ok(()) => {
                    eprintln!("formatted {name}");
                    Ok(())
                }
                Err(e) => {
                    eprintln!("error: cannot write `{name}`: {e}");
                    return Outcome::Failed;
                }
            },
            Some(_) => Ok(()),
        }
    };
    match written.and_then(|()| out.flush()) {
        Ok(()) if changed => Outcome::Changed,
        Ok(()) => Outcome::Same,
        // A closed pipe (`slate fmt --check | head`): stop quietly.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            if changed {
                Outcome::Changed
            } else {
                Outcome::Same
            }
        }
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            Outcome::Failed
        }
    }
}

/// Writes `text` to a sibling temporary file, then renames it over `path`,
/// so a failure never leaves half a policy behind.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".fmt-tmp");
    let tmp = PathBuf::from(tmp);
    if let Err(e) = std::fs::write(&tmp, text).and_then(|()| std::fs::rename(&tmp, path)) {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}
