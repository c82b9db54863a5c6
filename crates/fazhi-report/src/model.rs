//! The annual report as data: what the caller (the report use case) fills from
//! the figures it computed and the text officials wrote, and what every
//! renderer (HTML, DOCX, PDF) reads. Renderers never compute: a number in the
//! report is a [`Figure`] computed elsewhere, quoted in text by its indicator id
//! so every printed number can be traced back to its indicator.

use serde::{Deserialize, Serialize};

/// One annual report, the single input of every renderer, so the HTML, DOCX
/// and PDF of a report cannot disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnualReport {
    /// The reporting agency, e.g. 某某市卫生健康委员会.
    pub agency_name: String,
    /// The year reported on.
    pub year: i32,
    /// The full title, e.g. 某某市卫生健康委员会2025年法治政府建设年度报告.
    pub title: String,
    /// Which script the (already converted) text is in, for `lang` attributes
    /// and the renderers' own few fixed labels.
    pub script: Script,
    /// The parts of the report, in order.
    pub sections: Vec<Section>,
    /// Every indicator the report quotes, with its value: the figures checklist.
    pub figures: Vec<Figure>,
    /// When the report was generated, as the caller wants it printed.
    pub generated_at: String,
    /// The action-log checkpoint the figures were computed at (its tree size
    /// and root hash as the caller prints them), shown in the footer so a
    /// reader can recompute every figure from the same log.
    pub checkpoint: Option<String>,
}

/// The script of the report's text. The caller converts the text (OpenCC);
/// this flag only picks `lang` and the renderers' fixed labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    /// 简体中文 (`zh-CN`).
    #[default]
    Simplified,
    /// 繁體中文 (`zh-Hant`).
    Traditional,
}

impl Script {
    /// The BCP 47 tag for `lang` attributes, so browsers and screen readers
    /// pick the right glyphs and voice.
    pub fn lang(self) -> &'static str {
        match self {
            Script::Simplified => "zh-CN",
            Script::Traditional => "zh-Hant",
        }
    }
}

/// One numbered part of the report (一、主要举措和成效).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// The Chinese ordinal, e.g. "一"; printed as "一、".
    pub number: String,
    /// The heading without the ordinal, e.g. 主要举措和成效.
    pub heading: String,
    /// The body text.
    pub paragraphs: Vec<Paragraph>,
    /// Tables printed after the paragraphs.
    pub tables: Vec<Table>,
    /// Charts printed after the tables.
    pub charts: Vec<Chart>,
}

impl Section {
    /// "一、主要举措和成效", as every renderer prints the heading.
    pub fn full_heading(&self) -> String {
        if self.number.is_empty() {
            self.heading.clone()
        } else {
            format!("{}、{}", self.number, self.heading)
        }
    }
}

/// A paragraph: text with figures quoted inline, so each quoted number keeps
/// the id of the indicator it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Paragraph {
    /// The pieces of the paragraph, in reading order.
    pub spans: Vec<Span>,
}

impl Paragraph {
    /// A paragraph of plain text only, for text that quotes no figure.
    pub fn text(text: impl Into<String>) -> Paragraph {
        Paragraph {
            spans: vec![Span::Text(text.into())],
        }
    }

    /// The paragraph as plain text, for renderers that cannot mark figures
    /// (DOCX) and for search.
    pub fn plain_text(&self) -> String {
        self.spans
            .iter()
            .map(|s| match s {
                Span::Text(t) => t.as_str(),
                Span::Figure { text, .. } => text.as_str(),
            })
            .collect()
    }
}

/// A piece of a paragraph.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    /// Text as written.
    Text(String),
    /// A figure quoted inline, e.g. text "1,234户次" of indicator
    /// `inspections.total`; HTML marks and links it for tracing.
    Figure {
        /// The indicator's id, as in [`Figure::indicator_id`].
        indicator_id: String,
        /// The text printed, value and unit as the sentence needs them.
        text: String,
    },
}

/// A computed indicator and its value, listed in the figures checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Stable id of the indicator, e.g. `cases.filed`.
    pub indicator_id: String,
    /// Its name, e.g. 行政处罚立案数.
    pub name: String,
    /// The value as printed, e.g. "1,234" or "98.5".
    pub value_text: String,
    /// The unit, e.g. 户次, 件, %, 元.
    pub unit: String,
    /// Where the value comes from, as the caller words it, e.g. 系统计算 /
    /// 人工填报 / 部分数据人工补录.
    pub source_status: String,
}

impl Figure {
    /// A count, printed with thousands separators ("1,234"), so counts read
    /// the same in every report.
    pub fn count(
        indicator_id: impl Into<String>,
        name: impl Into<String>,
        value: i64,
        unit: impl Into<String>,
        source_status: impl Into<String>,
    ) -> Figure {
        Figure {
            indicator_id: indicator_id.into(),
            name: name.into(),
            value_text: fazhi_domain::money::group_thousands(value),
            unit: unit.into(),
            source_status: source_status.into(),
        }
    }

    /// An amount of money in 元 ("12,345.60"), from exact fen, so fines are
    /// never rounded through floating point.
    pub fn money(
        indicator_id: impl Into<String>,
        name: impl Into<String>,
        value: fazhi_domain::money::Money,
        source_status: impl Into<String>,
    ) -> Figure {
        Figure {
            indicator_id: indicator_id.into(),
            name: name.into(),
            value_text: value.format(),
            unit: "元".to_owned(),
            source_status: source_status.into(),
        }
    }

    /// The value and unit as a sentence quotes them, e.g. "1,234户次", for a
    /// [`Span::Figure`] that quotes this figure.
    pub fn quoted(&self) -> Span {
        Span::Figure {
            indicator_id: self.indicator_id.clone(),
            text: format!("{}{}", self.value_text, self.unit),
        }
    }
}

/// A table with a header row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The caption printed above the table.
    pub caption: String,
    /// Column headings.
    pub header: Vec<String>,
    /// Rows of cells, each as long as the header (shorter rows are padded).
    pub rows: Vec<Vec<String>>,
}

/// A chart of one or more series over labelled categories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    /// The chart's title.
    pub title: String,
    /// Bar, line or pie.
    pub kind: ChartKind,
    /// Category labels (x axis; slices of a pie).
    pub labels: Vec<String>,
    /// Named series, each with one value per label. A pie uses the first.
    pub series: Vec<(String, Vec<f64>)>,
}

/// The kinds of chart the report draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// Vertical bars, one group per label.
    Bar,
    /// Lines over the labels (a trend over months or years).
    Line,
    /// Shares of a whole, one slice per label.
    Pie,
}

impl AnnualReport {
    /// Each figure with the sections quoting it (full headings, in order), and
    /// after them any indicator quoted in text but missing from `figures`
    /// (its name is empty): the data of the figures checklist, shared by
    /// every renderer.
    pub fn figure_uses(&self) -> Vec<FigureUse<'_>> {
        let mut out: Vec<FigureUse<'_>> = self
            .figures
            .iter()
            .map(|f| FigureUse {
                indicator_id: &f.indicator_id,
                figure: Some(f),
                quoted_as: Vec::new(),
                sections: Vec::new(),
            })
            .collect();
        for section in &self.sections {
            for paragraph in &section.paragraphs {
                for span in &paragraph.spans {
                    let Span::Figure { indicator_id, text } = span else {
                        continue;
                    };
                    let i = match out.iter().position(|u| u.indicator_id == indicator_id) {
                        Some(i) => i,
                        None => {
                            out.push(FigureUse {
                                indicator_id,
                                figure: None,
                                quoted_as: Vec::new(),
                                sections: Vec::new(),
                            });
                            out.len() - 1
                        }
                    };
                    let used = &mut out[i];
                    let heading = section.full_heading();
                    if !used.sections.contains(&heading) {
                        used.sections.push(heading);
                    }
                    if !used.quoted_as.iter().any(|q| q == text) {
                        used.quoted_as.push(text);
                    }
                }
            }
        }
        out
    }
}

impl AnnualReport {
    /// The figures checklist (附：数据指标核对表) as a table — 指标 / 数值 /
    /// 出处章节 / 数据来源 — with its heading as caption, for renderers that
    /// print it as a plain table (DOCX, PDF).
    pub fn figures_checklist(&self) -> Table {
        let s = self.script;
        let header = [
            Label::Indicator,
            Label::Value,
            Label::Sections,
            Label::Source,
        ]
        .map(|l| label(s, l).to_owned())
        .to_vec();
        let rows = self
            .figure_uses()
            .iter()
            .map(|u| {
                vec![
                    u.figure
                        .map_or(u.indicator_id, |f| f.name.as_str())
                        .to_owned(),
                    u.figure.map_or_else(
                        || u.quoted_as.join("；"),
                        |f| format!("{}{}", f.value_text, f.unit),
                    ),
                    if u.sections.is_empty() {
                        label(s, Label::NotQuoted).to_owned()
                    } else {
                        u.sections.join("；")
                    },
                    u.figure.map_or_else(
                        || label(s, Label::NotListed).to_owned(),
                        |f| f.source_status.clone(),
                    ),
                ]
            })
            .collect();
        Table {
            caption: label(s, Label::Checklist).to_owned(),
            header,
            rows,
        }
    }

    /// The closing lines every renderer prints: the action-log checkpoint the
    /// figures were computed at (数据截至执法全过程记录检查点 …), when there is
    /// one, and when the report was generated.
    pub fn footer_lines(&self) -> Vec<String> {
        let s = self.script;
        let mut lines = Vec::with_capacity(2);
        if let Some(checkpoint) = &self.checkpoint {
            lines.push(format!("{} {checkpoint}", label(s, Label::Checkpoint)));
        }
        lines.push(format!(
            "{}：{}",
            label(s, Label::Generated),
            self.generated_at
        ));
        lines
    }
}

/// One row of the figures checklist: an indicator and where it is quoted.
#[derive(Debug, Clone, PartialEq)]
pub struct FigureUse<'a> {
    /// The indicator's id.
    pub indicator_id: &'a str,
    /// The figure, or `None` when text quotes an indicator the report does
    /// not list (an error in the report the checklist makes visible).
    pub figure: Option<&'a Figure>,
    /// The distinct texts the indicator is quoted as.
    pub quoted_as: Vec<&'a str>,
    /// Full headings of the sections quoting it, in report order.
    pub sections: Vec<String>,
}

/// The renderers' own fixed labels, in both scripts (the caller converts only
/// the report's text).
pub(crate) fn label(script: Script, key: Label) -> &'static str {
    let (s, t) = match key {
        Label::Checklist => ("附：数据指标核对表", "附：數據指標核對表"),
        Label::Indicator => ("指标", "指標"),
        Label::Value => ("数值", "數值"),
        Label::Sections => ("出处章节", "出處章節"),
        Label::Source => ("数据来源", "數據來源"),
        Label::NotListed => ("未列入指标表", "未列入指標表"),
        Label::NotQuoted => ("正文未引用", "正文未引用"),
        Label::Checkpoint => (
            "数据截至执法全过程记录检查点",
            "數據截至執法全過程記錄檢查點",
        ),
        Label::Generated => ("生成时间", "生成時間"),
        Label::Trace => ("追溯", "追溯"),
        Label::ChartData => ("（图表数据）", "（圖表數據）"),
    };
    match script {
        Script::Simplified => s,
        Script::Traditional => t,
    }
}

/// Keys of [`label`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Label {
    Checklist,
    Indicator,
    Value,
    Sections,
    Source,
    NotListed,
    NotQuoted,
    Checkpoint,
    Generated,
    Trace,
    ChartData,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figure_uses_list_quoting_sections_and_unlisted_indicators() {
        let report = crate::tests::sample_report();
        let uses = report.figure_uses();
        let inspections = uses
            .iter()
            .find(|u| u.indicator_id == "inspections.total")
            .unwrap();
        assert_eq!(inspections.sections, vec!["一、主要举措和成效".to_owned()]);
        assert_eq!(inspections.quoted_as, vec!["1,234户次"]);
        let unlisted = uses
            .iter()
            .find(|u| u.indicator_id == "cases.unlisted")
            .unwrap();
        assert!(unlisted.figure.is_none());
    }

    #[test]
    fn figures_format_counts_and_money_exactly() {
        let f = Figure::count(
            "inspections.total",
            "监督检查户次",
            1234,
            "户次",
            "系统计算",
        );
        assert_eq!(f.value_text, "1,234");
        assert_eq!(
            f.quoted(),
            Span::Figure {
                indicator_id: "inspections.total".into(),
                text: "1,234户次".into()
            }
        );
        assert_eq!(fazhi_domain::money::group_thousands(0), "0");
        assert_eq!(
            fazhi_domain::money::group_thousands(-1_234_567),
            "-1,234,567"
        );
        let m = Figure::money(
            "cases.fines",
            "罚没款金额",
            fazhi_domain::money::Money::from_fen(1_234_560),
            "系统计算",
        );
        assert_eq!(
            (m.value_text.as_str(), m.unit.as_str()),
            ("12,345.60", "元")
        );
    }

    #[test]
    fn the_model_round_trips_through_json() {
        let report = crate::tests::sample_report();
        let json = serde_json::to_string(&report).unwrap();
        let back: AnnualReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        assert!(
            json.contains(r#"{"figure":{"indicator_id":"inspections.total","text":"1,234户次"}}"#),
            "{json}"
        );
    }
}
