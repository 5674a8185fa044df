//! Overlays that own themselves: each file holds an overlay's state, its keys
//! and its drawing. New overlays go here; the older ones still have their state
//! in `app/model.rs`, their keys in `app/input.rs` and their drawing in
//! `ui/overlays.rs`, to be moved one at a time.

pub mod confirm;
