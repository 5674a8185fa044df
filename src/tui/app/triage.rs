//! The triage parts of `update`: the card's data (person, watchlist), linked
//! sessions, watching a session until it is decided, NFC documents and the
//! look-closer overlays. Pure like the rest of `update`.

use std::time::Duration;

use crossterm::event::KeyEvent;

use super::input::move_cursor;
use super::model::{MediaView, Model, Overlay, Pane, Status, Watch};
use super::msg::{Cmd, Load, PreviewKey, Req};
use crate::api::{Decision, Media, MediaKind};
use crate::ids::{MediaId, SessionId};
use crate::tui::keymap::Action;
use crate::tui::layout;

/// How often a watched session is polled unless `--watch` says otherwise.
pub(super) const DEFAULT_WATCH: Duration = Duration::from_secs(30);

/// Statuses after which a session no longer changes (a resubmission does: the same
/// session is used again).
fn is_final(status: &str) -> bool {
    matches!(status, "approved" | "declined" | "expired" | "abandoned")
}

/// One picture of a look-closer overlay: what it shows, and its preview.
pub struct Closer<'a> {
    pub title: String,
    pub media: Option<&'a Media>,
    pub key: Option<PreviewKey>,
    /// For a video, its mimetype.
    pub video: Option<String>,
    /// Hidden by redaction: not fetched, not drawn.
    pub hidden: bool,
}

impl Model {
    /// The decision of the selected session, once known.
    pub fn selected_decision(&self) -> Option<&Decision> {
        match self.store.decision(self.selected_session()?) {
            Some(Load::Ready(Some(decision))) => Some(decision),
            _ => None,
        }
    }

    /// Sessions the selected one's decision links to, with why.
    pub fn linked_sessions(&self) -> &[(String, String)] {
        self.selected_decision().map_or(&[], Decision::linked_sessions)
    }

    pub(super) fn triage_animating(&self) -> bool {
        let session_loading = self.selected_session().is_some_and(|s| {
            self.focus == Pane::Sessions
                && (matches!(self.store.person(s), Some(Load::Loading(_)))
                    || matches!(self.store.watchlist(s), Some(Load::Loading(_))))
        });
        let nfc_loading = self.focus == Pane::Media
            && self
                .selected_session()
                .zip(self.selected_media())
                .is_some_and(|(s, (_, m))| matches!(self.store.nfc(s, &m.id), Some(Load::Loading(_))));
        let closer_loading = self
            .closer()
            .iter()
            .filter_map(|c| c.key.as_ref())
            .any(|k| matches!(self.store.preview(k), Some(Load::Loading(_))));
        session_loading || nfc_loading || closer_loading
    }

    /// What the look-closer overlay shows: the selected media on the whole screen,
    /// or the document front beside the best face (each list is best first).
    pub fn closer(&self) -> Vec<Closer<'_>> {
        let (width, height) = self.size;
        let keyed = |title, media, size| closer(self, title, media, size);
        match self.overlay {
            Overlay::Zoom => {
                let media = self.selected_media().filter(|(kind, _)| *kind != MediaKind::Nfc);
                let title = media
                    .and_then(|(_, m)| m.context.clone())
                    .unwrap_or_else(|| "no picture selected".into());
                vec![keyed(title, media, layout::zoom_size(width, height))]
            }
            Overlay::Compare => {
                let images: Vec<(MediaKind, &Media)> = match self.media_view() {
                    MediaView::Ready { list, .. } => list.images.iter().map(|m| (MediaKind::Image, m)).collect(),
                    _ => Vec::new(),
                };
                let best = |exact: &str| {
                    let context = |m: &Media| m.context.clone().unwrap_or_default();
                    images
                        .iter()
                        .find(|(_, m)| context(m) == exact)
                        .or_else(|| images.iter().find(|(_, m)| context(m).starts_with(exact)))
                        .copied()
                };
                let size = layout::compare_size(width, height);
                [("document-front", best("document-front")), ("face", best("face"))]
                    .into_iter()
                    .map(|(wanted, found)| {
                        let title = match found {
                            Some((_, m)) => m.context.clone().unwrap_or_else(|| wanted.into()),
                            None => format!("no {wanted} image in this attempt"),
                        };
                        keyed(title, found, size)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The selected NFC document's JSON, fetched once to be read in the details.
    pub(super) fn want_nfc(&mut self) -> Vec<Cmd> {
        if self.focus != Pane::Media {
            return Vec::new();
        }
        let Some((MediaKind::Nfc, media)) = self.selected_media() else {
            return Vec::new();
        };
        let media = MediaId::from(media.id.as_str());
        let Some(session) = self.selected_session().cloned() else {
            return Vec::new();
        };
        self.want(Req::Nfc(session, media), false, false).into_iter().collect()
    }

    /// With `--watch`: polling the first session from the start.
    pub fn watching_first(&mut self) -> Vec<Cmd> {
        let Some(session) = self.sessions.first().cloned() else {
            return Vec::new();
        };
        self.watch = Some(Watch {
            session: session.clone(),
            updated: None,
        });
        vec![Cmd::Watch {
            session: Some(session),
            every: self.watch_every,
        }]
    }
}

fn closer<'a>(model: &Model, title: String, media: Option<(MediaKind, &'a Media)>, size: (u16, u16)) -> Closer<'a> {
    let usable = model.previews_on && size.0 >= 4 && size.1 >= 2;
    Closer {
        hidden: media.is_some_and(|(_, m)| model.hidden(&m.id.as_str().into())),
        title,
        media: media.map(|(_, m)| m),
        key: media.filter(|_| usable).map(|(_, m)| PreviewKey {
            media: m.id.as_str().into(),
            width: size.0,
            height: size.1,
        }),
        video: media
            .filter(|(kind, _)| *kind == MediaKind::Video)
            .map(|(_, m)| m.mimetype.clone().unwrap_or_default()),
    }
}

pub(super) fn on_overlay_key(model: &mut Model, key: KeyEvent) -> Vec<Cmd> {
    let action = model.keymap.action(model.overlay.mode(), key);
    let linked = model.linked_sessions().len();
    match (&mut model.overlay, action) {
        (Overlay::Linked { cursor }, Some(Action::Down)) => {
            *cursor = (*cursor + 1).min(linked.saturating_sub(1));
            Vec::new()
        }
        (Overlay::Linked { cursor }, Some(Action::Up)) => {
            *cursor = cursor.saturating_sub(1);
            Vec::new()
        }
        (Overlay::Linked { cursor }, Some(Action::Submit)) => {
            let cursor = *cursor;
            let chosen = model.linked_sessions().get(cursor).cloned();
            model.overlay = Overlay::None;
            match chosen {
                Some((id, why)) => follow(model, id, &why),
                None => Vec::new(),
            }
        }
        // Through the media while zoomed, like an image viewer.
        (Overlay::Zoom, Some(Action::Down)) => move_cursor(model, 1),
        (Overlay::Zoom, Some(Action::Up)) => move_cursor(model, -1),
        (Overlay::Zoom | Overlay::Compare, Some(Action::Reveal)) => reveal(model),
        (_, Some(Action::Cancel)) => {
            model.overlay = Overlay::None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Shows the selected picture (or every picture looked at closer) despite
/// redaction, until the selection changes. Saving and opening never needed it:
/// files are evidence.
pub(super) fn reveal(model: &mut Model) -> Vec<Cmd> {
    if !model.redact.on {
        model.status = Some(Status::info("nothing is hidden: redaction is off"));
        return Vec::new();
    }
    let pictures: Vec<MediaId> = if matches!(model.overlay, Overlay::Zoom | Overlay::Compare) {
        model
            .closer()
            .iter()
            .filter_map(|c| c.media)
            .map(|m| m.id.as_str().into())
            .collect()
    } else {
        model
            .selected_media()
            .filter(|(kind, _)| *kind != MediaKind::Nfc)
            .map(|(_, m)| m.id.as_str().into())
            .into_iter()
            .collect()
    };
    if pictures.is_empty() {
        model.status = Some(Status::info("no picture selected to reveal"));
        return Vec::new();
    }
    model.revealed.extend(pictures);
    model.status = Some(Status::error(
        "picture shown despite redaction: it hides again when the selection changes",
    ));
    Vec::new()
}

/// Adds a linked session to the sessions pane, selects it and shows its card.
/// Selects a linked session where it is listed, else adds it on top, and shows
/// its card.
fn follow(model: &mut Model, id: String, why: &str) -> Vec<Cmd> {
    let id = SessionId::from(id);
    model.focus = Pane::Sessions;
    model.status = Some(Status::info(format!("opened linked session {} ({why})", id.short())));
    // Where the sessions pane shows it: a filter that hides it gives way.
    if !model.visible_sessions().contains(&&id) {
        model.pane_mut(Pane::Sessions).filter.clear();
    }
    if let Some(index) = model.visible_sessions().iter().position(|s| **s == id) {
        return model.select_session(index);
    }
    model.sessions.put_first(std::slice::from_ref(&id));
    let mut cmds = model.select_session(0);
    cmds.push(Cmd::Remember(crate::history::Change::Added(vec![id])));
    cmds
}

pub(super) fn open_linked(model: &mut Model) -> Vec<Cmd> {
    if model.linked_sessions().is_empty() {
        model.status = Some(Status::info(match model.selected_decision() {
            Some(_) => "this session's decision links to no other session",
            None => "no decision yet: nothing links this session to others",
        }));
        return Vec::new();
    }
    model.overlay = Overlay::Linked { cursor: 0 };
    Vec::new()
}

pub(super) fn toggle_watch(model: &mut Model) -> Vec<Cmd> {
    let Some(session) = model.selected_session().cloned() else {
        return Vec::new();
    };
    if model.watch.as_ref().is_some_and(|w| w.session == session) {
        model.watch = None;
        model.status = Some(Status::info(format!("stopped watching {}", session.short())));
        return vec![Cmd::Watch {
            session: None,
            every: model.watch_every,
        }];
    }
    if let Some(status) = model
        .selected_decision()
        .and_then(|d| d.status.clone())
        .filter(|s| is_final(s))
    {
        model.status = Some(Status::info(format!(
            "{} is already {}: nothing more to watch for",
            session.short(),
            crate::text::clean(&status)
        )));
        return Vec::new();
    }
    model.watch = Some(Watch {
        session: session.clone(),
        updated: None,
    });
    model.status = Some(Status::info(format!(
        "watching {} every {}s until it is decided; {} stops",
        session.short(),
        model.watch_every.as_secs(),
        model.browse_key(Action::Watch)
    )));
    vec![Cmd::Watch {
        session: Some(session),
        every: model.watch_every,
    }]
}

pub(super) fn watch_tick(model: &mut Model, session: &SessionId, at: String) -> Vec<Cmd> {
    match &mut model.watch {
        Some(watch) if watch.session == *session => watch.updated = Some(at),
        _ => return Vec::new(),
    }
    if !model.sessions.contains(session) {
        // Removed from the list meanwhile: nobody is looking any more.
        model.watch = None;
        return vec![Cmd::Watch {
            session: None,
            every: model.watch_every,
        }];
    }
    // The last poll is still on its way (a slow API): this one waits its turn
    // rather than piling requests up.
    if matches!(model.store.attempts(session), Some(Load::Loading(_)))
        || matches!(model.store.decision(session), Some(Load::Loading(_)))
    {
        return Vec::new();
    }
    model.load_session(session, true)
}

/// A decision came in: a watched session that is now decided is watched no more.
pub(super) fn decision_arrived(model: &mut Model, session: &SessionId) -> Vec<Cmd> {
    let status = match model.store.decision(session) {
        Some(Load::Ready(Some(d))) => d.status.clone().unwrap_or_default(),
        _ => return Vec::new(),
    };
    if !is_final(&status) || model.watch.as_ref().is_none_or(|w| w.session != *session) {
        return Vec::new();
    }
    model.watch = None;
    model.status = Some(Status::success(format!(
        "{} is {}: stopped watching",
        session.short(),
        crate::text::clean(&status)
    )));
    vec![Cmd::Watch {
        session: None,
        every: model.watch_every,
    }]
}

pub(super) fn zoom(model: &mut Model) -> Vec<Cmd> {
    if model.focus != Pane::Media || model.selected_media().is_none_or(|(kind, _)| kind == MediaKind::Nfc) {
        model.status = Some(Status::info(format!(
            "{} shows a picture on the whole screen: select one in the media pane first",
            model.browse_key(Action::Zoom)
        )));
        return Vec::new();
    }
    model.overlay = Overlay::Zoom;
    Vec::new()
}

pub(super) fn compare(model: &mut Model) -> Vec<Cmd> {
    if !matches!(model.media_view(), MediaView::Ready { .. }) {
        model.status = Some(Status::info("the attempt's media are still loading"));
        return Vec::new();
    }
    model.overlay = Overlay::Compare;
    Vec::new()
}

#[cfg(test)]
mod tests;
