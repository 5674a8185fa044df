//! The loop that ties terminal, `update`, `view` and effects together, and the
//! terminal's safety: restored on quit, on error, on panic, on SIGTERM and SIGHUP.

use std::io::stdout;
use std::path::PathBuf;
use std::time::Duration;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, EventStream,
    KeyEventKind, MouseEventKind,
};
use crossterm::execute;
use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
use futures_util::StreamExt;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

use super::app::{Model, Msg, Overlay, update};
use super::effects::{Dirs, Effects};
use super::keys::action_for;
use super::preview::{ImageProtocol, Renderer};
use super::ui::{self, Theme};
use crate::api::Client;
use crate::cli::{GlobalArgs, resolve};
use crate::config::{self, process_env};
use crate::ids::find_id;

/// Frame rate of the spinner while something loads; nothing redraws otherwise.
const TICK: Duration = Duration::from_millis(100);

/// What the browser needs beyond the global options.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub sessions: Vec<String>,
    /// A file of sessions, one per line; `-` for standard input.
    pub from: Option<PathBuf>,
    pub image_protocol: ImageProtocol,
    pub mouse: bool,
}

pub async fn run(options: Options, global: &GlobalArgs) -> Result<(), String> {
    // Refuse bad arguments before the screen changes.
    let given = options
        .sessions
        .iter()
        .map(|s| find_id(s).map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut given = given;
    for id in sessions_from(options.from.as_deref())? {
        if !given.contains(&id) {
            given.push(id);
        }
    }
    let resolved = resolve(global).await?;
    let env = process_env;
    let data_dir = config::data_dir(&env).unwrap_or_else(|| PathBuf::from("."));
    let _log = init_logging(
        global
            .log_file
            .clone()
            .unwrap_or_else(|| data_dir.join("veriff-tui.log")),
    )?;

    let demo = resolved.demo_server.as_ref();
    let given = match demo {
        Some(server) if given.is_empty() => server.featured_sessions().to_vec(),
        _ => given,
    };
    let history = demo.is_none().then(|| data_dir.join("history"));
    let remembered = history.as_deref().map(super::history::load).unwrap_or_default();
    let dirs = Dirs {
        download: resolved.settings.download_dir.clone(),
        cache: config::cache_dir(&env).unwrap_or_else(|| std::env::temp_dir().join(config::APP_DIR)),
        history,
    };
    let host = resolved.settings.client.host();
    let host = if demo.is_some() {
        format!("demo server {host}")
    } else {
        host
    };
    let mut model = Model::new(host, resolved.settings.profile.clone());
    let profiles = resolved.config.map(|config| {
        let current = resolved
            .settings
            .profile
            .clone()
            .map(|name| (name, resolved.settings.clone()));
        config::Profiles::new(config, current)
    });
    model.profiles = profiles.as_ref().map(config::Profiles::names).unwrap_or_default();
    model.previews_on = options.image_protocol != ImageProtocol::None;
    let (model, first) = model.start(given, remembered);

    tracing::info!("starting the browser");
    let mut terminal = TerminalGuard::enter(options.mouse)?;
    let theme = Theme::from_env();
    let mut model = model;
    let size = terminal.terminal.size().map_err(|e| e.to_string())?;
    update(
        &mut model,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    // The first frame goes out before anything slower: building the HTTP client
    // (TLS set-up) and asking the terminal which image protocol it speaks.
    draw(&mut terminal.terminal, &model, &theme)?;
    let client = Client::new(resolved.settings.client.clone()).map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::unbounded_channel();
    let mut effects = Effects::new(client, tx, dirs, profiles);
    // The first requests are on their way before the terminal is asked anything.
    for cmd in first {
        effects.run(cmd);
    }
    let renderer = super::preview::renderer(options.image_protocol);
    let graphics = matches!(renderer, Some(Renderer::Graphics(_)));
    effects.set_renderer(renderer);
    let outcome = event_loop(terminal, model, theme, effects, rx, graphics).await;
    tracing::info!("leaving the browser");
    outcome
}

/// The sessions in `--from FILE`, or piped or redirected into standard input
/// (keys are then read from the terminal itself).
fn sessions_from(from: Option<&std::path::Path>) -> Result<Vec<String>, String> {
    use std::io::IsTerminal;
    use std::os::unix::fs::FileTypeExt;
    // Only a pipe or a file: a socket or device handed down by some launcher
    // might never end.
    let piped = !std::io::stdin().is_terminal()
        && std::fs::metadata("/dev/stdin").is_ok_and(|m| m.file_type().is_fifo() || m.is_file());
    let list = match from {
        Some(path) => path,
        None if piped => std::path::Path::new("-"),
        None => return Ok(Vec::new()),
    };
    let (ids, without) = crate::export::read_session_list(list)?;
    if !without.is_empty() {
        tracing::warn!("{}: no session id on lines {without:?}", list.display());
    }
    if ids.is_empty() && from.is_some() {
        return Err(format!("no session id in {}", list.display()));
    }
    Ok(ids)
}

/// Owns the terminal's full-screen mode; dropping it puts the terminal back,
/// whatever way the loop ends.
struct TerminalGuard {
    terminal: ratatui::DefaultTerminal,
}

impl TerminalGuard {
    fn enter(mouse: bool) -> Result<TerminalGuard, String> {
        // ratatui's hook restores raw mode and the main screen before a panic
        // message is printed; ours also turns paste and mouse reporting off.
        let terminal = ratatui::try_init().map_err(|e| format!("cannot set up the terminal: {e}"))?;
        let previous = std::panic::take_hook();
        let ui = std::thread::current().id();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().id() == ui {
                leave_modes();
                previous(info);
            } else {
                // A background task: tokio turns its panic into an error for the
                // task's owner, and the screen stays the app's.
                tracing::error!("a background task panicked: {info}");
            }
        }));
        let _ = execute!(stdout(), EnableBracketedPaste);
        if mouse {
            let _ = execute!(stdout(), EnableMouseCapture);
        }
        Ok(TerminalGuard { terminal })
    }
}

/// Turns off what the browser turned on beyond ratatui's own modes.
fn leave_modes() {
    let _ = execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        leave_modes();
        ratatui::restore();
    }
}

async fn event_loop(
    mut guard: TerminalGuard,
    mut model: Model,
    theme: Theme,
    mut effects: Effects,
    mut rx: mpsc::UnboundedReceiver<Msg>,
    graphics: bool,
) -> Result<(), String> {
    let mut events = EventStream::new();
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| e.to_string())?;
    let mut hangup = signal(SignalKind::hangup()).map_err(|e| e.to_string())?;
    let mut tick = tokio::time::interval(TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);

    // Kitty, sixel and iTerm2 images live outside the cells ratatui diffs: when
    // what covers them changes, the screen is cleared so none stays behind.
    let mut shown = (model.overlay.clone(), model.preview_key());
    let mut dirty = false;
    while !model.quit {
        if dirty {
            let now = (model.overlay.clone(), model.preview_key());
            if graphics && now != shown {
                guard.terminal.clear().map_err(|e| e.to_string())?;
            }
            shown = now;
            draw(&mut guard.terminal, &model, &theme)?;
            dirty = false;
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                // Nothing to redraw for a key that does nothing, or the pointer moving.
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    if model.overlay == Overlay::None && action_for(key).is_none() {
                        continue;
                    }
                    Msg::Key(key)
                }
                Some(Ok(Event::Paste(text))) => Msg::Paste(text),
                Some(Ok(Event::Mouse(mouse))) if !matches!(mouse.kind, MouseEventKind::Moved | MouseEventKind::Drag(_)) => {
                    Msg::Mouse(mouse)
                }
                Some(Ok(Event::Resize(width, height))) => Msg::Resize { width, height },
                Some(Ok(_)) => continue,
                // The terminal is gone (a dropped SSH connection): nothing to draw on.
                Some(Err(_)) | None => Msg::Terminate,
            },
            Some(msg) = rx.recv() => msg,
            _ = tick.tick(), if model.animating() => Msg::Tick,
            _ = terminate.recv() => Msg::Terminate,
            _ = hangup.recv() => Msg::Terminate,
        };
        for cmd in update(&mut model, msg) {
            effects.run(cmd);
        }
        // Replies that arrived meanwhile are folded into the same frame.
        while let Ok(msg) = rx.try_recv() {
            for cmd in update(&mut model, msg) {
                effects.run(cmd);
            }
        }
        dirty = true;
    }
    Ok(())
}

fn draw(terminal: &mut ratatui::DefaultTerminal, model: &Model, theme: &Theme) -> Result<(), String> {
    // One synchronized update per frame: no tearing on slow links.
    let _ = execute!(stdout(), BeginSynchronizedUpdate);
    let drawn = terminal.draw(|frame| ui::view(model, theme, frame));
    let _ = execute!(stdout(), EndSynchronizedUpdate);
    drawn.map(|_| ()).map_err(|e| format!("cannot draw: {e}"))
}

/// Logs go to a file, never to the screen the UI draws on.
fn init_logging(path: PathBuf) -> Result<tracing_appender::non_blocking::WorkerGuard, String> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("VERIFF_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("veriff_tui=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init();
    Ok(guard)
}
