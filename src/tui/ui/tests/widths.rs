//! Names from the server in other scripts: wide CJK, emoji (joined ones too) and
//! right-to-left text keep every column after them where it belongs.

use ratatui::buffer::Buffer;

use super::{COLOR, model_with, render};
use crate::api::MediaList;
use crate::tui::app::Pane;

const NAMES: [&str; 7] = [
    "山田太郎-document",
    "👩\u{200D}👩\u{200D}👧 family",
    "❤\u{FE0F} heart",
    "👍\u{1F3FD} ok",
    "שלום עולם",
    "مرحبا بك",
    "face\u{202E}gpj.exe",
];

/// The first cell of `text` on row `y`, reading cells (a wide character's
/// second cell holds nothing of its own).
fn cell_of(buffer: &Buffer, y: u16, text: &str) -> Option<u16> {
    let width = buffer.area.width;
    (0..width).find(|&x| {
        let mut joined = String::new();
        let mut cx = x;
        while cx < width && joined.len() < text.len() {
            joined.push_str(buffer[(cx, y)].symbol());
            cx += 1;
        }
        joined == text
    })
}

#[test]
fn wide_emoji_and_right_to_left_names_keep_the_media_columns_aligned() {
    let images: Vec<_> = NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| serde_json::json!({"id": format!("m{i}"), "context": name, "size": 2048, "mimetype": "image/jpeg"}))
        .collect();
    let list: MediaList = serde_json::from_value(serde_json::json!({ "images": images })).unwrap();
    for width in [140, 100, 80] {
        let mut model = model_with(Ok(list.clone()), width, 30);
        model.focus = Pane::Media;
        let terminal = render(&model, COLOR, width, 30);
        let buffer = terminal.backend().buffer();
        let media = crate::tui::layout::areas(buffer.area).panes[Pane::Media as usize];
        let mut size_columns = Vec::new();
        let mut type_columns = Vec::new();
        for y in media.top() + 1..media.bottom() - 1 {
            if let Some(x) = cell_of(buffer, y, "2.0 KiB") {
                size_columns.push(x);
                type_columns.push(cell_of(buffer, y, "image/jpeg"));
            }
        }
        let screen = super::text(buffer);
        assert_eq!(
            size_columns.len(),
            NAMES.len(),
            "{width}: every row shows its size:\n{screen}"
        );
        assert!(
            size_columns.windows(2).all(|w| w[0] == w[1]),
            "{width}: sizes at columns {size_columns:?}:\n{screen}"
        );
        assert!(
            type_columns.windows(2).all(|w| w[0] == w[1]),
            "{width}: types at columns {type_columns:?}:\n{screen}"
        );
        // The pane's right border is one straight line.
        for y in media.top() + 1..media.bottom() - 1 {
            let border = buffer[(media.right() - 1, y)].symbol();
            assert!(
                border == "┃" || border == "│",
                "{width}: row {y} ends in {border:?}:\n{screen}"
            );
        }
    }
}
