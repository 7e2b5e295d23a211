"""Draw the tab bar icons (81×81 PNG, grey and the selected blue of app.json's tabBar).

Run with the backend's Python (Pillow): `../.venv/bin/python scripts/tab-icons.py` — a union that
rebrands changes the two colours below and runs it again.
"""
from pathlib import Path

from PIL import Image, ImageDraw

COLOURS = {"": "#666666", "-on": "#0052d9"}
SIZE, SCALE = 81, 4  # drawn at 4× and scaled down for smooth edges
OUT = Path(__file__).resolve().parent.parent / "miniprogram" / "assets"


def pin(d, c):  # 附近: a map pin with a hole
    d.ellipse((78, 30, 246, 198), fill=c)
    d.polygon([(92, 150), (232, 150), (162, 300)], fill=c)
    d.ellipse((126, 78, 198, 150), fill=(0, 0, 0, 0))


def grid(d, c):  # 服务: four tiles
    for x in (44, 174):
        for y in (44, 174):
            d.rounded_rectangle((x, y, x + 106, y + 106), radius=24, fill=c)


def clipboard(d, c):  # 工作台: a clipboard with a tick
    d.rounded_rectangle((62, 58, 262, 296), radius=26, outline=c, width=24)
    d.rounded_rectangle((116, 30, 208, 86), radius=14, fill=c)
    d.line([(112, 180), (150, 220), (216, 140)], fill=c, width=26, joint="curve")


def person(d, c):  # 我的: head and shoulders
    d.ellipse((112, 40, 212, 140), fill=c)
    d.pieslice((52, 170, 272, 390), 180, 360, fill=c)


for name, draw in {"nearby": pin, "services": grid, "workbench": clipboard, "me": person}.items():
    for suffix, colour in COLOURS.items():
        img = Image.new("RGBA", (SIZE * SCALE, SIZE * SCALE), (0, 0, 0, 0))
        draw(ImageDraw.Draw(img), colour)
        img.resize((SIZE, SIZE), Image.LANCZOS).save(OUT / f"tab-{name}{suffix}.png", optimize=True)
        print(OUT / f"tab-{name}{suffix}.png")
