// Diagnostics for `tpio doctor`. The io_uring part is filled in by linux/uring_probe when built.

#include "napi/probe.h"

#include <uv.h>

#ifndef _WIN32
#include <sys/utsname.h>
#endif

#include "core/fault_injector.h"
#include "core/read_bounce.h"
#include "core/select_backend.h"
#ifdef TPIO_HAVE_URING
#include "linux/uring_probe.h"
#endif
#ifdef TPIO_HAVE_WIN_TP
#include "win/tp_io_backend.h"
#endif

namespace tpio::napi {

namespace {

// TPIO_FAULTS (test-only): the spec and what was injected so far, or null when it is off.
Napi::Value FaultReport(Napi::Env env) {
  const FaultConfig& config = Faults();
  if (!config.enabled) return env.Null();
  FaultCounters totals = FaultTotals();
  Napi::Object faults = Napi::Object::New(env);
  faults.Set("spec", config.spec);
  faults.Set("considered", static_cast<double>(totals.considered));
  faults.Set("errors", static_cast<double>(totals.errors));
  faults.Set("shortened", static_cast<double>(totals.shortened));
  faults.Set("interrupted", static_cast<double>(totals.interrupted));
  faults.Set("retried", static_cast<double>(totals.retried));
  faults.Set("refused", static_cast<double>(totals.refused));
  Napi::Object by_error = Napi::Object::New(env);
  for (size_t i = 0; i < config.errors.size() && i < 8; i++) {
    by_error.Set(uv_err_name(config.errors[i]), static_cast<double>(totals.by_error[i]));
  }
  faults.Set("byError", by_error);
  return faults;
}

}  // namespace

Napi::Value Probe(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object report = Napi::Object::New(env);
  uint32_t napi_version = 0;
  napi_get_version(env, &napi_version);
  report.Set("napiVersion", napi_version);
  Napi::Array backends = Napi::Array::New(env);
  uint32_t index = 0;
  for (const std::string& name : CompiledBackends()) backends.Set(index++, name);
  report.Set("backends", backends);
#ifndef _WIN32
  struct utsname names;
  if (uname(&names) == 0) report.Set("kernel", std::string(names.sysname) + " " + names.release);
#endif
  Napi::Array ops = Napi::Array::New(env);
#ifdef TPIO_HAVE_URING
  std::string error;
  std::vector<std::string> supported = uring::SupportedOpNames(&error);
  index = 0;
  for (const std::string& name : supported) ops.Set(index++, name);
  report.Set("uringError", error.empty() ? env.Null() : Napi::String::New(env, error));
#else
  report.Set("uringError", Napi::String::New(env, "io_uring engine not compiled into this addon"));
#endif
  report.Set("uringOps", ops);
#ifdef TPIO_HAVE_WIN_TP
  // What the win-tp engines of this process did so far (how many ops really used the thread pool).
  win::TpIoCounters counters = win::ReadTpIoCounters();
  Napi::Object win_tp = Napi::Object::New(env);
  win_tp.Set("threadpoolIo", static_cast<double>(counters.threadpool_io));
  win_tp.Set("bound", static_cast<double>(counters.bound));
  win_tp.Set("completedNow", static_cast<double>(counters.completed_now));
  win_tp.Set("work", static_cast<double>(counters.work));
  win_tp.Set("declined", static_cast<double>(counters.declined));
  report.Set("winTp", win_tp);
#endif
  report.Set("faults", FaultReport(env));
  report.Set("bouncedReads", static_cast<double>(BouncedReads()));
  return report;
}

}  // namespace tpio::napi
