//! One keymap as data: for every mode (browsing, the prompt, the filter, each
//! overlay) a table of `{keys, action, description}` rows. Dispatch, the hint bar
//! and the help are all read from the live table, so what they say is what the
//! keys do, after a user's `[keys]` overrides as before them.
//!
//! Keys are written as people write them (`q`, `ctrl-c`, `shift-tab`, `pagedown`)
//! in [`DEFAULTS`] and in `config.toml`, and shown as terminals label them (`C-c`,
//! `S-Tab`, `PgDn`): labels are generated from the key events, never by hand.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use crate::config::KeyOverrides;

/// What a key can do. The names (snake_case) are the vocabulary of `[keys]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Down,
    Up,
    HalfPageDown,
    HalfPageUp,
    PageDown,
    PageUp,
    First,
    Last,
    NextPane,
    PrevPane,
    Enter,
    Open,
    Save,
    SaveAll,
    AddSession,
    RemoveSession,
    /// Delete the session at Veriff (after a typed confirmation).
    DeleteSession,
    /// A new verification link (a form, then a confirmation).
    NewSession,
    /// A watchlist hit's review (the hit, its status, a confirmation).
    ReviewHit,
    Reload,
    Filter,
    Copy,
    Profiles,
    Help,
    Quit,
    Cancel,
    /// Prompt and filter: take what was typed.
    Submit,
    ScrollDetailsDown,
    ScrollDetailsUp,
    /// The sessions the selected one's decision links to.
    Linked,
    /// Poll the selected session until it is decided (toggle).
    Watch,
    /// The selected picture on the whole screen.
    Zoom,
    /// The document front beside the best face image.
    Compare,
    /// Mark or unmark the selected session for export.
    Mark,
    /// Export the marked (or the selected) sessions.
    Export,
    /// Under redaction: show the selected picture until the selection changes.
    Reveal,
    /// The message log: every error and notice in full.
    Messages,
    /// The inbox's next view (tab).
    NextView,
    PrevView,
    /// The inbox rows' next order (newest, oldest waiting, status, name).
    Sort,
    /// Claim the session in the inbox, or give up one's claim.
    Claim,
    /// The session's tag in the inbox, chosen from a menu: done, escalated,
    /// waiting on customer, none.
    Tag,
    /// A one-line note on the session in the inbox.
    Note,
    /// Back along the jump list (the sessions and views left).
    Back,
    /// Forward along the jump list, after going back.
    Forward,
    /// Copy the session's Customer Portal link.
    CopyPortalLink,
    /// Open the session's Customer Portal link in a browser (else show it).
    OpenPortalLink,
}

impl Action {
    fn parse(name: &str) -> Result<Action, String> {
        Action::deserialize(serde::de::value::StrDeserializer::<serde::de::value::Error>::new(name)).map_err(|_| {
            let mut names: Vec<String> = Vec::new();
            for (_, _, action, _, _) in DEFAULTS {
                if !names.contains(&action.name()) {
                    names.push(action.name());
                }
            }
            let near = names.iter().find(|n| edit_distance(n, name) <= 2);
            let guess = near.map(|n| format!(" (did you mean `{n}`?)")).unwrap_or_default();
            format!(
                "unknown action `{}`{guess}: the actions are {}",
                crate::text::clean_short(name, 40),
                names.join(", ")
            )
        })
    }

    /// Whether it writes to Veriff: hidden from the help and the hint bar under a
    /// read-only profile.
    pub fn writes(self) -> bool {
        matches!(self, Action::DeleteSession | Action::NewSession | Action::ReviewHit)
    }

    /// The name `[keys]` uses for it.
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut name = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                name.push('_');
            }
            name.push(c.to_ascii_lowercase());
        }
        name
    }
}

/// How many single-character edits turn `a` into `b` (Levenshtein), for guessing
/// the action a typo meant.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb)).min(row[j] + 1).min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

crate::tui::listed::listed! {
    /// Where the keys go: what the screen is doing decides what a key means.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Mode {
        Browse,
        /// Typing a session id or link.
        Prompt,
        /// Typing the filter of the focused pane.
        Filter,
        Help,
        Profiles,
        /// The linked sessions overlay.
        Linked,
        /// A picture on the whole screen, or two side by side (`[keys.closer]`).
        LookCloser,
        /// The message log.
        Messages,
        /// A question before something that cannot be undone.
        Confirm,
        /// A new verification link shown.
        Link,
        /// A choice from a list: a watchlist hit, then its match status; a tag.
        Review,
    }
}

impl Mode {
    /// The name of its `[keys.NAME]` table, and its heading in the help.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Browse => "browse",
            Mode::Prompt => "prompt",
            Mode::Filter => "filter",
            Mode::Help => "help",
            Mode::Profiles => "profiles",
            Mode::Linked => "linked",
            Mode::LookCloser => "closer",
            Mode::Messages => "messages",
            Mode::Confirm => "confirm",
            Mode::Link => "link",
            Mode::Review => "review",
        }
    }

    /// Modes where plain characters are text being typed, never commands.
    pub fn takes_text(self) -> bool {
        matches!(self, Mode::Prompt | Mode::Filter | Mode::Confirm)
    }
}

/// One key: its code and the modifiers that matter. Shift is folded into the
/// character (`G`, `?`), since terminals disagree on whether they report it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    code: KeyCode,
    ctrl: bool,
    alt: bool,
}

impl Key {
    fn from_event(event: KeyEvent) -> Key {
        let code = match event.code {
            // Some terminals send S-Tab as Tab with SHIFT.
            KeyCode::Tab if event.modifiers.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            // Ctrl with a letter arrives lower- or upper-case depending on the terminal.
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            code => code,
        };
        Key {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// The event a terminal sends for this key (for tests and replays).
    pub fn event(self) -> KeyEvent {
        let mut modifiers = KeyModifiers::NONE;
        if self.ctrl {
            modifiers |= KeyModifiers::CONTROL;
        }
        if self.alt {
            modifiers |= KeyModifiers::ALT;
        }
        KeyEvent::new(self.code, modifiers)
    }

    /// `q`, `G`, `ctrl-c`, `alt-x`, `shift-tab`, `enter`, `pagedown`, `f5`, `space`...
    pub fn parse(text: &str) -> Result<Key, String> {
        let bad = || format!("cannot read key `{}`", crate::text::clean_short(text, 40));
        let mut rest = text.trim();
        let (mut ctrl, mut alt, mut shift) = (false, false, false);
        loop {
            let lower = rest.to_ascii_lowercase();
            let prefix = ["ctrl-", "c-", "alt-", "a-", "m-", "shift-", "s-"]
                .into_iter()
                .find(|p| lower.starts_with(p) && rest.len() > p.len());
            let Some(prefix) = prefix else { break };
            match prefix {
                "ctrl-" | "c-" => ctrl = true,
                "alt-" | "a-" | "m-" => alt = true,
                _ => shift = true,
            }
            rest = &rest[prefix.len()..];
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_control() => return Err(bad()),
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "tab" if shift => KeyCode::BackTab,
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "space" => KeyCode::Char(' '),
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(bad()),
                },
                _ => return Err(bad()),
            },
        };
        let code = match code {
            KeyCode::Char(c) if shift && !ctrl => KeyCode::Char(c.to_ascii_uppercase()),
            code => code,
        };
        Ok(Key { code, ctrl, alt })
    }

    /// Whether typing it in the prompt or the filter should insert a character.
    fn is_text(self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }
}

/// How a terminal user reads a key: `q`, `C-c`, `A-x`, `S-Tab`, `PgDn`, `↓`.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("C-")?;
        }
        if self.alt {
            f.write_str("A-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::Backspace => f.write_str("BS"),
            KeyCode::Delete => f.write_str("Del"),
            KeyCode::Insert => f.write_str("Ins"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// A row of a mode's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub keys: Vec<Key>,
    pub action: Action,
    pub desc: &'static str,
    /// The word in the one-line hint bar, for the rows worth one.
    pub hint: Option<&'static str>,
}

impl Row {
    /// All its keys as the help shows them: `j ↓`.
    pub fn label(&self) -> String {
        self.keys.iter().map(Key::to_string).collect::<Vec<_>>().join(" ")
    }
}

type Default = (
    Mode,
    &'static [&'static str],
    Action,
    &'static str,
    Option<&'static str>,
);

/// The keys out of the box, mode by mode, in the order the help lists them.
#[rustfmt::skip]
const DEFAULTS: &[Default] = &[
    (Mode::Browse, &["j", "down"], Action::Down, "move down", None),
    (Mode::Browse, &["k", "up"], Action::Up, "move up", None),
    (Mode::Browse, &["ctrl-d"], Action::HalfPageDown, "half a page down", None),
    (Mode::Browse, &["ctrl-u"], Action::HalfPageUp, "half a page up", None),
    (Mode::Browse, &["pagedown", "ctrl-f"], Action::PageDown, "page down", None),
    (Mode::Browse, &["pageup", "ctrl-b"], Action::PageUp, "page up", None),
    (Mode::Browse, &["g", "home"], Action::First, "first item", None),
    (Mode::Browse, &["G", "end"], Action::Last, "last item", None),
    (Mode::Browse, &["tab", "l", "right"], Action::NextPane, "next pane", Some("pane")),
    (Mode::Browse, &["shift-tab", "h", "left"], Action::PrevPane, "previous pane", None),
    (Mode::Browse, &["enter"], Action::Enter, "drill in; open media", None),
    (Mode::Browse, &["o"], Action::Open, "open the media (saves instead without a display)", Some("open")),
    (Mode::Browse, &["s"], Action::Save, "save the media to the download dir", Some("save")),
    (Mode::Browse, &["S"], Action::SaveAll, "save every file of the attempt", Some("save all")),
    (Mode::Browse, &["a"], Action::AddSession, "add a session (paste an id or link)", Some("add")),
    (Mode::Browse, &["x"], Action::RemoveSession, "remove the session from the opened tab", None),
    (Mode::Browse, &["D"], Action::DeleteSession, "delete at Veriff, for good (its id typed first)", None),
    (Mode::Browse, &["N"], Action::NewSession, "a new verification link (a form)", None),
    (Mode::Browse, &["H"], Action::ReviewHit, "review a watchlist hit", None),
    (Mode::Browse, &["r"], Action::Reload, "reload (retry after an error)", Some("reload")),
    (Mode::Browse, &["/"], Action::Filter, "filter the pane; on an inbox view, search all", Some("filter")),
    (Mode::Browse, &["y"], Action::Copy, "copy the selected id (OSC 52)", Some("copy id")),
    (Mode::Browse, &["Y"], Action::CopyPortalLink, "copy the session's Customer Portal link", None),
    (Mode::Browse, &["O"], Action::OpenPortalLink, "open the Customer Portal link (else show it)", None),
    (Mode::Browse, &["p"], Action::Profiles, "switch config profile", Some("profile")),
    (Mode::Browse, &["J"], Action::ScrollDetailsDown, "scroll the details (card, NFC data) down", None),
    (Mode::Browse, &["K"], Action::ScrollDetailsUp, "scroll the details up", None),
    // The card says it where there are links: the hint bar is full.
    (Mode::Browse, &["L"], Action::Linked, "sessions linked by risk labels or a face match", None),
    (Mode::Browse, &["w"], Action::Watch, "watch the session until it is decided (toggle)", None),
    (Mode::Browse, &["z"], Action::Zoom, "the selected picture on the whole screen", None),
    (Mode::Browse, &["v"], Action::Compare, "document front versus the best face image", None),
    (Mode::Browse, &["X"], Action::Reveal, "show the picture hidden by --redact (until you move)", None),
    (Mode::Browse, &["m", "space"], Action::Mark, "mark or unmark a session (export, claim, tag)", None),
    (Mode::Browse, &["E"], Action::Export, "export the marked (or selected) sessions", None),
    (Mode::Browse, &["]"], Action::NextView, "inbox: the next view (tab)", None),
    (Mode::Browse, &["["], Action::PrevView, "inbox: the previous view", None),
    (Mode::Browse, &["="], Action::Sort, "inbox: next order (newest, oldest, status, name)", None),
    (Mode::Browse, &["c"], Action::Claim, "inbox: claim it (again: give it up), or the marked", None),
    (Mode::Browse, &["t"], Action::Tag, "inbox: a tag from a menu, for the marked too", None),
    (Mode::Browse, &["n"], Action::Note, "inbox: a one-line note for the team", None),
    (Mode::Browse, &["ctrl-o"], Action::Back, "back to the session or view left (jump list)", None),
    (Mode::Browse, &["ctrl-p"], Action::Forward, "forward again along the jump list", None),
    (Mode::Browse, &["esc"], Action::Cancel, "cancel a transfer or export; clear filter or search", None),
    (Mode::Browse, &["M"], Action::Messages, "every error and notice in full, the fix first", None),
    (Mode::Browse, &["?"], Action::Help, "all keys", Some("help")),
    (Mode::Browse, &["q", "ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Prompt, &["enter"], Action::Submit, "open the session", Some("open")),
    (Mode::Prompt, &["esc"], Action::Cancel, "close", Some("close")),
    (Mode::Prompt, &["tab", "down"], Action::Down, "next field (new link)", None),
    (Mode::Prompt, &["shift-tab", "up"], Action::Up, "previous field (new link)", None),
    (Mode::Prompt, &["ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Confirm, &["enter"], Action::Submit, "confirm (what it asks typed first)", Some("confirm")),
    (Mode::Confirm, &["esc"], Action::Cancel, "cancel", Some("cancel")),
    (Mode::Confirm, &["ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Link, &["esc", "enter"], Action::Cancel, "close", Some("close")),
    (Mode::Link, &["ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Review, &["j", "down"], Action::Down, "next", None),
    (Mode::Review, &["k", "up"], Action::Up, "previous", None),
    (Mode::Review, &["enter"], Action::Submit, "choose", Some("choose")),
    (Mode::Review, &["esc"], Action::Cancel, "back", Some("back")),
    (Mode::Review, &["ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Filter, &["enter"], Action::Submit, "keep the filter", Some("keep")),
    (Mode::Filter, &["esc"], Action::Cancel, "clear the filter", Some("clear")),
    (Mode::Filter, &["up"], Action::Up, "inbox search: an earlier search (kept with Enter)", None),
    (Mode::Filter, &["down"], Action::Down, "inbox search: a later search", None),
    (Mode::Filter, &["ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Help, &["j", "down"], Action::Down, "scroll down", None),
    (Mode::Help, &["k", "up"], Action::Up, "scroll up", None),
    (Mode::Help, &["pagedown", "ctrl-d", "ctrl-f", "space"], Action::PageDown, "page down", None),
    (Mode::Help, &["pageup", "ctrl-u", "ctrl-b"], Action::PageUp, "page up", None),
    (Mode::Help, &["g", "home"], Action::First, "top", None),
    (Mode::Help, &["G", "end"], Action::Last, "bottom", None),
    (Mode::Help, &["esc", "?"], Action::Cancel, "close", Some("close")),
    (Mode::Help, &["q", "ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Profiles, &["j", "down"], Action::Down, "next profile", None),
    (Mode::Profiles, &["k", "up"], Action::Up, "previous profile", None),
    (Mode::Profiles, &["enter"], Action::Submit, "switch to it", Some("switch")),
    (Mode::Profiles, &["esc", "p"], Action::Cancel, "close", Some("close")),
    (Mode::Profiles, &["q", "ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Linked, &["j", "down"], Action::Down, "next session", None),
    (Mode::Linked, &["k", "up"], Action::Up, "previous session", None),
    (Mode::Linked, &["enter"], Action::Submit, "open it", Some("open")),
    (Mode::Linked, &["v"], Action::Compare, "its face beside this session's", Some("faces")),
    (Mode::Linked, &["esc", "L"], Action::Cancel, "close", Some("close")),
    (Mode::Linked, &["q", "ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::LookCloser, &["j", "down"], Action::Down, "next picture (whole screen)", None),
    (Mode::LookCloser, &["k", "up"], Action::Up, "previous picture (whole screen)", None),
    (Mode::LookCloser, &["X"], Action::Reveal, "show the pictures hidden by redaction", None),
    (Mode::LookCloser, &["esc", "z", "v"], Action::Cancel, "back", Some("back")),
    (Mode::LookCloser, &["q", "ctrl-c"], Action::Quit, "quit", Some("quit")),
    (Mode::Messages, &["j", "down"], Action::Down, "scroll down", None),
    (Mode::Messages, &["k", "up"], Action::Up, "scroll up", None),
    (Mode::Messages, &["pagedown", "ctrl-d", "ctrl-f", "space"], Action::PageDown, "page down", None),
    (Mode::Messages, &["pageup", "ctrl-u", "ctrl-b"], Action::PageUp, "page up", None),
    (Mode::Messages, &["g", "home"], Action::First, "newest", None),
    (Mode::Messages, &["esc", "M"], Action::Cancel, "close", Some("close")),
    (Mode::Messages, &["q", "ctrl-c"], Action::Quit, "quit", Some("quit")),
];

/// Every mode's table.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    tables: BTreeMap<Mode, Vec<Row>>,
    /// What the user's `[keys]` did not do as written, and why: shown in `?`.
    notes: Vec<String>,
}

/// How keys are written, for a refusal that cannot read one.
const KEY_EXAMPLES: &str = "q, G, ctrl-c, alt-x, shift-tab, enter, esc, space, pagedown, f5";

impl Keymap {
    /// The keys out of the box.
    pub fn defaults() -> Keymap {
        let mut tables: BTreeMap<Mode, Vec<Row>> = BTreeMap::new();
        for (mode, keys, action, desc, hint) in DEFAULTS {
            let keys = keys
                .iter()
                .map(|k| Key::parse(k).expect("the default keys parse"))
                .collect();
            tables.entry(*mode).or_default().push(Row {
                keys,
                action: *action,
                desc,
                hint: *hint,
            });
        }
        Keymap {
            tables,
            notes: Vec::new(),
        }
    }

    /// The defaults with a user's `[keys]` applied: `action = [keys]` rebinds the
    /// action in every mode that has it, `[keys.MODE]` in that mode only.
    ///
    /// It forgives what it can, and says so in `?`: in the prompt and the filter a
    /// plain character types itself, so an all-modes rebinding that leaves an
    /// action only such keys there keeps that mode's own keys; a key the user
    /// gives one action is taken from the default of another; `ctrl-c` quits
    /// wherever the user has not bound it to something else. Refused, with the
    /// reason and the fix, for an unknown action or mode, an unreadable key, an
    /// action left without keys, or one key the user gave two actions in a mode.
    pub fn with_overrides(overrides: &KeyOverrides) -> Result<Keymap, String> {
        let mut keymap = Keymap::defaults();
        // The rows whose keys the user wrote.
        let mut chosen: Vec<(Mode, Action)> = Vec::new();
        let mut rebind = |keymap: &mut Keymap, mode: Option<Mode>, name: &str, keys: &[String]| {
            let action = Action::parse(name)?;
            let parsed = keys
                .iter()
                .map(|k| Key::parse(k).map_err(|e| format!("{e}: write keys like {KEY_EXAMPLES}")))
                .collect::<Result<Vec<_>, _>>()?;
            if parsed.is_empty() {
                return Err(format!(
                    "`{name}` has no key: give it at least one, or leave it out to keep its default"
                ));
            }
            let mut found = false;
            for (table_mode, rows) in keymap.tables.iter_mut() {
                if mode.is_some_and(|m| m != *table_mode) {
                    continue;
                }
                for row in rows.iter_mut().filter(|r| r.action == action) {
                    found = true;
                    // Where characters are typed, a plain character cannot be a command.
                    let (typed, kept): (Vec<Key>, Vec<Key>) =
                        parsed.iter().partition(|k| table_mode.takes_text() && k.is_text());
                    let typed = typed.iter().map(Key::to_string).collect::<Vec<_>>().join(" ");
                    if kept.is_empty() && mode.is_none() {
                        keymap.notes.push(format!(
                            "{}: {name} keeps {} ({typed} types itself there)",
                            table_mode.name(),
                            row.label()
                        ));
                        continue;
                    }
                    if kept.is_empty() {
                        return Err(format!(
                            "`{name}` would have no key left in {mode} mode, where a plain character types \
                             itself: give it a key like ctrl-x, alt-x or f2 in [keys.{mode}]",
                            mode = table_mode.name()
                        ));
                    }
                    if !typed.is_empty() {
                        keymap
                            .notes
                            .push(format!("{}: {typed} types itself, not {name}", table_mode.name()));
                    }
                    row.keys = kept;
                    chosen.push((*table_mode, action));
                }
            }
            if !found {
                let place = mode.map_or("any mode".to_owned(), |m| format!("{} mode", m.name()));
                let actions: Vec<String> = match mode {
                    Some(m) => keymap.rows(m).iter().map(|r| r.action.name()).collect(),
                    None => Vec::new(),
                };
                let fix = if actions.is_empty() {
                    String::new()
                } else {
                    format!(": its actions are {}", actions.join(", "))
                };
                return Err(format!("`{name}` is not an action of {place}{fix}"));
            }
            Ok(())
        };
        for (name, keys) in &overrides.all_modes {
            rebind(&mut keymap, None, name, keys).map_err(|e| format!("[keys] {e}"))?;
        }
        for (mode_name, table) in &overrides.per_mode {
            let mode = Mode::ALL.into_iter().find(|m| m.name() == mode_name);
            // Said back to a terminal: what the file says is cleaned first.
            let mode_name = crate::text::clean_short(mode_name, 40);
            let mode = mode.ok_or_else(|| {
                let modes: Vec<&str> = Mode::ALL.iter().map(|m| m.name()).collect();
                format!("[keys.{mode_name}]: unknown mode (modes: {})", modes.join(", "))
            })?;
            for (name, keys) in table {
                rebind(&mut keymap, Some(mode), name, keys).map_err(|e| format!("[keys.{mode_name}] {e}"))?;
            }
        }
        keymap.keep_ctrl_c_quitting(&chosen);
        keymap.give_chosen_keys_way(&chosen)?;
        keymap.check_conflicts()?;
        Ok(keymap)
    }

    /// A rebound `quit` keeps `ctrl-c` in every mode where the user bound it to
    /// nothing else: the key everyone tries first must not silently stop working.
    fn keep_ctrl_c_quitting(&mut self, chosen: &[(Mode, Action)]) {
        let ctrl_c = Key::parse("ctrl-c").expect("ctrl-c parses");
        let mut kept = Vec::new();
        for (mode, rows) in self.tables.iter_mut() {
            let taken = rows
                .iter()
                .any(|r| r.keys.contains(&ctrl_c) && chosen.contains(&(*mode, r.action)) && r.action != Action::Quit);
            if taken || !chosen.contains(&(*mode, Action::Quit)) {
                continue;
            }
            if let Some(quit) = rows.iter_mut().find(|r| r.action == Action::Quit)
                && !quit.keys.contains(&ctrl_c)
            {
                quit.keys.push(ctrl_c);
                kept.push(mode.name());
            }
        }
        if !kept.is_empty() {
            // A few modes a line: the help's box is 70 columns wide.
            for modes in kept.chunks(4) {
                self.notes.push(format!("{}: C-c still quits", modes.join(", ")));
            }
            self.notes
                .push("  (bind ctrl-c to another action to take it from quit)".to_owned());
        }
    }

    /// A key the user gave one action is taken from the default keys of another
    /// in that mode; an action left with no key at all is refused, with the fix.
    fn give_chosen_keys_way(&mut self, chosen: &[(Mode, Action)]) -> Result<(), String> {
        for (mode, rows) in self.tables.iter_mut() {
            let wanted: Vec<(Key, Action)> = rows
                .iter()
                .filter(|r| chosen.contains(&(*mode, r.action)))
                .flat_map(|r| r.keys.iter().map(move |k| (*k, r.action)))
                .collect();
            for row in rows.iter_mut().filter(|r| !chosen.contains(&(*mode, r.action))) {
                let before = row.keys.len();
                let taken: Vec<String> = wanted
                    .iter()
                    .filter(|(k, _)| row.keys.contains(k))
                    .map(|(k, by)| format!("{k} to {}", by.name()))
                    .collect();
                row.keys.retain(|k| !wanted.iter().any(|(w, _)| w == k));
                if row.keys.is_empty() && before > 0 {
                    return Err(format!(
                        "[keys] giving {} leaves {} without a key in {mode} mode: give it another, e.g. \
                         [keys.{mode}] {} = [\"f2\"]",
                        taken.join(", "),
                        row.action.name(),
                        row.action.name(),
                        mode = mode.name()
                    ));
                }
            }
        }
        Ok(())
    }

    /// What `[keys]` did differently from what it says, for `?`.
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    fn check_conflicts(&self) -> Result<(), String> {
        for (mode, rows) in &self.tables {
            for (i, a) in rows.iter().enumerate() {
                for b in &rows[i + 1..] {
                    if let Some(key) = a.keys.iter().find(|k| b.keys.contains(k)) {
                        return Err(format!(
                            "[keys] `{key}` is bound to both {} and {} in {mode} mode: give one of them \
                             another key (in [keys] or [keys.{mode}])",
                            a.action.name(),
                            b.action.name(),
                            mode = mode.name()
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn rows(&self, mode: Mode) -> &[Row] {
        self.tables.get(&mode).map(Vec::as_slice).unwrap_or_default()
    }

    /// What `event` does in `mode`.
    pub fn action(&self, mode: Mode, event: KeyEvent) -> Option<Action> {
        let key = Key::from_event(event);
        self.rows(mode).iter().find(|r| r.keys.contains(&key)).map(|r| r.action)
    }

    /// The first key of `action` in `mode`, as status texts name it (`r retries`).
    pub fn label(&self, mode: Mode, action: Action) -> String {
        self.rows(mode)
            .iter()
            .find(|r| r.action == action)
            .and_then(|r| r.keys.first())
            .map_or_else(|| action.name(), Key::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    fn overrides(text: &str) -> KeyOverrides {
        let table: toml::Table = toml::from_str(text).unwrap();
        KeyOverrides::from_table(&table["keys"]).unwrap()
    }

    #[test]
    fn keys_read_as_written_and_label_as_terminals_show_them() {
        for (written, label) in [
            ("q", "q"),
            ("G", "G"),
            ("ctrl-c", "C-c"),
            ("C-x", "C-x"),
            ("alt-x", "A-x"),
            ("shift-tab", "S-Tab"),
            ("pagedown", "PgDn"),
            ("PgUp", "PgUp"),
            ("down", "↓"),
            ("enter", "Enter"),
            ("space", "Space"),
            ("f5", "F5"),
            ("?", "?"),
            ("/", "/"),
            ("shift-g", "G"),
        ] {
            assert_eq!(Key::parse(written).unwrap().to_string(), label, "{written}");
        }
        for bad in ["", "ctrl-", "qq", "f13", "hyper-x"] {
            assert!(Key::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_default_key_reaches_its_action_whatever_the_terminal_says_of_shift() {
        let keymap = Keymap::defaults();
        let cases = [
            (key(KeyCode::Char('j'), KeyModifiers::NONE), Action::Down),
            (key(KeyCode::Down, KeyModifiers::NONE), Action::Down),
            (key(KeyCode::Char('G'), KeyModifiers::SHIFT), Action::Last),
            (key(KeyCode::Char('G'), KeyModifiers::NONE), Action::Last),
            (key(KeyCode::BackTab, KeyModifiers::SHIFT), Action::PrevPane),
            (key(KeyCode::Tab, KeyModifiers::SHIFT), Action::PrevPane),
            (key(KeyCode::Char('S'), KeyModifiers::SHIFT), Action::SaveAll),
            (key(KeyCode::Char('c'), KeyModifiers::CONTROL), Action::Quit),
            (
                key(KeyCode::Char('C'), KeyModifiers::CONTROL | KeyModifiers::SHIFT),
                Action::Quit,
            ),
            (key(KeyCode::Char('d'), KeyModifiers::CONTROL), Action::HalfPageDown),
            (key(KeyCode::Char('?'), KeyModifiers::SHIFT), Action::Help),
        ];
        for (event, action) in cases {
            assert_eq!(keymap.action(Mode::Browse, event), Some(action), "{event:?}");
        }
        // Ctrl-C's letter alone is another key.
        assert_eq!(
            keymap.action(Mode::Browse, key(KeyCode::Char('c'), KeyModifiers::NONE)),
            Some(Action::Claim)
        );
        assert_eq!(
            keymap.action(Mode::Browse, key(KeyCode::Char('j'), KeyModifiers::CONTROL)),
            None
        );
        // In the prompt, letters are text.
        assert_eq!(
            keymap.action(Mode::Prompt, key(KeyCode::Char('q'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(keymap.label(Mode::Browse, Action::Reload), "r");
    }

    #[test]
    fn the_defaults_bind_no_key_twice_in_a_mode() {
        Keymap::defaults().check_conflicts().unwrap();
    }

    #[test]
    fn overrides_rebind_an_action_in_every_mode_that_has_it() {
        let keymap = Keymap::with_overrides(&overrides("[keys]\nquit = [\"Q\", \"ctrl-q\"]\n")).unwrap();
        let quit = |mode, code, mods| keymap.action(mode, key(code, mods)) == Some(Action::Quit);
        assert!(quit(Mode::Browse, KeyCode::Char('Q'), KeyModifiers::SHIFT));
        assert!(quit(Mode::Help, KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert!(
            !quit(Mode::Browse, KeyCode::Char('q'), KeyModifiers::NONE),
            "q is free again"
        );
        // In the prompt the plain Q stays text; C-q quits.
        assert!(!quit(Mode::Prompt, KeyCode::Char('Q'), KeyModifiers::SHIFT));
        assert!(quit(Mode::Prompt, KeyCode::Char('q'), KeyModifiers::CONTROL));
        assert_eq!(keymap.label(Mode::Browse, Action::Quit), "Q");
    }

    #[test]
    fn a_mode_table_rebinds_in_that_mode_only() {
        let keymap = Keymap::with_overrides(&overrides("[keys.help]\ndown = [\"n\"]\n")).unwrap();
        assert_eq!(
            keymap.action(Mode::Help, key(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
        assert_eq!(
            keymap.action(Mode::Browse, key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
    }

    #[test]
    fn every_refusal_says_what_is_wrong_and_how_to_fix_it() {
        let err = |text: &str| Keymap::with_overrides(&overrides(text)).unwrap_err();
        let unknown = err("[keys]\nqiut = [\"q\"]\n");
        assert!(
            unknown.starts_with("[keys] unknown action `qiut` (did you mean `quit`?): the actions are down, up,"),
            "{unknown}"
        );
        assert_eq!(
            err("[keys]\nsave = [\"ctrl-\"]\n"),
            "[keys] cannot read key `ctrl-`: write keys like q, G, ctrl-c, alt-x, shift-tab, enter, esc, space, \
             pagedown, f5"
        );
        assert_eq!(
            err("[keys]\nsave = [\"q\"]\nquit = [\"q\"]\n"),
            "[keys] `q` is bound to both save and quit in browse mode: give one of them another key (in [keys] \
             or [keys.browse])"
        );
        assert_eq!(
            err("[keys.prompt]\nsave = [\"s\"]\n"),
            "[keys.prompt] `save` is not an action of prompt mode: its actions are submit, cancel, down, up, quit"
        );
        assert!(err("[keys.nowhere]\nsave = [\"s\"]\n").contains("unknown mode (modes: browse, prompt,"));
        assert_eq!(
            err("[keys.prompt]\nsubmit = [\"x\"]\n"),
            "[keys.prompt] `submit` would have no key left in prompt mode, where a plain character types itself: \
             give it a key like ctrl-x, alt-x or f2 in [keys.prompt]"
        );
        assert_eq!(
            err("[keys]\nsave = []\n"),
            "[keys] `save` has no key: give it at least one, or leave it out to keep its default"
        );
        assert_eq!(
            err("[keys]\nsave = [\"enter\"]\n"),
            "[keys] giving Enter to save leaves enter without a key in browse mode: give it another, e.g. \
             [keys.browse] enter = [\"f2\"]"
        );
    }

    /// `quit = ["Q"]` (or `["q", "Q"]`) refused to start ("no key left in prompt
    /// mode"), and any `quit` rebinding silently stopped Ctrl-C from quitting.
    #[test]
    fn a_rebound_quit_starts_keeps_ctrl_c_and_leaves_typing_modes_their_keys() {
        let quits = |keymap: &Keymap, mode, code, mods| keymap.action(mode, key(code, mods)) == Some(Action::Quit);
        for text in ["[keys]\nquit = [\"Q\"]\n", "[keys]\nquit = [\"q\", \"Q\"]\n"] {
            let keymap = Keymap::with_overrides(&overrides(text)).unwrap();
            for mode in Mode::ALL {
                assert!(
                    quits(&keymap, mode, KeyCode::Char('c'), KeyModifiers::CONTROL),
                    "{text}: C-c does not quit in {mode:?}"
                );
            }
            assert!(quits(&keymap, Mode::Browse, KeyCode::Char('Q'), KeyModifiers::SHIFT));
            assert!(
                !quits(&keymap, Mode::Prompt, KeyCode::Char('Q'), KeyModifiers::SHIFT),
                "Q types itself in the prompt"
            );
            let notes = keymap.notes().join("\n");
            assert!(notes.contains("prompt: quit keeps C-c"), "{notes}");
            assert!(notes.contains("filter: quit keeps C-c"), "{notes}");
            assert!(notes.contains("C-c still quits"), "{notes}");
        }
        // An all-modes submit of a letter: the prompt and the filter keep Enter.
        let keymap = Keymap::with_overrides(&overrides("[keys]\nsubmit = [\"x\"]\n")).unwrap();
        assert_eq!(
            keymap.action(Mode::Prompt, key(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Action::Submit)
        );
        assert_eq!(
            keymap.action(Mode::Linked, key(KeyCode::Char('x'), KeyModifiers::NONE)),
            Some(Action::Submit)
        );
    }

    #[test]
    fn ctrl_c_bound_to_another_action_is_that_actions_key() {
        let keymap = Keymap::with_overrides(&overrides("[keys]\ncopy = [\"ctrl-c\"]\n")).unwrap();
        let ctrl_c = key(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(keymap.action(Mode::Browse, ctrl_c), Some(Action::Copy));
        assert_eq!(
            keymap.action(Mode::Browse, key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Quit)
        );
        // Where copy is no action, C-c still quits.
        assert_eq!(keymap.action(Mode::Prompt, ctrl_c), Some(Action::Quit));

        let keymap = Keymap::with_overrides(&overrides("[keys]\nquit = [\"Q\"]\ncopy = [\"ctrl-c\"]\n")).unwrap();
        assert_eq!(keymap.action(Mode::Browse, ctrl_c), Some(Action::Copy));
        assert_eq!(keymap.action(Mode::Help, ctrl_c), Some(Action::Quit));
        // The user's key for one action is taken from another's defaults.
        let keymap = Keymap::with_overrides(&overrides("[keys]\nsave = [\"q\"]\n")).unwrap();
        assert_eq!(
            keymap.action(Mode::Browse, key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Save)
        );
        assert_eq!(keymap.action(Mode::Browse, ctrl_c), Some(Action::Quit));
    }

    /// `[keys."\u001b]2;X\u0007"]` retitled the terminal that printed the refusal.
    #[test]
    fn a_refusal_never_says_back_control_characters_from_the_file() {
        let hostile = [
            "[keys.\"\\u001b]2;X\\u0007\"]\nsave = [\"s\"]\n",
            "[keys]\n\"\\u001b]2;X\\u0007\" = [\"s\"]\n",
            "[keys]\nsave = [\"\\u001b\"]\n",
            "[keys]\n\"\\u001b]2;X\\u0007\" = 5\n",
        ];
        for text in hostile {
            let refusal = match KeyOverrides::from_table(&toml::from_str::<toml::Table>(text).unwrap()["keys"]) {
                Ok(overrides) => Keymap::with_overrides(&overrides).unwrap_err(),
                Err(e) => e,
            };
            assert!(!refusal.chars().any(char::is_control), "{refusal:?}");
            assert!(refusal.starts_with("[keys"), "{refusal:?}");
        }
    }

    /// `config init` writes a `[keys]` sample: uncommented, it is accepted and does
    /// what it says.
    #[cfg(unix)]
    #[test]
    fn the_keys_sample_config_init_writes_works_once_uncommented() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        crate::config::write_template(&path).unwrap();
        let written = std::fs::read_to_string(&path).unwrap();
        let sample: String = written
            .lines()
            .skip_while(|l| *l != "# [keys]")
            .map(|l| format!("{}\n", l.trim_start_matches("# ")))
            .collect();
        assert!(sample.starts_with("[keys]\nquit = "), "no [keys] sample in:\n{written}");
        let keymap = Keymap::with_overrides(&overrides(&sample)).unwrap();
        let ctrl = |c| key(KeyCode::Char(c), KeyModifiers::CONTROL);
        assert_eq!(keymap.action(Mode::Browse, ctrl('q')), Some(Action::Quit));
        assert_eq!(keymap.action(Mode::Browse, ctrl('s')), Some(Action::Save));
        assert_eq!(keymap.action(Mode::Browse, ctrl('c')), Some(Action::Quit));
        assert_eq!(
            keymap.action(Mode::Help, key(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Action::Down)
        );
    }
}

/// The guides' tables of browsing keys are written by hand, with more to say than
/// a keymap row: this keeps them true to the keymap, both ways. The browser's keys
/// are in docs/triage.md, the inbox's and the team's in docs/inbox.md; together
/// they are every key of browsing.
#[cfg(test)]
mod guides {
    use super::*;

    /// The guides that hold a `| keys | what they do |` table, and their text.
    const KEY_TABLES: [(&str, &str); 2] = [
        ("docs/triage.md", include_str!("../../docs/triage.md")),
        ("docs/inbox.md", include_str!("../../docs/inbox.md")),
    ];

    /// The keys of each guide's `| keys | what they do |` tables, as written.
    fn written_keys() -> Vec<String> {
        KEY_TABLES
            .iter()
            .flat_map(|(path, text)| {
                let tables: Vec<&str> = text.split("| keys | what they do |").skip(1).collect();
                assert!(!tables.is_empty(), "{path} has lost its key table");
                tables
            })
            .flat_map(|table| {
                table
                    .lines()
                    .skip(2)
                    .take_while(|line| line.starts_with('|'))
                    .flat_map(|line| {
                        let keys = line.split('|').nth(1).unwrap_or_default();
                        keys.split('`')
                            .skip(1)
                            .step_by(2)
                            .map(str::to_owned)
                            .collect::<Vec<_>>()
                    })
            })
            .collect()
    }

    fn parse(written: &str) -> Key {
        let named = match written {
            "↓" => "down",
            "↑" => "up",
            "→" => "right",
            "←" => "left",
            other => other,
        };
        Key::parse(named).unwrap_or_else(|e| panic!("a guide's key table: {e}"))
    }

    #[test]
    fn the_guides_key_tables_say_what_the_keymap_binds_and_nothing_else() {
        let written: Vec<Key> = written_keys().iter().map(|k| parse(k)).collect();
        assert!(written.len() > 20, "the tables were found: {written:?}");
        let browse: Vec<(Action, Vec<Key>)> = DEFAULTS
            .iter()
            .filter(|(mode, ..)| *mode == Mode::Browse)
            .map(|(_, keys, action, ..)| (*action, keys.iter().map(|k| Key::parse(k).unwrap()).collect()))
            .collect();
        for key in &written {
            assert!(
                browse.iter().any(|(_, keys)| keys.contains(key)),
                "a key table in docs/ lists {key:?}, which browsing does not bind"
            );
        }
        for (action, keys) in &browse {
            assert!(
                keys.iter().any(|k| written.contains(k)),
                "{} ({keys:?}) is bound but missing from the key tables of docs/triage.md and docs/inbox.md",
                action.name()
            );
        }
    }

    /// The backticked words of the paragraph of `guide` that starts with `label`.
    fn listed(guide: &str, label: &str) -> Vec<String> {
        let start = guide
            .find(&format!("\n{label}"))
            .unwrap_or_else(|| panic!("docs/configuration.md has lost its `{label}` list"));
        let paragraph = guide[start + 1..].split("\n\n").next().unwrap_or_default();
        paragraph.split('`').skip(1).step_by(2).map(str::to_owned).collect()
    }

    /// `[keys]` takes action and mode names: configuration.md lists every one the
    /// keymap knows, and no other, so a name read there works in the config file.
    #[test]
    fn the_configuration_guide_names_every_action_and_mode_of_keys() {
        let guide = include_str!("../../docs/configuration.md");
        let mut actions: Vec<String> = DEFAULTS.iter().map(|(_, _, action, ..)| action.name()).collect();
        actions.sort();
        actions.dedup();
        let mut written = listed(guide, "Actions:");
        written.sort();
        assert_eq!(
            written, actions,
            "docs/configuration.md's `Actions:` should list exactly these"
        );
        let mut modes: Vec<String> = Mode::ALL.iter().map(|m| m.name().to_owned()).collect();
        modes.sort();
        let mut written = listed(guide, "Modes:");
        written.sort();
        assert_eq!(
            written, modes,
            "docs/configuration.md's `Modes:` should list exactly these"
        );
    }
}
