#pragma once
// readAlignment(buffer, position): where in `buffer` a read from file offset `position` should land
// so that the kernel copies it at full speed; pageOffset(buffer): where a buffer starts in its page.

#include <napi.h>

namespace tpio::napi {

// The bytes to skip at the start of the buffer (0-63) so that the destination address and the file
// offset rounded down to 8 bytes are equal modulo a 64-byte cache line (for a Buffer whose address
// is 8-aligned, as malloc's are, the skip is then a multiple of 8). Returns 0 for anything that is
// not a Buffer.
Napi::Value ReadAlignment(const Napi::CallbackInfo& info);

// pageOffset(buffer): where the buffer's first byte sits in its 4 KiB page (0-4095). For tests and
// diagnostics of the copy speed rules (read_bounce.h); 0 for anything that is not a Buffer.
Napi::Value PageOffset(const Napi::CallbackInfo& info);

}  // namespace tpio::napi
