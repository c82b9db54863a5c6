//! Chinese text for search and display.
//!
//! Search design (see the ecosystem notes, "Full-text search over Chinese"):
//! text is folded traditional→simplified and ASCII-lowercased, segmented with
//! jieba's search mode, and stored space-joined in a `search_tokens` column
//! that SQLite FTS5 and PostgreSQL `to_tsvector('simple', …)` split on spaces.
//! Queries go through the same folding and segmentation, and the terms are
//! AND-ed in a MATCH / tsquery expression built here so that no user input
//! can reach the query syntax of either database.
//!
//! Pure functions: the dictionaries are embedded in the binary and loaded
//! once on first use.

use std::sync::LazyLock;

use ferrous_opencc::OpenCC;
use ferrous_opencc::config::BuiltinConfig;
use jieba_rs::Jieba;

/// At most this many distinct terms are taken from one query: enough for any
/// real search phrase, and it bounds the size of the MATCH / tsquery
/// expression that a pasted page of text could otherwise blow up.
pub const MAX_QUERY_TERMS: usize = 16;

/// Traditional→simplified converter, built once because loading the FST
/// dictionaries is far slower than converting. `None` only if the embedded
/// dictionaries fail to load; conversion then returns the input unchanged.
static T2S: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::T2s).ok());

/// Simplified→traditional converter, built once for the same reason as [`T2S`].
static S2T: LazyLock<Option<OpenCC>> =
    LazyLock::new(|| OpenCC::from_config(BuiltinConfig::S2t).ok());

/// The jieba segmenter with its embedded default dictionary, loaded once
/// because building its prefix dictionary costs far more than a segmentation.
static JIEBA: LazyLock<Jieba> = LazyLock::new(Jieba::new);

/// Converts traditional Chinese to simplified (OpenCC `t2s`), so that a
/// record and a query written in either script meet in one form.
///
/// If the embedded OpenCC dictionaries could not be loaded (they are compiled
/// into the binary, so this should never happen) the input is returned
/// unchanged rather than panicking: search then only matches same-script text.
pub fn to_simplified(text: &str) -> String {
    match T2S.as_ref() {
        Some(cc) if !text.is_empty() => cc.convert(text),
        _ => text.to_owned(),
    }
}

/// Converts simplified Chinese to traditional (OpenCC `s2t`), used to offer
/// 繁體 versions of public pages and reports.
///
/// Like [`to_simplified`], returns the input unchanged if the embedded
/// dictionaries could not be loaded, so a page still renders (in simplified).
pub fn to_traditional(text: &str) -> String {
    match S2T.as_ref() {
        Some(cc) if !text.is_empty() => cc.convert(text),
        _ => text.to_owned(),
    }
}

/// The one normal form for indexing and querying: simplified script,
/// full-width ASCII forms (Ａ１，) made half-width, ASCII lowercased — so
/// "衛生許可證", "卫生许可证" and a full-width "ＡＢＣ" each match their twin.
fn fold(text: &str) -> String {
    let halfwidth: String = text
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect();
    to_simplified(&halfwidth).to_ascii_lowercase()
}

/// A token worth indexing or searching for: it has at least one letter,
/// digit or ideograph (whitespace and punctuation tokens are dropped).
fn is_word(token: &str) -> bool {
    token.chars().any(char::is_alphanumeric)
}

/// Folded, search-mode segmented words of `text`, in order, with repeats.
fn words(text: &str) -> Vec<String> {
    let folded = fold(text);
    JIEBA
        .cut_for_search(&folded, true)
        .into_iter()
        .map(|t| t.word.trim())
        .filter(|w| is_word(w))
        .map(str::to_owned)
        .collect()
}

/// The value to store in a record's `search_tokens` column: the text folded
/// (simplified, lowercase ASCII) and segmented with jieba's search mode, words
/// joined by single spaces. Search mode also emits the shorter dictionary words
/// inside long ones (许可证 → 许可, 许可证), so a query for the shorter word
/// finds the record. Repeats are kept: they are the term frequencies bm25 and
/// `ts_rank` rank by.
pub fn search_tokens(text: &str) -> String {
    words(text).join(" ")
}

/// The terms of a user's query, folded and segmented exactly like
/// [`search_tokens`] so they meet the stored tokens; duplicates removed with
/// first-seen order kept, punctuation dropped, at most [`MAX_QUERY_TERMS`].
pub fn query_terms(query: &str) -> Vec<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in words(query) {
        if terms.len() == MAX_QUERY_TERMS {
            break;
        }
        if !terms.contains(&word) {
            terms.push(word);
        }
    }
    terms
}

/// Quotes one term as an FTS5 string: wrapped in `"` with any inner `"`
/// doubled, so operators (AND, OR, NOT, NEAR, `*`, `^`, `:`, parentheses) in
/// user input are searched for as text, never interpreted.
fn fts5_quote(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// A SQLite FTS5 `MATCH` expression for `query`: every term double-quoted
/// (inner quotes doubled) and AND-ed, so user input cannot change the query's
/// meaning or make it a syntax error. `None` when the query has no searchable
/// term — the caller then shows "no query" instead of running `MATCH ''`,
/// which FTS5 rejects.
pub fn fts5_match(query: &str) -> Option<String> {
    let terms = query_terms(query);
    if terms.is_empty() {
        return None;
    }
    Some(
        terms
            .iter()
            .map(|t| fts5_quote(t))
            .collect::<Vec<_>>()
            .join(" AND "),
    )
}

/// A PostgreSQL expression for `to_tsquery('simple', $1)`: the terms AND-ed
/// with ` & `. Every character that is not a letter, digit or ideograph is
/// treated as a separator and removed (a term `a'b` becomes `a & b`), so none
/// of tsquery's operators (`& | ! ( ) : * ' <->`) can come from user input.
/// `None` when nothing searchable is left, because `to_tsquery` of an empty
/// string matches nothing and logs a notice.
pub fn tsquery(query: &str) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    for term in query_terms(query) {
        for part in term.split(|c: char| !c.is_alphanumeric()) {
            if !part.is_empty() && !parts.iter().any(|p| p == part) {
                parts.push(part.to_owned());
            }
        }
    }
    if parts.is_empty() {
        None
    } else {
        Some(parts.join(" & "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traditional_query_folds_to_simplified() {
        assert_eq!(to_simplified("衛生許可證"), "卫生许可证");
        assert_eq!(
            search_tokens("衛生許可證"),
            search_tokens("卫生许可证"),
            "index and query meet whatever the script"
        );
    }

    #[test]
    fn simplified_text_converts_to_traditional_for_fanti_pages() {
        assert_eq!(to_traditional("卫生健康委员会"), "衛生健康委員會");
    }

    #[test]
    fn a_case_title_is_indexed_with_the_short_words_inside_long_ones() {
        let tokens = search_tokens("某某餐饮有限公司未取得卫生许可证擅自营业案");
        let words: Vec<&str> = tokens.split(' ').collect();
        assert!(words.contains(&"卫生"), "{tokens}");
        assert!(words.contains(&"许可"), "{tokens}");
        assert!(words.contains(&"许可证"), "{tokens}");
        assert!(!tokens.contains("  "), "single spaces only: {tokens}");
    }

    #[test]
    fn a_traditional_query_finds_a_simplified_notice() {
        assert_eq!(query_terms("衛生 技術人員"), query_terms("卫生 技术人员"));
        let stored = search_tokens("卫生技术人员资格审查");
        let stored: Vec<&str> = stored.split(' ').collect();
        let terms = query_terms("衛生技術人員");
        assert!(!terms.is_empty());
        for term in &terms {
            assert!(stored.contains(&term.as_str()), "{term} not in {stored:?}");
        }
    }

    #[test]
    fn search_tokens_drop_punctuation_and_lowercase_ascii() {
        let tokens = search_tokens("《行政处罚决定书》，ＡＢＣ公司！ WES");
        assert!(!tokens.contains('《') && !tokens.contains('，') && !tokens.contains('！'));
        let words: Vec<&str> = tokens.split(' ').collect();
        assert!(words.contains(&"abc"), "{tokens}");
        assert!(words.contains(&"wes"), "{tokens}");
    }

    #[test]
    fn query_terms_are_deduplicated_in_order_and_capped() {
        let terms = query_terms("卫生 卫生，许可 卫生");
        assert_eq!(terms, vec!["卫生".to_owned(), "许可".to_owned()]);
        let long: String = (0..40).map(|i| format!("word{i} ")).collect();
        assert_eq!(query_terms(&long).len(), MAX_QUERY_TERMS);
    }

    #[test]
    fn fts5_match_quotes_every_term_and_escapes_quotes() {
        assert_eq!(fts5_quote("a\"b"), "\"a\"\"b\"");
        assert_eq!(
            fts5_match("卫生许可").as_deref(),
            Some("\"卫生\" AND \"许可\"")
        );
        let expr = fts5_match("x\" OR 1 NEAR(y) *").unwrap_or_default();
        assert!(expr.starts_with('"') && expr.ends_with('"'), "{expr}");
        assert_eq!(expr.matches('"').count() % 2, 0, "{expr}");
        assert!(
            expr.contains("\"or\""),
            "operators become quoted text: {expr}"
        );
    }

    #[test]
    fn tsquery_and_s_the_terms_and_drops_operators() {
        assert_eq!(
            tsquery("卫生许可证").as_deref(),
            Some("卫生 & 许可 & 许可证")
        );
        let q = tsquery("a&b|c!d(e)f:g*h'i \\ <-> 卫生").unwrap_or_default();
        for op in ['&', '|', '!', '(', ')', ':', '*', '\'', '\\', '<', '>', '-'] {
            assert!(
                !q.replace(" & ", " ").contains(op),
                "{op:?} leaked into {q}"
            );
        }
        assert!(q.contains("卫生"), "{q}");
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(to_simplified(""), "");
        assert_eq!(to_traditional(""), "");
        assert_eq!(search_tokens(""), "");
        assert!(query_terms("").is_empty());
        assert_eq!(fts5_match(""), None);
        assert_eq!(tsquery(""), None);
        assert_eq!(fts5_match("，。！ ？"), None, "punctuation only");
        assert_eq!(tsquery("&|!():*'"), None, "operators only");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        /// `"…" AND "…"`, where inside quotes a `"` only appears doubled.
        fn is_quoted_strings_anded(expr: &str) -> bool {
            let mut rest = expr;
            loop {
                let Some(body) = rest.strip_prefix('"') else {
                    return false;
                };
                let mut chars = body.char_indices().peekable();
                let mut end = None;
                while let Some((i, c)) = chars.next() {
                    if c == '"' {
                        if chars.peek().map(|(_, n)| *n) == Some('"') {
                            chars.next();
                        } else {
                            end = Some(i + 1);
                            break;
                        }
                    }
                }
                let Some(end) = end else { return false };
                rest = &body[end..];
                if rest.is_empty() {
                    return true;
                }
                let Some(next) = rest.strip_prefix(" AND ") else {
                    return false;
                };
                rest = next;
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

            /// Whatever a user types, the tsquery holds only words and ` & `.
            #[test]
            fn no_input_reaches_tsquery_syntax(query in "(\\PC|[\"'()*:^&|!<>卫生 -]){0,40}") {
                if let Some(q) = tsquery(&query) {
                    for part in q.split(" & ") {
                        prop_assert!(!part.is_empty());
                        prop_assert!(part.chars().all(char::is_alphanumeric), "{q}");
                    }
                }
            }

            /// Whatever a user types, the MATCH expression is quoted strings AND-ed.
            #[test]
            fn no_input_reaches_fts5_syntax(query in "(\\PC|[\"'()*:^&|!<>卫生 -]){0,40}") {
                if let Some(m) = fts5_match(&query) {
                    prop_assert!(is_quoted_strings_anded(&m), "{m}");
                }
            }
        }
    }
}
