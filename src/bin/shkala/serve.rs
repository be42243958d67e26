//! `shkala serve`: the built app (`dist/`) served to the browsers of a room — this computer's
//! by default (`127.0.0.1`), every device of the local network with `--lan` — by the hosting
//! rules of [`shkala::hosting`]: the `Content-Type` of each file, the Content-Security-Policy
//! of `index.html` as a header, `no-cache` for the unhashed files and a year for the hashed
//! ones, the precompressed copy a browser accepts, `ETag` and `304`, the app's routes answered
//! with `index.html`.
//!
//! One blocking server (`tiny_http`: a thread reads each connection's requests) and a fixed
//! pool of [`WORKERS`] threads that answer them, the files streamed from disk: a room of 30
//! devices needs no async runtime. Ctrl+C (or SIGTERM) stops it: the workers are unblocked,
//! finish what they are sending (for a few seconds at most) and the command returns.

use crate::{Failure, Opts};
use shkala::hosting::{self, Coding, Resolved};
use std::fs::File;
use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, UNIX_EPOCH};
use tiny_http::{Header, Method, Request, Response, Server, StatusCode};

/// Threads answering requests. Each streams one file at a time; eight keep two cores busy
/// while some wait on slow Wi-Fi clients.
const WORKERS: usize = 8;

/// The port when none is asked.
const DEFAULT_PORT: u16 = 8080;

/// How long a stop waits for the responses being sent.
const STOP_GRACE: Duration = Duration::from_secs(3);

/// The folder served and the policy of its `index.html`, read once at start.
struct Site {
    /// The folder, canonical: a file's canonical path must start with it.
    root: PathBuf,
    csp: String,
}

/// Why the server stops.
enum Stop {
    /// Ctrl+C, SIGTERM or SIGHUP.
    Signal,
    /// The server could no longer take connections.
    Failed(String),
}

pub(crate) fn cmd_serve(args: &[String]) -> Result<(), Failure> {
    // `--lan` is the one option without a value.
    let lan = args.iter().any(|a| a == "--lan");
    let rest: Vec<String> = args.iter().filter(|a| *a != "--lan").cloned().collect();
    let opts = Opts::parse(&rest, &["dir", "port", "lan"])?;
    if opts.one("lan")?.is_some() {
        return Err("--lan пишется без значения: shkala serve --lan".into());
    }
    let port = match opts.one("port")? {
        None => DEFAULT_PORT,
        Some(p) => p.parse::<u16>().map_err(|_| {
            format!("--port: «{p}» не является номером порта (целое число от 0 до 65535)")
        })?,
    };
    let dir = app_folder(opts.one("dir")?)?;
    let site = site(&dir)?;

    let ip = if lan {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let server = Server::http(SocketAddr::new(ip, port)).map_err(|e| {
        let busy = e
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::AddrInUse);
        if busy {
            format!("ошибка: порт {port} занят другой программой; укажите другой: --port N")
        } else {
            format!("ошибка: не удаётся открыть порт {port}: {e}; укажите другой: --port N")
        }
    })?;
    let bound = server
        .server_addr()
        .to_ip()
        .ok_or("ошибка: сервер открыл не сетевой адрес")?;
    announce(bound, lan);

    let (stops, stopped) = mpsc::channel::<Stop>();
    let signal = stops.clone();
    ctrlc::set_handler(move || {
        let _ = signal.send(Stop::Signal);
    })
    .map_err(|e| format!("ошибка: не удаётся перехватить Ctrl+C: {e}"))?;

    let server = Arc::new(server);
    let site = Arc::new(site);
    let stopping = Arc::new(AtomicBool::new(false));
    let (done, finished) = mpsc::channel::<()>();
    for _ in 0..WORKERS {
        let (server, site, stopping, stops, done) = (
            server.clone(),
            site.clone(),
            stopping.clone(),
            stops.clone(),
            done.clone(),
        );
        std::thread::spawn(move || {
            loop {
                match server.recv() {
                    Ok(request) => answer(&site, request),
                    Err(e) => {
                        // Unblocked by the stop, or the server's listening ended.
                        if !stopping.load(Ordering::SeqCst) {
                            let _ = stops.send(Stop::Failed(e.to_string()));
                        }
                        break;
                    }
                }
            }
            let _ = done.send(());
        });
    }
    drop(done);
    drop(stops);

    // Only the handler and the workers hold a sender, so this waits for one of them.
    let stop = stopped.recv().unwrap_or(Stop::Signal);
    stopping.store(true, Ordering::SeqCst);
    for _ in 0..WORKERS {
        server.unblock();
    }
    let deadline = Instant::now() + STOP_GRACE;
    for _ in 0..WORKERS {
        let left = deadline.saturating_duration_since(Instant::now());
        if finished.recv_timeout(left).is_err() {
            break;
        }
    }
    match stop {
        Stop::Signal => {
            say("Сервер остановлен.");
            Ok(())
        }
        Stop::Failed(e) => {
            Err(format!("ошибка: сервер перестал принимать подключения: {e}").into())
        }
    }
}

/// The folder to serve: `--dir`, or else the first `dist` with an `index.html` — in the current
/// folder, next to this program, or one folder up from it (a bundle laid out as `shkala` and
/// `dist/`, or `bin/shkala` beside `dist/`).
fn app_folder(asked: Option<&str>) -> Result<PathBuf, Failure> {
    if let Some(dir) = asked {
        let path = PathBuf::from(dir);
        if !path.is_dir() {
            return Err(format!("ошибка: {dir}: папки нет").into());
        }
        if !path.join(hosting::INDEX).is_file() {
            return Err(format!(
                "ошибка: {dir}: в папке нет index.html — это не собранное приложение \
                 (соберите его или укажите папку dist)"
            )
            .into());
        }
        return Ok(path);
    }
    let mut looked = Vec::new();
    if let Ok(here) = std::env::current_dir() {
        looked.push(here.join("dist"));
    }
    if let Some(beside) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    {
        looked.push(beside.join("dist"));
        if let Some(up) = beside.parent() {
            looked.push(up.join("dist"));
        }
    }
    if let Some(found) = looked.iter().find(|d| d.join(hosting::INDEX).is_file()) {
        return Ok(found.clone());
    }
    Err(format!(
        "ошибка: собранное приложение (папка dist с index.html) не найдено; искали: {}. \
         Укажите папку: shkala serve --dir ПАПКА",
        looked
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
    .into())
}

/// The folder made canonical and the policy read from its `index.html`; refused without one,
/// since the app must not be served without it.
fn site(dir: &Path) -> Result<Site, Failure> {
    let shown = dir.display();
    let root = dir
        .canonicalize()
        .map_err(|e| format!("ошибка: {shown}: папка не открывается: {e}"))?;
    let index = std::fs::read(root.join(hosting::INDEX))
        .map_err(|e| format!("ошибка: {shown}: не удаётся прочитать index.html: {e}"))?;
    let csp = hosting::csp_of(&String::from_utf8_lossy(&index))
        // A header value is visible ASCII and spaces.
        .filter(|p| p.bytes().all(|b| b == b' ' || b.is_ascii_graphic()))
        .ok_or_else(|| {
            format!(
                "ошибка: {shown}: в index.html нет политики безопасности содержимого \
                 (<meta http-equiv=\"Content-Security-Policy\" content=\"…\">); без неё \
                 приложение не раздаётся — соберите его заново"
            )
        })?;
    Ok(Site { root, csp })
}

/// One line on standard output, shown at once (the tests and scripts read the first line
/// while the server runs).
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// The addresses to open: the bound socket first (the line scripts read), this computer's
/// address, then — with `--lan` — each address of this computer in the local network with its
/// QR code, for participants to scan.
fn announce(bound: SocketAddr, lan: bool) {
    let port = bound.port();
    say(&format!("Шкала: сервер слушает {bound}"));
    say(&format!("Откройте в браузере: http://127.0.0.1:{port}/"));
    let addresses = lan_addresses();
    if lan {
        if addresses.is_empty() {
            say(
                "Этот компьютер не подключён к локальной сети: адресов для участников нет. \
                 Подключите его к сети (Wi-Fi или кабель) и запустите сервер снова.",
            );
        }
        for ip in addresses {
            let url = format!("http://{ip}:{port}/");
            say(&format!("Для участников: {url}"));
            if let Some(code) = qr_text(&url) {
                say(&code);
            }
        }
    } else {
        say(
            "Участники с других устройств подключиться не смогут: сервер доступен только на \
             этом компьютере. Чтобы раздать приложение в локальной сети, запустите: \
             shkala serve --lan",
        );
    }
    say("Остановить: Ctrl+C");
}

/// This computer's IPv4 addresses other than the loopback, read from its network interfaces
/// (nothing is sent anywhere); none when they cannot be read.
fn lan_addresses() -> Vec<Ipv4Addr> {
    let mut out: Vec<Ipv4Addr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .filter(|i| !i.is_loopback())
        .filter_map(|i| match i.ip() {
            IpAddr::V4(v4) => Some(v4),
            IpAddr::V6(_) => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A QR code of a text drawn with Unicode half blocks (two modules a character), with its
/// quiet zone. Drawn for a dark terminal: a dark module is a space (the background), a light
/// one a block (the foreground) — phone cameras read it either way.
fn qr_text(text: &str) -> Option<String> {
    use qrcode::render::unicode::Dense1x2;
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<Dense1x2>()
            .dark_color(Dense1x2::Light)
            .light_color(Dense1x2::Dark)
            .quiet_zone(true)
            .build(),
    )
}

/// A response's body: a file streamed from disk, or a short text.
type Body = Box<dyn Read + Send>;

/// Answers one request; a client that went away is no error of the server's.
fn answer(site: &Site, request: Request) {
    let response = respond(site, &request);
    let _ = request.respond(response);
}

/// A header that tiny_http accepts (ASCII); the values here are.
fn header(name: &str, value: &str) -> Option<Header> {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}

/// The value of a request's header, if it has one.
fn request_header<'a>(request: &'a Request, name: &'static str) -> Option<&'a str> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// The headers of every response: the policy, no type sniffing, no server name.
fn common_headers(site: &Site) -> Vec<Header> {
    [
        ("Content-Security-Policy", site.csp.as_str()),
        ("X-Content-Type-Options", "nosniff"),
        ("Server", "shkala"),
    ]
    .into_iter()
    .filter_map(|(n, v)| header(n, v))
    .collect()
}

fn respond(site: &Site, request: &Request) -> Response<Body> {
    if !matches!(request.method(), Method::Get | Method::Head) {
        let mut r = text(
            site,
            405,
            "Метод не поддерживается: сервер отвечает только на GET и HEAD.",
        );
        if let Some(h) = header("Allow", "GET, HEAD") {
            r.add_header(h);
        }
        return r;
    }
    // The file answered: its name (for the rules) and its path.
    let index = || Some((hosting::INDEX.to_string(), site.file(hosting::INDEX)?));
    let found = match hosting::resolve(request.url()) {
        Resolved::File(relative) => match site.file(&relative) {
            Some(path) => Some((relative, path)),
            None if hosting::missing(&relative) == Resolved::Fallback => index(),
            None => None,
        },
        Resolved::Fallback => index(),
        Resolved::NotFound => None,
    };
    match found {
        Some((relative, path)) => serve_file(site, request, &relative, &path),
        None => not_found(site),
    }
}

impl Site {
    /// The path of a regular file inside the folder (a link leading out of it is refused).
    fn file(&self, relative: &str) -> Option<PathBuf> {
        let path = self.root.join(relative).canonicalize().ok()?;
        (path.starts_with(&self.root) && path.is_file()).then_some(path)
    }
}

/// A file by the rules: its type and cache rule by its name, the precompressed copy the
/// browser accepts, `304` when the browser's copy is current.
fn serve_file(site: &Site, request: &Request, relative: &str, path: &Path) -> Response<Body> {
    let accepted = request_header(request, "Accept-Encoding").unwrap_or("");
    // The precompressed copies beside the file (inside the folder too).
    let copies: Vec<(Coding, PathBuf)> = Coding::PREFERRED
        .into_iter()
        .filter_map(|c| Some((c, site.file(&format!("{relative}{}", c.suffix()))?)))
        .collect();
    let (coding, chosen) = match copies.iter().find(|(c, _)| hosting::accepts(accepted, *c)) {
        Some((c, p)) => (Some(*c), p.clone()),
        None => (None, path.to_path_buf()),
    };
    let Ok(file) = File::open(&chosen) else {
        return text(site, 500, "Не удаётся прочитать файл приложения.");
    };
    let Ok(meta) = file.metadata() else {
        return text(site, 500, "Не удаётся прочитать файл приложения.");
    };
    let modified = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .unwrap_or_default();
    let etag = hosting::etag(meta.len(), modified.as_secs(), modified.subsec_nanos());

    let mut headers = common_headers(site);
    let mut add = |n: &str, v: &str| headers.extend(header(n, v));
    add("Cache-Control", hosting::cache_control(relative));
    add("ETag", &etag);
    if !copies.is_empty() {
        add("Vary", "Accept-Encoding");
    }
    if request_header(request, "If-None-Match").is_some_and(|t| hosting::none_match(t, &etag)) {
        return Response::new(
            StatusCode(304),
            headers,
            Box::new(std::io::empty()) as Body,
            Some(0),
            None,
        );
    }
    add("Content-Type", hosting::content_type(relative));
    if let Some(c) = coding {
        add("Content-Encoding", c.token());
    }
    let Ok(length) = usize::try_from(meta.len()) else {
        return text(site, 500, "Файл приложения слишком велик.");
    };
    Response::new(
        StatusCode(200),
        headers,
        Box::new(file) as Body,
        Some(length),
        None,
    )
    // The length is known: sent as Content-Length, never in chunks.
    .with_chunked_threshold(usize::MAX)
}

fn not_found(site: &Site) -> Response<Body> {
    text(site, 404, "Файл не найден.")
}

/// A short Russian text with a status.
fn text(site: &Site, status: u16, message: &str) -> Response<Body> {
    let body = format!("{message}\n").into_bytes();
    let length = body.len();
    let mut headers = common_headers(site);
    headers.extend(header("Content-Type", "text/plain; charset=utf-8"));
    headers.extend(header("Cache-Control", hosting::NO_CACHE));
    Response::new(
        StatusCode(status),
        headers,
        Box::new(std::io::Cursor::new(body)) as Body,
        Some(length),
        None,
    )
}
