//! The public pages over real corpus history: titles and landmarks, the provision diff of a real
//! pair, 404/400 answers, escaping of archived text, and the Atom feeds.
use clausewatch::archive::import::import_ota;
use reqwest::StatusCode;
use sqlx::PgPool;
use tempfile::TempDir;

use crate::helpers::spawn_web;
use crate::support::corpus_dir;

/// Links a few real corpus versions into a temporary OTA-style folder and imports them:
/// xAI privacy policy (2025-02-10, -14, -21), all Microsoft Copilot terms, three Midjourney terms.
pub async fn import_fixture(pool: &PgPool) {
    let root = TempDir::new().unwrap();
    let xai = ["2025-02-10T12-33-40Z", "2025-02-14T12-34-07Z", "2025-02-21T12-36-11Z"];
    let midjourney = ["2026-02-03T07-07-59Z", "2026-05-18T07-07-23Z", "2026-07-15T19-07-47Z"];
    link(&root, "xai", "privacy-policy", Some(&xai));
    link(&root, "microsoft-copilot", "terms-of-service", None);
    link(&root, "midjourney", "terms-of-service", Some(&midjourney));
    import_ota(pool, root.path()).await.unwrap();
}

pub fn link(root: &TempDir, service: &str, terms: &str, dates: Option<&[&str]>) {
    let source = corpus_dir().join("versions").join(service).join(terms);
    let dir = root.path().join(service).join(terms);
    std::fs::create_dir_all(&dir).unwrap();
    for file in std::fs::read_dir(&source).unwrap() {
        let file = file.unwrap().path();
        let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
        if dates.is_none_or(|d| d.contains(&stem.as_str())) {
            std::os::unix::fs::symlink(&file, dir.join(file.file_name().unwrap())).unwrap();
        }
    }
}

/// The id of the version of `platform/document` captured on `day` (YYYY-MM-DD).
pub async fn version_id(pool: &PgPool, platform: &str, document: &str, day: &str) -> i64 {
    sqlx::query_scalar(
        "select v.version_id from versions v join documents d using (document_id) join platforms p using (platform_id)
         where p.slug = $1 and d.slug = $2 and to_char(v.captured_at, 'YYYY-MM-DD') = $3",
    )
    .bind(platform)
    .bind(document)
    .bind(day)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// GET a path; the status and the body.
pub async fn get(base: &str, path: &str) -> (StatusCode, String) {
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    (response.status(), response.text().await.unwrap())
}

fn assert_page(path: &str, body: &str, title: &str) {
    assert!(body.contains(&format!("<title>{title} · ClauseWatch</title>")), "{path}: no title {title:?}");
    for landmark in ["<header", "<nav aria-label=\"Main\"", "<main", "<footer", "aria-label=\"Breadcrumb\"", "<h1>"] {
        assert!(body.contains(landmark), "{path}: no {landmark}");
    }
}

#[sqlx::test]
async fn every_public_page_answers_with_its_title_and_landmarks(pool: PgPool) {
    import_fixture(&pool).await;
    let (from, to) = (
        version_id(&pool, "xai", "privacy-policy", "2025-02-14").await,
        version_id(&pool, "xai", "privacy-policy", "2025-02-21").await,
    );
    let lineage: i64 =
        sqlx::query_scalar("select lineage_id from provisions where version_id = $1 order by ordinal limit 1")
            .bind(to)
            .fetch_one(&pool)
            .await
            .unwrap();
    let base = spawn_web(pool).await;
    let doc = "/platforms/xai/privacy-policy";
    let pages = [
        ("/".to_owned(), "What changed in AI terms".to_owned()),
        ("/platforms".to_owned(), "Platforms".to_owned()),
        ("/platforms/xai".to_owned(), "Xai".to_owned()),
        (doc.to_owned(), "Xai Privacy Policy".to_owned()),
        (format!("{doc}/versions/{to}"), "Xai Privacy Policy as of 2025-02-21".to_owned()),
        (format!("{doc}/diff?from={from}&to={to}"), "Xai Privacy Policy: 2025-02-14 → 2025-02-21".to_owned()),
        (format!("{doc}/diff?from={from}&to={to}&view=side"), "Xai Privacy Policy: 2025-02-14 → 2025-02-21".to_owned()),
        ("/changes".to_owned(), "All changes".to_owned()),
        ("/pricing".to_owned(), "Pricing".to_owned()),
        ("/methodology".to_owned(), "How ClauseWatch works".to_owned()),
        ("/topics".to_owned(), "Topics across platforms".to_owned()),
        ("/topics/ai-training".to_owned(), "Training on user content across AI platforms".to_owned()),
    ];

    for (path, title) in &pages {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_page(path, &body, title);
    }
    let (status, body) = get(&base, &format!("{doc}/provisions/{lineage}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("· Xai Privacy Policy · ClauseWatch</title>") && body.contains("not legal advice"));
    let (status, css) = get(&base, "/static/style.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains("ins"));
}

const INDEPENDENT: &str =
    "ClauseWatch is independent: it is not affiliated with, endorsed by or sponsored by any platform it watches.";

#[sqlx::test]
async fn the_methodology_says_how_documents_are_read_and_pages_link_to_it_and_give_their_as_of_dates(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool.clone()).await;

    let (status, method) = get(&base, "/methodology").await;
    assert_eq!(status, StatusCode::OK);
    assert!(method.contains(INDEPENDENT), "the FAQ says it");
    for part in ["SHA-256", "suspect", "substantive", "cross-validation", "written by an editor", "not legal advice"] {
        assert!(method.contains(part), "{part}");
    }
    let schedule = clausewatch::config::Config::from_env().unwrap().fetch_schedule.to_string();
    assert!(method.contains(&format!("<code>{schedule}</code>")), "this service's own schedule");

    let (document, lineage) = crate::topics::lineage_on(&pool, "midjourney", "liability-limitation").await;
    let (_, provision) = get(&base, &format!("/platforms/midjourney/{document}/provisions/{lineage}")).await;
    assert!(provision.contains(INDEPENDENT));
    assert!(provision.contains("This text is of the version captured 20"), "as-of dates on the provision page");
    assert!(provision.contains(", last verified unchanged 20"));
    let link = provision.find("href=\"/methodology\"").expect("the provision page links to the methodology");
    let analysis = provision.find("what it means</h2>").expect("an analysis");
    assert!(link < analysis, "the disclaimer comes before the analysis");
    let (_, document_page) = get(&base, &format!("/platforms/midjourney/{document}")).await;
    let stated = document_page.split("The document states</dt><dd>“").nth(1).expect("the document's own date");
    assert!(stated.starts_with("Version Effective Date: "), "{}", &stated[..60]);
    let (_, topic) = get(&base, "/topics/liability-limitation").await;
    let link = topic.find("href=\"/methodology\"").expect("the topic page links to the methodology");
    assert!(link < topic.find("How the platforms handle this").unwrap_or(usize::MAX));
}

#[sqlx::test]
async fn the_home_page_lists_changes_and_links_to_pricing(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;

    let (_, body) = get(&base, "/").await;

    assert!(body.contains("href=\"/pricing\""));
    assert!(body.contains("class=\"badge substantive\""), "a substantive change is listed");
    let first_badge = body.find("class=\"badge ").unwrap();
    assert!(body[first_badge..].starts_with("class=\"badge substantive\""), "substantive changes come first");
}

#[sqlx::test]
async fn the_diff_of_a_real_xai_pair_marks_audio_as_inserted(pool: PgPool) {
    import_fixture(&pool).await;
    let from = version_id(&pool, "xai", "privacy-policy", "2025-02-14").await;
    let to = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let base = spawn_web(pool).await;

    for view in ["", "&view=side"] {
        let (status, body) = get(&base, &format!("/platforms/xai/privacy-policy/diff?from={from}&to={to}{view}")).await;

        assert_eq!(status, StatusCode::OK);
        let inserted: Vec<&str> = body.split("<ins>").skip(1).filter_map(|s| s.split("</ins>").next()).collect();
        assert!(inserted.iter().any(|i| i.trim() == "audio,"), "audio is inserted ({view}): {inserted:?}");
        assert!(body.contains("<del>"), "the date change shows a deletion ({view})");
        assert!(body.contains("<details class=\"unchanged\">"), "unchanged provisions are collapsed ({view})");
    }
}

#[sqlx::test]
async fn any_two_versions_can_be_compared_not_only_consecutive_ones(pool: PgPool) {
    import_fixture(&pool).await;
    let (first, last): (i64, i64) = sqlx::query_as(
        "select min(version_id), max(version_id) from versions join documents d using (document_id)
         join platforms p using (platform_id) where p.slug = 'microsoft'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(last > first);
    let base = spawn_web(pool).await;

    let (status, body) =
        get(&base, &format!("/platforms/microsoft/terms-of-service/diff?from={first}&to={last}")).await;

    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<ins>") || body.contains("<del>"));
}

#[sqlx::test]
async fn unknown_platforms_documents_versions_and_provisions_get_the_404_page(pool: PgPool) {
    import_fixture(&pool).await;
    let other: i64 = sqlx::query_scalar(
        "select min(version_id) from versions join documents d using (document_id)
         join platforms p using (platform_id) where p.slug = 'microsoft'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let xai = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let base = spawn_web(pool).await;
    let paths = [
        "/platforms/nope".to_owned(),
        "/platforms/xai/nope".to_owned(),
        "/platforms/xai/privacy-policy/versions/999999".to_owned(),
        "/platforms/xai/privacy-policy/versions/abc".to_owned(),
        format!("/platforms/xai/privacy-policy/versions/{other}"),
        format!("/platforms/xai/privacy-policy/diff?from={other}&to={xai}"),
        "/platforms/xai/privacy-policy/provisions/999999".to_owned(),
        "/platforms/xai/privacy-policy/provisions/x1".to_owned(),
        "/no/such/page".to_owned(),
        "/changes?page=999".to_owned(),
        "/platforms/nope/changes.atom".to_owned(),
        "/platforms/xai/nope/changes.atom".to_owned(),
    ];

    for path in &paths {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_page(path, &body, "Page not found");
    }
}

#[sqlx::test]
async fn bad_query_parameters_get_400_with_a_message(pool: PgPool) {
    import_fixture(&pool).await;
    let to = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let base = spawn_web(pool).await;

    for path in [
        format!("/platforms/xai/privacy-policy/diff?from=abc&to={to}"),
        "/platforms/xai/privacy-policy/diff".to_owned(),
        "/changes?page=abc".to_owned(),
    ] {
        let (status, body) = get(&base, &path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_page(&path, &body, "Bad request");
    }
    let (_, body) = get(&base, &format!("/platforms/xai/privacy-policy/diff?from=abc&to={to}")).await;
    assert!(body.contains("must be a version id"));
}

#[sqlx::test]
async fn html_in_archived_text_is_shown_escaped_never_run(pool: PgPool) {
    let root = TempDir::new().unwrap();
    let dir = root.path().join("evil-ai").join("terms-of-service");
    std::fs::create_dir_all(&dir).unwrap();
    let text = "# Terms\n\nBy using the service you agree to <script>alert(1)</script> these terms and to \
                <img src=x onerror=alert(2)> being watched. This sentence makes the text long enough to be a document.\n";
    std::fs::write(dir.join("2025-01-01T00-00-00Z.md"), text).unwrap();
    import_ota(&pool, root.path()).await.unwrap();
    let stored: String = sqlx::query_scalar("select text from versions").fetch_one(&pool).await.unwrap();
    assert!(stored.contains("<script>alert(1)</script>"), "the stored text keeps the markup: {stored}");
    let version: i64 = sqlx::query_scalar("select version_id from versions").fetch_one(&pool).await.unwrap();
    let base = spawn_web(pool).await;

    for path in [
        "/platforms/evil-ai/terms-of-service".to_owned(),
        format!("/platforms/evil-ai/terms-of-service/versions/{version}"),
    ] {
        let (status, body) = get(&base, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!body.contains("<script>alert(1)") && !body.contains("<img src=x"), "{path} runs archived markup");
        // askama writes `<` as `&#60;`; browsers show it as text.
        assert!(
            body.contains("&#60;script&#62;alert(1)&#60;/script&#62;") || body.contains("&lt;script&gt;"),
            "{path}"
        );
    }
}

fn entries(xml: &str) -> usize {
    let doc = roxmltree::Document::parse(xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "feed");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    for child in ["id", "title", "updated", "author"] {
        assert!(root.children().any(|c| c.tag_name().name() == child), "the feed has no {child}");
    }
    let entries: Vec<_> = root.children().filter(|c| c.tag_name().name() == "entry").collect();
    for entry in &entries {
        for child in ["id", "title", "updated", "link", "summary"] {
            assert!(entry.children().any(|c| c.tag_name().name() == child), "an entry has no {child}");
        }
    }
    entries.len()
}

#[sqlx::test]
async fn the_feeds_are_atom_with_one_entry_per_change(pool: PgPool) {
    import_fixture(&pool).await;
    let all: i64 = sqlx::query_scalar("select count(*) from changes").fetch_one(&pool).await.unwrap();
    let xai: i64 = sqlx::query_scalar(
        "select count(*) from changes join documents using (document_id) join platforms p using (platform_id) where p.slug = 'xai'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(xai >= 1 && all > xai);
    let base = spawn_web(pool).await;

    let response = reqwest::get(format!("{base}/changes.atom")).await.unwrap();
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
    assert_eq!(entries(&response.text().await.unwrap()), usize::try_from(all.min(50)).unwrap());
    let (status, xml) = get(&base, "/platforms/xai/changes.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entries(&xml), usize::try_from(xai).unwrap());
    let (status, xml) = get(&base, "/platforms/xai/privacy-policy/changes.atom").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(entries(&xml), usize::try_from(xai).unwrap(), "xAI has one document in the fixture");
    assert!(xml.contains("/platforms/xai/privacy-policy/changes.atom"), "the self link names the document feed");
    let (_, page) = get(&base, "/platforms/xai/privacy-policy").await;
    assert!(page.contains("href=\"/platforms/xai/privacy-policy/changes.atom\""), "the document page links its feed");
}

#[sqlx::test]
async fn the_provision_page_shows_its_history_with_links_to_each_diff(pool: PgPool) {
    import_fixture(&pool).await;
    let from = version_id(&pool, "xai", "privacy-policy", "2025-02-14").await;
    let to = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let lineage: i64 =
        sqlx::query_scalar("select lineage_id from provisions where version_id = $1 and text like '%audio,%'")
            .bind(to)
            .fetch_one(&pool)
            .await
            .unwrap();
    let base = spawn_web(pool).await;

    let (status, body) = get(&base, &format!("/platforms/xai/privacy-policy/provisions/{lineage}")).await;

    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Xai has changed this provision before"));
    assert!(body.contains(&format!("/platforms/xai/privacy-policy/diff?from={from}&#38;to={to}")), "links the diff");
    assert!(body.contains("audio,"));
}
