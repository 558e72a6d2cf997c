use super::*;
use crate::ir::{CmpOp, MaintenanceRule, MissingRule};
use crate::source::Span;
use crate::stream::rows::Counts;

fn dooap_like() -> Availability {
    Availability {
        name: "product".into(),
        objective: Percent(995_000),
        zone: "UTC".into(),
        sample_seconds: 60,
        down: vec![
            DownRule::Fails {
                check: "health_check".into(),
            },
            DownRule::Threshold {
                signal: "error_rate".into(),
                op: CmpOp::Gt,
                value: Percent(50_000),
            },
        ],
        excluding: Vec::new(),
        maintenance: MaintenanceRule::CountsAsUp,
        missing: MissingRule::Up,
        credits: Vec::new(),
        span: Span::default(),
    }
}

fn messages(errors: &[RowError]) -> Vec<String> {
    errors.iter().map(ToString::to_string).collect()
}

#[test]
fn samples_csv_with_bad_rows() {
    let csv = "at,ok,error_rate\n\
               2024-01-01T00:00:00Z,true,0.5\n\
               2024-01-01T00:01:00Z,true,7%\n\
               2024-01-01T00:02:00Z,maybe,1\n\
               2024-01-01T00:01:30Z,true,1\n\
               not a time,true,1\n\
               2024-01-01T00:03:00Z,,\n\
               2024-01-01T00:04:00Z,false,-3\n\
               2024-01-01T00:05:00Z,false,\n";
    let got = read_samples(
        &dooap_like(),
        "s.csv",
        csv.as_bytes(),
        RowFormat::Csv,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // 8 rows: 3 used (00:00 up, 00:01 down by error rate, 00:05 down by
    // ok=false), 5 refused, each named by line and field.
    assert_eq!(
        got.counts,
        Counts {
            read: 8,
            used: 3,
            rejected: 5
        }
    );
    assert_eq!(
        messages(&got.errors),
        vec![
            "s.csv:4: field `ok`: `maybe` is not `true` or `false`",
            "s.csv:5: field `at`: overlaps the sample at 2024-01-01T00:01:00+00:00 (one sample covers 1m)",
            "s.csv:6: field `at`: cannot read the time `not a time`",
            "s.csv:7: no field the down rules read; give one of `ok`, `health_check`, `error_rate`",
            "s.csv:8: field `error_rate`: `-3` is not a percentage such as `4.5` or `4.5%`",
        ]
    );
    let o = got.value.into_observed();
    assert_eq!(o.down.len(), 2);
    assert_eq!(o.covered.map(|c| c.len()), Some(2));
}

#[test]
fn samples_jsonl_and_unread_fields() {
    let jsonl = "{\"at\": \"2024-01-01T00:00:00Z\", \"health_check\": false, \"region\": \"eu\"}\n\
                 \n\
                 [1, 2]\n\
                 {\"at\": \"2024-01-01T00:01:00Z\", \"error_rate\": 5}\n";
    let got = read_samples(
        &dooap_like(),
        "s.jsonl",
        jsonl.as_bytes(),
        RowFormat::Jsonl,
        &ReadOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        got.counts,
        Counts {
            read: 3,
            used: 2,
            rejected: 1
        }
    );
    assert_eq!(messages(&got.errors), vec!["s.jsonl:3: not a JSON object"]);
    assert_eq!(got.unread.into_iter().collect::<Vec<_>>(), vec!["region"]);
    // health_check false is down; 5% is not > 5%.
    assert_eq!(got.value.into_observed().down.len(), 1);
}

#[test]
fn incidents_with_bad_rows() {
    let csv = "start,end,kind\n\
               2024-03-31T23:30:00Z,2024-04-01T01:30:00Z,outage\n\
               2024-03-02T10:00:00Z,2024-03-02T09:00:00Z,outage\n\
               2024-03-03T10:00:00Z,2024-03-03T11:00:00Z,outtage\n\
               2024-03-04T10:00:00Z,2024-03-04T11:00:00Z,\n\
               2024-03-05T10:00:00Z,2024-03-05T11:00:00Z,maintenance\n\
               2024-03-06T10:00:00Z,,degraded\n\
               2024-03-07T10:00:00Z,2024-03-07T10:00:00Z,degraded\n";
    let got = read_incidents(
        "i.csv",
        csv.as_bytes(),
        RowFormat::Csv,
        &ReadOptions::default(),
        false,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        got.counts,
        Counts {
            read: 7,
            used: 3,
            rejected: 4
        }
    );
    assert_eq!(
        messages(&got.errors),
        vec![
            "i.csv:3: field `end`: ends at 2024-03-02T09:00:00+00:00 before it starts at 2024-03-02T10:00:00+00:00 (a negative duration); swap them",
            "i.csv:4: field `kind`: unknown kind `outtage`; use `outage`, `degraded` or `maintenance`",
            "i.csv:7: field `end`: missing; write an RFC 3339 time such as `2024-03-31T23:30:00Z`",
            "i.csv:8: field `end`: the window is empty (it ends when it starts)",
        ]
    );
    // A missing kind is an outage.
    assert_eq!(got.value.down.len(), 2);
    assert_eq!(got.value.maintenance.len(), 1);
}

#[test]
fn maintenance_files_hold_maintenance_only() {
    let csv = "start,end,kind\n\
               2024-03-02T06:00:00Z,2024-03-02T08:00:00Z,\n\
               2024-03-09T06:00:00Z,2024-03-09T08:00:00Z,outage\n";
    let got = read_incidents(
        "m.csv",
        csv.as_bytes(),
        RowFormat::Csv,
        &ReadOptions::default(),
        true,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.value.maintenance.len(), 1);
    assert_eq!(
        messages(&got.errors),
        vec!["m.csv:3: field `kind`: a maintenance file holds maintenance windows only; give outages with `--incidents`"]
    );
}

#[test]
fn a_header_without_the_needed_columns_is_refused() {
    let err = read_incidents(
        "i.csv",
        "begin,finish\n".as_bytes(),
        RowFormat::Csv,
        &ReadOptions::default(),
        false,
    )
    .err()
    .map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("i.csv:1: field `start`: the header has no `start` column; windows need `start,end[,kind]`")
    );
}
