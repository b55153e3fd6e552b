/* serial_link.c: see serial_link.h. Sizes are chosen for a microcontroller: Identify announces Data
 * payloads of at most 8 + 256 bytes, so one receive buffer of a COBS-encoded 271-byte body suffices;
 * longer frames are dropped like over-long ones. */
#include "serial_link.h"

#include "sha256.h"
#include "systick.h"
#include "uart.h"

enum {
    KIND_HELLO = 0x01,
    KIND_BEGIN = 0x02,
    KIND_DATA = 0x03,
    KIND_COMMIT = 0x04,
    KIND_QUERY = 0x05,
    KIND_READ_COUNTERS = 0x06,
    KIND_READ_CONTAINER = 0x07,
    KIND_IDENTIFY = 0x81,
    KIND_ACK = 0x82,
    KIND_STATUS = 0x83,
    KIND_COUNTERS = 0x84,
    KIND_CONTAINER_ENTRY = 0x85,
};

enum {
    PROTOCOL_VERSION = 1,
    HEADER = 3,
    CRC = 4,
    DATA_HEADER = 8,
    MAX_DATA = 256,
    MAX_REQUEST = HEADER + DATA_HEADER + MAX_DATA + CRC,
    MAX_ENCODED = MAX_REQUEST + MAX_REQUEST / 254 + 1,
    MAX_REPLY = 1024,
    PACKAGE_MAX = 8192,
    REMEMBERED = 4,
};

static const struct link_device *device;

static uint8_t received[MAX_ENCODED];
static uint32_t received_length;
static int discarding; /* an over-long frame: skip to the next delimiter */
static uint32_t bad_frames;
static uint32_t commit_ticks;

static uint8_t reply[HEADER + MAX_REPLY + CRC];

/* The upload in progress, and the last finished ones (so a repeated Commit is never applied twice). */
static struct {
    int active;
    uint32_t id, size, next;
    uint8_t sha256[32];
} upload;
static uint8_t package[PACKAGE_MAX];

static struct finished {
    uint32_t id;
    uint8_t status;
    uint8_t used;
    char reason[LINK_REASON_MAX];
} finished[REMEMBERED];
static uint32_t finished_next;

static uint32_t crc32(const uint8_t *data, uint32_t length)
{
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < length; i++) {
        crc ^= data[i];
        for (int bit = 0; bit < 8; bit++)
            crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
    }
    return ~crc;
}

static uint32_t u32_at(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

static uint8_t *put_u32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        *p++ = (uint8_t)(v >> 8 * i);
    return p;
}

static uint8_t *put_str8(uint8_t *p, const char *s)
{
    uint8_t *length = p++;
    while (*s && p - length <= 255)
        *p++ = (uint8_t)*s++;
    *length = (uint8_t)(p - length - 1);
    return p;
}

/* Sends reply[HEADER .. HEADER + payload) as a frame of `kind` answering `sequence`. COBS runs are
 * written straight to the UART: the body is in memory, so each run's length can be found first. */
static void send(uint8_t kind, uint16_t sequence, uint32_t payload)
{
    reply[0] = kind;
    reply[1] = (uint8_t)sequence;
    reply[2] = (uint8_t)(sequence >> 8);
    uint32_t length = HEADER + payload;
    put_u32(reply + length, crc32(reply, length));
    length += CRC;
    uart_put(0);
    for (uint32_t start = 0;;) {
        uint32_t end = start;
        while (end < length && reply[end] != 0 && end - start < 254)
            end++;
        uart_put((uint8_t)(end - start + 1));
        uart_write(reply + start, end - start);
        if (end - start == 254) { /* a full run stands for no zero */
            start = end;
            continue;
        }
        if (end == length)
            break;
        start = end + 1; /* the zero this run stands for */
    }
    uart_put(0);
}

static void send_status(uint32_t id, uint8_t status, const char *reason, uint16_t sequence)
{
    uint8_t *p = put_u32(reply + HEADER, id);
    *p++ = status;
    while (*reason && p < reply + HEADER + MAX_REPLY)
        *p++ = (uint8_t)*reason++;
    send(KIND_STATUS, sequence, (uint32_t)(p - reply - HEADER));
}

static void send_ack(uint16_t sequence)
{
    put_u32(put_u32(reply + HEADER, upload.id), upload.next);
    send(KIND_ACK, sequence, 8);
}

static const struct finished *find_finished(uint32_t id)
{
    for (int i = 0; i < REMEMBERED; i++)
        if (finished[i].used && finished[i].id == id)
            return &finished[i];
    return 0;
}

/* Answers with the stored final Status of `id`, if it has one. */
static int answer_finished(uint32_t id, uint16_t sequence)
{
    const struct finished *f = find_finished(id);
    if (f)
        send_status(id, f->status, f->reason, sequence);
    return f != 0;
}

static void unknown(uint32_t id, uint16_t sequence) { send_status(id, LINK_UNKNOWN_UPLOAD, "no such upload on this device", sequence); }

static int in_progress(uint32_t id) { return upload.active && upload.id == id; }

static void begin(const uint8_t *p, uint16_t sequence)
{
    uint32_t id = u32_at(p), size = u32_at(p + 4);
    const uint8_t *digest = p + 8;
    if (answer_finished(id, sequence))
        return;
    if (in_progress(id)) {
        int same = size == upload.size;
        for (int i = 0; i < 32; i++)
            same &= digest[i] == upload.sha256[i];
        if (same)
            send_ack(sequence);
        else
            send_status(id, LINK_BAD_REQUEST, "upload id already used for a different package", sequence);
        return;
    }
    if (size == 0) {
        send_status(id, LINK_BAD_REQUEST, "empty upload", sequence);
        return;
    }
    if (size > PACKAGE_MAX) {
        send_status(id, LINK_TOO_LARGE, "larger than this device's package buffer (8192 bytes)", sequence);
        return;
    }
    upload.active = 1;
    upload.id = id;
    upload.size = size;
    upload.next = 0;
    for (int i = 0; i < 32; i++)
        upload.sha256[i] = digest[i];
    send_ack(sequence);
}

static void data(const uint8_t *p, uint32_t length, uint16_t sequence)
{
    uint32_t id = u32_at(p), offset = u32_at(p + 4), count = length - DATA_HEADER;
    if (!in_progress(id)) {
        if (!answer_finished(id, sequence))
            unknown(id, sequence);
        return;
    }
    if (offset > upload.size || count > upload.size - offset) {
        send_status(id, LINK_BAD_REQUEST, "data runs past the announced size", sequence);
        return;
    }
    if (offset <= upload.next && upload.next < offset + count) {
        for (uint32_t i = upload.next - offset; i < count; i++)
            package[offset + i] = p[DATA_HEADER + i];
        upload.next = offset + count;
    }
    send_ack(sequence);
}

static void finish(uint32_t id, uint8_t status, const char *reason, uint16_t sequence)
{
    struct finished *f = &finished[finished_next++ % REMEMBERED];
    f->id = id;
    f->status = status;
    f->used = 1;
    int i = 0;
    for (; reason[i] && i < LINK_REASON_MAX - 1; i++)
        f->reason[i] = reason[i];
    f->reason[i] = 0;
    upload.active = 0;
    send_status(id, status, f->reason, sequence);
}

static void commit(uint32_t id, uint16_t sequence)
{
    if (answer_finished(id, sequence))
        return;
    if (!in_progress(id)) {
        unknown(id, sequence);
        return;
    }
    if (upload.next < upload.size) {
        send_status(id, LINK_INCOMPLETE, "not every byte has arrived", sequence);
        return;
    }
    uint32_t start = systick_now();
    uint8_t digest[32];
    sha256(package, upload.size, digest);
    int same = 1;
    for (int i = 0; i < 32; i++)
        same &= digest[i] == upload.sha256[i];
    if (!same) {
        finish(id, LINK_DIGEST_MISMATCH, "the received bytes do not match the announced SHA-256", sequence);
        return;
    }
    char reason[LINK_REASON_MAX];
    int status = device->install(package, upload.size, reason);
    commit_ticks = systick_elapsed(start);
    finish(id, (uint8_t)status, reason, sequence);
}

static void identify(uint16_t sequence)
{
    uint8_t *p = reply + HEADER;
    *p++ = PROTOCOL_VERSION;
    *p++ = (uint8_t)(DATA_HEADER + MAX_DATA);
    *p++ = (uint8_t)((DATA_HEADER + MAX_DATA) >> 8);
    p = put_u32(p, PACKAGE_MAX);
    p = put_str8(p, device->id);
    p = put_str8(p, device->board);
    send(KIND_IDENTIFY, sequence, (uint32_t)(p - reply - HEADER));
}

/* The fixed payload size of each request kind (Data: at least); -1 for kinds a device does not take. */
static int request_size(uint8_t kind)
{
    switch (kind) {
    case KIND_HELLO: return 1;
    case KIND_BEGIN: return 8 + 32;
    case KIND_DATA: return DATA_HEADER;
    case KIND_COMMIT:
    case KIND_QUERY: return 4;
    case KIND_READ_COUNTERS: return 0;
    case KIND_READ_CONTAINER: return 2;
    default: return -1;
    }
}

static void dispatch(const uint8_t *body, uint32_t length)
{
    uint8_t kind = body[0];
    uint16_t sequence = (uint16_t)(body[1] | body[2] << 8);
    const uint8_t *p = body + HEADER;
    uint32_t payload = length - HEADER - CRC;
    int expected = request_size(kind);
    if (expected < 0 || payload < (uint32_t)expected || (kind != KIND_DATA && payload != (uint32_t)expected)) {
        bad_frames++;
        return;
    }
    switch (kind) {
    case KIND_HELLO:
        identify(sequence);
        break;
    case KIND_BEGIN:
        begin(p, sequence);
        break;
    case KIND_DATA:
        data(p, payload, sequence);
        break;
    case KIND_COMMIT:
        commit(u32_at(p), sequence);
        break;
    case KIND_QUERY:
        if (answer_finished(u32_at(p), sequence))
            break;
        if (in_progress(u32_at(p)))
            send_ack(sequence);
        else
            unknown(u32_at(p), sequence);
        break;
    case KIND_READ_COUNTERS:
        send(KIND_COUNTERS, sequence, device->counters(reply + HEADER, MAX_REPLY));
        break;
    case KIND_READ_CONTAINER:
        /* This stub runs patches only: the index asked for, of a total of none. */
        reply[HEADER] = p[0];
        reply[HEADER + 1] = p[1];
        reply[HEADER + 2] = reply[HEADER + 3] = 0;
        send(KIND_CONTAINER_ENTRY, sequence, 4);
        break;
    }
}

/* Decodes the COBS block in `received` in place (decoding never writes ahead of reading). */
static void frame_end(void)
{
    uint32_t read = 0, write = 0;
    while (read < received_length) {
        uint8_t code = received[read++];
        if (read + code - 1 > received_length) {
            bad_frames++;
            return;
        }
        for (int i = 1; i < code; i++)
            received[write++] = received[read++];
        if (code != 0xff && read < received_length)
            received[write++] = 0;
    }
    if (write < HEADER + CRC || u32_at(received + write - CRC) != crc32(received, write - CRC)) {
        bad_frames++;
        return;
    }
    dispatch(received, write);
}

void link_init(const struct link_device *d)
{
    device = d;
}

void link_poll(void)
{
    int byte;
    while ((byte = uart_poll()) >= 0) {
        if (byte != 0) {
            if (received_length == MAX_ENCODED) {
                discarding = 1;
                received_length = 0;
            }
            if (!discarding)
                received[received_length++] = (uint8_t)byte;
            continue;
        }
        if (discarding)
            bad_frames++;
        else if (received_length > 0)
            frame_end();
        discarding = 0;
        received_length = 0;
    }
}

uint32_t link_bad_frames(void) { return bad_frames; }

uint32_t link_commit_ticks(void) { return commit_ticks; }

uint32_t link_counter(uint8_t *payload, uint32_t length, uint32_t capacity, const char *name, int64_t value)
{
    uint32_t name_length = 0;
    while (name[name_length])
        name_length++;
    if (length + 1 + name_length + 8 > capacity)
        return capacity + 1;
    payload[length++] = (uint8_t)name_length;
    for (uint32_t i = 0; i < name_length; i++)
        payload[length++] = (uint8_t)name[i];
    for (int i = 0; i < 8; i++)
        payload[length++] = (uint8_t)((uint64_t)value >> 8 * i);
    return length;
}
