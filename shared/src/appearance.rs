//! How the widget looks on a customer's site (issue 33): the brand colour, which corner
//! the launcher sits in, the launcher's label and the chat window's welcome lines per
//! language. The loader (`/widget.js`) and the chat window read the same values from
//! the service's settings, so a change shows on the next page load without a rebuild;
//! the help center wears the same colour.
//!
//! The colour carries white text (the launcher's icon, the window's header, buttons), so
//! it is refused unless white on it meets WCAG 2.x AA for normal text (4.5:1).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::validate::{Invalid, invalid};

/// The launcher's colour before a service picks one (the product's blue).
pub const DEFAULT_COLOR: &str = "#2456e8";
/// WCAG 2.x AA for normal text.
pub const MIN_CONTRAST: f64 = 4.5;
/// Longest launcher label (characters).
pub const MAX_LABEL_CHARS: usize = 30;
/// Longest welcome title (characters).
pub const MAX_WELCOME_TITLE_CHARS: usize = 60;
/// Longest welcome subtitle (characters).
pub const MAX_WELCOME_SUBTITLE_CHARS: usize = 160;

/// The bottom corner the launcher (and the window above it) sits in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Corner {
    #[default]
    Right,
    Left,
}

impl Corner {
    pub fn as_str(self) -> &'static str {
        match self {
            Corner::Right => "right",
            Corner::Left => "left",
        }
    }
}

/// A service's widget appearance (`appearance` in `GET|PUT /api/v1/settings`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Appearance {
    /// `#rrggbb`; white on it must reach 4.5:1.
    #[serde(default = "default_color")]
    pub color: String,
    #[serde(default)]
    pub position: Corner,
    /// The launcher's visible label per language (none: the icon alone).
    #[serde(default)]
    pub launcher_label: BTreeMap<String, String>,
    /// The chat window's welcome title per language (none: the product's title).
    #[serde(default)]
    pub welcome_title: BTreeMap<String, String>,
    /// A line under the title per language.
    #[serde(default)]
    pub welcome_subtitle: BTreeMap<String, String>,
}

fn default_color() -> String {
    DEFAULT_COLOR.to_owned()
}

impl Default for Appearance {
    fn default() -> Appearance {
        Appearance {
            color: default_color(),
            position: Corner::Right,
            launcher_label: BTreeMap::new(),
            welcome_title: BTreeMap::new(),
            welcome_subtitle: BTreeMap::new(),
        }
    }
}

/// `#rrggbb` as its three channels.
pub fn parse_color(s: &str) -> Option<[u8; 3]> {
    let hex = s.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let ch = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([ch(0)?, ch(2)?, ch(4)?])
}

/// WCAG 2.x contrast ratio of white text on this colour (1 to 21).
pub fn contrast_with_white(rgb: [u8; 3]) -> f64 {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    1.05 / (l + 0.05)
}

/// Per-language texts: only supported languages, blank ones dropped, each trimmed, at
/// most `max` characters, no control characters.
fn texts(
    field: &'static str,
    texts: &BTreeMap<String, String>,
    max: usize,
) -> Result<BTreeMap<String, String>, Invalid> {
    let mut out = BTreeMap::new();
    for (lang, text) in texts {
        if !crate::SUPPORTED_LOCALES.contains(&lang.as_str()) {
            return Err(invalid(
                field,
                format!("`{lang}` is not a supported language"),
            ));
        }
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        if text.chars().count() > max || text.chars().any(char::is_control) {
            return Err(invalid(
                field,
                format!("at most {max} characters, without control characters"),
            ));
        }
        out.insert(lang.clone(), text.to_owned());
    }
    Ok(out)
}

impl Appearance {
    /// Checks and tidies it: a `#rrggbb` colour (lower-cased) white text reads on, the
    /// texts within their limits; the field is named when refused.
    pub fn normalized(&self) -> Result<Appearance, Invalid> {
        let rgb = parse_color(&self.color)
            .ok_or_else(|| invalid("appearance.color", "must be a colour like #2456e8"))?;
        let ratio = contrast_with_white(rgb);
        if ratio < MIN_CONTRAST {
            return Err(invalid(
                "appearance.color",
                format!(
                    "white text on it has a contrast of {ratio:.2}:1; WCAG AA needs at least 4.5:1 — pick a darker colour"
                ),
            ));
        }
        Ok(Appearance {
            color: self.color.trim().to_ascii_lowercase(),
            position: self.position,
            launcher_label: texts(
                "appearance.launcher_label",
                &self.launcher_label,
                MAX_LABEL_CHARS,
            )?,
            welcome_title: texts(
                "appearance.welcome_title",
                &self.welcome_title,
                MAX_WELCOME_TITLE_CHARS,
            )?,
            welcome_subtitle: texts(
                "appearance.welcome_subtitle",
                &self.welcome_subtitle,
                MAX_WELCOME_SUBTITLE_CHARS,
            )?,
        })
    }

    /// A text for the language, else the service's default language's, else none.
    pub fn text<'a>(
        texts: &'a BTreeMap<String, String>,
        locale: &str,
        default_locale: &str,
    ) -> Option<&'a str> {
        texts
            .get(locale)
            .or_else(|| texts.get(default_locale))
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        // white on black is 21:1, white on white 1:1
        assert!((contrast_with_white([0, 0, 0]) - 21.0).abs() < 0.01);
        assert!((contrast_with_white([255, 255, 255]) - 1.0).abs() < 0.01);
        // WebAIM's figures: white on #767676 is 4.54:1 (passes), on #777777 4.48:1
        assert!(contrast_with_white(parse_color("#767676").unwrap()) >= 4.5);
        assert!(contrast_with_white(parse_color("#777777").unwrap()) < 4.5);
        assert!(contrast_with_white(parse_color(DEFAULT_COLOR).unwrap()) >= 4.5);
    }

    #[test]
    fn appearance_is_checked_and_tidied() {
        let ok = Appearance {
            color: " #0B6E4F ".into(),
            position: Corner::Left,
            launcher_label: [("ko".into(), " 상담하기 ".into()), ("en".into(), "".into())].into(),
            ..Appearance::default()
        }
        .normalized()
        .unwrap();
        assert_eq!(ok.color, "#0b6e4f");
        assert_eq!(ok.launcher_label.len(), 1, "blank dropped");
        assert_eq!(ok.launcher_label["ko"], "상담하기");

        let pale = Appearance {
            color: "#ffd400".into(),
            ..Appearance::default()
        };
        let e = pale.normalized().unwrap_err();
        assert_eq!(e.field, "appearance.color");
        assert!(e.reason.contains("4.5:1"), "{}", e.reason);
        for bad in ["2456e8", "#2456e", "#24g6e8", "blue"] {
            let a = Appearance {
                color: bad.into(),
                ..Appearance::default()
            };
            assert!(a.normalized().is_err(), "{bad}");
        }
        let long = Appearance {
            welcome_title: [("ko".into(), "가".repeat(61))].into(),
            ..Appearance::default()
        };
        assert_eq!(
            long.normalized().unwrap_err().field,
            "appearance.welcome_title"
        );
        let foreign = Appearance {
            launcher_label: [("fr".into(), "Bonjour".into())].into(),
            ..Appearance::default()
        };
        assert!(foreign.normalized().is_err());
    }
}
