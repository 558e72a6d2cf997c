//! The native half of the `slate` Python package (`slate._slate`): a thin
//! layer over the library's front door (`slate::compile`, `Compiled`,
//! `Calendar`, `TicketAnswer::to_json`). The Python half
//! (`python/slate/__init__.py`) gives it its documented, typed API.
//!
//! Every call that does real work releases the GIL; a `Policy` holds its
//! `Compiled` in an `Arc` and is shared freely between Python threads.

use chrono::{DateTime, FixedOffset, Utc};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::GILOnceCell;
use pyo3::types::{PyDict, PyList, PyString};
use rayon::prelude::*;
use slate::diagnostics::{render, Diagnostic, Level};
use slate::{Compiled, Duration, InputError, InputErrorKind, ReadOptions, SourceFile};
use std::sync::Arc;

mod arrow;

// Answers allocate many small strings; as in the `slate` binary, mimalloc
// makes that cheaper. It serves only this extension's Rust allocations.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The Python classes of `slate._errors`, looked up once.
fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    static MODULE: GILOnceCell<Py<PyModule>> = GILOnceCell::new();
    MODULE
        .get_or_try_init(py, || py.import("slate._errors").map(Bound::unbind))
        .map(|m| m.bind(py))
}

/// Why one ticket got no answer: what `slate.TicketError` carries.
pub(crate) struct Failure {
    pub ticket: Option<String>,
    pub kind: &'static str,
    pub field: Option<&'static str>,
    /// The reason, as `slate eval` words it (without the ticket prefix).
    pub detail: String,
}

impl Failure {
    pub(crate) fn input(e: &InputError) -> Failure {
        let (kind, field) = kind_and_field(&e.kind);
        Failure {
            ticket: e.ticket.clone(),
            kind,
            field,
            detail: e.kind.to_string(),
        }
    }

    pub(crate) fn eval(ticket: &str, e: &slate::EvalError) -> Failure {
        Failure {
            ticket: Some(ticket.to_string()),
            kind: "evaluation",
            field: None,
            detail: e.to_string(),
        }
    }

    /// The message: which ticket, where, and why.
    pub(crate) fn message(&self, item: Option<u64>) -> String {
        match (&self.ticket, item) {
            (Some(id), Some(n)) => format!("ticket `{id}` (item {n}): {}", self.detail),
            (Some(id), None) => format!("ticket `{id}`: {}", self.detail),
            (None, Some(n)) => format!("item {n}: {}", self.detail),
            (None, None) => format!("ticket: {}", self.detail),
        }
    }

    /// A `slate.TicketError`; `item` is the ticket's 1-based position in a
    /// batch (`None` for a single ticket).
    pub(crate) fn to_py(&self, py: Python<'_>, item: Option<u64>) -> PyErr {
        let class = match errors_module(py).and_then(|m| m.getattr("TicketError")) {
            Ok(class) => class,
            Err(err) => return err,
        };
        match class.call1((
            self.message(item),
            self.ticket.clone(),
            item,
            self.kind,
            self.field,
        )) {
            Ok(instance) => PyErr::from_value(instance),
            Err(err) => err,
        }
    }
}

/// A stable name for each kind of input error, and the ticket field it is
/// about (when there is one).
pub(crate) fn kind_and_field(kind: &InputErrorKind) -> (&'static str, Option<&'static str>) {
    match kind {
        InputErrorKind::Malformed(_) => ("malformed", None),
        InputErrorKind::MissingField(f) => ("missing_field", Some(*f)),
        InputErrorKind::UnknownTier(..) => ("unknown_tier", Some("tier")),
        InputErrorKind::UnknownSeverity(..) => ("unknown_severity", Some("severity")),
        InputErrorKind::UnknownType(..) => ("unknown_type", Some("type")),
        InputErrorKind::UnknownEvent(_) => ("unknown_event", Some("events.type")),
        InputErrorKind::BadTime(_) => ("bad_time", Some("events.at")),
        InputErrorKind::NaiveTime(_) => ("naive_time", Some("events.at")),
        InputErrorKind::NoOpened => ("no_opened", Some("events")),
        InputErrorKind::SecondOpened => ("second_opened", Some("events")),
        InputErrorKind::BeforeOpened(_) => ("before_opened", Some("events")),
        InputErrorKind::DuplicateId(_) => ("duplicate_id", Some("id")),
        InputErrorKind::Evaluation(_) => ("evaluation", None),
        InputErrorKind::NoCalendar { .. } => ("no_calendar", Some("attributes")),
        InputErrorKind::UnknownActor(..) => ("unknown_actor", Some("events.actor")),
        InputErrorKind::ActorCannotDo { .. } => ("actor_cannot_do", Some("events.actor")),
        InputErrorKind::BadPublic { .. } => ("bad_public", Some("events.public")),
        InputErrorKind::MissingDueDate { .. } => ("missing_due_date", Some("due_at")),
        _ => ("other", None),
    }
}

/// Reads an instant: a timezone-aware `datetime` or an RFC 3339 string
/// with an offset. Fractional seconds are dropped (slate is exact to the
/// second). A naive one is a `ValueError` that says how to fix it.
pub(crate) fn instant(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<DateTime<Utc>> {
    let py = obj.py();
    if let Ok(text) = obj.downcast::<PyString>() {
        let text = text.to_cow()?;
        return parse_instant(text.trim(), what);
    }
    let datetime = py.import("datetime")?.getattr("datetime")?;
    if obj.is_instance(&datetime)? {
        if obj.call_method0("utcoffset")?.is_none() {
            let shown = obj.call_method0("isoformat")?;
            return Err(PyValueError::new_err(format!(
                "{what} `{shown}` is a naive datetime (no time zone); slate never guesses one: \
                 pass an aware datetime, e.g. `datetime(2026, 3, 6, 15, 30, \
                 tzinfo=ZoneInfo(\"America/Chicago\"))` or `.replace(tzinfo=timezone.utc)`, \
                 or a string with an offset such as `2026-03-06T15:30:00-06:00`"
            )));
        }
        // In UTC first: the conversion takes fixed offsets only, and a zone
        // (`ZoneInfo`) is one of those only at a given instant.
        let utc = py.import("datetime")?.getattr("timezone")?.getattr("utc")?;
        let t: DateTime<FixedOffset> = obj.call_method1("astimezone", (utc,))?.extract()?;
        return whole_seconds(t.with_timezone(&Utc), what);
    }
    Err(PyTypeError::new_err(format!(
        "{what} must be a timezone-aware datetime or an RFC 3339 string with an offset, \
         not {}",
        obj.get_type().name()?
    )))
}

fn parse_instant(text: &str, what: &str) -> PyResult<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return whole_seconds(t.with_timezone(&Utc), what);
    }
    let naive = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f"));
    if naive.is_ok() {
        return Err(PyValueError::new_err(format!(
            "{what} `{text}` has no UTC offset; slate never guesses one: write it with an \
             offset (`{text}Z` for UTC, or e.g. `{text}-06:00`) or pass an aware datetime"
        )));
    }
    Err(PyValueError::new_err(format!(
        "{what} `{text}` is not an RFC 3339 instant; write e.g. `2026-03-06T15:30:00-06:00`"
    )))
}

/// Drops fractional seconds and checks the supported range.
fn whole_seconds(t: DateTime<Utc>, what: &str) -> PyResult<DateTime<Utc>> {
    DateTime::from_timestamp(t.timestamp(), 0)
        .ok_or_else(|| PyValueError::new_err(format!("{what} is out of range")))
}

/// One finding as a dict (the Python side makes it a `slate.Diagnostic`).
fn diagnostic_dict<'py>(
    py: Python<'py>,
    source: &SourceFile,
    d: &Diagnostic,
) -> PyResult<Bound<'py, PyDict>> {
    let (line, column) = source.line_col(d.primary.span.start);
    let (end_line, end_column) = source.line_col(d.primary.span.end);
    let dict = PyDict::new(py);
    dict.set_item("code", d.code.as_str())?;
    dict.set_item("name", d.code.name())?;
    dict.set_item(
        "severity",
        match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        },
    )?;
    dict.set_item("message", &d.message)?;
    dict.set_item("file", &source.name)?;
    dict.set_item("line", line)?;
    dict.set_item("column", column)?;
    dict.set_item("end_line", end_line)?;
    dict.set_item("end_column", end_column)?;
    dict.set_item("label", &d.primary.message)?;
    dict.set_item("help", d.help.as_deref())?;
    dict.set_item("rendered", render::human(source, d, false, 100))?;
    Ok(dict)
}

/// A compiled policy (the native object behind `slate.Policy`).
#[pyclass(frozen, module = "slate._slate")]
struct NativePolicy {
    compiled: Arc<Compiled>,
}

/// Compiles `text` (named `name` in messages): `(policy, findings)`, the
/// policy `None` when there are errors.
#[pyfunction]
fn compile_source<'py>(
    py: Python<'py>,
    text: String,
    name: String,
) -> PyResult<(Option<NativePolicy>, Bound<'py, PyList>)> {
    let source = SourceFile::new(name, text);
    let result = py.allow_threads(|| slate::compile(&source));
    let (policy, diags) = match result {
        Ok(compiled) => {
            let warnings = compiled.warnings().to_vec();
            (
                Some(NativePolicy {
                    compiled: Arc::new(compiled),
                }),
                warnings,
            )
        }
        Err(e) => (None, e.diagnostics),
    };
    let list = PyList::empty(py);
    for d in &diags {
        list.append(diagnostic_dict(py, &source, d)?)?;
    }
    Ok((policy, list))
}

/// Evaluates one ticket (a JSON text) at `at`: the answer as the JSON line
/// `slate eval` writes, or a `TicketError`.
fn evaluate_one(
    compiled: &Compiled,
    json: &str,
    item: u64,
    at: DateTime<Utc>,
) -> Result<String, Failure> {
    let ticket = compiled
        .ticket_from_json_with(json, item, &ReadOptions::default())
        .map_err(|e| Failure::input(&e))?;
    match compiled.evaluate(&ticket, at) {
        Ok(answer) => Ok(answer.to_json()),
        Err(e) => Err(Failure::eval(ticket.id(), &e)),
    }
}

#[pymethods]
impl NativePolicy {
    /// The policy's name.
    #[getter]
    fn name(&self) -> String {
        self.compiled.policy().name.clone()
    }

    /// The calendar names, in declaration order.
    fn calendar_names(&self) -> Vec<String> {
        self.compiled.calendar_names().map(str::to_string).collect()
    }

    /// Metric names, in policy order.
    fn metric_names(&self) -> Vec<String> {
        self.compiled
            .policy()
            .metrics
            .iter()
            .map(|m| m.name.clone())
            .collect()
    }

    /// The checked policy as IR JSON (`slate compile`).
    fn ir_json(&self, py: Python<'_>) -> String {
        py.allow_threads(|| self.compiled.ir_json(true))
    }

    /// One ticket (JSON text) at `at`: the answer's JSON line.
    fn evaluate_json(
        &self,
        py: Python<'_>,
        ticket: &str,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let at = instant(at, "`at`")?;
        let compiled = &self.compiled;
        let result = py.allow_threads(|| evaluate_one(compiled, ticket, 1, at));
        result.map_err(|e| e.to_py(py, None))
    }

    /// Many tickets (JSON texts), evaluated in parallel: for each, the
    /// answer's JSON line or a `TicketError` instance (not raised).
    /// `first_item` is the 1-based position of the first one in the
    /// caller's stream (errors name it).
    fn evaluate_batch<'py>(
        &self,
        py: Python<'py>,
        tickets: Vec<String>,
        at: &Bound<'py, PyAny>,
        first_item: u64,
    ) -> PyResult<Bound<'py, PyList>> {
        let at = instant(at, "`at`")?;
        let compiled = &self.compiled;
        let results: Vec<Result<String, Failure>> = py.allow_threads(|| {
            tickets
                .par_iter()
                .enumerate()
                .map(|(i, t)| evaluate_one(compiled, t, first_item + i as u64, at))
                .collect()
        });
        let out = PyList::empty(py);
        for (i, r) in results.into_iter().enumerate() {
            match r {
                Ok(json) => out.append(json)?,
                Err(e) => {
                    let err = e.to_py(py, Some(first_item + i as u64));
                    out.append(err.value(py))?;
                }
            }
        }
        Ok(out)
    }

    /// Evaluates a record batch of tickets (Arrow C data interface): one
    /// row per ticket x metric x cycle, or one error row per bad ticket.
    fn evaluate_arrow(
        &self,
        py: Python<'_>,
        batch: &Bound<'_, PyAny>,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<arrow::ArrowOutput>> {
        let at = instant(at, "`at`")?;
        arrow::evaluate(py, &self.compiled, batch, at)
    }

    /// A calendar of the policy by name.
    fn calendar(&self, name: &str) -> PyResult<NativeCalendar> {
        match self.compiled.calendar(name) {
            Ok(cal) => Ok(NativeCalendar {
                compiled: Arc::clone(&self.compiled),
                name: cal.name().to_string(),
            }),
            Err(e) => Err(pyo3::exceptions::PyKeyError::new_err(e.to_string())),
        }
    }
}

/// One calendar of a policy (the native object behind `slate.Calendar`).
#[pyclass(frozen, module = "slate._slate")]
struct NativeCalendar {
    compiled: Arc<Compiled>,
    name: String,
}

fn calendar_error(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

impl NativeCalendar {
    fn with<T>(
        &self,
        f: impl FnOnce(slate::Calendar<'_>) -> Result<T, slate::CalendarError>,
    ) -> PyResult<T> {
        let cal = self.compiled.calendar(&self.name).map_err(calendar_error)?;
        f(cal).map_err(calendar_error)
    }

    /// `t` with the offset of the calendar's zone at `t` (UTC for 24x7 and
    /// combinations): the instant `slate time` prints.
    fn local(&self, t: DateTime<Utc>) -> PyResult<DateTime<FixedOffset>> {
        let cal = self.compiled.calendar(&self.name).map_err(calendar_error)?;
        Ok(match cal.zone() {
            Some(tz) => t.with_timezone(&tz).fixed_offset(),
            None => t.fixed_offset(),
        })
    }

    fn duration(&self, d: &Bound<'_, PyAny>) -> PyResult<Duration> {
        if let Ok(text) = d.downcast::<PyString>() {
            let text = text.to_cow()?;
            let cal = self.compiled.calendar(&self.name).map_err(calendar_error)?;
            return cal.duration(&text).map_err(|e| {
                PyValueError::new_err(format!("`{text}` is not a duration here: {e}"))
            });
        }
        let timedelta = d.py().import("datetime")?.getattr("timedelta")?;
        if d.is_instance(&timedelta)? {
            let days: i64 = d.getattr("days")?.extract()?;
            let seconds: i64 = d.getattr("seconds")?.extract()?;
            let micros: i64 = d.getattr("microseconds")?.extract()?;
            if micros != 0 {
                return Err(PyValueError::new_err(
                    "durations are whole seconds; this timedelta has microseconds",
                ));
            }
            return Ok(Duration::Seconds(days * 86_400 + seconds));
        }
        Err(PyTypeError::new_err(format!(
            "a duration is a string such as \"8h\", \"1h30m\" or \"2bd\", or a timedelta, not {}",
            d.get_type().name()?
        )))
    }
}

#[pymethods]
impl NativeCalendar {
    #[getter]
    fn name(&self) -> String {
        self.name.clone()
    }

    /// The IANA zone of a weekly calendar, `None` for 24x7 and combinations.
    #[getter]
    fn zone(&self) -> PyResult<Option<String>> {
        let cal = self.compiled.calendar(&self.name).map_err(calendar_error)?;
        Ok(cal.zone().map(|z| z.name().to_string()))
    }

    fn add(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        duration: &Bound<'_, PyAny>,
    ) -> PyResult<DateTime<FixedOffset>> {
        let t = instant(start, "the start")?;
        let d = self.duration(duration)?;
        let out = py.allow_threads(|| self.with(|c| c.add(t, d)))?;
        self.local(out)
    }

    fn sub(
        &self,
        py: Python<'_>,
        end: &Bound<'_, PyAny>,
        duration: &Bound<'_, PyAny>,
    ) -> PyResult<DateTime<FixedOffset>> {
        let t = instant(end, "the end")?;
        let d = self.duration(duration)?;
        let out = py.allow_threads(|| self.with(|c| c.sub(t, d)))?;
        self.local(out)
    }

    fn between(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<i64> {
        let a = instant(start, "the start")?;
        let b = instant(end, "the end")?;
        py.allow_threads(|| self.with(|c| c.between(a, b)))
    }

    fn is_open(&self, py: Python<'_>, t: &Bound<'_, PyAny>) -> PyResult<bool> {
        let t = instant(t, "the instant")?;
        py.allow_threads(|| self.with(|c| c.is_open(t)))
    }

    fn next_open(
        &self,
        py: Python<'_>,
        t: &Bound<'_, PyAny>,
    ) -> PyResult<Option<DateTime<FixedOffset>>> {
        let t = instant(t, "the instant")?;
        let out = py.allow_threads(|| self.with(|c| c.next_open(t)))?;
        out.map(|t| self.local(t)).transpose()
    }

    fn next_close(
        &self,
        py: Python<'_>,
        t: &Bound<'_, PyAny>,
    ) -> PyResult<Option<DateTime<FixedOffset>>> {
        let t = instant(t, "the instant")?;
        let out = py.allow_threads(|| self.with(|c| c.next_close(t)))?;
        out.map(|t| self.local(t)).transpose()
    }

    fn previous_close(
        &self,
        py: Python<'_>,
        t: &Bound<'_, PyAny>,
    ) -> PyResult<Option<DateTime<FixedOffset>>> {
        let t = instant(t, "the instant")?;
        let out = py.allow_threads(|| self.with(|c| c.previous_close(t)))?;
        out.map(|t| self.local(t)).transpose()
    }

    fn open_periods(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>)>> {
        let a = instant(start, "the start")?;
        let b = instant(end, "the end")?;
        let periods = py.allow_threads(|| self.with(|c| c.open_periods(a, b)))?;
        periods
            .into_iter()
            .map(|p| Ok((self.local(p.start)?, self.local(p.end)?)))
            .collect()
    }
}

/// Panics on purpose: the tests check that a Rust panic reaches Python as
/// an exception (`pyo3_runtime.PanicException`), never an abort.
#[pyfunction]
fn _panic_for_tests(py: Python<'_>) {
    py.allow_threads(|| panic!("a deliberate panic (test of the panic boundary)"));
}

#[pymodule]
fn _slate(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(compile_source, m)?)?;
    m.add_function(wrap_pyfunction!(_panic_for_tests, m)?)?;
    m.add_class::<NativePolicy>()?;
    m.add_class::<NativeCalendar>()?;
    m.add_class::<arrow::ArrowOutput>()?;
    m.add_function(wrap_pyfunction!(arrow::empty_output, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
