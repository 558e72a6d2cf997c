//! Target tables: line-oriented rows, `-`, `none`, `*`, comments.

use super::*;

fn table(text: &str) -> TargetsDecl {
    match item(text) {
        Item::Targets(t) => t,
        other => panic!("not targets: {other:?}"),
    }
}

fn cells(row: &TargetRow) -> Vec<Literal> {
    row.cells.iter().map(|c| c.node.clone()).collect()
}

fn h(n: i64) -> Literal {
    Literal::Duration(vec![(n, DurationUnit::Hours)])
}

#[test]
fn header_rows_and_cells() {
    let text = "targets first_response for bug on business {
         standard bronze silver gold
  sev1   -        none   6h     4h
  sev2   -        -      10h    1h30m
}";
    let t = table(text);
    assert_eq!(t.metric.node, "first_response");
    assert_eq!(t.issue_type.as_ref().map(|x| x.node.as_str()), Some("bug"));
    assert_eq!(
        t.calendar.as_ref().map(|c| c.node.clone()),
        Some(CalendarExpr::Name("business".into()))
    );
    let cols: Vec<&str> = t.columns.iter().map(|c| c.node.as_str()).collect();
    assert_eq!(cols, ["standard", "bronze", "silver", "gold"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].label.node, "sev1");
    assert_eq!(
        cells(&t.rows[0]),
        [Literal::NoGuarantee, Literal::NoGuarantee, h(6), h(4)]
    );
    assert_eq!(
        cells(&t.rows[1])[3],
        Literal::Duration(vec![(1, DurationUnit::Hours), (30, DurationUnit::Minutes)])
    );
    assert_eq!(
        at(text, t.rows[1].span),
        "sev2   -        -      10h    1h30m"
    );
    assert_eq!(at(text, t.rows[0].cells[1].span), "none");
    assert_eq!(at(text, t.columns[3].span), "gold");
    assert_eq!(t.span, Span::new(0, text.len()));
}

#[test]
fn stars_comments_and_blank_lines() {
    let text = "targets follow_up {   # trailing comment
  # a comment line

      *      gold   # header comment

  *   1bd  2h   # row comment
  # between rows
  sev1 4h 1h
}";
    let t = table(text);
    assert_eq!((t.issue_type.clone(), t.calendar.clone()), (None, None));
    let cols: Vec<&str> = t.columns.iter().map(|c| c.node.as_str()).collect();
    assert_eq!(cols, ["*", "gold"]);
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].label.node, "*");
    assert_eq!(
        cells(&t.rows[0]),
        [
            Literal::Duration(vec![(1, DurationUnit::BusinessDays)]),
            h(2)
        ]
    );
    assert_eq!(t.rows[1].label.node, "sev1");
}

#[test]
fn short_rows_and_any_literal_are_left_to_the_checker() {
    let text = "targets m {\n gold silver\n sev1 99.5%\n sev2\n sev3 $2 \"text\" yes\n}";
    let t = table(text);
    assert_eq!(cells(&t.rows[0]), [Literal::Percent("99.5".into())]);
    assert!(t.rows[1].cells.is_empty());
    assert_eq!(
        cells(&t.rows[2]),
        [
            Literal::Money("2".into()),
            Literal::Str("text".into()),
            Literal::Bool(true)
        ]
    );
}

#[test]
fn closing_brace_may_end_the_last_row_and_tables_may_be_empty() {
    let t = table("targets m {\n gold\n sev1 4h }");
    assert_eq!(cells(&t.rows[0]), [h(4)]);
    let t = table("targets m { }");
    assert!(t.columns.is_empty() && t.rows.is_empty());
    let t = table("targets m {\n gold silver\n}");
    assert_eq!(t.columns.len(), 2);
    assert!(t.rows.is_empty());
}

#[test]
fn crlf_line_endings() {
    let t = table("targets m {\r\n gold silver\r\n sev1 4h 2h\r\n sev2 - -\r\n}\r\n");
    assert_eq!(t.rows.len(), 2);
    assert_eq!(
        cells(&t.rows[1]),
        [Literal::NoGuarantee, Literal::NoGuarantee]
    );
}

#[test]
fn tables_among_other_declarations() {
    let all = items("severity sev1\ntargets m {\n gold\n sev1 4h\n}\nescalate m at 100% to \"x\"");
    assert_eq!(all.len(), 3);
    assert!(matches!(&all[2], Item::Milestone(_)));
}
