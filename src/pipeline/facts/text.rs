//! The plain words of a provision, cut into sentences, and the numbers, durations and sums they state.
use std::sync::LazyLock;

use regex::Regex;

pub(super) fn regex(source: &str) -> Regex {
    // Only called on the constant patterns of this module tree, all covered by unit tests.
    regex::RegexBuilder::new(source)
        .case_insensitive(true)
        .build()
        .unwrap_or_else(|e| panic!("invalid built-in fact pattern: {e}"))
}

static LINK: LazyLock<Regex> = LazyLock::new(|| regex(r"!?\[([^\]]*)\]\([^)]*\)"));
static MARKUP: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\*\*|__|(?m:^[ \t]*#{1,6}[ \t]+)|(?m:^[-=]{3,}[ \t]*$)|\\([.\-*_#()\[\]!])"));
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| regex(r"(^|[\s(])_([^_\n]+)_"));
static SPACES: LazyLock<Regex> = LazyLock::new(|| regex(r"[ \t\u{a0}\u{2060}\u{200b}]+"));

/// The provision's words without Markdown: link texts kept, emphasis and escapes dropped.
pub fn plain(text: &str) -> String {
    let text = LINK.replace_all(text, "$1");
    let text = MARKUP
        .replace_all(&text, |caps: &regex::Captures<'_>| caps.get(1).map_or(String::new(), |m| m.as_str().to_owned()));
    let text = EMPHASIS.replace_all(&text, "$1$2");
    let text = text.replace(['’', '‘'], "'").replace(['“', '”'], "\"");
    SPACES.replace_all(&text, " ").into_owned()
}

/// The sentences of plain text: cut after `.`, `!`, `?` and `;` before a space, and at line ends
/// (list items and headings are sentences of their own). Abbreviations like "e.g." and "U.S." stay.
pub fn sentences(plain: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for line in plain.lines() {
        let bytes = line.as_bytes();
        let mut start = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let ends = matches!(b, b'.' | b'!' | b'?' | b';')
                && bytes.get(i + 1).is_some_and(|&n| n == b' ')
                && !is_abbreviation(&line[start..=i]);
            if ends {
                push_sentence(&mut found, &line[start..=i]);
                start = i + 1;
            }
        }
        push_sentence(&mut found, &line[start..]);
    }
    found
}

fn push_sentence<'a>(found: &mut Vec<&'a str>, piece: &'a str) {
    let piece = piece.trim().trim_start_matches(['*', '-', '•', '>']).trim();
    if piece.chars().any(char::is_alphanumeric) {
        found.push(piece);
    }
}

fn is_abbreviation(upto: &str) -> bool {
    let last = upto.rsplit(' ').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        last.as_str(),
        "e.g." | "i.e." | "u.s." | "inc." | "ltd." | "etc.)" | "no." | "st." | "co." | "vs." | "u.k."
    ) || (last.len() <= 3 && last.ends_with('.') && last.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

const NUMBER_WORDS: [(&str, u32); 30] = [
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("eighteen", 18),
    ("twenty", 20),
    ("twenty-one", 21),
    ("twenty-four", 24),
    ("thirty", 30),
    ("thirty-six", 36),
    ("forty", 40),
    ("forty-five", 45),
    ("sixty", 60),
    ("ninety", 90),
    ("a hundred", 100),
    ("one hundred", 100),
    ("a", 1),
    ("an", 1),
];

/// A number as written: digits, or a word ("thirty"), optionally followed by the digits in
/// parentheses ("thirty (30)"), which win.
pub const NUMBER: &str = r"(?:\d{1,4}|one hundred|a hundred|twenty-one|twenty-four|thirty-six|forty-five|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|eighteen|twenty|thirty|forty|sixty|ninety)(?:\s*\(\d{1,4}\))?";

/// The value of a number matched by [`NUMBER`] (or "a"/"an").
pub fn number(written: &str) -> Option<u32> {
    let written = written.trim().to_ascii_lowercase();
    if let Some(open) = written.find('(') {
        let digits: String = written[open..].chars().filter(char::is_ascii_digit).collect();
        if let Ok(n) = digits.parse() {
            return Some(n);
        }
    }
    if let Ok(n) = written.parse() {
        return Some(n);
    }
    NUMBER_WORDS.iter().find(|(word, _)| *word == written).map(|&(_, n)| n)
}

/// A time unit as written, and its length in days (a month is 30 days, a year 365; hours and
/// weeks are counted in days, rounding up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Hours,
    Days,
    Weeks,
    Months,
    Years,
}

impl Unit {
    pub fn parse(word: &str) -> Option<Unit> {
        let word = word.to_ascii_lowercase();
        let word = word.trim_end_matches('s');
        Some(match word {
            "hour" => Unit::Hours,
            "day" | "calendar day" | "business day" => Unit::Days,
            "week" => Unit::Weeks,
            "month" => Unit::Months,
            "year" => Unit::Years,
            _ => return None,
        })
    }

    pub fn days(self, n: u32) -> u32 {
        match self {
            Unit::Hours => n.div_ceil(24),
            Unit::Days => n,
            Unit::Weeks => n * 7,
            Unit::Months => n * 30,
            Unit::Years => n * 365,
        }
    }

    pub fn months(self, n: u32) -> Option<u32> {
        match self {
            Unit::Months => Some(n),
            Unit::Years => Some(n * 12),
            _ => None,
        }
    }
}

/// A duration ("30 days", "thirty (30) rolling days", "a 12-month period", "up to three years").
pub static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"\b({NUMBER})[- ](?:rolling |calendar |business |consecutive )?(hours?|days?|weeks?|months?|years?)\b"
    ))
});

/// A stated duration: its number and unit, and where it stands in the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub n: u32,
    pub unit: Unit,
    pub start: usize,
    pub end: usize,
}

impl Duration {
    pub fn days(self) -> u32 {
        self.unit.days(self.n)
    }
}

/// Every duration stated in `sentence`, in order.
pub fn durations(sentence: &str) -> Vec<Duration> {
    DURATION
        .captures_iter(sentence)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let n = number(caps.get(1)?.as_str())?;
            let unit = Unit::parse(caps.get(2)?.as_str())?;
            Some(Duration { n, unit, start: whole.start(), end: whole.end() })
        })
        .collect()
}

/// A sum of money: `$100`, `€ 500`, `US$50`, `100 euros`, `USD 1,000`.
static MONEY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(US\$|\$|€|£|\bUSD|\bEUR|\bGBP)\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\b|\b(\d{1,3}(?:,\d{3})+|\d+) ?(U\.?S\.? dollars|dollars|euros?|pounds sterling|pounds|USD|EUR|GBP)\b",
    )
});

/// An amount of money and its ISO 4217 currency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Money {
    pub amount: f64,
    pub currency: &'static str,
    pub start: usize,
}

/// Every sum of money in `sentence`, in order.
pub fn money(sentence: &str) -> Vec<Money> {
    MONEY
        .captures_iter(sentence)
        .filter_map(|caps| {
            let start = caps.get(0)?.start();
            let (symbol, digits) = match (caps.get(1), caps.get(2), caps.get(4), caps.get(5)) {
                (Some(symbol), Some(digits), _, _) => (symbol.as_str(), digits.as_str()),
                (_, _, Some(digits), Some(word)) => (word.as_str(), digits.as_str()),
                _ => return None,
            };
            let whole: f64 = digits.replace(',', "").parse().ok()?;
            let cents: f64 = caps.get(3).and_then(|c| c.as_str().parse().ok()).map_or(0.0, |c: f64| c / 100.0);
            Some(Money { amount: whole + cents, currency: currency(symbol)?, start })
        })
        .collect()
}

fn currency(symbol: &str) -> Option<&'static str> {
    let symbol = symbol.to_ascii_lowercase();
    Some(match symbol.as_str() {
        "$" | "us$" | "usd" | "dollars" => "USD",
        s if s.ends_with("dollars") => "USD",
        "€" | "eur" | "euro" | "euros" => "EUR",
        "£" | "gbp" | "pounds" | "pounds sterling" => "GBP",
        _ => return None,
    })
}

/// At most `words` words of `phrase`, without trailing punctuation.
pub fn clip(phrase: &str, words: usize) -> String {
    let clipped: Vec<&str> = phrase.split_whitespace().take(words).collect();
    clipped.join(" ").trim_end_matches([',', ';', ':', '.', ')', '(']).trim().to_owned()
}
