//! The spanned surface tree.
