//! A QR code drawn with Unicode half blocks, two modules a character cell, so a
//! verification link can be scanned off the terminal by the customer's phone.

use qrcode::{Color, QrCode};

/// Light modules around the code; scanners need a margin to find it.
const QUIET_ZONE: usize = 2;

/// The QR code of `text` as lines of half blocks. Light modules are drawn (the
/// terminal's foreground) and dark ones left blank (its background): right for
/// the dark backgrounds most terminals use, and scanners read the other way too.
pub fn half_block_lines(text: &str) -> Result<Vec<String>, String> {
    let code = QrCode::new(text.as_bytes()).map_err(|e| format!("cannot make a QR code: {e}"))?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let light = |x: usize, y: usize| -> bool {
        if x < QUIET_ZONE || y < QUIET_ZONE || x >= width + QUIET_ZONE || y >= width + QUIET_ZONE {
            return true;
        }
        colors[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Light
    };
    let lines = (0..size)
        .step_by(2)
        .map(|y| {
            (0..size)
                .map(|x| match (light(x, y), y + 1 < size && light(x, y + 1)) {
                    (true, true) => '█',
                    (true, false) => '▀',
                    (false, true) => '▄',
                    (false, false) => ' ',
                })
                .collect()
        })
        .collect();
    Ok(lines)
}
