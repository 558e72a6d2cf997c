//! Inline suppressions: a comment `# slate: allow L0301 -- the reason` on a
//! declaration (trailing one of its lines, or on the lines just above it)
//! silences the named lints inside that declaration. The reason is required;
//! a suppression without one, naming an unknown code or an error, or
//! silencing nothing, is itself a finding.

use super::{Code, Diagnostic};
use crate::ast;
use crate::source::{SourceFile, Span};

/// One `# slate:` comment.
#[derive(Debug)]
struct Directive {
    /// The comment, from `#` to the end of its line.
    span: Span,
    /// The lints it names (unknown names and errors are reported, not kept).
    codes: Vec<Code>,
    /// Whether it has a reason after ` -- `.
    has_reason: bool,
    /// The declaration it applies to.
    target: Option<Span>,
    used: bool,
}

/// Applies the suppressions of `source` to `diags`: removes the lints they
/// silence and adds findings about the suppressions themselves. Unused
/// suppressions are only reported when the file has no errors (lints are
/// only computed then).
pub(crate) fn apply(source: &SourceFile, file: &ast::File, diags: &mut Vec<Diagnostic>) {
    let items: Vec<Span> = file.items.iter().map(item_span).collect();
    let mut found = Vec::new();
    let mut directives = Vec::new();
    for comment in comments(source.lf_text()) {
        if let Some(d) = parse(source, comment, &items, &mut found) {
            directives.push(d);
        }
    }
    if directives.is_empty() && found.is_empty() {
        return;
    }
    diags.retain(|d| {
        if d.is_error() {
            return true;
        }
        let at = d.primary.span.start;
        let hit = directives.iter_mut().find(|s| {
            s.has_reason
                && s.codes.contains(&d.code)
                && s.target
                    .is_some_and(|t| t.start <= at && at < t.end.max(t.start + 1))
        });
        match hit {
            Some(s) => {
                s.used = true;
                false
            }
            None => true,
        }
    });
    let has_errors = diags.iter().any(Diagnostic::is_error);
    for s in &directives {
        if s.has_reason && !s.used && !s.codes.is_empty() && !has_errors {
            let names: Vec<String> = s
                .codes
                .iter()
                .map(|c| format!("`{}` ({c})", c.name()))
                .collect();
            let (message, help) = match s.target {
                Some(_) => (
                    format!("this suppression of {} silences nothing", names.join(", ")),
                    "the declaration it is on has no such finding (any more): remove the comment",
                ),
                None => (
                    format!(
                        "this suppression of {} is on no declaration",
                        names.join(", ")
                    ),
                    "put it at the end of a declaration's first line, or on the line above it",
                ),
            };
            found.push(
                Diagnostic::new(
                    Code::UnusedSuppression,
                    s.span,
                    message,
                    "suppresses nothing",
                )
                .with_help(help),
            );
        }
    }
    diags.extend(found);
}

fn item_span(item: &ast::Item) -> Span {
    use ast::Item;
    match item {
        Item::Import(s) => s.span,
        Item::Policy(d) => d.span,
        Item::Calendar(d) => d.span,
        Item::Severity(d) => d.span,
        Item::TierOrder(d) => d.span,
        Item::Tier(d) => d.span,
        Item::Type(d) => d.span,
        Item::Metric(d) => d.span,
        Item::Targets(d) => d.span,
        Item::Version(d) => d.span,
        Item::Milestone(d) => d.span,
        Item::Availability(d) => d.span,
        Item::Quota(d) => d.span,
        Item::Allow(d) => d.span,
    }
}

/// Every comment of the text: the span from `#` to the end of its line
/// (`#` inside a string does not start one).
fn comments(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let mut in_string = false;
        let mut escaped = false;
        for (i, c) in line.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    let end = line.trim_end_matches(['\n', '\r']).len();
                    out.push(Span::new(offset + i, offset + end));
                    break;
                }
                _ => {}
            }
        }
        offset += line.len();
    }
    out
}

/// Parses one comment; `None` when it is not a `# slate:` directive.
fn parse(
    source: &SourceFile,
    span: Span,
    items: &[Span],
    found: &mut Vec<Diagnostic>,
) -> Option<Directive> {
    let text = &source.text[span.start..span.end];
    let body = text.trim_start_matches('#').trim_start();
    let rest = body.strip_prefix("slate:")?.trim();
    let (list, reason) = match rest.split_once("--") {
        Some((l, r)) => (l.trim(), r.trim()),
        None => (rest, ""),
    };
    let Some(list) = list
        .strip_prefix("allow")
        .filter(|l| l.is_empty() || l.starts_with([' ', '\t']))
    else {
        found.push(
            Diagnostic::new(
                Code::SuppressionWithoutReason,
                span,
                format!("`{}` is not a suppression slate understands", text.trim()),
                "not `slate: allow CODE -- reason`",
            )
            .with_help("write `# slate: allow L0301 -- why the contract says so`"),
        );
        return None;
    };
    let mut codes = Vec::new();
    for word in list.split([',', ' ', '\t']).filter(|w| !w.is_empty()) {
        match Code::lookup(word) {
            Some(c) if c.is_lint() => codes.push(c),
            Some(c) => found.push(
                Diagnostic::new(
                    Code::UnknownLint,
                    span,
                    format!("`{word}` is an error ({c}); errors cannot be suppressed"),
                    "names an error",
                )
                .with_help("fix the error; only lints (`L` codes) can be allowed"),
            ),
            None => {
                let names = Code::ALL.iter().filter(|c| c.is_lint()).map(|c| c.name());
                let help = match super::did_you_mean(word, names) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "`slate rules` lists every code".to_string(),
                };
                found.push(
                    Diagnostic::new(
                        Code::UnknownLint,
                        span,
                        format!("`{word}` is not a lint"),
                        "unknown lint",
                    )
                    .with_help(help),
                );
            }
        }
    }
    let has_reason = !reason.is_empty();
    if codes.is_empty() && list.trim().is_empty() {
        found.push(
            Diagnostic::new(
                Code::SuppressionWithoutReason,
                span,
                "this suppression names no lint",
                "no code",
            )
            .with_help("name the lints: `# slate: allow L0301 -- the reason`"),
        );
    } else if !has_reason {
        found.push(
            Diagnostic::new(
                Code::SuppressionWithoutReason,
                span,
                "this suppression gives no reason, so it does not apply",
                "no reason",
            )
            .with_help(format!(
                "say why after ` -- `: `# slate: allow {} -- the contract says so`",
                list.trim()
            )),
        );
    }
    // The declaration holding the comment (or ending on its line, before
    // it), else the first declaration after it: only blank lines and
    // comments can come between, since anything else is a declaration.
    let line = source.line_index(span.start);
    let target = items
        .iter()
        .rev()
        .find(|s| {
            s.start <= span.start
                && (span.start < s.end || source.line_index(s.end.saturating_sub(1)) == line)
        })
        .or_else(|| items.iter().find(|s| s.start >= span.end))
        .copied();
    Some(Directive {
        span,
        codes,
        has_reason,
        target,
        used: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A policy whose `gold` column is slower than `silver` at `sev1`
    /// (L0301), with `comment` placed as the caller says.
    fn inverted(above: &str, trailing: &str) -> String {
        format!(
            "policy \"P\" {{ calendar c }}\ncalendar c {{ zone \"UTC\"  mon-fri 09:00-17:00 }}\n\
             severity sev1 \"S\"\ntiers silver < gold\n{above}\n\
             targets first_response {{ {trailing}\n        silver gold\n  sev1  4h     8h\n}}\n"
        )
    }

    fn codes(text: &str) -> Vec<&'static str> {
        let (_, diags) = crate::check_source(&SourceFile::new("t.sla", text));
        diags.iter().map(|d| d.code.as_str()).collect()
    }

    #[test]
    fn a_reasoned_suppression_silences_its_lint_on_its_declaration() {
        assert_eq!(codes(&inverted("", "")), ["L0301"]);
        let above = inverted("# slate: allow L0301 -- section 4 says so", "");
        assert_eq!(codes(&above), Vec::<&str>::new());
        let trailing = inverted("", "# slate: allow tier-inversion -- section 4 says so");
        assert_eq!(codes(&trailing), Vec::<&str>::new());
    }

    #[test]
    fn without_a_reason_it_does_not_apply_and_is_reported() {
        assert_eq!(
            codes(&inverted("# slate: allow L0301", "")),
            ["L0405", "L0301"]
        );
        assert_eq!(
            codes(&inverted("# slate: allow L0301 --   ", "")),
            ["L0405", "L0301"]
        );
        assert_eq!(
            codes(&inverted("# slate: allow -- why", "")),
            ["L0405", "L0301"]
        );
        assert_eq!(
            codes(&inverted("# slate: alow L0301 -- why", "")),
            ["L0405", "L0301"]
        );
    }

    #[test]
    fn unknown_codes_errors_and_unused_suppressions_are_reported() {
        let unknown = inverted("# slate: allow L0301 tier-inversoin -- why", "");
        assert_eq!(codes(&unknown), ["L0404"]);
        let error = inverted("# slate: allow E0101 -- why", "");
        assert_eq!(codes(&error), ["L0404", "L0301"]);
        // The suppression is on the `tiers` line: the lint is in the table.
        let wrong_place = format!(
            "{}# slate: allow L0301 -- why\n",
            inverted("", "").replace(
                "tiers silver < gold",
                "tiers silver < gold  # slate: allow L0301 -- why"
            )
        );
        assert_eq!(codes(&wrong_place), ["L0406", "L0301", "L0406"]);
        // An ordinary comment that mentions slate is not a directive.
        assert_eq!(codes(&inverted("# slate is great", "")), ["L0301"]);
    }

    #[test]
    fn comments_skip_hashes_in_strings() {
        let text = "a \"x # y\" # real\n# whole line\r\nb \"q\\\"#\" #c\n";
        let got: Vec<&str> = comments(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(got, ["# real", "# whole line", "#c"]);
    }
}
