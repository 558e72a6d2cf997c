//! slate: a declarative language for support service-level agreements.
//!
//! Compile a policy once, then ask it about tickets and business time. The
//! [`Compiled`] policy owns its calendars and is `Send + Sync`: share it
//! between threads. Nothing in the library reads the clock or does I/O:
//! "now" is always passed in.
//!
//! ```
//! use chrono::{DateTime, Utc};
//! use slate::{SourceFile, State, Ticket};
//!
//! let compiled = slate::compile(&SourceFile::new("mini.sla", r#"
//! policy "Mini" { calendar office }
//! calendar office { zone "America/Chicago"  mon-fri 08:00-16:00 }
//! severity high "Production down"
//! tiers basic
//! targets first_response {
//!         basic
//!   high  8h
//! }
//! "#))?;
//!
//! // Opened on a Friday at 15:30 in Chicago, not answered yet.
//! let opened: DateTime<Utc> = "2026-03-06T15:30:00-06:00".parse()?;
//! let ticket = Ticket::builder("T-1")
//!     .tier("basic")
//!     .severity("high")
//!     .event(opened, "opened")
//!     .build(&compiled)?;
//!
//! let at: DateTime<Utc> = "2026-03-09T12:00:00-05:00".parse()?;
//! let answer = compiled.evaluate(&ticket, at)?;
//! let first = answer.metric("first_response").expect("a prelude metric");
//! assert_eq!(first.state, State::Running);
//! // 30 minutes on Friday, then Monday 08:00 + 7h30m (after the US DST change).
//! assert_eq!(first.cycles[0].deadline, Some("2026-03-09T20:30:00Z".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The same object answers business-time questions on any of the policy's
//! calendars:
//!
//! ```
//! # let compiled = slate::compile(&slate::SourceFile::new("mini.sla", r#"
//! # policy "Mini" { calendar office }
//! # calendar office { zone "America/Chicago"  mon-fri 08:00-16:00 }
//! # severity high "Production down"
//! # tiers basic
//! # targets first_response {
//! #         basic
//! #   high  8h
//! # }
//! # "#))?;
//! let office = compiled.calendar("office")?;
//! let friday = "2026-03-06T15:30:00-06:00".parse()?;
//! let due = office.add(friday, "1bd".parse()?)?;
//! assert_eq!(office.local_text(due), "2026-03-09T15:30:00-05:00");
//! assert_eq!(office.next_close(friday)?, Some("2026-03-06T22:00:00Z".parse()?));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Tickets also come from JSON ([`Compiled::ticket_from_json`]), and
//! [`stream`] evaluates files of any size in parallel. `docs/embedding.md`
//! says what the API promises.
#![deny(missing_docs)]

mod ast;
mod calendar;
mod check;
mod compiled;
pub mod contract;
pub mod diagnostics;
pub mod diff;
mod eval;
pub mod format;
pub mod ir;
mod reports;
pub mod source;
pub mod stream;
mod syntax;
pub mod uptime;
pub mod usage;
mod values;

pub use calendar::CalendarError;
pub use compiled::{
    compile, Calendar, CompileError, Compiled, EvalError, OpenPeriod, ReadOptions, TicketBuilder,
    UnknownCalendar,
};
pub use eval::answer::EVAL_FORMAT_VERSION;
pub use eval::timeline::Ticket;
pub use eval::{
    CycleAnswer, CycleTrace, Explanation, InputError, InputErrorKind, MetricAnswer,
    MetricSelection, MetricTrace, MilestoneAnswer, State, Stretch, StretchKind, TicketAnswer,
    VersionAnswer,
};
pub use source::SourceFile;
pub use values::{Duration, DurationError};

use diagnostics::Diagnostic;
use std::sync::OnceLock;

/// The prelude's source text: the built-in metrics, written in slate.
pub(crate) const PRELUDE: &str = include_str!("prelude.sla");

fn prelude() -> &'static ast::File {
    static PRELUDE_AST: OnceLock<ast::File> = OnceLock::new();
    PRELUDE_AST.get_or_init(|| {
        let (file, diags) = syntax::parse(&SourceFile::new("prelude.sla", PRELUDE));
        debug_assert!(diags.is_empty(), "the prelude must parse: {diags:?}");
        file.unwrap_or_default()
    })
}

/// Parses and checks one policy file, returning the policy (when it has no
/// errors) and every finding in stable order. (`slate check` reports
/// findings this way; embedders call [`compile`].)
///
/// After a syntax error, the declarations that parsed are checked too
/// ([`syntax::parse_recovering`]), and their errors are reported except
/// those the skipped declarations could cause ([`follows_syntax_error`]).
pub(crate) fn check_source(source: &SourceFile) -> (Option<ir::Policy>, Vec<Diagnostic>) {
    let parsed = syntax::parse_recovering(source);
    let (file, mut diags) = (parsed.tree, parsed.diags);
    if !parsed.complete {
        if let Some(file) = file {
            let (_, more) = check::check(&file, prelude(), &source.name);
            diags.extend(
                more.into_iter()
                    .filter(|d| d.is_error() && !follows_syntax_error(d.code)),
            );
        }
        diagnostics::sort(&mut diags);
        return (None, diags);
    }
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

/// Whether a checker finding may be caused by a declaration skipped after a
/// syntax error, so it is held back until the syntax is fixed: a name no
/// declaration gives (the declaring one may be the broken one), a missing
/// header, default calendar, tier order or target cell. Warnings wait for a
/// file without errors anyway. `docs/checking.md` states the rule.
fn follows_syntax_error(code: diagnostics::Code) -> bool {
    use diagnostics::Code::*;
    matches!(
        code,
        UnknownTier
            | UnknownSeverity
            | UnknownCalendar
            | UnknownMetric
            | UnknownType
            | UnknownEvent
            | MissingPolicy
            | MissingDefaultCalendar
            | TierNotInOrder
            | MissingCell
    )
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

/// The examples of `docs/embedding.md`, run as documentation tests.
#[cfg(doctest)]
#[doc = include_str!("../docs/embedding.md")]
pub struct EmbeddingGuide;
