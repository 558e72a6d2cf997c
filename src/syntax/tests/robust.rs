//! Hostile inputs return diagnostics, never panic or exhaust the stack.

use super::*;
use crate::syntax::error::MAX_PAREN_DEPTH;
use crate::syntax::lower::MAX_EXPR_DEPTH;

fn run(text: String) -> (Option<File>, Vec<Diagnostic>) {
    parse(&SourceFile::new("hostile.sla", text))
}

#[test]
fn ten_megabytes_of_open_braces() {
    let (file, diags) = run("{".repeat(10 << 20));
    assert!(file.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::SyntaxError);
    assert_eq!(diags[0].primary.span, Span::new(0, 1));
}

#[test]
fn deep_parentheses_are_refused_before_parsing() {
    let n = 100_000;
    let text = format!("calendar c = {}a{}", "(".repeat(n), ")".repeat(n));
    let (file, diags) = run(text.clone());
    assert!(file.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "calendar expression is too deeply nested");
    let first = text.find('(').unwrap_or(0);
    assert_eq!(diags[0].primary.span.start, first + MAX_PAREN_DEPTH);
    // Parentheses in strings and comments do not count.
    let quiet = format!("# {}\npolicy \"{}\" {{}}", "(".repeat(n), "(".repeat(n));
    assert!(run(quiet).1.is_empty());
}

#[test]
fn the_deepest_accepted_nesting_fits_in_a_small_stack() {
    let text = format!(
        "calendar c = {}a{}",
        "(".repeat(MAX_PAREN_DEPTH),
        ")".repeat(MAX_PAREN_DEPTH)
    );
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || run(text).0.is_some());
    let parsed = handle.ok().and_then(|h| h.join().ok());
    assert_eq!(parsed, Some(true));
}

#[test]
fn very_long_operator_chains_are_refused_without_deep_trees() {
    // A flat chain is not nested: it has too many terms (it was called
    // "too deeply nested").
    let text = format!("calendar c = a{}", " | a".repeat(100_000));
    let (file, diags) = run(text);
    assert!(file.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].message, "calendar expression has too many terms");
    assert_eq!(
        diags[0].primary.message,
        format!("more than {MAX_EXPR_DEPTH} terms")
    );
    let ok = format!("calendar c = a{}", " | a".repeat(MAX_EXPR_DEPTH - 1));
    assert!(run(ok).0.is_some());
}

#[test]
fn garbage_bytes() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (file, diags) = run(text);
    assert!(file.is_none());
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, Code::SyntaxError);
}

#[test]
fn every_prefix_of_a_policy_returns() {
    // Cutting a valid file anywhere (on a char boundary) gives a tree or
    // diagnostics, never a panic; the span always lies inside the text.
    let text = include_str!("../../../tests/fixtures/syntax/everything.sla");
    for (cut, _) in text.char_indices() {
        let prefix = &text[..cut];
        let (file, diags) = run(prefix.to_string());
        assert!(file.is_some() || !diags.is_empty(), "cut at {cut}");
        for d in diags {
            assert!(d.primary.span.end <= prefix.len(), "cut at {cut}: {d:?}");
        }
    }
}

#[test]
fn non_ascii_text_in_strings_and_comments() {
    let text = "# Définitions des erreurs — 日本語 🚀\nseverity sev1 \"Problème critique — 緊急 🚨\" { alias \"Niveau 1\" }";
    let Item::Severity(s) = item(text) else {
        panic!("not a severity")
    };
    assert_eq!(
        s.description.map(|d| d.node),
        Some("Problème critique — 緊急 🚨".to_string())
    );
    // Non-ASCII where a name belongs is an error that shows the word.
    let text = "tier café";
    let d = error(text);
    assert!(d.message.ends_with("found `é`"), "{}", d.message);
    assert_eq!(at(text, d.primary.span), "é");
    assert!(d.help.as_deref().is_some_and(|h| h.contains("ASCII")));
}

#[test]
fn long_tables_and_files() {
    let text = format!("targets m {{\n gold\n{}}}", " sev1 4h\n".repeat(20_000));
    let (file, diags) = run(text);
    assert!(diags.is_empty());
    let Some(Item::Targets(t)) = file.and_then(|f| f.items.into_iter().next()) else {
        panic!("no table")
    };
    assert_eq!(t.rows.len(), 20_000);
}

#[test]
fn a_long_unclosed_string_is_shortened_in_the_message() {
    let text = format!("severity s \"{}", "x".repeat(10_000));
    let d = error(&text);
    assert_eq!(d.message, "unterminated string");
    let text = format!("tier {}", "é".repeat(1000));
    let d = error(&text);
    assert!(d.message.chars().count() < 200, "{}", d.message);
}

#[test]
fn error_spans_stay_short_on_huge_lines() {
    for text in [
        format!("tier t {{ x {} }}", "9".repeat(1 << 20)),
        format!("severity s \"{}", "x".repeat(1 << 20)),
        "y".repeat(1 << 20),
    ] {
        let (_, diags) = run(text);
        assert_eq!(diags.len(), 1);
        assert!(
            diags[0].primary.span.len() <= 4 * 60,
            "{:?}",
            diags[0].primary.span
        );
        assert!(
            diags[0].message.chars().count() < 200,
            "{}",
            diags[0].message
        );
    }
}
