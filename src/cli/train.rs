//! `clausewatch train-classifier`: trains the topic model on the labelled sets and writes the
//! model file that the build embeds (`catalog/model/topics.json`).
use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use crate::domain::topic::Taxonomy;
use crate::pipeline::classify::Classifier;
use crate::pipeline::classify::model::{labelled, train};

/// Arguments of `clausewatch train-classifier`.
#[derive(Debug, Clone, clap::Args)]
pub struct TrainArgs {
    /// The folder holding claudette_dev.jsonl and tosdr_dev.jsonl.
    #[arg(long, value_name = "DIR", default_value = "../shared/labelled-dev")]
    pub labelled: PathBuf,
    /// Where to write the model.
    #[arg(long, value_name = "FILE", default_value = "catalog/model/topics.json")]
    pub out: PathBuf,
}

/// Trains on every labelled example and writes the model; the same input gives the same bytes.
pub fn run(args: &TrainArgs, out: &mut impl Write) -> anyhow::Result<()> {
    let rules = Classifier::with_model(Taxonomy::builtin(), None);
    let data = labelled::read(&args.labelled, &rules)?;
    let model = train::train(&data.set, &train::Settings::default(), |_| true);
    let mut json = serde_json::to_string(&model).context("the model serialises")?;
    json.push('\n');
    std::fs::write(&args.out, &json).with_context(|| format!("cannot write {}", args.out.display()))?;
    let weights: usize = model.topics.iter().map(|t| t.words.len()).sum();
    writeln!(
        out,
        "trained {} topics on {}: {weights} word weights, {} bytes written to {}",
        model.topics.len(),
        model.trained_on,
        json.len(),
        args.out.display()
    )?;
    Ok(())
}
