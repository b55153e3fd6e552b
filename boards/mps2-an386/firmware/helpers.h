/* helpers.h: the helpers patches on this board may call (boards/mps2-an386/board.json), by number. */
#ifndef HELPERS_H
#define HELPERS_H

#include <stdint.h>

/* The address (Thumb bit set) a kind 1 relocation with this helper number resolves to; 0 if unknown. */
uint32_t helper_address(uint32_t id);
/* What a kind 5 relocation resolves to: the table callx searches (struct fw_helper_table). */
uint32_t helper_table(void);

#endif
