// Memory shared between processes on one machine (Linux): a memfd, mapped into any thread of any process that
// holds the descriptor, as an external ArrayBuffer that unmaps itself when collected. Plain C N-API, no state:
// every piscina thread may load it. Also tiny sequentially consistent atomics on Int32 words of such a mapping,
// for when the engine's Atomics on a non-shared ArrayBuffer are not real atomic instructions.
#include <node_api.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#if defined(__linux__)
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace {

napi_value fail(napi_env env, const std::string& what) {
  napi_throw_error(env, "ERR_STARLING_SHM", (what + ": " + std::strerror(errno)).c_str());
  return nullptr;
}

bool args(napi_env env, napi_callback_info info, size_t want, napi_value* argv) {
  size_t argc = want;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < want) {
    napi_throw_type_error(env, nullptr, "shm: missing arguments");
    return false;
  }
  return true;
}

double number(napi_env env, napi_value v) {
  double d = -1;
  napi_get_value_double(env, v, &d);
  return d;
}

napi_value num(napi_env env, double d) {
  napi_value out;
  napi_create_double(env, d, &out);
  return out;
}

// create(name, bytes) -> fd: an anonymous memfd of `bytes` bytes (zero), close-on-exec unset so children can
// inherit it through spawn's stdio.
napi_value Create(napi_env env, napi_callback_info info) {
#if defined(__linux__)
  napi_value argv[2];
  if (!args(env, info, 2, argv)) return nullptr;
  char name[64] = {0};
  size_t len = 0;
  napi_get_value_string_utf8(env, argv[0], name, sizeof name, &len);
  const double bytes = number(env, argv[1]);
  const int fd = memfd_create(name, 0);
  if (fd < 0) return fail(env, "memfd_create");
  if (ftruncate(fd, static_cast<off_t>(bytes)) != 0) {
    close(fd);
    return fail(env, "ftruncate");
  }
  return num(env, fd);
#else
  errno = ENOSYS;
  return fail(env, "memfd_create");
#endif
}

// size(fd) -> bytes
napi_value Size(napi_env env, napi_callback_info info) {
#if defined(__linux__)
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return nullptr;
  struct stat st;
  if (fstat(static_cast<int>(number(env, argv[0])), &st) != 0) return fail(env, "fstat");
  return num(env, static_cast<double>(st.st_size));
#else
  errno = ENOSYS;
  return fail(env, "fstat");
#endif
}

// resize(fd, bytes): grows (or shrinks) the memfd; existing mappings stay valid up to the smaller size.
napi_value Resize(napi_env env, napi_callback_info info) {
#if defined(__linux__)
  napi_value argv[2];
  if (!args(env, info, 2, argv)) return nullptr;
  if (ftruncate(static_cast<int>(number(env, argv[0])), static_cast<off_t>(number(env, argv[1]))) != 0) {
    return fail(env, "ftruncate");
  }
  return nullptr;
#else
  errno = ENOSYS;
  return fail(env, "ftruncate");
#endif
}

#if defined(__linux__)
void unmap(napi_env, void* data, void* hint) { munmap(data, reinterpret_cast<size_t>(hint)); }
#endif

// map(fd, bytes) -> ArrayBuffer over the first `bytes` bytes of the memfd (MAP_SHARED), unmapped when collected.
napi_value Map(napi_env env, napi_callback_info info) {
#if defined(__linux__)
  napi_value argv[2];
  if (!args(env, info, 2, argv)) return nullptr;
  const int fd = static_cast<int>(number(env, argv[0]));
  const size_t bytes = static_cast<size_t>(number(env, argv[1]));
  if (bytes == 0) {
    errno = EINVAL;
    return fail(env, "mmap of 0 bytes");
  }
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (p == MAP_FAILED) return fail(env, "mmap");
  napi_value out;
  if (napi_create_external_arraybuffer(env, p, bytes, unmap, reinterpret_cast<void*>(bytes), &out) != napi_ok) {
    munmap(p, bytes);
    napi_throw_error(env, "ERR_STARLING_SHM", "shm: external array buffers are not allowed here");
    return nullptr;
  }
  return out;
#else
  errno = ENOSYS;
  return fail(env, "mmap");
#endif
}

// close(fd)
napi_value Close(napi_env env, napi_callback_info info) {
#if defined(__linux__)
  napi_value argv[1];
  if (!args(env, info, 1, argv)) return nullptr;
  close(static_cast<int>(number(env, argv[0])));
#endif
  return nullptr;
}

int32_t* word(napi_env env, napi_value buffer, napi_value index) {
  void* data = nullptr;
  size_t bytes = 0;
  if (napi_get_arraybuffer_info(env, buffer, &data, &bytes) != napi_ok) {
    napi_throw_type_error(env, nullptr, "shm: expected an ArrayBuffer");
    return nullptr;
  }
  const double i = number(env, index);
  if (!(i >= 0) || (static_cast<size_t>(i) + 1) * 4 > bytes) {
    napi_throw_range_error(env, nullptr, "shm: word index out of range");
    return nullptr;
  }
  return static_cast<int32_t*>(data) + static_cast<size_t>(i);
}

// cas(buffer, index, expected, replacement) -> the old value (seq_cst)
napi_value Cas(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!args(env, info, 4, argv)) return nullptr;
  int32_t* w = word(env, argv[0], argv[1]);
  if (!w) return nullptr;
  int32_t expected = static_cast<int32_t>(number(env, argv[2]));
  __atomic_compare_exchange_n(w, &expected, static_cast<int32_t>(number(env, argv[3])), false, __ATOMIC_SEQ_CST,
                              __ATOMIC_SEQ_CST);
  return num(env, expected);
}

// add(buffer, index, value) -> the old value (seq_cst)
napi_value Add(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!args(env, info, 3, argv)) return nullptr;
  int32_t* w = word(env, argv[0], argv[1]);
  if (!w) return nullptr;
  return num(env, __atomic_fetch_add(w, static_cast<int32_t>(number(env, argv[2])), __ATOMIC_SEQ_CST));
}

napi_value fn(napi_env env, napi_callback cb) {
  napi_value f;
  napi_create_function(env, nullptr, 0, cb, nullptr, &f);
  return f;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_set_named_property(env, exports, "create", fn(env, Create));
  napi_set_named_property(env, exports, "size", fn(env, Size));
  napi_set_named_property(env, exports, "resize", fn(env, Resize));
  napi_set_named_property(env, exports, "map", fn(env, Map));
  napi_set_named_property(env, exports, "close", fn(env, Close));
  napi_set_named_property(env, exports, "cas", fn(env, Cas));
  napi_set_named_property(env, exports, "add", fn(env, Add));
  return exports;
}

}  // namespace

NAPI_MODULE_INIT() { return Init(env, exports); }
