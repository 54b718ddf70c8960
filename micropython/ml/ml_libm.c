// ilogb() for ports whose C library has no double-precision libm (ports/qemu
// links with -nostdlib and MicroPython's single-precision lib/libm). The
// runtime's fixed-point setup works in double, as TFLite's does; the other
// double functions come from MicroPython's lib/libm_dbl (see micropython.mk).
#include <limits.h>
#include <math.h>

int ilogb(double x) {
    if (x == 0.0) {
        return FP_ILOGB0;
    }
    if (x != x) {
        return FP_ILOGBNAN;
    }
    if (x - x != 0.0) {
        return INT_MAX;
    }
    int e;
    frexp(x, &e);
    return e - 1;
}
