# QEMU mps2-an386: Cortex-M4 with single-precision FPU, hard float. Same
# memory map and CMSDK UART0 (0x40004000) as AN385.
QEMU_ARCH = arm
QEMU_MACHINE = mps2-an386

CFLAGS += -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M4F"'
AFLAGS += -mthumb -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard

LDSCRIPT = $(BOARD_DIR)/../mps2.ld
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7emsp
MICROPY_HEAP_SIZE = 3145728

# CPACR: full access to CP10/CP11 (the FPU is off at reset).
MP_PORT_INIT += *(volatile unsigned long *)0xE000ED88 |= 0xFul << 20;
include $(BOARD_DIR)/../common.mk
