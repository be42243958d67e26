//! The Web Worker around [`super::Service`]: reads messages, runs requests one after
//! another, posts progress and answers.
//!
//! A message from the page is a JS object `{json, files?}`: `json` is a
//! [`crate::protocol::ToWorker`], `files` the picked `File`s. An answer is `{json, blob?}` with
//! a [`crate::protocol::FromWorker`] and, for a built file, its `Blob`. Requests run in the
//! order they arrive; a cancel is handled as soon as it arrives (it sets the flag the running
//! request checks).

use super::{Body, Built, Job, Service};
use crate::domain::exchange::records::RunRecord;
use crate::protocol::{encode, split_parts, FromWorker, Request, Response, ToWorker};
use crate::storage::Db;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::DedicatedWorkerGlobalScope;

struct Queued {
    message: ToWorker,
    files: Vec<web_sys::File>,
    cancel: Rc<Cell<bool>>,
}

#[derive(Default)]
struct Loop {
    service: Option<Service>,
    queue: VecDeque<Queued>,
    busy: bool,
    cancels: HashMap<u64, Rc<Cell<bool>>>,
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

/// Posts a message, with a file beside it.
fn post(message: &FromWorker, file: Option<Built>) {
    let obj = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&obj, &"json".into(), &encode(message).into());
    if let Some(f) = file {
        let parts = match &f.body {
            Body::Text(t) => js_sys::Array::of1(&JsValue::from_str(t)),
            Body::Bytes(b) => js_sys::Array::of1(&js_sys::Uint8Array::from(b.as_slice())),
        };
        let props = web_sys::BlobPropertyBag::new();
        props.set_type(f.mime);
        if let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &props) {
            let _ = js_sys::Reflect::set(&obj, &"blob".into(), &blob);
        }
    }
    let _ = scope().post_message(&obj);
}

/// Posts the answer to request `id`, with a large list of schools sent ahead in parts.
fn answer(id: u64, mut response: Response, file: Option<Built>) {
    for part in split_parts(&mut response) {
        post(&FromWorker::Part { id, part }, None);
    }
    post(&FromWorker::Done { id, response }, file);
}

/// The start of a request's debug text, for the log: the formatting stops at the limit
/// (a request can carry 45,000 ids), not after writing the whole text.
fn head(request: &Request) -> String {
    struct Head {
        text: String,
        left: usize,
    }
    impl std::fmt::Write for Head {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            for c in s.chars() {
                if self.left == 0 {
                    return Err(std::fmt::Error);
                }
                self.text.push(c);
                self.left -= 1;
            }
            Ok(())
        }
    }
    let mut head = Head {
        text: String::new(),
        left: 48,
    };
    let _ = std::fmt::Write::write_fmt(&mut head, format_args!("{request:?}"));
    head.text
}

/// Logs how long a step of the service took (the developer console; the bench reads it).
fn took(what: &str, began: f64) {
    web_sys::console::debug_1(
        &format!(
            "shkala worker: {what}: {} ms",
            (js_sys::Date::now() - began).round()
        )
        .into(),
    );
}

/// Starts the worker: installs the message handler and says it is ready.
pub fn start() {
    console_error_panic_hook::set_once();
    let state = Rc::new(RefCell::new(Loop::default()));
    let on_message = {
        let state = state.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let data = ev.data();
            let json = js_sys::Reflect::get(&data, &"json".into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default();
            let Ok(message) = serde_json::from_str::<ToWorker>(&json) else {
                return;
            };
            if let Request::Cancel { id } = message.request {
                if let Some(flag) = state.borrow().cancels.get(&id) {
                    flag.set(true);
                }
                return;
            }
            let files: Vec<web_sys::File> = js_sys::Reflect::get(&data, &"files".into())
                .ok()
                .filter(|v| v.is_array())
                .map(|v| {
                    js_sys::Array::from(&v)
                        .iter()
                        .filter_map(|f| f.dyn_into::<web_sys::File>().ok())
                        .collect()
                })
                .unwrap_or_default();
            let cancel = Rc::new(Cell::new(false));
            let mut s = state.borrow_mut();
            s.cancels.insert(message.id, cancel.clone());
            s.queue.push_back(Queued {
                message,
                files,
                cancel,
            });
            if !s.busy {
                s.busy = true;
                spawn_local(drain(state.clone()));
            }
        })
    };
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    post(&FromWorker::Ready, None);
}

async fn read(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buf = JsFuture::from(file.array_buffer()).await.map_err(|e| {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| format!("{e:?}"))
    })?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Answers the runs the page asked for while every record is read after a quick start, as
/// soon as the runs are read (the page, on its own thread, then reads the run while this one
/// reads the rest). A run request is taken out of its turn only past requests that read and
/// do not write ([`reads_only`]: the digests, other runs), so that it sees what it would have
/// seen in its turn; a request that writes (a deletion, an import) keeps every request after
/// it waiting in order. A run not found among `runs` waits for its turn and its message.
fn answer_runs_first(state: &Rc<RefCell<Loop>>, runs: &[RunRecord]) {
    let early: Vec<(u64, Response)> = {
        let mut st = state.borrow_mut();
        let mut early = Vec::new();
        let mut i = 0;
        while i < st.queue.len() {
            let q = &st.queue[i];
            if !reads_only(&q.message.request) {
                break;
            }
            let found = match &q.message.request {
                Request::Run { id: run } if !q.cancel.get() => super::run_answer(runs, run),
                _ => None,
            };
            match found {
                Some(response) => {
                    let id = q.message.id;
                    st.queue.remove(i);
                    early.push((id, response));
                }
                None => i += 1,
            }
        }
        early
    };
    for (id, response) in early {
        let began = js_sys::Date::now();
        answer(id, response, None);
        took("a run, answered as soon as the runs were read", began);
        state.borrow_mut().cancels.remove(&id);
    }
}

/// Whether a request only reads the stored data (so that another read may go before it).
fn reads_only(request: &Request) -> bool {
    matches!(request, Request::Run { .. } | Request::Digests)
}

/// Runs the queued requests one after another.
async fn drain(state: Rc<RefCell<Loop>>) {
    loop {
        let next = state.borrow_mut().queue.pop_front();
        let Some(Queued {
            message,
            files,
            cancel,
        }) = next
        else {
            state.borrow_mut().busy = false;
            return;
        };
        let id = message.id;
        // Cancelled while it waited in the queue: answered at once, nothing done.
        if cancel.get() && !matches!(message.request, Request::Load) {
            answer(id, Response::Cancelled, None);
            state.borrow_mut().cancels.remove(&id);
            continue;
        }
        // Every file is read here, in the worker; one that cannot be read keeps its name and
        // the browser's reason, and is reported as such (never dropped).
        let mut read_files = Vec::with_capacity(files.len());
        for f in &files {
            read_files.push((f.name(), read(f).await));
        }
        let job = Job {
            progress: Box::new(move |label: &str, fraction: Option<f64>| {
                post(
                    &FromWorker::Progress {
                        id,
                        label: label.to_string(),
                        fraction,
                    },
                    None,
                )
            }),
            cancel,
            files: read_files,
        };
        // The service is taken out while it works (requests run one at a time).
        let mut service = state.borrow_mut().service.take();
        let mut answered = false;
        if service.is_none() {
            let opened = match Db::get().await {
                Ok(db) => Service::start(db).await,
                Err(e) => Err(e),
            };
            match opened {
                Ok((s, overview)) => {
                    if matches!(message.request, Request::Load) {
                        answer(id, Response::Loaded(Box::new(overview)), None);
                        answered = true;
                    }
                    service = Some(s);
                }
                Err(e) => {
                    post(
                        &FromWorker::Done {
                            id,
                            response: super::unavailable(&e),
                        },
                        None,
                    );
                    answered = true;
                }
            }
        }
        if let Some(s) = service.as_mut() {
            if answered {
                // After a quick start the records are read now, before the next request.
                let began = js_sys::Date::now();
                let completed = s
                    .complete_with(&mut |runs| answer_runs_first(&state, runs))
                    .await;
                took("reading every record after the quick start", began);
                if let Err(e) = completed {
                    web_sys::console::error_1(&format!("reading the database: {e}").into());
                }
                s.flush_cache().await;
            } else {
                let what = head(&message.request);
                let began = js_sys::Date::now();
                let (response, file) = s.handle(message.request, &job).await;
                answer(id, response, file);
                took(&what, began);
                s.flush_cache().await;
            }
            if s.is_complete() {
                post(&FromWorker::Complete, None);
            }
            if let Some((change, notice)) = s.take_refresh() {
                post(
                    &FromWorker::Refresh {
                        change: Box::new(change),
                        notice,
                    },
                    None,
                );
            }
        }
        let mut st = state.borrow_mut();
        st.service = service;
        st.cancels.remove(&id);
    }
}
