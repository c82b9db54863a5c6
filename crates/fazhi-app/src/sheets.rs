//! Tables in and out: CSV (UTF-8 with BOM, what Excel opens correctly) and
//! XLSX. An uploaded XLSX becomes CSV text of its first worksheet so that one
//! parser and one set of validation rules serve both formats.

use crate::AppError;
use crate::registry::RowError;

/// An XLSX (or any OOXML) file is a ZIP archive: it starts with `PK\x03\x04`.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Export formats of every list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// A list ready to export: its header (the import's column names, so an
/// exported file can be edited and imported again) and its rows as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Worksheet name (at most 31 characters in XLSX).
    pub name: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

impl Sheet {
    pub fn to_bytes(&self, format: Format) -> Result<Vec<u8>, AppError> {
        match format {
            Format::Csv => self.to_csv(),
            Format::Xlsx => self.to_xlsx(),
        }
    }

    pub fn to_csv(&self) -> Result<Vec<u8>, AppError> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            w.write_record(&self.header)
                .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
            for r in &self.rows {
                w.write_record(r)
                    .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
            }
            w.flush()
                .map_err(|e| AppError::Internal(format!("csv: {e}")))?;
        }
        Ok(out)
    }

    /// Every cell is written as text: codes such as USCCs and staff numbers
    /// must not turn into numbers (leading zeros, 1.2E+17).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, AppError> {
        use rust_xlsxwriter::{Format as CellFormat, Workbook};
        let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("xlsx: {e}"));
        let mut book = Workbook::new();
        let bold = CellFormat::new().set_bold();
        let sheet = book.add_worksheet();
        sheet.set_name(self.name).map_err(err)?;
        for (c, h) in self.header.iter().enumerate() {
            let col =
                u16::try_from(c).map_err(|_| AppError::Internal("too many columns".into()))?;
            sheet
                .write_string_with_format(0, col, *h, &bold)
                .map_err(err)?;
            sheet.set_column_width(col, 16).map_err(err)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let line =
                u32::try_from(r + 1).map_err(|_| AppError::Internal("too many rows".into()))?;
            for (c, cell) in row.iter().enumerate() {
                let col =
                    u16::try_from(c).map_err(|_| AppError::Internal("too many columns".into()))?;
                if !cell.is_empty() {
                    sheet.write_string(line, col, cell).map_err(err)?;
                }
            }
        }
        sheet.set_freeze_panes(1, 0).map_err(err)?;
        book.save_to_buffer().map_err(err)
    }
}

/// The first worksheet of an XLSX file as CSV text. Dates become
/// `YYYY-MM-DD`, whole numbers lose their `.0`; a formula error or a file
/// that is not a readable workbook is reported.
pub fn xlsx_to_csv(bytes: &[u8]) -> Result<String, RowError> {
    use calamine::{Data, Reader, Xlsx};
    let problem = |row: usize, zh: String, en: String| RowError {
        row,
        column: String::new(),
        message_zh: zh,
        message_en: en,
    };
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| {
            problem(
                1,
                format!("XLSX 文件无法读取：{e}"),
                format!("cannot read the XLSX file: {e}"),
            )
        })?;
    let range = match book.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            return Err(problem(
                1,
                format!("XLSX 第一个工作表无法读取：{e}"),
                format!("cannot read the first worksheet: {e}"),
            ));
        }
        None => {
            return Err(problem(
                1,
                "XLSX 文件没有工作表".into(),
                "the XLSX file has no worksheet".into(),
            ));
        }
    };
    // Rows above the range's start are empty; keep spreadsheet row numbers.
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let mut out = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        for (i, row) in range.rows().enumerate() {
            let line = first_row as usize + i + 1;
            let mut cells = Vec::with_capacity(row.len());
            for cell in row {
                cells.push(match cell {
                    Data::Empty => String::new(),
                    Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                    Data::Int(n) => n.to_string(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.0}"),
                    Data::Float(f) => f.to_string(),
                    Data::Bool(b) => b.to_string(),
                    Data::DateTime(d) => excel_serial_date(d.as_f64()),
                    Data::Error(e) => {
                        return Err(problem(
                            line,
                            format!("第 {line} 行有公式错误：{e}"),
                            format!("row {line} has a formula error: {e}"),
                        ));
                    }
                });
            }
            // Trailing blank rows at the bottom of a sheet are not records.
            if cells.iter().all(String::is_empty) {
                continue;
            }
            w.write_record(&cells).map_err(|e| {
                problem(
                    line,
                    format!("第 {line} 行无法转换：{e}"),
                    format!("row {line} cannot be converted: {e}"),
                )
            })?;
        }
        w.flush().map_err(|e| {
            problem(
                1,
                format!("XLSX 无法转换：{e}"),
                format!("XLSX cannot be converted: {e}"),
            )
        })?;
    }
    String::from_utf8(out)
        .map_err(|_| {
            problem(
                1,
                "XLSX 含无效文本".into(),
                "the XLSX has invalid text".into(),
            )
        })
        .and_then(refuse_nul)
}

/// An imported table's text without NUL characters (PostgreSQL refuses
/// them in text; both backends refuse the file alike): else the line of the
/// first one.
pub fn refuse_nul(text: String) -> Result<String, RowError> {
    let Some(at) = text.find('\0') else {
        return Ok(text);
    };
    let line = 1 + text[..at].matches('\n').count();
    Err(RowError {
        row: line,
        column: String::new(),
        message_zh: format!("第 {line} 行含有空字符（\\0），请删除后重新导入"),
        message_en: format!(
            "line {line} contains a NUL character (\\0); remove it and import again"
        ),
    })
}

/// Excel's 1900 date system: serial 1 is 1900-01-01 and the (non-existent)
/// 1900-02-29 is counted, so serials from 61 on count from 1899-12-30.
fn excel_serial_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    let base = jiff::civil::date(1899, 12, 30);
    match base.checked_add(jiff::Span::new().days(days)) {
        Ok(d) => d.to_string(),
        Err(_) => serial.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_exported_xlsx_reads_back_as_the_same_table() {
        let sheet = Sheet {
            name: "单位",
            header: vec!["统一社会信用代码", "单位名称", "工号"],
            rows: vec![
                vec![
                    "91110000600037341L".into(),
                    "北京协和医院".into(),
                    "007".into(),
                ],
                vec![
                    "12110000400000009A".into(),
                    "某某诊所".into(),
                    String::new(),
                ],
            ],
        };
        let bytes = sheet.to_xlsx().unwrap();
        assert!(is_xlsx(&bytes));
        let text = xlsx_to_csv(&bytes).unwrap();
        assert_eq!(
            text,
            "统一社会信用代码,单位名称,工号\n91110000600037341L,北京协和医院,007\n12110000400000009A,某某诊所,\n"
        );
    }

    #[test]
    fn excel_date_serials_become_iso_dates() {
        assert_eq!(excel_serial_date(45658.0), "2025-01-01");
        assert_eq!(excel_serial_date(45351.5), "2024-02-29");
    }

    #[test]
    fn bytes_that_are_not_a_workbook_are_reported_not_panicked_on() {
        let e = xlsx_to_csv(b"PK\x03\x04 not really a zip").unwrap_err();
        assert_eq!(e.row, 1);
        assert!(e.message_zh.contains("XLSX"));
    }
}
