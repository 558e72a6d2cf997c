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
        prop_assert!(
            d.help.is_some(),
            "no help for {:?} in {:?}",
            d.message,
            text
        );
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

/// One cell as written and as lowered.
fn cell_strategy() -> impl Strategy<Value = (String, Literal)> {
    use DurationUnit::*;
    prop_oneof![
        Just(("-".to_string(), Literal::NoGuarantee)),
        Just(("none".to_string(), Literal::NoGuarantee)),
        (1i64..500).prop_map(|n| (format!("{n}h"), Literal::Duration(vec![(n, Hours)]))),
        (1i64..50, 1i64..60).prop_map(|(h, m)| (
            format!("{h}h{m}m"),
            Literal::Duration(vec![(h, Hours), (m, Minutes)])
        )),
        (1i64..9).prop_map(|n| (format!("{n}bd"), Literal::Duration(vec![(n, BusinessDays)]))),
    ]
}

fn gap() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(" "),
        Just("  "),
        Just("\t"),
        Just("    "),
        Just(" \t ")
    ]
    .prop_map(str::to_string)
}

fn line_break() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n"),
        Just("\r\n"),
        Just("\n\n"),
        Just("  # note\n"),
        Just("\n  # a comment line\n"),
    ]
    .prop_map(str::to_string)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Whatever the spacing, blank lines and comments, a table lowers to
    /// exactly the grid it was written from.
    #[test]
    fn tables_lower_to_their_grid(
        cols in 1usize..6,
        grid in prop::collection::vec(prop::collection::vec(cell_strategy(), 0..6), 0..6),
        gaps in prop::collection::vec(gap(), 64),
        breaks in prop::collection::vec(line_break(), 8),
    ) {
        let mut g = gaps.iter().cycle();
        let mut b = breaks.iter().cycle();
        let mut text = String::from("targets first_response {");
        text.push_str(b.next().map_or("\n", String::as_str));
        for c in 0..cols {
            text.push_str(g.next().map_or(" ", String::as_str));
            text.push_str(&format!("tier{c}"));
        }
        for (r, row) in grid.iter().enumerate() {
            text.push_str(b.next().map_or("\n", String::as_str));
            text.push_str(g.next().map_or(" ", String::as_str));
            text.push_str(&format!("sev{r}"));
            for (written, _) in row {
                text.push_str(g.next().map_or(" ", String::as_str));
                text.push_str(written);
            }
        }
        text.push_str(b.next().map_or("\n", String::as_str));
        text.push('}');

        let Item::Targets(t) = item(&text) else { panic!("not targets") };
        let columns: Vec<String> = t.columns.iter().map(|c| c.node.clone()).collect();
        let want_columns: Vec<String> = (0..cols).map(|c| format!("tier{c}")).collect();
        prop_assert_eq!(columns, want_columns);
        prop_assert_eq!(t.rows.len(), grid.len());
        for (r, (row, want)) in t.rows.iter().zip(&grid).enumerate() {
            prop_assert_eq!(&row.label.node, &format!("sev{r}"));
            let cells: Vec<Literal> = row.cells.iter().map(|c| c.node.clone()).collect();
            let want: Vec<Literal> = want.iter().map(|(_, l)| l.clone()).collect();
            prop_assert_eq!(cells, want);
            for (cell, (written, _)) in row.cells.iter().zip(grid[r].iter()) {
                prop_assert_eq!(at(&text, cell.span), written.as_str());
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Small edits to a complete policy (a deleted, inserted or replaced
    /// character, a few times over) give a tree or clean diagnostics.
    #[test]
    fn edited_policies_never_panic(
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, prop::sample::select(&[
            "{", "}", "(", ")", "\"", "-", ",", "\n", " ", "#", "a", "4", "%", "é", "..", ":",
        ][..])), 1..4)
    ) {
        let mut text = include_str!("../../../tests/fixtures/syntax/everything.sla").to_string();
        for (at, kind, piece) in edits {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            if boundaries.is_empty() {
                break;
            }
            let i = boundaries[at.index(boundaries.len())];
            match kind {
                0 => {
                    text.remove(i);
                }
                1 => text.insert_str(i, piece),
                _ => {
                    text.remove(i);
                    text.insert_str(i, piece);
                }
            }
        }
        check(&text)?;
    }
}
