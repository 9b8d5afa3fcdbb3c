//! Editor review of stored analyses: operators rewrite fields at `/admin/provisions/{lineage}/analysis`,
//! the provision page shows the edit as reviewed, the history keeps the previous text, and
//! `clausewatch reanalyse` recomputes everything but the editor's fields.
use clausewatch::archive::import::import_ota;
use clausewatch::cli::{admin, reanalyse};
use clausewatch::domain::topic::Taxonomy;
use clausewatch::pipeline::analyse::Analysis;
use reqwest::StatusCode;
use sqlx::PgPool;
use tempfile::TempDir;

use crate::accounts::{Browser, WebApp, csrf_of};
use crate::pages::{import_fixture, version_id};
use crate::support::corpus_dir;

/// A provision of the current xAI privacy policy that has a stored analysis: (lineage, topic, version).
async fn analysed_provision(pool: &PgPool) -> (i64, String, i64) {
    let version = version_id(pool, "xai", "privacy-policy", "2025-02-21").await;
    let (lineage, topic): (i64, String) = sqlx::query_as(
        "select lineage_id, topic from provision_analyses where version_id = $1 order by lineage_id, topic limit 1",
    )
    .bind(version)
    .fetch_one(pool)
    .await
    .expect("provisions get analyses when they are stored");
    (lineage, topic, version)
}

/// Signs up `email` and makes them an operator.
async fn operator(app: &WebApp, email: &str) -> Browser {
    let browser = app.sign_up(email).await;
    let grant = admin::AdminArgs { command: admin::AdminCommand::Grant { email: email.into() } };
    admin::run(&app.pool, &grant, &mut Vec::new()).await.expect("grant runs");
    browser
}

fn review_path(lineage: i64) -> String {
    format!("/admin/provisions/{lineage}/analysis")
}

fn provision_path(lineage: i64) -> String {
    format!("/platforms/xai/privacy-policy/provisions/{lineage}")
}

/// Saves `meaning` as the meaning of `topic` through the review form.
async fn edit_meaning(app: &WebApp, browser: &mut Browser, lineage: i64, topic: &str, version: i64, meaning: &str) {
    let form = app.get(browser, &review_path(lineage)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    let csrf = csrf_of(&form.body);
    let version = version.to_string();
    let fields = [("csrf_token", csrf.as_str()), ("version_id", &version), ("topic", topic), ("meaning", meaning)];
    let saved = app.post_raw(browser, &review_path(lineage), &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(saved.location.as_deref(), Some(format!("{}?saved=1", review_path(lineage)).as_str()));
}

/// As askama escapes text.
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

/// The stored automated analysis (JSON) of a provision's topic.
async fn stored_automated(pool: &PgPool, version: i64, lineage: i64, topic: &str) -> serde_json::Value {
    sqlx::query_scalar(
        "select automated from provision_analyses where version_id = $1 and lineage_id = $2 and topic = $3",
    )
    .bind(version)
    .bind(lineage)
    .bind(topic)
    .fetch_one(pool)
    .await
    .unwrap()
}

async fn automated_meaning(pool: &PgPool, version: i64, lineage: i64, topic: &str) -> String {
    stored_automated(pool, version, lineage, topic).await["meaning"].as_str().unwrap_or_default().to_owned()
}

#[sqlx::test]
async fn an_editor_rewrites_the_meaning_and_the_provision_page_shows_it_as_reviewed_with_history(pool: PgPool) {
    import_fixture(&pool).await;
    let (lineage, topic, version) = analysed_provision(&pool).await;
    let automated = automated_meaning(&pool, version, lineage, &topic).await;
    let app = WebApp::spawn(pool.clone()).await;
    let mut visitor = Browser::default();
    let before = app.get(&mut visitor, &provision_path(lineage)).await;
    assert!(before.body.contains("Automated analysis") && !before.body.contains("Reviewed by an editor"));
    assert!(before.body.contains(&escaped(&automated)), "the stored automated meaning is shown");
    let mut editor = operator(&app, "editor@example.com").await;

    let meaning = "Editors' reading: <b>xAI</b> may use this data & keep it.";
    edit_meaning(&app, &mut editor, lineage, &topic, version, meaning).await;

    let page = app.get(&mut visitor, &provision_path(lineage)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&escaped(meaning)), "the edit is shown, escaped: {}", page.body);
    assert!(!page.body.contains("<b>xAI</b>"), "stored text is never markup");
    assert!(!page.body.contains(&escaped(&automated)), "the automated meaning is replaced");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert!(page.body.contains(&format!("Reviewed by an editor on {today}")), "{}", page.body);
    assert!(page.body.contains("(written by an editor)"));
    let review = app.get(&mut editor, &format!("{}?saved=1", review_path(lineage))).await;
    assert!(review.body.contains("Review saved: 1 field changed."));
    let history = review.body.split("History of edits").nth(1).expect("a history section");
    assert!(history.contains(&escaped(&automated)), "the previous text is kept: {history}");
    assert!(history.contains(&escaped(meaning)) && history.contains("editor@example.com"));
    let other: i64 = sqlx::query_scalar(
        "select lineage_id from provision_analyses where version_id = $1 and lineage_id <> $2 limit 1",
    )
    .bind(version)
    .bind(lineage)
    .fetch_one(&pool)
    .await
    .unwrap();
    let untouched = app.get(&mut visitor, &provision_path(other)).await;
    assert!(untouched.body.contains("Automated analysis") && !untouched.body.contains("Reviewed by an editor"));
}

#[sqlx::test]
async fn a_stored_analysis_keeps_only_the_provision_s_part_and_the_page_adds_the_topic_s_text(pool: PgPool) {
    import_fixture(&pool).await;
    let (lineage, topic, version) = analysed_provision(&pool).await;
    let stored = stored_automated(&pool, version, lineage, &topic).await;
    for key in ["regulations", "jurisdictions", "contract_implications", "compliance_actions"] {
        assert!(stored.get(key).is_none(), "{key} is the taxonomy's text, not stored: {stored}");
    }
    assert!(stored.get("meaning").is_some() && stored.get("rationale").is_some());

    // The topic's lines that hold for this provision's facts, as the page must show them.
    let analysis: Analysis = serde_json::from_value(stored.clone()).expect("a stored analysis");
    let expected = analysis.with_topic_text(Taxonomy::builtin());
    let regulation = &expected.regulations[0];
    let app = WebApp::spawn(pool.clone()).await;
    let page = app.get(&mut Browser::default(), &provision_path(lineage)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&escaped(&regulation.name)), "{}", page.body);
    assert!(page.body.contains(&escaped(&regulation.articles[0])), "{}", page.body);
    assert!(page.body.contains(&escaped(&expected.contract_implications[0])), "{}", page.body);
}

#[sqlx::test]
async fn people_who_are_not_operators_cannot_open_the_review_page_or_post_to_it(pool: PgPool) {
    import_fixture(&pool).await;
    let (lineage, topic, version) = analysed_provision(&pool).await;
    let app = WebApp::spawn(pool.clone()).await;
    let version = version.to_string();

    let anonymous = app.get(&mut Browser::default(), &review_path(lineage)).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location.is_some_and(|l| l.starts_with("/login?next=")));
    let mut member = app.sign_up("member@example.com").await;
    assert_eq!(app.get(&mut member, &review_path(lineage)).await.status, StatusCode::FORBIDDEN);
    let fields = [("version_id", version.as_str()), ("topic", topic.as_str()), ("meaning", "Hijacked.")];
    let posted = app.post_form(&mut member, "/account", &review_path(lineage), &fields).await;
    assert_eq!(posted.status, StatusCode::FORBIDDEN);
    let anonymous_post = app.post_raw(&mut Browser::default(), &review_path(lineage), &fields).await;
    assert_eq!(anonymous_post.status, StatusCode::SEE_OTHER);
    let mut editor = operator(&app, "editor@example.com").await;
    let without_token = app.post_raw(&mut editor, &review_path(lineage), &fields).await;
    assert_eq!(without_token.status, StatusCode::FORBIDDEN, "operators need the CSRF token too");

    let edits: i64 = sqlx::query_scalar("select count(*) from analysis_edits").fetch_one(&pool).await.unwrap();
    let edited: i64 = sqlx::query_scalar("select count(*) from provision_analyses where edited <> '{}'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((edits, edited), (0, 0));
    let page = app.get(&mut Browser::default(), &provision_path(lineage)).await;
    assert!(!page.body.contains("Hijacked."));
}

#[sqlx::test]
async fn reanalyse_keeps_the_editor_field_recomputes_the_rest_and_a_second_run_changes_nothing(pool: PgPool) {
    import_fixture(&pool).await;
    let (lineage, topic, version) = analysed_provision(&pool).await;
    let app = WebApp::spawn(pool.clone()).await;
    let mut editor = operator(&app, "editor@example.com").await;
    edit_meaning(&app, &mut editor, lineage, &topic, version, "The editor's meaning.").await;
    let original = stored_automated(&pool, version, lineage, &topic).await;
    // A stale automated analysis (as after a taxonomy change), a lost analysis and a lost topic.
    sqlx::query(
        "update provision_analyses set automated = jsonb_set(jsonb_set(automated, '{rationale}', '[\"stale\"]'), '{meaning}', '\"stale\"')
         where version_id = $1 and lineage_id = $2 and topic = $3",
    )
    .bind(version)
    .bind(lineage)
    .bind(&topic)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("delete from provision_analyses where version_id = $1 and lineage_id <> $2 and edited = '{}' and lineage_id = (select min(lineage_id) from provision_analyses where version_id = $1 and lineage_id <> $2)")
        .bind(version)
        .bind(lineage)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("delete from provision_topics where ctid = (select ctid from provision_topics limit 1)")
        .execute(&pool)
        .await
        .unwrap();

    let mut out = Vec::new();
    let first = reanalyse::run(&pool, &reanalyse::ReanalyseArgs::default(), &mut out).await.expect("reanalyse runs");

    assert_eq!(first.topics_changed, 1, "{first:?}");
    assert!(first.analyses_updated >= 2, "{first:?}");
    assert_eq!(first.editor_fields_kept, 1);
    let (automated, edited): (serde_json::Value, serde_json::Value) = sqlx::query_as(
        "select automated, edited from provision_analyses where version_id = $1 and lineage_id = $2 and topic = $3",
    )
    .bind(version)
    .bind(lineage)
    .bind(&topic)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(automated, original, "the automated fields are recomputed");
    assert_eq!(edited, serde_json::json!({ "meaning": "The editor's meaning." }), "the editor's field is kept");
    let page = app.get(&mut Browser::default(), &provision_path(lineage)).await;
    assert!(page.body.contains("The editor&#39;s meaning.") && page.body.contains("Reviewed by an editor on"));

    let mut again_out = Vec::new();
    let second = reanalyse::run(&pool, &reanalyse::ReanalyseArgs::default(), &mut again_out).await.unwrap();
    assert_eq!((second.topics_changed, second.analyses_updated, second.editor_fields_kept), (0, 0, 1), "{second:?}");
    assert_eq!(second.provisions, first.provisions);
    let printed = String::from_utf8(again_out).unwrap();
    assert!(printed.contains("0 topics changed, 0 analyses updated, 1 editor fields kept"), "{printed}");
}

#[sqlx::test]
async fn a_review_survives_a_rediff_and_carries_over_to_a_new_version_with_the_same_text(pool: PgPool) {
    let root = TempDir::new().unwrap();
    let source = corpus_dir().join("versions/xai/privacy-policy");
    let dir = root.path().join("xai/privacy-policy");
    std::fs::create_dir_all(&dir).unwrap();
    let link = |stem: &str| {
        let name = format!("{stem}.md");
        std::os::unix::fs::symlink(source.join(&name), dir.join(&name)).unwrap();
    };
    link("2025-02-10T12-33-40Z");
    link("2025-02-14T12-34-07Z");
    import_ota(&pool, root.path()).await.unwrap();
    let old = version_id(&pool, "xai", "privacy-policy", "2025-02-14").await;
    let app = WebApp::spawn(pool.clone()).await;
    let mut editor = operator(&app, "editor@example.com").await;
    // A provision whose text the next version keeps as it is.
    let (lineage, topic): (i64, String) = sqlx::query_as(
        "select pa.lineage_id, pa.topic from provision_analyses pa
         join provisions p on p.version_id = pa.version_id and p.lineage_id = pa.lineage_id
         where pa.version_id = $1 and p.text not like '%audio%' order by p.ordinal, pa.topic limit 1",
    )
    .bind(old)
    .fetch_one(&pool)
    .await
    .unwrap();
    edit_meaning(&app, &mut editor, lineage, &topic, old, "Reviewed once, still true.").await;

    clausewatch::archive::changes::rediff(&pool, Some("privacy-policy")).await.unwrap();
    link("2025-02-21T12-36-11Z");
    import_ota(&pool, root.path()).await.unwrap();

    let new = version_id(&pool, "xai", "privacy-policy", "2025-02-21").await;
    let same_text: bool = sqlx::query_scalar(
        "select a.sha256 = b.sha256 from provisions a, provisions b
         where a.version_id = $1 and b.version_id = $2 and a.lineage_id = $3 and b.lineage_id = $3",
    )
    .bind(old)
    .bind(new)
    .bind(lineage)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(same_text, "the fixture keeps this provision's text");
    let carried: serde_json::Value = sqlx::query_scalar(
        "select edited from provision_analyses where version_id = $1 and lineage_id = $2 and topic = $3",
    )
    .bind(new)
    .bind(lineage)
    .bind(&topic)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(carried, serde_json::json!({ "meaning": "Reviewed once, still true." }));
    let page = app.get(&mut Browser::default(), &provision_path(lineage)).await;
    assert!(page.body.contains("Reviewed once, still true.") && page.body.contains("Reviewed by an editor on"));
}

#[sqlx::test]
async fn a_bad_exposure_or_a_stale_form_is_refused_and_an_editor_exposure_reaches_the_topic(pool: PgPool) {
    import_fixture(&pool).await;
    let (lineage, topic, version) = analysed_provision(&pool).await;
    let automated = stored_automated(&pool, version, lineage, &topic).await;
    let level = if automated["exposure"] == "low" { "high" } else { "low" };
    let app = WebApp::spawn(pool.clone()).await;
    let mut editor = operator(&app, "editor@example.com").await;
    let csrf = csrf_of(&app.get(&mut editor, &review_path(lineage)).await.body);
    let form = |version: i64, exposure: &str, meaning: &str| {
        let fields =
            [("version_id", version.to_string()), ("exposure", exposure.to_owned()), ("meaning", meaning.to_owned())];
        let mut all = vec![("csrf_token", csrf.clone()), ("topic", topic.clone())];
        all.extend(fields);
        all
    };
    let bad_fields = form(version, "severe", "Kept in the form.");
    let stale_fields = form(version - 1, level, "Too late.");
    let good_fields = form(version, level, "The editor's level.");

    let bad = app.post_raw(&mut editor, &review_path(lineage), &refs(&bad_fields)).await;
    let too_late = app.post_raw(&mut editor, &review_path(lineage), &refs(&stale_fields)).await;
    let good = app.post_raw(&mut editor, &review_path(lineage), &refs(&good_fields)).await;

    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("is not an exposure level"), "{}", bad.body);
    assert!(bad.body.contains("Kept in the form."), "the editor's text is shown again");
    assert_eq!(too_late.status, StatusCode::CONFLICT);
    assert!(too_late.body.contains("A newer version of this provision was archived"));
    assert_eq!(good.status, StatusCode::SEE_OTHER, "{}", good.body);
    let on_topic: String = sqlx::query_scalar(
        "select pt.exposure from provision_topics pt join provisions p using (provision_id)
         where p.version_id = $1 and p.lineage_id = $2 and pt.topic = $3",
    )
    .bind(version)
    .bind(lineage)
    .bind(&topic)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(on_topic, level, "pages that count exposure see the editor's level");
    let fields: Vec<String> =
        sqlx::query_scalar("select field from analysis_edits order by field").fetch_all(&pool).await.unwrap();
    assert_eq!(fields, ["exposure", "meaning"], "only the good form was saved");
    let page = app.get(&mut Browser::default(), &provision_path(lineage)).await;
    assert!(page.body.contains(&format!("exposure-{level}")) && page.body.contains("(set by an editor)"));
}

/// Form fields as `post_raw` takes them.
fn refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}
