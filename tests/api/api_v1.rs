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
        ("/api/v1/no-such-endpoint", StatusCode::NOT_FOUND),
    ] {
        let (status, body) = json(&base, path).await;
        assert_eq!(status, expected, "{path}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{path}: {body}");
    }
}
