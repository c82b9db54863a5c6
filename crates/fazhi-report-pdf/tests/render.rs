//! Renders small reports with the system fonts and reads their text back
//! with pdf-extract (pure Rust: no poppler needed).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests fail loudly by design

use fazhi_report::model::*;
use fazhi_report_pdf::{PdfError, PdfFonts, render, to_pdf};
use std::path::PathBuf;
use std::sync::OnceLock;

fn report() -> AnnualReport {
    let inspections = Figure::count(
        "inspections.total",
        "监督检查户次",
        1234,
        "户次",
        "系统计算",
    );
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
                            inspections.quoted(),
                            Span::Text("。".into()),
                        ],
                    },
                    Paragraph::text("注入测试#set text(red)*粗*$x$<lbl>@ref]#panic()"),
                ],
                tables: vec![Table {
                    caption: "表1 行政处罚案件情况".into(),
                    header: vec!["类别".into(), "件数".into(), "罚没款（元）".into()],
                    rows: vec![
                        vec!["公共场所卫生".into(), "30".into(), "6,000.00".into()],
                        vec!["医疗卫生".into()],
                    ],
                }],
                charts: vec![Chart {
                    title: "各季度监督检查户次".into(),
                    kind: ChartKind::Bar,
                    labels: vec!["第一季度".into(), "第二季度".into()],
                    series: vec![("检查户次".into(), vec![300.0, 310.0])],
                }],
            },
            Section {
                number: "二".into(),
                heading: "主要负责人履行推进法治建设第一责任人职责情况".into(),
                paragraphs: vec![Paragraph::text("主要负责人专题研究法治建设工作。")],
                tables: vec![],
                charts: vec![Chart {
                    title: "案件来源构成".into(),
                    kind: ChartKind::Pie,
                    labels: vec!["日常监督".into(), "投诉举报".into()],
                    series: vec![("件数".into(), vec![30.0, 20.0])],
                }],
            },
        ],
        figures: vec![inspections],
        generated_at: "2026年1月20日".into(),
        checkpoint: Some("#1024".into()),
    }
}

/// The system fonts, loaded once for all tests; `None` (with a warning) when
/// the machine has no CJK font, which under CI is a failure.
fn fonts() -> Option<&'static PdfFonts> {
    static FONTS: OnceLock<Option<PdfFonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| match PdfFonts::load(&[PathBuf::from("/usr/share/fonts")]) {
            Ok(fonts) => Some(fonts),
            Err(PdfError::NoCjkFont { .. }) if std::env::var("CI").as_deref() != Ok("true") => {
                eprintln!(
                    "WARNING: no CJK font under /usr/share/fonts (apt-get install fonts-noto-cjk); PDF tests skipped"
                );
                None
            }
            Err(e) => panic!("{e}"),
        })
        .as_ref()
}

/// The PDF's text with all whitespace removed (extractors space CJK runs).
fn text_of(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf)
        .unwrap()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

#[test]
fn a_report_renders_to_a_pdf_whose_text_holds_the_title_and_a_figure() {
    let Some(fonts) = fonts() else { return };
    let pdf = render(&report(), fonts).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for needle in [
        "示范市卫生健康委员会2025年法治政府建设年度报告",
        "一、主要举措和成效",
        "监督检查1,234户次。",
        "表1行政处罚案件情况",
        "公共场所卫生306,000.00",
        "附：数据指标核对表",
        "监督检查户次1,234户次一、主要举措和成效系统计算",
        "数据截至执法全过程记录检查点#1024",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
}

#[test]
fn chart_svgs_are_embedded_with_their_labels() {
    let Some(fonts) = fonts() else { return };
    let text = text_of(&render(&report(), fonts).unwrap());
    for needle in ["各季度监督检查户次", "第一季度", "案件来源构成", "投诉举报"]
    {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
}

#[test]
fn report_text_is_printed_literally_never_evaluated_as_typst() {
    let Some(fonts) = fonts() else { return };
    let text = text_of(&render(&report(), fonts).unwrap());
    assert!(
        text.contains("注入测试#settext(red)*粗*$x$<lbl>@ref]#panic()"),
        "{text}"
    );
}

#[test]
fn a_traditional_report_renders() {
    let Some(fonts) = fonts() else { return };
    let mut report = report();
    report.script = Script::Traditional;
    report.title = "示範市衛生健康委員會2025年法治政府建設年度報告".into();
    let text = text_of(&render(&report, fonts).unwrap());
    assert!(
        text.contains("示範市衛生健康委員會2025年法治政府建設年度報告"),
        "{text}"
    );
    assert!(text.contains("附：數據指標核對表"), "{text}");
}

#[test]
fn without_a_cjk_font_the_error_says_so() {
    let err = to_pdf(&report(), &[PathBuf::from("/nonexistent/fazhi-fonts")]).unwrap_err();
    assert!(matches!(err, PdfError::NoCjkFont { .. }), "{err}");
    assert!(err.to_string().contains("中文"));
}

#[test]
fn the_same_report_gives_the_same_pdf() {
    let Some(fonts) = fonts() else { return };
    assert_eq!(
        render(&report(), fonts).unwrap(),
        render(&report(), fonts).unwrap(),
        "no clock or randomness in the output"
    );
}
