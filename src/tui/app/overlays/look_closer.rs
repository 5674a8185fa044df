//! `z` and `v`: looking closer. The selected picture on the whole screen (`j`
//! `k` move on), the attempt's document front beside its best face, or (`v` in
//! the linked list) this session's face beside a linked session's; `X` shows
//! what redaction hides.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use crate::api::{Media, MediaKind};
use crate::ids::MediaId;
use crate::text::clean;
use crate::tui::app::{Cmd, Load, MediaView, Model, Overlay, Pane, PreviewKey, Status};
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
        // Each title names the session its picture is of.
        let of_selected = |title: String| match self.selected_session() {
            Some(session) => format!("{title} · session {}", session.short()),
            None => title,
        };
        match self.overlay {
            Overlay::Zoom => {
                let media = self.selected_media().filter(|(kind, _)| *kind != MediaKind::Nfc);
                let title = media
                    .and_then(|(_, m)| m.context.clone())
                    .unwrap_or_else(|| "no picture selected".into());
                vec![keyed(of_selected(title), media, layout::zoom_size(width, height))]
            }
            Overlay::Compare => {
                let images: &[Media] = match self.media_view() {
                    MediaView::Ready { list, .. } => &list.images,
                    _ => &[],
                };
                let size = layout::compare_size(width, height);
                ["document-front", "face"]
                    .into_iter()
                    .map(|wanted| {
                        let found = best_image(images, wanted);
                        let title = match found {
                            Some(m) => m.context.clone().unwrap_or_else(|| wanted.into()),
                            None => format!("no {wanted} image in this attempt"),
                        };
                        keyed(of_selected(title), found.map(|m| (MediaKind::Image, m)), size)
                    })
                    .collect()
            }
            Overlay::Faces { ref linked, .. } => {
                let size = layout::compare_size(width, height);
                let sessions = [self.selected_session(), Some(linked)];
                sessions
                    .into_iter()
                    .flatten()
                    .map(|session| {
                        let (title, found) = match self.store.session_media(session) {
                            Some(Load::Ready(list)) => match best_image(&list.images, "face") {
                                Some(m) => (format!("face · session {}", session.short()), Some(m)),
                                None => (format!("no face image in session {}", session.short()), None),
                            },
                            Some(Load::Failed(f)) => {
                                (format!("session {}: {}", session.short(), clean(&f.message)), None)
                            }
                            _ => (format!("session {} loading", session.short()), None),
                        };
                        keyed(title, found.map(|m| (MediaKind::Image, m)), size)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }
}

/// The image whose context is `exact`, else the first whose context starts
/// with it (`face-pre` for `face`): the lists come best first.
fn best_image<'a>(images: &'a [Media], exact: &str) -> Option<&'a Media> {
    let context = |m: &Media| m.context.clone().unwrap_or_default();
    images
        .iter()
        .find(|m| context(m) == exact)
        .or_else(|| images.iter().find(|m| context(m).starts_with(exact)))
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
        (Overlay::Zoom, Some(Action::Down)) => model.move_cursor(1),
        (Overlay::Zoom, Some(Action::Up)) => model.move_cursor(-1),
        (_, Some(Action::Reveal)) => reveal(model),
        // Back to the linked list it came from, on the same row.
        (Overlay::Faces { cursor, .. }, Some(Action::Cancel)) => {
            model.overlay = Overlay::Linked { cursor: *cursor };
            Vec::new()
        }
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
    let pictures: Vec<MediaId> = if model.overlay.is_looking_closer() {
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
    let last = pictures.len().saturating_sub(1);
    for (i, (picture, rect)) in pictures.iter().zip(rects).enumerate() {
        // The way back once, on the last: two titles side by side at 80
        // columns have room for their session, not for the key twice.
        let back = if i == last {
            format!(" · {} back", model.key_for(Action::Cancel))
        } else {
            String::new()
        };
        let block = Block::bordered()
            .border_type(BorderType::Double)
            .title(format!(" {}{back} ", clean(&picture.title)));
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
