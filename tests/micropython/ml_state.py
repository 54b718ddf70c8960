# Variable state (resource variables of the accumulator model: state += x)
# persists across predict() calls, belongs to each Model, and reset() clears it.
import ml

acc = ml.Model("models/accumulator.tflite")
other = ml.Model("models/accumulator.tflite")


def raw(model, x):
    return model.predict([bytes(x)], callback=lambda m, i, o: o[0].tolist()[0])


for _ in range(3):
    print(raw(acc, [1, 2, 3, 4]))
print("other model:", raw(other, [5, 5, 5, 5]))
acc.reset()
print("after reset:", raw(acc, [1, 2, 3, 4]), raw(acc, [1, 1, 1, 1]))
print("other kept its state:", raw(other, [1, 0, 0, 0]))
