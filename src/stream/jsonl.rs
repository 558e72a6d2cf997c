//! JSON Lines input: one ticket object per line.

use crate::eval::timeline::{validate_in, InputError, InputErrorKind, Lookup, RawEvent, RawTicket};
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

mod fast;
#[cfg(test)]
mod tests;

#[derive(Deserialize)]
struct JsonTicket<'a> {
    #[serde(default, borrow)]
    id: Field<IdValue<'a>>,
    #[serde(default, borrow)]
    tier: Field<Text<'a>>,
    #[serde(default, borrow)]
    severity: Field<Text<'a>>,
    #[serde(rename = "type", borrow)]
    issue_type: Option<Text<'a>>,
    #[serde(borrow)]
    status: Option<Text<'a>>,
    #[serde(borrow)]
    channel: Option<Text<'a>>,
    #[serde(borrow)]
    due_at: Option<Text<'a>>,
    #[serde(default, borrow)]
    events: Field<Events<'a>>,
    #[serde(default, borrow)]
    attributes: Option<Attributes<'a>>,
}

/// `"attributes": {"region": "eu"}`: names and string values, in order.
struct Attributes<'a>(Vec<(Cow<'a, str>, Cow<'a, str>)>);

impl<'de: 'a, 'a> Deserialize<'de> for Attributes<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Attributes<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of attribute names and strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Attributes<'de>, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Text<'de>, Text<'de>>()? {
                    out.push((k.0, v.0));
                }
                Ok(Attributes(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A required field: absent, `null`, or given. `null` is a value of the
/// wrong kind, not a missing field (the message says which).
#[derive(Default)]
enum Field<T> {
    #[default]
    Absent,
    Null,
    Given(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(d)?.map_or(Field::Null, Field::Given))
    }
}

impl<T> Field<T> {
    /// The value; an error for `null` (a wrong type) and `None` when absent
    /// (the validator reports the missing field).
    fn take(self, name: &'static str, expected: &'static str) -> Result<Option<T>, InputErrorKind> {
        match self {
            Field::Absent => Ok(None),
            Field::Null => Err(InputErrorKind::WrongType {
                field: format!("`{name}`"),
                found: "null".into(),
                expected,
            }),
            Field::Given(v) => Ok(Some(v)),
        }
    }
}

/// A ticket id: a string, or a whole number (kept as its digits).
enum IdValue<'a> {
    Text(Cow<'a, str>),
    Number(String),
}

impl<'de: 'a, 'a> Deserialize<'de> for IdValue<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = IdValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(ID_EXPECTED)
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<IdValue<'de>, E> {
                Ok(IdValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<IdValue<'de>, E> {
                Ok(IdValue::Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<IdValue<'de>, E> {
                Ok(IdValue::Text(Cow::Owned(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<IdValue<'de>, E> {
                Ok(IdValue::Number(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<IdValue<'de>, E> {
                Ok(IdValue::Number(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// What a ticket id must be, in the words of the error.
const ID_EXPECTED: &str = "a string or a whole number";

/// An event's fields. `null` is told apart from an absent field: a `null`
/// time, type or (for a change event) new value is a value of the wrong
/// kind, not a missing field.
#[derive(Deserialize)]
struct JsonEvent<'a> {
    #[serde(default, borrow)]
    at: Field<Text<'a>>,
    #[serde(default, rename = "type", borrow)]
    kind: Field<Text<'a>>,
    #[serde(default, borrow)]
    status: Field<Text<'a>>,
    #[serde(default, borrow)]
    severity: Field<Text<'a>>,
    #[serde(default, borrow)]
    tier: Field<Text<'a>>,
    #[serde(borrow)]
    actor: Option<Text<'a>>,
    public: Option<bool>,
}

impl<T> Field<T> {
    /// The value when given; `Err` for `null` (the reader then says which
    /// field of which event, see [`wrong_type`]).
    fn given<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        match self {
            Field::Absent => Ok(None),
            Field::Null => Err(E::custom("a null event field")),
            Field::Given(v) => Ok(Some(v)),
        }
    }
}

/// The field of an event of `kind` that carries its new value.
fn value_field(kind: &str) -> Option<&'static str> {
    pick_value(kind, "status", "severity", "tier")
}

/// Of an event's `status`, `severity` and `tier` fields, the one that
/// carries the new value of an event of `kind`; `None` when `kind` is not a
/// change event.
fn pick_value<T>(kind: &str, status: T, severity: T, tier: T) -> Option<T> {
    match kind {
        "status" => Some(status),
        "severity" => Some(severity),
        "tier" => Some(tier),
        _ => None,
    }
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
                    let kind = e.kind.given()?;
                    let value = match kind
                        .as_ref()
                        .and_then(|k| pick_value(&k.0, e.status, e.severity, e.tier))
                    {
                        Some(field) => field.given()?,
                        None => None,
                    };
                    events.push(RawEvent {
                        line: 0,
                        at: e.at.given()?.map(|t| t.0),
                        kind: kind.map(|t| t.0),
                        value: value.map(|t| t.0),
                        actor: e.actor.map(|t| t.0),
                        public: e
                            .public
                            .map(|p| Cow::Borrowed(if p { "true" } else { "false" })),
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
    // The usual line is scanned directly; the others, and every error, are
    // the serde reader's.
    match fast::parse_usual(text, line) {
        Some(raw) => Ok(raw),
        None => parse_with_serde(text, line),
    }
}

/// [`parse_line`] with the serde reader alone.
fn parse_with_serde(text: &str, line: u64) -> Result<RawTicket<'_>, InputError> {
    let t: JsonTicket = serde_json::from_str(text).map_err(|e| InputError {
        ticket: find_id(text),
        line,
        kind: explain_error(text, &e),
    })?;
    let fail = |ticket: Option<String>, kind| InputError { ticket, line, kind };
    let id =
        t.id.take("id", ID_EXPECTED)
            .map_err(|k| fail(None, k))?
            .map(|v| match v {
                IdValue::Text(s) => s,
                IdValue::Number(n) => Cow::Owned(n),
            });
    let named = || id.as_deref().map(str::to_string);
    let tier = t
        .tier
        .take("tier", TIER_EXPECTED)
        .map_err(|k| fail(named(), k))?;
    let severity = t
        .severity
        .take("severity", SEVERITY_EXPECTED)
        .map_err(|k| fail(named(), k))?;
    let events = t
        .events
        .take("events", EVENTS_EXPECTED)
        .map_err(|k| fail(named(), k))?;
    let Some(Events(mut events)) = events else {
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
        tier: tier.map(|t| t.0),
        severity: severity.map(|t| t.0),
        issue_type: t.issue_type.map(|t| t.0),
        status: t.status.map(|t| t.0),
        channel: t.channel.map(|t| t.0),
        due_at: t.due_at.map(|t| t.0),
        events,
        attributes: t.attributes.map(|a| a.0).unwrap_or_default(),
    })
}

const TIER_EXPECTED: &str = "a tier name (a string)";
const SEVERITY_EXPECTED: &str = "a severity name (a string)";
const EVENTS_EXPECTED: &str = "a list of events";

/// Nesting deeper than this is refused by the JSON reader (its default).
const MAX_JSON_DEPTH: usize = 128;

/// The error of a line the typed reader refused, in the input's words:
/// which field has the wrong kind of value (found by reading the line again
/// as plain JSON, only on this error path), or that it nests too deeply.
fn explain_error(text: &str, e: &serde_json::Error) -> InputErrorKind {
    let msg = e.to_string();
    if msg.starts_with("recursion limit exceeded") {
        return InputErrorKind::TooDeep(MAX_JSON_DEPTH);
    }
    if e.is_data() {
        match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => {
                if let Some(kind) = wrong_type(&v) {
                    return kind;
                }
            }
            Err(e) if e.to_string().starts_with("recursion limit exceeded") => {
                return InputErrorKind::TooDeep(MAX_JSON_DEPTH);
            }
            Err(_) => {}
        }
    }
    InputErrorKind::Malformed(msg)
}

/// A value's kind in plain words, with the value when it is short.
fn describe(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {:?}", s),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// The first field of a ticket line whose value has the wrong kind.
fn wrong_type(v: &serde_json::Value) -> Option<InputErrorKind> {
    use serde_json::Value;
    let wrong = |field: String, found: &Value, expected: &'static str| {
        Some(InputErrorKind::WrongType {
            field,
            found: describe(found),
            expected,
        })
    };
    let Value::Object(ticket) = v else {
        return wrong("the line".into(), v, "a ticket (a JSON object)");
    };
    let text_fields = [
        ("tier", TIER_EXPECTED),
        ("severity", SEVERITY_EXPECTED),
        ("type", "an issue type name (a string)"),
        ("status", "a status name (a string)"),
        ("channel", "a channel name (a string)"),
        (
            "due_at",
            "a time (a string such as \"2026-03-10T17:00:00Z\")",
        ),
    ];
    if let Some(id) = ticket.get("id") {
        if !(id.is_string() || id.is_i64() || id.is_u64()) {
            return wrong("`id`".into(), id, ID_EXPECTED);
        }
    }
    for (name, expected) in text_fields {
        match ticket.get(name) {
            Some(x) if !(x.is_string() || x.is_null()) => {
                return wrong(format!("`{name}`"), x, expected)
            }
            _ => {}
        }
    }
    match ticket.get("attributes") {
        Some(Value::Object(attrs)) => {
            for (name, x) in attrs {
                if !x.is_string() {
                    return wrong(format!("attribute `{name}`"), x, "a string");
                }
            }
        }
        Some(Value::Null) | None => {}
        Some(x) => {
            return wrong(
                "`attributes`".into(),
                x,
                "an object of attribute names and strings",
            )
        }
    }
    let events = match ticket.get("events") {
        Some(Value::Array(a)) => a,
        Some(x) => return wrong("`events`".into(), x, EVENTS_EXPECTED),
        None => return None,
    };
    for (i, ev) in events.iter().enumerate() {
        let n = i + 1;
        let Value::Object(fields) = ev else {
            return wrong(
                format!("event {n}"),
                ev,
                "an event object (`at`, `type`, ...)",
            );
        };
        for name in ["at", "type", "status", "severity", "tier", "actor"] {
            match fields.get(name) {
                Some(x) if !(x.is_string() || x.is_null()) => {
                    return wrong(format!("`{name}` of event {n}"), x, "a string")
                }
                _ => {}
            }
        }
        match fields.get("public") {
            Some(x) if !(x.is_boolean() || x.is_null()) => {
                return wrong(format!("`public` of event {n}"), x, "`true` or `false`")
            }
            _ => {}
        }
        // `null` where the event needs a value: its time, its type, and the
        // new value of a change event (a `null` field the event does not
        // use is ignored, like any field it does not use).
        let kind = fields.get("type").and_then(Value::as_str);
        let needed = ["at", "type"].into_iter().chain(kind.and_then(value_field));
        for name in needed {
            if let Some(x @ Value::Null) = fields.get(name) {
                return wrong(format!("`{name}` of event {n}"), x, "a string");
            }
        }
    }
    None
}

/// Best effort: the `id` of a line that is not a valid ticket, for the error.
fn find_id(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    match v.get("id")? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
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
    read_line_in(&Lookup::new(policy), text, line, opts)
}

/// [`read_line`] with the policy's facts already worked out (the bulk
/// driver's way: once per chunk of lines).
pub(crate) fn read_line_in(
    lookup: &Lookup<'_>,
    text: &str,
    line: u64,
    opts: &crate::ReadOptions,
) -> Result<crate::Ticket, InputError> {
    // The usual valid ticket is scanned and checked in one pass; any other
    // line, and every error, takes the way of raw ticket and validation.
    match fast::read_usual(lookup, text, line, opts) {
        Some(ticket) => Ok(ticket),
        None => validate_in(lookup, parse_line(text, line)?, opts),
    }
}
