//! `clausewatch classify`: provision texts on stdin, one per line (or JSON Lines with a `text`
//! field, and optionally `heading_path`), one JSON line of topics per input line on stdout, in
//! order. Streams: memory does not grow with the input.
use std::io::{self, BufRead, Write};
use std::path::PathBuf;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::domain::topic::Taxonomy;
use crate::pipeline::analyse::{Found, find};
use crate::pipeline::classify::Classifier;
use crate::pipeline::facts::Source;

/// Arguments of `clausewatch classify`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ClassifyArgs {
    /// Classify with this taxonomy (TOML, like catalog/topics.toml) instead of the built-in one.
    #[arg(long, value_name = "FILE")]
    pub topics: Option<PathBuf>,
}

/// What a run read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ClassifySummary {
    pub lines: usize,
    pub malformed: usize,
}

impl ClassifySummary {
    /// 0 when every line was classified, 1 when some were malformed.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.malformed > 0)
    }
}

/// The classifier of `--topics`, or the built-in one.
pub fn classifier(args: &ClassifyArgs) -> anyhow::Result<Classifier> {
    let taxonomy = match &args.topics {
        Some(path) => {
            let toml = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
            Taxonomy::parse(&toml).with_context(|| format!("{} is not a valid taxonomy", path.display()))?
        }
        None => Taxonomy::builtin().clone(),
    };
    Ok(Classifier::new(&taxonomy))
}

#[derive(Deserialize)]
struct JsonInput {
    text: Option<serde_json::Value>,
    #[serde(default)]
    heading_path: Option<serde_json::Value>,
    #[serde(default)]
    terms_type: Option<serde_json::Value>,
}

#[derive(Serialize)]
struct TopicOut<'a> {
    slug: &'a str,
    confidence: f32,
    evidence: &'a [String],
    /// The topic's facts in the schema's names and types, `null` where the provision does not
    /// say (an empty object for topics without facts).
    facts: serde_json::Value,
    /// The words each stated fact was read from.
    fact_evidence: serde_json::Value,
}

#[derive(Serialize)]
struct LineOut<'a> {
    topics: Vec<TopicOut<'a>>,
}

#[derive(Serialize)]
struct ErrorOut<'a> {
    error: &'a str,
}

/// Classifies each line of `input`, writing one JSON line per input line to `out`. A malformed
/// line gets `{"error":"line N: …"}` on `out` and the same message on `err`, and the run goes on.
/// Errors are I/O errors only.
pub fn run(
    classifier: &Classifier,
    mut input: impl BufRead,
    out: impl Write,
    mut err: impl Write,
) -> io::Result<ClassifySummary> {
    let mut out = io::BufWriter::new(out);
    let mut summary = ClassifySummary::default();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        summary.lines += 1;
        let line = trim_newline(&buf);
        match parse_line(line) {
            Ok(line) => {
                let source = Source {
                    heading_path: &line.heading_path,
                    text: &line.text,
                    terms_type: line.terms_type.as_deref(),
                };
                let found = find(classifier, &source);
                serde_json::to_writer(&mut out, &LineOut { topics: found.iter().map(topic_out).collect() })?;
            }
            Err(why) => {
                summary.malformed += 1;
                let message = format!("line {}: {why}", summary.lines);
                writeln!(err, "{message}")?;
                serde_json::to_writer(&mut out, &ErrorOut { error: &message })?;
            }
        }
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(summary)
}

fn topic_out(found: &Found) -> TopicOut<'_> {
    let m = &found.topic;
    TopicOut {
        slug: &m.topic,
        confidence: m.confidence,
        evidence: &m.evidence,
        facts: found.facts.to_json(&m.topic),
        fact_evidence: found.facts.evidence_json(&m.topic),
    }
}

/// One input line: the provision and what is known of its document.
struct Line {
    heading_path: Vec<String>,
    text: String,
    terms_type: Option<String>,
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The provision of a line: the line itself, or the fields of a JSON object (`text`, and
/// optionally `heading_path` and `terms_type`).
fn parse_line(line: &[u8]) -> Result<Line, String> {
    let line = std::str::from_utf8(line).map_err(|_| "not valid UTF-8".to_owned())?;
    if !line.trim_start().starts_with('{') {
        return Ok(Line { heading_path: Vec::new(), text: line.to_owned(), terms_type: None });
    }
    let parsed: JsonInput = serde_json::from_str(line).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        format!("invalid JSON at column {}: {message}", e.column())
    })?;
    let text = match parsed.text {
        Some(serde_json::Value::String(text)) => text,
        Some(_) => return Err("\"text\" must be a string".to_owned()),
        None => return Err("the JSON object has no \"text\" field".to_owned()),
    };
    let heading_path = match parsed.heading_path {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(value) => {
            serde_json::from_value(value).map_err(|_| "\"heading_path\" must be an array of strings".to_owned())?
        }
    };
    let terms_type = match parsed.terms_type {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(kind)) => Some(kind),
        Some(_) => return Err("\"terms_type\" must be a string".to_owned()),
    };
    Ok(Line { heading_path, text, terms_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(input: &str) -> (Vec<serde_json::Value>, String, ClassifySummary) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let summary = run(&Classifier::builtin(), input.as_bytes(), &mut out, &mut err).unwrap();
        let lines = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (lines, String::from_utf8(err).unwrap(), summary)
    }

    #[test]
    fn every_input_line_gets_one_output_line_in_order() {
        let (lines, err, summary) = classify("first\r\n{\"text\": \"second\"}\n\nlast");
        assert_eq!(lines.len(), 4);
        assert!(lines.iter().all(|l| l["topics"].is_array()), "{lines:?}");
        assert_eq!(err, "");
        assert_eq!(summary, ClassifySummary { lines: 4, malformed: 0 });
        assert_eq!(summary.exit_code(), 0);
    }

    #[test]
    fn malformed_json_lines_are_reported_with_their_number_and_the_rest_goes_on() {
        let (lines, err, summary) = classify(
            "ok\n{\"text\": \n{\"txt\": \"x\"}\n{\"text\": 3}\n{\"text\": \"x\", \"heading_path\": \"no\"}\nok\n",
        );
        assert_eq!(lines.len(), 6);
        assert!(lines[1]["error"].as_str().unwrap().starts_with("line 2: invalid JSON at column"), "{lines:?}");
        assert_eq!(lines[2]["error"], "line 3: the JSON object has no \"text\" field");
        assert_eq!(lines[3]["error"], "line 4: \"text\" must be a string");
        assert!(lines[4]["error"].as_str().unwrap().starts_with("line 5: \"heading_path\""));
        assert!(lines[5]["topics"].is_array());
        assert_eq!(err.lines().count(), 4);
        assert!(err.starts_with("line 2: "), "{err}");
        assert_eq!(summary.exit_code(), 1);
    }

    #[test]
    fn invalid_utf8_is_a_malformed_line_not_an_io_error() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let summary = run(&Classifier::builtin(), &b"\xff\xfe\nfine\n"[..], &mut out, &mut err).unwrap();
        assert_eq!(summary.malformed, 1);
        assert!(String::from_utf8(err).unwrap().contains("line 1: not valid UTF-8"));
    }
}
