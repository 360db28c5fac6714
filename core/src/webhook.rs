//! Webhook URL rules: absolute `https` URLs with no user-info, to a public
//! host. Internal hosts are refused unless the host's policy allows them
//! (for development).
//!
//! # Judged the way an HTTP client reads the URL
//!
//! A URL is parsed with WHATWG URL semantics (the `url` crate, which HTTP
//! clients such as `reqwest` use): hexadecimal, octal and short IPv4 forms
//! (`https://0x7f.1/` is 127.0.0.1), percent-encoding and IDNA in host
//! names, trailing dots. The host is then classified:
//!
//! - an IP address is internal when it is in any range of the IANA IPv4 or
//!   IPv6 special-purpose address registries that is not globally
//!   reachable, or is multicast, reserved (`240.0.0.0/4`) or broadcast.
//!   Addresses that embed an IPv4 address are judged by it: IPv4-mapped
//!   (`::ffff:0:0/96`), NAT64 (`64:ff9b::/96`) and 6to4 (`2002::/16`);
//!   IPv4-compatible (`::/96`), local-use NAT64 (`64:ff9b:1::/48`) and
//!   Teredo (`2001::/32`) are refused outright. See [`is_internal_ip`].
//! - a name is internal when it is `localhost` or ends in `.localhost`,
//!   has no dot, or ends in `.local`, `.internal`, `.localdomain` or
//!   `.home.arpa`.
//!
//! # DNS rebinding
//!
//! A public *name* may still resolve to an internal address, and may
//! resolve differently when the request is made. A host that sends
//! webhooks must re-check the address it actually connects to with
//! [`check_resolved_address`] (for example in its HTTP client's DNS
//! resolver or connector), not only the URL when it is configured.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use crate::error::{Error, Result};

/// The longest webhook URL accepted.
pub const MAX_URL_LEN: usize = 2048;

/// `(network, prefix length)` of the IPv4 ranges telnum treats as internal:
/// the IANA IPv4 special-purpose registry's ranges that are not globally
/// reachable, plus multicast, reserved and broadcast.
const INTERNAL_V4: &[([u8; 4], u8)] = &[
    ([0, 0, 0, 0], 8),       // "this network"
    ([10, 0, 0, 0], 8),      // private
    ([100, 64, 0, 0], 10),   // shared address space (CGN)
    ([127, 0, 0, 0], 8),     // loopback
    ([169, 254, 0, 0], 16),  // link-local (cloud metadata)
    ([172, 16, 0, 0], 12),   // private
    ([192, 0, 0, 0], 24),    // IETF protocol assignments
    ([192, 0, 2, 0], 24),    // documentation (TEST-NET-1)
    ([192, 88, 99, 0], 24),  // deprecated 6to4 relay anycast
    ([192, 168, 0, 0], 16),  // private
    ([198, 18, 0, 0], 15),   // benchmarking
    ([198, 51, 100, 0], 24), // documentation (TEST-NET-2)
    ([203, 0, 113, 0], 24),  // documentation (TEST-NET-3)
    ([224, 0, 0, 0], 4),     // multicast
    ([240, 0, 0, 0], 4),     // reserved, and 255.255.255.255 broadcast
];

fn in_v4(ip: Ipv4Addr, net: [u8; 4], len: u8) -> bool {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    (u32::from(ip) & mask) == (u32::from(Ipv4Addr::from(net)) & mask)
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - len)
    };
    (u128::from(ip) & mask) == (u128::from(net) & mask)
}

fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap_or(Ipv6Addr::UNSPECIFIED)
}

fn internal_v4(ip: Ipv4Addr) -> bool {
    INTERNAL_V4.iter().any(|&(net, len)| in_v4(ip, net, len))
}

/// The IPv4 address in the low 32 bits.
fn low_v4(ip: Ipv6Addr) -> Ipv4Addr {
    Ipv4Addr::from((u128::from(ip) & 0xffff_ffff) as u32)
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    // Forms that embed an IPv4 address are judged by it.
    if in_v6(ip, v6("::ffff:0:0"), 96) || in_v6(ip, v6("64:ff9b::"), 96) {
        return internal_v4(low_v4(ip));
    }
    if in_v6(ip, v6("2002::"), 16) {
        // 6to4: the IPv4 address is in bits 16..48.
        let v4 = Ipv4Addr::from(((u128::from(ip) >> 80) & 0xffff_ffff) as u32);
        return internal_v4(v4);
    }
    // Globally reachable ranges inside 2001::/23 (AMT, AS112, ORCHIDv2).
    let global_in_2001 = in_v6(ip, v6("2001:3::"), 32)
        || in_v6(ip, v6("2001:4:112::"), 48)
        || in_v6(ip, v6("2001:20::"), 28);
    const RANGES: &[(&str, u8)] = &[
        ("::", 96),          // unspecified, loopback, IPv4-compatible (deprecated)
        ("64:ff9b:1::", 48), // local-use NAT64
        ("100::", 64),       // discard-only
        ("100:0:0:1::", 64), // dummy prefix
        ("2001::", 23),      // IETF protocol assignments, Teredo (2001::/32)
        ("2001:db8::", 32),  // documentation
        ("3fff::", 20),      // documentation
        ("5f00::", 16),      // segment routing SIDs
        ("fc00::", 7),       // unique local
        ("fe80::", 10),      // link-local
        ("fec0::", 10),      // site-local (deprecated)
        ("ff00::", 8),       // multicast
    ];
    RANGES
        .iter()
        .any(|&(net, len)| in_v6(ip, v6(net), len) && !(net == "2001::" && global_in_2001))
}

/// True when `ip` is not a public unicast address (see the module docs for
/// the ranges). A host checks the address it actually connects to with it.
///
/// ```
/// use telnum::webhook::is_internal_ip;
/// assert!(is_internal_ip("169.254.169.254".parse().unwrap()));
/// assert!(is_internal_ip("64:ff9b::a9fe:a9fe".parse().unwrap()));
/// assert!(!is_internal_ip("93.184.216.34".parse().unwrap()));
/// ```
pub fn is_internal_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => internal_v4(v4),
        IpAddr::V6(v6) => internal_v6(v6),
    }
}

/// Checks the address a host resolved a webhook's name to, right before it
/// connects (DNS rebinding): `invalid_webhook_url` with reason `internal
/// host` unless the policy allows internal hosts.
pub fn check_resolved_address(field: &str, ip: IpAddr, allow_internal_hosts: bool) -> Result<()> {
    if is_internal_ip(ip) && !allow_internal_hosts {
        return Err(Error::InvalidWebhookUrl {
            field: field.to_string(),
            reason: "internal host".into(),
        });
    }
    Ok(())
}

fn internal_name(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    host == "localhost"
        || !host.contains('.')
        || [
            ".localhost",
            ".local",
            ".internal",
            ".localdomain",
            ".home.arpa",
        ]
        .iter()
        .any(|s| host.ends_with(s))
}

/// Checks one webhook URL; `field` names it in the error.
pub fn check_webhook_url(field: &str, url: &str, allow_internal_hosts: bool) -> Result<()> {
    let bad = |reason: &str| Error::InvalidWebhookUrl {
        field: field.to_string(),
        reason: reason.to_string(),
    };
    if url.len() > MAX_URL_LEN {
        return Err(bad("longer than 2048 bytes"));
    }
    // WHATWG parsing would strip or skip these; refuse them instead, so the
    // URL stored is the URL called.
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("contains whitespace or control characters"));
    }
    let parsed = Url::parse(url).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => bad("not an absolute URL"),
        url::ParseError::EmptyHost => bad("no host"),
        url::ParseError::InvalidPort => bad("invalid port"),
        url::ParseError::InvalidIpv4Address => bad("invalid IPv4 address"),
        url::ParseError::InvalidIpv6Address => bad("invalid IPv6 literal"),
        url::ParseError::IdnaError | url::ParseError::InvalidDomainCharacter => {
            bad("invalid host name")
        }
        _ => bad("not a valid URL"),
    })?;
    if parsed.scheme() != "https" {
        return Err(bad("scheme must be https"));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("user-info is not allowed"));
    }
    let internal = match parsed.host() {
        None => return Err(bad("no host")),
        Some(Host::Ipv4(ip)) => internal_v4(ip),
        Some(Host::Ipv6(ip)) => internal_v6(ip),
        Some(Host::Domain(d)) => {
            if d.is_empty() || d.trim_end_matches('.').is_empty() {
                return Err(bad("no host"));
            }
            internal_name(d)
        }
    };
    if internal && !allow_internal_hosts {
        return Err(bad("internal host"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_public_https() {
        for u in [
            "https://example.com/provider/status",
            "https://hooks.example.co.uk:8443/v1?x=1",
            "https://93.184.216.34/cb",
            "https://[2606:2800:220:1::1]/cb",
            "HTTPS://Example.com.",
        ] {
            assert!(check_webhook_url("voice_url", u, false).is_ok(), "{u}");
        }
    }

    #[test]
    fn refuses_non_https_userinfo_and_internal_hosts() {
        for (u, reason) in [
            ("http://example.com/x", "scheme must be https"),
            ("example.com/x", "not an absolute URL"),
            ("https://user:pw@example.com/x", "user-info is not allowed"),
            ("https://localhost/x", "internal host"),
            ("https://127.0.0.1/x", "internal host"),
            ("https://10.1.2.3/x", "internal host"),
            ("https://172.16.0.1/x", "internal host"),
            ("https://192.168.1.1/x", "internal host"),
            ("https://169.254.169.254/latest", "internal host"),
            ("https://[::1]/x", "internal host"),
            ("https://[fe80::1]/x", "internal host"),
            ("https://[::ffff:127.0.0.1]/x", "internal host"),
            ("https://intranet/x", "internal host"),
            ("https://example.com:99999/x", "invalid port"),
            // WHATWG reads "https:///x" as host "x": a name without a dot.
            ("https:///x", "internal host"),
            ("https://", "no host"),
            (
                "https://exa mple.com",
                "contains whitespace or control characters",
            ),
            ("https://1.2.3.4.5/x", "invalid IPv4 address"),
        ] {
            let e = check_webhook_url("status_callback_url", u, false).unwrap_err();
            assert_eq!(e.code(), "invalid_webhook_url");
            assert_eq!(e.to_json()["reason"], reason, "{u}");
            assert_eq!(e.to_json()["field"], "status_callback_url");
        }
    }

    #[test]
    fn refuses_every_spelling_of_an_internal_address() {
        let internal = [
            // The issue's observations.
            "https://0x7f.1/",
            "https://0x7f.0.0.1/",
            "https://0xa9.0xfe.0xa9.0xfe/",
            "https://0xA.0.0.5/",
            "https://[::127.0.0.1]/",
            "https://[64:ff9b::a9fe:a9fe]/",
            "https://[2002:7f00:1::]/",
            "https://224.0.0.1/",
            "https://198.18.0.1/",
            // Short, octal, decimal and mixed IPv4.
            "https://127.1/",
            "https://0177.0.0.1/",
            "https://2130706433/",
            "https://017700000001/",
            "https://0x7f000001/",
            "https://127.0.0.1./",
            "https://%31%32%37.0.0.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://0251.0376.0251.0376/",
            "https://0/",
            "https://0.0.0.0/",
            "https://10.1.2.3:8443/x",
            "https://100.64.0.1/",
            "https://172.31.255.255/",
            "https://192.0.0.8/",
            "https://192.0.2.1/",
            "https://192.88.99.1/",
            "https://192.168.0.1/",
            "https://198.19.255.255/",
            "https://198.51.100.7/",
            "https://203.0.113.9/",
            "https://239.255.255.250/",
            "https://240.0.0.1/",
            "https://255.255.255.255/",
            // IPv6.
            "https://[::]/",
            "https://[::1]/",
            "https://[0:0:0:0:0:0:0:1]/",
            "https://[::ffff:7f00:1]/",
            "https://[::ffff:169.254.169.254]/",
            "https://[::ffff:0a00:0005]/",
            "https://[::8.8.8.8]/",
            "https://[64:ff9b::10.0.0.1]/",
            "https://[64:ff9b:1::1]/",
            "https://[2002:a9fe:a9fe::1]/",
            "https://[2002:c0a8:0101::]/",
            "https://[2001::1]/",
            "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/",
            "https://[2001:db8::1]/",
            "https://[3fff::1]/",
            "https://[100::1]/",
            "https://[fc00::1]/",
            "https://[fd12:3456::1]/",
            "https://[fe80::1%25eth0]/",
            "https://[fec0::1]/",
            "https://[ff02::1]/",
            "https://[5f00::1]/",
            // Names.
            "https://localhost/",
            "https://LOCALHOST./",
            "https://api.localhost/",
            "https://printer.local/",
            "https://metadata.google.internal/",
            "https://router.home.arpa/",
            "https://intranet/",
            "https://intranet./",
            "https://xn--localhost-/",
            "https://ｌｏｃａｌｈｏｓｔ/",
            "https://%6c%6f%63%61%6c%68%6f%73%74/",
            "https://①②⑦.0.0.1/",
        ];
        for u in internal {
            let e = check_webhook_url("voice_url", u, false).unwrap_err();
            assert_eq!(e.code(), "invalid_webhook_url", "{u}");
        }
        for u in [
            "https://8.8.8.8/",
            "https://[2606:4700:4700::1111]/",
            "https://[::ffff:8.8.8.8]/",
            "https://[64:ff9b::808:808]/",
            "https://[2001:4:112::1]/",
            "https://hooks.example.com./x",
            "https://xn--bcher-kva.example/",
            "https://bücher.example/",
        ] {
            assert!(check_webhook_url("voice_url", u, false).is_ok(), "{u}");
        }
    }

    #[test]
    fn resolved_addresses_are_checked_the_same_way() {
        for ip in ["127.0.0.1", "::ffff:10.0.0.1", "fd00::1", "169.254.169.254"] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(is_internal_ip(ip), "{ip}");
            assert_eq!(
                check_resolved_address("voice_url", ip, false)
                    .unwrap_err()
                    .code(),
                "invalid_webhook_url"
            );
            assert!(check_resolved_address("voice_url", ip, true).is_ok());
        }
        assert!(check_resolved_address("voice_url", "1.1.1.1".parse().unwrap(), false).is_ok());
    }

    #[test]
    fn policy_may_allow_internal_hosts() {
        assert!(check_webhook_url("voice_url", "https://localhost:8443/x", true).is_ok());
        assert!(check_webhook_url("voice_url", "https://10.0.0.5/x", true).is_ok());
        assert!(check_webhook_url("voice_url", "http://localhost/x", true).is_err());
    }
}
