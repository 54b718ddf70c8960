// The system calls newlib needs, for a bare-metal program whose only device is
// the semihosting console: stdout/stderr go to the host, there is no input and
// no file system, the heap grows from the end of .bss up to the stack.
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>

#include "semihost.h"

int _write(int fd, const char* data, int size) {
  int n = semihost_write(fd, data, (size_t)size);
  if (n < 0) errno = EBADF;
  return n;
}

int _read(int fd, char* data, int size) {
  (void)data;
  (void)size;
  if (fd != 0) {
    errno = EBADF;
    return -1;
  }
  return 0;
}

int _open(const char* path, int flags, int mode) {
  (void)path;
  (void)flags;
  (void)mode;
  errno = ENOSYS;
  return -1;
}

int _close(int fd) {
  if (fd >= 0 && fd <= 2) return 0;
  errno = EBADF;
  return -1;
}

int _lseek(int fd, int offset, int whence) {
  (void)fd;
  (void)offset;
  (void)whence;
  errno = ESPIPE;
  return -1;
}

int _fstat(int fd, struct stat* st) {
  (void)fd;
  st->st_mode = S_IFCHR;
  return 0;
}

// A terminal makes stdout line-buffered, so output printed before a crash survives.
int _isatty(int fd) {
  return fd >= 0 && fd <= 2;
}

int _getpid(void) {
  return 1;
}

// abort() raises SIGABRT: end the run the way a host process would (status 134).
int _kill(int pid, int sig) {
  (void)pid;
  semihost_exit(128 + sig);
}

void _exit(int status) {
  semihost_exit(status);
}

extern char __heap_start__[], __heap_end__[];

void* _sbrk(ptrdiff_t increment) {
  static char* brk = __heap_start__;
  if (increment > __heap_end__ - brk || increment < __heap_start__ - brk) {
    errno = ENOMEM;
    return (void*)-1;
  }
  char* previous = brk;
  brk += increment;
  return previous;
}
