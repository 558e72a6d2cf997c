//! slate: a declarative language for support service-level agreements.
//!
//! The pipeline is `text -> syntax -> ast -> check -> ir -> calendar / eval`.
//! Each stage depends only on the ones before it; the evaluator never sees
//! syntax and never reads the clock.
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
