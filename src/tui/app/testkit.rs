//! The one test kit of the browser's pure half: keys, sample data, and a fake
//! effects loop that answers loads the way a test's server would.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::{Cmd, Failure, Model, Msg, Payload, Req, ReqId, update};
use crate::api::{Attempt, MediaList};

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Types `keys`, one character each, and returns every command they asked for.
pub fn press(model: &mut Model, keys: &str) -> Vec<Cmd> {
    keys.chars()
        .flat_map(|c| update(model, key(KeyCode::Char(c))))
        .collect()
}

/// One key that is not a character (Enter, Esc, arrows).
pub fn press_code(model: &mut Model, code: KeyCode) -> Vec<Cmd> {
    update(model, key(code))
}

/// The effects' answer to a switch to profile `live` at `live.example`.
pub fn switched_to_live() -> Msg {
    Msg::ProfileSwitched {
        profile: "live".into(),
        result: Ok(super::Switched {
            host: "live.example".into(),
            read_only: false,
            portal_url: "https://portal.live.example/sessions/".into(),
            searches: vec!["status:declined".into()],
        }),
    }
}

/// What the status line says now ("" when nothing).
pub fn said(model: &Model) -> &str {
    model.status.as_ref().map_or("", |s| s.text.as_str())
}

pub fn attempt(id: &str, status: &str) -> Attempt {
    serde_json::from_value(serde_json::json!({"id": id, "status": status, "createdTime": "2026-11-20T10:42:05.000Z"}))
        .unwrap()
}

/// Images with these contexts (ids `m-CONTEXT-INDEX`).
pub fn media_list(contexts: &[&str]) -> MediaList {
    let images: Vec<_> = contexts
        .iter()
        .enumerate()
        .map(|(i, c)| serde_json::json!({"id": format!("m-{c}-{i}"), "context": c, "size": 100 + i, "mimetype": "image/jpeg"}))
        .collect();
    serde_json::from_value(serde_json::json!({"status": "success", "images": images})).unwrap()
}

/// The loads among `cmds`: id, what it asks for, whether in the background.
pub fn loads(cmds: &[Cmd]) -> Vec<(ReqId, &Req, bool)> {
    cmds.iter()
        .filter_map(|c| match c {
            Cmd::Load { id, req, background } => Some((*id, req, *background)),
            _ => None,
        })
        .collect()
}

/// The id of the load of `req` among `cmds`; panics if it was not asked for.
pub fn req_of(cmds: &[Cmd], req: &Req) -> ReqId {
    loads(cmds)
        .into_iter()
        .find_map(|(id, r, _)| (r == req).then_some(id))
        .unwrap_or_else(|| panic!("no load of {req:?} in {cmds:?}"))
}

/// Answers the load of `req` among `cmds` with `result`.
pub fn reply(model: &mut Model, cmds: &[Cmd], req: Req, result: Result<Payload, Failure>) -> Vec<Cmd> {
    let id = req_of(cmds, &req);
    update(model, Msg::Loaded { id, req, result })
}

/// A fake effects loop: answers every load in `cmds` with what `server` says
/// (`None`: left unanswered), then the loads those replies ask for, until none
/// is left. Other commands are dropped.
pub fn answer(model: &mut Model, mut cmds: Vec<Cmd>, mut server: impl FnMut(&Req) -> Option<Result<Payload, Failure>>) {
    for _ in 0..20 {
        let mut next = Vec::new();
        for cmd in cmds {
            if let Cmd::Load { id, req, .. } = cmd
                && let Some(result) = server(&req)
            {
                next.extend(update(model, Msg::Loaded { id, req, result }));
            }
        }
        if next.is_empty() {
            return;
        }
        cmds = next;
    }
    panic!("the loads never settled: each reply asked for more");
}
