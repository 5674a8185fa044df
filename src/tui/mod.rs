//! The terminal browser: [`app`] holds the state and the pure `update`, [`ui`] draws
//! it, [`effects`] carries out what `update` asks for, [`keymap`] says what every
//! key does in every mode, [`runtime`] wires them to the terminal.

pub mod app;
pub mod effects;
pub mod keymap;
pub mod layout;
mod listed;
pub mod preview;
mod runtime;
pub mod ui;

pub use runtime::{InboxOptions, Options, run};
