# Keyword spotting ("yes" / "no") with TFLM's micro_speech model: the input is
# a 49x40 int8 spectrogram (TFLM's audio front end; see
# shared models/tflm_audio_preprocessor_*), the output four class scores.
#
#   build/micropython/unix/micropython examples/micropython/keyword_spotting.py [spectrogram.bin]
#   scripts/run_micropython_qemu.py --cpu m4f examples/micropython/keyword_spotting.py
#
# Without a file, a few synthetic spectrograms are scored. A callable input
# fills the tensor in place, as OpenMV's audio pipeline does.
import sys
import ml

model = ml.Model("micro_speech")
print(model.input_shape, model.input_dtype, model.labels)


def classify(spectrogram):
    scores = model.predict([spectrogram])[0].flatten()
    best = scores.argmax()
    return model.labels[best], scores[best]


if len(sys.argv) > 1:
    with open(sys.argv[1], "rb") as f:
        print("%s %.3f" % classify(f.read()))
else:
    print("silence: %s %.3f" % classify(bytes([0x80]) * 1960))

    def tone(buffer, shape, dtype):
        # A steady band of energy across all 49 frames.
        for frame in range(49):
            for channel in range(40):
                value = 100 if 8 <= channel < 14 else -100
                buffer[frame * 40 + channel] = value & 0xFF

    print("tone: %s %.3f" % classify(tone))
