# QEMU mps3-an547 (SSE-300): Cortex-M55 with FPU and MVE, hard float. Its
# CMSDK UART0 is at 0x49303000, so the build patches ports/qemu/uart.c to take
# the base from QEMU_MPS_UART0_BASE (scripts/build_micropython.sh does this).
ifeq ($(shell grep -c QEMU_MPS_UART0_BASE $(TOP)/ports/qemu/uart.c),0)
$(error MPS3_AN547 needs ports/qemu/uart.c patched with micropython/boards/MPS3_AN547/uart-base.patch)
endif
QEMU_ARCH = arm
QEMU_MACHINE = mps3-an547

CFLAGS += -mthumb -mcpu=cortex-m55 -mfloat-abi=hard
CFLAGS += -DQEMU_SOC_MPS2 -DQEMU_MPS_UART0_BASE=0x49303000
# Clocks and FPGA I/O block for the `time` module (micropython/qemu/qemu_time.c).
CFLAGS += -DML_QEMU_CPU_HZ=32000000u -DML_QEMU_FPGAIO_BASE=0x49302000u -DML_QEMU_FPGAIO_HZ=20000000u
CFLAGS += -DMICROPY_HW_MCU_NAME='"Cortex-M55"'
# gas 2.40 has no -mcpu=cortex-m55; without an architecture here
# gchelper_thumb2.o gets a default tag that ld refuses to link with v8.1-M code.
AFLAGS += -mthumb -march=armv8.1-m.main+mve.fp+fp.dp -mfloat-abi=hard

LDSCRIPT = $(BOARD_DIR)/mps3-an547.ld
SRC_BOARD_O = shared/runtime/gchelper_native.o shared/runtime/gchelper_thumb2.o
MPY_CROSS_FLAGS += -march=armv7emdp
MICROPY_HEAP_SIZE = 2621440

# CPACR: full access to CP10/CP11 (FPU and MVE are off at reset).
MP_PORT_INIT += *(volatile unsigned long *)0xE000ED88 |= 0xFul << 20;
include $(BOARD_DIR)/../common.mk
