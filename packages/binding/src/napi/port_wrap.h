#pragma once
// NativePort: the JS class over napi::Port. Constructor(options, submissions, completions, buffers,
// onCompletions); methods submit(count), cancel(slot), disown(fd), close(); getters backend,
// fallbackReason, entries, delegatedOps, readAheadOps.

#include <napi.h>

#include <vector>

namespace tpio::napi {

class Port;

class PortWrap final : public Napi::ObjectWrap<PortWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit PortWrap(const Napi::CallbackInfo& info);
  ~PortWrap() override;

 private:
  Napi::Value Submit(const Napi::CallbackInfo& info);
  Napi::Value Cancel(const Napi::CallbackInfo& info);
  Napi::Value Disown(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value GetBackend(const Napi::CallbackInfo& info);
  Napi::Value GetFallbackReason(const Napi::CallbackInfo& info);
  Napi::Value GetEntries(const Napi::CallbackInfo& info);
  Napi::Value GetDelegatedOps(const Napi::CallbackInfo& info);
  Napi::Value GetReadAheadOps(const Napi::CallbackInfo& info);

  Port* port_ = nullptr;
  std::string backend_name_;
  std::vector<napi_value> views_;  // reused by Submit(): no allocation per batch
};

}  // namespace tpio::napi
