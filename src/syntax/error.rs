//! Turns a pest failure into one readable `E0001` diagnostic, and guards
//! against input nested too deeply for the recursive parser.

use super::pest::{describe, keywords_for, Rule};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;
use ::pest::error::{Error, ErrorVariant, InputLocation};

/// The deepest parenthesis nesting accepted. pest parses parentheses by
/// recursion, so this bounds its stack use; real calendar expressions need
/// two or three levels.
pub(crate) const MAX_PAREN_DEPTH: usize = 64;

/// Reports the first `(` nested deeper than [`MAX_PAREN_DEPTH`], outside
/// strings and comments. One cheap pass over the text.
pub(crate) fn check_nesting(text: &str) -> Option<Diagnostic> {
    let mut depth = 0usize;
    for (i, b) in code_bytes(text) {
        match b {
            b'(' => {
                depth += 1;
                if depth > MAX_PAREN_DEPTH {
                    return Some(
                        Diagnostic::new(
                            Code::SyntaxError,
                            Span::new(i, i + 1),
                            "calendar expression is too deeply nested",
                            format!("more than {MAX_PAREN_DEPTH} levels of parentheses"),
                        )
                        .with_help(
                            "split it into named calendars, such as `calendar part = a | b`",
                        ),
                    );
                }
            }
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The bytes of `text` outside comments and string literals, with their
/// offsets. A string ends at its closing quote or at the end of its line.
fn code_bytes(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() {
            let at = i;
            i += 1;
            match bytes[at] {
                b'#' => {
                    while i < bytes.len() && bytes[i] != b'\n' {
                        i += 1;
                    }
                }
                b'"' => {
                    while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                        if bytes[i] == b'\\' {
                            i += 1;
                        }
                        i += 1;
                    }
                    i += 1;
                }
                b => return Some((at, b)),
            }
        }
        None
    })
}

/// The byte offset in `text` where pest failed.
pub(crate) fn position(text: &str, err: &Error<Rule>) -> usize {
    match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len())
}

/// Where parsing may resume after an error at `pos`: the next line, after
/// `after`, that starts in its first column with a declaration keyword.
/// Restarting only there keeps follow-on errors out of the report.
pub(crate) fn resume_point(text: &str, pos: usize, after: usize) -> Option<usize> {
    let keywords = keywords_for(Rule::item);
    let mut line = if pos == 0 || text.as_bytes().get(pos.wrapping_sub(1)) == Some(&b'\n') {
        pos
    } else {
        pos + text.get(pos..)?.find('\n')? + 1
    };
    loop {
        let rest = text.get(line..)?;
        if line > after {
            let starts_decl = keywords.iter().any(|k| {
                rest.strip_prefix(k).is_some_and(|after_kw| {
                    !after_kw.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                })
            });
            if starts_decl {
                return Some(line);
            }
        }
        line += rest.find('\n')? + 1;
    }
}

/// Where the declaration holding an error at `pos` starts: the last line at
/// or before `pos` that starts with a declaration keyword in its first
/// column (0 when there is none).
pub(crate) fn declaration_start(text: &str, pos: usize) -> usize {
    let keywords = keywords_for(Rule::item);
    let before = text.get(..pos.min(text.len())).unwrap_or("");
    let mut end = before.len();
    loop {
        let line = before[..end].rfind('\n').map_or(0, |i| i + 1);
        let rest = &text[line..];
        let starts_decl = keywords.iter().any(|k| {
            rest.strip_prefix(k).is_some_and(|after_kw| {
                !after_kw.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
        });
        if starts_decl || line == 0 {
            return if starts_decl { line } else { 0 };
        }
        end = line - 1;
    }
}

/// Moves every span of `diag` right by `offset` bytes.
pub(crate) fn shift(mut diag: Diagnostic, offset: usize) -> Diagnostic {
    let by = |s: Span| Span::new(s.start + offset, s.end + offset);
    diag.primary.span = by(diag.primary.span);
    for label in &mut diag.secondary {
        label.span = by(label.span);
    }
    diag
}

/// Converts a pest error into a diagnostic. Never mentions rule names.
pub(crate) fn from_pest(text: &str, err: &Error<Rule>) -> Diagnostic {
    let pos = position(text, err);
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = Found::at(text, pos, &positives);

    if let Some(d) = unterminated_string(text, pos) {
        return d;
    }

    let mut rules = expected_rules(&positives, &found.word);
    // At the end of the file inside a block, the missing `}` is the news.
    if found.at_end && rules.contains(&Rule::rbrace) {
        rules.retain(|r| *r == Rule::rbrace);
    }
    let message = match join_descriptions(&rules) {
        Some(list) => format!("expected {list}, found {}", found.shown),
        None => format!("unexpected {}", found.shown),
    };
    let label = label(&rules, &found);
    let mut diag = Diagnostic::new(Code::SyntaxError, found.span, message, label);
    if let Some(help) = super::hints::help(text, pos, &found, &positives) {
        diag = diag.with_help(help);
    }
    let starts_declaration = keywords_for(Rule::item).contains(&found.word.as_str());
    if positives.contains(&Rule::rbrace) && (found.at_end || starts_declaration) {
        if let Some(open) = text.get(..pos).and_then(unclosed_brace) {
            diag = diag.with_label(Span::new(open, open + 1), "this `{` is never closed");
        }
    }
    diag
}

/// The "expected" part of the message: readable names, most specific
/// first, `end of file` only when nothing else would do.
fn expected_rules(positives: &[Rule], found: &str) -> Vec<Rule> {
    let mut rules: Vec<Rule> = positives.to_vec();
    if rules.len() > 1 {
        rules.retain(|r| *r != Rule::EOI);
    }
    // Something that looks like a value where a value may go: only the
    // value matters (`enablement 1.5h` is not a misspelt entitlement).
    let looks_like_value =
        found.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '$' | '"' | '-'));
    if looks_like_value && rules.iter().any(|r| is_value_rule(*r)) {
        rules.retain(|r| is_value_rule(*r));
    }
    // A bad cell is the interesting part; `}` or a new line are implied.
    if rules.contains(&Rule::cell) {
        rules.retain(|r| *r == Rule::cell);
    }
    rules.sort_by_key(|r| rank(*r));
    rules
}

/// `a, b or c` from the descriptions of `rules`, without repeats.
fn join_descriptions(rules: &[Rule]) -> Option<String> {
    let mut names: Vec<&str> = Vec::new();
    for r in rules {
        let d = describe(*r);
        if !names.contains(&d) {
            names.push(d);
        }
    }
    match names.as_slice() {
        [] => None,
        [one] => Some((*one).to_string()),
        [init @ .., last] => Some(format!("{} or {last}", init.join(", "))),
    }
}

/// The primary label: what the found text is not (`not a duration`), or
/// which token belongs there (`` expected `at` here ``).
fn label(rules: &[Rule], found: &Found) -> String {
    if found.at_end {
        return "the file ends here".to_string();
    }
    let Some(first) = rules.first() else {
        return "unexpected here".to_string();
    };
    let d = describe(*first);
    // With several kinds of thing allowed, naming one would mislead.
    if rules.iter().filter(|r| rank(**r) == 0).count() > 1 {
        return "unexpected here".to_string();
    }
    if *first == Rule::EOI {
        "expected the end of the file here".to_string()
    } else if d.starts_with('`') {
        format!("expected {d} here")
    } else {
        let noun = d.split(" such as ").next().unwrap_or(d);
        let noun = noun.split(" (").next().unwrap_or(noun);
        format!("not {noun}")
    }
}

fn is_value_rule(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::value | Rule::cell | Rule::fraction | Rule::interval
    )
}

/// Orders the alternatives in a message: statements and values first,
/// keywords next, punctuation, then the end of the file.
fn rank(rule: Rule) -> u8 {
    match rule {
        Rule::EOI => 4,
        Rule::rbrace | Rule::rparen => 3,
        Rule::lbrace | Rule::lparen | Rule::equals => 2,
        _ if describe(rule).starts_with('`') => 1,
        _ => 0,
    }
}

/// What was found at the error position, as shown to the user.
pub(super) struct Found {
    /// `` `word` `` or `end of file`.
    shown: String,
    /// The raw word.
    pub(super) word: String,
    span: Span,
    /// Whether the error is at the end of the file.
    pub(super) at_end: bool,
}

impl Found {
    fn at(text: &str, pos: usize, positives: &[Rule]) -> Found {
        let rest = text.get(pos..).unwrap_or("");
        let Some(first) = rest.chars().next() else {
            return Found {
                shown: "end of file".to_string(),
                word: String::new(),
                span: Span::new(pos, pos),
                at_end: true,
            };
        };
        let len = if first == '"' {
            // A string up to its closing quote or the end of the line.
            let mut end = first.len_utf8();
            let mut escaped = false;
            for c in rest[end..].chars() {
                if c == '\n' || c == '\r' {
                    break;
                }
                end += c.len_utf8();
                if c == '"' && !escaped {
                    break;
                }
                escaped = c == '\\' && !escaped;
            }
            end
        } else if is_word_char(first) {
            rest.char_indices()
                .find(|(_, c)| !is_word_char(*c))
                .map_or(rest.len(), |(i, _)| i)
        } else {
            first.len_utf8()
        };
        // Keep the span short enough to underline on one screen line.
        let len = cap(rest, len);
        let mut start = pos;
        // `4 hours` is one mistake: show the number too, in a target table
        // or wherever the word is a time unit (`sampled every 1 m`).
        let word_here = rest.get(..len).unwrap_or("");
        if positives.contains(&Rule::cell) || is_time_unit(word_here) {
            if let Some(num_start) = number_before(text, pos) {
                start = num_start;
            }
        }
        let end = pos + len;
        let word = text.get(start..end).unwrap_or("").to_string();
        // A backquote in the word is shown Markdown-style: ``` `` ` `` ```.
        let shown = if word.contains('`') {
            format!("`` {} ``", shorten(&word))
        } else {
            format!("`{}`", shorten(&word))
        };
        Found {
            shown,
            word,
            span: Span::new(start, end),
            at_end: false,
        }
    }
}

/// `len` cut to at most [`MAX_SPAN_CHARS`] characters of `rest`.
fn cap(rest: &str, len: usize) -> usize {
    rest.char_indices()
        .nth(MAX_SPAN_CHARS)
        .map_or(len, |(i, _)| len.min(i))
}

/// The longest primary span of a syntax error, in characters.
const MAX_SPAN_CHARS: usize = 60;

/// A unit word someone might write after a number with a space.
fn is_time_unit(word: &str) -> bool {
    matches!(
        word.to_ascii_lowercase().as_str(),
        "s" | "sec"
            | "secs"
            | "second"
            | "seconds"
            | "m"
            | "min"
            | "mins"
            | "minute"
            | "minutes"
            | "h"
            | "hr"
            | "hrs"
            | "hour"
            | "hours"
            | "d"
            | "day"
            | "days"
            | "w"
            | "week"
            | "weeks"
            | "bd"
            | "business"
    )
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '%' | '$' | '*' | '/')
}

/// The start of a bare number that ends just before the spaces before
/// `pos` on the same line, if any.
fn number_before(text: &str, pos: usize) -> Option<usize> {
    let before = text.get(..pos)?;
    let trimmed = before.trim_end_matches([' ', '\t']);
    if trimmed.len() == before.len() {
        return None;
    }
    let digits_start = trimmed
        .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
        .len();
    if digits_start == trimmed.len() {
        return None;
    }
    let preceded_by_space = trimmed[..digits_start]
        .chars()
        .next_back()
        .is_none_or(|c| c == ' ' || c == '\t');
    preceded_by_space.then_some(digits_start)
}

/// Shows at most 40 characters of user text, escaping control characters.
fn shorten(word: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = word
        .chars()
        .take(MAX)
        .flat_map(|c| {
            let escaped: Vec<char> = if c.is_control() {
                c.escape_debug().collect()
            } else {
                vec![c]
            };
            escaped
        })
        .collect();
    if word.chars().count() > MAX {
        out.push('…');
    }
    out
}

/// A `"` at `pos` that is not closed on its line.
fn unterminated_string(text: &str, pos: usize) -> Option<Diagnostic> {
    let rest = text.get(pos..)?;
    if !rest.starts_with('"') {
        return None;
    }
    let line_len = rest.find('\n').unwrap_or(rest.len());
    let line = &rest[..line_len];
    let mut escaped = false;
    for c in line.chars().skip(1) {
        if c == '"' && !escaped {
            return None;
        }
        escaped = c == '\\' && !escaped;
    }
    let len = cap(rest, line.trim_end_matches('\r').len().max(1));
    Some(
        Diagnostic::new(
            Code::SyntaxError,
            Span::new(pos, pos + len),
            "unterminated string",
            "this string is not closed",
        )
        .with_help("close the string with `\"` on the same line"),
    )
}

/// The last `{` without a matching `}`, outside strings and comments.
pub(super) fn unclosed_brace(text: &str) -> Option<usize> {
    let mut stack = Vec::new();
    for (i, b) in code_bytes(text) {
        match b {
            b'{' => stack.push(i),
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.pop()
}
