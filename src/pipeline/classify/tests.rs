use super::*;

fn classify(text: &str) -> Vec<TopicMatch> {
    Classifier::new(Taxonomy::builtin()).classify(&[], text)
}

fn topics(text: &str) -> Vec<String> {
    classify(text).into_iter().map(|m| m.topic).collect()
}

#[test]
fn an_arbitration_clause_is_tagged_with_its_evidence() {
    let found = classify("Any dispute between us will be settled by binding arbitration.");
    let first = &found[0];
    assert_eq!(first.topic, "arbitration");
    assert!(first.evidence.iter().any(|e| e.eq_ignore_ascii_case("arbitration")));
    assert!(first.confidence >= 0.5 && first.confidence <= 1.0);
}

#[test]
fn a_training_sentence_is_tagged_ai_training() {
    let text = "We may use the content you provide to train and improve our models.";
    assert!(topics(text).contains(&"ai-training".to_owned()));
}

#[test]
fn a_sentence_about_nothing_in_particular_gets_no_topic() {
    assert!(topics("Welcome to our website. We hope you enjoy your visit.").is_empty());
}

#[test]
fn a_heading_alone_adds_half_weight() {
    let classifier = Classifier::new(Taxonomy::builtin());
    let heading = vec!["Indemnification".to_owned()];
    assert!(classifier.classify(&heading, "You agree to the following.").is_empty());
    let found = classifier.classify(&heading, "You agree to indemnify us.");
    assert_eq!(found[0].topic, "indemnification");
}

#[test]
fn results_are_sorted_by_confidence_and_deterministic() {
    let text = "These Terms are governed by the laws of Ireland and disputes go to the courts of \
                Dublin, which have exclusive jurisdiction. We may change these Terms.";
    let first = classify(text);
    assert_eq!(first, classify(text));
    assert!(first.windows(2).all(|w| w[0].confidence >= w[1].confidence));
    assert_eq!(first[0].topic, "governing-law");
}

#[test]
fn the_classifier_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Classifier>();
}

#[test]
fn curly_and_straight_apostrophes_match_alike() {
    for text in [
        "We can't guarantee that the service will be available.",
        "We can’t guarantee that the service will be available.",
        "Pinterest isn't liable for damages that result from a minor breach.",
        "Pinterest isn’t liable for damages that result from a minor breach.",
    ] {
        // The rules' matching is what is tested: the model may rightly judge a disclaimer of
        // availability otherwise.
        let rules = Classifier::with_model(Taxonomy::builtin(), None);
        let found = rules.classify(&[], text);
        assert!(found.iter().any(|m| m.topic == "liability-limitation"), "{text}");
    }
}

#[test]
fn every_pattern_with_an_apostrophe_also_accepts_the_curly_one() {
    let taxonomy = Taxonomy::builtin();
    for topic in &taxonomy.topics {
        let detection = &topic.detection;
        let sources = detection
            .patterns
            .iter()
            .chain(&detection.negative)
            .map(|p| p.regex.as_str())
            .chain(detection.require_any.iter().map(String::as_str));
        for source in sources {
            if source.contains(r"\x27") {
                assert!(source.contains('’'), "{}: `{source}`", topic.slug);
            }
        }
    }
}

#[test]
fn the_builtin_classifier_is_compiled_once_and_its_caches_go_once_idle() {
    let first = Classifier::builtin();
    assert!(!first.classify(&[], "Disputes go to binding arbitration.").is_empty());
    let again = Classifier::builtin();
    assert!(Arc::ptr_eq(&first, &again), "one compiled classifier is shared");
    assert!(!Classifier::release_idle(Duration::ZERO), "caches kept while it is held");
    let kept = Arc::downgrade(&first);
    drop((first, again));
    assert!(!Classifier::release_idle(Duration::from_secs(3600)), "kept while recently asked for");
    // Other tests of this binary may hold it for a moment: wait until nobody does.
    let released = (0..500).any(|_| {
        Classifier::release_idle(Duration::ZERO) || {
            std::thread::sleep(Duration::from_millis(10));
            false
        }
    });
    assert!(released, "its caches go once nobody holds it");
    let after = Classifier::builtin();
    assert!(kept.upgrade().is_some_and(|kept| Arc::ptr_eq(&kept, &after)), "the compiled classifier stays");
    assert!(!after.classify(&[], "Disputes go to binding arbitration.").is_empty(), "and classifies as before");
}
