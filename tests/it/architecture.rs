//! The house rules ARCHITECTURE.md states, checked on the source: no import circle between
//! modules, and no source file over 500 lines.
//!
//! A module's imports are its `use` items and the `crate::`, `super::` and `self::` paths in
//! its code (its `#[cfg(test)]` part left out). An import of a module's own parent or child
//! is not counted: a child may use what its parent declares, and a parent names its children.
//! Between any other two modules, at any depth, the imports must not go round in a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The longest a file in `src/` may be.
const MAX_LINES: usize = 500;

/// Every `.rs` file under `root`, with its module path (`tui::app::keys`).
fn modules(root: &Path) -> BTreeMap<String, PathBuf> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a source directory") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(root).expect("under the root");
                let mut parts: Vec<String> = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if matches!(
                    parts.last().map(String::as_str),
                    Some("mod" | "lib" | "main")
                ) {
                    parts.pop();
                }
                out.insert(parts.join("::"), path);
            }
        }
    }
    out
}

/// `text` without the items marked `#[cfg(test)]` (a block to its closing brace, or an item
/// to its semicolon).
fn without_tests(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let brace = rest.find('{');
        let semi = rest.find(';');
        let end = match (brace, semi) {
            (Some(b), Some(s)) if s < b => s + 1,
            (Some(b), _) => {
                let mut depth = 0;
                let mut end = rest.len();
                for (j, c) in rest[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + j + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (None, Some(s)) => s + 1,
            (None, None) => rest.len(),
        };
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// The code of a file without its tests and comments.
fn code(text: &str) -> String {
    let text = without_tests(text);
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The paths a `use` tree names: `a::{b, c::{d}}` is `a::b` and `a::c::d`.
fn expand(tree: &str) -> Vec<String> {
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(&tree);
        return vec![path.trim_end_matches("::").to_string()];
    };
    let prefix = &tree[..open];
    let inner = tree[open + 1..]
        .strip_suffix('}')
        .unwrap_or(&tree[open + 1..]);
    let mut items = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&inner[start..]);
    items
        .into_iter()
        .filter(|i| !i.is_empty())
        .flat_map(|i| {
            expand(i).into_iter().map(move |p| {
                if p == "self" {
                    prefix.trim_end_matches("::").to_string()
                } else {
                    format!("{prefix}{p}")
                }
            })
        })
        .collect()
}

/// The module a path used in `from` names (the longest prefix that is a module), if it is
/// one of this crate's.
fn resolve(from: &str, path: &str, known: &BTreeSet<String>) -> Option<String> {
    let mut segs: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
    let mut base: Vec<&str> = if from.is_empty() {
        Vec::new()
    } else {
        from.split("::").collect()
    };
    match segs.first().copied() {
        Some("crate") => {
            base.clear();
            segs.remove(0);
        }
        Some("super") => {
            while segs.first() == Some(&"super") {
                base.pop();
                segs.remove(0);
            }
        }
        Some("self") => {
            segs.remove(0);
        }
        // A path that starts with a child's name.
        Some(first) if known.contains(&[base.as_slice(), &[first]].concat().join("::")) => {}
        _ => return None,
    }
    let full: Vec<&str> = base.into_iter().chain(segs).collect();
    (1..=full.len())
        .rev()
        .map(|k| full[..k].join("::"))
        .find(|m| known.contains(m))
}

/// Whether `a` is `b`, or one contains the other.
fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}::")) || b.starts_with(&format!("{a}::"))
}

/// Which modules each module imports (its parent and children left out).
fn imports(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mods = modules(root);
    let known: BTreeSet<String> = mods.keys().cloned().collect();
    let mut graph = BTreeMap::new();
    for (m, path) in &mods {
        let text = code(&std::fs::read_to_string(path).expect("read a source file"));
        let mut paths = Vec::new();
        // `use` items, their trees expanded.
        let mut rest = text.as_str();
        while let Some(i) = rest.find("use ") {
            let before = rest[..i].chars().last();
            rest = &rest[i + 4..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let end = rest.find(';').unwrap_or(rest.len());
            paths.extend(expand(&rest[..end]));
            rest = &rest[end..];
        }
        // Paths in the code.
        for start in ["crate::", "super::", "self::"] {
            for (i, _) in text.match_indices(start) {
                if text[..i]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                {
                    continue;
                }
                let path: String = text[i..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                paths.push(path);
            }
        }
        let to: BTreeSet<String> = paths
            .iter()
            .filter_map(|p| resolve(m, p, &known))
            .filter(|t| !related(m, t))
            .collect();
        graph.insert(m.clone(), to);
    }
    graph
}

/// The circles of the graph at every depth: the modules are merged to their first `depth`
/// segments, and edges inside one merged module, or between a module and its parent or
/// child, are left out. Each circle is one strongly connected set, with its edges.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let deepest = graph
        .keys()
        .map(|m| m.split("::").count())
        .max()
        .unwrap_or(0);
    let mut found = BTreeSet::new();
    for depth in 1..=deepest {
        let cut = |m: &str| m.split("::").take(depth).collect::<Vec<_>>().join("::");
        let mut merged: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, tos) in graph {
            for b in tos {
                let (a, b) = (cut(a), cut(b));
                if !related(&a, &b) {
                    merged.entry(a).or_default().insert(b);
                }
            }
        }
        for set in strongly_connected(&merged) {
            if set.len() > 1 {
                let lines: Vec<String> = set
                    .iter()
                    .map(|a| {
                        let to: Vec<&str> = merged[a]
                            .iter()
                            .filter(|b| set.contains(*b))
                            .map(String::as_str)
                            .collect();
                        format!("{a} -> {}", to.join(", "))
                    })
                    .collect();
                found.insert(lines);
            }
        }
    }
    found.into_iter().collect()
}

/// Tarjan's strongly connected sets.
fn strongly_connected(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    struct Walk<'a> {
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<BTreeSet<String>>,
    }
    fn visit<'a>(w: &mut Walk<'a>, v: &'a str) {
        let i = w.index.len();
        w.index.insert(v, i);
        w.low.insert(v, i);
        w.stack.push(v);
        w.on.insert(v);
        for t in w.graph.get(v).into_iter().flatten() {
            let t = t.as_str();
            if !w.index.contains_key(t) {
                visit(w, t);
                let low = w.low[v].min(w.low[t]);
                w.low.insert(v, low);
            } else if w.on.contains(t) {
                let low = w.low[v].min(w.index[t]);
                w.low.insert(v, low);
            }
        }
        if w.low[v] == w.index[v] {
            let mut set = BTreeSet::new();
            while let Some(t) = w.stack.pop() {
                w.on.remove(t);
                set.insert(t.to_string());
                if t == v {
                    break;
                }
            }
            w.out.push(set);
        }
    }
    let mut w = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    let nodes: BTreeSet<&str> = graph
        .iter()
        .flat_map(|(a, tos)| std::iter::once(a.as_str()).chain(tos.iter().map(String::as_str)))
        .collect();
    for v in nodes {
        if !w.index.contains_key(v) {
            visit(&mut w, v);
        }
    }
    w.out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let found = circles(&imports(&src()));
    assert!(
        found.is_empty(),
        "import circles between modules (ARCHITECTURE.md: each layer imports only the layers \
         below it):\n{}",
        found
            .iter()
            .map(|c| c.join("\n   "))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn the_tui_layers_import_only_downwards() {
    // The order ARCHITECTURE.md draws: each may import those after it, never one before.
    let order = [
        "tui::run",
        "tui::worker",
        "tui::app",
        "tui::ui",
        "tui::layers",
        "tui::model",
        "tui::layout",
        "tui::text",
        "tui::input",
        "tui::keymap",
        "tui::theme",
        "tui::msg",
    ];
    let graph = imports(&src());
    for (a, tos) in &graph {
        let Some(ra) = order.iter().position(|o| related(a, o)) else {
            continue;
        };
        for b in tos {
            if let Some(rb) = order.iter().position(|o| related(b, o)) {
                assert!(rb >= ra, "{a} imports {b}, which is above it");
            }
        }
    }
    // The layers know no drawing code (their Draw is implemented in tui/ui/).
    for (a, tos) in &graph {
        for b in tos {
            assert!(
                !(related(a, "tui::layers") && related(b, "tui::ui")),
                "{a} imports {b}"
            );
        }
    }
}

#[test]
fn every_layer_has_its_own_place_in_the_order() {
    // Each layer names its place (`fn kind`); two with one place would replace each other
    // when opened.
    let base = std::fs::read_to_string(src().join("tui/layers/base.rs")).expect("base.rs");
    let body = base
        .split("pub enum Kind {")
        .nth(1)
        .and_then(|b| b.split('}').next())
        .expect("the Kind enum");
    let kinds: BTreeSet<String> = code(body)
        .split(',')
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let mut named = Vec::new();
    for path in modules(&src().join("tui/layers")).values() {
        let text = std::fs::read_to_string(path).expect("a layer");
        for part in text.split("fn kind(&self) -> Kind {").skip(1) {
            let kind = part
                .split("Kind::")
                .nth(1)
                .map(|k| {
                    k.chars()
                        .take_while(|c| c.is_alphanumeric())
                        .collect::<String>()
                })
                .expect("a Kind");
            named.push(kind);
        }
    }
    let distinct: BTreeSet<String> = named.iter().cloned().collect();
    assert_eq!(
        distinct.len(),
        named.len(),
        "a place named twice: {named:?}"
    );
    assert_eq!(
        distinct, kinds,
        "every place has one layer, every layer a place"
    );
}

#[test]
fn no_source_file_is_over_500_lines() {
    let long: Vec<String> = modules(&src())
        .values()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).ok()?.lines().count();
            (n > MAX_LINES).then(|| format!("{} ({n} lines)", p.display()))
        })
        .collect();
    assert!(long.is_empty(), "files over {MAX_LINES} lines: {long:?}");
}

#[test]
fn the_checker_finds_a_circle_and_passes_a_stack() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |path: &str, text: &str| {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("a directory");
        std::fs::write(p, text).expect("a file");
    };
    write("lib.rs", "pub mod a;\npub mod b;\npub mod c;\n");
    write("a/mod.rs", "pub mod inner;\nuse inner::X;\n");
    write("a/inner.rs", "use super::Y;\nuse crate::b::{self, Z};\n");
    write("b.rs", "use crate::c::W;\n");
    write(
        "c.rs",
        "// use crate::a::X; (a comment)\nfn f() {}\n#[cfg(test)]\nmod t { use crate::a::X; }\n",
    );
    let graph = imports(dir.path());
    assert_eq!(graph["a::inner"], BTreeSet::from(["b".to_string()]));
    assert!(circles(&graph).is_empty(), "{:?}", circles(&graph));

    // c now imports a, which imports b, which imports c: one circle, at the top level and
    // between the files.
    write("c.rs", "fn f() { crate::a::inner::g(); }\n");
    let found = circles(&imports(dir.path()));
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .any(|c| c.iter().any(|l| l.starts_with("c -> a"))),
        "{found:?}"
    );
}
