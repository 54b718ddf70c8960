# Runs a model made by `microml convert` with the ml module, on raw inputs.
#
#   build/micropython/unix/micropython examples/convert/run_converted.py MODEL.tflite INPUT.bin [...]
#
# Each INPUT.bin holds one input tensor's bytes (int8 or uint8, as converted
# with --io-dtype; 4-D inputs are NHWC). Prints each output, dequantized.
import sys
import ml

model = ml.Model(sys.argv[1])
print(model)
inputs = []
for path in sys.argv[2:]:
    with open(path, "rb") as f:
        inputs.append(f.read())
for k, out in enumerate(model.predict(inputs)):
    print("output %d:" % k, " ".join("%.6g" % v for v in out.flatten().tolist()))
