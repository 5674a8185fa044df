//! The README is a front door and `docs/` holds the guides. A reader follows links
//! between them: every relative link must lead to a file that exists and, where it
//! names one, to a heading that exists (`#anchor`, as GitHub makes them). The README
//! stays short enough to be read as a front door, and points to every guide.

use std::collections::HashMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The front door's length, at most.
const README_MAX_LINES: usize = 200;

/// A link as written in a markdown file: its line and where it points.
#[derive(Debug, PartialEq)]
struct Link {
    line: usize,
    target: String,
}

/// The markdown files a reader browses: the README and every guide in `docs/`.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(ROOT);
    let mut docs: Vec<PathBuf> = fs::read_dir(root.join("docs"))
        .expect("docs/ exists")
        .map(|entry| entry.expect("docs/ can be read").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    docs.sort();
    docs.insert(0, root.join("README.md"));
    docs
}

/// `text` with its fenced code blocks and inline code spans blanked out (newlines
/// kept, so line numbers hold): a link written as code is an example, not a link.
fn prose(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let marker: String = trimmed.chars().take_while(|&c| c == '`' || c == '~').collect();
        let opens = indent <= 3 && marker.len() >= 3 && marker.chars().all(|c| c == marker.as_bytes()[0] as char);
        match &fence {
            Some(open) if opens && marker.starts_with(open.as_str()) && trimmed[marker.len()..].trim().is_empty() => {
                fence = None;
                out.push_str(&blank(line));
            }
            Some(_) => out.push_str(&blank(line)),
            None if opens => {
                fence = Some(marker);
                out.push_str(&blank(line));
            }
            None => out.push_str(line),
        }
    }
    // Inline code: a run of N backticks up to the next run of exactly N.
    let chars: Vec<char> = out.chars().collect();
    let mut kept = String::with_capacity(out.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '`' {
            kept.push(chars[i]);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|&&c| c == '`').count();
        let mut j = i + run;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let other = chars[j..].iter().take_while(|&&c| c == '`').count();
                if other == run {
                    close = Some(j);
                    break;
                }
                j += other;
            } else {
                j += 1;
            }
        }
        match close {
            Some(j) => {
                kept.push_str(&blank(&chars[i..j + run].iter().collect::<String>()));
                i = j + run;
            }
            None => {
                kept.extend(&chars[i..i + run]);
                i += run;
            }
        }
    }
    kept
}

fn blank(s: &str) -> String {
    s.chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect()
}

/// Every inline link and image (`[text](target)`, `![alt](target)`) and every
/// reference definition (`[name]: target`) outside code.
fn links(text: &str) -> Vec<Link> {
    let prose = prose(text);
    let line_of = |at: usize| prose[..at].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = prose[from..].find("](") {
        let start = from + at + 2;
        let mut depth = 0;
        let mut end = None;
        for (i, c) in prose[start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    end = Some(start + i);
                    break;
                }
                ')' => depth -= 1,
                '\n' => break,
                _ => {}
            }
        }
        if let Some(end) = end {
            let inside = prose[start..end].trim();
            let target = match inside.strip_prefix('<') {
                Some(rest) => rest.split('>').next().unwrap_or_default(),
                None => inside.split_whitespace().next().unwrap_or_default(),
            };
            found.push(Link {
                line: line_of(start),
                target: target.to_owned(),
            });
        }
        from = start;
    }
    let mut offset = 0;
    for line in prose.split_inclusive('\n') {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() <= 3
            && trimmed.starts_with('[')
            && let Some(close) = trimmed.find("]:")
            && !trimmed[1..close].contains(']')
            && let Some(target) = trimmed[close + 2..].split_whitespace().next()
        {
            found.push(Link {
                line: line_of(offset),
                target: target.trim_start_matches('<').trim_end_matches('>').to_owned(),
            });
        }
        offset += line.len();
    }
    found.sort_by_key(|link| link.line);
    found
}

/// GitHub's anchor for a heading's text: the text as rendered, lower-cased, with
/// everything but letters, digits, `_`, `-` and spaces dropped, spaces made `-`.
fn slug(heading: &str) -> String {
    let mut rendered = String::new();
    let mut rest = heading;
    // `[text](url)` renders as its text.
    while let Some(open) = rest.find('[') {
        rendered.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find("](").zip(after.find(')')) {
            Some((mid, close)) if mid < close => {
                rendered.push_str(&after[..mid]);
                rest = &after[close + 1..];
            }
            _ => {
                rendered.push('[');
                rest = after;
            }
        }
    }
    rendered.push_str(rest);
    rendered
        .trim()
        .to_lowercase()
        .chars()
        .filter(|&c| c.is_alphanumeric() || c == '_' || c == '-' || c == ' ')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a markdown file's ATX headings (`## Heading`) outside code, a
/// repeated one numbered as GitHub numbers it (`keys`, `keys-1`).
fn anchors(text: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut found = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start_matches(' ');
        if line.len() - trimmed.len() <= 3 && (trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            fenced = !fenced;
            continue;
        }
        let hashes = trimmed.chars().take_while(|&c| c == '#').count();
        if fenced || !(1..=6).contains(&hashes) || line.len() - trimmed.len() > 3 {
            continue;
        }
        let rest = &trimmed[hashes..];
        if !(rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t')) {
            continue;
        }
        // A closing run of #s is not part of the heading.
        let text = rest.trim().trim_end_matches('#').trim_end();
        let base = slug(text);
        let n = seen.entry(base.clone()).or_insert(0);
        found.push(if *n == 0 { base.clone() } else { format!("{base}-{n}") });
        *n += 1;
    }
    found
}

/// Why `link`, written in `text` (the file at `from`), leads nowhere; `None` when
/// it leads somewhere or is not a link into this repository.
fn broken(from: &Path, text: &str, link: &Link) -> Option<String> {
    let target = link.target.as_str();
    let external = target.contains("://") || target.starts_with("mailto:") || target.starts_with("tel:");
    if external {
        return None;
    }
    if target.is_empty() {
        return Some("an empty link".to_owned());
    }
    let (path, fragment) = match target.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (target, None),
    };
    let file = if path.is_empty() {
        from.to_path_buf()
    } else if let Some(from_root) = path.strip_prefix('/') {
        Path::new(ROOT).join(from_root)
    } else {
        from.parent().expect("a document is in a folder").join(path)
    };
    let file = normalise(&file);
    if !file.starts_with(ROOT) {
        return Some(format!("{target}: leads out of the repository"));
    }
    if !file.exists() {
        return Some(format!("{target}: no such file"));
    }
    let fragment = fragment?;
    if file.extension().is_none_or(|ext| ext != "md") {
        return Some(format!(
            "{target}: an anchor into a file that is not markdown cannot be checked"
        ));
    }
    let text = if path.is_empty() {
        text.to_owned()
    } else {
        fs::read_to_string(&file).expect("a linked guide can be read")
    };
    if anchors(&text).iter().any(|anchor| anchor == fragment) {
        None
    } else {
        Some(format!("{target}: no heading makes the anchor #{fragment}"))
    }
}

/// `a/b/../c` as `a/c`, without asking the filesystem (the file may not exist).
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Every broken link of one document, as `FILE:LINE: why`.
fn problems(path: &Path, text: &str) -> (usize, Vec<String>) {
    let shown = path.strip_prefix(ROOT).unwrap_or(path).display().to_string();
    let links = links(text);
    let problems = links
        .iter()
        .filter_map(|link| broken(path, text, link).map(|why| format!("{shown}:{}: {why}", link.line)))
        .collect();
    (links.len(), problems)
}

#[test]
fn every_relative_link_in_the_readme_and_the_guides_resolves() {
    let mut checked = 0;
    let mut all = Vec::new();
    for path in documents() {
        let text = fs::read_to_string(&path).expect("a document can be read");
        let (count, problems) = problems(&path, &text);
        checked += count;
        all.extend(problems);
    }
    assert!(all.is_empty(), "links that lead nowhere:\n{}", all.join("\n"));
    // The guides link to each other dozens of times: a count this low means the
    // links were not found, not that they all hold.
    assert!(checked > 50, "only {checked} links found in README.md and docs/*.md");
}

#[test]
fn the_readme_is_a_front_door_of_at_most_200_lines() {
    let readme = fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines <= README_MAX_LINES,
        "README.md has {lines} lines, more than {README_MAX_LINES}: move the detail into a guide in docs/"
    );
}

#[test]
fn the_readme_links_to_every_guide() {
    let root = Path::new(ROOT);
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let linked: Vec<PathBuf> = links(&readme)
        .iter()
        .map(|link| normalise(&root.join(link.target.split('#').next().unwrap_or_default())))
        .collect();
    let unlinked: Vec<String> = documents()
        .into_iter()
        .skip(1)
        .filter(|guide| !linked.contains(guide))
        .map(|guide| guide.strip_prefix(root).unwrap().display().to_string())
        .collect();
    assert!(unlinked.is_empty(), "guides the README does not link to: {unlinked:?}");
}

/// The checker itself: a broken file, a broken anchor in another guide and in the
/// same file are each found, on their lines; what is fine, external, or written as
/// code is not reported.
#[test]
fn a_link_to_a_missing_file_or_heading_is_found() {
    let at = Path::new(ROOT).join("README.md");
    let text = "\
# Front door

See [the guide](docs/triage.md) and [its keys](docs/triage.md#keys).
A [lost guide](docs/no-such-guide.md) and a [lost heading](docs/triage.md#no-such-heading).
Here: [up](#front-door), [nowhere](#nowhere), [the web](https://example.com/x.md).
![a picture
that wraps](assets/screenshot.png) and ![a lost one](assets/none.png)
`[as code](docs/code.md)` is not a link.

```
[in a fence](docs/fenced.md)
```

[ref]: docs/missing-ref.md
";
    let (count, found) = problems(&at, text);
    assert_eq!(
        found,
        vec![
            "README.md:4: docs/no-such-guide.md: no such file".to_owned(),
            "README.md:4: docs/triage.md#no-such-heading: no heading makes the anchor #no-such-heading".to_owned(),
            "README.md:5: #nowhere: no heading makes the anchor #nowhere".to_owned(),
            "README.md:7: assets/none.png: no such file".to_owned(),
            "README.md:14: docs/missing-ref.md: no such file".to_owned(),
        ]
    );
    assert_eq!(count, 10, "every link outside code was read");
}

/// Anchors as GitHub makes them, from headings of the guides.
#[test]
fn anchors_are_githubs() {
    assert_eq!(
        slug("The team's signing key, and how a regulator checks a case folder"),
        "the-teams-signing-key-and-how-a-regulator-checks-a-case-folder"
    );
    assert_eq!(slug("`inbox list --json`"), "inbox-list---json");
    assert_eq!(slug("Checking a folder: `verify`"), "checking-a-folder-verify");
    assert_eq!(
        slug("Large sixel pictures through tmux 3.3 arrive cut"),
        "large-sixel-pictures-through-tmux-33-arrive-cut"
    );
    assert_eq!(slug("See [the guide](docs/x.md) now"), "see-the-guide-now");
    assert_eq!(
        anchors("# Keys\n```\n# not a heading\n```\n## Keys ##\n#hashtag\n### read_only\n"),
        vec!["keys", "keys-1", "read_only"]
    );
}
