//! Charts as SVG, drawn by charts-rs: the same SVG goes inline into the HTML
//! and, as an image, into the typst PDF. Text is measured with a CJK font when
//! one has been registered ([`register_fonts`]); without one the chart still
//! renders, with Chinese labels measured by the embedded Latin font.

use crate::ReportError;
use crate::model::{Chart, ChartKind};
use std::path::Path;

/// CJK families preferred for chart text, sans-serif first (charts read best
/// in 黑体); the first one registered is used.
const PREFERRED_FAMILIES: [&str; 10] = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK TC",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "WenQuanYi Zen Hei",
];

/// Registers every font file (`.ttf`, `.otf`, `.ttc`, `.otc`) under `dir`,
/// recursively, with charts-rs, so CJK labels are measured with the glyphs
/// they are drawn with. Returns how many files were registered. A missing
/// directory registers nothing (`Ok(0)`); a file that is no font is skipped.
/// Fonts are global to the process and stay registered.
pub fn register_fonts(dir: &Path) -> Result<usize, ReportError> {
    let mut files = Vec::new();
    collect_font_files(dir, &mut files)?;
    files.sort();
    let mut count = 0;
    for path in files {
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        if charts_rs::add_fonts(&[&data]).is_ok() {
            count += 1;
        }
    }
    Ok(count)
}

/// Registers one font file (TTF, OTF or a TTC collection) with charts-rs;
/// `Ok(false)` if the file is no font charts-rs can read.
pub fn register_font_file(path: &Path) -> Result<bool, ReportError> {
    let data = std::fs::read(path).map_err(|source| ReportError::FontDir {
        path: path.display().to_string(),
        source,
    })?;
    Ok(charts_rs::add_fonts(&[&data]).is_ok())
}

/// Font files under `dir`; a directory that does not exist has none.
fn collect_font_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> Result<(), ReportError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(ReportError::FontDir {
                path: dir.display().to_string(),
                source,
            });
        }
    };
    for entry in entries {
        let entry = entry.map_err(|source| ReportError::FontDir {
            path: dir.display().to_string(),
            source,
        })?;
        let path = entry.path();
        if path.is_dir() {
            collect_font_files(&path, out)?;
        } else if is_font_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Whether a path names a font file by its extension.
pub(crate) fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase())
        .is_some_and(|e| matches!(e.as_str(), "ttf" | "otf" | "ttc" | "otc"))
}

/// The family chart text is set in: the first registered CJK family we know,
/// else a generic name the viewer resolves.
fn font_family() -> String {
    let registered = charts_rs::get_font_families().unwrap_or_default();
    PREFERRED_FAMILIES
        .iter()
        .find(|f| registered.iter().any(|r| r == *f))
        .map_or_else(|| "sans-serif".to_owned(), |f| (*f).to_owned())
}

/// Width and height of every chart, in SVG user units (≈ px); at 15.6 cm of
/// text width this prints at about 9.5 pt for 12 px labels.
const WIDTH: f32 = 640.0;
const HEIGHT: f32 = 360.0;

/// The chart as a standalone SVG document (escaped text, no external
/// resources). If charts-rs refuses the data, a plain SVG listing the data is
/// returned instead, so a report never fails on a chart.
pub fn svg(chart: &Chart) -> String {
    match charts_svg(chart) {
        Ok(svg) => svg,
        Err(_) => fallback_svg(chart),
    }
}

/// A value for charts-rs: non-finite values become gaps.
fn value(v: f64) -> Option<f32> {
    // Narrowing is intended: chart geometry needs no more than f32.
    let v = v as f32;
    v.is_finite().then_some(v)
}

fn charts_svg(chart: &Chart) -> charts_rs::Result<String> {
    let family = font_family();
    let series = || {
        chart
            .series
            .iter()
            .map(|(name, values)| {
                let mut s = charts_rs::Series::new_nullable(
                    name.clone(),
                    values.iter().copied().map(value).collect(),
                );
                s.label_show = true;
                s
            })
            .collect::<Vec<_>>()
    };
    match chart.kind {
        ChartKind::Bar => {
            let mut c = charts_rs::BarChart::new(series(), chart.labels.clone());
            c.width = WIDTH;
            c.height = HEIGHT;
            c.font_family = family;
            c.title.text = chart.title.clone();
            c.svg()
        }
        ChartKind::Line => {
            let mut c = charts_rs::LineChart::new(series(), chart.labels.clone());
            c.width = WIDTH;
            c.height = HEIGHT;
            c.font_family = family;
            c.title.text = chart.title.clone();
            c.svg()
        }
        ChartKind::Pie => {
            // A pie has one value per slice: the labels with the first series.
            let values = chart
                .series
                .first()
                .map(|(_, v)| v.as_slice())
                .unwrap_or(&[]);
            let slices = chart
                .labels
                .iter()
                .zip(values)
                .map(|(label, v)| {
                    let mut s = charts_rs::Series::new_nullable(label.clone(), vec![value(*v)]);
                    s.label_show = true;
                    s
                })
                .collect();
            let mut c = charts_rs::PieChart::new(slices);
            c.width = WIDTH;
            c.height = HEIGHT;
            c.font_family = family;
            c.title.text = chart.title.clone();
            c.rose_type = Some(false);
            c.inner_radius = 0.0;
            c.radius = 120.0;
            c.svg()
        }
    }
}

/// Escapes text for XML/HTML character data and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The chart's data as lines of text in an SVG, for when charts-rs cannot draw it.
fn fallback_svg(chart: &Chart) -> String {
    let mut lines = vec![chart.title.clone()];
    for (name, values) in &chart.series {
        let cells: Vec<String> = chart
            .labels
            .iter()
            .zip(values)
            .map(|(l, v)| {
                if v.is_finite() {
                    format!("{l} {v}")
                } else {
                    format!("{l} —")
                }
            })
            .collect();
        lines.push(format!("{name}：{}", cells.join("，")));
    }
    let height = 24 * (lines.len() + 1);
    let mut out = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{height}" viewBox="0 0 {w} {height}">"#,
        w = WIDTH
    );
    for (i, line) in lines.iter().enumerate() {
        out.push_str(&format!(
            r#"<text x="8" y="{}" font-size="14" font-family="sans-serif">{}</text>"#,
            24 * (i + 1),
            escape(line)
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Chart;

    fn bar() -> Chart {
        Chart {
            title: "各季度监督检查户次".into(),
            kind: ChartKind::Bar,
            labels: vec!["第一季度".into(), "第二季度<&>".into()],
            series: vec![("检查户次".into(), vec![300.0, f64::NAN])],
        }
    }

    #[test]
    fn chart_svg_contains_its_labels_for_every_kind() {
        for kind in [ChartKind::Bar, ChartKind::Line, ChartKind::Pie] {
            let chart = Chart { kind, ..bar() };
            let svg = svg(&chart);
            assert!(svg.starts_with("<svg"), "{kind:?}: {svg}");
            assert!(svg.contains("第一季度"), "{kind:?}: {svg}");
            assert!(
                svg.contains("第二季度&lt;&amp;&gt;"),
                "{kind:?} escapes: {svg}"
            );
            assert!(svg.contains("各季度监督检查户次"), "{kind:?}: {svg}");
            assert!(!svg.contains("<&>"), "{kind:?}");
        }
    }

    #[test]
    fn registering_a_missing_font_dir_registers_nothing() {
        let n = register_fonts(Path::new("/nonexistent/fazhi/fonts")).unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn registering_system_fonts_picks_a_cjk_family_when_one_exists() {
        let n = register_fonts(Path::new("/usr/share/fonts/truetype/wqy")).unwrap();
        if n == 0 {
            eprintln!("WARNING: no WenQuanYi font; chart text measured with the default font");
            return;
        }
        let family = font_family();
        assert!(PREFERRED_FAMILIES.contains(&family.as_str()), "{family}");
        assert!(svg(&bar()).contains(&family));
    }

    #[test]
    fn the_fallback_svg_escapes_text() {
        let svg = fallback_svg(&bar());
        assert!(
            svg.contains("第一季度 300，第二季度&lt;&amp;&gt; —"),
            "{svg}"
        );
    }
}
