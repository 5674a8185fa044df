//! The browser's state and the one function that changes it. `update` does no I/O
//! and never awaits: keys, resizes and network replies come in as [`Msg`], effects
//! go out as [`Cmd`] for the runtime to carry out. Everything here is tested
//! without a terminal.
//!
//! - [`msg`]: what comes in and goes out;
//! - [`model`]: the state and the questions asked of it;
//! - `load`: asking for data and taking replies;
//! - `input`: keys, pastes, the mouse;
//! - `transfer`: opening and saving files.

mod card;
mod export;
mod input;
mod load;
pub mod model;
pub mod msg;
mod transfer;
mod triage;

pub use card::{CardLine, Tone as CardTone, card_columns};
pub use export::{ExportJob, ExportSummary};
pub use load::PREFETCH_ATTEMPTS;
pub use model::{LineEdit, MediaView, Model, Overlay, Pane, PaneState, Status, Tone, Transfer, Watch};
pub use msg::{Cmd, Failure, Load, Msg, PreviewKey, ReqId, TransferItem, TransferKind, TransferOutcome};
pub use triage::Closer;

use load::accept;

/// Applies `msg` to the model and returns the work it asks for. The commands
/// must reach the effects: a dropped command is a reply the model waits for in vain.
#[must_use = "the commands are work the model now waits on: hand them to the effects"]
pub fn update(model: &mut Model, msg: Msg) -> Vec<Cmd> {
    let shown = (model.focus, cursors(model), model.selected_session().cloned());
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
        Msg::PreviewReady { key, req, result } => {
            accept(model.previews.get_mut(&key), req, result);
            Vec::new()
        }
        Msg::Tick => {
            model.spinner = model.spinner.wrapping_add(1);
            Vec::new()
        }
        Msg::AttemptsLoaded { session, req, result } => {
            let result = result.map(|list| list.into_iter().map(|a| model.redact.model(a)).collect());
            let failed = result.as_ref().err().cloned();
            if !accept(model.attempts.get_mut(&session), req, result) {
                return Vec::new();
            }
            match failed {
                None if model.selected_session() == Some(&session) => model.prefetch_media(&session),
                None => Vec::new(),
                Some(e) => {
                    let what = format!("attempts of {}", session.short());
                    model.status = Some(Status::error(model.failure_text(&what, &e)));
                    Vec::new()
                }
            }
        }
        Msg::DecisionLoaded { session, req, result } => {
            let result = result.map(|d| d.map(|d| model.redact.model(d)));
            if accept(model.decisions.get_mut(&session), req, result) {
                triage::decision_arrived(model, &session)
            } else {
                Vec::new()
            }
        }
        Msg::PersonLoaded { session, req, result } => {
            let result = result.map(|p| p.map(|p| model.redact.model(p)));
            accept(model.persons.get_mut(&session), req, result);
            Vec::new()
        }
        Msg::WatchlistLoaded { session, req, result } => {
            let result = result.map(|w| w.map(|w| model.redact.model(w)));
            accept(model.watchlists.get_mut(&session), req, result);
            Vec::new()
        }
        Msg::NfcLoaded { media, req, result } => {
            let result = result.map(|nfc| model.redact.json(nfc));
            accept(model.nfc.get_mut(&media), req, result);
            Vec::new()
        }
        Msg::WatchTick { session, at } => triage::watch_tick(model, &session, at),
        Msg::Redaction(redact) => {
            model.redact = redact;
            model.mask_loaded();
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
        Msg::SessionMediaLoaded { session, req, result } => {
            // Only a stand-in for the newest attempt's own list: a failure here is
            // not worth a message, that list will say it.
            accept(model.session_media.get_mut(&session), req, result);
            Vec::new()
        }
        Msg::MediaLoaded { attempt, req, result } => {
            let failed = result.as_ref().err().cloned();
            if accept(model.media.get_mut(&attempt), req, result)
                && let Some(e) = failed
                && model.selected_attempt().is_some_and(|a| a.id == attempt.as_str())
            {
                let what = format!("media of attempt {}", attempt.short());
                model.status = Some(Status::error(model.failure_text(&what, &e)));
            }
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
                Ok(host) => {
                    // Everything cached came from the other integration.
                    model.attempts.clear();
                    model.decisions.clear();
                    model.persons.clear();
                    model.watchlists.clear();
                    model.session_media.clear();
                    model.media.clear();
                    model.status = Some(Status::success(format!("switched to profile {profile} ({host})")));
                    model.profile = Some(profile);
                    model.host = host;
                    let mut cmds = model.open_all();
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
        Msg::Terminate => {
            model.quit = true;
            Vec::new()
        }
    };
    model.settle();
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
