#include "systick.h"

struct systick {
    volatile uint32_t csr, rvr, cvr, calib;
};

#define SYSTICK ((struct systick *)0xe000e010u)

enum { CSR_ENABLE = 1u << 0, CSR_CLKSOURCE_CORE = 1u << 2, MASK = 0xffffff };

void systick_start(void)
{
    SYSTICK->rvr = MASK;
    SYSTICK->cvr = 0;
    SYSTICK->csr = CSR_ENABLE | CSR_CLKSOURCE_CORE;
}

uint32_t systick_now(void) { return SYSTICK->cvr; }

/* The counter counts down. */
uint32_t systick_elapsed(uint32_t start) { return (start - SYSTICK->cvr) & MASK; }
