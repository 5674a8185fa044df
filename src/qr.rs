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

#[cfg(test)]
mod tests {
    use super::*;

    /// The drawn cells turned back into a picture (light = white), 4 pixels a
    /// module, and read with a QR decoder.
    fn decode(lines: &[String]) -> String {
        const SCALE: usize = 4;
        let modules: Vec<Vec<bool>> = lines
            .iter()
            .flat_map(|line| {
                let cells: Vec<char> = line.chars().collect();
                let top = cells.iter().map(|c| matches!(c, '█' | '▀')).collect::<Vec<_>>();
                let bottom = cells.iter().map(|c| matches!(c, '█' | '▄')).collect::<Vec<_>>();
                [top, bottom]
            })
            .collect();
        let (width, height) = (modules[0].len() * SCALE, modules.len() * SCALE);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, |x, y| {
            if modules[y / SCALE][x / SCALE] { 255 } else { 0 }
        });
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one QR code found");
        grids[0].decode().expect("the code decodes").1
    }

    #[test]
    fn the_drawn_code_decodes_back_to_the_url() {
        for url in [
            "http://127.0.0.1:8790/v/09835832-5617-4a9d-ad55-93b1534ce2bc",
            "https://alchemy.veriff.com/v/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXNzaW9uX2lkIjoiYzBmZmVlMDAifQ.c2lnbmF0dXJl",
        ] {
            let lines = half_block_lines(url).unwrap();
            assert!(lines.iter().all(|l| l.chars().count() == lines[0].chars().count()));
            assert_eq!(decode(&lines), url);
        }
    }
}
