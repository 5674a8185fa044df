//! The layers of lib.rs and ARCHITECTURE.md, held: no module names a module of a
//! layer above its own (`crate::tui` in `api`, say). Reads the sources as text.

use std::path::{Path, PathBuf};

/// Each top-level module and the layer it is in (lower numbers are lower layers).
const LAYERS: &[(&str, u8)] = &[
    ("text", 0),
    ("ids", 0),
    ("files", 0),
    ("process", 0),
    ("logging", 0),
    ("redact", 0),
    ("audit", 0),
    ("history", 0),
    ("api", 1),
    ("export", 2),
    ("inbox", 2),
    ("config", 3),
    ("erasure", 3),
    ("server", 4),
    ("cli", 5),
    ("tui", 5),
];

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

/// The top-level modules `code` names through `crate::`: `crate::api::X`,
/// `crate::api;`, and every first segment of a `crate::{api::X, tui::{..}}` group,
/// over as many lines as it takes.
fn crate_modules(code: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let (mut depth, mut item, mut end) = (0, String::new(), group.len());
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        end = i;
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        names.push(first_segment(&item));
                        item.clear();
                        continue;
                    }
                    _ => {}
                }
                if depth == 0 || c == '{' {
                    item.push(c);
                }
            }
            names.push(first_segment(&item));
            rest = &group[end..];
        } else {
            names.push(first_segment(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn first_segment(path: &str) -> String {
    path.trim()
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn the_scanner_reads_paths_and_groups_over_lines() {
    let code = "use crate::api::Client;\nuse crate::{\n    ids::SessionId,\n    tui::{app, ui},\n};\nlet x = crate::config::describe_error(e);";
    assert_eq!(crate_modules(code), ["api", "ids", "tui", "config"]);
}

#[test]
fn no_module_imports_from_a_layer_above_it_and_siblings_stay_apart() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (module, layer) in LAYERS {
        let dir = src.join(module);
        let files = if dir.is_dir() {
            rust_files(&dir)
        } else {
            vec![src.join(format!("{module}.rs"))]
        };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let code: String = text
                .lines()
                .map(|line| line.split("//").next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join("\n");
            for name in crate_modules(&code) {
                let Some((_, other_layer)) = LAYERS.iter().find(|(m, _)| *m == name) else {
                    continue;
                };
                // cli and tui are siblings at the top: neither names the other.
                let upward = other_layer > layer || (*other_layer == 5 && *layer == 5 && name != *module);
                if upward {
                    wrong.push(format!("{}: {module} uses {name}", file.display()));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports running upward:\n{}", wrong.join("\n"));
}
