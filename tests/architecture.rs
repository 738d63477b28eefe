//! The modules of `src/` import each other without a cycle: each can be read
//! knowing only the modules below it.
//!
//! Every `src/**/*.rs` file is read as text (its `#[cfg(test)] mod tests`
//! block and its comments left out) and each `crate::MODULE` it names, in a
//! `use crate::{...}` group or in a path, is an edge from its top-level
//! module to `MODULE`. The graph of these edges must have no cycle; when one
//! appears, the test names the modules that import each other and where.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Edges between top-level modules, each with one file that makes it.
type Graph = BTreeMap<String, BTreeMap<String, String>>;

#[test]
fn the_modules_import_each_other_without_a_cycle() {
    let graph = module_graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        graph.len() > 20,
        "too few modules found: {:?}",
        graph.keys()
    );
    let cycles: Vec<Vec<String>> = strongly_connected(&graph)
        .into_iter()
        .filter(|c| c.len() > 1)
        .collect();
    if cycles.is_empty() {
        return;
    }
    let mut message = String::from("the modules of src/ import each other in a cycle:\n");
    for cycle in &cycles {
        message.push_str(&format!("\n  {}\n", cycle.join(", ")));
        message.push_str(&format!(
            "  shortest: {}\n",
            shortest_cycle(&graph, cycle).join(" -> ")
        ));
        for from in cycle {
            for (to, file) in &graph[from] {
                if cycle.contains(to) {
                    message.push_str(&format!("    {from} -> {to} (in {file})\n"));
                }
            }
        }
    }
    message.push_str(
        "\nmove what the lower module needs into it (or into a leaf), so that imports only go down\n",
    );
    panic!("{message}");
}

/// The test must see an edge wherever the code has one.
#[test]
fn references_are_found_in_groups_and_paths_but_not_in_comments_or_tests() {
    let text = "use std::fmt;\n\
        use crate::diagnostics::{Diagnostic, Position};\n\
        use crate::{\n    document::{self, Date},\n    source,\n};\n\
        fn f() { crate::visibility::freeze(&x); let u = \"https://a\"; } // crate::cache\n\
        /// See [`crate::render`].\n\
        // crate::output\n\
        #[cfg(test)]\nmod tests {\n    use crate::report;\n}\n";
    let found: Vec<String> = references(text).into_iter().collect();
    assert_eq!(found, ["diagnostics", "document", "source", "visibility"]);
}

/// Every top-level module of `src` (`name.rs` or `name/`, but not `lib.rs`
/// and `main.rs`, the roots) with the modules it names.
fn module_graph(src: &Path) -> Graph {
    let mut graph = Graph::new();
    for entry in walkdir::WalkDir::new(src).sort_by_file_name() {
        let entry = entry.expect("src/ can be listed");
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let relative = path.strip_prefix(src).expect("under src/");
        let first = relative.components().next().expect("a path");
        let name = first.as_os_str().to_string_lossy();
        let module = name.strip_suffix(".rs").unwrap_or(&name).to_string();
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("a source file is UTF-8");
        let shown = format!("src/{}", relative.display());
        let edges = graph.entry(module.clone()).or_default();
        for to in references(&text) {
            if to != module {
                edges.entry(to).or_insert_with(|| shown.clone());
            }
        }
    }
    let modules: BTreeSet<String> = graph.keys().cloned().collect();
    for edges in graph.values_mut() {
        edges.retain(|to, _| modules.contains(to));
    }
    graph
}

/// The modules `text` names as `crate::MODULE`, leaving out its
/// `#[cfg(test)] mod tests` block (which comes last) and its comments.
fn references(text: &str) -> BTreeSet<String> {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    let code: String = text
        .lines()
        .map(without_comment)
        .collect::<Vec<_>>()
        .join("\n");
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            // `use crate::{a::{B, C}, d};`: the names at the group's top level.
            let mut depth = 0;
            let mut part = String::new();
            let mut parts = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => parts.push(std::mem::take(&mut part)),
                    _ => {}
                }
                if depth == 0 && c != ',' {
                    part.push(c);
                }
            }
            parts.push(part);
            for part in parts {
                let name = identifier(part.trim_start());
                if !name.is_empty() && name != "self" {
                    found.insert(name.to_string());
                }
            }
        } else {
            let name = identifier(rest);
            if !name.is_empty() {
                found.insert(name.to_string());
            }
        }
    }
    found
}

/// A line without its `//` comment (one that starts outside a string or a
/// character literal).
fn without_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            // '"', '\"' and the like are no string's start.
            b'\'' if !in_string && bytes.get(i + 2) == Some(&b'\'') => i += 2,
            b'\'' if !in_string && bytes.get(i + 1) == Some(&b'\\') => i += 3,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

/// The lower-case module name at the start of `text`.
fn identifier(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The shortest cycle within `component` (a strongly connected one), as
/// its modules with the first again at the end.
fn shortest_cycle(graph: &Graph, component: &[String]) -> Vec<String> {
    let mut best: Option<Vec<String>> = None;
    for start in component {
        // Breadth first from `start`, inside the component, back to `start`.
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.as_str()]);
        'search: while let Some(v) = queue.pop_front() {
            for w in graph[v].keys().filter(|w| component.contains(w)) {
                if w == start {
                    let mut path = vec![start.clone()];
                    let mut at = v;
                    while at != start {
                        path.push(at.to_string());
                        at = came_from[at];
                    }
                    path.push(start.clone());
                    path.reverse();
                    if best.as_ref().is_none_or(|b| path.len() < b.len()) {
                        best = Some(path);
                    }
                    break 'search;
                }
                if !came_from.contains_key(w.as_str()) {
                    came_from.insert(w, v);
                    queue.push_back(w);
                }
            }
        }
    }
    best.unwrap_or_default()
}

/// The strongly connected components of `graph` (Tarjan's algorithm), each
/// sorted by name.
fn strongly_connected(graph: &Graph) -> Vec<Vec<String>> {
    struct State<'a> {
        graph: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.graph[v].keys() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            loop {
                let w = s.stack.pop().expect("v is on the stack");
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.components.push(component);
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for v in graph.keys() {
        if !state.index.contains_key(v.as_str()) {
            visit(&mut state, v);
        }
    }
    state.components
}
