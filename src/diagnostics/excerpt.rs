//! Excerpts of very long lines for the human renderer: a line longer than
//! [`LINE_CAP`] bytes is shown cut around the labels' ends, with `…` where
//! text was left out, as error messages quote at most 80 characters of user
//! text (docs/reliability.md). A finding on a 10 MB line prints a few
//! hundred bytes of it, not the line. Line numbers and the header's column
//! stay those of the file.

use super::{Diagnostic, Label};
use crate::source::{SourceFile, Span};

/// Longest line shown whole, in bytes.
pub(crate) const LINE_CAP: usize = 240;
/// Bytes kept on each side of a label's start and end on a cut line.
const AROUND: usize = 60;
/// What stands for the text left out.
const GAP: &str = "…";

/// A piece of the file kept in the excerpt: bytes `from..to` of the file at
/// byte `at` of the excerpt's text.
#[derive(Debug, Clone, Copy)]
struct Piece {
    from: usize,
    to: usize,
    at: usize,
}

/// The lines a diagnostic shows (one line of context on each side), with
/// the long ones cut, and where each kept piece came from.
pub(crate) struct Window<'a> {
    file: &'a SourceFile,
    text: String,
    /// The zero-based line of the file the excerpt starts at.
    first_line: usize,
    pieces: Vec<Piece>,
}

/// The window for `diag` when one of the lines it shows is longer than
/// [`LINE_CAP`], with the diagnostic's labels moved into it; `None` when
/// every line is short (the file is then shown as it is).
pub(crate) fn window<'a>(
    file: &'a SourceFile,
    diag: &Diagnostic,
) -> Option<(Window<'a>, Diagnostic)> {
    let text = file.lf_text();
    let len = text.len();
    let clamp = |s: Span| {
        let start = s.start.min(len);
        (start, s.end.clamp(start, len))
    };
    let labels: Vec<(usize, usize)> = std::iter::once(&diag.primary)
        .chain(&diag.secondary)
        .map(|l| clamp(l.span))
        .collect();
    let first = labels.iter().map(|s| file.line_index(s.0)).min()?;
    let last = labels.iter().map(|s| file.line_index(s.1)).max()?;
    let first = first.saturating_sub(1);
    let last = (last + 1).min(file.line_index(len));
    let line_end = |l: usize| {
        let end = file.line_start(l + 1).min(len);
        let bytes = text.as_bytes();
        let mut e = end;
        while e > file.line_start(l) && matches!(bytes[e - 1], b'\n' | b'\r') {
            e -= 1;
        }
        e
    };
    if (first..=last).all(|l| line_end(l) - file.line_start(l) <= LINE_CAP) {
        return None;
    }
    let mut out = String::new();
    let mut pieces = Vec::new();
    for l in first..=last {
        let (start, end) = (file.line_start(l), line_end(l));
        if l > first {
            out.push('\n');
        }
        if end - start <= LINE_CAP {
            pieces.push(Piece {
                from: start,
                to: end,
                at: out.len(),
            });
            out.push_str(&text[start..end]);
            continue;
        }
        // Keep the text around every label end on this line, merged.
        let mut keep: Vec<(usize, usize)> = labels
            .iter()
            .flat_map(|&(s, e)| [s, e])
            .filter(|p| (start..=end).contains(p))
            .map(|p| {
                (
                    floor(text, p.saturating_sub(AROUND).max(start)),
                    ceil(text, (p + AROUND).min(end)),
                )
            })
            .collect();
        if keep.is_empty() {
            keep.push((start, ceil(text, start + 2 * AROUND)));
        }
        keep.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (s, e) in keep {
            match merged.last_mut() {
                Some(m) if s <= m.1 => m.1 = m.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        let mut at_line = start;
        for (s, e) in merged {
            if s > at_line {
                out.push_str(GAP);
            }
            pieces.push(Piece {
                from: s,
                to: e,
                at: out.len(),
            });
            out.push_str(&text[s..e]);
            at_line = e;
        }
        if at_line < end {
            out.push_str(GAP);
        }
    }
    let window = Window {
        file,
        text: out,
        first_line: first,
        pieces,
    };
    let moved = |l: &Label| {
        let (s, e) = clamp(l.span);
        let mut l = l.clone();
        l.span = Span::new(window.to_excerpt(s), window.to_excerpt(e));
        l
    };
    let mut d = diag.clone();
    d.primary = moved(&diag.primary);
    d.secondary = diag.secondary.iter().map(moved).collect();
    Some((window, d))
}

/// The largest char boundary at or before `i`.
fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary at or after `i`.
fn ceil(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl Window<'_> {
    /// The length of the excerpt's text.
    pub(crate) fn len(&self) -> usize {
        self.text.len()
    }

    /// Where file offset `p` (inside a kept piece) is in the excerpt.
    fn to_excerpt(&self, p: usize) -> usize {
        self.pieces
            .iter()
            .find(|k| k.from <= p && p <= k.to)
            .map_or(0, |k| k.at + (p - k.from))
    }

    /// Where excerpt offset `p` came from in the file.
    fn to_file(&self, p: usize) -> usize {
        self.pieces
            .iter()
            .rev()
            .find(|k| k.at <= p)
            .map_or(0, |k| k.from + (p - k.at).min(k.to - k.from))
    }
}

impl miette::SourceCode for Window<'_> {
    /// miette's excerpt of the window's text, with the file's line numbers
    /// and, for the header (no context lines), the file's column.
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let column = if before == 0 {
            self.file.line_col(self.to_file(span.offset())).1 - 1
        } else {
            inner.column()
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.file.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            column,
            inner.line_count(),
        )))
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostics::{render, Code, Diagnostic};
    use crate::source::{SourceFile, Span};

    #[test]
    fn a_finding_on_a_ten_megabyte_line_shows_a_few_hundred_bytes_of_it() {
        // Line 2: 5 MB of `a`, `tiers` (the finding), 5 MB of `b`.
        let half = 5 << 20;
        let text = format!(
            "policy \"p\" {{}}\n{}tiers{}\nend\n",
            "a".repeat(half),
            "b".repeat(half)
        );
        let start = text.find("tiers").expect("tiers");
        let source = SourceFile::new("t.sla", text.clone());
        let diag = Diagnostic::new(Code::Unused, Span::new(start, start + 5), "message", "here");
        let out = render::human(&source, &diag, false, 100);
        assert!(out.len() < 1_000, "{} bytes:\n{out}", out.len());
        // The file's line and column (in characters: 5 MB of `a` first).
        assert!(out.contains(&format!("[t.sla:2:{}]", half + 1)), "{out}");
        // 60 bytes either side of each end of the label, `…` for the rest.
        let cut = format!("…{}tiers{}…", "a".repeat(60), "b".repeat(60));
        assert!(out.contains(&cut), "{out}");
        assert!(out.contains("here"), "{out}");
        // The short lines around it are shown whole, with their numbers.
        assert!(out.contains(" 1 │ policy \"p\" {}"), "{out}");
        assert!(out.contains(" 3 │ end"), "{out}");
    }

    #[test]
    fn short_lines_render_as_before() {
        let text = "policy \"p\" {}\ntiers a\n";
        let source = SourceFile::new("t.sla", text);
        let start = text.find("tiers").expect("tiers");
        let diag = Diagnostic::new(Code::Unused, Span::new(start, start + 5), "message", "here");
        assert!(super::window(&source, &diag).is_none());
        let out = render::human(&source, &diag, false, 100);
        assert!(out.contains(" 2 │ tiers a"), "{out}");
    }

    #[test]
    fn a_label_at_the_end_of_a_long_line_and_multibyte_text() {
        // 300 `é` (600 bytes) then the label at the line's end: cut at char
        // boundaries, column counted in characters.
        let text = format!("{}xyz\n", "é".repeat(300));
        let start = text.find("xyz").expect("xyz");
        let source = SourceFile::new("t.sla", text.clone());
        let diag = Diagnostic::new(Code::Unused, Span::new(start, start + 3), "message", "end");
        let out = render::human(&source, &diag, false, 100);
        assert!(out.contains("[t.sla:1:301]"), "{out}");
        assert!(out.contains(&format!("…{}xyz", "é".repeat(30))), "{out}");
        assert!(!out.contains(&"é".repeat(40)), "{out}");
    }
}
