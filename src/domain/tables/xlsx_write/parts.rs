//! The parts of an .xlsx package around its sheets: content types, relationships, the
//! workbook part (sheet names, the filters' defined names), the styles and the document
//! properties. Each is a small XML text made from the sheet names; the sheets themselves and
//! the shared strings are streamed by the parent module.

use super::escape_text;
use std::fmt::Write as _;

pub const XML_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const MAIN_NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG_REL_NS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_TYPE: &str = "application/vnd.openxmlformats-officedocument";

/// The cell styles of [`styles`], by number (style 0 is the plain one, Excel's «Общий»): bold,
/// then the number formats — whole numbers, fractions, then 0–15 decimals.
pub const STYLE_BOLD: u32 = 1;
pub const STYLE_WHOLE: u32 = 2;
pub const STYLE_FRACTION: u32 = 3;
/// The style of a number shown with `d` decimals (0–15) is `STYLE_DECIMALS + d`.
pub const STYLE_DECIMALS: u32 = 4;

/// `[Content_Types].xml` for `sheets` worksheets.
pub fn content_types(sheets: usize) -> String {
    let mut s = format!(
        "{XML_HEAD}<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
         <Override PartName=\"/docProps/app.xml\" ContentType=\"{OFFICE_TYPE}.extended-properties+xml\"/>\
         <Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
         <Override PartName=\"/xl/styles.xml\" ContentType=\"{OFFICE_TYPE}.spreadsheetml.styles+xml\"/>\
         <Override PartName=\"/xl/workbook.xml\" ContentType=\"{OFFICE_TYPE}.spreadsheetml.sheet.main+xml\"/>\
         <Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"{OFFICE_TYPE}.spreadsheetml.sharedStrings+xml\"/>"
    );
    for n in 1..=sheets {
        let _ = write!(
            s,
            "<Override PartName=\"/xl/worksheets/sheet{n}.xml\" \
             ContentType=\"{OFFICE_TYPE}.spreadsheetml.worksheet+xml\"/>"
        );
    }
    s.push_str("</Types>");
    s
}

/// `_rels/.rels`: the workbook and the document properties.
pub fn package_rels() -> String {
    format!(
        "{XML_HEAD}<Relationships xmlns=\"{PKG_REL_NS}\">\
         <Relationship Id=\"rId1\" Type=\"{REL_NS}/officeDocument\" Target=\"xl/workbook.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL_NS}/extended-properties\" Target=\"docProps/app.xml\"/>\
         </Relationships>"
    )
}

/// `xl/_rels/workbook.xml.rels`: the sheets (`rId1`…), the styles and the shared strings.
pub fn workbook_rels(sheets: usize) -> String {
    let mut s = format!("{XML_HEAD}<Relationships xmlns=\"{PKG_REL_NS}\">");
    for n in 1..=sheets {
        let _ = write!(
            s,
            "<Relationship Id=\"rId{n}\" Type=\"{REL_NS}/worksheet\" Target=\"worksheets/sheet{n}.xml\"/>"
        );
    }
    let _ = write!(
        s,
        "<Relationship Id=\"rId{}\" Type=\"{REL_NS}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId{}\" Type=\"{REL_NS}/sharedStrings\" Target=\"sharedStrings.xml\"/>\
         </Relationships>",
        sheets + 1,
        sheets + 2
    );
    s
}

/// A sheet of the workbook part: its name and, when it has filters, their range
/// (`$A$1:$D$3`).
pub struct SheetEntry<'a> {
    pub name: &'a str,
    pub filter: Option<String>,
}

/// `xl/workbook.xml`: the sheets in order, and the hidden name Excel keeps for each sheet's
/// filter range (`_xlnm._FilterDatabase`, without which Excel repairs the file).
pub fn workbook(sheets: &[SheetEntry]) -> String {
    let mut s = format!(
        "{XML_HEAD}<workbook xmlns=\"{MAIN_NS}\" xmlns:r=\"{REL_NS}\">\
         <bookViews><workbookView/></bookViews><sheets>"
    );
    for (i, sheet) in sheets.iter().enumerate() {
        let _ = write!(
            s,
            "<sheet name=\"{}\" sheetId=\"{}\" r:id=\"rId{}\"/>",
            escape_attr(sheet.name),
            i + 1,
            i + 1
        );
    }
    s.push_str("</sheets>");
    if sheets.iter().any(|sheet| sheet.filter.is_some()) {
        s.push_str("<definedNames>");
        for (i, sheet) in sheets.iter().enumerate() {
            if let Some(range) = &sheet.filter {
                // A sheet name in a reference is always quoted here (valid with or without
                // spaces), an apostrophe inside doubled.
                let quoted = sheet.name.replace('\'', "''");
                let _ = write!(
                    s,
                    "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"{i}\" \
                     hidden=\"1\">'{}'!{range}</definedName>",
                    escape_text(&quoted)
                );
            }
        }
        s.push_str("</definedNames>");
    }
    s.push_str("<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>");
    s
}

/// `xl/styles.xml`: a plain and a bold font, and the cell styles numbered by the `STYLE_*`
/// constants. Formats 1 («0») and 2 («0.00») are Excel's built-in ones; the others are
/// declared.
pub fn styles() -> String {
    // (numFmtId, the code when it must be declared) of the number styles, in order.
    let mut numbers: Vec<(u32, Option<String>)> = vec![(1, None), (164, Some("0.0##".into()))];
    let mut next = 165;
    for d in 0..=15u8 {
        numbers.push(match d {
            0 => (1, None),
            2 => (2, None),
            _ => {
                next += 1;
                (next - 1, Some(super::decimals_format(d)))
            }
        });
    }
    let declared: Vec<_> = numbers
        .iter()
        .filter_map(|(id, code)| code.as_ref().map(|c| (id, c)))
        .collect();
    let mut s = format!("{XML_HEAD}<styleSheet xmlns=\"{MAIN_NS}\">");
    let _ = write!(s, "<numFmts count=\"{}\">", declared.len());
    for (id, code) in &declared {
        let _ = write!(s, "<numFmt numFmtId=\"{id}\" formatCode=\"{code}\"/>");
    }
    s.push_str(
        "</numFmts><fonts count=\"2\">\
         <font><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font>\
         <font><b/><sz val=\"11\"/><name val=\"Calibri\"/><family val=\"2\"/></font></fonts>\
         <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>\
         <fill><patternFill patternType=\"gray125\"/></fill></fills>\
         <borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>",
    );
    let _ = write!(s, "<cellXfs count=\"{}\">", 2 + numbers.len());
    s.push_str("<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>");
    s.push_str(
        "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyFont=\"1\"/>",
    );
    for (id, _) in &numbers {
        let _ = write!(
            s,
            "<xf numFmtId=\"{id}\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" \
             applyNumberFormat=\"1\"/>"
        );
    }
    s.push_str(
        "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>\
         </cellStyles><dxfs count=\"0\"/><tableStyles count=\"0\"/></styleSheet>",
    );
    s
}

/// `docProps/core.xml`: who wrote the workbook and which build («Файл → Сведения» in Excel).
pub fn core_properties(description: &str) -> String {
    format!(
        "{XML_HEAD}<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:creator>Шкала</dc:creator><dc:description>{}</dc:description>\
         <cp:lastModifiedBy>Шкала</cp:lastModifiedBy></cp:coreProperties>",
        escape_text(description)
    )
}

/// `docProps/app.xml`: the application's name.
pub fn app_properties() -> String {
    format!(
        "{XML_HEAD}<Properties \
         xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">\
         <Application>Шкала</Application></Properties>"
    )
}

/// `s` for an attribute in double quotes.
fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;")
}
