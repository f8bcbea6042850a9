# Every dependency is a Debian 12 package installed by scripts/install-deps.sh.
# Why each was chosen is in docs/architecture.md ("Dependencies").
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(Eigen3 REQUIRED NO_MODULE)
find_package(SUNDIALS REQUIRED COMPONENTS cvode nvecserial)
find_package(SQLite3 REQUIRED)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)
find_package(NLopt REQUIRED)
find_package(muparser REQUIRED)  # libmuparser-dev: user-model expressions (src/usermodel)
find_package(date REQUIRED)  # libhowardhinnant-date-dev: the clinic time zone (tzdata)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
# libcpp-httplib-dev 0.11 (compiled library + header) for `ketapath serve`; its header calls
# OpenSSL directly (TLS), so the server links OpenSSL too.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
find_package(OpenSSL REQUIRED)
# libcairo2-dev + libpango1.0-dev: the clinic letter as PDF (src/clinic/pdf); pangocairo brings
# cairo, pango and fontconfig.
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo cairo-pdf)
pkg_check_modules(HDF5 REQUIRED IMPORTED_TARGET hdf5-serial)
find_package(MPI COMPONENTS CXX)

# Random123 is header-only and ships no CMake or pkg-config file.
find_path(RANDOM123_INCLUDE_DIR Random123/philox.h REQUIRED)
add_library(ketapath_random123 INTERFACE)
target_include_directories(ketapath_random123 SYSTEM INTERFACE ${RANDOM123_INCLUDE_DIR})
