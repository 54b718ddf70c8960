// Arm semihosting: the debugger (here QEMU with -semihosting) services requests
// the program makes with BKPT 0xAB. Only what the test images need: console
// output, exit status, command line and host file I/O.
#ifndef MICROML_CORTEX_M_SEMIHOST_H_
#define MICROML_CORTEX_M_SEMIHOST_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// Writes to the host's stdout (fd 1) or stderr (fd 2). Returns bytes written,
// or -1 for any other fd.
int semihost_write(int fd, const void* data, size_t size);

// Ends the run; QEMU exits with `status` (SYS_EXIT_EXTENDED, so any value, not
// only success/failure).
__attribute__((noreturn)) void semihost_exit(int status);

// Copies the program's command line (QEMU: the -semihosting-config arg=...
// values joined by spaces) into `buf` NUL-terminated. Returns its length, or -1
// when the host provides none or it does not fit.
int semihost_cmdline(char* buf, size_t size);

// Host files (QEMU with target=native: paths relative to QEMU's working
// directory). Handles are the host's, >= 0; every call returns -1 on failure.
enum {
  kSemihostReadBinary = 1,   // "rb"
  kSemihostWriteBinary = 5,  // "wb": created or truncated
};
int semihost_open(const char* path, int mode);
int semihost_close(int handle);
// Size of the open file in bytes.
long semihost_flen(int handle);
// Reads up to `size` bytes; returns how many were read (0 at end of file).
long semihost_read(int handle, void* data, size_t size);
// Writes all `size` bytes; returns 0, or -1 when not all were written.
int semihost_write_file(int handle, const void* data, size_t size);

#ifdef __cplusplus
}
#endif

#endif  // MICROML_CORTEX_M_SEMIHOST_H_
