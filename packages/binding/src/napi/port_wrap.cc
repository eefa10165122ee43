// JS class glue for the native port. Argument checking here is minimal on purpose: lib/port.ts is
// the only caller and validates everything; these checks only keep misuse from crashing.

#include "napi/port_wrap.h"

#include "napi/port.h"

namespace tpio::napi {

Napi::Function PortWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativePort",
                     {
                         InstanceMethod<&PortWrap::Submit>("submit"),
                         InstanceMethod<&PortWrap::Cancel>("cancel"),
                         InstanceMethod<&PortWrap::Close>("close"),
                         InstanceMethod<&PortWrap::Disown>("disown"),
                         InstanceAccessor<&PortWrap::GetBackend>("backend"),
                         InstanceAccessor<&PortWrap::GetFallbackReason>("fallbackReason"),
                         InstanceAccessor<&PortWrap::GetEntries>("entries"),
                         InstanceAccessor<&PortWrap::GetDelegatedOps>("delegatedOps"),
                         InstanceAccessor<&PortWrap::GetReadAheadOps>("readAheadOps"),
                     });
}

PortWrap::PortWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PortWrap>(info) {
  Napi::Env env = info.Env();
  if (info.Length() < 5 || !info[0].IsObject() || !info[1].IsArrayBuffer() || !info[2].IsArrayBuffer() ||
      !info[3].IsArray() || !info[4].IsFunction()) {
    Napi::TypeError::New(env, "NativePort(options, submissions, completions, buffers, onCompletions)").ThrowAsJavaScriptException();
    return;
  }
  Napi::Object options = info[0].As<Napi::Object>();
  std::string backend = options.Get("backend").ToString();
  unsigned threads = options.Get("threads").ToNumber().Uint32Value();
  unsigned entries = options.Get("entries").ToNumber().Uint32Value();
  if (entries == 0) entries = 1;
  size_t submission_bytes = info[1].As<Napi::ArrayBuffer>().ByteLength();
  size_t completion_bytes = info[2].As<Napi::ArrayBuffer>().ByteLength();
  if (submission_bytes < entries * 64ull || completion_bytes < entries * 8ull) {
    Napi::RangeError::New(env, "NativePort: record buffers too small for entries").ThrowAsJavaScriptException();
    return;
  }
  std::string error;
  port_ = Port::Create(env, backend, threads, entries, &error);
  if (port_ == nullptr) {
    Napi::Error failure = Napi::Error::New(env, "tpio: " + error);
    failure.Set("code", Napi::String::New(env, "ERR_TPIO_BACKEND_UNAVAILABLE"));
    failure.ThrowAsJavaScriptException();
    return;
  }
  backend_name_ = port_->BackendName();
  port_->SetOwner(&port_);
  port_->Attach(env, info[1], info[2], info[3], info[4]);
}

PortWrap::~PortWrap() {
  // Finalized (the JS port was collected while idle) or the environment is going away.
  if (port_ != nullptr) port_->Release();
}

Napi::Value PortWrap::Submit(const Napi::CallbackInfo& info) {
  // submit(count) reads each record's value from the buffers array; submit(count, ...values)
  // passes them as arguments, which costs one napi_get_cb_info instead of one lookup per record.
  if (port_ != nullptr && info.Length() > 0 && info[0].IsNumber()) {
    uint32_t count = info[0].As<Napi::Number>().Uint32Value();
    if (count > 0 && info.Length() >= static_cast<size_t>(count) + 1) {
      views_.resize(count);
      for (uint32_t i = 0; i < count; i++) views_[i] = info[i + 1];
      port_->Submit(info.Env(), count, views_.data());
    } else {
      port_->Submit(info.Env(), count);
    }
  }
  return info.Env().Undefined();
}

Napi::Value PortWrap::Cancel(const Napi::CallbackInfo& info) {
  if (port_ != nullptr && info.Length() > 0 && info[0].IsNumber()) port_->Cancel(info[0].As<Napi::Number>().Uint32Value());
  return info.Env().Undefined();
}

Napi::Value PortWrap::Disown(const Napi::CallbackInfo& info) {
  bool owned = port_ != nullptr && info.Length() > 0 && info[0].IsNumber() && port_->Disown(info[0].As<Napi::Number>().Int32Value());
  return Napi::Boolean::New(info.Env(), owned);
}

Napi::Value PortWrap::Close(const Napi::CallbackInfo& info) {
  if (port_ != nullptr) {
    port_->Release();
    port_ = nullptr;
  }
  return info.Env().Undefined();
}

Napi::Value PortWrap::GetBackend(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), backend_name_); }

Napi::Value PortWrap::GetFallbackReason(const Napi::CallbackInfo& info) {
  if (port_ == nullptr || port_->FallbackReason().empty()) return info.Env().Null();
  return Napi::String::New(info.Env(), port_->FallbackReason());
}

Napi::Value PortWrap::GetDelegatedOps(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), port_ == nullptr ? 0.0 : static_cast<double>(port_->DelegatedOps()));
}

Napi::Value PortWrap::GetReadAheadOps(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), port_ == nullptr ? 0.0 : static_cast<double>(port_->ReadAheadOps()));
}

Napi::Value PortWrap::GetEntries(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), port_ ? port_->Entries() : 0);
}

}  // namespace tpio::napi
