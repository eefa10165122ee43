#pragma once
// Turns submission record `index` plus its entry in the JS buffers array into an Op. Pure decoding and bounds
// checks; no I/O. Returns 0 or a negative errno to complete the op with at once.

#include <js_native_api.h>

#include "core/op.h"

namespace tpio::napi {

int32_t DecodeOp(napi_env env, const int32_t* words, napi_value buffers, uint32_t index, Op* op);

}  // namespace tpio::napi
