//! The terminal browser: [`app`] holds the state and the pure `update`, [`ui`] draws
//! it, [`effects`] carries out what `update` asks for, [`runtime`] wires them to
//! the terminal.

pub mod app;
mod effects;
mod history;
pub mod keys;
pub mod layout;
pub mod preview;
mod runtime;
pub mod ui;

pub use runtime::{Options, run};
