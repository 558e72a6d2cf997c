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
        "docs/diagnostics.md is stale: run `SLATE_BLESS=1 cargo test --test docs`"
    );
}
