# System libraries, all from Debian packages (see .ci/deps). Libraries without pkg-config
# or CMake files are found by header and library name.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(ZLIB REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)

pkg_check_modules(LIBUV REQUIRED IMPORTED_TARGET libuv)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)

find_path(SNAPPY_INCLUDE_DIR snappy.h REQUIRED)
find_library(SNAPPY_LIBRARY snappy REQUIRED)
add_library(gregor_dep_snappy INTERFACE)
target_include_directories(gregor_dep_snappy INTERFACE ${SNAPPY_INCLUDE_DIR})
target_link_libraries(gregor_dep_snappy INTERFACE ${SNAPPY_LIBRARY})

find_path(XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
find_library(XXHASH_LIBRARY xxhash REQUIRED)
add_library(gregor_dep_xxhash INTERFACE)
target_include_directories(gregor_dep_xxhash INTERFACE ${XXHASH_INCLUDE_DIR})
target_link_libraries(gregor_dep_xxhash INTERFACE ${XXHASH_LIBRARY})

# The single-threaded ZooKeeper C client: gregor drives it from its own event loop.
find_path(ZOOKEEPER_INCLUDE_DIR zookeeper/zookeeper.h REQUIRED)
find_library(ZOOKEEPER_LIBRARY zookeeper_st REQUIRED)
add_library(gregor_dep_zookeeper INTERFACE)
target_include_directories(gregor_dep_zookeeper INTERFACE ${ZOOKEEPER_INCLUDE_DIR})
target_link_libraries(gregor_dep_zookeeper INTERFACE ${ZOOKEEPER_LIBRARY})

if(GREGOR_TESTS)
  find_package(GTest REQUIRED)
  pkg_check_modules(RDKAFKA IMPORTED_TARGET rdkafka++)
endif()
