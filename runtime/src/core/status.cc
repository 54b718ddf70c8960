#include "microml/status.h"

#include <stdint.h>

namespace microml {

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk:
      return "ok";
    case Status::kInvalidModel:
      return "invalid model";
    case Status::kUnsupported:
      return "unsupported";
    case Status::kArenaTooSmall:
      return "arena too small";
    case Status::kInvalidArgument:
      return "invalid argument";
    case Status::kInvalidState:
      return "invalid state";
  }
  return "unknown";
}

namespace {

// Writes into a bounded buffer and keeps counting past the end, like snprintf,
// without pulling newlib's printf (large, and unavailable in native .mpy modules).
class Writer {
 public:
  Writer(char* out, size_t size) : out_(out), size_(size) {}
  void Put(char c) {
    if (size_ != 0 && length_ + 1 < size_) out_[length_] = c;
    ++length_;
  }
  void PutString(const char* s) {
    if (s == nullptr) s = "(null)";
    while (*s != '\0') Put(*s++);
  }
  void PutUnsigned(unsigned long long value, unsigned base) {
    char digits[24];
    int n = 0;
    do {
      const unsigned d = static_cast<unsigned>(value % base);
      digits[n++] = static_cast<char>(d < 10 ? '0' + d : 'a' + d - 10);
      value /= base;
    } while (value != 0);
    while (n > 0) Put(digits[--n]);
  }
  void PutSigned(long long value) {
    if (value < 0) {
      Put('-');
      PutUnsigned(0ULL - static_cast<unsigned long long>(value), 10);
    } else {
      PutUnsigned(static_cast<unsigned long long>(value), 10);
    }
  }
  size_t Finish() {
    if (size_ != 0) out_[length_ < size_ ? length_ : size_ - 1] = '\0';
    return length_;
  }

 private:
  char* out_;
  size_t size_;
  size_t length_ = 0;
};

}  // namespace

size_t FormatText(char* out, size_t size, const char* format, va_list args) {
  Writer w(out, size);
  for (const char* p = format; *p != '\0'; ++p) {
    if (*p != '%') {
      w.Put(*p);
      continue;
    }
    ++p;
    int longs = 0;
    bool size_t_arg = false;
    while (*p == 'l') {
      ++longs;
      ++p;
    }
    if (*p == 'z') {
      size_t_arg = true;
      ++p;
    }
    switch (*p) {
      case 'd':
      case 'i':
        if (size_t_arg) {
          w.PutSigned(static_cast<long long>(va_arg(args, size_t)));
        } else if (longs >= 2) {
          w.PutSigned(va_arg(args, long long));
        } else if (longs == 1) {
          w.PutSigned(va_arg(args, long));
        } else {
          w.PutSigned(va_arg(args, int));
        }
        break;
      case 'u':
      case 'x': {
        const unsigned base = *p == 'u' ? 10 : 16;
        if (size_t_arg) {
          w.PutUnsigned(va_arg(args, size_t), base);
        } else if (longs >= 2) {
          w.PutUnsigned(va_arg(args, unsigned long long), base);
        } else if (longs == 1) {
          w.PutUnsigned(va_arg(args, unsigned long), base);
        } else {
          w.PutUnsigned(va_arg(args, unsigned), base);
        }
        break;
      }
      case 's':
        w.PutString(va_arg(args, const char*));
        break;
      case 'c':
        w.Put(static_cast<char>(va_arg(args, int)));
        break;
      case '%':
        w.Put('%');
        break;
      case '\0':
        --p;
        break;
      default:
        w.Put('%');
        w.Put(*p);
        break;
    }
  }
  return w.Finish();
}

size_t FormatTextF(char* out, size_t size, const char* format, ...) {
  va_list args;
  va_start(args, format);
  const size_t n = FormatText(out, size, format, args);
  va_end(args);
  return n;
}

Status ErrorMessage::SetV(Status status, const char* format, va_list args) {
  FormatText(text_, kCapacity, format, args);
  return status;
}

Status ErrorMessage::Set(Status status, const char* format, ...) {
  va_list args;
  va_start(args, format);
  SetV(status, format, args);
  va_end(args);
  return status;
}

}  // namespace microml
