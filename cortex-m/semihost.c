#include "semihost.h"

#include <stdint.h>
#include <string.h>

enum {
  kSysOpen = 0x01,
  kSysClose = 0x02,
  kSysWrite = 0x05,
  kSysRead = 0x06,
  kSysFlen = 0x0C,
  kSysGetCmdline = 0x15,
  kSysExitExtended = 0x20,
};

// Reason code for a normal application exit.
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static int semihost_call(int op, void* block) {
  register int r0 __asm__("r0") = op;
  register void* r1 __asm__("r1") = block;
  // The host reads and writes `block` behind the compiler's back.
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

// Host handles of ":tt" opened for writing (stdout) and appending (stderr).
// Opened on first use; 0 means not yet (handles are stored plus one).
static int tty_handle_plus_one[3];

static int tty_handle(int fd) {
  if (tty_handle_plus_one[fd] == 0) {
    // SYS_OPEN mode 4 ("w") reaches the host's stdout, mode 8 ("a") its stderr.
    uint32_t block[3] = {(uint32_t)(uintptr_t) ":tt", fd == 1 ? 4u : 8u, 3u};
    tty_handle_plus_one[fd] = semihost_call(kSysOpen, block) + 1;
  }
  return tty_handle_plus_one[fd] - 1;
}

int semihost_write(int fd, const void* data, size_t size) {
  if (fd != 1 && fd != 2) return -1;
  int handle = tty_handle(fd);
  if (handle < 0) return -1;
  uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)data, (uint32_t)size};
  // SYS_WRITE returns the number of bytes NOT written.
  return (int)size - semihost_call(kSysWrite, block);
}

void semihost_exit(int status) {
  uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
  for (;;) semihost_call(kSysExitExtended, block);
}

int semihost_cmdline(char* buf, size_t size) {
  if (size == 0) return -1;
  uint32_t block[2] = {(uint32_t)(uintptr_t)buf, (uint32_t)size};
  if (semihost_call(kSysGetCmdline, block) != 0) return -1;
  if (block[1] >= size) return -1;
  buf[block[1]] = '\0';
  return (int)block[1];
}

int semihost_open(const char* path, int mode) {
  uint32_t block[3] = {(uint32_t)(uintptr_t)path, (uint32_t)mode, (uint32_t)strlen(path)};
  return semihost_call(kSysOpen, block);
}

int semihost_close(int handle) {
  uint32_t block[1] = {(uint32_t)handle};
  return semihost_call(kSysClose, block) == 0 ? 0 : -1;
}

long semihost_flen(int handle) {
  uint32_t block[1] = {(uint32_t)handle};
  return semihost_call(kSysFlen, block);
}

long semihost_read(int handle, void* data, size_t size) {
  uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)data, (uint32_t)size};
  // SYS_READ returns the number of bytes NOT read (size: end of file).
  const int not_read = semihost_call(kSysRead, block);
  if (not_read < 0 || (size_t)not_read > size) return -1;
  return (long)(size - (size_t)not_read);
}

int semihost_write_file(int handle, const void* data, size_t size) {
  uint32_t block[3] = {(uint32_t)handle, (uint32_t)(uintptr_t)data, (uint32_t)size};
  return semihost_call(kSysWrite, block) == 0 ? 0 : -1;
}
