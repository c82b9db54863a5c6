//! The annual rule-of-law report (法治政府建设年度报告) of a health commission:
//! its data model ([`model`]) and the renderers that need no layout engine —
//! a standalone printable HTML page ([`html`]), SVG charts ([`chart`]) and an
//! official-document DOCX ([`docx`]). The PDF lives in `fazhi-report-pdf`,
//! because typst doubles the clean build and only the binary needs it.
//!
//! Renderers compute nothing: every number is a [`model::Figure`] the caller
//! computed from the action log, quoted in text by its indicator id.

#![warn(missing_docs)]

pub mod chart;
pub mod docx;
pub mod html;
pub mod model;

pub use model::{
    AnnualReport, Chart, ChartKind, Figure, FigureUse, Paragraph, Script, Section, Span, Table,
};

/// What can go wrong rendering a report; one enum for the crate.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A font directory could not be read (a missing directory is not an
    /// error: it registers no font).
    #[error("读取字体目录 {path} 失败 / cannot read font directory {path}: {source}")]
    FontDir {
        /// The directory or file that failed.
        path: String,
        /// The IO error.
        source: std::io::Error,
    },
    /// The DOCX package could not be written.
    #[error("生成 DOCX 失败 / cannot write DOCX: {0}")]
    Docx(String),
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::model::*;

    /// A small report with each kind of content, shared by the tests.
    pub(crate) fn sample_report() -> AnnualReport {
        AnnualReport {
            agency_name: "示范市卫生健康委员会".into(),
            year: 2025,
            title: "示范市卫生健康委员会2025年法治政府建设年度报告".into(),
            script: Script::Simplified,
            sections: vec![
                Section {
                    number: "一".into(),
                    heading: "主要举措和成效".into(),
                    paragraphs: vec![
                        Paragraph {
                            spans: vec![
                                Span::Text("全年开展“双随机、一公开”监督检查".into()),
                                Span::Figure {
                                    indicator_id: "inspections.total".into(),
                                    text: "1,234户次".into(),
                                },
                                Span::Text("，办理行政处罚案件".into()),
                                Span::Figure {
                                    indicator_id: "cases.filed".into(),
                                    text: "56件".into(),
                                },
                                Span::Text("，罚没款".into()),
                                Span::Figure {
                                    indicator_id: "cases.fines".into(),
                                    text: "12,345.60元".into(),
                                },
                                Span::Text("。".into()),
                            ],
                        },
                        Paragraph::text("来信称<script>alert(1)</script>应予处理 & 回复。"),
                    ],
                    tables: vec![Table {
                        caption: "表1 行政处罚案件情况".into(),
                        header: vec!["类别".into(), "件数".into(), "罚没款（元）".into()],
                        rows: vec![
                            vec!["公共场所卫生".into(), "30".into(), "6,000.00".into()],
                            vec!["医疗卫生".into(), "26".into()],
                        ],
                    }],
                    charts: vec![Chart {
                        title: "各季度监督检查户次".into(),
                        kind: ChartKind::Bar,
                        labels: vec![
                            "第一季度".into(),
                            "第二季度".into(),
                            "第三季度".into(),
                            "第四季度".into(),
                        ],
                        series: vec![("检查户次".into(), vec![300.0, 310.0, 320.0, 304.0])],
                    }],
                },
                Section {
                    number: "二".into(),
                    heading: "主要负责人履行推进法治建设第一责任人职责情况".into(),
                    paragraphs: vec![Paragraph {
                        spans: vec![
                            Span::Text("主要负责人主持召开专题会议".into()),
                            Span::Figure {
                                indicator_id: "meetings.law".into(),
                                text: "4次".into(),
                            },
                            Span::Text("，未列入指标表的".into()),
                            Span::Figure {
                                indicator_id: "cases.unlisted".into(),
                                text: "7件".into(),
                            },
                            Span::Text("。".into()),
                        ],
                    }],
                    tables: vec![],
                    charts: vec![],
                },
                Section {
                    number: "三".into(),
                    heading: "存在的不足和原因".into(),
                    paragraphs: vec![Paragraph::text("基层执法力量不足。")],
                    tables: vec![],
                    charts: vec![],
                },
                Section {
                    number: "四".into(),
                    heading: "下一年度工作思路和安排".into(),
                    paragraphs: vec![Paragraph::text("继续推进行政执法“三项制度”。")],
                    tables: vec![],
                    charts: vec![Chart {
                        title: "案件来源构成".into(),
                        kind: ChartKind::Pie,
                        labels: vec!["日常监督".into(), "投诉举报".into(), "上级交办".into()],
                        series: vec![("件数".into(), vec![30.0, 20.0, 6.0])],
                    }],
                },
                Section {
                    number: "五".into(),
                    heading: "其他需要报告的情况".into(),
                    paragraphs: vec![Paragraph::text("无。")],
                    tables: vec![],
                    charts: vec![],
                },
            ],
            figures: vec![
                Figure {
                    indicator_id: "inspections.total".into(),
                    name: "监督检查户次".into(),
                    value_text: "1,234".into(),
                    unit: "户次".into(),
                    source_status: "系统计算".into(),
                },
                Figure {
                    indicator_id: "cases.filed".into(),
                    name: "行政处罚立案数".into(),
                    value_text: "56".into(),
                    unit: "件".into(),
                    source_status: "系统计算".into(),
                },
                Figure {
                    indicator_id: "cases.fines".into(),
                    name: "罚没款金额".into(),
                    value_text: "12,345.60".into(),
                    unit: "元".into(),
                    source_status: "系统计算".into(),
                },
                Figure {
                    indicator_id: "meetings.law".into(),
                    name: "法治专题会议次数".into(),
                    value_text: "4".into(),
                    unit: "次".into(),
                    source_status: "人工填报".into(),
                },
                Figure {
                    indicator_id: "training.hours".into(),
                    name: "执法人员培训学时".into(),
                    value_text: "60".into(),
                    unit: "学时".into(),
                    source_status: "人工填报".into(),
                },
            ],
            generated_at: "2026年1月20日 10:00".into(),
            checkpoint: Some("#1024 sha256:9f2c…e1".into()),
        }
    }
}
