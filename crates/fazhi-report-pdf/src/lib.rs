//! The annual report as PDF, laid out by typst used as a library (real CJK
//! line breaking, tables, SVG charts; pure Rust, so the server stays one
//! binary). A crate of its own because typst doubles the clean build: only
//! the binary links it.
//!
//! The report goes to the embedded template (`templates/report.typ`) as JSON
//! bytes in `sys.inputs.data`, read there with `json(...)`: report text is data,
//! never spliced into markup.

#![warn(missing_docs)]

use fazhi_report::{AnnualReport, Script};
use serde::Serialize;
use std::path::{Path, PathBuf};
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Dict, IntoValue};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The template, compiled into the binary so a deployment has nothing to lose.
const TEMPLATE: &str = include_str!("../templates/report.typ");

/// Where fonts are looked for when the caller names no directory.
const SYSTEM_FONT_DIR: &str = "/usr/share/fonts";

/// Characters a font must cover to set a Chinese report (common hanzi and
/// full-width punctuation).
const CJK_PROBE: [char; 6] = ['中', '国', '法', '治', '报', '，'];

/// Official and common family names, in the order preferred, for the body
/// (仿宋), the title (小标宋) and headings (黑体); the CJK fonts actually found
/// are appended to each list so the document always names one that exists.
const BODY_FONTS: [&str; 6] = [
    "FangSong_GB2312",
    "仿宋_GB2312",
    "FangSong",
    "仿宋",
    "STFangsong",
    "Times New Roman",
];
const TITLE_FONTS: [&str; 5] = [
    "FZXiaoBiaoSong-B05S",
    "方正小标宋简体",
    "方正小标宋_GBK",
    "STZhongsong",
    "Times New Roman",
];
const HEI_FONTS: [&str; 4] = ["SimHei", "黑体", "STHeiti", "Times New Roman"];

/// What can go wrong making the PDF; one enum for the crate.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// No font under the font directories covers Chinese text: the report
    /// would print as empty boxes, so it is refused.
    #[error(
        "字体目录中没有可显示中文的字体（请安装 fonts-noto-cjk 或 fonts-wqy-microhei，或配置字体目录）/ no font covering Chinese under {searched:?}"
    )]
    NoCjkFont {
        /// The directories searched.
        searched: Vec<PathBuf>,
    },
    /// A font directory exists but cannot be read.
    #[error("读取字体目录 {path} 失败 / cannot read font directory {path}: {source}")]
    FontDir {
        /// The directory.
        path: PathBuf,
        /// The IO error.
        source: std::io::Error,
    },
    /// The report could not be serialised for the template.
    #[error("报告数据序列化失败 / cannot serialise the report: {0}")]
    Json(#[from] serde_json::Error),
    /// typst rejected the template with this data (a bug in the template).
    #[error("排版失败 / typst layout failed: {0}")]
    Typst(String),
}

/// Fonts loaded once and reused for every PDF (a CJK collection is tens of
/// megabytes: a server loads them at start, not per report).
pub struct PdfFonts {
    fonts: Vec<Font>,
    book: LazyHash<FontBook>,
    /// CJK-covering families found, serif-like first (sorted by name within).
    cjk_serif_first: Vec<String>,
    /// The same families, sans-like first.
    cjk_sans_first: Vec<String>,
}

impl std::fmt::Debug for PdfFonts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfFonts")
            .field("faces", &self.fonts.len())
            .field("cjk_families", &self.cjk_serif_first)
            .finish()
    }
}

impl PdfFonts {
    /// Loads every `.ttf`/`.otf`/`.ttc`/`.otc` under the directories,
    /// recursively (an empty list means `/usr/share/fonts`); directories that
    /// do not exist are skipped. Fails with [`PdfError::NoCjkFont`] if no face
    /// covers Chinese.
    pub fn load(dirs: &[PathBuf]) -> Result<PdfFonts, PdfError> {
        let searched: Vec<PathBuf> = if dirs.is_empty() {
            vec![PathBuf::from(SYSTEM_FONT_DIR)]
        } else {
            dirs.to_vec()
        };
        let mut files = Vec::new();
        for dir in &searched {
            collect_font_files(dir, &mut files)?;
        }
        files.sort();
        files.dedup();
        let mut fonts = Vec::new();
        // Each CJK family with the file it came from.
        let mut cjk_files: Vec<(String, PathBuf)> = Vec::new();
        for path in files {
            // An unreadable file or one that is no font is skipped.
            let Ok(data) = std::fs::read(&path) else {
                continue;
            };
            for font in Font::iter(Bytes::new(data)) {
                let info = font.info();
                if CJK_PROBE
                    .iter()
                    .all(|c| info.coverage.contains(u32::from(*c)))
                    && !cjk_files.iter().any(|(f, _)| *f == info.family)
                {
                    cjk_files.push((info.family.clone(), path.clone()));
                }
                fonts.push(font);
            }
        }
        let mut cjk: Vec<String> = cjk_files.iter().map(|(f, _)| f.clone()).collect();
        if cjk.is_empty() {
            return Err(PdfError::NoCjkFont { searched });
        }
        cjk.sort();
        let mut cjk_serif_first = cjk.clone();
        cjk_serif_first.sort_by_key(|f| !serif_like(f));
        let mut cjk_sans_first = cjk;
        cjk_sans_first.sort_by_key(|f| serif_like(f));
        // Charts are drawn before typst sees them: give charts-rs the file of
        // the CJK sans family they will be set in, so labels are measured with
        // the glyphs typst draws them with.
        let chart_family = for_script(&cjk_sans_first, Script::Simplified);
        if let Some((_, path)) = chart_family
            .first()
            .and_then(|family| cjk_files.iter().find(|(f, _)| f == family))
        {
            // Without it charts still render, measured with a Latin font.
            let _ = fazhi_report::chart::register_font_file(path);
        }
        Ok(PdfFonts {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            cjk_serif_first,
            cjk_sans_first,
        })
    }

    /// The CJK-covering families found, so an operator can see which fonts a report will use.
    pub fn cjk_families(&self) -> &[String] {
        &self.cjk_serif_first
    }
}

/// Whether a family looks like a serif (宋/明) face, for the body text.
fn serif_like(family: &str) -> bool {
    let l = family.to_lowercase();
    l.contains("serif") || l.contains("song") || l.contains("ming") || l.contains('宋')
}

/// How well a family's regional glyph forms fit the script: 0 best. Noto and
/// Source Han ship one family per region (SC, TC, HK, JP, KR) with different
/// glyph shapes; a Chinese report must not be set in the Japanese or Hong Kong
/// forms.
fn region_rank(family: &str, script: Script) -> u8 {
    let words: Vec<&str> = family.split_whitespace().collect();
    let has = |tag: &str| words.iter().any(|w| w.eq_ignore_ascii_case(tag));
    let (first, second) = match script {
        Script::Simplified => ("SC", "CN"),
        Script::Traditional => ("TC", "TW"),
    };
    if has(first) || has(second) {
        0
    } else if has("JP") || has("KR") || has("K") || has("HK") || has("SC") || has("TC") {
        2
    } else {
        // A family for one region only (WenQuanYi, a 仿宋_GB2312 …).
        1
    }
}

/// The CJK families in the order to try them for `script`: regional fit
/// first, then the order given.
fn for_script(families: &[String], script: Script) -> Vec<String> {
    let mut out = families.to_vec();
    out.sort_by_key(|f| region_rank(f, script));
    out
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), PdfError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(PdfError::FontDir {
                path: dir.to_owned(),
                source,
            });
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_font_files(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .is_some_and(|e| matches!(e.as_str(), "ttf" | "otf" | "ttc" | "otc"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// The report as PDF bytes, loading fonts from `font_dirs` (empty: the system
/// font directory). For many reports, load [`PdfFonts`] once and call [`render`].
pub fn to_pdf(report: &AnnualReport, font_dirs: &[PathBuf]) -> Result<Vec<u8>, PdfError> {
    render(report, &PdfFonts::load(font_dirs)?)
}

/// What the template reads from `sys.inputs.data`.
#[derive(Serialize)]
struct TemplateInput<'a> {
    report: &'a AnnualReport,
    /// `charts[i][j]`: the SVG of chart `j` of section `i`.
    charts: Vec<Vec<String>>,
    checklist: fazhi_report::Table,
    /// The indicator id of each checklist row, for the links from the text.
    checklist_ids: Vec<&'a str>,
    footer: Vec<String>,
    region: &'static str,
    fonts: TemplateFonts,
}

#[derive(Serialize)]
struct TemplateFonts {
    body: Vec<String>,
    title: Vec<String>,
    hei: Vec<String>,
}

/// The report as PDF bytes with fonts already loaded.
pub fn render(report: &AnnualReport, fonts: &PdfFonts) -> Result<Vec<u8>, PdfError> {
    let script = report.script;
    let stack = |names: &[&str], cjk: &[String]| {
        names
            .iter()
            .map(|s| (*s).to_owned())
            .chain(cjk.iter().cloned())
            .collect::<Vec<_>>()
    };
    let input = TemplateInput {
        report,
        charts: report
            .sections
            .iter()
            .map(|s| s.charts.iter().map(fazhi_report::chart::svg).collect())
            .collect(),
        checklist: report.figures_checklist(),
        checklist_ids: report
            .figure_uses()
            .iter()
            .map(|u| u.indicator_id)
            .collect(),
        footer: report.footer_lines(),
        region: match script {
            Script::Simplified => "cn",
            Script::Traditional => "tw",
        },
        fonts: TemplateFonts {
            body: stack(&BODY_FONTS, &for_script(&fonts.cjk_serif_first, script)),
            title: stack(&TITLE_FONTS, &for_script(&fonts.cjk_serif_first, script)),
            hei: stack(&HEI_FONTS, &for_script(&fonts.cjk_sans_first, script)),
        },
    };
    let json = serde_json::to_vec(&input)?;
    let mut inputs = Dict::new();
    inputs.insert("data".into(), Bytes::new(json).into_value());
    let world = ReportWorld {
        library: LazyHash::new(Library::builder().with_inputs(inputs).build()),
        fonts,
        main: Source::new(main_id()?, TEMPLATE.to_owned()),
    };
    let compiled = typst::compile::<typst_layout::PagedDocument>(&world);
    let document = compiled.output.map_err(|errors| {
        PdfError::Typst(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let pdf = typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default()).map_err(|errors| {
        PdfError::Typst(
            errors
                .iter()
                .map(|e| e.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    });
    // Drop memoised layout older than a few compilations, so a long-running
    // server does not keep every report it ever laid out.
    typst::comemo::evict(5);
    pdf
}

fn main_id() -> Result<FileId, PdfError> {
    let path = VirtualPath::new("/report.typ").map_err(|e| PdfError::Typst(format!("{e:?}")))?;
    Ok(RootedPath::new(VirtualRoot::Project, path).intern())
}

/// The typst world of one report: the template as its only file, the loaded
/// fonts, no packages, no clock.
struct ReportWorld<'a> {
    library: LazyHash<Library>,
    fonts: &'a PdfFonts,
    main: Source,
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    /// No clock: the report prints the dates the caller gave it.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_families_are_ordered_by_the_report_script() {
        let families: Vec<String> = [
            "Noto Serif CJK HK",
            "Noto Serif CJK JP",
            "Noto Serif CJK SC",
            "Noto Serif CJK TC",
            "WenQuanYi Micro Hei",
        ]
        .map(String::from)
        .to_vec();
        let simplified = for_script(&families, Script::Simplified);
        assert_eq!(simplified[0], "Noto Serif CJK SC");
        assert_eq!(simplified[1], "WenQuanYi Micro Hei");
        assert_eq!(
            for_script(&families, Script::Traditional)[0],
            "Noto Serif CJK TC"
        );
    }

    #[test]
    fn serif_faces_are_told_from_sans() {
        assert!(serif_like("Noto Serif CJK SC"));
        assert!(serif_like("FangSong"));
        assert!(serif_like("仿宋_GB2312"));
        assert!(!serif_like("Noto Sans CJK SC"));
        assert!(!serif_like("WenQuanYi Micro Hei"));
    }
}
