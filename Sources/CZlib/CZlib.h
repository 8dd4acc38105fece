// zlib's deflateInit2 is a macro (it passes the library's version and the stream's size), which
// Swift cannot call; this wrapper fixes the gzip framing so that callers cannot get it wrong.
#ifndef MONITOR_CZLIB_H
#define MONITOR_CZLIB_H

#include <zlib.h>

/// deflateInit2 for a gzip stream (a gzip header and trailer, RFC 1952) at `level` (0–9).
static inline int monitor_deflate_init_gzip(z_stream *stream, int level) {
    // windowBits 15 + 16 asks for the gzip wrapper instead of zlib's; memLevel 8 is zlib's default.
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
