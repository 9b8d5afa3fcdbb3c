//! Provision facts on the pages and in the API over imported real history: the summary that opens
//! a provision page, its facts, peers side by side, the topic comparison table, and an editor's
//! correction of a fact.
use clausewatch::cli::admin;
use reqwest::StatusCode;
use sqlx::PgPool;

use crate::accounts::{Browser, WebApp, csrf_of};
use crate::pages::{get, import_fixture};

/// A current provision whose analysis of `topic` states `fact`: (platform, document, lineage, version).
async fn stating(pool: &PgPool, topic: &str, fact: &str) -> (String, String, i64, i64) {
    sqlx::query_as(
        "select p.slug, d.slug, pa.lineage_id, pa.version_id from provision_analyses pa
         join versions v on v.version_id = pa.version_id join documents d using (document_id)
         join platforms p using (platform_id)
         where pa.topic = $1 and pa.automated->'facts'->'values' ? $2
         order by v.captured_at desc limit 1",
    )
    .bind(topic)
    .bind(fact)
    .fetch_one(pool)
    .await
    .expect("the fixture states the fact")
}

#[sqlx::test]
async fn a_topic_page_compares_the_platforms_fact_by_fact_with_links_and_not_stated(pool: PgPool) {
    import_fixture(&pool).await;
    let (platform, document, lineage, _) = stating(&pool, "governing-law", "law").await;
    let base = crate::helpers::spawn_web(pool).await;

    let (status, body) = get(&base, "/topics/governing-law").await;

    assert_eq!(status, StatusCode::OK);
    let table = &body[body.find("<table class=\"facts-table\"").expect("a comparison table")..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains("<th scope=\"col\">Governing law</th>") && table.contains("<th scope=\"col\">Courts</th>"));
    assert_eq!(table.matches("<th scope=\"row\">").count(), 3, "one row per watched platform: {table}");
    assert!(table.contains(&format!("href=\"/platforms/{platform}/{document}/provisions/{lineage}\"")), "{table}");
    assert!(table.contains("California"), "{table}");
    assert!(table.contains("not stated"), "{table}");
    for topic in ["ai-training", "data-sharing", "governing-law"] {
        let (_, page) = get(&base, &format!("/topics/{topic}")).await;
        assert!(!page.contains("{features}"), "/topics/{topic} shows a template placeholder");
    }
}

#[sqlx::test]
async fn a_provision_page_opens_with_a_summary_of_what_it_decides_and_lists_its_facts(pool: PgPool) {
    import_fixture(&pool).await;
    let (platform, document, lineage, _) = stating(&pool, "governing-law", "law").await;
    let base = crate::helpers::spawn_web(pool).await;

    let (status, body) = get(&base, &format!("/platforms/{platform}/{document}/provisions/{lineage}")).await;

    assert_eq!(status, StatusCode::OK);
    let summary = body.find("<section class=\"summary\"").expect("a summary section");
    assert!(summary < body.find("What it says").unwrap(), "the summary opens the page");
    assert!(
        body[summary..]
            .starts_with("<section class=\"summary\" aria-label=\"In short\">\n  <p>The law of California governs.")
    );
    assert!(body.contains("<dt>Governing law</dt><dd>California<q class=\"evidence\">"), "the fact and its evidence");
    assert!(body.contains("<dt>Courts</dt><dd>not stated"), "an unstated fact says so");
}

#[sqlx::test]
async fn an_editor_corrects_a_fact_and_the_page_and_the_api_follow_it(pool: PgPool) {
    import_fixture(&pool).await;
    let (platform, document, lineage, version) = stating(&pool, "governing-law", "law").await;
    let app = WebApp::spawn(pool.clone()).await;
    let mut editor = app.sign_up("editor@example.com").await;
    let grant = admin::AdminArgs { command: admin::AdminCommand::Grant { email: "editor@example.com".into() } };
    admin::run(&app.pool, &grant, &mut Vec::new()).await.expect("grant runs");
    let review = format!("/admin/provisions/{lineage}/analysis");
    let form = app.get(&mut editor, &review).await;
    let csrf = csrf_of(&form.body);
    let version = version.to_string();
    let send = |facts: &'static str| {
        [
            ("csrf_token", csrf.clone()),
            ("version_id", version.clone()),
            ("topic", "governing-law".into()),
            ("facts", facts.into()),
        ]
    };

    let garbage = send("law: California\ncolour: blue");
    let fields: Vec<(&str, &str)> = garbage.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = app.post_raw(&mut editor, &review, &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("no fact named colour"), "{}", refused.body);

    let corrected = send("law: Ireland\nvenue: Dublin");
    let fields: Vec<(&str, &str)> = corrected.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = app.post_raw(&mut editor, &review, &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let page =
        app.get(&mut Browser::default(), &format!("/platforms/{platform}/{document}/provisions/{lineage}")).await;
    assert!(page.body.contains("<dt>Governing law</dt><dd>Ireland"), "{}", page.body);
    assert!(page.body.contains("What it decides <span class=\"editor-note\">(set by an editor)</span>"));
    let api = app.get(&mut Browser::default(), &format!("/api/v1/provisions/{lineage}")).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let law = json["topics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["topic"] == "governing-law" || t["slug"] == "governing-law")
        .unwrap();
    assert_eq!(law["facts"]["law"], "Ireland");
    assert_eq!(law["facts"]["venue"], "Dublin");
    assert_eq!(law["reviewed"], true);
}

#[sqlx::test]
async fn a_change_that_alters_a_provision_s_facts_says_so_first_in_its_headline(pool: PgPool) {
    let root = tempfile::TempDir::new().unwrap();
    crate::pages::link(&root, "claude-ai", "terms-of-service", Some(&["2025-08-01T00-32-05Z", "2025-08-29T00-32-01Z"]));
    clausewatch::archive::import::import_ota(&pool, root.path()).await.unwrap();

    let summary: String = sqlx::query_scalar("select summary from changes order by change_id desc limit 1")
        .fetch_one(&pool)
        .await
        .expect("the second version is a change");

    assert!(summary.starts_with("Training on user content, on by default: no → yes"), "{summary}");
}
