// Batch runner: runs many models, one after another, in one QEMU launch (QEMU
// starts slowly), reading models and inputs from host files and writing
// outputs back over semihosting, so the host can compare them with TFLM.
//
//   fixture_runner.elf MANIFEST RESULTS [FIRST]
//
// MANIFEST has one job per line (empty lines and lines starting with '#' are
// not jobs), fields separated by tabs:
//
//   KERNELS REPEAT MODEL NUM_INPUTS INPUT... NUM_OUTPUTS OUTPUT...
//
// KERNELS is "optimized" (OptimizedOpsResolver) or "reference"
// (AllOpsResolver). The inputs are written before each of the REPEAT Invoke()
// calls and state carries over between them (as `microml run --repeat`); the
// outputs of the last call are written to the OUTPUT files.
//
// RESULTS gets one line per job, written as soon as the job ends:
//
//   JOB<tab>ok
//   JOB<tab>refused<tab>MESSAGE   Model::Init or Interpreter::Setup refused the
//                                 model; MESSAGE is the runtime's own text
//   JOB<tab>failed<tab>MESSAGE    anything else: bad manifest line, file I/O,
//                                 model or arena too big for this board,
//                                 input size, Invoke() error
//
// JOB counts from 0. Jobs before FIRST are skipped: after a crash (a fault
// ends the run) the host restarts the batch after the job that has no line,
// with another RESULTS file (QEMU 7.2 ignores the append mode of SYS_OPEN).
// Paths are relative to QEMU's working directory; arguments cannot contain
// spaces. Exit status: 0 when every job got a line, 2 for a bad command line
// or an unreadable manifest.
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "console.h"
#include "microml/interpreter.h"
#include "microml/kernel.h"
#include "microml/model.h"
#include "semihost.h"

namespace {

using microml_cortex_m::Print;

alignas(microml::kArenaAlignment) uint8_t g_arena[MICROML_FIXTURE_ARENA_BYTES];
alignas(16) uint8_t g_model[MICROML_FIXTURE_MODEL_BYTES];

constexpr size_t kMaxTensors = 16;
constexpr size_t kMaxFields = 3 + 2 * (1 + kMaxTensors);
constexpr size_t kLineBytes = 2048;
constexpr size_t kPathBytes = 200;

// Lines of a host file, read in chunks (the manifest may be larger than RAM).
class LineReader {
 public:
  explicit LineReader(int handle) : handle_(handle) {}

  // Reads the next line without its '\n' into `line`. Returns false at end of
  // file; *too_long is set when the line did not fit (the rest is skipped).
  bool Next(char* line, size_t size, bool* too_long) {
    size_t n = 0;
    bool any = false;
    *too_long = false;
    for (;;) {
      if (pos_ == len_) {
        const long got = semihost_read(handle_, buffer_, sizeof(buffer_));
        if (got <= 0) break;
        pos_ = 0;
        len_ = static_cast<size_t>(got);
      }
      any = true;
      const char c = buffer_[pos_++];
      if (c == '\n') break;
      if (n + 1 < size) {
        line[n++] = c;
      } else {
        *too_long = true;
      }
    }
    if (n > 0 && line[n - 1] == '\r') --n;
    line[n] = '\0';
    return any;
  }

 private:
  int handle_;
  char buffer_[512];
  size_t pos_ = 0;
  size_t len_ = 0;
};

// Outcome of one job: a status word and, unless "ok", a message.
struct Outcome {
  const char* status = "ok";
  char message[microml::ErrorMessage::kCapacity + 64] = "";

  bool Fail(const char* word, const char* format, ...) __attribute__((format(printf, 3, 4))) {
    status = word;
    va_list args;
    va_start(args, format);
    microml::FormatText(message, sizeof(message), format, args);
    va_end(args);
    return false;
  }
};

bool ParseCount(const char* text, uint32_t* value) {
  uint32_t v = 0;
  const char* p = text;
  for (; *p >= '0' && *p <= '9'; ++p) {
    if (v > 100000000u) return false;
    v = v * 10 + static_cast<uint32_t>(*p - '0');
  }
  *value = v;
  return p != text && *p == '\0';
}

// Reads the whole host file `path` into `data` when it is exactly `size`
// bytes (size_limited: up to `size` bytes, *actual set).
bool ReadHostFile(const char* path, void* data, size_t size, bool size_limited, size_t* actual,
                  Outcome* outcome) {
  const int handle = semihost_open(path, kSemihostReadBinary);
  if (handle < 0) return outcome->Fail("failed", "cannot open %s", path);
  const long length = semihost_flen(handle);
  bool ok = length >= 0;
  if (!ok) {
    outcome->Fail("failed", "cannot get the size of %s", path);
  } else if (size_limited ? static_cast<size_t>(length) > size
                          : static_cast<size_t>(length) != size) {
    ok = size_limited
             ? outcome->Fail("failed",
                             "%s is %ld bytes, more than the %zu this board's runner "
                             "holds (MICROML_FIXTURE_RUNNER_MODEL_BYTES)",
                             path, length, size)
             : outcome->Fail("failed", "%s is %ld bytes, the tensor %zu", path, length, size);
  } else if (length > 0 && semihost_read(handle, data, static_cast<size_t>(length)) != length) {
    ok = outcome->Fail("failed", "cannot read %s", path);
  }
  semihost_close(handle);
  if (ok && actual != nullptr) *actual = static_cast<size_t>(length);
  return ok;
}

bool WriteHostFile(const char* path, const void* data, size_t size, Outcome* outcome) {
  const int handle = semihost_open(path, kSemihostWriteBinary);
  if (handle < 0) return outcome->Fail("failed", "cannot create %s", path);
  const bool ok = size == 0 || semihost_write_file(handle, data, size) == 0;
  semihost_close(handle);
  return ok || outcome->Fail("failed", "cannot write %s", path);
}

// A manifest line split at tabs (in place).
struct Job {
  const char* kernels = nullptr;
  uint32_t repeat = 0;
  const char* model = nullptr;
  const char* inputs[kMaxTensors] = {};
  uint32_t num_inputs = 0;
  const char* outputs[kMaxTensors] = {};
  uint32_t num_outputs = 0;
};

bool ParseJob(char* line, Job* job, Outcome* outcome) {
  const char* fields[kMaxFields];
  size_t count = 0;
  for (char* p = line;;) {
    if (count == kMaxFields) return outcome->Fail("failed", "manifest: too many fields");
    fields[count++] = p;
    char* tab = strchr(p, '\t');
    if (tab == nullptr) break;
    *tab = '\0';
    p = tab + 1;
  }
  size_t next = 0;
  auto take = [&]() -> const char* { return next < count ? fields[next++] : nullptr; };
  job->kernels = take();
  const char* repeat = take();
  job->model = take();
  if (job->model == nullptr || !ParseCount(repeat, &job->repeat) || job->repeat == 0) {
    return outcome->Fail("failed", "manifest: expected KERNELS REPEAT MODEL ...");
  }
  const char* n = take();
  if (n == nullptr || !ParseCount(n, &job->num_inputs) || job->num_inputs > kMaxTensors) {
    return outcome->Fail("failed", "manifest: bad input count");
  }
  for (uint32_t i = 0; i < job->num_inputs; ++i) {
    if ((job->inputs[i] = take()) == nullptr) return outcome->Fail("failed", "manifest: inputs");
  }
  n = take();
  if (n == nullptr || !ParseCount(n, &job->num_outputs) || job->num_outputs > kMaxTensors) {
    return outcome->Fail("failed", "manifest: bad output count");
  }
  for (uint32_t i = 0; i < job->num_outputs; ++i) {
    if ((job->outputs[i] = take()) == nullptr) {
      return outcome->Fail("failed", "manifest: outputs");
    }
  }
  if (next != count) return outcome->Fail("failed", "manifest: extra fields");
  return true;
}

bool RunJob(const Job& job, Outcome* outcome) {
  const microml::OpResolver* resolver = nullptr;
  if (strcmp(job.kernels, "optimized") == 0) {
    resolver = &microml::OptimizedOpsResolver();
  } else if (strcmp(job.kernels, "reference") == 0) {
    resolver = &microml::AllOpsResolver();
  } else {
    return outcome->Fail("failed", "manifest: kernels '%s', expected optimized or reference",
                         job.kernels);
  }
  size_t model_bytes = 0;
  if (!ReadHostFile(job.model, g_model, sizeof(g_model), true, &model_bytes, outcome)) {
    return false;
  }
  microml::ErrorMessage error;
  microml::Model model;
  if (model.Init(g_model, model_bytes, &error) != microml::Status::kOk) {
    return outcome->Fail("refused", "%s", error.text());
  }
  microml::Interpreter interpreter;
  const microml::Status status = interpreter.Setup(model, *resolver, g_arena, sizeof(g_arena));
  if (status == microml::Status::kArenaTooSmall) {
    return outcome->Fail("failed", "arena (MICROML_FIXTURE_RUNNER_ARENA_BYTES): %s",
                         interpreter.error());
  }
  if (status != microml::Status::kOk) return outcome->Fail("refused", "%s", interpreter.error());
  if (interpreter.num_inputs() != job.num_inputs || interpreter.num_outputs() != job.num_outputs) {
    return outcome->Fail("failed", "model has %zu inputs and %zu outputs, the job %lu and %lu",
                         interpreter.num_inputs(), interpreter.num_outputs(),
                         static_cast<unsigned long>(job.num_inputs),
                         static_cast<unsigned long>(job.num_outputs));
  }
  for (uint32_t r = 0; r < job.repeat; ++r) {
    // Re-read every time: the planner may reuse input memory once consumed.
    for (uint32_t i = 0; i < job.num_inputs; ++i) {
      const microml::Tensor* t = interpreter.input(i);
      if (!ReadHostFile(job.inputs[i], t->data, t->bytes, false, nullptr, outcome)) return false;
    }
    if (interpreter.Invoke() != microml::Status::kOk) {
      return outcome->Fail("failed", "invoke %lu: %s", static_cast<unsigned long>(r + 1),
                           interpreter.error());
    }
  }
  for (uint32_t i = 0; i < job.num_outputs; ++i) {
    const microml::Tensor* t = interpreter.output(i);
    if (!WriteHostFile(job.outputs[i], t->data, t->bytes, outcome)) return false;
  }
  return true;
}

// Tabs and line breaks would split the results line.
void Flatten(char* text) {
  for (; *text != '\0'; ++text) {
    if (*text == '\t' || *text == '\n' || *text == '\r') *text = ' ';
  }
}

int Run() {
  char manifest_path[kPathBytes];
  char results_path[kPathBytes];
  if (!microml_cortex_m::StringArgument(1, manifest_path, sizeof(manifest_path)) ||
      !microml_cortex_m::StringArgument(2, results_path, sizeof(results_path))) {
    Print("fixture_runner: usage: fixture_runner MANIFEST RESULTS [FIRST]\n");
    return 2;
  }
  const int32_t first = microml_cortex_m::IntArgument(3, 0);
  const int manifest = semihost_open(manifest_path, kSemihostReadBinary);
  if (manifest < 0) {
    Print("fixture_runner: cannot open %s\n", manifest_path);
    return 2;
  }
  const int results = semihost_open(results_path, kSemihostWriteBinary);
  if (results < 0) {
    Print("fixture_runner: cannot create %s\n", results_path);
    return 2;
  }
  Print("fixture_runner: %s, jobs of %s from %ld\n", microml_cortex_m::CoreName(), manifest_path,
        static_cast<long>(first));

  LineReader reader(manifest);
  static char line[kLineBytes];
  int32_t index = 0;
  uint32_t counts[3] = {0, 0, 0};  // ok, refused, failed
  bool too_long = false;
  while (reader.Next(line, sizeof(line), &too_long)) {
    if (line[0] == '\0' || line[0] == '#') continue;
    const int32_t job_index = index++;
    if (job_index < first) continue;
    Outcome outcome;
    Job job;
    if (too_long) {
      outcome.Fail("failed", "manifest: line longer than %zu bytes", kLineBytes - 1);
    } else if (ParseJob(line, &job, &outcome)) {
      RunJob(job, &outcome);
    }
    Flatten(outcome.message);
    char text[sizeof(outcome.message) + 32];
    const size_t length =
        outcome.message[0] == '\0'
            ? microml::FormatTextF(text, sizeof(text), "%ld\t%s\n", static_cast<long>(job_index),
                                   outcome.status)
            : microml::FormatTextF(text, sizeof(text), "%ld\t%s\t%s\n",
                                   static_cast<long>(job_index), outcome.status, outcome.message);
    if (semihost_write_file(results, text, length < sizeof(text) ? length : sizeof(text) - 1) !=
        0) {
      Print("fixture_runner: cannot write %s\n", results_path);
      return 2;
    }
    ++counts[outcome.status[0] == 'o' ? 0 : outcome.status[0] == 'r' ? 1 : 2];
  }
  semihost_close(manifest);
  semihost_close(results);
  Print("fixture_runner: %lu ok, %lu refused, %lu failed\n", static_cast<unsigned long>(counts[0]),
        static_cast<unsigned long>(counts[1]), static_cast<unsigned long>(counts[2]));
  return 0;
}

}  // namespace

int main() {
  return Run();
}
