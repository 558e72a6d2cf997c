//! Rows of named fields from CSV (with a header line) or JSON Lines (one
//! object per line), for the uptime and usage readers. A row that cannot be
//! read is an error naming its file and line; the reader goes on with the
//! next one.

use std::collections::BTreeSet;
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The shape of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowFormat {
    /// Comma-separated, first line names the columns.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// `slate eval` tickets, one JSON object per line: the `at` of a row is
    /// the time of the ticket's `opened` event; the other ticket fields
    /// (`severity`, `type`, `status`, `events`) are not reported as unread.
    Tickets,
}

impl RowFormat {
    /// `Csv` for a `*.csv` file, else `Jsonl`.
    pub fn of_path(path: &Path) -> RowFormat {
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
        {
            RowFormat::Csv
        } else {
            RowFormat::Jsonl
        }
    }
}

/// A row or field that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file's name as given.
    pub file: String,
    /// 1-based line.
    pub line: u64,
    /// The field, when one is to blame.
    pub field: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: ", self.file, self.line)?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for RowError {}

/// How many rows a reader saw, used and refused (`read = used + rejected`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Rows read (non-blank lines after the header).
    pub read: u64,
    /// Rows that went into the figures.
    pub used: u64,
    /// Rows refused, each with an error.
    pub rejected: u64,
}

/// What a reader got from one file.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// The windows or samples read.
    pub value: T,
    /// Rows read, used and rejected.
    pub counts: Counts,
    /// One error per rejected row, in file order.
    pub errors: Vec<RowError>,
    /// Field names in the file that nothing reads.
    pub unread: BTreeSet<String>,
}

impl<T> Loaded<T> {
    /// Nothing read yet: `value` with zero counts.
    pub(crate) fn new(value: T) -> Self {
        Loaded {
            value,
            counts: Counts::default(),
            errors: Vec::new(),
            unread: BTreeSet::new(),
        }
    }
}

/// One row: the wanted fields in the order asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line.
    pub line: u64,
    /// The values of the wanted fields (`None`: absent, empty or `null`).
    pub values: Vec<Option<String>>,
}

/// A reader of rows with a fixed set of wanted field names.
pub struct Rows<R: Read> {
    file: String,
    wanted: Vec<String>,
    inner: Inner<R>,
    /// Field names the file has that nobody reads (reported once).
    pub unread: BTreeSet<String>,
    done: bool,
}

enum Inner<R: Read> {
    Csv {
        reader: csv::Reader<R>,
        index: Vec<Option<usize>>,
        record: csv::StringRecord,
    },
    Jsonl {
        lines: BufReader<R>,
        line: u64,
        buf: String,
        tickets: bool,
    },
}

impl<R: Read> Rows<R> {
    /// Starts reading `input` (named `file` in errors). For CSV the header
    /// is read here; an unreadable header is an error for the whole file.
    pub fn new(
        file: &str,
        input: R,
        format: RowFormat,
        wanted: &[&str],
    ) -> Result<Rows<R>, RowError> {
        let wanted: Vec<String> = wanted.iter().map(|s| s.to_string()).collect();
        let mut unread = BTreeSet::new();
        let inner = match format {
            RowFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .flexible(true)
                    .trim(csv::Trim::All)
                    .from_reader(input);
                let headers = reader.headers().map_err(|e| RowError {
                    file: file.to_string(),
                    line: 1,
                    field: None,
                    message: format!("cannot read the header line: {e}"),
                })?;
                let index = wanted
                    .iter()
                    .map(|w| headers.iter().position(|h| h == w))
                    .collect();
                for h in headers.iter() {
                    if !wanted.iter().any(|w| w == h) {
                        unread.insert(h.to_string());
                    }
                }
                Inner::Csv {
                    reader,
                    index,
                    record: csv::StringRecord::new(),
                }
            }
            RowFormat::Jsonl | RowFormat::Tickets => Inner::Jsonl {
                lines: BufReader::with_capacity(1 << 16, input),
                line: 0,
                buf: String::new(),
                tickets: format == RowFormat::Tickets,
            },
        };
        Ok(Rows {
            file: file.to_string(),
            wanted,
            inner,
            unread,
            done: false,
        })
    }

    /// Whether a CSV file has this column (always true for JSON Lines).
    pub fn has_column(&self, name: &str) -> bool {
        match &self.inner {
            Inner::Csv { index, .. } => self
                .wanted
                .iter()
                .position(|w| w == name)
                .is_some_and(|i| index[i].is_some()),
            Inner::Jsonl { .. } => true,
        }
    }

    /// The header error for the first of `columns` a CSV file lacks;
    /// `need` says what the file should hold (`windows need ...`).
    pub(crate) fn require(&self, columns: &[&str], need: &str) -> Result<(), RowError> {
        match columns.iter().find(|c| !self.has_column(c)) {
            Some(col) => Err(self.error(
                1,
                Some(col),
                format!("the header has no `{col}` column; {need}"),
            )),
            None => Ok(()),
        }
    }

    /// An error at `line` about `field`.
    pub fn error(&self, line: u64, field: Option<&str>, message: String) -> RowError {
        RowError {
            file: self.file.clone(),
            line,
            field: field.map(str::to_string),
            message,
        }
    }

    /// The next row; `None` at the end. `Some(Err)` is a row that could not
    /// be read (counted as read and rejected by the caller); an I/O failure
    /// ends the file with one more error.
    pub fn next_row(&mut self) -> Option<Result<Row, RowError>> {
        if self.done {
            return None;
        }
        match &mut self.inner {
            Inner::Csv {
                reader,
                index,
                record,
            } => loop {
                match reader.read_record(record) {
                    Ok(false) => return None,
                    Ok(true) => {
                        let line = record.position().map_or(0, |p| p.line());
                        if record.iter().all(str::is_empty) {
                            continue;
                        }
                        let values = index
                            .iter()
                            .map(|i| {
                                i.and_then(|i| record.get(i))
                                    .filter(|v| !v.is_empty())
                                    .map(str::to_string)
                            })
                            .collect();
                        return Some(Ok(Row { line, values }));
                    }
                    Err(e) => {
                        let line = e.position().map_or(0, |p| p.line());
                        let err = RowError {
                            file: self.file.clone(),
                            line,
                            field: None,
                            message: format!("not a CSV row: {e}"),
                        };
                        if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                            self.done = true;
                        }
                        return Some(Err(err));
                    }
                }
            },
            Inner::Jsonl {
                lines,
                line,
                buf,
                tickets,
            } => loop {
                buf.clear();
                match lines.read_line(buf) {
                    Ok(0) => return None,
                    Ok(_) => {
                        *line += 1;
                        if buf.trim().is_empty() {
                            continue;
                        }
                        let n = *line;
                        return Some(json_row(
                            &self.file,
                            n,
                            buf,
                            &self.wanted,
                            &mut self.unread,
                            *tickets,
                        ));
                    }
                    Err(e) => {
                        *line += 1;
                        let err = RowError {
                            file: self.file.clone(),
                            line: *line,
                            field: None,
                            message: format!("cannot read the line: {e}"),
                        };
                        self.done = true;
                        return Some(Err(err));
                    }
                }
            },
        }
    }
}

fn json_row(
    file: &str,
    line: u64,
    text: &str,
    wanted: &[String],
    unread: &mut BTreeSet<String>,
    tickets: bool,
) -> Result<Row, RowError> {
    let err = |field: Option<&str>, message: String| RowError {
        file: file.to_string(),
        line,
        field: field.map(str::to_string),
        message,
    };
    let value: serde_json::Value = serde_json::from_str(text.trim())
        .map_err(|e| err(None, format!("not a JSON object: {e}")))?;
    let serde_json::Value::Object(mut map) = value else {
        return Err(err(None, "not a JSON object".into()));
    };
    if tickets {
        // The ticket's `opened` event gives the row its time.
        let opened = map
            .get("events")
            .and_then(|e| e.as_array())
            .and_then(|events| {
                events
                    .iter()
                    .find(|e| e.get("type").and_then(|t| t.as_str()) == Some("opened"))
            })
            .and_then(|e| e.get("at").cloned());
        match opened {
            Some(at) => {
                map.insert("at".into(), at);
            }
            None => {
                return Err(err(
                    Some("events"),
                    "no `opened` event with an `at`: a ticket counts from when it was opened"
                        .into(),
                ))
            }
        }
        for k in ["severity", "type", "status", "events"] {
            map.remove(k);
        }
    }
    for k in map.keys() {
        if !wanted.iter().any(|w| w == k) && !unread.contains(k) {
            unread.insert(k.clone());
        }
    }
    let mut values = Vec::with_capacity(wanted.len());
    for w in wanted {
        values.push(match map.get(w) {
            None | Some(serde_json::Value::Null) => None,
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => None,
            Some(serde_json::Value::String(s)) => Some(s.trim().to_string()),
            Some(serde_json::Value::Bool(b)) => Some(b.to_string()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(err(Some(w), "expected a string, number or boolean".into())),
        });
    }
    Ok(Row { line, values })
}

/// One JSON object as a line, with its keys in the order given (the
/// `format_version` first, as in `slate eval`'s answers), not sorted.
pub(crate) fn ordered_json(fields: &[(&str, serde_json::Value)]) -> String {
    struct Ordered<'a>(&'a [(&'a str, serde_json::Value)]);
    impl serde::Serialize for Ordered<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = s.serialize_map(Some(self.0.len()))?;
            for (k, v) in self.0 {
                map.serialize_entry(k, v)?;
            }
            map.end()
        }
    }
    // Serializing strings, numbers and `Value`s cannot fail.
    serde_json::to_string(&Ordered(fields)).unwrap_or_default()
}
