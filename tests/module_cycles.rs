//! The library's modules depend on each other one way only (ARCHITECTURE.md, «Layers and
//! import order»). Every source file of the library is parsed whole with `syn` — test code
//! (`#[cfg(test)]` items and `tests.rs` files) left out — and every path it names through
//! `crate::`, `super::` or `self::` is resolved to the module it points into: in `use`
//! declarations, in code, and in the tokens of macros (`view!`, `format!`), which `syn` leaves
//! unparsed.
//!
//! The rule checked: among the child modules of any one module, no import circle — a
//! module's subtree may use its siblings' subtrees only one way. A module's own file may use
//! its children and the children their parent's items (as `mod.rs` files do); that is not a
//! circle between parts. The folders of `src/domain` in addition follow the order written in
//! ARCHITECTURE.md: a folder uses only folders before it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod test_code;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

/// A module's path from the crate root: `["domain", "bundle", "read"]`.
type ModPath = Vec<String>;

/// The paths one file names, each with the module it is written in.
type Named = Vec<(ModPath, Vec<String>)>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module a library file holds: `src/domain/exchange/bundle/read.rs` → `domain::exchange::bundle::read`,
/// `src/domain/method/identify/mod.rs` → `domain::method::identify`; `None` for the binaries' roots and
/// `src/bin`, which are crates of their own.
fn module_of(src: &Path, file: &Path) -> Option<ModPath> {
    let rel = file.strip_prefix(src).ok()?;
    let mut parts: ModPath = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if parts.first().is_some_and(|p| p == "bin")
        || rel == Path::new("web_main.rs")
        || rel == Path::new("worker_main.rs")
    {
        return None;
    }
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    Some(parts)
}

/// Every path a file names, as written (`crate::domain::method::run::RunRecord`, `super::card`), with
/// the module it is written in (inline modules included).
struct Paths {
    here: Vec<ModPath>,
    found: Named,
}

impl Paths {
    fn add(&mut self, segments: Vec<String>) {
        if matches!(
            segments.first().map(String::as_str),
            Some("crate" | "super" | "self")
        ) || segments.len() > 1
        {
            let here = self.here.last().cloned().unwrap_or_default();
            self.found.push((here, segments));
        }
    }

    fn use_tree(&mut self, prefix: &mut Vec<String>, tree: &syn::UseTree) {
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(prefix, &p.tree);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let mut s = prefix.clone();
                if n.ident != "self" {
                    s.push(n.ident.to_string());
                }
                self.add(s);
            }
            syn::UseTree::Rename(r) => {
                let mut s = prefix.clone();
                if r.ident != "self" {
                    s.push(r.ident.to_string());
                }
                self.add(s);
            }
            syn::UseTree::Glob(_) => self.add(prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(prefix, t);
                }
            }
        }
    }

    /// Paths inside a macro's tokens: `crate::a::b`, `super::x` as they are spelled.
    fn tokens(&mut self, tokens: TokenStream) {
        let mut current: Vec<String> = Vec::new();
        let mut colons = 0;
        for tree in tokens {
            match tree {
                TokenTree::Group(g) => {
                    self.flush(&mut current);
                    colons = 0;
                    self.tokens(g.stream());
                }
                TokenTree::Ident(i) => {
                    let name = i.to_string();
                    if !current.is_empty() && colons == 2 {
                        current.push(name);
                    } else {
                        self.flush(&mut current);
                        if matches!(name.as_str(), "crate" | "super" | "self") {
                            current.push(name);
                        }
                    }
                    colons = 0;
                }
                TokenTree::Punct(p) if p.as_char() == ':' && !current.is_empty() => {
                    colons += 1;
                }
                _ => {
                    self.flush(&mut current);
                    colons = 0;
                }
            }
        }
        self.flush(&mut current);
    }

    fn flush(&mut self, current: &mut Vec<String>) {
        if current.len() > 1 {
            self.add(std::mem::take(current));
        }
        current.clear();
    }
}

impl<'ast> Visit<'ast> for Paths {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        if test_code::is_test_only(item) {
            return;
        }
        syn::visit::visit_item(self, item);
    }

    fn visit_item_mod(&mut self, m: &'ast syn::ItemMod) {
        if m.content.is_some() {
            let mut inner = self.here.last().cloned().unwrap_or_default();
            inner.push(m.ident.to_string());
            self.here.push(inner);
            syn::visit::visit_item_mod(self, m);
            self.here.pop();
        }
    }

    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        self.use_tree(&mut Vec::new(), &u.tree);
    }

    fn visit_path(&mut self, p: &'ast syn::Path) {
        self.add(p.segments.iter().map(|s| s.ident.to_string()).collect());
        syn::visit::visit_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.tokens(m.tokens.clone());
        syn::visit::visit_macro(self, m);
    }
}

/// The library's modules and, for each, the modules its code points into.
fn library() -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut found: Vec<(ModPath, Named)> = Vec::new();
    let mut modules: BTreeSet<ModPath> = BTreeSet::new();
    for file in &files {
        let Some(module) = module_of(&src, file) else {
            continue;
        };
        if module.iter().any(|p| p == "tests") {
            continue; // a test module kept in its own file
        }
        let text = std::fs::read_to_string(file).expect("readable source");
        let parsed = syn::parse_file(&text)
            .unwrap_or_else(|e| panic!("{} does not parse: {e}", file.display()));
        let mut paths = Paths {
            here: vec![module.clone()],
            found: Vec::new(),
        };
        paths.visit_file(&parsed);
        modules.insert(module.clone());
        found.push((module, paths.found));
    }
    let mut deps: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    for (module, paths) in found {
        let entry = deps.entry(module.clone()).or_default();
        for (here, path) in paths {
            if let Some(target) = resolve(&modules, &here, &path) {
                if target != module {
                    entry.insert(target);
                }
            }
        }
    }
    deps
}

/// The module `path`, written in module `here`, points into: the longest known module its
/// resolved segments begin with; `None` for another crate's path or a name brought in by a
/// `use` (whose own path is resolved where it is written).
fn resolve(modules: &BTreeSet<ModPath>, here: &ModPath, path: &[String]) -> Option<ModPath> {
    let mut absolute: ModPath = match path.first()?.as_str() {
        "crate" => Vec::new(),
        "self" => here.clone(),
        "super" => here.clone(),
        first => {
            // `child::item` for a module declared in this one.
            let mut child = here.clone();
            child.push(first.to_string());
            if !modules.contains(&child) {
                return None;
            }
            here.clone()
        }
    };
    let mut rest = path;
    if path[0] == "crate" || path[0] == "self" {
        rest = &path[1..];
    }
    while let Some(("super", tail)) = rest.split_first().map(|(h, t)| (h.as_str(), t)) {
        absolute.pop();
        rest = tail;
    }
    absolute.extend(rest.iter().cloned());
    (0..=absolute.len())
        .rev()
        .map(|n| absolute[..n].to_vec())
        .find(|m| modules.contains(m) && !m.is_empty())
}

/// For every module, the graph between its children: A → B when A's subtree points into B's.
fn sibling_graphs(
    deps: &BTreeMap<ModPath, BTreeSet<ModPath>>,
) -> BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> {
    let mut graphs: BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (from, targets) in deps {
        for to in targets {
            let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
            // An ancestor or a descendant: a file and its own parts.
            if common == from.len() || common == to.len() {
                continue;
            }
            graphs
                .entry(from[..common].to_vec())
                .or_default()
                .entry(from[common].clone())
                .or_default()
                .insert(to[common].clone());
        }
    }
    graphs
}

fn find_cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_string(), 1);
        path.push(m.to_string());
        for d in graph.get(m).into_iter().flatten() {
            match state.get(d.as_str()) {
                Some(1) => {
                    let start = path.iter().position(|p| p == d).unwrap_or(0);
                    let mut cycle = path[start..].to_vec();
                    cycle.push(d.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(d, graph, state, path) {
                        return Some(c);
                    }
                }
            }
        }
        path.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for m in graph.keys() {
        if !state.contains_key(m.as_str()) {
            if let Some(c) = visit(m, graph, &mut state, &mut Vec::new()) {
                return Some(c);
            }
        }
    }
    None
}

#[test]
fn no_import_circle_between_the_parts_of_any_module() {
    let deps = library();
    assert!(
        deps.len() > 100,
        "found the library's modules: {}",
        deps.len()
    );
    for area in ["domain", "app", "service", "storage"] {
        assert!(
            deps.keys().any(|m| m.first().is_some_and(|f| f == area)),
            "no module under src/{area}"
        );
    }
    let mut circles = Vec::new();
    for (parent, graph) in sibling_graphs(&deps) {
        if let Some(cycle) = find_cycle(&graph) {
            let at = if parent.is_empty() {
                "crate".to_string()
            } else {
                parent.join("::")
            };
            circles.push(format!("in {at}: {}", cycle.join(" → ")));
        }
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

fn paths_of(code: &str) -> BTreeSet<String> {
    let file = syn::parse_file(code).expect("test code parses");
    let mut paths = Paths {
        here: vec![vec!["m".to_string()]],
        found: Vec::new(),
    };
    paths.visit_file(&file);
    paths.found.into_iter().map(|(_, p)| p.join("::")).collect()
}

#[test]
fn the_reader_sees_uses_code_macros_and_skips_tests() {
    let found = paths_of(
        "use super::{row::Row, schema};\n\
         use crate::domain::common::time::Timestamp as T;\n\
         fn f() { let x = crate::app::state::now(); }\n\
         fn g() -> String { view! { <p>{super::card::title(1)}</p> }; format!(\"{}\", self::a::b) }\n\
         #[cfg(test)] mod tests { use crate::domain::method::run::RunRecord; }\n\
         #[cfg(test)] fn helper() { crate::domain::demo::make(); }",
    );
    let expected: BTreeSet<String> = [
        "super::row::Row",
        "super::schema",
        "crate::domain::common::time::Timestamp",
        "crate::app::state::now",
        "super::card::title",
        "self::a::b",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_circle_between_siblings_is_found_and_a_parent_child_pair_is_not() {
    let m = |s: &str| -> ModPath { s.split("::").map(String::from).collect() };
    let mut deps: BTreeMap<ModPath, BTreeSet<ModPath>> = BTreeMap::new();
    deps.entry(m("app::pages::card"))
        .or_default()
        .insert(m("app::pages::support"));
    deps.entry(m("app::pages"))
        .or_default()
        .insert(m("app::pages::card"));
    deps.entry(m("app::pages::card::title"))
        .or_default()
        .insert(m("app::pages"));
    let graphs = sibling_graphs(&deps);
    assert!(find_cycle(&graphs[&m("app::pages")]).is_none());
    deps.entry(m("app::pages::support::list"))
        .or_default()
        .insert(m("app::pages::card::title"));
    let graphs = sibling_graphs(&deps);
    assert_eq!(
        find_cycle(&graphs[&m("app::pages")]),
        Some(vec!["card".into(), "support".into(), "card".into()])
    );
    let modules: BTreeSet<ModPath> = [
        m("domain"),
        m("domain::method"),
        m("domain::method::run"),
        m("domain::exchange::bundle"),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        resolve(
            &modules,
            &m("domain::exchange::bundle"),
            &[
                "super".into(),
                "super".into(),
                "method".into(),
                "run".into(),
                "X".into()
            ]
        ),
        Some(m("domain::method::run"))
    );
    assert_eq!(
        resolve(
            &modules,
            &m("domain::exchange::bundle"),
            &["serde".into(), "Serialize".into()]
        ),
        None
    );
    assert_eq!(
        resolve(&modules, &m("domain"), &["method".into(), "run".into()]),
        Some(m("domain::method::run")),
        "a child module named without `self::`"
    );
}

/// The folders of `src/domain` in their dependency order, as ARCHITECTURE.md writes it.
const DOMAIN_ORDER: [&str; 12] = [
    "common",
    "contract",
    "tables",
    "input",
    "method",
    "rubric",
    "school",
    "support",
    "exchange",
    "workspace",
    "reports",
    "demo",
];

#[test]
fn the_domain_folders_follow_their_written_order() {
    let architecture =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md"))
            .expect("ARCHITECTURE.md");
    let written = DOMAIN_ORDER
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(" → ");
    assert!(
        architecture.contains(&written),
        "ARCHITECTURE.md writes the folders' order as: {written}"
    );
    let deps = library();
    let folders: BTreeSet<String> = deps
        .keys()
        .filter(|m| m.len() == 2 && m[0] == "domain")
        .map(|m| m[1].clone())
        .collect();
    let listed: BTreeSet<String> = DOMAIN_ORDER.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        folders, listed,
        "every folder of src/domain is in the order, and only those"
    );
    let graphs = sibling_graphs(&deps);
    let rank = |f: &str| DOMAIN_ORDER.iter().position(|o| *o == f);
    let mut against = Vec::new();
    for (from, to) in graphs
        .get(&vec!["domain".to_string()])
        .into_iter()
        .flatten()
    {
        for t in to {
            if rank(t) >= rank(from) {
                against.push(format!("{from} → {t}"));
            }
        }
    }
    assert!(
        against.is_empty(),
        "a domain folder uses one at or after it in the order: {}",
        against.join(", ")
    );
}
