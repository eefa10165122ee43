#pragma once
// adviseHugePages(view): memory advice for a large buffer that is about to be filled.

#include <napi.h>

namespace tpio::napi {

// Asks the kernel to back the 2 MiB-aligned part of the view's memory with transparent huge pages
// (Linux MADV_HUGEPAGE). Returns true when the advice was taken; false on other platforms, for
// views too small to hold one aligned huge page, or when the kernel refuses.
Napi::Value AdviseHugePages(const Napi::CallbackInfo& info);

}  // namespace tpio::napi
