//! The address guard: refuses private, loopback, link-local and other non-public addresses.
//!
//! Two checks close the gaps: [`GuardedResolver`] vets every DNS answer before reqwest connects
//! (so a name that resolves to a private address is refused, with no rebinding window), and
//! [`check_host`] vets IP-literal hosts, which reqwest connects to without asking the resolver.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// A host that resolved to (or is) an address the guard refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{host} resolves to {addr}, a non-public address")]
pub struct BlockedAddress {
    /// The host name (or IP literal) as written in the URL.
    pub host: String,
    /// The refused address.
    pub addr: IpAddr,
}

/// Whether `ip` is an address a public fetcher must not reach: loopback, private, link-local,
/// unspecified, CGNAT, multicast, broadcast, reserved, documentation and benchmarking ranges,
/// and IPv6 forms that embed such an IPv4 address (mapped, compatible, NAT64, 6to4).
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    a == 0 // "this network", includes 0.0.0.0
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254)
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // TEST-NET-1
        || (a == 198 && b == 51 && c == 100) // TEST-NET-2
        || (a == 203 && b == 0 && c == 113) // TEST-NET-3
        || (a == 198 && (18..20).contains(&b)) // benchmarking 198.18/15
        || a >= 224 // multicast 224/4, reserved 240/4, broadcast
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    if let Some(v4) = embedded_v4(&seg) {
        return is_forbidden_v4(v4);
    }
    ip.is_unspecified()
        || ip.is_loopback()
        || (seg[0] & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (seg[0] & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (seg[0] & 0xffc0) == 0xfec0 // deprecated site-local fec0::/10
        || (seg[0] & 0xff00) == 0xff00 // multicast
        || (seg[0] == 0x2001 && seg[1] == 0x0db8) // documentation 2001:db8::/32
        || (seg[0] & 0xfff0) == 0x3ff0 // documentation 3fff::/20
        || (seg[0] == 0x0100 && seg[1..4] == [0, 0, 0]) // discard-only 100::/64
}

/// The IPv4 address inside an IPv4-mapped, IPv4-compatible, NAT64 or 6to4 IPv6 address.
fn embedded_v4(seg: &[u16; 8]) -> Option<Ipv4Addr> {
    let tail = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match seg {
        [0, 0, 0, 0, 0, 0xffff, hi, lo] => Some(tail(*hi, *lo)),
        // IPv4-compatible (deprecated); `::` and `::1` are left to the IPv6 rules.
        [0, 0, 0, 0, 0, 0, hi, lo] if *hi != 0 => Some(tail(*hi, *lo)),
        [0x64, 0xff9b, 0, 0, 0, 0, hi, lo] => Some(tail(*hi, *lo)),
        [0x2002, hi, lo, ..] => Some(tail(*hi, *lo)),
        _ => None,
    }
}

/// Checks a URL's host when it is an IP literal (names are checked by [`GuardedResolver`]).
pub fn check_host(url: &Url, allow_private: bool) -> Result<(), BlockedAddress> {
    if allow_private {
        return Ok(());
    }
    let addr = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(Host::Domain(_)) | None => return Ok(()),
    };
    if is_forbidden(addr) {
        return Err(BlockedAddress { host: url.host_str().unwrap_or_default().to_owned(), addr });
    }
    Ok(())
}

/// Longest the browser's guard waits for a name to resolve; the paused request waits as long.
const RESOLVE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// The address policy of the headless browser, which connects by itself: every address a
/// request's host resolves to must be public, unless private addresses are allowed or that exact
/// address and port is listed as an exception (a test's loopback site, an intranet server).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressPolicy {
    /// Let private, loopback and link-local addresses through (`FETCH_ALLOW_PRIVATE`).
    pub allow_private: bool,
    /// Non-public addresses allowed all the same, address and port both matching.
    pub exceptions: Vec<SocketAddr>,
}

/// Why the browser may not make a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not an http(s) URL.
    #[error("the scheme {0:?} is not fetched")]
    Scheme(String),
    /// The URL has no host, or the host does not resolve.
    #[error("the host cannot be resolved: {0}")]
    Unresolved(String),
    /// The host is (or resolves to) a refused address.
    #[error(transparent)]
    Blocked(#[from] BlockedAddress),
}

impl AddressPolicy {
    /// Whether a connection to `addr` is allowed.
    pub fn permits(&self, addr: SocketAddr) -> bool {
        self.allow_private || !is_forbidden(addr.ip()) || self.exceptions.contains(&addr)
    }

    /// Checks an http(s) URL: resolves its host and refuses it when any answer is refused.
    pub async fn check_url(&self, url: &Url) -> Result<(), Refusal> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(Refusal::Scheme(url.scheme().to_owned()));
        }
        let host = url.host_str().ok_or_else(|| Refusal::Unresolved("no host".to_owned()))?;
        let port = url.port_or_known_default().unwrap_or(80);
        let found: Vec<SocketAddr> = match url.host() {
            Some(Host::Ipv4(v4)) => vec![SocketAddr::new(IpAddr::V4(v4), port)],
            Some(Host::Ipv6(v6)) => vec![SocketAddr::new(IpAddr::V6(v6), port)],
            _ => tokio::time::timeout(RESOLVE_TIMEOUT, tokio::net::lookup_host((host, port)))
                .await
                .map_err(|_| Refusal::Unresolved(format!("{host}: no answer within {RESOLVE_TIMEOUT:?}")))?
                .map_err(|e| Refusal::Unresolved(format!("{host}: {e}")))?
                .collect(),
        };
        if found.is_empty() {
            return Err(Refusal::Unresolved(format!("{host}: no address")));
        }
        match found.into_iter().find(|a| !self.permits(*a)) {
            Some(bad) => Err(BlockedAddress { host: host.to_owned(), addr: bad.ip() }.into()),
            None => Ok(()),
        }
    }
}

/// Whether an IP-literal URL names one of the `exceptions` exactly (address and port).
pub fn is_excepted(url: &Url, exceptions: &[SocketAddr]) -> bool {
    let ip = match url.host() {
        Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
        Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
        Some(Host::Domain(_)) | None => return false,
    };
    url.port_or_known_default().is_some_and(|port| exceptions.contains(&SocketAddr::new(ip, port)))
}

/// A DNS resolver (the system's, via `getaddrinfo`) that refuses any answer holding a
/// forbidden address, unless private addresses are allowed.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver {
    /// Let private, loopback and link-local answers through (tests, intranet deployments).
    pub allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && let Some(bad) = found.iter().find(|a| is_forbidden(a.ip())) {
                let err = BlockedAddress { host, addr: bad.ip() };
                return Err(Box::new(err) as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classifier_refuses_non_public_ranges_and_allows_public_ones() {
        let table: &[(&str, bool)] = &[
            ("127.0.0.1", true),
            ("127.255.0.9", true),
            ("10.1.2.3", true),
            ("172.16.0.1", true),
            ("172.31.255.255", true),
            ("172.32.0.1", false),
            ("192.168.1.1", true),
            ("169.254.169.254", true),
            ("100.64.0.1", true),
            ("100.127.255.255", true),
            ("100.128.0.1", false),
            ("0.0.0.0", true),
            ("224.0.0.1", true),
            ("255.255.255.255", true),
            ("240.0.0.1", true),
            ("192.0.2.10", true),
            ("198.51.100.7", true),
            ("203.0.113.5", true),
            ("198.18.0.1", true),
            ("8.8.8.8", false),
            ("1.1.1.1", false),
            ("104.18.32.7", false),
            ("::1", true),
            ("::", true),
            ("fc00::1", true),
            ("fd12:3456::1", true),
            ("fe80::1", true),
            ("ff02::1", true),
            ("2001:db8::1", true),
            ("::ffff:127.0.0.1", true),
            ("::ffff:10.0.0.1", true),
            ("::ffff:8.8.8.8", false),
            ("64:ff9b::a9fe:a9fe", true),
            ("2002:c0a8:0101::1", true),
            ("2606:4700:4700::1111", false),
            ("2a00:1450:4001:80b::200e", false),
        ];
        for (text, forbidden) in table {
            let ip: IpAddr = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(is_forbidden(ip), *forbidden, "{text}");
        }
    }

    #[tokio::test]
    async fn the_browser_policy_allows_listed_exceptions_and_refuses_their_neighbours() {
        let site: SocketAddr = "127.0.0.1:4321".parse().unwrap();
        let policy = AddressPolicy { allow_private: false, exceptions: vec![site] };
        let check = |u: &str| {
            let (policy, url) = (policy.clone(), Url::parse(u).unwrap());
            async move { policy.check_url(&url).await }
        };
        assert_eq!(check("http://127.0.0.1:4321/terms").await, Ok(()));
        assert!(matches!(check("http://127.0.0.1:4322/x").await, Err(Refusal::Blocked(_))));
        assert!(matches!(check("http://127.0.0.2:4321/x").await, Err(Refusal::Blocked(_))));
        assert!(matches!(check("http://169.254.169.254/latest").await, Err(Refusal::Blocked(_))));
        assert!(matches!(check("file:///etc/passwd").await, Err(Refusal::Scheme(_))));
        assert!(AddressPolicy { allow_private: true, exceptions: vec![] }.permits("10.0.0.1:80".parse().unwrap()));
    }

    #[test]
    fn ip_literal_hosts_are_checked_and_names_are_left_to_the_resolver() {
        let check = |u: &str, allow| check_host(&Url::parse(u).unwrap(), allow);
        assert!(check("http://127.0.0.1:8080/x", false).is_err());
        assert!(check("http://[::1]/x", false).is_err());
        assert!(check("http://127.0.0.1/x", true).is_ok());
        assert!(check("https://93.184.215.14/", false).is_ok());
        assert!(check("https://example.com/", false).is_ok());
    }
}
