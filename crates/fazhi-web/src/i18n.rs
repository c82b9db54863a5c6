//! Two locales: zh-CN (default) and en. Strings live in `i18n/messages.toml`,
//! keyed by message id; templates hold markup only.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub const COOKIE: &'static str = "fazhi_lang";

    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "zh" | "zh-CN" | "zh-cn" => Some(Lang::Zh),
            "en" | "en-US" | "en-GB" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
    /// The `lang` attribute of `<html>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }
}

#[derive(serde::Deserialize)]
struct Entry {
    zh: String,
    en: String,
}

pub static MESSAGES_TOML: &str = include_str!("../i18n/messages.toml");

static MESSAGES: LazyLock<HashMap<String, Entry>> = LazyLock::new(|| {
    toml::from_str(MESSAGES_TOML).unwrap_or_else(|e| panic!("i18n/messages.toml is invalid: {e}"))
});

/// A translator for one request's language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    /// The message for `key`; the key itself if missing (a test forbids that).
    pub fn get(&self, key: &str) -> &'static str {
        match MESSAGES.get(key) {
            Some(e) => match self.lang {
                Lang::Zh => e.zh.as_str(),
                Lang::En => e.en.as_str(),
            },
            None => {
                tracing::warn!(key, "missing i18n message");
                ""
            }
        }
    }
    /// Pick between a Chinese and an English text computed elsewhere.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
    pub fn is_zh(&self) -> bool {
        self.lang == Lang::Zh
    }
}

pub fn has_key(key: &str) -> bool {
    MESSAGES
        .get(key)
        .is_some_and(|e| !e.zh.is_empty() && !e.en.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_key_used_in_templates_exists_in_both_languages() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        let mut checked = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for piece in text.split("t.get(\"").skip(1) {
                let key = piece.split('"').next().unwrap();
                assert!(
                    has_key(key),
                    "message '{key}' is missing or incomplete in i18n/messages.toml"
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "only {checked} message uses found");
    }

    #[test]
    fn chinese_is_the_default_and_english_the_alternative() {
        assert_eq!(Tr { lang: Lang::Zh }.get("nav.home"), "首页");
        assert_eq!(Tr { lang: Lang::En }.get("nav.home"), "Home");
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::parse("fr"), None);
    }
}
