//! The report as a DOCX in the official-document layout (GB/T 9704-2012 as
//! agencies apply it to reports): A4, margins 37/35/28/26 mm, title in
//! 方正小标宋简体 22 pt, body in 仿宋_GB2312 三号 (16 pt) at a fixed 28 pt line,
//! first-line indent two characters, headings "一、…" in 黑体, page numbers
//! "— 1 —" in the footer. The agency edits and seals it in Word or WPS, so
//! it stays plain: figures are plain text, and charts are printed as tables of
//! their data (a DOCX image would need a rasteriser; the data is what a
//! reviewer checks).

use crate::ReportError;
use crate::model::{AnnualReport, Chart, Label, Table, label};
use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType, TableCell, TableRow, VAlignType, WidthType,
};

// Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt.
const TITLE: usize = 44;
const BODY: usize = 32;
const CAPTION: usize = 28;
const SMALL: usize = 24;
/// The text width in twips: 210 mm − 28 mm − 26 mm = 156 mm.
const TEXT_WIDTH: usize = 8844;

/// Millimetres to twips (1 mm = 56.69 twips).
fn mm(v: f64) -> i32 {
    // Margins are a few hundred mm at most: the cast cannot truncate.
    (v * 1440.0 / 25.4).round() as i32
}

fn fangsong() -> RunFonts {
    RunFonts::new()
        .east_asia("仿宋_GB2312")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn heiti() -> RunFonts {
    RunFonts::new()
        .east_asia("黑体")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

fn xiaobiaosong() -> RunFonts {
    RunFonts::new()
        .east_asia("方正小标宋简体")
        .ascii("Times New Roman")
        .hi_ansi("Times New Roman")
}

/// Fixed 28 pt lines, as the body of official documents is set.
fn body_spacing() -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(560)
}

fn run(text: &str, size: usize, fonts: RunFonts) -> Run {
    Run::new().add_text(text).size(size).fonts(fonts)
}

/// A body paragraph: justified, indented two characters on its first line.
fn body_paragraph(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY, fangsong()))
        .align(AlignmentType::Both)
        .line_spacing(body_spacing())
        // Two characters of 16 pt (320 twips each).
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
}

fn heading(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY, heiti()))
        .line_spacing(body_spacing())
        .indent(None, Some(SpecialIndentType::FirstLine(640)), None, None)
        .keep_next(true)
        .outline_lvl(0)
}

fn caption(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, CAPTION, heiti()))
        .align(AlignmentType::Center)
        .keep_next(true)
}

fn cell(text: &str, width: usize, header: bool) -> TableCell {
    let fonts = if header { heiti() } else { fangsong() };
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(
            Paragraph::new()
                .add_run(run(text, SMALL, fonts))
                .align(AlignmentType::Center),
        )
}

/// A bordered table filling the text width, header row in 黑体; short rows are
/// padded with empty cells.
fn table(header: &[String], rows: &[Vec<String>]) -> docx_rs::Table {
    let columns = header
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let width = TEXT_WIDTH / columns;
    let row = |cells: &[String], is_header: bool| {
        TableRow::new(
            (0..columns)
                .map(|i| cell(cells.get(i).map_or("", String::as_str), width, is_header))
                .collect(),
        )
    };
    let mut out = Vec::with_capacity(rows.len() + 1);
    if !header.is_empty() {
        out.push(row(header, true));
    }
    out.extend(rows.iter().map(|r| row(r, false)));
    docx_rs::Table::new(out)
        .set_grid(vec![width; columns])
        .width(width * columns, WidthType::Dxa)
}

fn add_table(docx: Docx, t: &Table) -> Docx {
    let docx = if t.caption.is_empty() {
        docx
    } else {
        docx.add_paragraph(caption(&t.caption))
    };
    docx.add_table(table(&t.header, &t.rows))
        .add_paragraph(Paragraph::new())
}

/// A chart's data as a table: a row per label, a column per series.
fn chart_table(c: &Chart) -> Table {
    let mut header = vec![String::new()];
    header.extend(c.series.iter().map(|(name, _)| name.clone()));
    let rows = c
        .labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut row = vec![l.clone()];
            row.extend(c.series.iter().map(|(_, values)| {
                values
                    .get(i)
                    .filter(|v| v.is_finite())
                    .map_or_else(|| "—".to_owned(), |v| v.to_string())
            }));
            row
        })
        .collect();
    Table {
        caption: c.title.clone(),
        header,
        rows,
    }
}

/// The report as DOCX bytes (a ZIP package).
pub fn to_docx(report: &AnnualReport) -> Result<Vec<u8>, ReportError> {
    let s = report.script;
    let margin = PageMargin {
        top: mm(37.0),
        left: mm(28.0),
        bottom: mm(35.0),
        right: mm(26.0),
        header: mm(15.0),
        footer: mm(20.0),
        gutter: 0,
    };
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(run("— ", CAPTION, fangsong()))
            .add_page_num(PageNum::new())
            .add_run(run(" —", CAPTION, fangsong()))
            .align(AlignmentType::Center),
    );
    let mut docx = Docx::new()
        // A4 in twips.
        .page_size(11906, 16838)
        .page_margin(margin)
        .footer(footer)
        .add_paragraph(
            Paragraph::new()
                .add_run(run(&report.title, TITLE, xiaobiaosong()).bold())
                .align(AlignmentType::Center),
        )
        .add_paragraph(Paragraph::new().line_spacing(body_spacing()));
    for section in &report.sections {
        docx = docx.add_paragraph(heading(&section.full_heading()));
        for p in &section.paragraphs {
            docx = docx.add_paragraph(body_paragraph(&p.plain_text()));
        }
        for t in &section.tables {
            docx = add_table(docx, t);
        }
        for c in &section.charts {
            let mut t = chart_table(c);
            t.caption = format!("{}{}", t.caption, label(s, Label::ChartData));
            docx = add_table(docx, &t);
        }
    }
    let checklist = report.figures_checklist();
    if !checklist.rows.is_empty() {
        docx = docx
            .add_paragraph(Paragraph::new().page_break_before(true).add_run(run(
                &checklist.caption,
                BODY,
                heiti(),
            )))
            .add_table(table(&checklist.header, &checklist.rows));
    }
    docx = docx.add_paragraph(Paragraph::new());
    for line in report.footer_lines() {
        docx = docx.add_paragraph(Paragraph::new().add_run(run(&line, SMALL, fangsong())));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut out)
        .map_err(|e| ReportError::Docx(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tests::sample_report;

    #[test]
    fn the_docx_is_a_zip_whose_document_holds_title_figures_and_tables() {
        let bytes = to_docx(&sample_report()).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "a DOCX is a ZIP package");
        let json = docx_rs::read_docx(&bytes).unwrap().json();
        for needle in [
            "示范市卫生健康委员会2025年法治政府建设年度报告",
            "一、主要举措和成效",
            "1,234户次",
            "来信称<script>alert(1)</script>应予处理 & 回复。",
            "表1 行政处罚案件情况",
            "公共场所卫生",
            "各季度监督检查户次（图表数据）",
            "第三季度",
            "附：数据指标核对表",
            "监督检查户次",
            "数据截至执法全过程记录检查点 #1024 sha256:9f2c…e1",
            "方正小标宋简体",
            "仿宋_GB2312",
            "黑体",
        ] {
            assert!(json.contains(needle), "{needle} missing");
        }
    }

    #[test]
    fn the_document_xml_escapes_markup_and_sets_a4_and_margins() {
        let bytes = to_docx(&sample_report()).unwrap();
        let xml = document_xml(&bytes);
        assert!(xml.contains("1,234户次"));
        assert!(
            xml.contains("来信称&lt;script&gt;"),
            "text is escaped in XML"
        );
        assert!(xml.contains(r#"w:w="11906""#) && xml.contains(r#"w:h="16838""#));
        assert!(xml.contains(&format!(r#"w:top="{}""#, mm(37.0))));
        assert!(xml.contains(&format!(r#"w:left="{}""#, mm(28.0))));
    }

    /// `word/document.xml` of a DOCX, read with the zip reader docx-rs uses.
    fn document_xml(bytes: &[u8]) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn chart_data_becomes_a_table_with_a_column_per_series() {
        let c = Chart {
            title: "t".into(),
            kind: crate::model::ChartKind::Line,
            labels: vec!["a".into(), "b".into()],
            series: vec![("x".into(), vec![1.5, f64::NAN]), ("y".into(), vec![2.0])],
        };
        let t = chart_table(&c);
        assert_eq!(t.header, vec!["", "x", "y"]);
        assert_eq!(t.rows, vec![vec!["a", "1.5", "2"], vec!["b", "—", "—"]]);
    }
}
