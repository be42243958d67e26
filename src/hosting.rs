//! The hosting rules of the built app (`dist/`): which file a request path names, its
//! `Content-Type`, how long a browser may keep it, the Content-Security-Policy written in
//! `index.html`, which precompressed copy a browser accepts, and the validator (`ETag`) of a
//! file. Pure functions over text and numbers — no server, no file system, no web API — so
//! they build for every target and are tested natively; `shkala serve`
//! (src/bin/shkala/serve.rs) applies them to the files on disk.
//!
//! The rules:
//! - `index.html`, `sw.js`, `manifest.webmanifest` and every other file without a content hash
//!   in its name are revalidated on every load (`no-cache`): a new build is seen at once;
//! - a file with a content hash in its name (Trunk's `main-95148b738474319e.css`) never
//!   changes under that name: kept for a year, `immutable`;
//! - a path without an extension that is not a file (`/data`, `/municipality/run`) is a route
//!   of the app: answered with `index.html`; a missing path with an extension is a missing file;
//! - a path that leaves the folder (`..`, written plainly or percent-encoded) names nothing.

/// What a request path names in the app's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A file's path relative to the folder, `/`-separated, each part a plain name
    /// (`index.html`, `guide/school-entry.png`). It may not exist: then [`missing`] says what
    /// to answer.
    File(String),
    /// A route of the app: answered with `index.html`.
    Fallback,
    /// Nothing the app has.
    NotFound,
}

/// The cache rule of `index.html`, `sw.js` and every file without a content hash: the browser
/// keeps its copy but asks whether it is still current before using it.
pub const NO_CACHE: &str = "no-cache";

/// The cache rule of a file with a content hash in its name: kept for a year, never asked again.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The file every route of the app is answered with.
pub const INDEX: &str = "index.html";

/// The file a request path names (the request target of an HTTP request: a path, perhaps
/// with a query). Percent-encoding is decoded; a part that is `.`, `..` or starts with a dot,
/// holds a backslash, a NUL, or does not decode to UTF-8 names nothing, so no request reaches
/// outside the folder or into hidden files. `/` and `` are `index.html`.
pub fn resolve(request_path: &str) -> Resolved {
    // The query and the fragment do not name the file.
    let path = request_path
        .split(['?', '#'])
        .next()
        .unwrap_or(request_path);
    let Some(path) = path.strip_prefix('/') else {
        return if path.is_empty() {
            Resolved::File(INDEX.to_string())
        } else {
            Resolved::NotFound
        };
    };
    let Some(decoded) = percent_decode(path) else {
        return Resolved::NotFound;
    };
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        if part.is_empty() {
            // `//` and a trailing `/` add nothing.
            continue;
        }
        if part.starts_with('.') || part.contains(['\\', '\0', ':']) {
            return Resolved::NotFound;
        }
        parts.push(part);
    }
    if parts.is_empty() {
        return Resolved::File(INDEX.to_string());
    }
    Resolved::File(parts.join("/"))
}

/// What to answer for a file [`resolve`] named that is not in the folder (or is a folder): a
/// name without an extension is a route of the app (`/data`, `/guide`), one with an extension
/// a missing file.
pub fn missing(relative: &str) -> Resolved {
    if extension(relative).is_some() {
        Resolved::NotFound
    } else {
        Resolved::Fallback
    }
}

/// The `%XX` escapes of a path decoded; `None` for a broken escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The last part of a path: `guide/school-entry.png` → `school-entry.png`.
fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// The extension of a path's file name, in lower case: `main.CSS` → `css`; `None` without one
/// (a name that only starts with a dot has none).
fn extension(path: &str) -> Option<String> {
    let name = file_name(path);
    match name.rfind('.') {
        Some(i) if i > 0 && i + 1 < name.len() => Some(name[i + 1..].to_ascii_lowercase()),
        _ => None,
    }
}

/// The `Content-Type` of a file by its extension; `application/octet-stream` when unknown.
pub fn content_type(path: &str) -> &'static str {
    match extension(path).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        Some("pdf") => "application/pdf",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("map") => "application/json",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Whether a file's name carries a content hash: a `-` and exactly 16 lowercase hexadecimal
/// digits right before the extension part — the name's first `.`, or a `_` suffix of letters
/// and digits before it, as Trunk names the wasm beside its script:
/// `main-95148b738474319e.css`, `start-d8dc1779c2071fa4.js`,
/// `shkala-web-ea5f6f4234be1de1_bg.wasm`; not `shkala-worker_bg.wasm`, not `sw.js`.
pub fn is_hashed(name: &str) -> bool {
    let name = file_name(name);
    let stem = name.split('.').next().unwrap_or(name);
    // A suffix such as `_bg` after the hash belongs to the extension part.
    let stem = match stem.rsplit_once('_') {
        Some((head, suffix))
            if !suffix.is_empty() && suffix.bytes().all(|b| b.is_ascii_alphanumeric()) =>
        {
            head
        }
        _ => stem,
    };
    match stem.rsplit_once('-') {
        Some((head, hash)) => {
            !head.is_empty()
                && hash.len() == 16
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        }
        None => false,
    }
}

/// The `Cache-Control` of a file (a path relative to the folder): [`IMMUTABLE`] for a file
/// with a content hash in its name, [`NO_CACHE`] for every other (`index.html`, `sw.js`,
/// `manifest.webmanifest`, the worker's unhashed files, the icons and pictures).
pub fn cache_control(path: &str) -> &'static str {
    let name = file_name(path);
    if matches!(name, "index.html" | "sw.js" | "manifest.webmanifest") || !is_hashed(name) {
        NO_CACHE
    } else {
        IMMUTABLE
    }
}

/// The Content-Security-Policy of a page: the `content` of its
/// `<meta http-equiv="Content-Security-Policy" content="…">` (the name compared in any case,
/// the common character references decoded); `None` without one, or with an empty one.
pub fn csp_of(index_html: &str) -> Option<String> {
    let lower = index_html.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<meta") {
        let start = from + at + "<meta".len();
        let end = start + lower[start..].find('>')?;
        // Byte positions of the lower-case copy are those of the text: only ASCII changed.
        let attributes = parse_attributes(&index_html[start..end]);
        let equiv = attributes
            .iter()
            .any(|(n, v)| n == "http-equiv" && v.eq_ignore_ascii_case("content-security-policy"));
        if equiv {
            return attributes
                .into_iter()
                .find(|(n, _)| n == "content")
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| !v.is_empty());
        }
        from = end;
    }
    None
}

/// The attributes of a tag's inside (`name="value"`, `name='value'`, `name=value`, `name`),
/// names in lower case, values with `&amp;`, `&quot;`, `&#39;`, `&apos;`, `&lt;`, `&gt;`
/// decoded.
fn parse_attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            let (raw, left) = match after.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let inner = &after[1..];
                    match inner.find(q) {
                        Some(close) => (&inner[..close], &inner[close + 1..]),
                        None => (inner, ""),
                    }
                }
                _ => {
                    let end = after.find(char::is_whitespace).unwrap_or(after.len());
                    (&after[..end], &after[end..])
                }
            };
            value = decode_references(raw);
            rest = left;
        }
        if !name.is_empty() {
            out.push((name, value));
        }
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
    }
    out
}

fn decode_references(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A content coding of a precompressed copy, in the order they are preferred.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    /// Brotli: `name.br`.
    Brotli,
    /// gzip: `name.gz`.
    Gzip,
}

impl Coding {
    /// Brotli first (the smaller copy), then gzip.
    pub const PREFERRED: [Coding; 2] = [Coding::Brotli, Coding::Gzip];

    /// The name in `Accept-Encoding` and `Content-Encoding`.
    pub fn token(self) -> &'static str {
        match self {
            Coding::Brotli => "br",
            Coding::Gzip => "gzip",
        }
    }

    /// The suffix of the precompressed copy beside the file.
    pub fn suffix(self) -> &'static str {
        match self {
            Coding::Brotli => ".br",
            Coding::Gzip => ".gz",
        }
    }
}

/// Whether an `Accept-Encoding` header accepts a coding: named (or `*`) without `q=0`.
pub fn accepts(accept_encoding: &str, coding: Coding) -> bool {
    let mut named = None;
    let mut any = None;
    for item in accept_encoding.split(',') {
        let mut fields = item.split(';');
        let token = fields.next().unwrap_or("").trim().to_ascii_lowercase();
        let quality = fields
            .filter_map(|f| f.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .map(|(_, v)| v.trim().parse::<f32>().unwrap_or(0.0))
            .unwrap_or(1.0);
        let accepted = quality > 0.0;
        if token == coding.token() || (coding == Coding::Gzip && token == "x-gzip") {
            named = Some(accepted);
        } else if token == "*" {
            any = Some(accepted);
        }
    }
    named.or(any).unwrap_or(false)
}

/// A file's weak validator from its size and modification time: a new build writes new files,
/// so either changes.
pub fn etag(size: u64, modified_secs: u64, modified_nanos: u32) -> String {
    format!("W/\"{size:x}-{modified_secs:x}{modified_nanos:08x}\"")
}

/// Whether an `If-None-Match` header matches a validator (weak comparison: `W/` ignored;
/// `*` matches any).
pub fn none_match(if_none_match: &str, etag: &str) -> bool {
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let mine = opaque(etag);
    if_none_match
        .split(',')
        .any(|t| t.trim() == "*" || opaque(t) == mine)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(p: &str) -> Resolved {
        Resolved::File(p.to_string())
    }

    #[test]
    fn paths_name_files_in_the_folder() {
        assert_eq!(resolve("/"), file("index.html"));
        assert_eq!(resolve(""), file("index.html"));
        assert_eq!(resolve("/?from=qr"), file("index.html"));
        assert_eq!(resolve("/index.html"), file("index.html"));
        assert_eq!(resolve("/sw.js?v=1#top"), file("sw.js"));
        assert_eq!(
            resolve("/guide/school-entry.png"),
            file("guide/school-entry.png")
        );
        assert_eq!(resolve("//guide//a.png"), file("guide/a.png"));
        assert_eq!(resolve("/%D1%88%D0%BA.txt"), file("шк.txt"));
        assert_eq!(resolve("/a%20b.txt"), file("a b.txt"));
    }

    #[test]
    fn no_path_leaves_the_folder() {
        for p in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/Cargo.toml",
            "/guide/../../Cargo.toml",
            "/guide/%2e%2e/%2e%2e/Cargo.toml",
            "/..%2fCargo.toml",
            "/%2e%2e%2fCargo.toml",
            "/..\\Cargo.toml",
            "/..%5cCargo.toml",
            "/guide/./a.png",
            "/.git/config",
            "/C:/Windows/win.ini",
            "/a%00.js",
            "/%zz.js",
            "/%e2.js",
            "/%2",
            "*",
            "http://example.org/index.html",
        ] {
            assert_eq!(resolve(p), Resolved::NotFound, "{p}");
        }
    }

    #[test]
    fn a_route_falls_back_a_missing_file_does_not() {
        assert_eq!(missing("data"), Resolved::Fallback);
        assert_eq!(missing("municipality/run"), Resolved::Fallback);
        assert_eq!(missing("guide"), Resolved::Fallback);
        assert_eq!(missing("nope.js"), Resolved::NotFound);
        assert_eq!(missing("guide/nope.png"), Resolved::NotFound);
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(
            content_type("start-d8dc1779c2071fa4.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            content_type("shkala-web-ea5f6f4234be1de1_bg.wasm"),
            "application/wasm"
        );
        assert_eq!(
            content_type("main-95148b738474319e.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(
            content_type("manifest.webmanifest"),
            "application/manifest+json"
        );
        assert_eq!(content_type("favicon.svg"), "image/svg+xml");
        assert_eq!(content_type("guide/School.PNG"), "image/png");
        assert_eq!(content_type("a.json"), "application/json");
        assert_eq!(content_type("font.woff2"), "font/woff2");
        assert_eq!(content_type("favicon.ico"), "image/x-icon");
        assert_eq!(content_type("robots.txt"), "text/plain; charset=utf-8");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
        assert_eq!(content_type("a.unknown"), "application/octet-stream");
    }

    #[test]
    fn hashed_names() {
        for name in [
            "main-95148b738474319e.css",
            "shkala-web-ea5f6f4234be1de1.js",
            "shkala-web-ea5f6f4234be1de1_bg.wasm",
            "start-d8dc1779c2071fa4.js",
            "main-95148b738474319e.css.br",
            "x/icon-0123456789abcdef.png",
        ] {
            assert!(is_hashed(name), "{name}");
        }
        for name in [
            "sw.js",
            "index.html",
            "shkala-worker.js",
            "shkala-worker_bg.wasm",
            "shkala-worker_loader.js",
            "icon-192.png",
            "manifest.webmanifest",
            "main-95148B738474319E.css",
            "main-95148b738474319.css",
            "main-95148b738474319e0.css",
            "main-95148b738474319g.css",
            "-95148b738474319e.css",
            "main_95148b738474319e.css",
        ] {
            assert!(!is_hashed(name), "{name}");
        }
    }

    #[test]
    fn cache_rules() {
        assert_eq!(cache_control("index.html"), NO_CACHE);
        assert_eq!(cache_control("sw.js"), NO_CACHE);
        assert_eq!(cache_control("manifest.webmanifest"), NO_CACHE);
        assert_eq!(cache_control("shkala-worker_bg.wasm"), NO_CACHE);
        assert_eq!(cache_control("shkala-worker_loader.js"), NO_CACHE);
        assert_eq!(cache_control("guide/school-entry.png"), NO_CACHE);
        assert_eq!(cache_control("main-95148b738474319e.css"), IMMUTABLE);
        assert_eq!(
            cache_control("shkala-web-ea5f6f4234be1de1_bg.wasm"),
            IMMUTABLE
        );
        assert_eq!(cache_control("start-d8dc1779c2071fa4.js"), IMMUTABLE);
    }

    /// The policy the bundle script writes into `index.html` (scripts/post-build.mjs, `CSP`),
    /// read from the script: the repository's `index.html` is Trunk's source and gets its
    /// policy there, at the bundle's `<meta charset>`.
    fn policy_of_the_bundle_script() -> String {
        let script = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/post-build.mjs"),
        )
        .expect("scripts/post-build.mjs");
        let start = script.find("export const CSP = [").expect("the CSP array");
        let array = &script[start..];
        let array = &array[..array.find("].join('; ')").expect("its end")];
        array
            .lines()
            .skip(1)
            .filter_map(|l| l.trim().strip_prefix('"'))
            .filter_map(|l| l.strip_suffix("\","))
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn the_policy_is_read_from_index_html() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(root.join("index.html")).expect("index.html");
        // Trunk's source has no policy yet; the bundle script adds it as below.
        assert_eq!(csp_of(&source), None);
        let policy = policy_of_the_bundle_script();
        assert!(policy.starts_with("default-src 'self'; "), "{policy}");
        let built = source.replace(
            "<meta charset=\"utf-8\" />",
            &format!(
                "<meta charset=\"utf-8\" />\n    <meta http-equiv=\"Content-Security-Policy\" content=\"{policy}\" />"
            ),
        );
        assert_eq!(csp_of(&built), Some(policy.clone()));
        // The built app, where there is one, carries the same policy.
        if let Ok(dist) = std::fs::read_to_string(root.join("dist/index.html")) {
            assert_eq!(csp_of(&dist), Some(policy));
        }
    }

    #[test]
    fn the_policy_in_other_spellings() {
        assert_eq!(
            csp_of("<META HTTP-EQUIV='content-security-policy' CONTENT=\"default-src 'none'\">"),
            Some("default-src 'none'".to_string())
        );
        assert_eq!(
            csp_of("<meta content='img-src &#39;self&#39;' http-equiv=Content-Security-Policy>"),
            Some("img-src 'self'".to_string())
        );
        assert_eq!(csp_of("<meta charset=utf-8><meta name=x content=y>"), None);
        assert_eq!(
            csp_of("<meta http-equiv=\"Content-Security-Policy\" content=\"  \">"),
            None
        );
        assert_eq!(csp_of("<meta http-equiv=\"Content-Security-Policy\""), None);
        assert_eq!(csp_of(""), None);
    }

    #[test]
    fn accepted_codings() {
        let chromium = "gzip, deflate, br, zstd";
        assert!(accepts(chromium, Coding::Brotli));
        assert!(accepts(chromium, Coding::Gzip));
        assert!(!accepts("gzip", Coding::Brotli));
        assert!(accepts("gzip", Coding::Gzip));
        assert!(!accepts("br;q=0, gzip", Coding::Brotli));
        assert!(accepts("br;q=0.5", Coding::Brotli));
        assert!(accepts("*", Coding::Brotli));
        assert!(!accepts("*, br;q=0", Coding::Brotli));
        assert!(!accepts("identity", Coding::Gzip));
        assert!(!accepts("", Coding::Gzip));
    }

    #[test]
    fn validators() {
        let tag = etag(4348511, 1_796_000_000, 123);
        assert!(tag.starts_with("W/\""));
        assert_ne!(tag, etag(4348512, 1_796_000_000, 123));
        assert_ne!(tag, etag(4348511, 1_796_000_000, 124));
        assert!(none_match(&tag, &tag));
        assert!(none_match(&tag[2..], &tag));
        assert!(none_match(&format!("\"x\", {tag}"), &tag));
        assert!(none_match("*", &tag));
        assert!(!none_match("W/\"1-2\"", &tag));
        assert!(!none_match("", &tag));
    }
}
