//! veriff-tui: a terminal browser and scripting tool for Veriff verification media.
//!
//! Layers, each depending only on those listed before it:
//! - [`text`], [`ids`]: small pure helpers shared by everything;
//! - [`api`]: the signed Station API client (knows nothing of terminals);
//! - [`export`]: many sessions at once into a verified, resumable folder (used by
//!   both `cli` and `tui`);
//! - [`config`]: flags, environment, config file and profiles resolved into settings;
//! - [`server`]: the embedded Veriff-compatible server behind `--demo` and the tests;
//! - [`cli`]: argument definitions and the scripting subcommands;
//! - [`tui`]: the terminal browser (model, update, view, effects).

pub mod api;
pub mod cli;
pub mod config;
pub mod export;
pub mod ids;
pub mod server;
pub mod text;
pub mod tui;
