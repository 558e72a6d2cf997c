//! Syntax errors: one E0001 at the right place, in readable words.

use super::*;

/// Asserts the message, and that the primary span covers `found` at its
/// first occurrence at or after `from` in `text`.
fn check(text: &str, message: &str, found: &str) -> Diagnostic {
    let d = error(text);
    assert_eq!(d.message, message, "for {text:?}");
    assert_eq!(at(text, d.primary.span), found, "span for {text:?}");
    d
}

#[test]
fn duration_with_a_space_in_a_table() {
    let text = "targets first_response {\n  gold silver\n  sev1 4 hours 2h\n}";
    let d = check(
        text,
        "expected a duration such as `4h`, a deadline such as `1bd@16:00`, `-` or `none`, found `4 hours`",
        "4 hours",
    );
    assert!(
        d.help.as_deref().is_some_and(|h| h.contains("`4h`")),
        "{:?}",
        d.help
    );
    assert_eq!(d.primary.message, "not a duration");
}

#[test]
fn table_cells_separated_by_commas() {
    let text = "targets m {\n  gold silver\n  sev1 4h, 2h\n}";
    let d = check(text, "expected `}`, found `,`", ",");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("header line")));
}

#[test]
fn table_without_header_line() {
    let text = "targets m {\n  sev1 4h 2h\n}";
    check(
        text,
        "expected a header line of tier names (or `*`) or `}`, found `4h`",
        "4h",
    );
}

#[test]
fn misspelt_declaration_keyword() {
    let d = check(
        "tierz gold",
        "expected a declaration such as `policy`, `calendar`, `severity`, `tier`, `metric` or `targets`, found `tierz`",
        "tierz",
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `tier`?"));
    let d = error("metric m { strats on opened }");
    assert!(
        d.message.starts_with("expected a metric clause"),
        "{}",
        d.message
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `starts`?"));
}

#[test]
fn missing_keyword_mid_statement() {
    let d = check(
        "warn first_response 75% to \"x\"",
        "expected `at`, found `75%`",
        "75%",
    );
    assert_eq!(d.primary.message, "expected `at` here");
    check(
        "metric m { starts opened }",
        "expected `on`, found `opened`",
        "opened",
    );
    check(
        "availability a { objective 99.5% per year }",
        "expected `calendar` or `month`, found `year`",
        "year",
    );
}

#[test]
fn weekday_written_in_full() {
    let d = error("calendar c { zone \"UTC\" monday 08:00-17:00 }");
    assert!(d.message.ends_with("found `monday`"), "{}", d.message);
    assert!(d.help.as_deref().is_some_and(|h| h.contains("`mon`")));
    let d = error("calendar c { mon-fr 08:00-17:00 }");
    assert!(d.message.ends_with("found `mon-fr`"), "{}", d.message);
}

#[test]
fn bad_time_ranges() {
    let d = check(
        "calendar c { mon 8-17 }",
        "expected a time such as `08:00`, found `8-17`",
        "8-17",
    );
    assert!(d.help.as_deref().is_some_and(|h| h.contains("08:00-17:00")));
    check(
        "calendar c { mon 08:00 }",
        "expected a time range such as `08:00-17:00`, found `08:00`",
        "08:00",
    );
}

#[test]
fn yearly_holiday_without_every() {
    let d = check(
        "calendar c { closed 12-25 }",
        "expected a date such as `2026-12-25` or `every`, found `12-25`",
        "12-25",
    );
    assert_eq!(
        d.help.as_deref(),
        Some("for a date every year, write `every 12-25`")
    );
}

#[test]
fn unclosed_block_points_at_its_brace() {
    let text = "policy \"x\" {\n  provider \"a\"\n";
    let d = error(text);
    assert_eq!(d.message, "expected `}`, found end of file");
    assert_eq!(d.primary.span, Span::new(text.len(), text.len()));
    assert_eq!(d.primary.message, "the file ends here");
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(at(text, d.secondary[0].span), "{");
}

#[test]
fn unclosed_parenthesis_and_missing_operand() {
    check(
        "calendar c = (a | b",
        "expected `|`, `&`, `-` or `)`, found end of file",
        "",
    );
    check(
        "calendar c = a |",
        "expected a calendar such as `business`, `24x7` or `(a | b)`, found end of file",
        "",
    );
    check(
        "calendar c",
        "expected `by`, `{` or `=`, found end of file",
        "",
    );
}

#[test]
fn unterminated_string() {
    let text = "policy \"Domo { provider \"a\" }\nseverity s";
    let d = error(text);
    assert_eq!(d.message, "expected `{`, found `a`");
    let text = "severity s \"Critical\ntier t";
    let d = check(text, "unterminated string", "\"Critical");
    assert!(d.help.is_some());
}

#[test]
fn value_that_is_not_a_value() {
    let d = check(
        "tier gold { enablement 1.5h }",
        "expected a value such as `3`, `4h`, `99.5%`, `$2`, `\"text\"`, `yes` or `-`, found `1.5h`",
        "1.5h",
    );
    assert!(d.help.as_deref().is_some_and(|h| h.contains("1h30m")));
    check(
        "tier gold { enablement 1mo }",
        "expected a value such as `3`, `4h`, `99.5%`, `$2`, `\"text\"`, `yes` or `-`, found `1mo`",
        "1mo",
    );
}

#[test]
fn huge_numbers_are_errors_not_panics() {
    let text = "tier gold { x 99999999999999999999999 }";
    let d = check(
        text,
        "number in `99999999999999999999999` is too large",
        "99999999999999999999999",
    );
    assert!(d.help.is_some());
    for text in [
        "targets m {\n gold\n sev1 99999999999999999999h\n}",
        "calendar c { closed 99999999999-01-01 }",
        "calendar c { closed every 99999999999-01 }",
        "calendar c { closed 2026-99999999999-01 }",
        "quota q { 99999999999999999999999 requests }",
    ] {
        let d = error(text);
        assert!(
            d.message.contains("is too large"),
            "{text:?}: {}",
            d.message
        );
    }
    // The largest i64 itself is fine.
    assert_eq!(items("tier t { x 9223372036854775807 }").len(), 1);
}

#[test]
fn unknown_escape_in_string() {
    let text = "tier gold { x \"a\\qb\" }";
    let d = check(text, "unknown escape `\\q` in a string", "\\q");
    assert!(d.help.is_some());
}

#[test]
fn end_of_file_is_named_in_words() {
    let d = check(
        "allow",
        "expected a lint name or code such as `tier-inversion` or `L0301`, found end of file",
        "",
    );
    assert_eq!(d.primary.message, "the file ends here");
    check(
        "import \"a\" import",
        "expected a string in double quotes, found end of file",
        "",
    );
}

#[test]
fn garbage_after_a_declaration() {
    let d = check(
        "tiers a < b\n}",
        "expected a declaration such as `policy`, `calendar`, `severity`, `tier`, `metric` or `targets`, found `}`",
        "}",
    );
    assert_eq!(d.primary.message, "not a declaration");
}

#[test]
fn control_characters_are_escaped_in_messages() {
    let d = error("\u{0}\u{1}binary");
    assert!(d.message.ends_with("found `\\0`"), "{}", d.message);
}

#[test]
fn names_are_described_by_what_they_name() {
    check(
        "quota q { 10 requests per }",
        "expected a period or unit such as `month` or `user`, found `}`",
        "}",
    );
    check(
        "metric m { on change }",
        "expected `recompute` or `restart`, found `}`",
        "}",
    );
    check(
        "metric m { on reopen 3 }",
        "expected `continue`, `new_cycle`, `first_close_only` or `include_closed`, found `3`",
        "3",
    );
    check(
        "metric m { starts on }",
        "expected an event such as `opened`, `replied` or `resolved`, found `}`",
        "}",
    );
    check(
        "metric m { pauses while status }",
        "expected a ticket status such as `waiting_on_customer`, `in` or `=`, found `}`",
        "}",
    );
    check("tiers a < ", "expected a tier name, found end of file", "");
    check(
        "calendar 9to5 { }",
        "expected a calendar name, found `9to5`",
        "9to5",
    );
    check(
        "severity \"Critical\"",
        "expected a severity name, found `\"Critical\"`",
        "\"Critical\"",
    );
    check(
        "metric { }",
        "expected a metric name such as `first_response`, found `{`",
        "{",
    );
    check("type 1 { }", "expected an issue type name, found `1`", "1");
    check(
        "escalate at 100% to \"x\"",
        "expected `at`, found `100%`",
        "100%",
    );
    check(
        "availability a { down when }",
        "expected a signal name such as `error_rate` or `health_check`, found `}`",
        "}",
    );
}

#[test]
fn independent_errors_in_different_declarations_are_all_reported() {
    let text = "tier gold { contacts 3 , }\nseverity s { clok 24x7 }\nmetric m { starts on opened }\ntarget x";
    let (file, diags) = parse(&SourceFile::new("t.sla", text));
    assert!(file.is_none());
    let found: Vec<&str> = diags.iter().map(|d| at(text, d.primary.span)).collect();
    assert_eq!(found, [",", "clok", "target"]);
    assert!(diags.iter().all(|d| d.code == Code::SyntaxError));
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `clock`?"));
}

#[test]
fn a_missing_brace_is_one_error_not_a_cascade() {
    let text = "calendar c {\n  zone \"UTC\"\n  mon-fri 08:00-17:00\nseverity s \"x\"\ntier gold { x 1 }\n";
    let d = error(text);
    assert!(d.message.ends_with("found `severity`"), "{}", d.message);
    assert_eq!(
        d.help.as_deref(),
        Some("is a `}` missing before this `severity`?")
    );
    assert_eq!(d.secondary.len(), 1);
    assert_eq!(d.secondary[0].span, Span::new(11, 12));
    assert_eq!(d.secondary[0].message, "this `{` is never closed");
}

#[test]
fn a_stray_closing_brace() {
    let d = error("tier gold { x 1 } }");
    assert_eq!(d.help.as_deref(), Some("this `}` closes no block"));
}

#[test]
fn errors_after_a_valid_prefix_keep_file_positions() {
    let text = "tiers a < b\n\n# comment\ncalendar c {\n  mon 08:00-25\n}\n";
    let d = error(text);
    assert_eq!(d.message, "expected a time such as `08:00`, found `25`");
    assert_eq!(at(text, d.primary.span), "25");
}

#[test]
fn the_number_of_reported_errors_is_bounded() {
    let text = "tierz\n".repeat(1000);
    let (_, diags) = parse(&SourceFile::new("t.sla", text.clone()));
    assert_eq!(diags.len(), 1, "no restart point after a non-keyword line");
    let text = "tier {\n".repeat(1000);
    let (_, diags) = parse(&SourceFile::new("t.sla", text));
    assert_eq!(diags.len(), 20);
}

#[test]
fn hints_for_common_slips() {
    let hint = |text: &str| error(text).help.unwrap_or_default();
    assert_eq!(
        hint("availability a { objective 99.5 % }"),
        "write a percentage without a space, such as `99.5%`"
    );
    assert_eq!(
        hint("tier t { price $ 2 }"),
        "write an amount of money without a space, such as `$2`"
    );
    assert_eq!(
        hint("calendar c { zone UTC }"),
        "text is written in double quotes: `\"UTC\"`"
    );
    assert_eq!(
        hint("calendar c { closed 2026-12-25 Christmas }"),
        "text is written in double quotes: `\"Christmas\"`"
    );
    assert_eq!(
        hint("severity s { clock 24/7 }"),
        "the always-open calendar is written `24x7`"
    );
    assert_eq!(
        hint("calendar c = a + b"),
        "calendars combine with `|` (union), `&` (intersection) and `-` (difference)"
    );
    assert_eq!(
        hint("quota q { 10 requests a month }"),
        "write `per`, as in `10 requests per month`"
    );
    assert_eq!(
        hint("tiers a, b, c"),
        "tiers are ordered with `<`, lowest first: `tiers silver < gold`"
    );
    assert_eq!(
        hint("tier gold : silver"),
        "a tier inherits with `extends`: `tier gold extends silver`"
    );
    // With several kinds of thing allowed, the label does not pick one.
    let d = error("calendar c { closed 2026-12-25 Christmas }");
    assert_eq!(d.primary.message, "unexpected here");
}

#[test]
fn misspelt_keyword_mid_statement() {
    let d = error("metric m { starts onn opened }");
    assert_eq!(d.message, "expected `on`, found `onn`");
    assert_eq!(d.help.as_deref(), Some("did you mean `on`?"));
    let d = error("tier gold extnds silver");
    assert_eq!(d.help.as_deref(), Some("did you mean `extends`?"));
    let d = error("Tier gold");
    assert_eq!(d.help.as_deref(), Some("did you mean `tier`?"));
}

#[test]
fn number_and_unit_with_a_space_outside_tables() {
    let text = "availability a { sampled every 1 m }";
    let d = error(text);
    assert!(d.message.ends_with("found `1 m`"), "{}", d.message);
    assert_eq!(at(text, d.primary.span), "1 m");
    assert_eq!(
        d.help.as_deref(),
        Some("durations are written without spaces, such as `4h`, `30m`, `1h30m` or `1bd`")
    );
}

#[test]
fn duration_help_offers_what_is_valid_where_it_is_written() {
    // Issue 14: the help offered `2d`, which is E0205 in a table on a
    // business calendar. The parser cannot see the table's clock unless the
    // table says `on 24x7`.
    let business = "targets first_response {\n      gold\n  s1  4hrs\n}\n";
    let d = error(business);
    assert_eq!(at(business, d.primary.span), "4hrs");
    assert_eq!(
        d.help.as_deref(),
        Some(
            "durations are written like `30m`, `4h`, `1h30m` or `1bd` (business days); \
             `2d` and `1w` count 24-hour days and need a 24x7 clock"
        )
    );
    let always = "targets first_response on 24x7 {\n      gold\n  s1  4hrs\n}\n";
    let d = error(always);
    assert_eq!(
        d.help.as_deref(),
        Some("durations are written like `30m`, `4h`, `1h30m`, `2d`, `1w` or `1bd`")
    );
    let sampling = "availability a { sampled every 5mins }";
    let d = error(sampling);
    assert_eq!(at(sampling, d.primary.span), "5mins");
    assert_eq!(
        d.help.as_deref(),
        Some("durations are written like `30m`, `4h`, `1h30m`, `2d` or `1w`")
    );
}

#[test]
fn a_quota_written_inside_a_tier() {
    let text = "tier gold \"Gold\" {\n  10 service requests per month\n}\n";
    let d = error(text);
    assert_eq!(at(text, d.primary.span), "10");
    assert_eq!(
        d.help.as_deref(),
        Some(
            "an entitlement is a name and a value (`contacts 3`); an allowance counted per \
             period is a `quota` declaration: `quota requests { 10 requests per month  tiers gold }`"
        )
    );
}
