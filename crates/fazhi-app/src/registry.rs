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

mod scope;

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

const ENTITY_COLUMNS: &[Column] = &[
    Column {
        code: "uscc",
        headers: &["统一社会信用代码", "uscc"],
        required: true,
    },
    Column {
        code: "name",
        headers: &["单位名称", "名称", "name"],
        required: true,
    },
    Column {
        code: "legal_rep",
        headers: &["法定代表人", "负责人", "legal_rep"],
        required: true,
    },
    Column {
        code: "address",
        headers: &["地址", "经营地址", "address"],
        required: true,
    },
    Column {
        code: "region_code",
        headers: &["行政区划代码", "region_code"],
        required: true,
    },
    Column {
        code: "domains",
        headers: &["专业", "监管专业", "domains"],
        required: true,
    },
    Column {
        code: "risk_level",
        headers: &["风险等级", "risk_level"],
        required: false,
    },
    Column {
        code: "credit_grade",
        headers: &["信用等级", "credit_grade"],
        required: false,
    },
    Column {
        code: "status",
        headers: &["经营状态", "status"],
        required: false,
    },
    Column {
        code: "permit_no",
        headers: &["许可证号", "permit_no"],
        required: false,
    },
    Column {
        code: "permit_item",
        headers: &["许可项目", "permit_item"],
        required: false,
    },
    Column {
        code: "permit_valid_to",
        headers: &["许可有效期至", "permit_valid_to"],
        required: false,
    },
    Column {
        code: "agency",
        headers: &["所属机构", "agency"],
        required: false,
    },
];

const OFFICER_COLUMNS: &[Column] = &[
    Column {
        code: "staff_no",
        headers: &["工号", "staff_no"],
        required: true,
    },
    Column {
        code: "name",
        headers: &["姓名", "name"],
        required: true,
    },
    Column {
        code: "posts",
        headers: &["岗位", "posts"],
        required: false,
    },
    Column {
        code: "domains",
        headers: &["执法领域", "专业", "domains"],
        required: true,
    },
    Column {
        code: "credential_number",
        headers: &["执法证号", "credential_number"],
        required: false,
    },
    Column {
        code: "issuing_body",
        headers: &["发证机关", "issuing_body"],
        required: false,
    },
    Column {
        code: "area",
        headers: &["执法区域", "area"],
        required: false,
    },
    Column {
        code: "valid_from",
        headers: &["有效期起", "valid_from"],
        required: false,
    },
    Column {
        code: "valid_to",
        headers: &["有效期止", "valid_to"],
        required: false,
    },
    Column {
        code: "last_review_year",
        headers: &["年审年度", "last_review_year"],
        required: false,
    },
    Column {
        code: "training_hours",
        headers: &["培训学时", "training_hours"],
        required: false,
    },
    Column {
        code: "agency",
        headers: &["所属机构", "agency"],
        required: false,
    },
];

const POWER_COLUMNS: &[Column] = &[
    Column {
        code: "code",
        headers: &["事项编码", "code"],
        required: true,
    },
    Column {
        code: "kind",
        headers: &["权力类型", "kind"],
        required: true,
    },
    Column {
        code: "name",
        headers: &["事项名称", "name"],
        required: true,
    },
    Column {
        code: "legal_basis",
        headers: &["实施依据", "legal_basis"],
        required: true,
    },
    Column {
        code: "unit",
        headers: &["承办机构", "unit"],
        required: true,
    },
    Column {
        code: "adjustment",
        headers: &["调整类型", "adjustment"],
        required: false,
    },
    Column {
        code: "reason",
        headers: &["调整理由", "reason"],
        required: false,
    },
    Column {
        code: "document",
        headers: &["文号", "document"],
        required: false,
    },
    Column {
        code: "status",
        headers: &["状态", "status"],
        required: false,
    },
    Column {
        code: "agency",
        headers: &["所属机构", "agency"],
        required: false,
    },
];

const DISCRETION_COLUMNS: &[Column] = &[
    Column {
        code: "power_code",
        headers: &["事项编码", "power_code"],
        required: true,
    },
    Column {
        code: "circumstance",
        headers: &["情节", "circumstance"],
        required: true,
    },
    Column {
        code: "fine_min",
        headers: &["罚款下限（元）", "罚款下限", "fine_min"],
        required: true,
    },
    Column {
        code: "fine_max",
        headers: &["罚款上限（元）", "罚款上限", "fine_max"],
        required: true,
    },
    Column {
        code: "other_penalties",
        headers: &["其他处罚", "other_penalties"],
        required: false,
    },
    Column {
        code: "description",
        headers: &["情节描述", "description"],
        required: true,
    },
    Column {
        code: "citation",
        headers: &["依据", "citation"],
        required: true,
    },
    Column {
        code: "agency",
        headers: &["所属机构", "agency"],
        required: false,
    },
];

fn parse_discretion(
    t: &Table,
    agency_id: i64,
    penalty_codes: &[String],
) -> Result<Vec<fazhi_store::registry::DiscretionRow>, Vec<RowError>> {
    use fazhi_domain::money::Money;
    use fazhi_domain::registry::Circumstance;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, &'static str), usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let power_code = t.get(r, "power_code").to_owned();
        if !penalty_codes.contains(&power_code) {
            errors.push(row_error(
                row,
                &t.header("power_code"),
                format!("“{power_code}”不是本机构权责清单中的行政处罚事项"),
                format!("'{power_code}' is not a penalty power of this agency's power list"),
            ));
        }
        let circumstance = Circumstance::parse(t.get(r, "circumstance"));
        let Some(circumstance) = circumstance else {
            errors.push(row_error(
                row,
                &t.header("circumstance"),
                "情节须为 轻微/一般/较重/严重",
                "circumstance must be minor, ordinary, serious or grave",
            ));
            continue;
        };
        if let Some(first) = seen.insert((power_code.clone(), circumstance.code()), row) {
            errors.push(row_error(
                row,
                &t.header("circumstance"),
                format!("与第 {first} 行重复"),
                format!("repeats row {first}"),
            ));
        }
        let mut money = |code: &str| match Money::parse(t.get(r, code)) {
            Ok(m) => Some(m),
            Err(e) => {
                errors.push(row_error(
                    row,
                    &t.header(code),
                    e.to_string(),
                    e.to_string(),
                ));
                None
            }
        };
        let (min, max) = (money("fine_min"), money("fine_max"));
        if let (Some(a), Some(b)) = (min, max)
            && a > b
        {
            errors.push(row_error(
                row,
                &t.header("fine_max"),
                format!("罚款上限 {b} 低于下限 {a}"),
                format!("fine maximum {b} is below the minimum {a}"),
            ));
        }
        let other_penalties = text_field(&mut errors, t, r, row, "other_penalties", 200, false);
        let description = text_field(&mut errors, t, r, row, "description", 1000, true);
        let citation = text_field(&mut errors, t, r, row, "citation", 500, true);
        rows.push(fazhi_store::registry::DiscretionRow {
            agency_id,
            power_code,
            circumstance: circumstance.code().to_owned(),
            fine_min_fen: min.map_or(0, Money::fen),
            fine_max_fen: max.map_or(0, Money::fen),
            other_penalties,
            description,
            citation,
        });
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

const SPOT_CHECK_COLUMNS: &[Column] = &[
    Column {
        code: "code",
        headers: &["事项编码", "code"],
        required: true,
    },
    Column {
        code: "name",
        headers: &["抽查事项", "name"],
        required: true,
    },
    Column {
        code: "domains",
        headers: &["专业", "domains"],
        required: true,
    },
    Column {
        code: "basis",
        headers: &["检查依据", "basis"],
        required: true,
    },
    Column {
        code: "object",
        headers: &["检查对象", "object"],
        required: true,
    },
    Column {
        code: "content",
        headers: &["检查内容", "content"],
        required: true,
    },
    Column {
        code: "method",
        headers: &["检查方式", "method"],
        required: true,
    },
    Column {
        code: "agency",
        headers: &["所属机构", "agency"],
        required: false,
    },
];

fn parse_spot_checks(
    t: &Table,
    agency_id: i64,
) -> Result<Vec<fazhi_store::registry::SpotCheckRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let code = text_field(&mut errors, t, r, row, "code", 40, true);
        if let Some(first) = seen.insert(code.clone(), row) {
            errors.push(row_error(
                row,
                &t.header("code"),
                format!("事项编码 {code} 与第 {first} 行重复"),
                format!("code {code} repeats row {first}"),
            ));
        }
        rows.push(fazhi_store::registry::SpotCheckRow {
            agency_id,
            code,
            name: text_field(&mut errors, t, r, row, "name", 200, true),
            domain: domains_field(&mut errors, t, r, row),
            basis: text_field(&mut errors, t, r, row, "basis", 1000, true),
            object: text_field(&mut errors, t, r, row, "object", 200, true),
            content: text_field(&mut errors, t, r, row, "content", 1000, true),
            method: text_field(&mut errors, t, r, row, "method", 200, true),
        });
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

const NO_PENALTY_COLUMNS: &[Column] = &[
    Column {
        code: "power_code",
        headers: &["权力编码", "power_code"],
        required: true,
    },
    Column {
        code: "kind",
        headers: &["清单类型", "kind"],
        required: true,
    },
    Column {
        code: "conduct",
        headers: &["违法行为", "conduct"],
        required: true,
    },
    Column {
        code: "conditions",
        headers: &["适用条件", "conditions"],
        required: true,
    },
    Column {
        code: "basis",
        headers: &["依据", "basis"],
        required: true,
    },
    Column {
        code: "effective_from",
        headers: &["生效日期", "effective_from"],
        required: true,
    },
    Column {
        code: "agency",
        headers: &["所属机构", "agency"],
        required: false,
    },
];

/// Kinds of 不予处罚 item, by the article that allows it (《行政处罚法》第三十三条).
pub const NO_PENALTY_KINDS: [(&str, &str, &str); 3] = [
    (
        "first_violation",
        "首违不罚",
        "first violation, minor harm, corrected in time (Art. 33(1))",
    ),
    (
        "minor",
        "轻微不罚",
        "minor violation corrected in time, no harm (Art. 33(1))",
    ),
    (
        "no_fault",
        "无过错不罚",
        "no subjective fault shown (Art. 33(2))",
    ),
];

pub fn no_penalty_kind_name(code: &str) -> &str {
    NO_PENALTY_KINDS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or(code, |(_, zh, _)| zh)
}

fn parse_no_penalty(
    t: &Table,
    agency_id: i64,
    penalty_codes: &[String],
) -> Result<Vec<fazhi_store::registry::NoPenaltyRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    let mut seen: HashMap<(String, String, String), usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let power_code = t.get(r, "power_code").to_owned();
        if !penalty_codes.contains(&power_code) {
            errors.push(row_error(
                row,
                &t.header("power_code"),
                format!("权力编码“{power_code}”不是本机构权责清单中已公布的行政处罚事项（不予处罚清单须对应处罚权力，《行政处罚法》第三十三条）"),
                format!("power code '{power_code}' is not a published penalty power of this agency (no-penalty items belong to penalty powers, Administrative Penalty Law Art. 33)"),
            ));
        }
        let kind_text = t.get(r, "kind");
        let kind = NO_PENALTY_KINDS
            .iter()
            .find(|(c, zh, _)| *c == kind_text || *zh == kind_text)
            .map(|(c, _, _)| (*c).to_owned());
        if kind.is_none() {
            errors.push(row_error(
                row,
                &t.header("kind"),
                format!("清单类型“{kind_text}”须为 首违不罚/轻微不罚/无过错不罚"),
                format!("kind '{kind_text}' must be first_violation, minor or no_fault"),
            ));
        }
        let date_text = t.get(r, "effective_from");
        let effective_from = parse_date(date_text).map(|d| d.to_string());
        if effective_from.is_none() {
            errors.push(row_error(
                row,
                &t.header("effective_from"),
                format!("生效日期“{date_text}”不是有效日期（YYYY-MM-DD）"),
                format!("effective date '{date_text}' is not a real date (YYYY-MM-DD)"),
            ));
        }
        let kind = kind.unwrap_or_default();
        let effective_from = effective_from.unwrap_or_default();
        if let Some(first) = seen.insert(
            (power_code.clone(), kind.clone(), effective_from.clone()),
            row,
        ) {
            errors.push(row_error(
                row,
                &t.header("power_code"),
                format!("同一权力、类型、生效日期与第 {first} 行重复"),
                format!("same power, kind and effective date as row {first}"),
            ));
        }
        rows.push(fazhi_store::registry::NoPenaltyRow {
            agency_id,
            power_code,
            kind,
            conduct: text_field(&mut errors, t, r, row, "conduct", 500, true),
            conditions: text_field(&mut errors, t, r, row, "conditions", 1000, true),
            basis: text_field(&mut errors, t, r, row, "basis", 500, true),
            effective_from,
        });
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

const RECUSAL_COLUMNS: &[Column] = &[
    Column {
        code: "staff_no",
        headers: &["工号", "staff_no"],
        required: true,
    },
    Column {
        code: "uscc",
        headers: &["统一社会信用代码", "uscc"],
        required: false,
    },
    Column {
        code: "person",
        headers: &["自然人姓名", "person"],
        required: false,
    },
    Column {
        code: "reason",
        headers: &["回避理由", "reason"],
        required: true,
    },
    Column {
        code: "agency",
        headers: &["所属机构", "agency"],
        required: false,
    },
];

fn parse_recusals(
    t: &Table,
    agency_id: i64,
    staff: &[String],
) -> Result<Vec<fazhi_store::registry::RecusalRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let staff_no = t.get(r, "staff_no").to_owned();
        if !staff.contains(&staff_no) {
            errors.push(row_error(
                row,
                &t.header("staff_no"),
                format!("工号 {staff_no} 不在本机构执法人员名录中"),
                format!("staff number {staff_no} is not an officer of this scope"),
            ));
        }
        let (uscc, person) = (t.get(r, "uscc").to_ascii_uppercase(), t.get(r, "person"));
        let party_key = match (uscc.is_empty(), person.is_empty()) {
            (false, true) => {
                if let Err(e) = fazhi_domain::ident::Uscc::parse(&uscc) {
                    errors.push(row_error(
                        row,
                        &t.header("uscc"),
                        e.to_string(),
                        e.to_string(),
                    ));
                }
                format!("uscc:{uscc}")
            }
            (true, false) if person.chars().count() <= 40 => format!("person:{person}"),
            _ => {
                errors.push(row_error(
                    row,
                    &t.header("uscc"),
                    "须且只须填写统一社会信用代码或自然人姓名之一",
                    "give exactly one of the USCC or the person's name",
                ));
                String::new()
            }
        };
        let reason = text_field(&mut errors, t, r, row, "reason", 500, true);
        rows.push(fazhi_store::registry::RecusalRow {
            agency_id,
            staff_no,
            party_key,
            reason,
        });
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// A power-list row with the adjustment it makes. A row without an
/// adjustment (a row of an export) must leave its item as it is; `status`
/// is then the state its 状态 column states, if any.
struct PowerChange {
    row: fazhi_store::registry::PowerRow,
    adjustment: Option<fazhi_domain::registry::PowerAdjustment>,
    status: Option<&'static str>,
    reason: String,
    document: String,
}

/// The stored status of a power item from the text an export writes.
fn power_status(text: &str) -> Option<&'static str> {
    match text {
        "已公布" | "published" => Some("published"),
        "已下放" | "delegated" => Some("delegated"),
        "已取消" | "removed" => Some("removed"),
        _ => None,
    }
}

/// The text an export writes for a stored power status.
fn power_status_name(status: &str) -> &'static str {
    match status {
        "published" => "已公布",
        "delegated" => "已下放",
        _ => "已取消",
    }
}

fn parse_powers(t: &Table, agency_id: i64) -> Result<Vec<PowerChange>, Vec<RowError>> {
    use fazhi_domain::registry::{PowerAdjustment, PowerKind};
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(t.records.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let code = text_field(&mut errors, t, r, row, "code", 40, true);
        if let Some(first) = seen.insert(code.clone(), row) {
            errors.push(row_error(
                row,
                &t.header("code"),
                format!("事项编码 {code} 与第 {first} 行重复"),
                format!("code {code} repeats row {first}"),
            ));
        }
        let kind = PowerKind::parse(t.get(r, "kind"));
        if kind.is_none() {
            errors.push(row_error(
                row,
                &t.header("kind"),
                "权力类型须为 行政许可/行政处罚/行政检查/行政强制/行政确认/其他行政权力",
                "kind must be permit, penalty, inspection, coercion, confirmation or other",
            ));
        }
        let adjustment = match t.get(r, "adjustment") {
            "" => None,
            text => {
                let a = PowerAdjustment::parse(text);
                if a.is_none() {
                    errors.push(row_error(
                        row,
                        &t.header("adjustment"),
                        "调整类型须为 新增/变更/下放/取消",
                        "adjustment must be added, changed, delegated_down or removed",
                    ));
                }
                a
            }
        };
        let adjusting = !t.get(r, "adjustment").is_empty();
        let status = match t.get(r, "status") {
            "" => None,
            text => {
                let s = power_status(text);
                if s.is_none() {
                    errors.push(row_error(
                        row,
                        &t.header("status"),
                        "状态须为 已公布/已下放/已取消",
                        "status must be published, delegated or removed",
                    ));
                }
                s
            }
        };
        let name = text_field(&mut errors, t, r, row, "name", 200, true);
        let legal_basis = text_field(&mut errors, t, r, row, "legal_basis", 2000, true);
        let unit = text_field(&mut errors, t, r, row, "unit", 100, true);
        // An adjustment is recorded with its reason and document.
        let reason = text_field(&mut errors, t, r, row, "reason", 500, adjusting);
        let document = text_field(&mut errors, t, r, row, "document", 100, adjusting);
        if let Some(kind) = kind {
            rows.push(PowerChange {
                row: fazhi_store::registry::PowerRow {
                    agency_id,
                    code,
                    kind: kind.code().to_owned(),
                    name,
                    legal_basis,
                    unit,
                    status: adjustment
                        .map(PowerAdjustment::status_after)
                        .or(status)
                        .unwrap_or_default()
                        .to_owned(),
                },
                adjustment,
                status,
                reason,
                document,
            });
        }
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
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

fn parse_entities(t: &Table, agency_id: i64) -> Result<Vec<EntityRow>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(t.records.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let uscc_text = t.get(r, "uscc").to_ascii_uppercase();
        if let Err(e) = fazhi_domain::ident::Uscc::parse(&uscc_text) {
            errors.push(row_error(
                row,
                &t.header("uscc"),
                format!("{e}"),
                format!("USCC '{uscc_text}': {e}"),
            ));
        }
        let uscc = uscc_text;
        if let Some(first) = seen.insert(uscc.clone(), row) {
            errors.push(row_error(
                row,
                &t.header("uscc"),
                format!("统一社会信用代码 {uscc} 与第 {first} 行重复"),
                format!("USCC {uscc} repeats row {first}"),
            ));
        }
        let name = text_field(&mut errors, t, r, row, "name", 100, true);
        let legal_rep = text_field(&mut errors, t, r, row, "legal_rep", 50, true);
        let address = text_field(&mut errors, t, r, row, "address", 200, true);
        let region_code = t.get(r, "region_code").to_owned();
        if region_code.len() != 6 || !region_code.bytes().all(|b| b.is_ascii_digit()) {
            errors.push(row_error(
                row,
                &t.header("region_code"),
                "行政区划代码须为 6 位数字（GB/T 2260）",
                "region code must be 6 digits (GB/T 2260)",
            ));
        }
        let domains = domains_field(&mut errors, t, r, row);
        let risk = match t.get(r, "risk_level") {
            "" => Some(RiskLevel::Medium),
            v => RiskLevel::parse(v),
        };
        let credit = match t.get(r, "credit_grade") {
            "" => Some(CreditGrade::B),
            v => CreditGrade::parse(v),
        };
        let status = match t.get(r, "status") {
            "" => Some(EntityStatus::Operating),
            v => EntityStatus::parse(v),
        };
        if risk.is_none() {
            errors.push(row_error(
                row,
                &t.header("risk_level"),
                "风险等级须为 低/中/高",
                "risk level must be low, medium or high",
            ));
        }
        if credit.is_none() {
            errors.push(row_error(
                row,
                &t.header("credit_grade"),
                "信用等级须为 A/B/C/D",
                "credit grade must be A, B, C or D",
            ));
        }
        if status.is_none() {
            errors.push(row_error(
                row,
                &t.header("status"),
                "经营状态须为 在营/停业/注销",
                "status must be operating, suspended or closed",
            ));
        }
        let permit_no = t.get(r, "permit_no");
        let permits_json = if permit_no.is_empty() {
            "[]".to_owned()
        } else {
            let valid_to = t.get(r, "permit_valid_to");
            let date = parse_date(valid_to);
            if date.is_none() {
                errors.push(row_error(
                    row,
                    &t.header("permit_valid_to"),
                    format!("许可有效期“{valid_to}”不是有效日期（YYYY-MM-DD）"),
                    format!("permit valid-to '{valid_to}' is not a real date (YYYY-MM-DD)"),
                ));
            }
            serde_json::json!([{ "number": permit_no, "item": t.get(r, "permit_item"), "valid_to": date.map(|d| d.to_string()) }]).to_string()
        };
        rows.push(EntityRow {
            agency_id,
            uscc,
            name,
            legal_rep,
            address,
            region_code,
            domains,
            risk_level: risk.map_or("", RiskLevel::code).to_owned(),
            credit_grade: credit.map_or("", CreditGrade::code).to_owned(),
            status: status.map_or("", EntityStatus::code).to_owned(),
            permits_json,
        });
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

fn parse_officers(
    t: &Table,
    agency_id: i64,
) -> Result<Vec<(OfficerRow, Option<CredentialRow>)>, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(t.records.len());
    let mut seen_staff: HashMap<String, usize> = HashMap::new();
    let mut seen_credential: HashMap<String, usize> = HashMap::new();
    for (i, r) in t.records.iter().enumerate() {
        let row = i + 2;
        let staff_no = t.get(r, "staff_no").to_owned();
        if staff_no.is_empty()
            || staff_no.len() > 32
            || !staff_no
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            errors.push(row_error(
                row,
                &t.header("staff_no"),
                "工号须为 1–32 位字母、数字或 -",
                "staff number must be 1–32 of A-Z, 0-9, '-'",
            ));
        } else if let Some(first) = seen_staff.insert(staff_no.clone(), row) {
            errors.push(row_error(
                row,
                &t.header("staff_no"),
                format!("工号 {staff_no} 与第 {first} 行重复"),
                format!("staff number {staff_no} repeats row {first}"),
            ));
        }
        let name = text_field(&mut errors, t, r, row, "name", 20, true);
        let posts = text_field(&mut errors, t, r, row, "posts", 50, false);
        let domains = domains_field(&mut errors, t, r, row);
        let number = t.get(r, "credential_number").to_owned();
        let credential = if number.is_empty() {
            None
        } else {
            if let Some(first) = seen_credential.insert(number.clone(), row) {
                errors.push(row_error(
                    row,
                    &t.header("credential_number"),
                    format!("执法证号 {number} 与第 {first} 行重复"),
                    format!("credential number {number} repeats row {first}"),
                ));
            }
            let issuing_body = text_field(&mut errors, t, r, row, "issuing_body", 60, true);
            let area = text_field(&mut errors, t, r, row, "area", 60, true);
            let mut date = |code: &str| {
                let v = t.get(r, code);
                let d = parse_date(v);
                if d.is_none() {
                    let h = t.header(code);
                    errors.push(row_error(
                        row,
                        &h,
                        format!("“{h}”的值“{v}”不是有效日期（YYYY-MM-DD）"),
                        format!("'{h}' value '{v}' is not a real date (YYYY-MM-DD)"),
                    ));
                }
                d
            };
            let from = date("valid_from");
            let to = date("valid_to");
            if let (Some(f), Some(t2)) = (from, to)
                && t2 < f
            {
                errors.push(row_error(
                    row,
                    &t.header("valid_to"),
                    format!("有效期止 {t2} 早于有效期起 {f}"),
                    format!("credential ends ({t2}) before it starts ({f})"),
                ));
            }
            let review = match t.get(r, "last_review_year") {
                "" => None,
                v => match v.parse::<i64>() {
                    Ok(y) if (2000..=2100).contains(&y) => Some(y),
                    _ => {
                        errors.push(row_error(
                            row,
                            &t.header("last_review_year"),
                            format!("年审年度“{v}”须为 2000–2100 的年份"),
                            format!("review year '{v}' must be a year 2000–2100"),
                        ));
                        None
                    }
                },
            };
            let hours = match t.get(r, "training_hours") {
                "" => 0,
                v => match v.parse::<i64>() {
                    Ok(h) if (0..=2000).contains(&h) => h,
                    _ => {
                        errors.push(row_error(
                            row,
                            &t.header("training_hours"),
                            format!("培训学时“{v}”须为 0–2000 的整数"),
                            format!("training hours '{v}' must be a whole number 0–2000"),
                        ));
                        0
                    }
                },
            };
            Some(CredentialRow {
                number,
                issuing_body,
                area,
                valid_from: from.map(|d| d.to_string()).unwrap_or_default(),
                valid_to: to.map(|d| d.to_string()).unwrap_or_default(),
                last_review_year: review,
                training_hours: hours,
            })
        };
        rows.push((
            OfficerRow {
                agency_id,
                staff_no,
                name,
                posts,
                domains,
            },
            credential,
        ));
        if errors.len() >= ROW_ERRORS_MAX {
            break;
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// Import a file into the actor's scope: each row into the agency its 所属机构
/// column names, else its record's, else the actor's. A row naming an agency
/// outside the scope, or matching a record of one, rejects the whole file.
/// `progress(done, total)` is called as rows are written.
pub async fn import(
    app: &App,
    actor: &Actor,
    kind: ImportKind,
    file_name: &str,
    bytes: &[u8],
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<ImportOutcome, ImportFailure> {
    authorize(actor, Action::ManageRegistry, None).map_err(AppError::from)?;
    if bytes.len() > IMPORT_BYTES_MAX {
        return Err(AppError::invalid(
            "file",
            format!("文件超过 {IMPORT_BYTES_MAX} 字节"),
            format!("file exceeds {IMPORT_BYTES_MAX} bytes"),
        )
        .into());
    }
    let text = if crate::sheets::is_xlsx(bytes) {
        crate::sheets::xlsx_to_csv(bytes)
    } else {
        decode_text(bytes)
    }
    .map_err(|e| ImportFailure::Rejected(vec![e]))?;
    let file_sha256 = hex::encode(sha2::Sha256::digest(bytes));
    let now = app.now_us();
    let mut outcome = ImportOutcome::default();
    let count = |change: Change, outcome: &mut ImportOutcome| match change {
        Change::Inserted => outcome.inserted += 1,
        Change::Updated => outcome.updated += 1,
        Change::Unchanged => outcome.unchanged += 1,
    };
    let agencies = scope::Agencies::load(app, actor).await?;
    let mut tx = app.db.begin().await?;
    // Power-list adjustments are recorded one by one (with reason and document) in the import's event.
    let mut adjustments: Vec<serde_json::Value> = Vec::new();
    // (record key, change) of every row, for each record's history.
    let mut touched: Vec<(String, Change)> = Vec::new();
    let rejected = ImportFailure::Rejected;
    // Every row is placed in the importer's scope before anything is written.
    let table_of =
        |columns: &'static [Column]| -> Result<(Table, Vec<Option<i64>>), ImportFailure> {
            let table = parse_table(&text, columns).map_err(rejected)?;
            let named = agencies.column(&table).map_err(rejected)?;
            Ok((table, named))
        };
    let refuse_any = |errors: Vec<RowError>| {
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ImportFailure::Rejected(errors))
        }
    };
    match kind {
        ImportKind::Entities => {
            let (table, named) = table_of(ENTITY_COLUMNS)?;
            let mut rows = parse_entities(&table, actor.agency_id).map_err(rejected)?;
            refuse_any(
                scope::place_entities(&mut tx, &agencies, &table, &named, &mut rows).await?,
            )?;
            outcome.rows = rows.len();
            let total = rows.len();
            let changes =
                registry::upsert_entities(&mut tx, &rows, now, &|done| progress(done, total))
                    .await?;
            for (row, change) in rows.iter().zip(changes) {
                count(change, &mut outcome);
                touched.push((row.uscc.clone(), change));
            }
        }
        ImportKind::SpotChecks => {
            let (table, named) = table_of(SPOT_CHECK_COLUMNS)?;
            let mut rows = parse_spot_checks(&table, actor.agency_id).map_err(rejected)?;
            scope::set_named(&named, rows.iter_mut().map(|r| &mut r.agency_id));
            outcome.rows = rows.len();
            for row in &rows {
                let change = registry::upsert_spot_check(&mut tx, row, now).await?;
                count(change, &mut outcome);
                touched.push((format!("{}:{}", row.agency_id, row.code), change));
            }
        }
        ImportKind::Recusals => {
            let (officers, _) = registry::list_officers(
                &app.db,
                &actor.agency_path,
                "",
                0,
                registry::ROWS_PER_QUERY_MAX,
            )
            .await?;
            let staff: Vec<String> = officers.into_iter().map(|o| o.staff_no).collect();
            let (table, named) = table_of(RECUSAL_COLUMNS)?;
            let mut rows = parse_recusals(&table, actor.agency_id, &staff).map_err(rejected)?;
            refuse_any(
                scope::place_recusals(&mut tx, &agencies, &table, &named, &mut rows).await?,
            )?;
            outcome.rows = rows.len();
            for row in &rows {
                count(
                    registry::upsert_recusal(&mut tx, row, now).await?,
                    &mut outcome,
                );
            }
        }
        ImportKind::Discretion => {
            let penalty_codes: Vec<String> = registry::list_powers(&app.db, &actor.agency_path, "")
                .await?
                .into_iter()
                .filter(|p| p.kind == "penalty" && p.status == "published")
                .map(|p| p.code)
                .collect();
            let (table, named) = table_of(DISCRETION_COLUMNS)?;
            let mut rows =
                parse_discretion(&table, actor.agency_id, &penalty_codes).map_err(rejected)?;
            scope::set_named(&named, rows.iter_mut().map(|r| &mut r.agency_id));
            outcome.rows = rows.len();
            for row in &rows {
                let change = registry::upsert_discretion(&mut tx, row, now).await?;
                count(change, &mut outcome);
                touched.push((format!("{}:{}", row.agency_id, row.power_code), change));
            }
        }
        ImportKind::NoPenalty => {
            let penalty_codes: Vec<String> = registry::list_powers(&app.db, &actor.agency_path, "")
                .await?
                .into_iter()
                .filter(|p| p.kind == "penalty" && p.status == "published")
                .map(|p| p.code)
                .collect();
            let (table, named) = table_of(NO_PENALTY_COLUMNS)?;
            let mut rows =
                parse_no_penalty(&table, actor.agency_id, &penalty_codes).map_err(rejected)?;
            scope::set_named(&named, rows.iter_mut().map(|r| &mut r.agency_id));
            outcome.rows = rows.len();
            for row in &rows {
                let change = registry::upsert_no_penalty(&mut tx, row, now).await?;
                count(change, &mut outcome);
                touched.push((format!("{}:{}", row.agency_id, row.power_code), change));
            }
        }
        ImportKind::Powers => {
            let (table, named) = table_of(POWER_COLUMNS)?;
            let mut changes = parse_powers(&table, actor.agency_id).map_err(rejected)?;
            scope::set_named(&named, changes.iter_mut().map(|c| &mut c.row.agency_id));
            // A row without an adjustment (an exported row) must leave its item as it is.
            let mut errors = Vec::new();
            for (i, c) in changes.iter().enumerate() {
                if c.adjustment.is_some() {
                    continue;
                }
                let stored =
                    fazhi_store::registry_owners::power_item(&mut tx, c.row.agency_id, &c.row.code)
                        .await?;
                let same = stored.is_some_and(|p| {
                    (&p.kind, &p.name, &p.legal_basis, &p.unit)
                        == (&c.row.kind, &c.row.name, &c.row.legal_basis, &c.row.unit)
                        && c.status.is_none_or(|s| s == p.status)
                });
                if !same {
                    errors.push(row_error(
                        i + 2,
                        "调整类型",
                        format!("事项 {} 是新增或有改动的事项：须填写调整类型（新增/变更/下放/取消）、调整理由和文号", c.row.code),
                        format!("item {} is new or changed: give its adjustment (added, changed, delegated_down, removed), reason and document", c.row.code),
                    ));
                }
            }
            refuse_any(errors)?;
            outcome.rows = changes.len();
            for c in &changes {
                let Some(adjustment) = c.adjustment else {
                    touched.push((
                        format!("{}:{}", c.row.agency_id, c.row.code),
                        Change::Unchanged,
                    ));
                    count(Change::Unchanged, &mut outcome);
                    continue;
                };
                let (_, change) =
                    registry::upsert_power(&mut tx, &c.row, &c.reason, &c.document, now).await?;
                touched.push((format!("{}:{}", c.row.agency_id, c.row.code), change));
                if change != Change::Unchanged {
                    adjustments.push(serde_json::json!({
                        "code": c.row.code, "adjustment": adjustment.code(), "reason": c.reason, "document": c.document,
                    }));
                }
                count(change, &mut outcome);
            }
        }
        ImportKind::Officers => {
            let (table, named) = table_of(OFFICER_COLUMNS)?;
            let mut rows = parse_officers(&table, actor.agency_id).map_err(rejected)?;
            refuse_any(
                scope::place_officers(&mut tx, &agencies, &table, &named, &mut rows).await?,
            )?;
            outcome.rows = rows.len();
            for (i, (officer, credential)) in rows.iter().enumerate() {
                let (id, mut change) = registry::upsert_officer(&mut tx, officer, now).await?;
                if let Some(cr) = credential {
                    let c = registry::upsert_credential(&mut tx, id, cr, now).await?;
                    if change == Change::Unchanged && c != Change::Unchanged {
                        change = Change::Updated;
                    }
                }
                count(change, &mut outcome);
                touched.push((officer.staff_no.clone(), change));
                if i % 1000 == 0 {
                    progress(i, rows.len());
                }
            }
        }
    }
    progress(outcome.rows, outcome.rows);
    if outcome.inserted + outcome.updated == 0 {
        tx.rollback().await?;
        return Ok(outcome);
    }
    let event = app.log(
        &mut tx,
        Some(actor.user_id),
        Some(actor.agency_id),
        EventKind::RegistryImported,
        format!("registry:{}", kind.code()),
        serde_json::json!({
            "kind": kind.code(), "file_name": file_name, "file_sha256": file_sha256,
            "rows": outcome.rows, "inserted": outcome.inserted, "updated": outcome.updated, "unchanged": outcome.unchanged,
            "adjustments": adjustments,
        }),
    )
    .await?;
    if let Some(record_kind) = kind.record_kind() {
        fazhi_store::history::record(&mut tx, record_kind, &touched, event.id).await?;
    }
    tx.commit().await?;
    if outcome.inserted >= BULK_IMPORT_ROWS {
        app.db.refresh_statistics().await?;
    }
    Ok(outcome)
}

/// Inserted rows from which an import refreshes the planner's statistics
/// (a registry of this size or larger changes the best query plans).
const BULK_IMPORT_ROWS: usize = 10_000;

/// Rows per page on registry lists.
pub const REGISTRY_PAGE_ROWS: i64 = 50;

pub async fn list_entities(
    app: &App,
    actor: &Actor,
    search: &str,
    domain: Option<SupervisionDomain>,
    page: i64,
) -> Result<(Vec<registry::EntityListed>, i64), AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let offset = (page.max(1) - 1) * REGISTRY_PAGE_ROWS;
    Ok(registry::list_entities(
        &app.db,
        &actor.agency_path,
        search.trim(),
        domain.map(|d| d.code()),
        offset,
        REGISTRY_PAGE_ROWS,
    )
    .await?)
}

pub async fn list_officers(
    app: &App,
    actor: &Actor,
    search: &str,
    page: i64,
) -> Result<(Vec<registry::OfficerListed>, i64), AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let offset = (page.max(1) - 1) * REGISTRY_PAGE_ROWS;
    Ok(registry::list_officers(
        &app.db,
        &actor.agency_path,
        search.trim(),
        offset,
        REGISTRY_PAGE_ROWS,
    )
    .await?)
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

/// Beijing-time civil date of now (credential status is decided per day).
pub fn today_cst(app: &App) -> jiff::civil::Date {
    let offset = jiff::tz::Offset::constant(8);
    jiff::Timestamp::from_microsecond(app.now_us())
        .map(|ts| ts.to_zoned(jiff::tz::TimeZone::fixed(offset)).date())
        .unwrap_or(jiff::civil::Date::ZERO)
}

/// 持证率 and average training hours of the officers in scope.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OfficerStats {
    pub officers: usize,
    /// Officers whose newest credential lets them enforce today.
    pub certified: usize,
    pub average_training_hours: f64,
}

impl OfficerStats {
    pub fn certified_rate(&self) -> f64 {
        if self.officers == 0 {
            0.0
        } else {
            self.certified as f64 / self.officers as f64
        }
    }
}

pub fn credential_status_of(
    valid_from: Option<&str>,
    valid_to: Option<&str>,
    last_review_year: Option<i64>,
    today: jiff::civil::Date,
) -> Option<fazhi_domain::registry::CredentialStatus> {
    let from = parse_date(valid_from?)?;
    let to = parse_date(valid_to?)?;
    let review = last_review_year.and_then(|y| i16::try_from(y).ok());
    Some(fazhi_domain::registry::credential_status(
        from, to, review, today,
    ))
}

pub async fn officer_stats(app: &App, actor: &Actor) -> Result<OfficerStats, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let today = today_cst(app);
    let rows = registry::credential_summary(&app.db, &actor.agency_path).await?;
    let certified = rows
        .iter()
        .filter(|(from, to, review, _)| {
            credential_status_of(from.as_deref(), to.as_deref(), *review, today)
                .is_some_and(|s| s.may_enforce())
        })
        .count();
    let hours: i64 = rows.iter().map(|r| r.3.unwrap_or(0)).sum();
    Ok(OfficerStats {
        officers: rows.len(),
        certified,
        average_training_hours: if rows.is_empty() {
            0.0
        } else {
            hours as f64 / rows.len() as f64
        },
    })
}

/// Rows exported at most in one file.
pub const EXPORT_ROWS_MAX: i64 = 1_000_000;

fn sheet(
    name: &'static str,
    header: &[&'static str],
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<Sheet, AppError> {
    Ok(Sheet {
        name,
        header: header.to_vec(),
        rows: rows.collect(),
    })
}

fn domain_names(codes: &str) -> String {
    codes
        .split(',')
        .filter_map(SupervisionDomain::parse)
        .map(|d| d.name_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// The filtered entity list as CSV with the import's column names (so the
/// file can be edited and imported again).
pub async fn export_entities(
    app: &App,
    actor: &Actor,
    search: &str,
    domain: Option<SupervisionDomain>,
) -> Result<Sheet, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) = registry::list_entities(
        &app.db,
        &actor.agency_path,
        search.trim(),
        domain.map(|d| d.code()),
        0,
        EXPORT_ROWS_MAX,
    )
    .await?;
    sheet(
        "单位",
        &[
            "统一社会信用代码",
            "单位名称",
            "法定代表人",
            "地址",
            "行政区划代码",
            "专业",
            "风险等级",
            "信用等级",
            "经营状态",
            "所属机构",
        ],
        rows.into_iter().map(|e| {
            vec![
                e.uscc,
                e.name,
                e.legal_rep,
                e.address,
                e.region_code,
                domain_names(&e.domains),
                RiskLevel::parse(&e.risk_level)
                    .map_or(e.risk_level.clone(), |r| r.name_zh().to_owned()),
                e.credit_grade,
                EntityStatus::parse(&e.status).map_or(e.status.clone(), |s| s.name_zh().to_owned()),
                e.agency_name,
            ]
        }),
    )
}

pub async fn export_officers(app: &App, actor: &Actor, search: &str) -> Result<Sheet, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) = registry::list_officers(
        &app.db,
        &actor.agency_path,
        search.trim(),
        0,
        EXPORT_ROWS_MAX,
    )
    .await?;
    let today = today_cst(app);
    sheet(
        "执法人员",
        &[
            "工号",
            "姓名",
            "岗位",
            "执法领域",
            "执法证号",
            "发证机关",
            "执法区域",
            "有效期起",
            "有效期止",
            "年审年度",
            "培训学时",
            "证件状态",
            "所属机构",
        ],
        rows.into_iter().map(|o| {
            let status = credential_status_of(
                o.valid_from.as_deref(),
                o.valid_to.as_deref(),
                o.last_review_year,
                today,
            )
            .map_or("无证", |s| s.name_zh());
            vec![
                o.staff_no,
                o.name,
                o.posts,
                domain_names(&o.domains),
                o.credential_number.unwrap_or_default(),
                o.issuing_body.unwrap_or_default(),
                o.area.unwrap_or_default(),
                o.valid_from.unwrap_or_default(),
                o.valid_to.unwrap_or_default(),
                o.last_review_year
                    .map(|y| y.to_string())
                    .unwrap_or_default(),
                o.training_hours.map(|h| h.to_string()).unwrap_or_default(),
                status.to_owned(),
                o.agency_name,
            ]
        }),
    )
}

/// Published power items of the scope by kind (what the annual report quotes).
pub async fn power_counts(
    app: &App,
    actor: &Actor,
) -> Result<Vec<(fazhi_domain::registry::PowerKind, i64)>, AppError> {
    use fazhi_domain::registry::PowerKind;
    authorize(actor, Action::ViewRegistry, None)?;
    let items = registry::list_powers(&app.db, &actor.agency_path, "").await?;
    Ok(PowerKind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                items
                    .iter()
                    .filter(|p| p.kind == k.code() && p.status == "published")
                    .count() as i64,
            )
        })
        .collect())
}

pub async fn list_powers(
    app: &App,
    actor: &Actor,
    search: &str,
) -> Result<Vec<registry::PowerListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_powers(&app.db, &actor.agency_path, search.trim()).await?)
}

pub async fn list_discretion(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::DiscretionListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_discretion(&app.db, &actor.agency_path).await?)
}

pub async fn list_spot_checks(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::SpotCheckRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_spot_checks(&app.db, &actor.agency_path).await?)
}

pub async fn list_recusals(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::RecusalRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_recusals(&app.db, &actor.agency_path).await?)
}

fn yuan_text(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, (fen % 100).abs())
    }
}

/// The power list (all statuses) as a sheet with the import's column names.
pub async fn export_powers(app: &App, actor: &Actor, search: &str) -> Result<Sheet, AppError> {
    use fazhi_domain::registry::PowerKind;
    let rows = list_powers(app, actor, search).await?;
    sheet(
        "权责清单",
        &[
            "事项编码",
            "权力类型",
            "事项名称",
            "实施依据",
            "承办机构",
            "状态",
            "版本",
            "最近文号",
            "所属机构",
        ],
        rows.into_iter().map(|p| {
            vec![
                p.code,
                PowerKind::parse(&p.kind).map_or(p.kind.clone(), |k| k.name_zh().to_owned()),
                p.name,
                p.legal_basis,
                p.unit,
                power_status_name(&p.status).to_owned(),
                p.version.to_string(),
                p.last_document,
                p.agency_name,
            ]
        }),
    )
}

pub async fn export_discretion(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    use fazhi_domain::registry::Circumstance;
    let rows = list_discretion(app, actor).await?;
    sheet(
        "裁量基准",
        &[
            "事项编码",
            "情节",
            "罚款下限（元）",
            "罚款上限（元）",
            "其他处罚",
            "情节描述",
            "依据",
            "版本",
            "所属机构",
        ],
        rows.into_iter().map(|d| {
            vec![
                d.power_code,
                Circumstance::parse(&d.circumstance)
                    .map_or(d.circumstance.clone(), |c| c.name_zh().to_owned()),
                yuan_text(d.fine_min_fen),
                yuan_text(d.fine_max_fen),
                d.other_penalties,
                d.description,
                d.citation,
                d.version.to_string(),
                d.agency_name,
            ]
        }),
    )
}

pub async fn list_no_penalty(
    app: &App,
    actor: &Actor,
) -> Result<Vec<registry::NoPenaltyRow>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    Ok(registry::list_no_penalty(&app.db, &actor.agency_path).await?)
}

pub async fn export_no_penalty(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    let rows = list_no_penalty(app, actor).await?;
    let agencies = scope::Agencies::load(app, actor).await?;
    sheet(
        "不予处罚清单",
        &[
            "权力编码",
            "清单类型",
            "违法行为",
            "适用条件",
            "依据",
            "生效日期",
            "所属机构",
        ],
        rows.into_iter().map(|n| {
            vec![
                n.power_code,
                no_penalty_kind_name(&n.kind).to_owned(),
                n.conduct,
                n.conditions,
                n.basis,
                n.effective_from,
                agencies.name_of(n.agency_id),
            ]
        }),
    )
}

pub async fn export_spot_checks(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    let rows = list_spot_checks(app, actor).await?;
    let agencies = scope::Agencies::load(app, actor).await?;
    sheet(
        "随机抽查事项清单",
        &[
            "事项编码",
            "抽查事项",
            "专业",
            "检查依据",
            "检查对象",
            "检查内容",
            "检查方式",
            "所属机构",
        ],
        rows.into_iter().map(|s| {
            vec![
                s.code,
                s.name,
                domain_names(&s.domain),
                s.basis,
                s.object,
                s.content,
                s.method,
                agencies.name_of(s.agency_id),
            ]
        }),
    )
}

pub async fn export_recusals(app: &App, actor: &Actor) -> Result<Sheet, AppError> {
    let rows = list_recusals(app, actor).await?;
    let agencies = scope::Agencies::load(app, actor).await?;
    sheet(
        "回避关系",
        &[
            "工号",
            "统一社会信用代码",
            "自然人姓名",
            "回避理由",
            "所属机构",
        ],
        rows.into_iter().map(|r| {
            let (uscc, person) = match r.party_key.split_once(':') {
                Some(("uscc", v)) => (v.to_owned(), String::new()),
                Some(("person", v)) => (String::new(), v.to_owned()),
                _ => (r.party_key.clone(), String::new()),
            };
            vec![
                r.staff_no,
                uscc,
                person,
                r.reason,
                agencies.name_of(r.agency_id),
            ]
        }),
    )
}

/// A record's page: its current values, version for the edit form's
/// conflict check, and every event that changed it.
#[derive(Debug, Clone)]
pub struct RecordPage<T> {
    pub record: T,
    /// Extra stored text (an entity's permits as JSON).
    pub extra: String,
    pub version: i64,
    pub history: Vec<fazhi_store::history::HistoryEntry>,
}

const ENTITY_NOUN: (&str, &str) = ("单位", "entity");
const OFFICER_NOUN: (&str, &str) = ("执法人员", "officer");

pub async fn entity_page(
    app: &App,
    actor: &Actor,
    uscc: &str,
) -> Result<RecordPage<registry::EntityListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let Some((record, permits_json)) =
        registry::get_entity(&app.db, &actor.agency_path, uscc).await?
    else {
        return Err(AppError::NotFound {
            zh: ENTITY_NOUN.0,
            en: ENTITY_NOUN.1,
        });
    };
    let version = fazhi_store::history::version(&app.db, "entity", uscc).await?;
    let history = fazhi_store::history::of_record(&app.db, "entity", uscc).await?;
    Ok(RecordPage {
        record,
        extra: permits_json,
        version,
        history,
    })
}

pub async fn officer_page(
    app: &App,
    actor: &Actor,
    staff_no: &str,
) -> Result<RecordPage<registry::OfficerListed>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let Some(record) = registry::get_officer(&app.db, &actor.agency_path, staff_no).await? else {
        return Err(AppError::NotFound {
            zh: OFFICER_NOUN.0,
            en: OFFICER_NOUN.1,
        });
    };
    let version = fazhi_store::history::version(&app.db, "officer", staff_no).await?;
    let history = fazhi_store::history::of_record(&app.db, "officer", staff_no).await?;
    Ok(RecordPage {
        record,
        extra: String::new(),
        version,
        history,
    })
}

/// The fields of one record, validated by the import's own rules: a one-row
/// table with the import's columns. Errors name the form field.
fn one_row_table(columns: &'static [Column], fields: &[(&'static str, &str)]) -> Table {
    let mut index = HashMap::new();
    let mut headers = Vec::new();
    let mut record = csv::StringRecord::new();
    for (i, col) in columns.iter().enumerate() {
        index.insert(col.code, i);
        headers.push(col.headers[0].to_owned());
        record.push_field(
            fields
                .iter()
                .find(|(code, _)| *code == col.code)
                .map_or("", |(_, v)| v),
        );
    }
    Table {
        index,
        headers,
        records: vec![record],
    }
}

fn form_error(columns: &'static [Column], errors: Vec<RowError>) -> AppError {
    let field = errors
        .first()
        .and_then(|e| columns.iter().find(|c| c.headers[0] == e.column))
        .map_or("form", |c| c.code);
    AppError::invalid(
        field,
        errors
            .iter()
            .map(|e| e.message_zh.clone())
            .collect::<Vec<_>>()
            .join("；"),
        errors
            .iter()
            .map(|e| e.message_en.clone())
            .collect::<Vec<_>>()
            .join("; "),
    )
}

fn stale_record() -> AppError {
    AppError::Conflict {
        zh: "该记录在您打开表单后已被他人修改，未保存；请重新打开后再改".into(),
        en: "someone changed this record after you opened the form; nothing was saved — reopen it and edit again".into(),
    }
}

/// An entity edit form. The USCC is the record's key and cannot change.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EntityEdit {
    pub name: String,
    pub legal_rep: String,
    pub address: String,
    pub region_code: String,
    /// Domain names or codes, separated by 、 , ; or spaces.
    pub domains: String,
    pub risk_level: String,
    pub credit_grade: String,
    pub status: String,
    #[serde(default)]
    pub permit_no: String,
    #[serde(default)]
    pub permit_item: String,
    #[serde(default)]
    pub permit_valid_to: String,
    /// The record's version when the form was shown (see
    /// `fazhi_store::history::version`).
    pub version: i64,
}

/// Edit one entity: same validation as its import, refused if the record
/// changed since the form was shown, one event, one history line.
pub async fn edit_entity(
    app: &App,
    actor: &Actor,
    uscc: &str,
    edit: &EntityEdit,
) -> Result<Change, AppError> {
    authorize(actor, Action::ManageRegistry, None)?;
    if registry::get_entity(&app.db, &actor.agency_path, uscc)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound {
            zh: ENTITY_NOUN.0,
            en: ENTITY_NOUN.1,
        });
    }
    let mut tx = app.db.begin().await?;
    let Some(current) = registry::entity_row(&mut tx, uscc).await? else {
        return Err(AppError::NotFound {
            zh: ENTITY_NOUN.0,
            en: ENTITY_NOUN.1,
        });
    };
    if fazhi_store::history::version_in(&mut tx, "entity", uscc).await? != edit.version {
        return Err(stale_record());
    }
    let table = one_row_table(
        ENTITY_COLUMNS,
        &[
            ("uscc", uscc),
            ("name", &edit.name),
            ("legal_rep", &edit.legal_rep),
            ("address", &edit.address),
            ("region_code", &edit.region_code),
            ("domains", &edit.domains),
            ("risk_level", &edit.risk_level),
            ("credit_grade", &edit.credit_grade),
            ("status", &edit.status),
            ("permit_no", &edit.permit_no),
            ("permit_item", &edit.permit_item),
            ("permit_valid_to", &edit.permit_valid_to),
        ],
    );
    let row = parse_entities(&table, current.agency_id)
        .map_err(|e| form_error(ENTITY_COLUMNS, e))?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal("one-row table parsed to nothing".into()))?;
    if row == current {
        tx.rollback().await?;
        return Ok(Change::Unchanged);
    }
    registry::upsert_entity(&mut tx, &row, app.now_us()).await?;
    let event = app
        .log(
            &mut tx,
            Some(actor.user_id),
            Some(actor.agency_id),
            EventKind::RegistryRecordEdited,
            format!("entity:{uscc}"),
            serde_json::json!({ "record_kind": "entity", "key": uscc, "before": current, "after": row }),
        )
        .await?;
    fazhi_store::history::record(
        &mut tx,
        "entity",
        &[(uscc.to_owned(), Change::Updated)],
        event.id,
    )
    .await?;
    tx.commit().await?;
    Ok(Change::Updated)
}

/// An officer edit form: the officer's fields and its newest credential.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OfficerEdit {
    pub name: String,
    #[serde(default)]
    pub posts: String,
    pub domains: String,
    #[serde(default)]
    pub credential_number: String,
    #[serde(default)]
    pub issuing_body: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub last_review_year: String,
    #[serde(default)]
    pub training_hours: String,
    pub version: i64,
}

pub async fn edit_officer(
    app: &App,
    actor: &Actor,
    staff_no: &str,
    edit: &OfficerEdit,
) -> Result<Change, AppError> {
    authorize(actor, Action::ManageRegistry, None)?;
    let Some(listed) = registry::get_officer(&app.db, &actor.agency_path, staff_no).await? else {
        return Err(AppError::NotFound {
            zh: OFFICER_NOUN.0,
            en: OFFICER_NOUN.1,
        });
    };
    let mut tx = app.db.begin().await?;
    let Some(current) = registry::officer_row(&mut tx, staff_no).await? else {
        return Err(AppError::NotFound {
            zh: OFFICER_NOUN.0,
            en: OFFICER_NOUN.1,
        });
    };
    if fazhi_store::history::version_in(&mut tx, "officer", staff_no).await? != edit.version {
        return Err(stale_record());
    }
    let table = one_row_table(
        OFFICER_COLUMNS,
        &[
            ("staff_no", staff_no),
            ("name", &edit.name),
            ("posts", &edit.posts),
            ("domains", &edit.domains),
            ("credential_number", &edit.credential_number),
            ("issuing_body", &edit.issuing_body),
            ("area", &edit.area),
            ("valid_from", &edit.valid_from),
            ("valid_to", &edit.valid_to),
            ("last_review_year", &edit.last_review_year),
            ("training_hours", &edit.training_hours),
        ],
    );
    let (officer, credential) = parse_officers(&table, current.agency_id)
        .map_err(|e| form_error(OFFICER_COLUMNS, e))?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal("one-row table parsed to nothing".into()))?;
    let now = app.now_us();
    let (id, mut change) = registry::upsert_officer(&mut tx, &officer, now).await?;
    if let Some(cr) = &credential {
        let c = registry::upsert_credential(&mut tx, id, cr, now).await?;
        if c != Change::Unchanged {
            change = Change::Updated;
        }
    }
    if change == Change::Unchanged {
        tx.rollback().await?;
        return Ok(Change::Unchanged);
    }
    let event = app
        .log(
            &mut tx,
            Some(actor.user_id),
            Some(actor.agency_id),
            EventKind::RegistryRecordEdited,
            format!("officer:{staff_no}"),
            serde_json::json!({
                "record_kind": "officer", "key": staff_no,
                "before": { "officer": current, "credential_number": listed.credential_number, "valid_to": listed.valid_to },
                "after": { "officer": officer, "credential": credential },
            }),
        )
        .await?;
    fazhi_store::history::record(
        &mut tx,
        "officer",
        &[(staff_no.to_owned(), Change::Updated)],
        event.id,
    )
    .await?;
    tx.commit().await?;
    Ok(Change::Updated)
}

/// Entity names by id, in scope (for tables of drawn entities).
pub async fn entity_names(app: &App, actor: &Actor) -> Result<HashMap<i64, String>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) =
        registry::list_entities(&app.db, &actor.agency_path, "", None, 0, EXPORT_ROWS_MAX).await?;
    Ok(rows.into_iter().map(|e| (e.id, e.name)).collect())
}

/// Officer names with credential numbers by id, in scope.
pub async fn officer_names(app: &App, actor: &Actor) -> Result<HashMap<i64, String>, AppError> {
    authorize(actor, Action::ViewRegistry, None)?;
    let (rows, _) =
        registry::list_officers(&app.db, &actor.agency_path, "", 0, EXPORT_ROWS_MAX).await?;
    Ok(rows
        .into_iter()
        .map(|o| {
            (
                o.id,
                format!("{}（{}）", o.name, o.credential_number.unwrap_or_default()),
            )
        })
        .collect())
}
