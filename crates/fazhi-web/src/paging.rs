//! The one `?page=` parameter of every paginated list. Any text is accepted:
//! a number is clamped into `1..=PAGE_MAX`, anything else is the first page,
//! so no page number a client sends can overflow an offset.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// The highest page number served (far beyond any list; an offset stays small).
pub const PAGE_MAX: i64 = 100_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageNo(i64);

impl PageNo {
    pub fn new(n: i64) -> PageNo {
        PageNo(n.clamp(1, PAGE_MAX))
    }

    pub fn get(self) -> i64 {
        self.0
    }

    /// The page as an index type (always ≥ 1).
    pub fn as_usize(self) -> usize {
        usize::try_from(self.0).unwrap_or(1)
    }

    /// Read from text: digits (any length) clamp, anything else is page 1.
    pub fn parse(text: &str) -> PageNo {
        let t = text.trim().trim_start_matches('+');
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
            return PageNo(1);
        }
        PageNo::new(t.parse::<i64>().unwrap_or(PAGE_MAX))
    }
}

impl Default for PageNo {
    fn default() -> Self {
        PageNo(1)
    }
}

impl<'de> Deserialize<'de> for PageNo {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = PageNo;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a page number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PageNo, E> {
                Ok(PageNo::parse(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PageNo, E> {
                Ok(PageNo::new(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PageNo, E> {
                Ok(PageNo::new(i64::try_from(v).unwrap_or(PAGE_MAX)))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<PageNo, E> {
                Ok(PageNo(1))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<PageNo, E> {
                Ok(PageNo(1))
            }
            fn visit_unit<E: de::Error>(self) -> Result<PageNo, E> {
                Ok(PageNo(1))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_page_text_becomes_a_page_in_range() {
        assert_eq!(PageNo::parse("3").get(), 3);
        assert_eq!(PageNo::parse("9223372036854775807").get(), PAGE_MAX);
        assert_eq!(PageNo::parse("99999999999999999999999").get(), PAGE_MAX);
        assert_eq!(PageNo::parse("0").get(), 1);
        assert_eq!(PageNo::parse("-5").get(), 1);
        assert_eq!(PageNo::parse("abc").get(), 1);
        assert_eq!(PageNo::parse("").get(), 1);
        #[derive(Deserialize)]
        struct Q {
            #[serde(default)]
            page: PageNo,
        }
        let q: Q =
            serde_urlencoded::from_str("page=9223372036854775808").unwrap_or(Q { page: PageNo(0) });
        assert_eq!(q.page.get(), PAGE_MAX);
        let q: Q = serde_urlencoded::from_str("").unwrap_or(Q { page: PageNo(0) });
        assert_eq!(q.page.get(), 1);
    }
}
