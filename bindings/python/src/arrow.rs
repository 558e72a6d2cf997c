//! The Arrow batch kernel: tickets in a record batch (one row per ticket,
//! events as a list of structs) to answers in a record batch (one row per
//! ticket x metric x cycle), across the Arrow C data interface (PyCapsules,
//! no copy of the buffers either way).
//!
//! Schemas are documented in `docs/python.md`, "Arrow".

use crate::Failure;
use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Int32Builder, Int64Builder, StringBuilder,
    StringDictionaryBuilder, TimestampMicrosecondBuilder,
};
use arrow_array::cast::AsArray;
use arrow_array::ffi::{from_ffi, FFI_ArrowArray, FFI_ArrowSchema};
use arrow_array::types::{Int32Type, Int64Type};
use arrow_array::{
    Array, ArrayRef, GenericListArray, ListArray, OffsetSizeTrait, RecordBatch, StructArray,
};
use arrow_buffer::{NullBuffer, OffsetBuffer};
use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, TimeUnit};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyCapsule, PyTuple};
use rayon::prelude::*;
use slate::{Compiled, Ticket, TicketAnswer};
use std::ffi::CString;
use std::sync::Arc;

/// An answers batch, handed to Python through `__arrow_c_array__`
/// (`pyarrow.record_batch(output)` imports it without copying).
#[pyclass(frozen, module = "slate._slate")]
pub struct ArrowOutput {
    data: StructArray,
}

#[pymethods]
impl ArrowOutput {
    /// The Arrow PyCapsule interface: `(schema, array)` capsules.
    #[pyo3(signature = (requested_schema=None))]
    fn __arrow_c_array__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyTuple>> {
        let _ = requested_schema; // the schema is fixed; callers cast afterwards
        let data = self.data.to_data();
        let schema = FFI_ArrowSchema::try_from(data.data_type())
            .map_err(|e| PyValueError::new_err(format!("cannot export the answers: {e}")))?;
        let array = FFI_ArrowArray::new(&data);
        let schema = PyCapsule::new(py, schema, Some(capsule_name("arrow_schema")))?;
        let array = PyCapsule::new(py, array, Some(capsule_name("arrow_array")))?;
        PyTuple::new(py, [schema.into_any(), array.into_any()])
    }

    /// Rows in the batch.
    fn __len__(&self) -> usize {
        self.data.len()
    }
}

fn capsule_name(name: &str) -> CString {
    // Names are fixed ASCII without NUL.
    CString::new(name).unwrap_or_default()
}

fn schema_error(message: impl Into<String>) -> PyErr {
    PyValueError::new_err(message.into())
}

/// Imports a record batch (any object with `__arrow_c_array__` whose array
/// is a struct, as a `pyarrow.RecordBatch` is).
fn import(batch: &Bound<'_, PyAny>) -> PyResult<StructArray> {
    if !batch.hasattr("__arrow_c_array__")? {
        return Err(pyo3::exceptions::PyTypeError::new_err(format!(
            "evaluate_arrow takes a pyarrow.RecordBatch (or an object with the Arrow \
             PyCapsule interface `__arrow_c_array__`), not {}",
            batch.get_type().name()?
        )));
    }
    let pair = batch.call_method0("__arrow_c_array__")?;
    let (schema, array): (Bound<'_, PyCapsule>, Bound<'_, PyCapsule>) = pair.extract()?;
    check_name(&schema, "arrow_schema")?;
    check_name(&array, "arrow_array")?;
    let schema_ptr = schema.pointer() as *const FFI_ArrowSchema;
    let array_ptr = array.pointer() as *mut FFI_ArrowArray;
    // SAFETY: the capsules are named as the PyCapsule interface specifies,
    // so they hold an `ArrowSchema` and an `ArrowArray`. `from_raw` moves
    // the array out (marking the capsule's copy released, so its destructor
    // does nothing); the schema is only borrowed while we read it.
    let data = unsafe {
        let array = FFI_ArrowArray::from_raw(array_ptr);
        from_ffi(array, &*schema_ptr)
    }
    .map_err(|e| schema_error(format!("cannot read the Arrow batch: {e}")))?;
    match data.data_type() {
        DataType::Struct(_) => Ok(StructArray::from(data)),
        other => Err(schema_error(format!(
            "evaluate_arrow takes a record batch (a struct array), not an array of {other}"
        ))),
    }
}

fn check_name(capsule: &Bound<'_, PyCapsule>, expected: &str) -> PyResult<()> {
    let name = capsule.name()?.map(|n| n.to_string_lossy().into_owned());
    if name.as_deref() == Some(expected) {
        Ok(())
    } else {
        Err(schema_error(format!(
            "expected an `{expected}` capsule from __arrow_c_array__, got {name:?}"
        )))
    }
}

/// A string-like column: utf8, large utf8, or (for ids) an integer.
enum Strings<'a> {
    Utf8(&'a arrow_array::StringArray),
    Large(&'a arrow_array::LargeStringArray),
    View(&'a arrow_array::StringViewArray),
    Int(&'a arrow_array::Int64Array),
    Int32(&'a arrow_array::Int32Array),
    Absent,
}

impl<'a> Strings<'a> {
    fn of(col: Option<&'a ArrayRef>, name: &str, ints: bool) -> PyResult<Strings<'a>> {
        let Some(col) = col else {
            return Ok(Strings::Absent);
        };
        Ok(match col.data_type() {
            DataType::Utf8 => Strings::Utf8(col.as_string::<i32>()),
            DataType::LargeUtf8 => Strings::Large(col.as_string::<i64>()),
            DataType::Utf8View => Strings::View(col.as_string_view()),
            DataType::Int64 if ints => Strings::Int(col.as_primitive::<Int64Type>()),
            DataType::Int32 if ints => Strings::Int32(col.as_primitive::<Int32Type>()),
            other => {
                return Err(schema_error(format!(
                    "column `{name}` is {other}; it must be a string{} \
                     (cast it, e.g. `pyarrow.compute.cast(col, pyarrow.string())`)",
                    if ints { " or an integer" } else { "" }
                )))
            }
        })
    }

    fn get(&self, i: usize) -> Option<String> {
        match self {
            Strings::Utf8(a) => a.is_valid(i).then(|| a.value(i).to_string()),
            Strings::Large(a) => a.is_valid(i).then(|| a.value(i).to_string()),
            Strings::View(a) => a.is_valid(i).then(|| a.value(i).to_string()),
            Strings::Int(a) => a.is_valid(i).then(|| a.value(i).to_string()),
            Strings::Int32(a) => a.is_valid(i).then(|| a.value(i).to_string()),
            Strings::Absent => None,
        }
    }
}

/// The `events` column: a list (or large list) of structs.
enum Events<'a> {
    List(&'a ListArray),
    Large(&'a GenericListArray<i64>),
}

/// The event struct's columns.
struct EventColumns<'a> {
    at: &'a dyn Array,
    unit: TimeUnit,
    kind: Strings<'a>,
    value: Strings<'a>,
    /// Optional `actor` (`agent`, `customer`, `system`).
    actor: Strings<'a>,
    /// Optional `public` (bool): whether a message was public.
    public: Option<&'a arrow_array::BooleanArray>,
}

impl EventColumns<'_> {
    fn at(&self, i: usize) -> Option<DateTime<Utc>> {
        if !self.at.is_valid(i) {
            return None;
        }
        let v = match self.unit {
            TimeUnit::Second => self
                .at
                .as_primitive::<arrow_array::types::TimestampSecondType>()
                .value(i),
            TimeUnit::Millisecond => self
                .at
                .as_primitive::<arrow_array::types::TimestampMillisecondType>()
                .value(i),
            TimeUnit::Microsecond => self
                .at
                .as_primitive::<arrow_array::types::TimestampMicrosecondType>()
                .value(i),
            TimeUnit::Nanosecond => self
                .at
                .as_primitive::<arrow_array::types::TimestampNanosecondType>()
                .value(i),
        };
        let per_second: i64 = match self.unit {
            TimeUnit::Second => 1,
            TimeUnit::Millisecond => 1_000,
            TimeUnit::Microsecond => 1_000_000,
            TimeUnit::Nanosecond => 1_000_000_000,
        };
        // Fractional seconds are dropped (floor), as everywhere in slate.
        DateTime::from_timestamp(v.div_euclid(per_second), 0)
    }
}

fn event_columns(values: &StructArray) -> PyResult<EventColumns<'_>> {
    let at = values
        .column_by_name("at")
        .ok_or_else(|| schema_error("the `events` structs have no field `at`"))?;
    let unit = match at.data_type() {
        DataType::Timestamp(unit, Some(_)) => *unit,
        DataType::Timestamp(_, None) => {
            return Err(schema_error(
                "`events.at` is a timestamp without a time zone; slate never guesses one: \
                 make it `timestamp[us, tz=UTC]` (e.g. \
                 `pyarrow.compute.assume_timezone(at, \"America/Chicago\")` for local times)",
            ))
        }
        other => {
            return Err(schema_error(format!(
                "`events.at` is {other}; it must be a timestamp with a time zone \
                 (`timestamp[us, tz=UTC]`)"
            )))
        }
    };
    Ok(EventColumns {
        at: at.as_ref(),
        unit,
        kind: match values.column_by_name("type") {
            Some(c) => Strings::of(Some(c), "events.type", false)?,
            None => return Err(schema_error("the `events` structs have no field `type`")),
        },
        value: Strings::of(values.column_by_name("value"), "events.value", false)?,
        actor: Strings::of(values.column_by_name("actor"), "events.actor", false)?,
        public: match values.column_by_name("public") {
            None => None,
            Some(c) if *c.data_type() == DataType::Boolean => Some(c.as_boolean()),
            Some(c) => {
                return Err(schema_error(format!(
                    "`events.public` is {}; it must be a boolean",
                    c.data_type()
                )))
            }
        },
    })
}

/// The input batch's columns.
struct Input<'a> {
    rows: usize,
    id: Strings<'a>,
    tier: Strings<'a>,
    severity: Strings<'a>,
    issue_type: Strings<'a>,
    status: Strings<'a>,
    channel: Strings<'a>,
    events: Events<'a>,
    event_cols: EventColumns<'a>,
}

fn input(batch: &StructArray) -> PyResult<Input<'_>> {
    let required = |name: &str| {
        batch.column_by_name(name).ok_or_else(|| {
            let have: Vec<&str> = batch.column_names();
            schema_error(format!(
                "the batch has no column `{name}` (it has: {}); see docs/python.md, \"Arrow\"",
                have.join(", ")
            ))
        })
    };
    let events_col = required("events")?;
    let (events, values) = match events_col.data_type() {
        DataType::List(f) if matches!(f.data_type(), DataType::Struct(_)) => {
            let l = events_col.as_list::<i32>();
            (Events::List(l), l.values().as_struct())
        }
        DataType::LargeList(f) if matches!(f.data_type(), DataType::Struct(_)) => {
            let l = events_col.as_list::<i64>();
            (Events::Large(l), l.values().as_struct())
        }
        other => {
            return Err(schema_error(format!(
                "column `events` is {other}; it must be \
                 list<struct<at: timestamp[us, tz=UTC], type: string, value: string>>"
            )))
        }
    };
    Ok(Input {
        rows: batch.len(),
        id: Strings::of(Some(required("id")?), "id", true)?,
        tier: Strings::of(batch.column_by_name("tier"), "tier", false)?,
        severity: Strings::of(batch.column_by_name("severity"), "severity", false)?,
        issue_type: Strings::of(batch.column_by_name("type"), "type", false)?,
        status: Strings::of(batch.column_by_name("status"), "status", false)?,
        channel: Strings::of(batch.column_by_name("channel"), "channel", false)?,
        events,
        event_cols: event_columns(values)?,
    })
}

fn event_range<O: OffsetSizeTrait>(l: &GenericListArray<O>, row: usize) -> std::ops::Range<usize> {
    if l.is_null(row) {
        return 0..0;
    }
    let offsets = l.value_offsets();
    offsets[row].as_usize()..offsets[row + 1].as_usize()
}

impl Input<'_> {
    /// Row `row` as a validated ticket, or why not.
    fn ticket(&self, compiled: &Compiled, row: usize) -> Result<Ticket, Failure> {
        let id = self.id.get(row);
        let Some(id_text) = id.clone() else {
            return Err(missing(None, "id"));
        };
        let mut b = Ticket::builder(id_text);
        if let Some(t) = self.tier.get(row) {
            b = b.tier(t);
        }
        if let Some(s) = self.severity.get(row) {
            b = b.severity(s);
        }
        if let Some(t) = self.issue_type.get(row) {
            b = b.issue_type(t);
        }
        if let Some(s) = self.status.get(row) {
            b = b.status(s);
        }
        if let Some(c) = self.channel.get(row) {
            b = b.channel(c);
        }
        let range = match self.events {
            Events::List(l) => event_range(l, row),
            Events::Large(l) => event_range(l, row),
        };
        for e in range {
            let Some(at) = self.event_cols.at(e) else {
                return Err(missing(id, "events.at"));
            };
            let Some(kind) = self.event_cols.kind.get(e) else {
                return Err(missing(id, "events.type"));
            };
            let public = self
                .event_cols
                .public
                .and_then(|p| p.is_valid(e).then(|| p.value(e)));
            let actor = self.event_cols.actor.get(e);
            b = match (self.event_cols.value.get(e), actor, public) {
                (Some(v), _, _) => b.change(at, kind, v),
                (None, actor, Some(public)) => {
                    // Without an actor, the event's default one (the
                    // customer for `opened` and `customer_replied`).
                    let actor = actor.unwrap_or_else(|| {
                        let k = slate::ir::EventKind::from_name(&kind);
                        k.map_or("agent", |k| slate::ir::Actor::default_for(k).name())
                            .to_string()
                    });
                    b.message(at, kind, actor, public)
                }
                (None, Some(actor), None) => b.event_by(at, kind, actor),
                (None, None, None) => b.event(at, kind),
            };
        }
        b.build(compiled).map_err(|e| Failure::input(&e))
    }
}

fn missing(ticket: Option<String>, field: &'static str) -> Failure {
    Failure {
        ticket,
        kind: "missing_field",
        field: Some(field),
        detail: format!("missing field `{field}`"),
    }
}

/// Evaluates every row of `batch` at `at` (in parallel, GIL released): the
/// answers as consecutive batches, in input order (no concatenation here;
/// `slate.arrow` joins them when one batch is asked for).
pub fn evaluate(
    py: Python<'_>,
    compiled: &Arc<Compiled>,
    batch: &Bound<'_, PyAny>,
    at: DateTime<Utc>,
) -> PyResult<Vec<ArrowOutput>> {
    let batch = import(batch)?;
    let input = input(&batch)?;
    let compiled: &Compiled = compiled;
    let data = py.allow_threads(|| {
        // Chunks of rows, each evaluated and turned into columns on one
        // thread (answers are dropped as soon as their rows are written),
        // then concatenated in input order.
        let threads = rayon::current_num_threads().max(1);
        let chunk = (input.rows / (threads * 4)).clamp(256, 8192);
        let starts: Vec<usize> = (0..input.rows).step_by(chunk).collect();
        let rows_per_ticket = compiled.policy().metrics.len() + 1;
        let parts: Result<Vec<RecordBatch>, ArrowError> = starts
            .into_par_iter()
            .map(|start| {
                let end = (start + chunk).min(input.rows);
                let mut cols = Columns::with_capacity((end - start) * rows_per_ticket);
                for row in start..end {
                    let outcome =
                        input
                            .ticket(compiled, row)
                            .and_then(|t| match compiled.evaluate(&t, at) {
                                Ok(answer) => {
                                    cols.answer(&answer);
                                    Ok(())
                                }
                                Err(e) => Err(Failure::eval(t.id(), &e)),
                            });
                    if let Err(f) = outcome {
                        cols.failure(input.id.get(row).as_deref(), at, &f);
                    }
                }
                cols.finish()
            })
            .collect();
        parts
    });
    let parts =
        data.map_err(|e| PyValueError::new_err(format!("cannot build the answers batch: {e}")))?;
    Ok(parts
        .into_iter()
        .map(|b| ArrowOutput {
            data: StructArray::from(b),
        })
        .collect())
}

fn ts_field(name: &str) -> Field {
    Field::new(
        name,
        DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
        true,
    )
}

/// The output schema (`docs/python.md`, "Arrow").
pub fn output_schema() -> Schema {
    let dict = || DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    Schema::new(vec![
        Field::new("ticket", DataType::Utf8, true),
        ts_field("at"),
        Field::new("tier", DataType::Utf8, true),
        Field::new("severity", DataType::Utf8, true),
        Field::new("type", DataType::Utf8, true),
        Field::new("status", DataType::Utf8, true),
        Field::new("metric", DataType::Utf8, true),
        Field::new("metric_state", dict(), true),
        Field::new("breaches", DataType::Int32, true),
        Field::new("cycle", DataType::Int32, true),
        Field::new("state", dict(), true),
        Field::new("target", DataType::Utf8, true),
        Field::new("target_seconds", DataType::Int64, true),
        Field::new("calendar", DataType::Utf8, true),
        ts_field("start"),
        Field::new("started_by", DataType::Utf8, true),
        ts_field("deadline"),
        ts_field("stop"),
        Field::new("stopped_by", DataType::Utf8, true),
        Field::new("elapsed_seconds", DataType::Int64, true),
        Field::new("remaining_seconds", DataType::Int64, true),
        Field::new("wall_seconds", DataType::Int64, true),
        Field::new("consumed_permille", DataType::Int64, true),
        ts_field("breached_at"),
        Field::new(
            "milestones",
            DataType::List(Arc::new(Field::new(
                "item",
                DataType::Struct(milestone_fields()),
                true,
            ))),
            true,
        ),
        Field::new("error", DataType::Utf8, true),
        Field::new("error_kind", DataType::Utf8, true),
        Field::new("error_field", DataType::Utf8, true),
    ])
}

fn milestone_fields() -> Fields {
    Fields::from(vec![
        Field::new("kind", DataType::Utf8, false),
        Field::new("percent", DataType::Utf8, false),
        Field::new("to", DataType::Utf8, false),
        ts_field("fires_at"),
        Field::new("fired", DataType::Boolean, false),
    ])
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp() * 1_000_000
}

/// The column builders of the output.
#[derive(Default)]
struct Columns {
    ticket: StringBuilder,
    at: TimestampMicrosecondBuilder,
    tier: StringBuilder,
    severity: StringBuilder,
    issue_type: StringBuilder,
    status: StringBuilder,
    metric: StringBuilder,
    metric_state: StringDictionaryBuilder<Int32Type>,
    breaches: Int32Builder,
    cycle: Int32Builder,
    state: StringDictionaryBuilder<Int32Type>,
    target: StringBuilder,
    target_seconds: Int64Builder,
    calendar: StringBuilder,
    start: TimestampMicrosecondBuilder,
    started_by: StringBuilder,
    deadline: TimestampMicrosecondBuilder,
    stop: TimestampMicrosecondBuilder,
    stopped_by: StringBuilder,
    elapsed: Int64Builder,
    remaining: Int64Builder,
    wall: Int64Builder,
    permille: Int64Builder,
    breached_at: TimestampMicrosecondBuilder,
    // Milestones: list offsets, validity and the struct's children.
    ms_offsets: Vec<i32>,
    ms_valid: Vec<bool>,
    ms_kind: StringBuilder,
    ms_percent: StringBuilder,
    ms_to: StringBuilder,
    ms_fires_at: TimestampMicrosecondBuilder,
    ms_fired: BooleanBuilder,
    error: StringBuilder,
    error_kind: StringBuilder,
    error_field: StringBuilder,
}

impl Columns {
    /// Builders sized for about `rows` rows (no regrowth in the common case).
    fn with_capacity(rows: usize) -> Columns {
        let text = || StringBuilder::with_capacity(rows, rows * 12);
        let ts = || TimestampMicrosecondBuilder::with_capacity(rows);
        let int = || Int64Builder::with_capacity(rows);
        let dict = || StringDictionaryBuilder::<Int32Type>::with_capacity(rows, 8, 64);
        Columns {
            ticket: text(),
            at: ts(),
            tier: text(),
            severity: text(),
            issue_type: text(),
            status: text(),
            metric: text(),
            metric_state: dict(),
            breaches: Int32Builder::with_capacity(rows),
            cycle: Int32Builder::with_capacity(rows),
            state: dict(),
            target: text(),
            target_seconds: int(),
            calendar: text(),
            start: ts(),
            started_by: text(),
            deadline: ts(),
            stop: ts(),
            stopped_by: text(),
            elapsed: int(),
            remaining: int(),
            wall: int(),
            permille: int(),
            breached_at: ts(),
            ms_offsets: Vec::with_capacity(rows),
            ms_valid: Vec::with_capacity(rows),
            ..Columns::default()
        }
    }

    /// The ticket-level columns of one row.
    fn ticket_fields(&mut self, a: &TicketAnswer<'_>) {
        self.ticket.append_value(&a.id);
        self.at.append_value(micros(a.at));
        self.tier.append_value(&a.tier);
        self.severity.append_value(&a.severity);
        self.issue_type.append_option(a.issue_type.as_deref());
        self.status.append_option(a.status.as_deref());
        self.error.append_null();
        self.error_kind.append_null();
        self.error_field.append_null();
    }

    fn null_cycle(&mut self) {
        self.cycle.append_null();
        self.state.append_null();
        self.target.append_null();
        self.target_seconds.append_null();
        self.calendar.append_null();
        self.start.append_null();
        self.started_by.append_null();
        self.deadline.append_null();
        self.stop.append_null();
        self.stopped_by.append_null();
        self.elapsed.append_null();
        self.remaining.append_null();
        self.wall.append_null();
        self.permille.append_null();
        self.breached_at.append_null();
        self.close_milestones(false);
    }

    fn close_milestones(&mut self, valid: bool) {
        let len = self.ms_kind.len() as i32;
        self.ms_offsets.push(len);
        self.ms_valid.push(valid);
    }

    fn answer(&mut self, a: &TicketAnswer<'_>) {
        for m in &a.metrics {
            let rows = m.cycles.len().max(1);
            for i in 0..rows {
                self.ticket_fields(a);
                self.metric.append_value(&m.metric);
                self.metric_state.append_value(m.state.name());
                self.breaches.append_value(m.breaches as i32);
                let Some(c) = m.cycles.get(i) else {
                    self.null_cycle();
                    continue;
                };
                self.cycle.append_value(c.cycle as i32);
                self.state.append_value(c.state.name());
                self.target.append_option(c.target.as_deref());
                self.target_seconds.append_option(c.target_seconds);
                self.calendar.append_value(&c.calendar);
                self.start.append_value(micros(c.start));
                self.started_by.append_value(&c.started_by);
                self.deadline.append_option(c.deadline.map(micros));
                self.stop.append_option(c.stop.map(micros));
                self.stopped_by.append_option(c.stopped_by.as_deref());
                self.elapsed.append_value(c.elapsed_seconds);
                self.remaining.append_option(c.remaining_seconds);
                self.wall.append_value(c.wall_seconds);
                self.permille.append_option(c.consumed_permille);
                self.breached_at.append_option(c.breached_at.map(micros));
                for ms in &c.milestones {
                    let kind = serde_json::to_value(ms.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default();
                    self.ms_kind.append_value(kind);
                    self.ms_percent.append_value(&ms.percent);
                    self.ms_to.append_value(&ms.to);
                    self.ms_fires_at.append_option(ms.fires_at.map(micros));
                    self.ms_fired.append_value(ms.fired);
                }
                self.close_milestones(true);
            }
        }
    }

    fn failure(&mut self, id: Option<&str>, at: DateTime<Utc>, f: &Failure) {
        self.ticket.append_option(id);
        self.at.append_value(micros(at));
        self.tier.append_null();
        self.severity.append_null();
        self.issue_type.append_null();
        self.status.append_null();
        self.metric.append_null();
        self.metric_state.append_null();
        self.breaches.append_null();
        self.null_cycle();
        self.error.append_value(f.message(None));
        self.error_kind.append_value(f.kind);
        self.error_field.append_option(f.field);
    }

    fn finish(mut self) -> Result<RecordBatch, ArrowError> {
        let schema = Arc::new(output_schema());
        let utc = |b: &mut TimestampMicrosecondBuilder| -> ArrayRef {
            Arc::new(b.finish().with_timezone("UTC"))
        };
        let ms_struct = StructArray::try_new(
            milestone_fields(),
            vec![
                Arc::new(self.ms_kind.finish()),
                Arc::new(self.ms_percent.finish()),
                Arc::new(self.ms_to.finish()),
                utc(&mut self.ms_fires_at),
                Arc::new(self.ms_fired.finish()),
            ],
            None,
        )?;
        let mut offsets = vec![0i32];
        offsets.extend(&self.ms_offsets);
        let milestones = ListArray::try_new(
            Arc::new(Field::new(
                "item",
                DataType::Struct(milestone_fields()),
                true,
            )),
            OffsetBuffer::new(offsets.into()),
            Arc::new(ms_struct),
            Some(NullBuffer::from(self.ms_valid.clone())),
        )?;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.ticket.finish()),
            utc(&mut self.at),
            Arc::new(self.tier.finish()),
            Arc::new(self.severity.finish()),
            Arc::new(self.issue_type.finish()),
            Arc::new(self.status.finish()),
            Arc::new(self.metric.finish()),
            Arc::new(self.metric_state.finish()),
            Arc::new(self.breaches.finish()),
            Arc::new(self.cycle.finish()),
            Arc::new(self.state.finish()),
            Arc::new(self.target.finish()),
            Arc::new(self.target_seconds.finish()),
            Arc::new(self.calendar.finish()),
            utc(&mut self.start),
            Arc::new(self.started_by.finish()),
            utc(&mut self.deadline),
            utc(&mut self.stop),
            Arc::new(self.stopped_by.finish()),
            Arc::new(self.elapsed.finish()),
            Arc::new(self.remaining.finish()),
            Arc::new(self.wall.finish()),
            Arc::new(self.permille.finish()),
            utc(&mut self.breached_at),
            Arc::new(milestones),
            Arc::new(self.error.finish()),
            Arc::new(self.error_kind.finish()),
            Arc::new(self.error_field.finish()),
        ];
        RecordBatch::try_new(schema, columns)
    }
}

/// The output schema as an (empty) batch, for `slate.arrow.OUTPUT_SCHEMA`.
#[pyfunction]
pub fn empty_output() -> PyResult<ArrowOutput> {
    Columns::default()
        .finish()
        .map(|batch| ArrowOutput {
            data: StructArray::from(batch),
        })
        .map_err(|e| PyValueError::new_err(format!("cannot build the answers batch: {e}")))
}
