//! The customer's device, from the User-Agent header, through the maintained `woothee`
//! parser (no hand-written regexes): e.g. "iPhone · iOS 17.0 · Safari".

/// A short, human description of the device; `None` when nothing useful is known.
pub fn describe(user_agent: &str) -> Option<String> {
    let r = woothee::parser::Parser::new().parse(user_agent)?;
    let known = |s: &str| !s.is_empty() && s != woothee::woothee::VALUE_UNKNOWN;
    let mut parts: Vec<String> = Vec::new();
    // iOS devices name themselves in `os` (iPhone, iPad); say iOS for the system.
    match r.os {
        "iPhone" | "iPad" | "iPod" => {
            parts.push(r.os.to_owned());
            let v = r
                .os_version
                .split('.')
                .next()
                .unwrap_or_default()
                .to_owned();
            parts.push(if known(&v) {
                format!("iOS {v}")
            } else {
                "iOS".into()
            });
        }
        os if known(os) => {
            let v = r.os_version.to_string();
            parts.push(if known(&v) && !os.contains(&v) {
                format!("{os} {v}")
            } else {
                os.to_owned()
            });
        }
        _ => {}
    }
    if known(r.name) {
        let major = r.version.split('.').next().unwrap_or_default();
        parts.push(if known(major) {
            format!("{} {major}", r.name)
        } else {
            r.name.to_owned()
        });
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

#[cfg(test)]
mod tests {
    use super::describe;

    #[test]
    fn common_devices() {
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        let d = describe(iphone).unwrap();
        assert!(d.starts_with("iPhone · iOS 17"), "{d}");
        assert!(d.contains("Safari"), "{d}");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        let d = describe(chrome).unwrap();
        assert!(d.contains("Windows") && d.contains("Chrome 120"), "{d}");
        assert_eq!(describe(""), None);
    }
}
