//! Masking personal information before anything leaves for the public.
//!
//! Every public page, export and API response of the public portal goes
//! through [`redact_text`]: 《个人信息保护法》 allows publishing a natural
//! person's information only as far as necessary; 《政府信息公开条例》第十五条
//! withholds personal privacy from disclosure; and the rules on publicising
//! administrative penalty decisions require natural persons' names to be
//! shown as 某某 and ID numbers, phone numbers, bank accounts and home
//! addresses to be hidden. Organisations' names and their 统一社会信用代码
//! stay visible — they are what the publicity is for.
//!
//! Pure and dependency-free: hand-written scanners over `char`s.
//!
//! What the digit scanner recognises (a "run" is a maximal sequence of digits,
//! ASCII or full-width, so a pattern inside a longer run never matches):
//! - ID numbers: 17 digits + a digit or X whose birth-date part (digits 7–14) is
//!   a real date in 1900–2099. A wrong check digit does not save a number from
//!   masking: a typo'd ID number is still someone's ID number, and an order
//!   number that happens to look like one loses nothing by being masked.
//!   Shown as region code + `********` + last four ([`IdCardNumber::masked`]).
//! - Bank cards: any other run of 16–19 digits, or 4-digit groups separated by
//!   spaces or hyphens adding up to 16–19 digits; shown as first four + `****` +
//!   last four. Runs of 20 or more digits (serials, 案号-like numbers) stay.
//! - Mobiles: 11-digit runs `1[3-9]…`, also written `138 1234 5678`,
//!   `138-1234-5678` or after `+86`; shown as [`PhoneNumber::masked`].
//! - Landlines with an area code: `0` + 2–3 digits, optionally `-`, + 7–8
//!   digits; shown as [`PhoneNumber::masked`].
//! - An 18-character word that is a valid 统一社会信用代码 and not a plausible
//!   ID number is an organisation's code and is never touched.
//!
//! - First-generation (15-digit) ID numbers: a run of exactly 15 digits whose
//!   digits 7–12 are a real date (YYMMDD, 19YY); shown as region code +
//!   `******` + last three. A 15-digit 工商注册号 cannot be told apart by its
//!   digits, so a run written right after 注册号/营业执照/执照号 is left alone
//!   (organisations' codes stay visible; parties that are organisations are
//!   identified by their USCC anyway).
//! - Mobiles with a country prefix: `+86`/`86`/`0086` written together with
//!   the number (`8613912345678`, `008613912345678`) or separated by a space
//!   or hyphen (`+86 139-1234-5678`, `0086 139 1234 5678`).
//!
//! What the word scanners recognise (see [`names`] and [`address`]):
//! - Natural persons named after a role word (举报人张三称, 患者王小明, 当事人：
//!   李四): a common surname and one or two given-name characters; the name is
//!   then masked wherever else it appears in the text. Organisations named
//!   after a role word (当事人福州市某某诊所) are left alone.
//! - Home addresses after a label and a colon (住址：…) or written as a phrase
//!   without one (家住…, 现住…, 住址…, 居住在…, 暂住…) when the clause reads
//!   like a place (it names a 省/市/区/县/镇/村/路/号 …).

mod address;
mod names;
mod numbers;
#[cfg(test)]
mod tests;

use address::address_findings;
use names::{name_findings, role_name_findings};
use numbers::digit_findings;

/// Compound surnames (复姓) kept whole, so 欧阳娜娜 becomes 欧阳某某 and not
/// 欧某某 — which would name a different family.
pub(super) const COMPOUND_SURNAMES: [&str; 15] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木",
];

/// What stands for a Chinese given name, as in the publicity rules' 张某某.
pub(super) const NAME_MASK: &str = "某某";

/// A text made fit for the public, and how many things were hidden in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redacted {
    /// The text with names, identifiers and addresses masked.
    pub text: String,
    /// How many replacements were made, for the visible
    /// "已按规定隐去个人信息 N 处" note next to the text.
    pub marks: usize,
}

/// A natural person's name as the public may see it: the surname (a compound
/// surname whole) followed by 某某 — 张三 → 张某某, 李小明 → 李某某, 欧阳娜娜 →
/// 欧阳某某; a name not written in Chinese keeps its first letter and a `*`
/// (John Smith → J*). Empty stays empty. Masking a masked name changes nothing.
pub fn mask_person_name(name: &str) -> String {
    let name = name.trim();
    let Some(first) = name.chars().next() else {
        return String::new();
    };
    if !is_cjk(first) {
        return format!("{first}*");
    }
    if name.chars().count() >= 3
        && let Some(surname) = COMPOUND_SURNAMES.iter().find(|s| name.starts_with(**s))
    {
        return format!("{surname}{NAME_MASK}");
    }
    format!("{first}{NAME_MASK}")
}

/// Masks personal information in free text: (a) every occurrence of each
/// known natural person's name, longest name first, with
/// [`mask_person_name`]; (b) ID numbers, (c) mobile and landline numbers and
/// (d) bank card numbers as described in the module docs; (e) home addresses
/// after 住址/家庭住址/住所/居住地/户籍地 and a colon, or after 家住/现住/住址/
/// 居住在 … without one, keeping the place up to the first district or county
/// (区/县, else the first 市) and replacing the rest of the clause with `***`;
/// (f) names written after a role word (举报人张三称 → 举报人张某某称), and
/// every other occurrence of such a name.
///
/// Names shorter than two characters are not searched for (one character
/// would mask that character everywhere); a Latin-letter name only matches as
/// a whole word. A name that is also part of an organisation's name (张三餐饮店)
/// is masked there too: hiding too much is the safe side.
///
/// `find_personal_identifiers(&redact_text(x, …).text)` is always empty.
pub fn redact_text(text: &str, known_people: &[&str]) -> Redacted {
    let chars: Vec<char> = text.chars().collect();
    let mut spans = address_findings(&chars);
    for found in digit_findings(&chars) {
        // An identifier inside a hidden address clause is hidden with it.
        if let Some(address) = spans.iter_mut().find(|a| a.overlaps(&found)) {
            address.start = address.start.min(found.start);
            address.end = address.end.max(found.end);
        } else {
            spans.push(found);
        }
    }
    // Names met after a role word are masked wherever they appear, like the
    // names the caller knows.
    let named: Vec<String> = role_name_findings(&chars)
        .into_iter()
        .filter(|f| !spans.iter().any(|s| s.overlaps(f)))
        .map(|f| chars[f.start..f.end].iter().collect())
        .collect();
    let people: Vec<&str> = known_people
        .iter()
        .copied()
        .chain(named.iter().map(String::as_str))
        .collect();
    let names = name_findings(&chars, &people, &spans);
    spans.extend(names);
    let mut marks = spans.len();
    let mut out = apply(&chars, spans);
    // Masks keep a digit at each end but break the run with `*`, so they do
    // not form a new identifier with their neighbours, and a masked name ends
    // in 某, which no name scanner takes for a given name; this loop makes
    // that a guarantee. Every digit mask has fewer digits than what it
    // replaces and every name mask turns an unmasked name into a masked one,
    // so each pass removes something the scanners look for and the loop ends.
    loop {
        let chars: Vec<char> = out.chars().collect();
        let found = scan(&chars);
        if found.is_empty() {
            break;
        }
        marks += found.len();
        out = apply(&chars, found);
    }
    Redacted { text: out, marks }
}

/// The natural persons' names written after a role word in `text`
/// (举报人张三称 → 张三), unmasked, each once: for a caller that redacts a
/// record field by field, so that a name met in one field is masked in the
/// others too (pass them as `known_people`).
pub fn people_named_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut names: Vec<String> = Vec::new();
    for f in role_name_findings(&chars) {
        let name: String = chars[f.start..f.end].iter().collect();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// What [`find_personal_identifiers`] reports: identifiers in digits and
/// names after a role word, not overlapping one another.
fn scan(chars: &[char]) -> Vec<Finding> {
    let mut found = digit_findings(chars);
    let names: Vec<Finding> = role_name_findings(chars)
        .into_iter()
        .filter(|n| !found.iter().any(|f| f.overlaps(n)))
        .collect();
    found.extend(names);
    found
}

/// The unmasked ID numbers (old and new), mobile numbers, bank-card-like
/// numbers and names written after a role word (举报人张三) in `text`, found
/// exactly as [`redact_text`] finds them — the check run over every public
/// page and export. Landlines are not reported: an agency's own office number
/// is legitimately public, though `redact_text` masks landlines in the text
/// it is given. Addresses are not reported either: a page's own labels
/// (住址：) would be taken for one.
pub fn find_personal_identifiers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = scan(&chars);
    found.sort_by_key(|f| f.start);
    found
        .into_iter()
        .filter(|f| f.kind != Kind::Landline)
        .map(|f| chars[f.start..f.end].iter().collect())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Name,
    Address,
    IdNumber,
    Mobile,
    Landline,
    BankCard,
}

/// A replacement of the chars `start..end`.
#[derive(Debug, Clone)]
pub(super) struct Finding {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) kind: Kind,
    pub(super) replacement: String,
}

impl Finding {
    pub(super) fn overlaps(&self, other: &Finding) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Builds the output; overlapping findings are merged into the first (so the
/// whole overlap is hidden, never shown).
fn apply(chars: &[char], mut found: Vec<Finding>) -> String {
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut out = String::with_capacity(chars.len() + 16);
    let mut cursor = 0;
    for f in found {
        if f.end <= cursor {
            continue;
        }
        if f.start >= cursor {
            out.extend(&chars[cursor..f.start]);
            out.push_str(&f.replacement);
        }
        cursor = f.end;
    }
    out.extend(&chars[cursor..]);
    out
}

pub(super) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}')
}
