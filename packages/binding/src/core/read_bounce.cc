// See read_bounce.h.

#include "core/read_bounce.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

#include "core/op.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define TPIO_BOUNCE_X86 1
#if defined(__GNUC__)
#define TPIO_BOUNCE_AVX2 1
#endif
#endif

#ifdef _WIN32
#include <malloc.h>
#endif

namespace tpio {

namespace {

constexpr uintptr_t kPage = 4096;
constexpr uintptr_t kCacheLine = 64;
// The slow zone: the destination this many bytes or fewer past the source modulo a page. 32 and up,
// and any distance *before* the source, measured at full speed (ADR 0009, ADR 0010).
constexpr uintptr_t kSlowDistance = 31;

std::atomic<uint64_t> g_bounced_reads{0};

bool Enabled() {
  static const bool enabled = [] {
    const char* value = std::getenv("TPIO_READ_BOUNCE");
    return value == nullptr || std::strcmp(value, "0") != 0;
  }();
  return enabled;
}

#ifdef TPIO_BOUNCE_AVX2
// 32-byte moves where the CPU has them (checked once at run time; the addon is built for baseline
// x86-64): in the slow zone they copied 256 KiB at about 40 GB/s on the development VM's EPYC
// against 12-30 with 16-byte moves and 2-14 with glibc's memcpy (ADR 0010).
bool HasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

__attribute__((target("avx2"))) void CopyBlocksAvx2(unsigned char*& to, const unsigned char*& from, size_t& length) {
  for (; length >= 128; length -= 128, to += 128, from += 128) {
    __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from));
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + 32));
    __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + 64));
    __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(from + 96));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(to), a);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + 32), b);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + 64), c);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(to + 96), d);
  }
}
#endif

}  // namespace

bool ReadWouldAlias(const void* data, int64_t position, size_t length) {
#ifdef TPIO_BOUNCE_X86
  if (length < kLargeTransfer || position < 0) return false;
  const uintptr_t distance = (reinterpret_cast<uintptr_t>(data) - static_cast<uintptr_t>(position)) & (kPage - 1);
  return distance != 0 && distance <= kSlowDistance && Enabled();
#else
  (void)data;
  (void)position;
  (void)length;
  return false;
#endif
}

void CopyWithoutAliasing(void* destination, const void* source, size_t length) {
  auto* to = static_cast<unsigned char*>(destination);
  const auto* from = static_cast<const unsigned char*>(source);
#ifdef TPIO_BOUNCE_AVX2
  if (HasAvx2()) CopyBlocksAvx2(to, from, length);
#endif
#ifdef TPIO_BOUNCE_X86
  // Four loads, then four stores: 64 bytes per step keeps the loads ahead of the stores they could
  // be mistaken for.
  for (; length >= 64; length -= 64, to += 64, from += 64) {
    __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from));
    __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + 16));
    __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + 32));
    __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(from + 48));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to), a);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to + 16), b);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to + 32), c);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(to + 48), d);
  }
#endif
  if (length != 0) std::memcpy(to, from, length);
}

void CountBouncedRead() {
  // Relaxed: a statistic, read for diagnostics only.
  g_bounced_reads.fetch_add(1, std::memory_order_relaxed);
}

uint64_t BouncedReads() { return g_bounced_reads.load(std::memory_order_relaxed); }

BounceBuffer::~BounceBuffer() {
#ifdef _WIN32
  _aligned_free(memory_);
#else
  std::free(memory_);
#endif
}

char* BounceBuffer::Place(int64_t position) {
  if (memory_ == nullptr) {
    // Room for the largest offset within a cache line, rounded up to whole pages.
    const size_t size = (capacity_ + kCacheLine + kPage - 1) & ~(kPage - 1);
#ifdef _WIN32
    memory_ = static_cast<char*>(_aligned_malloc(size, kPage));
#else
    memory_ = static_cast<char*>(std::aligned_alloc(kPage, size));
#endif
    if (memory_ == nullptr) return nullptr;
  }
  return memory_ + (static_cast<uintptr_t>(position) & (kCacheLine - 1));
}

}  // namespace tpio
