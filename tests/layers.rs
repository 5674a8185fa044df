//! The layers of lib.rs and ARCHITECTURE.md, held: no module names a module of a
//! layer above its own (`crate::tui` in `api`, say) or a sibling of its layer
//! (`crate::inbox` in `export`), no two top-level modules name each other, and no two files of one folder where that is ruled out name each
//! other. Reads the sources as text: every `crate::`, `super::` and `self::` path,
//! in a `use` or in an expression, groups expanded.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the layer it is in (lower numbers are lower layers).
const LAYERS: &[(&str, u8)] = &[
    ("text", 0),
    ("time", 0),
    ("ids", 0),
    ("files", 0),
    ("process", 0),
    ("logging", 0),
    ("redact", 0),
    ("audit", 0),
    ("history", 0),
    ("qr", 0),
    ("api", 1),
    ("export", 2),
    ("inbox", 2),
    ("config", 3),
    ("erasure", 3),
    ("server", 4),
    ("cli", 5),
    ("tui", 5),
];

/// Folders whose files (in subfolders too) may not name each other: in each pair
/// one is below the other. `(folder, None)`: every pair; `(folder, Some(file))`:
/// only the pairs that file is in, for a dispatcher whose features must not call
/// back into it (`tui/app/input.rs`: keys into calls, never called back).
const NO_FILES_NAMING_EACH_OTHER: &[(&str, Option<&str>)] = &[
    ("api", None),
    ("cli", None),
    ("export", None),
    ("inbox", None),
    ("tui::app", Some("input")),
];

/// A module path: `["api", "model"]` for `src/api/model.rs`.
type Module = Vec<String>;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
    found
}

/// The code with comments, strings and character literals blanked (their braces
/// and `crate::` texts are not code), lifetimes kept.
fn code_only(text: &str) -> Vec<char> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = chars.clone();
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let at = |i: usize| chars.get(i).copied().unwrap_or(' ');
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if chars[i] == '/' && at(i + 1) == '/' {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if chars[i] == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if chars[i] == 'r'
            && (at(i + 1) == '"' || at(i + 1) == '#')
            && (i == 0 || !ident(chars[i - 1]) || chars[i - 1] == 'b')
        {
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                i += 1;
                continue;
            }
            i += 2 + hashes;
            while i < chars.len()
                && !(chars[i] == '"' && chars[i + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes)
            {
                i += 1;
            }
            i += 1 + hashes;
        } else if chars[i] == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else if chars[i] == '\'' && (at(i + 1) == '\\' || at(i + 2) == '\'') {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
        } else {
            i += 1;
            continue;
        }
        for c in &mut out[start..i.min(chars.len())] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    }
    out
}

fn tokens(code: &[char]) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let c = code[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < code.len() && (code[i].is_alphanumeric() || code[i] == '_') {
                i += 1;
            }
            found.push(code[start..i].iter().collect());
        } else if c == ':' && code.get(i + 1) == Some(&':') {
            found.push("::".to_owned());
            i += 2;
        } else {
            if !c.is_whitespace() {
                found.push(c.to_string());
            }
            i += 1;
        }
    }
    found
}

/// Every module path `code` names through `crate::`, `super::` or `self::`, as
/// written in the module `here` (inline `mod x { .. }` blocks taken into account),
/// groups expanded: `use super::{a::B, c}` names `here/../a/B` and `here/../c`.
fn paths_named(code: &str, here: &[String]) -> Vec<Module> {
    let tokens = tokens(&code_only(code));
    let mut named = Vec::new();
    // The inline modules open at this point, with the brace depth each closes at.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut depth = 0;
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i].as_str();
        match token {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if inline.last().is_some_and(|(_, at)| *at == depth) {
                    inline.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t == "{") => {
                inline.push((tokens[i + 1].clone(), depth));
            }
            "crate" | "super" | "self"
                if tokens.get(i + 1).is_some_and(|t| t == "::") && (i == 0 || tokens[i - 1] != "in") =>
            {
                let mut module: Module = here.to_vec();
                module.extend(inline.iter().map(|(name, _)| name.clone()));
                let base = match token {
                    "crate" => Vec::new(),
                    "super" => module[..module.len().saturating_sub(1)].to_vec(),
                    _ => module,
                };
                i = path_tree(&tokens, i + 1, base, &mut named);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    named
}

/// Reads `::a::b`, `::{a, b::{c, self}}`, `::*` from `at`, each path appended to
/// `prefix` (`super` going up); returns where the tree ends.
fn path_tree(tokens: &[String], mut at: usize, mut prefix: Module, named: &mut Vec<Module>) -> usize {
    while tokens.get(at).is_some_and(|t| t == "::") {
        match tokens.get(at + 1).map(String::as_str) {
            Some("{") => {
                at += 2;
                loop {
                    match tokens.get(at).map(String::as_str) {
                        None => return at,
                        Some("}") => return at + 1,
                        Some(",") => at += 1,
                        Some("as") => at += 2,
                        Some(first) => {
                            // Each item of the group is a path from the prefix.
                            let mut base = prefix.clone();
                            step(&mut base, first);
                            at = path_tree(tokens, at + 1, base, named);
                        }
                    }
                }
            }
            Some(segment) if segment == "*" || segment.chars().all(|c| c.is_alphanumeric() || c == '_') => {
                step(&mut prefix, segment);
                at += 2;
            }
            _ => break,
        }
    }
    named.push(prefix);
    at
}

fn step(path: &mut Module, segment: &str) {
    match segment {
        "super" => {
            path.pop();
        }
        "self" | "*" => {}
        name => path.push(name.to_owned()),
    }
}

/// Every file of the library by its module path (`#[path]` followed).
fn library() -> BTreeMap<Module, PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules = BTreeMap::new();
    for file in rust_files(&src) {
        let relative = file.strip_prefix(&src).unwrap().with_extension("");
        let mut module: Module = relative.iter().map(|s| s.to_string_lossy().into_owned()).collect();
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        if module == ["main"] || module == ["lib"] {
            continue;
        }
        modules.insert(module, file);
    }
    // `#[path = "x.rs"] mod name;` makes x.rs the module `name` of the file naming it.
    let moved: Vec<(Module, Module)> = modules
        .iter()
        .flat_map(|(module, file)| {
            let text = std::fs::read_to_string(file).unwrap();
            let parent = if file.ends_with("mod.rs") {
                module.clone()
            } else {
                module[..module.len() - 1].to_vec()
            };
            let mut found = Vec::new();
            for (at, _) in text.match_indices("#[path = \"") {
                let rest = &text[at + "#[path = \"".len()..];
                let target = &rest[..rest.find('"').unwrap()];
                let name = rest.split("mod ").nth(1).unwrap().split(';').next().unwrap().trim();
                let mut from = parent.clone();
                from.push(target.trim_end_matches(".rs").to_owned());
                let mut to = module.clone();
                to.push(name.to_owned());
                found.push((from, to));
            }
            found
        })
        .collect();
    for (from, to) in moved {
        let file = modules.remove(&from).unwrap();
        modules.insert(to, file);
    }
    modules
}

/// The file modules each file names: for each path, the longest prefix that is a
/// file; a file's own module (or one inline in it) is not counted.
fn file_graph(
    modules: &BTreeMap<Module, PathBuf>,
    read: impl Fn(&Path) -> String,
) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut graph = BTreeMap::new();
    for (module, file) in modules {
        let mut names = BTreeSet::new();
        for path in paths_named(&read(file), module) {
            let Some(target) = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| modules.contains_key(p))
            else {
                continue;
            };
            if target != *module {
                names.insert(target);
            }
        }
        graph.insert(module.clone(), names);
    }
    graph
}

/// Pairs of modules that name each other, `a` before `b`, where `keep(a, b)`.
fn naming_each_other(
    graph: &BTreeMap<Module, BTreeSet<Module>>,
    keep: impl Fn(&Module, &Module) -> bool,
) -> Vec<String> {
    let mut found = Vec::new();
    for (a, names) in graph {
        for b in names {
            if a < b && graph.get(b).is_some_and(|back| back.contains(a)) && keep(a, b) {
                found.push(format!("{} and {} name each other", a.join("::"), b.join("::")));
            }
        }
    }
    found
}

/// The graph of top-level modules: which names which.
fn folder_graph(files: &BTreeMap<Module, BTreeSet<Module>>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut graph: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, names) in files {
        let top = module[..1].to_vec();
        let entry = graph.entry(top.clone()).or_default();
        entry.extend(names.iter().map(|n| n[..1].to_vec()).filter(|n| *n != top));
    }
    graph
}

/// What the rules of [`NO_FILES_NAMING_EACH_OTHER`] find in `files`.
fn files_naming_each_other(files: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    let mut found = Vec::new();
    for (folder, only) in NO_FILES_NAMING_EACH_OTHER {
        let folder: Module = folder.split("::").map(str::to_owned).collect();
        let in_folder = |m: &Module| m.len() > folder.len() && m.starts_with(&folder);
        let is_only =
            |m: &Module| only.is_none_or(|name| m.len() == folder.len() + 1 && m.last().is_some_and(|l| l == name));
        found.extend(naming_each_other(files, |a, b| {
            in_folder(a) && in_folder(b) && (is_only(a) || is_only(b))
        }));
    }
    found
}

fn module(path: &str) -> Module {
    path.split("::").map(str::to_owned).collect()
}

#[test]
fn the_scanner_reads_paths_and_groups_over_lines() {
    let code = "use crate::api::Client;\nuse crate::{\n    ids::SessionId,\n    tui::{app, ui},\n};\nlet x = crate::config::describe_error(e);";
    let named = paths_named(code, &module("cli::verify"));
    let tops: Vec<&str> = named.iter().map(|p| p[0].as_str()).collect();
    assert_eq!(tops, ["api", "ids", "tui", "tui", "config"]);
}

#[test]
fn the_scanner_follows_super_self_and_inline_modules_and_skips_text() {
    let code = r#"
use super::{manifest, seal::{self, TeamKey}};
use super::super::api::Secret;
fn f() { let a = super::folder::name_for("x"); let b = self::inner(); let s = "crate::tui::x"; let c = '{'; }
// crate::cli::x in a comment
pub(in crate::tui) fn g() {}
#[cfg(test)]
mod tests {
    use super::*;
    use super::super::verify::check;
}
fn h() -> &'static str { crate::text::clean("}") }
"#;
    let named: Vec<String> = paths_named(code, &module("export::folder"))
        .iter()
        .map(|p| p.join("::"))
        .collect();
    assert_eq!(
        named,
        [
            "export::manifest",
            "export::seal",
            "export::seal::TeamKey",
            "api::Secret",
            "export::folder::name_for",
            "export::folder::inner",
            "export::folder",
            "export::verify::check",
            "text::clean",
        ]
    );
}

#[test]
fn the_rules_find_files_and_folders_naming_each_other() {
    // A made-up library: api's model and triage name each other, and so do the
    // export and inbox folders; the CLI's files only name down.
    let sources: BTreeMap<&str, &str> = [
        ("api::model", "use super::triage::Person;"),
        ("api::triage", "fn f() { super::model::numeric(); }"),
        ("export::folder", "use crate::inbox::Indexer;"),
        ("inbox::index", "use crate::{export::Sink, api::model};"),
        ("cli::scripting", "use super::{output::emit, actions};"),
        ("cli::actions", "use super::output::say;"),
        ("cli::output", ""),
        ("export", ""),
        ("inbox", ""),
    ]
    .into_iter()
    .collect();
    let modules: BTreeMap<Module, PathBuf> = sources.keys().map(|m| (module(m), PathBuf::from(m))).collect();
    let files = file_graph(&modules, |file| sources[file.to_str().unwrap()].to_owned());
    assert_eq!(
        files_naming_each_other(&files),
        ["api::model and api::triage name each other"]
    );
    assert_eq!(
        naming_each_other(&folder_graph(&files), |_, _| true),
        ["export and inbox name each other"]
    );
}

#[test]
fn no_module_imports_from_a_layer_above_it_and_siblings_stay_apart() {
    let modules = library();
    let files = file_graph(&modules, |file| std::fs::read_to_string(file).unwrap());
    let layer_of = |name: &str| LAYERS.iter().find(|(m, _)| *m == name).map(|(_, layer)| *layer);
    let mut wrong = Vec::new();
    for top in modules.keys().map(|m| &m[0]).collect::<BTreeSet<_>>() {
        if layer_of(top).is_none() {
            wrong.push(format!("{top} is in no layer: add it to LAYERS (and ARCHITECTURE.md)"));
        }
    }
    for (module, names) in &files {
        let (from, layer) = (&module[0], layer_of(&module[0]));
        for name in names.iter().map(|n| &n[0]).filter(|n| *n != from) {
            // Above the helpers, modules of one layer are siblings that neither
            // name each other: export and inbox, config and erasure, cli and tui.
            let other = layer_of(name);
            let upward = other > layer || (other == layer && layer > Some(0));
            if upward {
                wrong.push(format!("{}: {from} uses {name}", modules[module].display()));
            }
        }
    }
    assert!(wrong.is_empty(), "imports running upward:\n{}", wrong.join("\n"));
}

#[test]
fn no_folder_names_one_that_names_it_back() {
    let files = file_graph(&library(), |file| std::fs::read_to_string(file).unwrap());
    let wrong = naming_each_other(&folder_graph(&files), |_, _| true);
    assert!(wrong.is_empty(), "top-level modules in a loop:\n{}", wrong.join("\n"));
}

#[test]
fn no_two_files_of_a_folder_name_each_other() {
    let files = file_graph(&library(), |file| std::fs::read_to_string(file).unwrap());
    let wrong = files_naming_each_other(&files);
    assert!(
        wrong.is_empty(),
        "files in a loop (move the shared part below both):\n{}",
        wrong.join("\n")
    );
}
