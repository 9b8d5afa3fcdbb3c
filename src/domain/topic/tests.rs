use super::*;

const REQUIRED: [&str; 20] = [
    "ai-training",
    "human-review",
    "data-retention",
    "data-sharing",
    "cross-border-transfer",
    "output-ownership",
    "content-license",
    "arbitration",
    "liability-limitation",
    "indemnification",
    "terms-changes",
    "account-termination",
    "acceptable-use",
    "age-limit",
    "governing-law",
    "tracking-cookies",
    "user-rights",
    "fees-refunds",
    "content-moderation",
    "security-breach",
];

fn minimal(slug: &str, exposure: &str, regex: &str) -> String {
    format!(
        r#"
[[topic]]
slug = "{slug}"
name = "N"
question = "Q?"
meaning = "M"
exposure = "{exposure}"
jurisdictions = ["EU"]
regulations = [{{ name = "GDPR", articles = ["Art. 5"], why = "w" }}]
contract_implications = []
compliance_actions = []
[topic.detection]
patterns = [{{ regex = '{regex}', weight = 1.0 }}]
"#
    )
}

#[test]
fn the_builtin_catalogue_parses_and_has_every_required_topic() {
    let parsed = Taxonomy::parse(BUILTIN_TOML).expect("catalog/topics.toml must parse");
    for slug in REQUIRED {
        let topic = parsed.get(slug).unwrap_or_else(|| panic!("missing topic {slug}"));
        assert!(!topic.regulations.is_empty(), "{slug} needs regulations");
        assert!(!topic.rubric.is_empty(), "{slug} needs a rubric");
        assert!(topic.question.ends_with('?'), "{slug} question must be a question");
    }
    assert_eq!(Taxonomy::builtin().topics.len(), parsed.topics.len());
}

#[test]
fn a_duplicate_slug_is_refused() {
    let text = format!("{}{}", minimal("a", "low", "x"), minimal("a", "low", "y"));
    assert_eq!(Taxonomy::parse(&text), Err(TaxonomyError::DuplicateSlug("a".into())));
}

#[test]
fn a_bad_regex_is_refused_naming_topic_and_field() {
    let error = Taxonomy::parse(&minimal("broken", "low", "(unclosed")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("broken") && message.contains("detection.patterns"), "{message}");
}

#[test]
fn an_unknown_exposure_is_refused_naming_topic_and_field() {
    let error = Taxonomy::parse(&minimal("t", "extreme", "x")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("`t`") && message.contains("exposure"), "{message}");
}

#[test]
fn exposure_orders_displays_and_serialises_as_expected() {
    assert!(Exposure::Low < Exposure::Medium && Exposure::Medium < Exposure::High);
    assert_eq!(Exposure::High.to_string(), "High");
    assert_eq!(serde_json::to_string(&Exposure::Medium).unwrap(), "\"medium\"");
    assert_eq!(Exposure::Medium.shifted(5), Exposure::High);
    assert_eq!(Exposure::Medium.shifted(-1), Exposure::Low);
}
