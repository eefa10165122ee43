#pragma once
// probe(): engines compiled in, Node-API version, kernel release and (Linux) io_uring opcodes.

#include <napi.h>

namespace tpio::napi {

Napi::Value Probe(const Napi::CallbackInfo& info);

}  // namespace tpio::napi
