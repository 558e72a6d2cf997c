//! Value literals: the grammar scans them, this module tells their kinds
//! apart by shape and converts numbers without ever panicking.

use crate::ast::{DurationUnit, Literal};
use crate::source::Span;

/// A problem with a literal that the grammar accepted (a number too large,
/// an unknown escape). Reported as a syntax error.
#[derive(Debug)]
pub(crate) struct LiteralError {
    pub span: Span,
    pub message: String,
    pub label: String,
    pub help: Option<String>,
}

impl LiteralError {
    pub(crate) fn too_large(text: &str, span: Span) -> Self {
        // Numbers are ASCII: underline at most the first 60 digits.
        let span = Span::new(span.start, span.end.min(span.start + 60));
        LiteralError {
            span,
            message: format!("number in `{}` is too large", shorten(text)),
            label: "too large".to_string(),
            help: Some(format!("numbers go up to {}", i64::MAX)),
        }
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// Classifies a value scanned by the grammar's `value_forms`. `start` is
/// the byte offset of `text` in the file.
pub(crate) fn classify(text: &str, start: usize) -> Result<Literal, LiteralError> {
    let span = Span::new(start, start + text.len());
    if text.starts_with('"') {
        return unescape(text, start).map(Literal::Str);
    }
    if let Some(rest) = text.strip_prefix('$') {
        return Ok(Literal::Money(rest.to_string()));
    }
    if let Some(rest) = text.strip_suffix('%') {
        return Ok(Literal::Percent(rest.to_string()));
    }
    // Only a target cell scans these shapes (`1bd@16:00`, `due`); the
    // checker reads them.
    if text == "due" || text.contains('@') || text.contains(':') {
        return Ok(Literal::Deadline(text.to_string()));
    }
    match text {
        "yes" => return Ok(Literal::Bool(true)),
        "no" => return Ok(Literal::Bool(false)),
        "none" | "-" => return Ok(Literal::NoGuarantee),
        _ => {}
    }
    if text.contains('.') {
        return Ok(Literal::Decimal(text.to_string()));
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        return text
            .parse::<i64>()
            .map(Literal::Int)
            .map_err(|_| LiteralError::too_large(text, span));
    }
    duration(text, span).map(Literal::Duration)
}

/// Splits `1h30m` into `[(1, Hours), (30, Minutes)]` (the one duration
/// reader, [`crate::values::split_duration`]).
fn duration(text: &str, span: Span) -> Result<Vec<(i64, DurationUnit)>, LiteralError> {
    crate::values::split_duration(text).map_err(|e| match e {
        crate::values::DurationError::NumberTooLarge(_) => LiteralError::too_large(text, span),
        _ => unknown_value(text, span),
    })
}

fn unknown_value(text: &str, span: Span) -> LiteralError {
    LiteralError {
        span,
        message: format!("`{}` is not a value slate knows", shorten(text)),
        label: "unknown value".to_string(),
        help: Some("durations are written like `30m`, `4h`, `1h30m` or `1bd`".to_string()),
    }
}

/// The contents of a string literal (with its quotes) with escapes
/// resolved: `\"`, `\\`, `\n` and `\t`.
pub(crate) fn unescape(quoted: &str, start: usize) -> Result<String, LiteralError> {
    let opened = quoted.strip_prefix('"').unwrap_or(quoted);
    let inner = opened.strip_suffix('"').unwrap_or(opened);
    // Where `inner` starts in the file.
    let base = start + (quoted.len() - opened.len());
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            other => {
                let at = base + i;
                let len = 1 + other.map_or(0, |(_, c)| c.len_utf8());
                let shown: String = other
                    .map(|(_, c)| c.escape_debug().collect())
                    .unwrap_or_default();
                return Err(LiteralError {
                    span: Span::new(at, at + len),
                    message: format!("unknown escape `\\{shown}` in a string"),
                    label: "unknown escape".to_string(),
                    help: Some("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash".to_string()),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use DurationUnit::*;

    #[test]
    fn classifies_by_shape() {
        let ok = |t: &str| classify(t, 0).ok();
        assert_eq!(ok("3"), Some(Literal::Int(3)));
        assert_eq!(ok("0.5"), Some(Literal::Decimal("0.5".into())));
        assert_eq!(ok("99.5%"), Some(Literal::Percent("99.5".into())));
        assert_eq!(ok("$2.50"), Some(Literal::Money("2.50".into())));
        assert_eq!(ok("\"a\\\"b\""), Some(Literal::Str("a\"b".into())));
        assert_eq!(ok("yes"), Some(Literal::Bool(true)));
        assert_eq!(ok("no"), Some(Literal::Bool(false)));
        assert_eq!(ok("none"), Some(Literal::NoGuarantee));
        assert_eq!(ok("-"), Some(Literal::NoGuarantee));
        assert_eq!(
            ok("1w2d3h4m5s"),
            Some(Literal::Duration(vec![
                (1, Weeks),
                (2, Days),
                (3, Hours),
                (4, Minutes),
                (5, Seconds)
            ]))
        );
        assert_eq!(ok("2bd"), Some(Literal::Duration(vec![(2, BusinessDays)])));
        assert_eq!(ok("1bd@16:00"), Some(Literal::Deadline("1bd@16:00".into())));
        assert_eq!(ok("due"), Some(Literal::Deadline("due".into())));
    }

    #[test]
    fn shapes_the_grammar_never_produces_are_errors_not_panics() {
        for t in ["", "h", "1x", "1h2", "bd", "9999999999999999999999h"] {
            assert!(classify(t, 10).is_err(), "{t:?}");
        }
        let e = classify("1x", 10).err().map(|e| e.message);
        assert_eq!(e.as_deref(), Some("`1x` is not a value slate knows"));
    }

    #[test]
    fn escapes() {
        assert_eq!(
            unescape("\"a\\\\b\\n\\t\"", 0).ok().as_deref(),
            Some("a\\b\n\t")
        );
        let e = unescape("\"ab\\", 5).err().map(|e| (e.span, e.message));
        assert_eq!(
            e,
            Some((
                Span::new(8, 9),
                "unknown escape `\\` in a string".to_string()
            ))
        );
    }
}
