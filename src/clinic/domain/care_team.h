#pragma once
// The patient's care team outside the clinic: the psychiatrist and the primary care physician
// (PCP) the clinic reports to. The report (the letter) is addressed to them.

#include <string>
#include <string_view>

#include "clinic/domain/ids.h"
#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

enum class CareRole { Psychiatrist, Pcp };  ///< text form "psychiatrist", "pcp"

struct CareTeamMember {
  CareTeamId id{};
  PatientId patient{};
  CareRole role = CareRole::Psychiatrist;
  std::string name;      ///< "Dr Maria Weber"
  std::string practice;  ///< "Praxis am Markt, Freiburg"
  std::string contact;   ///< phone, secure e-mail or fax: how the letter reaches them
  Timestamp added_at{};
  std::string added_by;
};

/// Name required; name, practice and contact at most 200 characters each. Validation naming the
/// field.
core::Status validate_care_team_member(const CareTeamMember& member);

std::string_view to_string(CareRole role);
core::Result<CareRole> parse_care_role(std::string_view text);

}  // namespace ketapath::clinic
