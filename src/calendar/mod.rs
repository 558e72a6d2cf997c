//! Business-time arithmetic over checked calendars.
