//! veriff-tui: a terminal browser and scripting tool for Veriff verification media.
//!
//! Layers, each depending only on those listed before it (ARCHITECTURE.md has the
//! whole map):
//! - [`text`], [`time`], [`ids`], [`files`], [`process`], [`logging`], [`redact`]:
//!   small helpers shared by everything (server text made inert, times as text,
//!   typed ids, private files, child processes without secrets, the log file,
//!   personal values masked);
//! - [`api`]: the signed Station API client; knows nothing of terminals, flags or
//!   environment variables;
//! - [`export`]: many sessions at once into a verified, resumable folder (used by
//!   both `cli` and `tui`); [`inbox`]: webhooks received, stored and indexed by
//!   session in SQLite or PostgreSQL;
//! - [`config`]: flags, environment, config file and profiles resolved into settings,
//!   and the hints that name them; [`erasure`]: a session deleted at Veriff forgotten
//!   everywhere the tool keeps it;
//! - [`server`]: the embedded Veriff-compatible server behind `--demo` and the tests;
//! - [`cli`], [`tui`]: the scripting subcommands and argument definitions, and the
//!   terminal browser (which takes resolved settings, never clap's types); neither
//!   imports the other. `main.rs` wires them.

#![forbid(unsafe_code)]

pub mod api;
pub mod audit;
pub mod cli;
pub mod config;
pub mod erasure;
pub mod export;
pub mod files;
pub mod history;
pub mod ids;
pub mod inbox;
pub mod logging;
pub mod process;
pub mod qr;
pub mod redact;
pub mod server;
pub mod text;
pub mod time;
pub mod tui;
