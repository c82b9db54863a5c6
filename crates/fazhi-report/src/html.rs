//! The report as one standalone HTML document for the browser and for print:
//! an embedded A4 print stylesheet in the official-document style (GB/T 9704
//! margins, 仿宋 body, 小标宋 title), charts as inline SVG, each quoted figure
//! marked and linked to its row in the figures checklist at the end. Every
//! piece of user text is escaped; nothing is loaded from outside.

use crate::chart::{self, escape};
use crate::model::{AnnualReport, Label, Paragraph, Section, Span, Table, label};

/// The print stylesheet. Font stacks name the official fonts first (supplied
/// by the agency), then common system and free CJK fonts.
const STYLE: &str = r#"
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font-family: "Times New Roman", serif; font-size: 14pt; } }
:root { --body: "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "STFangsong", "华文仿宋",
  "Noto Serif CJK SC", "Noto Serif CJK TC", "Source Han Serif SC", "Source Han Serif TC", serif;
  --title: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "小标宋", "华文中宋", "STZhongsong",
  "Noto Serif CJK SC", "Noto Serif CJK TC", "Source Han Serif SC", serif;
  --hei: "黑体", "SimHei", "STHeiti", "Noto Sans CJK SC", "Noto Sans CJK TC", "Source Han Sans SC",
  "WenQuanYi Micro Hei", sans-serif; }
html { background: #f4f4f4; }
body { margin: 0; font-family: var(--body); font-size: 16pt; line-height: 28pt; color: #000; }
article.report { box-sizing: border-box; max-width: 210mm; margin: 1em auto; background: #fff;
  padding: 37mm 26mm 35mm 28mm; }
h1.title { font-family: var(--title); font-size: 22pt; line-height: 1.5; font-weight: bold;
  text-align: center; margin: 0 0 28pt; }
h2 { font-family: var(--hei); font-size: 16pt; font-weight: normal; margin: 0;
  text-indent: 2em; line-height: 28pt; }
p { margin: 0; text-indent: 2em; text-align: justify; }
a.fig { color: inherit; text-decoration: none; border-bottom: 1px dotted #888; }
a.fig:hover, a.fig:focus { background: #fff3c4; }
table { border-collapse: collapse; width: 100%; margin: 8pt 0 14pt; font-size: 12pt;
  line-height: 1.5; page-break-inside: auto; }
caption { font-family: var(--hei); font-size: 14pt; padding-bottom: 4pt; }
th, td { border: 1px solid #000; padding: 2pt 4pt; text-align: center; vertical-align: middle; }
th { font-family: var(--hei); font-weight: normal; }
tr { page-break-inside: avoid; }
figure.chart { margin: 10pt 0; text-align: center; page-break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
section.checklist h2 { text-indent: 0; }
section.checklist td.name { text-align: left; }
section.checklist th, section.checklist td:nth-child(2), section.checklist td:nth-child(4) {
  white-space: nowrap; }
section.checklist td.name a { color: inherit; }
tr:target td { background: #fff3c4; }
footer.meta { margin-top: 28pt; font-size: 12pt; line-height: 1.6; color: #333; text-indent: 0; }
footer.meta p { text-indent: 0; }
@media print {
  html { background: none; }
  article.report { max-width: none; margin: 0; padding: 0; }
  a.fig { border-bottom: none; }
  a { color: inherit; text-decoration: none; }
  tr:target td { background: none; }
}
"#;

/// A fragment id for an indicator: letters and digits (any script), `-`, `_`,
/// `.` and `:` kept, anything else `_`, so `#fig-ID` always resolves.
pub fn figure_anchor(indicator_id: &str) -> String {
    let safe: String = indicator_id
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':') {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("fig-{safe}")
}

/// The report as a complete HTML document. Each figure quoted in text is
/// `<a class="fig" href="#fig-ID" data-indicator="ID">` pointing at its row in
/// the figures checklist; `figure_href` gives, per indicator id, a link to
/// where the figure can be traced (the platform's indicator page at the
/// report's checkpoint), printed in that row — `None` prints no link (e.g. an
/// exported file read offline).
pub fn to_html(report: &AnnualReport, figure_href: &dyn Fn(&str) -> Option<String>) -> String {
    let s = report.script;
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(s.lang());
    out.push_str("\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>");
    out.push_str(&escape(&report.title));
    out.push_str("</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<article class=\"report\">\n");
    out.push_str("<h1 class=\"title\">");
    out.push_str(&escape(&report.title));
    out.push_str("</h1>\n");
    for (i, section) in report.sections.iter().enumerate() {
        write_section(&mut out, i, section);
    }
    write_checklist(&mut out, report, figure_href);
    out.push_str("<footer class=\"meta\">\n");
    for line in report.footer_lines() {
        out.push_str("<p>");
        out.push_str(&escape(&line));
        out.push_str("</p>\n");
    }
    out.push_str("</footer>\n</article>\n</body>\n</html>\n");
    out
}

fn write_section(out: &mut String, index: usize, section: &Section) {
    out.push_str(&format!("<section id=\"sec-{}\">\n<h2>", index + 1));
    out.push_str(&escape(&section.full_heading()));
    out.push_str("</h2>\n");
    for p in &section.paragraphs {
        write_paragraph(out, p);
    }
    for t in &section.tables {
        write_table(out, t);
    }
    for c in &section.charts {
        out.push_str("<figure class=\"chart\" role=\"img\" aria-label=\"");
        out.push_str(&escape(&c.title));
        out.push_str("\">\n");
        out.push_str(&chart::svg(c));
        out.push_str("\n</figure>\n");
    }
    out.push_str("</section>\n");
}

fn write_paragraph(out: &mut String, p: &Paragraph) {
    out.push_str("<p>");
    for span in &p.spans {
        match span {
            Span::Text(t) => out.push_str(&escape(t)),
            Span::Figure { indicator_id, text } => {
                out.push_str("<a class=\"fig\" href=\"#");
                out.push_str(&escape(&figure_anchor(indicator_id)));
                out.push_str("\" data-indicator=\"");
                out.push_str(&escape(indicator_id));
                out.push_str("\">");
                out.push_str(&escape(text));
                out.push_str("</a>");
            }
        }
    }
    out.push_str("</p>\n");
}

fn write_table(out: &mut String, t: &Table) {
    let width = t
        .header
        .len()
        .max(t.rows.iter().map(Vec::len).max().unwrap_or(0));
    out.push_str("<table>\n");
    if !t.caption.is_empty() {
        out.push_str("<caption>");
        out.push_str(&escape(&t.caption));
        out.push_str("</caption>\n");
    }
    if !t.header.is_empty() {
        out.push_str("<thead><tr>");
        for i in 0..width {
            out.push_str("<th scope=\"col\">");
            out.push_str(&escape(t.header.get(i).map_or("", String::as_str)));
            out.push_str("</th>");
        }
        out.push_str("</tr></thead>\n");
    }
    out.push_str("<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for i in 0..width {
            out.push_str("<td>");
            out.push_str(&escape(row.get(i).map_or("", String::as_str)));
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn write_checklist(
    out: &mut String,
    report: &AnnualReport,
    figure_href: &dyn Fn(&str) -> Option<String>,
) {
    let s = report.script;
    let uses = report.figure_uses();
    if uses.is_empty() {
        return;
    }
    out.push_str("<section class=\"checklist\" id=\"figures\">\n<h2>");
    out.push_str(label(s, Label::Checklist));
    out.push_str("</h2>\n<table>\n<thead><tr>");
    for l in [
        Label::Indicator,
        Label::Value,
        Label::Sections,
        Label::Source,
    ] {
        out.push_str("<th scope=\"col\">");
        out.push_str(label(s, l));
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for u in &uses {
        out.push_str("<tr id=\"");
        out.push_str(&escape(&figure_anchor(u.indicator_id)));
        out.push_str("\" data-indicator=\"");
        out.push_str(&escape(u.indicator_id));
        out.push_str("\"><td class=\"name\">");
        let name = u.figure.map_or(u.indicator_id, |f| f.name.as_str());
        match figure_href(u.indicator_id) {
            Some(href) => {
                out.push_str("<a href=\"");
                out.push_str(&escape(&href));
                out.push_str("\" title=\"");
                out.push_str(label(s, Label::Trace));
                out.push_str("\">");
                out.push_str(&escape(name));
                out.push_str("</a>");
            }
            None => out.push_str(&escape(name)),
        }
        out.push_str("</td><td>");
        match u.figure {
            Some(f) => {
                out.push_str(&escape(&f.value_text));
                out.push_str(&escape(&f.unit));
            }
            None => out.push_str(&escape(&u.quoted_as.join("；"))),
        }
        out.push_str("</td><td>");
        if u.sections.is_empty() {
            out.push_str(label(s, Label::NotQuoted));
        } else {
            out.push_str(&escape(&u.sections.join("；")));
        }
        out.push_str("</td><td>");
        match u.figure {
            Some(f) => out.push_str(&escape(&f.source_status)),
            None => out.push_str(label(s, Label::NotListed)),
        }
        out.push_str("</td></tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Script;
    use crate::tests::sample_report;

    fn render() -> String {
        to_html(&sample_report(), &|id| {
            Some(format!("/indicators/{id}?at=1024"))
        })
    }

    #[test]
    fn html_is_a_complete_document_with_the_title() {
        let html = render();
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"zh-CN\">"));
        assert!(
            html.contains(
                "<h1 class=\"title\">示范市卫生健康委员会2025年法治政府建设年度报告</h1>"
            )
        );
        assert!(html.contains("一、主要举措和成效"));
        assert!(html.contains("@page"));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn user_text_is_escaped() {
        let html = render();
        assert!(!html.contains("<script>"), "no raw script element");
        assert!(html.contains("来信称&lt;script&gt;alert(1)&lt;/script&gt;应予处理 &amp; 回复。"));
    }

    #[test]
    fn a_figure_span_links_to_its_checklist_row_by_indicator_id() {
        let html = render();
        assert!(html.contains(
            "<a class=\"fig\" href=\"#fig-inspections.total\" data-indicator=\"inspections.total\">1,234户次</a>"
        ));
        assert!(html.contains("<tr id=\"fig-inspections.total\""));
        assert!(html.contains("<a href=\"/indicators/inspections.total?at=1024\""));
    }

    #[test]
    fn the_checklist_lists_each_indicator_with_value_and_quoting_sections() {
        let html = render();
        let checklist = &html[html.find("附：数据指标核对表").unwrap()..];
        assert!(
            checklist.contains("<td>1,234户次</td><td>一、主要举措和成效</td><td>系统计算</td>")
        );
        assert!(checklist.contains("执法人员培训学时"));
        assert!(
            checklist.contains("正文未引用"),
            "a listed figure no section quotes"
        );
        assert!(
            checklist.contains("未列入指标表"),
            "a quoted figure not listed"
        );
        assert!(html.contains("数据截至执法全过程记录检查点 #1024 sha256:9f2c…e1"));
    }

    #[test]
    fn charts_are_inline_svg_and_tables_pad_short_rows() {
        let html = render();
        assert!(html.contains(
            "<figure class=\"chart\" role=\"img\" aria-label=\"各季度监督检查户次\">\n<svg"
        ));
        assert!(html.contains("<tr><td>医疗卫生</td><td>26</td><td></td></tr>"));
    }

    #[test]
    fn traditional_reports_get_zh_hant_and_traditional_labels() {
        let mut report = sample_report();
        report.script = Script::Traditional;
        let html = to_html(&report, &|_| None);
        assert!(html.contains("<html lang=\"zh-Hant\">"));
        assert!(html.contains("附：數據指標核對表"));
        assert!(!html.contains("<a href="), "no trace links without hrefs");
    }

    #[test]
    fn anchors_replace_characters_that_break_fragments() {
        assert_eq!(figure_anchor("a b/%\"c"), "fig-a_b___c");
        assert_eq!(figure_anchor("案件.立案"), "fig-案件.立案");
    }
}
