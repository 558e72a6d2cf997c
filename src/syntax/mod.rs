//! Parsing: source text to the surface tree ([`crate::ast`]).
//!
//! pest lives here and nowhere else: `pest.rs` holds the generated parser
//! and the readable names of its rules, `lower/` turns its pairs into
//! [`ast`] values (`literal.rs` classifies values), and `error.rs` turns a
//! pest failure into a [`Diagnostic`] a user can act on, with a hint from
//! `hints.rs` for common mistakes.

mod error;
mod hints;
mod literal;
mod lower;
mod pest;

pub(crate) mod cst;

#[cfg(test)]
mod tests;

use crate::ast;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::SourceFile;

/// At most this many syntax errors are reported for one file.
const MAX_SYNTAX_ERRORS: usize = 20;

/// Parses a whole file.
///
/// Returns the surface tree when the text is valid syntax, and the syntax
/// errors (code `E0001`) otherwise. After an error, parsing resumes at the
/// next line that starts with a declaration keyword in its first column, so
/// independent mistakes in different declarations are all reported (up to
/// 20). Spans are byte offsets into `source.text`. No input panics or
/// exhausts the stack: nesting is bounded before the parser runs.
///
/// A policy setting given twice (`provider`, `effective`, `calendar`, a
/// severity's `clock`) is reported as `E0111` with the tree still returned,
/// keeping the first value.
pub fn parse(source: &SourceFile) -> (Option<ast::File>, Vec<Diagnostic>) {
    let parsed = parse_recovering(source);
    let tree = if parsed.complete { parsed.tree } else { None };
    (tree, parsed.diags)
}

/// The result of [`parse_recovering`].
pub struct Parsed {
    /// The declarations that parsed (all of them when `complete`); `None`
    /// when nothing could be recovered, or when lowering refused a value
    /// (an `E0001` such as an unknown escape: its placeholder is not
    /// checked).
    pub tree: Option<ast::File>,
    /// Syntax errors, and the findings of lowering the declarations that
    /// parsed.
    pub diags: Vec<Diagnostic>,
    /// Whether the whole file parsed and lowered without an `E0001`.
    pub complete: bool,
}

/// [`parse`], keeping what parsed after a syntax error.
///
/// A declaration with a syntax error is skipped from the line where it
/// starts (the last line at or before the error that starts with a
/// declaration keyword in its first column) to the line where parsing
/// resumes; every other declaration is in the tree, with its spans into
/// `source.text`. When the declarations around the skipped ones do not
/// parse on their own (a `}` missing before the error), nothing is
/// recovered and `tree` is `None`.
pub fn parse_recovering(source: &SourceFile) -> Parsed {
    let text = source.text.as_str();
    if let Some(diag) = error::check_nesting(text) {
        return Parsed {
            tree: None,
            diags: vec![diag],
            complete: false,
        };
    }
    // Syntax errors from pest, and the lowering findings of the text after
    // the last one.
    let mut diags = Vec::new();
    let mut lowered = Vec::new();
    let mut tree = None;
    let mut offset = 0;
    // Byte ranges of `text` skipped after syntax errors.
    let mut skipped: Vec<(usize, usize)> = Vec::new();
    loop {
        let rest = text.get(offset..).unwrap_or("");
        match <pest::SlateParser as ::pest::Parser<pest::Rule>>::parse(pest::Rule::file, rest) {
            Ok(pairs) => {
                let (file, more) = lower::file(pairs);
                lowered.extend(more.into_iter().map(|d| error::shift(d, offset)));
                if offset == 0 {
                    tree = Some(file);
                }
                break;
            }
            Err(err) => {
                let pos = error::position(rest, &err);
                diags.push(error::shift(error::from_pest(rest, &err), offset));
                let from = offset + error::declaration_start(rest, pos);
                let next = if diags.len() >= MAX_SYNTAX_ERRORS {
                    None
                } else {
                    error::resume_point(rest, pos, 0)
                };
                match next {
                    Some(next) => {
                        skipped.push((from, offset + next));
                        offset += next;
                    }
                    None => {
                        skipped.push((from, text.len()));
                        break;
                    }
                }
            }
        }
    }
    // A value lowering refuses (`E0001` too: an unknown escape, a number
    // too large) leaves a placeholder in the tree: no tree is checked then.
    let refused = |d: &[Diagnostic]| d.iter().any(|d| d.code == Code::SyntaxError);
    if skipped.is_empty() {
        let complete = !refused(&lowered);
        return Parsed {
            tree: if complete { tree } else { None },
            diags: lowered,
            complete,
        };
    }
    // Blank the skipped declarations (keeping every byte offset and line)
    // and parse the rest again.
    let mut blanked = text.as_bytes().to_vec();
    for &(from, to) in &skipped {
        for b in blanked.get_mut(from..to).into_iter().flatten() {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    let blanked = String::from_utf8_lossy(&blanked);
    let mut tree = None;
    match <pest::SlateParser as ::pest::Parser<pest::Rule>>::parse(pest::Rule::file, &blanked) {
        Ok(pairs) => {
            // The lowering findings of every declaration that parsed (the
            // loop above only lowered the text after the last error).
            let (file, all) = lower::file(pairs);
            if !refused(&all) {
                tree = Some(file);
            }
            diags.extend(all);
        }
        Err(_) => diags.extend(lowered),
    }
    let complete = false;
    Parsed {
        tree,
        diags,
        complete,
    }
}
