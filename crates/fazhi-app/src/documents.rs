//! Case documents (执法文书) from templates that are data
//! (`data/documents.toml`, which a province may replace): each paragraph and
//! form line has `{name}` fields filled from the case. The result is plain
//! text pieces; the web crate prints them as HTML for print, with the seal
//! placeholder and amounts in 大写.

use crate::cases::CaseView;
use crate::{App, AppError};
use fazhi_domain::case::{Case, Outcome, PartyKind, REVIEW_CHECKLIST, Stage};
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;

static TEMPLATES_TOML: &str = include_str!("../data/documents.toml");

#[derive(Debug, Clone, Deserialize)]
struct Template {
    kind: String,
    title: String,
    rows: Vec<(String, String)>,
    paragraphs: Vec<String>,
}

#[derive(Deserialize)]
struct TemplateFile {
    document: Vec<Template>,
}

/// Parsed once; a test proves the embedded file parses and names every kind.
static TEMPLATES: LazyLock<Result<Vec<Template>, String>> = LazyLock::new(|| {
    toml::from_str::<TemplateFile>(TEMPLATES_TOML)
        .map(|f| f.document)
        .map_err(|e| e.to_string())
});

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    FileIndex,
    FilingReport,
    SiteRecord,
    CollegialRecord,
    ReviewOpinion,
    DiscussionRecord,
    PriorNotice,
    StatementRecord,
    HearingNotice,
    HearingReport,
    Decision,
    SummaryDecision,
    ServiceReceipt,
    Demand,
    CourtApplication,
    ClosingReport,
}

impl DocKind {
    /// In case-file order (卷内文件顺序).
    pub const ALL: [DocKind; 16] = [
        DocKind::FileIndex,
        DocKind::FilingReport,
        DocKind::SiteRecord,
        DocKind::CollegialRecord,
        DocKind::ReviewOpinion,
        DocKind::DiscussionRecord,
        DocKind::PriorNotice,
        DocKind::StatementRecord,
        DocKind::HearingNotice,
        DocKind::HearingReport,
        DocKind::Decision,
        DocKind::SummaryDecision,
        DocKind::ServiceReceipt,
        DocKind::Demand,
        DocKind::CourtApplication,
        DocKind::ClosingReport,
    ];
    pub fn code(self) -> &'static str {
        match self {
            DocKind::FileIndex => "file_index",
            DocKind::CollegialRecord => "collegial_record",
            DocKind::HearingNotice => "hearing_notice",
            DocKind::FilingReport => "filing_report",
            DocKind::SiteRecord => "site_record",
            DocKind::ReviewOpinion => "review_opinion",
            DocKind::DiscussionRecord => "discussion_record",
            DocKind::PriorNotice => "prior_notice",
            DocKind::StatementRecord => "statement_record",
            DocKind::HearingReport => "hearing_report",
            DocKind::Decision => "decision",
            DocKind::SummaryDecision => "summary_decision",
            DocKind::ServiceReceipt => "service_receipt",
            DocKind::Demand => "demand",
            DocKind::CourtApplication => "court_application",
            DocKind::ClosingReport => "closing_report",
        }
    }
    pub fn parse(code: &str) -> Option<DocKind> {
        DocKind::ALL.into_iter().find(|k| k.code() == code)
    }
    pub fn title(self) -> &'static str {
        match self {
            DocKind::FileIndex => "卷内文件目录",
            DocKind::CollegialRecord => "案件合议记录",
            DocKind::HearingNotice => "行政处罚听证通知书",
            DocKind::FilingReport => "立案报告",
            DocKind::SiteRecord => "现场笔录",
            DocKind::ReviewOpinion => "法制审核意见书",
            DocKind::DiscussionRecord => "集体讨论记录",
            DocKind::PriorNotice => "行政处罚事先告知书",
            DocKind::StatementRecord => "陈述和申辩笔录",
            DocKind::HearingReport => "听证笔录及听证意见书",
            DocKind::Decision => "行政处罚决定书",
            DocKind::SummaryDecision => "当场行政处罚决定书",
            DocKind::ServiceReceipt => "送达回执",
            DocKind::Demand => "催告书",
            DocKind::CourtApplication => "强制执行申请书",
            DocKind::ClosingReport => "结案报告",
        }
    }
    /// Whether the case has reached the step that produces this document.
    pub fn exists_for(self, c: &Case) -> bool {
        let penalty_decided = c
            .decision
            .as_ref()
            .is_some_and(|d| d.outcome == Outcome::Penalty);
        match self {
            DocKind::FileIndex => matches!(c.stage, Stage::Closed | Stage::Archived),
            DocKind::CollegialRecord => {
                c.proposal.is_some() && c.procedure == fazhi_domain::case::Procedure::Ordinary
            }
            DocKind::HearingNotice => c.hearing.as_ref().is_some_and(|h| h.date.is_some()),
            DocKind::FilingReport => {
                c.filed_on.is_some() && c.procedure == fazhi_domain::case::Procedure::Ordinary
            }
            DocKind::SiteRecord => c
                .evidence
                .iter()
                .any(|e| e.kind == fazhi_domain::case::EvidenceType::Record),
            DocKind::ReviewOpinion => !c.reviews.is_empty(),
            DocKind::DiscussionRecord => c.discussion.is_some(),
            DocKind::PriorNotice => c.notice.is_some(),
            DocKind::StatementRecord => c.notice.as_ref().is_some_and(|n| !n.statements.is_empty()),
            DocKind::HearingReport => c.hearing.as_ref().is_some_and(|h| h.held),
            DocKind::Decision => {
                penalty_decided && c.procedure == fazhi_domain::case::Procedure::Ordinary
            }
            DocKind::SummaryDecision => c.procedure == fazhi_domain::case::Procedure::Summary,
            DocKind::ServiceReceipt => {
                c.service.is_some() && c.procedure == fazhi_domain::case::Procedure::Ordinary
            }
            DocKind::Demand => c.demand_on.is_some(),
            DocKind::CourtApplication => c.court_application_on.is_some(),
            DocKind::ClosingReport => {
                matches!(c.stage, Stage::Closed | Stage::Archived) && c.filed_on.is_some()
            }
        }
    }
}

/// A filled document, ready to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub agency: String,
    pub title: String,
    /// The case's decision number, or its case number.
    pub number: String,
    pub rows: Vec<(String, String)>,
    pub paragraphs: Vec<String>,
    /// Date the document bears (YYYY年M月D日).
    pub date: String,
    /// Documents that go out under the agency's seal.
    pub sealed: bool,
}

fn cn_date(d: jiff::civil::Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// For a date the deadline engine counted on the provisional calendar (暂定):
/// the note a document prints beside it; the statutory period itself stands.
fn provisional_note(
    c: &fazhi_domain::case::Case,
    rule: &str,
    date: Option<jiff::civil::Date>,
) -> &'static str {
    let provisional = date.is_some_and(|d| {
        c.flags.iter().any(|f| {
            matches!(f, fazhi_domain::case::Flag::ProvisionalDeadline { rule_id, due, .. } if rule_id == rule && *due == d)
        })
    });
    if provisional {
        "，该日期系在国务院该年度节假日安排发布前按《全国年节及纪念日放假办法》暂定计算，如有调整以重新计算的日期为准"
    } else {
        ""
    }
}

/// The values templates may use.
fn fields(view: &CaseView, names: &HashMap<i64, String>) -> HashMap<&'static str, String> {
    let c = &view.case;
    let opt = |d: Option<jiff::civil::Date>| d.map(cn_date).unwrap_or_default();
    let money =
        |m: fazhi_domain::money::Money| format!("{}（人民币{}）", m, m.format_chinese_upper());
    let p = c.proposal.as_ref();
    let d = c.decision.as_ref();
    let penalty = match d {
        Some(d) if d.fine.fen() > 0 && !d.other_penalties.trim().is_empty() => {
            format!("{}，罚款{}", d.other_penalties, money(d.fine))
        }
        Some(d) if d.fine.fen() > 0 => format!("罚款{}", money(d.fine)),
        Some(d) if !d.other_penalties.trim().is_empty() => d.other_penalties.clone(),
        Some(d) => d.outcome.name_zh().to_owned(),
        None => String::new(),
    };
    let proposal = p.map_or(String::new(), |p| {
        if p.fine.fen() > 0 && !p.other_penalties.trim().is_empty() {
            format!("{}，罚款{}", p.other_penalties, money(p.fine))
        } else if p.fine.fen() > 0 {
            format!("罚款{}", money(p.fine))
        } else if p.other_penalties.trim().is_empty() {
            p.outcome.name_zh().to_owned()
        } else {
            p.other_penalties.clone()
        }
    });
    let review = c.reviews.last();
    let mut m: HashMap<&'static str, String> = HashMap::new();
    m.insert("summary", c.summary.clone());
    m.insert("source", c.source.name_zh().to_owned());
    m.insert("party_name", c.party.name.clone());
    m.insert(
        "party_id",
        match c.party.kind {
            PartyKind::Organisation => c.party.id_number.clone(),
            PartyKind::Citizen => c.party.id_number.clone(),
        },
    );
    m.insert("party_address", c.party.address.clone());
    m.insert("act_date", cn_date(c.act_date));
    m.insert("filed_on", opt(c.filed_on));
    m.insert(
        "handlers",
        c.handlers
            .iter()
            .map(|h| names.get(h).cloned().unwrap_or_else(|| format!("#{h}")))
            .collect::<Vec<_>>()
            .join("、"),
    );
    m.insert(
        "records",
        c.evidence
            .iter()
            .filter(|e| e.kind == fazhi_domain::case::EvidenceType::Record)
            .map(|e| format!("{}（{}）", e.title, cn_date(e.added_on)))
            .collect::<Vec<_>>()
            .join("；"),
    );
    m.insert(
        "evidence",
        c.evidence
            .iter()
            .map(|e| e.title.clone())
            .collect::<Vec<_>>()
            .join("、"),
    );
    m.insert("facts", p.map(|p| p.facts.clone()).unwrap_or_default());
    m.insert(
        "legal_basis",
        p.map(|p| p.legal_basis.clone()).unwrap_or_default(),
    );
    m.insert(
        "benchmark",
        p.and_then(|p| p.band.as_ref())
            .map(|b| {
                format!(
                    "及本机关行政处罚裁量基准（{}，第{}版）",
                    b.circumstance.name_zh(),
                    b.version
                )
            })
            .unwrap_or_default(),
    );
    m.insert("proposal", proposal);
    m.insert("penalty", penalty);
    m.insert(
        "checklist",
        review
            .map(|r| {
                REVIEW_CHECKLIST
                    .iter()
                    .zip(&r.checklist)
                    .map(|((_, n), ok)| format!("{n}：{}", if *ok { "是" } else { "否" }))
                    .collect::<Vec<_>>()
                    .join("；")
            })
            .unwrap_or_default(),
    );
    m.insert(
        "review_result",
        review
            .map(|r| if r.passed { "同意" } else { "退回补正" }.to_owned())
            .unwrap_or_default(),
    );
    m.insert(
        "review_opinion",
        review.map(|r| r.opinion.clone()).unwrap_or_default(),
    );
    m.insert(
        "review_on",
        review.map(|r| cn_date(r.on)).unwrap_or_default(),
    );
    m.insert(
        "discussion_on",
        c.discussion
            .as_ref()
            .map(|x| cn_date(x.on))
            .unwrap_or_default(),
    );
    m.insert(
        "participants",
        c.discussion
            .as_ref()
            .map(|x| x.participants.join("、"))
            .unwrap_or_default(),
    );
    m.insert(
        "minutes",
        c.discussion
            .as_ref()
            .map(|x| x.minutes.clone())
            .unwrap_or_default(),
    );
    m.insert(
        "conclusion",
        c.discussion
            .as_ref()
            .map(|x| x.conclusion.clone())
            .unwrap_or_default(),
    );
    m.insert("hearing_right", match &c.notice {
        Some(n) if n.hearing_right => format!(
            "你（单位）有权要求听证，如要求听证，应当在收到本告知书之日起五个工作日内（{}前{}）提出。",
            n.hearing_request_until.map(cn_date).unwrap_or_default(),
            provisional_note(c, "ap_hearing_request", n.hearing_request_until)
        ),
        _ => String::new(),
    });
    m.insert(
        "statements",
        c.notice
            .as_ref()
            .map(|n| {
                n.statements
                    .iter()
                    .map(|s| {
                        format!(
                            "{}：{}；复核意见：{}（{}）",
                            cn_date(s.on),
                            s.text,
                            s.answer,
                            if s.adopted { "采纳" } else { "不予采纳" }
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .unwrap_or_default(),
    );
    m.insert(
        "hearing_requested_on",
        c.hearing
            .as_ref()
            .map(|h| cn_date(h.requested_on))
            .unwrap_or_default(),
    );
    m.insert(
        "hearing_date",
        c.hearing
            .as_ref()
            .and_then(|h| h.date)
            .map(cn_date)
            .unwrap_or_default(),
    );
    m.insert(
        "hearing_record",
        c.hearing
            .as_ref()
            .map(|h| h.record.clone())
            .unwrap_or_default(),
    );
    m.insert(
        "hearing_report",
        c.hearing
            .as_ref()
            .map(|h| h.report.clone())
            .unwrap_or_default(),
    );
    m.insert(
        "decision_number",
        d.map(|d| d.number.clone()).unwrap_or_default(),
    );
    m.insert("decided_on", d.map(|d| cn_date(d.on)).unwrap_or_default());
    m.insert("fine", money(c.fine()));
    m.insert(
        "collection",
        if c.collected_on_spot {
            "罚款已当场收缴，并出具财政部门统一制发的专用票据。".to_owned()
        } else if c.fine().fen() > 0 {
            "罚款自收到本决定书之日起十五日内缴纳。".to_owned()
        } else {
            String::new()
        },
    );
    m.insert(
        "service_method",
        c.service
            .as_ref()
            .map(|s| s.method.name_zh().to_owned())
            .unwrap_or_default(),
    );
    m.insert(
        "service_on",
        c.service
            .as_ref()
            .map(|s| cn_date(s.on))
            .unwrap_or_default(),
    );
    m.insert(
        "service_receipt",
        c.service
            .as_ref()
            .map(|s| s.receipt.clone())
            .unwrap_or_default(),
    );
    m.insert("demand_on", opt(c.demand_on));
    m.insert(
        "proposed_on",
        p.map(|p| cn_date(p.proposed_on)).unwrap_or_default(),
    );
    m.insert(
        "hearing_chair",
        c.hearing
            .as_ref()
            .and_then(|h| h.chair)
            .map(|id| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}")))
            .unwrap_or_default(),
    );
    m.insert(
        "file_index",
        DocKind::ALL
            .iter()
            .filter(|k| **k != DocKind::FileIndex && k.exists_for(c))
            .enumerate()
            .map(|(i, k)| format!("{}. {}", i + 1, k.title()))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    m.insert(
        "execution",
        if c.fine().fen() > 0 {
            format!("应缴{}，已缴{}", c.fine(), c.paid())
        } else {
            "无罚款".to_owned()
        },
    );
    m.insert("closed_on", opt(c.closed_on));
    m.insert(
        "closing_report",
        c.closing_report.clone().unwrap_or_default(),
    );
    m
}

/// Replace `{name}` with its value; an unknown name is left visible so a
/// broken template shows rather than silently printing nothing.
pub fn fill(template: &str, values: &HashMap<&'static str, String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match values.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Fill the template of `kind` for a case.
pub async fn render(app: &App, view: &CaseView, kind: DocKind) -> Result<Document, AppError> {
    if !kind.exists_for(&view.case) {
        return Err(AppError::NotFound {
            zh: "该案件的这份文书",
            en: "this document of the case",
        });
    }
    let templates = TEMPLATES
        .as_ref()
        .map_err(|e| AppError::Internal(format!("documents.toml: {e}")))?;
    let t = templates
        .iter()
        .find(|t| t.kind == kind.code())
        .ok_or_else(|| AppError::Internal(format!("no template for {}", kind.code())))?;
    let mut ids: Vec<i64> = view.case.handlers.clone();
    ids.extend(view.case.hearing.as_ref().and_then(|h| h.chair));
    let names: HashMap<i64, String> = fazhi_store::cases::accounts(&app.db, &ids)
        .await?
        .into_iter()
        .map(|a| {
            (
                a.user_id,
                match a.staff_no {
                    Some(s) => format!("{}（执法证号 {s}）", a.display_name),
                    None => a.display_name,
                },
            )
        })
        .collect();
    let values = fields(view, &names);
    let date = match kind {
        DocKind::FilingReport => view.case.filed_on,
        DocKind::PriorNotice => view.case.notice.as_ref().map(|n| n.served_on),
        DocKind::Decision | DocKind::SummaryDecision => view.case.decision.as_ref().map(|d| d.on),
        DocKind::ServiceReceipt => view.case.service.as_ref().map(|s| s.on),
        DocKind::Demand => view.case.demand_on,
        DocKind::CourtApplication => view.case.court_application_on,
        DocKind::ClosingReport => view.case.closed_on,
        DocKind::ReviewOpinion => view.case.reviews.last().map(|r| r.on),
        DocKind::DiscussionRecord => view.case.discussion.as_ref().map(|d| d.on),
        DocKind::HearingNotice => view.case.hearing.as_ref().and_then(|h| h.notified_on),
        DocKind::FileIndex => view.case.closed_on,
        DocKind::CollegialRecord => view.case.proposal.as_ref().map(|p| p.proposed_on),
        DocKind::SiteRecord | DocKind::StatementRecord | DocKind::HearingReport => None,
    };
    Ok(Document {
        agency: view.agency_name.clone(),
        title: t.title.clone(),
        number: view
            .case
            .decision
            .as_ref()
            .map_or_else(|| format!("案件编号 {}", view.id), |d| d.number.clone()),
        rows: t
            .rows
            .iter()
            .map(|(l, v)| (l.clone(), fill(v, &values)))
            .collect(),
        paragraphs: t
            .paragraphs
            .iter()
            .map(|p| fill(p, &values))
            .filter(|p| !p.trim().is_empty())
            .collect(),
        date: date.map(cn_date).unwrap_or_default(),
        sealed: matches!(
            kind,
            DocKind::PriorNotice
                | DocKind::HearingNotice
                | DocKind::Decision
                | DocKind::SummaryDecision
                | DocKind::Demand
                | DocKind::CourtApplication
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_templates_parse_and_cover_every_document_kind() {
        let templates = TEMPLATES.as_ref().unwrap();
        for k in DocKind::ALL {
            let t = templates.iter().find(|t| t.kind == k.code());
            assert!(t.is_some(), "no template for {}", k.code());
            assert_eq!(t.unwrap().title, k.title());
        }
    }

    #[test]
    fn every_field_a_template_names_is_one_the_case_provides() {
        // Names the filler knows; a typo in the TOML would print `{typo}`.
        let known = [
            "summary",
            "source",
            "party_name",
            "party_id",
            "party_address",
            "act_date",
            "filed_on",
            "handlers",
            "records",
            "evidence",
            "facts",
            "legal_basis",
            "benchmark",
            "proposal",
            "penalty",
            "checklist",
            "review_result",
            "review_opinion",
            "review_on",
            "discussion_on",
            "participants",
            "minutes",
            "conclusion",
            "hearing_right",
            "statements",
            "hearing_requested_on",
            "hearing_date",
            "hearing_record",
            "hearing_report",
            "decision_number",
            "decided_on",
            "fine",
            "collection",
            "service_method",
            "service_on",
            "service_receipt",
            "demand_on",
            "execution",
            "closed_on",
            "closing_report",
            "hearing_chair",
            "file_index",
            "proposed_on",
        ];
        for t in TEMPLATES.as_ref().unwrap() {
            let all: String = t
                .paragraphs
                .iter()
                .chain(t.rows.iter().map(|(_, v)| v))
                .cloned()
                .collect();
            let mut rest = all.as_str();
            while let Some(open) = rest.find('{') {
                let close = rest[open..].find('}').unwrap() + open;
                let name = &rest[open + 1..close];
                assert!(
                    known.contains(&name),
                    "{}: unknown field {{{name}}}",
                    t.kind
                );
                rest = &rest[close + 1..];
            }
        }
    }

    #[test]
    fn filling_replaces_known_names_and_leaves_unknown_ones_visible() {
        let mut v = HashMap::new();
        v.insert("party_name", "甲宾馆".to_owned());
        assert_eq!(fill("{party_name}：{nope}", &v), "甲宾馆：{nope}");
        assert_eq!(fill("无字段", &v), "无字段");
        assert_eq!(fill("残缺{", &v), "残缺{");
    }
}

/// Twips per millimetre (1 inch = 1440 twips = 25.4 mm).
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;

fn mm(v: f64) -> i32 {
    (v * TWIPS_PER_MM).round() as i32
}

/// The document as DOCX in the official-document layout (GB/T 9704 style):
/// A4, margins 37/28/35/26 mm, title in 小标宋-style 22 pt, body in 仿宋
/// 16 pt (三号) with a two-character first-line indent, the form part as a
/// table, the seal placeholder and date at the right.
pub fn to_docx(doc: &Document) -> Result<Vec<u8>, AppError> {
    use docx_rs::{
        AlignmentType, Docx, PageMargin, Paragraph, Run, RunFonts, SpecialIndentType, Table,
        TableCell, TableRow, WidthType,
    };
    // Half-points: 三号 16 pt = 32, 二号 22 pt = 44.
    const BODY: usize = 32;
    const TITLE: usize = 44;
    let body_font = || {
        RunFonts::new()
            .east_asia("仿宋_GB2312")
            .ascii("FangSong")
            .hi_ansi("FangSong")
    };
    let title_font = || {
        RunFonts::new()
            .east_asia("方正小标宋简体")
            .ascii("SimSun")
            .hi_ansi("SimSun")
    };
    let text = |t: &str| Run::new().add_text(t).size(BODY).fonts(body_font());
    let centered = |t: &str, size: usize, bold: bool| {
        let mut run = Run::new().add_text(t).size(size).fonts(if size == TITLE {
            title_font()
        } else {
            body_font()
        });
        if bold {
            run = run.bold();
        }
        Paragraph::new().add_run(run).align(AlignmentType::Center)
    };
    let margin = PageMargin {
        top: mm(37.0),
        left: mm(28.0),
        bottom: mm(35.0),
        right: mm(26.0),
        header: mm(15.0),
        footer: mm(15.0),
        gutter: 0,
    };
    let mut docx = Docx::new()
        // A4 in twips.
        .page_size(11906, 16838)
        .page_margin(margin)
        .add_paragraph(centered(&doc.agency, BODY, false))
        .add_paragraph(centered(&doc.title, TITLE, true))
        .add_paragraph(centered(&doc.number, BODY, false));
    if !doc.rows.is_empty() {
        let rows: Vec<TableRow> = doc
            .rows
            .iter()
            .map(|(label, value)| {
                TableRow::new(vec![
                    TableCell::new()
                        .width(2600, WidthType::Dxa)
                        .add_paragraph(Paragraph::new().add_run(text(label))),
                    TableCell::new()
                        .width(6300, WidthType::Dxa)
                        .add_paragraph(Paragraph::new().add_run(text(value))),
                ])
            })
            .collect();
        docx = docx.add_table(Table::new(rows).width(8900, WidthType::Dxa));
    }
    for p in &doc.paragraphs {
        // Two characters of first-line indent at 16 pt (320 twips each).
        docx = docx.add_paragraph(Paragraph::new().add_run(text(p)).indent(
            None,
            Some(SpecialIndentType::FirstLine(640)),
            None,
            None,
        ));
    }
    docx = docx.add_paragraph(Paragraph::new());
    if doc.sealed {
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(text("（印章）"))
                .align(AlignmentType::Right),
        );
    }
    docx = docx
        .add_paragraph(
            Paragraph::new()
                .add_run(text(&doc.agency))
                .align(AlignmentType::Right),
        )
        .add_paragraph(
            Paragraph::new()
                .add_run(text(&doc.date))
                .align(AlignmentType::Right),
        );
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| AppError::Internal(format!("docx: {e}")))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod docx_tests {
    use super::*;

    #[test]
    fn a_document_becomes_a_docx_whose_body_holds_its_text() {
        let doc = Document {
            agency: "示范市东湖区卫生监督所".into(),
            title: "行政处罚决定书".into(),
            number: "东卫罚〔2026〕1号".into(),
            rows: vec![("当事人".into(), "甲宾馆".into())],
            paragraphs: vec!["经查，当事人未取得卫生许可证擅自营业。".into()],
            date: "2026年11月23日".into(),
            sealed: true,
        };
        let bytes = to_docx(&doc).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "a DOCX is a ZIP package");
        // Read it back and find the text in the document's JSON model.
        let back = docx_rs::read_docx(&bytes).unwrap();
        let json = back.json();
        for needle in [
            "行政处罚决定书",
            "东卫罚〔2026〕1号",
            "甲宾馆",
            "经查，当事人未取得卫生许可证擅自营业。",
            "（印章）",
            "2026年11月23日",
        ] {
            assert!(json.contains(needle), "{needle} missing");
        }
        assert!(json.contains("仿宋_GB2312"), "the body font is set");
    }
}
