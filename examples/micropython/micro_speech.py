# Keyword spotting as OpenMV's ml.apps.MicroSpeech does it, listening to a
# 16 kHz 16-bit mono WAV file instead of a microphone.
#
#   build/micropython/unix/micropython examples/micropython/micro_speech.py clip.wav
#
# Each listen(timeout=-1) call consumes 20 ms of audio; every keyword heard
# is printed with the averaged scores (Silence, Unknown, Yes, No).
import sys
from ml.apps import MicroSpeech

speech = MicroSpeech(audio=sys.argv[1])
at_ms = 0
while not speech.ended:
    label, scores = speech.listen(timeout=-1)
    at_ms += 20
    if label:
        print("%5d ms  %s  %s" % (at_ms, label, " ".join("%.2f" % s for s in scores.tolist())))
