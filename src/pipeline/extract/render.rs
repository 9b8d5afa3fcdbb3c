//! Walks the selected HTML and writes canonical blocks: headings, paragraphs, list items and
//! table rows.

use ego_tree::NodeRef;
use scraper::Node;

use super::select::{Filter, Root};
use super::text::{Block, BlockKind, clean_lines};

/// Elements whose content is never text of the document.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "svg", "head", "img", "picture", "video", "audio", "iframe", "object",
    "embed", "canvas", "map", "input", "textarea", "math", "link", "meta",
];

/// Elements that start and end a block of text.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "main",
    "menu",
    "nav",
    "p",
    "section",
    "summary",
    "tbody",
    "tfoot",
    "thead",
];

/// Renders the selected roots into blocks.
pub(super) fn render(roots: &[Root<'_>], filter: &Filter) -> Vec<Block> {
    let mut renderer = Renderer {
        filter,
        include: None,
        blocks: Vec::new(),
        inline: String::new(),
        lists: Vec::new(),
        marker: None,
        bold: 0,
        pre: 0,
        cell: 0,
        flushes: 0,
    };
    for root in roots {
        renderer.include = root.range;
        renderer.node(root.node);
        renderer.flush(BlockKind::Paragraph);
    }
    renderer.blocks
}

struct Renderer<'f> {
    filter: &'f Filter,
    include: Option<(usize, usize)>,
    blocks: Vec<Block>,
    inline: String,
    /// Open lists: `None` for bullets, `Some(next number)` for ordered lists.
    lists: Vec<Option<u64>>,
    /// The marker of a list item whose first line is not written yet.
    marker: Option<String>,
    bold: usize,
    pre: usize,
    cell: usize,
    flushes: usize,
}

impl Renderer<'_> {
    fn node(&mut self, node: NodeRef<'_, Node>) {
        match node.value() {
            Node::Text(text) if self.filter.text_allowed(node.id(), self.include) => {
                self.text(text);
            }
            Node::Element(element) if !self.filter.is_removed(node.id()) => {
                self.element(node, element.name());
            }
            Node::Document | Node::Fragment => self.children(node),
            _ => {}
        }
    }

    fn children(&mut self, node: NodeRef<'_, Node>) {
        for child in node.children() {
            self.node(child);
        }
    }

    fn text(&mut self, text: &str) {
        if self.pre > 0 {
            self.inline.push_str(text);
        } else {
            self.inline.extend(text.chars().map(|c| if c == '\n' { ' ' } else { c }));
        }
    }

    fn element(&mut self, node: NodeRef<'_, Node>, name: &str) {
        match name {
            _ if SKIPPED.contains(&name) => {}
            "br" => self.line_break(),
            "strong" | "b" => self.strong(node),
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.heading(node, name),
            "ul" | "ol" => self.list(node, name),
            "li" => self.list_item(node),
            "tr" if self.cell == 0 => self.table_row(node),
            "table" | "tr" | "td" | "th" => self.block(node),
            "pre" => {
                self.pre += 1;
                self.block(node);
                self.pre -= 1;
            }
            _ if BLOCKS.contains(&name) => self.block(node),
            _ => self.inline_element(node),
        }
    }

    /// An inline element written right after another element, whose words would otherwise run
    /// into that one's ("Effective October 8, 2025" + "Previous Version", "Terms of Service" +
    /// "Privacy Policy"): a space keeps them apart, as the page's layout (flex gaps, margins) does
    /// on screen. Only a lower-case letter or digit followed by a capital counts, so a word split
    /// across elements ("<b>W</b>ord", "Open<span>AI</span>" after text) is left whole.
    fn inline_element(&mut self, node: NodeRef<'_, Node>) {
        let start = self.inline.len();
        let flushes = self.flushes;
        self.children(node);
        let after_element = node.prev_sibling().is_some_and(|sibling| sibling.value().is_element());
        if !after_element || start == 0 || self.pre > 0 || self.flushes != flushes {
            return;
        }
        let before = self.inline[..start].chars().next_back();
        let first = self.inline[start..].chars().next();
        if before.is_some_and(|c| c.is_lowercase() || c.is_ascii_digit()) && first.is_some_and(char::is_uppercase) {
            self.inline.insert(start, ' ');
        }
    }

    /// `<br>` ends a line; a second one in a row ends the paragraph, as in Markdown.
    fn line_break(&mut self) {
        let last_line = self.inline.rsplit('\n').next().unwrap_or_default();
        if self.pre == 0 && self.inline.contains('\n') && last_line.trim().is_empty() {
            self.flush(BlockKind::Paragraph);
        } else {
            self.inline.push('\n');
        }
    }

    fn block(&mut self, node: NodeRef<'_, Node>) {
        self.flush(BlockKind::Paragraph);
        self.children(node);
        self.flush(BlockKind::Paragraph);
    }

    /// Bold text is kept as `**…**` (whitespace moved outside the markers), once per nesting.
    fn strong(&mut self, node: NodeRef<'_, Node>) {
        let start = self.inline.len();
        let flushes = self.flushes;
        self.bold += 1;
        self.children(node);
        self.bold -= 1;
        if self.bold > 0 || self.flushes != flushes || self.pre > 0 {
            return;
        }
        let inner = self.inline.split_off(start);
        let trimmed = inner.trim();
        if trimmed.is_empty() {
            self.inline.push_str(&inner);
            return;
        }
        let leading = &inner[..inner.len() - inner.trim_start().len()];
        let trailing = &inner[inner.trim_end().len()..];
        self.inline.push_str(leading);
        self.inline.push_str("**");
        self.inline.push_str(trimmed);
        self.inline.push_str("**");
        self.inline.push_str(trailing);
    }

    fn heading(&mut self, node: NodeRef<'_, Node>, name: &str) {
        self.flush(BlockKind::Paragraph);
        self.children(node);
        let level = name.as_bytes().get(1).map_or(1, |digit| digit - b'0');
        self.flush(BlockKind::Heading(level));
    }

    fn list(&mut self, node: NodeRef<'_, Node>, name: &str) {
        self.flush(BlockKind::Paragraph);
        let first = if name == "ol" {
            let start = node
                .value()
                .as_element()
                .and_then(|element| element.attr("start"))
                .and_then(|start| start.trim().parse::<u64>().ok());
            Some(start.unwrap_or(1))
        } else {
            None
        };
        self.lists.push(first);
        self.children(node);
        self.flush(BlockKind::Paragraph);
        self.lists.pop();
    }

    fn list_item(&mut self, node: NodeRef<'_, Node>) {
        self.flush(BlockKind::Paragraph);
        let depth = self.lists.len().saturating_sub(1);
        let indent = "  ".repeat(depth);
        let marker = match self.lists.last_mut() {
            Some(Some(number)) => {
                let marker = format!("{indent}{number}. ");
                *number += 1;
                marker
            }
            _ => format!("{indent}- "),
        };
        self.marker = Some(marker);
        self.children(node);
        self.flush(BlockKind::Paragraph);
        self.marker = None;
    }

    fn table_row(&mut self, node: NodeRef<'_, Node>) {
        self.flush(BlockKind::Paragraph);
        let mut cells = Vec::new();
        self.cell += 1;
        for child in node.children() {
            let is_cell = child.value().as_element().is_some_and(|element| matches!(element.name(), "td" | "th"));
            if is_cell && !self.filter.is_removed(child.id()) {
                self.children(child);
                let text = clean_lines(&std::mem::take(&mut self.inline));
                cells.push(text.replace('\n', " "));
            } else {
                self.node(child);
            }
        }
        self.cell -= 1;
        self.inline.clear();
        if cells.iter().any(|cell| !cell.is_empty()) {
            let row = clean_lines(&format!("| {} |", cells.join(" | ")));
            self.push(row, BlockKind::TableRow);
        }
    }

    /// Ends the current block of inline text (inside a table cell: a space).
    fn flush(&mut self, kind: BlockKind) {
        if self.cell > 0 {
            self.inline.push(' ');
            return;
        }
        self.flushes += 1;
        let raw = std::mem::take(&mut self.inline);
        let mut text = clean_lines(&raw);
        if text.is_empty() {
            return;
        }
        if let BlockKind::Heading(_) = kind {
            text = text.replace("**", "").replace('\n', " ");
        }
        self.push(text, kind);
    }

    fn push(&mut self, text: String, kind: BlockKind) {
        if self.lists.is_empty() || matches!(kind, BlockKind::Heading(_)) {
            self.blocks.push(Block { text, kind });
            return;
        }
        let continuation = "  ".repeat(self.lists.len());
        let first_prefix = self.marker.take().unwrap_or_else(|| continuation.clone());
        let mut out = String::with_capacity(text.len() + first_prefix.len());
        for (index, line) in text.lines().enumerate() {
            if index > 0 {
                out.push('\n');
                out.push_str(&continuation);
            } else {
                out.push_str(&first_prefix);
            }
            out.push_str(line);
        }
        self.blocks.push(Block { text: out, kind: BlockKind::ListItem });
    }
}
