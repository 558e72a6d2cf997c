//! The usual-line scanner ([`super::fast`]) against the serde reader.

use super::fast::{is_special, parse_usual, read_usual, special};
use super::{parse_with_serde, read_line};
use crate::eval::timeline::{validate, ReadOptions};
use crate::ir::Policy;
use proptest::prelude::*;
use std::borrow::Cow;

/// The scanner declines `text` or reads what the serde reader reads.
fn agree(text: &str) -> Result<(), TestCaseError> {
    if let Some(fast) = parse_usual(text, 7) {
        prop_assert_eq!(Ok(fast), parse_with_serde(text, 7), "{}", text);
    }
    Ok(())
}

const USUAL: &str = r#"{"id":"T-0","tier":"standard","severity":"sev3","type":"question","events":[{"at":"2026-04-04T01:07:11Z","type":"opened"},{"at":"2026-04-04T17:13:29Z","type":"severity","severity":"sev1"},{"at":"2026-04-06T03:40:31Z","type":"status","status":"waiting_on_customer"}]}"#;

#[test]
fn usual_lines_are_scanned() {
    let lines = [
        USUAL.to_string(),
        USUAL.replace(r#""T-0""#, "42"),
        USUAL.replace(r#""T-0""#, "0"),
        USUAL.replace(',', " ,\t").replace("\":", "\"\n: "),
        USUAL.replace(
            r#""type":"question""#,
            r#""type":null,"status":"open","channel":"email","due_at":"2026-04-09T00:00:00Z","attributes":{"region":"eu","plan":"pro","region":"us"}"#,
        ),
        USUAL.replace(
            r#""type":"opened"}"#,
            r#""type":"opened","actor":"agent","public":false,"status":"x","tier":"y"}"#,
        ),
        USUAL.replace(r#""type":"opened"}"#, r#""type":"opened","actor":null,"public":null}"#),
        r#"{"events":[],"id":"é"}"#.to_string(),
        r#"{"events":[{}],"attributes":{}}"#.to_string(),
    ];
    for text in &lines {
        let fast = parse_usual(text, 7);
        assert!(fast.is_some(), "declined: {text}");
        assert_eq!(fast.map(Ok), Some(parse_with_serde(text, 7)), "{text}");
    }
    let raw = parse_usual(USUAL, 7).unwrap_or_default();
    assert!(matches!(raw.id, Some(Cow::Borrowed("T-0"))));
    assert_eq!(raw.events[2].value.as_deref(), Some("waiting_on_customer"));
    assert!(raw.events.iter().all(|e| e.line == 7));
}

#[test]
fn unusual_lines_are_left_to_serde() {
    let lines = [
        // Escapes, control characters, duplicate and unknown keys.
        USUAL.replace("T-0", r"T-\u0030"),
        USUAL.replace("T-0", "T\t0"),
        USUAL.replace(r#""tier":"standard""#, r#""tier":"standard","tier":"gold""#),
        USUAL.replace(r#""type":"opened"}"#, r#""type":"opened","at":"x"}"#),
        USUAL.replace(r#""tier":"standard""#, r#""tier":"standard","extra":1"#),
        // `null` where it is an error or may be one; numbers that are not
        // plain whole numbers.
        USUAL.replace(r#""T-0""#, "null"),
        USUAL.replace(r#""sev1""#, "null"),
        USUAL.replace(r#""T-0""#, "007"),
        USUAL.replace(r#""T-0""#, "-1"),
        USUAL.replace(r#""T-0""#, "1.0"),
        USUAL.replace(r#""T-0""#, "1e3"),
        USUAL.replace(r#""T-0""#, "12345678901234567890"),
        // No events, trailing text, trailing commas, not an object.
        r#"{"id":"T-1"}"#.to_string(),
        format!("{USUAL}x"),
        USUAL.replace("}]}", "},]}"),
        format!("[{USUAL}]"),
    ];
    for text in &lines {
        assert_eq!(parse_usual(text, 7), None, "{text}");
    }
}

#[test]
fn every_byte_at_every_place_of_a_word() {
    for c in 0..=255u8 {
        for at in 0..8 {
            let mut bytes = *b"abcdefgh";
            bytes[at] = c;
            let found = special(u64::from_le_bytes(bytes));
            let lowest = (found != 0).then(|| (found.trailing_zeros() / 8) as usize);
            assert_eq!(lowest, is_special(c).then_some(at), "{c:#x} at {at}");
        }
    }
}

/// One of `options`, the first more often.
fn one_of(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(options[0].to_string()),
        3 => prop::sample::select(options).prop_map(str::to_string),
    ]
}

/// Mostly `usual`, now and then `odd`.
fn mostly<T: std::fmt::Debug>(
    usual: impl Strategy<Value = T>,
    odd: impl Strategy<Value = T>,
) -> impl Strategy<Value = T> {
    prop_oneof![25 => usual, 1 => odd]
}

/// Space between tokens: mostly none, sometimes JSON's, now and then not JSON's.
fn gap() -> BoxedStrategy<String> {
    mostly(
        one_of(&["", "", " "]),
        one_of(&[" ", "\t\n", "\r", "\u{a0}", "\u{b}"]),
    )
    .boxed()
}

/// A JSON string of ticket-like text, now and then with escapes or raw
/// control characters, or broken.
fn string() -> BoxedStrategy<String> {
    mostly(
        one_of(&[
            "gold",
            "sev1",
            "sev2",
            "opened",
            "replied",
            "status",
            "severity",
            "tier",
            "open",
            "agent",
            "customer",
            "",
            "é ü",
            "2026-03-06T15:30:00Z",
            "T-1",
        ])
        .prop_map(|s| format!("\"{s}\"")),
        one_of(&[
            r#""g\u006fld""#,
            r#""a\"b""#,
            r#""a\\""#,
            "\"a\tb\"",
            "\"a\u{1}\"",
            "\"open",
            "'open'",
        ]),
    )
    .boxed()
}

/// Any other value a field might hold.
fn other() -> BoxedStrategy<String> {
    one_of(&[
        "null",
        "true",
        "false",
        "0",
        "42",
        "007",
        "-1",
        "1.5",
        "1e3",
        "-0",
        "123456789012345678",
        "1234567890123456789",
        "99999999999999999999",
        "{}",
        "[]",
        "nul",
        "truex",
        "{\"a\":1}",
        "[1,2]",
        "\"x\"",
    ])
    .boxed()
}

/// A text field's value: a string, `null` now and then, else anything.
fn text() -> BoxedStrategy<String> {
    mostly(string(), prop_oneof![Just("null".to_string()), other()]).boxed()
}

/// `"key":value` with gaps.
fn member(
    key: impl Strategy<Value = String>,
    value: impl Strategy<Value = String>,
) -> impl Strategy<Value = String> {
    (gap(), key, gap(), gap(), value, gap())
        .prop_map(|(a, k, b, c, v, d)| format!("{a}\"{k}\"{b}:{c}{v}{d}"))
}

/// Members joined into an object, shuffled, now and then with a member
/// given twice, an unknown one or a trailing comma.
fn object(members: impl Strategy<Value = Vec<String>> + 'static) -> impl Strategy<Value = String> {
    let extra = mostly(
        Just(None),
        prop_oneof![
            member(one_of(&["other", "ID", ""]), text()).prop_map(Some),
            Just(Some(String::new())),
        ],
    );
    let twice = mostly(Just(false), Just(true));
    (members.prop_shuffle(), extra, twice, gap()).prop_map(|(mut members, extra, twice, g)| {
        if twice {
            if let Some(m) = members.first().cloned() {
                members.push(m);
            }
        }
        // An empty extra member makes a trailing (or doubled) comma.
        members.extend(extra);
        format!("{{{g}{}}}", members.join(","))
    })
}

/// An optional member.
fn maybe(m: impl Strategy<Value = String>) -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(0.4, m)
}

fn event() -> BoxedStrategy<String> {
    let kind = one_of(&[
        "opened",
        "replied",
        "status",
        "severity",
        "tier",
        "customer_replied",
        "other",
    ]);
    let kind = mostly(kind.prop_map(|k| format!("\"{k}\"")), text());
    let members = (
        prop::option::weighted(
            0.95,
            member(
                Just("at".into()),
                mostly(Just("\"2026-03-06T15:30:00Z\"".into()), text()),
            ),
        ),
        prop::option::weighted(0.95, member(Just("type".into()), kind)),
        maybe(member(Just("status".into()), text())),
        maybe(member(Just("severity".into()), text())),
        maybe(member(Just("tier".into()), text())),
        maybe(member(Just("actor".into()), text())),
        maybe(member(
            Just("public".into()),
            mostly(one_of(&["true", "false", "null"]), other()),
        )),
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g].into_iter().flatten().collect());
    mostly(object(members), other()).boxed()
}

fn events() -> BoxedStrategy<String> {
    let list = (
        prop::collection::vec(event(), 0..5),
        mostly(Just(""), Just(",")),
    )
        .prop_map(|(events, trail)| format!("[{}{trail}]", events.join(",")));
    mostly(list, other()).boxed()
}

fn attributes() -> BoxedStrategy<String> {
    let pair = member(one_of(&["region", "plan", "", "é"]), text());
    mostly(object(prop::collection::vec(pair, 0..3)), other()).boxed()
}

/// A ticket line, mostly well-formed.
fn ticket() -> BoxedStrategy<String> {
    let id = mostly(
        string(),
        prop_oneof![one_of(&["1", "0", "42", "123456789012345678"]), other()],
    );
    let members = (
        prop::option::weighted(0.95, member(Just("id".into()), id)),
        prop::option::weighted(0.95, member(Just("tier".into()), text())),
        prop::option::weighted(0.95, member(Just("severity".into()), text())),
        maybe(member(Just("type".into()), text())),
        maybe(member(one_of(&["status", "channel", "due_at"]), text())),
        maybe(member(Just("attributes".into()), attributes())),
        prop::option::weighted(0.95, member(Just("events".into()), events())),
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g].into_iter().flatten().collect());
    object(members).boxed()
}

/// A policy naming what the generated lines name: tiers `gold` and
/// `platinum`, severities `sev1` (alias `P1`) and `sev2`, type `bug`, a
/// calendar chosen by `region` without a default, and a `due` target.
fn names_policy() -> Policy {
    static POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    POLICY
        .get_or_init(|| {
            crate::eval::testing::policy_from(
                "reader.sla",
                r#"
policy "Reader" { calendar desk }
calendar eu_desk = 24x7
calendar desk by region { eu: eu_desk }
severity sev1 "Critical" { alias "P1" }
severity sev2 "Major"
tiers gold < platinum
type bug "Defect"
targets first_response {
        gold  platinum
  sev1  4h    2h
  sev2  due   8h
}
"#,
            )
        })
        .clone()
}

/// The one-pass reader ([`read_usual`]) declines `text` or gives what the
/// raw reader and the validator give, and [`read_line`] gives exactly what
/// the serde reader and the validator give, errors included.
fn validated_agree(policy: &Policy, text: &str) -> Result<bool, TestCaseError> {
    let opts = ReadOptions::default();
    let slow = parse_with_serde(text, 7).and_then(|raw| validate(policy, raw, &opts));
    let fast = read_usual(&super::Lookup::new(policy), text, 7, &opts);
    if let Some(fast) = &fast {
        prop_assert_eq!(Ok(fast), slow.as_ref(), "{}", text);
    }
    prop_assert_eq!(read_line(policy, text, 7, &opts), slow, "{}", text);
    Ok(fast.is_some())
}

#[test]
fn usual_valid_tickets_are_read_in_one_pass() {
    let policy = names_policy();
    let line = |events: &str| {
        format!(
            r#"{{"id":"T-1","tier":"gold","severity":"sev1","type":"bug","events":[{events}],"attributes":{{"region":"eu"}}}}"#
        )
    };
    let opened = r#"{"at":"2026-03-06T15:30:00Z","type":"opened"}"#;
    let valid = [
        line(opened),
        line(&format!(
            r#"{opened},{{"at":"2026-03-06T15:30:00Z","type":"replied","actor":"agent","public":false}},{{"at":"2026-03-06T15:31:00Z","type":"severity","severity":"P1"}},{{"type":"status","at":"2026-03-06T16:40:00+01:00","status":"waiting"}}"#
        )),
        line(&format!(
            r#"{{"at":"2026-03-07T00:00:00Z","type":"tier","tier":"platinum"}},{opened}"#
        )),
    ];
    for text in &valid {
        assert_eq!(
            validated_agree(&policy, text).map_err(|e| e.to_string()),
            Ok(true),
            "{text}"
        );
    }
    let invalid = [
        line(""),
        line(&format!(r#"{opened},{opened}"#)),
        line(r#"{"at":"2026-03-06T15:30:00Z","type":"replied"}"#),
        line(&format!(
            r#"{opened},{{"at":"2026-03-06T15:29:00Z","type":"replied"}}"#
        )),
        line(&format!(
            r#"{opened},{{"at":"2026-03-06T25:29:00Z","type":"replied"}}"#
        )),
        line(&format!(
            r#"{opened},{{"at":"2026-03-06T15:31:00Z","type":"status"}}"#
        )),
        line(&format!(
            r#"{opened},{{"at":"2026-03-06T15:31:00Z","type":"other"}}"#
        )),
        line(opened).replace("sev1", "sev2"),
        line(opened).replace("gold", "silver"),
        line(opened).replace("\"eu\"", "\"us\""),
    ];
    for text in &invalid {
        assert_eq!(
            validated_agree(&policy, text).map_err(|e| e.to_string()),
            Ok(false),
            "{text}"
        );
        assert!(read_line(&policy, text, 7, &ReadOptions::default()).is_err());
    }
}

#[test]
fn usual_events_are_read_without_the_general_scan() {
    let policy = names_policy();
    let lookup = super::Lookup::new(&policy);
    let usual = [
        r#"{"at":"2026-03-06T15:30:00Z","type":"opened"}"#,
        r#"{"at":"2026-03-06t15:30:00z","type":"customer_replied"}"#,
        r#"{"at":"2026-03-06T15:30:00-06:00","type":"replied"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"status","status":"waiting"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"severity","severity":"P1"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"tier","tier":"gold"}"#,
    ];
    for event in usual {
        assert!(super::fast::takes_usual_event(&lookup, event), "{event}");
    }
    let general = [
        r#"{"type":"opened","at":"2026-03-06T15:30:00Z"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"opened","actor":"agent"}"#,
        r#"{"at":"2026-03-06T15:30:00Z", "type":"opened"}"#,
        r#"{"at":"2026-03-06T15:30:00.5Z","type":"opened"}"#,
        r#"{"at":"2026-03-06T15:30:60Z","type":"opened"}"#,
        r#"{"at":"2026-03-06T15:30:00\u005a","type":"opened"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"openedx"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"version"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"status","severity":"sev1"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"status","status":""}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"status","status":"a\"b"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"tier","tier":"silver"}"#,
    ];
    for event in general {
        assert!(!super::fast::takes_usual_event(&lookup, event), "{event}");
    }
}

/// Mostly the first of `options`, else any.
fn usually(options: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop_oneof![
        12 => Just(options[0].to_string()),
        1 => prop::sample::select(options).prop_map(str::to_string),
    ]
}

/// A ticket line that is mostly valid against [`names_policy`], with
/// events in any order, at odd times, of odd kinds and actors.
fn valid_ticket() -> BoxedStrategy<String> {
    let time = prop_oneof![
        8 => one_of(&[
            "2026-03-06T15:30:00Z",
            "2026-03-06T15:31:00Z",
            "2026-03-07T09:00:00Z",
            "2026-03-06T16:30:00+01:00",
            "2026-03-06 15:30:59.5z",
            "2026-03-06t15:30:00z",
            "2026-03-07T09:00:00-00:00",
        ]),
        1 => one_of(&[
            "2026-03-06T15:29:59Z",
            "2016-12-31T23:59:60Z",
            "2026-03-06T15:30:00",
            "2026-02-30T15:30:00Z",
            " 2026-03-06T15:30:00Z",
            "",
            "x",
            "10000-01-01T00:00:00Z",
            // Of the usual lengths (20 and 25 bytes) but not usual.
            "2026-03-06T15:30:00.1Z",
            "2026-03-06T15:30:00.123+01",
            "2026-03-06T15:30:0\\Z",
            "2026-03-06T15:30:00\\u005a",
            "2026-03-06T15:30:0",
        ]),
    ];
    let change = prop_oneof![
        3 => Just(("replied", "")),
        2 => Just(("customer_replied", "")),
        1 => prop::sample::select(&[
            ("acknowledged", ""),
            ("resolved", ""),
            ("closed", ""),
            ("reopened", ""),
            ("status", "open"),
            ("status", "waiting"),
            ("severity", "sev2"),
            ("severity", "P1"),
            ("tier", "platinum"),
            ("tier", "gold"),
        ][..]),
        1 => prop::sample::select(&[
            ("status", ""),
            ("severity", "sev3"),
            ("severity", "p1"),
            ("tier", "Gold"),
            ("opened", ""),
            ("version", ""),
            ("other", ""),
            ("repliedx", ""),
            ("Replied", ""),
            ("replie", ""),
            ("status", "wait\\ing"),
            ("severity", "sev2\\u0000"),
            // Near the names the one-pass reader matches a word at a time.
            ("customer_repliedx", ""),
            ("customer_replie", ""),
            ("acknowledge", ""),
            ("resolvedd", ""),
            ("reopene", ""),
            ("severityx", "sev2"),
            ("tie", "gold"),
        ][..]),
    ];
    // How a change's new value is written: mostly as usual, now and then
    // under another change's field or with space.
    let value_key = prop_oneof![
        12 => Just(None),
        1 => prop::sample::select(&["status", "severity", "tier", "statu", "statuss"][..]).prop_map(Some),
    ];
    let event = (
        time,
        change,
        prop::option::weighted(0.2, one_of(&["agent", "system", "customer", "", "bot"])),
        prop::option::weighted(0.2, one_of(&["true", "false", "null"])),
        value_key,
        usually(&["", " "]),
    )
        .prop_map(|(at, (kind, value), actor, public, key, space)| {
            let mut e = format!(r#"{{"at":"{at}","type":"{kind}""#);
            if let Some(field) = super::value_field(kind) {
                let field = key.unwrap_or(field);
                e += &format!(r#","{field}":{space}"{value}""#);
            }
            if let Some(actor) = actor {
                e += &format!(r#","actor":"{actor}""#);
            }
            if let Some(public) = public {
                e += &format!(r#","public":{public}"#);
            }
            e + "}"
        });
    let opened = one_of(&[
        r#"{"at":"2026-03-06T15:30:00Z","type":"opened"}"#,
        r#"{"at":"2026-03-06T15:30:00Z","type":"opened","actor":"agent"}"#,
        r#"{"type":"opened","at":"2026-03-06T15:30:00Z"}"#,
    ]);
    (
        usually(&["T-1", "", "é"]),
        usually(&["gold", "platinum", "Gold", "silver"]),
        usually(&["sev1", "P1", "p1", "sev2", "Critical", "sev3"]),
        usually(&[r#""type":"bug","#, "", r#""type":null,"#, r#""type":"Defect","#]),
        usually(&[
            r#""attributes":{"region":"eu"}"#,
            r#""attributes":{"region":"us"}"#,
            r#""attributes":{}"#,
        ]),
        usually(&["", r#","due_at":"2026-03-09T00:00:00Z""#, r#","due_at":"soon""#]),
        opened,
        prop::collection::vec(event, 0..6),
        0usize..6,
    )
        .prop_map(
            |(id, tier, severity, ty, attributes, due, opened, mut events, at)| {
                events.insert(at.min(events.len()), opened);
                format!(
                    r#"{{"id":"{id}","tier":"{tier}","severity":"{severity}",{ty}"events":[{}],{attributes}{due}}}"#,
                    events.join(",")
                )
            },
        )
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    /// Mostly valid tickets: where the one-pass reader reads one, the
    /// validator gives the same ticket; every error is the validator's.
    #[test]
    fn one_pass_reader_declines_or_agrees_with_validation(text in valid_ticket()) {
        validated_agree(&names_policy(), &text)?;
    }

    /// Ticket-like lines, well-formed or not, through the one-pass reader.
    #[test]
    fn one_pass_reader_agrees_on_any_line(text in ticket()) {
        validated_agree(&names_policy(), &text)?;
    }

    /// Ticket-like lines, well-formed or not: where the scanner reads one,
    /// the serde reader reads the same ticket.
    #[test]
    fn scanner_declines_or_agrees_with_serde(
        body in ticket(),
        cut in prop_oneof![4 => Just(None), 1 => (0usize..400).prop_map(Some)],
        tail in one_of(&["", "", " ", "x", "}", ",", "\n{}"]),
    ) {
        let mut text = format!("{body}{tail}");
        if let Some(cut) = cut {
            let mut at = cut.min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.truncate(at);
        }
        agree(&text)?;
    }

    /// Strings of every length with a quote, an escape or a control
    /// character anywhere (the scanner looks at eight bytes at a time).
    #[test]
    fn scanner_agrees_on_strings(id in "[a-z0-9é\"\\\\\t\u{1}\u{1f}\u{7f} -]{0,40}") {
        let text = USUAL.replace("T-0", &id);
        agree(&text)?;
        let plain = !id.contains(['"', '\\', '\t', '\u{1}', '\u{1f}']);
        prop_assert_eq!(parse_usual(&text, 7).is_some(), plain, "{}", text);
    }

    /// The word-at-a-time test finds the first special byte of a word, as
    /// the byte test does.
    #[test]
    fn word_and_byte_tests_agree(
        bytes in prop::array::uniform8(prop_oneof![
            any::<u8>(),
            prop::sample::select(&[b'"', b'\\', 0, 0x1f, 0x20, 0x21, 0x5b, 0x5d, 0x7f, 0x80, 0xff][..]),
        ]),
    ) {
        let first = bytes.iter().position(|&c| is_special(c));
        let found = special(u64::from_le_bytes(bytes));
        let lowest = (found != 0).then(|| (found.trailing_zeros() / 8) as usize);
        prop_assert_eq!(lowest, first, "{:?}", bytes);
    }

    /// Usual lines with one piece replaced by something else.
    #[test]
    fn scanner_agrees_on_variations_of_a_usual_line(
        at in 0usize..USUAL.len(),
        len in 0usize..12,
        with in prop_oneof![text(), other(), gap(), one_of(&[",", ":", "{", "}", "[", "]", "\""])],
    ) {
        let mut text = USUAL.to_string();
        let end = (at + len).min(text.len());
        text.replace_range(at..end, &with);
        agree(&text)?;
    }
}
