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
    let text = source.text.as_str();
    if let Some(diag) = error::check_nesting(text) {
        return (None, vec![diag]);
    }
    let mut diags = Vec::new();
    let mut tree = None;
    let mut offset = 0;
    loop {
        let rest = text.get(offset..).unwrap_or("");
        match <pest::SlateParser as ::pest::Parser<pest::Rule>>::parse(pest::Rule::file, rest) {
            Ok(pairs) => {
                let (file, more) = lower::file(pairs);
                diags.extend(more.into_iter().map(|d| error::shift(d, offset)));
                if offset == 0 {
                    tree = Some(file);
                }
                break;
            }
            Err(err) => {
                let pos = error::position(rest, &err);
                diags.push(error::shift(error::from_pest(rest, &err), offset));
                if diags.len() >= MAX_SYNTAX_ERRORS {
                    break;
                }
                match error::resume_point(rest, pos, 0) {
                    Some(next) => offset += next,
                    None => break,
                }
            }
        }
    }
    if diags.iter().any(|d| d.code == Code::SyntaxError) {
        tree = None;
    }
    (tree, diags)
}
