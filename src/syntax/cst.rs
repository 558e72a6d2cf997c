//! The lossless layer under the surface tree: the pest pairs of a file
//! turned into a small concrete tree that keeps every comment and how many
//! line breaks came before each token. The formatter (`crate::format`)
//! prints from it; nothing else needs it.
//!
//! Comments and the grammar's silent punctuation (`,`, `<`, `..`, the `-` of
//! a time range) are not pest pairs, so they are recovered from the text
//! between two consecutive tokens: that text can only hold whitespace,
//! comments and such punctuation.

use super::pest::{Rule, SlateParser};
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;
use ::pest::iterators::Pair;
use ::pest::Parser;

/// What a node of the concrete tree groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// The whole file; its comments after the last declaration are its own.
    File,
    /// One top-level declaration.
    Decl,
    /// One statement inside the braces of a declaration.
    Stmt,
    /// The body of a `targets` table.
    Table,
    /// The header line of a table.
    Header,
    /// One row of a table.
    Row,
}

/// How a token is spaced and normalized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// A keyword or a name.
    Word,
    /// A value literal (a number, duration, percentage, money, string, `-`).
    Value,
    /// A time of day (`08:00`).
    Time,
    /// `{`.
    Open,
    /// `}`.
    Close,
    /// `(`.
    LParen,
    /// `)`.
    RParen,
    /// An operator spaced on both sides (`|`, `&`, `-` between calendars,
    /// `<`, `=`, `>=`).
    Op,
    /// `,`.
    Comma,
    /// `..` of a tier range.
    Range,
    /// `:` after a value in `calendar NAME by ATTRIBUTE { value: CAL }`.
    Colon,
    /// `-` of a time range.
    Dash,
}

/// A token as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Its text.
    pub text: String,
    /// Its kind.
    pub kind: TokenKind,
    /// Line breaks between the previous token or comment and this one
    /// (0: same line; 2 or more: a blank line came before).
    pub newlines_before: usize,
}

/// A `#` comment, without its line break and trailing spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Its text, starting with `#`.
    pub text: String,
    /// Line breaks before it (0: it ends a line that holds code).
    pub newlines_before: usize,
}

/// A child of a node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elem {
    /// A nested node.
    Node(Node),
    /// A token.
    Token(Token),
    /// A comment.
    Comment(Comment),
}

/// A node of the concrete tree: its children in source order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// What it groups.
    pub kind: NodeKind,
    /// Its children.
    pub elems: Vec<Elem>,
}

impl Node {
    fn new(kind: NodeKind) -> Node {
        Node {
            kind,
            elems: Vec::new(),
        }
    }

    /// Every token and comment in source order, depth first.
    pub fn leaves(&self) -> Vec<&Elem> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'a>(&'a self, out: &mut Vec<&'a Elem>) {
        for e in &self.elems {
            match e {
                Elem::Node(n) => n.collect(out),
                other => out.push(other),
            }
        }
    }
}

/// Parses a file into its concrete tree. A file with syntax errors gives
/// those errors (the same ones `slate check` reports) and no tree.
pub fn parse(source: &SourceFile) -> Result<Node, Vec<Diagnostic>> {
    let (tree, diags) = super::parse(source);
    if tree.is_none() {
        return Err(diags.into_iter().filter(Diagnostic::is_error).collect());
    }
    let text = source.text.as_str();
    let file = match SlateParser::parse(Rule::file, text) {
        Ok(mut pairs) => pairs.next(),
        // `super::parse` accepted the same text, so this cannot happen;
        // report it as the syntax error pest gives rather than panic.
        Err(e) => return Err(vec![super::error::from_pest(text, &e)]),
    };
    let mut builder = Builder { text, pos: 0 };
    let mut root = Node::new(NodeKind::File);
    if let Some(file) = file {
        for item in file.into_inner() {
            if item.as_rule() == Rule::item {
                let decl = builder.decl(item);
                root.elems.push(Elem::Node(decl));
            }
        }
    }
    builder.gap(text.len(), &mut root);
    Ok(root)
}

struct Builder<'t> {
    text: &'t str,
    /// End of the last token taken.
    pos: usize,
}

impl Builder<'_> {
    /// A declaration: its header tokens, then one `Stmt` per statement
    /// between its braces (or a `Table`).
    fn decl(&mut self, item: Pair<'_, Rule>) -> Node {
        let mut node = Node::new(NodeKind::Decl);
        let mut inside = false;
        for decl in item.into_inner() {
            for child in decl.into_inner() {
                match child.as_rule() {
                    Rule::lbrace => {
                        inside = true;
                        self.token(&child, &mut node);
                    }
                    Rule::rbrace => {
                        inside = false;
                        self.token(&child, &mut node);
                    }
                    // `by region { eu: eu_desk, us: us_desk } default us_desk`:
                    // the cases are one statement of the braces.
                    Rule::select_body => {
                        let mut cases: Option<Node> = None;
                        for part in child.into_inner() {
                            match part.as_rule() {
                                Rule::select_case => {
                                    let stmt =
                                        cases.get_or_insert_with(|| Node::new(NodeKind::Stmt));
                                    self.flatten(part, stmt);
                                }
                                Rule::rbrace => {
                                    if let Some(stmt) = cases.take() {
                                        node.elems.push(Elem::Node(stmt));
                                    }
                                    self.token(&part, &mut node);
                                }
                                _ => self.flatten(part, &mut node),
                            }
                        }
                    }
                    Rule::table => {
                        let mut table = Node::new(NodeKind::Table);
                        for line in child.into_inner() {
                            let kind = if line.as_rule() == Rule::table_header {
                                NodeKind::Header
                            } else {
                                NodeKind::Row
                            };
                            let mut row = Node::new(kind);
                            self.flatten(line, &mut row);
                            table.elems.push(Elem::Node(row));
                        }
                        node.elems.push(Elem::Node(table));
                    }
                    _ if inside => {
                        let mut stmt = Node::new(NodeKind::Stmt);
                        self.flatten(child, &mut stmt);
                        node.elems.push(Elem::Node(stmt));
                    }
                    _ => self.flatten(child, &mut node),
                }
            }
        }
        node
    }

    /// The tokens of a pair, in order, into `node`.
    fn flatten(&mut self, pair: Pair<'_, Rule>, node: &mut Node) {
        if pair.clone().into_inner().peek().is_none() {
            self.token(&pair, node);
        } else {
            for child in pair.into_inner() {
                self.flatten(child, node);
            }
        }
    }

    fn token(&mut self, pair: &Pair<'_, Rule>, node: &mut Node) {
        let span = pair.as_span();
        let newlines_before = self.gap(span.start(), node);
        let kind = match pair.as_rule() {
            Rule::lbrace => TokenKind::Open,
            Rule::rbrace => TokenKind::Close,
            Rule::lparen => TokenKind::LParen,
            Rule::rparen => TokenKind::RParen,
            Rule::union_op | Rule::inter_op | Rule::diff_op | Rule::comparison | Rule::equals => {
                TokenKind::Op
            }
            Rule::value | Rule::fraction | Rule::interval | Rule::cell => TokenKind::Value,
            Rule::time => TokenKind::Time,
            _ => TokenKind::Word,
        };
        node.elems.push(Elem::Token(Token {
            text: span.as_str().to_string(),
            kind,
            newlines_before,
        }));
        self.pos = span.end();
    }

    /// Takes the text from the last token to `end`: comments and silent
    /// punctuation go into `node`; returns the line breaks left before the
    /// next thing.
    fn gap(&mut self, end: usize, node: &mut Node) -> usize {
        let gap = self.text.get(self.pos..end).unwrap_or("");
        let mut newlines = 0;
        let mut rest = gap;
        while let Some(c) = rest.chars().next() {
            if c == '\n' {
                newlines += 1;
                rest = &rest[1..];
            } else if c.is_whitespace() || c == '\u{FEFF}' {
                rest = &rest[c.len_utf8()..];
            } else if c == '#' {
                let len = rest.find(['\n', '\r']).unwrap_or(rest.len());
                node.elems.push(Elem::Comment(Comment {
                    text: rest[..len].trim_end().to_string(),
                    newlines_before: newlines,
                }));
                newlines = 0;
                rest = &rest[len..];
            } else {
                let len = rest
                    .find(|c: char| c.is_whitespace() || c == '#')
                    .unwrap_or(rest.len());
                let text = &rest[..len];
                let kind = match text {
                    "," => TokenKind::Comma,
                    ":" => TokenKind::Colon,
                    ".." => TokenKind::Range,
                    "-" => TokenKind::Dash,
                    _ => TokenKind::Op,
                };
                node.elems.push(Elem::Token(Token {
                    text: text.to_string(),
                    kind,
                    newlines_before: newlines,
                }));
                newlines = 0;
                rest = &rest[len..];
            }
        }
        self.pos = end;
        newlines
    }
}
