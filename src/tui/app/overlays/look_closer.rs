//! `z` and `v`: looking closer. The selected picture on the whole screen (`j`
//! `k` move on), or the attempt's document front beside its best face; `X`
//! shows what redaction hides.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::api::{Media, MediaKind};
use crate::ids::MediaId;
use crate::text::clean;
use crate::tui::app::input::move_cursor;
use crate::tui::app::{Cmd, MediaView, Model, Overlay, Pane, PreviewKey, Status};
use crate::tui::keymap::Action;
use crate::tui::layout;
use crate::tui::ui::Theme;

/// One picture of a look-closer overlay: what it shows, and its preview.
pub struct Picture<'a> {
    pub title: String,
    pub media: Option<&'a Media>,
    pub key: Option<PreviewKey>,
    /// For a video, its mimetype.
    pub video: Option<String>,
    /// Hidden by redaction: not fetched, not drawn.
    pub hidden: bool,
}

impl Model {
    /// What the look-closer overlay shows: the selected media on the whole screen,
    /// or the document front beside the best face (each list is best first).
    pub fn pictures_looked_at(&self) -> Vec<Picture<'_>> {
        let (width, height) = self.size;
        let keyed = |title, media, size| picture(self, title, media, size);
        match self.overlay {
            Overlay::Zoom => {
                let media = self.selected_media().filter(|(kind, _)| *kind != MediaKind::Nfc);
                let title = media
                    .and_then(|(_, m)| m.context.clone())
                    .unwrap_or_else(|| "no picture selected".into());
                vec![keyed(title, media, layout::zoom_size(width, height))]
            }
            Overlay::Compare => {
                let images: Vec<(MediaKind, &Media)> = match self.media_view() {
                    MediaView::Ready { list, .. } => list.images.iter().map(|m| (MediaKind::Image, m)).collect(),
                    _ => Vec::new(),
                };
                let best = |exact: &str| {
                    let context = |m: &Media| m.context.clone().unwrap_or_default();
                    images
                        .iter()
                        .find(|(_, m)| context(m) == exact)
                        .or_else(|| images.iter().find(|(_, m)| context(m).starts_with(exact)))
                        .copied()
                };
                let size = layout::compare_size(width, height);
                [("document-front", best("document-front")), ("face", best("face"))]
                    .into_iter()
                    .map(|(wanted, found)| {
                        let title = match found {
                            Some((_, m)) => m.context.clone().unwrap_or_else(|| wanted.into()),
                            None => format!("no {wanted} image in this attempt"),
                        };
                        keyed(title, found, size)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

fn picture<'a>(model: &Model, title: String, media: Option<(MediaKind, &'a Media)>, size: (u16, u16)) -> Picture<'a> {
    let usable = model.previews_on && size.0 >= 4 && size.1 >= 2;
    Picture {
        hidden: media.is_some_and(|(_, m)| model.hidden(&m.id.as_str().into())),
        title,
        media: media.map(|(_, m)| m),
        key: media.filter(|_| usable).map(|(_, m)| PreviewKey {
            media: m.id.as_str().into(),
            width: size.0,
            height: size.1,
        }),
        video: media
            .filter(|(kind, _)| *kind == MediaKind::Video)
            .map(|(_, m)| m.mimetype.clone().unwrap_or_default()),
    }
}

pub(in crate::tui::app) fn zoom(model: &mut Model) -> Vec<Cmd> {
    if model.focus != Pane::Media || model.selected_media().is_none_or(|(kind, _)| kind == MediaKind::Nfc) {
        model.status = Some(Status::info(format!(
            "{} shows a picture on the whole screen: select one in the media pane first",
            model.browse_key(Action::Zoom)
        )));
        return Vec::new();
    }
    model.overlay = Overlay::Zoom;
    Vec::new()
}

pub(in crate::tui::app) fn compare(model: &mut Model) -> Vec<Cmd> {
    if !matches!(model.media_view(), MediaView::Ready { .. }) {
        model.status = Some(Status::info("the attempt's media are still loading"));
        return Vec::new();
    }
    model.overlay = Overlay::Compare;
    Vec::new()
}

/// Keys while looking closer: through the media while zoomed, like an image
/// viewer; reveal under redaction; close.
pub(in crate::tui::app) fn on_key(model: &mut Model, action: Option<Action>) -> Vec<Cmd> {
    match (&model.overlay, action) {
        (Overlay::Zoom, Some(Action::Down)) => move_cursor(model, 1),
        (Overlay::Zoom, Some(Action::Up)) => move_cursor(model, -1),
        (_, Some(Action::Reveal)) => reveal(model),
        (_, Some(Action::Cancel)) => {
            model.overlay = Overlay::None;
            Vec::new()
        }
        _ => Vec::new(),
    }
}

/// Shows the selected picture (or every picture looked at closer) despite
/// redaction, until the selection changes. Saving and opening never needed it:
/// files are evidence.
pub(in crate::tui::app) fn reveal(model: &mut Model) -> Vec<Cmd> {
    if !model.redact.on {
        model.status = Some(Status::info("nothing is hidden: redaction is off"));
        return Vec::new();
    }
    let pictures: Vec<MediaId> = if matches!(model.overlay, Overlay::Zoom | Overlay::Compare) {
        model
            .pictures_looked_at()
            .iter()
            .filter_map(|c| c.media)
            .map(|m| m.id.as_str().into())
            .collect()
    } else {
        model
            .selected_media()
            .filter(|(kind, _)| *kind != MediaKind::Nfc)
            .map(|(_, m)| m.id.as_str().into())
            .into_iter()
            .collect()
    };
    if pictures.is_empty() {
        model.status = Some(Status::info("no picture selected to reveal"));
        return Vec::new();
    }
    model.revealed.extend(pictures);
    model.status = Some(Status::error(
        "picture shown despite redaction: it hides again when the selection changes",
    ));
    Vec::new()
}

/// Look closer: the selected picture on the whole screen, or the document front
/// beside the best face, each as large as the screen allows.
pub fn draw(model: &Model, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Clear, area);
    let pictures = model.pictures_looked_at();
    let rects: Vec<Rect> = if pictures.len() == 2 {
        crate::tui::layout::compare_rects(area).to_vec()
    } else {
        vec![area]
    };
    for (picture, rect) in pictures.iter().zip(rects) {
        let block = Block::bordered().border_type(BorderType::Double).title(format!(
            " {} · {} returns ",
            clean(&picture.title),
            model.key_for(Action::Cancel)
        ));
        let inner = block.inner(rect);
        frame.render_widget(block, rect);
        let note = |text: String| {
            Paragraph::new(Line::from(Span::styled(text, theme.dim())))
                .alignment(ratatui::layout::Alignment::Center)
                .wrap(Wrap { trim: true })
        };
        match &picture.key {
            _ if picture.hidden => frame.render_widget(note(model.hidden_note()), inner),
            None if picture.media.is_some() => {
                frame.render_widget(note("previews are off (--image-protocol none)".into()), inner)
            }
            None => {}
            Some(key) => match model.store.preview(key) {
                Some(crate::tui::app::Load::Ready(image)) => {
                    frame.render_widget(ratatui_image::Image::new(&image.0), inner)
                }
                Some(crate::tui::app::Load::Failed(why)) => frame.render_widget(note(clean(&why.message)), inner),
                _ => frame.render_widget(note(format!("{} loading", crate::tui::ui::spinner(model))), inner),
            },
        }
    }
}
