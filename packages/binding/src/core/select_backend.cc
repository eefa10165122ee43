// Backend selection: an explicit name must work or fail loudly; `auto` tries the platform's fast
// engine and falls back to the portable threads engine, remembering why.

#include "core/select_backend.h"

#include <mutex>

#include "threadpool/threadpool_backend.h"
#ifdef TPIO_HAVE_URING
#include "linux/uring_backend.h"
#endif
#ifdef TPIO_HAVE_WIN_TP
#include "win/tp_io_backend.h"
#endif

namespace tpio {

namespace {

// The fast engine's verdict for this process: once it failed, auto stops trying (setup failures
// such as seccomp or io_uring_disabled do not go away while the process runs).
std::mutex g_probe_mutex;
bool g_fast_failed = false;
std::string g_fast_failure;

std::unique_ptr<Backend> CreateFast(const std::string& name, const BackendContext& context, std::string* error) {
#ifdef TPIO_HAVE_URING
  if (name == "uring") return uring::CreateUringBackend(context, error);
#endif
#ifdef TPIO_HAVE_WIN_TP
  if (name == "win-tp") return win::CreateTpIoBackend(context, error);
#endif
  (void)context;
  *error = "the " + name + " engine is not available on this platform";
  return nullptr;
}

const char* FastEngineName() {
#if defined(TPIO_HAVE_URING)
  return "uring";
#elif defined(TPIO_HAVE_WIN_TP)
  return "win-tp";
#else
  return nullptr;
#endif
}

}  // namespace

std::vector<std::string> CompiledBackends() {
  std::vector<std::string> names;
#ifdef TPIO_HAVE_URING
  names.emplace_back("uring");
#endif
#ifdef TPIO_HAVE_WIN_TP
  names.emplace_back("win-tp");
#endif
  names.emplace_back("threads");
  return names;
}

BackendChoice SelectBackend(const std::string& requested, const BackendContext& context) {
  BackendChoice choice;
  if (requested == "threads") {
    choice.backend = std::make_unique<pool::ThreadpoolBackend>(context);
    return choice;
  }
  if (requested == "uring" || requested == "win-tp") {
    choice.backend = CreateFast(requested, context, &choice.error);
    return choice;
  }
  // auto
  const char* fast = FastEngineName();
  if (fast == nullptr) {
    choice.fallback_reason = "no completion engine for this platform; using worker threads";
  } else {
    std::lock_guard<std::mutex> lock(g_probe_mutex);
    if (!g_fast_failed) {
      std::string error;
      choice.backend = CreateFast(fast, context, &error);
      if (choice.backend) return choice;
      g_fast_failed = true;
      g_fast_failure = std::string(fast) + " unavailable: " + error;
    }
    choice.fallback_reason = g_fast_failure;
  }
  choice.backend = std::make_unique<pool::ThreadpoolBackend>(context);
  return choice;
}

}  // namespace tpio
