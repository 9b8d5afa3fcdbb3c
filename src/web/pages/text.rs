//! Archived text as readers see it: the stored Markdown-like text (headings, lists, bold, tables)
//! read by a CommonMark parser into blocks of styled spans. Templates escape every span's text;
//! nothing of the archived text is ever rendered as HTML, and links and images keep only their
//! words, so an archived page cannot send a reader anywhere.
use std::borrow::Cow;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub strong: bool,
    pub emphasis: bool,
}

impl Span {
    /// The tags that open the span's style: our own constant markup, never archived text.
    pub fn open(&self) -> &'static str {
        match (self.strong, self.emphasis) {
            (true, true) => "<strong><em>",
            (true, false) => "<strong>",
            (false, true) => "<em>",
            (false, false) => "",
        }
    }

    /// The tags that close what `open` opened.
    pub fn close(&self) -> &'static str {
        match (self.strong, self.emphasis) {
            (true, true) => "</em></strong>",
            (true, false) => "</strong>",
            (false, true) => "</em>",
            (false, false) => "",
        }
    }
}

/// The spans of one line of text, one table cell, or one block.
pub type Spans = Vec<Span>;

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Heading,
    Item,
    Paragraph,
    Table,
}

/// A block of archived text: a heading, a list item, a paragraph or a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub spans: Spans,
    /// A table's header cells (empty for other blocks).
    pub head: Vec<Spans>,
    /// A table's body rows of cells (empty for other blocks).
    pub rows: Vec<Vec<Spans>>,
}

impl Block {
    fn new(kind: BlockKind) -> Block {
        Block { kind, spans: Vec::new(), head: Vec::new(), rows: Vec::new() }
    }

    /// True for headings (templates cannot match on enums from other modules tidily).
    pub fn is_heading(&self) -> bool {
        self.kind == BlockKind::Heading
    }

    /// True for list items.
    pub fn is_item(&self) -> bool {
        self.kind == BlockKind::Item
    }

    /// True for tables.
    pub fn is_table(&self) -> bool {
        self.kind == BlockKind::Table
    }

    /// The block's words without styles (a table's cells joined by " | ", rows by lines).
    pub fn text(&self) -> String {
        let plain = |spans: &Spans| spans.iter().map(|s| s.text.as_str()).collect::<String>();
        if self.is_table() {
            let row = |cells: &Vec<Spans>| cells.iter().map(plain).collect::<Vec<_>>().join(" | ");
            return std::iter::once(&self.head).chain(&self.rows).map(row).collect::<Vec<_>>().join("\n");
        }
        plain(&self.spans)
    }
}

/// A provision's blocks: its first line is its heading when it holds the provision's title (the
/// segmenter read it as one, e.g. "1. About xAI and Grok" for the title "About xAI and Grok").
pub fn provision_blocks(text: &str, title: Option<&str>) -> Vec<Block> {
    let mut out = blocks(text);
    let title = title.map(str::trim).filter(|t| !t.is_empty());
    if let (Some(title), Some(first)) = (title, out.first_mut()) {
        let line = first.text();
        if !first.is_table() && line.ends_with(title) && line.len() <= title.len() + 12 {
            first.kind = BlockKind::Heading;
            first.spans.iter_mut().for_each(|s| s.strong = false);
        }
    }
    out
}

/// Reads stored text into blocks. A paragraph that is bold from end to end (`**6.2 Ownership**`)
/// is the document's own heading and becomes one. Items of a numbered list keep their number
/// (it is often the clause number) and read as paragraphs; bullet items are items.
pub fn blocks(text: &str) -> Vec<Block> {
    let text = with_table_delimiters(text);
    let mut reader = Reader::default();
    for event in Parser::new_ext(&text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        reader.read(event);
    }
    reader.finish();
    reader.out
}

/// Canonical text keeps a table's rows but drops its `|---|` delimiter row (it is markup, not
/// words); a table needs it back to read as one, so it is put after each run's first row.
fn with_table_delimiters(text: &str) -> Cow<'_, str> {
    let is_row = |line: &str| {
        let line = line.trim();
        line.len() > 1 && line.starts_with('|') && line.ends_with('|')
    };
    let is_delimiter = |line: &str| line.trim().chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
    if !text.lines().any(is_row) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 64);
    let mut previous_is_row = false;
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let row = is_row(line);
        if row && !previous_is_row && !lines.peek().is_some_and(|next| is_delimiter(next) && next.contains('-')) {
            let cells = line.trim().trim_matches('|').split('|').count();
            out.push_str(&format!("|{}\n", " --- |".repeat(cells)));
        }
        previous_is_row = row;
    }
    Cow::Owned(out)
}

/// The state of one pass over the parser's events.
#[derive(Default)]
struct Reader {
    out: Vec<Block>,
    block: Option<Block>,
    strong: u32,
    emphasis: u32,
    /// The table row and cell being read.
    row: Vec<Spans>,
    cell: Option<Spans>,
    /// Open lists: the next number of a numbered one, None for bullets.
    lists: Vec<Option<u64>>,
    /// A list item whose first paragraph has not started.
    fresh_item: bool,
}

impl Reader {
    fn read(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text)
            | Event::Code(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text) => self.push(&text),
            Event::FootnoteReference(label) => self.push(&format!("[{label}]")),
            Event::SoftBreak | Event::HardBreak => self.push("\n"),
            Event::TaskListMarker(done) => self.push(if done { "[x] " } else { "[ ] " }),
            Event::Rule => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { .. } => self.open(BlockKind::Heading),
            Tag::List(start) => self.lists.push(start),
            Tag::Item => {
                self.fresh_item = true;
                match self.lists.last_mut() {
                    Some(Some(number)) => {
                        let label = format!("{number}. ");
                        *number += 1;
                        self.open(BlockKind::Paragraph);
                        self.push(&label);
                    }
                    _ => self.open(BlockKind::Item),
                }
            }
            Tag::Table(_) => self.open(BlockKind::Table),
            Tag::TableHead | Tag::TableRow => self.row.clear(),
            Tag::TableCell => self.cell = Some(Vec::new()),
            Tag::Paragraph | Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::BlockQuote(_) => self.start_paragraph(),
            Tag::Strong => self.strong += 1,
            Tag::Emphasis => self.emphasis += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::List(_) => {
                self.lists.pop();
            }
            TagEnd::Heading(_) | TagEnd::Item | TagEnd::Table | TagEnd::CodeBlock | TagEnd::HtmlBlock => self.close(),
            TagEnd::Paragraph if !self.in_item() => self.close(),
            TagEnd::BlockQuote(_) => self.close(),
            TagEnd::TableCell => {
                let cell = self.cell.take().unwrap_or_default();
                self.row.push(trimmed(cell));
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                let row = std::mem::take(&mut self.row);
                if let Some(table) = self.block.as_mut().filter(|b| b.is_table()) {
                    if tag == TagEnd::TableHead { table.head = row } else { table.rows.push(row) }
                }
            }
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            _ => {}
        }
    }

    /// A list item's paragraphs belong to the item, a line apart; any other starts a block.
    fn start_paragraph(&mut self) {
        if self.in_item() {
            if !std::mem::take(&mut self.fresh_item) {
                self.push("\n");
            }
        } else if self.block.is_none() {
            self.open(BlockKind::Paragraph);
        }
    }

    /// Whether the block being read is a list item (numbered items are paragraphs while read).
    fn in_item(&self) -> bool {
        self.block.is_some() && !self.lists.is_empty() && self.block.as_ref().is_some_and(|b| !b.is_table())
    }

    fn open(&mut self, kind: BlockKind) {
        self.close();
        self.block = Some(Block::new(kind));
    }

    fn close(&mut self) {
        let Some(mut block) = self.block.take() else { return };
        block.spans = trimmed(std::mem::take(&mut block.spans));
        if block.kind == BlockKind::Paragraph && !block.spans.is_empty() && block.spans.iter().all(|s| s.strong) {
            block.kind = BlockKind::Heading;
            block.spans.iter_mut().for_each(|s| s.strong = false);
        }
        if !block.spans.is_empty() || !block.head.is_empty() || !block.rows.is_empty() {
            self.out.push(block);
        }
    }

    fn push(&mut self, text: &str) {
        let (strong, emphasis) = (self.strong > 0, self.emphasis > 0);
        if self.cell.is_none() && self.block.is_none() {
            self.block = Some(Block::new(BlockKind::Paragraph));
        }
        let spans = match (self.cell.as_mut(), self.block.as_mut()) {
            (Some(cell), _) => cell,
            (None, Some(block)) if !block.is_table() => &mut block.spans,
            _ => return,
        };
        match spans.last_mut() {
            Some(last) if last.strong == strong && last.emphasis == emphasis => last.text.push_str(text),
            _ => spans.push(Span { text: text.to_owned(), strong, emphasis }),
        }
    }

    fn finish(&mut self) {
        self.close();
    }
}

/// The spans without white space at either end, and without spans left empty by that.
fn trimmed(mut spans: Spans) -> Spans {
    if let Some(first) = spans.first_mut() {
        first.text = first.text.trim_start().to_owned();
    }
    if let Some(last) = spans.last_mut() {
        last.text = last.text.trim_end().to_owned();
    }
    spans.retain(|s| !s.text.is_empty());
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<BlockKind> {
        blocks(text).iter().map(|b| b.kind).collect()
    }

    #[test]
    fn text_splits_into_headings_items_paragraphs_and_tables() {
        use BlockKind::*;
        let text = "## 4.2 Use of Materials\n\nWe may use\nyour content.\n\n- one\n- two\n\n1. first\n\nEnd.";
        assert_eq!(kinds(text), vec![Heading, Paragraph, Item, Item, Paragraph, Paragraph]);
        assert_eq!(blocks(text)[4].text(), "1. first", "a numbered item keeps its number");
        assert_eq!(blocks(text)[0].text(), "4.2 Use of Materials");
        assert_eq!(blocks(text)[1].text(), "We may use\nyour content.");
        let table = blocks("| Data | Kept |\n|---|---|\n| Chats | 30 days |\n| Files | **1 year** |");
        assert_eq!(table.len(), 1);
        assert!(table[0].is_table());
        assert_eq!(table[0].head.len(), 2);
        assert_eq!(table[0].rows.len(), 2);
        assert_eq!(table[0].text(), "Data | Kept\nChats | 30 days\nFiles | 1 year");
        assert!(table[0].rows[1][1][0].strong);
        // Stored text has no delimiter row: the rows still read as a table.
        let stored = blocks("Bases:\n\n| Purpose | Basis |\n| Service | Contract |\n\nEnd.");
        assert_eq!(stored.iter().map(|b| b.kind).collect::<Vec<_>>(), vec![Paragraph, Table, Paragraph]);
        assert_eq!(stored[1].text(), "Purpose | Basis\nService | Contract");
    }

    #[test]
    fn markdown_marks_become_styles_and_never_show() {
        let b = blocks("We **may** use *your* content, see [our policy](https://example.com) and `code`.");
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].text(), "We may use your content, see our policy and code.");
        let strong: Vec<&str> = b[0].spans.iter().filter(|s| s.strong).map(|s| s.text.as_str()).collect();
        assert_eq!(strong, vec!["may"]);
        assert!(b[0].spans.iter().any(|s| s.emphasis && s.text == "your"));
        assert_eq!(
            blocks(r"A literal \*star\* stays").first().map(Block::text).as_deref(),
            Some("A literal *star* stays")
        );
    }

    #[test]
    fn a_provisions_title_line_is_its_heading() {
        let b = provision_blocks("1. About xAI and Grok\n\nxAI is a company.", Some("About xAI and Grok"));
        assert_eq!(b[0].kind, BlockKind::Heading);
        assert_eq!(b[0].text(), "1. About xAI and Grok");
        assert_eq!(b[1].kind, BlockKind::Paragraph);
        let plain = provision_blocks("We may use your content.", Some("Use"));
        assert_eq!(plain[0].kind, BlockKind::Paragraph, "a title that only ends a long line is not its heading");
        let numbered = blocks("3. Changes\n4. Termination");
        assert_eq!(numbered.iter().map(Block::text).collect::<Vec<_>>(), vec!["3. Changes", "4. Termination"]);
    }

    #[test]
    fn a_bold_only_paragraph_is_a_heading() {
        let b = blocks("**6.2 Ownership**\n\nYou own your **outputs**.");
        assert_eq!(b.iter().map(|b| b.kind).collect::<Vec<_>>(), vec![BlockKind::Heading, BlockKind::Paragraph]);
        assert_eq!(b[0].text(), "6.2 Ownership");
        assert!(!b[0].spans[0].strong, "a heading is not also bold");
    }

    #[test]
    fn archived_html_is_text_and_spans_open_only_our_own_tags() {
        let b = blocks("<script>alert(1)</script>\n\nHi <b onclick=x>there</b>");
        let all: String = b.iter().map(Block::text).collect::<Vec<_>>().join("\n");
        assert!(all.contains("<script>alert(1)</script>") && all.contains("<b onclick=x>"), "kept as text: {all}");
        for span in b.iter().flat_map(|b| &b.spans) {
            assert!(["", "<strong>", "<em>", "<strong><em>"].contains(&span.open()));
        }
    }

    #[test]
    fn empty_and_rule_only_text_has_no_blocks() {
        assert!(blocks("").is_empty());
        assert!(blocks("\n\n---\n\n").is_empty());
    }
}
