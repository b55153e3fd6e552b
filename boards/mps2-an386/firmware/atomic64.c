/* atomic64.c: the 64-bit atomics the sample firmware's counters compile to. ARMv7-M has no 64-bit
 * exclusive access, so gcc calls these libatomic routines; on a single core, masking interrupts
 * around the access makes it atomic. */
#include <stdint.h>

static uint32_t lock(void)
{
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static void unlock(uint32_t primask) { __asm volatile("msr primask, %0" ::"r"(primask) : "memory"); }

uint64_t __atomic_load_8(const volatile void *p, int order)
{
    (void)order;
    uint32_t saved = lock();
    uint64_t value = *(const volatile uint64_t *)p;
    unlock(saved);
    return value;
}

void __atomic_store_8(volatile void *p, uint64_t value, int order)
{
    (void)order;
    uint32_t saved = lock();
    *(volatile uint64_t *)p = value;
    unlock(saved);
}

uint64_t __atomic_fetch_add_8(volatile void *p, uint64_t value, int order)
{
    (void)order;
    uint32_t saved = lock();
    uint64_t old = *(volatile uint64_t *)p;
    *(volatile uint64_t *)p = old + value;
    unlock(saved);
    return old;
}
