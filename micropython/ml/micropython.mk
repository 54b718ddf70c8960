# MicroPython user C module `_ml`: C glue over the microml C++ runtime, which
# is compiled here from runtime/src. Used with USER_C_MODULES=<repo>/micropython.
#
# Variables (make command line):
#   ML_MODELS_INDEX  models to embed (default micropython/models/index.txt; a
#                    missing file embeds none)
# Set by a board:
#   ML_LIBM_DBL=1    link the math the runtime needs on ports without a C
#                    library libm: double precision from MicroPython's
#                    lib/libm_dbl, plus ml_libm.c (ilogb, fmaxf, fminf); unused
#                    functions are dropped by --gc-sections
ML_MOD_DIR := $(USERMOD_DIR)
ML_REPO := $(abspath $(ML_MOD_DIR)/../..)
ML_RUNTIME := $(ML_REPO)/runtime
ML_MODELS_INDEX ?= $(ML_REPO)/micropython/models/index.txt
ML_PYTHON ?= python3

SRC_USERMOD_C += \
	$(ML_MOD_DIR)/ml_module.c \
	$(ML_MOD_DIR)/ml_model.c \
	$(ML_MOD_DIR)/ml_ndarray.c \
	$(ML_MOD_DIR)/ml_ndarray_ops.c \
	$(ML_MOD_DIR)/ml_image.c \
	$(ML_MOD_DIR)/ml_nms.c \
	$(ML_MOD_DIR)/ml_postprocess.c

SRC_USERMOD_CXX += \
	$(ML_MOD_DIR)/ml_engine.cpp \
	$(ML_MOD_DIR)/ml_tensor_ops.cpp \
	$(ML_MOD_DIR)/ml_preprocess.cpp \
	$(ML_MOD_DIR)/ml_preprocess_openmv.cpp \
	$(ML_MOD_DIR)/ml_decode.cpp

CFLAGS_USERMOD += -I$(ML_MOD_DIR)

# C++17 without exceptions, RTTI or any libstdc++ runtime (the qemu port links
# with -nostdlib). The unix port derives CXXFLAGS from CFLAGS; ports/qemu does
# not, so the target flags (-mthumb -mcpu=... -mfloat-abi=...) are carried over.
ML_CXXFLAGS = $(filter -m%,$(CFLAGS)) -std=c++17 -fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-fno-use-cxa-atexit -ffunction-sections -fdata-sections -O2 -DNDEBUG
# A sanitizer build of the port (CFLAGS_EXTRA=-fsanitize=...) covers the runtime too.
ML_CXXFLAGS += $(filter -fsanitize=% -fno-sanitize=% -fno-sanitize-recover=% -fno-omit-frame-pointer,$(CFLAGS))
# The glue's float code (preprocessing, decoders) is not contracted into fused
# multiply-adds, so box coordinates come out the same on every target.
CXXFLAGS_USERMOD += -I$(ML_MOD_DIR) -I$(ML_RUNTIME)/include $(ML_CXXFLAGS) -ffp-contract=off

# The runtime sources (.cc, outside USER_C_MODULES) get their own rule; their
# objects join PY_O, so they are linked like the module's own.
ML_RUNTIME_SRC := $(sort $(shell find $(ML_RUNTIME)/src -name '*.cc'))
ML_RUNTIME_OBJ := $(patsubst $(ML_RUNTIME)/src/%.cc,$(BUILD)/microml/%.o,$(ML_RUNTIME_SRC))
PY_O += $(ML_RUNTIME_OBJ)

$(BUILD)/microml/%.o: $(ML_RUNTIME)/src/%.cc
	$(ECHO) "CXX $(notdir $<)"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CXX) $(ML_CXXFLAGS) -Wall -Wextra -I$(ML_RUNTIME)/include -I$(ML_RUNTIME)/src -MD -MP -c -o $@ $<

-include $(ML_RUNTIME_OBJ:.o=.d)

ifeq ($(ML_LIBM_DBL),1)
ML_LIBM_SRC := $(filter-out %/thumb_vfp_sqrt.c,$(wildcard $(TOP)/lib/libm_dbl/*.c))
ML_LIBM_OBJ := $(patsubst $(TOP)/lib/libm_dbl/%.c,$(BUILD)/ml/libm_dbl/%.o,$(ML_LIBM_SRC)) $(BUILD)/ml/ml_libm.o
PY_O += $(ML_LIBM_OBJ)

# -fpermitted-flt-eval-methods=c11: Armv8.1-M (M55) would otherwise make
# FLT_EVAL_METHOD 16, for which newlib's math.h defines no double_t.
$(BUILD)/ml/libm_dbl/%.o: $(TOP)/lib/libm_dbl/%.c
	$(ECHO) "CC $(notdir $<)"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(filter -m%,$(CFLAGS)) -fpermitted-flt-eval-methods=c11 -O2 -ffunction-sections -fdata-sections -c -o $@ $<

$(BUILD)/ml/ml_libm.o: $(ML_MOD_DIR)/ml_libm.c
	$(ECHO) "CC $(notdir $<)"
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(filter -m%,$(CFLAGS)) -O2 -Wall -Wextra -ffunction-sections -fdata-sections -c -o $@ $<
endif

# Embedded models: a C table generated from the index (rewritten only when
# its content changes, so an unchanged index costs no rebuild).
ML_MODELS_C := $(BUILD)/ml/ml_models.c
ML_MODELS_O := $(BUILD)/ml/ml_models.o
PY_O += $(ML_MODELS_O)

.PHONY: ml-models-force
$(ML_MODELS_C): ml-models-force
	$(Q)mkdir -p $(dir $@)
	$(Q)$(ML_PYTHON) $(ML_REPO)/micropython/models/gen_models.py $(ML_MODELS_INDEX) $@

$(ML_MODELS_O): $(ML_MODELS_C) $(ML_MOD_DIR)/ml_builtin_models.h
	$(ECHO) "CC $(notdir $<)"
	$(Q)$(CC) $(filter -m%,$(CFLAGS)) -O2 -I$(ML_MOD_DIR) -c -o $@ $<
