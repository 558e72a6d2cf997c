//! Local wall-clock times to instants and back, in one IANA zone.
//!
//! The rules (see `docs/calendar.md`): a local time that a DST gap skips moves
//! forward by the length of the gap (it is read with the offset in force just
//! before the gap); an ambiguous local time takes the earlier instant.

use chrono::{NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;

/// Seconds of the Unix epoch for `date` 00:00 read as if it were UTC.
pub(crate) fn date_seconds(date: NaiveDate) -> i64 {
    date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp()
}

/// The UTC offset of `tz` in force at instant `t`, in seconds east of UTC.
pub(crate) fn offset_at(tz: Tz, t: i64) -> i64 {
    match chrono::DateTime::from_timestamp(t, 0) {
        Some(dt) => i64::from(
            tz.offset_from_utc_datetime(&dt.naive_utc())
                .fix()
                .local_minus_utc(),
        ),
        None => 0,
    }
}

/// The instant of local wall-clock time `date` 00:00 plus `secs` seconds
/// (`secs` may exceed a day: `25:00` is 01:00 of the next date).
pub(crate) fn local_to_instant(tz: Tz, date: NaiveDate, secs: i64) -> i64 {
    let wall = date_seconds(date) + secs;
    let Some(naive) = naive_of(wall) else {
        return wall;
    };
    match tz.from_local_datetime(&naive) {
        chrono::LocalResult::Single(dt) => dt.timestamp(),
        chrono::LocalResult::Ambiguous(a, b) => a.timestamp().min(b.timestamp()),
        chrono::LocalResult::None => {
            // In a gap: read the wall time with the offset in force before the
            // transition. Every offset is within +-15 h, so the transition is
            // after `wall - 15 h`, and the offset there is the one before it.
            wall - offset_at(tz, wall - 15 * 3600)
        }
    }
}

/// Local wall-clock seconds (as if UTC) of instant `t` in `tz`.
pub(crate) fn wall_of(tz: Tz, t: i64) -> i64 {
    t + offset_at(tz, t)
}

/// The local date of instant `t` in `tz`.
pub(crate) fn local_date(tz: Tz, t: i64) -> NaiveDate {
    date_of_wall(wall_of(tz, t))
}

/// The date of wall-clock seconds.
pub(crate) fn date_of_wall(wall: i64) -> NaiveDate {
    match naive_of(wall) {
        Some(n) => n.date(),
        None => NaiveDate::MIN,
    }
}

fn naive_of(wall: i64) -> Option<NaiveDateTime> {
    chrono::DateTime::from_timestamp(wall, 0).map(|d| d.naive_utc())
}
