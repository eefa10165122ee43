#pragma once
// Picks and creates a port's engine by name: "auto", "uring", "threads", "win-tp". `auto` probes the
// platform's fast engine once per process, caches the verdict and falls back to threads with a reason.

#include <memory>
#include <string>
#include <vector>

#include "core/backend.h"

namespace tpio {

struct BackendChoice {
  std::unique_ptr<Backend> backend;
  std::string fallback_reason;  // empty when auto got the fast engine
  std::string error;            // set (and backend null) when a forced engine is unavailable
};

BackendChoice SelectBackend(const std::string& requested, const BackendContext& context);

// Engines compiled into this addon, in preference order.
std::vector<std::string> CompiledBackends();

}  // namespace tpio
