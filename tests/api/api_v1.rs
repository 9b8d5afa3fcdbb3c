//! The JSON API under `/api/v1` over real corpus history: shapes, paging and JSON errors.
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::spawn_web;
use crate::pages::{import_fixture, version_id};

async fn json(base: &str, path: &str) -> (StatusCode, Value) {
    let response = reqwest::get(format!("{base}{path}")).await.unwrap();
    let status = response.status();
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"), "{path}");
    (status, response.json().await.unwrap())
}

async fn scalar(pool: &PgPool, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[sqlx::test]
async fn platforms_list_their_documents_and_version_counts(pool: PgPool) {
    import_fixture(&pool).await;
    let xai_versions = scalar(&pool, "select count(*) from versions join documents using (document_id) join platforms p using (platform_id) where p.slug = 'xai'").await;
    let base = spawn_web(pool).await;

    let (status, list) = json(&base, "/api/v1/platforms").await;
    assert_eq!(status, StatusCode::OK);
    let platforms = list["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 3);
    let xai = platforms.iter().find(|p| p["slug"] == "xai").unwrap();
    assert_eq!(xai["documents"], 1);
    assert_eq!(xai["versions"], xai_versions);

    let (status, platform) = json(&base, "/api/v1/platforms/xai").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(platform["documents"][0]["slug"], "privacy-policy");
    assert_eq!(platform["documents"][0]["versions"], xai_versions);
    assert!(platform["documents"][0]["last_verified_at"].is_string());
}

#[sqlx::test]
async fn a_document_lists_its_versions_newest_first_with_their_changes(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;

    let (status, doc) = json(&base, "/api/v1/platforms/xai/documents/privacy-policy").await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["terms_type"], "Privacy Policy");
    let versions = doc["versions"].as_array().unwrap();
    assert!(versions.len() >= 2);
    assert!(versions[0]["captured_at"].as_str().unwrap().starts_with("2025-02-21"));
    assert_eq!(versions[0]["sha256"].as_str().unwrap().len(), 64);
    assert!(versions[0]["change_id"].is_i64());
    assert!(versions.last().unwrap()["change_id"].is_null(), "the first version has no change");
}

#[sqlx::test]
async fn a_version_carries_its_text_and_evidence(pool: PgPool) {
    import_fixture(&pool).await;
    let id = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let base = spawn_web(pool).await;

    let (status, version) = json(&base, &format!("/api/v1/versions/{id}")).await;

    assert_eq!(status, StatusCode::OK);
    assert_eq!(version["id"], id);
    assert_eq!(version["platform"], "xai");
    assert!(version["text"].as_str().unwrap().contains("audio"));
    assert_eq!(version["evidence"]["origin"], "import");
    assert!(version["evidence"]["last_verified_at"].is_string());
}

#[sqlx::test]
async fn changes_page_filter_by_platform_and_carry_their_provision_changes(pool: PgPool) {
    import_fixture(&pool).await;
    let xai = scalar(&pool, "select count(*) from changes join documents using (document_id) join platforms p using (platform_id) where p.slug = 'xai'").await;
    let all = scalar(&pool, "select count(*) from changes").await;
    let base = spawn_web(pool).await;

    let (_, page) = json(&base, "/api/v1/changes").await;
    assert_eq!(page["total"], all);
    assert_eq!(page["page"], 1);
    let (_, filtered) = json(&base, "/api/v1/changes?platform=xai&page=1").await;
    assert_eq!(filtered["total"], xai);
    let changes = filtered["changes"].as_array().unwrap();
    assert_eq!(changes.len() as i64, xai);
    assert!(changes.iter().all(|c| c["platform"] == "xai"));
    // "alert" says whether a change alerts: exactly the substantive ones.
    assert!(changes.iter().all(|c| c["alert"].as_bool() == Some(c["class"] == "substantive")), "{changes:?}");

    let newest = changes[0]["id"].as_i64().unwrap();
    let (status, change) = json(&base, &format!("/api/v1/changes/{newest}")).await;
    assert_eq!(status, StatusCode::OK);
    let provisions = change["provisions"].as_array().unwrap();
    assert!(!provisions.is_empty());
    let words = serde_json::to_string(&provisions.iter().map(|p| &p["words"]).collect::<Vec<_>>()).unwrap();
    assert!(words.contains("{\"insert\":\"audio"), "the word diff inserts audio: {words}");
}

#[sqlx::test]
async fn api_errors_are_json_with_a_message(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;

    for (path, expected) in [
        ("/api/v1/platforms/nope", StatusCode::NOT_FOUND),
        ("/api/v1/platforms/xai/documents/nope", StatusCode::NOT_FOUND),
        ("/api/v1/versions/abc", StatusCode::NOT_FOUND),
        ("/api/v1/versions/999999", StatusCode::NOT_FOUND),
        ("/api/v1/changes/999999", StatusCode::NOT_FOUND),
        ("/api/v1/changes?platform=nope", StatusCode::NOT_FOUND),
        ("/api/v1/changes?page=abc", StatusCode::BAD_REQUEST),
        ("/api/v1/changes?since=yesterday", StatusCode::BAD_REQUEST),
        ("/api/v1/topics/nope", StatusCode::NOT_FOUND),
        ("/api/v1/platforms/xai/documents/nope/versions", StatusCode::NOT_FOUND),
        ("/api/v1/no-such-endpoint", StatusCode::NOT_FOUND),
    ] {
        let (status, body) = json(&base, path).await;
        assert_eq!(status, expected, "{path}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}: {body}");
    }
}

#[sqlx::test]
async fn changes_since_a_date_leave_out_older_ones(pool: PgPool) {
    import_fixture(&pool).await;
    let since_2026 = scalar(&pool, "select count(*) from changes c join versions v on v.version_id = c.to_version_id where v.captured_at >= '2026-01-01'").await;
    let all = scalar(&pool, "select count(*) from changes").await;
    assert!(since_2026 > 0 && since_2026 < all, "the fixture has changes on both sides of 2026");
    let base = spawn_web(pool).await;

    let (status, page) = json(&base, "/api/v1/changes?since=2026-01-01").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["total"], since_2026);
    let changes = page["changes"].as_array().unwrap();
    assert!(changes.iter().all(|c| c["changed_at"].as_str().unwrap() >= "2026-01-01"));
    let (_, exact) = json(&base, "/api/v1/changes?since=2026-01-01T00:00:00Z").await;
    assert_eq!(exact["total"], since_2026);
}

#[sqlx::test]
async fn a_topic_lists_current_provisions_across_platforms(pool: PgPool) {
    import_fixture(&pool).await;
    let base = spawn_web(pool).await;

    let (status, topic) = json(&base, "/api/v1/topics/governing-law").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(topic["slug"], "governing-law");
    assert_eq!(topic["platforms_watched"].as_array().unwrap().len(), 3);
    let provisions = topic["provisions"].as_array().unwrap();
    assert!(!provisions.is_empty(), "the fixture's terms of service name a governing law");
    for p in provisions {
        assert!(p["text"].as_str().is_some_and(|t| !t.is_empty()));
        assert!(p["evidence"].as_array().is_some_and(|e| !e.is_empty()), "{p}");
    }
    let addressing = topic["platforms_addressing"].as_array().unwrap();
    assert!(addressing.iter().all(|slug| provisions.iter().any(|p| &p["platform"] == slug)));
    // Each provision carries its facts in the schema's shape; the governing law is read out.
    assert!(
        provisions
            .iter()
            .all(|p| p["facts"].as_object().is_some_and(|f| f.contains_key("law") && f.contains_key("venue")))
    );
    let laws: Vec<&str> = provisions.iter().filter_map(|p| p["facts"]["law"].as_str()).collect();
    assert!(!laws.is_empty(), "a governing law is read from the fixture: {provisions:?}");
    let with_law = provisions.iter().find(|p| p["facts"]["law"].is_string()).unwrap();
    assert!(
        with_law["fact_evidence"]["law"]
            .as_str()
            .is_some_and(|e| e.contains(with_law["facts"]["law"].as_str().unwrap()))
    );
    assert!(with_law["summary"].as_str().is_some_and(|s| s.starts_with("The law of ")), "{with_law}");
}

#[sqlx::test]
async fn a_provision_answers_with_its_text_version_and_facts_per_topic(pool: PgPool) {
    import_fixture(&pool).await;
    let lineage: i64 = sqlx::query_scalar(
        "select pa.lineage_id from provision_analyses pa
         where pa.topic = 'governing-law' and pa.automated->'facts'->'values' ? 'law' limit 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a provision with a governing law");
    let base = spawn_web(pool).await;

    let (status, provision) = json(&base, &format!("/api/v1/provisions/{lineage}")).await;
    assert_eq!(status, StatusCode::OK, "{provision}");
    assert_eq!(provision["lineage_id"], lineage);
    assert!(provision["text"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(provision["version_id"].as_i64().is_some());
    let topics = provision["topics"].as_array().unwrap();
    let law = topics.iter().find(|t| t["slug"] == "governing-law").expect("the governing-law topic");
    assert!(law["facts"]["law"].is_string(), "{law}");
    assert!(["low", "medium", "high"].contains(&law["exposure"].as_str().unwrap()));
    assert!(!law["summary"].as_str().unwrap().is_empty());

    let (status, missing) = json(&base, "/api/v1/provisions/999999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(missing["error"].as_str().is_some());
    let (status, _) = json(&base, "/api/v1/provisions/abc").await;
    assert!(status.is_client_error());
}

/// Fills the OpenAPI path template with its parameters' examples (ids: an existing row).
fn example_path(template: &str, ids: i64) -> String {
    template
        .replace("{platform}", "xai")
        .replace("{document}", "privacy-policy")
        .replace("{topic}", "ai-training")
        .replace("{id}", &ids.to_string())
        .replace("{lineage_id}", &ids.to_string())
}

#[sqlx::test]
async fn every_route_the_openapi_document_lists_answers(pool: PgPool) {
    import_fixture(&pool).await;
    let version = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let change: i64 = sqlx::query_scalar("select change_id from changes where to_version_id = $1")
        .bind(version)
        .fetch_one(&pool)
        .await
        .unwrap();
    let lineage: i64 = sqlx::query_scalar("select lineage_id from provisions where version_id = $1 limit 1")
        .bind(version)
        .fetch_one(&pool)
        .await
        .unwrap();
    let base = spawn_web(pool).await;

    let (status, doc) = json(&base, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 9, "{paths:?}");
    for template in paths.keys() {
        let id = if template.starts_with("/changes/") {
            change
        } else if template.starts_with("/provisions/") {
            lineage
        } else {
            version
        };
        let path = format!("/api/v1{}", example_path(template, id));
        let (status, body) = json(&base, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        assert!(paths[template]["get"]["summary"].as_str().is_some_and(|s| !s.is_empty()), "{template}");
    }
    // Every route the router has is documented (the JSON 404 answers the rest).
    for route in [
        "/platforms",
        "/platforms/{platform}/documents/{document}/versions",
        "/changes",
        "/topics/{topic}",
        "/provisions/{lineage_id}",
    ] {
        assert!(paths.contains_key(route), "{route} is not documented");
    }
}
