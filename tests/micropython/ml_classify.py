# Classification with the built-in person_detect model on the input bytes the
# test harness puts in INPUT (test_micropython.py prepends it); prints the
# top-1 class and every score for comparison with the CLI.
import ml

model = ml.Model("person_detect")
scores = model.predict([INPUT])[0].flatten()
raw = model.predict([INPUT], callback=lambda m, i, o: o[0].tolist()[0])
top = scores.argmax()
print("top1", top, model.labels[top])
print("raw", raw)
print("scores", " ".join(repr(v) for v in scores))
