//! Input validation, the JSONL and CSV readers, and streaming bulk evaluation.

use crate::eval::testing::sample_policy;
use crate::eval::{read_line, InputError, InputErrorKind, ReadOptions};
use crate::stream::{
    evaluate_csv_stream, evaluate_stream, OutputFormat, Progress, StreamOptions, Summary,
};
use crate::Compiled;

/// The sample policy, compiled with its calendars.
fn sample() -> Compiled {
    Compiled::new(sample_policy(), Vec::new())
}

const GOOD: &str = r#"{"id":"T-1","tier":"gold","severity":"sev2","type":"bug","events":[{"at":"2026-03-06T15:30:00-06:00","type":"opened"},{"at":"2026-03-06T16:00:00-06:00","type":"replied"}]}"#;

fn line_error(text: &str) -> InputError {
    match read_line(&sample_policy(), text, 7, &ReadOptions::default()) {
        Ok(t) => panic!("expected an error, got {t:?}"),
        Err(e) => e,
    }
}

fn ticket_with(field: &str, value: &str) -> String {
    GOOD.replace(field, value)
}

#[test]
fn each_error_names_the_ticket_and_the_line() {
    let cases: Vec<(String, &str)> = vec![
        (ticket_with("\"gold\"", "\"golden\""), "ticket `T-1` (line 7): unknown tier `golden` (did you mean `gold`?)"),
        (ticket_with("\"sev2\"", "\"sev9\""), "ticket `T-1` (line 7): unknown severity `sev9`"),
        (ticket_with("\"bug\"", "\"feature\""), "ticket `T-1` (line 7): unknown issue type `feature`"),
        (ticket_with("\"replied\"", "\"answered\""), "ticket `T-1` (line 7): unknown event type `answered`"),
        (ticket_with("2026-03-06T16:00:00-06:00", "2026-03-06T15:00:00-06:00"), "ticket `T-1` (line 7): `replied` event before the ticket was opened"),
        (ticket_with("\"opened\"", "\"acknowledged\""), "ticket `T-1` (line 7): no `opened` event"),
        (ticket_with("\"replied\"", "\"opened\""), "ticket `T-1` (line 7): more than one `opened` event"),
        (ticket_with("2026-03-06T16:00:00-06:00", "yesterday"), "ticket `T-1` (line 7): cannot read the time `yesterday`"),
        (ticket_with("2026-03-06T16:00:00-06:00", "2026-03-06T16:00:00"), "ticket `T-1` (line 7): the time `2026-03-06T16:00:00` has no UTC offset (write one, or assume a zone)"),
        (ticket_with("\"tier\":\"gold\",", ""), "ticket `T-1` (line 7): missing field `tier`"),
        (r#"{"id":"T-1","tier":"gold",,}"#.to_string(), "line 7: malformed input"),
        (r#"{"id":"T-1","tier":7,"events":[]}"#.to_string(), "ticket `T-1` (line 7): `tier` is the number 7; it must be a tier name (a string)"),
        (ticket_with(r#"{"at":"2026-03-06T16:00:00-06:00","type":"replied"}"#, r#"{"at":"2026-03-06T16:00:00-06:00","type":"status"}"#), "ticket `T-1` (line 7): missing field `status`"),
    ];
    for (text, expected) in cases {
        let e = line_error(&text);
        assert!(
            e.to_string().starts_with(expected),
            "{e}\n  expected: {expected}"
        );
        assert_eq!(e.line, 7);
    }
}

#[test]
fn naive_times_need_an_assumed_zone() {
    let text = ticket_with("2026-03-06T16:00:00-06:00", "2026-03-06T16:00:00");
    let opts = ReadOptions {
        assume_zone: Some(chrono_tz::America::Chicago),
    };
    let t = read_line(&sample_policy(), &text, 1, &opts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        t.latest_event().map(|t| t.to_rfc3339()),
        Some("2026-03-06T22:00:00+00:00".to_string())
    );
    assert!(matches!(
        read_line(&sample_policy(), &text, 1, &ReadOptions::default()).map_err(|e| e.kind),
        Err(InputErrorKind::NaiveTime(_))
    ));
}

fn run(input: &str, chunk: usize, format: OutputFormat) -> (String, Summary, Vec<Progress>) {
    let opts = StreamOptions {
        chunk,
        format,
        ..StreamOptions::default()
    };
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let summary = evaluate_stream(&sample(), input.as_bytes(), &mut out, &opts, &mut |p| {
        seen.push(p)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    (String::from_utf8(out).unwrap_or_default(), summary, seen)
}

fn corpus() -> String {
    let mut lines = Vec::new();
    for i in 1..=6 {
        lines.push(GOOD.replace("T-1", &format!("T-{i}")));
    }
    lines[2] = "{not json".to_string();
    lines.insert(4, String::new());
    lines.push(GOOD.replace("T-1", "T-2"));
    lines.join("\n") + "\n"
}

#[test]
fn one_bad_line_among_good_ones() {
    let (out, summary, progress) = run(&corpus(), 4096, OutputFormat::Jsonl);
    assert_eq!((summary.read, summary.evaluated, summary.failed), (7, 5, 2));
    assert_eq!(summary.breached, 0);
    let errors: Vec<String> = summary.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        errors[0].starts_with("line 3: malformed input"),
        "{errors:?}"
    );
    assert_eq!(
        errors[1],
        "ticket `T-2` (line 8): duplicate ticket id (first used on line 2)"
    );
    let ids: Vec<String> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l)
                .map(|v| v["id"].to_string())
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(ids, ["\"T-1\"", "\"T-2\"", "\"T-4\"", "\"T-5\"", "\"T-6\""]);
    let last = progress.last().copied().unwrap_or_default();
    assert_eq!((last.lines, last.tickets), (8, 7));
    assert_eq!(last.bytes, corpus().len() as u64);
}

#[test]
fn chunking_does_not_change_the_output() {
    let (a, sa, _) = run(&corpus(), 4096, OutputFormat::Jsonl);
    let (b, sb, progress) = run(&corpus(), 2, OutputFormat::Jsonl);
    assert_eq!((a, sa), (b, sb));
    assert_eq!(progress.len(), 4);
}

#[test]
fn csv_and_table_outputs() {
    let (csv, _, _) = run(&corpus(), 3, OutputFormat::Csv);
    let rows: Vec<&str> = csv.lines().collect();
    assert!(rows[0].starts_with("ticket,tier,severity,type,at,metric,cycle,state,target"));
    // 5 tickets x (acknowledge, first_response, follow_up (none), periodic x2, resolution).
    assert_eq!(rows.len(), 1 + 5 * 6);
    assert!(
        rows.contains(
            &"T-1,gold,sev2,bug,2026-03-06T22:00:00Z,follow_up,,not_started,,,,,,,,,,,,,"
        ),
        "{csv}"
    );
    let (table, _, _) = run(&corpus(), 3, OutputFormat::Table);
    assert!(table.starts_with("TICKET       METRIC"));
    assert!(table.contains("T-1          first_response     1 met              8h        30m      7h30m    6.2% 2026-03-07T05:30:00Z"), "{table}");
}

#[test]
fn csv_input_groups_rows_by_ticket() {
    let input = "\
ticket_id,at,type,value,tier,severity,issue_type
A-1,2026-03-02T09:00:00Z,opened,,gold,sev1,bug
A-1,2026-03-02T09:30:00Z,status,waiting_on_customer,,,
A-1,2026-03-02T10:30:00Z,status,open,,,
A-1,2026-03-02T11:00:00Z,replied,,,,
A-2,2026-03-02T09:00:00Z,opened,,gold,sevX,
A-3,2026-03-02T09:00:00Z,opened,,platinum,Critical,
A-3,2026-03-02T09:10:00Z,severity,sev2,,,
A-1,2026-03-02T12:00:00Z,resolved,,,,
A-4,2026-03-02T09:00:00Z,opened,,gold
";
    let opts = StreamOptions::default();
    let mut out = Vec::new();
    let summary = evaluate_csv_stream(&sample(), input.as_bytes(), &mut out, &opts, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = summary.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        (summary.read, summary.evaluated, summary.failed),
        (5, 2, 3),
        "{errors:?}"
    );
    assert_eq!(
        errors,
        [
            "ticket `A-2` (line 6): unknown severity `sevX` (did you mean `sev1`?)",
            "ticket `A-1` (line 9): duplicate ticket id (first used on line 2)",
            "ticket `A-4` (line 10): malformed input: expected 7 fields, found 5",
        ]
    );
    let text = String::from_utf8(out).unwrap_or_default();
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().unwrap_or("")).unwrap_or_default();
    let fr = &first["metrics"][1]["cycles"][0];
    assert_eq!(fr["elapsed_seconds"], 3600, "{fr}");
    assert_eq!(first["type"], "bug");
    let second: serde_json::Value =
        serde_json::from_str(text.lines().nth(1).unwrap_or("")).unwrap_or_default();
    assert_eq!(second["severity"], "sev2");
}

#[test]
fn csv_header_must_name_the_columns() {
    let mut out = Vec::new();
    let summary = evaluate_csv_stream(
        &sample(),
        "id,when,what\nA,b,c\n".as_bytes(),
        &mut out,
        &StreamOptions::default(),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.failed, 1);
    assert_eq!(summary.errors[0].line, 1);
}

#[test]
fn fixed_instant_and_breach_count() {
    let opts = StreamOptions {
        at: Some("2026-04-01T00:00:00Z".parse().unwrap_or_default()),
        ..StreamOptions::default()
    };
    let mut out = Vec::new();
    let summary = evaluate_stream(&sample(), corpus().as_bytes(), &mut out, &opts, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    // Never resolved: every evaluated ticket has breached its resolution target.
    assert_eq!((summary.evaluated, summary.breached), (5, 5));
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8(out)
            .unwrap_or_default()
            .lines()
            .next()
            .unwrap_or(""),
    )
    .unwrap_or_default();
    assert_eq!(first["at"], "2026-04-01T00:00:00Z");
    assert_eq!(first["metrics"][4]["state"], "breached");
    assert_eq!(
        first["metrics"][4]["cycles"][0]["breached_at"],
        "2026-03-09T21:30:00Z"
    );
}

mod hostile {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        /// Arbitrary bytes and mangled tickets never panic, and every
        /// non-blank line is counted once.
        #[test]
        fn never_panics_and_counts_every_line(
            lines in proptest::collection::vec(
                prop_oneof![
                    any::<String>(),
                    (0usize..GOOD.len(), any::<char>()).prop_map(|(i, c)| {
                        let mut s: Vec<char> = GOOD.chars().collect();
                        let i = i.min(s.len() - 1);
                        s[i] = c;
                        s.into_iter().collect()
                    }),
                    Just(GOOD.to_string()),
                ],
                0..20,
            ),
        ) {
            let text: String = lines.iter().map(|l| l.replace(['\n', '\r'], " ") + "\n").collect();
            let non_blank = text.lines().filter(|l| !l.trim_start_matches('\u{feff}').trim().is_empty()).count() as u64;
            let (_, summary, _) = run(&text, 3, OutputFormat::Jsonl);
            prop_assert_eq!(summary.read, non_blank);
            prop_assert_eq!(summary.read, summary.evaluated + summary.failed);
            let (_, csv_summary, _) = run(&text, 3, OutputFormat::Csv);
            prop_assert_eq!(csv_summary, summary);
            // The same bytes as a CSV events table, with and without a header.
            for input in [text.clone(), format!("ticket_id,at,type,value,tier,severity\n{text}")] {
                let mut out = Vec::new();
                let s = evaluate_csv_stream(&sample(), input.as_bytes(), &mut out, &StreamOptions::default(), &mut |_| {})
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(s.read, s.evaluated + s.failed);
            }
        }
    }
}

#[test]
fn csv_and_jsonl_inputs_agree() {
    use crate::eval::testing::synthetic_ticket;
    let mut jsonl = String::new();
    let mut csv = String::from("ticket_id,at,type,value,tier,severity,issue_type\n");
    for i in 0..300 {
        let line = synthetic_ticket(i, 11);
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        jsonl.push_str(&line);
        jsonl.push('\n');
        let events = v["events"].as_array().cloned().unwrap_or_default();
        for (n, e) in events.iter().enumerate() {
            let kind = e["type"].as_str().unwrap_or("");
            let value = e.get(kind).and_then(|x| x.as_str()).unwrap_or("");
            let s = |k: &str| {
                if n == 0 {
                    v[k].as_str().unwrap_or("").to_string()
                } else {
                    String::new()
                }
            };
            csv.push_str(&format!(
                "{},{},{kind},{value},{},{},{}\n",
                v["id"].as_str().unwrap_or(""),
                e["at"].as_str().unwrap_or(""),
                s("tier"),
                s("severity"),
                s("type"),
            ));
        }
    }
    let (from_jsonl, a, _) = run(&jsonl, 64, OutputFormat::Jsonl);
    let mut from_csv = Vec::new();
    let opts = StreamOptions {
        chunk: 64,
        ..StreamOptions::default()
    };
    let b = evaluate_csv_stream(&sample(), csv.as_bytes(), &mut from_csv, &opts, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((a.read, a.evaluated, a.failed), (300, 300, 0));
    assert_eq!(
        (b.read, b.evaluated, b.failed, b.breached),
        (a.read, a.evaluated, a.failed, a.breached)
    );
    assert_eq!(String::from_utf8(from_csv).unwrap_or_default(), from_jsonl);
}

#[test]
fn parsed_lines_borrow_unless_escaped() {
    use crate::stream::jsonl::parse_line;
    use std::borrow::Cow;
    let text = r#"{"id":"T-\"1\"","tier":"g\u006fld","severity":"sev2","status":"open","events":[{"at":"2026-03-06T15:30:00Z","type":"opened"},{"at":"2026-03-06T15:40:00Z","type":"st\u0061tus","status":"wait\\ing"}]}"#;
    let raw = parse_line(text, 3).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raw.id.as_deref(), Some(r#"T-"1""#));
    assert!(matches!(raw.id, Some(Cow::Owned(_))));
    assert_eq!(raw.tier.as_deref(), Some("gold"));
    assert!(matches!(raw.severity, Some(Cow::Borrowed("sev2"))));
    assert!(matches!(raw.status, Some(Cow::Borrowed("open"))));
    assert!(matches!(raw.events[0].at, Some(Cow::Borrowed(_))));
    assert_eq!(raw.events[1].kind.as_deref(), Some("status"));
    assert_eq!(raw.events[1].value.as_deref(), Some("wait\\ing"));
    assert!(raw.events.iter().all(|e| e.line == 3));
    let numeric = GOOD.replace(r#""T-1""#, "42");
    let numeric = parse_line(&numeric, 1).map(|r| r.id);
    assert_eq!(numeric, Ok(Some(Cow::Owned("42".to_string()))));
    let ticket = read_line(&sample_policy(), text, 3, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ticket.id, r#"T-"1""#);
    assert_eq!(
        ticket.events[1].change,
        crate::eval::Change::Status("wait\\ing".to_string())
    );
}

#[test]
fn duplicates_and_failures_inside_a_batch() {
    let t = |id: &str| GOOD.replace("T-1", id);
    let lines = [
        t("T-1"),
        t("T-2"),
        t("T-1"),
        "{not json".to_string(),
        t("T-3").replace("\"gold\"", "\"golden\""),
        t("T-3"),
        t("T-4"),
        String::new(),
        format!("\u{feff}{}", t("T-5")),
        format!("  {} \r", t("T-6")),
        t("T-2"),
    ];
    let input = lines.join("\n");
    let kept = ["T-1", "T-2", "T-4", "T-5", "T-6"].map(t).join("\n");
    for format in [OutputFormat::Jsonl, OutputFormat::Csv, OutputFormat::Table] {
        let (expected, _, _) = run(&kept, 4096, format);
        for chunk in [1, 3, 4096] {
            let (out, summary, progress) = run(&input, chunk, format);
            assert_eq!(out, expected, "{format:?}, chunk {chunk}");
            let errors: Vec<String> = summary.errors.iter().map(|e| e.to_string()).collect();
            assert_eq!(
                errors,
                [
                    "ticket `T-1` (line 3): duplicate ticket id (first used on line 1)",
                    "line 4: malformed input: key must be a string at line 1 column 2",
                    "ticket `T-3` (line 5): unknown tier `golden` (did you mean `gold`?)",
                    "ticket `T-3` (line 6): duplicate ticket id (first used on line 5)",
                    "ticket `T-2` (line 11): duplicate ticket id (first used on line 2)",
                ]
            );
            assert_eq!(
                (summary.read, summary.evaluated, summary.failed),
                (10, 5, 5)
            );
            let last = progress.last().copied().unwrap_or_default();
            assert_eq!(
                (last.lines, last.tickets, last.bytes),
                (11, 10, input.len() as u64)
            );
        }
    }
}

#[test]
fn duplicate_ids_are_remembered_for_the_window_and_no_longer() {
    // Window 2: two generations of at most 2 ids. A(1), B(2) fill the
    // newer one; C(3) moves {A, B} to the older one and starts {C}. B(4):
    // remembered (older), a duplicate of line 2. D(5): newer {C, D}. A(6):
    // still remembered (older), a duplicate of line 1. E(7): the newer one
    // is full, so {A, B} is dropped, {C, D} is older, newer {E}. A(8):
    // forgotten, so evaluated. Every id of the last 2 tickets is always
    // remembered; A at line 6 was 5 lines back and still was.
    let ids = ["A", "B", "C", "B", "D", "A", "E", "A"];
    let input: String = ids
        .iter()
        .map(|id| GOOD.replace("T-1", id) + "\n")
        .collect();
    for chunk in [1, 2, 4096] {
        let opts = StreamOptions {
            chunk,
            duplicate_window: 2,
            ..StreamOptions::default()
        };
        let mut out = Vec::new();
        let summary = evaluate_stream(&sample(), input.as_bytes(), &mut out, &opts, &mut |_| {})
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((summary.read, summary.evaluated, summary.failed), (8, 6, 2));
        let errors: Vec<String> = summary.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            errors,
            [
                "ticket `B` (line 4): duplicate ticket id (first used on line 2)",
                "ticket `A` (line 6): duplicate ticket id (first used on line 1)",
            ],
            "chunk {chunk}"
        );
    }
    // The default window remembers all of them.
    let (_, summary, _) = run(&input, 4096, OutputFormat::Jsonl);
    assert_eq!((summary.evaluated, summary.failed), (5, 3));
}

#[test]
fn csv_attributes_choose_the_calendar() {
    let compiled = crate::compile(&crate::SourceFile::new(
        "desk.sla",
        r#"
policy "Desk" { calendar desk }
calendar eu_desk { zone "Europe/Paris"  mon-fri 09:00-17:00 }
calendar us_desk { zone "America/New_York"  mon-fri 09:00-17:00 }
calendar desk by region { eu: eu_desk, "us-east": us_desk }
severity sev1 "Critical"
tiers basic
targets first_response {
        basic
  sev1  2h
}
"#,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    // `attributes.region` on the first row of EU-1, on its second row for
    // US-1 (the first non-empty value counts), absent for XX-1 (refused:
    // no default), not listed for AP-1 (refused).
    let input = "\
ticket_id,at,type,value,tier,severity,attributes.region
EU-1,2026-03-02T15:30:00Z,opened,,basic,sev1,eu
US-1,2026-03-02T15:30:00Z,opened,,basic,sev1,
US-1,2026-03-02T15:40:00Z,customer_replied,,,,us-east
XX-1,2026-03-02T15:30:00Z,opened,,basic,sev1,
AP-1,2026-03-02T15:30:00Z,opened,,basic,sev1,apac
";
    let mut out = Vec::new();
    let summary = evaluate_csv_stream(
        &compiled,
        input.as_bytes(),
        &mut out,
        &StreamOptions::default(),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = summary.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        [
            "ticket `XX-1` (line 5): no attribute `region`, which selects the calendar of `desk` (its values are `eu`, `us-east`; the policy gives `desk` no default)",
            "ticket `AP-1` (line 6): attribute `region` is `apac`, which selects no calendar of `desk` (its values are `eu`, `us-east`; the policy gives `desk` no default)",
        ]
    );
    let text = String::from_utf8(out).unwrap_or_default();
    let calendars: Vec<String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
            v["metrics"][1]["cycles"][0]["calendar"].to_string()
        })
        .collect();
    assert_eq!(calendars, ["\"eu_desk\"", "\"us_desk\""]);
}

#[test]
fn csv_channel_column_narrows_coverage() {
    // `bug` on gold is covered by email only. C-1 came by email: the 2h
    // target applies. C-2 came by phone: not covered. C-3 gives no channel
    // (an empty cell): covered, as without the column.
    let compiled = crate::compile(&crate::SourceFile::new(
        "channels.sla",
        r#"
policy "Channels" { calendar always }
calendar always = 24x7
severity sev1 "Critical"
tiers gold
type bug "Bug" { covers gold via "email" }
targets first_response {
        gold
  sev1  2h
}
"#,
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let input = "\
ticket_id,at,type,value,tier,severity,issue_type,channel
C-1,2026-03-02T09:00:00Z,opened,,gold,sev1,bug,email
C-1,2026-03-02T12:00:00Z,replied,,,,,
C-2,2026-03-02T09:00:00Z,opened,,gold,sev1,bug,phone
C-2,2026-03-02T12:00:00Z,replied,,,,,
C-3,2026-03-02T09:00:00Z,opened,,gold,sev1,bug,
C-3,2026-03-02T12:00:00Z,replied,,,,,
";
    let mut out = Vec::new();
    let summary = evaluate_csv_stream(
        &compiled,
        input.as_bytes(),
        &mut out,
        &StreamOptions::default(),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((summary.read, summary.evaluated, summary.failed), (3, 3, 0));
    let text = String::from_utf8(out).unwrap_or_default();
    let states: Vec<String> = text
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap_or_default();
            let fr = v["metrics"]
                .as_array()
                .and_then(|m| m.iter().find(|m| m["metric"] == "first_response"))
                .cloned()
                .unwrap_or_default();
            format!(
                "{} {}",
                v["id"].as_str().unwrap_or(""),
                fr["state"].as_str().unwrap_or("")
            )
        })
        .collect();
    // Replied at 12:00, 3h after opening, against 2h: breached.
    assert_eq!(states, ["C-1 breached", "C-2 not_covered", "C-3 breached"]);
}

/// `actor` and `public` (issue 14): every misuse is an error that names the
/// ticket, the line and what to write.
#[test]
fn who_acted_errors_say_what_to_write() {
    let event = r#"{"at":"2026-03-06T16:00:00-06:00","type":"replied"}"#;
    let with = |fields: &str, kind: &str| {
        ticket_with(
            event,
            &format!(r#"{{"at":"2026-03-06T16:00:00-06:00","type":"{kind}"{fields}}}"#),
        )
    };
    let cases: Vec<(String, &str)> = vec![
        (with(r#","actor":"agnet""#, "replied"), "ticket `T-1` (line 7): unknown actor `agnet` (did you mean `agent`?)"),
        (with(r#","actor":"bot""#, "replied"), "ticket `T-1` (line 7): unknown actor `bot` (write `agent`, `customer` or `system`)"),
        (with(r#","actor":"customer""#, "replied"), "ticket `T-1` (line 7): a `replied` event is the support team's, not by `customer`: a message by the customer is `customer_replied`"),
        (with(r#","actor":"agent""#, "customer_replied"), "ticket `T-1` (line 7): a `customer_replied` event is the customer's, not by `agent`: a message by the support team is `replied`"),
        (with(r#","public":false"#, "resolved"), "ticket `T-1` (line 7): `public` is only for messages (`opened`, `replied`, `customer_replied`), not for a `resolved` event: remove it"),
        (with(r#","public":"no""#, "replied"), "ticket `T-1` (line 7): `public` of event 2 is the string \"no\"; it must be `true` or `false`"),
        (with(r#","actor":3"#, "replied"), "ticket `T-1` (line 7): `actor` of event 2 is the number 3; it must be a string"),
    ];
    for (text, expected) in cases {
        let e = line_error(&text);
        assert_eq!(e.to_string(), expected);
        assert_eq!(e.line, 7);
    }
    // Absent, null and empty mean the defaults; the defaults answer as a
    // ticket without the fields.
    let plain = read_line(&sample_policy(), GOOD, 1, &ReadOptions::default());
    for fields in [
        r#","actor":null,"public":null"#,
        r#","actor":"agent","public":true"#,
    ] {
        let text = with(fields, "replied");
        let t = read_line(&sample_policy(), &text, 1, &ReadOptions::default());
        assert_eq!(t, plain, "{text}");
    }
}

/// CSV takes the same `actor` and `public` columns, with the same meaning
/// and the same errors (the row of the event).
#[test]
fn csv_actor_and_public_columns() {
    let input = "\
ticket_id,at,type,value,tier,severity,actor,public
W-1,2026-03-02T09:00:00Z,opened,,gold,sev2,agent,true
W-1,2026-03-02T09:00:00Z,replied,,,,agent,true
W-1,2026-03-02T09:20:00Z,replied,,,,,FALSE
W-1,2026-03-02T09:30:00Z,replied,,,,system,
W-1,2026-03-02T10:30:00Z,replied,,,,agent,true
W-2,2026-03-02T09:00:00Z,opened,,gold,sev2,,
W-2,2026-03-02T09:10:00Z,replied,,,,,maybe
";
    let opts = StreamOptions::default();
    let mut out = Vec::new();
    let summary = evaluate_csv_stream(&sample(), input.as_bytes(), &mut out, &opts, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = summary.errors.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        errors,
        ["ticket `W-2` (line 8): `public` of a `replied` event is `maybe`; it must be `true` or `false`"]
    );
    let text = String::from_utf8(out).unwrap_or_default();
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().unwrap_or("")).unwrap_or_default();
    // The opening comment (09:00), the internal note (09:20) and the
    // automatic reply (09:30) are not responses: first response stops at
    // 10:30, 5400 s after the opening.
    let fr = &first["metrics"][1]["cycles"][0];
    assert_eq!(fr["stop"], "2026-03-02T10:30:00Z", "{fr}");
    assert_eq!(fr["elapsed_seconds"], 5400, "{fr}");
}

/// [`crate::eval::testing::DUE`], compiled.
fn due_policy() -> Compiled {
    crate::compile(&crate::SourceFile::new(
        "due.sla",
        crate::eval::testing::DUE,
    ))
    .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn due_at_is_read_from_json_and_csv_alike() {
    let jsonl = r#"{"id":"D-1","tier":"gold","severity":"sev2","due_at":"2026-03-04T12:00:00+01:00","events":[{"at":"2026-03-02T10:00:00Z","type":"opened"}]}
{"id":"D-2","tier":"gold","severity":"sev1","events":[{"at":"2026-03-02T10:00:00Z","type":"opened"},{"at":"2026-03-02T11:00:00Z","type":"severity","severity":"sev2"}]}
{"id":"D-3","tier":"gold","severity":"sev1","events":[{"at":"2026-03-02T10:00:00Z","type":"opened"}]}
{"id":"D-4","tier":"gold","severity":"sev2","due_at":"next week","events":[{"at":"2026-03-02T10:00:00Z","type":"opened"}]}
{"id":"D-5","tier":"gold","severity":"sev2","due_at":17,"events":[{"at":"2026-03-02T10:00:00Z","type":"opened"}]}
"#;
    let csv = "\
ticket_id,at,type,value,tier,severity,due_at
D-1,2026-03-02T10:00:00Z,opened,,gold,sev2,2026-03-04T11:00:00Z
D-2,2026-03-02T10:00:00Z,opened,,gold,sev1,
D-2,2026-03-02T11:00:00Z,severity,sev2,,,
D-3,2026-03-02T10:00:00Z,opened,,gold,sev1,
D-4,2026-03-02T10:00:00Z,opened,,gold,sev2,next week
";
    let opts = StreamOptions {
        at: chrono::DateTime::parse_from_rfc3339("2026-03-03T12:00:00Z")
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc)),
        ..StreamOptions::default()
    };
    let compiled = due_policy();
    let mut from_json = Vec::new();
    let a = evaluate_stream(
        &compiled,
        jsonl.as_bytes(),
        &mut from_json,
        &opts,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut from_csv = Vec::new();
    let b = evaluate_csv_stream(&compiled, csv.as_bytes(), &mut from_csv, &opts, &mut |_| {})
        .unwrap_or_else(|e| panic!("{e}"));
    let errors = |s: &Summary| s.errors.iter().map(|e| e.to_string()).collect::<Vec<_>>();
    // D-2 becomes sev2 (a `due` cell) without a due date: refused with the
    // cell named, as is a due date that is not a time; D-3 stays sev1 and
    // needs none.
    assert_eq!(
        errors(&a),
        [
            "ticket `D-2` (line 2): no `due_at`, but the `resolution` target for severity `sev2` and tier `gold` is `due` (the ticket's due date): give the ticket a `due_at` time",
            "ticket `D-4` (line 4): `due_at` is the string \"next week\"; it must be a time such as \"2026-03-10T17:00:00Z\"",
            "ticket `D-5` (line 5): `due_at` is the number 17; it must be a time (a string such as \"2026-03-10T17:00:00Z\")",
        ]
    );
    assert_eq!(
        errors(&b),
        [
            "ticket `D-2` (line 3): no `due_at`, but the `resolution` target for severity `sev2` and tier `gold` is `due` (the ticket's due date): give the ticket a `due_at` time",
            "ticket `D-4` (line 6): `due_at` is the string \"next week\"; it must be a time such as \"2026-03-10T17:00:00Z\"",
        ]
    );
    assert_eq!((a.read, a.evaluated, b.read, b.evaluated), (5, 2, 4, 2));
    // D-1 in both: due Wednesday 2026-03-04 11:00 UTC (12:00+01:00): the
    // open time from Monday 10:00 is 7h + 8h + 2h = 17h; at Tuesday 12:00
    // 7h + 3h = 10h are counted.
    for out in [&from_json, &from_csv] {
        let text = String::from_utf8(out.clone()).unwrap_or_default();
        let d1: serde_json::Value =
            serde_json::from_str(text.lines().next().unwrap_or("")).unwrap_or_default();
        let res = &d1["metrics"][4]["cycles"][0];
        assert_eq!(res["target"], "due", "{res}");
        assert_eq!(res["deadline"], "2026-03-04T11:00:00Z", "{res}");
        assert_eq!(res["target_seconds"], 17 * 3600, "{res}");
        assert_eq!(res["remaining_seconds"], 7 * 3600, "{res}");
    }
}
