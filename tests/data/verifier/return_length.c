// expect: safe
#include "corpus.h"
SEC("prog") u64 entry(u8 *buf, u64 len) { return len; }
