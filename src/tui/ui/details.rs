//! The details area: every field of whatever the focused pane has selected.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui_image::Image;

use super::Theme;
use crate::api::model::plain_value;
use crate::text::{clean, human_size};
use crate::tui::app::{Load, Model, Pane, PreviewKey};
use crate::tui::layout;

/// One `name value` row. Both are cleaned: unknown fields' names come from the
/// server as much as their values do.
fn field<'a>(theme: &Theme, name: &str, value: String) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{:>10} ", clean(name)), theme.dim()),
        Span::raw(clean(&value)),
    ])
}

pub fn details(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect) {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let lines: Vec<Line> = match model.focus {
        Pane::Sessions => match model.selected_session() {
            None => vec![],
            Some(id) => {
                let mut lines = vec![field(theme, "session", id.to_string())];
                match model.decisions.get(id) {
                    Some(Load::Ready(Some(d))) => {
                        lines.push(field(theme, "decision", opt(&d.status)));
                        lines.push(field(theme, "code", d.code.map(|c| c.to_string()).unwrap_or_default()));
                        lines.push(field(theme, "reason", plain_value(&d.reason)));
                        lines.push(field(theme, "decided", opt(&d.decision_time)));
                        lines.push(field(theme, "attempt", opt(&d.attempt_id)));
                    }
                    Some(Load::Ready(None)) => lines.push(field(theme, "decision", "none yet".into())),
                    Some(Load::Failed(e)) => lines.push(field(theme, "decision", format!("failed: {}", e.message))),
                    _ => {}
                }
                lines
            }
        },
        Pane::Attempts => match model.selected_attempt() {
            None => vec![],
            Some(a) => {
                let mut lines = vec![
                    field(theme, "attempt", a.id.clone()),
                    field(theme, "status", opt(&a.status)),
                    field(theme, "created", opt(&a.created_time)),
                ];
                for (key, value) in &a.extra {
                    lines.push(field(theme, key, plain_value(&Some(value.clone()))));
                }
                lines
            }
        },
        Pane::Media => match model.selected_media() {
            None => vec![],
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
    let block = Block::bordered().border_style(theme.dim()).title(" details ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
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
    frame.render_widget(Paragraph::new(lines), text_area);
    if let Some(key) = preview {
        preview_box(model, theme, frame, layout::preview_rect(area), &key);
    }
}

/// The selected media's picture, or why there is none (yet).
fn preview_box(model: &Model, theme: &Theme, frame: &mut Frame, area: Rect, key: &PreviewKey) {
    let note = |text: String| Paragraph::new(Line::from(Span::styled(text, theme.dim()))).alignment(Alignment::Center);
    match model.previews.get(key) {
        Some(Load::Ready(image)) => frame.render_widget(Image::new(&image.0), area),
        Some(Load::Failed(why)) => frame.render_widget(note(clean(&why.message)).wrap(Wrap { trim: true }), area),
        _ => frame.render_widget(note(format!("{} preview", super::spinner(model))), area),
    }
}
