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
//! 15-digit first-generation ID numbers are deliberately not matched: they
//! cannot be told apart from 15-digit 工商注册号 of organisations, which must
//! stay visible; such old numbers should be masked at the field level.

use crate::ident::{IdCardNumber, PhoneNumber, Uscc};

/// Compound surnames (复姓) kept whole, so 欧阳娜娜 becomes 欧阳某某 and not
/// 欧某某 — which would name a different family.
const COMPOUND_SURNAMES: [&str; 15] = [
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "令狐", "端木",
];

/// What stands for a Chinese given name, as in the publicity rules' 张某某.
const NAME_MASK: &str = "某某";

/// What stands for the hidden part of a home address.
const ADDRESS_MASK: &str = "***";

/// Labels after which (and a colon) a natural person's address follows.
/// Longest first, so 家庭住址 is found before the 住址 inside it.
const ADDRESS_MARKERS: [&str; 5] = ["家庭住址", "居住地", "户籍地", "住址", "住所"];

/// Characters that end an address clause.
const CLAUSE_ENDS: [char; 8] = ['、', '，', '。', '；', ';', ',', '\n', '\r'];

/// Characters before 区 that make it part of a place name below the district
/// (小区, 社区, 园区 …), which would reveal more than the district.
const NOT_DISTRICT_BEFORE_QU: [char; 8] = ['小', '社', '园', '校', '厂', '景', '街', '片'];

/// Characters before 市 that make it a shop (超市, 菜市 …), not a city.
const NOT_CITY_BEFORE_SHI: [char; 5] = ['超', '菜', '集', '夜', '门'];

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
/// after 住址/家庭住址/住所/居住地/户籍地 and a colon, keeping the place up to the
/// first district or county (区/县, else the first 市) and replacing the rest
/// of the clause with `***`.
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
    let names = name_findings(&chars, known_people, &spans);
    spans.extend(names);
    let mut marks = spans.len();
    let mut out = apply(&chars, spans);
    // Masks keep a digit at each end but break the run with `*`, so they do
    // not form a new identifier with their neighbours; this loop makes that a
    // guarantee. Every mask has fewer digits than what it replaces, so each
    // pass removes digits and the loop ends.
    loop {
        let chars: Vec<char> = out.chars().collect();
        let found = digit_findings(&chars);
        if found.is_empty() {
            break;
        }
        marks += found.len();
        out = apply(&chars, found);
    }
    Redacted { text: out, marks }
}

/// The unmasked ID numbers, mobile numbers and bank-card-like numbers in
/// `text`, found exactly as [`redact_text`] finds them — the check run over
/// every public page and export. Landlines are not reported: an agency's own
/// office number is legitimately public, though `redact_text` masks landlines
/// in the text it is given.
pub fn find_personal_identifiers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    digit_findings(&chars)
        .into_iter()
        .filter(|f| f.kind != Kind::Landline)
        .map(|f| chars[f.start..f.end].iter().collect())
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Name,
    Address,
    IdNumber,
    Mobile,
    Landline,
    BankCard,
}

/// A replacement of the chars `start..end`.
#[derive(Debug, Clone)]
struct Finding {
    start: usize,
    end: usize,
    kind: Kind,
    replacement: String,
}

impl Finding {
    fn overlaps(&self, other: &Finding) -> bool {
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

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2EBEF}'
        | '\u{30000}'..='\u{3134F}')
}

// ---- names ----

fn name_findings(chars: &[char], known_people: &[&str], taken: &[Finding]) -> Vec<Finding> {
    let mut names: Vec<Vec<char>> = known_people
        .iter()
        .map(|n| n.trim().chars().collect::<Vec<char>>())
        .filter(|n| n.len() >= 2)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.dedup();
    let mut out: Vec<Finding> = Vec::new();
    for name in names {
        let plain: String = name.iter().collect();
        let masked = mask_person_name(&plain);
        if masked == plain {
            continue;
        }
        let len = name.len();
        let mut i = 0;
        while i + len <= chars.len() {
            let candidate = Finding {
                start: i,
                end: i + len,
                kind: Kind::Name,
                replacement: masked.clone(),
            };
            if chars[i..i + len] == name[..]
                && whole_word(chars, i, i + len)
                && !taken.iter().chain(&out).any(|t| t.overlaps(&candidate))
            {
                out.push(candidate);
                i += len;
            } else {
                i += 1;
            }
        }
    }
    out
}

/// A match that begins or ends with a Latin letter or digit must not cut an
/// ASCII word (Ann in Annual; 张3 in 张31381…).
fn whole_word(chars: &[char], start: usize, end: usize) -> bool {
    let alnum = |c: &char| c.is_ascii_alphanumeric();
    let left_ok = !(alnum(&chars[start]) && start > 0 && alnum(&chars[start - 1]));
    let right_ok = !(alnum(&chars[end - 1]) && chars.get(end).is_some_and(alnum));
    left_ok && right_ok
}

// ---- addresses ----

fn address_findings(chars: &[char]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(after) = address_start(chars, i) else {
            i += 1;
            continue;
        };
        let end = (after..chars.len())
            .find(|k| CLAUSE_ENDS.contains(&chars[*k]))
            .unwrap_or(chars.len());
        let hidden_from = district_end(&chars[after..end]).map_or(after, |k| after + k + 1);
        let hidden = &chars[hidden_from..end];
        let already_masked = hidden.iter().all(|c| *c == '*' || c.is_whitespace());
        if !already_masked {
            out.push(Finding {
                start: hidden_from,
                end,
                kind: Kind::Address,
                replacement: ADDRESS_MASK.to_owned(),
            });
        }
        i = end;
    }
    out
}

/// If an address marker and a colon start at `i`, where the address begins.
fn address_start(chars: &[char], i: usize) -> Option<usize> {
    let marker = ADDRESS_MARKERS.iter().find(|m| {
        m.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    })?;
    let mut j = i + marker.chars().count();
    while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\u{3000}') {
        j += 1;
    }
    if !matches!(chars.get(j), Some('：' | ':')) {
        return None;
    }
    j += 1;
    while chars.get(j).is_some_and(|c| *c == ' ' || *c == '\u{3000}') {
        j += 1;
    }
    Some(j)
}

/// Index in `clause` of the district/county-level character to keep up to:
/// the first 区 or 县 (not 小区, 社区 …), else the first 市 (not 超市 …).
fn district_end(clause: &[char]) -> Option<usize> {
    let prev = |k: usize| if k == 0 { None } else { Some(clause[k - 1]) };
    let district = clause.iter().enumerate().position(|(k, c)| {
        *c == '县' || (*c == '区' && !prev(k).is_some_and(|p| NOT_DISTRICT_BEFORE_QU.contains(&p)))
    });
    district.or_else(|| {
        clause.iter().enumerate().position(|(k, c)| {
            *c == '市' && !prev(k).is_some_and(|p| NOT_CITY_BEFORE_SHI.contains(&p))
        })
    })
}

// ---- numbers ----

/// The ASCII digit for an ASCII or full-width digit.
fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(u32::from(c) - 0xFEE0),
        _ => None,
    }
}

fn is_digit(c: char) -> bool {
    ascii_digit(c).is_some()
}

fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

fn is_group_separator(c: char) -> bool {
    c == ' ' || c == '-'
}

fn run_end(chars: &[char], start: usize) -> usize {
    (start..chars.len())
        .find(|k| !is_digit(chars[*k]))
        .unwrap_or(chars.len())
}

fn run_start(chars: &[char], end: usize) -> usize {
    (0..end)
        .rev()
        .find(|k| !is_digit(chars[*k]))
        .map_or(0, |k| k + 1)
}

fn digits(chars: &[char], start: usize, end: usize) -> String {
    chars[start..end]
        .iter()
        .filter_map(|c| ascii_digit(*c))
        .collect()
}

fn is_mobile(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// 17 digits and a digit or X, digits 7–14 a real date in 1900–2099.
fn plausible_id(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !(b[17].is_ascii_digit() || b[17] == b'X') {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        d[6..10].parse::<i16>(),
        d[10..12].parse::<i8>(),
        d[12..14].parse::<i8>(),
    ) else {
        return false;
    };
    (1900..=2099).contains(&year) && jiff::civil::Date::new(year, month, day).is_ok()
}

fn mask_id(d: &str) -> String {
    IdCardNumber::parse(d).map_or_else(
        |_| format!("{}********{}", &d[..6], &d[14..]),
        |id| id.masked(),
    )
}

fn mask_phone(d: &str) -> String {
    PhoneNumber::parse(d).map_or_else(
        |_| format!("{}****{}", &d[..3], &d[d.len() - 2..]),
        |p| p.masked(),
    )
}

fn mask_card(d: &str) -> String {
    format!("{}****{}", &d[..4], &d[d.len() - 4..])
}

/// Chars belonging to an 18-character word (ASCII letters and digits) that
/// is a valid 统一社会信用代码 and not a plausible ID number.
fn organisation_codes(chars: &[char]) -> Vec<bool> {
    let mut protected = vec![false; chars.len()];
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let end = (i..chars.len())
            .find(|k| !chars[*k].is_ascii_alphanumeric())
            .unwrap_or(chars.len());
        if end - i == 18 {
            let word: String = chars[i..end].iter().collect();
            if Uscc::parse(&word).is_ok() && !plausible_id(&word.to_ascii_uppercase()) {
                protected[i..end].fill(true);
            }
        }
        i = end;
    }
    protected
}

fn digit_findings(chars: &[char]) -> Vec<Finding> {
    let protected = organisation_codes(chars);
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) || (i > 0 && is_digit(chars[i - 1])) {
            i += 1;
            continue;
        }
        let end = run_end(chars, i);
        if protected[i] {
            i = end;
            continue;
        }
        let found = if starts_group_sequence(chars, i) {
            grouped_finding(chars, &protected, i)
        } else {
            None
        }
        .or_else(|| single_run_finding(chars, i, end));
        match found {
            Some(f) => {
                i = f.end;
                out.push(f);
            }
            None => i = end,
        }
    }
    out
}

/// Whether the run at `start` can begin a grouped number: it must not be the
/// continuation of an earlier group (`… 1234 5678`), except after `+86`.
fn starts_group_sequence(chars: &[char], start: usize) -> bool {
    if start < 2 || !is_group_separator(chars[start - 1]) || !is_digit(chars[start - 2]) {
        return true;
    }
    let prev = run_start(chars, start - 1);
    digits(chars, prev, start - 1) == "86" && prev > 0 && matches!(chars[prev - 1], '+' | '＋')
}

/// Digit runs joined by one separator (all the same), from `start` on.
fn group_sequence(chars: &[char], protected: &[bool], start: usize) -> Vec<(usize, usize)> {
    let mut groups = vec![(start, run_end(chars, start))];
    let mut separator = None;
    while let Some(&(_, end)) = groups.last() {
        let joins = end + 1 < chars.len()
            && is_group_separator(chars[end])
            && is_digit(chars[end + 1])
            && !protected[end + 1]
            && separator.is_none_or(|s| s == chars[end]);
        if !joins {
            break;
        }
        separator = Some(chars[end]);
        groups.push((end + 1, run_end(chars, end + 1)));
    }
    groups
}

/// 138 1234 5678, 6222 0212 3456 7890 123, 0591-87654321.
fn grouped_finding(chars: &[char], protected: &[bool], start: usize) -> Option<Finding> {
    let groups = group_sequence(chars, protected, start);
    if groups.len() < 2 {
        return None;
    }
    let lens: Vec<usize> = groups.iter().map(|(s, e)| e - s).collect();
    let group_digits = |k: usize| digits(chars, groups[k].0, groups[k].1);
    let all: String = (0..groups.len()).map(group_digits).collect();
    let finding = |end: usize, kind: Kind, replacement: String| Finding {
        start,
        end,
        kind,
        replacement,
    };
    if lens == [3, 4, 4] && is_mobile(&all) {
        return Some(finding(groups[2].1, Kind::Mobile, mask_phone(&all)));
    }
    let last = lens.len() - 1;
    if lens.len() >= 4
        && lens[..last].iter().all(|l| *l == 4)
        && (1..=4).contains(&lens[last])
        && (16..=19).contains(&all.len())
    {
        return Some(finding(groups[last].1, Kind::BankCard, mask_card(&all)));
    }
    if (3..=4).contains(&lens[0]) && (7..=8).contains(&lens[1]) && all.starts_with('0') {
        let number = format!("{}{}", group_digits(0), group_digits(1));
        return Some(finding(groups[1].1, Kind::Landline, mask_phone(&number)));
    }
    None
}

/// A single run of digits (an ID number may end in X).
fn single_run_finding(chars: &[char], start: usize, end: usize) -> Option<Finding> {
    let d = digits(chars, start, end);
    let finding = |end: usize, kind: Kind, replacement: String| Finding {
        start,
        end,
        kind,
        replacement,
    };
    let n = d.len();
    if n == 17 && chars.get(end).is_some_and(|c| is_x(*c)) {
        let id = format!("{d}X");
        if plausible_id(&id) {
            return Some(finding(end + 1, Kind::IdNumber, mask_id(&id)));
        }
    }
    if n == 18 && plausible_id(&d) {
        return Some(finding(end, Kind::IdNumber, mask_id(&d)));
    }
    if (16..=19).contains(&n) {
        return Some(finding(end, Kind::BankCard, mask_card(&d)));
    }
    if is_mobile(&d) {
        return Some(finding(end, Kind::Mobile, mask_phone(&d)));
    }
    if n == 13
        && d.starts_with("86")
        && is_mobile(&d[2..])
        && start > 0
        && matches!(chars[start - 1], '+' | '＋')
    {
        return Some(finding(
            end,
            Kind::Mobile,
            format!("86{}", mask_phone(&d[2..])),
        ));
    }
    if (10..=12).contains(&n) && d.starts_with('0') {
        return Some(finding(end, Kind::Landline, mask_phone(&d)));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id_with_check(prefix17: &str) -> String {
        "0123456789X"
            .chars()
            .map(|c| format!("{prefix17}{c}"))
            .find(|id| IdCardNumber::parse(id).is_ok())
            .unwrap()
    }

    // ---- names ----

    #[test]
    fn a_two_or_three_character_chinese_name_keeps_only_the_surname() {
        assert_eq!(mask_person_name("张三"), "张某某");
        assert_eq!(mask_person_name("李小明"), "李某某");
        assert_eq!(mask_person_name(" 王五 "), "王某某");
    }

    #[test]
    fn a_compound_surname_is_kept_whole() {
        assert_eq!(mask_person_name("欧阳娜娜"), "欧阳某某");
        assert_eq!(mask_person_name("诸葛亮"), "诸葛某某");
        assert_eq!(mask_person_name("司马相如"), "司马某某");
        // Two characters are a single surname and a given name.
        assert_eq!(mask_person_name("欧阳"), "欧某某");
    }

    #[test]
    fn a_non_chinese_name_keeps_its_first_letter() {
        assert_eq!(mask_person_name("John Smith"), "J*");
    }

    #[test]
    fn an_empty_name_stays_empty() {
        assert_eq!(mask_person_name(""), "");
        assert_eq!(mask_person_name("  "), "");
    }

    #[test]
    fn masking_a_masked_name_changes_nothing() {
        assert_eq!(mask_person_name("张某某"), "张某某");
        assert_eq!(mask_person_name("欧阳某某"), "欧阳某某");
    }

    #[test]
    fn a_name_appearing_twice_is_masked_twice() {
        let r = redact_text("当事人张三经营的店铺，张三拒不整改。", &["张三"]);
        assert_eq!(r.text, "当事人张某某经营的店铺，张某某拒不整改。");
        assert_eq!(r.marks, 2);
    }

    #[test]
    fn a_compound_surname_in_text_is_masked_keeping_both_characters() {
        let r = redact_text("欧阳娜娜未取得健康证明", &["欧阳娜娜"]);
        assert_eq!(r.text, "欧阳某某未取得健康证明");
        assert_eq!(r.marks, 1);
    }

    #[test]
    fn the_longest_known_name_is_masked_first() {
        let r = redact_text("李小明与李小到场", &["李小", "李小明"]);
        assert_eq!(r.text, "李某某与李某某到场");
        assert_eq!(r.marks, 2);
    }

    #[test]
    fn a_latin_name_is_masked_only_as_a_whole_word() {
        let r = redact_text("Ann signed the Annual report", &["Ann"]);
        assert_eq!(r.text, "A* signed the Annual report");
        assert_eq!(r.marks, 1);
    }

    #[test]
    fn a_one_character_name_is_not_searched_for() {
        let r = redact_text("张家港张某", &["张"]);
        assert_eq!(r.text, "张家港张某");
        assert_eq!(r.marks, 0);
    }

    // ---- ID numbers ----

    #[test]
    fn an_id_number_inside_a_sentence_keeps_its_region_code_and_last_four() {
        let r = redact_text("当事人身份证号11010519491231002X，住北京。", &[]);
        assert_eq!(r.text, "当事人身份证号110105********002X，住北京。");
        assert_eq!(r.marks, 1);
        let id = id_with_check("35010219850615123");
        let r = redact_text(&format!("身份证{id}号"), &[]);
        assert_eq!(
            r.text,
            "身份证350102********123".to_owned() + &id[17..] + "号"
        );
    }

    #[test]
    fn a_lowercase_x_id_number_is_masked_in_upper_case() {
        let r = redact_text("证号11010519491231002x。", &[]);
        assert_eq!(r.text, "证号110105********002X。");
    }

    #[test]
    fn an_id_number_with_a_wrong_check_digit_but_a_real_birth_date_is_still_masked() {
        // The correct check character is X.
        let r = redact_text("证件号110105194912310021", &[]);
        assert_eq!(r.text, "证件号110105********0021");
        assert_eq!(r.marks, 1);
    }

    #[test]
    fn an_eighteen_digit_number_without_a_birth_date_is_masked_as_a_card() {
        let r = redact_text("订单123456000000001234", &[]);
        assert_eq!(r.text, "订单1234****1234");
    }

    #[test]
    fn a_full_width_id_number_is_masked() {
        let r = redact_text("身份证号１１０１０５１９４９１２３１００２Ｘ", &[]);
        assert_eq!(r.text, "身份证号110105********002X");
    }

    // ---- phones ----

    #[test]
    fn a_phone_next_to_chinese_text_is_masked() {
        let r = redact_text("联系电话13812345678。", &[]);
        assert_eq!(r.text, "联系电话138****5678。");
        assert_eq!(r.marks, 1);
    }

    #[test]
    fn grouped_and_international_mobiles_are_masked() {
        assert_eq!(
            redact_text("手机 138 1234 5678", &[]).text,
            "手机 138****5678"
        );
        assert_eq!(
            redact_text("手机138-1234-5678", &[]).text,
            "手机138****5678"
        );
        assert_eq!(redact_text("+8613812345678", &[]).text, "+86138****5678");
        assert_eq!(
            redact_text("+86 138 1234 5678", &[]).text,
            "+86 138****5678"
        );
    }

    #[test]
    fn a_mobile_like_run_inside_a_longer_number_is_not_a_phone() {
        let r = redact_text("编号138123456789", &[]);
        assert_eq!(r.text, "编号138123456789");
        assert_eq!(r.marks, 0);
    }

    #[test]
    fn a_landline_with_area_code_is_masked() {
        assert_eq!(redact_text("电话010-12345678", &[]).text, "电话010******78");
        assert_eq!(
            redact_text("电话0591-87654321。", &[]).text,
            "电话0591******21。"
        );
        assert_eq!(
            redact_text("电话059187654321", &[]).text,
            "电话0591******21"
        );
        assert_eq!(
            redact_text("电话010-12345678-801", &[]).text,
            "电话010******78-801"
        );
    }

    // ---- bank cards ----

    #[test]
    fn a_bank_card_keeps_its_first_and_last_four() {
        assert_eq!(
            redact_text("账号6222021234567890123，", &[]).text,
            "账号6222****0123，"
        );
        assert_eq!(
            redact_text("卡号 6222 0212 3456 7890 ", &[]).text,
            "卡号 6222****7890 "
        );
        assert_eq!(
            redact_text("卡号6222-0212-3456-7890-123", &[]).text,
            "卡号6222****0123"
        );
    }

    #[test]
    fn a_twenty_digit_serial_is_left_alone() {
        let text = "流水号20250312000000012345已登记";
        let r = redact_text(text, &[]);
        assert_eq!(r.text, text);
        assert_eq!(r.marks, 0);
        assert!(find_personal_identifiers(text).is_empty());
    }

    // ---- organisations ----

    #[test]
    fn a_uscc_stays_visible() {
        let text = "某某餐饮有限公司（统一社会信用代码91350100M000100Y43）";
        let r = redact_text(text, &[]);
        assert_eq!(r.text, text);
        assert_eq!(r.marks, 0);
        assert!(find_personal_identifiers(text).is_empty());
    }

    #[test]
    fn an_all_digit_uscc_stays_visible() {
        let uscc = (0..1000)
            .map(|k| format!("913501000{k:08}"))
            .find_map(|p| {
                Uscc::check_character(&p)
                    .filter(char::is_ascii_digit)
                    .map(|c| format!("{p}{c}"))
            })
            .unwrap();
        let text = format!("信用代码：{uscc}。");
        assert_eq!(redact_text(&text, &[]).text, text);
    }

    // ---- addresses ----

    #[test]
    fn a_home_address_keeps_only_the_district() {
        let r = redact_text(
            "家庭住址：福建省福州市鼓楼区某某路88号3单元，电话13812345678",
            &[],
        );
        assert_eq!(r.text, "家庭住址：福建省福州市鼓楼区***，电话138****5678");
        assert_eq!(r.marks, 2);
        assert_eq!(
            redact_text("户籍地: 福建省闽侯县上街镇某某村5号。", &[]).text,
            "户籍地: 福建省闽侯县***。"
        );
    }

    #[test]
    fn a_residential_compound_is_not_taken_for_a_district() {
        assert_eq!(
            redact_text("住址：福州市某某小区5栋601；", &[]).text,
            "住址：福州市***；"
        );
    }

    #[test]
    fn an_address_without_a_district_is_hidden_whole() {
        let r = redact_text("居住地：某某村委会旁边\n", &[]);
        assert_eq!(r.text, "居住地：***\n");
        assert_eq!(r.marks, 1);
    }

    #[test]
    fn an_address_label_without_a_colon_is_ordinary_text() {
        let text = "核实其住所是否变更";
        assert_eq!(redact_text(text, &[]).text, text);
    }

    // ---- the whole ----

    #[test]
    fn redacting_twice_changes_nothing_more() {
        let text = "当事人张三，身份证号11010519491231002X，住址：北京市朝阳区某路1号，\
                    手机13812345678，账号6222021234567890123。";
        let once = redact_text(text, &["张三"]);
        assert_eq!(once.marks, 5);
        let twice = redact_text(&once.text, &["张三"]);
        assert_eq!(twice.text, once.text);
        assert_eq!(twice.marks, 0);
    }

    #[test]
    fn find_personal_identifiers_lists_what_a_page_must_not_show() {
        let found = find_personal_identifiers(
            "身份证11010519491231002X，电话13812345678，卡6222021234567890123，\
             办公电话0591-87654321，代码91350100M000100Y43",
        );
        assert_eq!(
            found,
            vec!["11010519491231002X", "13812345678", "6222021234567890123"]
        );
    }

    #[test]
    fn empty_text_stays_empty() {
        assert_eq!(
            redact_text("", &["张三"]),
            Redacted {
                text: String::new(),
                marks: 0
            }
        );
        assert!(find_personal_identifiers("").is_empty());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn id_number() -> impl Strategy<Value = String> {
            (
                "[1-6][0-9]{5}",
                1930u16..2020,
                1u8..=12,
                1u8..=28,
                "[0-9]{3}",
            )
                .prop_map(|(region, y, m, d, seq)| {
                    id_with_check(&format!("{region}{y}{m:02}{d:02}{seq}"))
                })
        }

        fn fragment() -> impl Strategy<Value = String> {
            prop_oneof![
                "[0-9]{1,21}",
                id_number(),
                "1[3-9][0-9]{9}",
                "0[1-9][0-9]{1,2}-[1-9][0-9]{6,7}",
                "[0-9]{4}( [0-9]{4}){3,4}",
                "[０-９]{1,12}",
                "[ \\-+Xx]",
                "[A-Z0-9]{1,18}",
                "[一-龥]{1,3}",
                Just("住址：".to_owned()),
                Just("区".to_owned()),
                Just("，".to_owned()),
                Just("***".to_owned()),
                Just("91350100M000100Y43".to_owned()),
            ]
        }

        fn text() -> impl Strategy<Value = String> {
            proptest::collection::vec(fragment(), 0..16).prop_map(|parts| parts.concat())
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1000, .. ProptestConfig::default() })]

            /// Whatever the text, nothing the page check looks for survives redaction.
            #[test]
            fn redacted_text_never_shows_a_personal_identifier(text in text()) {
                let r = redact_text(&text, &[]);
                prop_assert!(find_personal_identifiers(&r.text).is_empty(), "{text} → {}", r.text);
            }

            /// Known names do not undo that guarantee either.
            #[test]
            fn redacted_text_with_names_never_shows_a_personal_identifier(
                text in text(),
                names in proptest::collection::vec("[一-龥A-Za-z0-9]{1,4}", 0..4),
            ) {
                let names: Vec<&str> = names.iter().map(String::as_str).collect();
                let r = redact_text(&text, &names);
                prop_assert!(find_personal_identifiers(&r.text).is_empty(), "{text} → {}", r.text);
            }

            /// Redacting a redacted text finds nothing more to hide.
            #[test]
            fn redaction_is_idempotent(text in text()) {
                let once = redact_text(&text, &[]);
                let twice = redact_text(&once.text, &[]);
                prop_assert_eq!(&twice.text, &once.text, "from {}", text);
                prop_assert_eq!(twice.marks, 0);
            }
        }
    }
}
