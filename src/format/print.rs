//! The printer: concrete tree in, canonical text out (layout rules in the
//! module docs of `crate::format`).

use super::normalize;
use crate::syntax::cst::{Comment, Elem, Node, NodeKind, Token, TokenKind};

/// Indentation of a block's statements.
const INDENT: usize = 2;
/// Extra indentation of a statement continued after a comment.
const CONTINUE: usize = 4;

/// One output line.
struct Line {
    indent: usize,
    text: String,
    /// A comment ending the line.
    comment: Option<String>,
    blank_before: bool,
    /// Lines of one group align their trailing comments.
    group: Option<usize>,
}

#[derive(Default)]
struct Printer {
    lines: Vec<Line>,
    /// Whether tokens may still be appended to the last line.
    open: bool,
    /// The kind of the last token on the last line.
    prev: Option<TokenKind>,
    /// The alignment group of new lines.
    group: Option<usize>,
    groups: usize,
    /// The next line gets a blank line before it.
    pending_blank: bool,
    /// The next line gets no blank line before it (just after `{`).
    no_blank: bool,
    /// The line of the current declaration's first token.
    first_code_line: Option<usize>,
}

/// Prints a whole file.
pub(super) fn file(root: &Node) -> String {
    let mut p = Printer::default();
    let mut prev_one_line = false;
    let mut first = true;
    for e in &root.elems {
        match e {
            Elem::Node(decl) => {
                let start = p.lines.len();
                p.pending_blank = !first;
                p.decl(decl);
                first = false;
                // Leading comment lines do not count: `# note` then one
                // `escalate` line is still a one-line declaration.
                let one_line = p.first_code_line.is_some_and(|l| p.lines.len() == l + 1);
                let joined = decl
                    .leaves()
                    .into_iter()
                    .find(|l| !matches!(l, Elem::Comment(c) if c.newlines_before == 0))
                    .is_some_and(|l| matches!(l, Elem::Token(t) if t.newlines_before < 2));
                if prev_one_line && one_line && joined {
                    if let Some(l) = p.lines.get_mut(start) {
                        // `start` is the first code line here: a leading
                        // comment would have a line break before it.
                        l.blank_before = false;
                    }
                }
                prev_one_line = one_line;
            }
            Elem::Comment(c) => {
                p.open = false;
                p.comment(c, 0);
                prev_one_line = false;
            }
            Elem::Token(t) => {
                // Not produced at file level; printed rather than lost.
                p.token(t, 0);
            }
        }
    }
    p.render()
}

impl Printer {
    fn new_line(&mut self, indent: usize, blank: bool) {
        let blank = (blank || self.pending_blank) && !self.no_blank;
        self.lines.push(Line {
            indent,
            text: String::new(),
            comment: None,
            blank_before: blank,
            group: self.group,
        });
        self.pending_blank = false;
        self.no_blank = false;
        self.open = true;
        self.prev = None;
    }

    /// Appends a token to the open line, or starts a line at `indent`.
    fn token(&mut self, t: &Token, indent: usize) {
        if !self.open {
            self.new_line(indent, t.newlines_before >= 2);
        }
        let text = normalize(&t.text, t.kind);
        if let Some(line) = self.lines.last_mut() {
            if let Some(prev) = self.prev {
                if spaced(prev, t.kind) {
                    line.text.push(' ');
                }
            }
            line.text.push_str(&text);
        }
        self.prev = Some(t.kind);
    }

    /// A comment that ended a line of code stays at the end of that line;
    /// any other goes on a line of its own at `indent`. Either way the next
    /// token starts a new line.
    fn comment(&mut self, c: &Comment, indent: usize) {
        let trailing = c.newlines_before == 0;
        match self.lines.last_mut() {
            Some(last) if trailing && last.comment.is_none() => {
                last.comment = Some(c.text.clone());
            }
            _ => {
                self.new_line(indent, c.newlines_before >= 2);
                if let Some(line) = self.lines.last_mut() {
                    line.text = c.text.clone();
                }
            }
        }
        self.open = false;
    }

    fn decl(&mut self, node: &Node) {
        self.open = false;
        self.first_code_line = None;
        self.group = None;
        let inline = inline_block(node);
        let mut inside = false;
        let mut empty = true;
        let mut started = false;
        for e in &node.elems {
            match e {
                Elem::Token(t) if t.kind == TokenKind::Open => {
                    self.token(t, 0);
                    inside = true;
                    if !inline {
                        self.open = false;
                        self.no_blank = true;
                        self.groups += 1;
                        self.group = Some(self.groups);
                    }
                }
                Elem::Token(t) if t.kind == TokenKind::Close => {
                    inside = false;
                    self.group = None;
                    self.no_blank = false;
                    if empty {
                        // `{}` on the header's line.
                        self.open = true;
                        self.prev = Some(TokenKind::Open);
                    } else if !inline {
                        self.open = false;
                        self.new_line(0, false);
                        if let Some(l) = self.lines.last_mut() {
                            l.blank_before = false;
                        }
                    }
                    self.token(t, 0);
                }
                Elem::Token(t) => {
                    let indent = match (inside, started) {
                        (true, _) => INDENT + CONTINUE,
                        (false, true) => CONTINUE,
                        (false, false) => 0,
                    };
                    if !started && !self.open {
                        self.first_code_line = Some(self.lines.len());
                    }
                    self.token(t, indent);
                    started = true;
                }
                Elem::Comment(c) => {
                    empty = false;
                    self.comment(c, if inside { INDENT } else { 0 });
                }
                Elem::Node(n) => {
                    // An empty table body is an empty block: `{}`.
                    empty &= n.kind == NodeKind::Table && n.elems.is_empty();
                    match n.kind {
                        NodeKind::Table => self.table(n),
                        _ if inline => {
                            for leaf in n.leaves() {
                                if let Elem::Token(t) = leaf {
                                    self.token(t, INDENT);
                                }
                            }
                        }
                        _ => self.stmt(n),
                    }
                }
            }
        }
        self.open = false;
    }

    fn stmt(&mut self, node: &Node) {
        self.open = false;
        let mut started = false;
        for e in node.leaves() {
            let indent = if started { INDENT + CONTINUE } else { INDENT };
            match e {
                Elem::Token(t) => {
                    self.token(t, indent);
                    started = true;
                }
                Elem::Comment(c) => self.comment(c, indent),
                Elem::Node(_) => {}
            }
        }
        self.open = false;
    }

    fn table(&mut self, node: &Node) {
        enum Item {
            Row {
                cells: Vec<String>,
                blank: bool,
                comment: Option<String>,
            },
            Comment {
                text: String,
                blank: bool,
            },
        }
        let mut items: Vec<Item> = Vec::new();
        for line in &node.elems {
            let Elem::Node(line) = line else { continue };
            let mut row: Option<Vec<String>> = None;
            let mut row_blank = false;
            let mut after: Vec<Item> = Vec::new();
            if line.kind == NodeKind::Header {
                row = Some(vec![String::new()]);
            }
            for e in &line.elems {
                match e {
                    Elem::Token(t) => {
                        let cells = row.get_or_insert_with(Vec::new);
                        if cells.is_empty() || (cells.len() == 1 && cells[0].is_empty()) {
                            row_blank = t.newlines_before >= 2;
                        }
                        cells.push(normalize(&t.text, t.kind));
                    }
                    Elem::Comment(c) if c.newlines_before == 0 => {
                        // Ends the line before this one: the last row, or
                        // the `{` line when the table has none yet.
                        match items.last_mut() {
                            Some(Item::Row { comment, .. }) if comment.is_none() => {
                                *comment = Some(c.text.clone());
                            }
                            Some(_) => after.push(Item::Comment {
                                text: c.text.clone(),
                                blank: false,
                            }),
                            None => self.comment(c, INDENT),
                        }
                    }
                    Elem::Comment(c) => items.push(Item::Comment {
                        text: c.text.clone(),
                        blank: c.newlines_before >= 2,
                    }),
                    Elem::Node(_) => {}
                }
            }
            items.append(&mut after);
            if let Some(cells) = row {
                items.push(Item::Row {
                    cells,
                    blank: row_blank,
                    comment: None,
                });
            }
        }
        let mut widths: Vec<usize> = Vec::new();
        for item in &items {
            if let Item::Row { cells, .. } = item {
                for (i, c) in cells.iter().enumerate() {
                    let w = c.chars().count();
                    match widths.get_mut(i) {
                        Some(x) => *x = (*x).max(w),
                        None => widths.push(w),
                    }
                }
            }
        }
        for item in items {
            self.open = false;
            match item {
                Item::Comment { text, blank } => {
                    self.new_line(INDENT, blank);
                    if let Some(l) = self.lines.last_mut() {
                        l.text = text;
                    }
                }
                Item::Row {
                    cells,
                    blank,
                    comment,
                } => {
                    let mut text = String::new();
                    for (i, c) in cells.iter().enumerate() {
                        text.push_str(c);
                        if i + 1 < cells.len() {
                            let pad = widths[i] - c.chars().count();
                            text.extend(std::iter::repeat_n(' ', pad));
                            text.push_str(if i == 0 { "  " } else { " " });
                        }
                    }
                    self.new_line(INDENT, blank);
                    if let Some(l) = self.lines.last_mut() {
                        l.text = text.trim_end().to_string();
                        l.comment = comment;
                    }
                }
            }
        }
        self.open = false;
    }

    fn render(self) -> String {
        let mut columns = std::collections::HashMap::new();
        for l in &self.lines {
            if let (Some(g), Some(_)) = (l.group, &l.comment) {
                let w = l.indent + l.text.chars().count() + 2;
                let c = columns.entry(g).or_insert(0);
                *c = w.max(*c);
            }
        }
        let mut out = String::new();
        for l in &self.lines {
            if l.blank_before && !out.is_empty() && !out.ends_with("\n\n") {
                out.push('\n');
            }
            let mut line = " ".repeat(l.indent);
            line.push_str(&l.text);
            if let Some(c) = &l.comment {
                let at = l.group.and_then(|g| columns.get(&g).copied()).unwrap_or(0);
                let width = line.chars().count();
                let pad = if at > width { at - width } else { 2 };
                line.extend(std::iter::repeat_n(' ', pad));
                line.push_str(c);
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Whether a space goes between two tokens on a line.
fn spaced(prev: TokenKind, next: TokenKind) -> bool {
    use TokenKind::*;
    !(next == Comma
        || next == Colon
        || prev == Range
        || next == Range
        || prev == Dash
        || next == Dash
        || prev == LParen
        || next == RParen
        || (prev == Open && next == Close))
}

/// A block stays on its header's line when it holds one statement written
/// on that line and no comment.
fn inline_block(node: &Node) -> bool {
    let mut stmts = 0;
    let mut inside = false;
    for e in &node.elems {
        match e {
            Elem::Token(t) if t.kind == TokenKind::Open => inside = true,
            Elem::Token(t) if t.kind == TokenKind::Close => {
                return inside && stmts == 1 && t.newlines_before == 0;
            }
            Elem::Comment(_) if inside => return false,
            Elem::Node(n) if n.kind == NodeKind::Stmt => {
                stmts += 1;
                let leaves = n.leaves();
                if leaves.iter().any(|l| matches!(l, Elem::Comment(_))) {
                    return false;
                }
                if leaves
                    .iter()
                    .any(|l| matches!(l, Elem::Token(t) if t.newlines_before > 0))
                {
                    return false;
                }
            }
            Elem::Node(_) => return false,
            _ => {}
        }
    }
    false
}
