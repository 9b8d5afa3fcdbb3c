//! The plain-language summary that opens a provision's analysis: one to three sentences built
//! from the facts the provision states, so each says only what this provision decides.
use crate::pipeline::facts::describe::{days, days as describe_days, money};
use crate::pipeline::facts::{Facts, Period, describe};

/// The summary of what a provision of `platform` decides about `topic`, or None when it states
/// none of the topic's facts.
pub fn summary(topic: &str, facts: &Facts, platform: &str) -> Option<String> {
    if facts.is_empty() {
        return None;
    }
    let sentences = match topic {
        "ai-training" => training(facts, platform),
        "data-retention" => retention(facts, platform),
        "arbitration" => arbitration(facts, platform),
        "liability-limitation" => liability(facts, platform),
        "terms-changes" => changes(facts, platform),
        "account-termination" => termination(facts, platform),
        "governing-law" => governing_law(facts),
        _ => Vec::new(),
    };
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

fn whose(facts: &Facts) -> &'static str {
    match facts.text("scope") {
        Some("business") => "your organisation's content",
        Some("api") => "the content you send through its API",
        _ => "your conversations and other content",
    }
}

/// "when a or b" for conditions written as clauses ("you give feedback"), else "in these
/// cases: a; b" (purposes and fragments read badly after "when").
fn either(items: &[&str]) -> String {
    let clauses = items.iter().all(|i| {
        let first = i.split_whitespace().next().unwrap_or("").to_lowercase();
        ["you", "your", "we", "the", "content", "it", "they", "customer", "a", "an"].contains(&first.as_str())
    });
    match items {
        [] => String::new(),
        [one] if clauses => format!("when {one}"),
        [init @ .., last] if clauses => format!("when {} or {last}", init.join(", ")),
        _ => format!("in these cases: {}", items.join("; ")),
    }
}

fn training(facts: &Facts, platform: &str) -> Vec<String> {
    let content = whose(facts);
    let carve_outs = facts.phrases("carve_outs").unwrap_or_default();
    let mut out = Vec::new();
    match facts.bool("default_on") {
        Some(true) => out.push(format!("{platform} can use {content} to train its AI models by default.")),
        Some(false) if carve_outs.is_empty() => {
            out.push(format!("{platform} says it does not train its models on {content}."))
        }
        Some(false) => out.push(format!(
            "{platform} says it does not train its models on {content}, except {}.",
            either(&carve_outs)
        )),
        None => {}
    }
    match facts.bool("opt_out") {
        Some(true) if facts.bool("default_on") == Some(false) => {}
        Some(true) if carve_outs.is_empty() => out.push("You can turn this off.".to_owned()),
        Some(true) => out.push(format!(
            "You can turn this off, but {content} can still be used for training {}.",
            either(&carve_outs)
        )),
        Some(false) => out.push("The provision offers no way to opt out.".to_owned()),
        None if facts.bool("default_on") == Some(true) => out.push("The provision names no way to opt out.".to_owned()),
        None => {}
    }
    if out.is_empty() && !carve_outs.is_empty() {
        out.push(format!("{platform} may still train on {content} {}.", either(&carve_outs)));
    }
    out
}

fn retention(facts: &Facts, platform: &str) -> Vec<String> {
    let mut out = Vec::new();
    match facts.periods("periods").as_deref() {
        Some([]) => out.push(format!("{platform} gives no fixed retention period here.")),
        Some(periods) => {
            let shown: Vec<String> = periods
                .iter()
                .take(2)
                .map(|p: &Period| format!("{} for {}", p.what, days(u64::from(p.days))))
                .collect();
            let more = periods.len().saturating_sub(2);
            let tail = if more > 0 {
                format!(", and {more} more period{} listed in the provision", if more == 1 { "" } else { "s" })
            } else {
                String::new()
            };
            out.push(format!("{platform} states how long it keeps data: {}{tail}.", shown.join("; ")));
        }
        None => {}
    }
    if facts.bool("deletion_on_request") == Some(true) {
        out.push("You can have your data deleted.".to_owned());
    }
    out
}

fn arbitration(facts: &Facts, platform: &str) -> Vec<String> {
    let mut out = Vec::new();
    match facts.bool("mandatory") {
        Some(true) => out.push(format!("Disputes with {platform} go to binding arbitration instead of court.")),
        Some(false) => out.push("Arbitration is optional under this provision.".to_owned()),
        None => {}
    }
    let mut waived = Vec::new();
    if facts.bool("class_waiver") == Some(true) {
        waived.push("to bring or join a class action");
    }
    if facts.bool("jury_waiver") == Some(true) {
        waived.push("to a jury trial");
    }
    if !waived.is_empty() {
        out.push(format!("You give up the right {}.", waived.join(" and the right ")));
    }
    if let Some(n) = facts.int("opt_out_days") {
        out.push(format!("You can opt out of arbitration within {}.", days(n.unsigned_abs())));
    }
    out
}

fn liability(facts: &Facts, platform: &str) -> Vec<String> {
    let mut out = Vec::new();
    let cap = facts.number("cap_amount").map(|a| money(a, facts.text("cap_currency")));
    match (cap, facts.int("lookback_months")) {
        (Some(cap), Some(months)) => out.push(format!(
            "{platform} limits what it owes you: the cap is based on the fees you paid over {months} months, with a fixed sum of {cap} in the cap."
        )),
        (Some(cap), None) => out.push(format!("{platform} limits what it owes you to a cap that names {cap}.")),
        (None, Some(months)) => out.push(format!("{platform} limits what it owes you to the fees you paid over {months} months.")),
        (None, None) => {}
    }
    if facts.bool("as_is") == Some(true) {
        out.push(format!("{platform} provides the service \"as is\", without warranties."));
    }
    out
}

fn changes(facts: &Facts, platform: &str) -> Vec<String> {
    let mut out = Vec::new();
    match facts.int("notice_days") {
        Some(0) => out.push(format!(
            "{platform} can change these terms with effect as soon as it posts them, with no advance notice."
        )),
        Some(n) => out.push(format!(
            "Changes to these terms take effect {} after {platform} gives notice.",
            days(n.unsigned_abs())
        )),
        None => {}
    }
    if facts.bool("continued_use_is_acceptance") == Some(true) {
        out.push("If you keep using the service after a change, you are taken to accept it.".to_owned());
    }
    out
}

fn termination(facts: &Facts, platform: &str) -> Vec<String> {
    let notice = facts.bool("without_notice");
    let discretion = facts.bool("at_discretion");
    let sentence = match (notice, discretion) {
        (Some(true), Some(true)) => {
            format!("{platform} can suspend or close your account without notice, at its own discretion.")
        }
        (Some(true), Some(false)) => {
            format!("{platform} can suspend or close your account without notice, for the reasons the provision lists.")
        }
        (Some(true), None) => format!("{platform} can suspend or close your account without notice."),
        (Some(false), Some(true)) => {
            format!("{platform} can suspend or close your account at its own discretion, after giving notice.")
        }
        (Some(false), _) => format!("{platform} gives notice before suspending or closing your account."),
        (None, Some(true)) => format!("{platform} can suspend or close your account at its own discretion."),
        (None, Some(false)) => {
            format!("{platform} can suspend or close your account only for the reasons the provision lists.")
        }
        (None, None) => return Vec::new(),
    };
    vec![sentence]
}

fn governing_law(facts: &Facts) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(law) = facts.text("law") {
        out.push(format!("The law of {law} governs."));
    }
    if let Some(venue) = facts.text("venue") {
        out.push(format!("Disputes go to the courts of {venue}."));
    }
    out
}

/// What a change did to a provision's facts on one topic, one line per altered fact, each naming
/// the topic and the fact: "Training on user content, on by default: no → yes". Only a fact
/// stated before and after counts (a fact found or lost by a reworded sentence is weaker
/// evidence than a value that changed); retention periods compare by their lengths, and whose
/// content a provision is about is left out (it is read from wording, not decided by it).
pub fn fact_changes(topic_name: &str, topic: &str, before: &Facts, after: &Facts) -> Vec<String> {
    let was = describe(topic, before);
    describe(topic, after)
        .into_iter()
        .zip(was)
        .filter(|((name, _, _), _)| *name != "scope")
        .filter_map(|((name, label, now), (_, _, then))| {
            let (now, then) = (now?, then?);
            let (now, then) = if name == "periods" {
                (lengths(after.periods(name)?), lengths(before.periods(name)?))
            } else {
                (now, then)
            };
            (!now.eq_ignore_ascii_case(&then))
                .then(|| format!("{topic_name}, {}: {then} → {now}", label.to_lowercase()))
        })
        .collect()
}

/// The distinct lengths of retention periods, shortest first: "30 days, 3 years".
fn lengths(periods: Vec<Period>) -> String {
    let mut days: Vec<u32> = periods.iter().map(|p| p.days).collect();
    days.sort_unstable();
    days.dedup();
    if days.is_empty() {
        return "no fixed period".to_owned();
    }
    days.into_iter().map(|d| describe_days(u64::from(d))).collect::<Vec<_>>().join(", ")
}
