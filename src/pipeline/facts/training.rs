//! Training on user content: on by default, the opt-out, what is still used after it, and whose content.
use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::text::{clip, regex};
use super::{Facts, Reading};

const TOPIC: &str = "ai-training";

/// A sentence about training or improving models on content.
static TRAINING: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:train|trains|training|trained|retrain\w*)\b|\bimprov\w* (?:the |our |its )?(?:ai )?models?\b|\bmodel (?:training|improvement)\b|\b(?:develop|improv)\w*\b.{0,80}\b(?:models?|artificial intelligence|machine learning|underlying technolog\w+)\b",
    )
});
/// Training someone else does: the user's own models, or a ban on training competing ones.
static OTHERS_TRAIN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\btrain\w* (?:other|your own|competing|third[- ]party|any) (?:ai )?models?\b|\b(?:you|customer)s? (?:may|must|shall|will)(?: not)? (?:use|train|develop|build|create|apply)\b.{0,120}\btrain|\bmodel distillation\b",
    )
});
/// A promise not to train ("we do not use…", "won't be used to train", "may not train").
static NO_TRAINING: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:we|it|they|[A-Z][\w-]+)\s+(?:do|does|will|shall|may|would|can|did)\s*(?:not|n't)\s+(?:\w+\s+){0,3}?(?:use|train|share)\b|\b(?:won't|will not|are not|is not|aren't|isn't|not be|never be|never)\s+(?:\w+\s+){0,2}?(?:used|use)\b.{0,40}\b(?:train|models?)|\bnever\s+(?:use|train)\b|\bno (?:model )?training\b|\b(?:don't|doesn't)\s+(?:\w+\s+){0,2}?(?:use|train)\b",
    )
});
/// The promise only holds once the user has switched training off.
static AFTER_OPT_OUT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bif (?:the|your) [\w ]{0,40}settings? is off\b|\bif you (?:opt|have opted|turn|switch)\w*\b|\bafter you (?:opt|turn)|\bonce you (?:opt|turn)|\bwhen (?:you opt|the setting is off)",
    )
});
static OPT_OUT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bopt(?:s|ed|ing)?[- ]?out\b|\b(?:select|choose|decide|control|elect\w*) whether\b|\b(?:turn|turning|switch|switching)\w* off\b|\bsettings? (?:is |are )?off\b|\bdisabl\w+\b.{0,40}\b(?:setting|training|improve)|\b(?:right|choose|choice) (?:to )?(?:object|not to)\b|\bwithdraw (?:your )?consent\b",
    )
});
static NO_OPT_OUT: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:cannot|can't|can not|not able to|unable to|no way to|may not) (?:opt[- ]?out|turn (?:this |it )?off)\b|\b(?:do|does) not (?:offer|provide|give|have) (?:a|any) (?:mechanism|way|option|setting|means)\b.{0,40}\b(?:exclude|opt|turn off|stop|prevent)",
    )
});
/// A use that depends on what the user does ("when doing so, you grant us…"): once there is an
/// opt-out, such a use is an exception to it, not the default.
static CONDITIONAL_USE: LazyLock<Regex> = LazyLock::new(|| regex(r"^(?:when|where|if|while|whenever|whereas)\b"));
static ANAPHORA: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:doing so|this|that|so)\s*$"));
/// A choice offered: "you can select whether or not you want us to use…".
static CHOICE: LazyLock<Regex> = LazyLock::new(|| regex(r"\b(?:select|choose|decide|control|elect\w*) whether\b"));
/// A negation inside a condition ("if you require that Content not be used") promises nothing.
static CONDITIONAL_NEGATION: LazyLock<Regex> = LazyLock::new(|| regex(r"\bif\b[^,;]{0,60}\bnot\b"));
static OPT_IN: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bopt(?:s|ed|ing)?[- ]in\b|\bwith your (?:explicit |prior )?(?:consent|permission)\b|\bif you (?:choose|agree|allow|consent|decide) to (?:share|let|allow|contribute|participate)",
    )
});
static BY_DEFAULT: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\bby default\b|\bunless you\b.{0,40}\bopt|\bnot opted[- ]out\b|\bhas not opted\b"));
/// Uses that survive the opt-out: "Even if you opt out, we will use … when: (1) …, or (2) …".
static DESPITE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\beven (?:if|after|when|though) you (?:opt|turn|switch|have opted)\w*|\bregardless of (?:your|this|the) (?:setting|choice)|\bstill (?:be )?(?:use|used|train)",
    )
});
static EXCEPTION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?:except|unless|other than|apart from)\s+(?:as |for |where |when |if |that )?([^.;]{4,140})|\b(without your (?:explicit |express |prior )*(?:opt-in|consent|permission))",
    )
});
static ITEM_MARK: LazyLock<Regex> = LazyLock::new(|| regex(r"\((?:\d{1,2}|[a-h]|i{1,3}|iv|v)\)"));
static ITEM_END: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r",?\s+(?:or|and)\s*$|\s+(?:to (?:improve|help|enforce|detect|advance|develop)|in order to|so that|for the purpose)\b.*$|\s*\(.*$|,\s*(?:then|we)\b.*$",
    )
});
static BUSINESS: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\bcustomer content\b|\bbusiness (?:data|users?|customers?|accounts?)\b|\benterprise\b|\bcustomer(?:'s)? (?:uses|authori[sz]es|data|inputs?)\b|\bteam (?:plans?|workspaces?)\b",
    )
});
static API: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\bAPI (?:customers?|users?|inputs?|data|keys?)\b|\bdevelopers?\b|\bend users\b|\bintegrated products?\b")
});

pub(super) fn read(reading: &Reading<'_>) -> Facts {
    let sentences = reading.sentences();
    let about: Vec<&str> =
        sentences.iter().copied().filter(|s| TRAINING.is_match(s) && !OTHERS_TRAIN.is_match(s)).collect();
    let mut facts = Facts::default();
    let Some(&first) = about.first() else {
        return facts;
    };
    let heading = reading.heading.as_str();
    let all_text: Vec<&str> = std::iter::once(heading).chain(sentences.iter().copied()).collect();

    let no_opt_out = all_text.iter().find(|s| NO_OPT_OUT.is_match(s));
    let opt_out = all_text.iter().find(|s| OPT_OUT.is_match(s) && !NO_OPT_OUT.is_match(s) && !OPT_IN.is_match(s));
    match (no_opt_out, opt_out) {
        (Some(s), _) => facts.set(TOPIC, "opt_out", Value::Bool(false), s),
        (None, Some(s)) => facts.set(TOPIC, "opt_out", Value::Bool(true), s),
        (None, None) => {}
    }

    let promise = about.iter().find(|s| {
        NO_TRAINING.is_match(s) && !s.to_lowercase().contains("you do not want") && !CONDITIONAL_NEGATION.is_match(s)
    });
    let after_opt_out = |s: &str| AFTER_OPT_OUT.is_match(s) || AFTER_OPT_OUT.is_match(heading);
    let opted_out = facts.bool("opt_out") == Some(true);
    let mut conditional = Vec::new();
    let uses: Vec<&str> = about
        .iter()
        .copied()
        .filter(|s| Some(s) != promise && !CHOICE.is_match(s) && !NO_OPT_OUT.is_match(s))
        .filter(|s| !NO_TRAINING.is_match(s) || s.to_lowercase().contains("you do not want"))
        .filter(|s| {
            let depends = opted_out && CONDITIONAL_USE.is_match(s) && !OPT_OUT.is_match(s);
            if depends {
                conditional.push(*s);
            }
            !depends
        })
        .collect();
    let plain_use = uses.iter().find(|s| !OPT_IN.is_match(s) && !DESPITE.is_match(s));
    match (promise, plain_use) {
        (Some(p), _) if after_opt_out(p) => {}
        (Some(p), _) => facts.set(TOPIC, "default_on", Value::Bool(false), p),
        (None, Some(u)) => {
            let evidence = uses.iter().find(|s| BY_DEFAULT.is_match(s)).unwrap_or(u);
            facts.set(TOPIC, "default_on", Value::Bool(true), evidence);
        }
        (None, None) => {
            if let Some(u) = uses.iter().find(|s| OPT_IN.is_match(s)) {
                facts.set(TOPIC, "default_on", Value::Bool(false), u);
            } else if let Some(u) = uses.first() {
                facts.set(TOPIC, "default_on", Value::Bool(true), u);
            }
        }
    }

    let mut carve_outs = carve_outs(&about, promise.copied());
    for sentence in conditional {
        let clause = sentence.split(',').next().unwrap_or(sentence);
        let phrase = if ANAPHORA.is_match(clause) {
            let at = sentences.iter().position(|s| *s == sentence).unwrap_or(0);
            let previous = at.checked_sub(1).map_or(clause, |p| sentences[p]);
            previous.split_once(", ").map_or(previous, |(_, rest)| rest)
        } else {
            clause
        };
        carve_outs.push((item_phrase(phrase), sentence));
    }
    let stated = facts.bool("opt_out") == Some(true) || promise.is_some();
    if !carve_outs.is_empty() || stated {
        let evidence = carve_outs.iter().map(|(_, s)| *s).next().unwrap_or(first);
        let phrases: Vec<Value> = carve_outs.into_iter().map(|(p, _)| Value::String(p)).collect();
        facts.set(TOPIC, "carve_outs", Value::Array(phrases), evidence);
    }

    let (scope, evidence) = scope(reading, &sentences, first);
    facts.set(TOPIC, "scope", Value::String(scope.to_owned()), evidence);
    facts
}

/// The situations in which content is still used for training, each with its sentence.
fn carve_outs<'a>(about: &[&'a str], promise: Option<&'a str>) -> Vec<(String, &'a str)> {
    let mut found: Vec<(String, &str)> = Vec::new();
    let mut push = |phrase: String, sentence: &'a str| {
        if phrase.split_whitespace().count() >= 2 && !found.iter().any(|(p, _)| *p == phrase) {
            found.push((phrase, sentence));
        }
    };
    for &sentence in about {
        if let Some(m) = DESPITE.find(sentence) {
            let rest = &sentence[m.end()..];
            let conditions = rest.find(" when").or_else(|| rest.find(" if ")).map(|i| &rest[i..]).unwrap_or(rest);
            let conditions =
                conditions.trim_start_matches([' ', ':']).trim_start_matches("when").trim_start_matches("if ");
            let items: Vec<&str> =
                ITEM_MARK.split(conditions).map(str::trim).filter(|i| !i.is_empty() && *i != ":").collect();
            for item in items {
                push(item_phrase(item), sentence);
            }
        }
    }
    if let Some(promise) = promise {
        for caps in EXCEPTION.captures_iter(promise) {
            if let Some(m) = caps.get(1).or_else(|| caps.get(2)) {
                push(item_phrase(m.as_str()), promise);
            }
        }
        for &sentence in about {
            if sentence != promise && OPT_IN.is_match(sentence) {
                let condition = sentence.split(',').next().unwrap_or(sentence);
                let condition = condition.trim_start_matches("If ").trim_start_matches("if ");
                push(item_phrase(condition), sentence);
            }
        }
    }
    found
}

fn item_phrase(item: &str) -> String {
    let item = item.trim().trim_start_matches([':', ',']).trim();
    let item = ITEM_END.replace(item, "");
    clip(&item, 12)
}

fn scope<'a>(reading: &Reading<'_>, sentences: &[&'a str], first: &'a str) -> (&'static str, &'a str) {
    if let Some(kind) = reading.terms_type {
        let kind = kind.to_ascii_lowercase().replace(['-', '_'], " ");
        if ["commercial", "business", "enterprise", "data processor", "processing", "service agreement", "team"]
            .iter()
            .any(|k| kind.contains(k))
        {
            return ("business", first);
        }
        if kind.contains("developer") || kind.contains("api") {
            return ("api", first);
        }
    }
    if let Some(s) = sentences.iter().find(|s| BUSINESS.is_match(s)) {
        return ("business", s);
    }
    if BUSINESS.is_match(&reading.heading) {
        return ("business", first);
    }
    if let Some(s) = sentences.iter().find(|s| API.is_match(s)) {
        return ("api", s);
    }
    ("consumer", first)
}
