//! Small browser services around storage: the persistence request, the usage estimate, the
//! clock, reading dropped or picked files, saving a file to the user's disk, and the run last
//! viewed (a preference kept in local storage, not data).

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Whether the browser keeps our data under storage pressure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persistence {
    Persistent,
    BestEffort,
    /// The browser has no Storage API (very old, or a restricted context).
    Unknown,
}

fn storage_manager() -> Option<web_sys::StorageManager> {
    Some(web_sys::window()?.navigator().storage())
}

/// Asks the browser to keep our data (navigator.storage.persist()).
pub async fn request_persistence() -> Persistence {
    persistence_from(storage_manager().map(|m| m.persist())).await
}

/// Whether persistence was already granted (navigator.storage.persisted()).
pub async fn persistence() -> Persistence {
    persistence_from(storage_manager().map(|m| m.persisted())).await
}

/// Reads the boolean promise of persist() / persisted().
async fn persistence_from(promise: Option<Result<js_sys::Promise, JsValue>>) -> Persistence {
    let Some(Ok(p)) = promise else {
        return Persistence::Unknown;
    };
    match JsFuture::from(p).await {
        Ok(v) if v.as_bool() == Some(true) => Persistence::Persistent,
        Ok(_) => Persistence::BestEffort,
        Err(_) => Persistence::Unknown,
    }
}

/// Bytes used and available to this site, as the browser estimates them.
pub async fn estimate() -> Option<(f64, f64)> {
    let m = storage_manager()?;
    let e: web_sys::StorageEstimate = JsFuture::from(m.estimate().ok()?)
        .await
        .ok()?
        .unchecked_into();
    Some((e.get_usage()?, e.get_quota()?))
}

/// Now.
pub fn now() -> crate::domain::common::time::Timestamp {
    crate::domain::common::time::Timestamp::from_unix_millis(js_sys::Date::now())
}

/// The bytes of a picked or dropped file.
pub async fn read_file(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Offers `text` to the user as a file download.
pub fn download(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let props = web_sys::BlobPropertyBag::new();
    props.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &props)
        .map_err(|e| format!("{e:?}"))?;
    download_blob(file_name, &blob)
}

/// Offers a Blob to the user as a file download.
pub fn download_blob(file_name: &str, blob: &web_sys::Blob) -> Result<(), String> {
    let err = |e: JsValue| format!("{e:?}");
    let url = web_sys::Url::create_object_url_with_blob(blob).map_err(err)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("нет документа")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(file_name);
    // `hidden`, not a style attribute: the Content-Security-Policy forbids inline styles.
    a.set_hidden(true);
    document
        .body()
        .ok_or("нет body")?
        .append_child(&a)
        .map_err(err)?;
    a.click();
    a.remove();
    // Give the browser a moment to start the download before the URL is revoked.
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    if let Some(w) = web_sys::window() {
        let _ =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    }
    Ok(())
}

/// Where this browser remembers the run last viewed (a preference, not data: local storage).
const LAST_RUN_KEY: &str = "shkala-last-run";

/// The run last viewed in this browser, if any.
pub fn last_viewed_run() -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(LAST_RUN_KEY)
        .ok()?
}

/// Remembers `id` as the run last viewed (a failure to store a preference is not an error).
pub fn remember_run(id: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(LAST_RUN_KEY, id);
    }
}
