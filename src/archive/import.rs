//! Imports Open Terms Archive history as versions with their real dates: a folder laid out as
//! `<service>/<terms-type>/<date>.md`, or a git clone of an OTA versions repository
//! (`<Service>/<Terms type>.md`, one commit per version). Re-running adds nothing twice.
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use chrono::{DateTime, NaiveDateTime, Utc};
use sqlx::PgPool;

use super::{sha256_hex, suspect};
use crate::db::{self, versions::NewVersion};
use crate::domain::declaration::slug;
use crate::pipeline::extract::normalize_markdown;

/// OTA service slugs of the platforms in our catalogue, so imported history lands on them.
const SERVICE_ALIASES: &[(&str, &str)] = &[
    ("claude-ai", "anthropic"),
    ("chatgpt", "openai"),
    ("google-generative-ai-services", "google"),
    ("gemini", "google"),
    ("microsoft-copilot", "microsoft"),
    ("llama-api", "meta"),
    ("meta-ai", "meta"),
    ("mistral-ai", "mistral"),
    ("le-chat", "mistral"),
    ("grok", "xai"),
];

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub documents: usize,
    pub added: usize,
    /// Versions already stored, or whose text equals the version before them.
    pub skipped: usize,
    /// Versions that read like error pages or collapsed text (see `suspect`): not stored.
    pub suspect: usize,
}

/// One dated text of one document.
struct Entry {
    date: DateTime<Utc>,
    markdown: String,
}

/// Imports a folder or a git clone of OTA versions.
pub async fn import_ota(pool: &PgPool, path: &Path) -> anyhow::Result<ImportReport> {
    if !path.is_dir() {
        bail!("{} is not a folder", path.display());
    }
    let documents = if path.join(".git").exists() { read_git(path)? } else { read_folder(path)? };
    if documents.is_empty() {
        bail!(
            "no versions found in {} (expected <service>/<terms-type>/<date>.md files or an OTA git clone)",
            path.display()
        );
    }
    let mut report = ImportReport::default();
    let mut touched = Vec::new();
    for (service, terms_type, entries) in one_chain_per_document(documents) {
        let (document_id, counts) = import_document(pool, &service, &terms_type, entries).await?;
        report.documents += 1;
        report.added += counts.added;
        report.skipped += counts.skipped;
        report.suspect += counts.suspect;
        if counts.added > 0 {
            touched.push(document_id);
        }
    }
    // Provisions and changes once every version is in: each document is one chain in date
    // order, and the platforms' chrome is learnt from all their documents.
    super::changes::rediff_documents(pool, &touched).await?;
    if !touched.is_empty() {
        // Fresh statistics for the planner: the pages' queries must not wait for autovacuum
        // (off on some servers) after thousands of new rows.
        sqlx::query("analyze").execute(pool).await?;
    }
    Ok(report)
}

/// The platform an OTA service's history lands on (`grok` and `xai` both on `xai`).
fn platform_slug(service: &str) -> String {
    let service_slug = slug(service);
    SERVICE_ALIASES.iter().find(|(s, _)| *s == service_slug).map_or(service_slug, |(_, p)| (*p).to_owned())
}

/// Merges the entries of services that map onto one platform (an OTA service renamed, as
/// `mistral-ai` became `le-chat`), so each document's history is imported as one chain.
fn one_chain_per_document(documents: Documents) -> Documents {
    let mut merged: Documents = Vec::new();
    for (service, terms_type, entries) in documents {
        let key = (platform_slug(&service), slug(&terms_type));
        match merged.iter_mut().find(|(s, t, _)| (platform_slug(s), slug(t)) == key) {
            Some((_, _, existing)) => existing.extend(entries),
            None => merged.push((service, terms_type, entries)),
        }
    }
    merged
}

/// Stores the versions of one document (without diffing them); returns its id.
async fn import_document(
    pool: &PgPool,
    service: &str,
    terms_type: &str,
    mut entries: Vec<Entry>,
) -> anyhow::Result<(i64, ImportReport)> {
    entries.sort_by_key(|e| e.date);
    let platform_slug = platform_slug(service);
    let platform_slug = platform_slug.as_str();
    let mut tx = pool.begin().await?;
    let platform_id = db::platforms::ensure_platform(&mut tx, platform_slug, service).await?;
    let document_id = db::documents::ensure_document(&mut tx, platform_id, &slug(terms_type), terms_type).await?;
    db::documents::lock_document(&mut tx, document_id).await?;
    let mut counts = ImportReport { documents: 1, ..ImportReport::default() };
    for entry in entries {
        let text = normalize_markdown(&entry.markdown);
        let sha256 = sha256_hex(text.as_bytes());
        let previous = db::versions::version_before(&mut tx, document_id, entry.date).await?;
        if previous.as_ref().is_some_and(|p| p.sha256 == sha256) {
            counts.skipped += 1;
            continue;
        }
        // OTA recorded error pages and collapsed pages as versions; they are noise here too.
        if let Some(why) = suspect::judge(&text, previous.as_ref().map(|p| suspect::significant_chars(&p.text))) {
            tracing::debug!(date = %entry.date, reason = %why, "skipped a suspect version");
            counts.suspect += 1;
            continue;
        }
        let stated = crate::pipeline::diff::stated_date(&text);
        let new = NewVersion {
            document_id,
            snapshot_id: None,
            text: &text,
            sha256: &sha256,
            captured_at: entry.date,
            origin: "import",
            stated_date: stated.as_deref(),
        };
        match db::versions::insert_version(&mut tx, &new).await? {
            Some(_) => counts.added += 1,
            None => counts.skipped += 1,
        }
    }
    tx.commit().await?;
    tracing::info!(platform = platform_slug, document = %slug(terms_type), added = counts.added, skipped = counts.skipped, "imported history");
    Ok((document_id, counts))
}

type Documents = Vec<(String, String, Vec<Entry>)>;

/// `<service>/<terms-type>/<date>.md`, dates written `YYYY-MM-DDTHH-MM-SSZ` (optionally `_2`).
fn read_folder(root: &Path) -> anyhow::Result<Documents> {
    let mut documents = Vec::new();
    for service in sorted_dirs(root)? {
        for terms in sorted_dirs(&service)? {
            let mut entries = Vec::new();
            for file in std::fs::read_dir(&terms)? {
                let file = file?.path();
                if file.extension().is_none_or(|e| e != "md") {
                    continue;
                }
                let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
                let date = parse_file_date(stem)
                    .with_context(|| format!("{}: the file name is not a date", file.display()))?;
                let markdown =
                    std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
                entries.push(Entry { date, markdown });
            }
            if !entries.is_empty() {
                documents.push((title_case(&dir_name(&service)), title_case(&dir_name(&terms)), entries));
            }
        }
    }
    Ok(documents)
}

fn sorted_dirs(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir() && !dir_name(p).starts_with('.'))
        .collect();
    dirs.sort();
    Ok(dirs)
}

fn dir_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// `2024-02-20T12-30-05Z` or `2024-02-20T12-30-05Z_2`.
fn parse_file_date(stem: &str) -> Option<DateTime<Utc>> {
    let stem = stem.split('_').next()?;
    NaiveDateTime::parse_from_str(stem, "%Y-%m-%dT%H-%M-%SZ").ok().map(|d| d.and_utc())
}

/// `terms-of-service` → `Terms of Service`.
fn title_case(slug: &str) -> String {
    slug.split('-')
        .enumerate()
        .map(|(i, word)| match word {
            "of" | "and" | "to" | "for" | "the" | "in" if i > 0 => word.to_owned(),
            _ => {
                let mut chars = word.chars();
                chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A git clone: every `<Service>/<Terms type>.md`, one version per commit that touched it.
fn read_git(root: &Path) -> anyhow::Result<Documents> {
    let files = git(root, &["ls-files", "-z", "--", "*.md"])?;
    let mut documents = Vec::new();
    for file in files.split('\0').filter(|f| f.matches('/').count() == 1) {
        let Some((service, terms)) = file.split_once('/') else { continue };
        let log = git(root, &["log", "--format=%H %aI", "--", file])?;
        let mut entries = Vec::new();
        for line in log.lines() {
            let Some((commit, date)) = line.split_once(' ') else { continue };
            let date =
                DateTime::parse_from_rfc3339(date).with_context(|| format!("bad commit date {date:?}"))?.to_utc();
            match git(root, &["show", &format!("{commit}:{file}")]) {
                Ok(markdown) => entries.push(Entry { date, markdown }),
                Err(_) => continue, // the commit deleted the file
            }
        }
        let terms_type = terms.trim_end_matches(".md").to_owned();
        documents.push((service.to_owned(), terms_type, entries));
    }
    Ok(documents)
}

fn git(root: &Path, args: &[&str]) -> anyhow::Result<String> {
    let output = Command::new("git").arg("-C").arg(root).args(args).output().context("cannot run git")?;
    if !output.status.success() {
        bail!("git {} failed: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim());
    }
    String::from_utf8(output.stdout).context("git printed something that is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_dates_and_terms_types_are_read_from_names() {
        assert_eq!(parse_file_date("2024-02-20T12-30-05Z").unwrap().to_rfc3339(), "2024-02-20T12:30:05+00:00");
        assert!(parse_file_date("2024-02-20T12-30-05Z_2").is_some());
        assert!(parse_file_date("latest").is_none());
        assert_eq!(title_case("terms-of-service"), "Terms of Service");
        assert_eq!(title_case("in-app-purchases-policy"), "In App Purchases Policy");
    }
}
