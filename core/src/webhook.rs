//! Webhook URL rules: absolute `https` URLs with no user-info, to a public
//! host. Loopback, private, link-local and other internal hosts are refused
//! unless the host's policy allows them (for development).

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::error::{Error, Result};

/// The longest webhook URL accepted.
pub const MAX_URL_LEN: usize = 2048;

fn internal_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || o[0] == 0
        || (o[0] == 100 && (o[1] & 0xC0) == 64) // 100.64.0.0/10, shared address space
}

fn internal_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return internal_v4(v4);
    }
    let s = ip.segments();
    ip.is_loopback()
        || ip.is_unspecified()
        || (s[0] & 0xFE00) == 0xFC00 // unique local fc00::/7
        || (s[0] & 0xFFC0) == 0xFE80 // link-local fe80::/10
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
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("contains whitespace or control characters"));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(bad("not an absolute URL"));
    };
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(bad("scheme must be https"));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(bad("user-info is not allowed"));
    }
    let host = if let Some(v6) = authority.strip_prefix('[') {
        let Some((h, _port)) = v6.split_once(']') else {
            return Err(bad("unterminated IPv6 literal"));
        };
        let ip: Ipv6Addr = h.parse().map_err(|_| bad("invalid IPv6 literal"))?;
        if internal_v6(ip) && !allow_internal_hosts {
            return Err(bad("internal host"));
        }
        return Ok(());
    } else {
        let (h, port) = authority.rsplit_once(':').unwrap_or((authority, ""));
        if !port.is_empty() && port.parse::<u16>().is_err() {
            return Err(bad("invalid port"));
        }
        h.trim_end_matches('.').to_ascii_lowercase()
    };
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let label_ok = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !host.split('.').all(label_ok) {
        return Err(bad("invalid host name"));
    }
    let internal = match host.parse::<Ipv4Addr>() {
        Ok(ip) => internal_v4(ip),
        Err(_) => {
            if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(bad("invalid IPv4 address"));
            }
            host == "localhost"
                || host.ends_with(".localhost")
                || host.ends_with(".local")
                || host.ends_with(".internal")
                || !host.contains('.')
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
            ("https:///x", "no host"),
            (
                "https://exa mple.com",
                "contains whitespace or control characters",
            ),
            ("https://1.2.3/x", "invalid IPv4 address"),
        ] {
            let e = check_webhook_url("status_callback_url", u, false).unwrap_err();
            assert_eq!(e.code(), "invalid_webhook_url");
            assert_eq!(e.to_json()["reason"], reason, "{u}");
            assert_eq!(e.to_json()["field"], "status_callback_url");
        }
    }

    #[test]
    fn policy_may_allow_internal_hosts() {
        assert!(check_webhook_url("voice_url", "https://localhost:8443/x", true).is_ok());
        assert!(check_webhook_url("voice_url", "https://10.0.0.5/x", true).is_ok());
        assert!(check_webhook_url("voice_url", "http://localhost/x", true).is_err());
    }
}
