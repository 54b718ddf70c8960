# QEMU mps2-an500: Cortex-M7 with double-precision FPU, hard float. Same
# memory map at 0 and 0x20000000 and the same UART0 as AN385.
QEMU_ARCH = arm
QEMU_MACHINE = mps2-an500

CFLAGS += -mthumb -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard
CFLAGS += -DQEMU_SOC_MPS2
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M7"'
AFLAGS += -mthumb -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard

LDSCRIPT = $(BOARD_DIR)/../mps2.ld
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7emdp
MICROPY_HEAP_SIZE = 3145728

# CPACR: full access to CP10/CP11 (the FPU is off at reset).
MP_PORT_INIT += *(volatile unsigned long *)0xE000ED88 |= 0xFul << 20;
include $(BOARD_DIR)/../common.mk
