"""Runs a model N times through TFLM (the tflite-micro package), for
instruction counting under callgrind and for timing next to microml in the
same run. With --timing prints the seconds per invoke (invoke calls only)."""
import sys
import time

import numpy as np
from tflite_micro.python.tflite_micro import runtime


def main():
    args = sys.argv[1:]
    timing = "--timing" in args
    args = [a for a in args if a != "--timing"]
    model, repeat, inputs = args[0], int(args[1]), args[2:]
    interpreter = runtime.Interpreter.from_file(model)
    arrays = []
    for i, path in enumerate(inputs):
        detail = interpreter.get_input_details(i)
        arrays.append(np.fromfile(path, dtype=detail["dtype"]).reshape(detail["shape"]))
    elapsed = 0.0
    for _ in range(repeat):
        for i, array in enumerate(arrays):
            interpreter.set_input(array, i)
        start = time.perf_counter()
        interpreter.invoke()
        elapsed += time.perf_counter() - start
    if timing:
        print("seconds_per_invoke: %.9f" % (elapsed / repeat))


if __name__ == "__main__":
    main()
