//! Source files, byte spans and spanned values.

use serde::{Deserialize, Serialize};

/// A half-open byte range `[start, end)` into one source file.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
pub struct Span {
    /// First byte of the range.
    pub start: usize,
    /// One past the last byte of the range.
    pub end: usize,
}

impl Span {
    /// A span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// Length in bytes.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(s: Span) -> Self {
        (s.start, s.len()).into()
    }
}

/// A value together with the span it was written at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Spanned<T> {
    /// The value.
    pub node: T,
    /// Where it was written.
    pub span: Span,
}

impl<T> Spanned<T> {
    /// Wraps `node` with `span`.
    pub fn new(node: T, span: Span) -> Self {
        Spanned { node, span }
    }
}

/// A named source text.
///
/// Line and column questions are answered from a line index built once, on
/// the first question, so that rendering any number of findings costs one
/// pass over the text plus a binary search per offset. Lines end at `\n`,
/// `\r\n` or a lone `\r`, as in the grammar; columns count characters
/// (Unicode scalar values), the unit SARIF calls `unicodeCodePoints`.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics (usually the path as given).
    pub name: String,
    /// The full text. Do not change it after asking for lines or columns:
    /// the index is built from the text as it was then.
    pub text: String,
    lines: std::sync::OnceLock<LineIndex>,
    /// The text with each lone `\r` made a `\n` (same length), for renderers
    /// that only know `\n`; built only for a text that has a lone `\r`.
    lf_text: std::sync::OnceLock<Option<String>>,
}

/// Where each line starts, in bytes and in characters.
#[derive(Debug, Clone)]
struct LineIndex {
    /// Byte offset of the first byte of each line (the first is 0).
    starts: Vec<usize>,
    /// Characters before each line.
    chars_before: Vec<usize>,
    /// Characters before each multiple of [`BLOCK`] bytes, so that a
    /// character offset costs at most one block's count even on a very long
    /// line.
    blocks: Vec<usize>,
}

/// Bytes per checkpoint of [`LineIndex::blocks`].
const BLOCK: usize = 4096;

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        let mut chars_before = vec![0];
        let mut chars = 0;
        let mut from = 0;
        let bytes = text.as_bytes();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                chars += count_chars(&text.as_bytes()[from..=i]);
                from = i + 1;
                starts.push(i + 1);
                chars_before.push(chars);
            }
        }
        let blocks = std::iter::once(0)
            .chain(text.as_bytes().chunks(BLOCK).scan(0, |n, b| {
                *n += count_chars(b);
                Some(*n)
            }))
            .collect();
        LineIndex {
            starts,
            chars_before,
            blocks,
        }
    }

    /// Characters before byte `offset` (a char boundary) on zero-based
    /// `line`, counted from the nearer of the line's start and the last
    /// checkpoint: a few bytes on a short line, at most [`BLOCK`] on a long one.
    fn chars_to(&self, bytes: &[u8], line: usize, offset: usize) -> usize {
        let block = offset / BLOCK;
        let line_start = self.starts[line];
        if line_start >= block * BLOCK {
            self.chars_before[line] + count_chars(&bytes[line_start..offset])
        } else {
            self.blocks[block] + count_chars(&bytes[block * BLOCK..offset])
        }
    }

    /// Zero-based line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

/// Characters in UTF-8 bytes (continuation bytes do not start a character).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

impl SourceFile {
    /// A source file from a name and its text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Self {
        SourceFile {
            name: name.into(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
            lf_text: std::sync::OnceLock::new(),
        }
    }

    /// The text with every line break a `\n` or `\r\n` (a lone `\r`
    /// becomes `\n`, so byte offsets do not move): what a renderer that
    /// only knows `\n` should read. A copy is made only when the text has a
    /// lone `\r`, once.
    pub(crate) fn lf_text(&self) -> &str {
        let copy = self.lf_text.get_or_init(|| {
            let bytes = self.text.as_bytes();
            let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
            (0..bytes.len()).any(lone).then(|| {
                let fixed: Vec<u8> = (0..bytes.len())
                    .map(|i| if lone(i) { b'\n' } else { bytes[i] })
                    .collect();
                // Only ASCII `\r` bytes changed: still UTF-8.
                String::from_utf8(fixed).unwrap_or_else(|_| self.text.clone())
            })
        });
        copy.as_deref().unwrap_or(&self.text)
    }

    fn index(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    /// The largest char boundary at or before `offset` (clamped to the text).
    fn floor(&self, offset: usize) -> usize {
        let mut o = offset.min(self.text.len());
        while !self.text.is_char_boundary(o) {
            o -= 1;
        }
        o
    }

    /// Zero-based line of a byte offset.
    pub(crate) fn line_index(&self, offset: usize) -> usize {
        self.index().line_of(self.floor(offset))
    }

    /// Byte offset where a zero-based line starts (the text's length past
    /// the last line).
    pub(crate) fn line_start(&self, line: usize) -> usize {
        self.index()
            .starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len())
    }

    /// Number of lines (a text ending in `\n` has an empty last line).
    #[cfg(test)]
    pub(crate) fn line_count(&self) -> usize {
        self.index().starts.len()
    }

    /// Number of line breaks that end before byte `offset`.
    pub(crate) fn newlines_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.index().starts.partition_point(|&s| s <= offset) - 1
    }

    /// One-based line and column (in characters) of a byte offset. An
    /// offset inside a character counts as that character.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = self.floor(offset);
        let index = self.index();
        let line = index.line_of(offset);
        let col = index.chars_to(self.text.as_bytes(), line, offset) - index.chars_before[line];
        (line + 1, col + 1)
    }

    /// Characters before byte `offset`: the character offset SARIF's
    /// `charOffset` asks for.
    pub(crate) fn char_offset(&self, offset: usize) -> usize {
        let offset = self.floor(offset);
        let index = self.index();
        index.chars_to(self.text.as_bytes(), index.line_of(offset), offset)
    }

    /// The text of the zero-based line holding byte `offset`, without its
    /// line break.
    pub(crate) fn line_text(&self, offset: usize) -> &str {
        let line = self.line_index(offset);
        let start = self.line_start(line);
        let end = self.line_start(line + 1).min(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slow, obviously right answer: scan from byte 0.
    fn slow_line_col(text: &str, offset: usize) -> (usize, usize) {
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, text[line_start..offset].chars().count() + 1)
    }

    #[test]
    fn line_col_matches_a_scan_on_every_char_boundary() {
        let text = "policy \"Ünïcode\" {}\r\n# 😀 emoji\n\n  tiers a < b\nlast";
        let file = SourceFile::new("t.sla", text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            assert_eq!(
                file.line_col(offset),
                slow_line_col(text, offset),
                "at {offset}"
            );
            assert_eq!(file.char_offset(offset), text[..offset].chars().count());
        }
        assert_eq!(file.line_count(), 5);
        assert_eq!(file.line_text(text.find("tiers").unwrap()), "  tiers a < b");
        assert_eq!(file.line_text(0), "policy \"Ünïcode\" {}");
    }

    /// Offsets on a line longer than several checkpoint blocks, with
    /// multi-byte characters across the block boundaries.
    #[test]
    fn long_lines_count_through_the_checkpoints() {
        let text = format!("x\n{}", "é😀a".repeat(3000));
        let file = SourceFile::new("t.sla", text.as_str());
        for offset in (0..=text.len())
            .filter(|&o| text.is_char_boundary(o))
            .step_by(97)
        {
            assert_eq!(
                file.line_col(offset),
                slow_line_col(&text, offset),
                "at {offset}"
            );
            assert_eq!(file.char_offset(offset), text[..offset].chars().count());
        }
    }

    #[test]
    fn emoji_line_counts_characters_not_bytes() {
        // `#`, space, `😀` (4 bytes, 1 character), space, newline, two spaces:
        // `x` sits at byte 1+1+4+1+1+2 = 10 and character 1+1+1+1+1+2 = 7.
        let file = SourceFile::new("t.sla", "# 😀 \n  x");
        let x = file.text.find('x').unwrap();
        assert_eq!(x, 10);
        assert_eq!(file.line_col(x), (2, 3));
        assert_eq!(file.char_offset(x), 7);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line_as_in_the_grammar() {
        // Old Mac line ends: `a` line 1, `bc` line 2, `d` line 3 (after CRLF).
        let file = SourceFile::new("t.sla", "a\rbc\r\nd");
        assert_eq!(file.line_col(2), (2, 1));
        assert_eq!(file.line_col(3), (2, 2));
        assert_eq!(file.line_col(6), (3, 1));
        assert_eq!(file.line_count(), 3);
        assert_eq!(file.lf_text(), "a\nbc\r\nd");
        let plain = SourceFile::new("t.sla", "a\r\nb\n");
        assert!(
            std::ptr::eq(plain.lf_text(), plain.text.as_str()),
            "no copy"
        );
    }

    #[test]
    fn offsets_past_the_end_or_inside_a_character_are_clamped() {
        let file = SourceFile::new("t.sla", "é\n");
        assert_eq!(file.line_col(1), (1, 1));
        assert_eq!(file.line_col(99), (2, 1));
        assert_eq!(file.char_offset(99), 2);
        assert_eq!(SourceFile::new("e", "").line_col(0), (1, 1));
    }
}
