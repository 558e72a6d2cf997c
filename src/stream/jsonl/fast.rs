//! A scanner for the usual shape of a ticket line, beside the serde reader
//! of [`super::parse_line`] (which reads every line this one declines).
//!
//! It reads a strict subset of what the serde reader accepts: the known
//! fields only, each at most once; strings without escapes or control
//! characters; ids as strings or plain whole numbers; `null` only where it
//! means "absent" without an error (the ticket's `type`, `status`,
//! `channel`, `due_at`, `attributes`, an event's `actor` and `public`).
//! Anything else, and every line the serde reader would refuse, gives
//! `None`, so that line goes to the serde reader, which reads it or says
//! what is wrong with it: there is one definition of a valid line and one
//! source of every error. Where this gives a ticket, the serde reader gives
//! the same one (property tests in `super::tests` compare them). It costs
//! half as many instructions as the serde reader on usual lines.
//!
//! [`read_usual`] also validates as it scans: each event is checked and
//! resolved by the validator's [`EventReader`] as soon as it is read, so
//! that no list of raw events is built; a ticket that fails any check is
//! declined too (its error is then the one [`super::read_line`] gives
//! through the raw reader and [`validate`](crate::eval::timeline::validate)).
//! Most events have one form, `{"at":"TIME","type":"KIND"}` (with the new
//! value of a change after it): the one-pass reader reads that form at
//! fixed places, its time checked and read in the same step, and hands any
//! other event to the general scan.

use super::{pick_value, EVENTS_GUESS};
use crate::eval::timeline::{
    quoted_kind, validate_read, EventReader, Lookup, RawEvent, RawTicket, ReadOptions, Ticket,
};
use crate::ir::EventKind;
use std::borrow::Cow;

/// Reads `text` when it has the usual shape; `None` otherwise.
pub(super) fn parse_usual(text: &str, line: u64) -> Option<RawTicket<'_>> {
    let mut events = Vec::with_capacity(EVENTS_GUESS);
    let mut t = RawTicket::default();
    scan(text, line, &mut events, &mut t)?;
    t.events = events;
    Some(t)
}

/// Reads and validates `text` when it has the usual shape and is a valid
/// ticket; `None` otherwise (also for every invalid ticket).
pub(super) fn read_usual(
    lookup: &Lookup<'_>,
    text: &str,
    line: u64,
    opts: &ReadOptions,
) -> Option<Ticket> {
    let mut events = EventReader::new(lookup, opts, EVENTS_GUESS);
    let mut raw = RawTicket::default();
    scan(text, line, &mut events, &mut raw)?;
    validate_read(lookup, &mut raw, events, opts).ok()
}

/// Reads the ticket of a whole line into `t` (a default one), its events
/// handed to `sink` in order (the ticket's own list is left empty). (The
/// ticket is read in place: it is large, and returning it was a copy.)
fn scan<'a>(
    text: &'a str,
    line: u64,
    sink: &mut impl Sink<'a>,
    t: &mut RawTicket<'a>,
) -> Option<()> {
    let mut s = Scan { text, at: 0 };
    s.ticket(line, sink, t)?;
    s.ws();
    (s.at == text.len()).then_some(())
}

/// Where the scanner hands a ticket's events.
trait Sink<'a> {
    /// Reads the event at the position when it has the one usual form the
    /// sink reads by itself (`true`); else leaves the position as it was,
    /// for the general scan (`false`).
    fn usual(&mut self, _s: &mut Scan<'a>) -> bool {
        false
    }

    /// Takes an event read by the general scan (it may take what it keeps);
    /// `None` declines the line.
    fn event(&mut self, ev: &mut RawEvent<'a>) -> Option<()>;
}

/// The raw reader's events, kept as read.
impl<'a> Sink<'a> for Vec<RawEvent<'a>> {
    fn event(&mut self, ev: &mut RawEvent<'a>) -> Option<()> {
        self.push(std::mem::take(ev));
        Some(())
    }
}

/// The one-pass reader's events, checked and resolved as they are read.
impl<'a> Sink<'a> for EventReader<'_> {
    /// `{"at":"TIME","type":"KIND"}`, and for a change of status, severity
    /// or tier `{"at":"TIME","type":"KIND","KIND":"VALUE"}`, exactly so (no
    /// other field, no space but before VALUE): TIME in the usual form of
    /// [`EventReader::usual_time`] with `Z` or an offset, KIND a known event
    /// type. Read here without a [`RawEvent`] or a search of the keys (most
    /// events have this form); what it gives is what the general scan and
    /// [`EventReader::push`] give (the property tests compare them).
    #[inline(always)]
    fn usual(&mut self, s: &mut Scan<'a>) -> bool {
        let start = s.at;
        let read = usual_event(self, s);
        if read.is_none() {
            s.at = start;
        }
        read.is_some()
    }

    fn event(&mut self, ev: &mut RawEvent<'a>) -> Option<()> {
        self.push(ev).ok()
    }
}

/// Whether the one-pass reader reads `event` (an event's text) in its usual
/// form, without the general scan.
#[cfg(test)]
pub(super) fn takes_usual_event(lookup: &Lookup<'_>, event: &str) -> bool {
    let opts = ReadOptions::default();
    let mut reader = EventReader::new(lookup, &opts, 1);
    let mut s = Scan { text: event, at: 0 };
    reader.usual(&mut s) && s.at == event.len()
}

/// [`Sink::usual`] of the one-pass reader; `None` (with the position
/// anywhere) when the event does not have the usual form or fails a check.
#[inline(always)]
fn usual_event<'a>(reader: &mut EventReader<'_>, s: &mut Scan<'a>) -> Option<()> {
    const OPEN: &[u8] = br#"{"at":""#;
    const TYPE: &[u8] = br#"","type":""#;
    let b = s.rest();
    if !b.starts_with(OPEN) {
        return None;
    }
    // The time's usual lengths: with `Z` (20 bytes) or an offset (25).
    let len = [20, 25]
        .into_iter()
        .find(|&n| b.get(OPEN.len() + n) == Some(&b'"'))?;
    // Every byte of a time read in the usual form is checked (digits and
    // separators): it has no quote, escape or control character, so the
    // JSON string is exactly this text.
    let at = reader.usual_time(b.get(OPEN.len()..OPEN.len() + len)?)?;
    // The rest at its places in `b`, the position moved once at the end.
    let mut i = OPEN.len() + len;
    if !b.get(i..)?.starts_with(TYPE) {
        return None;
    }
    i += TYPE.len();
    // The kind's name and its closing quote: the string is the name.
    let (kind, len) = quoted_kind(b.get(i..)?)?;
    i += len + 1;
    // A change's `,"status":` (for a `status` event, and so on), and its
    // length. (Each kind named as a constant: its key is then compared in
    // place, not with `memcmp`.)
    let key = match kind {
        EventKind::Status => Some(value_key(EventKind::Status, b.get(i..)?)?),
        EventKind::Severity => Some(value_key(EventKind::Severity, b.get(i..)?)?),
        EventKind::Tier => Some(value_key(EventKind::Tier, b.get(i..)?)?),
        _ => None,
    };
    let value = match key {
        None => {
            s.at += i;
            None
        }
        Some(len) => {
            s.at += i + len;
            Some(s.string()?)
        }
    };
    if s.rest().first() != Some(&b'}') {
        return None;
    }
    s.at += 1;
    reader.push_usual(at, kind, value).ok()
}

/// The length of `,"KIND":` (`KIND` the name of `kind`, a change of a
/// field) when it starts `text`.
#[inline(always)]
fn value_key(kind: EventKind, text: &[u8]) -> Option<usize> {
    let name = kind.name().as_bytes();
    let key = text.get(..name.len() + 4)?;
    (key.starts_with(b",\"") && key[2..].starts_with(name) && key.ends_with(b"\":"))
        .then_some(name.len() + 4)
}

/// A field of a ticket.
#[derive(Clone, Copy)]
enum TicketKey {
    Id,
    Tier,
    Severity,
    Type,
    Events,
    Status,
    Channel,
    DueAt,
    Attributes,
}

/// The fields of a ticket, the most frequent first (they are tried in order).
const TICKET_KEYS: [(&str, TicketKey); 9] = [
    ("id", TicketKey::Id),
    ("tier", TicketKey::Tier),
    ("severity", TicketKey::Severity),
    ("type", TicketKey::Type),
    ("events", TicketKey::Events),
    ("status", TicketKey::Status),
    ("channel", TicketKey::Channel),
    ("due_at", TicketKey::DueAt),
    ("attributes", TicketKey::Attributes),
];

/// A field of an event.
#[derive(Clone, Copy)]
enum EventKey {
    At,
    Type,
    Status,
    Severity,
    Tier,
    Actor,
    Public,
}

/// The fields of an event, the most frequent first.
const EVENT_KEYS: [(&str, EventKey); 7] = [
    ("at", EventKey::At),
    ("type", EventKey::Type),
    ("status", EventKey::Status),
    ("severity", EventKey::Severity),
    ("tier", EventKey::Tier),
    ("actor", EventKey::Actor),
    ("public", EventKey::Public),
];

/// A position in a line.
struct Scan<'a> {
    text: &'a str,
    at: usize,
}

/// A value that may be `null` (then `None`).
type Nullable<'a> = Option<Cow<'a, str>>;

/// Marks `field` (a bit) as read; `None` when it already was (a duplicate
/// key, which the serde reader refuses).
fn first(seen: &mut u16, field: u16) -> Option<()> {
    if *seen & field != 0 {
        return None;
    }
    *seen |= field;
    Some(())
}

/// Whether a byte ends the plain part of a string: a quote, a backslash or
/// a control character (below 0x20).
pub(super) fn is_special(c: u8) -> bool {
    c == b'"' || c == b'\\' || c < 0x20
}

/// [`is_special`] for eight bytes at once: a high bit in each byte of
/// `word` (eight bytes of text, the first in the lowest byte) that is
/// special. Only the lowest marked byte is sure to be one (a borrow may
/// mark a byte above it), and only the lowest is used (a test compares it
/// with [`is_special`]).
pub(super) fn special(word: u64) -> u64 {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = ONES << 7;
    // A high bit where a byte of `x` is below `n` (`n` at most 0x80).
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    below(word ^ (ONES * u64::from(b'"')), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
        | below(word, 0x20)
}

impl<'a> Scan<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The bytes from the position on.
    fn rest(&self) -> &'a [u8] {
        self.bytes().get(self.at..).unwrap_or_default()
    }

    /// Skips JSON whitespace (exactly the four characters JSON allows).
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes().get(self.at) {
            self.at += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes().get(self.at).copied()
    }

    /// Consumes `c` after whitespace.
    fn eat(&mut self, c: u8) -> Option<()> {
        // Usual lines have no whitespace between tokens: `c` comes next.
        if self.bytes().get(self.at) != Some(&c) {
            self.ws();
        }
        (*self.bytes().get(self.at)? == c).then(|| self.at += 1)
    }

    /// Consumes `word` (a literal) when it comes next after whitespace.
    fn word(&mut self, word: &str) -> bool {
        self.ws();
        let found = self.bytes()[self.at..].starts_with(word.as_bytes());
        if found {
            self.at += word.len();
        }
        found
    }

    /// A string without escapes or control characters, borrowed.
    #[inline(always)]
    fn string(&mut self) -> Option<&'a str> {
        self.eat(b'"')?;
        let (b, start) = (self.bytes(), self.at);
        let mut end = start;
        // Eight bytes at a time: most strings are longer than a word.
        while let Some(word) = b.get(end..end + 8) {
            let found = special(u64::from_le_bytes(word.try_into().ok()?));
            if found != 0 {
                end += (found.trailing_zeros() / 8) as usize;
                return self.close(start, end);
            }
            end += 8;
        }
        end += b[end..].iter().position(|&c| is_special(c))?;
        self.close(start, end)
    }

    /// The string from `start` to `end`, where the first quote, escape or
    /// control character is: a quote ends it, the others decline it.
    fn close(&mut self, start: usize, end: usize) -> Option<&'a str> {
        if self.bytes().get(end) != Some(&b'"') {
            return None;
        }
        self.at = end + 1;
        self.text.get(start..end)
    }

    /// A string, or `null` (then `None`).
    fn nullable(&mut self) -> Option<Nullable<'a>> {
        if self.word("null") {
            return Some(None);
        }
        self.string().map(|s| Some(Cow::Borrowed(s)))
    }

    /// `,` before another member or element (`true`), or `close` (`false`).
    fn more(&mut self, close: u8) -> Option<bool> {
        if self.bytes().get(self.at) == Some(&b',') {
            self.at += 1;
            return Some(true);
        }
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(true)
            }
            c if c == close => {
                self.at += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// The members of an object, `{` already read: `key` reads each key,
    /// `value` the value after its colon.
    fn members<K>(
        &mut self,
        mut key: impl FnMut(&mut Self) -> Option<K>,
        mut value: impl FnMut(&mut Self, K) -> Option<()>,
    ) -> Option<()> {
        if self.eat(b'}').is_some() {
            return Some(());
        }
        loop {
            let k = key(self)?;
            self.eat(b':')?;
            value(self, k)?;
            if !self.more(b'}')? {
                return Some(());
            }
        }
    }

    /// The next key, when it is one of `names`; `None` for any other key
    /// (also one written with escapes). Compared in place, not scanned:
    /// inlined, each name is a constant comparison.
    #[inline(always)]
    fn known<K: Copy, const N: usize>(&mut self, names: [(&'static str, K); N]) -> Option<K> {
        self.eat(b'"')?;
        let rest = &self.bytes()[self.at..];
        let i = names.iter().position(|(name, _)| {
            rest.starts_with(name.as_bytes()) && rest.get(name.len()) == Some(&b'"')
        })?;
        self.at += names[i].0.len() + 1;
        Some(names[i].1)
    }

    /// A ticket id: a string, or a whole number written plainly (no sign,
    /// no leading zero, at most 18 digits: it fits the reader's integers),
    /// kept as its digits.
    fn id(&mut self) -> Option<Cow<'a, str>> {
        if self.peek()? == b'"' {
            return self.string().map(Cow::Borrowed);
        }
        let start = self.at;
        let digits = self.bytes()[start..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let plain = (1..=18).contains(&digits) && (digits == 1 || self.bytes()[start] != b'0');
        // A fraction or an exponent would follow: not a plain number.
        let next = self.bytes().get(start + digits);
        if !plain || matches!(next, Some(b'.' | b'e' | b'E')) {
            return None;
        }
        self.at += digits;
        Some(Cow::Owned(self.text.get(start..self.at)?.to_string()))
    }

    /// Reads a ticket into `t` (a default one).
    fn ticket(&mut self, line: u64, sink: &mut impl Sink<'a>, t: &mut RawTicket<'a>) -> Option<()> {
        self.eat(b'{')?;
        t.line = line;
        let (mut seen, mut has_events) = (0, false);
        self.members(
            |s| s.known(TICKET_KEYS),
            |s, key| {
                first(&mut seen, 1 << key as u16)?;
                match key {
                    TicketKey::Id => t.id = Some(s.id()?),
                    TicketKey::Tier => t.tier = Some(Cow::Borrowed(s.string()?)),
                    TicketKey::Severity => t.severity = Some(Cow::Borrowed(s.string()?)),
                    TicketKey::Type => t.issue_type = s.nullable()?,
                    TicketKey::Status => t.status = s.nullable()?,
                    TicketKey::Channel => t.channel = s.nullable()?,
                    TicketKey::DueAt => t.due_at = s.nullable()?,
                    TicketKey::Events => {
                        s.events(line, sink)?;
                        has_events = true;
                    }
                    TicketKey::Attributes => t.attributes = s.attributes()?,
                }
                Some(())
            },
        )?;
        // Without events the serde reader says so.
        has_events.then_some(())
    }

    /// `"attributes"`: an object of strings, or `null` (none).
    fn attributes(&mut self) -> Option<Vec<(Cow<'a, str>, Cow<'a, str>)>> {
        let mut out = Vec::new();
        if self.word("null") {
            return Some(out);
        }
        self.eat(b'{')?;
        self.members(Self::string, |s, key| {
            out.push((Cow::Borrowed(key), Cow::Borrowed(s.string()?)));
            Some(())
        })?;
        Some(out)
    }

    /// A list of events, each handed to `sink`.
    fn events(&mut self, line: u64, sink: &mut impl Sink<'a>) -> Option<()> {
        self.eat(b'[')?;
        if self.eat(b']').is_some() {
            return Some(());
        }
        // One event read into, in turn (an event is large: not moved).
        let mut ev = RawEvent::default();
        loop {
            if !sink.usual(self) {
                self.event(line, &mut ev)?;
                sink.event(&mut ev)?;
            }
            if !self.more(b']')? {
                return Some(());
            }
        }
    }

    #[inline(always)]
    /// Reads an event into `ev` (whatever it held is replaced).
    fn event(&mut self, line: u64, ev: &mut RawEvent<'a>) -> Option<()> {
        self.eat(b'{')?;
        *ev = RawEvent {
            line,
            ..RawEvent::default()
        };
        let mut values = EventValues::default();
        // Most events begin `"at":…,"type":…`: those keys are matched
        // whole, not looked up.
        let mut more = true;
        if self.rest().starts_with(br#""at":"#) {
            self.at += 5;
            self.event_member(EventKey::At, ev, &mut values)?;
            if self.rest().starts_with(br#","type":"#) {
                self.at += 8;
                self.event_member(EventKey::Type, ev, &mut values)?;
            }
            more = self.more(b'}')?;
        } else if self.eat(b'}').is_some() {
            more = false;
        }
        while more {
            let key = self.known(EVENT_KEYS)?;
            self.eat(b':')?;
            self.event_member(key, ev, &mut values)?;
            more = self.more(b'}')?;
        }
        // Most events are not changes: no value to pick.
        if let ([status, severity, tier], Some(kind)) = (values.changes, &ev.kind) {
            if status.is_some() || severity.is_some() || tier.is_some() {
                ev.value = pick_value(kind, status, severity, tier)
                    .flatten()
                    .map(Cow::Borrowed);
            }
        }
        Some(())
    }

    /// The value of an event's field `key`, after its colon.
    #[inline(always)]
    fn event_member(
        &mut self,
        key: EventKey,
        ev: &mut RawEvent<'a>,
        values: &mut EventValues<'a>,
    ) -> Option<()> {
        first(&mut values.seen, 1 << key as u16)?;
        // `at`, `type`, `status`, `severity`, `tier`: strings only (the
        // serde reader refuses `null` in them, or may, for the new value
        // of a change event).
        match key {
            EventKey::At => ev.at = Some(Cow::Borrowed(self.string()?)),
            EventKey::Type => ev.kind = Some(Cow::Borrowed(self.string()?)),
            EventKey::Actor => ev.actor = self.nullable()?,
            EventKey::Public => {
                ev.public = if self.word("true") {
                    Some(Cow::Borrowed("true"))
                } else if self.word("false") {
                    Some(Cow::Borrowed("false"))
                } else if self.word("null") {
                    None
                } else {
                    return None;
                }
            }
            EventKey::Status => values.changes[0] = Some(self.string()?),
            EventKey::Severity => values.changes[1] = Some(self.string()?),
            EventKey::Tier => values.changes[2] = Some(self.string()?),
        }
        Some(())
    }
}

/// What an event's fields hold besides the [`RawEvent`]'s own: which were
/// read, and the `status`, `severity` and `tier` values (one of which is
/// the new value of a change event).
#[derive(Default)]
struct EventValues<'a> {
    seen: u16,
    changes: [Option<&'a str>; 3],
}
