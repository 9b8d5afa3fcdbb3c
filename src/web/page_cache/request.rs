//! What a request is to the cache: anonymous or not, and whether its answer may be stored.
use axum::http::{HeaderMap, header};
use tower_sessions::cookie::Cookie;

/// The session cookie's name (see `accounts::session_layer`): its presence makes an answer private.
const SESSION_COOKIE: &str = "clausewatch_session";

/// The query parameters of the cached routes that read any (by matched route). A request to one
/// of them with another parameter, or one twice, is answered but not stored: made-up queries
/// cannot fill the store, and the key stays the exact address the handler read (a normalised key
/// could map two different answers to one key wherever the normaliser and a handler's parser
/// disagree). Every other route reads no query, so its page is the same whatever the query.
const QUERY_PARAMETERS: &[(&str, &[&str])] = &[
    ("/changes", &["platform", "document", "class", "severity", "page"]),
    ("/search", &["q", "platform", "topic", "exposure", "page"]),
    ("/platforms/{platform}/{document}/diff", &["from", "to", "view"]),
    ("/api/v1/changes", &["platform", "since", "page"]),
];

/// Whether the request has no session: its Cookie headers are read exactly as the session layer
/// reads them (tower-cookies: each header split at `;`, each piece `Cookie::parse_encoded`, which
/// trims names), and a header or piece that parser cannot read counts as a session too, so no
/// cookie the session layer might accept can reach the shared store.
pub fn is_anonymous(headers: &HeaderMap) -> bool {
    headers.get_all(header::COOKIE).iter().all(|value| {
        let Ok(value) = value.to_str() else { return false };
        value
            .split(';')
            .filter(|piece| !piece.trim().is_empty())
            .all(|piece| Cookie::parse_encoded(piece).is_ok_and(|cookie| cookie.name() != SESSION_COOKIE))
    })
}

/// The address an answer is stored under (see `QUERY_PARAMETERS`): the path alone for a route
/// that reads no query, so a cache-busting query is served the stored page; the path and query
/// for a route that reads its own; None when the answer must not be stored.
pub fn cache_address(route: Option<&str>, path: &str, query: Option<&str>) -> Option<String> {
    let Some(query) = query else { return Some(path.to_owned()) };
    let reads_query = route.is_none_or(|route| QUERY_PARAMETERS.iter().any(|(r, _)| *r == route));
    if !reads_query {
        return Some(path.to_owned());
    }
    storable_query(route, query).then(|| format!("{path}?{query}"))
}

/// Whether the query holds only the route's own parameters, once each.
fn storable_query(route: Option<&str>, query: &str) -> bool {
    let allowed = route.and_then(|route| QUERY_PARAMETERS.iter().find(|(r, _)| *r == route)).map_or(&[][..], |r| r.1);
    let mut seen = Vec::new();
    url::form_urlencoded::parse(query.as_bytes()).all(|(name, _)| {
        let fresh = allowed.contains(&name.as_ref()) && !seen.contains(&name);
        seen.push(name);
        fresh
    })
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn cookies(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(header::COOKIE, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn only_the_session_cookie_makes_a_request_private() {
        assert!(is_anonymous(&cookies(&[])));
        assert!(is_anonymous(&cookies(&["theme=dark; other=1"])));
        assert!(!is_anonymous(&cookies(&["theme=dark; clausewatch_session=abc"])));
        assert!(!is_anonymous(&cookies(&["theme=dark", "clausewatch_session=abc"])));
    }

    #[test]
    fn a_session_cookie_the_session_layer_would_trim_or_an_unreadable_one_is_private() {
        assert!(!is_anonymous(&cookies(&["clausewatch_session =abc"])));
        assert!(!is_anonymous(&cookies(&["a=1;\tclausewatch_session\t= abc"])));
        assert!(!is_anonymous(&cookies(&["=nameless"])));
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_bytes(b"clausewatch_sessio\xff=abc").unwrap());
        assert!(!is_anonymous(&headers));
    }

    #[test]
    fn only_a_routes_own_parameters_once_each_make_a_storable_query() {
        let address = |route, query| cache_address(route, "/p", query);
        assert_eq!(address(Some("/platforms/{platform}"), None).as_deref(), Some("/p"));
        assert_eq!(address(Some("/changes"), Some("page=2")).as_deref(), Some("/p?page=2"));
        assert_eq!(
            address(Some("/api/v1/changes"), Some("platform=openai&page=2")).as_deref(),
            Some("/p?platform=openai&page=2")
        );
        assert_eq!(address(Some("/changes"), Some("page=2&junk=1")), None);
        assert_eq!(address(Some("/changes"), Some("page=2&page=3")), None);
        assert_eq!(address(None, Some("page=2")), None);
    }

    #[test]
    fn a_query_on_a_route_that_reads_none_is_the_page_without_it() {
        assert_eq!(
            cache_address(Some("/platforms/{platform}"), "/platforms/xai", Some("junk=1")).as_deref(),
            Some("/platforms/xai")
        );
        assert_eq!(cache_address(Some("/"), "/", Some("utm_source=x&utm_source=y")).as_deref(), Some("/"));
    }
}
