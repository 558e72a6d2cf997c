//! Integration tests: the `slate` binary and the public library API, as a
//! user sees them. One test binary (compiling each test file as its own
//! binary cost minutes on a fresh clone); the engine's internal tests are
//! unit tests inside `src/`.

mod api;
mod ci_docs;
mod cli;
mod closed_pipe;
mod contract_cli;
mod contracts;
mod control;
mod docs;
mod eval_cli;
mod eval_policies;
mod eval_scenarios;
mod facade;
mod fixtures;
mod hostile;
mod sarif_multitool;
mod support;
