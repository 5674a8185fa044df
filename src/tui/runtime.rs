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

use super::app::{Model, Msg, update};
use super::effects::{Dirs, Effects};
use super::keymap::Keymap;
use super::preview::{ImageProtocol, Renderer};
use super::ui::{self, Theme};
use crate::api::Client;
use crate::config::{self, Config, Settings, process_env};
use crate::ids::SessionId;
use crate::server::RunningServer;

/// Frame rate of the spinner while something loads; nothing redraws otherwise.
const TICK: Duration = Duration::from_millis(100);

/// What the browser needs beyond its settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Sessions to open, first one selected.
    pub sessions: Vec<SessionId>,
    /// A file of sessions, one per line; `-` for standard input.
    pub from: Option<PathBuf>,
    pub image_protocol: ImageProtocol,
    pub mouse: bool,
    /// Where the log goes [default: veriff-tui.log in the data dir].
    pub log_file: Option<PathBuf>,
    /// `--watch SECS`: poll the first session this often until it is decided.
    pub watch: Option<Duration>,
    /// The inbox whose views are tabs over the sessions pane.
    pub inbox: Option<InboxOptions>,
}

#[derive(Debug, Clone)]
pub struct InboxOptions {
    pub store: crate::inbox::Store,
    pub views: Vec<crate::inbox::View>,
    /// Open on the first view rather than the sessions opened here.
    pub on_a_view: bool,
}

/// Runs the browser with resolved `settings` until the person quits. `config` is
/// the config file (for its profiles and keys), `None` in demo mode, where
/// `demo` is the server the settings point at (kept running until the end).
pub async fn run(
    options: Options,
    settings: Settings,
    config: Option<Config>,
    demo: Option<RunningServer>,
) -> Result<(), String> {
    use std::io::IsTerminal;
    let term = std::env::var("TERM").ok();
    // Keys come from the terminal itself when a list of sessions is piped in.
    let keys_from_tty = std::io::stdin().is_terminal() || std::fs::File::open("/dev/tty").is_ok();
    if let Some(why) = refusal(term.as_deref(), keys_from_tty, stdout().is_terminal()) {
        return Err(why);
    }
    let mut given = options.sessions.clone();
    for id in sessions_from(options.from.as_deref())? {
        let id = SessionId::from(id);
        if !given.contains(&id) {
            given.push(id);
        }
    }
    // Refuse bad keys before the screen changes.
    let keymap = match &config {
        Some(config) if !config.file.keys.is_empty() => {
            Keymap::with_overrides(&config.file.keys).map_err(|e| format!("{}: {e}", config.path.display()))?
        }
        _ => Keymap::defaults(),
    };
    let env = process_env;
    let data_dir = config::data_dir(&env).unwrap_or_else(|| PathBuf::from("."));
    let _log = crate::logging::init(
        options
            .log_file
            .clone()
            .unwrap_or_else(|| crate::config::log_path(&env)),
    )?;

    let given = match &demo {
        Some(server) if given.is_empty() => server
            .featured_sessions()
            .iter()
            .map(|s| SessionId::from(s.as_str()))
            .collect(),
        _ => given,
    };
    let default_profile = config.as_ref().and_then(|c| c.file.default_profile.clone());
    // Demo sessions are not remembered.
    let history_dir = demo.is_none().then(|| data_dir.clone());
    let history = history_dir
        .as_deref()
        .map(|dir| crate::history::path_for(dir, settings.profile.as_deref(), default_profile.as_deref()));
    let dirs = Dirs {
        download: settings.download_dir.clone(),
        cache: config::cache_dir(&env).unwrap_or_else(|| std::env::temp_dir().join(config::APP_DIR)),
    };
    let host = settings.client.host();
    let host = if demo.is_some() {
        format!("demo server {host}")
    } else {
        host
    };
    let mut model = Model::new(host, settings.profile.clone());
    let index_fetched = config
        .as_ref()
        .is_none_or(|c| c.index_fetched(settings.profile.as_deref()));
    let profiles = config.map(|config| {
        let current = settings.profile.clone().map(|name| (name, settings.clone()));
        config::Profiles::new(config, current)
    });
    model.profiles = profiles.as_ref().map(config::Profiles::names).unwrap_or_default();
    model.previews_on = options.image_protocol != ImageProtocol::None;
    model.security_warnings = crate::config::security_warnings(&settings.client);
    model.keymap = std::sync::Arc::new(keymap);
    model.redact = settings.redact;
    model.read_only = settings.read_only;
    model.portal_url = settings.portal_url.clone();
    model.searches = history
        .as_deref()
        .map(crate::history::load_searches)
        .unwrap_or_default();
    if let Some(every) = options.watch {
        model.watch_every = every;
    }
    // The identity the inbox records marks under: a PostgreSQL store's login.
    let who = options.inbox.as_ref().map_or_else(crate::audit::user_at_host, |inbox| {
        inbox.store.who(&crate::audit::user_at_host())
    });
    if let Some(inbox) = &options.inbox {
        model.inbox = Some(super::app::inbox::Inbox::new(
            inbox.views.clone(),
            who.clone(),
            inbox.on_a_view,
        ));
    }
    let (mut model, mut first) = model.start(given, Vec::new());
    if options.watch.is_some() {
        first.extend(model.watching_first());
    }

    tracing::info!("starting the browser");
    let mut terminal = TerminalGuard::enter(options.mouse)?;
    let theme = Theme::from_env();
    let size = terminal.terminal().size().map_err(|e| e.to_string())?;
    let resized = update(
        &mut model,
        Msg::Resize {
            width: size.width,
            height: size.height,
        },
    );
    // The first frame goes out before anything slower: building the HTTP client
    // (TLS set-up) and asking the terminal which image protocol it speaks.
    draw(terminal.terminal(), &model, &theme)?;
    let client = Client::new(settings.client.clone()).map_err(|e| crate::config::describe_error(&e))?;
    let (tx, rx) = mpsc::unbounded_channel();
    let mut effects = Effects::new(client, tx, dirs, profiles);
    effects.set_profile_in_use(super::effects::ProfileInUse {
        profile: settings.profile.clone(),
        read_only: settings.read_only,
        audit_log: config::writes::audit_log_path(&env),
        sessions: history.map(|path| std::sync::Arc::new(super::effects::History(path)) as _),
    });
    effects.set_team_key(settings.team_key.clone());
    effects.set_history_dir(history_dir, default_profile);
    // A team's store gets the team's audit of what this browser writes.
    let team = options
        .inbox
        .as_ref()
        .filter(|inbox| inbox.store.is_postgres())
        .map(|inbox| crate::config::writes::share_with_team(inbox.store.clone()));
    if let Some(inbox) = options.inbox {
        effects.set_inbox(super::effects::InboxInUse {
            store: std::sync::Arc::new(inbox.store),
            who,
            index_fetched,
        });
    }
    // The first requests are on their way before the terminal is asked anything.
    for cmd in first.into_iter().chain(resized) {
        effects.run(cmd);
    }
    let renderer = super::preview::renderer(options.image_protocol);
    let graphics = matches!(renderer, Some(Renderer::Graphics(_)));
    effects.set_renderer(renderer);
    let outcome = event_loop(&mut terminal, model, theme, &mut effects, rx, graphics).await;
    // However the loop ended (q, a signal, a terminal gone mid-draw), cancelled
    // downloads delete their temporary files first, before anything touches a
    // terminal that may have hung up.
    effects.shutdown(SHUTDOWN_LIMIT).await;
    drop(terminal);
    // Once the terminal is itself again: the flush may have a warning to say.
    if let Some(team) = team {
        team.flush().await;
    }
    tracing::info!("leaving the browser");
    drop(demo);
    outcome
}

/// Why the browser cannot run here, if it cannot: it needs a terminal on both
/// ends that can move its cursor. Scripts, pipes, `ssh host cmd` without `-t`
/// and Emacs' shell get the way to the same data instead.
fn refusal(term: Option<&str>, keys_tty: bool, stdout_tty: bool) -> Option<String> {
    let why = if !keys_tty || !stdout_tty {
        let which = if keys_tty { "standard output" } else { "standard input" };
        format!("{which} is not a terminal")
    } else if term == Some("dumb") {
        "TERM=dumb cannot draw it".to_owned()
    } else {
        return None;
    };
    Some(format!(
        "the browser needs a terminal ({why}). For scripts use the subcommands: \
         attempts, session-media, decision, person, watchlist SESSION; media ATTEMPT; \
         download MEDIA; export SESSION... (see veriff-tui --help)"
    ))
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
    /// Taken when dropped: see `Drop`.
    terminal: Option<ratatui::DefaultTerminal>,
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
        Ok(TerminalGuard {
            terminal: Some(terminal),
        })
    }
}

/// Turns off what the browser turned on beyond ratatui's own modes.
fn leave_modes() {
    let _ = execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        leave_modes();
        // When the terminal has hung up (a dropped SSH link), ratatui's
        // `restore()` and its `Terminal`'s own drop report the failure with
        // `eprintln!`, which panics on the dead terminal; the panic hook then
        // prints again, and the process aborts. Then there is nothing left to
        // restore, and the `Terminal` is let go without its drop.
        let restored = ratatui::try_restore().is_ok();
        if let Some(terminal) = self.terminal.take()
            && !restored
        {
            std::mem::forget(terminal);
        }
    }
}

impl TerminalGuard {
    fn terminal(&mut self) -> &mut ratatui::DefaultTerminal {
        self.terminal
            .as_mut()
            .expect("the terminal is there until the guard drops")
    }
}

async fn event_loop(
    guard: &mut TerminalGuard,
    mut model: Model,
    theme: Theme,
    effects: &mut Effects,
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
    // Sixel and iTerm2 pixels go with the cleared cells. Kitty images are placed
    // by placeholder cells, so overwriting those hides them; their data is not
    // deleted by id (`a=d`): ratatui-image transmits each encoded preview once,
    // and a cached preview shown again would then draw nothing. Kitty evicts
    // old images by itself past its storage quota.
    let mut shown = (model.overlay.mode(), model.preview_key());
    let mut dirty = false;
    while !model.quit {
        if dirty {
            let now = (model.overlay.mode(), model.preview_key());
            if graphics && now != shown {
                guard.terminal().clear().map_err(|e| e.to_string())?;
            }
            shown = now;
            draw(guard.terminal(), &model, &theme)?;
            dirty = false;
        }
        let msg = tokio::select! {
            event = events.next() => match event {
                // Nothing to redraw for a key that does nothing, or the pointer moving.
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => {
                    let mode = model.overlay.mode();
                    if !mode.takes_text() && model.keymap.action(mode, key).is_none() {
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

/// How long leaving waits for cancelled transfers to clean up after themselves.
const SHUTDOWN_LIMIT: Duration = Duration::from_secs(1);

fn draw(terminal: &mut ratatui::DefaultTerminal, model: &Model, theme: &Theme) -> Result<(), String> {
    // One synchronized update per frame: no tearing on slow links.
    let _ = execute!(stdout(), BeginSynchronizedUpdate);
    let drawn = terminal.draw(|frame| ui::view(model, theme, frame));
    let _ = execute!(stdout(), EndSynchronizedUpdate);
    drawn.map(|_| ()).map_err(|e| format!("cannot draw: {e}"))
}
