/* Wine 8 (Debian 12) lacks bcryptprimitives.dll, which Rust-built native modules import for
 * ProcessPrng (rolldown and lightningcss, both loaded by vitest). This stand-in is compiled with
 * mingw-w64 into the test prefix's system32 only; it is never shipped. Windows 10+ has the real one. */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
