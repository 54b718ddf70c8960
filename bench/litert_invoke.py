"""Runs a model N times through LiteRT (the ai-edge-litert package) on one
thread, with XNNPACK (`--kernels xnnpack`: the default delegate) or with
LiteRT's built-in kernels alone (`--kernels builtin`), after one untimed
invoke (XNNPACK prepares its packed weights there). Prints the seconds per
invoke (invoke calls only), or `refused: <why>` when LiteRT cannot load or
run the model."""
import argparse

import numpy as np
import time
from ai_edge_litert import interpreter as litert

RESOLVERS = {
    "xnnpack": litert.OpResolverType.AUTO,
    "builtin": litert.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model")
    parser.add_argument("repeat", type=int)
    parser.add_argument("inputs", nargs="*")
    parser.add_argument("--kernels", choices=sorted(RESOLVERS), required=True)
    args = parser.parse_args()
    try:
        interpreter = litert.Interpreter(model_path=args.model, num_threads=1,
                                         experimental_op_resolver_type=RESOLVERS[args.kernels])
        interpreter.allocate_tensors()
        details = interpreter.get_input_details()
        arrays = [np.fromfile(path, dtype=d["dtype"]).reshape(d["shape"])
                  for path, d in zip(args.inputs, details)]
        for d, array in zip(details, arrays):
            interpreter.set_tensor(d["index"], array)
        interpreter.invoke()
    except (RuntimeError, ValueError) as error:
        print("refused: %s" % " ".join(str(error).split())[:300])
        return 0
    elapsed = 0.0
    for _ in range(args.repeat):
        for d, array in zip(details, arrays):
            interpreter.set_tensor(d["index"], array)
        start = time.perf_counter()
        interpreter.invoke()
        elapsed += time.perf_counter() - start
    print("seconds_per_invoke: %.9f" % (elapsed / args.repeat))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
