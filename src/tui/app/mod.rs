//! The browser's state and the one function that changes it. `update` does no I/O
//! and never awaits: keys, resizes and network replies come in as [`Msg`], effects
//! go out as [`Cmd`] for the runtime to carry out. Everything here is tested
//! without a terminal.
//!
//! - [`msg`]: what comes in and goes out;
//! - [`model`]: the state, the questions asked of it and the moves every feature
//!   makes (`move_cursor`, `session_for`); `screen`: the panes, overlay and status
//!   it holds; [`store`]: everything fetched, one entry per session;
//!   [`sessions`]: the listed sessions; `forget`: a session taken off them;
//! - `load`: asking for data (`Model::want`, the one way) and taking replies;
//! - `input`: keys by mode, pastes, the mouse, each turned into one call into the
//!   files below (none of which calls back); [`overlays`]: one file per overlay;
//! - `actions`: the writes, behind a confirmation; `transfer`: opening and saving
//!   files; `export`: marking and exporting; `watch`: polling until decided;
//! - `card`: the triage card's lines; `card_words`: its small texts;
//!   `card_layout`: its wrapping, columns and scrolling;
//!   `messages`: the message log and banner;
//! - [`inbox`]: the inbox's views as tabs, live; `team_marks`: the team's marks;
//!   [`jumps`]: a session opened where you are, back and forward.

mod actions;
mod card;
mod card_layout;
mod card_words;
pub mod dates;
mod export;
mod forget;
pub mod inbox;
mod input;
pub mod jumps;
mod load;
mod messages;
pub mod model;
pub mod msg;
pub mod overlays;
mod screen;
pub mod sessions;
pub mod store;
mod team_marks;
#[cfg(test)]
pub mod testkit;
mod transfer;
mod watch;

pub use card::{CardLine, Tone as CardTone};
pub use card_layout::{LABEL_WIDTH as CARD_LABEL_WIDTH, card_columns};
pub use export::{ExportJob, ExportSummary, VerifySummary};
pub use inbox::{COUNTED_AT_MOST, HISTORY_ON_CARD};
pub use load::PREFETCH_ATTEMPTS;
pub use messages::fix_first;
pub use model::{Model, Watch};
pub use msg::{
    Cmd, Done, Failure, InboxAsk, InboxPage, InboxRow, Load, Msg, Payload, PreviewKey, Req, ReqId, Switched,
    TransferItem, TransferKind, TransferOutcome, Write,
};
pub use overlays::look_closer::Picture;
pub use screen::{LineEdit, Logged, MediaView, Overlay, Pane, PaneState, Status, Tone, Transfer};

/// Applies `msg` to the model and returns the work it asks for. The commands
/// must reach the effects: a dropped command is a reply the model waits for in vain.
#[must_use = "the commands are work the model now waits on: hand them to the effects"]
pub fn update(model: &mut Model, msg: Msg) -> Vec<Cmd> {
    let shown = (model.focus, cursors(model), model.selected_session().cloned());
    let status_before = model.status.clone();
    let failure = messages::failure_of(&msg);
    let mut cmds = match msg {
        Msg::Key(key) => input::on_key(model, key),
        Msg::Paste(text) => input::on_paste(model, &text),
        Msg::Mouse(mouse) => input::on_mouse(model, mouse),
        Msg::Resize { width, height } => {
            model.size = (width, height);
            model.list_rows = crate::tui::layout::list_rows(width, height);
            model.preview_size = crate::tui::layout::preview_size(width, height);
            Vec::new()
        }
        Msg::Tick => {
            model.spinner = model.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::Loaded { id, req, result } => load::loaded(model, id, req, result),
        Msg::WatchTick { session, at } => watch::watch_tick(model, &session, at),
        Msg::Redaction(redact) => {
            model.redact = redact;
            model.store.mask(redact);
            Vec::new()
        }
        Msg::ExportProgress { id, snapshot } => {
            export::progress(model, id, snapshot);
            Vec::new()
        }
        Msg::ExportDone { id, result } => {
            export::done(model, id, result);
            Vec::new()
        }
        Msg::Verified { dir, result } => {
            export::verified(model, &dir, result);
            Vec::new()
        }
        Msg::TransferProgress {
            id,
            progress,
            elapsed,
            file,
            files,
        } => {
            if let Some(transfer) = model.transfer.as_mut().filter(|t| t.id == id) {
                let text = crate::text::progress(progress.received, progress.total, elapsed);
                transfer.progress = Some(if files > 1 {
                    format!("file {file}/{files}: {text}")
                } else {
                    text
                });
            }
            Vec::new()
        }
        Msg::TransferDone { id, result } => {
            transfer::transfer_done(model, id, result);
            Vec::new()
        }
        Msg::ProfileSwitched { profile, result } => {
            model.switching = None;
            match result {
                Ok(Switched {
                    host,
                    read_only,
                    portal_url,
                    searches,
                }) => {
                    model.read_only = read_only;
                    model.portal_url = portal_url;
                    model.searches = searches;
                    // Everything cached came from the other integration; the
                    // effects have aborted its loads already.
                    model.store.clear();
                    // The list stays (a session opened under the wrong profile is
                    // looked up again under this one); this profile's remembered
                    // sessions join it, and its changes are kept there from now on.
                    model.status = Some(Status::success(format!("switched to profile {profile} ({host})")));
                    model.profile = Some(profile);
                    model.host = host;
                    let mut cmds = model.open_all();
                    cmds.extend(model.want(Req::Remembered, false, true));
                    // The watched session belongs to the integration left behind.
                    if model.watch.take().is_some() {
                        cmds.push(Cmd::Watch {
                            session: None,
                            every: model.watch_every,
                        });
                    }
                    cmds
                }
                Err(e) => {
                    model.status = Some(Status::error(format!("profile {profile}: {}", e.message)));
                    Vec::new()
                }
            }
        }
        Msg::Written { id, write, result } => actions::written(model, id, write, result),
        Msg::InboxChanged(revision) => inbox::changed(model, revision),
        Msg::LinkOpened { url, result } => overlays::portal_link::opened(model, url, result),
        Msg::Marked {
            id,
            session,
            change,
            result,
        } => team_marks::marked(model, id, &session, &change, result),
        Msg::Terminate => {
            model.quit = true;
            Vec::new()
        }
    };
    model.settle();
    model.log_after(status_before, failure);
    if (model.focus, cursors(model), model.selected_session().cloned()) != shown {
        model.details_scroll = 0;
        // A picture revealed despite redaction is hidden again once passed.
        model.revealed.clear();
    }
    cmds.extend(model.want_preview());
    cmds.extend(model.want_nfc());
    cmds.extend(model.want_decisions_on_screen());
    cmds
}

/// Every pane's cursor, to tell whether the selection moved.
fn cursors(model: &Model) -> [usize; 3] {
    Pane::ALL.map(|pane| model.pane(pane).cursor)
}

#[cfg(test)]
mod tests;
