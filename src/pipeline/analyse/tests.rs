use super::*;

fn analysis(topic: &str, text: &str) -> Analysis {
    let matches = [TopicMatch { topic: topic.to_owned(), confidence: 1.0, evidence: vec![] }];
    let mut all = analyse(Taxonomy::builtin(), &matches, text);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn an_opt_out_lowers_the_exposure_of_training() {
    let plain = analysis("ai-training", "We use your chats to train our models.");
    let with_opt_out = analysis("ai-training", "We use your chats to train our models. You can opt out in settings.");
    assert!(with_opt_out.features.opt_out);
    assert!(with_opt_out.exposure < plain.exposure, "{:?}", with_opt_out.rationale);
    assert!(with_opt_out.rationale.iter().any(|r| r.starts_with("Lowered")));
}

#[test]
fn default_on_training_stays_high_and_says_why() {
    let text = "Your conversations are used to improve our models by default.";
    let result = analysis("ai-training", text);
    assert!(result.features.default_on);
    assert_eq!(result.exposure, Exposure::High);
    assert!(result.rationale.iter().any(|r| r.starts_with("Raised")));
}

#[test]
fn off_by_default_is_not_default_on() {
    assert!(!features("Model improvement is off by default for business accounts.").default_on);
}

#[test]
fn indefinite_retention_raises_the_exposure() {
    let result = analysis("data-retention", "We may retain your messages indefinitely.");
    assert_eq!(result.features.retention_period.as_deref(), Some("indefinitely"));
    assert_eq!(result.exposure, Exposure::High);
}

#[test]
fn thirty_days_is_found_as_the_retention_period_and_lowers_exposure() {
    let result = analysis("data-retention", "Deleted chats are kept for 30 days and then erased.");
    assert_eq!(result.features.retention_period.as_deref(), Some("30 days"));
    assert_eq!(result.exposure, Exposure::Low);
    assert!(result.meaning.contains("30 days"), "{}", result.meaning);
}

#[test]
fn a_notice_period_is_found_and_lowers_the_exposure_of_changes() {
    let text = "We will give you at least 30 days' notice before changes take effect.";
    let result = analysis("terms-changes", text);
    assert_eq!(result.features.notice_period.as_deref(), Some("30 days"));
    assert_eq!(result.features.retention_period, None);
    assert_eq!(result.exposure, Exposure::Low);
}

#[test]
fn termination_without_notice_raises_the_exposure() {
    let text = "We may suspend your account at any time without notice for any reason.";
    let result = analysis("account-termination", text);
    assert_eq!(result.features.notice_period.as_deref(), Some("without notice"));
    assert_eq!(result.exposure, Exposure::High);
}

#[test]
fn carve_outs_are_quoted_as_written() {
    let found = features("We do not share your data, except as required by law; or unless you ask us to.");
    assert_eq!(found.carve_outs, vec!["except as required by law", "unless you ask us to"]);
}

#[test]
fn an_arbitration_opt_out_lowers_the_exposure() {
    let plain = analysis("arbitration", "Disputes are resolved by binding arbitration.");
    let opt_out =
        analysis("arbitration", "Disputes are resolved by binding arbitration. You may opt out within 30 days.");
    assert_eq!(plain.exposure, Exposure::High);
    assert_eq!(opt_out.exposure, Exposure::Medium);
}

#[test]
fn unknown_topics_are_skipped_and_the_analysis_round_trips_as_json_without_the_topic_text() {
    let matches = [
        TopicMatch { topic: "no-such-topic".into(), confidence: 1.0, evidence: vec![] },
        TopicMatch { topic: "indemnification".into(), confidence: 0.9, evidence: vec![] },
    ];
    let all = analyse(Taxonomy::builtin(), &matches, "You will indemnify and defend us.");
    assert_eq!(all.len(), 1);
    let json = serde_json::to_string(&all[0]).unwrap();
    assert!(!json.contains("regulations") && !json.contains("compliance_actions"), "{json}");
    let back: Analysis = serde_json::from_str(&json).unwrap();
    assert!(back.regulations.is_empty());
    let back = back.with_topic_text(Taxonomy::builtin());
    assert_eq!(back, all[0]);
    assert!(!back.meaning.contains("{features}"));
    assert!(!back.regulations.is_empty());
}

#[test]
fn released_rubric_patterns_are_compiled_again_with_the_same_result() {
    // The "for any reason" rubric rule is a text pattern: it raises the exposure either way.
    let text = "We may suspend your account at any time without notice for any reason.";
    let before = analysis("account-termination", text);
    release_patterns();
    assert_eq!(analysis("account-termination", text), before);
}
