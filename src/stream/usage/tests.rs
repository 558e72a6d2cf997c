use super::*;
use crate::stream::rows::Counts;

fn dooap() -> Policy {
    let source =
        crate::source::SourceFile::new("dooap.sla", include_str!("../../../policies/dooap.sla"));
    crate::compile(&source)
        .unwrap_or_else(|e| panic!("{e}"))
        .policy
}

#[test]
fn bad_usage_rows_name_file_line_and_field() {
    let p = dooap();
    let mut meter = Meter::new(&p, UsageKind::Requests, None);
    let csv = "account,tier,at,duration,quota\n\
               acme,fixed_fee,2024-01-02T10:00:00Z,20m,\n\
               acme,fixed_fe,2024-01-03T10:00:00Z,20m,\n\
               ,fixed_fee,2024-01-03T10:00:00Z,20m,\n\
               acme,fixed_fee,2024-01-01T10:00:00Z,20m,\n\
               acme,fixed_fee,2024-01-04T10:00:00Z,-1h,\n\
               acme,fixed_fee,2024-01-04T10:00:00Z,1h,service_request\n\
               acme,fixed_fee,2024-01-05T10:00:00Z,1bd,\n\
               acme,fixed_fee,2024-01-06T10:00:00Z,1h,service_requests\n";
    let mut over = 0;
    let got = read_usage(
        &p,
        &mut meter,
        UsageKind::Requests,
        "r.csv",
        csv.as_bytes(),
        RowFormat::Csv,
        &ReadOptions::default(),
        &Accounts::default(),
        |_| over += 1,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = got.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "r.csv:3: field `tier`: unknown tier `fixed_fe` (did you mean `fixed_fee`?)",
            "r.csv:4: field `account`: missing; every row names its customer account",
            "r.csv:5: field `at`: earlier than the account's previous row (2024-01-02T10:00:00+00:00); sort the rows by time",
            "r.csv:6: field `duration`: `-1h` is a negative duration; time spent is 0 or more",
            "r.csv:7: field `quota`: unknown quota `service_request` (did you mean `service_requests`?)",
            "r.csv:8: field `duration`: `1bd` is in business days; give the time spent, such as `1h30m`",
        ]
    );
    assert_eq!(
        got.counts,
        Counts {
            read: 8,
            used: 2,
            rejected: 6
        }
    );
    assert_eq!(over, 0);
    let f = meter.finish();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].used, 2);
}

#[test]
fn an_accounts_file_names_the_known_customers() {
    let p = dooap();
    let accounts = read_accounts(
        &p,
        "a.csv",
        "account,tier\nacme,fixed_fee\nbeta,time_and_material\nacme,fixed_fee\ngamma,gold\n"
            .as_bytes(),
        RowFormat::Csv,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = accounts.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "a.csv:4: field `account`: account `acme` is already listed on line 2",
            "a.csv:5: field `tier`: unknown tier `gold`",
        ]
    );
    let known = Accounts {
        default_tier: None,
        known: Some(accounts.value),
    };
    let mut meter = Meter::new(&p, UsageKind::Requests, None);
    let csv = "account,at,tier\n\
               acme,2024-01-02T10:00:00Z,\n\
               acmee,2024-01-03T10:00:00Z,\n\
               beta,2024-01-03T10:00:00Z,fixed_fee\n";
    let got = read_usage(
        &p,
        &mut meter,
        UsageKind::Requests,
        "r.csv",
        csv.as_bytes(),
        RowFormat::Csv,
        &ReadOptions::default(),
        &known,
        |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let errors: Vec<String> = got.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        vec![
            "r.csv:3: field `account`: unknown account `acmee` (did you mean `acme`?); add it to the accounts file",
            "r.csv:4: field `tier`: `fixed_fee`, but the accounts file gives `beta` the tier `time_and_material`",
        ]
    );
    assert_eq!(got.counts.used, 1);
    let f = meter.finish();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].account, "acme");
    assert_eq!(Some(f[0].tier), p.tier_named("fixed_fee"));
}
