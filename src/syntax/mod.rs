//! Parsing: source text to the surface tree ([`crate::ast`]).
//!
//! pest lives here and nowhere else: `pest.rs` holds the generated parser,
//! `lower.rs` turns its pairs into [`ast`] values, and `error.rs` turns a
//! pest failure into a [`Diagnostic`] with readable names.

mod error;
mod literal;
mod lower;
mod pest;

#[cfg(test)]
mod tests;

use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

/// Parses a whole file.
///
/// Returns the surface tree when the text is valid syntax, and the syntax
/// errors otherwise (code `E0001`; usually just one, since parsing stops at
/// the first error). Spans are byte offsets into `source.text`. No input
/// panics: nesting is bounded before the parser runs.
pub fn parse(source: &SourceFile) -> (Option<ast::File>, Vec<Diagnostic>) {
    let text = source.text.as_str();
    if let Some(diag) = error::check_nesting(text) {
        return (None, vec![diag]);
    }
    match <pest::SlateParser as ::pest::Parser<pest::Rule>>::parse(pest::Rule::file, text) {
        Err(err) => (None, vec![error::from_pest(text, &err)]),
        Ok(pairs) => {
            let (file, diags) = lower::file(pairs);
            if diags
                .iter()
                .any(|d| d.code == crate::diagnostics::Code::SyntaxError)
            {
                (None, diags)
            } else {
                (Some(file), diags)
            }
        }
    }
}
