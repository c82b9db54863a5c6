//! Identifiers written in digits: ID numbers, phones, bank cards.

use super::{Finding, Kind};
use crate::ident::{IdCardNumber, PhoneNumber, Uscc};

/// Labels right before which a 15-digit run is an organisation's
/// registration number (工商注册号), not a first-generation ID number.
const REGISTRATION_LABELS: [&str; 4] = ["注册号", "营业执照", "执照号", "登记号"];

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

/// A first-generation ID number: 15 digits, a region code starting 1–8 and
/// digits 7–12 a real date of the 1900s (YYMMDD).
fn plausible_old_id(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 15 || !b.iter().all(u8::is_ascii_digit) || !(b'1'..=b'8').contains(&b[0]) {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        d[6..8].parse::<i16>(),
        d[8..10].parse::<i8>(),
        d[10..12].parse::<i8>(),
    ) else {
        return false;
    };
    jiff::civil::Date::new(1900 + year, month, day).is_ok()
}

/// Whether the digits at `start` follow a registration-number label
/// (注册号：330100000012345), within a few characters.
fn after_registration_label(chars: &[char], start: usize) -> bool {
    let before: String = chars[start.saturating_sub(10)..start].iter().collect();
    REGISTRATION_LABELS.iter().any(|l| before.contains(l))
}

fn mask_old_id(d: &str) -> String {
    format!("{}******{}", &d[..6], &d[12..])
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

pub(super) fn digit_findings(chars: &[char]) -> Vec<Finding> {
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
    matches!(digits(chars, prev, start - 1).as_str(), "86" | "0086")
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
    // 8613912345678, +8613912345678, 008613912345678.
    for prefix in ["86", "0086"] {
        if let Some(mobile) = d.strip_prefix(prefix)
            && is_mobile(mobile)
        {
            return Some(finding(
                end,
                Kind::Mobile,
                format!("{prefix}{}", mask_phone(mobile)),
            ));
        }
    }
    if n == 15 && plausible_old_id(&d) && !after_registration_label(chars, start) {
        return Some(finding(end, Kind::IdNumber, mask_old_id(&d)));
    }
    if (10..=12).contains(&n) && d.starts_with('0') {
        return Some(finding(end, Kind::Landline, mask_phone(&d)));
    }
    None
}
