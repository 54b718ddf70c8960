// Reset and exception handling for the Cortex-M test images: vector table,
// FPU/MVE enable, .data/.bss initialisation, constructors, then main().
// Any exception other than reset is fatal: it is reported over semihosting and
// the run ends with status 128 + exception number (HardFault: 131), so a crash
// is never mistaken for a result.
#include <stdint.h>
#include <stdlib.h>

#include "semihost.h"

// Defined by ld/sections.ld.
extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_top__[];
extern void (*__preinit_array_start[])(void), (*__preinit_array_end[])(void);
extern void (*__init_array_start[])(void), (*__init_array_end[])(void);

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);

#define SCB_CPACR (*(volatile uint32_t*)0xE000ED88u)

__attribute__((noreturn)) void Reset_Handler(void) {
#if defined(__ARM_FP) || defined(__ARM_FEATURE_MVE)
  // The FPU (and on M55 the MVE unit, which shares CP10/CP11) is off after
  // reset; the first floating-point instruction would fault.
  SCB_CPACR |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
  for (uint32_t *src = __data_load__, *dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;
  for (void (**f)(void) = __preinit_array_start; f < __preinit_array_end; ++f) (*f)();
  for (void (**f)(void) = __init_array_start; f < __init_array_end; ++f) (*f)();
  // exit() runs atexit handlers and flushes stdio before _exit() ends the run.
  exit(main());
}

void Fault_Handler(void) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  ipsr &= 0x1FFu;
  // Formatted by hand: the fault may come from a corrupted heap or stdio.
  char msg[] = "\nfatal: exception 000\n";
  char* digit = msg + sizeof(msg) - 2;
  for (uint32_t n = ipsr, i = 0; i < 3; ++i, n /= 10) *--digit = (char)('0' + n % 10);
  semihost_write(2, msg, sizeof(msg) - 1);
  semihost_exit((int)(128 + ipsr));
}

// 16 system exceptions and 32 interrupts; none are enabled, so any that fires is a bug.
__attribute__((section(".vectors"), used)) void (*const vector_table[48])(void) = {
    (void (*)(void))__stack_top__,
    Reset_Handler,
    [2 ... 47] = Fault_Handler,
};
