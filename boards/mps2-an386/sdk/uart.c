#include "uart.h"

#define UART0_BASE 0x40004000u

struct cmsdk_uart {
    volatile uint32_t data;
    volatile uint32_t state;
    volatile uint32_t ctrl;
    volatile uint32_t intstatus;
    volatile uint32_t bauddiv;
};

enum {
    STATE_TX_FULL = 1u << 0,
    STATE_RX_FULL = 1u << 1,
    CTRL_TX_ENABLE = 1u << 0,
    CTRL_RX_ENABLE = 1u << 1,
};

#define UART0 ((struct cmsdk_uart *)UART0_BASE)

void uart_init(void)
{
    /* 25 MHz / 16: the divider must be at least 16; qemu ignores the rate. */
    UART0->bauddiv = 16;
    UART0->ctrl = CTRL_TX_ENABLE | CTRL_RX_ENABLE;
}

void uart_put(uint8_t byte)
{
    while (UART0->state & STATE_TX_FULL) { }
    UART0->data = byte;
}

void uart_write(const void *data, size_t length)
{
    const uint8_t *bytes = data;
    for (size_t i = 0; i < length; i++)
        uart_put(bytes[i]);
}

int uart_poll(void)
{
    if (!(UART0->state & STATE_RX_FULL))
        return -1;
    return (int)(UART0->data & 0xff);
}

uint8_t uart_get(void)
{
    int byte;
    while ((byte = uart_poll()) < 0) { }
    return (uint8_t)byte;
}

void uart_read(void *data, size_t length)
{
    uint8_t *bytes = data;
    for (size_t i = 0; i < length; i++)
        bytes[i] = uart_get();
}
