#include "plan/window_overlap.h"

namespace microml {

namespace {

int64_t Gcd(int64_t a, int64_t b) {
  while (b != 0) {
    const int64_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}

// Rounds `n` down (towards minus infinity) to a multiple of `step`.
int64_t FloorTo(int64_t n, int64_t step) {
  const int64_t r = n % step;
  return r == 0 ? n : (n < 0 ? n - r - step : n - r);
}

}  // namespace

bool WindowOutputLead(const Tensor& input, const Tensor& output, const WindowOverlap& walk,
                      size_t alignment, int64_t* lead, uint32_t* step_bytes) {
  if (input.rank != 4 || output.rank != 4 || walk.pixels < 1 || walk.stride_h < 1) return false;
  const int64_t batches = output.dims[0], out_h = output.dims[1], out_w = output.dims[2];
  const int64_t in_h = input.dims[1];
  if (batches < 1 || out_h < 1 || out_w < 1 || in_h < 1 || input.dims[0] != batches) return false;
  const int64_t pixels = batches * out_h * out_w;
  if (output.bytes % pixels != 0 || input.bytes % (batches * in_h) != 0) return false;
  const int64_t pixel_bytes = output.bytes / pixels;
  const int64_t in_row_bytes = input.bytes / (batches * in_h);
  int64_t step = static_cast<int64_t>(alignment);
  if (walk.channel_local) {
    // Output channel c must land on input channel c: whole pixels apart.
    if (input.dims[3] != output.dims[3] ||
        input.bytes / (batches * in_h * input.dims[2]) != pixel_bytes) {
      return false;
    }
    step = step / Gcd(step, pixel_bytes) * pixel_bytes;
  }
  // Pixel q is written while input from the first row that pixel
  // q - pixels + 1 reads on is still needed. Between the points where that
  // pixel enters a new output row the first needed row stays put, so the
  // bound is tightest at the last pixel before each such point.
  int64_t best = 0;
  bool any = false;
  for (int64_t row = 0; row <= batches * out_h; ++row) {
    int64_t q = row * out_w + walk.pixels - 2;
    if (q >= pixels) q = pixels - 1;
    if (q < 0) continue;
    int64_t oldest = q - walk.pixels + 1;
    if (oldest < 0) oldest = 0;
    const int64_t b = oldest / (out_h * out_w);
    const int64_t y = (oldest / out_w) % out_h;
    int64_t in_row = y * walk.stride_h - walk.pad_h;
    if (in_row < 0) in_row = 0;
    if (in_row > in_h) in_row = in_h;
    const int64_t bound = (b * in_h + in_row) * in_row_bytes - (q + 1) * pixel_bytes;
    if (!any || bound < best) best = bound;
    any = true;
  }
  if (!any) return false;
  best = FloorTo(best, step);
  // Starting a whole output below the input is no overlap at all.
  if (best + static_cast<int64_t>(output.bytes) <= 0) return false;
  if (step > 0x7FFFFFFF) return false;
  *lead = best;
  *step_bytes = static_cast<uint32_t>(step);
  return true;
}

}  // namespace microml
