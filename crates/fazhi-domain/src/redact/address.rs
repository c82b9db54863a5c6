//! Home addresses after a label (住址：…) or a phrase (家住…).

use super::{Finding, Kind, is_cjk};

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

/// Phrases after which a natural person's address follows without a colon
/// (家住福州市…, 现住…, 居住在…). Longest first.
const PHRASE_MARKERS: [&str; 13] = [
    "现居住于",
    "现居住在",
    "家住在",
    "居住在",
    "居住于",
    "现居住",
    "暂住在",
    "现住址",
    "家住",
    "现住",
    "暂住",
    "住在",
    "住址",
];

/// Words that may join a phrase marker and the address (住址为…, 家住在…).
const PHRASE_JOINERS: [char; 4] = ['为', '是', '在', '于'];

/// First characters after a phrase marker that make it another word:
/// 住院 (in hospital), 住房 (housing), 住宿, 住户, 住所, 住址.
const NOT_AN_ADDRESS_AFTER: [char; 6] = ['院', '房', '宿', '户', '所', '址'];

/// Characters that make a clause read like a place: an address written
/// without a label names at least one of them.
const PLACE_CHARS: [char; 19] = [
    '省', '市', '区', '县', '镇', '乡', '村', '街', '路', '巷', '弄', '号', '栋', '幢', '楼', '室',
    '组', '屯', '州',
];

pub(super) fn address_findings(chars: &[char]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some(after) = address_start(chars, i).or_else(|| phrase_start(chars, i)) else {
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

/// If an address phrase without a colon (家住, 现住, 居住在 …) starts at `i`
/// and what follows reads like a place, where the address begins.
fn phrase_start(chars: &[char], i: usize) -> Option<usize> {
    let marker = PHRASE_MARKERS.iter().find(|m| {
        m.chars()
            .enumerate()
            .all(|(k, c)| chars.get(i + k) == Some(&c))
    })?;
    let mut j = i + marker.chars().count();
    let skip_blank = |mut j: usize| {
        while chars
            .get(j)
            .is_some_and(|c| *c == ' ' || *c == '\u{3000}' || *c == '：' || *c == ':')
        {
            j += 1;
        }
        j
    };
    j = skip_blank(j);
    if chars.get(j).is_some_and(|c| PHRASE_JOINERS.contains(c)) {
        j = skip_blank(j + 1);
    }
    let first = *chars.get(j)?;
    if !is_cjk(first) || NOT_AN_ADDRESS_AFTER.contains(&first) {
        return None;
    }
    let end = (j..chars.len())
        .find(|k| CLAUSE_ENDS.contains(&chars[*k]))
        .unwrap_or(chars.len());
    chars[j..end]
        .iter()
        .any(|c| PLACE_CHARS.contains(c))
        .then_some(j)
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
