#!/usr/bin/env bash
# Takes real screenshots of veriff-tui for the README and the guides.
#
# Runs the debug build against its built-in demo server (loopback only, no
# config, throwaway HOME) inside a private, detached tmux server, captures the
# pane with its colours (`tmux capture-pane -e`) and draws that, cell by cell,
# into a PNG with Pillow. What it shows (SHOT):
#   media  (default) assets/screenshot.png, 120x36: `l` gives the media pane
#          focus and the details area shows the first document photo as a
#          half-block preview
#   inbox  assets/inbox-80x24.png: `--demo inbox`, the queue's first view
#   card   assets/card-80x24.png: `--demo`, the first session's triage card
#   all    the three above, each into its default file
# Box-drawing and block characters are drawn as shapes, so borders and the
# preview join up exactly; text uses DejaVu Sans Mono.
#
# Needs these Debian/Ubuntu packages:
#   apt-get install tmux python3 python3-pil fonts-dejavu-core
# Optional: optipng (makes the PNG smaller).
# And the debug binary: it runs `cargo build` if target/debug/veriff-tui is missing.
#
# Usage: assets/screenshot.sh [OUT.png]      (from any directory)
# Environment knobs:
#   SHOT          media, inbox, card or all (above; default media)
#   COLS, ROWS    terminal size in cells (default 120x36 for media, else 80x24)
#   MEDIA_STEPS   SHOT=media: how many times to press `j` in the media pane (default 0:
#                 document-front; 1 document-back, 2 face, 3 face-pre)
#   VERIFF_TUI    binary to run (default target/debug/veriff-tui)
#   PYTHON        a python3 with Pillow (default: python3, else /usr/bin/python3)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
SHOT="${SHOT:-media}"
if [[ "$SHOT" == all ]]; then
  for shot in media inbox card; do SHOT="$shot" "${BASH_SOURCE[0]}"; done
  exit 0
fi
# What to run, at what size, into which file, and the text that says it is drawn.
case "$SHOT" in
  media) DEFAULT_SIZE=(120 36); DEFAULT_OUT=screenshot.png; ARGS=(--demo); READY="media 1/" ;;
  inbox) DEFAULT_SIZE=(80 24); DEFAULT_OUT=inbox-80x24.png; ARGS=(--demo inbox); READY="needs review" ;;
  card) DEFAULT_SIZE=(80 24); DEFAULT_OUT=card-80x24.png; ARGS=(--demo); READY="attempts 1/" ;;
  *) echo "screenshot.sh: SHOT is media, inbox, card or all, not '$SHOT'" >&2; exit 1 ;;
esac
OUT="${1:-$HERE/$DEFAULT_OUT}"
COLS="${COLS:-${DEFAULT_SIZE[0]}}"
ROWS="${ROWS:-${DEFAULT_SIZE[1]}}"
MEDIA_STEPS="${MEDIA_STEPS:-0}"
BIN="${VERIFF_TUI:-$ROOT/target/debug/veriff-tui}"
FONT_DIR=/usr/share/fonts/truetype/dejavu

die() { echo "screenshot.sh: $*" >&2; exit 1; }

command -v tmux >/dev/null 2>&1 || die "missing tmux (apt-get install tmux)"
for f in DejaVuSansMono.ttf DejaVuSansMono-Bold.ttf DejaVuSansMono-Oblique.ttf DejaVuSansMono-BoldOblique.ttf; do
  [[ -f "$FONT_DIR/$f" ]] || die "missing font $FONT_DIR/$f (apt-get install fonts-dejavu-core)"
done
PY=""
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import PIL' >/dev/null 2>&1; then PY="$p"; break; fi
done
[[ -n "$PY" ]] || die "no python3 with Pillow (apt-get install python3-pil)"
if [[ ! -x "$BIN" ]]; then
  [[ -z "${VERIFF_TUI:-}" ]] || die "not executable: $BIN"
  echo "screenshot.sh: building $BIN" >&2
  (cd "$ROOT" && cargo build)
fi

TMP="$(mktemp -d)"
SOCK="$TMP/tmux.sock"
tmx() { tmux -u -S "$SOCK" "$@"; }
cleanup() {
  tmux -S "$SOCK" kill-server >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
mkdir -p "$TMP/home"

# Polls the visible screen until it contains the fixed string $1.
wait_for() {
  shows "$1" 150 && return 0
  tmx capture-pane -p -t shot >&2 || true
  die "timed out waiting for '$1' on screen"
}
# Whether the visible screen shows the fixed string $1 within $2 tenths of a second.
shows() {
  local i
  for ((i = 0; i < $2; i++)); do
    if tmx capture-pane -p -t shot | grep -qF -- "$1"; then return 0; fi
    sleep 0.1
  done
  return 1
}
# Waits until the screen (with colours) stops changing for a second.
wait_settled() {
  local prev="" cur i
  for ((i = 0; i < 30; i++)); do
    sleep 0.5
    cur="$(tmx capture-pane -p -e -t shot)"
    if [[ "$cur" == "$prev" ]]; then return 0; fi
    prev="$cur"
  done
}

# A clean environment: no proxies, no VERIFF_* settings, throwaway HOME. The
# demo server listens on 127.0.0.1 only and the app talks to nothing else.
printf -v CMD '%q ' env -i HOME="$TMP/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
  TERM=xterm-256color COLORTERM=truecolor "$BIN" --image-protocol halfblocks "${ARGS[@]}"
tmx -f /dev/null new-session -d -s shot -x "$COLS" -y "$ROWS" "$CMD"
tmx set-option -g status off
tmx resize-window -t shot -x "$COLS" -y "$ROWS"

wait_for "$READY"
wait_settled
if [[ "$SHOT" == media ]]; then
  # The media pane is right of the attempts pane, which is right of the sessions
  # pane: `l` until the preview's half blocks show, whichever pane has focus.
  for ((i = 0; i < 3; i++)); do
    tmx send-keys -t shot l
    if shows "▀" 50; then break; fi
  done
  for ((i = 0; i < MEDIA_STEPS; i++)); do
    sleep 0.3
    tmx send-keys -t shot j
  done
  wait_for "▀"
  wait_settled
fi

read -r PW PH < <(tmx display-message -p -t shot '#{pane_width} #{pane_height}')
[[ "$PW" == "$COLS" && "$PH" == "$ROWS" ]] || die "pane is ${PW}x${PH}, wanted ${COLS}x${ROWS}"
tmx capture-pane -p -e -t shot > "$TMP/screen.ans"
tmx send-keys -t shot q

cat > "$TMP/ansi2png.py" <<'PY'
"""Renders `tmux capture-pane -p -e` output (SGR escapes) into a PNG, cell by cell.

Usage: ansi2png.py IN.ans OUT.png COLS ROWS
"""
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT_SIZE = 16
CELL_W, CELL_H = 10, 20  # pixels; a half block is then a 10x10 square
PAD = 10  # margin around the terminal, in the background colour

DEFAULT_FG = (205, 214, 224)
DEFAULT_BG = (24, 26, 33)
# A calm dark palette for the 16 ANSI colours (what ratatui's Color::Cyan etc. become).
PALETTE16 = [
    (40, 44, 52), (224, 108, 117), (152, 195, 121), (229, 192, 123),
    (97, 175, 239), (198, 120, 221), (86, 182, 194), (200, 204, 212),
    (110, 118, 135), (240, 128, 136), (172, 215, 141), (240, 208, 140),
    (120, 190, 250), (214, 140, 235), (110, 204, 214), (240, 242, 246),
]


def xterm256(n):
    if n < 16:
        return PALETTE16[n]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + 10 * (n - 232)
    return (v, v, v)


class Style:
    __slots__ = ("fg", "bg", "bold", "dim", "italic", "underline", "reverse")

    def __init__(self):
        self.reset()

    def reset(self):
        self.fg = None
        self.bg = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def copy(self):
        s = Style()
        for k in self.__slots__:
            setattr(s, k, getattr(self, k))
        return s


def apply_sgr(style, params):
    ps = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(ps):
        p = ps[i]
        if p == 0:
            style.reset()
        elif p == 1:
            style.bold = True
        elif p == 2:
            style.dim = True
        elif p == 3:
            style.italic = True
        elif p in (4, 21):
            style.underline = True
        elif p == 7:
            style.reverse = True
        elif p == 22:
            style.bold = style.dim = False
        elif p == 23:
            style.italic = False
        elif p == 24:
            style.underline = False
        elif p == 27:
            style.reverse = False
        elif 30 <= p <= 37:
            style.fg = PALETTE16[p - 30]
        elif 90 <= p <= 97:
            style.fg = PALETTE16[p - 90 + 8]
        elif 40 <= p <= 47:
            style.bg = PALETTE16[p - 40]
        elif 100 <= p <= 107:
            style.bg = PALETTE16[p - 100 + 8]
        elif p == 39:
            style.fg = None
        elif p == 49:
            style.bg = None
        elif p in (38, 48) and i + 1 < len(ps):
            col = None
            if ps[i + 1] == 5 and i + 2 < len(ps):
                col = xterm256(ps[i + 2])
                i += 2
            elif ps[i + 1] == 2 and i + 4 < len(ps):
                col = tuple(ps[i + 2:i + 5])
                i += 4
            if p == 38:
                style.fg = col
            else:
                style.bg = col
        i += 1


ESC_RE = re.compile(r"\x1b(?:\[([0-9;:]*)([@-~])|\][^\x07\x1b]*(?:\x07|\x1b\\)|.)")


def parse(text, cols, rows):
    grid = [[(" ", Style()) for _ in range(cols)] for _ in range(rows)]
    style = Style()  # tmux carries attributes over line ends
    for y, line in enumerate(text.split("\n")[:rows]):
        x = pos = 0
        while pos < len(line):
            ch = line[pos]
            if ch == "\x1b":
                m = ESC_RE.match(line, pos)
                if m:
                    if m.group(2) == "m":
                        apply_sgr(style, m.group(1).replace(":", ";"))
                    pos = m.end()
                else:
                    pos += 1
                continue
            pos += 1
            if ch == "\r" or unicodedata.combining(ch):
                continue
            if x < cols:
                grid[y][x] = (ch, style.copy())
            x += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        while x < cols:  # tmux trims trailing blanks
            grid[y][x] = (" ", style.copy())
            x += 1
    return grid


# Box drawing: char -> (left, right, up, down); 1 light, 2 heavy, 3 double.
BOX = {}
for chars, specs in [
    ("─━│┃", [(1, 1, 0, 0), (2, 2, 0, 0), (0, 0, 1, 1), (0, 0, 2, 2)]),
    ("┌┏┐┓└┗┘┛", [(0, 1, 0, 1), (0, 2, 0, 2), (1, 0, 0, 1), (2, 0, 0, 2),
                  (0, 1, 1, 0), (0, 2, 2, 0), (1, 0, 1, 0), (2, 0, 2, 0)]),
    ("├┣┤┫┬┳┴┻┼╋", [(0, 1, 1, 1), (0, 2, 2, 2), (1, 0, 1, 1), (2, 0, 2, 2),
                    (1, 1, 0, 1), (2, 2, 0, 2), (1, 1, 1, 0), (2, 2, 2, 0),
                    (1, 1, 1, 1), (2, 2, 2, 2)]),
    ("╭╮╯╰", [(0, 1, 0, 1), (1, 0, 0, 1), (1, 0, 1, 0), (0, 1, 1, 0)]),
    ("═║╔╗╚╝╠╣╦╩╬", [(3, 3, 0, 0), (0, 0, 3, 3), (0, 3, 0, 3), (3, 0, 0, 3),
                    (0, 3, 3, 0), (3, 0, 3, 0), (0, 3, 3, 3), (3, 0, 3, 3),
                    (3, 3, 0, 3), (3, 3, 3, 0), (3, 3, 3, 3)]),
    ("╴╵╶╷", [(1, 0, 0, 0), (0, 0, 1, 0), (0, 1, 0, 0), (0, 0, 0, 1)]),
]:
    BOX.update(zip(chars, specs))


def draw_box(d, x0, y0, spec, fg):
    left, right, up, down = spec
    cx, cy = x0 + CELL_W // 2, y0 + CELL_H // 2
    thick = {1: 1, 2: 3}
    ext = max(thick.get(v, 1) for v in spec if v) // 2  # reach past the centre so corners close

    def hseg(xa, xb, w):
        if w == 3:
            d.rectangle([xa, cy - 2, xb, cy - 2], fill=fg)
            d.rectangle([xa, cy + 1, xb, cy + 1], fill=fg)
        else:
            t = thick[w]
            d.rectangle([xa, cy - t // 2, xb, cy - t // 2 + t - 1], fill=fg)

    def vseg(ya, yb, w):
        if w == 3:
            d.rectangle([cx - 2, ya, cx - 2, yb], fill=fg)
            d.rectangle([cx + 1, ya, cx + 1, yb], fill=fg)
        else:
            t = thick[w]
            d.rectangle([cx - t // 2, ya, cx - t // 2 + t - 1, yb], fill=fg)

    vert, horiz = bool(up or down), bool(left or right)
    if left:
        hseg(x0, cx + (ext if vert else 0), left)
    if right:
        hseg(cx - (ext if vert else 0), x0 + CELL_W - 1, right)
    if up:
        vseg(y0, cy + (ext if horiz else 0), up)
    if down:
        vseg(cy - (ext if horiz else 0), y0 + CELL_H - 1, down)


def mix(a, b, t):
    return tuple(round(a[i] * (1 - t) + b[i] * t) for i in range(3))


def draw_block(d, x0, y0, ch, fg, bg):
    """Block elements U+2580..U+259F as rectangles; False if `ch` is not one."""
    o = ord(ch)
    W, H = CELL_W, CELL_H

    def rect(xa, ya, xb, yb):
        d.rectangle([x0 + xa, y0 + ya, x0 + xb - 1, y0 + yb - 1], fill=fg)

    if o == 0x2580:
        rect(0, 0, W, H // 2)
    elif 0x2581 <= o <= 0x2588:  # lower n/8
        rect(0, H - round(H * (o - 0x2580) / 8), W, H)
    elif 0x2589 <= o <= 0x258F:  # left n/8
        rect(0, 0, round(W * (0x2590 - o) / 8), H)
    elif o == 0x2590:
        rect(W // 2, 0, W, H)
    elif o in (0x2591, 0x2592, 0x2593):  # shades
        d.rectangle([x0, y0, x0 + W - 1, y0 + H - 1], fill=mix(bg, fg, (o - 0x2590) / 4))
    elif o == 0x2594:
        rect(0, 0, W, round(H / 8))
    elif o == 0x2595:
        rect(W - round(W / 8), 0, W, H)
    elif 0x2596 <= o <= 0x259F:  # quadrants
        quads = {0x2596: "3", 0x2597: "4", 0x2598: "1", 0x2599: "134",
                 0x259A: "14", 0x259B: "123", 0x259C: "124", 0x259D: "2",
                 0x259E: "23", 0x259F: "234"}[o]
        hw, hh = W // 2, H // 2
        boxes = {"1": (0, 0, hw, hh), "2": (hw, 0, W, hh), "3": (0, hh, hw, H), "4": (hw, hh, W, H)}
        for q in quads:
            rect(*boxes[q])
    else:
        return False
    return True


def main():
    src, out, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(src, encoding="utf-8", errors="replace") as f:
        grid = parse(f.read().rstrip("\n"), cols, rows)
    fonts = {
        (False, False): ImageFont.truetype(f"{FONT_DIR}/DejaVuSansMono.ttf", FONT_SIZE),
        (True, False): ImageFont.truetype(f"{FONT_DIR}/DejaVuSansMono-Bold.ttf", FONT_SIZE),
        (False, True): ImageFont.truetype(f"{FONT_DIR}/DejaVuSansMono-Oblique.ttf", FONT_SIZE),
        (True, True): ImageFont.truetype(f"{FONT_DIR}/DejaVuSansMono-BoldOblique.ttf", FONT_SIZE),
    }
    ascent, descent = fonts[(False, False)].getmetrics()
    baseline = (CELL_H - (ascent + descent)) // 2 + ascent

    img = Image.new("RGB", (cols * CELL_W + 2 * PAD, rows * CELL_H + 2 * PAD), DEFAULT_BG)
    d = ImageDraw.Draw(img)
    for y, row in enumerate(grid):
        for x, (ch, st) in enumerate(row):
            fg = st.fg or DEFAULT_FG
            bg = st.bg or DEFAULT_BG
            if st.reverse:
                fg, bg = bg, fg
            if st.dim:
                fg = mix(fg, bg, 0.45)
            x0, y0 = PAD + x * CELL_W, PAD + y * CELL_H
            if bg != DEFAULT_BG:
                d.rectangle([x0, y0, x0 + CELL_W - 1, y0 + CELL_H - 1], fill=bg)
            if ch == " ":
                pass
            elif ch in BOX:
                draw_box(d, x0, y0, BOX[ch], fg)
            elif not draw_block(d, x0, y0, ch, fg, bg):
                font = fonts[(st.bold, st.italic)]
                adv = font.getlength(ch)  # a bit under CELL_W: centre the glyph
                d.text((x0 + (CELL_W - adv) / 2, y0 + baseline), ch, font=font, fill=fg, anchor="ls")
            if st.underline:
                d.line([x0, y0 + baseline + 2, x0 + CELL_W - 1, y0 + baseline + 2], fill=fg)
    img.save(out, optimize=True)


if __name__ == "__main__":
    main()
PY

"$PY" "$TMP/ansi2png.py" "$TMP/screen.ans" "$TMP/screenshot.png" "$COLS" "$ROWS"
if command -v optipng >/dev/null 2>&1; then
  optipng -quiet -o5 -strip all "$TMP/screenshot.png"
fi
mkdir -p "$(dirname "$OUT")"
mv -f "$TMP/screenshot.png" "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes)"
