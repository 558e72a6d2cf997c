//! JSON Lines input: one ticket object per line.

use super::timeline::{
    validate, InputError, InputErrorKind, RawEvent, RawTicket, ReadOptions, Ticket,
};
use crate::ir::Policy;
use serde::Deserialize;

#[derive(Deserialize)]
struct JsonTicket {
    id: Option<IdValue>,
    tier: Option<String>,
    severity: Option<String>,
    #[serde(rename = "type")]
    issue_type: Option<String>,
    status: Option<String>,
    events: Option<Vec<JsonEvent>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum IdValue {
    Text(String),
    Number(i64),
}

#[derive(Deserialize)]
struct JsonEvent {
    at: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    status: Option<String>,
    severity: Option<String>,
    tier: Option<String>,
}

/// Reads one JSON line into a raw ticket (events carry the same line).
pub fn parse_line(text: &str, line: u64) -> Result<RawTicket, InputError> {
    let t: JsonTicket = serde_json::from_str(text).map_err(|e| InputError {
        ticket: find_id(text),
        line,
        kind: InputErrorKind::Malformed(e.to_string()),
    })?;
    let id = t.id.map(|v| match v {
        IdValue::Text(s) => s,
        IdValue::Number(n) => n.to_string(),
    });
    let Some(events) = t.events else {
        return Err(InputError {
            ticket: id,
            line,
            kind: InputErrorKind::MissingField("events"),
        });
    };
    let events = events
        .into_iter()
        .map(|e| {
            let value = match e.kind.as_deref() {
                Some("status") => e.status,
                Some("severity") => e.severity,
                Some("tier") => e.tier,
                _ => None,
            };
            RawEvent {
                line,
                at: e.at,
                kind: e.kind,
                value,
            }
        })
        .collect();
    Ok(RawTicket {
        id,
        line,
        tier: t.tier,
        severity: t.severity,
        issue_type: t.issue_type,
        status: t.status,
        events,
    })
}

/// Best effort: the `id` of a line that is not a valid ticket, for the error.
fn find_id(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    match v.get("id")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads and validates one JSON line.
pub fn read_line(
    policy: &Policy,
    text: &str,
    line: u64,
    opts: &ReadOptions,
) -> Result<Ticket, InputError> {
    validate(policy, parse_line(text, line)?, opts)
}
