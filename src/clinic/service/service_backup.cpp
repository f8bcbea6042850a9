// ClinicService: the audit records of a backup and of a restore (service.h record_backup). The
// copying and verifying is the store's (store/backup.h), which the clinic layer does not see.

#include "clinic/json/json.h"
#include "clinic/service/service.h"

namespace ketapath::clinic {

core::Status ClinicService::record_copy(std::string action, std::string_view file,
                                        std::string_view anchor) {
  auto tx = KETAPATH_TRY(store_.begin());
  KETAPATH_TRY(authorize(*tx, Permission::Configure));
  const Json after = {{"file", std::string(file)}, {"anchor", std::string(anchor)}};
  KETAPATH_TRY(
      tx->append_audit(audit_record(std::move(action), "database", "null", canonical(after))));
  return tx->commit();
}

core::Status ClinicService::record_backup(std::string_view file, std::string_view anchor) {
  return record_copy("clinic.backup", file, anchor);
}

core::Status ClinicService::record_restore(std::string_view file, std::string_view anchor) {
  return record_copy("clinic.restore", file, anchor);
}

}  // namespace ketapath::clinic
