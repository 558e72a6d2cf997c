//! SARIF 2.1.0 output, written to the OASIS standard and to what GitHub code
//! scanning reads: character columns (`columnKind: unicodeCodePoints`),
//! relative percent-encoded URIs against `%SRCROOT%`, secondary labels as
//! `relatedLocations`, a help text and link per rule, and fingerprints.

use super::render::{fingerprints, level_name, FileReport};
use super::{Code, Diagnostic, Label, HOME_URL};
use crate::source::SourceFile;
use serde_json::{json, Value};

/// The base every relative artifact URI is resolved against: the directory
/// slate was run from (GitHub code scanning resolves it to the checkout).
pub const SRCROOT: &str = "%SRCROOT%";

/// A SARIF 2.1.0 log for a set of file reports.
pub fn sarif(reports: &[FileReport]) -> Value {
    let mut used: Vec<Code> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code))
        .collect();
    used.sort();
    used.dedup();
    let rules: Vec<Value> = used.iter().map(|c| rule(*c)).collect();
    let mut results = Vec::new();
    for r in reports {
        let (uri, base) = artifact_uri(&r.source.name);
        let artifact = match base {
            Some(b) => json!({"uri": uri, "uriBaseId": b}),
            None => json!({"uri": uri}),
        };
        for (d, fingerprint) in r.diagnostics.iter().zip(fingerprints(r)) {
            let rule_index = used.iter().position(|c| *c == d.code);
            results.push(result(&r.source, d, &artifact, rule_index, &fingerprint));
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "slate",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": HOME_URL,
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

fn rule(c: Code) -> Value {
    let markdown = format!(
        "{}\n\n```\n{}\n```\n\n[{} in the diagnostics reference]({})",
        sentence(c.summary()),
        c.explanation(),
        c.as_str(),
        c.help_url()
    );
    json!({
        "id": c.as_str(),
        "name": c.name(),
        "shortDescription": {"text": sentence(c.summary())},
        "fullDescription": {"text": c.explanation()},
        "help": {"text": c.explanation(), "markdown": markdown},
        "helpUri": c.help_url(),
        "defaultConfiguration": {"level": level_name(c.level())},
        "properties": {"tags": [if c.is_lint() { "lint" } else { "error" }]},
    })
}

fn result(
    source: &SourceFile,
    d: &Diagnostic,
    artifact: &Value,
    rule_index: Option<usize>,
    fingerprint: &str,
) -> Value {
    let mut text = sentence(&d.message);
    if let Some(h) = &d.help {
        text.push_str(" Help: ");
        text.push_str(&sentence(h));
    }
    let mut primary = json!({"physicalLocation": physical(source, &d.primary, artifact)});
    if !d.primary.message.is_empty() {
        primary["message"] = json!({"text": sentence(&d.primary.message)});
    }
    let related: Vec<Value> = d
        .secondary
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let message = if l.message.is_empty() {
                "Related location.".to_string()
            } else {
                sentence(&l.message)
            };
            json!({
                "id": i + 1,
                "physicalLocation": physical(source, l, artifact),
                "message": {"text": message},
            })
        })
        .collect();
    let mut out = json!({
        "ruleId": d.code.as_str(),
        "ruleIndex": rule_index,
        "level": level_name(d.level),
        "message": {"text": text},
        "locations": [primary],
        "partialFingerprints": {"slateFingerprint/v1": fingerprint},
    });
    if !related.is_empty() {
        out["relatedLocations"] = Value::Array(related);
    }
    out
}

/// A location's physical part: the file and a region in characters.
fn physical(source: &SourceFile, label: &Label, artifact: &Value) -> Value {
    let len = source.text.len();
    let start = label.span.start.min(len);
    let end = label.span.end.clamp(start, len);
    let (line, column) = source.line_col(start);
    let (end_line, end_column) = source.line_col(end);
    let char_offset = source.char_offset(start);
    json!({
        "artifactLocation": artifact,
        "region": {
            "startLine": line, "startColumn": column,
            "endLine": end_line, "endColumn": end_column,
            "charOffset": char_offset,
            "charLength": source.char_offset(end) - char_offset,
            "snippet": {"text": snippet(source, start, end)},
        },
    })
}

/// The text of a span; a span that does not fall on character boundaries
/// (a file that was not UTF-8 is read with replacement characters) is
/// widened to them.
fn snippet(source: &SourceFile, start: usize, end: usize) -> &str {
    let text = &source.text;
    let mut s = start.min(text.len());
    while !text.is_char_boundary(s) {
        s -= 1;
    }
    let mut e = end.clamp(s, text.len());
    while !text.is_char_boundary(e) {
        e += 1;
    }
    &text[s..e]
}

/// SARIF messages are plain text written as sentences: the diagnostic's
/// lowercase fragment with a capital and a final period.
fn sentence(s: &str) -> String {
    let s = s.trim();
    let mut out = String::with_capacity(s.len() + 1);
    let mut chars = s.chars();
    if let Some(first) = chars.next() {
        out.extend(first.to_uppercase());
        out.push_str(chars.as_str());
    }
    if !out.ends_with(['.', '?', '!']) {
        out.push('.');
    }
    out
}

/// The URI of a file named as given on the command line: a relative path
/// becomes a relative reference against [`SRCROOT`]; an absolute path a
/// `file:` URI. Both are percent-encoded (RFC 3986: only unreserved
/// characters and `/` stay as they are), so spaces and non-ASCII names are
/// valid URI references.
pub fn artifact_uri(name: &str) -> (String, Option<&'static str>) {
    let slashed = name.replace('\\', "/");
    let windows_drive = slashed.len() >= 2
        && slashed.as_bytes()[1] == b':'
        && slashed.as_bytes()[0].is_ascii_alphabetic();
    if slashed.starts_with('/') {
        (format!("file://{}", encode(&slashed)), None)
    } else if windows_drive {
        (format!("file:///{}", encode(&slashed)), None)
    } else {
        let mut rel = slashed.as_str();
        while let Some(rest) = rel.strip_prefix("./") {
            rel = rest.trim_start_matches('/');
        }
        (encode(rel), Some(SRCROOT))
    }
}

fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_become_encoded_references_against_srcroot() {
        assert_eq!(
            artifact_uri("./policies/with space/ü.sla"),
            (
                "policies/with%20space/%C3%BC.sla".to_string(),
                Some(SRCROOT)
            )
        );
        assert_eq!(
            artifact_uri("dir\\a:b#c.sla"),
            ("dir/a%3Ab%23c.sla".to_string(), Some(SRCROOT))
        );
        assert_eq!(artifact_uri("../up.sla").0, "../up.sla");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(
            artifact_uri("/tmp/a b.sla"),
            ("file:///tmp/a%20b.sla".to_string(), None)
        );
        assert_eq!(
            artifact_uri("C:\\work\\p.sla"),
            ("file:///C%3A/work/p.sla".to_string(), None)
        );
    }

    #[test]
    fn messages_are_sentences() {
        assert_eq!(sentence("unknown tier `x`"), "Unknown tier `x`.");
        assert_eq!(sentence("did you mean `y`?"), "Did you mean `y`?");
        assert_eq!(sentence("élan"), "Élan.");
    }

    #[test]
    fn every_rule_has_help_a_link_and_a_level() {
        for c in Code::ALL {
            let r = rule(*c);
            assert!(r["help"]["text"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(r["help"]["markdown"]
                .as_str()
                .is_some_and(|t| t.contains(&c.help_url())));
            assert!(r["helpUri"]
                .as_str()
                .is_some_and(|u| u.starts_with("https://")));
            assert_eq!(r["id"], c.as_str());
        }
    }
}
