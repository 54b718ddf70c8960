// The `time` module of the qemu firmware: ports/qemu builds without one, and
// OpenMV's examples all `import time`. Time comes from the FPGA I/O block's
// prescaled COUNTER, set to count microseconds: QEMU computes it from its
// virtual clock (the host's clock) when read, so it is exact however late
// interrupts arrive on a busy host, which a count of SysTick interrupts is
// not. Ticks measure host time, not emulated cycles (the bench tools count
// those). SysTick only wakes WFI in sleeps and keeps the 32-bit counter's
// wraps counted. The wall clock comes from the host through semihosting.
#include <stdint.h>

#include "py/mphal.h"
#include "py/obj.h"
#include "py/runtime.h"
#include "py/smallint.h"
#include "qemu_board.h"

// MPS2 FPGA I/O at 0x40028000, clocked at 25 MHz; boards that differ set these.
#ifndef ML_QEMU_FPGAIO_BASE
#define ML_QEMU_FPGAIO_BASE 0x40028000u
#endif
#ifndef ML_QEMU_FPGAIO_HZ
#define ML_QEMU_FPGAIO_HZ 25000000u
#endif
// QEMU's MPS2 boards clock the CPU at 25 MHz, mps3-an547 at 32 MHz.
#ifndef ML_QEMU_CPU_HZ
#define ML_QEMU_CPU_HZ 25000000u
#endif

#define FPGAIO_COUNTER (*(volatile uint32_t*)(ML_QEMU_FPGAIO_BASE + 0x18))
#define FPGAIO_PRESCALE (*(volatile uint32_t*)(ML_QEMU_FPGAIO_BASE + 0x1c))
#define SYST_CSR (*(volatile uint32_t*)0xE000E010)
#define SYST_RVR (*(volatile uint32_t*)0xE000E014)
#define SYST_CVR (*(volatile uint32_t*)0xE000E018)
#define SCB_VTOR (*(volatile uint32_t*)0xE000ED08)
#define SYST_CSR_ENABLE 1u
#define SYST_CSR_TICKINT 2u
#define SYST_CSR_CLKSOURCE_CPU 4u
#define SYSTICK_EXCEPTION 15
#define SYSTICK_US 10000u
#define TICKS_MASK ((mp_uint_t)MICROPY_PY_TIME_TICKS_PERIOD - 1)

static uint32_t last_count;
static uint32_t wraps;

// The port's vector table sends SysTick to a fault handler and has no other
// entry for it, so the table is copied to RAM with ours in place (VTOR wants
// the table aligned to its size rounded up to a power of two, at least 128).
static uint32_t vectors[16] __attribute__((aligned(128)));

// Microseconds since start-up, 64 bits: the counter's wraps (every 71 min)
// are counted here, from sleeps, ticks calls and the SysTick interrupt.
static uint64_t now_us(void) {
  uint32_t primask;
  __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
  uint32_t count = FPGAIO_COUNTER;
  if (count < last_count) {
    wraps = wraps + 1;
  }
  last_count = count;
  uint64_t us = ((uint64_t)wraps << 32) | count;
  __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
  return us;
}

static void systick_isr(void) {
  (void)now_us();
}

void qemu_time_init(void) {
  FPGAIO_PRESCALE = ML_QEMU_FPGAIO_HZ / 1000000u - 1u;
  last_count = FPGAIO_COUNTER;
  const uint32_t* boot = (const uint32_t*)SCB_VTOR;
  for (int i = 0; i < 16; ++i) {
    vectors[i] = boot[i];
  }
  vectors[SYSTICK_EXCEPTION] = (uint32_t)(uintptr_t)&systick_isr;
  SYST_CSR = 0;
  __asm volatile("dsb");
  SCB_VTOR = (uint32_t)(uintptr_t)vectors;
  __asm volatile("dsb\n isb");
  SYST_RVR = ML_QEMU_CPU_HZ / 1000000u * SYSTICK_US - 1u;
  SYST_CVR = 0;
  SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE_CPU;
}

static mp_obj_t time_ticks_ms(void) {
  return MP_OBJ_NEW_SMALL_INT((mp_uint_t)(now_us() / 1000u) & TICKS_MASK);
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_ticks_ms_obj, time_ticks_ms);

static mp_obj_t time_ticks_us(void) {
  return MP_OBJ_NEW_SMALL_INT((mp_uint_t)now_us() & TICKS_MASK);
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_ticks_us_obj, time_ticks_us);

// ticks_diff(end, start): the signed distance on the ticks circle, in
// [-period/2, period/2).
static mp_obj_t time_ticks_diff(mp_obj_t end_in, mp_obj_t start_in) {
  mp_uint_t end = (mp_uint_t)mp_obj_get_int(end_in);
  mp_uint_t start = (mp_uint_t)mp_obj_get_int(start_in);
  mp_uint_t half = (TICKS_MASK + 1) / 2;
  mp_int_t diff = (mp_int_t)(((end - start + half) & TICKS_MASK)) - (mp_int_t)half;
  return MP_OBJ_NEW_SMALL_INT(diff);
}
static MP_DEFINE_CONST_FUN_OBJ_2(time_ticks_diff_obj, time_ticks_diff);

static mp_obj_t time_ticks_add(mp_obj_t ticks_in, mp_obj_t delta_in) {
  mp_uint_t ticks = (mp_uint_t)mp_obj_get_int(ticks_in);
  mp_int_t delta = mp_obj_get_int(delta_in);
  mp_int_t half = (mp_int_t)((TICKS_MASK + 1) / 2);
  if (delta < -half || delta >= half) {
    mp_raise_msg_varg(&mp_type_OverflowError,
                      MP_ERROR_TEXT("ticks_add: delta %d outside [-%d, %d)"), (int)delta, (int)half,
                      (int)half);
  }
  return MP_OBJ_NEW_SMALL_INT((ticks + (mp_uint_t)delta) & TICKS_MASK);
}
static MP_DEFINE_CONST_FUN_OBJ_2(time_ticks_add_obj, time_ticks_add);

// Waits with WFI while a SysTick period fits in what is left (SysTick wakes
// the core), then spins; handles pending events and Ctrl-C like other ports.
static void sleep_us(uint64_t us) {
  uint64_t start = now_us();
  for (;;) {
    uint64_t elapsed = now_us() - start;
    if (elapsed >= us) {
      return;
    }
    mp_handle_pending(true);
    if (us - elapsed > SYSTICK_US) {
      __asm volatile("wfi");
    }
  }
}

static mp_obj_t time_sleep_us(mp_obj_t us_in) {
  mp_int_t us = mp_obj_get_int(us_in);
  if (us > 0) {
    sleep_us((uint64_t)us);
  }
  return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(time_sleep_us_obj, time_sleep_us);

static mp_obj_t time_sleep_ms(mp_obj_t ms_in) {
  mp_int_t ms = mp_obj_get_int(ms_in);
  if (ms > 0) {
    sleep_us((uint64_t)ms * 1000u);
  }
  return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(time_sleep_ms_obj, time_sleep_ms);

static mp_obj_t time_sleep(mp_obj_t s_in) {
  mp_float_t s = mp_obj_get_float(s_in);
  if (s > 0) {
    sleep_us((uint64_t)(s * (mp_float_t)1e6));
  }
  return mp_const_none;
}
static MP_DEFINE_CONST_FUN_OBJ_1(time_sleep_obj, time_sleep);

// Semihosting SYS_TIME (0x11): the host's seconds since 1970.
static uint32_t host_time(void) {
  register uint32_t op __asm__("r0") = 0x11;
  register uint32_t arg __asm__("r1") = 0;
  __asm volatile("bkpt 0xab" : "+r"(op) : "r"(arg) : "memory");
  return op;
}

// Seconds since the port's epoch (2000-01-01 unless MICROPY_EPOCH_IS_1970).
static mp_obj_t time_time(void) {
  uint64_t t = host_time();
#if !MICROPY_EPOCH_IS_1970
  t -= 946684800u;
#endif
  return mp_obj_new_int_from_ull(t);
}
static MP_DEFINE_CONST_FUN_OBJ_0(time_time_obj, time_time);

static const mp_rom_map_elem_t time_globals_table[] = {
    {MP_ROM_QSTR(MP_QSTR___name__), MP_ROM_QSTR(MP_QSTR_time)},
    {MP_ROM_QSTR(MP_QSTR_ticks_ms), MP_ROM_PTR(&time_ticks_ms_obj)},
    {MP_ROM_QSTR(MP_QSTR_ticks_us), MP_ROM_PTR(&time_ticks_us_obj)},
    {MP_ROM_QSTR(MP_QSTR_ticks_diff), MP_ROM_PTR(&time_ticks_diff_obj)},
    {MP_ROM_QSTR(MP_QSTR_ticks_add), MP_ROM_PTR(&time_ticks_add_obj)},
    {MP_ROM_QSTR(MP_QSTR_sleep), MP_ROM_PTR(&time_sleep_obj)},
    {MP_ROM_QSTR(MP_QSTR_sleep_ms), MP_ROM_PTR(&time_sleep_ms_obj)},
    {MP_ROM_QSTR(MP_QSTR_sleep_us), MP_ROM_PTR(&time_sleep_us_obj)},
    {MP_ROM_QSTR(MP_QSTR_time), MP_ROM_PTR(&time_time_obj)},
};
static MP_DEFINE_CONST_DICT(time_globals, time_globals_table);

const mp_obj_module_t qemu_time_module = {
    .base = {&mp_type_module},
    .globals = (mp_obj_dict_t*)&time_globals,
};

MP_REGISTER_MODULE(MP_QSTR_time, qemu_time_module);
