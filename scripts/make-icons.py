#!/usr/bin/env python3
"""Draw Haven's app icons (a white roof and door on navy) as PNG, with the standard library only.
Run once after a design change; the PNGs in public/icons/ are committed."""
import struct, zlib, os

NAVY, WHITE = (0x1F, 0x3A, 0x5F), (0xFF, 0xFF, 0xFF)

def inside(x, y, n, scale):
    # Coordinates in 0..1, the drawing shrunk by `scale` around the centre (maskable safe zone).
    u = (x / n - 0.5) / scale + 0.5
    v = (y / n - 0.5) / scale + 0.5
    roof = 0.18 <= v <= 0.48 and abs(u - 0.5) <= (v - 0.18) * 1.2
    walls = 0.46 <= v <= 0.82 and 0.26 <= u <= 0.74
    door = 0.60 <= v <= 0.82 and 0.44 <= u <= 0.56
    return (roof or walls) and not door

def png(n, scale):
    rows = b"".join(
        b"\x00" + b"".join(bytes(WHITE if inside(x, y, n, scale) else NAVY) for x in range(n))
        for y in range(n)
    )
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", n, n, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))

out = os.path.join(os.path.dirname(__file__), "..", "public", "icons")
os.makedirs(out, exist_ok=True)
for name, n, scale in [("icon-192.png", 192, 1.0), ("icon-512.png", 512, 1.0),
                       ("maskable-512.png", 512, 0.7)]:
    with open(os.path.join(out, name), "wb") as f:
        f.write(png(n, scale))
