//! Importing Open Terms Archive history: the corpus folder and an OTA-style git clone.
use std::process::Command;

use clausewatch::archive::import::import_ota;
use sqlx::PgPool;

use crate::support::corpus_dir;

async fn count(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test]
async fn the_whole_corpus_imports_once_with_real_dates(pool: PgPool) {
    let versions = corpus_dir().join("versions");
    let files = walk_md(&versions);

    let first = import_ota(&pool, &versions).await.unwrap();
    let again = import_ota(&pool, &versions).await.unwrap();

    println!("corpus import: {first:?}");
    // 59 folders; grok and xai (three documents) land on xai's documents as one chain each.
    assert_eq!(first.documents, 56);
    assert_eq!(first.added + first.skipped + first.suspect, files, "every file is accounted for");
    // 139 files repeat the text before them once link targets are dropped (rotating tracking
    // links, OTA technical upgrades, a grok version equal to the xai one before it); 45 are
    // error pages or collapsed pages.
    assert_eq!((first.added, first.skipped, first.suspect), (525, 139, 45), "{first:?}");
    assert_eq!(count(&pool, "select count(*) from versions").await, first.added as i64);
    assert_eq!(again.added, 0, "re-running adds nothing: {again:?}");
    assert_eq!(count(&pool, "select count(*) from versions").await, first.added as i64);
    // Dates come from the file names.
    let oldest: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("select min(captured_at) from versions").fetch_one(&pool).await.unwrap();
    assert_eq!(oldest.format("%Y-%m-%d").to_string(), "2023-03-09");
    // Imported history lands on the catalogue's platforms.
    let anthropic = count(
        &pool,
        "select count(*) from documents d join platforms p using (platform_id) where p.slug = 'anthropic'",
    )
    .await;
    assert_eq!(anthropic, 8);
}

#[sqlx::test]
async fn the_microsoft_collapse_and_llama_error_pages_are_left_out_of_imported_history(pool: PgPool) {
    let root = tempfile::TempDir::new().unwrap();
    for (service, terms) in [("microsoft-copilot", "privacy-policy"), ("llama-api", "data-processor-agreement")] {
        let dir = root.path().join(service).join(terms);
        std::fs::create_dir_all(&dir).unwrap();
        for file in std::fs::read_dir(corpus_dir().join("versions").join(service).join(terms)).unwrap() {
            let file = file.unwrap().path();
            std::os::unix::fs::symlink(&file, dir.join(file.file_name().unwrap())).unwrap();
        }
    }

    let report = import_ota(&pool, root.path()).await.unwrap();

    // Microsoft: six collapsed captures from 2025-12 on; Llama DPA: two error pages.
    assert_eq!(report.suspect, 8, "{report:?}");
    let shortest: i32 = sqlx::query_scalar("select min(length(text)) from versions").fetch_one(&pool).await.unwrap();
    assert!(shortest > 1_000, "no error page or collapsed text was stored ({shortest} chars)");
}

#[sqlx::test]
async fn an_ota_git_clone_imports_one_version_per_commit(pool: PgPool) {
    let repo = tempfile::TempDir::new().unwrap();
    let git = |args: &[&str], date: &str| {
        let status = Command::new("git")
            .current_dir(repo.path())
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .env("GIT_AUTHOR_NAME", "OTA")
            .env("GIT_AUTHOR_EMAIL", "ota@example.invalid")
            .env("GIT_COMMITTER_NAME", "OTA")
            .env("GIT_COMMITTER_EMAIL", "ota@example.invalid")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"], "2024-01-01T00:00:00Z");
    let source = corpus_dir().join("versions/xai/privacy-policy");
    let dir = repo.path().join("xAI");
    std::fs::create_dir_all(&dir).unwrap();
    for date in ["2025-02-14T12-34-07Z", "2025-02-21T12-36-11Z"] {
        std::fs::copy(source.join(format!("{date}.md")), dir.join("Privacy Policy.md")).unwrap();
        let iso = format!("{}T{}Z", &date[..10], date[11..19].replace('-', ":"));
        git(&["add", "."], &iso);
        git(&["commit", "-q", "-m", "Record change"], &iso);
    }

    let first = import_ota(&pool, repo.path()).await.unwrap();
    let again = import_ota(&pool, repo.path()).await.unwrap();

    assert_eq!((first.documents, first.added), (1, 2), "{first:?}");
    assert_eq!(again.added, 0);
    let dates: Vec<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select captured_at from versions order by captured_at").fetch_all(&pool).await.unwrap();
    assert_eq!(dates[0].to_rfc3339(), "2025-02-14T12:34:07+00:00");
    assert_eq!(dates[1].to_rfc3339(), "2025-02-21T12:36:11+00:00");
    let changes = count(&pool, "select count(*) from changes").await;
    assert_eq!(changes, 1, "the second version is diffed against the first");
}

#[sqlx::test]
async fn importing_a_missing_folder_says_so(pool: PgPool) {
    let error = import_ota(&pool, std::path::Path::new("/nonexistent/ota")).await.unwrap_err();
    assert!(error.to_string().contains("/nonexistent/ota"), "{error}");
}

fn walk_md(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { walk_md(&p) } else { usize::from(p.extension().is_some_and(|e| e == "md")) })
        .sum()
}
