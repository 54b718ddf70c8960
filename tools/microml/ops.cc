#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "microml/kernel.h"
#include "microml/model.h"

namespace microml_cli {

int Ops(int argc, char** argv) {
  const bool json = argc == 1 && strcmp(argv[0], "--json") == 0;
  if (argc > 1 || (argc == 1 && !json)) {
    fprintf(stderr, "microml: error: usage: microml ops [--json]\n");
    return 2;
  }
  const microml::OpResolver& ops = microml::AllOpsResolver();
  if (json) printf("[");
  for (size_t i = 0; i < ops.count; ++i) {
    const microml::KernelRegistration* k = ops.kernels[i];
    const char* name =
        k->custom_name != nullptr ? k->custom_name : microml::BuiltinOpName(k->builtin_code);
    const char* variants = k->variants != nullptr ? k->variants : "";
    if (json) {
      printf("%s\n {\"name\": \"%s\", \"custom\": %s, \"max_version\": %d, \"variants\": \"%s\"}",
             i ? "," : "", name, k->custom_name != nullptr ? "true" : "false",
             static_cast<int>(k->max_version), variants);
    } else {
      printf("%-32s v1-%-3d %s\n", name, static_cast<int>(k->max_version), variants);
    }
  }
  if (json) printf("\n]\n");
  return 0;
}

}  // namespace microml_cli
