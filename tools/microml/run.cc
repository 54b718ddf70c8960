#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <chrono>
#include <string>
#include <vector>

#include "commands.h"
#include "model_file.h"
#include "op_profile.h"

namespace microml_cli {

int Run(int argc, char** argv) {
  const char* path = nullptr;
  const char* output_dir = nullptr;
  std::vector<std::string> input_paths;
  long repeat = 1;
  long frames = 1;
  bool timing = false;
  bool profile = false;
  LoadOptions load;
  for (int i = 0; i < argc; ++i) {
    const bool has_value = i + 1 < argc;
    if (strcmp(argv[i], "--input") == 0 && has_value) {
      input_paths.push_back(argv[++i]);
    } else if (strcmp(argv[i], "--output-dir") == 0 && has_value) {
      output_dir = argv[++i];
    } else if (strcmp(argv[i], "--repeat") == 0 && has_value) {
      char* end = nullptr;
      repeat = strtol(argv[++i], &end, 10);
      if (*end != '\0' || repeat < 1) {
        fprintf(stderr, "microml: error: --repeat needs a positive count, got '%s'\n", argv[i]);
        return 2;
      }
    } else if (strcmp(argv[i], "--frames") == 0 && has_value) {
      char* end = nullptr;
      frames = strtol(argv[++i], &end, 10);
      if (*end != '\0' || frames < 1) {
        fprintf(stderr, "microml: error: --frames needs a positive count, got '%s'\n", argv[i]);
        return 2;
      }
    } else if (const int taken = ParseLoadOption(argc, argv, &i, &load); taken != 0) {
      if (taken < 0) return 2;
    } else if (strcmp(argv[i], "--timing") == 0) {
      timing = true;
    } else if (strcmp(argv[i], "--profile") == 0) {
      profile = true;
    } else if (path == nullptr && argv[i][0] != '-') {
      path = argv[i];
    } else {
      fprintf(stderr, "microml: error: unexpected argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (path == nullptr || output_dir == nullptr) {
    fprintf(stderr, "microml: error: run needs MODEL and --output-dir DIR\n");
    return 2;
  }
  if (frames > 1 && repeat > 1) {
    fprintf(stderr, "microml: error: --frames and --repeat do not combine\n");
    return 2;
  }
  // --frames N streams N consecutive input values through one interpreter (state carries over,
  // as for audio frames) and writes the N outputs of each output tensor back to back.
  if (frames > 1) repeat = frames;
  LoadedModel loaded;
  std::string error;
  if (!LoadModel(path, &loaded, &error, load)) {
    fprintf(stderr, "microml: error: %s\n", error.c_str());
    return 1;
  }
  microml::Interpreter& interpreter = loaded.interpreter;
  if (input_paths.size() != interpreter.num_inputs()) {
    fprintf(stderr, "microml: error: model has %zu inputs, %zu --input files given\n",
            interpreter.num_inputs(), input_paths.size());
    return 1;
  }
  std::vector<AlignedBuffer> inputs(input_paths.size());
  for (size_t i = 0; i < input_paths.size(); ++i) {
    if (!ReadFile(input_paths[i], &inputs[i], &error)) {
      fprintf(stderr, "microml: error: %s\n", error.c_str());
      return 1;
    }
    const microml::Tensor* t = interpreter.input(i);
    if (inputs[i].size() != static_cast<size_t>(t->bytes) * static_cast<size_t>(frames)) {
      fprintf(stderr, "microml: error: input %zu (%s) needs %zu bytes, %s has %zu\n", i,
              interpreter.input_ref(i).name().data,
              static_cast<size_t>(t->bytes) * static_cast<size_t>(frames), input_paths[i].c_str(),
              inputs[i].size());
      return 1;
    }
  }
  OpProfile op_profile;
  if (profile) op_profile.Attach(&interpreter);
  double invoke_seconds = 0.0;
  std::vector<std::string> streamed(interpreter.num_outputs());
  for (long r = 0; r < repeat; ++r) {
    const size_t frame = frames > 1 ? static_cast<size_t>(r) : 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      microml::Tensor* t = interpreter.input(i);
      if (t->bytes > 0) memcpy(t->data, inputs[i].data() + frame * t->bytes, t->bytes);
    }
    const auto start = std::chrono::steady_clock::now();
    const microml::Status status = interpreter.Invoke();
    invoke_seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (status != microml::Status::kOk) {
      fprintf(stderr, "microml: error: %s\n", interpreter.error());
      return 1;
    }
    for (size_t i = 0; frames > 1 && i < streamed.size(); ++i) {
      const microml::Tensor* t = interpreter.output(i);
      streamed[i].append(static_cast<const char*>(t->data), t->bytes);
    }
  }
  if (timing) {
    printf("seconds_per_invoke: %.9f\n", invoke_seconds / static_cast<double>(repeat));
    printf("kernels_level: %s\n", microml::OptimizedKernelsLevel());
  }
  if (profile) op_profile.Print(stdout, loaded.model);
  for (size_t i = 0; i < interpreter.num_outputs(); ++i) {
    const std::string out_path = std::string(output_dir) + "/output" + std::to_string(i) + ".bin";
    FILE* f = fopen(out_path.c_str(), "wb");
    const microml::Tensor* t = interpreter.output(i);
    const void* bytes = frames > 1 ? static_cast<const void*>(streamed[i].data()) : t->data;
    const size_t size = frames > 1 ? streamed[i].size() : t->bytes;
    if (f == nullptr || (size > 0 && fwrite(bytes, 1, size, f) != size)) {
      if (f != nullptr) fclose(f);
      fprintf(stderr, "microml: error: cannot write %s\n", out_path.c_str());
      return 1;
    }
    fclose(f);
  }
  return 0;
}

}  // namespace microml_cli
