//! Column definitions and row parsers of the registry tables (powers,
//! discretion, spot checks, no-penalty lists, recusals).

use super::*;

pub(super) const ENTITY_COLUMNS: &[Column] = &[
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

pub(super) const OFFICER_COLUMNS: &[Column] = &[
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

pub(super) const POWER_COLUMNS: &[Column] = &[
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

pub(super) const DISCRETION_COLUMNS: &[Column] = &[
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

pub(super) fn parse_discretion(
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

pub(super) const SPOT_CHECK_COLUMNS: &[Column] = &[
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

pub(super) fn parse_spot_checks(
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

pub(super) const NO_PENALTY_COLUMNS: &[Column] = &[
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

pub(super) fn parse_no_penalty(
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

pub(super) const RECUSAL_COLUMNS: &[Column] = &[
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

pub(super) fn parse_recusals(
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
pub(super) struct PowerChange {
    pub(super) row: fazhi_store::registry::PowerRow,
    pub(super) adjustment: Option<fazhi_domain::registry::PowerAdjustment>,
    pub(super) status: Option<&'static str>,
    pub(super) reason: String,
    pub(super) document: String,
}

/// The stored status of a power item from the text an export writes.
pub(super) fn power_status(text: &str) -> Option<&'static str> {
    match text {
        "已公布" | "published" => Some("published"),
        "已下放" | "delegated" => Some("delegated"),
        "已取消" | "removed" => Some("removed"),
        _ => None,
    }
}

/// The text an export writes for a stored power status.
pub(super) fn power_status_name(status: &str) -> &'static str {
    match status {
        "published" => "已公布",
        "delegated" => "已下放",
        _ => "已取消",
    }
}

pub(super) fn parse_powers(t: &Table, agency_id: i64) -> Result<Vec<PowerChange>, Vec<RowError>> {
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
