//! Parser tests: every declaration into the expected tree, calendar
//! expressions, target tables, error messages and hostile inputs.

mod calendar;
mod decls;
mod errors;
mod fuzz;
mod grammar;
mod robust;
mod tables;

use super::parse;
use crate::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// Parses text that must be valid and returns its items.
fn items(text: &str) -> Vec<Item> {
    let (file, diags) = parse(&SourceFile::new("test.sla", text));
    assert!(
        diags.is_empty(),
        "unexpected diagnostics for {text:?}: {diags:#?}"
    );
    match file {
        Some(f) => f.items,
        None => panic!("no tree for {text:?}"),
    }
}

/// Parses text that must hold exactly one item.
fn item(text: &str) -> Item {
    let mut all = items(text);
    assert_eq!(all.len(), 1, "expected one item in {text:?}: {all:#?}");
    all.remove(0)
}

/// Parses text that must fail with exactly one syntax error.
fn error(text: &str) -> Diagnostic {
    let (file, diags) = parse(&SourceFile::new("test.sla", text));
    assert!(file.is_none(), "expected no tree for {text:?}");
    assert_eq!(
        diags.len(),
        1,
        "expected one diagnostic for {text:?}: {diags:#?}"
    );
    let d = diags[0].clone();
    assert_eq!(d.code, Code::SyntaxError);
    assert_no_rule_names(&d);
    d
}

/// The words pest would use for its rules must never reach a user. Text in
/// backquotes is user text or a keyword (descriptions are checked in
/// `grammar.rs`), so only the prose around it is searched.
fn assert_no_rule_names(d: &Diagnostic) {
    let mut all = format!("{} {}", d.message, d.primary.message);
    if let Some(h) = &d.help {
        all.push(' ');
        all.push_str(h);
    }
    let text: String = all.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    for raw in [
        "EOI",
        "ident",
        "k_",
        "_stmt",
        "_decl",
        "_clause",
        "lbrace",
        "rbrace",
        "cal_expr",
        "table_row",
        "value_forms",
        "Rule",
        "WHITESPACE",
        "positives",
    ] {
        assert!(!text.contains(raw), "raw rule name `{raw}` in {text:?}");
    }
    assert!(!d.message.ends_with('.'), "final period in {:?}", d.message);
    assert!(
        d.message
            .starts_with(|c: char| c.is_lowercase() || c == '`'),
        "message must start lowercase: {:?}",
        d.message
    );
}

/// The text a span covers.
fn at(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

fn name(expr: &CalendarExpr) -> String {
    match expr {
        CalendarExpr::Always => "24x7".to_string(),
        CalendarExpr::Name(n) => n.clone(),
        CalendarExpr::Union(a, b) => format!("({} | {})", name(&a.node), name(&b.node)),
        CalendarExpr::Intersection(a, b) => format!("({} & {})", name(&a.node), name(&b.node)),
        CalendarExpr::Difference(a, b) => format!("({} - {})", name(&a.node), name(&b.node)),
    }
}

#[test]
fn prelude_parses() {
    let text = include_str!("../../prelude.sla");
    let all = items(text);
    let names: Vec<&str> = all
        .iter()
        .map(|i| match i {
            Item::Metric(m) => m.name.node.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(
        names,
        [
            "acknowledge",
            "first_response",
            "follow_up",
            "periodic_update",
            "resolution"
        ]
    );
}

#[test]
fn empty_and_comment_only_files_are_empty() {
    for text in [
        "",
        "   \n\t\n",
        "# only a comment",
        "# é ü 日本\n\n# two\n",
        "\u{FEFF}",
    ] {
        assert!(items(text).is_empty(), "{text:?}");
    }
}

/// Every policy shipped with the project parses cleanly.
#[test]
fn shipped_policies_parse() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/policies");
    let mut parsed = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "sla") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let (file, diags) = parse(&SourceFile::new(path.display().to_string(), text));
            assert!(diags.is_empty(), "{}: {diags:#?}", path.display());
            assert!(
                file.is_some_and(|f| !f.items.is_empty()),
                "{}",
                path.display()
            );
            parsed += 1;
        }
    }
    assert!(
        parsed >= 4,
        "expected the shipped policies in {dir}, parsed {parsed}"
    );
}
