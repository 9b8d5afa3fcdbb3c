//! The address guard: loopback refused unless private addresses are allowed.

use std::net::{IpAddr, Ipv4Addr};

use clausewatch::pipeline::fetch::FetchError;
use url::Url;

use super::{config, error, fetch};
use crate::site::{Behaviour, TestSite};

#[tokio::test]
async fn a_loopback_address_is_refused_when_private_addresses_are_not_allowed() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::html("secret"));
    let mut config = config();
    config.allow_private = false;

    let err = error(fetch(config, &site.url("/tos")).await);

    let host = "127.0.0.1".to_owned();
    assert_eq!(err, FetchError::Blocked { host, addr: IpAddr::V4(Ipv4Addr::LOCALHOST) });
    assert_eq!(err.kind(), "blocked");
    assert_eq!(site.hits("/tos"), 0);
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_by_the_resolver() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::html("secret"));
    let mut config = config();
    config.allow_private = false;
    let url = Url::parse(&format!("http://localhost:{}/tos", site.addr().port())).expect("url");

    let err = error(fetch(config, &url).await);

    assert!(matches!(&err, FetchError::Blocked { host, addr } if host == "localhost" && addr.is_loopback()), "{err:?}");
    assert_eq!(site.hits("/tos"), 0);
}

#[tokio::test]
async fn an_ipv4_mapped_ipv6_loopback_literal_is_refused_before_any_request() {
    let site = TestSite::start().await;
    site.set("/tos", Behaviour::html("secret"));
    let mut config = config();
    config.allow_private = false;
    let url = Url::parse(&format!("http://[::ffff:127.0.0.1]:{}/tos", site.addr().port())).expect("url");

    let err = error(fetch(config, &url).await);

    assert_eq!(err.kind(), "blocked", "{err}");
    assert_eq!(site.hits("/tos"), 0);
}

#[tokio::test]
async fn an_excepted_loopback_address_and_port_is_fetched_and_its_neighbours_are_not() {
    let site = TestSite::start().await;
    let other = TestSite::start().await;
    site.set("/tos", Behaviour::html("terms"));
    other.set("/tos", Behaviour::html("secret"));
    let mut config = config();
    config.allow_private = false;
    config.allowed_addrs = vec![site.addr()];

    let allowed = fetch(config.clone(), &site.url("/tos")).await;
    let refused = error(fetch(config, &other.url("/tos")).await);

    assert!(matches!(allowed, Ok(clausewatch::pipeline::fetch::FetchOutcome::Fetched(_))), "{allowed:?}");
    assert_eq!(refused.kind(), "blocked", "{refused}");
    assert_eq!(other.hits("/tos"), 0);
}
