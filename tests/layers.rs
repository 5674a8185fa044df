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
    ("api", 2),
    ("export", 3),
    ("redact", 0),
    ("config", 3),
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
            for (other, other_layer) in LAYERS {
                let above = other_layer > layer || (other_layer == layer && other != module && *layer == 5);
                if !above {
                    continue;
                }
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or_default();
                    let grouped = code.split("crate::{").skip(1).any(|group| {
                        let names = group.split('}').next().unwrap_or_default();
                        names
                            .split([',', ' '])
                            .any(|n| n == *other || n.starts_with(&format!("{other}::")))
                    });
                    if grouped
                        || code.contains(&format!("crate::{other}::"))
                        || code.contains(&format!("crate::{other};"))
                    {
                        wrong.push(format!(
                            "{}:{}: {module} uses {other}: {}",
                            file.display(),
                            n + 1,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports running upward:\n{}", wrong.join("\n"));
}
