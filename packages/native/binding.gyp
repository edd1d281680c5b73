{
  "targets": [
    {
      "target_name": "starling_native",
      "sources": [
        "cpp/addon.cc",
        "cpp/methods.cc",
        "cpp/optimizer-methods.cc",
        "cpp/level-portable.cc",
        "cpp/level-avx2.cc",
        "cpp/level-avx512.cc",
        "cpp/compress-table.cc",
        "cpp/compress-methods.cc",
        "cpp/half.cc",
        "cpp/sign.cc",
        "cpp/scan.cc",
        "cpp/qsgd-pack.cc",
        "cpp/qsgd-unpack.cc",
        "cpp/robust-methods.cc",
        "cpp/robust-network.cc",
        "cpp/robust-select-portable.cc",
        "cpp/robust-select-avx2.cc",
        "cpp/robust-distance.cc",
        "cpp/robust-table.cc",
        "cpp/conv-methods.cc",
        "cpp/group-norm-methods.cc",
        "cpp/gemm-bf16.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fexceptions"],
      "cflags_cc!": ["-fexceptions"],
      "cflags": ["-O3", "-fvisibility=hidden", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=fast", "-Wno-psabi"],
      "cflags_cc": ["-O3", "-fvisibility=hidden", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=fast", "-Wno-psabi"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=fast"]
      }
    },
    {
      "target_name": "starling_shm",
      "sources": ["cpp/shm.cc"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-fvisibility=hidden"],
      "cflags_cc": ["-O2", "-fvisibility=hidden"]
    }
  ]
}
