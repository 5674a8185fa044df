//! The three response examples on Veriff's attempt-media page, copied verbatim into
//! `tests/fixtures/seed_*.json`, must parse as they stand.

use veriff_tui::api::{MediaKind, MediaList};

const SESSION: &str = "f04bdb47-d3be-4b28-b028-a652feb060b5";

fn parse(name: &str) -> MediaList {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} does not parse: {e}"))
}

#[test]
fn standard_attempt_keeps_ids_order_and_sizes() {
    let list = parse("seed_standard.json");
    assert_eq!(list.status.as_deref(), Some("success"));
    let ids: Vec<&str> = list.images.iter().map(|m| m.id.as_str()).collect();
    // Veriff's own examples are not valid UUIDs (g, h): ids are opaque text.
    assert_eq!(
        ids,
        [
            "d69a07cf-4434-4d36-be6c-d22af7dc01fb",
            "e7ab18d1-5545-5e47-af7b-e23gb6247f80",
            "a2cd45e3-6656-6f58-bg8c-f34hc7358g91",
        ]
    );
    let contexts: Vec<&str> = list.images.iter().filter_map(|m| m.context.as_deref()).collect();
    assert_eq!(contexts, ["document-front", "document-back", "face"], "order kept");
    let sizes: Vec<Option<u64>> = list.images.iter().map(|m| m.size).collect();
    assert_eq!(sizes, [Some(245_678), Some(238_956), Some(198_432)]);
    for image in &list.images {
        assert_eq!(image.mimetype.as_deref(), Some("image/jpeg"));
        assert_eq!(image.session_id.as_deref(), Some(SESSION));
        assert_eq!(image.duration, None);
        assert_eq!(
            image.url.as_deref(),
            Some(format!("https://exampleURL.com/v1/media/{}", image.id).as_str())
        );
    }
    assert!(list.videos.is_empty());
    assert_eq!(list.len(), 3);
    assert!(list.items().all(|(kind, _)| kind == MediaKind::Image));
}

#[test]
fn video_only_attempt_without_an_images_key() {
    let list = parse("seed_video_only.json");
    assert!(list.images.is_empty(), "a missing images array is an empty one");
    assert_eq!(list.videos.len(), 1);
    let video = &list.videos[0];
    assert_eq!(video.id, "b3de56f4-7767-7g69-ch9d-g45id8469h02");
    assert_eq!(video.context.as_deref(), Some("selfid_video"));
    assert_eq!(video.name.as_deref(), Some("selfid_video"));
    assert_eq!(video.size, Some(1_456_789));
    assert_eq!(video.mimetype.as_deref(), Some("video/mp4"));
    assert_eq!(video.duration, Some(8.0));
    assert_eq!(video.session_id.as_deref(), Some(SESSION));
    let items: Vec<_> = list.items().map(|(kind, m)| (kind, m.id.as_str())).collect();
    assert_eq!(items, [(MediaKind::Video, "b3de56f4-7767-7g69-ch9d-g45id8469h02")]);
}

#[test]
fn attempt_without_media_is_empty() {
    let list = parse("seed_empty.json");
    assert_eq!(list.status.as_deref(), Some("success"));
    assert!(list.is_empty());
    assert_eq!(list.len(), 0);
    assert!(list.extra.is_empty());
}
