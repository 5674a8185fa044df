#!/usr/bin/env bash
# Regenerates the synthetic demo media in assets/demo/.
# Everything here is drawn from geometric primitives and text: no real person,
# no real country's document. Every file is marked "SPECIMEN".
# Needs: imagemagick ffmpeg fonts-dejavu-core (Debian/Ubuntu package names).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OUT="$HERE/demo"
FONT_DIR=/usr/share/fonts/truetype/dejavu
FONT="$FONT_DIR/DejaVuSans-Bold.ttf"
FONT_REG="$FONT_DIR/DejaVuSans.ttf"
FONT_MONO="$FONT_DIR/DejaVuSansMono-Bold.ttf"

for tool in convert ffmpeg; do
  command -v "$tool" >/dev/null 2>&1 || { echo "missing: $tool (apt-get install imagemagick ffmpeg fonts-dejavu-core)" >&2; exit 1; }
done
for f in "$FONT" "$FONT_REG" "$FONT_MONO"; do
  [[ -f "$f" ]] || { echo "missing font: $f (apt-get install fonts-dejavu-core)" >&2; exit 1; }
done

mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Common image output options: no metadata, no timestamps.
IMG_OPTS=(-strip -define png:exclude-chunks=date,time)
WATERMARK_FILL='rgba(220,20,20,0.38)'

# ---------------------------------------------------------------------------
# 1. document-front.jpg (640x400)
# ---------------------------------------------------------------------------
convert -size 640x400 xc:'#f4f1ea' \
  -fill '#dcecf7' -stroke '#5b7a99' -strokewidth 3 \
  -draw 'roundrectangle 10,10 629,389 24,24' \
  -stroke none -fill '#5b7a99' \
  -draw 'roundrectangle 12,12 627,70 22,22' -draw 'rectangle 12,46 627,70' \
  -font "$FONT" -fill white -pointsize 28 -gravity north -annotate +0+22 'VERIFF-TUI DEMO' \
  -gravity northwest \
  -fill '#c8c8c8' -stroke '#8a8a8a' -strokewidth 2 -draw 'rectangle 36,96 196,306' \
  -stroke none -fill '#8f8f8f' \
  -draw 'ellipse 116,306 66,52 180,360' \
  -draw 'rectangle 104,220 128,262' \
  -draw 'circle 116,180 116,134' \
  -font "$FONT" -fill '#2d3e50' -pointsize 13 \
  -annotate +224+100 'SURNAME' \
  -annotate +224+150 'GIVEN NAMES' \
  -annotate +224+200 'DATE OF BIRTH' \
  -annotate +430+200 'DOC NO' \
  -annotate +224+250 'ISSUED BY' \
  -font "$FONT" -fill '#111111' -pointsize 22 \
  -annotate +224+118 'SPECIMEN' \
  -annotate +224+168 'DEMO SAMPLE' \
  -annotate +224+218 '01 01 1970' \
  -annotate +430+218 'X0000000' \
  -annotate +224+268 'NOWHERE (FICTIONAL)' \
  -font "$FONT_REG" -fill '#444444' -pointsize 12 \
  -annotate +36+322 'Synthetic test document - not valid for identification' \
  -font "$FONT" -fill "$WATERMARK_FILL" -pointsize 88 -gravity center \
  -annotate -22x-22+0+12 'SPECIMEN' \
  "${IMG_OPTS[@]}" -quality 80 "$OUT/document-front.jpg"

# ---------------------------------------------------------------------------
# 2. document-back.jpg (640x400)
# ---------------------------------------------------------------------------
# Fake barcode: deterministic bar widths from a fixed digit sequence.
bars=()
x=40
seq_digits="31214113221231141121321311221421131213111421"
i=0
while (( x < 600 )); do
  d=${seq_digits:$(( i % ${#seq_digits} )):1}
  w=$(( d * 2 ))
  if (( i % 2 == 0 )); then
    bars+=(-draw "rectangle $x,96 $(( x + w - 1 )),186")
  fi
  x=$(( x + w ))
  i=$(( i + 1 ))
done

# Machine-readable-zone look-alike: only '<', 'SPECIMEN' and '0' (3 x 30 chars).
MRZ1='SPECIMEN<<0000000000<<<<<<<<<<'
MRZ2='0000000<0000000<SPECIMEN<<<<<0'
MRZ3='SPECIMEN<<SPECIMEN<<<<<<<<<<<<'
MRZ="$MRZ1"$'\n'"$MRZ2"$'\n'"$MRZ3"

convert -size 640x400 xc:'#f4f1ea' \
  -fill '#e6eedd' -stroke '#6c8a5b' -strokewidth 3 \
  -draw 'roundrectangle 10,10 629,389 24,24' \
  -stroke none \
  -font "$FONT" -fill '#3d5530' -pointsize 16 -gravity northwest \
  -annotate +40+36 'VERIFF-TUI DEMO  -  BACK SIDE' \
  -fill '#ffffff' -draw 'rectangle 36,90 604,192' \
  -fill '#111111' "${bars[@]}" \
  -font "$FONT_REG" -fill '#333333' -pointsize 12 \
  -annotate +40+198 'Synthetic test document - not valid for identification' \
  -fill '#fbfbf7' -draw 'rectangle 24,262 616,378' \
  -font "$FONT_MONO" -fill '#111111' -pointsize 24 -interline-spacing 4 \
  -annotate +42+270 "$MRZ" \
  -font "$FONT" -fill "$WATERMARK_FILL" -pointsize 88 -gravity center \
  -annotate -22x-22+0+0 'SPECIMEN' \
  "${IMG_OPTS[@]}" -quality 80 "$OUT/document-back.jpg"

# ---------------------------------------------------------------------------
# Cartoon figure helper: draws onto an existing image.
# args: in out width height skin shirt
# ---------------------------------------------------------------------------
cartoon() {
  local in=$1 out=$2 w=$3 h=$4 skin=$5 shirt=$6
  local cx=$(( w / 2 ))
  local hr=$(( w * 25 / 100 ))          # head radius
  local hy=$(( h * 41 / 100 ))          # head centre y
  local sy=$(( h + h / 40 ))            # shoulders centre y (just below bottom edge)
  local srx=$(( w * 44 / 100 )) sry=$(( h * 31 / 100 ))
  local er=$(( w / 48 + 1 ))            # eye radius
  local ex=$(( hr * 38 / 100 )) ey=$(( hy - hr / 6 ))
  local mr=$(( hr * 42 / 100 )) my=$(( hy + hr * 28 / 100 ))
  local sw=$(( w / 120 + 2 ))
  # smile: lower half of an ellipse, as an open polyline (integer maths via awk)
  local smile
  smile=$(awk -v cx="$cx" -v my="$my" -v rx="$mr" -v ry="$(( mr * 3 / 4 ))" 'BEGIN {
    for (a = 15; a <= 165; a += 10) { t = a * 3.14159265 / 180;
      printf "%d,%d ", cx + rx * cos(t), my + ry * sin(t) } }')
  convert "$in" \
    -stroke none -fill "$skin" \
    -draw "rectangle $(( cx - hr / 3 )),$(( hy + hr / 2 )) $(( cx + hr / 3 )),$(( sy - sry + sry / 4 ))" \
    -fill "$shirt" -draw "ellipse $cx,$sy $srx,$sry 180,360" \
    -fill "$skin" -draw "circle $cx,$hy $cx,$(( hy - hr ))" \
    -fill '#222222' \
    -draw "circle $(( cx - ex )),$ey $(( cx - ex )),$(( ey - er ))" \
    -draw "circle $(( cx + ex )),$ey $(( cx + ex )),$(( ey - er ))" \
    -fill none -stroke '#222222' -strokewidth "$sw" \
    -draw "stroke-linecap round stroke-linejoin round polyline $smile" \
    "$out"
}

# ---------------------------------------------------------------------------
# 3. face.jpg (480x640)
# ---------------------------------------------------------------------------
convert -size 480x640 gradient:'#9fd3e6-#f3d9b5' "$TMP/face-bg.png"
cartoon "$TMP/face-bg.png" "$TMP/face-fig.png" 480 640 '#c9c9c9' '#5b7a99'
convert "$TMP/face-fig.png" \
  -font "$FONT" -fill '#1f2d3a' -pointsize 30 -gravity north -annotate +0+28 'SELFIE PLACEHOLDER' \
  -font "$FONT_REG" -pointsize 14 -annotate +0+68 'synthetic demo image - not a real person' \
  -font "$FONT" -fill "$WATERMARK_FILL" -pointsize 80 -gravity center \
  -annotate -30x-30+0+40 'SPECIMEN' \
  "${IMG_OPTS[@]}" -quality 80 "$OUT/face.jpg"

# ---------------------------------------------------------------------------
# 4. face-pre.png (240x320)
# ---------------------------------------------------------------------------
convert -size 240x320 gradient:'#cfe8c4-#f2c6d6' "$TMP/pre-bg.png"
cartoon "$TMP/pre-bg.png" "$TMP/pre-fig.png" 240 320 '#b5b5b5' '#8a5b99'
convert "$TMP/pre-fig.png" \
  -font "$FONT" -fill '#2b1f33' -pointsize 15 -gravity north -annotate +0+14 'PRE-CAPTURE' \
  -font "$FONT" -fill "$WATERMARK_FILL" -pointsize 40 -gravity center \
  -annotate -30x-30+0+20 'SPECIMEN' \
  -colors 64 "${IMG_OPTS[@]}" -define png:compression-level=9 "PNG8:$OUT/face-pre.png"

# ---------------------------------------------------------------------------
# Videos (synthetic ffmpeg sources only, no audio)
# ---------------------------------------------------------------------------
FF=(ffmpeg -hide_banner -loglevel error -y)
FF_OUT=(-an -sn -dn -fflags +bitexact -flags:v +bitexact -map_metadata -1 -map_chapters -1)

# 5. selfid_video.webm: 3 s, 320x240, 10 fps, VP9
"${FF[@]}" -f lavfi -i "testsrc2=size=320x240:rate=10:duration=3" \
  -vf "drawbox=x=0:y=86:w=iw:h=68:color=black@0.55:t=fill,\
drawtext=fontfile=$FONT:text='SPECIMEN VIDEO':fontsize=30:fontcolor=white:x=(w-tw)/2:y=94,\
drawtext=fontfile=$FONT_MONO:text='t=%{pts\\:hms}':fontsize=18:fontcolor=yellow:x=(w-tw)/2:y=128" \
  -c:v libvpx-vp9 -b:v 0 -crf 40 -deadline good -cpu-used 4 -row-mt 0 -threads 1 \
  -pix_fmt yuv420p -g 30 \
  "${FF_OUT[@]}" "$OUT/selfid_video.webm"

# 6. document-front-pre-video.mp4: 2 s, 320x240, 10 fps, H.264
#    (filter_units drops SEI NAL units, i.e. x264's embedded version/options banner)
"${FF[@]}" -f lavfi -i "smptebars=size=320x240:rate=10:duration=2" \
  -vf "drawbox=x=0:y=80:w=iw:h=80:color=black@0.6:t=fill,\
drawtext=fontfile=$FONT:text='SPECIMEN':fontsize=40:fontcolor=white:x=(w-tw)/2:y=88,\
drawtext=fontfile=$FONT_MONO:text='frame %{frame_num}':fontsize=16:fontcolor=yellow:x=(w-tw)/2:y=136" \
  -c:v libx264 -preset medium -crf 28 -pix_fmt yuv420p -threads 1 \
  -x264-params "threads=1" -bsf:v filter_units=remove_types=6 -movflags +faststart \
  "${FF_OUT[@]}" "$OUT/document-front-pre-video.mp4"

# 7. oversized-10000x10000.png: a decompression bomb in miniature (about 120 KB
#    that would decode to 100 MB of grey stripes), served by the fault sessions to
#    prove previews refuse it by its header. Written directly: no tool would.
python3 - "$OUT/oversized-10000x10000.png" <<'PY'
import struct, sys, zlib
side = 10000
def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
rows = b"".join(b"\0" + bytes([(y // 400) * 10 % 256]) * side for y in range(side))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
open(sys.argv[1], "wb").write(png)
PY

echo "wrote:"
ls -l "$OUT"
