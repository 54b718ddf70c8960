#include "qemu_board.h"

// One entry point for boards/common.mk, so the init macro needs no prototypes.
void qemu_board_init(void) {
  qemu_time_init();
  qemu_rom_mount();
}
