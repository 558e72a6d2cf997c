//! Parsing: pest lives here and nowhere else.
