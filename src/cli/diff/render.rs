//! Text and HTML renderings of a change.
use std::io::{self, Write};

use crate::pipeline::diff::{Change, ChangeClass, ChangeKind, ProvisionChange, WordOp};
use crate::web::svg::escape;

/// Words of unchanged context kept on each side of an edit.
const CONTEXT_WORDS: usize = 12;

fn kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Modified => "modified",
        ChangeKind::Moved => "moved",
        ChangeKind::Renumbered => "renumbered",
    }
}

fn class_name(class: ChangeClass) -> &'static str {
    class.as_str()
}

/// Unchanged text shortened to its first and last words around an elision. The whitespace at
/// either end is kept, so the words next to an edit stay apart from it.
fn context(text: &str, first: bool, last: bool) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.len() <= 2 * CONTEXT_WORDS {
        return text.to_owned();
    }
    let opening = &text[..text.len() - text.trim_start().len()];
    let closing = &text[text.trim_end().len()..];
    let lead = if first { String::new() } else { format!("{opening}{} ", words[..CONTEXT_WORDS].join(" ")) };
    let tail =
        if last { String::new() } else { format!(" {}{closing}", words[words.len() - CONTEXT_WORDS..].join(" ")) };
    format!("{lead}…{tail}")
}

/// The word diff with `[-removed-]{+added+}` markers, unchanged stretches shortened.
fn word_line(words: &[WordOp], mark: impl Fn(&WordOp) -> String) -> String {
    let n = words.len();
    words
        .iter()
        .enumerate()
        .map(|(i, w)| match w {
            WordOp::Equal(s) => mark(&WordOp::Equal(context(s, i == 0, i + 1 == n))),
            other => mark(other),
        })
        .collect()
}

/// Writes one block per provision change.
pub(super) fn text(change: &Change, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "{}", change.summary())?;
    for p in &change.provisions {
        writeln!(out, "\n{} {} [{}]", kind_name(p.kind), p.label, class_name(p.class))?;
        writeln!(out, "  {}", p.summary)?;
        if !p.words.is_empty() {
            let line = word_line(&p.words, |w| match w {
                WordOp::Insert(s) => format!("{{+{s}+}}"),
                WordOp::Delete(s) => format!("[-{s}-]"),
                WordOp::Equal(s) => s.clone(),
            });
            writeln!(out, "  {}", line.replace('\n', "\n  "))?;
        }
    }
    Ok(())
}

fn html_block(p: &ProvisionChange) -> String {
    let words = word_line(&p.words, |w| match w {
        WordOp::Insert(s) => format!("<ins>{}</ins>", escape(s)),
        WordOp::Delete(s) => format!("<del>{}</del>", escape(s)),
        WordOp::Equal(s) => escape(s),
    });
    let words = if p.words.is_empty() { String::new() } else { format!("<p class=\"words\">{words}</p>") };
    format!(
        "<section class=\"change {kind} {class}\" id=\"{key}\"><h3>{kind_cap} · {label}</h3><p>{summary}</p>{words}</section>\n",
        kind = kind_name(p.kind),
        class = class_name(p.class),
        key = escape(&p.key),
        kind_cap = kind_name(p.kind),
        label = escape(&p.label),
        summary = escape(&p.summary),
    )
}

/// Writes a self-contained HTML fragment; every piece of document text is escaped.
pub(super) fn html(change: &Change, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"clausewatch-diff\"><style>.clausewatch-diff ins{{background:#dfd}}.clausewatch-diff del{{background:#fdd}}.clausewatch-diff .words{{white-space:pre-wrap}}</style>"
    )?;
    writeln!(out, "<p class=\"summary\">{}</p>", escape(&change.summary()))?;
    for p in &change.provisions {
        out.write_all(html_block(p).as_bytes())?;
    }
    writeln!(out, "</div>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::diff::diff_texts;

    #[test]
    fn words_at_change_boundaries_keep_their_spaces_in_text_and_html() {
        let filler = "and the words go on and on for a long while here ".repeat(3);
        let old = format!("# A\n\n{filler}use of DreamStudio and {filler}end.");
        let new = format!("# A\n\n{filler}use of Brand Studio and {filler}end.");
        let change = diff_texts(&old, &new);
        let mut out = Vec::new();
        text(&change, &mut out).expect("writes to memory");
        let rendered = String::from_utf8(out).expect("UTF-8");
        assert!(rendered.contains("use of [-DreamStudio-]{+Brand Studio+} and"), "{rendered}");
        let mut out = Vec::new();
        html(&change, &mut out).expect("writes to memory");
        let rendered = String::from_utf8(out).expect("UTF-8");
        assert!(rendered.contains("use of <del>DreamStudio</del><ins>Brand Studio</ins> and"), "{rendered}");
    }

    #[test]
    fn html_escapes_document_text_and_marks_insertions() {
        let change = diff_texts("# A\n\nKeep <b> & this.", "# A\n\nKeep <b> & this <script>.");
        let mut out = Vec::new();
        html(&change, &mut out).expect("writes to memory");
        let html = String::from_utf8(out).expect("UTF-8");
        assert!(html.contains("&lt;b&gt; &amp;"), "{html}");
        assert!(html.contains("<ins>"), "{html}");
        assert!(!html.contains("<script>"), "{html}");
    }
}
