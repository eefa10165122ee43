# Cross-compiling the addon for Windows x64 with Debian's mingw-w64 (posix threads variant, which
# std::thread and std::mutex need). Used by tooling/wine/build.sh through cmake-js:
#   cmake-js compile --out build-win --CDCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc-posix)
set(CMAKE_CXX_COMPILER x86_64-w64-mingw32-g++-posix)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)
set(CMAKE_DLLTOOL x86_64-w64-mingw32-dlltool)
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
# Headers: the target's, plus host folders named explicitly (node's uv.h, node-addon-api).
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
