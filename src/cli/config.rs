//! `slate.toml`: settings for `slate check`, found by walking up from each
//! checked file to the nearest directory that has one (the nearest file
//! wins; files are not merged).
//!
//! ```toml
//! # Paths (relative to this file) that a directory walk skips.
//! ignore = ["drafts/", "legacy/*.sla"]
//!
//! [rules]
//! tier-inversion = "off"   # or "warn", or "error"; codes work too: L0301
//! L0401 = "error"
//! ```

use slate::diagnostics::{did_you_mean, Code, Diagnostic, Level};
use slate::source::SourceFile;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// The name of the settings file.
pub const FILE_NAME: &str = "slate.toml";

/// What a `[rules]` entry sets a lint to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    /// Not reported.
    Off,
    /// A warning.
    Warn,
    /// An error: fails the check like any error.
    Error,
}

/// One `slate.toml`.
#[derive(Debug)]
pub struct Config {
    /// The directory it was found in: ignore patterns are relative to it.
    dir: PathBuf,
    ignore: Vec<String>,
    rules: BTreeMap<Code, RuleLevel>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
    #[serde(default)]
    rules: BTreeMap<String, toml::Spanned<String>>,
    /// Tables read by other commands (`breaking`, `fmt`, `test`), not by
    /// `check`: accepted here so that one file serves every command.
    #[serde(default, rename = "breaking")]
    _breaking: Option<toml::Value>,
    #[serde(default, rename = "fmt")]
    _fmt: Option<toml::Value>,
    #[serde(default, rename = "test")]
    _test: Option<toml::Value>,
}

impl Config {
    /// Reads and validates one file; the error names the file, the line and
    /// the setting, and says what to write instead.
    pub fn read(path: &Path) -> Result<Config, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        Self::parse(path, &text)
    }

    fn parse(path: &Path, text: &str) -> Result<Config, String> {
        let shown = path.display();
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let (l, c) = SourceFile::new("", text).line_col(s.start);
                    format!(" (line {l}, column {c})")
                })
                .unwrap_or_default();
            format!(
                "`{shown}`{at}: {}; it takes `ignore = [\"path\", ...]` and a `[rules]` table",
                e.message().trim_end_matches('.')
            )
        })?;
        let line = |span: std::ops::Range<usize>| SourceFile::new("", text).line_col(span.start).0;
        let mut rules = BTreeMap::new();
        for (key, value) in &raw.rules {
            let at = line(value.span());
            let code = match Code::lookup(key) {
                Some(c) if c.is_lint() => c,
                Some(c) => {
                    return Err(format!(
                        "`{shown}` line {at}: `{key}` is an error ({c}); only lints (L codes) can be set"
                    ))
                }
                None => {
                    let names = Code::ALL.iter().filter(|c| c.is_lint()).map(|c| c.name());
                    let hint = did_you_mean(key, names)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_else(|| "; `slate rules` lists them".to_string());
                    return Err(format!("`{shown}` line {at}: `{key}` is not a lint{hint}"));
                }
            };
            let level = match value.get_ref().as_str() {
                "off" => RuleLevel::Off,
                "warn" | "warning" => RuleLevel::Warn,
                "error" => RuleLevel::Error,
                other => {
                    return Err(format!(
                        "`{shown}` line {at}: `{key} = \"{other}\"`: the level is \"off\", \"warn\" or \"error\""
                    ))
                }
            };
            if rules.insert(code, level).is_some() {
                return Err(format!(
                    "`{shown}` line {at}: {code} is set twice (by code and by name)"
                ));
            }
        }
        let mut ignore = Vec::new();
        for p in &raw.ignore {
            let pattern = p.get_ref().trim();
            if pattern.is_empty() || pattern.starts_with('/') || pattern.contains('\\') {
                return Err(format!(
                    "`{shown}` line {}: ignore pattern `{pattern}` must be a relative path with `/` (like `drafts/` or `old/*.sla`)",
                    line(p.span())
                ));
            }
            ignore.push(pattern.to_string());
        }
        let dir = absolute(path)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Ok(Config { dir, ignore, rules })
    }

    /// Whether a file found in a directory walk is ignored.
    pub fn ignores(&self, file: &Path) -> bool {
        let Ok(rel) = absolute(file)
            .strip_prefix(&self.dir)
            .map(Path::to_path_buf)
        else {
            return false;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        self.ignore.iter().any(|p| ignored_by(p, &parts))
    }

    /// The level this file sets for `code`, if it sets one.
    pub fn level_of(&self, code: Code) -> Option<RuleLevel> {
        self.rules.get(&code).copied()
    }

    /// Applies the `[rules]` levels: drops the lints set to `off`, and sets
    /// the level of the others.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>) {
        diags.retain_mut(|d| match self.rules.get(&d.code) {
            Some(RuleLevel::Off) => false,
            Some(RuleLevel::Warn) => {
                d.level = Level::Warning;
                true
            }
            Some(RuleLevel::Error) => {
                d.level = Level::Error;
                true
            }
            None => true,
        });
    }
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// Whether a path (its components, relative to the config's directory) is
/// ignored by one pattern. A pattern without `/` (other than a trailing
/// one) matches any component, as in `.gitignore`; one with `/` matches from
/// the config's directory. A trailing `/` (or a match on a directory part)
/// ignores everything below. `*` and `?` stay within a component; `**`
/// matches any number of components.
fn ignored_by(pattern: &str, parts: &[&str]) -> bool {
    let pattern = pattern.trim_end_matches('/');
    let segs: Vec<&str> = pattern
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if segs.len() == 1 {
        return parts.iter().any(|p| wildcard(segs[0], p));
    }
    // Anchored: the pattern matches a prefix of the path (a directory and
    // everything below it, or the file itself).
    (1..=parts.len()).any(|n| segments(&segs, &parts[..n]))
}

fn segments(pat: &[&str], path: &[&str]) -> bool {
    match (pat.first(), path.first()) {
        (None, None) => true,
        (Some(&"**"), _) => {
            segments(&pat[1..], path) || (!path.is_empty() && segments(pat, &path[1..]))
        }
        (Some(p), Some(s)) => wildcard(p, s) && segments(&pat[1..], &path[1..]),
        _ => false,
    }
}

/// `*` (any run of characters) and `?` (one character) within one name.
fn wildcard(pat: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pat.chars().collect(), name.chars().collect());
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// The nearest `slate.toml` of each directory, read once.
#[derive(Default)]
pub struct Configs {
    by_dir: HashMap<PathBuf, Option<Rc<Config>>>,
}

impl Configs {
    /// The settings that apply to `file`: the nearest `slate.toml` in its
    /// directory or one above it.
    pub fn for_file(&mut self, file: &Path) -> Result<Option<Rc<Config>>, String> {
        let abs = absolute(file);
        let Some(dir) = abs.parent() else {
            return Ok(None);
        };
        self.for_dir(dir)
    }

    /// The settings that apply to files in `dir`.
    pub fn for_dir(&mut self, dir: &Path) -> Result<Option<Rc<Config>>, String> {
        if let Some(c) = self.by_dir.get(dir) {
            return Ok(c.clone());
        }
        let candidate = dir.join(FILE_NAME);
        let found = if candidate.is_file() {
            Some(Rc::new(Config::read(&shorten(&candidate))?))
        } else {
            match dir.parent() {
                Some(up) => self.for_dir(up)?,
                None => None,
            }
        };
        self.by_dir.insert(dir.to_path_buf(), found.clone());
        Ok(found)
    }
}

/// A path relative to the working directory when it is below it (for
/// messages), else as it is.
fn shorten(p: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_and_anchors() {
        assert!(wildcard("*.sla", "a.sla"));
        assert!(wildcard("a?c", "abc"));
        assert!(!wildcard("*.sla", "a.slax"));
        assert!(ignored_by("drafts/", &["drafts", "x.sla"]));
        assert!(ignored_by("drafts", &["team", "drafts", "x.sla"]));
        assert!(ignored_by("old/*.sla", &["old", "x.sla"]));
        assert!(!ignored_by("old/*.sla", &["team", "old", "x.sla"]));
        assert!(ignored_by("**/old/*.sla", &["team", "old", "x.sla"]));
        assert!(!ignored_by("legacy.sla", &["current.sla"]));
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_setting() {
        let p = Path::new("team/slate.toml");
        let e = Config::parse(p, "[rules]\ntier-inversoin = \"off\"\n").unwrap_err();
        assert_eq!(
            e,
            "`team/slate.toml` line 2: `tier-inversoin` is not a lint; did you mean `tier-inversion`?"
        );
        let e = Config::parse(p, "[rules]\nL0301 = \"silent\"\n").unwrap_err();
        assert!(
            e.contains("line 2") && e.contains("\"off\", \"warn\" or \"error\""),
            "{e}"
        );
        let e = Config::parse(p, "[rules]\nE0101 = \"off\"\n").unwrap_err();
        assert!(e.contains("is an error (E0101)"), "{e}");
        let e = Config::parse(p, "ignored = []\n").unwrap_err();
        assert!(
            e.starts_with("`team/slate.toml` (line 1, column 1): unknown field `ignored`"),
            "{e}"
        );
        let ok = Config::parse(
            p,
            "ignore = [\"drafts/\"]\n[rules]\nunused = \"error\"\nL0301 = \"off\"\n",
        )
        .expect("valid");
        assert_eq!(ok.rules.get(&Code::Unused), Some(&RuleLevel::Error));
        assert_eq!(ok.rules.get(&Code::TierInversion), Some(&RuleLevel::Off));
        // Other commands' tables are accepted (and left to them).
        let shared = "[breaking]\ncategories = [\"targets\"]\n[fmt]\n[test]\n";
        assert!(Config::parse(p, shared).is_ok());
    }
}
