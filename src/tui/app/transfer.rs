//! Opening and saving files: what to fetch and where it goes is decided here; the
//! effects do the fetching and answer with how it went.

use super::model::Model;
use super::msg::{Cmd, Failure, Load, TransferItem, TransferKind, TransferOutcome};
use super::screen::{Status, Transfer};
use crate::api::Media;
use crate::tui::keymap::Action;

pub(super) fn start_transfer(model: &mut Model, kind: TransferKind) -> Vec<Cmd> {
    if let Some(transfer) = &model.transfer {
        model.status = Some(Status::info(format!(
            "{} is still running; {} cancels it",
            transfer.label,
            model.browse_key(Action::Cancel)
        )));
        return Vec::new();
    }
    let session = model.selected_session().cloned().unwrap_or_else(|| "".into());
    let item = |m: &Media| TransferItem {
        media_id: m.id.as_str().into(),
        name_parts: vec![
            session.short().to_owned(),
            m.context.clone().unwrap_or_default(),
            m.id.clone(),
        ],
        mimetype: m.mimetype.clone(),
    };
    let (items, label, folder) = match kind {
        TransferKind::SaveAll => {
            let Some(attempt) = model.selected_attempt().map(|a| a.id.clone()) else {
                model.status = Some(Status::info("no attempt selected"));
                return Vec::new();
            };
            let selected = model.selected_session();
            let items: Vec<TransferItem> = match selected.and_then(|s| model.store.media(s, &attempt)) {
                Some(Load::Ready(list)) => list.items().map(|(_, m)| item(m)).collect(),
                _ => {
                    model.status = Some(Status::info("the attempt's media are still loading"));
                    return Vec::new();
                }
            };
            if items.is_empty() {
                model.status = Some(Status::info("this attempt has no media to save"));
                return Vec::new();
            }
            let label = format!(
                "saving {} files of attempt {}",
                items.len(),
                crate::ids::short(&attempt)
            );
            (items, label, Some(format!("{session}_{attempt}")))
        }
        TransferKind::Open | TransferKind::Save => {
            let Some((_, media)) = model.selected_media() else {
                model.status = Some(Status::info("no media selected"));
                return Vec::new();
            };
            let verb = if kind == TransferKind::Open {
                "opening"
            } else {
                "saving"
            };
            let label = format!(
                "{verb} {}",
                media.context.as_deref().map(crate::text::clean).unwrap_or_default()
            );
            (vec![item(media)], label, None)
        }
    };
    let id = model.req();
    model.transfer = Some(Transfer {
        id,
        kind,
        label,
        progress: None,
        cancelling: false,
    });
    model.status = None;
    vec![Cmd::Transfer {
        id,
        kind,
        folder,
        items,
    }]
}

/// A transfer's end, if it is the one running.
pub(super) fn transfer_done(model: &mut Model, id: u64, result: Result<TransferOutcome, Failure>) {
    let Some(transfer) = model.transfer.take_if(|t| t.id == id) else {
        return;
    };
    model.status = Some(match result {
        Ok(outcome) => describe_outcome(&outcome),
        Err(_) if transfer.cancelling => {
            Status::info(format!("cancelled {}; nothing partial left behind", transfer.label))
        }
        Err(e) => Status::error(e.message),
    });
}

fn describe_outcome(outcome: &TransferOutcome) -> Status {
    match outcome {
        TransferOutcome::Opened(path) => Status::success(format!("opened {}", path.display())),
        TransferOutcome::SavedInstead { path, why } => Status::success(format!("{why}: saved to {}", path.display())),
        TransferOutcome::Saved(path) => Status::success(format!("saved {}", path.display())),
        TransferOutcome::AlreadySaved(path) => Status::info(format!("already saved: {}", path.display())),
        TransferOutcome::SavedAll { dir, saved, skipped } => {
            let skipped = if *skipped > 0 {
                format!(" ({skipped} already there)")
            } else {
                String::new()
            };
            Status::success(format!("saved {saved} files{skipped} in {}", dir.display()))
        }
    }
}
