// Reading the bundled models from the source tree in unit tests.
#ifndef MICROML_TESTS_RUNTIME_TEST_FILES_H_
#define MICROML_TESTS_RUNTIME_TEST_FILES_H_

#include <stdint.h>
#include <stdio.h>

#include <string>
#include <vector>

namespace microml_test {

// 16-byte aligned bytes, like a model placed in flash or read into the heap.
struct AlignedBytes {
  struct alignas(16) Block {
    uint8_t b[16];
  };
  std::vector<Block> blocks;
  size_t size = 0;
  uint8_t* data() { return reinterpret_cast<uint8_t*>(blocks.data()); }
  const uint8_t* data() const { return reinterpret_cast<const uint8_t*>(blocks.data()); }
  void Assign(const uint8_t* p, size_t n) {
    blocks.assign(n / 16 + 1, Block{});
    size = n;
    if (n > 0) memcpy(data(), p, n);
  }
};

inline AlignedBytes ReadModel(const std::string& name) {
  const std::string path = std::string(MICROML_SOURCE_DIR) + "/models/" + name;
  AlignedBytes out;
  FILE* f = fopen(path.c_str(), "rb");
  if (f == nullptr) return out;
  std::vector<uint8_t> bytes;
  int c;
  while ((c = fgetc(f)) != EOF) bytes.push_back(static_cast<uint8_t>(c));
  fclose(f);
  out.Assign(bytes.data(), bytes.size());
  return out;
}

}  // namespace microml_test

#endif  // MICROML_TESTS_RUNTIME_TEST_FILES_H_
