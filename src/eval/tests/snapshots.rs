//! Reviewed snapshots of an answer and an explanation for one eventful
//! ticket on business hours: a holiday, a pause, a severity change, a
//! resolve and a reopen.

use crate::calendar::CalendarSet;
use crate::eval::testing::business_policy;
use crate::eval::{evaluate, explain, read_line, ReadOptions};
use serde_json::json;

fn eventful() -> (crate::ir::Policy, CalendarSet, crate::eval::Ticket) {
    let p = business_policy();
    let cals = CalendarSet::from_policy(&p);
    let line = json!({"id": "S-1", "tier": "gold", "severity": "sev3", "type": "bug", "events": [
        {"at": "2026-12-23T14:00:00-06:00", "type": "opened"},
        {"at": "2026-12-23T15:00:00-06:00", "type": "replied"},
        {"at": "2026-12-23T15:30:00-06:00", "type": "customer_replied"},
        {"at": "2026-12-24T09:00:00-06:00", "type": "status", "status": "waiting_on_customer"},
        {"at": "2026-12-28T09:00:00-06:00", "type": "status", "status": "open"},
        {"at": "2026-12-28T10:00:00-06:00", "type": "severity", "severity": "sev2"},
        {"at": "2026-12-28T11:00:00-06:00", "type": "replied"},
        {"at": "2026-12-28T12:00:00-06:00", "type": "resolved"},
        {"at": "2026-12-29T09:00:00-06:00", "type": "reopened"}
    ]});
    let ticket = read_line(&p, &line.to_string(), 1, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{e}"));
    (p, cals, ticket)
}

fn at() -> chrono::DateTime<chrono::Utc> {
    "2026-12-29T10:00:00-06:00".parse().unwrap_or_default()
}

#[test]
fn eventful_ticket_answer() {
    let (p, cals, t) = eventful();
    let a = evaluate(&p, &cals, &t, at()).unwrap_or_else(|e| panic!("{e}"));
    // The bytes `slate eval` writes, laid out for reading.
    insta::assert_snapshot!(crate::eval::testing::pretty_json(&a.to_json()));
}

#[test]
fn eventful_ticket_explanation() {
    let (p, cals, t) = eventful();
    insta::assert_snapshot!(explain(&p, &cals, &t, at(), None).unwrap_or_else(|e| panic!("{e}")));
}
