//! The command-line commands, called as `main` calls them.
use clausewatch::cli::fetch::{FetchArgs, run};
use sqlx::PgPool;

use crate::helpers::TestApp;
use crate::site::Behaviour;
use crate::support::corpus_dir;

#[sqlx::test]
async fn fetch_captures_corpus_snapshots_from_a_loopback_site_and_prints_a_summary_table(pool: PgPool) {
    let app = TestApp::new(pool).await;
    let snapshots = corpus_dir().join("snapshots");
    let serve = |path: &str, file: &str| {
        let body = std::fs::read(snapshots.join(file)).unwrap();
        app.site.set(path, Behaviour::page(body, "text/html; charset=utf-8"));
    };
    serve("/midjourney/tos", "midjourney/terms-of-service/2026-07-15T19-07-47Z.html");
    serve("/xai/privacy", "xai/privacy-policy/2025-02-21T12-36-11Z.html");
    app.site.set("/xai/tos", Behaviour::Status(404));
    app.declare("midjourney", "Midjourney", &[("Terms of Service", "/midjourney/tos", "article")]);
    app.declare("xai", "xAI", &[("Privacy Policy", "/xai/privacy", "main"), ("Terms of Service", "/xai/tos", "main")]);

    let mut out = Vec::new();
    let reports = run(&app.state, &FetchArgs { platform: None, document: None }, &mut out).await.unwrap();
    let mut again = Vec::new();
    run(&app.state, &FetchArgs { platform: Some("midjourney".into()), document: None }, &mut again).await.unwrap();

    let out = String::from_utf8(out).unwrap();
    println!("{out}");
    assert_eq!(reports.len(), 3);
    assert!(out.contains("[1/3] midjourney/terms-of-service: new-version"), "{out}");
    assert!(out.contains("xai/terms-of-service") && out.contains("failed"), "{out}");
    assert!(out.contains("2 new version, 0 unchanged, 0 not modified, 0 suspect, 1 failed"), "{out}");
    let again = String::from_utf8(again).unwrap();
    assert!(again.contains("0 new version, 1 unchanged"), "{again}");
}

#[sqlx::test]
async fn fetch_of_an_unknown_platform_says_what_to_do(pool: PgPool) {
    let app = TestApp::new(pool).await;
    app.declare("acme", "Acme AI", &[("Terms of Service", "/tos", "article")]);

    let error = run(&app.state, &FetchArgs { platform: Some("nope".into()), document: None }, &mut Vec::new())
        .await
        .unwrap_err();

    assert!(error.to_string().contains("catalog check"), "{error}");
}

/// Runs `clausewatch classify` (the built binary) on `input`: (exit code, stdout lines, stderr).
fn classify_cli(input: &str) -> (i32, Vec<serde_json::Value>, String) {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_clausewatch"))
        .arg("classify")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("input is written");
    let output = child.wait_with_output().expect("the binary ends");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 out");
    let lines = stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect();
    (output.status.code().expect("an exit code"), lines, String::from_utf8(output.stderr).expect("UTF-8 err"))
}

fn slugs(line: &serde_json::Value) -> Vec<String> {
    line["topics"]
        .as_array()
        .unwrap_or_else(|| panic!("no topics in {line}"))
        .iter()
        .map(|t| t["slug"].as_str().expect("a slug").to_owned())
        .collect()
}

const ARBITRATION: &str = "Any dispute will be resolved by binding individual arbitration, and you waive any right to a class action or jury trial.";
const TRAINING: &str = "We may use your conversations and uploaded content to train and improve our AI models unless you opt out in your settings.";

#[test]
fn classify_tags_plain_lines_and_json_lines_with_topics_in_input_order() {
    let input = format!(
        "{ARBITRATION}\n{}\nThe sky is blue today.\n{}\n",
        serde_json::json!({ "text": TRAINING }),
        serde_json::json!({ "text": ARBITRATION, "heading_path": ["Disputes"] })
    );

    let (code, lines, stderr) = classify_cli(&input);

    assert_eq!(code, 0, "{stderr}");
    assert_eq!(lines.len(), 4);
    assert!(slugs(&lines[0]).contains(&"arbitration".to_owned()), "{}", lines[0]);
    assert!(slugs(&lines[1]).contains(&"ai-training".to_owned()), "{}", lines[1]);
    assert!(!slugs(&lines[1]).contains(&"arbitration".to_owned()), "{}", lines[1]);
    assert!(slugs(&lines[2]).is_empty(), "{}", lines[2]);
    assert!(slugs(&lines[3]).contains(&"arbitration".to_owned()), "{}", lines[3]);
    let topic = &lines[0]["topics"][0];
    assert!(topic["confidence"].as_f64().is_some_and(|c| c > 0.0 && c <= 1.0), "{topic}");
    assert!(!topic["evidence"].as_array().expect("evidence").is_empty(), "{topic}");
}

#[test]
fn classify_reports_a_malformed_line_by_number_and_still_classifies_the_lines_after_it() {
    let input =
        format!("{TRAINING}\n{{\"text\": \"unterminated\n{}\n{ARBITRATION}\n", serde_json::json!({ "txt": "x" }));

    let (code, lines, stderr) = classify_cli(&input);

    assert_eq!(code, 1, "exit 1 when some lines were malformed");
    assert_eq!(lines.len(), 4, "one output line per input line");
    assert!(stderr.lines().next().is_some_and(|l| l.starts_with("line 2: ")), "{stderr}");
    assert!(stderr.contains("line 3: "), "{stderr}");
    assert!(lines[1]["error"].as_str().is_some_and(|e| e.starts_with("line 2: invalid JSON")), "{}", lines[1]);
    assert!(lines[2]["error"].as_str().is_some_and(|e| e.contains("\"text\"")), "{}", lines[2]);
    assert!(slugs(&lines[0]).contains(&"ai-training".to_owned()), "{}", lines[0]);
    assert!(slugs(&lines[3]).contains(&"arbitration".to_owned()), "{}", lines[3]);
}

#[test]
fn classify_reads_each_topic_s_facts_with_their_evidence_and_nulls_for_what_is_not_said() {
    let claude = serde_json::json!({
        "heading_path": ["Our use of Materials"],
        "terms_type": "Terms of Service",
        "text": "We may use Materials to provide, maintain, and improve the Services and to develop other products and services, including training our models, unless you opt out of training through your account settings. Even if you opt out, we will use Materials for model training when: (1) you provide Feedback to us regarding any Materials, or (2) your Materials are flagged for safety review to improve our ability to detect harmful content."
    });
    let cap = "Our total liability will not exceed the greater of the fees you paid us in the 12 months before the claim or $100.";

    let (code, lines, _) = classify_cli(&format!("{claude}\n{cap}\n"));

    assert_eq!(code, 0);
    let training = lines[0]["topics"].as_array().unwrap().iter().find(|t| t["slug"] == "ai-training").expect("tagged");
    let facts = &training["facts"];
    assert_eq!(facts["default_on"], true);
    assert_eq!(facts["opt_out"], true);
    assert_eq!(facts["scope"], "consumer");
    assert_eq!(facts["carve_outs"].as_array().map(Vec::len), Some(2), "{facts}");
    assert!(training["fact_evidence"]["opt_out"].as_str().is_some_and(|e| e.contains("opt out")));
    let liability =
        lines[1]["topics"].as_array().unwrap().iter().find(|t| t["slug"] == "liability-limitation").expect("tagged");
    assert_eq!(
        liability["facts"],
        serde_json::json!({"cap_amount": 100, "cap_currency": "USD", "lookback_months": 12, "as_is": null})
    );
}
