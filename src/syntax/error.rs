//! Turns a pest failure into one readable `E0001` diagnostic, and guards
//! against input nested too deeply for the recursive parser.

use super::pest::{describe, keywords_for, Rule};
use crate::diagnostics::{did_you_mean, Code, Diagnostic};
use crate::source::Span;
use ::pest::error::{Error, ErrorVariant, InputLocation};

/// The deepest parenthesis nesting accepted. pest parses parentheses by
/// recursion, so this bounds its stack use; real calendar expressions need
/// two or three levels.
pub(crate) const MAX_PAREN_DEPTH: usize = 64;

/// Reports the first `(` nested deeper than [`MAX_PAREN_DEPTH`], outside
/// strings and comments. One cheap pass over the text.
pub(crate) fn check_nesting(text: &str) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
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
        i += 1;
    }
    None
}

/// Converts a pest error into a diagnostic. Never mentions rule names.
pub(crate) fn from_pest(text: &str, err: &Error<Rule>) -> Diagnostic {
    let pos = match err.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    }
    .min(text.len());
    let positives: Vec<Rule> = match &err.variant {
        ErrorVariant::ParsingError { positives, .. } => positives.clone(),
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let found = Found::at(text, pos, &positives);

    if let Some(d) = unterminated_string(text, pos) {
        return d;
    }

    let expected = expected_list(&positives, &found.word);
    let message = match &expected {
        Some(list) => format!("expected {list}, found {}", found.shown),
        None => format!("unexpected {}", found.shown),
    };
    let label = if found.at_end {
        "the file ends here".to_string()
    } else {
        "unexpected here".to_string()
    };
    let mut diag = Diagnostic::new(Code::SyntaxError, found.span, message, label);
    if let Some(help) = help(text, pos, &found, &positives) {
        diag = diag.with_help(help);
    }
    if found.at_end && positives.contains(&Rule::rbrace) {
        if let Some(open) = unclosed_brace(text) {
            diag = diag.with_label(Span::new(open, open + 1), "this `{` is never closed");
        }
    }
    diag
}

/// The "expected" part of the message: readable names, most specific
/// first, `end of file` only when nothing else would do.
fn expected_list(positives: &[Rule], found: &str) -> Option<String> {
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
    let mut names: Vec<&str> = Vec::new();
    for r in rules {
        let d = describe(r);
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
struct Found {
    /// `` `word` `` or `end of file`.
    shown: String,
    /// The raw word.
    word: String,
    span: Span,
    at_end: bool,
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
        let mut start = pos;
        // In a target table, `4 hours` is one mistake: show the number too.
        if positives.contains(&Rule::cell) {
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

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '%' | '$' | '*')
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
    let len = line.trim_end_matches('\r').len().max(1);
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
fn unclosed_brace(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut stack = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'{' => stack.push(i),
            b'}' => {
                stack.pop();
            }
            _ => {}
        }
        i += 1;
    }
    stack.pop()
}

/// A hint for the common mistakes.
fn help(text: &str, pos: usize, found: &Found, positives: &[Rule]) -> Option<String> {
    let word = found.word.as_str();
    let expects = |r: Rule| positives.contains(&r);
    let expects_value = expects(Rule::cell)
        || expects(Rule::value)
        || expects(Rule::fraction)
        || expects(Rule::interval);

    let after_name = text
        .get(..pos)
        .and_then(|b| b.chars().next_back())
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    if after_name && word.starts_with(|c: char| !c.is_ascii() && c.is_alphanumeric()) {
        return Some(
            "names use ASCII letters, digits and `_`; other text belongs in a string".to_string(),
        );
    }
    if expects_value && word.contains(' ') {
        return Some(
            "durations are written without spaces, such as `4h`, `30m`, `1h30m` or `1bd`"
                .to_string(),
        );
    }
    if expects_value && word.contains('.') && word.ends_with(['h', 'm', 's', 'd', 'w']) {
        return Some("durations take whole numbers: write `1h30m` rather than `1.5h`".to_string());
    }
    if expects_value && word.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(
            "durations are written like `30m`, `4h`, `1h30m`, `2d`, `1w` or `1bd`".to_string(),
        );
    }
    let in_table = enclosing_block(text, pos) == Some("targets");
    if expects(Rule::cell) || expects(Rule::table_row) || expects(Rule::table_header) || in_table {
        return Some(
            "a target table has a header line of tier names (or `*`), then one line per severity: \
             its name (or `*`) and one value per column"
                .to_string(),
        );
    }
    if expects(Rule::date) && is_month_day(word) {
        return Some(format!("for a date every year, write `every {word}`"));
    }
    if expects(Rule::calendar_stmt) {
        let lower = word.to_ascii_lowercase();
        let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
        if days.iter().any(|d| lower.starts_with(d)) {
            return Some("weekdays are written `mon`, `tue`, `wed`, `thu`, `fri`, `sat` and `sun`; a range is `mon-fri`".to_string());
        }
    }
    if expects(Rule::time_range) || expects(Rule::time) {
        return Some(
            "a time range is two `hh:mm` times joined by `-`, such as `08:00-17:00`".to_string(),
        );
    }
    if expects(Rule::rbrace) && found.at_end {
        return Some("add the missing `}`".to_string());
    }
    // A misspelt keyword.
    if !word.is_empty() {
        for rule in positives {
            if let Some(kw) = did_you_mean(word, keywords_for(*rule).iter().copied()) {
                return Some(format!("did you mean `{kw}`?"));
            }
        }
    }
    None
}

/// The first word of the line that opens the innermost block around `pos`
/// (`targets` inside a target table).
fn enclosing_block(text: &str, pos: usize) -> Option<&str> {
    let open = unclosed_brace(text.get(..pos)?)?;
    let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
    text[line_start..open].split_whitespace().next()
}

fn is_month_day(word: &str) -> bool {
    let mut parts = word.split('-');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(a), Some(b), None)
            if !a.is_empty() && !b.is_empty()
                && a.bytes().all(|c| c.is_ascii_digit())
                && b.bytes().all(|c| c.is_ascii_digit())
    )
}
