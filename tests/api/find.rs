//! Ways through the archive (issue 20): full-text search with filters, the filters of `/changes`,
//! the document page's contents and version picker, the links behind counts and matrix cells,
//! and archived Markdown shown as formatted text, never as marks.
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::spawn_web;
use crate::pages::{get, import_fixture, version_id};

/// The `href`s of `<a>` elements in a page that start with `prefix`, unescaped.
fn links(body: &str, prefix: &str) -> Vec<String> {
    body.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .filter(|href| href.starts_with(prefix))
        .collect()
}

/// The number at the start of the search's outcome ("12 current provisions …").
fn found(body: &str) -> i64 {
    let heading = body.split("<h2 id=\"results\">").nth(1).unwrap_or_else(|| panic!("a results heading: {body}"));
    heading.split_whitespace().next().and_then(|n| n.parse().ok()).expect("a count")
}

#[sqlx::test]
async fn search_finds_word_forms_marks_them_and_filters_by_platform_topic_and_exposure(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;

    // "collecting" finds xAI's "collect" and "collected" (English stemming), marked in the passage.
    let (status, body) = get(&base, "/search?q=collecting").await;
    assert_eq!(status, StatusCode::OK);
    assert!(found(&body) > 0, "{body}");
    assert!(body.contains("<mark>collect</mark>") || body.contains("<mark>collected</mark>"), "{body}");
    assert!(!links(&body, "/platforms/xai/privacy-policy/provisions/").is_empty());
    assert!(!body.contains('\u{E000}') && !body.contains("**"), "match marks and Markdown never show");

    // A platform filter keeps only that platform; the header box searches from every page.
    let select = body.split("<select name=\"platform\">").nth(1).and_then(|s| s.split("</select>").next()).unwrap();
    let platforms: Vec<&str> = select.split("<option value=\"").skip(2).filter_map(|o| o.split('"').next()).collect();
    assert!(platforms.contains(&"xai") && platforms.contains(&"midjourney"), "{platforms:?}");
    let mut sum = 0;
    for platform in &platforms {
        let (_, one) = get(&base, &format!("/search?q=collecting&platform={platform}")).await;
        sum += found(&one);
        for other in platforms.iter().filter(|p| *p != platform) {
            assert!(links(&one, &format!("/platforms/{other}/")).is_empty(), "{platform} lists only its own");
        }
    }
    assert_eq!(sum, found(&body), "the platforms' matches add up to all matches");
    let (_, home) = get(&base, "/").await;
    assert!(home.contains("action=\"/search\"") && home.contains("name=\"q\""));

    // Without words, filters list provisions: every count on the platform page links to its list,
    // and the list holds exactly as many.
    let (_, platform) = get(&base, "/platforms/xai").await;
    let high = links(&platform, "/search?platform=xai&exposure=high");
    assert_eq!(high.len(), 1, "{platform}");
    let shown: i64 = platform
        .split("exposure-high\">High</span> ")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.trim().parse().ok())
        .expect("the High count");
    assert_eq!(found(&get(&base, &high[0]).await.1), shown);
    for href in links(&platform, "/search?platform=xai&topic=") {
        let (status, list) = get(&base, &href).await;
        assert_eq!(status, StatusCode::OK, "{href}");
        assert!(found(&list) > 0, "{href} lists what the platform page counted");
    }

    // Bad filters are refused with what to do; a page past the end is a 404.
    for (path, says) in [
        ("/search?platform=nobody", "We watch no platform"),
        ("/search?topic=astrology", "There is no topic"),
        ("/search?exposure=extreme", "Exposure is high, medium or low"),
    ] {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(body.contains(says), "{path}: {body}");
    }
    assert_eq!(get(&base, "/search?q=collecting&page=500").await.0, StatusCode::NOT_FOUND);
    let (status, empty) = get(&base, "/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("<form class=\"search-form\"") && !empty.contains("id=\"results\""));
}

#[sqlx::test]
async fn the_change_list_filters_by_platform_document_class_and_severity(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool.clone()).await;
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(&pool).await.unwrap() }
    };
    let total = |body: &str| -> i64 {
        body.split("</form>\n<p>")
            .nth(1)
            .and_then(|p| p.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap()
    };

    let (status, xai) = get(&base, "/changes?platform=xai").await;
    assert_eq!(status, StatusCode::OK);
    let expected = count(
        "select count(*) from changes c join documents d using (document_id) join platforms p using (platform_id)
         where p.slug = 'xai'",
    )
    .await;
    assert_eq!(total(&xai), expected);
    assert!(expected > 0 && links(&xai, "/platforms/midjourney").is_empty());
    assert!(xai.contains("<option value=\"xai\" selected>"), "the form keeps the choice");

    let (_, substantive) = get(&base, "/changes?class=substantive").await;
    assert_eq!(total(&substantive), count("select count(*) from changes where class = 'substantive'").await);
    let (_, high) = get(&base, "/changes?severity=high").await;
    assert_eq!(total(&high), count("select count(*) from changes where alert and severity = 'high'").await);
    let (_, terms) = get(&base, "/changes?document=terms-of-service").await;
    assert_eq!(
        total(&terms),
        count("select count(*) from changes c join documents d using (document_id) where d.slug = 'terms-of-service'")
            .await
    );

    for (path, says) in [
        ("/changes?class=huge", "class is one of broken, variant"),
        ("/changes?severity=severe", "Severity is high, medium or low"),
        ("/changes?platform=nobody", "We watch no platform"),
    ] {
        let (status, body) = get(&base, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert!(body.contains(says), "{path}: {body}");
    }
}

#[sqlx::test]
async fn a_document_page_has_contents_history_first_and_a_picker_for_any_two_versions(pool: PgPool) {
    import_fixture(&pool).await;
    let oldest = version_id(&pool, "xai", "privacy-policy", "2025-02-10").await;
    let newest = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let base = spawn_web(pool).await;
    let (_, doc) = get(&base, "/platforms/xai/privacy-policy").await;

    // The contents list the document's own headings (bold lines in the stored text), each a link
    // to a provision on the page.
    let toc = doc
        .split("<nav class=\"toc\"")
        .nth(1)
        .and_then(|t| t.split("</nav>").next())
        .unwrap_or_else(|| panic!("contents: {doc}"));
    assert!(toc.contains("1. About xAI and Grok"), "{toc}");
    for anchor in links(toc, "#") {
        assert!(doc.contains(&format!("id=\"{}\"", &anchor[1..])), "{anchor} is on the page");
    }
    // Headings read as headings and bold as bold: no Markdown marks reach the reader.
    assert!(doc.contains("<h3>1. About xAI and Grok</h3>"), "the heading");
    assert!(doc.contains("<strong>xAI</strong>"));
    let current = doc.split("id=\"current\"").nth(1).unwrap();
    assert!(!current.contains("**") && !current.contains("](http"), "no Markdown in the provisions");

    // History comes before the provisions, with a picker that opens the diff of any two versions.
    assert!(doc.find("id=\"history\"").unwrap() < doc.find("id=\"current\"").unwrap());
    assert!(doc.contains("action=\"/platforms/xai/privacy-policy/diff\""));
    assert!(
        doc.contains(&format!("<option value=\"{oldest}\">"))
            && doc.contains(&format!("<option value=\"{newest}\" selected>"))
    );
    let (status, diff) = get(&base, &format!("/platforms/xai/privacy-policy/diff?from={oldest}&to={newest}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(diff.contains("<ins"));
}

#[sqlx::test]
async fn matrix_cells_and_more_provisions_link_to_their_lists(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;
    let (_, topics) = get(&base, "/topics").await;
    let cells = links(&topics, "/search?platform=");
    assert!(!cells.is_empty(), "matrix cells link to lists");
    for href in cells.iter().take(5) {
        let (status, list) = get(&base, href).await;
        assert_eq!(status, StatusCode::OK);
        assert!(found(&list) > 0, "{href}: a coloured cell has provisions behind it");
    }
    // Every topic page's "N more provisions" is a link to a list of at least N + the shown ones.
    let mut followed = 0;
    for topic in links(&topics, "/topics/") {
        let (_, page) = get(&base, &topic).await;
        for more in page.split("<p class=\"note\"><a href=\"").skip(1) {
            let href = more.split('"').next().unwrap().replace("&amp;", "&");
            let n: i64 = more.split("\">").nth(1).and_then(|t| t.split_whitespace().next()).unwrap().parse().unwrap();
            assert!(found(&get(&base, &href).await.1) > n, "{href}");
            followed += 1;
        }
    }
    assert!(followed > 0, "some platform has more provisions on a topic than the page shows");
}
