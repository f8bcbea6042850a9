#pragma once
/// Backup and restore of a SQLite clinic database (`ketapath clinic backup`, `clinic restore`;
/// docs/storage.md "Backup and restore"). A backup is an online copy verified with the clinic key
/// (the hash chain, the keyed head and every clinical row against the log) whose head is printed
/// as the anchor to keep apart from it; a restore copies a backup to a new file and lets nobody
/// use it until it verifies against that anchor. PostgreSQL is backed up with pg_dump and checked
/// with `clinic audit verify --anchor` (documented, not wrapped).
///
/// Example:
///   auto copy = store::backup_database(*db, "/backups/clinic-2026-12-04.db");
///   fmt::print("anchor {}\n", clinic::anchor_text(copy->verification));

#include <filesystem>
#include <functional>

#include "clinic/domain/audit.h"
#include "core/error.h"
#include "store/database.h"

namespace ketapath::store {

/// A copy of a clinic database and its verification with the clinic key.
struct VerifiedCopy {
  std::filesystem::path file;
  clinic::AuditVerification verification;  ///< intact; anchor_text() is the anchor to keep
};

/// Copies `source` (SQLite) into `destination` (created 0600, never overwritten: Conflict) and
/// verifies the copy with the source's key. The key is not copied. Errors: InvalidArgument for
/// PostgreSQL; Conflict or Io for the destination; Integrity (the copy is removed) when the copy
/// does not verify, which means the source itself does not: run `clinic audit verify`.
core::Result<VerifiedCopy> backup_database(Database& source,
                                           const std::filesystem::path& destination);

struct RestoreRequest {
  std::filesystem::path backup;       ///< a file written by backup_database
  std::filesystem::path key_file;     ///< the clinic key the backup was made under
  clinic::AuditAnchor anchor;         ///< printed when the backup was made
  std::filesystem::path destination;  ///< the new database; its key is written to DEST.key
};

/// Copies the backup to DEST.restoring, verifies the copy with the key (chain, keyed head, rows)
/// and against the anchor (it must reach the anchor's entry with the same hash), runs
/// `before_use` on it (the CLI records the restore in its audit log under the acting admin),
/// then writes DEST.key (0600) and renames the copy to DEST. Any failure removes the copy and
/// leaves nothing at DEST. Errors: Conflict when DEST, DEST.key or DEST.restoring exists;
/// NotFound for a missing backup; Integrity naming each problem for a backup that does not
/// verify (tampered, truncated, another clinic's key, an older backup than the anchor); the
/// error of `before_use`.
core::Result<VerifiedCopy> restore_database(
    const RestoreRequest& request, const std::function<core::Status(Database&)>& before_use);

}  // namespace ketapath::store
