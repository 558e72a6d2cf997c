//! Contract examples (`slate test`): tickets with the answers a policy must
//! give, kept beside the policy (`domo.sla` -> `domo.tests.json`) and run in
//! CI. The format is documented in `docs/cli.md`.
//!
//! ```json
//! {"examples": [{
//!   "name": "gold severity 2 is due 8 business hours after opening",
//!   "hand": ["Mon 08:00 MST + 8h = Mon 16:00 MST = 23:00Z"],
//!   "at": "2026-03-02T18:00:00Z",
//!   "ticket": {"id": "G-1", "tier": "gold", "severity": "sev2",
//!              "events": [{"at": "2026-03-02T08:00:00-07:00", "type": "opened"}]},
//!   "expect": {"first_response": {"state": "running", "deadline": "2026-03-02T23:00:00Z"}}
//! }]}
//! ```

use crate::Compiled;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A test file: the examples of one policy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// The examples, run in order.
    pub examples: Vec<Example>,
}

/// One example ticket and what the policy must answer about it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// What it shows, in words.
    pub name: String,
    /// How the expected answer was worked out from the contract (shown
    /// when the example fails).
    #[serde(default)]
    pub hand: Vec<String>,
    /// The instant the answer is asked for (RFC 3339).
    pub at: String,
    /// The ticket, exactly as a line of `slate eval` input.
    pub ticket: Value,
    /// Per metric, the fields of the answer to check.
    pub expect: BTreeMap<String, Map<String, Value>>,
}

/// A field whose answer differs from the expectation.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    /// The metric.
    pub metric: String,
    /// The field (`deadline`, `state`...).
    pub field: String,
    /// What the example expects.
    pub expected: Value,
    /// What the policy answers; `None` when there is no such field.
    pub actual: Option<Value>,
}

/// The result of one example.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The example's name.
    pub name: String,
    /// Its hand computation.
    pub hand: Vec<String>,
    /// The fields that differ; empty when it passed.
    pub mismatches: Vec<Mismatch>,
    /// An example that could not run (a bad instant, a ticket the policy
    /// rejects); it fails.
    pub error: Option<String>,
    /// The explain trace of each metric with a mismatch.
    pub traces: Vec<(String, String)>,
}

impl Outcome {
    /// Whether the example passed.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.error.is_none()
    }
}

/// Fields that are not fields of a cycle of the answer.
const EXTRA_FIELDS: [&str; 6] = [
    "cycle",
    "cycles",
    "metric_state",
    "breaches",
    "breached",
    "met",
];

/// Reads a test file; the error names the line and column.
pub fn parse(text: &str) -> Result<TestFile, String> {
    serde_json::from_str(text).map_err(|e| {
        let message = e.to_string();
        let place = format!(" at line {} column {}", e.line(), e.column());
        let message = message.strip_suffix(&place).unwrap_or(&message);
        format!("line {}, column {}: {message}", e.line(), e.column())
    })
}

/// Runs every example against a policy.
pub fn run(compiled: &Compiled, file: &TestFile) -> Vec<Outcome> {
    file.examples
        .iter()
        .map(|ex| run_one(compiled, ex))
        .collect()
}

fn run_one(compiled: &Compiled, ex: &Example) -> Outcome {
    let policy = compiled.policy();
    let mut outcome = Outcome {
        name: ex.name.clone(),
        hand: ex.hand.clone(),
        mismatches: Vec::new(),
        error: None,
        traces: Vec::new(),
    };
    let at = match DateTime::parse_from_rfc3339(&ex.at) {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => {
            outcome.error = Some(format!(
                "`at` `{}` is not an RFC 3339 instant with an offset: {e}",
                ex.at
            ));
            return outcome;
        }
    };
    let ticket = match compiled.ticket_from_value(&ex.ticket) {
        Ok(t) => t,
        Err(e) => {
            outcome.error = Some(format!("the ticket is not valid for this policy: {e}"));
            return outcome;
        }
    };
    let answer = match compiled.evaluate(&ticket, at) {
        Ok(a) => a,
        Err(e) => {
            outcome.error = Some(format!("cannot evaluate the ticket: {e}"));
            return outcome;
        }
    };
    // The bytes `slate eval` writes, read back.
    let json: Value = serde_json::from_str(&answer.to_json()).unwrap_or(Value::Null);
    let metrics = json["metrics"].as_array().cloned().unwrap_or_default();
    for (name, want) in &ex.expect {
        let Some(metric) = metrics.iter().find(|m| m["metric"] == name.as_str()) else {
            let known: Vec<&str> = policy.metrics.iter().map(|m| m.name.as_str()).collect();
            outcome.error = Some(format!(
                "the policy has no metric `{name}`; its metrics are {}",
                known.join(", ")
            ));
            continue;
        };
        let before = outcome.mismatches.len();
        check_metric(name, metric, want, &mut outcome.mismatches);
        if outcome.mismatches.len() > before {
            let trace = compiled
                .explain(&ticket, at, Some(name))
                .map_or_else(|e| format!("(no trace: {e})"), |t| t.to_string());
            outcome.traces.push((name.clone(), trace));
        }
    }
    outcome
}

/// Compares the expected fields of one metric with its answer.
fn check_metric(name: &str, metric: &Value, want: &Map<String, Value>, out: &mut Vec<Mismatch>) {
    let cycles = metric["cycles"].as_array().cloned().unwrap_or_default();
    let n = want
        .get("cycle")
        .and_then(Value::as_u64)
        .unwrap_or(1)
        .max(1);
    let cycle = cycles.get(n as usize - 1);
    for (field, expected) in want {
        let actual = match field.as_str() {
            "cycle" => continue,
            "cycles" => Some(Value::from(cycles.len())),
            "metric_state" => Some(metric["state"].clone()),
            "breaches" => Some(metric["breaches"].clone()),
            "breached" => cycle.map(|c| Value::Bool(!c["breached_at"].is_null())),
            "met" => cycle.map(|c| Value::Bool(c["state"] == "met")),
            _ => cycle.and_then(|c| c.get(field).cloned()),
        };
        if actual.as_ref() != Some(expected) {
            let field = if cycle.is_none() && !EXTRA_FIELDS[1..4].contains(&field.as_str()) {
                format!("{field} (there is no cycle {n})")
            } else {
                field.clone()
            };
            out.push(Mismatch {
                metric: name.to_string(),
                field,
                expected: expected.clone(),
                actual,
            });
        }
    }
}

#[cfg(test)]
mod tests;
