//! Lines of a topic's analysis that hold only for some provisions: a test on the provision's
//! facts ("opt_out & carve_outs") decides whether a line applies.
use std::fmt;

use serde::{Deserialize, Serialize};

/// What a term of a [`FactTest`] expects of one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `name`: true, a non-empty list, a number above zero or a name.
    Yes,
    /// `!name`: false, an empty list or zero.
    No,
    /// `?name`: the provision does not say.
    Unset,
    /// `+name`: the provision says, whatever it says.
    Stated,
    /// `name=value`: the provision says exactly this (a name, a number, true or false).
    Equals,
}

/// A conjunction of expectations on facts: `"default_on & !opt_out"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FactTest {
    terms: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    fact: String,
    expect: Expect,
    /// The value `Equals` wants.
    value: String,
}

impl FactTest {
    /// Parses `fact`, `!fact`, `?fact`, `+fact` terms joined by `&`.
    pub fn parse(raw: &str) -> Result<FactTest, String> {
        let mut terms = Vec::new();
        for term in raw.split('&').map(str::trim) {
            let (expect, name, value) = match term.split_at(term.chars().next().map_or(0, char::len_utf8)) {
                ("!", name) => (Expect::No, name, ""),
                ("?", name) => (Expect::Unset, name, ""),
                ("+", name) => (Expect::Stated, name, ""),
                _ => match term.split_once('=') {
                    Some((name, value)) if !value.trim().is_empty() => (Expect::Equals, name.trim(), value.trim()),
                    _ => (Expect::Yes, term, ""),
                },
            };
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                return Err(format!(
                    "`{raw}`: `{term}` is not a fact test (write fact, !fact, ?fact, +fact or fact=value)"
                ));
            }
            terms.push(Term { fact: name.to_owned(), expect, value: value.to_owned() });
        }
        Ok(FactTest { terms })
    }

    /// The facts tested, with what each must be (and the value `Equals` wants, else "").
    pub fn terms(&self) -> impl Iterator<Item = (&str, Expect, &str)> {
        self.terms.iter().map(|t| (t.fact.as_str(), t.expect, t.value.as_str()))
    }
}

impl TryFrom<String> for FactTest {
    type Error = String;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        FactTest::parse(&raw)
    }
}

impl From<FactTest> for String {
    fn from(test: FactTest) -> String {
        test.to_string()
    }
}

impl fmt::Display for FactTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|t| match t.expect {
                Expect::Yes => t.fact.clone(),
                Expect::No => format!("!{}", t.fact),
                Expect::Unset => format!("?{}", t.fact),
                Expect::Stated => format!("+{}", t.fact),
                Expect::Equals => format!("{}={}", t.fact, t.value),
            })
            .collect();
        f.write_str(&terms.join(" & "))
    }
}

/// A line of analysis text, shown when its test holds (always, without one). `{fact}` in the
/// text stands for the provision's value of that fact, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "RawLine")]
pub struct Line {
    pub text: String,
    pub when: Option<FactTest>,
}

#[derive(Deserialize)]
#[serde(untagged, deny_unknown_fields)]
enum RawLine {
    Plain(String),
    Guarded { text: String, when: FactTest },
}

impl From<RawLine> for Line {
    fn from(raw: RawLine) -> Line {
        match raw {
            RawLine::Plain(text) => Line { text, when: None },
            RawLine::Guarded { text, when } => Line { text, when: Some(when) },
        }
    }
}
