#pragma once
// Turns a submission record plus its JS value (buffer, vector, stats or path) into an Op. Pure decoding and bounds
// checks; no I/O. Returns 0 or a negative errno to complete the op with at once.

#include <js_native_api.h>

#include "core/op.h"

namespace tpio::napi {

// Whether records of this kind come with a JS value (buffer, vector, stats array or path).
bool NeedsView(int32_t kind);

// `value` is the record's JS value (null when the kind has none).
int32_t DecodeOp(napi_env env, const int32_t* words, napi_value value, Op* op);

}  // namespace tpio::napi
