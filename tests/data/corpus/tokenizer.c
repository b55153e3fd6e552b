/* A C-like tokenizer as a switch-driven state machine over the bytes: identifiers, decimal and hex
 * numbers, strings with escapes, line comments and operators. Counts tokens per kind and hashes
 * identifier text and number values. */
#include "corpus.h"

enum state { START, IDENT, NUMBER, HEX, STRING, ESCAPE, COMMENT, SLASH };
enum kind { K_IDENT, K_NUMBER, K_STRING, K_COMMENT, K_OPERATOR, K_ERROR, K_COUNT };

static int is_alpha(u8 c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(u8 c) { return c >= '0' && c <= '9'; }

SEC("prog") u64 entry(u8 *buf, u64 len)
{
    u32 counts[K_COUNT] = {0};
    u64 hash = 0xcbf29ce484222325ull, number = 0;
    enum state state = START;
    for (u64 i = 0; i <= len; i++) {
        /* One NUL past the end flushes the last token. */
        u8 c = i < len ? buf[i] : 0;
        switch (state) {
        case IDENT:
            if (is_alpha(c) || is_digit(c)) { hash = (hash ^ c) * 0x100000001b3ull; continue; }
            counts[K_IDENT]++;
            break;
        case NUMBER:
            if (is_digit(c)) { number = number * 10 + (c - '0'); continue; }
            if ((c == 'x' || c == 'X') && number == 0) { state = HEX; continue; }
            counts[K_NUMBER]++;
            hash += number;
            break;
        case HEX:
            if (is_digit(c)) { number = number << 4 | (c - '0'); continue; }
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f') { number = number << 4 | ((c | 0x20) - 'a' + 10); continue; }
            counts[K_NUMBER]++;
            hash ^= number;
            break;
        case STRING:
            if (c == '\\') { state = ESCAPE; continue; }
            if (c == '"') { counts[K_STRING]++; state = START; continue; }
            if (c == 0 || c == '\n') { counts[K_ERROR]++; state = START; continue; }
            hash = hash * 33 + c;
            continue;
        case ESCAPE:
            switch (c) {
            case 'n': hash = hash * 33 + '\n'; break;
            case 't': hash = hash * 33 + '\t'; break;
            case '0': hash = hash * 33; break;
            default: hash = hash * 33 + c; break;
            }
            state = STRING;
            continue;
        case COMMENT:
            if (c == '\n' || c == 0) { counts[K_COMMENT]++; state = START; }
            continue;
        case SLASH:
            if (c == '/') { state = COMMENT; continue; }
            counts[K_OPERATOR]++;
            break;
        case START:
            break;
        }
        /* START, or a token just ended on c: classify c afresh. */
        state = START;
        switch (c) {
        case ' ': case '\t': case '\n': case '\r': case 0:
            break;
        case '"':
            state = STRING;
            break;
        case '/':
            state = SLASH;
            break;
        case '+': case '-': case '*': case '%': case '=': case '<': case '>':
        case '!': case '&': case '|': case '^': case '~': case '?': case ':':
        case ';': case ',': case '.': case '(': case ')': case '[': case ']': case '{': case '}':
            counts[K_OPERATOR]++;
            hash = hash * 31 + c;
            break;
        default:
            if (is_alpha(c)) { state = IDENT; hash = (hash ^ c) * 0x100000001b3ull; }
            else if (is_digit(c)) { state = NUMBER; number = c - '0'; }
            else counts[K_ERROR]++;
            break;
        }
    }
    u64 summary = 0;
    for (int k = 0; k < K_COUNT; k++)
        summary = summary << 10 ^ counts[k];
    return summary ^ hash;
}
