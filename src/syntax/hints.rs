//! Hints (the `help` line) for common mistakes, from the text around a
//! syntax error and what the parser expected there.

use super::error::{unclosed_brace, Found};
use super::pest::{describe, keywords_for, Rule};
use crate::diagnostics::did_you_mean;

/// A hint for the common mistakes.
pub(super) fn help(text: &str, pos: usize, found: &Found, positives: &[Rule]) -> Option<String> {
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
    let number_then_word = word
        .split_once([' ', '\t'])
        .is_some_and(|(n, _)| n.starts_with(|c: char| c.is_ascii_digit()));
    if number_then_word {
        return Some(
            "durations are written without spaces, such as `4h`, `30m`, `1h30m` or `1bd`"
                .to_string(),
        );
    }
    // A number where an entitlement's name belongs.
    let starts_statement = !expects_value;
    if starts_statement
        && word.starts_with(|c: char| c.is_ascii_digit())
        && enclosing_block(text, pos) == Some("tier")
    {
        return Some(
            "an entitlement is a name and a value (`contacts 3`); an allowance counted per \
             period is a `quota` declaration: `quota requests { 10 requests per month  tiers gold }`"
                .to_string(),
        );
    }
    if expects_value && word.contains('.') && word.ends_with(['h', 'm', 's', 'd', 'w']) {
        return Some("durations take whole numbers: write `1h30m` rather than `1.5h`".to_string());
    }
    if expects_value && word.starts_with(|c: char| c.is_ascii_digit()) {
        return Some(duration_help(text, pos));
    }
    if word.starts_with('%') {
        return Some("write a percentage without a space, such as `99.5%`".to_string());
    }
    if word == "$" {
        return Some("write an amount of money without a space, such as `$2`".to_string());
    }
    let is_bare_word = word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if is_bare_word {
        if let Some(hint) = misspelt_keyword(word, positives) {
            return Some(hint);
        }
    }
    if expects(Rule::string) && is_bare_word {
        return Some(format!("text is written in double quotes: `\"{word}\"`"));
    }
    if (expects(Rule::cal_expr) || expects(Rule::cal_term)) && word.starts_with("24") {
        return Some("the always-open calendar is written `24x7`".to_string());
    }
    if expects(Rule::union_op) && matches!(word, "+" | "," | "or" | "and") {
        return Some(
            "calendars combine with `|` (union), `&` (intersection) and `-` (difference)"
                .to_string(),
        );
    }
    if expects(Rule::k_per) && matches!(word, "a" | "an" | "each" | "every" | "/") {
        return Some("write `per`, as in `10 requests per month`".to_string());
    }
    if word == ":" && expects(Rule::k_extends) {
        return Some("a tier inherits with `extends`: `tier gold extends silver`".to_string());
    }
    if word == "," && line_before(text, pos).trim_start().starts_with("tiers ") {
        return Some("tiers are ordered with `<`, lowest first: `tiers silver < gold`".to_string());
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
    if expects(Rule::rbrace) && keywords_for(Rule::item).contains(&word) {
        return Some(format!("is a `}}` missing before this `{word}`?"));
    }
    if word == "}" && (expects(Rule::item) || expects(Rule::file)) {
        return Some("this `}` closes no block".to_string());
    }
    misspelt_keyword(word, positives)
        .or_else(|| example(text, pos))
        .or_else(|| {
            Some(
                "each declaration starts with a keyword such as `policy`, `calendar`, `severity`, \
                 `tier`, `metric` or `targets`"
                    .to_string(),
            )
        })
}

/// The duration forms valid where `pos` is. In a target table, `d` and `w`
/// (24-hour days) are only valid on a 24x7 clock, which the parser can see
/// only when the table says `on 24x7`; elsewhere the help offers what is
/// valid on every clock (the checker reports `2d` on a business calendar as
/// E0205). Outside target tables (`sampled every 1m`) days are 24 hours.
fn duration_help(text: &str, pos: usize) -> String {
    match table_header(text, pos) {
        Some(header) if header.split_whitespace().any(|w| w == "24x7") => {
            "durations are written like `30m`, `4h`, `1h30m`, `2d`, `1w` or `1bd`".to_string()
        }
        Some(_) => "durations are written like `30m`, `4h`, `1h30m` or `1bd` (business days); \
                    `2d` and `1w` count 24-hour days and need a 24x7 clock"
            .to_string(),
        None => "durations are written like `30m`, `4h`, `1h30m`, `2d` or `1w`".to_string(),
    }
}

/// The text from `targets` to `{` of the target table around `pos`.
fn table_header(text: &str, pos: usize) -> Option<&str> {
    let open = unclosed_brace(text.get(..pos)?)?;
    let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
    let header = &text[line_start..open];
    (header.split_whitespace().next() == Some("targets")).then_some(header)
}

/// An example of the declaration the error is in, found as the last line
/// at or before `pos` that starts with a declaration keyword.
fn example(text: &str, pos: usize) -> Option<String> {
    let before = text.get(..pos)?;
    let (line, keyword) = before
        .rsplit('\n')
        .chain(text.get(pos..))
        .find_map(|line| declaration_keyword(line).map(|k| (line, k)))?;
    let sample = match keyword {
        "calendar" if line.contains('=') => "calendar desk = central | (eastern - holidays)",
        "import" => "import \"shared.sla\"",
        "policy" => "policy \"Acme Support\" { provider \"Acme\"  effective 2026-01-01  calendar business }",
        "calendar" => {
            "calendar business { zone \"America/Denver\"  mon-fri 08:00-17:00  closed every 12-25 \"Christmas\" }"
        }
        "severity" => "severity sev1 \"Critical\" { alias \"P1\"  clock 24x7 }",
        "tiers" => "tiers standard < silver < gold",
        "tier" => "tier gold \"Gold\" extends silver { contacts 3  named_advisor }",
        "type" => "type bug \"Bug\" { covers silver..gold via \"email\" \"one business day\" }",
        "metric" => "metric follow_up { starts on customer_replied after first_response  stops on replied  repeats }",
        "version" => "version july2026 effective 2026-07-01 pinned",
        "warn" => "warn first_response at 75% to \"Assigned engineer\"",
        "escalate" => "escalate first_response at 100% to \"Support management\"",
        "availability" => {
            "availability product { objective 99.5% per calendar month  sampled every 1m  down when error_rate > 5% }"
        }
        "quota" => "quota requests { 10 requests per month  tiers gold  beyond \"billed hourly\" }",
        "allow" => "allow tier-inversion, L0302",
        _ => return None,
    };
    let article = if keyword.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    Some(format!(
        "{article} `{keyword}` declaration looks like `{sample}`"
    ))
}

/// The declaration keyword a line starts with, in its first column.
fn declaration_keyword(line: &str) -> Option<&'static str> {
    keywords_for(Rule::item).iter().copied().find(|k| {
        line.strip_prefix(k)
            .is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_'))
    })
}

/// A keyword close to `word`: one that starts a statement expected here,
/// or a single keyword expected here (`starts onn opened`).
fn misspelt_keyword(word: &str, positives: &[Rule]) -> Option<String> {
    if word.is_empty() {
        return None;
    }
    let mut candidates: Vec<&str> = Vec::new();
    for rule in positives {
        candidates.extend(keywords_for(*rule));
        candidates.extend(single_keyword(describe(*rule)));
    }
    did_you_mean(word, candidates.iter().copied()).map(|kw| format!("did you mean `{kw}`?"))
}

/// `on` from the description `` `on` ``.
fn single_keyword(description: &str) -> Option<&str> {
    let inner = description.strip_prefix('`')?.strip_suffix('`')?;
    inner
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '_')
        .then_some(inner)
}

/// The text of the line before `pos`.
fn line_before(text: &str, pos: usize) -> &str {
    let before = text.get(..pos).unwrap_or("");
    before.rfind('\n').map_or(before, |i| &before[i + 1..])
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
