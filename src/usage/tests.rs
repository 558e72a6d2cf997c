use super::*;
use proptest::prelude::*;

fn policy(name: &str) -> Policy {
    let text = match name {
        "dooap" => include_str!("../../policies/dooap.sla"),
        "dimagi" => include_str!("../../policies/dimagi.sla"),
        "prismic" => include_str!("../../policies/prismic.sla"),
        _ => unreachable!("no such seed policy"),
    };
    let source = crate::source::SourceFile::new(name, text);
    crate::compile(&source)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .policy
}

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .map(|d| d.with_timezone(&Utc))
        .unwrap_or_else(|e| panic!("{s}: {e}"))
}

fn row(p: &Policy, account: &str, tier: &str, at: &str) -> UsageRow {
    UsageRow {
        account: account.into(),
        tier: p.tier_named(tier).unwrap_or_else(|| panic!("{tier}")),
        at: t(at),
        quota: None,
        user: None,
        seconds: None,
    }
}

fn usd(s: &str) -> Charge {
    Charge::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn dimagi_14_users_cost_8_dollars() {
    // Community (free) plan: 10 users free per month, $2 per user over 10.
    // 14 distinct users in January 2024 (user 3 seen twice): 4 over = $8.
    let p = policy("dimagi");
    let mut m = Meter::new(&p, UsageKind::Users, None);
    for (i, day) in (1..=14).chain([20]).enumerate() {
        let mut r = row(&p, "clinic", "free", &format!("2024-01-{day:02}T12:00:00Z"));
        r.user = Some(format!("user{}", if i == 14 { 3 } else { i }));
        assert_eq!(m.record(&r), Ok(vec![]));
    }
    let f = m.finish();
    assert_eq!(f.len(), 1);
    assert_eq!((f[0].used, f[0].allowance, f[0].over), (14, 10, 4));
    assert_eq!(f[0].period.to_string(), "2024-01");
    assert_eq!(
        f[0].charge.as_ref().map(ToString::to_string),
        Some("$8.00".into())
    );
    assert_eq!(f[0].rows, 15);
}

#[test]
fn the_11th_dooap_request_is_billed_at_the_half_hour_minimum() {
    // Fixed fee: 10 requests per month; the 11th (15 minutes of work) is
    // charged T&M with a 0.5 h minimum: 0.5 h x $150 = $75.00.
    let p = policy("dooap");
    let mut m = Meter::new(&p, UsageKind::Requests, Some(usd("$150")));
    for day in 1..=10 {
        let r = row(
            &p,
            "acme",
            "fixed_fee",
            &format!("2024-01-{day:02}T15:00:00Z"),
        );
        assert_eq!(m.record(&r), Ok(vec![]), "request {day} is included");
    }
    let mut eleventh = row(&p, "acme", "fixed_fee", "2024-01-11T15:00:00Z");
    eleventh.seconds = Some(15 * 60);
    let over = m.record(&eleventh).unwrap_or_default();
    assert_eq!(over.len(), 1);
    assert_eq!(over[0].number, 11);
    assert_eq!(over[0].billed_seconds, Some(1800));
    assert_eq!(over[0].charge, Some(usd("$75")));
    let f = m.finish();
    assert_eq!((f[0].used, f[0].over), (11, 1));
    assert_eq!(f[0].charge, Some(usd("$75")));
}

#[test]
fn time_and_material_bills_every_request_with_the_minimum() {
    // T&M: 0 requests included; 10 min billed as 30 min, 2 h as 2 h:
    // 2.5 h x 87.50 EUR = 218.75 EUR. Without a rate: billed time, no charge.
    let p = policy("dooap");
    for (rate, want) in [(Some(usd("87.50 EUR")), Some("218.75 EUR")), (None, None)] {
        let mut m = Meter::new(&p, UsageKind::Requests, rate);
        for (at, secs) in [
            ("2024-01-02T15:00:00Z", 600),
            ("2024-01-03T15:00:00Z", 7200),
        ] {
            let mut r = row(&p, "beta", "time_and_material", at);
            r.seconds = Some(secs);
            assert_eq!(m.record(&r).map(|o| o.len()), Ok(1));
        }
        let f = m.finish();
        assert_eq!(f[0].billed_seconds, 9000);
        assert_eq!(
            f[0].charge.as_ref().map(ToString::to_string).as_deref(),
            want
        );
        assert_eq!(f[0].unpriced, want.is_none());
    }
}

#[test]
fn a_rate_in_the_policy_prices_billed_time_unless_one_is_given() {
    // 3 requests included a month; the 4th (10 min) is billed the 30 min
    // minimum at the policy's $90/h = $45.00, or at a given $150/h = $75.00.
    let text = "policy \"P\" { calendar office }\n\
                calendar office { zone \"UTC\"  mon-fri 09:00-17:00 }\n\
                severity high \"High\"\n\
                tiers basic\n\
                targets first_response {\n        basic\n  high  4h\n}\n\
                quota requests {\n  3 requests per month\n  minimum 30m per request\n  rate $90 per hour\n}\n";
    let p = crate::compile(&crate::source::SourceFile::new("p.sla", text))
        .unwrap_or_else(|e| panic!("{e}"))
        .policy;
    assert_eq!(
        p.quotas[0].rate.as_ref().map(ToString::to_string),
        Some("$90".into())
    );
    for (given, want) in [(None, "$45.00"), (Some(usd("$150")), "$75.00")] {
        let mut m = Meter::new(&p, UsageKind::Requests, given);
        let mut charges = Vec::new();
        for day in 1..=4 {
            let mut r = row(&p, "a", "basic", &format!("2024-01-{day:02}T10:00:00Z"));
            r.seconds = Some(600);
            charges.extend(
                m.record(&r)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|o| o.charge),
            );
        }
        assert_eq!(
            charges.iter().map(ToString::to_string).collect::<Vec<_>>(),
            vec![want]
        );
    }
}

#[test]
fn periods_are_counted_in_the_policy_zone() {
    // Dooap's desk calendar is central | eastern_eu: its zone is the
    // leftmost, America/Chicago. 2024-02-01T03:00Z is January 31, 21:00 CST.
    let p = policy("dooap");
    assert_eq!(policy_zone(&p), chrono_tz::America::Chicago);
    let mut m = Meter::new(&p, UsageKind::Requests, None);
    assert!(m
        .record(&row(&p, "acme", "fixed_fee", "2024-02-01T03:00:00Z"))
        .is_ok());
    assert!(m
        .record(&row(&p, "acme", "fixed_fee", "2024-02-01T06:00:00Z"))
        .is_ok());
    let f = m.finish();
    let periods: Vec<String> = f.iter().map(|x| x.period.to_string()).collect();
    assert_eq!(periods, vec!["2024-01", "2024-02"]);
}

#[test]
fn prismic_enablement_hours_per_year() {
    // Up to 8 h a year: 3 h + 4 h + 2 h = 9 h, the last session 1 h beyond
    // (no price: the policy says "not included; best effort").
    let p = policy("prismic");
    let mut m = Meter::new(&p, UsageKind::Requests, None);
    let mut beyond = Vec::new();
    for (at, h) in [
        ("2024-02-01T10:00:00Z", 3),
        ("2024-06-01T10:00:00Z", 4),
        ("2024-11-01T10:00:00Z", 2),
    ] {
        let mut r = row(&p, "shop", "enterprise_premium", at);
        r.seconds = Some(h * 3600);
        beyond.extend(m.record(&r).unwrap_or_default());
    }
    assert_eq!(beyond.len(), 1);
    assert_eq!(beyond[0].billed_seconds, Some(3600));
    let f = m.finish();
    assert_eq!(f[0].period.to_string(), "2024");
    assert_eq!(
        (f[0].used, f[0].allowance, f[0].over),
        (9 * 3600, 8 * 3600, 3600)
    );
    assert!(f[0].unpriced && f[0].charge.is_none());
    // A session without its duration cannot be counted.
    let r = row(&p, "shop", "enterprise_premium", "2024-12-01T10:00:00Z");
    let mut m = Meter::new(&p, UsageKind::Requests, None);
    assert_eq!(
        m.record(&r).map_err(|e| e.to_string()),
        Err(
            "missing; quota `enablement` counts time, so each row needs a duration such as `1h30m`"
                .into()
        )
    );
}

#[test]
fn rows_out_of_order_and_quotas_of_other_tiers_are_refused() {
    let p = policy("dooap");
    let mut m = Meter::new(&p, UsageKind::Requests, None);
    assert!(m
        .record(&row(&p, "acme", "fixed_fee", "2024-01-05T10:00:00Z"))
        .is_ok());
    assert_eq!(
        m.record(&row(&p, "acme", "fixed_fee", "2024-01-04T10:00:00Z")),
        Err(UsageError::OutOfOrder {
            previous: t("2024-01-05T10:00:00Z")
        })
    );
    // Another account has its own order.
    assert!(m
        .record(&row(&p, "beta", "fixed_fee", "2024-01-04T10:00:00Z"))
        .is_ok());
    let mut r = row(&p, "acme", "fixed_fee", "2024-01-06T10:00:00Z");
    r.quota = p.quotas.iter().position(|q| q.name == "billable_time");
    assert_eq!(
        m.record(&r).map_err(|e| e.to_string()),
        Err("quota `billable_time` does not apply to tier `fixed_fee`".into())
    );
}

#[test]
fn money_parses_and_prints_exactly() {
    assert_eq!(usd("$2").to_string(), "$2.00");
    assert_eq!(usd("87.5 eur").to_string(), "87.50 EUR");
    assert_eq!(usd("$0.10").times(3).to_string(), "$0.30");
    // $100/h for 1 s = 2.777..c -> $0.03 (half away from zero at the cent).
    assert_eq!(usd("$100").times_seconds(1).to_string(), "$0.03");
    assert!(Charge::parse("150").is_err());
    assert!(Charge::parse("-$3").is_err());
    assert!(Charge::parse("$1e3").is_err());
}

proptest! {
    #[test]
    fn usage_totals_equal_the_sum_over_periods(
        offsets in prop::collection::vec((0i64..2_000_000, 0i64..10_000, 0usize..3), 0..80),
    ) {
        // Requests of three accounts over ~2 years of minutes, in time order:
        // every request counts once, in exactly one period, and the charges
        // of the requests beyond add up to the periods' charges.
        let p = policy("dooap");
        let mut m = Meter::new(&p, UsageKind::Requests, Some(usd("$120")));
        let mut sorted = offsets.clone();
        sorted.sort();
        let base = t("2024-01-01T00:00:00Z");
        let mut items_billed = 0;
        let mut items_charge = Decimal::ZERO;
        for (minute, secs, who) in &sorted {
            let tier = if *who == 2 { "time_and_material" } else { "fixed_fee" };
            let mut r = row(&p, &format!("acct{who}"), tier, "2024-01-01T00:00:00Z");
            r.at = base + chrono::Duration::minutes(*minute);
            r.seconds = Some(*secs);
            for item in m.record(&r).unwrap_or_default() {
                items_billed += item.billed_seconds.unwrap_or(0);
                items_charge += item.charge.map_or(Decimal::ZERO, |c| c.value);
            }
        }
        let f = m.finish();
        prop_assert_eq!(f.iter().map(|x| x.used).sum::<i64>(), sorted.len() as i64);
        prop_assert_eq!(f.iter().map(|x| x.rows).sum::<u64>(), sorted.len() as u64);
        prop_assert_eq!(f.iter().map(|x| x.billed_seconds).sum::<i64>(), items_billed);
        let total: Decimal = f.iter().filter_map(|x| x.charge.as_ref()).map(|c| c.value).sum();
        prop_assert_eq!(total, items_charge);
        for x in &f {
            prop_assert_eq!(x.over, (x.used - x.allowance).max(0));
        }
    }
}
