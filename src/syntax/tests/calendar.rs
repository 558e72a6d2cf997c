//! Calendar expressions: precedence, associativity, parentheses, spans.

use super::*;

fn expr(src: &str) -> Spanned<CalendarExpr> {
    let text = format!("calendar c = {src}");
    match item(&text) {
        Item::Calendar(CalendarDecl {
            body: CalendarBody::Expr(e),
            ..
        }) => e,
        other => panic!("not a calendar expression: {other:?}"),
    }
}

use crate::source::Spanned;

#[test]
fn intersection_binds_tighter_than_union_and_difference() {
    assert_eq!(name(&expr("a | b & c").node), "(a | (b & c))");
    assert_eq!(name(&expr("a & b | c").node), "((a & b) | c)");
    assert_eq!(name(&expr("a - b & c").node), "(a - (b & c))");
}

#[test]
fn union_and_difference_are_left_associative_with_equal_precedence() {
    assert_eq!(name(&expr("a - b | c").node), "((a - b) | c)");
    assert_eq!(name(&expr("a | b - c").node), "((a | b) - c)");
    assert_eq!(name(&expr("a - b - c").node), "((a - b) - c)");
    assert_eq!(name(&expr("a & b & c").node), "((a & b) & c)");
}

#[test]
fn parentheses_group() {
    assert_eq!(name(&expr("(a | b) & c").node), "((a | b) & c)");
    assert_eq!(name(&expr("a - (b | c)").node), "(a - (b | c))");
    assert_eq!(name(&expr("((a))").node), "a");
    assert_eq!(
        name(&expr("24x7 - (maintenance & weekend)").node),
        "(24x7 - (maintenance & weekend))"
    );
}

#[test]
fn expression_spans_cover_their_operands() {
    let text = "calendar c = central | eastern_eu & x";
    let Item::Calendar(CalendarDecl {
        body: CalendarBody::Expr(e),
        span,
        ..
    }) = item(text)
    else {
        panic!("not a calendar expression")
    };
    assert_eq!(at(text, e.span), "central | eastern_eu & x");
    assert_eq!(span, Span::new(0, text.len()));
    let CalendarExpr::Union(l, r) = e.node else {
        panic!("not a union")
    };
    assert_eq!(at(text, l.span), "central");
    assert_eq!(at(text, r.span), "eastern_eu & x");
}

#[test]
fn always_and_names() {
    assert_eq!(expr("24x7").node, CalendarExpr::Always);
    assert_eq!(expr("business").node, CalendarExpr::Name("business".into()));
    // `24x7` is a keyword only as a whole word.
    assert!(matches!(expr("24x7 | x").node, CalendarExpr::Union(..)));
}

#[test]
fn expressions_in_severity_clock_and_targets() {
    let Item::Severity(s) = item("severity s { clock business | 24x7 }") else {
        panic!("not a severity")
    };
    assert_eq!(
        s.clock.map(|c| name(&c.node)),
        Some("(business | 24x7)".to_string())
    );
    let Item::Targets(t) = item("targets m on a - b {\n gold\n * 1h\n}") else {
        panic!("not targets")
    };
    assert_eq!(
        t.calendar.map(|c| name(&c.node)),
        Some("(a - b)".to_string())
    );
}

#[test]
fn midnight_crossing_and_whole_day_ranges() {
    let text = "calendar c { sun 22:00-02:00  fri-mon 00:00-24:00 }";
    let Item::Calendar(c) = item(text) else {
        panic!("not a calendar")
    };
    let CalendarBody::Block(stmts) = c.body else {
        panic!("not a block")
    };
    let CalendarStmt::Hours { ranges, .. } = &stmts[0] else {
        panic!("not hours")
    };
    assert_eq!(
        ranges[0].node.start.node,
        TimeLit {
            hour: 22,
            minute: 0
        }
    );
    assert_eq!(ranges[0].node.end.node, TimeLit { hour: 2, minute: 0 });
    let CalendarStmt::Hours { days, ranges, .. } = &stmts[1] else {
        panic!("not hours")
    };
    assert_eq!(days[0].node, DaySpec::Range("fri".into(), "mon".into()));
    assert_eq!(ranges[0].node.start.node, TimeLit { hour: 0, minute: 0 });
    assert_eq!(
        ranges[0].node.end.node,
        TimeLit {
            hour: 24,
            minute: 0
        }
    );
    assert_eq!(at(text, ranges[0].node.end.span), "24:00");
}

#[test]
fn one_digit_hours() {
    let Item::Calendar(c) = item("calendar c { mon 8:00-9:30 }") else {
        panic!("not a calendar")
    };
    let CalendarBody::Block(stmts) = c.body else {
        panic!("not a block")
    };
    let CalendarStmt::Hours { ranges, .. } = &stmts[0] else {
        panic!("not hours")
    };
    assert_eq!(ranges[0].node.start.node, TimeLit { hour: 8, minute: 0 });
    assert_eq!(
        ranges[0].node.end.node,
        TimeLit {
            hour: 9,
            minute: 30
        }
    );
}
