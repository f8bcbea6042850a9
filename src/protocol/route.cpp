#include "protocol/route.h"

#include "core/name_table.h"

namespace ketapath::protocol {
namespace {

constexpr core::NameTable<Agent, 3> kAgentNames{
    {{Agent::Ketamine, "ketamine"}, {Agent::Placebo, "placebo"}, {Agent::Midazolam, "midazolam"}}};

}  // namespace

std::string_view agent_name(Agent agent) {
  return core::name_of(kAgentNames, agent);
}

core::Result<Agent> parse_agent(std::string_view text) {
  return core::value_of(kAgentNames, text, "agent");
}

}  // namespace ketapath::protocol
