// The permission table of the clinic (user.h): which roles may do what. One table, read by
// ClinicService before every use case; docs/clinic.md "People and roles" prints the same table.

#include <algorithm>
#include <array>
#include <utility>

#include "clinic/domain/user.h"
#include "core/name_table.h"

namespace ketapath::clinic {
namespace {

using core::ErrorCode;

struct Grant {
  Permission permission;
  std::string_view action;  ///< for messages: "<user> may not <action>"
  std::vector<Role> roles;  ///< empty: every enabled user
};

const std::vector<Grant>& grants() {
  static const std::vector<Grant> table = {
      {Permission::ReadDemographics, "list patients (name, birth date, sex)", {}},
      {Permission::ReadClinical,
       "read clinical records (charts, settings, the drug library, the work list)",
       {Role::Admin, Role::Prescriber, Role::Nurse, Role::Auditor}},
      {Permission::VerifyAudit, "verify the audit log", {Role::Admin, Role::Auditor}},
      {Permission::Oversee,
       "read the users list or the chart-access log",
       {Role::Admin, Role::Auditor}},
      {Permission::ManageUsers, "add or disable users", {Role::Admin}},
      {Permission::Configure, "change settings, the drug library or the schema", {Role::Admin}},
      {Permission::RegisterPatient,
       "register patients",
       {Role::Prescriber, Role::Nurse, Role::FrontDesk}},
      {Permission::RecordObservation,
       "record weights, treatment history or screening answers",
       {Role::Prescriber, Role::Nurse}},
      {Permission::Diagnose,
       "record diagnoses or choose screening policy options",
       {Role::Prescriber}},
      {Permission::RecordConsent, "record informed consent", {Role::Prescriber, Role::Nurse}},
      {Permission::Clear, "clear a screening for treatment", {Role::Prescriber}},
      {Permission::OrderDose, "order doses, override limits or plan courses", {Role::Prescriber}},
      {Permission::PreviewDose, "preview a dose calculation", {Role::Prescriber, Role::Nurse}},
      {Permission::RecordSession,
       "record sessions, ratings or alert acknowledgements",
       {Role::Prescriber, Role::Nurse}},
      {Permission::HandleConsultations,
       "handle consultation requests",
       {Role::Prescriber, Role::Nurse, Role::FrontDesk}},
      {Permission::ExportResearch,
       "export the de-identified research data across patients",
       {Role::Admin}},
      {Permission::HandleStock,
       "receive, waste or count controlled-substance stock",
       {Role::Prescriber, Role::Nurse}},
      {Permission::ReadCustodyLog,
       "read the controlled-substance log",
       {Role::Admin, Role::Prescriber, Role::Auditor}},
  };
  return table;
}

const Grant& grant_for(Permission permission) {
  for (const Grant& g : grants()) {
    if (g.permission == permission) {
      return g;
    }
  }
  KETAPATH_ASSERT(false, "every permission has a row in the grant table");
  return grants().front();
}

constexpr core::NameTable<Role, 5> kRoles{{{Role::Admin, "admin"},
                                           {Role::Prescriber, "prescriber"},
                                           {Role::Nurse, "nurse"},
                                           {Role::FrontDesk, "front_desk"},
                                           {Role::Auditor, "auditor"}}};

std::string role_list(const std::vector<Role>& roles, std::string_view separator) {
  std::string out;
  for (const Role r : roles) {
    out += out.empty() ? "" : std::string(separator);
    out += to_string(r);
  }
  return out;
}

}  // namespace

bool User::has(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

std::string_view to_string(Role role) {
  return core::name_of(kRoles, role);
}

core::Result<Role> parse_role(std::string_view text) {
  return core::value_of(kRoles, text, "role");
}

std::string_view to_string(Permission permission) {
  return grant_for(permission).action;
}

std::vector<Role> roles_for(Permission permission) {
  return grant_for(permission).roles;
}

core::Status validate_user_name(std::string_view name) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
  };
  const bool ok = !name.empty() && name.size() <= 64 &&
                  std::all_of(name.begin(), name.end(), allowed) && allowed(name.front()) &&
                  name.front() != '.' && name.front() != '_' && name.front() != '-';
  if (!ok) {
    return core::fail(ErrorCode::InvalidArgument,
                      "user: name must be 1-64 of a-z, 0-9, '.', '_', '-', starting with a letter "
                      "or digit (got \"{}\")",
                      name.substr(0, 80));
  }
  return {};
}

core::Result<std::vector<Role>> normalise_roles(std::vector<Role> roles) {
  if (roles.empty()) {
    return core::fail(
        ErrorCode::InvalidArgument, "user: at least one --role is required ({})",
        role_list({Role::Admin, Role::Prescriber, Role::Nurse, Role::FrontDesk, Role::Auditor},
                  ", "));
  }
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  return roles;
}

core::Status check_permission(const User& user, Permission permission) {
  if (!user.enabled) {
    return core::fail(ErrorCode::Unauthorized, "user {} is disabled and may not {}", user.name,
                      to_string(permission));
  }
  const Grant& g = grant_for(permission);
  if (g.roles.empty()) {
    return {};
  }
  for (const Role r : g.roles) {
    if (user.has(r)) {
      return {};
    }
  }
  return core::fail(ErrorCode::Unauthorized, "user {} ({}) may not {}: that needs the role {}",
                    user.name, role_list(user.roles, ", "), g.action, role_list(g.roles, " or "));
}

}  // namespace ketapath::clinic
