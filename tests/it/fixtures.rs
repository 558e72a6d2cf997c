//! Fixture-driven tests: every file under `tests/fixtures/{ok,err,lint}` and
//! every shipped policy is compiled, its findings checked against its name,
//! and its rendered output or IR snapshotted.

use slate::diagnostics::{render, Code, Diagnostic};
use slate::SourceFile;
use std::path::Path;

/// Loads a fixture; a file that is not UTF-8 comes back with its E0002.
fn load_with_encoding(path: &Path) -> (SourceFile, Option<Diagnostic>) {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = std::fs::read(path).expect("fixture is readable");
    slate::source_from_bytes(&name, bytes)
}

fn load(path: &Path) -> SourceFile {
    load_with_encoding(path).0
}

/// Every finding, errors and warnings, as `slate check` reports them.
fn check(source: &SourceFile) -> (Option<slate::Compiled>, Vec<Diagnostic>) {
    match slate::compile(source) {
        Ok(c) => {
            let warnings = c.warnings().to_vec();
            (Some(c), warnings)
        }
        Err(e) => (None, e.diagnostics),
    }
}

fn findings(source: &SourceFile) -> Vec<Diagnostic> {
    check(source).1
}

fn rendered(source: &SourceFile, diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| render::human(source, d, false, 100))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The code a fixture is named after (`E0101-unknown-tier.sla` -> E0101).
fn expected_code(path: &Path) -> Code {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let code = stem.split('-').next().unwrap_or_default();
    Code::lookup(code).unwrap_or_else(|| panic!("fixture {stem} must start with a code"))
}

#[test]
fn error_fixtures() {
    insta::glob!("../fixtures", "err/*.sla", |path| {
        let (source, encoding) = load_with_encoding(path);
        let code = expected_code(path);
        let diags = match encoding {
            Some(d) => vec![d],
            None => findings(&source),
        };
        assert!(
            diags.iter().any(|d| d.code == code),
            "{} should report {code}, got {:?}",
            source.name,
            diags.iter().map(|d| d.code.as_str()).collect::<Vec<_>>()
        );
        assert!(
            diags
                .iter()
                .filter(|d| d.code == code)
                .all(|d| d.help.is_some()),
            "every {code} in {} has a help line",
            source.name
        );
        insta::assert_snapshot!(rendered(&source, &diags));
    });
}

#[test]
fn lint_fixtures() {
    insta::glob!("../fixtures", "lint/*.sla", |path| {
        let source = load(path);
        let code = expected_code(path);
        let (policy, diags) = check(&source);
        assert!(policy.is_some(), "{}: lint fixtures compile", source.name);
        assert!(
            diags.iter().any(|d| d.code == code),
            "{} should report {code}",
            source.name
        );
        assert!(
            diags.iter().all(|d| !d.is_error()),
            "{}: only warnings",
            source.name
        );
        insta::assert_snapshot!(rendered(&source, &diags));
    });
}

fn assert_clean_ir(path: &Path) -> slate::ir::Policy {
    let source = load(path);
    let compiled = match slate::compile(&source) {
        Ok(c) => c,
        Err(e) => panic!(
            "{} must compile:\n{}",
            source.name,
            rendered(&source, &e.diagnostics)
        ),
    };
    assert!(
        compiled.warnings().is_empty(),
        "{} must have no warnings:\n{}",
        source.name,
        rendered(&source, compiled.warnings())
    );
    compiled.policy().clone()
}

#[test]
fn ok_fixtures() {
    insta::glob!("../fixtures", "ok/*.sla", |path| {
        insta::assert_json_snapshot!(assert_clean_ir(path));
    });
}

#[test]
fn shipped_policies() {
    insta::glob!("../../policies", "*.sla", |path| {
        insta::assert_json_snapshot!(assert_clean_ir(path));
    });
}

#[test]
fn every_code_has_a_fixture_and_an_explanation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut names = Vec::new();
    for sub in ["err", "lint"] {
        for entry in std::fs::read_dir(dir.join(sub)).expect("fixture dir exists") {
            let entry = entry.expect("readable entry");
            names.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    let missing: Vec<&str> = Code::ALL
        .iter()
        .filter(|c| !names.iter().any(|n| n.starts_with(c.as_str())))
        .map(|c| c.as_str())
        .collect();
    assert!(missing.is_empty(), "codes without a fixture: {missing:?}");
    for c in Code::ALL {
        assert!(c.explanation().len() > 40, "{c} needs a real explanation");
    }
}

#[test]
fn no_orphan_fixture_snapshots() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for entry in std::fs::read_dir(root.join("tests/it/snapshots")).expect("snapshot dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Some(line) = text.lines().find(|l| l.starts_with("input_file: ")) {
            let input = line.trim_start_matches("input_file: ");
            assert!(
                root.join(input).exists(),
                "{} snapshots `{input}`, which no longer exists: delete the snapshot",
                path.display()
            );
        }
        assert!(
            path.extension().is_some_and(|e| e == "snap"),
            "unreviewed snapshot {}: review it, then accept or delete it",
            path.display()
        );
    }
}
