# Board support for the qemu firmware (micropython/boards): a `time` module
# (ports/qemu has none) and the read-only /rom filesystem. Built only when a
# board of ours sets ML_QEMU_BOARD (boards/common.mk); the unix port has both.
ifeq ($(ML_QEMU_BOARD),1)
SRC_USERMOD_C += \
	$(USERMOD_DIR)/qemu_board.c \
	$(USERMOD_DIR)/qemu_rom.c \
	$(USERMOD_DIR)/qemu_time.c
endif
