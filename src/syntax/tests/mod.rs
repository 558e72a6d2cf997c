//! Parser tests.

use super::parse;
use crate::source::SourceFile;

#[test]
fn prelude_parses() {
    let text = include_str!("../../prelude.sla");
    let (file, diags) = parse(&SourceFile::new("prelude.sla", text));
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(file.map(|f| f.items.len()), Some(5));
}
