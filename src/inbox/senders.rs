//! Who may send webhooks: `--allow-from` (Veriff's published addresses, or any
//! CIDR) and, behind a reverse proxy, `--trusted-proxy`, the only peers whose
//! `X-Forwarded-For` is believed.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The addresses Veriff publishes for its webhooks (its page "allowlisted URLs
/// and IP addresses", copied in `../shared/docs/veriff-api.md`, "Webhooks"):
/// recheck it before a release. `--allow-from veriff` means these.
pub const VERIFF_WEBHOOK_SOURCES: [&str; 11] = [
    // United States
    "100.20.120.34/32",
    "52.25.243.218/32",
    "54.148.105.103/32",
    "54.218.205.80/32",
    "18.98.6.64/27",
    "3.42.137.128/27",
    "3.42.136.96/27",
    // European Union
    "34.254.42.181/32",
    "34.242.213.89/32",
    "52.19.226.239/32",
    "3.251.215.160/27",
];

/// One `--allow-from` or `--trusted-proxy` value: `veriff`, an address, or a CIDR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranges(pub Vec<IpNet>);

impl std::str::FromStr for Ranges {
    type Err = String;

    fn from_str(text: &str) -> Result<Ranges, String> {
        if text.eq_ignore_ascii_case("veriff") {
            let veriff = VERIFF_WEBHOOK_SOURCES.iter().map(|r| r.parse().expect("a CIDR"));
            return Ok(Ranges(veriff.collect()));
        }
        if let Ok(net) = text.parse::<IpNet>() {
            return Ok(Ranges(vec![net.trunc()]));
        }
        text.parse::<IpAddr>()
            .map(|ip| Ranges(vec![IpNet::from(ip)]))
            .map_err(|_| format!("{text:?} is neither `veriff`, an address nor a CIDR (10.0.0.0/8)"))
    }
}

/// Which senders are taken, and which peers are proxies.
#[derive(Debug, Clone, Default)]
pub struct Senders {
    /// `None`: any sender (no `--allow-from`).
    allowed: Option<Vec<IpNet>>,
    proxies: Vec<IpNet>,
}

fn within(ranges: &[IpNet], ip: IpAddr) -> bool {
    ranges.iter().any(|r| r.contains(&ip))
}

impl Senders {
    pub fn new(allowed: Vec<Ranges>, proxies: Vec<Ranges>) -> Senders {
        let flat = |r: Vec<Ranges>| r.into_iter().flat_map(|r| r.0).collect::<Vec<_>>();
        Senders {
            allowed: (!allowed.is_empty()).then(|| flat(allowed)),
            proxies: flat(proxies),
        }
    }

    /// Whether every sender is taken (no `--allow-from`).
    pub fn anyone(&self) -> bool {
        self.allowed.is_none()
    }

    /// Who sent a request that came from `peer`: the peer itself, unless it is a
    /// trusted proxy; then the rightmost `X-Forwarded-For` hop that is not one
    /// (hops to its left are whatever the sender wrote). All hops trusted: the
    /// leftmost. An unreadable hop is an error: the sender cannot be told.
    pub fn sender(&self, peer: IpAddr, headers: &HeaderMap) -> Result<IpAddr, String> {
        let peer = peer.to_canonical();
        if !within(&self.proxies, peer) {
            return Ok(peer);
        }
        let mut hops = Vec::new();
        for value in headers.get_all("x-forwarded-for") {
            let value = value.to_str().map_err(|_| "X-Forwarded-For is not text".to_owned())?;
            hops.extend(value.split(',').map(str::trim).filter(|h| !h.is_empty()));
        }
        let mut sender = peer;
        for hop in hops.iter().rev() {
            sender = parse_hop(hop)
                .ok_or_else(|| format!("X-Forwarded-For hop {:?} is not an address", clip(hop)))?
                .to_canonical();
            if !within(&self.proxies, sender) {
                break;
            }
        }
        Ok(sender)
    }

    /// Whether `sender` may send webhooks.
    pub fn allows(&self, sender: IpAddr) -> bool {
        self.allowed
            .as_ref()
            .is_none_or(|allowed| within(allowed, sender.to_canonical()))
    }
}

/// `1.2.3.4`, `2001:db8::1`, and the forms with a port some proxies write
/// (`1.2.3.4:5678`, `[2001:db8::1]:5678`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    hop.parse::<std::net::SocketAddr>().ok().map(|s| s.ip())
}

/// At most 64 characters of what a sender wrote, for a log line.
fn clip(text: &str) -> String {
    text.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranges(text: &[&str]) -> Vec<Ranges> {
        text.iter().map(|t| t.parse().unwrap()).collect()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn veriff_means_its_published_addresses() {
        let senders = Senders::new(ranges(&["veriff"]), Vec::new());
        assert!(senders.allows("34.254.42.181".parse().unwrap()));
        assert!(senders.allows("18.98.6.95".parse().unwrap()), "inside 18.98.6.64/27");
        assert!(!senders.allows("18.98.6.96".parse().unwrap()), "past 18.98.6.64/27");
        assert!(!senders.allows("127.0.0.1".parse().unwrap()));
        assert!(Senders::default().allows("192.0.2.1".parse().unwrap()));
        assert!("veriff.com".parse::<Ranges>().is_err());
    }

    #[test]
    fn only_a_trusted_proxy_names_the_sender() {
        let senders = Senders::new(ranges(&["127.0.0.2"]), ranges(&["10.0.0.0/8"]));
        let proxy: IpAddr = "10.1.2.3".parse().unwrap();
        let stranger: IpAddr = "192.0.2.9".parse().unwrap();
        // A stranger's header is its own word: the stranger is the sender.
        assert_eq!(senders.sender(stranger, &forwarded("127.0.0.2")), Ok(stranger));
        // Through the proxy: the rightmost hop it did not add itself.
        let chain = forwarded("127.0.0.2, 192.0.2.7, 10.9.9.9");
        assert_eq!(senders.sender(proxy, &chain), Ok("192.0.2.7".parse().unwrap()));
        assert_eq!(
            senders.sender(proxy, &forwarded("127.0.0.2")),
            Ok("127.0.0.2".parse().unwrap())
        );
        assert_eq!(
            senders.sender(proxy, &forwarded("[::ffff:127.0.0.2]:443")),
            Ok("127.0.0.2".parse().unwrap())
        );
        assert!(senders.sender(proxy, &forwarded("127.0.0.2, nonsense")).is_err());
        // No header: the proxy itself.
        assert_eq!(senders.sender(proxy, &HeaderMap::new()), Ok(proxy));
    }
}
