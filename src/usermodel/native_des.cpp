#include "usermodel/native_des.h"

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace ketapath::usermodel {
namespace {

namespace fs = std::filesystem;

constexpr const char* kFlags[] = {"-std=c++17", "-O2", "-fno-math-errno", "-fPIC", "-shared"};

std::string compiler() {
  const char* chosen = std::getenv("KETAPATH_CXX");
  return chosen != nullptr && *chosen != '\0' ? chosen : "c++";
}

core::Result<fs::path> cache_directory() {
  fs::path root;
  if (const char* dir = std::getenv("KETAPATH_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    root = dir;
  } else if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg != '\0') {
    root = fs::path(xdg) / "ketapath";
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    root = fs::path(home) / ".cache" / "ketapath";
  } else {
    return core::fail(core::ErrorCode::Io, "no cache directory (set KETAPATH_CACHE_DIR or HOME)");
  }
  const fs::path dir = root / "models";
  std::error_code error;
  fs::create_directories(dir, error);
  if (error)
    return core::fail(core::ErrorCode::Io, "cannot create {}: {}", dir.string(), error.message());
  // Only the owner may write where shared libraries are loaded from.
  ::chmod(dir.c_str(), 0700);

  struct stat info {};

  if (::stat(dir.c_str(), &info) != 0 || info.st_uid != ::geteuid() ||
      (info.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return core::fail(core::ErrorCode::Io,
                      "{} is not a directory only this user can write: nothing is loaded from it",
                      dir.string());
  }
  return dir;
}

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t hash = 1469598103934665603ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

std::string read_start(const fs::path& file, std::size_t limit) {
  std::ifstream in(file);
  std::string text(limit, '\0');
  in.read(text.data(), static_cast<std::streamsize>(limit));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

// Runs the compiler with its output in `log`; the exit status, or -1 if it could not start.
int run_compiler(const std::string& cxx, const fs::path& source, const fs::path& library,
                 const fs::path& log) {
  std::vector<std::string> args{cxx};
  args.insert(args.end(), std::begin(kFlags), std::end(kFlags));
  args.insert(args.end(), {"-o", library.string(), source.string()});
  std::vector<char*> argv;
  for (std::string& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int started = posix_spawnp(&pid, cxx.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (started != 0)
    return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

core::Status build(const std::string& source, const std::string& cxx, const fs::path& library,
                   const fs::path& kept_source) {
  static std::atomic<int> counter{0};
  const std::string tag = fmt::format(".{}.{}", ::getpid(), counter++);
  const fs::path tmp_source = kept_source.string() + tag + ".cpp";
  const fs::path tmp_library = library.string() + tag;
  const fs::path log = library.string() + tag + ".log";
  {
    std::ofstream out(tmp_source);
    out << source;
    if (!out.flush()) {
      return core::fail(core::ErrorCode::Io, "cannot write {}", tmp_source.string());
    }
  }
  const int status = run_compiler(cxx, tmp_source, tmp_library, log);
  std::error_code ignored;
  if (status != 0) {
    const std::string output = read_start(log, 600);
    fs::remove(tmp_source, ignored);
    fs::remove(tmp_library, ignored);
    fs::remove(log, ignored);
    if (status < 0)
      return core::fail(core::ErrorCode::Io, "the C++ compiler \"{}\" could not be run", cxx);
    return core::fail(core::ErrorCode::Io, "the C++ compiler \"{}\" failed (exit {}): {}", cxx,
                      status, output);
  }
  // Whole files appear under their final names: a concurrent process builds the same bytes.
  // The kept source is for reading only; the library must land.
  fs::rename(tmp_source, kept_source, ignored);
  fs::remove(log, ignored);
  std::error_code moved;
  fs::rename(tmp_library, library, moved);
  if (moved) {
    fs::remove(tmp_library, ignored);
    return core::fail(core::ErrorCode::Io, "cannot move {} into place: {}", library.string(),
                      moved.message());
  }
  return {};
}

}  // namespace

core::Result<NativeDes> load_native_des(const std::string& source) {
  static std::mutex mutex;
  static std::map<std::string, NativeDes> loaded;
  const std::string cxx = compiler();
  if (cxx == "none")
    return core::fail(core::ErrorCode::InvalidArgument, "compilation is off (KETAPATH_CXX=none)");
  std::string key = fmt::format("{}\n{}\n{}", cxx, fmt::join(kFlags, " "), source);
  const std::lock_guard lock(mutex);
  if (const auto found = loaded.find(key); found != loaded.end())
    return found->second;
  const fs::path dir = KETAPATH_TRY(cache_directory());
  const std::string stem = fmt::format("des-{:016x}", fnv1a(key));
  const fs::path library = dir / (stem + ".so");
  if (!fs::exists(library))
    KETAPATH_TRY(build(source, cxx, library, dir / (stem + ".cpp")));
  void* handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr)
    return core::fail(core::ErrorCode::Io, "cannot load {}: {}", library.string(), ::dlerror());
  // The handle stays open for the life of the process: every UserModel built from this source
  // shares the function.
  void* symbol = ::dlsym(handle, "ketapath_des");
  if (symbol == nullptr)
    return core::fail(core::ErrorCode::Io, "{} has no ketapath_des", library.string());
  NativeDes native{reinterpret_cast<NativeDes::Function>(symbol), library.string()};
  loaded.emplace(std::move(key), native);
  return native;
}

}  // namespace ketapath::usermodel
