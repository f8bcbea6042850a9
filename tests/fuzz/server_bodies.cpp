// Every request body the server parses: the input is "METHOD PATH-PATTERN\n" and the body, e.g.
//   POST /api/v1/public/consultation-requests
//   {"name": "Ana", "email": "a@b.de", "preferred_times": "x", "reason": "y"}
// The route is looked up in the server's route table (an unknown first line picks a route by its
// hash, so the fuzzer still reaches every one); the body goes through clinic::parse_json, as in
// the server, then the route's handler runs against an in-memory clinic as a user holding every
// role but auditor. Findings: a crash, an escaping exception, a refusal coded Internal or without
// a message. New routes are covered without touching this file.
#include <functional>

#include "clinic/json/json.h"
#include "fuzz/fuzz_clinic.h"
#include "fuzz/fuzz_support.h"
#include "server/routes.h"
#include "server/server_state.h"

namespace {

using namespace ketapath;

struct World : fuzz::ClinicWorld {
  server::ServerState state;

  World()
      : ClinicWorld({clinic::Role::Admin, clinic::Role::Prescriber, clinic::Role::Nurse,
                     clinic::Role::FrontDesk}) {
    clinic::Patient p;
    p.name = "Fuzz Patient";
    p.birth_date = clinic::Date(std::chrono::year(1980) / 1 / 1);
    p.sex = clinic::Sex::Female;
    p.weights.push_back({p.birth_date + std::chrono::days(16000), core::Kilograms(70.0), false});
    (void)clinic.add_patient(p);
    state.forms_per_window = 1 << 30;
  }
};

const server::Route& pick(std::string_view line) {
  const auto& table = server::route_table();
  for (const auto& route : table) {
    if (line == std::string(server::to_string(route.method)) + " " + std::string(route.path)) {
      return route;
    }
  }
  return table[std::hash<std::string_view>{}(line) % table.size()];
}

std::vector<std::string> params_of(std::string_view pattern) {
  std::vector<std::string> out;
  for (std::size_t i = pattern.find('{'); i != std::string_view::npos;
       i = pattern.find('{', i + 1)) {
    const std::string_view name = pattern.substr(i + 1, pattern.find('}', i) - i - 1);
    out.emplace_back(name == "name" ? "fuzz.user" : name == "key" ? "dosing_policy" : "1");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const std::size_t newline = text.find('\n');
  const std::string_view line = text.substr(0, newline);
  const std::string_view body_text =
      newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
  const server::Route& route = pick(line);
  if (route.path == "/api/v1/auth/sign-in" || route.path == "/api/v1/auth/setup") {
    return 0;  // Argon2id on every input would make fuzzing crawl; sign-in bodies are 2 strings
  }
  server::Json body = nullptr;
  if (route.method != server::Method::Get) {
    auto parsed = clinic::parse_json(body_text, "body");
    if (!parsed) {
      fuzz::check_refusal(parsed.error(), "body");
      return 0;
    }
    body = std::move(*parsed);
  }
  World& w = fuzz::world<World>();
  clinic::ClinicService acting = w.clinic;
  server::Request request{acting, params_of(route.path), body,  {},
                          "",     "127.0.0.1",           false, &w.state};
  request.query = [](std::string_view) {
    return std::optional<std::string>{};
  };
  const auto reply = route.handler(request);
  if (!reply) {
    if (reply.error().code == core::ErrorCode::Internal) {
      fuzz::finding("refusal coded Internal", reply.error().message);
    }
    if (reply.error().message.empty()) {
      fuzz::finding("refusal without a message", route.path);
    }
  }
  return 0;
}
