use super::*;

fn analysis_in(platform: &str, topic: &str, heading: &str, text: &str) -> Analysis {
    let heading_path = vec![heading.to_owned()];
    let source = Source { heading_path: &heading_path, text, terms_type: None };
    let found = [Found::read(TopicMatch { topic: topic.to_owned(), confidence: 1.0, evidence: vec![] }, &source)];
    let mut all = analyse(Taxonomy::builtin(), &found, &source, platform);
    assert_eq!(all.len(), 1);
    all.remove(0)
}

fn analysis(topic: &str, text: &str) -> Analysis {
    analysis_in("Example", topic, "", text)
}

const CLAUDE_MATERIALS: &str = "**Our use of Materials.** We may use Materials to provide, maintain, and improve the Services and to develop other products and services, including training our models, unless you opt out of training through your account settings. Even if you opt out, we will use Materials for model training when: (1) you provide Feedback to us regarding any Materials, or (2) your Materials are flagged for safety review to improve our ability to detect harmful content, enforce our policies, or advance our safety research.";

#[test]
fn an_opt_out_with_carve_outs_is_said_to_be_incomplete_and_names_them() {
    let result = analysis_in("Anthropic", "ai-training", "Our use of Materials", CLAUDE_MATERIALS);
    assert!(
        result
            .summary
            .starts_with("Anthropic can use your conversations and other content to train its AI models by default."),
        "{}",
        result.summary
    );
    assert!(result.summary.contains("still be used for training when you provide Feedback"), "{}", result.summary);
    assert!(result.summary.contains("flagged for safety review"), "{}", result.summary);
    assert_eq!(result.exposure, Exposure::High);
    let implications = result.contract_implications.join("\n");
    assert!(implications.contains("not a complete restriction"), "{implications}");
    assert!(implications.contains("flagged for safety review"), "{implications}");
    assert!(!implications.contains("promises no training"), "{implications}");
    assert!(result.regulations.iter().any(|r| r.why.contains("objection")));
}

#[test]
fn a_promise_not_to_train_reads_differently_from_training_by_default() {
    let promise = analysis("ai-training", "We do not use your business data to train our models.");
    let default = analysis("ai-training", "We use your chats to train our models.");
    assert!(promise.summary.contains("does not train"), "{}", promise.summary);
    assert!(promise.exposure < default.exposure, "{:?}", promise.rationale);
    assert!(promise.regulations.iter().all(|r| !r.why.contains("lawful basis")));
    assert!(promise.contract_implications.iter().any(|l| l.contains("promises no training")));
    assert!(default.summary.contains("names no way to opt out"), "{}", default.summary);
}

#[test]
fn no_opt_out_at_all_is_a_different_exposure_than_an_opt_out() {
    let none = analysis("ai-training", "We use your chats to train our models. You cannot opt out of this.");
    let opt_out = analysis("ai-training", "We use your chats to train our models unless you opt out in settings.");
    assert!(none.exposure > opt_out.exposure || none.exposure == Exposure::High);
    assert!(none.contract_implications.iter().any(|l| l.contains("no opt-out")));
    assert!(opt_out.compliance_actions.iter().any(|l| l.starts_with("Switch training off")));
}

#[test]
fn thirty_days_reads_differently_from_no_period() {
    let limited = analysis("data-retention", "Deleted chats are kept for 30 days and then erased.");
    let open =
        analysis_in("Example", "data-retention", "How long we keep data", "We keep your data as long as we need it.");
    assert_eq!(limited.facts.periods("periods").unwrap()[0].days, 30);
    assert!(limited.exposure < open.exposure, "{:?} / {:?}", limited.rationale, open.rationale);
    assert!(limited.compliance_actions.iter().any(|l| l.contains("30 days")));
    assert!(open.regulations.iter().any(|r| r.why.contains("states no period")));
}

#[test]
fn a_liability_cap_is_not_read_as_a_notice_period() {
    let text = "Our total liability will be limited to the greater of the amount you paid us in the six months prior to the event and €100.";
    let result = analysis_in("Anthropic", "liability-limitation", "Limitation of liability", text);
    assert!(!result.meaning.contains("Notice"), "{}", result.meaning);
    assert!(result.summary.contains("6 months") && result.summary.contains("€100"), "{}", result.summary);
    assert!(result.rationale.iter().any(|r| r.contains("€100")));
}

#[test]
fn termination_without_notice_raises_the_exposure() {
    let result =
        analysis("account-termination", "We may suspend your account at any time without notice for any reason.");
    assert_eq!(result.facts.bool("without_notice"), Some(true));
    assert_eq!(result.exposure, Exposure::High);
}

#[test]
fn an_arbitration_opt_out_lowers_the_exposure() {
    let plain = analysis("arbitration", "Disputes are resolved by binding arbitration.");
    let opt_out = analysis(
        "arbitration",
        "Disputes are resolved by binding arbitration. You may opt out of arbitration within 30 days.",
    );
    assert_eq!(plain.exposure, Exposure::High);
    assert_eq!(opt_out.exposure, Exposure::Medium);
    assert!(opt_out.compliance_actions.iter().any(|l| l.contains("30 days")));
}

#[test]
fn off_by_default_is_not_default_on() {
    assert!(!features("Model improvement is off by default for business accounts.").default_on);
}

#[test]
fn carve_outs_are_quoted_as_written() {
    let found = features("We do not share your data, except as required by law; or unless you ask us to.");
    assert_eq!(found.carve_outs, vec!["except as required by law", "unless you ask us to"]);
}

#[test]
fn unknown_topics_are_skipped_and_the_analysis_round_trips_as_json_without_the_topic_text() {
    let source = Source { heading_path: &[], text: "You will indemnify and defend us.", terms_type: None };
    let found = [
        Found::read(TopicMatch { topic: "no-such-topic".into(), confidence: 1.0, evidence: vec![] }, &source),
        Found::read(TopicMatch { topic: "indemnification".into(), confidence: 0.9, evidence: vec![] }, &source),
    ];
    let all = analyse(Taxonomy::builtin(), &found, &source, "Example");
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
fn facts_round_trip_through_the_stored_json() {
    let result = analysis_in("Anthropic", "ai-training", "Our use of Materials", CLAUDE_MATERIALS);
    let back: Analysis = serde_json::from_str(&serde_json::to_string(&result).unwrap()).unwrap();
    assert_eq!(back.facts, result.facts);
    assert_eq!(back.with_topic_text(Taxonomy::builtin()), result);
}

#[test]
fn every_fact_a_taxonomy_line_names_is_in_the_schema() {
    let placeholder = regex::Regex::new(r"\{([a-z_]+)\}").unwrap();
    for topic in &Taxonomy::builtin().topics {
        let names: Vec<&str> =
            schema_of(&topic.slug).map(|s| s.facts.iter().map(|f| f.name).collect()).unwrap_or_default();
        let mut tests: Vec<String> =
            topic.regulations.iter().filter_map(|r| r.when.as_ref().map(ToString::to_string)).collect();
        let lines = topic.jurisdictions.iter().chain(&topic.contract_implications).chain(&topic.compliance_actions);
        tests.extend(lines.clone().filter_map(|l| l.when.as_ref().map(ToString::to_string)));
        tests.extend(topic.rubric.iter().filter_map(|r| match &r.when {
            Condition::Fact(test) => Some(test.to_string()),
            _ => None,
        }));
        let mut texts: Vec<&str> = lines.map(|l| l.text.as_str()).collect();
        texts.extend(topic.regulations.iter().map(|r| r.why.as_str()));
        texts.extend(topic.rubric.iter().map(|r| r.why.as_str()));
        for test in &tests {
            for term in test.split('&') {
                let name = term.trim().trim_start_matches(['!', '?', '+']).split('=').next().unwrap_or("");
                assert!(names.contains(&name), "topic {}: `{test}` names {name}, not a fact of the topic", topic.slug);
            }
        }
        for text in texts {
            for caps in placeholder.captures_iter(text) {
                assert!(names.contains(&&caps[1]), "topic {}: `{}` is not a fact of the topic", topic.slug, &caps[1]);
            }
        }
    }
}

#[test]
fn released_rubric_patterns_are_compiled_again_with_the_same_result() {
    let text = "We may delete your account and retrieve your data for legal obligations.";
    let before = analysis("data-retention", text);
    release_patterns();
    assert_eq!(analysis("data-retention", text), before);
}

#[test]
fn a_change_to_a_fact_is_told_as_before_and_after() {
    let before = analysis("ai-training", "We will not use your chats to train our models.").facts;
    let after = analysis("ai-training", "We may use your chats to train our models unless you opt out.").facts;
    let lines = fact_changes("Training on user content", "ai-training", &before, &after);
    assert_eq!(
        lines,
        vec!["Training on user content, on by default: no → yes"],
        "a fact only now stated is not a change"
    );
    let kept = analysis("data-retention", "Deleted chats are kept for 30 days.").facts;
    let longer = analysis("data-retention", "Deleted conversations are kept for 5 years.").facts;
    assert_eq!(
        fact_changes("Data retention", "data-retention", &kept, &longer),
        vec!["Data retention, retention periods: 30 days → 5 years"]
    );
    let reworded = analysis("data-retention", "Chats you delete are kept for thirty days.").facts;
    assert!(fact_changes("Data retention", "data-retention", &kept, &reworded).is_empty(), "same length, other words");
    assert!(fact_changes("Training", "ai-training", &after, &after).is_empty());
}
