#ifndef MICROML_TOOLS_COMMANDS_H_
#define MICROML_TOOLS_COMMANDS_H_

namespace microml_cli {

// Each returns the process exit status: 0 ok, 1 failure, 2 usage error.
int Inspect(int argc, char** argv);
int Run(int argc, char** argv);
int Ops(int argc, char** argv);
int Plan(int argc, char** argv);

}  // namespace microml_cli

#endif  // MICROML_TOOLS_COMMANDS_H_
