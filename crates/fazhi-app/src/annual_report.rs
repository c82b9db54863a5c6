//! The 法治政府建设年度报告 from the indicators: the five parts the 督察 rules
//! require, each sentence quoting its figures by indicator id so every figure
//! in the report traces back to its definition and records.

use crate::indicators::Figures;
use fazhi_domain::indicators::{SourceModule, Value};
use fazhi_report::model::{
    AnnualReport, Chart, ChartKind, Figure, Paragraph, Script, Section, Span, Table,
};

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

/// Build the report. `narrative[i]` is staff-written text for part `i`
/// (kept with versions by the editor); the figures' sentences come first.
pub fn build(
    f: &Figures,
    narrative: &[Vec<String>; 5],
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
    for (section, texts) in sections.iter_mut().zip(narrative.iter()) {
        section.paragraphs.extend(
            texts
                .iter()
                .filter(|p| !p.trim().is_empty())
                .map(|p| Paragraph::text(p.trim())),
        );
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
