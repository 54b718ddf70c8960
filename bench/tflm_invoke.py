"""Runs a model N times through TFLM (the tflite-micro package), for
instruction counting under callgrind next to microml in the same run."""
import sys

import numpy as np
from tflite_micro.python.tflite_micro import runtime


def main():
    model, repeat, inputs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
    interpreter = runtime.Interpreter.from_file(model)
    arrays = []
    for i, path in enumerate(inputs):
        detail = interpreter.get_input_details(i)
        arrays.append(np.fromfile(path, dtype=detail["dtype"]).reshape(detail["shape"]))
    for _ in range(repeat):
        for i, array in enumerate(arrays):
            interpreter.set_input(array, i)
        interpreter.invoke()


if __name__ == "__main__":
    main()
