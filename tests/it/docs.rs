//! Generated documentation stays in sync with the code.

#[test]
fn diagnostics_reference_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/diagnostics.md");
    let want = slate::diagnostics::reference_markdown();
    if std::env::var_os("SLATE_BLESS").is_some() {
        std::fs::write(&path, &want).expect("docs/diagnostics.md is writable");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/diagnostics.md is stale: run `SLATE_BLESS=1 cargo test --test it docs`"
    );
}

fn sla_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_start()) {
            (None, l) if l.starts_with("```sla") => current = Some(String::new()),
            (Some(_), l) if l.starts_with("```") => blocks.extend(current.take()),
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            (None, _) => {}
        }
    }
    blocks
}

fn read_doc(rel: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    std::fs::read_to_string(path).expect("doc is readable")
}

#[test]
fn readme_example_checks_clean() {
    let blocks = sla_blocks(&read_doc("README.md"));
    assert_eq!(blocks.len(), 1, "the README has one policy example");
    let source = slate::SourceFile::new("acme.sla", blocks[0].clone());
    let compiled = slate::compile(&source).expect("the README example compiles");
    assert!(compiled.warnings().is_empty(), "{:?}", compiled.warnings());
    assert!(blocks[0].lines().count() <= 20);
}

#[test]
fn language_reference_examples_parse() {
    let blocks = sla_blocks(&read_doc("docs/language.md"));
    assert!(
        blocks.len() >= 12,
        "an example per construct, found {}",
        blocks.len()
    );
    for b in blocks {
        let source = slate::SourceFile::new("example.sla", b.clone());
        // Fragments need not compile alone (a table without its tiers),
        // but every one must be valid syntax: no `E0001` finding.
        let syntax: Vec<_> = match slate::compile(&source) {
            Ok(_) => Vec::new(),
            Err(e) => e
                .diagnostics
                .into_iter()
                .filter(|d| d.code == slate::diagnostics::Code::SyntaxError)
                .collect(),
        };
        assert!(
            syntax.is_empty(),
            "example does not parse:\n{b}\n{syntax:?}"
        );
    }
}

/// The deadline-target example of docs/language.md is the policy the
/// deadline regressions run (`tests/fixtures/eval/deadline/deadlines.sla`,
/// its comments aside), and docs/language.md and docs/eval.md cite every
/// one of those regressions.
#[test]
fn deadline_example_is_the_regressions_policy() {
    let doc = read_doc("docs/language.md");
    let fixture = read_doc("tests/fixtures/eval/deadline/deadlines.sla");
    let code = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    assert!(
        sla_blocks(&doc).iter().any(|b| code(b) == code(&fixture)),
        "docs/language.md does not show deadlines.sla"
    );
    let eval = read_doc("docs/eval.md");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/deadline");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).expect("the deadline fixtures folder exists") {
        let name = e.expect("entry").file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".json") else {
            continue;
        };
        n += 1;
        let prefix = format!("`{}`", &stem[..3]);
        assert!(
            doc.contains(&prefix),
            "docs/language.md does not cite {name}"
        );
        assert!(eval.contains(&name), "docs/eval.md does not cite {name}");
    }
    assert!(n >= 8, "the deadline regressions: {n}");
}

/// docs/eval.md's policy P is the policy the clock-rule regressions run
/// (`tests/fixtures/eval/clock/p.sla`), and every one of those regressions
/// is cited by docs/eval.md (and every one cited exists).
#[test]
fn eval_clock_rules_cite_their_regressions() {
    let doc = read_doc("docs/eval.md");
    let blocks = sla_blocks(&doc);
    assert_eq!(blocks.len(), 1, "docs/eval.md shows policy P once");
    let source = slate::SourceFile::new("p.sla", blocks[0].clone());
    let compiled = slate::compile(&source).expect("policy P compiles");
    assert!(compiled.warnings().is_empty(), "{:?}", compiled.warnings());
    let fixture = read_doc("tests/fixtures/eval/clock/p.sla");
    let strip = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        strip(&blocks[0]),
        strip(&fixture),
        "policy P differs from p.sla"
    );

    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/clock");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("the clock fixtures folder exists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 17, "cases A-F and the questions: {names:?}");
    for name in &names {
        assert!(
            doc.contains(name.as_str()),
            "docs/eval.md does not cite {name}"
        );
    }
    let deadline_dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/deadline");
    for (i, _) in doc.match_indices(".json`") {
        let start = doc[..i].rfind('`').map_or(i, |s| s + 1);
        let cited = &doc[start..i + 5];
        if cited.chars().next().is_some_and(|c| c.is_ascii_digit())
            && !cited.contains("...")
            && !deadline_dir.join(cited).is_file()
        {
            assert!(
                names.iter().any(|n| n == cited),
                "docs/eval.md cites a missing {cited}"
            );
        }
    }
}

/// The worked examples of docs/language.md for calendars chosen per ticket
/// and policy versions are the policies the eval scenarios run
/// (`tests/fixtures/eval/clock/desk.sla`, `versions-pinned.sla`), so the
/// answers eval.md gives for them are tested.
#[test]
fn language_examples_of_selection_and_versions_are_the_tested_policies() {
    let blocks = sla_blocks(&read_doc("docs/language.md"));
    for (marker, fixture) in [
        (
            "calendar desk by region",
            "tests/fixtures/eval/clock/desk.sla",
        ),
        (
            "version july2026 effective",
            "tests/fixtures/eval/clock/versions-pinned.sla",
        ),
    ] {
        let block = blocks
            .iter()
            .find(|b| b.contains(marker))
            .unwrap_or_else(|| panic!("docs/language.md shows `{marker}`"));
        assert_eq!(block.as_str(), read_doc(fixture), "{fixture}");
        let source = slate::SourceFile::new("example.sla", block.clone());
        let compiled = slate::compile(&source).expect("the example compiles");
        assert!(compiled.warnings().is_empty(), "{:?}", compiled.warnings());
    }
}
