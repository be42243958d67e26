//! The page's side of the data service: starts the Web Worker, sends requests, routes
//! progress and answers back to the caller, and cancels.
//!
//! One worker per page. Requests sent before the worker says it is ready wait in a queue (a
//! cancel takes a waiting request out of it at once). If the worker fails (it cannot start,
//! or it crashes), it is terminated, every pending request is answered with a Russian
//! message, the page is told ([`on_failure`]: the banner that offers a reload), and a new
//! worker is started for the next request. Every worker has a generation: a late message of
//! a failed one is never taken for an answer.

use crate::domain::exchange::catalog::Change;
use crate::protocol::{encode, join_parts, FromWorker, Part, Request, Response, ToWorker};
use futures_channel::oneshot;
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The worker's script, as Trunk builds it (`data-loader-shim`; workers keep their name).
const WORKER_URL: &str = "/shkala-worker_loader.js";

type ProgressFn = Box<dyn Fn(String, Option<f64>)>;
type RefreshFn = Rc<dyn Fn(Change, Option<String>)>;

struct Pending {
    done: oneshot::Sender<(Response, Option<web_sys::Blob>)>,
    progress: ProgressFn,
    /// Parts of a long list sent ahead of the answer.
    parts: Vec<Part>,
}

struct Client {
    worker: Option<web_sys::Worker>,
    /// The generation of `worker`: messages of an older one are ignored.
    generation: u64,
    ready: bool,
    /// Messages waiting for the worker to be ready, by request id.
    waiting: Vec<(u64, js_sys::Object)>,
    pending: HashMap<u64, Pending>,
    next_id: u64,
    /// Called when the service read the database again.
    on_refresh: Option<RefreshFn>,
    /// Called when the service has read every record.
    on_complete: Option<Rc<dyn Fn()>>,
    /// Called when the worker failed (with what the browser said of it).
    on_failure: Option<Rc<dyn Fn(String)>>,
}

thread_local! {
    static CLIENT: RefCell<Client> = RefCell::new(Client {
        worker: None,
        generation: 0,
        ready: false,
        waiting: Vec::new(),
        pending: HashMap::new(),
        next_id: 1,
        on_refresh: None,
        on_complete: None,
        on_failure: None,
    });
}

/// What to do when the service read the database again.
pub fn on_refresh(f: impl Fn(Change, Option<String>) + 'static) {
    CLIENT.with(|c| c.borrow_mut().on_refresh = Some(Rc::new(f)));
}

/// What to do when the service has read every record.
pub fn on_complete(f: impl Fn() + 'static) {
    CLIENT.with(|c| c.borrow_mut().on_complete = Some(Rc::new(f)));
}

/// What to do when the worker failed: the page shows the banner that offers a reload.
pub fn on_failure(f: impl Fn(String) + 'static) {
    CLIENT.with(|c| c.borrow_mut().on_failure = Some(Rc::new(f)));
}

/// The worker of `generation` failed: it is terminated (its database connection and memory
/// go with it), its pending requests are answered with `message`, and the page is told.
/// A failure reported twice (an error event after the first) is handled once.
fn fail_all(generation: u64, message: &str, detail: String) {
    let taken = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.generation != generation {
            return None;
        }
        if let Some(w) = c.worker.take() {
            w.terminate();
        }
        c.generation += 1;
        c.ready = false;
        c.waiting.clear();
        let pending: Vec<Pending> = c.pending.drain().map(|(_, p)| p).collect();
        Some((pending, c.on_failure.clone()))
    });
    let Some((pending, on_failure)) = taken else {
        return;
    };
    for p in pending {
        let _ = p.done.send((
            Response::Failed {
                message: message.to_string(),
            },
            None,
        ));
    }
    if let Some(f) = on_failure {
        f(detail);
    }
}

fn on_message(generation: u64, ev: web_sys::MessageEvent) {
    if CLIENT.with(|c| c.borrow().generation) != generation {
        return;
    }
    let data = ev.data();
    let json = js_sys::Reflect::get(&data, &"json".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let Ok(message) = serde_json::from_str::<FromWorker>(&json) else {
        return;
    };
    match message {
        FromWorker::Ready => {
            let (worker, waiting) = CLIENT.with(|c| {
                let mut c = c.borrow_mut();
                c.ready = true;
                (c.worker.clone(), std::mem::take(&mut c.waiting))
            });
            if let Some(w) = worker {
                for (_, m) in waiting {
                    let _ = w.post_message(&m);
                }
            }
        }
        FromWorker::Progress {
            id,
            label,
            fraction,
        } => CLIENT.with(|c| {
            if let Some(p) = c.borrow().pending.get(&id) {
                (p.progress)(label, fraction);
            }
        }),
        FromWorker::Part { id, part } => CLIENT.with(|c| {
            if let Some(p) = c.borrow_mut().pending.get_mut(&id) {
                p.parts.push(part);
            }
        }),
        FromWorker::Done { id, mut response } => {
            let blob = js_sys::Reflect::get(&data, &"blob".into())
                .ok()
                .and_then(|b| b.dyn_into::<web_sys::Blob>().ok());
            let p = CLIENT.with(|c| c.borrow_mut().pending.remove(&id));
            if let Some(p) = p {
                join_parts(&mut response, p.parts);
                let _ = p.done.send((response, blob));
            }
        }
        FromWorker::Complete => {
            let f = CLIENT.with(|c| c.borrow().on_complete.clone());
            if let Some(f) = f {
                f();
            }
        }
        FromWorker::Refresh { change, notice } => {
            let f = CLIENT.with(|c| c.borrow().on_refresh.clone());
            if let Some(f) = f {
                f(*change, notice);
            }
        }
    }
}

/// What a pending request is answered with when the worker failed.
pub const WORKER_FAILED: &str = "Сбой обработки данных: действие не выполнено, сохранённые данные не пострадали. Перезагрузите страницу или повторите действие (обработчик данных будет запущен заново).";

fn spawn_worker(generation: u64) -> Result<web_sys::Worker, String> {
    let worker = web_sys::Worker::new(WORKER_URL).map_err(|e| format!("{e:?}"))?;
    let on_msg =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev| on_message(generation, ev));
    worker.set_onmessage(Some(on_msg.as_ref().unchecked_ref()));
    on_msg.forget();
    let on_err = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
        let detail = ev
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .unwrap_or_default();
        leptos::logging::error!("data service failed: {detail}");
        fail_all(generation, WORKER_FAILED, detail);
    });
    worker.set_onerror(Some(on_err.as_ref().unchecked_ref()));
    on_err.forget();
    Ok(worker)
}

/// Sends a request (with files) and waits for its answer; `progress` hears how it goes.
/// Returns the request's id at once through `started`, so that it can be cancelled.
pub async fn call(
    request: Request,
    files: Vec<web_sys::File>,
    progress: impl Fn(String, Option<f64>) + 'static,
    started: impl FnOnce(u64),
) -> (Response, Option<web_sys::Blob>) {
    let (tx, rx) = oneshot::channel();
    let sent: Result<u64, String> = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        if c.worker.is_none() {
            c.worker = Some(spawn_worker(c.generation)?);
            c.ready = false;
        }
        let id = c.next_id;
        c.next_id += 1;
        let obj = js_sys::Object::new();
        let text = encode(&ToWorker { id, request });
        let _ = js_sys::Reflect::set(&obj, &"json".into(), &text.into());
        if !files.is_empty() {
            let arr = js_sys::Array::new();
            for f in &files {
                arr.push(f);
            }
            let _ = js_sys::Reflect::set(&obj, &"files".into(), &arr);
        }
        c.pending.insert(
            id,
            Pending {
                done: tx,
                progress: Box::new(progress),
                parts: Vec::new(),
            },
        );
        if c.ready {
            if let Some(w) = &c.worker {
                w.post_message(&obj).map_err(|e| format!("{e:?}"))?;
            }
        } else {
            c.waiting.push((id, obj));
        }
        Ok(id)
    });
    match sent {
        Ok(id) => started(id),
        Err(e) => {
            return (
                Response::Failed {
                    message: format!("не удалось запустить обработчик данных: {e}"),
                },
                None,
            )
        }
    }
    rx.await.unwrap_or((
        Response::Failed {
            message: "обработчик данных остановился; ничего не записано".into(),
        },
        None,
    ))
}

/// Asks the service to stop a request. A request still waiting for the worker to start is
/// taken out of the queue and answered «отменено» at once.
pub fn cancel(id: u64) {
    let waiting = CLIENT.with(|c| {
        let mut c = c.borrow_mut();
        let before = c.waiting.len();
        c.waiting.retain(|(w, _)| *w != id);
        if c.waiting.len() < before {
            c.pending.remove(&id)
        } else {
            None
        }
    });
    if let Some(p) = waiting {
        let _ = p.done.send((Response::Cancelled, None));
        return;
    }
    CLIENT.with(|c| {
        let c = c.borrow();
        let obj = js_sys::Object::new();
        let text = encode(&ToWorker {
            id: 0,
            request: Request::Cancel { id },
        });
        let _ = js_sys::Reflect::set(&obj, &"json".into(), &text.into());
        if let (true, Some(w)) = (c.ready, &c.worker) {
            let _ = w.post_message(&obj);
        }
    });
}
