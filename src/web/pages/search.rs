//! `/search?q=…&platform=…&topic=…&exposure=…&page=N`: full-text search over the current
//! provisions, and the listing behind every count and matrix cell (filters without words).
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use serde::Deserialize;

use super::provision::label;
use super::{
    Choice, Crumb, PER_PAGE, choices, document_href, excerpt, known_level, known_platform, non_empty, param,
    parse_page, plain_text, query_href, topic_name,
};
use crate::db::pages::search::{MATCH_END, MATCH_START, SearchFilter, SearchHitRow, search_provisions};
use crate::db::pages::topics::watched_platforms;
use crate::domain::topic::Taxonomy;
use crate::startup::AppState;
use crate::web::error::{AppError, PageError};

/// Longest search text accepted, in characters.
const MAX_WORDS_LEN: usize = 200;

/// The query string, read as text so a bad value gets our own message.
#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub platform: Option<String>,
    pub topic: Option<String>,
    pub exposure: Option<String>,
    pub page: Option<String>,
}

/// A search, validated: what the form shows and the query asks.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Search {
    pub words: String,
    pub platform: String,
    pub topic: String,
    pub exposure: String,
}

impl Search {
    /// Reads the query; `platforms` are the watched platforms' slugs.
    pub fn parse(query: &SearchQuery, platforms: &[(String, String)]) -> Result<Search, AppError> {
        let search = Search {
            words: param(&query.q),
            platform: param(&query.platform),
            topic: param(&query.topic),
            exposure: param(&query.exposure).to_lowercase(),
        };
        if search.words.chars().count() > MAX_WORDS_LEN {
            return Err(AppError::bad_request(format!(
                "Search for at most {MAX_WORDS_LEN} characters; shorten the words and search again."
            )));
        }
        known_platform(&search.platform, platforms, "any platform")?;
        if !search.topic.is_empty() && Taxonomy::builtin().get(&search.topic).is_none() {
            return Err(AppError::bad_request(format!(
                "There is no topic {:?}: choose one from the list, or any topic.",
                search.topic
            )));
        }
        known_level(&search.exposure, "Exposure")?;
        Ok(search)
    }

    /// Whether anything was asked.
    pub fn is_empty(&self) -> bool {
        *self == Search::default()
    }

    fn filter(&self) -> SearchFilter<'_> {
        SearchFilter {
            words: non_empty(&self.words),
            platform: non_empty(&self.platform),
            topic: non_empty(&self.topic),
            exposure: non_empty(&self.exposure),
        }
    }

    /// The address of this search's page `page`.
    pub fn href(&self, page: i64) -> String {
        let parameters = [
            ("q", self.words.as_str()),
            ("platform", &self.platform),
            ("topic", &self.topic),
            ("exposure", &self.exposure),
        ];
        query_href("/search", &parameters, page)
    }
}

/// A piece of a matching passage; `matched` for the searched words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub matched: bool,
}

/// A matching provision.
pub struct Hit {
    pub platform_name: String,
    pub document_name: String,
    pub document_href: String,
    pub label: String,
    pub href: String,
    pub topics: Vec<String>,
    pub passage: Vec<Piece>,
}

/// `/search`.
#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub struct SearchPage {
    pub title: String,
    pub crumbs: Vec<Crumb>,
    pub words: String,
    pub platforms: Vec<Choice>,
    pub topics: Vec<Choice>,
    pub exposures: Vec<Choice>,
    /// Whether anything was asked (else the page is the form alone).
    pub asked: bool,
    pub hits: Vec<Hit>,
    /// "12 current provisions match “training” on OpenAI."
    pub outcome: String,
    pub page: i64,
    pub pages: i64,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn get(State(state): State<AppState>, Query(query): Query<SearchQuery>) -> Result<SearchPage, PageError> {
    let page = parse_page(query.page.as_deref())?;
    let mut conn = state.pool.acquire().await?;
    let platforms = watched_platforms(&mut conn).await?;
    let search = Search::parse(&query, &platforms)?;
    let rows = if search.is_empty() {
        Vec::new()
    } else {
        search_provisions(&mut conn, search.filter(), PER_PAGE, (page - 1) * PER_PAGE).await?
    };
    let total = rows.first().map_or(0, |r| r.total);
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    if page > 1 && rows.is_empty() {
        return Err(
            AppError::not_found(format!("There is no page {page} of this search; go back to its first page.")).into()
        );
    }
    let taxonomy = Taxonomy::builtin();
    let outcome = outcome(&search, total, &platforms);
    Ok(SearchPage {
        title: if search.words.is_empty() {
            "Search the terms".to_owned()
        } else {
            format!("“{}”: search", search.words)
        },
        crumbs: vec![Crumb::link("Home", "/"), Crumb::here("Search")],
        platforms: choices(platforms.clone(), &search.platform, "Any platform"),
        topics: choices(taxonomy.topics.iter().map(|t| (t.slug.clone(), t.name.clone())), &search.topic, "Any topic"),
        exposures: choices(
            [("high", "High exposure"), ("medium", "Medium exposure"), ("low", "Low exposure")]
                .map(|(value, label)| (value.to_owned(), label.to_owned())),
            &search.exposure,
            "Any exposure",
        ),
        asked: !search.is_empty(),
        hits: rows.iter().map(hit).collect(),
        outcome,
        page,
        pages,
        prev_href: (page > 1).then(|| search.href(page - 1)),
        next_href: (page < pages).then(|| search.href(page + 1)),
        words: search.words,
    })
}

/// What was found, in words: "12 current provisions match “training” on OpenAI, about Training…".
fn outcome(search: &Search, total: i64, platforms: &[(String, String)]) -> String {
    let mut parts = Vec::new();
    if !search.words.is_empty() {
        parts.push(format!("match “{}”", search.words));
    }
    if let Some((_, name)) = platforms.iter().find(|(slug, _)| *slug == search.platform) {
        parts.push(format!("of {name}"));
    }
    match (search.topic.is_empty(), search.exposure.is_empty()) {
        (false, false) => parts.push(format!("on {} at {} exposure", topic_name(&search.topic), search.exposure)),
        (false, true) => parts.push(format!("on {}", topic_name(&search.topic))),
        (true, false) => parts.push(format!("whose most exposed topic is {}", search.exposure)),
        (true, true) => {}
    }
    let noun = if total == 1 { "current provision" } else { "current provisions" };
    format!("{total} {noun} {}.", parts.join(", "))
}

fn hit(row: &SearchHitRow) -> Hit {
    let document = document_href(&row.platform_slug, &row.document_slug);
    Hit {
        platform_name: row.platform_name.clone(),
        document_name: row.terms_type.clone(),
        href: format!("{document}/provisions/{}", row.lineage_id),
        document_href: document,
        label: label(row.title.as_deref(), &row.heading_path, &row.key),
        topics: row.topics.iter().map(|t| topic_name(t)).collect(),
        passage: pieces(&readable(&row.passage)),
    }
}

/// The passage as words a reader sees, cut short when it is the start of a text.
fn readable(passage: &str) -> String {
    if passage.contains(MATCH_START) { plain_text(passage) } else { excerpt(passage, 320) }
}

/// Splits a passage at the match marks.
pub fn pieces(passage: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = passage;
    while let Some(start) = rest.find(MATCH_START) {
        if start > 0 {
            out.push(Piece { text: rest[..start].to_owned(), matched: false });
        }
        let after = &rest[start + MATCH_START.len_utf8()..];
        let end = after.find(MATCH_END).unwrap_or(after.len());
        out.push(Piece { text: after[..end].to_owned(), matched: true });
        rest = after.get(end + MATCH_END.len_utf8()..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push(Piece { text: rest.to_owned(), matched: false });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platforms() -> Vec<(String, String)> {
        vec![("openai".into(), "OpenAI".into())]
    }

    fn query(q: &str, platform: &str, topic: &str, exposure: &str) -> SearchQuery {
        let some = |v: &str| Some(v.to_owned());
        SearchQuery { q: some(q), platform: some(platform), topic: some(topic), exposure: some(exposure), page: None }
    }

    #[test]
    fn a_search_reads_known_filters_and_refuses_others_with_a_reason() {
        let ok = Search::parse(&query(" training ", "openai", "ai-training", "HIGH"), &platforms()).unwrap();
        assert_eq!(ok.words, "training");
        assert_eq!(ok.exposure, "high");
        assert_eq!(ok.href(2), "/search?q=training&platform=openai&topic=ai-training&exposure=high&page=2");
        for bad in [
            query("", "nobody", "", ""),
            query("", "", "no-such-topic", ""),
            query("", "", "", "extreme"),
            query(&"x".repeat(201), "", "", ""),
        ] {
            assert!(matches!(Search::parse(&bad, &platforms()), Err(AppError::BadRequest(_))), "{bad:?}");
        }
        assert!(Search::parse(&SearchQuery::default(), &platforms()).unwrap().is_empty());
    }

    #[test]
    fn passages_split_at_the_match_marks() {
        let marked = format!("we {MATCH_START}train{MATCH_END} models on {MATCH_START}data{MATCH_END}");
        let got = pieces(&marked);
        assert_eq!(
            got.iter().filter(|p| p.matched).map(|p| p.text.as_str()).collect::<Vec<_>>(),
            vec!["train", "data"]
        );
        assert_eq!(got.iter().map(|p| p.text.as_str()).collect::<String>(), "we train models on data");
        assert_eq!(pieces("plain"), vec![Piece { text: "plain".into(), matched: false }]);
    }

    #[test]
    fn passages_read_markdown_away() {
        let marked = format!("**Use of {MATCH_START}data{MATCH_END}**\n\nWe *may* use it.");
        let text: String = pieces(&readable(&marked)).iter().map(|p| p.text.as_str()).collect();
        assert_eq!(text, "Use of data We may use it.");
    }
}
