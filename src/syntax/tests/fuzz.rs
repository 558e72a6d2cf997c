//! Property test: any jumble of slate-like tokens parses or fails cleanly,
//! with spans inside the text on character boundaries.

use super::*;
use proptest::prelude::*;

const TOKENS: &[&str] = &[
    "policy",
    "calendar",
    "severity",
    "tiers",
    "tier",
    "type",
    "metric",
    "targets",
    "warn",
    "escalate",
    "availability",
    "quota",
    "allow",
    "import",
    "zone",
    "closed",
    "open",
    "every",
    "mon-fri",
    "sat",
    "daily",
    "alias",
    "clock",
    "extends",
    "covers",
    "via",
    "all",
    "starts",
    "stops",
    "pauses",
    "while",
    "status",
    "on",
    "after",
    "repeats",
    "periodic",
    "change",
    "reopen",
    "for",
    "at",
    "to",
    "objective",
    "per",
    "month",
    "sampled",
    "down",
    "when",
    "fails",
    "excluding",
    "maintenance",
    "counts",
    "as",
    "missing",
    "samples",
    "credit",
    "below",
    "overage",
    "minimum",
    "beyond",
    "gold",
    "sev1",
    "x",
    "*",
    "-",
    "none",
    "yes",
    "4h",
    "1h30m",
    "1bd",
    "99.5%",
    "$2",
    "0.5",
    "10",
    "08:00-17:00",
    "24:00",
    "2026-12-25",
    "12-25",
    "24x7",
    "{",
    "}",
    "(",
    ")",
    "|",
    "&",
    "=",
    "<",
    ",",
    "..",
    ">",
    ">=",
    "\"text\"",
    "\"é 日本\"",
    "\"open",
    "# comment\n",
    "\n",
    "\r\n",
    "\t",
    "é",
    "\u{0}",
    "99999999999999999999999",
    "\\",
];

fn check(text: &str) -> Result<(), TestCaseError> {
    let (file, diags) = parse(&SourceFile::new("fuzz.sla", text));
    prop_assert!(file.is_some() || !diags.is_empty());
    for d in &diags {
        prop_assert!(
            text.get(d.primary.span.start..d.primary.span.end).is_some(),
            "{d:?}"
        );
        for l in &d.secondary {
            prop_assert!(text.get(l.span.start..l.span.end).is_some(), "{d:?}");
        }
        // A backquote in the input would confuse the check's quote parsing.
        if d.code == Code::SyntaxError && !text.contains('`') {
            assert_no_rule_names(d);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn token_soup_never_panics(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..40)) {
        check(&tokens.join(" "))?;
    }

    #[test]
    fn token_soup_without_spaces_never_panics(tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..40)) {
        check(&tokens.concat())?;
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        check(&text)?;
    }
}
