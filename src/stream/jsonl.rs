//! JSON Lines input: one ticket object per line.

use crate::eval::timeline::{InputError, InputErrorKind, RawEvent, RawTicket};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

#[derive(Deserialize)]
struct JsonTicket<'a> {
    #[serde(borrow)]
    id: Option<IdValue<'a>>,
    #[serde(borrow)]
    tier: Option<Text<'a>>,
    #[serde(borrow)]
    severity: Option<Text<'a>>,
    #[serde(rename = "type", borrow)]
    issue_type: Option<Text<'a>>,
    #[serde(borrow)]
    status: Option<Text<'a>>,
    #[serde(borrow)]
    events: Option<Events<'a>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum IdValue<'a> {
    Text(#[serde(borrow)] Text<'a>),
    Number(i64),
}

#[derive(Deserialize)]
struct JsonEvent<'a> {
    #[serde(borrow)]
    at: Option<Text<'a>>,
    #[serde(rename = "type", borrow)]
    kind: Option<Text<'a>>,
    #[serde(borrow)]
    status: Option<Text<'a>>,
    #[serde(borrow)]
    severity: Option<Text<'a>>,
    #[serde(borrow)]
    tier: Option<Text<'a>>,
}

/// A JSON string: borrowed from the line, or owned when it has escapes.
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// Events read straight into [`RawEvent`]s (their `line` is set by
/// [`parse_line`]).
struct Events<'a>(Vec<RawEvent<'a>>);

/// Room for this many events is made at once (most tickets have fewer), so
/// that the vector is not grown event by event.
const EVENTS_GUESS: usize = 16;

impl<'de: 'a, 'a> Deserialize<'de> for Events<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Events<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Events<'de>, A::Error> {
                let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(EVENTS_GUESS));
                while let Some(e) = seq.next_element::<JsonEvent<'de>>()? {
                    let value = match e.kind.as_ref().map(|k| &*k.0) {
                        Some("status") => e.status,
                        Some("severity") => e.severity,
                        Some("tier") => e.tier,
                        _ => None,
                    };
                    events.push(RawEvent {
                        line: 0,
                        at: e.at.map(|t| t.0),
                        kind: e.kind.map(|t| t.0),
                        value: value.map(|t| t.0),
                    });
                }
                Ok(Events(events))
            }
        }
        d.deserialize_seq(V)
    }
}

/// Reads one JSON line into a raw ticket (events carry the same line). The
/// ticket's strings borrow from `text` unless they are written with escapes.
pub(crate) fn parse_line(text: &str, line: u64) -> Result<RawTicket<'_>, InputError> {
    let t: JsonTicket = serde_json::from_str(text).map_err(|e| InputError {
        ticket: find_id(text),
        line,
        kind: InputErrorKind::Malformed(e.to_string()),
    })?;
    let id = t.id.map(|v| match v {
        IdValue::Text(s) => s.0,
        IdValue::Number(n) => Cow::Owned(n.to_string()),
    });
    let Some(Events(mut events)) = t.events else {
        return Err(InputError {
            ticket: id.map(Cow::into_owned),
            line,
            kind: InputErrorKind::MissingField("events"),
        });
    };
    for e in &mut events {
        e.line = line;
    }
    Ok(RawTicket {
        id,
        line,
        tier: t.tier.map(|t| t.0),
        severity: t.severity.map(|t| t.0),
        issue_type: t.issue_type.map(|t| t.0),
        status: t.status.map(|t| t.0),
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
pub(crate) fn read_line(
    policy: &crate::ir::Policy,
    text: &str,
    line: u64,
    opts: &crate::ReadOptions,
) -> Result<crate::Ticket, InputError> {
    crate::eval::timeline::validate(policy, parse_line(text, line)?, opts)
}
