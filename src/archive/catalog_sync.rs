//! Puts the catalogue (a folder of OTA declarations) into the database: one platform per file,
//! one document per terms type. The declaration of each document is stored as OTA JSON.
use std::path::Path;

use anyhow::Context;
use sqlx::PgPool;

use crate::catalog::{self, Catalog};
use crate::db::{self, documents::DocumentRow};
use crate::domain::declaration::{Declaration, TermsDeclaration, slug};

/// What a sync did.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub platforms: usize,
    pub documents: usize,
    pub disabled: u64,
}

/// Loads the catalogue folder and writes it to the database. Documents no longer in the
/// catalogue are disabled (kept with their history, no longer captured).
pub async fn sync_catalog(pool: &PgPool, dir: &Path) -> anyhow::Result<SyncReport> {
    let catalog = catalog::load_dir(dir).with_context(|| format!("cannot load the catalogue in {}", dir.display()))?;
    sync_loaded(pool, dir, &catalog).await
}

async fn sync_loaded(pool: &PgPool, dir: &Path, catalog: &Catalog) -> anyhow::Result<SyncReport> {
    let mut tx = pool.begin().await?;
    let mut report = SyncReport::default();
    let mut kept = Vec::new();
    for platform in &catalog.platforms {
        let raw = raw_declaration(dir, &platform.slug)?;
        let platform_id = db::platforms::upsert_platform(&mut tx, &platform.slug, &platform.name).await?;
        report.platforms += 1;
        for terms_type in platform.declaration.terms.keys() {
            let stored = serde_json::json!({
                "name": platform.name,
                "terms": { terms_type.as_str(): raw["terms"][terms_type.as_str()].clone() },
            });
            let id =
                db::documents::upsert_document(&mut tx, platform_id, &slug(terms_type), terms_type, &stored).await?;
            kept.push(id);
            report.documents += 1;
        }
    }
    report.disabled = db::documents::disable_documents_except(&mut tx, &kept).await?;
    tx.commit().await?;
    Ok(report)
}

/// The declaration file as JSON, to store exactly what the catalogue says.
fn raw_declaration(dir: &Path, slug: &str) -> anyhow::Result<serde_json::Value> {
    let path = dir.join(format!("{slug}.json"));
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The terms declaration stored with a document.
pub fn stored_terms(doc: &DocumentRow) -> anyhow::Result<TermsDeclaration> {
    let declaration = Declaration::parse(&doc.declaration.to_string()).map_err(|problems| {
        let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
        anyhow::anyhow!("{}", listed.join("; "))
    })?;
    declaration
        .terms
        .get(&doc.terms_type)
        .cloned()
        .with_context(|| format!("no {:?} in the stored declaration", doc.terms_type))
}
