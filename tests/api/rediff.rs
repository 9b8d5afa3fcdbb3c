//! Provisions and lineages in Postgres: stored with each version, recomputed by `rediff`.
use clausewatch::archive::{changes::rediff, import::import_ota};
use sqlx::PgPool;

use crate::support::corpus_dir;

async fn import_one(pool: &PgPool, service: &str, terms: &str) {
    let root = tempfile::TempDir::new().unwrap();
    let dir = root.path().join(service).join(terms);
    std::fs::create_dir_all(&dir).unwrap();
    for file in std::fs::read_dir(corpus_dir().join("versions").join(service).join(terms)).unwrap() {
        let file = file.unwrap().path();
        std::os::unix::fs::symlink(&file, dir.join(file.file_name().unwrap())).unwrap();
    }
    import_ota(pool, root.path()).await.unwrap();
}

/// (version, ordinal, lineage) of every provision, in order.
async fn lineages(pool: &PgPool) -> Vec<(i64, i32, i64)> {
    sqlx::query_as("select version_id, ordinal, lineage_id from provisions order by version_id, ordinal")
        .fetch_all(pool)
        .await
        .unwrap()
}

#[sqlx::test]
async fn rediff_twice_yields_the_same_lineages_and_changes(pool: PgPool) {
    import_one(&pool, "midjourney", "terms-of-service").await;
    let imported = lineages(&pool).await;
    let changes: i64 = sqlx::query_scalar("select count(*) from changes").fetch_one(&pool).await.unwrap();

    let first = rediff(&pool, None).await.unwrap();
    let after_first = lineages(&pool).await;
    let second = rediff(&pool, None).await.unwrap();
    let after_second = lineages(&pool).await;

    assert_eq!(first, second);
    assert_eq!(first.changes as i64, changes, "rediff finds the changes the import stored");
    assert_eq!(after_first, imported, "rediff reuses lineage ids: provision links stay valid");
    assert_eq!(after_second, after_first);
    let versions: i64 = sqlx::query_scalar("select count(*) from versions").fetch_one(&pool).await.unwrap();
    assert_eq!(first.versions as i64, versions, "versions are untouched");
}

#[sqlx::test]
async fn an_unchanged_provision_keeps_its_lineage_across_versions(pool: PgPool) {
    import_one(&pool, "xai", "privacy-policy").await;

    // Every provision whose text is identical to one in the version before shares its lineage.
    let broken: i64 = sqlx::query_scalar(
        "with ordered as (
             select v.version_id, lag(v.version_id) over (order by v.captured_at, v.version_id) as prev_id
             from versions v)
         select count(*) from ordered o
         join provisions n on n.version_id = o.version_id
         where o.prev_id is not null
           and exists (select 1 from provisions p where p.version_id = o.prev_id and p.sha256 = n.sha256)
           and not exists (select 1 from provisions p where p.version_id = o.prev_id and p.sha256 = n.sha256
                           and p.lineage_id = n.lineage_id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let topics: i64 = sqlx::query_scalar("select count(*) from provision_topics").fetch_one(&pool).await.unwrap();

    assert_eq!(broken, 0);
    assert!(topics > 0, "stored provisions are classified");
}

/// (version, stated date, read) of every version, in order.
async fn stated_dates(pool: &PgPool) -> Vec<(i64, Option<String>, bool)> {
    sqlx::query_as("select version_id, stated_date, stated_date_read from versions order by version_id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// What `stated_date` reads from each version's text now, in order.
async fn stated_dates_of_texts(pool: &PgPool) -> Vec<(i64, Option<String>, bool)> {
    let texts: Vec<(i64, String)> =
        sqlx::query_as("select version_id, text from versions order by version_id").fetch_all(pool).await.unwrap();
    texts.into_iter().map(|(id, text)| (id, clausewatch::pipeline::diff::stated_date(&text), true)).collect()
}

#[sqlx::test]
async fn a_stored_version_keeps_the_line_its_document_states_its_date_on(pool: PgPool) {
    import_one(&pool, "midjourney", "terms-of-service").await;

    let stored = stated_dates(&pool).await;

    assert!(stored.len() > 1);
    assert_eq!(stored, stated_dates_of_texts(&pool).await, "read when stored, as the text states it");
    assert!(
        stored.iter().all(|(_, date, _)| date.as_deref().is_some_and(|d| d.starts_with("Version Effective Date: "))),
        "{stored:?}"
    );
}

#[sqlx::test]
async fn versions_stored_before_the_stated_date_was_kept_get_it_by_the_backfill_and_by_rediff(pool: PgPool) {
    import_one(&pool, "midjourney", "terms-of-service").await;
    let expected = stated_dates_of_texts(&pool).await;
    let forget = "update versions set stated_date = null, stated_date_read = false";
    sqlx::query(forget).execute(&pool).await.unwrap();

    let read = clausewatch::archive::stated_dates::backfill(&pool).await.unwrap();
    let again = clausewatch::archive::stated_dates::backfill(&pool).await.unwrap();

    assert_eq!(read, expected.len() as u64);
    assert_eq!(again, 0, "read once");
    assert_eq!(stated_dates(&pool).await, expected);

    sqlx::query(forget).execute(&pool).await.unwrap();
    rediff(&pool, None).await.unwrap();
    assert_eq!(stated_dates(&pool).await, expected, "rediff reads them too");
}

#[sqlx::test]
async fn pages_quote_the_stored_date_line_and_read_the_text_of_a_version_not_yet_backfilled(pool: PgPool) {
    import_one(&pool, "midjourney", "terms-of-service").await;
    let (current, lineage): (i64, i64) = sqlx::query_as(
        "select v.version_id, pr.lineage_id from versions v join provisions pr using (version_id)
         order by v.captured_at desc, pr.ordinal limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    sqlx::query("update versions set stated_date = 'Last updated: the stored line' where version_id = $1")
        .bind(current)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("update versions set stated_date = null, stated_date_read = false where version_id <> $1")
        .bind(current)
        .execute(&pool)
        .await
        .unwrap();
    let older: i64 = sqlx::query_scalar("select min(version_id) from versions").fetch_one(&pool).await.unwrap();
    let base = crate::helpers::spawn_web(pool.clone()).await;
    let page = async |path: String| crate::pages::get(&base, &path).await.1;
    let document = "/platforms/midjourney/terms-of-service";

    let provision = page(format!("{document}/provisions/{lineage}")).await;
    let document_page = page(document.to_owned()).await;
    let old_version = page(format!("{document}/versions/{older}")).await;

    assert!(
        provision.contains("The document states “Last updated: the stored line”."),
        "the stored line, not the text"
    );
    assert!(document_page.contains("The document states</dt><dd>“Last updated: the stored line”"));
    let stated = old_version.split("The document states</dt><dd>“").nth(1).expect("read from the text meanwhile");
    assert!(stated.starts_with("Version Effective Date: "), "{}", &stated[..60]);
}
