//! Cross-platform topic pages, exposure on platform pages, severity on the home page, and the
//! provision page's analysis (teaser for everyone, in full for Professional) over real history.
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::WebApp;
use crate::pages::{get, import_fixture};

/// The lineage of a current provision of `platform` tagged with `topic`.
pub(crate) async fn lineage_on(pool: &PgPool, platform: &str, topic: &str) -> (String, i64) {
    sqlx::query_as(
        "select d.slug, pr.lineage_id from provision_topics pt
         join provisions pr using (provision_id) join versions v using (version_id)
         join documents d using (document_id) join platforms p using (platform_id)
         where p.slug = $1 and pt.topic = $2 and pt.exposure is not null
         order by v.captured_at desc, pr.ordinal limit 1",
    )
    .bind(platform)
    .bind(topic)
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test]
async fn the_topics_page_has_a_matrix_cell_per_topic_and_platform_and_the_adoption_figures(pool: PgPool) {
    import_fixture(&pool).await;
    let topics: i64 = 20;
    let base = crate::helpers::spawn_web(pool.clone()).await;

    let (status, body) = get(&base, "/topics").await;

    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<title>Topics across platforms · ClauseWatch</title>"));
    let svg = &body[body.find("<svg class=\"matrix\"").unwrap()..body.find("</svg>").unwrap()];
    assert_eq!(svg.matches("<rect").count() as i64, topics * 3, "3 platforms have versions in the fixture");
    assert!(svg.contains("Xai") && svg.contains("Midjourney"));
    let addressed: i64 = sqlx::query_scalar(
        "select count(distinct p.platform_id) from provision_topics pt join provisions pr using (provision_id)
         join versions v using (version_id) join documents d using (document_id) join platforms p using (platform_id)
         where pt.topic = 'liability-limitation'
           and v.version_id in (select distinct on (document_id) version_id from versions order by document_id, captured_at desc)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(addressed > 0);
    let row = &body[body.find("href=\"/topics/liability-limitation\"").unwrap()..];
    assert!(row[..row.find("</tr>").unwrap()].contains(&format!("{addressed} of 3 platforms")), "{row}");
}

#[sqlx::test]
async fn a_topic_page_quotes_each_platform_with_exposure_and_links_to_its_provisions(pool: PgPool) {
    import_fixture(&pool).await;
    let (document, _) = lineage_on(&pool, "midjourney", "liability-limitation").await;
    let base = crate::helpers::spawn_web(pool).await;

    let (status, body) = get(&base, "/topics/liability-limitation").await;

    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("How 3 AI platforms handle"), "{body}");
    assert!(body.contains("of 3 platforms address this topic in their current documents."));
    assert!(body.contains("exposure</span>"), "each platform shows its exposure");
    assert!(body.contains(&format!("/platforms/midjourney/{document}/provisions/")), "links to provision pages");
    let (status, body) = get(&base, "/topics/no-such-topic").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("There is no topic"));
}

#[sqlx::test]
async fn a_platform_page_counts_its_provisions_by_exposure(pool: PgPool) {
    import_fixture(&pool).await;
    let base = crate::helpers::spawn_web(pool).await;

    let (_, body) = get(&base, "/platforms/xai").await;

    let summary = &body[body.find("class=\"exposure-summary\"").unwrap()..];
    let summary = &summary[..summary.find("</p>").unwrap()];
    let counts: Vec<i64> =
        summary.split("</span>").filter_map(|part| part.split('<').next()?.trim().parse().ok()).collect();
    assert_eq!(counts.len(), 3, "{summary}");
    assert!(counts.iter().sum::<i64>() > 0, "{summary}");
    assert!(body.contains("href=\"/topics/"), "topics link to their comparison");
}

#[sqlx::test]
async fn substantive_changes_carry_the_severity_of_the_topics_they_touch(pool: PgPool) {
    import_fixture(&pool).await;
    let base = crate::helpers::spawn_web(pool).await;

    let (_, body) = get(&base, "/").await;

    assert!(body.contains(" severity</span>"), "{body}");
}

#[sqlx::test]
async fn the_analysis_is_a_teaser_for_visitors_and_free_plans_and_full_for_professional(pool: PgPool) {
    import_fixture(&pool).await;
    let (document, lineage) = lineage_on(&pool, "midjourney", "liability-limitation").await;
    let path = format!("/platforms/midjourney/{document}/provisions/{lineage}");
    let app = WebApp::spawn(pool.clone()).await;

    let visitor = app.get(&mut Default::default(), &path).await;
    let mut browser = app.sign_up("pro@example.com").await;
    let free = app.get(&mut browser, &path).await;
    app.set_plan(app.org_of("pro@example.com").await, "professional").await;
    let pro = app.get(&mut browser, &path).await;

    for page in [&visitor, &free, &pro] {
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Limits of liability and disclaimers: what it means"), "{}", page.body);
        assert!(page.body.contains("Governance exposure:") && page.body.contains("Regulatory landscape"));
    }
    for teaser in [&visitor, &free] {
        assert!(teaser.body.contains("are part of the\n  <a href=\"/pricing\">Professional plan</a>"));
        assert!(!teaser.body.contains("Compliance considerations"));
    }
    assert!(pro.body.contains("Compliance considerations"));
    assert!(!pro.body.contains("Professional plan</a>"));
}
