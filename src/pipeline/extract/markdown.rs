//! Open Terms Archive Markdown (turndown output) to canonical text, for importing OTA history.

use super::text::{Block, BlockKind, assemble, clean_lines};

/// Applies the canonical text rules to OTA Markdown: setext and ATX headings become `#` lines,
/// `*`/`+`/`-` bullets become `- `, `[text](url)` becomes `text`, images are dropped, italics
/// and code marks dropped, `__bold__` becomes `**bold**`, backslash escapes are undone,
/// horizontal rules and table separator rows dropped, whitespace collapsed, Unicode NFC.
pub fn normalize_markdown(md: &str) -> String {
    let lines: Vec<&str> = md.lines().collect();
    let mut out = Normalizer::default();
    let mut index = 0;
    while index < lines.len() {
        let line = strip_quote(lines[index]);
        let underline = lines.get(index + 1).map(|next| strip_quote(next).trim());
        let setext = match underline {
            Some(u) if !u.is_empty() && u.bytes().all(|b| b == b'=') => Some(1),
            Some(u) if !u.is_empty() && u.bytes().all(|b| b == b'-') => Some(2),
            _ => None,
        };
        match setext {
            Some(level) if is_plain_text(line) && out.paragraph.is_empty() => {
                out.heading(level, line);
                index += 2;
            }
            _ => {
                out.line(line);
                index += 1;
            }
        }
    }
    out.flush();
    assemble(&out.blocks)
}

#[derive(Default)]
struct Normalizer {
    blocks: Vec<Block>,
    paragraph: Vec<String>,
}

impl Normalizer {
    fn line(&mut self, line: &str) {
        let trimmed = line.trim();
        if trimmed.is_empty()
            || trimmed.starts_with("```")
            || trimmed.starts_with("~~~")
            || is_rule(trimmed)
            || is_table_separator(trimmed)
        {
            self.flush();
        } else if let Some((level, text)) = atx_heading(trimmed) {
            self.heading(level, text);
        } else if trimmed.starts_with('|') {
            self.flush();
            self.table_row(trimmed);
        } else if let Some((indent, marker, text)) = list_item(line) {
            self.flush();
            let text = format!("{}{marker} {}", "  ".repeat(indent / 4), inline(text));
            self.push(text, BlockKind::ListItem);
        } else if indent_of(line) >= 2 && self.paragraph.is_empty() && self.after_list() {
            let text = format!("{}{}", "  ".repeat(indent_of(line).div_ceil(4)), inline(trimmed));
            self.push(text, BlockKind::ListItem);
        } else {
            self.paragraph.push(inline(trimmed));
        }
    }

    fn heading(&mut self, level: u8, text: &str) {
        self.flush();
        let text = inline(text.trim()).replace("**", "").replace('\n', " ");
        self.push(text, BlockKind::Heading(level));
    }

    /// GFM rows as canonical rows: `<br>` inside cells becomes a space, empty rows are dropped.
    fn table_row(&mut self, row: &str) {
        let row = ["<br>", "<br/>", "<br />", "<BR>"].iter().fold(row.to_owned(), |row, br| row.replace(br, " "));
        let text = inline(&row);
        if text.chars().any(|c| !matches!(c, '|' | ' ' | '\t')) {
            self.push(text, BlockKind::TableRow);
        }
    }

    fn after_list(&self) -> bool {
        self.blocks.last().is_some_and(|block| block.kind == BlockKind::ListItem)
    }

    fn flush(&mut self) {
        if !self.paragraph.is_empty() {
            let text = clean_lines(&self.paragraph.join("\n"));
            self.paragraph.clear();
            self.push(text, BlockKind::Paragraph);
        }
    }

    fn push(&mut self, text: String, kind: BlockKind) {
        let indent = &text[..text.len() - text.trim_start().len()];
        let cleaned = clean_lines(&text);
        if cleaned.is_empty() || (kind == BlockKind::ListItem && is_bare_marker(&cleaned)) {
            return;
        }
        let text = if kind == BlockKind::ListItem { format!("{indent}{cleaned}") } else { cleaned };
        self.blocks.push(Block { text, kind });
    }
}

/// A list item with no text (`- ` or `3.`), as left by an empty link.
fn is_bare_marker(item: &str) -> bool {
    item == "-" || item.strip_suffix('.').is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
}

fn strip_quote(line: &str) -> &str {
    let mut rest = line;
    while let Some(after) = rest.trim_start().strip_prefix('>') {
        rest = after.strip_prefix(' ').unwrap_or(after);
    }
    rest
}

fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

fn is_plain_text(line: &str) -> bool {
    let trimmed = line.trim();
    !trimmed.is_empty()
        && list_item(line).is_none()
        && !trimmed.starts_with('|')
        && !trimmed.starts_with('#')
        && indent_of(line) < 4
}

fn is_rule(trimmed: &str) -> bool {
    let mut marks = trimmed.chars().filter(|c| !c.is_whitespace());
    let Some(first) = marks.next() else {
        return false;
    };
    matches!(first, '*' | '-' | '_') && marks.clone().count() >= 2 && marks.all(|c| c == first)
}

fn is_table_separator(trimmed: &str) -> bool {
    trimmed.contains('-') && trimmed.contains('|') && trimmed.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn atx_heading(trimmed: &str) -> Option<(u8, &str)> {
    let hashes = trimmed.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let rest = &trimmed[hashes..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let text = rest.trim().trim_end_matches('#').trim_end();
    u8::try_from(hashes).ok().map(|level| (level, text))
}

/// `(indent in columns, "-" or "N.", text)` for a bullet or ordered list line.
fn list_item(line: &str) -> Option<(usize, String, &str)> {
    let indent = indent_of(line);
    let body = line.trim_start();
    if let Some(rest) = body.strip_prefix(['*', '+', '-'])
        && rest.starts_with([' ', '\t'])
    {
        return Some((indent, "-".to_owned(), rest.trim_start()));
    }
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let rest = body.get(digits..)?;
    match rest.strip_prefix('.') {
        Some(after) if digits > 0 && digits < 10 && after.starts_with([' ', '\t']) => {
            Some((indent, format!("{}.", &body[..digits]), after.trim_start()))
        }
        _ => None,
    }
}

/// Undoes inline Markdown: escapes, links, images, emphasis and code marks.
fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    inline_into(&chars, &mut out);
    out
}

fn inline_into(chars: &[char], out: &mut String) {
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            '!' if chars.get(i + 1) == Some(&'[') => match link_at(chars, i + 1) {
                Some((_, next)) => i = next,
                None => {
                    out.push('!');
                    i += 1;
                }
            },
            '[' => match link_at(chars, i) {
                Some((label, next)) => {
                    inline_into(&chars[label.0..label.1], out);
                    i = next;
                }
                None => {
                    out.push('[');
                    i += 1;
                }
            },
            '*' | '_' => {
                let run = chars[i..].iter().take_while(|&&d| d == c).count();
                out.extend(std::iter::repeat_n("**", run / 2));
                i += run;
            }
            '`' => i += 1,
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// A `[label](target)` starting at `open`: the label's char range and the index after `)`.
fn link_at(chars: &[char], open: usize) -> Option<((usize, usize), usize)> {
    let close = matching(chars, open, '[', ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = matching(chars, close + 1, '(', ')')?;
    Some(((open + 1, close), end + 1))
}

/// The index of the bracket closing the one at `open`, skipping escaped characters.
fn matching(chars: &[char], open: usize, left: char, right: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            c if c == left => depth += 1,
            c if c == right => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}
