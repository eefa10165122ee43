// Test-only fault injection (see fault_injector.h). The PRNG is splitmix64: tiny and repeatable.

#include "core/fault_injector.h"

#include <uv.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tpio {

namespace {

std::atomic<uint64_t> g_ports{0};
std::atomic<uint64_t> g_considered{0};
std::atomic<uint64_t> g_errors{0};
std::atomic<uint64_t> g_shortened{0};
std::atomic<uint64_t> g_interrupted{0};
std::atomic<uint64_t> g_retried{0};
std::atomic<uint64_t> g_refused{0};
std::atomic<uint64_t> g_by_error[8];

// uv's codes are the platform's negative errnos on Unix and uv's fixed ones on Windows: the same
// numbers the engines report.
int32_t ErrorByName(const std::string& name) {
  static const struct {
    const char* name;
    int32_t code;
  } kNames[] = {{"EIO", UV_EIO},       {"ENOSPC", UV_ENOSPC}, {"EINTR", UV_EINTR}, {"EAGAIN", UV_EAGAIN},
                {"ENOMEM", UV_ENOMEM}, {"EACCES", UV_EACCES}, {"EBADF", UV_EBADF}};
  for (const auto& entry : kNames) {
    if (name == entry.name) return entry.code;
  }
  return 0;
}

[[noreturn]] void Fail(const std::string& spec, const std::string& why) {
  std::fprintf(stderr, "tpio: bad TPIO_FAULTS=\"%s\": %s\n", spec.c_str(), why.c_str());
  std::abort();
}

FaultConfig Parse(const char* value) {
  FaultConfig config;
  if (value == nullptr || value[0] == '\0') return config;
  config.spec = value;
  config.enabled = true;
  std::string rest = value;
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find(',', start);
    if (end == std::string::npos) end = rest.size();
    std::string item = rest.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    size_t equals = item.find('=');
    if (equals == std::string::npos) Fail(config.spec, "expected key=value, got '" + item + "'");
    std::string key = item.substr(0, equals);
    std::string text = item.substr(equals + 1);
    char* parsed_end = nullptr;
    if (key == "rate" || key == "short" || key == "refuse") {
      double number = std::strtod(text.c_str(), &parsed_end);
      if (*parsed_end != '\0' || number < 0 || number > 1) Fail(config.spec, key + " must be a number in [0, 1]");
      (key == "rate" ? config.rate : key == "short" ? config.short_rate : config.refuse_rate) = number;
    } else if (key == "seed") {
      config.seed = std::strtoull(text.c_str(), &parsed_end, 10);
      if (*parsed_end != '\0') Fail(config.spec, "seed must be an integer");
    } else if (key == "errors") {
      size_t from = 0;
      while (from <= text.size()) {
        size_t to = text.find(':', from);
        if (to == std::string::npos) to = text.size();
        std::string name = text.substr(from, to - from);
        from = to + 1;
        int32_t code = ErrorByName(name);
        if (code == 0) Fail(config.spec, "unknown error '" + name + "'");
        config.errors.push_back(code);
      }
    } else {
      Fail(config.spec, "unknown key '" + key + "'");
    }
  }
  if (config.errors.empty()) config.errors = {UV_EIO};
  return config;
}

bool Shortenable(OpKind kind) {
  return kind == OpKind::kRead || kind == OpKind::kWrite || kind == OpKind::kReadv || kind == OpKind::kWritev;
}

}  // namespace

const FaultConfig& Faults() {
  static const FaultConfig config = Parse(std::getenv("TPIO_FAULTS"));
  return config;
}

FaultCounters FaultTotals() {
  FaultCounters totals;
  totals.considered = g_considered.load();
  totals.errors = g_errors.load();
  totals.shortened = g_shortened.load();
  totals.interrupted = g_interrupted.load();
  totals.retried = g_retried.load();
  totals.refused = g_refused.load();
  for (int i = 0; i < 8; i++) totals.by_error[i] = g_by_error[i].load();
  return totals;
}

// Relaxed: statistics only, read after the ops completed (the completion path orders them).
void NoteInterruptRetried() { g_retried.fetch_add(1, std::memory_order_relaxed); }

FaultInjector::FaultInjector() : config_(Faults()), state_(config_.seed * 0x9E3779B97F4A7C15ull + g_ports.fetch_add(1)) {}

double FaultInjector::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);
}

int32_t FaultInjector::Apply(Op* op) {
  // close must really happen (a skipped close leaks the descriptor for good).
  if (op->kind == OpKind::kClose) return 0;
  g_considered.fetch_add(1, std::memory_order_relaxed);
  if (config_.rate > 0 && Next() < config_.rate) {
    size_t pick = static_cast<size_t>(Next() * static_cast<double>(config_.errors.size()));
    if (pick >= config_.errors.size()) pick = config_.errors.size() - 1;
    if (pick < 8) g_by_error[pick].fetch_add(1, std::memory_order_relaxed);
    if (config_.errors[pick] == UV_EINTR) {
      // Issued, but interrupted once or twice first: the engine's retry path must absorb it.
      op->interrupts = Next() < 0.25 ? 2 : 1;
      g_interrupted.fetch_add(op->interrupts, std::memory_order_relaxed);
      return 0;
    }
    g_errors.fetch_add(1, std::memory_order_relaxed);
    return config_.errors[pick];
  }
  if (config_.short_rate > 0 && Shortenable(op->kind) && Next() < config_.short_rate) {
    if (op->kind == OpKind::kRead || op->kind == OpKind::kWrite) {
      if (op->length < 2) return 0;
      op->length = 1 + static_cast<uint32_t>(Next() * static_cast<double>(op->length - 1));
    } else {
      uint64_t total = 0;
      for (uint32_t i = 0; i < op->iov_count; i++) total += op->iov[i].length;
      if (total < 2) return 0;
      uint64_t keep = 1 + static_cast<uint64_t>(Next() * static_cast<double>(total - 1));
      uint32_t count = 0;
      for (; count < op->iov_count && keep > 0; count++) {
        if (op->iov[count].length > keep) op->iov[count].length = keep;
        keep -= op->iov[count].length;
      }
      op->iov_count = count;
    }
    g_shortened.fetch_add(1, std::memory_order_relaxed);
  }
  return 0;
}

unsigned FaultInjector::SubmitLimit(unsigned pending) {
  if (config_.refuse_rate == 0 || pending == 0 || Next() >= config_.refuse_rate) return pending;
  g_refused.fetch_add(1, std::memory_order_relaxed);
  // Half the picks take nothing (the kernel's -EAGAIN), the others a shorter prefix.
  if (Next() < 0.5) return 0;
  return static_cast<unsigned>(Next() * static_cast<double>(pending));
}

}  // namespace tpio
