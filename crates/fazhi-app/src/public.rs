//! The public portal's standing lists (政务公开): what anyone may read without
//! logging in, as tables that pages, CSV and JSON exports share.
//!
//! No function here takes an `Actor`: everything returned is public by
//! design, and only the public columns are ever read into a row (no staff
//! numbers, phones, ID numbers, findings, officer ids or free-text opinions).
//! Every row passes through [`publish`], the one place where
//! [`fazhi_domain::redact::redact_text`] masks what could still be personal
//! data in a text (an ID or phone number typed into a legal basis, an
//! address…), and the number of masks is counted so pages can say so.

use crate::{App, AppError};
use fazhi_domain::agency::AgencyPath;
use fazhi_domain::redact::{people_named_in, redact_text};
use fazhi_domain::registry::{Circumstance, PowerAdjustment, PowerKind, SupervisionDomain};
use fazhi_store::registry::ROWS_PER_QUERY_MAX;
use std::collections::{BTreeSet, HashMap};

/// One column of a public dataset, as the schema page documents it.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Column {
    /// Stable machine name (CSV header, JSON key).
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// `string`, `integer`, `date` (YYYY-MM-DD) or `list` (values joined by `、`).
    pub ty: &'static str,
    pub about_zh: &'static str,
    pub about_en: &'static str,
}

const fn col(
    key: &'static str,
    zh: &'static str,
    en: &'static str,
    ty: &'static str,
    about_zh: &'static str,
    about_en: &'static str,
) -> Column {
    Column {
        key,
        zh,
        en,
        ty,
        about_zh,
        about_en,
    }
}

/// A public dataset: its stable id (used in `/public/data/{id}.csv|json`),
/// names, the page that shows it and its columns.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Dataset {
    pub id: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub about_zh: &'static str,
    pub about_en: &'static str,
    /// The portal page that shows this dataset.
    pub page: &'static str,
    pub columns: &'static [Column],
}

pub const AGENCIES: Dataset = Dataset {
    id: "agencies",
    zh: "执法主体",
    en: "Agencies",
    about_zh: "卫生健康行政部门和卫生监督机构。",
    about_en: "Health commissions and health supervision bodies.",
    page: "/public/agencies",
    columns: &[
        col(
            "name",
            "名称",
            "Name",
            "string",
            "执法主体名称",
            "Agency name",
        ),
        col(
            "kind",
            "类型",
            "Kind",
            "string",
            "卫生健康委/局或卫生监督所",
            "Commission or supervision body",
        ),
        col(
            "level",
            "层级",
            "Level",
            "string",
            "国家、省、市、县级",
            "National, provincial, city or county",
        ),
        col(
            "region_code",
            "行政区划代码",
            "Region code",
            "string",
            "六位行政区划代码",
            "Six-digit administrative region code",
        ),
        col(
            "parent",
            "上级机关",
            "Parent",
            "string",
            "上级执法主体名称",
            "The agency above",
        ),
    ],
};

pub const POWERS: Dataset = Dataset {
    id: "powers",
    zh: "权责清单",
    en: "Power list",
    about_zh: "各执法主体的行政职权事项（现行版本，含已取消、已下放事项及其状态）。",
    about_en: "Each agency's administrative powers (current version, with removed and delegated items and their status).",
    page: "/public/powers",
    columns: &[
        col(
            "agency",
            "执法主体",
            "Agency",
            "string",
            "权责清单所属机关",
            "Agency the item belongs to",
        ),
        col(
            "code",
            "事项编码",
            "Code",
            "string",
            "事项编码",
            "Item code",
        ),
        col(
            "kind",
            "权力类型",
            "Kind",
            "string",
            "行政许可、行政处罚、行政检查等",
            "Licensing, penalty, inspection, …",
        ),
        col(
            "name",
            "事项名称",
            "Name",
            "string",
            "事项名称",
            "Item name",
        ),
        col(
            "legal_basis",
            "实施依据",
            "Legal basis",
            "string",
            "法律法规依据",
            "Statutory basis",
        ),
        col(
            "unit",
            "承办机构",
            "Unit",
            "string",
            "具体承办的机构",
            "Unit that carries it out",
        ),
        col(
            "status",
            "状态",
            "Status",
            "string",
            "已公布、已下放或已取消",
            "Published, delegated or removed",
        ),
        col(
            "version",
            "版本",
            "Version",
            "integer",
            "事项每调整一次加一",
            "Raised by one at each adjustment",
        ),
        col(
            "last_document",
            "最近文号",
            "Last document",
            "string",
            "最近一次调整的文件文号",
            "Document of the last adjustment",
        ),
    ],
};

pub const POWER_HISTORY: Dataset = Dataset {
    id: "power-history",
    zh: "权责清单调整记录",
    en: "Power list adjustments",
    about_zh: "权责清单的历次调整（新增、变更、下放、取消），即各历史版本的来由。",
    about_en: "Every adjustment of the power lists (added, changed, delegated, removed): how each past version came about.",
    page: "/public/powers",
    columns: &[
        col(
            "date",
            "调整日期",
            "Date",
            "date",
            "调整记入执法记录的日期（北京时间）",
            "Date the adjustment was logged (Beijing time)",
        ),
        col(
            "agency",
            "执法主体",
            "Agency",
            "string",
            "权责清单所属机关",
            "Agency the item belongs to",
        ),
        col(
            "code",
            "事项编码",
            "Code",
            "string",
            "事项编码",
            "Item code",
        ),
        col(
            "adjustment",
            "调整类型",
            "Adjustment",
            "string",
            "新增、变更、下放或取消",
            "Added, changed, delegated or removed",
        ),
        col("reason", "调整理由", "Reason", "string", "调整理由", "Why"),
        col(
            "document",
            "文号",
            "Document",
            "string",
            "调整依据的文件文号",
            "Document number",
        ),
        col(
            "event",
            "记录序号",
            "Log event",
            "integer",
            "执法记录中的事件序号，可在透明度页面核验",
            "Event number in the action log, checkable on the transparency page",
        ),
    ],
};

pub const OFFICERS: Dataset = Dataset {
    id: "officers",
    zh: "执法人员资格清单",
    en: "Officers' qualification list",
    about_zh: "持有执法证件的人员：姓名、执法证号、执法领域和证件状态，不含其他个人信息。",
    about_en: "Credentialed officers: name, credential number, domains and credential status; no other personal data.",
    page: "/public/officers",
    columns: &[
        col(
            "name",
            "姓名",
            "Name",
            "string",
            "执法人员姓名",
            "Officer's name",
        ),
        col(
            "credential_number",
            "执法证号",
            "Credential number",
            "string",
            "行政执法证件号码",
            "Enforcement credential number",
        ),
        col(
            "domains",
            "执法领域",
            "Domains",
            "list",
            "可从事执法的专业领域",
            "Enforcement domains",
        ),
        col(
            "agency",
            "所属机关",
            "Agency",
            "string",
            "所在执法主体",
            "Agency",
        ),
        col(
            "status",
            "证件状态",
            "Status",
            "string",
            "有效、即将到期、已过期、年审逾期或无证",
            "Valid, expiring, expired, review overdue or none",
        ),
    ],
};

pub const DISCRETION: Dataset = Dataset {
    id: "discretion",
    zh: "行政处罚裁量基准",
    en: "Discretion benchmarks",
    about_zh: "按违法情节划分的罚款幅度和其他处罚。",
    about_en: "Fine ranges and other penalties by circumstance.",
    page: "/public/discretion",
    columns: &[
        col(
            "power_code",
            "事项编码",
            "Power code",
            "string",
            "对应权责清单事项",
            "Power-list item",
        ),
        col(
            "power_name",
            "事项名称",
            "Power",
            "string",
            "事项名称",
            "Item name",
        ),
        col(
            "circumstance",
            "情节",
            "Circumstance",
            "string",
            "轻微、一般、较重、严重",
            "Minor, ordinary, serious, grave",
        ),
        col(
            "fine_min_yuan",
            "罚款下限（元）",
            "Fine from (yuan)",
            "string",
            "元，可含两位小数",
            "Yuan, up to two decimals",
        ),
        col(
            "fine_max_yuan",
            "罚款上限（元）",
            "Fine to (yuan)",
            "string",
            "元，可含两位小数",
            "Yuan, up to two decimals",
        ),
        col(
            "other_penalties",
            "其他处罚",
            "Other penalties",
            "string",
            "警告等",
            "Warning etc.",
        ),
        col(
            "description",
            "情节描述",
            "Description",
            "string",
            "适用情形",
            "When it applies",
        ),
        col(
            "citation",
            "依据",
            "Basis",
            "string",
            "法律依据",
            "Legal basis",
        ),
        col(
            "version",
            "版本",
            "Version",
            "integer",
            "每修改一次加一",
            "Raised at each change",
        ),
    ],
};

pub const NO_PENALTY: Dataset = Dataset {
    id: "no-penalty",
    zh: "不予处罚清单",
    en: "No-penalty list",
    about_zh: "首违不罚、轻微不罚、无过错不罚事项。",
    about_en: "First-violation, minor and no-fault items that are not penalised.",
    page: "/public/discretion",
    columns: &[
        col(
            "power_code",
            "事项编码",
            "Power code",
            "string",
            "对应权责清单事项",
            "Power-list item",
        ),
        col(
            "kind",
            "清单类型",
            "Kind",
            "string",
            "首违不罚、轻微不罚或无过错不罚",
            "First violation, minor or no fault",
        ),
        col(
            "conduct",
            "违法行为",
            "Conduct",
            "string",
            "违法行为",
            "The conduct",
        ),
        col(
            "conditions",
            "适用条件",
            "Conditions",
            "string",
            "适用条件",
            "Conditions",
        ),
        col(
            "basis",
            "依据",
            "Basis",
            "string",
            "法律依据",
            "Legal basis",
        ),
        col(
            "effective_from",
            "生效日期",
            "Effective from",
            "date",
            "本版本生效日期",
            "Date this version takes effect",
        ),
    ],
};

pub const SPOT_CHECKS: Dataset = Dataset {
    id: "spot-checks",
    zh: "随机抽查事项清单",
    en: "Spot-check items",
    about_zh: "“双随机、一公开”抽查事项。",
    about_en: "Items of random inspections.",
    page: "/public/spot-checks",
    columns: &[
        col(
            "code",
            "事项编码",
            "Code",
            "string",
            "抽查事项编码",
            "Item code",
        ),
        col(
            "name",
            "抽查事项",
            "Item",
            "string",
            "抽查事项名称",
            "Item name",
        ),
        col(
            "domains",
            "专业",
            "Domains",
            "list",
            "监督专业",
            "Supervision domains",
        ),
        col(
            "basis",
            "检查依据",
            "Basis",
            "string",
            "法律依据",
            "Legal basis",
        ),
        col(
            "object",
            "检查对象",
            "Object",
            "string",
            "被检查对象类型",
            "What is inspected",
        ),
        col(
            "content",
            "检查内容",
            "Content",
            "string",
            "检查内容",
            "What is checked",
        ),
        col("method", "检查方式", "Method", "string", "检查方式", "How"),
        col(
            "agency",
            "制定机关",
            "Agency",
            "string",
            "发布该事项的机关",
            "Agency",
        ),
    ],
};

pub const PLANS: Dataset = Dataset {
    id: "plans",
    zh: "随机抽查计划",
    en: "Random-inspection plans",
    about_zh: "抽查计划及其抽取记录；每次抽取可在 /draws/{编号} 公开复核。",
    about_en: "Inspection plans and their draws; each draw can be re-run publicly at /draws/{id}.",
    page: "/public/plans",
    columns: &[
        col("id", "编号", "Id", "integer", "计划编号", "Plan id"),
        col("year", "年度", "Year", "integer", "计划年度", "Plan year"),
        col(
            "level",
            "层级",
            "Level",
            "string",
            "国家、省、市、县级",
            "National, provincial, city or county",
        ),
        col(
            "name",
            "计划名称",
            "Name",
            "string",
            "计划名称",
            "Plan name",
        ),
        col(
            "item",
            "抽查事项",
            "Item",
            "string",
            "抽查事项编码",
            "Spot-check item code",
        ),
        col(
            "quota",
            "抽取户数",
            "Quota",
            "integer",
            "计划抽取的单位数",
            "Entities to draw",
        ),
        col("due", "完成期限", "Due", "date", "完成期限", "Due date"),
        col(
            "agency",
            "制定机关",
            "Agency",
            "string",
            "制定计划的机关",
            "Agency",
        ),
        col(
            "draws",
            "抽取记录",
            "Draws",
            "list",
            "已完成抽取的编号，公开记录见 /draws/{编号}",
            "Ids of completed draws; public record at /draws/{id}",
        ),
    ],
};

pub const INSPECTIONS: Dataset = Dataset {
    id: "inspections",
    zh: "抽查结果",
    en: "Inspection results",
    about_zh: "已完成的随机抽查结果：被检查单位、统一社会信用代码、检查日期、结果和计划。不含检查发现的具体内容。",
    about_en: "Results of completed random inspections: entity, USCC, date, result and plan. Findings are not published here.",
    page: "/public/inspections",
    columns: &[
        col(
            "entity",
            "被检查单位",
            "Entity",
            "string",
            "单位名称",
            "Entity name",
        ),
        col(
            "uscc",
            "统一社会信用代码",
            "USCC",
            "string",
            "18 位统一社会信用代码",
            "18-character unified social credit code",
        ),
        col(
            "date",
            "检查日期",
            "Date",
            "date",
            "检查完成日期",
            "Date of the inspection",
        ),
        col(
            "result",
            "检查结果",
            "Result",
            "string",
            "合格、不合格或责令整改",
            "Passed, failed or ordered to correct",
        ),
        col("plan", "抽查计划", "Plan", "string", "所属抽查计划", "Plan"),
        col(
            "agency",
            "检查机关",
            "Agency",
            "string",
            "实施检查的机关",
            "Agency",
        ),
    ],
};

pub const NOTICES: Dataset = Dataset {
    id: "notices",
    zh: "行政许可和行政处罚决定公示",
    en: "Permit and penalty decisions (双公示)",
    about_zh: "公示期内的行政许可、行政处罚决定，以及已公示后又撤回的决定的撤回说明。公示期满或信用修复后撤下的不再列出。自然人姓名已隐去。",
    about_en: "Permit and penalty decisions within their publicity period, and the withdrawal statements of published decisions later withdrawn. Notices taken down at the end of their period or after credit repair are not listed. Citizens' names are masked.",
    page: "/public/notices",
    columns: &[
        col(
            "id",
            "编号",
            "Id",
            "integer",
            "公示编号（稳定）",
            "Notice id (stable)",
        ),
        col(
            "kind",
            "类别",
            "Kind",
            "string",
            "行政许可或行政处罚",
            "Permit or penalty",
        ),
        col(
            "number",
            "决定文号",
            "Decision number",
            "string",
            "决定书文号",
            "Number of the decision",
        ),
        col(
            "agency",
            "作出机关",
            "Agency",
            "string",
            "作出决定的机关",
            "Agency that decided",
        ),
        col(
            "decided_on",
            "决定日期",
            "Decided on",
            "date",
            "作出决定之日",
            "Date of the decision",
        ),
        col(
            "party",
            "当事人",
            "Party",
            "string",
            "单位名称；自然人仅显示姓氏",
            "Organisation name; a citizen's surname only",
        ),
        col(
            "party_code",
            "统一社会信用代码",
            "USCC",
            "string",
            "单位的统一社会信用代码（自然人不公示证件号码）",
            "The organisation's USCC (no ID numbers of citizens)",
        ),
        col(
            "domain",
            "监管领域",
            "Domain",
            "string",
            "卫生监督领域",
            "Supervision domain",
        ),
        col(
            "title",
            "事由",
            "Subject",
            "string",
            "案由或许可事项",
            "Case or licensed item",
        ),
        col(
            "basis",
            "依据",
            "Basis",
            "string",
            "职权事项及法律依据",
            "Power item and its legal basis",
        ),
        col(
            "content",
            "决定内容",
            "Content",
            "string",
            "处罚内容或许可内容",
            "Penalty or permit content",
        ),
        col(
            "published_on",
            "公示日期",
            "Published on",
            "date",
            "上网公示之日",
            "Date it went up",
        ),
        col(
            "until",
            "公示截止",
            "Until",
            "date",
            "公示期届满之日（许可为空）",
            "End of the publicity period (empty for permits)",
        ),
        col(
            "state",
            "状态",
            "State",
            "string",
            "公示中或已撤回",
            "Published or withdrawn",
        ),
        col(
            "statement",
            "撤回说明",
            "Withdrawal statement",
            "string",
            "撤回的理由（第四十八条）",
            "Why it was withdrawn (art. 48)",
        ),
        col(
            "reply",
            "当事人回应",
            "Party's reply",
            "string",
            "当事人的陈述，由其提交",
            "The party's own statement",
        ),
    ],
};

/// Every public dataset, in the order the portal lists them.
pub const DATASETS: &[&Dataset] = &[
    &AGENCIES,
    &POWERS,
    &POWER_HISTORY,
    &OFFICERS,
    &DISCRETION,
    &NO_PENALTY,
    &SPOT_CHECKS,
    &PLANS,
    &INSPECTIONS,
    &NOTICES,
];

pub fn dataset(id: &str) -> Option<&'static Dataset> {
    DATASETS.iter().copied().find(|d| d.id == id)
}

/// Rows of a dataset, already made fit for the public.
#[derive(Debug, Clone)]
pub struct Table {
    pub dataset: &'static Dataset,
    /// One cell per column of `dataset`, in order.
    pub rows: Vec<Vec<String>>,
    /// How many personal identifiers were masked in these rows.
    pub marks: usize,
    /// Masks per row, for pages that show a slice of the rows.
    pub row_marks: Vec<usize>,
}

impl Table {
    /// The rows as JSON objects keyed by column; `integer` columns as numbers.
    pub fn json_rows(&self) -> Vec<serde_json::Value> {
        self.rows
            .iter()
            .map(|row| {
                let map: serde_json::Map<String, serde_json::Value> = self
                    .dataset
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| {
                        let value = match (c.ty, v.parse::<i64>()) {
                            ("integer", Ok(n)) => serde_json::Value::from(n),
                            _ => serde_json::Value::from(v.as_str()),
                        };
                        (c.key.to_owned(), value)
                    })
                    .collect();
                serde_json::Value::Object(map)
            })
            .collect()
    }

    /// The rows as a sheet whose header is the columns' stable keys.
    pub fn sheet(&self) -> crate::sheets::Sheet {
        crate::sheets::Sheet {
            name: self.dataset.zh,
            header: self.dataset.columns.iter().map(|c| c.key).collect(),
            rows: self.rows.clone(),
        }
    }
}

/// THE place public rows are made fit for the public: every cell of every row
/// of every dataset goes through [`redact_text`] (which leaves organisations'
/// names and USCCs visible), and the masks are counted.
fn publish(dataset: &'static Dataset, rows: impl IntoIterator<Item = Vec<String>>) -> Table {
    publish_with_people(dataset, rows.into_iter().map(|r| (r, Vec::new())))
}

/// [`publish`] for rows that name natural persons: each row comes with the
/// names to mask wherever they appear in it (a citizen party's name).
fn publish_with_people(
    dataset: &'static Dataset,
    rows: impl IntoIterator<Item = (Vec<String>, Vec<String>)>,
) -> Table {
    let mut row_marks = Vec::new();
    let rows = rows
        .into_iter()
        .map(|(row, mut people)| {
            // A person named after a role word in one cell (举报人张三称) is
            // masked in every cell of the row (a title naming 张三).
            for cell in &row {
                people.extend(people_named_in(cell));
            }
            let people: Vec<&str> = people.iter().map(String::as_str).collect();
            let mut marks = 0;
            let row = row
                .into_iter()
                .map(|cell| {
                    let r = redact_text(&cell, &people);
                    marks += r.marks;
                    r.text
                })
                .collect();
            row_marks.push(marks);
            row
        })
        .collect();
    Table {
        dataset,
        rows,
        marks: row_marks.iter().sum(),
        row_marks,
    }
}

/// Notices as the public sees them: a withdrawn notice shows its number,
/// agency, dates and the withdrawal statement only; a citizen party's name
/// is masked wherever it appears in the row.
pub fn notices_table(rows: &[fazhi_store::notices::NoticeRow]) -> Table {
    use fazhi_domain::notice::{NoticeKind, NoticeState};
    publish_with_people(
        &NOTICES,
        rows.iter().map(|n| {
            let withdrawn = n.state == NoticeState::Withdrawn.code();
            let kind = NoticeKind::parse(&n.kind).map_or("", |k| k.name_zh());
            let state = NoticeState::parse(&n.state).map_or("", |s| s.name_zh());
            let keep = |v: &str| {
                if withdrawn {
                    String::new()
                } else {
                    v.to_owned()
                }
            };
            let people = if n.party_kind == "citizen" {
                vec![n.party_name.clone()]
            } else {
                Vec::new()
            };
            (
                vec![
                    n.id.to_string(),
                    kind.to_owned(),
                    n.number.clone(),
                    n.agency_name.clone(),
                    n.decided_on.clone(),
                    keep(&n.party_name),
                    keep(&n.party_code),
                    SupervisionDomain::parse(&n.domain)
                        .map_or(String::new(), |d| d.name_zh().to_owned()),
                    keep(&n.title),
                    keep(&n.basis),
                    keep(&n.content),
                    n.published_on.clone(),
                    keep(&n.until_on),
                    state.to_owned(),
                    if withdrawn {
                        n.reason.clone()
                    } else {
                        String::new()
                    },
                    keep(&n.reply),
                ],
                people,
            )
        }),
    )
}

fn domain_names(codes: &str) -> String {
    codes
        .split(',')
        .filter_map(SupervisionDomain::parse)
        .map(|d| d.name_zh())
        .collect::<Vec<_>>()
        .join("、")
}

fn yuan_text(fen: i64) -> String {
    if fen % 100 == 0 {
        (fen / 100).to_string()
    } else {
        format!("{}.{:02}", fen / 100, (fen % 100).abs())
    }
}

fn power_status_name(status: &str) -> &'static str {
    match status {
        "published" => "已公布",
        "delegated" => "已下放",
        _ => "已取消",
    }
}

fn adjustment_name(code: &str) -> &'static str {
    match PowerAdjustment::parse(code) {
        Some(PowerAdjustment::Added) => "新增",
        Some(PowerAdjustment::Changed) => "变更",
        Some(PowerAdjustment::DelegatedDown) => "下放",
        Some(PowerAdjustment::Removed) => "取消",
        None => "",
    }
}

fn level_name(code: &str) -> &'static str {
    crate::inspections::LEVELS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, n)| n)
}

fn date_cst(at_us: i64) -> String {
    crate::home::format_instant_cst(at_us)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn agency_names(app: &App) -> Result<HashMap<i64, String>, AppError> {
    Ok(fazhi_store::agencies::list_all(&app.db)
        .await?
        .into_iter()
        .map(|a| (a.id, a.name))
        .collect())
}

pub async fn agencies(app: &App) -> Result<Table, AppError> {
    let all = fazhi_store::agencies::list_all(&app.db).await?;
    let names: HashMap<i64, String> = all.iter().map(|a| (a.id, a.name.clone())).collect();
    Ok(publish(
        &AGENCIES,
        all.iter().map(|a| {
            vec![
                a.name.clone(),
                a.kind.name_zh().to_owned(),
                a.level.name_zh().to_owned(),
                a.region_code.clone(),
                a.parent_id
                    .and_then(|p| names.get(&p).cloned())
                    .unwrap_or_default(),
            ]
        }),
    ))
}

pub async fn powers(app: &App) -> Result<Table, AppError> {
    let rows = fazhi_store::registry::list_powers(&app.db, &AgencyPath::whole_tree(), "").await?;
    Ok(publish(
        &POWERS,
        rows.into_iter().map(|p| {
            vec![
                p.agency_name,
                p.code,
                PowerKind::parse(&p.kind).map_or(p.kind.clone(), |k| k.name_zh().to_owned()),
                p.name,
                p.legal_basis,
                p.unit,
                power_status_name(&p.status).to_owned(),
                p.version.to_string(),
                p.last_document,
            ]
        }),
    ))
}

#[derive(serde::Deserialize)]
struct PowerImport {
    #[serde(default)]
    adjustments: Vec<PowerAdjustmentLine>,
}

#[derive(serde::Deserialize)]
struct PowerAdjustmentLine {
    #[serde(default)]
    code: String,
    #[serde(default)]
    adjustment: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    document: String,
}

/// Every adjustment of the power lists, newest first, from the action log
/// (each power-list import records its adjustments in its event).
pub async fn power_history(app: &App) -> Result<Table, AppError> {
    let names = agency_names(app).await?;
    let events = fazhi_store::events::for_subject(&app.db, "registry:powers").await?;
    let mut rows = Vec::new();
    for e in events.iter().rev() {
        let Ok(payload) = serde_json::from_str::<PowerImport>(&e.payload_json) else {
            continue;
        };
        let agency = e
            .agency_id
            .and_then(|a| names.get(&a).cloned())
            .unwrap_or_default();
        for a in payload.adjustments {
            rows.push(vec![
                date_cst(e.at_us),
                agency.clone(),
                a.code,
                adjustment_name(&a.adjustment).to_owned(),
                a.reason,
                a.document,
                e.id.to_string(),
            ]);
        }
    }
    Ok(publish(&POWER_HISTORY, rows))
}

/// The qualification list: only name, credential number, domains, agency
/// and the credential's status today are read into a row.
pub async fn officers(app: &App) -> Result<Table, AppError> {
    let (rows, _) = fazhi_store::registry::list_officers(
        &app.db,
        &AgencyPath::whole_tree(),
        "",
        0,
        ROWS_PER_QUERY_MAX,
    )
    .await?;
    let today = crate::registry::today_cst(app);
    let mut rows: Vec<_> = rows
        .into_iter()
        .filter(|o| o.credential_number.is_some())
        .map(|o| {
            let status = crate::registry::credential_status_of(
                o.valid_from.as_deref(),
                o.valid_to.as_deref(),
                o.last_review_year,
                today,
            )
            .map_or("无证", |s| s.name_zh());
            vec![
                o.name,
                o.credential_number.unwrap_or_default(),
                domain_names(&o.domains),
                o.agency_name,
                status.to_owned(),
            ]
        })
        .collect();
    // Ordered by agency then credential number, not by the internal staff number.
    rows.sort_by(|a, b| (&a[3], &a[1]).cmp(&(&b[3], &b[1])));
    Ok(publish(&OFFICERS, rows))
}

pub async fn discretion(app: &App) -> Result<Table, AppError> {
    let rows = fazhi_store::registry::list_discretion(&app.db, &AgencyPath::whole_tree()).await?;
    Ok(publish(
        &DISCRETION,
        rows.into_iter().map(|d| {
            vec![
                d.power_code,
                d.power_name.unwrap_or_default(),
                Circumstance::parse(&d.circumstance)
                    .map_or(d.circumstance.clone(), |c| c.name_zh().to_owned()),
                yuan_text(d.fine_min_fen),
                yuan_text(d.fine_max_fen),
                d.other_penalties,
                d.description,
                d.citation,
                d.version.to_string(),
            ]
        }),
    ))
}

pub async fn no_penalty(app: &App) -> Result<Table, AppError> {
    let rows = fazhi_store::registry::list_no_penalty(&app.db, &AgencyPath::whole_tree()).await?;
    Ok(publish(
        &NO_PENALTY,
        rows.into_iter().map(|n| {
            vec![
                n.power_code,
                crate::registry::no_penalty_kind_name(&n.kind).to_owned(),
                n.conduct,
                n.conditions,
                n.basis,
                n.effective_from,
            ]
        }),
    ))
}

pub async fn spot_checks(app: &App) -> Result<Table, AppError> {
    let names = agency_names(app).await?;
    let rows = fazhi_store::registry::list_spot_checks(&app.db, &AgencyPath::whole_tree()).await?;
    Ok(publish(
        &SPOT_CHECKS,
        rows.into_iter().map(|s| {
            vec![
                s.code,
                s.name,
                domain_names(&s.domain),
                s.basis,
                s.object,
                s.content,
                s.method,
                names.get(&s.agency_id).cloned().unwrap_or_default(),
            ]
        }),
    ))
}

/// Plans with the ids of their completed draws (space-separated).
pub async fn plans(app: &App) -> Result<Table, AppError> {
    let plans = fazhi_store::inspections::list_plans(&app.db, &AgencyPath::whole_tree()).await?;
    let mut rows = Vec::with_capacity(plans.len());
    for p in plans {
        let draws = fazhi_store::inspections::draws_of_plan(&app.db, p.id).await?;
        let quota = serde_json::from_str::<fazhi_domain::draw::Params>(&p.params_json)
            .map(|params| params.quota.to_string())
            .unwrap_or_default();
        rows.push(vec![
            p.id.to_string(),
            p.year.to_string(),
            level_name(&p.level).to_owned(),
            p.name,
            p.item_code,
            quota,
            p.due_on,
            p.agency_name,
            draws
                .iter()
                .filter(|d| d.state == "drawn")
                .map(|d| d.id.to_string())
                .collect::<Vec<_>>()
                .join(" "),
        ]);
    }
    Ok(publish(&PLANS, rows))
}

/// Most inspection results read at once.
pub const INSPECTIONS_MAX: i64 = 100_000;

/// Results of completed planned (双随机) inspections, newest first; `year`
/// filters by the year of the inspection. Findings, opinions, officers and
/// evidence are never read into a row.
pub async fn inspections(app: &App, year: Option<i16>) -> Result<Table, AppError> {
    let (from, to) = match year {
        Some(y) => (format!("{y:04}-01-01"), format!("{y:04}-12-31")),
        None => ("0000-01-01".to_owned(), "9999-12-31".to_owned()),
    };
    let tasks = fazhi_store::inspections::tasks_in_scope(
        &app.db,
        &AgencyPath::whole_tree(),
        false,
        &from,
        &to,
        INSPECTIONS_MAX,
    )
    .await?;
    let mut rows: Vec<Vec<String>> = tasks
        .into_iter()
        .filter(|t| t.state == "done" && t.plan_id > 0)
        .filter_map(|t| {
            let verdict = fazhi_domain::inspection::Verdict::parse(&t.result)?;
            Some(vec![
                t.entity_name,
                t.entity_uscc,
                t.done_on,
                verdict.name_zh().to_owned(),
                t.plan_name,
                t.agency_name,
            ])
        })
        .collect();
    rows.sort_by(|a, b| b[2].cmp(&a[2]).then_with(|| a[1].cmp(&b[1])));
    Ok(publish(&INSPECTIONS, rows))
}

/// Years that have inspection results, newest first (for the year filter).
pub async fn inspection_years(app: &App) -> Result<Vec<i16>, AppError> {
    let all = inspections(app, None).await?;
    let years: BTreeSet<i16> = all
        .rows
        .iter()
        .filter_map(|r| r[2].get(..4).and_then(|y| y.parse().ok()))
        .collect();
    Ok(years.into_iter().rev().collect())
}

/// A dataset's rows by its id (for the exports).
pub async fn table(app: &App, id: &str) -> Result<Option<Table>, AppError> {
    Ok(Some(match id {
        "agencies" => agencies(app).await?,
        "powers" => powers(app).await?,
        "power-history" => power_history(app).await?,
        "officers" => officers(app).await?,
        "discretion" => discretion(app).await?,
        "no-penalty" => no_penalty(app).await?,
        "spot-checks" => spot_checks(app).await?,
        "plans" => plans(app).await?,
        "inspections" => inspections(app, None).await?,
        "notices" => crate::notices::public_all(app).await?,
        _ => return Ok(None),
    }))
}

/// The signed checkpoint an export was cut from: the newest one when it was
/// made (every row above was already in the log up to this size, except what
/// was changed after the checkpoint).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checkpoint {
    pub size: i64,
    pub root_hex: String,
    /// Beijing time, `YYYY-MM-DD HH:MM`.
    pub created_at: String,
}

pub async fn checkpoint(app: &App) -> Result<Option<Checkpoint>, AppError> {
    Ok(crate::transparency::checkpoints(app, 1)
        .await?
        .into_iter()
        .next()
        .map(|c| Checkpoint {
            size: c.checkpoint.size,
            root_hex: hex::encode(&c.checkpoint.root),
            created_at: crate::home::format_instant_cst(c.checkpoint.created_at_us),
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publish_masks_personal_identifiers_and_keeps_organisations() {
        let t = publish(
            &SPOT_CHECKS,
            [vec![
                "示范饭店 91350100M000100Y3K".to_owned(),
                "联系电话13812345678".to_owned(),
            ]],
        );
        assert_eq!(t.marks, 1);
        assert!(t.rows[0][0].contains("91350100M000100Y3K"));
        assert!(!t.rows[0][1].contains("13812345678"));
    }

    fn notice_row(title: &str, content: &str) -> fazhi_store::notices::NoticeRow {
        fazhi_store::notices::NoticeRow {
            id: 1,
            agency_id: 1,
            agency_name: "福州市鼓楼区卫生健康局".into(),
            agency_path: "/1/".into(),
            kind: "penalty".into(),
            case_id: 1,
            number: "鼓卫医罚〔2026〕15号".into(),
            decided_on: "2026-03-12".into(),
            year: 2026,
            domain: String::new(),
            party_name: "福州某某诊所有限公司".into(),
            party_kind: "organisation".into(),
            party_code: "91350100M000100Y43".into(),
            title: title.into(),
            facts: String::new(),
            basis: String::new(),
            content: content.into(),
            state: "published".into(),
            due_on: String::new(),
            published_on: "2026-03-13".into(),
            shortest_until: String::new(),
            until_on: "2029-03-13".into(),
            withdrawal_due: String::new(),
            taken_down_on: String::new(),
            reason: String::new(),
            reply: String::new(),
            version: 1,
        }
    }

    #[test]
    fn a_notice_row_hides_old_ids_prefixed_phones_unlabelled_addresses_and_named_persons() {
        let t = notices_table(&[notice_row(
            "王小明投诉案",
            "举报人王小明称，当事人聘用的李四（身份证号350102850615123，电话+86 139-1234-5678、\
             8613912345678，家住福州市鼓楼区某某路8号）无证行医。",
        )]);
        let cells = t.rows[0].join("|");
        for hidden in [
            "王小明",
            "350102850615123",
            "1234-5678",
            "8613912345678",
            "某某路8号",
        ] {
            assert!(!cells.contains(hidden), "{hidden} in {cells}");
        }
        assert!(fazhi_domain::redact::find_personal_identifiers(&cells).is_empty());
        for kept in [
            "王某某投诉案",
            "鼓卫医罚〔2026〕15号",
            "91350100M000100Y43",
            "福州某某诊所有限公司",
            "福州市鼓楼区卫生健康局",
            "家住福州市鼓楼区***",
        ] {
            assert!(cells.contains(kept), "{kept} not in {cells}");
        }
    }

    #[test]
    fn every_dataset_id_is_unique_and_found() {
        for d in DATASETS {
            assert_eq!(dataset(d.id).map(|x| x.id), Some(d.id));
        }
        let ids: BTreeSet<_> = DATASETS.iter().map(|d| d.id).collect();
        assert_eq!(ids.len(), DATASETS.len());
    }
}
