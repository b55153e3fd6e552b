/* CMSDK UART0 of the mps2-an386 (what qemu-system-arm connects to -serial). */
#ifndef FW_UART_H
#define FW_UART_H

#include <stddef.h>
#include <stdint.h>

void uart_init(void);
void uart_put(uint8_t byte);
void uart_write(const void *data, size_t length);
/* Waits for a byte. */
uint8_t uart_get(void);
/* A received byte (0..255), or -1 when none is waiting. */
int uart_poll(void);
void uart_read(void *data, size_t length);

#endif
