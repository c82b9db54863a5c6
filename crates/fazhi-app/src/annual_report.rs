//! The 法治政府建设年度报告 from the indicators: the five parts the 督察 rules
//! require, each sentence quoting its figures by indicator id so every figure
//! in the report traces back to its definition and records.

use crate::indicators::{Figures, Scope};
use crate::{App, AppError};
use fazhi_domain::action_log::EventKind;
use fazhi_domain::authz::{Action, Actor};
use fazhi_domain::indicators::{SourceModule, Value};
use fazhi_report::model::{
    AnnualReport, Chart, ChartKind, Figure, Paragraph, Script, Section, Span, Table,
};
use fazhi_store::narratives;
pub use fazhi_store::narratives::NarrativeRow;
use sha2::Digest;

/// The five statutory parts (《法治政府建设与责任落实督察工作规定》第二十五条).
pub const PARTS: [&str; 5] = [
    "主要举措和成效",
    "主要负责人履行推进法治建设第一责任人职责情况",
    "存在的不足和原因",
    "下一年度工作思路和安排",
    "其他需要报告的情况",
];

const NUMBERS: [&str; 5] = ["一", "二", "三", "四", "五"];

fn figure(f: &Figures, id: &str) -> Option<Figure> {
    let x = f.get(id)?;
    let value = x.value.as_ref()?;
    let (value_text, unit) = match value {
        Value::Fen(_) => (value.display(), "元".to_owned()),
        Value::Permille(_) => (value.display(), String::new()),
        Value::Text(t) => (t.clone(), String::new()),
        _ => (value.display(), x.definition.unit_zh.to_owned()),
    };
    Some(Figure {
        indicator_id: id.to_owned(),
        name: x.definition.name_zh.to_owned(),
        value_text,
        unit,
        source_status: x.status().to_owned(),
    })
}

/// A sentence of text pieces and figures: `("text", None)` or `("", Some(id))`.
fn sentence(f: &Figures, parts: &[(&str, Option<&str>)]) -> Paragraph {
    let spans = parts
        .iter()
        .map(|(text, id)| match id.and_then(|id| figure(f, id)) {
            Some(fig) => fig.quoted(),
            None if id.is_some() => Span::Text("—".to_owned()),
            None => Span::Text((*text).to_owned()),
        })
        .collect();
    Paragraph { spans }
}

/// Build the report. `narrative[i]` is the staff-written text of part `i`
/// (the latest version the editor saved), printed after the part's figure
/// sentences; without one, the part gets its generated text ([`generated`]).
pub fn build(
    f: &Figures,
    narrative: &[Option<String>; 5],
    script: Script,
    generated_at: &str,
) -> AnnualReport {
    fn t(s: &'static str) -> (&'static str, Option<&'static str>) {
        (s, None)
    }
    fn id(s: &'static str) -> (&'static str, Option<&'static str>) {
        ("", Some(s))
    }
    let mut sections: Vec<Section> = PARTS
        .iter()
        .zip(NUMBERS)
        .map(|(heading, number)| Section {
            number: number.to_owned(),
            heading: (*heading).to_owned(),
            paragraphs: Vec::new(),
            tables: Vec::new(),
            charts: Vec::new(),
        })
        .collect();
    let s0 = &mut sections[0];
    s0.paragraphs.push(sentence(
        f,
        &[
            t("严格规范公正文明执法。全年开展监督检查"),
            id("insp.visits"),
            t("，检查单位"),
            id("insp.units"),
            t("，出具卫生监督意见书"),
            id("insp.opinions"),
            t("；检查发现问题"),
            id("insp.problems"),
            t("，据以立案"),
            id("insp.cases"),
            t("。"),
        ],
    ));
    s0.paragraphs.push(sentence(
        f,
        &[
            t("全面推行“双随机、一公开”监管。完成国家双随机抽查任务"),
            id("random.national.tasks"),
            t("，按期完成率"),
            id("random.national.completion"),
            t("；省级抽查任务"),
            id("random.provincial.tasks"),
            t("，按期完成率"),
            id("random.provincial.completion"),
            t("；市县抽查任务"),
            id("random.local.tasks"),
            t("，按期完成率"),
            id("random.local.completion"),
            t("；抽查结果公开率"),
            id("random.published"),
            t("。"),
        ],
    ));
    s0.paragraphs.push(sentence(
        f,
        &[
            t("依法查处违法行为。立案查处案件"),
            id("cases.filed"),
            t("，作出行政处罚决定"),
            id("cases.penalties"),
            t("（其中简易程序"),
            id("cases.summary"),
            t("），依法不予行政处罚"),
            id("cases.no_penalty"),
            t("；罚款"),
            id("cases.fines"),
            t("，没收违法所得"),
            id("cases.confiscations"),
            t("，收缴罚没款"),
            id("cases.collected"),
            t("。"),
        ],
    ));
    s0.paragraphs.push(sentence(
        f,
        &[
            t("严格落实行政执法“三项制度”。重大执法决定法制审核"),
            id("cases.reviewed"),
            t("，法制审核率"),
            id("cases.review_rate"),
            t("；集体讨论决定"),
            id("cases.discussed"),
            t("；举行听证"),
            id("cases.hearings"),
            t("；移送涉嫌犯罪案件"),
            id("cases.transfers"),
            t("。"),
        ],
    ));
    s0.paragraphs.push(sentence(
        f,
        &[
            t("畅通群众诉求渠道。受理投诉举报"),
            id("complaints.received"),
            t("，办结"),
            id("complaints.concluded"),
            t("，按期办结率"),
            id("complaints.on_time"),
            t("，群众满意率"),
            id("complaints.satisfaction"),
            t("；收到政府信息公开申请"),
            id("disclosure.requests"),
            t("，按期答复率"),
            id("disclosure.on_time"),
            t("，答复情况："),
            id("disclosure.by_answer"),
            t("。"),
        ],
    ));
    s0.paragraphs.push(sentence(
        f,
        &[
            t("加强执法队伍建设。执法人员持证率"),
            id("officers.certified_rate"),
            t("，人均培训"),
            id("officers.training_hours"),
            t("。动态调整权责清单："),
            id("powers.by_kind"),
            t("。"),
        ],
    ));
    let chart_ids = [
        ("random.national.completion", "国抽"),
        ("random.provincial.completion", "省抽"),
        ("random.local.completion", "市县抽"),
    ];
    let labels: Vec<String> = chart_ids.iter().map(|(_, l)| (*l).to_owned()).collect();
    let values: Vec<f64> = chart_ids
        .iter()
        .map(|(cid, _)| match f.get(cid).and_then(|x| x.value.as_ref()) {
            Some(Value::Permille(Some(p))) => *p as f64 / 10.0,
            _ => 0.0,
        })
        .collect();
    s0.charts.push(Chart {
        title: "双随机抽查任务按期完成率（%）".to_owned(),
        kind: ChartKind::Bar,
        labels,
        series: vec![(format!("{}年", f.year), values)],
    });
    s0.tables.push(Table {
        caption: format!("{}年主要执法数据与上年比较", f.year),
        header: vec![
            "指标".into(),
            format!("{}年", f.year),
            format!("{}年", f.year - 1),
            "增减".into(),
        ],
        rows: f
            .figures
            .iter()
            .filter(|x| {
                matches!(
                    x.definition.source,
                    SourceModule::Inspections | SourceModule::Cases | SourceModule::Requests
                ) && !matches!(x.value, Some(Value::Text(_)))
            })
            .map(|x| {
                vec![
                    x.definition.name_zh.to_owned(),
                    x.value.as_ref().map_or("—".into(), Value::display),
                    x.previous.as_ref().map_or("—".into(), Value::display),
                    x.change().unwrap_or_else(|| "—".into()),
                ]
            })
            .collect(),
    });
    let missing: Vec<&str> = f
        .figures
        .iter()
        .filter(|x| x.definition.source == SourceModule::NotYet)
        .map(|x| x.definition.name_zh)
        .collect();
    if !missing.is_empty() {
        sections[4].paragraphs.push(Paragraph::text(format!(
            "以下指标暂无平台数据来源，未纳入本报告统计：{}。",
            missing.join("、")
        )));
    }
    for (i, (section, text)) in sections.iter_mut().zip(narrative.iter()).enumerate() {
        let text = text.clone().unwrap_or_else(|| generated(f, i));
        section
            .paragraphs
            .extend(paragraphs(&text).map(Paragraph::text));
    }
    let figures = f
        .figures
        .iter()
        .filter_map(|x| figure(f, x.definition.id))
        .collect();
    AnnualReport {
        agency_name: f.agency_name.clone(),
        year: i32::from(f.year),
        title: format!("{}{}年法治政府建设年度报告", f.agency_name, f.year),
        script,
        sections,
        figures,
        generated_at: generated_at.to_owned(),
        checkpoint: f
            .checkpoint
            .as_ref()
            .map(|(size, root)| format!("树大小 {size}，根哈希 {root}")),
    }
}

/// The paragraphs of a narrative: its non-empty lines, trimmed.
pub fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

/// The text a part gets while no narrative has been saved for it: the
/// shortcomings the figures show for part 三, and for the parts only people
/// can write, a line saying so (never invented achievements).
pub fn generated(f: &Figures, part: usize) -> String {
    match part {
        2 => {
            let short: Vec<String> = f
                .figures
                .iter()
                .filter_map(|x| match x.value {
                    Some(Value::Permille(Some(p))) if p < 1000 => Some(format!(
                        "{}为{}",
                        x.definition.name_zh,
                        Value::Permille(Some(p)).display()
                    )),
                    _ => None,
                })
                .collect();
            if short.is_empty() {
                "（本部分尚未填写。）".to_owned()
            } else {
                format!(
                    "数据显示：{}，尚未达到全部按期完成。（原因分析尚未填写。）",
                    short.join("，")
                )
            }
        }
        0 => String::new(),
        _ => "（本部分尚未填写。）".to_owned(),
    }
}

/// Longest narrative of one part, in characters.
pub const NARRATIVE_CHARS_MAX: usize = 20_000;

/// The latest saved narrative of each part (`None` where none was saved).
pub async fn latest_narratives(
    app: &App,
    agency_id: i64,
    year: i16,
) -> Result<[Option<String>; 5], AppError> {
    let mut out: [Option<String>; 5] = Default::default();
    for row in narratives::latest(&app.db, agency_id, i64::from(year)).await? {
        if let Some(slot) = usize::try_from(row.part - 1)
            .ok()
            .and_then(|i| out.get_mut(i))
        {
            *slot = Some(row.body);
        }
    }
    Ok(out)
}

/// One part as the editor shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PartView {
    /// 1–5.
    pub part: i64,
    pub heading: String,
    /// The latest saved version, if any.
    pub current: Option<NarrativeRow>,
    /// What the report prints without a saved version.
    pub generated: String,
    /// Indicators quoted in this part.
    pub indicators: Vec<String>,
}

/// The report editor of an agency and year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Editor {
    pub scope_agency_id: i64,
    pub year: i16,
    pub figures: Figures,
    pub parts: Vec<PartView>,
    /// Every saved version, by part, newest first.
    pub history: Vec<NarrativeRow>,
    /// The report as built now (for the figures checklist).
    pub report: AnnualReport,
}

async fn report_scope(
    app: &App,
    actor: &Actor,
    action: Action,
    agency: Option<i64>,
    year: i16,
) -> Result<Scope, AppError> {
    crate::indicators::scope_of(
        app,
        actor,
        action,
        &crate::indicators::Filter {
            agency,
            year: Some(year),
            from: None,
            to: None,
        },
    )
    .await
}

/// The report of an agency of the caller's scope, with its latest narratives.
pub async fn report(
    app: &App,
    actor: &Actor,
    agency: Option<i64>,
    year: i16,
    script: Script,
) -> Result<AnnualReport, AppError> {
    let s = report_scope(app, actor, Action::ViewStatistics, agency, year).await?;
    let figures = crate::indicators::compute(app, s.agency_id, year).await?;
    let narrative = latest_narratives(app, s.agency_id, year).await?;
    Ok(build(&figures, &narrative, script, &generated_at(app)))
}

/// "2026年1月20日 10:00" in China time, as the report prints it.
pub fn generated_at(app: &App) -> String {
    let ts = jiff::Timestamp::from_microsecond(app.now_us()).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    ts.to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(8)))
        .strftime("%Y年%-m月%-d日 %H:%M")
        .to_string()
}

/// The editor page's data.
pub async fn editor(
    app: &App,
    actor: &Actor,
    agency: Option<i64>,
    year: i16,
) -> Result<Editor, AppError> {
    let s = report_scope(app, actor, Action::ViewStatistics, agency, year).await?;
    let figures = crate::indicators::compute(app, s.agency_id, year).await?;
    let latest = narratives::latest(&app.db, s.agency_id, i64::from(year)).await?;
    let narrative = latest_narratives(app, s.agency_id, year).await?;
    let report = build(&figures, &narrative, Script::Simplified, &generated_at(app));
    let parts = PARTS
        .iter()
        .enumerate()
        .map(|(i, heading)| {
            let part = i as i64 + 1;
            let indicators = report
                .sections
                .get(i)
                .map(|sec| {
                    let mut ids: Vec<String> = Vec::new();
                    for sp in sec.paragraphs.iter().flat_map(|p| &p.spans) {
                        if let Span::Figure { indicator_id, .. } = sp
                            && !ids.contains(indicator_id)
                        {
                            ids.push(indicator_id.clone());
                        }
                    }
                    ids
                })
                .unwrap_or_default();
            PartView {
                part,
                heading: format!("{}、{}", NUMBERS[i], heading),
                current: latest.iter().find(|r| r.part == part).cloned(),
                generated: generated(&figures, i),
                indicators,
            }
        })
        .collect();
    let history = narratives::history(&app.db, s.agency_id, i64::from(year)).await?;
    Ok(Editor {
        scope_agency_id: s.agency_id,
        year,
        figures,
        parts,
        history,
        report,
    })
}

/// Save a new version of one part's narrative. `expected_version` is the
/// version the form was opened at (0 when none existed): if someone saved
/// since, the save is refused (409) and nothing is written. One event.
pub async fn save_narrative(
    app: &App,
    actor: &Actor,
    agency: Option<i64>,
    year: i16,
    part: i64,
    expected_version: i64,
    body: &str,
) -> Result<i64, AppError> {
    let s = report_scope(app, actor, Action::EditReport, agency, year).await?;
    if !(1..=5).contains(&part) {
        return Err(AppError::invalid(
            "part",
            "报告部分应为第一至第五部分",
            "the part must be 1 to 5",
        ));
    }
    let body = body.replace("\r\n", "\n");
    let body = body.trim();
    if body.is_empty() {
        return Err(AppError::invalid(
            "body",
            "正文不能为空",
            "the text must not be empty",
        ));
    }
    let chars = body.chars().count();
    if chars > NARRATIVE_CHARS_MAX {
        return Err(AppError::invalid(
            "body",
            format!("正文不得超过 {NARRATIVE_CHARS_MAX} 字"),
            format!("the text must not exceed {NARRATIVE_CHARS_MAX} characters"),
        ));
    }
    let year64 = i64::from(year);
    let mut tx = app.db.begin().await?;
    let latest = narratives::latest_version(&mut tx, s.agency_id, year64, part).await?;
    if latest != expected_version {
        return Err(AppError::Conflict {
            zh: format!("该部分已被他人保存为第 {latest} 版，请刷新后在最新版本上修改"),
            en: format!(
                "this part was saved by someone else as version {latest}; reload and edit the latest version"
            ),
        });
    }
    let version = latest + 1;
    narratives::insert(
        &mut tx,
        &narratives::NewNarrative {
            agency_id: s.agency_id,
            year: year64,
            part,
            version,
            body,
            author_id: actor.user_id,
        },
        app.now_us(),
    )
    .await?;
    app.log(
        &mut tx,
        Some(actor.user_id),
        Some(s.agency_id),
        EventKind::ReportNarrativeSaved,
        format!("report:{}:{year}", s.agency_id),
        serde_json::json!({
            "year": year,
            "part": part,
            "version": version,
            "chars": chars,
            "sha256": hex::encode(sha2::Sha256::digest(body.as_bytes())),
        }),
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// One saved version of one part (the editor's history links here).
pub async fn narrative_version(
    app: &App,
    actor: &Actor,
    agency: Option<i64>,
    year: i16,
    part: i64,
    version: i64,
) -> Result<NarrativeRow, AppError> {
    let s = report_scope(app, actor, Action::ViewStatistics, agency, year).await?;
    narratives::version(&app.db, s.agency_id, i64::from(year), part, version)
        .await?
        .ok_or(AppError::NotFound {
            zh: "报告文稿版本",
            en: "report text version",
        })
}
