//! Tables built on the page, saved for Excel: as CSV (built here, small) or as a workbook
//! (built by the data service, which holds the workbook writer). [`TableFiles`] is the pair
//! of buttons every exported table gets; its files are named by the one scheme
//! ([`file_name`]: «шкала-<что>-<ДД.ММ.ГГГГ>.csv») with today's date.

use super::actions;
use super::state::{app_state, NoticeKind};
use crate::domain::common::file_name::file_name;
use crate::domain::common::format::today_ru;
use crate::domain::tables::table::Table;
use crate::protocol::Export;
use crate::storage::browser;
use leptos::prelude::*;

/// Downloads a CSV built on the page and says so.
pub fn save_csv(name: &str, text: &str) {
    let state = app_state();
    match browser::download(name, "text/csv;charset=utf-8", text) {
        Ok(()) => state.say(
            NoticeKind::Success,
            format!("Файл «{name}» сохранён в папку загрузок."),
        ),
        Err(e) => state.say(NoticeKind::Error, format!("Не удалось сохранить файл: {e}")),
    }
}

/// Has the data service build a workbook of these tables (a sheet each) and downloads it.
pub fn save_workbook(file: &str, sheets: Vec<(String, Table)>) {
    actions::export(
        app_state(),
        Export::Workbook {
            file: file.to_string(),
            sheets,
        },
    );
}

/// «{label} (CSV)» and «{label} (Excel)»: the same table as «шкала-{what}-{today}.csv» or
/// «….xlsx» with one sheet named `sheet`; `what` is words only («перекрёстная таблица»). The
/// table is built, and the file named, when a button is pressed.
#[component]
pub fn TableFiles(
    #[prop(into)] label: String,
    #[prop(into)] what: String,
    #[prop(into)] sheet: String,
    table: impl Fn() -> Table + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let (csv_what, xlsx_what) = (what.clone(), what);
    let build_csv = table.clone();
    view! {
        <button type="button" class="file-csv" on:click=move |_| save_csv(&file_name(&csv_what, &today_ru(), "csv"), &build_csv().to_csv())>
            {format!("{label} (CSV)")}
        </button>
        <button type="button" class="file-xlsx" on:click=move |_| save_workbook(&file_name(&xlsx_what, &today_ru(), "xlsx"), vec![(sheet.clone(), table())])>
            {format!("{label} (Excel)")}
        </button>
    }
}
