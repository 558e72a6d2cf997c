//! Diagnostics: the code table and renderers.
