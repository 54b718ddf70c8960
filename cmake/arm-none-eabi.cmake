# Cross-compiles microml for bare-metal Arm Cortex-M with the GNU Arm Embedded
# toolchain (arm-none-eabi-gcc) and newlib-nano.
#
#   cmake -S . -B build/cortex-m/m4 -G Ninja \
#         -DCMAKE_TOOLCHAIN_FILE=cmake/arm-none-eabi.cmake \
#         -DMICROML_CPU=cortex-m4 -DMICROML_HOST_TOOLS=OFF
#
# MICROML_CPU: cortex-m0plus | cortex-m4 | cortex-m7 | cortex-m55.
# MICROML_ARM_TOOLCHAIN_PREFIX: compiler prefix (default arm-none-eabi-).

set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(MICROML_CPU "cortex-m4" CACHE STRING
    "Target core: cortex-m0plus, cortex-m4, cortex-m7 or cortex-m55")
set_property(CACHE MICROML_CPU PROPERTY STRINGS cortex-m0plus cortex-m4 cortex-m7 cortex-m55)
set(MICROML_ARM_TOOLCHAIN_PREFIX "arm-none-eabi-" CACHE STRING "GNU Arm compiler prefix")
# try_compile projects re-read this file; hand them the same choices.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MICROML_CPU MICROML_ARM_TOOLCHAIN_PREFIX)

set(CMAKE_C_COMPILER ${MICROML_ARM_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_CXX_COMPILER ${MICROML_ARM_TOOLCHAIN_PREFIX}g++)
set(CMAKE_ASM_COMPILER ${MICROML_ARM_TOOLCHAIN_PREFIX}gcc)
set(CMAKE_OBJCOPY ${MICROML_ARM_TOOLCHAIN_PREFIX}objcopy CACHE FILEPATH "")
set(CMAKE_SIZE ${MICROML_ARM_TOOLCHAIN_PREFIX}size CACHE FILEPATH "")
# No startup code or syscalls exist until the application links its own, so
# compiler checks must not try to link an executable.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

if(MICROML_CPU STREQUAL "cortex-m0plus")
  set(MICROML_ARCH_FLAGS -mcpu=cortex-m0plus -mfloat-abi=soft)
elseif(MICROML_CPU STREQUAL "cortex-m4")
  set(MICROML_ARCH_FLAGS -mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard)
elseif(MICROML_CPU STREQUAL "cortex-m7")
  # QEMU's and most boards' M7 have the double-precision FPU.
  set(MICROML_ARCH_FLAGS -mcpu=cortex-m7 -mfpu=fpv5-d16 -mfloat-abi=hard)
elseif(MICROML_CPU STREQUAL "cortex-m55")
  # binutils 2.40 rejects -mcpu=cortex-m55 when the driver hands it on to the
  # assembler (assembly sources, some link steps); the equivalent -march with
  # -mtune keeps gcc's M55 tuning. -fno-if-conversion2: with Helium enabled gcc 12
  # can if-convert into vcvtne.f32.s32, which this assembler wrongly rejects.
  set(MICROML_ARCH_FLAGS -march=armv8.1-m.main+mve.fp+fp.dp -mtune=cortex-m55
      -mfloat-abi=hard -fno-if-conversion2)
else()
  message(FATAL_ERROR "MICROML_CPU='${MICROML_CPU}': use cortex-m0plus, cortex-m4, cortex-m7 or cortex-m55")
endif()
list(PREPEND MICROML_ARCH_FLAGS -mthumb)
string(REPLACE ";" " " _microml_arch "${MICROML_ARCH_FLAGS}")

# Executables bring their own startup code (cortex-m/startup.c), hence
# -nostartfiles; without crtbegin.o there is no __dso_handle, hence
# -fno-use-cxa-atexit.
# TFLM is the reference and runs on x86 without fused multiply-add: keep float
# results identical by never contracting a*b+c into one rounding.
set(CMAKE_C_FLAGS_INIT "${_microml_arch} -ffunction-sections -fdata-sections -ffp-contract=off")
set(CMAKE_CXX_FLAGS_INIT
    "${_microml_arch} -ffunction-sections -fdata-sections -ffp-contract=off -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_ASM_FLAGS_INIT "${_microml_arch}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${_microml_arch} --specs=nano.specs -nostartfiles -Wl,--gc-sections")
# Cache entries rather than *_INIT: CMake would append its own -O3 to those.
foreach(lang C CXX)
  set(CMAKE_${lang}_FLAGS_RELEASE "-O2 -DNDEBUG" CACHE STRING "")
  set(CMAKE_${lang}_FLAGS_RELWITHDEBINFO "-O2 -g -DNDEBUG" CACHE STRING "")
  set(CMAKE_${lang}_FLAGS_MINSIZEREL "-Os -DNDEBUG" CACHE STRING "")
  set(CMAKE_${lang}_FLAGS_DEBUG "-Og -g" CACHE STRING "")
endforeach()

set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
