//! Editor review of an automated analysis: the fields an editor can rewrite, their text form, and
//! which fields a submitted form changes. An edited field replaces the automated one until the
//! editor changes it again; re-running the analysis never touches it.
use std::collections::BTreeMap;

use super::Analysis;
use crate::domain::topic::Exposure;
use crate::domain::topic::Taxonomy;
use crate::pipeline::facts::Facts;

/// A field of an analysis that an editor can review or rewrite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    Summary,
    Facts,
    Meaning,
    Exposure,
    Rationale,
    Regulations,
    Jurisdictions,
    ContractImplications,
    ComplianceActions,
}

impl Field {
    /// Every field, in the order pages show them.
    pub const ALL: [Field; 9] = [
        Field::Summary,
        Field::Facts,
        Field::Meaning,
        Field::Exposure,
        Field::Rationale,
        Field::Regulations,
        Field::Jurisdictions,
        Field::ContractImplications,
        Field::ComplianceActions,
    ];

    /// The stored spelling, also the form field's name.
    pub fn slug(self) -> &'static str {
        match self {
            Field::Summary => "summary",
            Field::Facts => "facts",
            Field::Meaning => "meaning",
            Field::Exposure => "exposure",
            Field::Rationale => "rationale",
            Field::Regulations => "regulations",
            Field::Jurisdictions => "jurisdictions",
            Field::ContractImplications => "contract_implications",
            Field::ComplianceActions => "compliance_actions",
        }
    }

    /// The field of a stored spelling.
    pub fn from_slug(slug: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.slug() == slug)
    }

    /// What pages call the field.
    pub fn label(self) -> &'static str {
        match self {
            Field::Summary => "In short",
            Field::Facts => "What it decides",
            Field::Meaning => "What it means",
            Field::Exposure => "Governance exposure",
            Field::Rationale => "Why this exposure",
            Field::Regulations => "Regulatory landscape",
            Field::Jurisdictions => "Jurisdiction flags",
            Field::ContractImplications => "Contract and vendor implications",
            Field::ComplianceActions => "Compliance considerations",
        }
    }

    /// True for fields written one item per line.
    pub fn is_list(self) -> bool {
        !matches!(self, Field::Summary | Field::Meaning | Field::Exposure)
    }

    /// The automated analysis's value of this field as text: what an editor starts from.
    pub fn automated_text(self, analysis: &Analysis) -> String {
        match self {
            Field::Summary => analysis.summary.clone(),
            Field::Facts => analysis.facts.editor_text(&analysis.topic),
            Field::Meaning => analysis.meaning.clone(),
            Field::Exposure => analysis.exposure.slug().to_owned(),
            Field::Rationale => analysis.rationale.join("\n"),
            Field::Regulations => analysis
                .regulations
                .iter()
                .map(|r| {
                    if r.articles.is_empty() {
                        format!("{}: {}", r.name, r.why)
                    } else {
                        format!("{} ({}): {}", r.name, r.articles.join(", "), r.why)
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Field::Jurisdictions => analysis.jurisdictions.join("\n"),
            Field::ContractImplications => analysis.contract_implications.join("\n"),
            Field::ComplianceActions => analysis.compliance_actions.join("\n"),
        }
    }

    /// An editor's text for this field of a `topic`'s analysis, tidied: line endings normalised,
    /// surrounding blank space and (in lists) blank lines dropped. Refuses an empty meaning, an
    /// unknown exposure level and facts that do not fit the topic's schema.
    pub fn normalise(self, topic: &str, raw: &str) -> Result<String, String> {
        let lines: Vec<&str> = raw.lines().map(str::trim_end).collect();
        let text = if self.is_list() {
            lines.iter().map(|l| l.trim()).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
        } else {
            lines.join("\n").trim().to_owned()
        };
        match self {
            Field::Meaning if text.is_empty() => Err("The meaning cannot be empty.".to_owned()),
            Field::Facts => {
                Facts::from_editor_text(topic, &text).map(|facts| facts.editor_text(topic)).map_err(|e| e.to_string())
            }
            Field::Exposure => Exposure::from_slug(&text.to_lowercase())
                .map(|e| e.slug().to_owned())
                .ok_or_else(|| format!("{text:?} is not an exposure level: choose high, medium or low.")),
            _ => Ok(text),
        }
    }
}

/// A stored analysis: the automated composition and the fields an editor wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Reviewed {
    pub automated: Analysis,
    /// Field slug → the editor's text.
    pub edited: BTreeMap<String, String>,
}

/// One field an editor changed: what it said before and what it says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub field: Field,
    pub previous: String,
    pub new: String,
}

impl Reviewed {
    /// A stored analysis and the fields an editor wrote, with the topic's lines chosen by the
    /// facts in force (the editor's, when they corrected them).
    pub fn from_stored(automated: Analysis, edited: BTreeMap<String, String>, taxonomy: &Taxonomy) -> Reviewed {
        let mut reviewed = Reviewed { automated, edited };
        let facts = reviewed.facts();
        reviewed.automated = reviewed.automated.with_topic_text_for(taxonomy, &facts);
        reviewed
    }

    /// An analysis no editor has touched.
    pub fn automated(analysis: Analysis) -> Reviewed {
        Reviewed { automated: analysis, edited: BTreeMap::new() }
    }

    /// Whether an editor wrote this field.
    pub fn is_edited(&self, field: Field) -> bool {
        self.edited.contains_key(field.slug())
    }

    /// The field as shown: the editor's text, else the automated one.
    pub fn text(&self, field: Field) -> String {
        self.edited.get(field.slug()).cloned().unwrap_or_else(|| field.automated_text(&self.automated))
    }

    /// The lines of a list field as shown.
    pub fn lines(&self, field: Field) -> Vec<String> {
        self.text(field).lines().map(str::to_owned).collect()
    }

    /// The facts in force: the editor's when they wrote them, else the automated reading.
    pub fn facts(&self) -> Facts {
        match self.edited.get(Field::Facts.slug()) {
            Some(text) => {
                Facts::from_editor_text(&self.automated.topic, text).unwrap_or_else(|_| self.automated.facts.clone())
            }
            None => self.automated.facts.clone(),
        }
    }

    /// The summary as shown for `platform`: the editor's, else built now from the facts in force
    /// (so it follows a corrected fact and the platform's current name).
    pub fn summary_for(&self, platform: &str) -> String {
        match self.edited.get(Field::Summary.slug()) {
            Some(text) => text.clone(),
            None => super::summary(&self.automated.topic, &self.facts(), platform).unwrap_or_default(),
        }
    }

    /// The exposure in force: the editor's level when they set one.
    pub fn exposure(&self) -> Exposure {
        self.edited.get(Field::Exposure.slug()).and_then(|e| Exposure::from_slug(e)).unwrap_or(self.automated.exposure)
    }

    /// Applies submitted field texts (already normalised); returns the fields whose text changed,
    /// each now editor-written. A field submitted unchanged stays as it was (automated or not).
    pub fn apply(&mut self, submitted: &[(Field, String)]) -> Vec<Edit> {
        let mut edits = Vec::new();
        for (field, new) in submitted {
            let previous = self.text(*field);
            if previous != *new {
                self.edited.insert(field.slug().to_owned(), new.clone());
                edits.push(Edit { field: *field, previous, new: new.clone() });
            }
        }
        edits
    }

    /// How many fields an editor wrote.
    pub fn edited_fields(&self) -> usize {
        self.edited.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::topic::Taxonomy;
    use crate::pipeline::analyse::{Found, analyse};
    use crate::pipeline::classify::TopicMatch;
    use crate::pipeline::facts::Source;

    fn sample() -> Analysis {
        let taxonomy = Taxonomy::builtin();
        let topic = taxonomy.topics.first().expect("a topic").slug.clone();
        let source = Source { heading_path: &[], text: "We may keep your data indefinitely.", terms_type: None };
        let found = [Found::read(TopicMatch { topic, confidence: 0.9, evidence: vec![] }, &source)];
        analyse(taxonomy, &found, &source, "Example").remove(0)
    }

    #[test]
    fn every_field_round_trips_through_its_slug() {
        for field in Field::ALL {
            assert_eq!(Field::from_slug(field.slug()), Some(field));
        }
        assert_eq!(Field::from_slug("nope"), None);
    }

    #[test]
    fn changed_fields_become_editor_written_and_keep_the_previous_text() {
        let analysis = sample();
        let mut reviewed = Reviewed::automated(analysis.clone());
        let same_exposure = Field::Exposure.automated_text(&analysis);
        let edits =
            reviewed.apply(&[(Field::Meaning, "An editor's meaning.".to_owned()), (Field::Exposure, same_exposure)]);
        assert_eq!(edits.len(), 1);
        assert_eq!(edits[0].previous, analysis.meaning);
        assert!(reviewed.is_edited(Field::Meaning) && !reviewed.is_edited(Field::Exposure));
        assert_eq!(reviewed.text(Field::Meaning), "An editor's meaning.");
        let again = reviewed.apply(&[(Field::Meaning, "Second.".to_owned())]);
        assert_eq!(again[0].previous, "An editor's meaning.");
    }

    #[test]
    fn editor_text_is_tidied_and_bad_values_are_explained() {
        assert_eq!(Field::Jurisdictions.normalise("ai-training", " EU \r\n\r\n US\n").unwrap(), "EU\nUS");
        assert_eq!(Field::Meaning.normalise("ai-training", "  Text.\r\nMore. ").unwrap(), "Text.\nMore.");
        assert!(Field::Meaning.normalise("ai-training", "   ").is_err());
        assert_eq!(Field::Exposure.normalise("ai-training", "High").unwrap(), "high");
        assert!(Field::Exposure.normalise("ai-training", "severe").unwrap_err().contains("high, medium or low"));
        assert_eq!(
            Field::Facts.normalise("ai-training", "opt_out: Yes\n\ndefault_on: no").unwrap(),
            "default_on: no\nopt_out: yes"
        );
        assert!(Field::Facts.normalise("ai-training", "opt_out: perhaps").unwrap_err().contains("yes or no"));
        assert!(Field::Facts.normalise("ai-training", "colour: blue").is_err());
    }

    #[test]
    fn an_editor_exposure_wins_over_the_automated_one() {
        let mut reviewed = Reviewed::automated(sample());
        let other = if reviewed.automated.exposure == Exposure::Low { "high" } else { "low" };
        reviewed.apply(&[(Field::Exposure, other.to_owned())]);
        assert_eq!(reviewed.exposure().slug(), other);
    }
}
