// /rom: a MicroPython ROMFS image (tools/mkromfs.py) in the board's flash
// window [_romfs_start, _romfs_start + _romfs_size), put there by QEMU's
// `-device loader` (scripts/run_micropython_qemu.py --rom). Files on it
// expose their bytes through the buffer protocol, so ml.Model runs a model
// stored there in place.
#include <stdint.h>

#include "extmod/vfs.h"
#include "extmod/vfs_rom.h"
#include "py/mphal.h"
#include "py/runtime.h"
#include "qemu_board.h"

extern const uint8_t _romfs_start[];
extern const uint8_t _romfs_size[];

// A ROMFS image starts with the record kind 0x14a6b1 encoded as d2 cd 31.
static const uint8_t kRomfsMagic[3] = {0xd2, 0xcd, 0x31};

// The image's size from its leading record (kind, payload length, payload);
// 0 when the window holds no image or a length running past the window.
static size_t romfs_image_size(const uint8_t* p, size_t window) {
  if (window < 4 || p[0] != kRomfsMagic[0] || p[1] != kRomfsMagic[1] || p[2] != kRomfsMagic[2]) {
    return 0;
  }
  size_t at = 3;
  uint64_t len = 0;
  for (;;) {
    if (at >= window || len > (uint64_t)window) {
      return 0;
    }
    uint8_t b = p[at++];
    len = (len << 7) | (b & 0x7f);
    if (!(b & 0x80)) {
      break;
    }
  }
  if (len > (uint64_t)(window - at)) {
    return 0;
  }
  return at + (size_t)len;
}

void qemu_rom_mount(void) {
  size_t window = (size_t)(uintptr_t)_romfs_size;
  size_t size = romfs_image_size(_romfs_start, window);
  if (size == 0) {
    return;
  }
  nlr_buf_t nlr;
  if (nlr_push(&nlr) == 0) {
    // A read-only memoryview: VfsRom keeps it, and files are views into it.
    mp_obj_t mem = mp_obj_new_memoryview('B', size, (void*)_romfs_start);
    mp_obj_t fs = mp_call_function_1(MP_OBJ_FROM_PTR(&mp_type_vfs_rom), mem);
    mp_call_function_2(MP_OBJ_FROM_PTR(&mp_vfs_mount_obj), fs, mp_obj_new_str("/rom", 4));
    nlr_pop();
  } else {
    mp_printf(&mp_plat_print, "/rom not mounted: ");
    mp_obj_print_exception(&mp_plat_print, MP_OBJ_FROM_PTR(nlr.ret_val));
  }
}
