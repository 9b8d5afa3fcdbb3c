//! Reads the corpus manifest (`MANIFEST.tsv` of the shared Open Terms Archive corpus).
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Reading the manifest failed.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    /// The manifest could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The manifest's path.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The manifest has no header row with the needed columns.
    #[error("{0} lacks the columns service, terms_type, kind, path, source_index")]
    Columns(PathBuf),
}

/// One document of the corpus with its version files in source-history order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorpusDocument {
    /// Service name, as in the manifest (`Midjourney`).
    pub service: String,
    /// Terms type, as in the manifest (`Terms of Service`).
    pub terms_type: String,
    /// Absolute paths of the version files, oldest first (`source_index` order).
    pub versions: Vec<PathBuf>,
}

/// Every document in the manifest at `corpus/MANIFEST.tsv`, versions in `source_index` order.
pub fn documents(corpus: &Path) -> Result<Vec<CorpusDocument>, CorpusError> {
    let manifest = corpus.join("MANIFEST.tsv");
    let text =
        std::fs::read_to_string(&manifest).map_err(|source| CorpusError::Read { path: manifest.clone(), source })?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(service), Some(terms), Some(kind), Some(path), Some(index)) =
        (col("service"), col("terms_type"), col("kind"), col("path"), col("source_index"))
    else {
        return Err(CorpusError::Columns(manifest));
    };
    let mut docs: BTreeMap<(String, String), Vec<(u64, PathBuf)>> = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split('\t').collect();
        let field = |i: usize| f.get(i).copied().unwrap_or_default();
        if field(kind) != "version" {
            continue;
        }
        let position = field(index).split('/').next().and_then(|k| k.parse().ok()).unwrap_or(u64::MAX);
        docs.entry((field(service).to_owned(), field(terms).to_owned()))
            .or_default()
            .push((position, corpus.join(field(path))));
    }
    Ok(docs
        .into_iter()
        .map(|((service, terms_type), mut versions)| {
            versions.sort();
            CorpusDocument { service, terms_type, versions: versions.into_iter().map(|(_, p)| p).collect() }
        })
        .collect())
}

/// Every pair of consecutive version files of every document (`source_index` order).
pub fn consecutive_pairs(corpus: &Path) -> Result<Vec<(PathBuf, PathBuf)>, CorpusError> {
    Ok(documents(corpus)?
        .into_iter()
        .flat_map(|d| d.versions.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect::<Vec<_>>())
        .collect())
}
