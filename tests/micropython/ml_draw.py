# Drawing on ml.preprocessing.Image with OpenMV's method names, the
# ml.utils.draw_* helpers, and save() as BMP.
import ml
from ml.preprocessing import Image, GRAYSCALE, RGB565, RGB888
from ml.utils import draw_predictions, draw_keypoints, draw_skeleton


def show(img):
    for y in range(img.height()):
        print("".join("#" if img.get_pixel(x, y) else "." for x in range(img.width())))


print("-- ml.Normalization is preprocessing's", ml.Normalization is ml.preprocessing.Normalization)
print("-- rectangle (1, 1, 5, 3), outline and filled")
g = Image(bytearray(8 * 5), 8, 5, GRAYSCALE)
g.draw_rectangle((1, 1, 5, 3), color=255)
show(g)
g.draw_rectangle(1, 1, 5, 3, 255, fill=True)
show(g)
print("-- circle radius 2 at (3, 3), line (0, 0)-(6, 3), cross at (3, 3) size 2")
for draw in (lambda i: i.draw_circle((3, 3, 2), 255), lambda i: i.draw_line((0, 0, 6, 3), 255),
             lambda i: i.draw_cross((3, 3), 255, size=2)):
    g = Image(bytearray(7 * 7), 7, 7, GRAYSCALE)
    draw(g)
    show(g)
print("-- string '1' (8x10 cell, 5x7 glyph at (1, 1))")
g = Image(bytearray(8 * 10), 8, 10, GRAYSCALE)
g.draw_string((0, 0), "1", 255)
show(g)
print("-- colours: RGB565 words, RGB888 bytes, luma for grayscale")
c = Image(bytearray(2), 1, 1, RGB565)
c.set_pixel((0, 0), (255, 0, 0))
print(hex(c.get_pixel(0, 0)))
c = Image(bytearray(3), 1, 1, RGB888)
c.set_pixel(0, 0, (1, 2, 3))
print(c.get_pixel(0, 0))
c = Image(bytearray(1), 1, 1, GRAYSCALE)
c.set_pixel(0, 0, (200, 100, 50))
print(c.get_pixel(0, 0))
print("-- draw_predictions: pascal_voc (0.25, 0.5)-(0.75, 1.0) on 16x12 -> box (4, 6, 8, 6)")
g = Image(bytearray(16 * 12), 16, 12, GRAYSCALE)
draw_predictions(g, [(0.25, 0.5, 0.75, 1.0)], [""], [255])
show(g)
print("-- draw_skeleton: keypoints with radius 0 and a line between them")
g = Image(bytearray(6 * 3), 6, 3, GRAYSCALE)
draw_skeleton(g, [(0, 0), (5, 2)], [(0, 1)], kp_radius=0, kp_color=255, line_color=128)
print([g.get_pixel(x, y) for y, x in ((0, 0), (2, 5), (1, 2), (1, 3))])
draw_keypoints(g, [(2, 2)], radius=0, color=7)
print(g.get_pixel(2, 2))
print("-- save: BMP header, 8-bit grayscale with a palette; 24-bit colour rows padded to 4 bytes")
import io
out = io.BytesIO()
g.save(out)
d = out.getvalue()
print(d[:2], len(d), d[10] | d[11] << 8, d[18], d[22], d[28])
out = io.BytesIO()
Image(bytearray([0x00, 0xF8]), 1, 1, RGB565).save(out)
d = out.getvalue()
print(len(d), d[28], list(d[54:58]))
