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
