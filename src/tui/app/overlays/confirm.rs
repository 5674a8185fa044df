//! A question before something that cannot be undone, answered yes by Enter or,
//! for what costs most (deleting a session), by typing an answer first (gitui's
//! `ConfirmPopup`, with a typed answer). It carries the commands to run once
//! confirmed, so `update` stays pure: nothing happens until the answer is given.

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::text::clean;
use crate::tui::app::{Cmd, LineEdit, Model, Overlay, Status};
use crate::tui::keymap::{Action, Keymap, Mode};
use crate::tui::ui::Theme;

/// The box's width in cells, borders included.
const WIDTH: usize = 72;

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    /// What will happen, a line each.
    pub lines: Vec<String>,
    /// What must be typed to confirm; `None`: Enter confirms.
    pub typed: Option<String>,
    pub input: LineEdit,
    /// Why the last Enter was refused.
    pub error: Option<String>,
    /// The work to run once confirmed.
    pub then: Vec<Cmd>,
    /// What may be typed after the answer, given to the work (a deletion's
    /// request reference); `None`: nothing may follow it.
    pub more: Option<String>,
    /// What opens once confirmed (a form, a chooser), in the question's place.
    pub next: Option<Box<Overlay>>,
}

/// What a key did to the question.
#[derive(Debug, PartialEq)]
pub enum Answer {
    /// Still asking.
    Open,
    Yes(Vec<Cmd>),
    No,
}

impl Confirm {
    pub fn new(title: impl Into<String>, lines: Vec<String>, typed: Option<String>, then: Vec<Cmd>) -> Confirm {
        Confirm {
            title: title.into(),
            lines,
            typed,
            input: LineEdit::default(),
            error: None,
            then,
            more: None,
            next: None,
        }
    }

    /// Takes words after the typed answer (`5ca1e000 DSR-2291`), described by
    /// `what`, and hands them to the commands ([`Cmd::given`]).
    pub fn taking_more(mut self, what: impl Into<String>) -> Confirm {
        self.more = Some(what.into());
        self
    }

    /// Once confirmed, `next` opens where the question was: a question asked
    /// before a form, which does the work itself.
    pub fn then_open(mut self, next: Overlay) -> Confirm {
        self.next = Some(Box::new(next));
        self
    }

    /// Takes a key: the action the confirm keymap gives it, or text typed.
    pub fn on_key(&mut self, action: Option<Action>, key: KeyEvent) -> Answer {
        match action {
            Some(Action::Cancel) => Answer::No,
            Some(Action::Submit) => {
                let typed = self.input.value().trim();
                let (answer, more) = match (&self.more, typed.split_once(char::is_whitespace)) {
                    (Some(_), Some((answer, more))) => (answer, more.trim()),
                    _ => (typed, ""),
                };
                match &self.typed {
                    Some(wanted) if answer != wanted => {
                        self.error = Some(format!("type {wanted} to confirm, or cancel"));
                        Answer::Open
                    }
                    _ => {
                        let then = std::mem::take(&mut self.then);
                        Answer::Yes(if more.is_empty() {
                            then
                        } else {
                            then.into_iter().map(|cmd| cmd.given(more)).collect()
                        })
                    }
                }
            }
            _ => {
                if self.typed.is_some() && self.input.edit(key) {
                    self.error = None;
                }
                Answer::Open
            }
        }
    }

    pub fn draw(&self, keymap: &Keymap, theme: &Theme, frame: &mut Frame) {
        let mut lines: Vec<Line> = self.lines.iter().map(|l| Line::from(clean(l))).collect();
        lines.push(Line::default());
        let yes = keymap.label(Mode::Confirm, Action::Submit);
        let no = keymap.label(Mode::Confirm, Action::Cancel);
        if let Some(wanted) = &self.typed {
            lines.push(Line::from(match &self.more {
                Some(more) => format!("Type {wanted} (then, if any, {more}) and {yes} to confirm:"),
                None => format!("Type {wanted} and {yes} to confirm:"),
            }));
            let mut edited = vec![Span::styled("> ", theme.key())];
            edited.extend(crate::tui::ui::overlays::edited_line(theme, &self.input));
            lines.push(Line::from(edited));
        }
        lines.push(match &self.error {
            Some(error) => Line::from(Span::styled(clean(error), theme.error())),
            None => Line::from(Span::styled(
                match &self.typed {
                    Some(_) => format!("{no} cancels"),
                    None => format!("{yes} confirms · {no} cancels"),
                },
                theme.dim(),
            )),
        });
        // Wrapped, a long line takes more rows: every one must show, the
        // typed answer above all.
        // (A row more for each wrapped line: words do not break mid-way.)
        let inner = WIDTH - 2;
        let rows: usize = lines
            .iter()
            .map(|line| line.width().max(1).div_ceil(inner) + usize::from(line.width() > inner))
            .sum();
        crate::tui::ui::overlays::boxed(
            frame,
            WIDTH as u16,
            rows as u16 + 2,
            &format!(" {} ", clean(&self.title)),
            Paragraph::new(lines).wrap(Wrap { trim: false }),
        );
    }
}

/// A key while the question is open: the commands it carried once answered yes
/// (and the form it opens next, if any), nothing once answered no.
pub(in crate::tui::app) fn on_key(model: &mut Model, key: KeyEvent, action: Option<Action>) -> Vec<Cmd> {
    let Overlay::Confirm(confirm) = &mut model.overlay else {
        return Vec::new();
    };
    match confirm.on_key(action, key) {
        Answer::Open => Vec::new(),
        Answer::Yes(then) => {
            model.overlay = match std::mem::take(&mut model.overlay) {
                Overlay::Confirm(confirm) => confirm.next.map_or(Overlay::None, |next| *next),
                _ => Overlay::None,
            };
            then
        }
        Answer::No => {
            model.overlay = Overlay::None;
            model.status = Some(Status::info("cancelled: nothing was done"));
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyModifiers};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn answer(confirm: &mut Confirm, keymap: &Keymap, code: KeyCode) -> Answer {
        let key = key(code);
        confirm.on_key(keymap.action(Mode::Confirm, key), key)
    }

    fn screen(confirm: &Confirm, keymap: &Keymap) -> String {
        let mut terminal = Terminal::new(TestBackend::new(80, 16)).unwrap();
        terminal
            .draw(|frame| confirm.draw(keymap, &Theme { color: false }, frame))
            .unwrap();
        let buffer = terminal.backend().buffer();
        (0..16)
            .map(|y| (0..80).map(|x| buffer[(x, y)].symbol()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn a_typed_answer_must_match_before_enter_confirms_and_esc_always_cancels() {
        let keymap = Keymap::defaults();
        let then = vec![Cmd::Copy("the work".into())];
        let mut confirm = Confirm::new(
            "delete session",
            vec!["Session c0ffee00 and its media are deleted at Veriff.".into()],
            Some("c0ffee00".into()),
            then.clone(),
        );
        let text = screen(&confirm, &keymap);
        assert!(text.contains("Type c0ffee00 and Enter to confirm"), "{text}");
        // Enter on nothing typed, and on a wrong answer: refused, said why.
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Enter), Answer::Open);
        assert!(screen(&confirm, &keymap).contains("type c0ffee00 to confirm"));
        for c in "c0ffee0".chars() {
            assert_eq!(answer(&mut confirm, &keymap, KeyCode::Char(c)), Answer::Open);
        }
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Enter), Answer::Open);
        // Plain letters are text here, never commands (`q` does not quit).
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Char('0')), Answer::Open);
        assert!(screen(&confirm, &keymap).contains("> c0ffee00"));
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Enter), Answer::Yes(then));

        let mut confirm = Confirm::new("x", vec![], Some("abc".into()), vec![]);
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Esc), Answer::No);
    }

    #[test]
    fn words_after_the_answer_go_to_the_work_only_where_they_are_taken() {
        let keymap = Keymap::defaults();
        let delete = |reference| Cmd::Write {
            id: 7,
            write: crate::tui::app::Write::DeleteSession {
                session: "c0ffee00-0000-4000-8000-000000000000".into(),
                reference,
            },
        };
        let mut confirm = Confirm::new("delete session", vec![], Some("c0ffee00".into()), vec![delete(None)])
            .taking_more("a request reference (DSR-2291) for the audit log");
        let text = screen(&confirm, &keymap);
        assert!(text.contains("then, if any, a request reference"), "{text}");
        for c in "c0ffee00  DSR-2291 ".chars() {
            answer(&mut confirm, &keymap, KeyCode::Char(c));
        }
        assert_eq!(
            answer(&mut confirm, &keymap, KeyCode::Enter),
            Answer::Yes(vec![delete(Some("DSR-2291".into()))])
        );

        // Where nothing may follow, the answer is the whole line.
        let mut confirm = Confirm::new("x", vec![], Some("c0ffee00".into()), vec![delete(None)]);
        for c in "c0ffee00 DSR-2291".chars() {
            answer(&mut confirm, &keymap, KeyCode::Char(c));
        }
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Enter), Answer::Open);
    }

    #[test]
    fn without_a_typed_answer_enter_confirms() {
        let keymap = Keymap::defaults();
        let mut confirm = Confirm::new("stop", vec!["Stop the export?".into()], None, vec![]);
        assert!(screen(&confirm, &keymap).contains("Enter confirms · Esc cancels"));
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Char('y')), Answer::Open);
        assert_eq!(answer(&mut confirm, &keymap, KeyCode::Enter), Answer::Yes(vec![]));
    }
}
