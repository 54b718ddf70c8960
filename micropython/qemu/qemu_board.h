// Start-up hooks of the qemu boards, called from MICROPY_PORT_INIT_FUNC.
#ifndef MICROML_QEMU_BOARD_H
#define MICROML_QEMU_BOARD_H

// Starts the 1 ms SysTick that the `time` module counts.
void qemu_time_init(void);

// Mounts the ROMFS image at _romfs_start (linker script) on /rom, if there is one.
void qemu_rom_mount(void);

#endif
