#pragma once
// The clinic's people and what their roles let them do. Every ClinicService use case checks the
// acting user's roles against one permission table (access.cpp) before it reads or writes, so the
// command line and the coming HTTP server enforce exactly the same rules. Passwords and sign-in
// come with the server; here a user is a name, roles and an enabled flag, stored and audited.
//
// Bootstrap: a database without users refuses every use case except initialise and the first
// `user add` that gives someone the admin role (docs/clinic.md "People and roles").

#include <string>
#include <string_view>
#include <vector>

#include "clinic/domain/time.h"
#include "core/error.h"

namespace ketapath::clinic {

enum class Role {
  Admin,       ///< users, settings, the drug library
  Prescriber,  ///< clearance, dose orders, limit overrides, course planning
  Nurse,       ///< sessions, ratings, vitals, weights, alert acknowledgement
  FrontDesk,   ///< registers patients, reads demographics only (no clinical detail)
  Auditor,     ///< reads everything, verifies the audit log; writes nothing
};

struct User {
  std::string name;         ///< the login name the audit log records: [a-z0-9._-], 1-64
  std::vector<Role> roles;  ///< at least one, each once, in the order of the Role enum
  bool enabled = true;
  Timestamp created_at{};
  std::string created_by;

  [[nodiscard]] bool has(Role role) const;
};

/// What a use case needs. Each permission names the roles that hold it (roles_for()).
enum class Permission {
  ReadDemographics,     ///< the patient list (name, birth date, sex): every enabled user
  ReadClinical,         ///< charts, records, settings, drug library, work list: all but front_desk
  VerifyAudit,          ///< audit verify: admin, auditor
  Oversee,              ///< the users list and the chart-access log: admin, auditor
  ManageUsers,          ///< admin
  Configure,            ///< settings, drug library, schema migration: admin
  RegisterPatient,      ///< patient add: front_desk, nurse, prescriber
  RecordObservation,    ///< weight, treatment history, screening answers: nurse, prescriber
  Diagnose,             ///< diagnosis, screening policy flags: prescriber
  RecordConsent,        ///< informed consent: nurse, prescriber
  Clear,                ///< clearance of a needs_review screening: prescriber
  OrderDose,            ///< dose calculation, limit override, course planning: prescriber
  PreviewDose,          ///< a dose calculated and checked but not stored: prescriber, nurse
  RecordSession,        ///< sessions and ratings, alert acknowledgement: nurse, prescriber
  HandleConsultations,  ///< the consultation queue: front_desk, nurse, prescriber
  ExportResearch,       ///< the de-identified research export across patients: admin
  HandleStock,          ///< controlled-substance receipt, waste, count (custody.h): nurse, prescriber
  ReadCustodyLog,       ///< the controlled-substance log (custody report): prescriber, admin, auditor
};

std::string_view to_string(Role role);
core::Result<Role> parse_role(std::string_view text);
std::string_view to_string(Permission permission);

/// The roles that hold a permission (empty for ReadDemographics: any enabled user).
std::vector<Role> roles_for(Permission permission);

/// "dr.lee" style user names: 1-64 of [a-z0-9._-], starting with a letter or digit.
core::Status validate_user_name(std::string_view name);

/// Sorts and de-duplicates roles; refuses an empty list.
core::Result<std::vector<Role>> normalise_roles(std::vector<Role> roles);

/// Unauthorized unless `user` is enabled and holds the permission; the message names the user,
/// their roles, the action and the roles that would allow it.
core::Status check_permission(const User& user, Permission permission);

}  // namespace ketapath::clinic
