//! slate: a declarative language for support service-level agreements.
//!
//! The pipeline is `text -> syntax -> ast -> check -> ir -> calendar / eval`.
//! Each stage depends only on the ones before it; the evaluator never sees
//! syntax and never reads the clock.
//!
//! ```
//! let source = slate::source::SourceFile::new("mini.sla", r#"
//! policy "Mini" { calendar office }
//! calendar office { zone "Europe/Paris"  mon-fri 09:00-17:00 }
//! severity high "Production down"
//! tiers basic < premium
//! targets first_response {
//!         basic premium
//!   high  8h    2h
//! }
//! "#);
//! let compiled = slate::compile(&source).expect("the policy checks clean");
//! assert_eq!(compiled.policy.tiers.len(), 2);
//! assert!(compiled.warnings.is_empty());
//! ```
//!
//! Embedding the evaluator: compile once, share the policy and its
//! calendars across threads (both are `Send + Sync`), and ask about a ticket
//! value at an instant you choose. Nothing in the library reads the clock or
//! does I/O.
//!
//! ```
//! use slate::calendar::CalendarSet;
//! use slate::eval::{evaluate, read_line, ReadOptions, State};
//!
//! let source = slate::source::SourceFile::new("mini.sla", r#"
//! policy "Mini" { calendar office }
//! calendar office { zone "America/Chicago"  mon-fri 08:00-16:00 }
//! severity high "Production down"
//! tiers basic
//! targets first_response {
//!         basic
//!   high  8h
//! }
//! "#);
//! let policy = slate::compile(&source)?.policy;
//! let calendars = CalendarSet::from_policy(&policy)?;
//!
//! // Opened on a Friday at 15:30 in Chicago, not answered yet.
//! let line = r#"{"id": "T-1", "tier": "basic", "severity": "high",
//!                "events": [{"at": "2026-03-06T15:30:00-06:00", "type": "opened"}]}"#;
//! let ticket = read_line(&policy, line, 1, &ReadOptions::default())?;
//! let at = chrono::DateTime::parse_from_rfc3339("2026-03-09T12:00:00-05:00")?.to_utc();
//! let answer = evaluate(&policy, &calendars, &ticket, at)?;
//!
//! let first = answer.metrics.iter().find(|m| m.metric == "first_response").unwrap();
//! let cycle = &first.cycles[0];
//! assert_eq!(cycle.state, State::Running);
//! // 30 minutes on Friday, then Monday 08:00 + 7h30m (after the US DST change).
//! assert_eq!(cycle.deadline.map(|d| d.to_rfc3339()), Some("2026-03-09T20:30:00+00:00".into()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod ast;
pub mod calendar;
pub mod check;
pub mod diagnostics;
pub mod eval;
pub mod ir;
pub mod source;
pub mod syntax;
pub mod values;

use diagnostics::Diagnostic;
use source::SourceFile;
use std::sync::OnceLock;

/// The prelude's source text: the built-in metrics, written in slate.
pub const PRELUDE: &str = include_str!("prelude.sla");

/// A policy that compiled, with the warnings found on the way.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The checked policy.
    pub policy: ir::Policy,
    /// Lint findings (warnings); empty for a clean policy.
    pub warnings: Vec<Diagnostic>,
}

/// A policy that did not compile: every finding, errors and warnings, in
/// stable order.
#[derive(Debug, Clone)]
pub struct CompileError {
    /// The findings.
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let errors = self.diagnostics.iter().filter(|d| d.is_error()).count();
        write!(f, "the policy has {errors} error(s)")?;
        if let Some(d) = self.diagnostics.iter().find(|d| d.is_error()) {
            write!(f, "; first: {} {}", d.code, d.message)?;
        }
        Ok(())
    }
}

impl std::error::Error for CompileError {}

fn prelude() -> &'static ast::File {
    static PRELUDE_AST: OnceLock<ast::File> = OnceLock::new();
    PRELUDE_AST.get_or_init(|| {
        let (file, diags) = syntax::parse(&SourceFile::new("prelude.sla", PRELUDE));
        debug_assert!(diags.is_empty(), "the prelude must parse: {diags:?}");
        file.unwrap_or_default()
    })
}

/// Parses and checks one policy file, returning the policy (when it has no
/// errors) and every finding in stable order.
pub fn check_source(source: &SourceFile) -> (Option<ir::Policy>, Vec<Diagnostic>) {
    let (file, mut diags) = syntax::parse(source);
    let mut policy = None;
    if let Some(file) = file {
        for item in &file.items {
            if let ast::Item::Import(path) = item {
                diags.push(
                    Diagnostic::new(
                        diagnostics::Code::ImportUnsupported,
                        path.span,
                        format!(
                            "cannot import `{}`: imports are not supported yet",
                            path.node
                        ),
                        "not read",
                    )
                    .with_help("copy the declarations you need into this policy"),
                );
            }
        }
        let (p, more) = check::check(&file, prelude(), &source.name);
        diags.extend(more);
        diagnostics::suppress::apply(source, &file, &mut diags);
        policy = p;
    }
    diagnostics::sort(&mut diags);
    if diags.iter().any(Diagnostic::is_error) {
        policy = None;
    }
    (policy, diags)
}

/// Reads policy bytes. Invalid UTF-8 is not a failure: the text comes back
/// with the bad bytes replaced, together with an `E0002` finding at the
/// first bad byte.
pub fn source_from_bytes(name: &str, bytes: Vec<u8>) -> (SourceFile, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(text) => (SourceFile::new(name, text), None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let diag = Diagnostic::new(
                diagnostics::Code::InvalidEncoding,
                source::Span::new(at, at + 1),
                "the file is not UTF-8 text",
                "this byte is not valid UTF-8",
            )
            .with_help("policies are UTF-8 text files; re-save the file as UTF-8");
            (SourceFile::new(name, text), Some(diag))
        }
    }
}

/// Compiles one policy file into its checked IR.
pub fn compile(source: &SourceFile) -> Result<Compiled, CompileError> {
    let (policy, diagnostics) = check_source(source);
    match policy {
        Some(policy) => Ok(Compiled {
            policy,
            warnings: diagnostics,
        }),
        None => Err(CompileError { diagnostics }),
    }
}
