//! Policies and tickets for the crate's own tests, compiled from slate text
//! (the prelude metrics come from `src/prelude.sla`, as in every policy).

use crate::ir::Policy;
use crate::source::SourceFile;

#[path = "../../benches/common/synth.rs"]
mod synth;
pub use synth::synthetic_ticket;

/// Seconds in an hour.
pub const H: i64 = 3600;

/// The text of [`sample_policy`].
pub const SAMPLE: &str = r#"
policy "Sample" { calendar always }

severity sev1 "Critical" { alias "Critical" }
severity sev2 "Major"
severity sev3 "Minor"

tiers standard < gold < platinum

type bug "Bug"
type question "Question"

targets acknowledge {
        standard gold platinum
  sev1  1h       1h   1h
  sev2  2h       2h   2h
  sev3  4h       4h   4h
}

targets first_response {
        standard gold platinum
  sev1  -        4h   2h
  sev2  -        8h   6h
  sev3  -        12h  10h
}

targets follow_up {
        standard gold platinum
  sev1  8h       8h   8h
  sev2  24h      24h  24h
  sev3  48h      48h  48h
}

targets periodic_update {
        standard gold platinum
  sev1  2h       2h   2h
  sev2  4h       4h   4h
  sev3  8h       8h   8h
}

targets resolution {
        standard gold platinum
  sev1  24h      24h  24h
  sev2  72h      72h  72h
  sev3  120h     120h 120h
}

warn first_response at 75% to "team lead"
escalate first_response at 100% to "support management"
"#;

/// A policy whose sev2 resolution is the ticket's due date (`due`), with
/// `1bd@16:00` first responses, on Monday-Friday 09:00-17:00 UTC.
pub const DUE: &str = r#"
policy "Due" { calendar office }
calendar office { zone "UTC"  mon-fri 09:00-17:00 }
severity sev1 "Critical"
severity sev2 "Major"
tiers basic < gold
targets first_response {
      basic     gold
  *   1bd@16:00 1bd@16:00
}
targets resolution {
        basic gold
  sev1  2bd   2bd
  sev2  due   due
}
"#;

/// The shipped policies of `policies/`, each as its path and its text.
pub fn seed_policy_texts() -> Vec<(String, String)> {
    ["dimagi", "domo", "dooap", "prismic"]
        .iter()
        .map(|name| {
            let path = format!("{}/policies/{name}.sla", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
            (path, text)
        })
        .collect()
}

/// Compiles a policy text (panics with the findings: tests only).
pub fn policy_from(name: &str, text: &str) -> Policy {
    match crate::compile(&SourceFile::new(name, text)) {
        Ok(c) => c.policy,
        Err(e) => panic!("{name} does not compile: {:#?}", e.diagnostics),
    }
}

/// A policy whose targets all run on `24x7`, severities `sev1 sev2 sev3`
/// (`sev1` alias `Critical`), tiers `standard gold platinum`, types `bug
/// question`, the prelude metrics and these targets (hours,
/// sev1/sev2/sev3): acknowledge 1/2/4, first_response gold 4/8/12 and
/// platinum 2/6/10 (standard: `-`), follow_up 8/24/48, periodic_update
/// 2/4/8, resolution 24/72/120; plus `warn first_response at 75%` and
/// `escalate first_response at 100%`.
pub fn sample_policy() -> Policy {
    static SAMPLE_POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    SAMPLE_POLICY
        .get_or_init(|| {
            // Every table on the built-in `24x7` (answers name it so); the
            // policy's default calendar is also always open.
            let text = SAMPLE.replace(" {\n        standard", " on 24x7 {\n        standard");
            policy_from("sample.sla", &format!("calendar always = 24x7\n{text}"))
        })
        .clone()
}

/// [`sample_policy`] on a `business` calendar (America/Chicago, Mon-Fri
/// 08:00-16:00, closed on Christmas Day) as the default, with `sev1` on its
/// own `24x7` clock and resolution for `sev3` promised in `1bd`.
pub fn business_policy() -> Policy {
    static BUSINESS_POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    BUSINESS_POLICY.get_or_init(business_text).clone()
}

fn business_text() -> Policy {
    let text = SAMPLE
        .replace(
            r#"policy "Sample" { calendar always }"#,
            r#"policy "Sample" { calendar business }
calendar business {
  zone "America/Chicago"
  mon-fri 08:00-16:00
  closed every 12-25 "Christmas Day"
}"#,
        )
        .replace(
            r#"severity sev1 "Critical" { alias "Critical" }"#,
            r#"severity sev1 "Critical" { alias "Critical"  clock 24x7 }"#,
        )
        .replace("  sev3  120h     120h 120h", "  sev3  1bd      1bd  1bd");
    policy_from("business.sla", &text)
}

/// A JSON text laid out the way `serde_json::to_string_pretty` lays out a
/// value (two-space indent, `"key": value`), keeping the text's own key
/// order: snapshots of the exact bytes the CLI prints, readable.
pub fn pretty_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut chars = text.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => {
                            if let Some(e) = chars.next() {
                                out.push(e);
                            }
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(c);
                    out.push(close);
                } else {
                    out.push(c);
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}
