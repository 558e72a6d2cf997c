//! Ticket evaluation.
