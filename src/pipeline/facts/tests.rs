use serde_json::json;

use super::{Source, describe, read, text};

fn facts(topic: &str, heading: &str, body: &str) -> serde_json::Value {
    let heading_path = vec![heading.to_owned()];
    read(topic, &Source { heading_path: &heading_path, text: body, terms_type: None }).to_json(topic)
}

#[test]
fn training_on_by_default_with_an_opt_out_and_its_carve_outs() {
    let found = facts(
        "ai-training",
        "Our use of Materials",
        "**Our use of Materials.** We may use Materials to provide, maintain, and improve the Services and to develop other products and services, including training our models, unless you opt out of training through your account settings. Even if you opt out, we will use Materials for model training when: (1) you provide Feedback to us regarding any Materials, or (2) your Materials are flagged for safety review to improve our ability to detect harmful content.",
    );
    assert_eq!(found["default_on"], json!(true));
    assert_eq!(found["opt_out"], json!(true));
    let carve_outs = found["carve_outs"].as_array().unwrap();
    assert_eq!(carve_outs.len(), 2, "{found}");
    assert!(carve_outs[0].as_str().unwrap().contains("Feedback"));
    assert!(carve_outs[1].as_str().unwrap().contains("flagged for safety review"));
    assert_eq!(found["scope"], json!("consumer"));
}

#[test]
fn a_promise_not_to_train_is_off_by_default_with_its_exception() {
    let found = facts(
        "ai-training",
        "How your data is used",
        "We don't use your recordings to train the generative AI models powering our services, except to address abuse or harm.",
    );
    assert_eq!(found["default_on"], json!(false));
    assert_eq!(found["opt_out"], json!(null));
    assert_eq!(found["carve_outs"], json!(["to address abuse or harm"]));
}

#[test]
fn a_provision_that_does_not_speak_of_training_states_nothing() {
    let found =
        facts("ai-training", "Scope", "Vulnerabilities in our models' outputs, such as jailbreaks, are out of scope.");
    assert!(found.as_object().unwrap().values().all(serde_json::Value::is_null), "{found}");
}

#[test]
fn retention_periods_are_read_in_days_with_what_they_cover() {
    let found = facts(
        "data-retention",
        "If the Keep Activity setting is off",
        "Your future chats won't appear in your Activity. Future chats are still saved for 72 hours so Gemini can respond to you.",
    );
    assert_eq!(found["periods"][0]["days"], json!(3));
    let found = facts(
        "data-retention",
        "Retention",
        "* **Leads identity and contact data:** for 3 years from collection.\n* Once you choose to delete Personal Data, we will remove it from our systems within 30 days.",
    );
    assert_eq!(found["periods"][0], json!({"days": 1095, "what": "Leads identity and contact data"}));
    assert_eq!(found["periods"][1]["days"], json!(30));
    assert_eq!(found["deletion_on_request"], json!(true));
}

#[test]
fn arbitration_waivers_and_the_opt_out_window() {
    let found = facts(
        "arbitration",
        "Dispute resolution",
        "Any dispute will be resolved by final and binding arbitration. YOU WAIVE THE RIGHT TO A TRIAL BY JURY AND TO PARTICIPATE IN A CLASS ACTION. You may opt out of this arbitration agreement by emailing us within thirty (30) days of first accepting these Terms.",
    );
    assert_eq!(found, json!({"mandatory": true, "class_waiver": true, "jury_waiver": true, "opt_out_days": 30}));
}

#[test]
fn a_liability_cap_reads_amount_currency_and_look_back() {
    let found = facts(
        "liability-limitation",
        "Limitation of liability",
        "Our total liability to you will be limited to the greater of: (a) the amount you paid to us for access to the Services in the six months prior to the event giving rise to the liability, and (b) €100.",
    );
    assert_eq!(found, json!({"cap_amount": 100, "cap_currency": "EUR", "lookback_months": 6, "as_is": null}));
}

#[test]
fn a_fee_look_back_is_not_a_notice_period_nor_a_retention_period() {
    let body = "Our liability will not exceed the fees you paid in the twelve (12) months preceding the claim.";
    assert_eq!(facts("terms-changes", "Liability", body)["notice_days"], json!(null));
    assert_eq!(facts("data-retention", "Liability", body)["periods"], json!(null));
}

#[test]
fn terms_changes_notice_and_continued_use() {
    let found = facts(
        "terms-changes",
        "Terms of Service",
        "We may change or update the Terms from time to time. Changes will be effective 10 days following posting on the Website. If you continue using the Services 10 days following such posting, that means you accept those changes.",
    );
    assert_eq!(found, json!({"notice_days": 10, "continued_use_is_acceptance": true}));
}

#[test]
fn termination_without_notice_at_discretion() {
    let found = facts(
        "account-termination",
        "Termination",
        "We reserve the right to suspend or terminate your access to the Services anytime with or without cause, and at our own discretion, with or without notice.",
    );
    assert_eq!(found, json!({"without_notice": true, "at_discretion": true}));
}

#[test]
fn governing_law_and_courts() {
    let found = facts(
        "governing-law",
        "Governing law",
        "These Terms are governed by the Law of the State of New York, excluding its choice of law rules. Any action must be brought exclusively in the state or federal courts located in the city of New York.",
    );
    assert_eq!(found, json!({"law": "New York", "venue": "New York"}));
}

#[test]
fn markdown_is_read_as_plain_words() {
    let plain = text::plain(
        "**Opt out.** See [this article\u{2060}](https://example.com/a) and _No Limitation_ \\- 4\\. Retention",
    );
    assert_eq!(plain, "Opt out. See this article and No Limitation - 4. Retention");
    assert_eq!(text::sentences("One. Two e.g. three; four\n* five"), vec!["One.", "Two e.g. three;", "four", "five"]);
}

#[test]
fn facts_are_described_in_words() {
    let heading_path = vec!["Limitation of liability".to_owned()];
    let body =
        "Our liability shall not exceed the greater of $50 or the fees you paid in the 12 months before the claim.";
    let read = read("liability-limitation", &Source { heading_path: &heading_path, text: body, terms_type: None });
    let words = describe("liability-limitation", &read);
    assert_eq!(words[0].2.as_deref(), Some("$50"));
    assert_eq!(words[2].2.as_deref(), Some("12 months"));
    assert_eq!(words[3].2, None);
}

#[test]
fn an_editor_can_correct_a_fact_and_garbage_is_refused() {
    let mut found = super::Facts::default();
    found.edit("ai-training", "opt_out", "yes").unwrap();
    assert_eq!(found.bool("opt_out"), Some(true));
    assert!(found.edit("ai-training", "opt_out", "maybe").is_err());
    assert!(found.edit("ai-training", "colour", "blue").is_err());
    found.edit("data-retention", "periods", "30: deleted chats; 365 days: logs").unwrap();
    assert_eq!(found.periods("periods").unwrap()[1].days, 365);
    found.edit("ai-training", "opt_out", "").unwrap();
    assert_eq!(found.get("opt_out"), None);
}

#[test]
fn a_law_named_with_its_country_is_read() {
    let found = facts(
        "governing-law",
        "Terms of Service",
        "13. Miscellaneous\n\n5. Survival. The sections survive.\n6. Governing Law. This Agreement shall be governed by the laws of the State of California, USA, without reference to conflict of law rules. All disputes will be governed by the arbitration agreement above.",
    );
    assert_eq!(found["law"], json!("California"), "{found}");
}
