//! Which changes alert, measured against a person's reading of consecutive corpus pairs
//! (`tests/fixtures/change-reading.tsv`), and the history of services that map to one platform.
use std::path::{Path, PathBuf};

use clausewatch::archive::{changes::rediff, import::import_ota};
use clausewatch::cli::changes::ChangesCommand;
use sqlx::PgPool;

use crate::support::corpus_dir;

/// Floors of alert precision and recall against the reading.
const MIN_PRECISION: f64 = 0.90;
const MIN_RECALL: f64 = 1.0;

/// The OTA service names of the corpus as the importer names their platforms.
fn platform_of(service: &str) -> &str {
    match service {
        "claude-ai" => "anthropic",
        "chatgpt" => "openai",
        "grok" | "xai" => "xai",
        other => other,
    }
}

/// A folder holding these services of the corpus (links, nothing copied).
fn corpus_subset(services: &[&str]) -> tempfile::TempDir {
    let root = tempfile::TempDir::new().unwrap();
    for service in services {
        std::os::unix::fs::symlink(corpus_dir().join("versions").join(service), root.path().join(service)).unwrap();
    }
    root
}

struct Reading {
    service: String,
    document: String,
    to: String,
    real: bool,
    note: String,
}

fn reading(path: &Path) -> Vec<Reading> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("service\t") && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 7, "seven columns: {l}");
            assert!(matches!(f[4], "yes" | "no"), "real is yes or no: {l}");
            Reading {
                service: f[0].into(),
                document: f[1].into(),
                to: f[3].into(),
                real: f[4] == "yes",
                note: f[6].into(),
            }
        })
        .collect()
}

/// Whether the change into the version captured at `to` (a file date) alerts, with its line.
async fn alerted(pool: &PgPool, r: &Reading) -> (bool, String) {
    let row: Option<(bool, String, String)> = sqlx::query_as(
        "select c.alert, c.class, c.summary from changes c
         join versions v on v.version_id = c.to_version_id
         join documents d on d.document_id = c.document_id join platforms p on p.platform_id = d.platform_id
         where p.slug = $1 and d.slug = $2
           and to_char(v.captured_at at time zone 'utc', 'YYYY-MM-DD\"T\"HH24-MI-SS\"Z\"') = $3",
    )
    .bind(platform_of(&r.service))
    .bind(&r.document)
    .bind(&r.to)
    .fetch_optional(pool)
    .await
    .unwrap();
    match row {
        Some((alert, class, summary)) => (alert, format!("{class}: {summary}")),
        None => (false, "no change stored".into()),
    }
}

#[sqlx::test]
async fn alerts_match_a_readers_reading_of_consecutive_corpus_pairs(pool: PgPool) {
    let fixture = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/change-reading.tsv");
    let rows = reading(&fixture);
    assert!(rows.len() >= 40, "the reading covers at least 40 pairs");
    let mut services: Vec<&str> = rows.iter().map(|r| r.service.as_str()).collect();
    services.dedup();
    let root = corpus_subset(&services);
    import_ota(&pool, root.path()).await.unwrap();

    let (mut hit, mut false_alarm, mut missed) = (0.0, 0.0, 0.0);
    let mut misses = Vec::new();
    for r in &rows {
        let (alert, line) = alerted(&pool, r).await;
        match (r.real, alert) {
            (true, true) => hit += 1.0,
            (false, true) => false_alarm += 1.0,
            (true, false) => missed += 1.0,
            (false, false) => continue,
        }
        if r.real != alert {
            misses.push(format!("{} {} {}: read {:?}, got {line}", r.service, r.document, r.to, r.note));
        }
    }
    let precision = hit / f64::max(hit + false_alarm, 1.0);
    let recall = hit / f64::max(hit + missed, 1.0);
    eprintln!("alert precision {precision:.2}, recall {recall:.2} over {} pairs", rows.len());
    assert!(hit > 0.0, "the reading has real changes and some alert");
    assert!(
        precision >= MIN_PRECISION && recall >= MIN_RECALL,
        "precision {precision:.2}, recall {recall:.2}:\n{}",
        misses.join("\n")
    );
}

#[sqlx::test]
async fn two_ota_services_of_one_platform_make_one_chain_without_repeats(pool: PgPool) {
    let root = corpus_subset(&["grok", "xai"]);
    import_ota(&pool, root.path()).await.unwrap();
    // A rediff finds nothing to repair and keeps the chain.
    let report = rediff(&pool, None).await.unwrap();
    assert_eq!(report.repeated, 0);

    let broken_links: i64 = sqlx::query_scalar(
        "select count(*) from changes c where c.from_version_id <> (
             select v.version_id from versions v join versions t on t.version_id = c.to_version_id
             where v.document_id = t.document_id and (v.captured_at, v.version_id) < (t.captured_at, t.version_id)
             order by v.captured_at desc, v.version_id desc limit 1)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let repeats: i64 = sqlx::query_scalar(
        "select count(*) from (select sha256, lag(sha256) over (partition by document_id order by captured_at, version_id) as prev
                               from versions) o where sha256 = prev",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let documents: i64 = sqlx::query_scalar("select count(*) from documents").fetch_one(&pool).await.unwrap();
    assert_eq!((broken_links, repeats), (0, 0));
    assert_eq!(documents, 6, "grok and xai documents land on the same six documents of xai");
}

#[sqlx::test]
async fn rediff_drops_a_version_that_repeats_the_one_before_it(pool: PgPool) {
    let root = corpus_subset(&["claude-ai"]);
    import_ota(&pool, root.path()).await.unwrap();
    // What an import into the middle of a history used to leave: a copy of the version before.
    sqlx::query(
        "insert into versions (document_id, text, sha256, captured_at, origin)
         select document_id, text, sha256, captured_at + interval '1 hour', 'import' from versions
         where version_id = (select min(version_id) from versions)",
    )
    .execute(&pool)
    .await
    .unwrap();

    let report = rediff(&pool, None).await.unwrap();

    assert_eq!(report.repeated, 1);
    let mut out = Vec::new();
    clausewatch::cli::changes::run(&pool, &ChangesCommand::Stats, &mut out).await.unwrap();
    let stats = String::from_utf8(out).unwrap();
    let variant = format!("{:<12} {:>7} {:>8}", "variant", "no", 1);
    assert!(stats.contains(&variant), "the UK → EEA switch of the consumer terms is one variant change:\n{stats}");
    assert!(stats.contains(&format!("of {} changes alert", report.changes)), "{stats}");
    let again = rediff(&pool, None).await.unwrap();
    assert_eq!((again.repeated, again.changes), (0, report.changes));
}
