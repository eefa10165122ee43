// Why: the kernel copies page-cache data to the destination with `rep movsb`, and on x86 cores that
// copy runs up to 3x slower when the destination sits a few bytes (4-24 measured) past the source
// modulo 4 KiB: stores and later loads look alike to the memory-ordering checks (4K aliasing).
// glibc places every malloc'd block of 128 KiB or more 16 bytes into a page, so a Buffer of that
// size read from a page-aligned file offset is in exactly that zone (1 MiB reads on the
// development VM: 7-8 GB/s against 14-17 GB/s with the destination moved by 16-48 bytes).
// Keeping destination and source equal modulo 64 bytes leaves them 0 or a multiple of 64 apart,
// which measured at full speed. glibc's own memmove checks the same thing before `rep movsb`.
// The destination follows the position rounded down to 8 bytes, so that the Buffer's byteOffset
// stays a multiple of 8 (typed-array views of it work, as on node's Buffers): a destination up to
// 7 bytes *before* the source modulo 4 KiB measured at full speed too; only "after" is slow.

#include "napi/read_alignment.h"

#include <cstdint>

namespace tpio::napi {

namespace {

constexpr uint64_t kCacheLine = 64;
constexpr uint64_t kPage = 4096;
// byteOffset granularity kept: the largest typed-array element (Float64Array, BigInt64Array).
constexpr uint64_t kViewAlignment = 8;

}  // namespace

Napi::Value ReadAlignment(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* data = nullptr;
  size_t length = 0;
  if (info.Length() < 2 || !info[1].IsNumber() || napi_get_buffer_info(env, info[0], &data, &length) != napi_ok) {
    return Napi::Number::New(env, 0);
  }
  // Positions are non-negative safe integers (lib/read-buffer.ts checks), exact in a double.
  const uint64_t position = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
  const uint64_t address = reinterpret_cast<uintptr_t>(data);
  const uint64_t target = position & ~(kViewAlignment - 1);
  return Napi::Number::New(env, static_cast<double>((target - address) & (kCacheLine - 1)));
}

Napi::Value PageOffset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  void* data = nullptr;
  size_t length = 0;
  if (info.Length() < 1 || napi_get_buffer_info(env, info[0], &data, &length) != napi_ok) return Napi::Number::New(env, 0);
  return Napi::Number::New(env, static_cast<double>(reinterpret_cast<uintptr_t>(data) & (kPage - 1)));
}

}  // namespace tpio::napi
