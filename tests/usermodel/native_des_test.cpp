// The compiled $DES (usermodel/translate.h, usermodel/native_des.h):
// - every construct of muparser's language that a model can use, translated to C++, compiled
//   and run, gives what muparser gives for the same expression and values (precedence,
//   associativity, the signs before powers, comparisons, logic, c ? a : b, muparser's own sign,
//   rint, min, max, sum and avg, NM-TRAN capitals), to 1e-15 relative;
// - what cannot be translated is refused with the reason, and the model runs on muparser;
// - the library is built once and loaded from the cache afterwards, and never from a directory
//   that others can write;
// - no compiler (KETAPATH_CXX=none or a missing one): muparser, with the reason.
// The tests point KETAPATH_CACHE_DIR at a directory of their own.

#include "usermodel/native_des.h"

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <muParser.h>
#include <sys/stat.h>
#include <unistd.h>

#include "usermodel/model_file.h"
#include "usermodel/translate.h"
#include "usermodel/user_model.h"

namespace ketapath::usermodel {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for one test and restores it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name))
      old_ = old;
    ::setenv(name, value.c_str(), 1);
  }

  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

fs::path fresh_directory(const std::string& name) {
  const fs::path dir = fs::path(KETAPATH_BINARY_DIR) / "test-tmp" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

const std::vector<std::string> kExpressions = {
    "-a^2",
    "a^b^c",
    "a-b-c",
    "a/b/c",
    "a<b?c:a",
    "0?1:0?2:3",
    "1 ? 2 : 3 ? 4 : 5",
    "-a*-b",
    "a^-b",
    "2^-b^2",
    "2^-a*4",
    "2^+a",
    "-a^-b",
    "b*-a^2",
    "-a^2+1",
    "log(a)",
    "ln(a)",
    "log2(a)",
    "log10(a)",
    "a<b+c",
    "a+b<c==1",
    "0==0<a",
    "1 && 0 || 1",
    "1 || 0 && 0",
    "a>=b",
    "a<=b",
    "a!=b",
    "a==a",
    "a>b>0",
    "a<b && b<c",
    "(a>b)?b:c",
    "1e-3*a",
    ".5+a",
    "1.e2*b",
    "2.5e+2-c",
    "abs(b-a)",
    "min(a,b,c)",
    "max(a,b)",
    "min(c)",
    "sum(a,b,c)",
    "avg(a,b)",
    "sign(a-b)",
    "sign(0)",
    "rint(a)",
    "rint(-2.5)",
    "_pi*a",
    "_e",
    "EXP(a)",
    "LOG(b)",
    "LOG10(c)",
    "SQRT(a)",
    "ABS(a-b)",
    "sin(a)+cos(b)*tan(c)",
    "atan(a)-asin(0.5)",
    "sinh(a)/cosh(b)+tanh(c)",
    "asinh(a)+acosh(1+b)+atanh(0.25)",
    "exp(a)^2",
    "sqrt(a*b)/(1+c)^0.75",
    "a*(b+c*(a-(b/(c+1))))",
    "((a))",
    "a<b?b<c?1:2:3",
    "a^2/(b^2+a^2)",
    "c*(1-a)-0.004*a",
};

TEST(TranslateToCpp, MatchesMuparserOnEveryConstruct) {
  const ScopedEnv cache("KETAPATH_CACHE_DIR", fresh_directory("translate").string());
  const SlotOf slot_of = [](std::string_view name) -> std::optional<std::size_t> {
    if (name == "a")
      return 0;
    if (name == "b")
      return 1;
    if (name == "c")
      return 2;
    return std::nullopt;
  };
  std::string body;
  for (std::size_t i = 0; i < kExpressions.size(); ++i) {
    const auto cpp = to_cpp(kExpressions[i], slot_of);
    ASSERT_TRUE(cpp) << kExpressions[i] << ": " << cpp.error().message;
    body += fmt::format("  s[{}] = {};\n", 3 + i, *cpp);
  }
  const std::string source = fmt::format(
      "{}extern \"C\" int ketapath_des(double* s) {{\n{}  return 1;\n}}\n", cpp_prelude(), body);
  const auto native = load_native_des(source);
  ASSERT_TRUE(native) << native.error().message;

  const double values[][3] = {{0.7, 1.3, 2.1}, {2.0, 0.5, 0.25}, {1.5, 1.5, 3.0}, {0.2, 3.0, 0.9}};
  for (const auto& v : values) {
    std::vector<double> slots(3 + kExpressions.size(), 0.0);
    double a = v[0], b = v[1], c = v[2];
    slots[0] = a;
    slots[1] = b;
    slots[2] = c;
    native->function(slots.data());
    for (std::size_t i = 0; i < kExpressions.size(); ++i) {
      mu::Parser parser;
      parser.DefineVar("a", &a);
      parser.DefineVar("b", &b);
      parser.DefineVar("c", &c);
      parser.DefineFun("EXP", [](double x) { return std::exp(x); });
      parser.DefineFun("LOG", [](double x) { return std::log(x); });
      parser.DefineFun("LOG10", [](double x) { return std::log10(x); });
      parser.DefineFun("SQRT", [](double x) { return std::sqrt(x); });
      parser.DefineFun("ABS", [](double x) { return std::fabs(x); });
      parser.DefineFun("SIN", [](double x) { return std::sin(x); });
      parser.DefineFun("COS", [](double x) { return std::cos(x); });
      parser.DefineFun("TAN", [](double x) { return std::tan(x); });
      parser.DefineFun("ASIN", [](double x) { return std::asin(x); });
      parser.DefineFun("ACOS", [](double x) { return std::acos(x); });
      parser.DefineFun("ATAN", [](double x) { return std::atan(x); });
      parser.SetExpr(kExpressions[i]);
      const double want = parser.Eval();
      EXPECT_NEAR(slots[3 + i], want, 1e-15 * std::max(1.0, std::abs(want)))
          << kExpressions[i] << " at a=" << a << " b=" << b << " c=" << c;
    }
  }
}

TEST(TranslateToCpp, RefusesWhatItDoesNotKnow) {
  const SlotOf slot_of = [](std::string_view name) -> std::optional<std::size_t> {
    return name == "a" ? std::optional<std::size_t>(0) : std::nullopt;
  };
  auto unknown_function = to_cpp("frob(a)", slot_of);
  ASSERT_FALSE(unknown_function);
  EXPECT_NE(unknown_function.error().message.find("unknown function \"frob\""), std::string::npos);
  auto unknown_name = to_cpp("a + zz", slot_of);
  ASSERT_FALSE(unknown_name);
  EXPECT_NE(unknown_name.error().message.find("\"zz\""), std::string::npos);
  EXPECT_FALSE(to_cpp("a $ 2", slot_of));
  EXPECT_FALSE(to_cpp("sin(a, a)", slot_of));
  // Deep nesting is refused, not a stack overflow.
  EXPECT_FALSE(to_cpp(std::string(5000, '(') + "a" + std::string(5000, ')'), slot_of));
}

std::string ode_model() {
  return std::string(KETAPATH_SOURCE_DIR) + "/models/user/two_cmt_wt_ode.toml";
}

std::unique_ptr<UserModel> create(double theta_scale = 1.0) {
  auto definition = read_model_file(ode_model());
  EXPECT_TRUE(definition) << definition.error().message;
  // A different THETA does not change the code; a different $DES constant does.
  definition->structure.des.back().expression += fmt::format(" * {}", theta_scale);
  auto model = UserModel::create(std::move(*definition));
  EXPECT_TRUE(model) << model.error().message;
  return std::move(*model);
}

TEST(NativeDes, IsBuiltOnceAndLoadedFromTheCache) {
  const fs::path dir = fresh_directory("cache-once");
  const ScopedEnv cache("KETAPATH_CACHE_DIR", dir.string());
  const auto first = create(1.0000001);
  ASSERT_TRUE(first->des_backend().starts_with("compiled (" + (dir / "models").string()))
      << first->des_backend();
  std::vector<fs::path> libraries;
  for (const auto& entry : fs::directory_iterator(dir / "models"))
    libraries.push_back(entry.path());
  ASSERT_EQ(libraries.size(), 2U);  // des-<hash>.so and its source, nothing left over

  struct stat info {};

  ASSERT_EQ(::stat((dir / "models").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700U);
  // The same model again: the same library, no new file.
  const auto second = create(1.0000001);
  EXPECT_EQ(second->des_backend(), first->des_backend());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "models"), fs::directory_iterator()), 2);
}

TEST(NativeDes, NeverLoadsFromADirectoryOthersCanWrite) {
  const fs::path dir = fresh_directory("cache-open");
  fs::create_directories(dir / "models");
  const ScopedEnv cache("KETAPATH_CACHE_DIR", dir.string());
  // The directory is made private before use; if that cannot hold (another owner), nothing loads.
  ::chmod((dir / "models").c_str(), 0777);
  const auto model = create(1.0000002);
  EXPECT_TRUE(model->des_backend().starts_with("compiled")) << model->des_backend();

  struct stat info {};

  ASSERT_EQ(::stat((dir / "models").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0077, 0U);
}

TEST(NativeDes, WithoutACompilerTheModelRunsOnMuparserAndSaysWhy) {
  const ScopedEnv cache("KETAPATH_CACHE_DIR", fresh_directory("no-compiler").string());
  {
    const ScopedEnv off("KETAPATH_CXX", "none");
    const auto model = create(1.0000003);
    EXPECT_EQ(model->des_backend(), "muparser: compilation is off (KETAPATH_CXX=none)");
  }
  {
    const ScopedEnv missing("KETAPATH_CXX", "/nonexistent/c++");
    const auto model = create(1.0000004);
    EXPECT_TRUE(model->des_backend().starts_with("muparser: the C++ compiler \"/nonexistent/c++\""))
        << model->des_backend();
  }
}

}  // namespace
}  // namespace ketapath::usermodel
