//! Overlays that own themselves: each file holds an overlay's keys and its
//! drawing (and its state, where it has more than a cursor). `Overlay` in
//! `screen.rs` says which one is open and the keymap `Mode` it puts keys in; the
//! boxes they are drawn in are `ui::overlays`'s.

pub mod add_session;
pub mod case_folder;
pub mod confirm;
pub mod filter;
pub mod help;
pub mod hit_review;
pub mod linked;
pub mod look_closer;
pub mod messages;
pub mod new_link;
pub mod note;
pub mod portal_link;
pub mod profiles;
pub mod tag;
