# Drawing on ml.preprocessing.Image (in place; the buffer must be writable)
# with OpenMV's method names, and save() as BMP, so that detections can be
# looked at on a desktop. Colours: an (r, g, b) tuple, or an int holding the
# pixel as stored (grayscale value, RGB565 word, 0xRRGGBB for RGB888).

# 5x7 glyphs, column by column (bit 0 at the top), drawn in 8x10 cells.
_GLYPHS = {
    " ": b"\x00\x00\x00\x00\x00", "0": b">QIE>", "1": b"\x00B\x7f@\x00", "2": b"BaQIF",
    "3": b"!AEK1", "4": b"\x18\x14\x12\x7f\x10", "5": b"'EEE9", "6": b"<JII0",
    "7": b"\x01q\t\x05\x03", "8": b"6III6", "9": b"\x06II)\x1e", "A": b"~\x11\x11\x11~",
    "B": b"\x7fIII6", "C": b">AAA\"", "D": b"\x7fAA\"\x1c", "E": b"\x7fIIIA",
    "F": b"\x7f\t\t\t\x01", "G": b">AIIz", "H": b"\x7f\x08\x08\x08\x7f", "I": b"\x00A\x7fA\x00",
    "J": b" @A?\x01", "K": b"\x7f\x08\x14\"A", "L": b"\x7f@@@@", "M": b"\x7f\x02\x1c\x02\x7f",
    "N": b"\x7f\x04\x08\x10\x7f", "O": b">AAA>", "P": b"\x7f\t\t\t\x06", "Q": b">AQ!^",
    "R": b"\x7f\t\x19)F", "S": b"FIII1", "T": b"\x01\x01\x7f\x01\x01", "U": b"?@@@?",
    "V": b"\x1f @ \x1f", "W": b"?@8@?", "X": b"c\x14\x08\x14c", "Y": b"\x07\x08p\x08\x07",
    "Z": b"aQIEC", ".": b"\x00``\x00\x00", ",": b"\x00P0\x00\x00", ":": b"\x0066\x00\x00",
    "-": b"\x08\x08\x08\x08\x08", "_": b"@@@@@", "%": b"#\x13\x08db", "(": b"\x00\x1c\"A\x00",
    ")": b"\x00A\"\x1c\x00", "/": b" \x10\x08\x04\x02", "!": b"\x00\x00_\x00\x00",
    "?": b"\x02\x01Q\t\x06", "=": b"\x14\x14\x14\x14\x14", "+": b"\x08\x08>\x08\x08",
    "'": b"\x00\x05\x03\x00\x00", "\"": b"\x00\x07\x00\x07\x00",
}
_UNKNOWN = b"\x7fAAA\x7f"


def _circle_spans(r):
    # Half-width of the disc of radius r on each row offset -r..r.
    return [int((r * r - dy * dy) ** 0.5 + 0.5) for dy in range(-r, r + 1)]


class Drawing:
    def _pixel_value(self, color):
        f = self._format & 0xFF
        if isinstance(color, int):
            return color
        r, g, b = color
        if f == 1:
            return (r * 38 + g * 75 + b * 15) >> 7
        if f == 2:
            return ((r & 0xF8) << 8) | ((g & 0xFC) << 3) | (b >> 3)
        return (r << 16) | (g << 8) | b

    def _put(self, x, y, v):
        if 0 <= x < self._width and 0 <= y < self._height:
            buf = self._buffer
            i = y * self._width + x
            f = self._format & 0xFF
            if f == 1:
                buf[i] = v & 0xFF
            elif f == 2:
                buf[2 * i] = v & 0xFF
                buf[2 * i + 1] = (v >> 8) & 0xFF
            else:
                buf[3 * i] = (v >> 16) & 0xFF
                buf[3 * i + 1] = (v >> 8) & 0xFF
                buf[3 * i + 2] = v & 0xFF

    def _fill(self, x, y, w, h, v):
        for yy in range(max(0, y), min(self._height, y + h)):
            for xx in range(max(0, x), min(self._width, x + w)):
                self._put(xx, yy, v)

    def get_pixel(self, x, y):
        i = y * self._width + x
        f = self._format & 0xFF
        buf = self._buffer
        if f == 1:
            return buf[i]
        if f == 2:
            return buf[2 * i] | (buf[2 * i + 1] << 8)
        return (buf[3 * i], buf[3 * i + 1], buf[3 * i + 2])

    def set_pixel(self, x, y=None, color=(255, 255, 255)):
        if isinstance(x, (tuple, list)):
            x, y, color = x[0], x[1], y if y is not None else color
        self._put(int(x), int(y), self._pixel_value(color))
        return self

    def draw_line(self, x0, y0=None, x1=None, y1=None, color=(255, 255, 255), thickness=1):
        if isinstance(x0, (tuple, list)):
            color = y0 if y0 is not None else color
            x0, y0, x1, y1 = x0
        v = self._pixel_value(color)
        x0, y0, x1, y1 = int(x0), int(y0), int(x1), int(y1)
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        half = thickness // 2
        while True:
            self._fill(x0 - half, y0 - half, thickness, thickness, v)
            if x0 == x1 and y0 == y1:
                break
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy
        return self

    def draw_rectangle(self, x, y=None, w=None, h=None, color=(255, 255, 255), thickness=1,
                       fill=False):
        if isinstance(x, (tuple, list)):
            color = y if y is not None else color
            x, y, w, h = x
        x, y, w, h = int(x), int(y), int(w), int(h)
        v = self._pixel_value(color)
        if fill:
            self._fill(x, y, w, h, v)
            return self
        t = max(1, thickness)
        self._fill(x, y, w, t, v)
        self._fill(x, y + h - t, w, t, v)
        self._fill(x, y, t, h, v)
        self._fill(x + w - t, y, t, h, v)
        return self

    def draw_circle(self, x, y=None, radius=None, color=(255, 255, 255), thickness=1, fill=False):
        if isinstance(x, (tuple, list)):
            color = y if y is not None else color
            x, y, radius = x
        x, y, r = int(x), int(y), int(radius)
        v = self._pixel_value(color)
        outer = _circle_spans(r)
        inner_r = r - max(1, thickness)
        inner = _circle_spans(inner_r) if inner_r >= 0 and not fill else None
        for i, half in enumerate(outer):
            dy = i - r
            if inner is None or abs(dy) > inner_r:
                self._fill(x - half, y + dy, 2 * half + 1, 1, v)
            else:
                gap = inner[dy + inner_r]
                self._fill(x - half, y + dy, half - gap, 1, v)
                self._fill(x + gap + 1, y + dy, half - gap, 1, v)
        return self

    def draw_cross(self, x, y=None, color=(255, 255, 255), size=5, thickness=1):
        if isinstance(x, (tuple, list)):
            color = y if y is not None else color
            x, y = x[0], x[1]
        self.draw_line(x - size, y, x + size, y, color=color, thickness=thickness)
        self.draw_line(x, y - size, x, y + size, color=color, thickness=thickness)
        return self

    def draw_string(self, x, y=None, text=None, color=None, scale=1, **kwargs):
        if isinstance(x, (tuple, list)):
            # ((x, y), text, color)
            x, y, text, color = x[0], x[1], y, text if color is None else color
        v = self._pixel_value((255, 255, 255) if color is None else color)
        s = max(1, int(scale))
        x, y = int(x), int(y)
        for ch in str(text):
            glyph = _GLYPHS.get(ch.upper(), _UNKNOWN)
            for col in range(5):
                bits = glyph[col]
                for row in range(7):
                    if bits & (1 << row):
                        self._fill(x + (1 + col) * s, y + (1 + row) * s, s, s, v)
            x += 8 * s
        return self

    def save(self, path):
        """Writes a bottom-up BMP to `path` (a file name or a stream): 8-bit
        grayscale with a grey palette, or 24-bit colour."""
        w, h, f = self._width, self._height, self._format & 0xFF
        gray = f == 1
        row = (w * (1 if gray else 3) + 3) & ~3
        palette = 1024 if gray else 0
        offset = 54 + palette

        def le(v, n):
            return bytes((v >> (8 * i)) & 0xFF for i in range(n))

        out = open(path, "wb") if isinstance(path, str) else path
        try:
            out.write(b"BM" + le(offset + row * h, 4) + le(0, 4) + le(offset, 4))
            out.write(le(40, 4) + le(w, 4) + le(h, 4) + le(1, 2) + le(8 if gray else 24, 2)
                      + le(0, 4) + le(row * h, 4) + le(2835, 4) + le(2835, 4)
                      + le(256 if gray else 0, 4) + le(0, 4))
            if gray:
                out.write(bytes(c for i in range(256) for c in (i, i, i, 0)))
            line = bytearray(row)
            for y in range(h - 1, -1, -1):
                for x in range(w):
                    p = self.get_pixel(x, y)
                    if gray:
                        line[x] = p
                        continue
                    if f == 2:
                        r, g = (p >> 8) & 0xF8, (p >> 3) & 0xFC
                        p = (r | (r >> 5), g | (g >> 6), ((p << 3) & 0xF8) | ((p >> 2) & 7))
                    line[3 * x], line[3 * x + 1], line[3 * x + 2] = p[2], p[1], p[0]
                out.write(line)
        finally:
            if out is not path:
                out.close()
