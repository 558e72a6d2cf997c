//! Diagnostics are data: a stable [`Code`], a level, a one-line message, a
//! primary label, secondary labels and a help line. Renderers turn them into
//! human (miette), JSON, SARIF or GitHub annotation output.

mod codes;
mod excerpt;
pub mod render;
mod sarif;
pub(crate) mod suppress;

pub use codes::{Code, Level, DIAGNOSTICS_URL, HOME_URL};

use crate::source::Span;
use serde::Serialize;

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there (may be empty).
    pub message: String,
}

/// One finding about one source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The stable code.
    pub code: Code,
    /// Error or warning.
    pub level: Level,
    /// One line, lowercase, no final period; user text in backticks.
    pub message: String,
    /// The primary location.
    pub primary: Label,
    /// Other related locations.
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's default level, `message`, and a primary
    /// label at `span` saying `label`.
    pub fn new(
        code: Code,
        span: Span,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        Diagnostic {
            code,
            level: code.level(),
            message: message.into(),
            primary: Label {
                span,
                message: label.into(),
            },
            secondary: Vec::new(),
            help: None,
        }
    }

    /// Adds a help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

/// Sorts diagnostics into the stable order used by every renderer: by
/// position, then code, then message.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (a.primary.span.start, a.primary.span.end, a.code, &a.message).cmp(&(
            b.primary.span.start,
            b.primary.span.end,
            b.code,
            &b.message,
        ))
    });
}

/// Names longer than this get no did-you-mean: edit distance costs the
/// product of the lengths, and such a name is no typo.
const MAX_SUGGEST_LEN: usize = 64;

/// The closest candidate to `name` by edit distance, when close enough to
/// be a likely typo: the one did-you-mean of slate (policies, ticket
/// fields, calendar and metric names, codes on the command line).
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if name.len() > MAX_SUGGEST_LEN {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&lower, &c.to_ascii_lowercase()),
                c,
            )
        })
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// The diagnostics reference (`docs/diagnostics.md`), generated from the code table.
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Diagnostics reference\n\n\
         Generated from the code table in `src/diagnostics/codes.rs` (a test keeps this file\n\
         in sync; regenerate with `SLATE_BLESS=1 cargo test --test it docs`). Codes are stable:\n\
         never renumbered or reused. `slate explain CODE` prints the same text.\n\n\
         | code | name | level | summary |\n| --- | --- | --- | --- |\n",
    );
    for c in Code::ALL {
        let level = if c.is_lint() { "warning" } else { "error" };
        out.push_str(&format!(
            "| [{}](#{}) | `{}` | {level} | {} |\n",
            c.as_str(),
            c.as_str().to_ascii_lowercase(),
            c.name(),
            c.summary()
        ));
    }
    for c in Code::ALL {
        out.push_str(&format!(
            "\n## {}\n\n`{}`: {}\n\n```text\n{}\n```\n",
            c.as_str(),
            c.name(),
            c.summary(),
            c.explanation()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {c}");
            assert!(seen.insert(c.name()), "duplicate name {}", c.name());
            let s = c.as_str();
            assert_eq!(s.len(), 5);
            assert!(s.starts_with('E') == (c.level() == Level::Error));
            assert!(!c.explanation().is_empty());
            assert_eq!(Code::lookup(s), Some(*c));
            assert_eq!(Code::lookup(c.name()), Some(*c));
        }
    }

    #[test]
    fn did_you_mean_finds_close_names() {
        let tiers = ["silver", "gold", "platinum"];
        assert_eq!(did_you_mean("platnum", tiers), Some("platinum"));
        assert_eq!(did_you_mean("silvr", tiers), Some("silver"));
        assert_eq!(did_you_mean("zzzzzz", tiers), None);
    }
}
