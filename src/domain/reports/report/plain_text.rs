//! The report as plain text (for the clipboard and the CLI): headings underlined, tables with
//! their numbers aligned right.

use super::{Report, ReportTable, Section};

/// The report as plain text: the title, the subtitle, the title block, the contents, then
/// each section's numbered heading, paragraphs, tables and subsections (columns padded,
/// numbers aligned right), and the signature block.
pub fn report_text(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(&report.title);
    out.push('\n');
    if !report.subtitle.is_empty() {
        out.push_str(&report.subtitle);
        out.push('\n');
    }
    out.push('\n');
    for (label, text) in report.title_block.lines() {
        out.push_str(&format!("{label}: {text}\n"));
    }
    out.push_str("\nСодержание\n");
    for line in report.contents() {
        let indent = if line.level > 1 { "    " } else { "" };
        out.push_str(&format!("{indent}{}. {}\n", line.number, line.heading));
    }
    for s in &report.sections {
        section_text(&mut out, s, '=');
        for sub in &s.subsections {
            section_text(&mut out, sub, '-');
        }
    }
    out.push('\n');
    for line in report.signature.lines() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// One section's heading (underlined with `rule`), paragraphs and tables.
pub(super) fn section_text(out: &mut String, s: &Section, rule: char) {
    out.push('\n');
    let heading = if s.number.is_empty() {
        s.heading.clone()
    } else {
        format!("{}. {}", s.number, s.heading)
    };
    out.push_str(&heading);
    out.push('\n');
    out.push_str(&rule.to_string().repeat(heading.chars().count()));
    out.push('\n');
    for p in &s.paragraphs {
        out.push('\n');
        out.push_str(p);
        out.push('\n');
    }
    for t in &s.tables {
        out.push('\n');
        out.push_str(&table_text(t));
    }
}

fn table_text(t: &ReportTable) -> String {
    let mut out = String::new();
    if !t.caption.is_empty() {
        out.push_str(&t.caption);
        out.push('\n');
    }
    let columns = t
        .rows
        .iter()
        .map(Vec::len)
        .chain(std::iter::once(t.header.len()))
        .max()
        .unwrap_or(0);
    let mut width = vec![0usize; columns];
    for line in std::iter::once(&t.header).chain(&t.rows) {
        for (w, cell) in width.iter_mut().zip(line) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let render = |line: &[String]| -> String {
        let cells: Vec<String> = (0..columns)
            .map(|c| {
                let cell = line.get(c).map_or("", String::as_str);
                let pad = width[c].saturating_sub(cell.chars().count());
                if t.numeric.get(c).copied().unwrap_or(false) {
                    format!("{}{cell}", " ".repeat(pad))
                } else {
                    format!("{cell}{}", " ".repeat(pad))
                }
            })
            .collect();
        format!("| {} |\n", cells.join(" | "))
    };
    if !t.header.is_empty() {
        out.push_str(&render(&t.header));
        let rule: Vec<String> = width.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&format!("|-{}-|\n", rule.join("-|-")));
    }
    if t.rows.is_empty() {
        out.push_str("(нет строк)\n");
    }
    for row in &t.rows {
        out.push_str(&render(row));
    }
    out
}
