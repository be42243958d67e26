//! `shkala serve` as a browser meets it: the built program started on a free port of
//! 127.0.0.1 over a small app folder made here (or the real `dist/`, where there is one), and
//! plain HTTP/1.1 requests over `TcpStream` — types, the policy, cache rules, precompressed
//! copies, validators, routes and missing files, paths leaving the folder, methods — and its
//! stop on SIGTERM. Every request goes to 127.0.0.1 only; every server started is killed when
//! its test ends, passed or failed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'";
const INDEX: &str = "<!DOCTYPE html>\n<html lang=\"ru\">\n  <head>\n    <meta charset=\"utf-8\" />\n    <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; object-src 'none'\" />\n    <title>Шкала</title>\n  </head>\n  <body></body>\n</html>\n";
const WASM: &[u8] = b"\0asm\x01\0\0\0 the app";
const WASM_BR: &[u8] = b"brotli copy of the app";
const WASM_GZ: &[u8] = b"gzip copy of the app";

/// A folder of its own under the system's temporary folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("shkala-serve-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        Scratch(dir)
    }

    fn write(&self, relative: &str, bytes: &[u8]) {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("folders");
        std::fs::write(path, bytes).expect("a file written");
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A small built app in `<scratch>/dist`, and beside it (outside the app) a `Cargo.toml` and a
/// `secret.txt` that no request may reach.
fn fake_app(name: &str) -> Scratch {
    let s = Scratch::new(name);
    s.write("dist/index.html", INDEX.as_bytes());
    s.write("dist/index.html.br", b"brotli copy of index.html");
    s.write("dist/main-95148b738474319e.css", b"body { margin: 0 }\n");
    s.write("dist/shkala-web-ea5f6f4234be1de1_bg.wasm", WASM);
    s.write("dist/shkala-web-ea5f6f4234be1de1_bg.wasm.br", WASM_BR);
    s.write("dist/shkala-web-ea5f6f4234be1de1_bg.wasm.gz", WASM_GZ);
    s.write("dist/shkala-worker_bg.wasm", WASM);
    s.write("dist/sw.js", b"// the service worker\n");
    s.write("dist/manifest.webmanifest", b"{}\n");
    s.write("dist/guide/school-entry.png", b"\x89PNG\r\n\x1a\n");
    s.write("Cargo.toml", b"[package]\n");
    s.write("secret.txt", b"not for the room\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink(s.0.join("secret.txt"), s.0.join("dist/leak.txt")).expect("a link");
    s
}

/// A running `shkala serve`, killed when dropped.
struct Served {
    child: Child,
    out: BufReader<ChildStdout>,
    first_line: String,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// The server started with these arguments after `serve`, in `cwd`; its first line read.
    fn start(args: &[&str], cwd: &Path) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_shkala"))
            .arg("serve")
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("shkala starts");
        let mut out = BufReader::new(child.stdout.take().expect("its output"));
        let mut first_line = String::new();
        let read = out.read_line(&mut first_line);
        let mut served = Served {
            child,
            out,
            first_line: first_line.trim_end().to_string(),
            port: 0,
        };
        if read.is_err() || served.first_line.is_empty() {
            let mut err = String::new();
            if let Some(e) = served.child.stderr.as_mut() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("the server printed nothing; stderr: {err}");
        }
        served.port = served
            .first_line
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in «{}»", served.first_line));
        served
    }

    /// The lines after the first, up to and with `last`.
    fn lines_until(&mut self, last: &str) -> Vec<String> {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            match self.out.read_line(&mut line) {
                Ok(0) | Err(_) => return lines,
                Ok(_) => {}
            }
            let line = line.trim_end().to_string();
            let done = line == last;
            lines.push(line);
            if done {
                return lines;
            }
        }
    }

    fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[])
    }

    /// One HTTP/1.1 request to 127.0.0.1 on its own connection.
    fn request(&self, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).expect("a connection");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("a timeout");
        let mut text = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n",
            self.port
        );
        for (n, v) in headers {
            text.push_str(&format!("{n}: {v}\r\n"));
        }
        if method == "POST" {
            text.push_str("Content-Length: 2\r\n\r\n{}");
        } else {
            text.push_str("Connection: close\r\n\r\n");
        }
        stream.write_all(text.as_bytes()).expect("the request sent");
        let mut bytes = Vec::new();
        let mut buf = [0u8; 65536];
        // Read the head, then as many bytes as Content-Length says (a POST keeps the
        // connection open).
        loop {
            let n = stream.read(&mut buf).expect("the response");
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n]);
            if let Some(reply) = Reply::parse(&bytes, method == "HEAD") {
                return reply;
            }
        }
        Reply::parse(&bytes, method == "HEAD").expect("a whole response")
    }
}

#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    /// A response, once its head and all of its body (by Content-Length) are there.
    fn parse(bytes: &[u8], head_only: bool) -> Option<Reply> {
        let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = std::str::from_utf8(&bytes[..end]).expect("an ASCII head");
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let body = bytes[end + 4..].to_vec();
        let length: usize = headers
            .iter()
            .find(|(n, _)| n == "content-length")
            .map(|(_, v)| v.parse().expect("a length"))
            .unwrap_or(0);
        let expected = if head_only || status == 304 {
            0
        } else {
            length
        };
        (body.len() >= expected).then_some(Reply {
            status,
            headers,
            body,
        })
    }

    fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn serve_fake(name: &str) -> (Scratch, Served) {
    let app = fake_app(name);
    let dist = app.0.join("dist");
    let served = Served::start(
        &["--dir", dist.to_str().expect("a UTF-8 path"), "--port", "0"],
        &app.0,
    );
    (app, served)
}

#[test]
fn the_first_line_is_the_bound_loopback_address() {
    let (_app, mut served) = serve_fake("first-line");
    assert_eq!(
        served.first_line,
        format!("Шкала: сервер слушает 127.0.0.1:{}", served.port)
    );
    assert_ne!(served.port, 0);
    let rest = served.lines_until("Остановить: Ctrl+C");
    assert_eq!(
        rest.first().map(String::as_str),
        Some(format!("Откройте в браузере: http://127.0.0.1:{}/", served.port).as_str())
    );
    assert!(
        rest.iter().any(|l| l.contains("--lan")),
        "without --lan it says participants cannot connect: {rest:?}"
    );
    assert!(!rest.iter().any(|l| l.starts_with("Для участников")));
    assert_eq!(rest.last().map(String::as_str), Some("Остановить: Ctrl+C"));
}

#[test]
fn lan_listens_on_every_interface() {
    let app = fake_app("lan");
    let dist = app.0.join("dist");
    let mut served = Served::start(
        &[
            "--dir",
            dist.to_str().expect("UTF-8"),
            "--port",
            "0",
            "--lan",
        ],
        &app.0,
    );
    assert_eq!(
        served.first_line,
        format!("Шкала: сервер слушает 0.0.0.0:{}", served.port)
    );
    let rest = served.lines_until("Остановить: Ctrl+C");
    assert_eq!(rest.last().map(String::as_str), Some("Остановить: Ctrl+C"));
    // Each participant's address is followed by its QR code, drawn in half blocks; a machine
    // without a network says so instead.
    let participants: Vec<usize> = rest
        .iter()
        .enumerate()
        .filter(|(_, l)| l.starts_with("Для участников: http://"))
        .map(|(i, _)| i)
        .collect();
    for i in &participants {
        let line = &rest[*i];
        assert!(line.ends_with(&format!(":{}/", served.port)), "{line}");
        assert!(!line.contains("127.0.0.1"), "{line}");
        assert!(
            rest[i + 1].chars().all(|c| "█▀▄ ".contains(c)),
            "a QR code after {line}: {:?}",
            rest[i + 1]
        );
    }
    if participants.is_empty() {
        assert!(rest.iter().any(|l| l.contains("не подключён")), "{rest:?}");
    }
    // Reached over the loopback only.
    assert_eq!(served.get("/").status, 200);
}

#[test]
fn index_html_carries_its_policy_and_is_revalidated() {
    let (_app, served) = serve_fake("index");
    for path in ["/", "/index.html", "/?from=qr"] {
        let r = served.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.text(), INDEX, "{path}");
        assert_eq!(r.header("Content-Security-Policy"), Some(CSP));
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
        assert_eq!(r.header("Cache-Control"), Some("no-cache"));
        assert_eq!(r.header("X-Content-Type-Options"), Some("nosniff"));
        assert!(r.header("ETag").is_some_and(|t| t.starts_with("W/\"")));
    }
    let sw = served.get("/sw.js");
    assert_eq!(sw.header("Cache-Control"), Some("no-cache"));
    assert_eq!(
        sw.header("Content-Type"),
        Some("text/javascript; charset=utf-8")
    );
    let manifest = served.get("/manifest.webmanifest");
    assert_eq!(manifest.header("Cache-Control"), Some("no-cache"));
    assert_eq!(
        manifest.header("Content-Type"),
        Some("application/manifest+json")
    );
    let worker = served.get("/shkala-worker_bg.wasm");
    assert_eq!(worker.header("Cache-Control"), Some("no-cache"));
    assert_eq!(worker.header("Content-Type"), Some("application/wasm"));
    let png = served.get("/guide/school-entry.png");
    assert_eq!(png.header("Content-Type"), Some("image/png"));
    assert_eq!(png.header("Cache-Control"), Some("no-cache"));
}

#[test]
fn hashed_files_are_immutable_and_precompressed_copies_served() {
    let (_app, served) = serve_fake("hashed");
    let wasm = "/shkala-web-ea5f6f4234be1de1_bg.wasm";
    let plain = served.get(wasm);
    assert_eq!(plain.status, 200);
    assert_eq!(plain.body, WASM);
    assert_eq!(plain.header("Content-Type"), Some("application/wasm"));
    assert_eq!(
        plain.header("Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(plain.header("Content-Encoding"), None);
    assert_eq!(plain.header("Vary"), Some("Accept-Encoding"));

    let br = served.request(
        "GET",
        wasm,
        &[("Accept-Encoding", "gzip, deflate, br, zstd")],
    );
    assert_eq!(br.body, WASM_BR);
    assert_eq!(br.header("Content-Encoding"), Some("br"));
    assert_eq!(br.header("Vary"), Some("Accept-Encoding"));
    assert_eq!(br.header("Content-Type"), Some("application/wasm"));
    assert_ne!(br.header("ETag"), plain.header("ETag"));

    let gz = served.request("GET", wasm, &[("Accept-Encoding", "gzip")]);
    assert_eq!(gz.body, WASM_GZ);
    assert_eq!(gz.header("Content-Encoding"), Some("gzip"));

    let index = served.request("GET", "/", &[("Accept-Encoding", "br")]);
    assert_eq!(index.header("Content-Encoding"), Some("br"));
    assert_eq!(
        index.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );

    let css = served.get("/main-95148b738474319e.css");
    assert_eq!(css.header("Content-Type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        css.header("Cache-Control"),
        Some("public, max-age=31536000, immutable")
    );
}

#[test]
fn routes_fall_back_to_index_html_missing_files_do_not() {
    let (_app, served) = serve_fake("routes");
    for path in [
        "/data",
        "/municipality/run",
        "/school/profile?x=1",
        "/guide",
    ] {
        let r = served.get(path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.text(), INDEX, "{path}");
        assert_eq!(r.header("Cache-Control"), Some("no-cache"), "{path}");
        assert_eq!(r.header("Content-Type"), Some("text/html; charset=utf-8"));
    }
    for path in ["/nope.js", "/guide/nope.png", "/main-0000000000000000.css"] {
        let r = served.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.text().trim(), "Файл не найден.", "{path}");
    }
}

#[test]
fn no_path_leaves_the_folder() {
    let (_app, served) = serve_fake("traversal");
    for path in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/secret.txt",
        "/guide/../../secret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/leak.txt",
    ] {
        let r = served.get(path);
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.text().contains("not for the room"), "{path}");
        assert!(!r.text().contains("[package]"), "{path}");
    }
}

#[test]
fn validators_head_and_methods() {
    let (_app, served) = serve_fake("methods");
    let first = served.get("/sw.js");
    let tag = first.header("ETag").expect("an ETag").to_string();
    let again = served.request("GET", "/sw.js", &[("If-None-Match", &tag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("ETag"), Some(tag.as_str()));
    let stale = served.request("GET", "/sw.js", &[("If-None-Match", "W/\"1-1\"")]);
    assert_eq!(stale.status, 200);

    let head = served.request("HEAD", "/shkala-web-ea5f6f4234be1de1_bg.wasm", &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "{:?}", head.body);
    assert_eq!(head.header("Content-Type"), Some("application/wasm"));
    assert_eq!(
        head.header("Content-Length"),
        Some(WASM.len().to_string().as_str())
    );

    let post = served.request("POST", "/", &[]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("Allow"), Some("GET, HEAD"));
    assert!(
        post.text().contains("только на GET и HEAD"),
        "{}",
        post.text()
    );
}

#[test]
fn the_default_folder_is_dist_in_the_current_folder() {
    let app = fake_app("default-dir");
    let served = Served::start(&["--port", "0"], &app.0);
    let r = served.get("/");
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), INDEX);
}

/// The program's exit status and its error text, for a start that must fail.
fn refused(args: &[&str], cwd: &Path) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shkala"))
        .arg("serve")
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .output()
        .expect("shkala runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_missing_folder_is_an_error_in_russian() {
    let app = Scratch::new("missing");
    let (code, err) = refused(&["--dir", "нет-такой-папки", "--port", "0"], &app.0);
    assert_eq!(code, Some(2));
    assert!(err.contains("нет-такой-папки: папки нет"), "{err}");

    // Without --dir, and with no dist anywhere near: where it looked is named.
    let (code, err) = refused(&["--port", "0"], &app.0);
    assert_ne!(code, Some(0));
    if !Path::new(env!("CARGO_BIN_EXE_shkala"))
        .ancestors()
        .skip(1)
        .take(2)
        .any(|d| d.join("dist/index.html").is_file())
    {
        assert!(err.contains("не найдено; искали:"), "{err}");
        assert!(
            err.contains(&app.0.join("dist").display().to_string()),
            "{err}"
        );
    }

    app.write("empty/readme.txt", b"");
    let (code, err) = refused(&["--dir", "empty", "--port", "0"], &app.0);
    assert_eq!(code, Some(2));
    assert!(err.contains("нет index.html"), "{err}");

    let (code, err) = refused(&["--dir", "empty", "--port", "порт"], &app.0);
    assert_eq!(code, Some(2));
    assert!(err.contains("не является номером порта"), "{err}");
}

#[test]
fn an_index_html_without_a_policy_is_refused() {
    let app = Scratch::new("no-policy");
    app.write(
        "dist/index.html",
        b"<!DOCTYPE html><meta charset=\"utf-8\"><title>x</title>",
    );
    let (code, err) = refused(&["--dir", "dist", "--port", "0"], &app.0);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("нет политики безопасности содержимого"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn sigterm_stops_it_cleanly() {
    let (_app, mut served) = serve_fake("sigterm");
    served.lines_until("Остановить: Ctrl+C");
    assert_eq!(served.get("/").status, 200);
    let pid = served.child.id() as libc::pid_t;
    // SAFETY: a signal to the child this test started and still owns (not yet waited for).
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let rest = served.lines_until("Сервер остановлен.");
    assert_eq!(rest.last().map(String::as_str), Some("Сервер остановлен."));
    let status = served.child.wait().expect("the exit status");
    assert_eq!(status.code(), Some(0));
}

/// The real build, where there is one: its policy header equals its `index.html`'s meta.
#[test]
fn the_real_build_is_served_with_its_own_policy() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let Ok(index) = std::fs::read_to_string(root.join("dist/index.html")) else {
        return;
    };
    let served = Served::start(&["--dir", "dist", "--port", "0"], root);
    let r = served.get("/");
    assert_eq!(r.text(), index);
    assert_eq!(
        r.header("Content-Security-Policy").map(str::to_string),
        shkala::hosting::csp_of(&index)
    );
}

#[test]
fn a_busy_port_is_said_in_russian() {
    let app = fake_app("busy");
    let taken = std::net::TcpListener::bind(("127.0.0.1", 0)).expect("a port");
    let port = taken.local_addr().expect("its address").port().to_string();
    let (code, err) = refused(&["--dir", "dist", "--port", &port], &app.0);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(&format!("порт {port} занят другой программой")),
        "{err}"
    );
}
