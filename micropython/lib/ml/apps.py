# Ready-made applications. MicroSpeech: keyword spotting as OpenMV's
# ml.apps.MicroSpeech does it - every 20 ms of 16 kHz audio the last 30 ms go
# through the audio preprocessor (TFLM's signal ops as a model) into one
# 40-value slice of a rolling 49-slice spectrogram, which micro_speech
# classifies; listen() averages the last 34 predictions.
#
# Audio comes from the board's `audio` module (OpenMV's streaming API), or
# from `audio=`: the path of a 16 kHz 16-bit mono PCM WAV file, or any object
# whose readinto(buf) gives such samples. With a file or reader, time is
# audio time (20 ms per block) and each listen(timeout=-1) call consumes one
# block; when the audio ends, one second of silence flushes the window and
# listen() returns (None, scores) (`ended` is then True).
import array
from micropython import const
from ml import ndarray
from _ml import Model

try:
    import audio as _board_audio
except ImportError:
    _board_audio = None

_SLICE_SIZE = const(40)
_SLICE_COUNT = const(49)
_SLICE_TIME_MS = const(30)
_AUDIO_FREQUENCY = const(16000)
_SAMPLES_PER_STEP = const(160)  # 10 ms
_BLOCK = const(320)  # samples per audio block: 20 ms
_CATEGORY_COUNT = const(4)
_AVERAGE_WINDOW = const(34)  # 1020 ms / 30 ms
_FLUSH_BLOCKS = const(50)  # one second of silence after the audio ends


def _model(given, rom_path, builtin):
    if given is not None:
        return given
    try:
        return Model(rom_path)
    except OSError:
        return Model(builtin)


def _wav_reader(path):
    f = open(path, "rb")
    head = f.read(12)
    if len(head) < 12 or head[0:4] != b"RIFF" or head[8:12] != b"WAVE":
        f.close()
        raise ValueError("%s is not a WAV file" % path)
    fmt = None
    while True:
        chunk = f.read(8)
        if len(chunk) < 8:
            f.close()
            raise ValueError("%s has no data chunk" % path)
        size = chunk[4] | (chunk[5] << 8) | (chunk[6] << 16) | (chunk[7] << 24)
        if chunk[0:4] == b"fmt ":
            fmt = f.read(size + (size & 1))
            continue
        if chunk[0:4] == b"data":
            break
        f.read(size + (size & 1))
    if fmt is None or len(fmt) < 16:
        f.close()
        raise ValueError("%s has no fmt chunk before its data" % path)
    tag = fmt[0] | (fmt[1] << 8)
    channels = fmt[2] | (fmt[3] << 8)
    rate = fmt[4] | (fmt[5] << 8) | (fmt[6] << 16) | (fmt[7] << 24)
    bits = fmt[14] | (fmt[15] << 8)
    if tag != 1 or channels != 1 or rate != _AUDIO_FREQUENCY or bits != 16:
        f.close()
        raise ValueError("%s: need 16 kHz 16-bit mono PCM, got format %d, %d channels, %d Hz, %d bits"
                         % (path, tag, channels, rate, bits))
    return f


def _to_int8(v):
    # ulab stores a float into an int8 array as (int8)(int32)roundf(v).
    i = int(v + 0.5) if v >= 0 else -int(-v + 0.5)
    i &= 0xFF
    return i - 256 if i > 127 else i


class MicroSpeech:
    def __init__(self, preprocessor=None, micro_speech=None, labels=None, audio=None, **kwargs):
        self.preprocessor = _model(preprocessor, "/rom/audio_preprocessor.tflite", "audio_preprocessor")
        self.micro_speech = _model(micro_speech, "/rom/micro_speech.tflite", "micro_speech")
        self.labels = labels if labels is not None else self.micro_speech.labels
        self.audio_buffer = ndarray([[0] * (3 * _SAMPLES_PER_STEP)], dtype="h")
        self.spectrogram = ndarray([[0] * (_SLICE_COUNT * _SLICE_SIZE)], dtype="b")
        self.pred_history = [[0.0] * _CATEGORY_COUNT for _ in range(_AVERAGE_WINDOW)]
        self._audio_view = memoryview(self.audio_buffer)
        self._spectrogram_view = memoryview(self.spectrogram)
        self.audio_started = False
        self.ended = False  # the audio and the second of silence after it are consumed
        self._eof = False
        self._flush = 0
        self._reader = None
        self._block = array.array("h", bytes(2 * _BLOCK))
        if isinstance(audio, str):
            self._reader = _wav_reader(audio)
        elif audio is not None:
            if not hasattr(audio, "readinto"):
                raise TypeError("audio must be a WAV file path or have readinto(buf)")
            self._reader = audio
        elif _board_audio is not None:
            _board_audio.init(channels=1, frequency=_AUDIO_FREQUENCY, samples=_BLOCK, **kwargs)
        else:
            raise ValueError("no audio module: give audio= a 16 kHz WAV path or a reader")

    def audio_callback(self, buf):
        # The last 10 ms of the previous block, then this block's 20 ms.
        a = self._audio_view
        a[0:_SAMPLES_PER_STEP] = a[2 * _SAMPLES_PER_STEP:3 * _SAMPLES_PER_STEP]
        a[_SAMPLES_PER_STEP:] = buf if isinstance(buf, array.array) else array.array("h", buf)
        # The int16 samples are real numbers to predict(), as on OpenMV.
        features = self.preprocessor.predict([self.audio_buffer])[0].flatten()
        s = self._spectrogram_view
        s[0:(_SLICE_COUNT - 1) * _SLICE_SIZE] = bytes(s[_SLICE_SIZE:])
        tail = (_SLICE_COUNT - 1) * _SLICE_SIZE
        for i in range(_SLICE_SIZE):
            s[tail + i] = _to_int8(features[i])
        history = self.pred_history
        history.pop(0)
        history.append(self.micro_speech.predict([self.spectrogram])[0].flatten().tolist())

    def _reset(self):
        self._spectrogram_view[:] = bytes(_SLICE_COUNT * _SLICE_SIZE)
        for row in self.pred_history:
            for i in range(_CATEGORY_COUNT):
                row[i] = 0.0

    def start_audio_streaming(self):
        if not self.audio_started:
            self._reset()
            if self._reader is None:
                _board_audio.start_streaming(self.audio_callback)
            self.audio_started = True

    def stop_audio_streaming(self):
        if self._reader is None and self.audio_started:
            _board_audio.stop_streaming()
        self.audio_started = False

    def _next_block(self):
        # One block from the reader; after its end, silence; False when flushed.
        block = self._block
        if not self._eof:
            n = self._reader.readinto(block) or 0
            if n < 2 * _BLOCK:
                for i in range(n // 2, _BLOCK):
                    block[i] = 0
                self._eof = True
            self.audio_callback(block)
            return True
        if self._flush >= _FLUSH_BLOCKS:
            self.ended = True
            return False
        self._flush += 1
        for i in range(_BLOCK):
            block[i] = 0
        self.audio_callback(block)
        return True

    def _average(self):
        n = float(_AVERAGE_WINDOW)
        return ndarray([sum(row[i] for row in self.pred_history) / n for i in range(_CATEGORY_COUNT)])

    def listen(self, timeout=0, callback=None, threshold=0.65, filter=["Yes", "No"]):
        self.start_audio_streaming()
        if self._reader is None:
            import time  # the board's clock; a file or reader runs on audio time

            start_ms = time.ticks_ms()
        audio_ms = 0
        while True:
            if self._reader is not None:
                if not self._next_block():
                    self.stop_audio_streaming()
                    return (None, self._average())
                audio_ms += _BLOCK * 1000 // _AUDIO_FREQUENCY
            average = self._average()
            index = average.argmax()
            label = self.labels[index]
            if average[index] > threshold and label in filter:
                self._reset()
                if callback is None:
                    if timeout != -1:
                        self.stop_audio_streaming()
                    return (label, average)
                callback(label, average)
            if timeout == -1:
                return (None, average)
            if self._reader is None:
                if timeout != 0 and time.ticks_diff(time.ticks_ms(), start_ms) > timeout:
                    self.stop_audio_streaming()
                    return (None, average)
                time.sleep_ms(1)
            elif timeout != 0 and audio_ms > timeout:
                self.stop_audio_streaming()
                return (None, average)
