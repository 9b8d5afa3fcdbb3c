//! `clausewatch diff OLD NEW`: provision-level diff of two files, or of many pairs.
mod render;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::archive::suspect;
use crate::pipeline::diff::{Change, broken, diff, par_map};
use crate::pipeline::segment::segment_pair;

/// Largest input file accepted, in bytes.
pub const MAX_INPUT_BYTES: u64 = 10 * 1024 * 1024;

/// Arguments of `clausewatch diff`.
#[derive(Debug, Clone, clap::Args)]
pub struct DiffArgs {
    /// The previous version (a text or Markdown file).
    pub old: Option<PathBuf>,
    /// The new version.
    pub new: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// A file of `OLD<TAB>NEW` lines: prints one JSON line per pair instead.
    #[arg(long)]
    pub pairs: Option<PathBuf>,
    /// CSS selector picking the document out of HTML inputs.
    #[arg(long)]
    pub select: Option<String>,
}

/// Output format of `clausewatch diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One block per provision change, word diff as `[-removed-]{+added+}`.
    Text,
    /// The change as JSON.
    Json,
    /// A self-contained HTML fragment with `<ins>` and `<del>`.
    Html,
}

/// Outcome of a successful diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffStatus {
    /// No provision changed (exit status 0).
    Same,
    /// Something changed, or with `--pairs` some pair changed or failed (exit status 1).
    Different,
}

impl DiffStatus {
    /// The process exit status: 0 for `Same`, 1 for `Different`.
    pub fn exit_code(self) -> i32 {
        match self {
            Self::Same => 0,
            Self::Different => 1,
        }
    }
}

/// Why `clausewatch diff` could not run (exit status 2).
#[derive(Debug, thiserror::Error)]
pub enum DiffCliError {
    /// Give two files or `--pairs`.
    #[error("give two files to compare (OLD NEW) or --pairs FILE")]
    Usage,
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A file is larger than [`MAX_INPUT_BYTES`].
    #[error("{path} is larger than {max} bytes: not a terms document", max = MAX_INPUT_BYTES)]
    TooLarge {
        /// The file.
        path: PathBuf,
    },
    /// A file is binary or not UTF-8.
    #[error("{path} is not a text file (binary data or not UTF-8)")]
    NotText {
        /// The file.
        path: PathBuf,
    },
    /// `--select` could not pick the document out of an HTML file.
    #[error("{}: {reason}", path.display())]
    Extract { path: PathBuf, reason: String },
    /// The new file is a broken capture: diffing it would report the document as removed.
    #[error(
        "{} looks like a broken capture, not a version of {}: {reason}. Not diffed; compare a complete capture instead",
        new.display(),
        old.display()
    )]
    Broken { old: PathBuf, new: PathBuf, reason: String },
    /// Writing the output failed.
    #[error("cannot write the output: {0}")]
    Write(#[from] std::io::Error),
}

impl DiffCliError {
    /// The process exit status for errors: 2.
    pub fn exit_code(&self) -> i32 {
        2
    }
}

/// Runs `clausewatch diff`, writing to `out`.
pub fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<DiffStatus, DiffCliError> {
    if let Some(pairs) = &args.pairs {
        return run_pairs(pairs, out);
    }
    let (Some(old), Some(new)) = (&args.old, &args.new) else {
        return Err(DiffCliError::Usage);
    };
    let change = diff_files(old, new, args.select.as_deref())?;
    match args.format {
        Format::Text => render::text(&change, out)?,
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &change).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Html => render::html(&change, out)?,
    }
    Ok(if change.is_empty() { DiffStatus::Same } else { DiffStatus::Different })
}

/// Reads and diffs two files; with `select`, both are HTML and go through the extractor.
/// Refuses a new file that is a broken capture of the old one (an error page, a collapse, or a
/// text that lost most of the document).
pub fn diff_files(old: &Path, new: &Path, select: Option<&str>) -> Result<Change, DiffCliError> {
    let (a, b) = (read_document(old, select)?, read_document(new, select)?);
    let refuse = |reason: String| DiffCliError::Broken { old: old.to_owned(), new: new.to_owned(), reason };
    if let Some(why) = suspect::judge(&b, Some(suspect::significant_chars(&a))) {
        return Err(refuse(why.to_string()));
    }
    let (prev, next) = segment_pair(&a, &b);
    let change = diff(&prev, &next);
    match broken(&prev, &next, &change) {
        Some(reason) => Err(refuse(reason)),
        None => Ok(change),
    }
}

fn read_document(path: &Path, select: Option<&str>) -> Result<String, DiffCliError> {
    let text = read_text(path)?;
    match select {
        None => Ok(text),
        Some(css) => crate::pipeline::extract::extract_css(&text, css)
            .map_err(|e| DiffCliError::Extract { path: path.to_owned(), reason: e.to_string() }),
    }
}

/// Reads a text file of at most [`MAX_INPUT_BYTES`], refusing binary and non-UTF-8 data.
pub fn read_text(path: &Path) -> Result<String, DiffCliError> {
    let read_err = |source| DiffCliError::Read { path: path.to_owned(), source };
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(read_err)?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(DiffCliError::TooLarge { path: path.to_owned() });
    }
    if bytes.contains(&0) {
        return Err(DiffCliError::NotText { path: path.to_owned() });
    }
    String::from_utf8(bytes).map_err(|_| DiffCliError::NotText { path: path.to_owned() })
}

/// One JSON line per `OLD<TAB>NEW` line of `list`, in order; a bad pair yields an `error` line.
/// The pairs are diffed on every core.
fn run_pairs(list: &Path, out: &mut dyn Write) -> Result<DiffStatus, DiffCliError> {
    let text = read_text(list)?;
    let lines: Vec<&str> =
        text.lines().map(str::trim_end).filter(|l| !l.trim().is_empty() && !l.starts_with('#')).collect();
    let mut status = DiffStatus::Same;
    for (record, different) in par_map(&lines, |line| pair_record(line)) {
        if different {
            status = DiffStatus::Different;
        }
        writeln!(out, "{record}")?;
    }
    Ok(status)
}

/// The JSON record of one `OLD<TAB>NEW` line, and whether it counts as a difference.
fn pair_record(line: &str) -> (serde_json::Value, bool) {
    let (old, new) = line.split_once('\t').unwrap_or((line, ""));
    if new.is_empty() {
        return (serde_json::json!({"old": old, "new": new, "error": "expected OLD<TAB>NEW"}), true);
    }
    match diff_files(Path::new(old), Path::new(new), None) {
        Ok(change) => {
            let record = serde_json::json!({
                "old": old, "new": new, "class": change.class,
                "changes": change.provisions.len(), "summary": change.summary(),
            });
            (record, !change.is_empty())
        }
        Err(e) => (serde_json::json!({"old": old, "new": new, "error": e.to_string()}), true),
    }
}
