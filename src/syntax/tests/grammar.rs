//! The grammar file and the rule names shown to users.

use crate::syntax::pest::{describe, Rule};

/// Every non-silent rule has a `///` doc comment (STYLE.md).
#[test]
fn every_non_silent_rule_is_documented() {
    let grammar = include_str!("../../../grammar/slate.pest");
    let lines: Vec<&str> = grammar.lines().collect();
    let mut checked = 0;
    for (i, line) in lines.iter().enumerate() {
        let Some((name, rest)) = line.split_once('=') else {
            continue;
        };
        let name = name.trim();
        if name.is_empty()
            || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            || line.starts_with(' ')
        {
            continue;
        }
        let body = rest.trim_start();
        if body.starts_with("_{") {
            continue;
        }
        checked += 1;
        let documented = i > 0 && lines[i - 1].trim_start().starts_with("///");
        assert!(
            documented,
            "rule `{name}` (line {}) has no `///` doc comment",
            i + 1
        );
    }
    assert!(checked > 100, "only {checked} rules found");
}

/// No description leaks a raw rule name: outside backquotes there are only
/// plain words.
#[test]
fn descriptions_are_plain_words() {
    for rule in Rule::all_rules() {
        let d = describe(*rule);
        assert!(!d.is_empty(), "{rule:?}");
        let outside: String = d.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        assert!(!outside.contains('_'), "{rule:?}: {d}");
        assert!(!outside.contains("EOI"), "{rule:?}: {d}");
        assert_eq!(d.matches('`').count() % 2, 0, "{rule:?}: {d}");
    }
}
