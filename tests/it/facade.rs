//! The front door as an embedder uses it: compile once, build tickets in
//! code or from JSON, evaluate from many threads, ask business-time
//! questions, and get typed errors that say which ticket and which field.

use chrono::{DateTime, Utc};
use slate::{CalendarError, Compiled, EvalError, InputErrorKind, SourceFile, State, Ticket};
use std::sync::Arc;

const POLICY: &str = r#"
policy "Desk" { calendar desk }
calendar desk {
  zone "America/Chicago"
  mon-fri 08:00-16:00
  closed 2026-12-25 "Christmas Day"
}
severity high "High" { alias "Severity 1" }
severity low "Low"
tiers basic < gold
targets first_response {
        basic gold
  high  8h    4h
  low   16h   8h
}
"#;

fn desk() -> Compiled {
    slate::compile(&SourceFile::new("desk.sla", POLICY)).expect("compiles")
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

#[test]
fn a_ticket_built_in_code_equals_the_same_ticket_from_json() {
    let c = desk();
    let built = Ticket::builder("T-1")
        .tier("gold")
        .severity("Severity 1")
        .event(t("2026-03-06T21:30:00Z"), "replied")
        .event(t("2026-03-06T21:00:00Z"), "opened")
        .build(&c)
        .expect("valid");
    let read = c
        .ticket_from_json(
            r#"{"id":"T-1","tier":"gold","severity":"high","events":[
                {"at":"2026-03-06T15:00:00-06:00","type":"opened"},
                {"at":"2026-03-06T15:30:00-06:00","type":"replied"}]}"#,
        )
        .expect("valid");
    // Same names, same events in evaluation order, whatever the input order.
    assert_eq!(built, read);
    assert_eq!(built.opened(), t("2026-03-06T21:00:00Z"));
    let a = c
        .evaluate(&built, t("2026-03-07T00:00:00Z"))
        .expect("evaluates");
    let first = a.metric("first_response").expect("prelude metric");
    // 30 minutes of business time against gold/high 4h.
    assert_eq!(first.state, State::Met);
    assert_eq!(first.cycles[0].elapsed_seconds, 1800);
    assert!(a.to_json().starts_with(r#"{"format_version":1,"id":"T-1""#));
}

#[test]
fn invalid_tickets_cannot_be_built() {
    let c = desk();
    let opened = t("2026-03-06T21:00:00Z");
    let err = Ticket::builder("T-2")
        .tier("gould")
        .severity("high")
        .event(opened, "opened")
        .build(&c)
        .unwrap_err();
    assert_eq!(err.ticket.as_deref(), Some("T-2"));
    assert!(
        matches!(&err.kind, InputErrorKind::UnknownTier(n, Some(s)) if n == "gould" && s == "gold")
    );
    assert_eq!(
        err.to_string(),
        "ticket `T-2` (line 1): unknown tier `gould` (did you mean `gold`?)"
    );
    let err = Ticket::builder("T-3")
        .tier("gold")
        .severity("high")
        .event(opened, "replied")
        .build(&c)
        .unwrap_err();
    assert_eq!(err.kind, InputErrorKind::NoOpened);
    let err = c
        .ticket_from_json(r#"{"id":"T-4","tier":"gold","severity":"high","events":[{"at":"2026-03-06T15:00:00","type":"opened"}]}"#)
        .unwrap_err();
    assert!(matches!(err.kind, InputErrorKind::NaiveTime(_)), "{err}");
}

#[test]
fn a_ticket_is_evaluated_only_by_the_policy_it_was_built_for() {
    let (a, b) = (desk(), desk());
    let ticket = Ticket::builder("T-5")
        .tier("basic")
        .severity("low")
        .event(t("2026-03-06T21:00:00Z"), "opened")
        .build(&a)
        .expect("valid");
    assert_eq!(
        b.evaluate(&ticket, t("2026-03-07T00:00:00Z")).unwrap_err(),
        EvalError::OtherPolicy {
            ticket: "T-5".into()
        }
    );
    let err = a
        .explain(&ticket, t("2026-03-07T00:00:00Z"), Some("first_respons"))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "the policy has no metric `first_respons` (did you mean `first_response`?)"
    );
    let err = a.evaluate(&ticket, t("2300-01-01T00:00:00Z")).unwrap_err();
    assert!(
        matches!(&err, EvalError::Calendar { ticket, error: CalendarError::OutOfRange { .. } } if ticket == "T-5"),
        "{err}"
    );
}

#[test]
fn compile_once_evaluate_from_many_threads() {
    let c = Arc::new(desk());
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let c = Arc::clone(&c);
            std::thread::spawn(move || {
                let opened = t("2026-03-02T14:00:00Z") + chrono::Duration::days(i);
                let ticket = Ticket::builder(format!("T-{i}"))
                    .tier("basic")
                    .severity("high")
                    .event(opened, "opened")
                    .build(&c)
                    .expect("valid");
                let a = c.evaluate(&ticket, opened).expect("evaluates");
                a.metric("first_response").expect("metric").cycles[0].deadline
            })
        })
        .collect();
    // Opened 08:00 Chicago (CST, UTC-6) Monday to Thursday: due 16:00 the same day.
    for (i, h) in handles.into_iter().enumerate() {
        let due = t("2026-03-02T22:00:00Z") + chrono::Duration::days(i as i64);
        assert_eq!(h.join().expect("thread"), Some(due));
    }
}

#[test]
fn business_time_questions_on_a_named_calendar() {
    let c = desk();
    let desk = c.calendar("desk").expect("declared");
    assert_eq!(desk.name(), "desk");
    assert_eq!(c.default_calendar().name(), "desk");
    let friday = t("2026-03-06T21:30:00Z"); // 15:30 in Chicago
                                            // Friday 15:30 + 1h: 30 minutes on Friday, 30 on Monday 08:00 CDT.
    let due = desk
        .add(friday, desk.duration("1h").expect("duration"))
        .expect("add");
    assert_eq!(desk.local_text(due), "2026-03-09T08:30:00-05:00");
    assert_eq!(
        desk.sub(due, slate::Duration::Seconds(3600)).expect("sub"),
        friday
    );
    assert_eq!(desk.between(friday, due).expect("between"), 3600);
    // The last close at or before Monday 08:30 is Friday 16:00 (22:00 UTC).
    assert_eq!(
        desk.previous_close(due).expect("previous"),
        Some(t("2026-03-06T22:00:00Z"))
    );
    // Exactly at a close, that close.
    assert_eq!(
        desk.previous_close(t("2026-03-06T22:00:00Z"))
            .expect("previous"),
        Some(t("2026-03-06T22:00:00Z"))
    );
    // Christmas week: Thursday 24th and Monday 28th open, Friday 25th closed.
    let periods = desk
        .open_periods(t("2026-12-24T00:00:00Z"), t("2026-12-29T00:00:00Z"))
        .expect("periods");
    let spans: Vec<(String, String)> = periods
        .iter()
        .map(|p| (desk.local_text(p.start), desk.local_text(p.end)))
        .collect();
    assert_eq!(
        spans,
        [
            (
                "2026-12-24T08:00:00-06:00".to_string(),
                "2026-12-24T16:00:00-06:00".to_string()
            ),
            (
                "2026-12-28T08:00:00-06:00".to_string(),
                "2026-12-28T16:00:00-06:00".to_string()
            ),
        ]
    );
    assert!(!desk.is_open(t("2026-12-25T15:00:00Z")).expect("is_open"));
    assert_eq!(
        desk.next_open(t("2026-12-25T15:00:00Z")).expect("next"),
        Some(t("2026-12-28T14:00:00Z"))
    );
    // Days of 24 hours are for 24x7 calendars; the policy's rule, the policy's words.
    assert_eq!(
        desk.duration("2d").unwrap_err().to_string(),
        "`2d` counts days on a calendar that is not 24x7; write `1bd` for business days or `24h` for 24 open hours"
    );
    let unknown = c.calendar("dsk").unwrap_err();
    assert_eq!(unknown.suggestion.as_deref(), Some("desk"));
    assert_eq!(
        unknown.to_string(),
        "no calendar `dsk` in the policy; did you mean `desk`?"
    );
}

#[test]
fn shared_types_are_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<Compiled>();
    shared::<Ticket>();
    shared::<slate::TicketAnswer<'static>>();
    shared::<slate::Explanation>();
}

#[test]
fn the_built_in_24x7_answers_by_name_when_a_calendar_is_defined_as_it() {
    // `calendar always = 24x7` does not put a calendar named `24x7` in the
    // IR; the built-in name still answers (the Python binding relies on it).
    let c = slate::compile(&SourceFile::new(
        "p.sla",
        "policy \"P\" { calendar always }\ncalendar always = 24x7\n\
         severity high \"High\"\ntiers basic\n\
         targets first_response {\n        basic\n  high  1h\n}\n",
    ))
    .expect("compiles");
    let cal = c.calendar("24x7").expect("24x7 is built in");
    assert!(cal.is_always_open());
    let two_days = cal.duration("2d").expect("days on 24x7");
    assert_eq!(
        cal.add(t("2026-03-06T21:30:00Z"), two_days).expect("adds"),
        t("2026-03-08T21:30:00Z")
    );
    let err = c.calendar("alwayz").expect_err("unknown");
    assert!(err.to_string().contains("`always`"), "{err}");
}
