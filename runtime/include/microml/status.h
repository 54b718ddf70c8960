// Error handling without exceptions: every fallible call returns a Status and,
// on failure, leaves a human-readable message in an ErrorMessage owned by the caller.
#ifndef MICROML_STATUS_H_
#define MICROML_STATUS_H_

#include <stdarg.h>
#include <stddef.h>

// Format strings are checked on host builds. On Arm EABI int32_t is `long`
// where hosts have `int`; both are passed identically there, so checking there
// would only demand casts that change nothing.
#if defined(__arm__)
#define MICROML_PRINTF_FORMAT(format_index, first_arg)
#else
#define MICROML_PRINTF_FORMAT(format_index, first_arg) \
  __attribute__((format(printf, format_index, first_arg)))
#endif

namespace microml {

enum class Status : unsigned char {
  kOk = 0,
  kInvalidModel,     // the model bytes are malformed or inconsistent
  kUnsupported,      // well-formed, but uses something we do not implement
  kArenaTooSmall,    // the caller's arena cannot hold the plan
  kInvalidArgument,  // a caller passed a bad index, size or state
  kInvalidState,     // call made in the wrong order (e.g. invoke before setup)
};

const char* StatusName(Status status);

// A fixed buffer so that reporting an error never allocates.
class ErrorMessage {
 public:
  static constexpr size_t kCapacity = 192;

  ErrorMessage() { text_[0] = '\0'; }
  const char* text() const { return text_; }
  void Clear() { text_[0] = '\0'; }

  // printf subset: %d %i %u %ld %lu %lld %llu %zu %x %s %c %%. Returns `status`
  // so a failure can be reported and returned in one statement.
  Status Set(Status status, const char* format, ...) MICROML_PRINTF_FORMAT(3, 4);
  Status SetV(Status status, const char* format, va_list args);

 private:
  char text_[kCapacity];
};

// Formats into `out` (always NUL-terminated when size > 0) with the same subset.
size_t FormatText(char* out, size_t size, const char* format, va_list args);
size_t FormatTextF(char* out, size_t size, const char* format, ...) MICROML_PRINTF_FORMAT(3, 4);

}  // namespace microml

#define MICROML_RETURN_IF_ERROR(expr)                      \
  do {                                                     \
    const ::microml::Status status_ = (expr);              \
    if (status_ != ::microml::Status::kOk) return status_; \
  } while (0)

#endif  // MICROML_STATUS_H_
