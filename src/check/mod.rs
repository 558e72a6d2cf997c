//! The checker: surface tree to IR.
