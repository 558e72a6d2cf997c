//! Renderers: human (miette graphical), JSON (versioned envelope), SARIF
//! 2.1.0 and GitHub Actions annotations. All output is deterministic.

use super::{Diagnostic, Level};
use crate::source::SourceFile;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde_json::{json, Value};
use std::fmt;

/// Version of the JSON diagnostics envelope.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Diagnostics found in one file, with the file itself.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file.
    pub source: SourceFile,
    /// Its findings, in stable order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A diagnostic bound to its source, implementing [`miette::Diagnostic`].
struct Bound<'a, S = Indexed<'a>> {
    diag: &'a Diagnostic,
    source: S,
    /// The length of the source's text: spans are clamped to it.
    len: usize,
}

/// A source file as miette reads it: excerpts come from the file's line
/// index (no scan from byte 0, no copy of the text), and columns count
/// characters, as the machine formats do.
struct Indexed<'a>(&'a SourceFile);

impl miette::SourceCode for Indexed<'_> {
    /// The same excerpt, line and line count miette computes for a `str`
    /// (so the rendering does not change), found with the line index; the
    /// column counts characters where miette counts bytes.
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let file = self.0;
        let len = file.text.len();
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > len + 1 {
            return Err(miette::MietteError::OutOfBounds);
        }
        // The span's last byte (for an empty span, the byte before it); a
        // line break there puts the span's end on the next line.
        let mut last = end.saturating_sub(1);
        if file.lf_text().as_bytes().get(last..last + 2) == Some(b"\r\n") {
            last += 1; // miette reads `\r\n` as one line break
        }
        let end_line = file.newlines_before(last + 1);
        let data_end = if after == 0 {
            (last + 1).min(len)
        } else {
            file.line_start(end_line + after + 1).min(len)
        };
        let start_line = file.newlines_before(start);
        let (data_start, line, column) = if before == 0 {
            let start = start.min(len);
            let column = file.line_col(start).1 - 1;
            (start, start_line, column)
        } else {
            let first = start_line.saturating_sub(before);
            (file.line_start(first), first, 0)
        };
        let data_start = data_start.min(data_end);
        Ok(Box::new(miette::MietteSpanContents::new_named(
            file.name.clone(),
            &file.lf_text().as_bytes()[data_start..data_end],
            (data_start, data_end - data_start).into(),
            line,
            column,
            file.newlines_before(data_end),
        )))
    }
}

impl<S> fmt::Debug for Bound<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound").field("diag", self.diag).finish()
    }
}

impl<S> fmt::Display for Bound<'_, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl<S> std::error::Error for Bound<'_, S> {}

impl<S: miette::SourceCode> miette::Diagnostic for Bound<'_, S> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!(
            "{}({})",
            self.diag.code.as_str(),
            self.diag.code.name()
        )))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.level {
            Level::Error => miette::Severity::Error,
            Level::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h.clone()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.len;
        let clamp = move |s: crate::source::Span| {
            let start = s.start.min(len);
            crate::source::Span::new(start, s.end.clamp(start, len))
        };
        let primary = LabeledSpan::new_primary_with_span(
            non_empty(&self.diag.primary.message),
            clamp(self.diag.primary.span),
        );
        let rest = self
            .diag
            .secondary
            .iter()
            .map(move |l| LabeledSpan::new_with_span(non_empty(&l.message), clamp(l.span)));
        Some(Box::new(std::iter::once(primary).chain(rest)))
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Renders one diagnostic for people. `color` selects ANSI colours; `width`
/// is the wrapping width.
pub fn human(source: &SourceFile, diag: &Diagnostic, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    // A line too long to show whole is cut around the labels.
    let rendered = match super::excerpt::window(source, diag) {
        Some((window, moved)) => handler.render_report(
            &mut out,
            &Bound {
                diag: &moved,
                len: window.len(),
                source: window,
            },
        ),
        None => handler.render_report(
            &mut out,
            &Bound {
                diag,
                source: Indexed(source),
                len: source.text.len(),
            },
        ),
    };
    if rendered.is_err() {
        out = format!("{}: {}: {}\n", source.name, diag.code, diag.message);
    }
    out
}

/// A fingerprint for each diagnostic of a report, in order: stable across
/// runs and across edits elsewhere in the file (it hashes the code, the
/// text of the primary span and of its line, not the line number), so
/// that CI tools and `--baseline` can tell an old finding from a new one.
/// Identical findings in one file are told apart by their order.
pub fn fingerprints(report: &FileReport) -> Vec<String> {
    let text = &report.source.text;
    let mut seen: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    report
        .diagnostics
        .iter()
        .map(|d| {
            let start = d.primary.span.start.min(text.len());
            let end = d.primary.span.end.clamp(start, text.len());
            let spanned = text.get(start..end).unwrap_or("");
            let line = report.source.line_text(start).trim();
            let mut h = Fnv::default();
            for part in [d.code.as_str(), spanned.trim(), line] {
                h.write(part.as_bytes());
                h.write(&[0]);
            }
            let key = h.0;
            let n = seen.entry(key).or_insert(0);
            *n += 1;
            h.write(&n.to_le_bytes());
            format!("{:016x}", h.0)
        })
        .collect()
}

/// FNV-1a, 64 bits: small, deterministic across runs and platforms.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// The position fields shared by the machine formats.
fn position(source: &SourceFile, diag: &Diagnostic) -> (usize, usize, usize, usize) {
    let (line, column) = source.line_col(diag.primary.span.start);
    let (end_line, end_column) = source.line_col(diag.primary.span.end);
    (line, column, end_line, end_column)
}

pub(super) fn level_name(level: Level) -> &'static str {
    match level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

/// Counts of errors and warnings over reports.
pub fn counts(reports: &[FileReport]) -> (usize, usize) {
    let all = reports.iter().flat_map(|r| &r.diagnostics);
    let errors = all.clone().filter(|d| d.level == Level::Error).count();
    let warnings = all.filter(|d| d.level == Level::Warning).count();
    (errors, warnings)
}

/// The JSON envelope for a set of file reports.
pub fn json(reports: &[FileReport]) -> Value {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let diags: Vec<Value> = r
                .diagnostics
                .iter()
                .zip(fingerprints(r))
                .map(|(d, fingerprint)| {
                    let (line, column, end_line, end_column) = position(&r.source, d);
                    json!({
                        "code": d.code.as_str(),
                        "name": d.code.name(),
                        "severity": level_name(d.level),
                        "message": d.message,
                        "file": r.source.name,
                        "line": line,
                        "column": column,
                        "end_line": end_line,
                        "end_column": end_column,
                        "span": {"start": d.primary.span.start, "end": d.primary.span.end},
                        "label": d.primary.message,
                        "labels": d.secondary.iter().map(|l| {
                            let (line, column) = r.source.line_col(l.span.start);
                            let (end_line, end_column) = r.source.line_col(l.span.end);
                            json!({"message": l.message, "line": line, "column": column,
                                   "end_line": end_line, "end_column": end_column,
                                   "span": {"start": l.span.start, "end": l.span.end}})
                        }).collect::<Vec<_>>(),
                        "help": d.help,
                        "fingerprint": fingerprint,
                    })
                })
                .collect();
            let (errors, warnings) = counts(std::slice::from_ref(r));
            json!({"file": r.source.name, "errors": errors, "warnings": warnings, "diagnostics": diags})
        })
        .collect();
    let (errors, warnings) = counts(reports);
    json!({
        "format_version": JSON_FORMAT_VERSION,
        "tool": "slate",
        "files": files,
        "summary": {"files": reports.len(), "errors": errors, "warnings": warnings},
    })
}

pub use super::sarif::sarif;

/// GitHub Actions workflow commands (`::error file=...::message`), one per line.
pub fn github(reports: &[FileReport]) -> String {
    let mut out = String::new();
    for r in reports {
        for d in &r.diagnostics {
            let (line, column, end_line, end_column) = position(&r.source, d);
            let mut msg = d.message.clone();
            if let Some(h) = &d.help {
                msg.push_str("\nhelp: ");
                msg.push_str(h);
            }
            out.push_str(&format!(
                "::{} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}\n",
                level_name(d.level),
                escape_property(&r.source.name),
                escape_property(&format!("{} {}", d.code, d.code.name())),
                escape_data(&msg),
            ));
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;
    use miette::SourceCode;

    /// The indexed reader gives miette the excerpt, line, and line count
    /// miette's own reader gives for a `str`, on every span of an ASCII text
    /// with LF and CRLF lines and every context size the renderer asks for.
    #[test]
    fn indexed_excerpts_match_miettes_own() {
        let text = "policy \"x\" {}\nline two\r\n\n  four  \nfive\n";
        let file = SourceFile::new("t.sla", text);
        let indexed = Indexed(&file);
        // A span never starts between `\r` and `\n` (spans start on tokens).
        let inside_crlf = |i: usize| i > 0 && &text[i - 1..=i.min(text.len() - 1)] == "\r\n";
        for start in (0..=text.len()).filter(|&i| !inside_crlf(i)) {
            for end in start..=text.len() {
                let span: miette::SourceSpan = (start, end - start).into();
                for ctx in [0, 1, 2] {
                    let ours = indexed.read_span(&span, ctx, ctx).expect("in bounds");
                    let theirs = text.read_span(&span, ctx, ctx).expect("in bounds");
                    let what = format!("span {start}..{end}, context {ctx}");
                    assert_eq!(ours.data(), theirs.data(), "{what}");
                    assert_eq!(ours.span(), theirs.span(), "{what}");
                    assert_eq!(ours.line(), theirs.line(), "{what}");
                    assert_eq!(ours.line_count(), theirs.line_count(), "{what}");
                    if ctx == 0 && !text[..start].contains('\r') {
                        assert_eq!(ours.column(), theirs.column(), "{what}");
                    }
                }
            }
        }
    }

    /// The human header, the JSON fields and the GitHub annotation give the
    /// same line and column, counted in characters, on a non-ASCII line.
    #[test]
    fn human_and_machine_formats_agree_on_columns() {
        // Line 2 starts with 4 characters (`# `, the 4-byte emoji, a space)
        // before `tiers`: column 5, where a byte count would say 8.
        let text = "policy \"p\" {}\n# 😀 tiers\n";
        let source = SourceFile::new("t.sla", text);
        let start = text.find("tiers").expect("tiers");
        assert_eq!(start, 14 + 7);
        let diag = Diagnostic::new(
            Code::Unused,
            crate::source::Span::new(start, start + 5),
            "message",
            "label",
        );
        let human = human(&source, &diag, false, 100);
        assert!(human.contains("[t.sla:2:5]"), "{human}");
        let report = FileReport {
            source,
            diagnostics: vec![diag],
        };
        let v = json(std::slice::from_ref(&report));
        let d = &v["files"][0]["diagnostics"][0];
        assert_eq!(
            (d["line"].as_u64(), d["column"].as_u64()),
            (Some(2), Some(5))
        );
        assert_eq!(d["end_column"], 10);
        let gh = github(std::slice::from_ref(&report));
        assert!(gh.contains("line=2,col=5,endLine=2,endColumn=10"), "{gh}");
        let s = sarif(std::slice::from_ref(&report));
        let region = &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(
            (region["startLine"].as_u64(), region["startColumn"].as_u64()),
            (Some(2), Some(5))
        );
        // 14 characters on line 1 and its break, then 4: offset 18, not 21.
        assert_eq!(region["charOffset"], 18);
    }

    /// A file with old Mac line ends (a lone `\r`) gets the same lines in
    /// the human header, its excerpt and the machine formats.
    #[test]
    fn lone_carriage_returns_end_lines_everywhere() {
        let text = "policy \"p\" {}\rcalendar x {}\rtiers a\r";
        let source = SourceFile::new("t.sla", text);
        let start = text.find("calendar").expect("calendar");
        let diag = Diagnostic::new(
            Code::Unused,
            crate::source::Span::new(start + 9, start + 10),
            "message",
            "here",
        );
        let human = human(&source, &diag, false, 100);
        assert!(human.contains("[t.sla:2:10]"), "{human}");
        assert!(human.contains(" 1 │ policy \"p\" {}\n"), "{human}");
        assert!(human.contains(" 2 │ calendar x {}\n"), "{human}");
        assert!(human.contains(" 3 │ tiers a\n"), "{human}");
        let report = FileReport {
            source,
            diagnostics: vec![diag],
        };
        let gh = github(std::slice::from_ref(&report));
        assert!(gh.contains("line=2,col=10,"), "{gh}");
    }

    #[test]
    fn fingerprints_ignore_line_moves_and_tell_twins_apart() {
        let diag_at = |text: &str, needle: &str, nth: usize| {
            let start = text.match_indices(needle).nth(nth).expect("needle").0;
            Diagnostic::new(
                Code::Unused,
                crate::source::Span::new(start, start + needle.len()),
                "m",
                "",
            )
        };
        let report = |text: &str| {
            let diagnostics = vec![
                diag_at(text, "calendar x", 0),
                diag_at(text, "calendar x", 1),
            ];
            FileReport {
                source: SourceFile::new("t.sla", text),
                diagnostics,
            }
        };
        let before = fingerprints(&report("calendar x {}\ncalendar x {}\n"));
        let after = fingerprints(&report(
            "# a new first line\n\ncalendar x {}\ncalendar x {}\n",
        ));
        assert_eq!(before, after);
        assert_ne!(before[0], before[1]);
        assert_eq!(before[0].len(), 16);
    }
}
