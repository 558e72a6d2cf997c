//! Checker tests over hand-built surface trees.
