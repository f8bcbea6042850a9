#include "protocol/route.h"

#include <string>

#include "core/text.h"

namespace ketapath::protocol {
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
  const std::string key = core::ascii_lower(text);
  for (Agent agent : {Agent::Ketamine, Agent::Placebo, Agent::Midazolam}) {
    if (key == agent_name(agent)) {
      return agent;
    }
  }
  return core::fail(core::ErrorCode::InvalidArgument,
                    "agent \"{}\" is not one of ketamine, placebo, midazolam", text);
}

}  // namespace ketapath::protocol
