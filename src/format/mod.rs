//! `slate fmt`: one canonical layout for policy files.
//!
//! The layout, printed from the concrete tree of `syntax::cst` (private):
//!
//! - declarations are separated by one blank line; one-line declarations
//!   the author wrote on consecutive lines (`escalate ...` twice) stay
//!   together;
//! - a block holds one statement per line, indented two spaces; a block with
//!   one statement written on one line stays on one line (`tier free { basic }`),
//!   an empty one is `{}`; blank lines between statements are kept (at most
//!   one), none after `{` or before `}`;
//! - tokens are separated by one space, with none before `,`, around `..` or
//!   in a time range (`08:00-17:00`), none inside parentheses;
//! - target tables: the row labels in one column, every tier column padded
//!   to its widest cell, two spaces after the labels and one between columns;
//! - durations are normalized (`90m` is `1h30m`, `0h` is `0s`), times of day
//!   have two-digit hours;
//! - every comment stays where it was: a comment that ended a line of code
//!   still ends that line (the trailing comments of one block are aligned),
//!   a comment on its own line stays on its own line.
//!
//! Nothing is reordered. The result is checked before it is returned: it
//! must parse to the same tokens and comments, or formatting fails rather
//! than change a policy.

mod print;

use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;
use crate::syntax::cst::{self, Elem, Node, TokenKind};

/// Why a file could not be formatted.
#[derive(Debug, Clone)]
pub enum FormatError {
    /// The file has syntax errors; nothing was formatted.
    Syntax(Vec<Diagnostic>),
    /// The formatter's output would not read back as the same policy (a bug
    /// in the formatter); the file is left as it is.
    Internal(String),
}

/// Formats one policy file. Returns the canonical text (equal to the input
/// when the file is already formatted).
///
/// ```
/// let source = slate::source::SourceFile::new("p.sla", "tiers  a<b\n\n\n\ntier a { x   90m }  # note\n");
/// let out = slate::format::format(&source).unwrap();
/// assert_eq!(out, "tiers a < b\n\ntier a { x 1h30m }  # note\n");
/// ```
pub fn format(source: &SourceFile) -> Result<String, FormatError> {
    let tree = cst::parse(source).map_err(FormatError::Syntax)?;
    let out = print::file(&tree);
    let again = cst::parse(&SourceFile::new(source.name.clone(), out.clone())).map_err(|d| {
        FormatError::Internal(format!(
            "the formatted text does not parse ({})",
            d.first()
                .map(|d| d.message.as_str())
                .unwrap_or("no message")
        ))
    })?;
    let (before, after) = (fingerprint(&tree), fingerprint(&again));
    if before != after {
        let at = before
            .iter()
            .zip(&after)
            .position(|(a, b)| a != b)
            .unwrap_or(before.len().min(after.len()));
        return Err(FormatError::Internal(format!(
            "the formatted text would not keep every token and comment (first difference at {:?} / {:?})",
            before.get(at),
            after.get(at)
        )));
    }
    Ok(out)
}

/// The tokens (normalized) and comments of a tree, in order: what formatting
/// must keep.
fn fingerprint(tree: &Node) -> Vec<String> {
    tree.leaves()
        .into_iter()
        .map(|e| match e {
            Elem::Token(t) => normalize(&t.text, t.kind),
            Elem::Comment(c) => c.text.clone(),
            Elem::Node(_) => String::new(),
        })
        .collect()
}

/// A token's canonical text: durations and times normalized, the rest as written.
pub(crate) fn normalize(text: &str, kind: TokenKind) -> String {
    match kind {
        TokenKind::Value => normalize_duration(text).unwrap_or_else(|| text.to_string()),
        TokenKind::Time => match text.split_once(':') {
            Some((h, m)) if h.len() == 1 => format!("0{h}:{m}"),
            _ => text.to_string(),
        },
        _ => text.to_string(),
    }
}

/// `90m` -> `1h30m`, `30m1h` -> `1h30m`, `0h` -> `0s`, `01bd` -> `1bd`,
/// read by the one duration parser ([`crate::values::parse_duration`]).
/// Durations with days or weeks (`2d`, `1w`) are kept as written: `d` and
/// `w` mean something of their own to the checker. `None` when `text` is not
/// a duration.
pub(crate) fn normalize_duration(text: &str) -> Option<String> {
    if !text.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    match crate::values::parse_duration(text).ok()? {
        d if d.uses_days => Some(text.to_string()),
        d => Some(d.value.to_string()),
    }
}

#[cfg(test)]
mod tests;
