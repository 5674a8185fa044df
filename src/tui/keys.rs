//! The one key table: `update` looks actions up here and the help overlay and hint
//! bar are generated from it, so what the help says is what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Down,
    Up,
    First,
    Last,
    PageDown,
    PageUp,
    NextPane,
    PrevPane,
    Enter,
    Open,
    Save,
    SaveAll,
    AddSession,
    RemoveSession,
    Reload,
    Filter,
    Copy,
    Mark,
    Export,
    Profiles,
    Help,
    Quit,
    Cancel,
}

pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in the help and the hint bar.
    pub label: &'static str,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the one-line hint bar (the rest only in `?`).
    pub hint: Option<&'static str>,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[(KeyCode::Char('j'), NONE), (KeyCode::Down, NONE)],
        label: "j ↓",
        action: Action::Down,
        help: "move down",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Char('k'), NONE), (KeyCode::Up, NONE)],
        label: "k ↑",
        action: Action::Up,
        help: "move up",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        label: "g Home",
        action: Action::First,
        help: "first item",
        hint: None,
    },
    Binding {
        keys: &[
            (KeyCode::Char('G'), SHIFT),
            (KeyCode::Char('G'), NONE),
            (KeyCode::End, NONE),
        ],
        label: "G End",
        action: Action::Last,
        help: "last item",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::PageDown, NONE), (KeyCode::Char('f'), CTRL)],
        label: "PgDn",
        action: Action::PageDown,
        help: "page down",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::PageUp, NONE), (KeyCode::Char('b'), CTRL)],
        label: "PgUp",
        action: Action::PageUp,
        help: "page up",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Tab, NONE), (KeyCode::Char('l'), NONE), (KeyCode::Right, NONE)],
        label: "Tab l →",
        action: Action::NextPane,
        help: "next pane",
        hint: Some("pane"),
    },
    Binding {
        keys: &[
            (KeyCode::BackTab, SHIFT),
            (KeyCode::BackTab, NONE),
            (KeyCode::Char('h'), NONE),
            (KeyCode::Left, NONE),
        ],
        label: "S-Tab h ←",
        action: Action::PrevPane,
        help: "previous pane",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Enter, NONE)],
        label: "Enter",
        action: Action::Enter,
        help: "drill in; open media",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Char('o'), NONE)],
        label: "o",
        action: Action::Open,
        help: "open the media (saves instead without a display)",
        hint: Some("open"),
    },
    Binding {
        keys: &[(KeyCode::Char('s'), NONE)],
        label: "s",
        action: Action::Save,
        help: "save the media to the download dir",
        hint: Some("save"),
    },
    Binding {
        keys: &[(KeyCode::Char('S'), SHIFT), (KeyCode::Char('S'), NONE)],
        label: "S",
        action: Action::SaveAll,
        help: "save every file of the attempt",
        hint: Some("save all"),
    },
    Binding {
        keys: &[(KeyCode::Char('a'), NONE)],
        label: "a",
        action: Action::AddSession,
        help: "add a session (paste an id or link)",
        hint: Some("add"),
    },
    Binding {
        keys: &[(KeyCode::Char('x'), NONE)],
        label: "x",
        action: Action::RemoveSession,
        help: "remove the session from the list",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Char('r'), NONE)],
        label: "r",
        action: Action::Reload,
        help: "reload (retry after an error)",
        hint: Some("reload"),
    },
    Binding {
        keys: &[(KeyCode::Char('/'), NONE)],
        label: "/",
        action: Action::Filter,
        help: "filter media by context",
        hint: Some("filter"),
    },
    Binding {
        keys: &[(KeyCode::Char('y'), NONE)],
        label: "y",
        action: Action::Copy,
        help: "copy the selected id (OSC 52)",
        hint: Some("copy id"),
    },
    Binding {
        keys: &[(KeyCode::Char('m'), NONE), (KeyCode::Char(' '), NONE)],
        label: "m Space",
        action: Action::Mark,
        help: "mark or unmark a session for export",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Char('E'), SHIFT), (KeyCode::Char('E'), NONE)],
        label: "E",
        action: Action::Export,
        help: "export the marked (or selected) sessions",
        hint: None,
    },
    Binding {
        keys: &[(KeyCode::Char('p'), NONE)],
        label: "p",
        action: Action::Profiles,
        help: "switch config profile",
        hint: Some("profile"),
    },
    Binding {
        keys: &[(KeyCode::Char('?'), NONE), (KeyCode::Char('?'), SHIFT)],
        label: "?",
        action: Action::Help,
        help: "this help",
        hint: Some("help"),
    },
    Binding {
        keys: &[(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        label: "q C-c",
        action: Action::Quit,
        help: "quit",
        hint: Some("quit"),
    },
    Binding {
        keys: &[(KeyCode::Esc, NONE)],
        label: "Esc",
        action: Action::Cancel,
        help: "close overlay or prompt; cancel a transfer",
        hint: None,
    },
];

/// The action bound to `key`, if any.
pub fn action_for(key: KeyEvent) -> Option<Action> {
    // Terminals disagree on whether an upper-case letter carries SHIFT.
    let mods = key.modifiers - KeyModifiers::SHIFT;
    BINDINGS.iter().find_map(|b| {
        b.keys
            .iter()
            .any(|(code, m)| *code == key.code && (*m - KeyModifiers::SHIFT) == mods)
            .then_some(b.action)
    })
}

/// The first key of an action's binding, as written in the help.
pub fn label_of(action: Action) -> &'static str {
    BINDINGS
        .iter()
        .find(|b| b.action == action)
        .map(|b| b.label)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn every_documented_key_reaches_its_action() {
        let cases = [
            (key(KeyCode::Char('j'), NONE), Action::Down),
            (key(KeyCode::Down, NONE), Action::Down),
            (key(KeyCode::Char('G'), SHIFT), Action::Last),
            (key(KeyCode::Char('G'), NONE), Action::Last),
            (key(KeyCode::BackTab, SHIFT), Action::PrevPane),
            (key(KeyCode::Char('S'), SHIFT), Action::SaveAll),
            (key(KeyCode::Char('s'), NONE), Action::Save),
            (key(KeyCode::Char('c'), CTRL), Action::Quit),
            (key(KeyCode::Char('?'), SHIFT), Action::Help),
            (key(KeyCode::Esc, NONE), Action::Cancel),
            (key(KeyCode::Char(' '), NONE), Action::Mark),
            (key(KeyCode::Char('E'), SHIFT), Action::Export),
        ];
        for (key, action) in cases {
            assert_eq!(action_for(key), Some(action), "{key:?}");
        }
        assert_eq!(action_for(key(KeyCode::Char('c'), NONE)), None);
        assert_eq!(action_for(key(KeyCode::Char('j'), CTRL)), None);
    }

    #[test]
    fn actions_are_bound_once() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                assert_ne!(a.action, b.action);
                for k in a.keys {
                    assert!(!b.keys.contains(k), "{k:?} is bound twice");
                }
            }
        }
    }
}
