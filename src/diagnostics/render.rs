//! Renderers: human (miette graphical), JSON (versioned envelope), SARIF
//! 2.1.0 and GitHub Actions annotations. All output is deterministic.

use super::{Code, Diagnostic, Level};
use crate::source::SourceFile;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
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
struct Bound<'a> {
    diag: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound").field("diag", self.diag).finish()
    }
}

impl fmt::Display for Bound<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Bound<'_> {}

impl miette::Diagnostic for Bound<'_> {
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
        let len = self.source.inner().len();
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
    let bound = Bound {
        diag,
        source: NamedSource::new(source.name.clone(), source.text.clone()),
    };
    let mut out = String::new();
    if handler.render_report(&mut out, &bound).is_err() {
        out = format!("{}: {}: {}\n", source.name, diag.code, diag.message);
    }
    out
}

/// The position fields shared by the machine formats.
fn position(source: &SourceFile, diag: &Diagnostic) -> (usize, usize, usize, usize) {
    let (line, column) = source.line_col(diag.primary.span.start);
    let (end_line, end_column) = source.line_col(diag.primary.span.end);
    (line, column, end_line, end_column)
}

fn level_name(level: Level) -> &'static str {
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
                .map(|d| {
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
                            json!({"message": l.message, "line": line, "column": column,
                                   "span": {"start": l.span.start, "end": l.span.end}})
                        }).collect::<Vec<_>>(),
                        "help": d.help,
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

/// A SARIF 2.1.0 log for a set of file reports.
pub fn sarif(reports: &[FileReport]) -> Value {
    let mut used: Vec<Code> = reports
        .iter()
        .flat_map(|r| r.diagnostics.iter().map(|d| d.code))
        .collect();
    used.sort();
    used.dedup();
    let rules: Vec<Value> = used
        .iter()
        .map(|c| {
            json!({
                "id": c.as_str(),
                "name": c.name(),
                "shortDescription": {"text": c.summary()},
                "fullDescription": {"text": c.explanation()},
                "defaultConfiguration": {"level": level_name(c.level())},
            })
        })
        .collect();
    let results: Vec<Value> = reports
        .iter()
        .flat_map(|r| {
            let used = &used;
            r.diagnostics.iter().map(move |d| {
                let (line, column, end_line, end_column) = position(&r.source, d);
                let mut text = d.message.clone();
                if let Some(h) = &d.help {
                    text.push_str("\nhelp: ");
                    text.push_str(h);
                }
                json!({
                    "ruleId": d.code.as_str(),
                    "ruleIndex": used.iter().position(|c| *c == d.code),
                    "level": level_name(d.level),
                    "message": {"text": text},
                    "locations": [{"physicalLocation": {
                        "artifactLocation": {"uri": r.source.name.replace('\\', "/")},
                        "region": {"startLine": line, "startColumn": column,
                                   "endLine": end_line, "endColumn": end_column,
                                   "charOffset": d.primary.span.start,
                                   "charLength": d.primary.span.len()}
                    }}],
                })
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "slate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/slate",
                "rules": rules,
            }},
            "results": results,
        }],
    })
}

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
