//! Which API addresses are allowed: `https://` anywhere, plain `http://` only on loopback.

use reqwest::Url;

use super::ApiError;

/// Parses and checks an API URL before any connection is made.
pub fn checked_url(raw: &str) -> Result<Url, ApiError> {
    let url = Url::parse(raw.trim())
        .map_err(|_| ApiError::Setup(format!("'{}' is not a valid URL", raw.trim())))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::Setup(
            "the API URL must not contain a user name or password; use the username and password settings".into(),
        ));
    }
    let host = url
        .host_str()
        .ok_or_else(|| ApiError::Setup(format!("'{url}' has no host")))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(host) => Ok(url),
        "http" => Err(ApiError::Setup(format!(
            "refusing plain http:// to {host}: passwords and session tokens would travel unencrypted; use https://"
        ))),
        other => Err(ApiError::Setup(format!(
            "'{other}://' is not supported; use https://"
        ))),
    }
}

/// Whether a host name or address is this machine.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_only_on_loopback() {
        assert!(checked_url("https://api.zomro.com/").is_ok());
        assert!(checked_url("http://127.0.0.1:8080/").is_ok());
        assert!(checked_url("http://[::1]:8080/").is_ok());
        assert!(checked_url("http://localhost/").is_ok());
        let e = checked_url("http://api.zomro.com/")
            .unwrap_err()
            .to_string();
        assert!(e.contains("https://"), "{e}");
        assert!(checked_url("ftp://x/").is_err());
        assert!(checked_url("not a url").is_err());
        assert!(checked_url("https://u:p@api.zomro.com/").is_err());
    }
}
