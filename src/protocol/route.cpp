#include "protocol/route.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace ketapath::protocol {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::ranges::transform(out, out.begin(),
                         [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string_view agent_name(Agent agent) {
  switch (agent) {
    case Agent::Ketamine:
      return "ketamine";
    case Agent::Placebo:
      return "placebo";
    case Agent::Midazolam:
      return "midazolam";
  }
  return "?";
}

core::Result<Agent> parse_agent(std::string_view text) {
  const std::string key = lower(text);
  for (Agent agent : {Agent::Ketamine, Agent::Placebo, Agent::Midazolam}) {
    if (key == agent_name(agent)) {
      return agent;
    }
  }
  return core::fail(core::ErrorCode::InvalidArgument,
                    "agent \"{}\" is not one of ketamine, placebo, midazolam", text);
}

}  // namespace ketapath::protocol
