//! Baselines: a file of the lint findings a team has decided to live with,
//! so that `slate check --baseline FILE` reports only new ones. Findings
//! are matched by file, code and fingerprint (which survives edits
//! elsewhere in the file; see `render::fingerprints`). Errors are never
//! baselined: a policy with errors does not compile.

use slate::diagnostics::render::{fingerprints, FileReport};
use std::collections::BTreeSet;
use std::path::Path;

/// Version of the baseline file format.
pub const FORMAT_VERSION: u32 = 1;

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    file: String,
    code: String,
    fingerprint: String,
    /// For people reading the file; not used to match.
    #[serde(default)]
    line: usize,
    #[serde(default)]
    message: String,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct File {
    format_version: u32,
    findings: Vec<Entry>,
}

/// A file name as a baseline records it: `/` separators, no leading `./`.
fn normalize(name: &str) -> String {
    let slashed = name.replace('\\', "/");
    let mut s = slashed.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

fn entries(reports: &[FileReport]) -> Vec<Entry> {
    let mut out = Vec::new();
    for r in reports {
        let file = normalize(&r.source.name);
        for (d, fp) in r.diagnostics.iter().zip(fingerprints(r)) {
            if d.code.is_lint() {
                out.push(Entry {
                    file: file.clone(),
                    code: d.code.as_str().to_string(),
                    fingerprint: fp,
                    line: r.source.line_col(d.primary.span.start).0,
                    message: d.message.clone(),
                });
            }
        }
    }
    out.sort();
    out
}

/// Writes the lint findings of `reports` to `path`; returns how many.
pub fn write(path: &Path, reports: &[FileReport]) -> Result<usize, String> {
    let findings = entries(reports);
    let n = findings.len();
    let file = File {
        format_version: FORMAT_VERSION,
        findings,
    };
    let text = serde_json::to_string_pretty(&file).map_err(|e| e.to_string())? + "\n";
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write the baseline `{}`: {e}", path.display()))?;
    Ok(n)
}

/// The findings a baseline file grandfathers.
pub struct Baseline {
    keys: BTreeSet<(String, String, String)>,
}

/// What applying a baseline did.
pub struct Applied {
    /// Findings hidden.
    pub hidden: usize,
    /// Entries for the files checked that no longer match a finding.
    pub stale: usize,
}

impl Baseline {
    /// Reads a baseline file. `Err((exit code, message))`.
    pub fn read(path: &Path) -> Result<Baseline, (i32, String)> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            (
                super::EXIT_IO,
                format!("cannot read the baseline `{}`: {e}", path.display()),
            )
        })?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            (
                super::EXIT_USAGE,
                format!(
                    "`{}` is not a slate baseline (line {}, column {}: {e}); write one with --write-baseline",
                    path.display(),
                    e.line(),
                    e.column()
                ),
            )
        })?;
        if file.format_version != FORMAT_VERSION {
            return Err((
                super::EXIT_USAGE,
                format!(
                    "`{}` has baseline format_version {}; this slate reads {FORMAT_VERSION}: write it again with --write-baseline",
                    path.display(),
                    file.format_version
                ),
            ));
        }
        let keys = file
            .findings
            .into_iter()
            .map(|e| (e.file, e.code, e.fingerprint))
            .collect();
        Ok(Baseline { keys })
    }

    /// Removes the findings the baseline holds.
    pub fn apply(&self, reports: &mut [FileReport]) -> Applied {
        let mut matched = BTreeSet::new();
        let mut checked = BTreeSet::new();
        let mut hidden = 0;
        for r in reports.iter_mut() {
            let file = normalize(&r.source.name);
            checked.insert(file.clone());
            let fps = fingerprints(r);
            let mut keep = fps.into_iter().zip(&r.diagnostics).map(|(fp, d)| {
                let key = (file.clone(), d.code.as_str().to_string(), fp);
                if d.code.is_lint() && self.keys.contains(&key) {
                    matched.insert(key);
                    false
                } else {
                    true
                }
            });
            let flags: Vec<bool> = keep.by_ref().collect();
            hidden += flags.iter().filter(|k| !**k).count();
            let mut i = 0;
            r.diagnostics.retain(|_| {
                i += 1;
                flags[i - 1]
            });
        }
        let stale = self
            .keys
            .iter()
            .filter(|k| checked.contains(&k.0) && !matched.contains(*k))
            .count();
        Applied { hidden, stale }
    }
}
