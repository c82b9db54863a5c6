//! Registry imports (CSV, UTF-8 with or without BOM, or GB18030) and lists.
//!
//! An import validates every row first and reports each problem with its row,
//! column and rule; only a file without problems is written, all rows in one
//! transaction with one action-log event. Rows are upserted by natural key
//! (officers by staff number, credentials by number, entities by USCC), so
//! importing the same file again changes nothing and logs nothing.

use crate::sheets::Sheet;
use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::authz::{Action, Actor, authorize};
use fazhi_domain::registry::{CreditGrade, EntityStatus, RiskLevel, SupervisionDomain};
pub use fazhi_store::history::HistoryEntry;
pub use fazhi_store::registry::Change;
use fazhi_store::registry::{self, CredentialRow, EntityRow, OfficerRow};
use sha2::Digest;
use std::collections::HashMap;

mod import;
mod lists;
mod records;
mod rows;
mod scope;

pub use import::*;
pub use lists::*;
pub use records::*;
pub use rows::*;

/// Largest import file: 64 MiB (≈ 300,000 entity rows).
pub const IMPORT_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Problems listed in one report before it stops counting.
pub const ROW_ERRORS_MAX: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Entities,
    Officers,
    Powers,
    Discretion,
    SpotChecks,
    Recusals,
    NoPenalty,
}

impl ImportKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "entities" => Some(ImportKind::Entities),
            "officers" => Some(ImportKind::Officers),
            "powers" => Some(ImportKind::Powers),
            "discretion" => Some(ImportKind::Discretion),
            "spot_checks" => Some(ImportKind::SpotChecks),
            "recusals" => Some(ImportKind::Recusals),
            "no_penalty" => Some(ImportKind::NoPenalty),
            _ => None,
        }
    }
    /// The record kind whose history an import of this kind writes
    /// (recusals are relations, not records with a page).
    pub fn record_kind(self) -> Option<&'static str> {
        match self {
            ImportKind::Entities => Some("entity"),
            ImportKind::Officers => Some("officer"),
            ImportKind::Powers => Some("power"),
            ImportKind::Discretion => Some("discretion"),
            ImportKind::SpotChecks => Some("spot_check"),
            ImportKind::NoPenalty => Some("no_penalty"),
            ImportKind::Recusals => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Entities => "entities",
            ImportKind::Officers => "officers",
            ImportKind::Powers => "powers",
            ImportKind::Discretion => "discretion",
            ImportKind::SpotChecks => "spot_checks",
            ImportKind::Recusals => "recusals",
            ImportKind::NoPenalty => "no_penalty",
        }
    }
}

/// One problem in an import file. `row` counts lines as a spreadsheet shows
/// them (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message_zh: String,
    pub message_en: String,
}

#[derive(Debug)]
pub enum ImportFailure {
    /// The file has problems; nothing was written.
    Rejected(Vec<RowError>),
    App(AppError),
}

impl From<AppError> for ImportFailure {
    fn from(e: AppError) -> Self {
        ImportFailure::App(e)
    }
}

impl From<fazhi_store::StoreError> for ImportFailure {
    fn from(e: fazhi_store::StoreError) -> Self {
        ImportFailure::App(e.into())
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportOutcome {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

fn row_error(row: usize, column: &str, zh: impl Into<String>, en: impl Into<String>) -> RowError {
    RowError {
        row,
        column: column.to_owned(),
        message_zh: zh.into(),
        message_en: en.into(),
    }
}

/// Text of a CSV file: UTF-8 (a BOM is dropped), else GB18030. A byte sequence
/// valid in neither is reported with the line it is on.
pub fn decode_text(bytes: &[u8]) -> Result<String, RowError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(text) = std::str::from_utf8(body) {
        return crate::sheets::refuse_nul(text.to_owned());
    }
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len() * 3);
    let mut out = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => crate::sheets::refuse_nul(out),
        encoding_rs::DecoderResult::Malformed(..) | encoding_rs::DecoderResult::OutputFull => {
            let line = 1 + body[..read.min(body.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            Err(row_error(
                line,
                "",
                format!("第 {line} 行含有既非 UTF-8 也非 GB18030 的字节，文件编码无法识别"),
                format!("line {line} has bytes that are neither UTF-8 nor GB18030"),
            ))
        }
    }
}

/// Column headers accepted for each field: the Chinese header, then the code.
struct Column {
    code: &'static str,
    headers: &'static [&'static str],
    required: bool,
}

/// A parsed CSV: the column index of each field code, and the records.
struct Table {
    index: HashMap<&'static str, usize>,
    headers: Vec<String>,
    records: Vec<csv::StringRecord>,
}

impl Table {
    fn get<'a>(&self, record: &'a csv::StringRecord, code: &str) -> &'a str {
        self.index
            .get(code)
            .and_then(|i| record.get(*i))
            .map_or("", str::trim)
    }
    fn header(&self, code: &str) -> String {
        self.index
            .get(code)
            .and_then(|i| self.headers.get(*i))
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }
}

fn parse_table(text: &str, columns: &'static [Column]) -> Result<Table, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => {
            return Err(vec![row_error(
                1,
                "",
                format!("表头无法读取：{e}"),
                format!("cannot read the header: {e}"),
            )]);
        }
    };
    let mut index = HashMap::new();
    let mut errors = Vec::new();
    for col in columns {
        match headers
            .iter()
            .position(|h| col.headers.contains(&h.as_str()))
        {
            Some(i) => {
                index.insert(col.code, i);
            }
            None if col.required => errors.push(row_error(
                1,
                col.headers[0],
                format!("缺少必需的列“{}”", col.headers[0]),
                format!(
                    "required column '{}' ({}) is missing",
                    col.headers[0], col.code
                ),
            )),
            None => {}
        }
    }
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        match record {
            Ok(r) => records.push(r),
            Err(e) => {
                let row = e
                    .position()
                    .map_or(i + 2, |p| usize::try_from(p.line()).unwrap_or(i + 2));
                errors.push(row_error(
                    row,
                    "",
                    format!("第 {row} 行格式错误：{e}"),
                    format!("row {row} is malformed: {e}"),
                ));
            }
        }
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(Table {
            index,
            headers,
            records,
        })
    } else {
        Err(errors)
    }
}

/// `YYYY-MM-DD` (also `YYYY/MM/DD` and `YYYY.MM.DD`), a real calendar date.
fn parse_date(text: &str) -> Option<jiff::civil::Date> {
    let normalized: String = text.trim().replace(['/', '.'], "-");
    let mut parts = normalized.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    jiff::civil::Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
}

fn text_field(
    errors: &mut Vec<RowError>,
    t: &Table,
    r: &csv::StringRecord,
    row: usize,
    code: &str,
    max_chars: usize,
    required: bool,
) -> String {
    let v = t.get(r, code);
    let n = v.chars().count();
    if (required && n == 0) || n > max_chars || v.chars().any(char::is_control) {
        let h = t.header(code);
        errors.push(row_error(
            row,
            &h,
            if required {
                format!("“{h}”必填，且不超过 {max_chars} 个字符")
            } else {
                format!("“{h}”不超过 {max_chars} 个字符")
            },
            format!(
                "'{h}' must be {}at most {max_chars} characters",
                if required { "present and " } else { "" }
            ),
        ));
    }
    v.to_owned()
}

fn domains_field(
    errors: &mut Vec<RowError>,
    t: &Table,
    r: &csv::StringRecord,
    row: usize,
) -> String {
    let h = t.header("domains");
    match SupervisionDomain::parse_list(t.get(r, "domains")) {
        Ok(list) if !list.is_empty() => SupervisionDomain::join_codes(&list),
        Ok(_) => {
            errors.push(row_error(
                row,
                &h,
                format!("“{h}”至少填写一个专业"),
                format!("'{h}' needs at least one domain"),
            ));
            String::new()
        }
        Err(unknown) => {
            errors.push(row_error(
                row,
                &h,
                format!("未知专业“{unknown}”（可用：医疗卫生、传染病防治、公共场所卫生、生活饮用水卫生、学校卫生、职业卫生、放射卫生、消毒产品、母婴保健与计划生育、中医服务、血液安全）"),
                format!("unknown domain '{unknown}'"),
            ));
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_bom_and_gb18030_decode_and_a_stray_byte_names_its_line() {
        assert_eq!(
            decode_text("\u{feff}名称\n甲".as_bytes()).unwrap(),
            "名称\n甲"
        );
        let (gbk, _, _) = encoding_rs::GB18030.encode("工号,姓名\nA1,张三\n");
        assert_eq!(decode_text(&gbk).unwrap(), "工号,姓名\nA1,张三\n");
        let mut broken = gbk.to_vec();
        broken.extend_from_slice(b"A2,\xff\xff\n");
        let e = decode_text(&broken).unwrap_err();
        assert_eq!(e.row, 3, "{e:?}");
    }

    #[test]
    fn dates_must_exist_on_the_calendar() {
        assert_eq!(
            parse_date("2024-02-29").map(|d| d.to_string()).as_deref(),
            Some("2024-02-29")
        );
        assert_eq!(
            parse_date("2024/2/9").map(|d| d.to_string()).as_deref(),
            Some("2024-02-09")
        );
        assert!(parse_date("2023-02-30").is_none());
        assert!(parse_date("2023-02").is_none());
    }
}
