//! Direct JSON Lines writing of [`TicketAnswer`]s.
//!
//! Produces exactly the bytes `serde_json::to_writer` gives for the derived
//! `Serialize` (compact, fields in declaration order), without going through
//! the serializer: keys are written as literals and strings that need no
//! escaping are copied as they are. Strings that do need escaping go through
//! `serde_json` itself, so escapes are identical by construction.

use crate::eval::answer::utc;
use crate::eval::answer::{CycleAnswer, MetricAnswer, MilestoneAnswer, State, TicketAnswer};
use crate::ir::MilestoneKind;
use chrono::{DateTime, Utc};
use std::io;

/// A key with its comma, `,"name":`, and the same followed by `null`, for
/// a field that may be null: writing a null is then one copy.
macro_rules! key {
    ($name:literal) => {
        (
            concat!(",\"", $name, "\":").as_bytes(),
            concat!(",\"", $name, "\":null").as_bytes(),
        )
    };
}

/// [`key!`] for a string that may be null: the key takes the string's
/// opening quote with it (one copy fewer).
macro_rules! string_key {
    ($name:literal) => {
        (
            concat!(",\"", $name, "\":\"").as_bytes(),
            concat!(",\"", $name, "\":null").as_bytes(),
        )
    };
}

/// Appends `a` as one compact JSON object (no newline) to `out`.
///
/// A string's quotes are written with the constant text around it (the
/// key before, the next key after): fewer, longer copies.
pub(crate) fn write_answer(a: &TicketAnswer, out: &mut Vec<u8>) -> io::Result<()> {
    let start = out.len();
    let end = write_answer_at(a, out, start, false);
    // `write_answer_at` used the vector's length as room.
    out.truncate(end.as_ref().map_or(start, |&end| end));
    end.map(|_| ())
}

/// Writes `a` as one compact JSON object, and a newline when `line`, into
/// `vec` from byte `at` on, as [`write_at`] writes; returns where it ends.
/// (One function for both, so that the encoder's code is in the program
/// once.)
#[inline(never)]
pub(super) fn write_answer_at(
    a: &TicketAnswer,
    vec: &mut Vec<u8>,
    at: usize,
    line: bool,
) -> io::Result<usize> {
    write_at(vec, at, |room| {
        let mut out = Out::new(room);
        answer(&mut out, a)?;
        out.put(if line { b"]}\n" } else { b"]}" });
        Ok(out.written())
    })
}

#[inline(always)]
fn answer(out: &mut Out<'_>, a: &TicketAnswer) -> io::Result<()> {
    int(out, b"{\"format_version\":", a.format_version.into());
    text(out, b",\"id\":\"", &a.id, b"")?;
    time(out, b"\",\"at\":", &a.at)?;
    text(out, b",\"tier\":\"", &a.tier, b"")?;
    text(out, b"\",\"severity\":\"", &a.severity, b"\"")?;
    opt_string(out, string_key!("type"), a.issue_type.as_deref())?;
    opt_string(out, string_key!("status"), a.status.as_deref())?;
    // Only for a policy that declares versions: the one in force at `at`.
    if let Some(v) = &a.version {
        // `{` then a key: the key's comma would not do here.
        match v.name.as_deref() {
            Some(name) => {
                out.put(b",\"version\":{\"name\":");
                string(out, name)?;
            }
            None => out.put(b",\"version\":{\"name\":null"),
        }
        let effective = v.effective.map(|d| d.to_string());
        opt_string(out, string_key!("effective"), effective.as_deref())?;
        out.put(b"}");
    }
    out.put(b",\"metrics\":[");
    for (i, m) in a.metrics.iter().enumerate() {
        if i > 0 {
            out.put(b",");
        }
        metric(out, m)?;
    }
    // The closing `]}` is the caller's, with the line's end.
    Ok(())
}

#[inline(always)]
fn metric(out: &mut Out<'_>, m: &MetricAnswer) -> io::Result<()> {
    text(out, b"{\"metric\":\"", &m.metric, b"")?;
    state(out, &METRIC_STATES, m.state);
    count(out, b"", m.breaches);
    out.put(b",\"cycles\":[");
    for (i, c) in m.cycles.iter().enumerate() {
        if i > 0 {
            out.put(b",");
        }
        cycle(out, c)?;
    }
    out.put(b"]}");
    Ok(())
}

#[inline(always)]
fn cycle(out: &mut Out<'_>, c: &CycleAnswer) -> io::Result<()> {
    count(out, b"{\"cycle\":", c.cycle);
    state(out, &CYCLE_STATES, c.state);
    opt_string(out, string_key!("target"), c.target.as_deref())?;
    opt_int(out, key!("target_seconds"), c.target_seconds);
    text(out, b",\"calendar\":\"", &c.calendar, b"")?;
    time(out, b"\",\"start\":", &c.start)?;
    text(out, b",\"started_by\":\"", &c.started_by, b"\"")?;
    opt_time(out, key!("deadline"), &c.deadline)?;
    opt_time(out, key!("stop"), &c.stop)?;
    opt_string(out, string_key!("stopped_by"), c.stopped_by.as_deref())?;
    int(out, b",\"elapsed_seconds\":", c.elapsed_seconds);
    opt_int(out, key!("remaining_seconds"), c.remaining_seconds);
    int(out, b",\"wall_seconds\":", c.wall_seconds);
    opt_int(out, key!("consumed_permille"), c.consumed_permille);
    opt_time(out, key!("breached_at"), &c.breached_at)?;
    if c.milestones.is_empty() {
        out.put(b",\"milestones\":[]}");
        return Ok(());
    }
    out.put(b",\"milestones\":[");
    for (i, m) in c.milestones.iter().enumerate() {
        if i > 0 {
            out.put(b",");
        }
        milestone(out, m)?;
    }
    out.put(b"]}");
    Ok(())
}

#[inline(always)]
fn milestone(out: &mut Out<'_>, m: &MilestoneAnswer) -> io::Result<()> {
    out.put(match m.kind {
        MilestoneKind::Warn => b"{\"kind\":\"warn\",\"percent\":\"",
        MilestoneKind::Escalate => b"{\"kind\":\"escalate\",\"percent\":\"",
    });
    text(out, b"", &m.percent, b"")?;
    text(out, b"\",\"to\":\"", &m.to, b"\"")?;
    opt_time(out, key!("fires_at"), &m.fires_at)?;
    out.put(if m.fired {
        b",\"fired\":true}"
    } else {
        b",\"fired\":false}"
    });
    Ok(())
}

/// Room [`write_at`] gives a vector, at least, when it grows it.
const MIN_ROOM: usize = 4096;

/// Writes into `vec` from byte `at` on (at most its length) through
/// `write`, and returns where the bytes end. `vec`'s length is room, not
/// content: its bytes past `at` are overwritten and never read, so that a
/// recycled vector keeps its length and its room is not cleared again.
/// `write` is given the room and says how many bytes it wrote, or `None`
/// when the room was too small ([`Out::written`]); it then runs again,
/// from the start, with the vector grown (zeros) to twice its length. An
/// answer's writing depends on nothing but the answer, so the second run
/// writes what the first would have with room enough.
#[inline(always)]
pub(super) fn write_at(
    vec: &mut Vec<u8>,
    at: usize,
    mut write: impl FnMut(&mut [u8]) -> io::Result<Option<usize>>,
) -> io::Result<usize> {
    let at = at.min(vec.len());
    if vec.len() - at < MIN_ROOM {
        // A new vector, or a full one: room for a usual answer first.
        grow(vec, at);
    }
    loop {
        if let Some(n) = write(&mut vec[at..])? {
            return Ok(at + n);
        }
        grow(vec, at);
    }
}

/// Out of line, and rare: a vector's room doubled.
#[cold]
#[inline(never)]
fn grow(vec: &mut Vec<u8>, at: usize) {
    vec.resize((2 * vec.len()).max(at + MIN_ROOM), 0);
}

/// The writer of answers' bytes, straight into their place in the output:
/// a copy is a check of the room left, the copy, and the room cut to what
/// is after it (where `Vec::extend_from_slice` reloads and stores the
/// vector's length and capacity every time). When the room is too small
/// it writes nothing more and [`Out::written`] says so: the caller
/// ([`write_at`]) makes more room and writes again. (The CSV writer of
/// answers uses it too.)
pub(super) struct Out<'a> {
    room: &'a mut [u8],
    size: usize,
    short: bool,
}

impl<'a> Out<'a> {
    /// An [`Out`] writing into `room` from its start. (A local `Out` whose
    /// methods are inlined keeps its room in registers; behind a closure's
    /// reference it would live in memory.)
    pub(super) fn new(room: &'a mut [u8]) -> Self {
        let size = room.len();
        Out {
            room,
            size,
            short: false,
        }
    }

    /// How many bytes were written, or `None` when the room was too small
    /// for them.
    pub(super) fn written(&self) -> Option<usize> {
        (!self.short).then_some(self.size - self.room.len())
    }

    #[inline(always)]
    pub(super) fn put(&mut self, b: &[u8]) {
        if b.len() <= self.room.len() {
            let (to, rest) = std::mem::take(&mut self.room).split_at_mut(b.len());
            to.copy_from_slice(b);
            self.room = rest;
        } else {
            self.short = true;
        }
    }

    /// Puts `key` (short, constant text), `head`, `tail` from `step` bytes
    /// after `head`'s start (at most `N`: the two may overlap), then `after`
    /// (short, constant text), with one check of the room for all four: a
    /// string of `step + M` bytes as its first `N` and last `M` bytes, and
    /// the constant text around it.
    #[inline(always)]
    pub(super) fn put_words<const N: usize, const M: usize>(
        &mut self,
        key: &[u8],
        head: &[u8; N],
        tail: &[u8; M],
        step: usize,
        after: &[u8],
    ) {
        let (k, a) = (key.len(), after.len());
        if k + N + M + a <= self.room.len() {
            let room = std::mem::take(&mut self.room);
            room[..k].copy_from_slice(key);
            room[k..k + N].copy_from_slice(head);
            // `min`: the copies after it need no check of their own.
            let t = k + step.min(N);
            room[t..t + M].copy_from_slice(tail);
            room[t + M..t + M + a].copy_from_slice(after);
            self.room = &mut room[t + M + a..];
        } else {
            self.short = true;
        }
    }

    /// Puts the first `keep` bytes of `b`: copying all of them (a fixed
    /// size) and stepping back is cheaper than a copy of variable size.
    #[inline(always)]
    pub(super) fn put_first<const N: usize>(&mut self, b: &[u8; N], keep: usize) {
        self.put_key_first(b"", b, keep);
    }

    /// Puts `key` (short, constant text) then the first `keep` bytes of `b`
    /// as [`Out::put_first`] does, with one check of the room for both.
    #[inline(always)]
    pub(super) fn put_key_first<const N: usize>(&mut self, key: &[u8], b: &[u8; N], keep: usize) {
        self.put_words(key, b, &[], keep, b"");
    }
}

/// Every state, each at its number (`state as usize`).
const STATES: [State; 7] = [
    State::Met,
    State::Breached,
    State::Running,
    State::Paused,
    State::NoTarget,
    State::NotCovered,
    State::NotStarted,
];

/// Room for the longest text around a state's name in [`StateFields`].
pub(super) const STATE_ROOM: usize = 40;

/// A state field with the constant text around it (`,"state":"met"`):
/// for each of [`STATES`], the text padded to [`STATE_ROOM`] bytes and its
/// length, so that writing one is a fixed-size copy cut back (not three
/// copies); and the text around the name, for a state not in the table.
pub(super) struct StateFields {
    padded: [(State, [u8; STATE_ROOM], usize); STATES.len()],
    before: &'static [u8],
    after: &'static [u8],
}

/// After the metric's name: `","state":"met","breaches":`.
const METRIC_STATES: StateFields = state_fields(b"\",\"state\":\"", b"\",\"breaches\":");

/// After the cycle's number: `,"state":"met"`.
const CYCLE_STATES: StateFields = state_fields(b",\"state\":\"", b"\"");

pub(super) const fn state_fields(before: &'static [u8], after: &'static [u8]) -> StateFields {
    let mut padded = [(State::Met, [0u8; STATE_ROOM], 0); STATES.len()];
    let mut i = 0;
    while i < STATES.len() {
        let parts = [before, STATES[i].name().as_bytes(), after];
        let (mut at, mut p) = (0, 0);
        while p < parts.len() {
            let mut j = 0;
            while j < parts[p].len() {
                padded[i].1[at] = parts[p][j];
                at += 1;
                j += 1;
            }
            p += 1;
        }
        padded[i].0 = STATES[i];
        padded[i].2 = at;
        i += 1;
    }
    StateFields {
        padded,
        before,
        after,
    }
}

#[inline(always)]
pub(super) fn state(out: &mut Out<'_>, fields: &StateFields, s: State) {
    match fields.padded.get(s as usize) {
        Some((listed, bytes, len)) if *listed == s => out.put_first(bytes, *len),
        _ => {
            out.put(fields.before);
            out.put(s.name().as_bytes());
            out.put(fields.after);
        }
    }
}

/// Bytes `serde_json` escapes inside a string: `"`, `\\` and control
/// characters below 0x20.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Whether `serde_json` would write `s` between quotes unchanged.
fn plain(s: &str) -> bool {
    !s.bytes().any(|b| ESCAPED[usize::from(b)])
}

/// What a text format does with a string's bytes: the bytes that send a
/// string the slow way, and that way. [`Json`] is JSON's; the CSV writer of
/// answers has its own.
pub(super) trait Special {
    /// The bytes that send a string the slow way.
    const BYTES: [bool; 256];
    /// Nonzero when some byte of `w` is one of [`Special::BYTES`], and only
    /// then.
    fn in_word(w: u64) -> u64;
    /// The text of `s`, which may hold some of [`Special::BYTES`] (or be
    /// long): `None` when it is `s` itself. (It gives bytes rather than
    /// writing them, so that no [`Out`] is passed to a call that is not
    /// inlined: its position then stays in a register.)
    fn slow(s: &str) -> io::Result<Option<Vec<u8>>>;
}

/// JSON strings, escaped as `serde_json` escapes them.
struct Json;

impl Special for Json {
    const BYTES: [bool; 256] = ESCAPED;

    #[inline(always)]
    fn in_word(w: u64) -> u64 {
        unclean(w)
    }

    fn slow(s: &str) -> io::Result<Option<Vec<u8>>> {
        if plain(s) {
            Ok(None)
        } else {
            escaped(s).map(Some)
        }
    }
}

/// Writes `key` (constant text, e.g. the key and the string's opening
/// quote), `s` as a JSON string without its quotes, and `after` (constant
/// text, e.g. the closing quote).
#[inline(always)]
fn text(out: &mut Out<'_>, key: &[u8], s: &str, after: &[u8]) -> io::Result<()> {
    text_as::<Json>(out, key, s, after)
}

/// Writes `key` (constant text), `s` as format `S` writes strings, and
/// `after` (constant text).
#[inline(always)]
pub(super) fn text_as<S: Special>(
    out: &mut Out<'_>,
    key: &[u8],
    s: &str,
    after: &[u8],
) -> io::Result<()> {
    // Names are short: up to 16 bytes they are checked a word at a time
    // and copied as two words, the second overlapping the first, without a
    // loop or a `memcpy` call, with the key and `after` (one check of the
    // room for all four).
    let b = s.as_bytes();
    let n = b.len();
    if (8..=16).contains(&n) {
        if let (Some(head), Some(tail)) = (word::<8>(b, 0), word::<8>(b, n - 8)) {
            if S::in_word(u64::from_le_bytes(head)) | S::in_word(u64::from_le_bytes(tail)) == 0 {
                out.put_words(key, &head, &tail, n - 8, after);
                return Ok(());
            }
        }
    } else if (4..8).contains(&n) {
        if let (Some(head), Some(tail)) = (word::<4>(b, 0), word::<4>(b, n - 4)) {
            // Both halves in one word: one check.
            let both =
                u64::from(u32::from_le_bytes(head)) | u64::from(u32::from_le_bytes(tail)) << 32;
            if S::in_word(both) == 0 {
                out.put_words(key, &head, &tail, n - 4, after);
                return Ok(());
            }
        }
    } else if (1..4).contains(&n) {
        // One to three bytes (`8h`, `75%`): checked one by one, copied as
        // three.
        let three = [b[0], b[n / 2], b[n - 1]];
        if !three.iter().any(|&c| S::BYTES[usize::from(c)]) {
            out.put_words(key, &three, &[], n, after);
            return Ok(());
        }
    }
    out.put(key);
    match S::slow(s)? {
        None => out.put(b),
        Some(text) => out.put(&text),
    }
    out.put(after);
    Ok(())
}

/// The `N` bytes of `b` from `at`, if there are so many.
#[inline(always)]
fn word<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

/// Zero when none of the eight bytes of `w` is [`ESCAPED`] (below 0x20,
/// `"` or `\\`), with [`below`]. Flipping bit 1
/// of each byte maps `"` (0x22) to 0x20 and keeps the control characters
/// below 0x20 (and every other byte at 0x21 or above), so one test below
/// 0x21 finds both.
#[inline(always)]
fn unclean(w: u64) -> u64 {
    let control_or_quote = below(w ^ (ONES * 0x02), 0x21);
    let backslash = below(w ^ (ONES * u64::from(b'\\')), 1);
    (control_or_quote | backslash) & HIGH
}

/// `0x01` in each byte of a word.
pub(super) const ONES: u64 = 0x0101_0101_0101_0101;
/// `0x80` in each byte of a word.
pub(super) const HIGH: u64 = 0x8080_8080_8080_8080;

/// `x - 0x0101... * k & !x`: its high bits (under [`HIGH`]) are not all
/// clear exactly when some byte of `x` is below `k` (for `k` up to 0x80).
#[inline(always)]
pub(super) fn below(x: u64, k: u64) -> u64 {
    x.wrapping_sub(ONES * k) & !x
}

/// [`text`] of a string with escapes, through `serde_json` itself (rare:
/// kept out of line so that the common path stays small).
#[cold]
#[inline(never)]
fn escaped(s: &str) -> io::Result<Vec<u8>> {
    let mut quoted = Vec::with_capacity(s.len() + 8);
    serde_json::to_writer(&mut quoted, s).map_err(io::Error::from)?;
    quoted.pop();
    quoted.remove(0);
    Ok(quoted)
}

#[inline(always)]
fn string(out: &mut Out<'_>, s: &str) -> io::Result<()> {
    text(out, b"\"", s, b"\"")?;
    Ok(())
}

/// A key (from [`string_key!`]) and its string, or the key and `null`.
#[inline(always)]
fn opt_string(out: &mut Out<'_>, (key, null): (&[u8], &[u8]), s: Option<&str>) -> io::Result<()> {
    match s {
        Some(s) => {
            text(out, key, s, b"\"")?;
            Ok(())
        }
        None => {
            out.put(null);
            Ok(())
        }
    }
}

/// Writes `key` (constant text) and an integer in decimal, as
/// `serde_json` and `Display` do.
#[inline(always)]
pub(super) fn int(out: &mut Out<'_>, key: &[u8], n: i64) {
    match u32::try_from(n) {
        Ok(n) if n < 100_000_000 => eight(out, key, n),
        // Negative, or nine digits or more: rare.
        _ => {
            out.put(key);
            out.put(itoa::Buffer::new().format(n).as_bytes());
        }
    }
}

/// [`int`] of a number that is usually a single digit (a cycle's number, a
/// count of breaches): one byte, without the digit arithmetic.
#[inline(always)]
pub(super) fn count(out: &mut Out<'_>, key: &[u8], n: u32) {
    match u8::try_from(n) {
        Ok(d) if d < 10 => out.put_key_first(key, &[b'0' + d], 1),
        _ => int(out, key, n.into()),
    }
}

/// Writes `key` and `n` (below 10^8) in decimal: the eight digits are computed side
/// by side in one `u64` (a byte each), the leading zeros shifted out, and
/// the eight bytes copied whole and cut back; no loop, no `memcpy` call.
#[inline(always)]
fn eight(out: &mut Out<'_>, key: &[u8], n: u32) {
    // Two lanes of 32 bits: the first four digits, then the last four.
    let x = u64::from(n / 10_000) | u64::from(n % 10_000) << 32;
    // Each lane (below 10^4) split into lanes of 16 bits: its first two
    // digits, then its last two (`* 10486 >> 20` is `/ 100` below 43,699).
    let hundreds = ((x * 10_486) >> 20) & 0x0000_007f_0000_007f;
    let x = hundreds | (x - 100 * hundreds) << 16;
    // Each of those (below 100) split into bytes: tens, then units
    // (`* 103 >> 10` is `/ 10` below 179).
    let tens = ((x * 103) >> 10) & 0x000f_000f_000f_000f;
    let digits = tens | (x - 10 * tens) << 8;
    // Leading zero digits are the low zero bytes; the last digit always counts.
    let zeros = (digits | 1 << 56).trailing_zeros() / 8;
    let ascii = (digits + 0x3030_3030_3030_3030) >> (8 * zeros);
    out.put_key_first(key, &ascii.to_le_bytes(), 8 - zeros as usize);
}

/// A key (from [`key!`]) and its integer, or the key and `null`.
#[inline(always)]
fn opt_int(out: &mut Out<'_>, (key, null): (&[u8], &[u8]), n: Option<i64>) {
    match n {
        Some(n) => {
            int(out, key, n);
        }
        None => out.put(null),
    }
}

/// Writes `key` (constant text) and an instant.
#[inline(always)]
fn time(out: &mut Out<'_>, key: &[u8], t: &DateTime<Utc>) -> io::Result<()> {
    let mut b = [0u8; 24];
    if utc::fill(t, &mut b) {
        out.put_key_first(key, &b, 22);
        Ok(())
    } else {
        // A fraction of a second, or a year outside 0-9999: rare.
        out.put(key);
        string(out, &utc::text(t))
    }
}

/// A key (from [`key!`]) and its instant, or the key and `null`.
#[inline(always)]
fn opt_time(
    out: &mut Out<'_>,
    (key, null): (&[u8], &[u8]),
    t: &Option<DateTime<Utc>>,
) -> io::Result<()> {
    match t {
        Some(t) => time(out, key, t),
        None => {
            out.put(null);
            Ok(())
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::calendar::CalendarSet;
    use crate::eval::answer::{evaluate, State, VersionAnswer};
    use crate::eval::testing::{business_policy, sample_policy, synthetic_ticket};
    use crate::eval::timeline::ReadOptions;
    use crate::stream::jsonl::read_line;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn instant(t: &DateTime<Utc>) -> Value {
        json!(utc::text(t))
    }

    /// The answer's fields, in order, as the format in `docs/eval.md`
    /// lists them: the slow, obviously correct reference for the writer.
    fn reference(a: &TicketAnswer) -> Value {
        let cycles = |cs: &[CycleAnswer]| -> Vec<Value> {
            cs.iter()
                .map(|c| {
                    let milestones: Vec<Value> = c
                        .milestones
                        .iter()
                        .map(|m| {
                            json!({
                                "kind": match m.kind { MilestoneKind::Warn => "warn", MilestoneKind::Escalate => "escalate" },
                                "percent": m.percent, "to": m.to,
                                "fires_at": m.fires_at.as_ref().map(instant), "fired": m.fired,
                            })
                        })
                        .collect();
                    json!({
                        "cycle": c.cycle, "state": c.state.name(), "target": c.target,
                        "target_seconds": c.target_seconds, "calendar": c.calendar,
                        "start": instant(&c.start), "started_by": c.started_by,
                        "deadline": c.deadline.as_ref().map(instant),
                        "stop": c.stop.as_ref().map(instant), "stopped_by": c.stopped_by,
                        "elapsed_seconds": c.elapsed_seconds,
                        "remaining_seconds": c.remaining_seconds,
                        "wall_seconds": c.wall_seconds,
                        "consumed_permille": c.consumed_permille,
                        "breached_at": c.breached_at.as_ref().map(instant),
                        "milestones": milestones,
                    })
                })
                .collect()
        };
        let metrics: Vec<Value> = a
            .metrics
            .iter()
            .map(|m| {
                json!({"metric": m.metric, "state": m.state.name(), "breaches": m.breaches,
                       "cycles": cycles(&m.cycles)})
            })
            .collect();
        let mut v = json!({
            "format_version": a.format_version, "id": a.id, "at": instant(&a.at),
            "tier": a.tier, "severity": a.severity, "type": a.issue_type,
            "status": a.status, "metrics": metrics,
        });
        if let Some(version) = &a.version {
            v["version"] = json!({
                "name": version.name,
                "effective": version.effective.map(|d| d.to_string()),
            });
        }
        v
    }

    /// The writer's bytes are JSON with exactly the reference's content,
    /// and its keys come in the documented order.
    fn same_as_reference(a: &TicketAnswer) {
        let mut fast = Vec::new();
        write_answer(a, &mut fast).unwrap();
        let text = String::from_utf8(fast).unwrap();
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, reference(a), "{text}");
        let keys = [
            "\"format_version\"",
            "\"id\"",
            "\"at\"",
            "\"tier\"",
            "\"severity\"",
            "\"type\"",
            "\"status\"",
            "\"metrics\"",
        ];
        let at: Vec<usize> = keys.iter().map(|k| text.find(k).unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    }

    /// The room a fresh vector first gets: the tests write across it.
    pub(in crate::stream) const ROOM: usize = MIN_ROOM;

    /// What `write` puts through an [`Out`] after `skip` bytes already
    /// written, into a fresh vector (so with too little room first, when
    /// `skip` is close to [`ROOM`] or the bytes are many).
    fn after(skip: usize, write: impl Fn(&mut Out<'_>)) -> Vec<u8> {
        let mut vec = Vec::new();
        let end = write_at(&mut vec, 0, |room| {
            let mut out = Out::new(room);
            out.put(&vec![b'x'; skip]);
            write(&mut out);
            Ok(out.written())
        })
        .unwrap();
        vec.truncate(end);
        vec.split_off(skip)
    }

    #[test]
    fn long_runs_are_written_in_order() {
        let bytes: Vec<u8> = (0..5 * ROOM).map(|i| (i % 251) as u8).collect();
        for skip in [0, 1, ROOM - 1, ROOM] {
            let out = after(skip, |out| {
                // Pieces smaller than, equal to and larger than the room.
                let mut rest = &bytes[..];
                for size in [3, ROOM, 1, ROOM + 7, 40].into_iter().cycle() {
                    let (piece, tail) = rest.split_at(size.min(rest.len()));
                    out.put(piece);
                    rest = tail;
                    if rest.is_empty() {
                        break;
                    }
                }
            });
            assert_eq!(out, bytes);
        }
    }

    /// A write that finds too little room says so, whatever fits after it.
    #[test]
    fn too_little_room_is_told() {
        let mut room = [0; 10];
        let mut out = Out::new(&mut room);
        out.put(b"12345678");
        assert_eq!(out.written(), Some(8));
        out.put_key_first(b"k", &[b'a'; 8], 1);
        out.put(b"9");
        assert_eq!(out.written(), None);
        let mut out = Out::new(&mut room);
        out.put_key_first(b"key", &[b'a'; 7], 2);
        assert_eq!(out.written(), Some(5));
        out.put(&[b'b'; 6]);
        assert_eq!(out.written(), None);
    }

    /// `text` (with its word-at-a-time paths) against `serde_json`, on
    /// every length up to 40 with an escaped, non-ASCII or plain character
    /// at each place, and on arbitrary strings.
    #[test]
    fn text_is_what_serde_json_writes() {
        let check = |s: &str| {
            let quoted = serde_json::to_string(s).unwrap();
            // At the room's start, and close to its end (too little room first).
            for skip in [1, ROOM - 5, ROOM - 1] {
                let out = after(skip, |out| text(out, b"", s, b"").unwrap());
                assert_eq!(out, &quoted.as_bytes()[1..quoted.len() - 1], "{s:?}");
                let out = after(skip, |out| text(out, b",\"k\":\"", s, b"\"").unwrap());
                assert_eq!(out, format!(",\"k\":{quoted}").as_bytes());
            }
        };
        for len in 0..40 {
            let base = &"abcdefghijklmnopqrstuvwxyz0123456789ABCD"[..len];
            check(base);
            for at in 0..len {
                for odd in [
                    '"', '\\', '\u{0}', '\u{2}', '\u{1f}', ' ', '!', '#', '\u{7f}', '~', 'é', '€',
                ] {
                    let mut s = base.to_string();
                    s.replace_range(at..=at, &odd.to_string());
                    check(&s);
                }
            }
        }
        proptest!(|(s in "\\PC{0,40}|[ -~\\x00-\\x1f]{0,40}")| check(&s));
    }

    /// `unclean` against the table, for every byte at every place of a
    /// word of plain bytes, and next to every other byte.
    #[test]
    fn unclean_finds_exactly_the_escaped_bytes() {
        for b in 0..=255u8 {
            for at in 0..8 {
                for fill in [b'a', b' ', 0x80, 0xff, b'!', b'#'] {
                    let mut w = [fill; 8];
                    w[at] = b;
                    let dirty = w.iter().any(|&c| ESCAPED[usize::from(c)]);
                    assert_eq!(unclean(u64::from_le_bytes(w)) != 0, dirty, "{w:?}");
                }
            }
            for c in 0..=255u8 {
                let w = [b, c, b'a', b, c, 0xc3, 0xa9, b];
                let dirty = w.iter().any(|&x| ESCAPED[usize::from(x)]);
                assert_eq!(unclean(u64::from_le_bytes(w)) != 0, dirty, "{w:?}");
            }
        }
    }

    #[test]
    fn counts_are_written_like_display() {
        for n in [0, 1, 9, 10, 11, 99, 255, 256, 1000, u32::MAX] {
            for skip in [0, ROOM - 1] {
                let out = after(skip, |out| count(out, b",\"k\":", n));
                assert_eq!(String::from_utf8(out).unwrap(), format!(",\"k\":{n}"));
            }
        }
    }

    #[test]
    fn state_fields_are_the_names_with_their_text() {
        for s in STATES {
            for (fields, before, behind) in [
                (&METRIC_STATES, "\",\"state\":\"", "\",\"breaches\":"),
                (&CYCLE_STATES, ",\"state\":\"", "\""),
            ] {
                for skip in [1, ROOM - 3] {
                    let out = after(skip, |out| state(out, fields, s));
                    assert_eq!(out, format!("{before}{}{behind}", s.name()).as_bytes());
                }
            }
        }
    }

    #[test]
    fn integers_are_written_like_display() {
        let max = i64::from(u32::MAX);
        for n in [
            0,
            1,
            -1,
            9,
            10,
            -10,
            99,
            1000,
            86_400,
            max,
            i64::MAX,
            i64::MIN,
        ] {
            for skip in [0, ROOM - 2] {
                let out = after(skip, |out| int(out, b"", n));
                assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
                let out = after(skip, |out| int(out, b",\"k\":", n));
                assert_eq!(String::from_utf8(out).unwrap(), format!(",\"k\":{n}"));
            }
        }
    }

    /// The eight-digit path against `Display`: every number below 10^6,
    /// each power of ten and its neighbours, and random ones below 10^8.
    #[test]
    fn eight_digits_are_written_like_display() {
        let check = |n: u32| {
            let out = after(1, |out| eight(out, b"", n));
            assert_eq!(out, n.to_string().as_bytes(), "{n}");
        };
        (0..1_000_000).for_each(check);
        for p in 0..8 {
            let p = 10u32.pow(p);
            [p - 1, p, p + 1, 2 * p, 9 * p + 1]
                .into_iter()
                .for_each(check);
        }
        check(99_999_999);
        let mut x = 0x9e37_79b9_u32;
        for _ in 0..1_000_000 {
            // xorshift: spread over the whole range, reproducibly.
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            check(x % 100_000_000);
        }
    }

    /// Calls `check` with the answers of a synthetic corpus on two
    /// policies, then with answers holding what the fast paths do not
    /// take: escapes, commas, quotes and line breaks, long names, nulls,
    /// odd instants and integers, milestones, a metric without cycles and
    /// versions. The reference tests of the writers (JSON here, CSV in
    /// `report`) run on them.
    pub(in crate::stream) fn sample_answers(mut check: impl FnMut(&TicketAnswer)) {
        let policy = business_policy();
        let hours = CalendarSet::from_policy(&policy);
        let always = sample_policy();
        let always_hours = CalendarSet::from_policy(&always);
        for i in 0..300 {
            let line = synthetic_ticket(i, 7);
            let t = read_line(&policy, &line, i + 1, &ReadOptions::default()).unwrap();
            let at = t.latest_event().unwrap();
            check(&evaluate(&policy, &hours, &t, at).unwrap());
            let t = read_line(&always, &line, i + 1, &ReadOptions::default()).unwrap();
            check(&evaluate(&always, &always_hours, &t, at).unwrap());
        }
        let line = synthetic_ticket(3, 1);
        let t = read_line(&policy, &line, 1, &ReadOptions::default()).unwrap();
        let mut a = evaluate(&policy, &hours, &t, t.latest_event().unwrap()).unwrap();
        a.id = "T\"1\\ \u{1} \n é \u{7f} </>".into();
        a.status = Some("waiting \"on\" customer\t".into());
        a.issue_type = None;
        a.at = "2026-03-06T21:30:00.5Z".parse().unwrap();
        let m = &mut a.metrics[0];
        m.state = State::Paused;
        if let Some(c) = m.cycles.first_mut() {
            c.target = None;
            c.target_seconds = Some(-5);
            c.deadline = Some("+10000-01-01T00:00:00Z".parse().unwrap());
            c.stop = None;
            c.stopped_by = Some("x\u{0}y".into());
            c.milestones.push(MilestoneAnswer {
                kind: MilestoneKind::Escalate,
                percent: "100%".into(),
                to: "A \"lead\"".into(),
                fires_at: None,
                fired: true,
            });
            c.milestones.push(MilestoneAnswer {
                kind: MilestoneKind::Warn,
                percent: "75%".into(),
                to: "".into(),
                fires_at: Some("-0001-12-31T23:59:59Z".parse().unwrap()),
                fired: false,
            });
        }
        a.metrics[1].cycles.clear();
        if let Some(c) = a.metrics[2].cycles.first_mut() {
            c.elapsed_seconds = i64::MIN;
            c.wall_seconds = i64::MAX;
            c.remaining_seconds = Some(0);
            c.consumed_permille = Some(-1000);
            c.cycle = u32::MAX;
        }
        check(&a);
        // A policy with versions: named, or the policy's own targets.
        for name in [Some("2027 \"terms\""), None] {
            for effective in [chrono::NaiveDate::from_ymd_opt(2027, 1, 1), None] {
                a.version = Some(VersionAnswer {
                    name: name.map(Into::into),
                    effective,
                });
                check(&a);
            }
        }
        // Commas, quotes and line breaks (which CSV quotes), long names.
        a.id = "ticket-0123456789-abcdefghij".into();
        a.tier = "gold, premium".into();
        a.severity = "sev \"1\"".into();
        a.issue_type = Some("line\nbreak\r".into());
        a.at = "2026-03-06T21:30:00Z".parse().unwrap();
        a.metrics[0].metric = "first,response".into();
        for c in a.metrics.iter_mut().flat_map(|m| &mut m.cycles) {
            c.calendar = "office \"hours\", Paris".into();
            c.started_by = "x".into();
            c.target = Some("8h,".into());
            for (i, m) in c.milestones.iter_mut().enumerate() {
                m.percent = if i == 0 { "7,5%" } else { "1\"0%" }.into();
            }
        }
        check(&a);
    }

    #[test]
    fn matches_the_reference() {
        sample_answers(same_as_reference);
    }

    /// Written into a recycled vector (its room full of old bytes), from
    /// any place, an answer is the same bytes, the line its newline added,
    /// and the bytes before it are kept.
    #[test]
    fn old_room_never_shows() {
        let mut lengths = [0, 1, 100, ROOM - 3, 3 * ROOM].into_iter().cycle();
        sample_answers(|a| {
            let mut fresh = Vec::new();
            write_answer(a, &mut fresh).unwrap();
            for (len, at) in [(0, 0), (lengths.next().unwrap(), 0), (2 * ROOM, 7)] {
                let mut vec = vec![b'"'; len.max(at)];
                let end = write_answer_at(a, &mut vec, at, true).unwrap();
                assert!(vec[..at].iter().all(|&b| b == b'"'));
                assert_eq!(&vec[at..end], [&fresh[..], b"\n"].concat());
            }
        });
    }
}
