//! The details area: every field of whatever the focused pane has selected.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui_image::Image;

use super::Theme;
use crate::api::MediaKind;
use crate::api::model::plain_value;
use crate::text::{clean, human_size};
use crate::tui::app::{Load, Model, Pane, PreviewKey};
use crate::tui::keymap::Action;
use crate::tui::layout;

/// One `name value` row. Both are cleaned: unknown fields' names come from the
/// server as much as their values do.
fn field(theme: &Theme, name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{:>10} ", clean(name)), theme.dim()),
        Span::raw(clean(&value)),
    ])
}

pub fn details(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let lines: Vec<Line> = match model.focus {
        // The triage card, drawn by `card` below.
        Pane::Sessions => vec![],
        Pane::Attempts => match model.selected_attempt() {
            None => vec![],
            Some(a) => {
                let mut lines = vec![
                    field(theme, "attempt", a.id.clone()),
                    field(theme, "status", opt(&a.status)),
                    field(theme, "created", opt(&a.created_time)),
                ];
                // Fields Veriff adds (userDefinedData, ...): masked as they arrived
                // when redaction is on.
                for (key, value) in &a.extra {
                    lines.push(field(theme, key, plain_value(&Some(value.clone()))));
                }
                lines
            }
        },
        Pane::Media => match model.selected_media() {
            None => vec![],
            Some((MediaKind::Nfc, m)) => match model.nfc_lines() {
                Some(Ok(json)) => json.into_iter().map(|l| Line::from(clean(&l))).collect(),
                Some(Err(e)) => vec![
                    field(theme, "nfc", clean(&m.id)),
                    Line::from(Span::styled(format!("cannot read it: {}", clean(&e)), theme.error())),
                ],
                None => vec![field(
                    theme,
                    "nfc",
                    format!("{} reading {}", super::spinner(model), m.id),
                )],
            },
            Some((kind, m)) => vec![
                field(theme, "id", m.id.clone()),
                field(theme, "name", opt(&m.name)),
                field(theme, "context", opt(&m.context)),
                field(
                    theme,
                    "size",
                    m.size
                        .map(|s| format!("{s} bytes ({})", human_size(s)))
                        .unwrap_or_default(),
                ),
                field(theme, "mimetype", format!("{} ({})", opt(&m.mimetype), kind.label())),
                field(
                    theme,
                    "duration",
                    m.duration.map(|d| format!("{d} s")).unwrap_or_else(|| "—".into()),
                ),
                field(theme, "session", opt(&m.session_id)),
                field(theme, "url", opt(&m.url)),
            ],
        },
    };
    let inner = Block::bordered().inner(area);
    let card = model.focus == Pane::Sessions;
    let overflow = model.details_overflow();
    let scroll = (model.details_scroll as usize).min(overflow) as u16;
    let mut title = vec![Span::raw(" details ")];
    if overflow > 0 {
        title.push(Span::styled(
            format!(
                "· {}/{} {}/{} scroll ",
                scroll,
                overflow,
                model.browse_key(Action::ScrollDetailsDown),
                model.browse_key(Action::ScrollDetailsUp)
            ),
            theme.dim(),
        ));
    }
    let block = Block::bordered().border_style(theme.dim()).title(Line::from(title));
    frame.render_widget(block, area);
    if card {
        return super::card::card(model, theme, frame, inner);
    }
    let preview = model.preview_key();
    let text_area = match &preview {
        Some(_) => {
            let picture = layout::preview_rect(area);
            Rect {
                width: picture.x.saturating_sub(inner.x + 1),
                ..inner
            }
        }
        None => inner,
    };
    // Not wrapped: a long URL is cut at the edge instead of pushing fields out of view.
    frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), text_area);
    if let Some(key) = preview {
        preview_box(model, theme, frame, layout::preview_rect(area), &key);
    }
}

/// The selected media's picture, or why there is none (yet).
fn preview_box(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, key: &PreviewKey) {
    let note = |text: String| Paragraph::new(Line::from(Span::styled(text, theme.dim()))).alignment(Alignment::Center);
    if model.hidden(&key.media) {
        return frame.render_widget(note(model.hidden_note()).wrap(Wrap { trim: true }), area);
    }
    match model.store.preview(key) {
        Some(Load::Ready(image)) => frame.render_widget(Image::new(&image.0), area),
        Some(Load::Failed(why)) => frame.render_widget(note(clean(&why.message)).wrap(Wrap { trim: true }), area),
        _ => frame.render_widget(note(format!("{} preview", super::spinner(model))), area),
    }
}
