# Included at the end of every qemu board file here.
#
# The port's startup code leaves the FPU off and main() limits the Python
# stack to 10 KB. MP_PORT_INIT collects C statements that mp_init() runs
# (through MICROPY_PORT_INIT_FUNC) before any Python code: the boards enable
# the FPU there, and the Python stack limit is raised to 64 KB (the linker
# scripts leave far more than that for the C stack) so that predict()
# callbacks can nest decoders and NMS comfortably.
MP_PORT_INIT += MP_STATE_THREAD(stack_limit) = 64 * 1024;
# micropython/qemu: the `time` module and /rom (see qemu_rom.c); only with
# our user C modules (the stock firmware is built without).
ifneq ($(wildcard $(USER_C_MODULES)/qemu/qemu_board.c),)
ML_QEMU_BOARD = 1
MP_PORT_INIT += extern void qemu_board_init(void); qemu_board_init();
endif
CFLAGS += -DMICROPY_PORT_INIT_FUNC='do { $(MP_PORT_INIT) } while (0)'
FROZEN_MANIFEST ?= $(BOARD_DIR)/../manifest_qemu.py
# The runtime needs frexp, round, floor and ilogb in double precision (see micropython/ml/micropython.mk).
ML_LIBM_DBL = 1
