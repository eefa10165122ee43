// Module init: exports NativePort, probe(), adviseHugePages(), readAlignment(), pageOffset() and the
// protocol constants lib/protocol.ts checks.

#include <napi.h>

#include "core/op.h"
#include "core/protocol.h"
#include "core/select_backend.h"
#include "napi/memory_advice.h"
#include "napi/port_wrap.h"
#include "napi/probe.h"
#include "napi/read_alignment.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("NativePort", tpio::napi::PortWrap::Define(env));
  exports.Set("probe", Napi::Function::New(env, tpio::napi::Probe, "probe"));
  exports.Set("adviseHugePages", Napi::Function::New(env, tpio::napi::AdviseHugePages, "adviseHugePages"));
  exports.Set("readAlignment", Napi::Function::New(env, tpio::napi::ReadAlignment, "readAlignment"));
  exports.Set("pageOffset", Napi::Function::New(env, tpio::napi::PageOffset, "pageOffset"));
  Napi::Object protocol = Napi::Object::New(env);
  protocol.Set("submissionWords", tpio::protocol::kSubmissionWords);
  protocol.Set("completionWords", tpio::protocol::kCompletionWords);
  protocol.Set("statFields", tpio::kStatFields);
  protocol.Set("opKindMax", tpio::kOpKindMax);
  exports.Set("protocol", protocol);
  return exports;
}

}  // namespace

NODE_API_MODULE(tpio, Init)
