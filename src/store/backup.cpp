#include "store/backup.h"

#include <string>
#include <system_error>

#include "core/private_file.h"
#include "store/crypto.h"
#include "store/open.h"
#include "store/sql_database.h"
#include "store/sqlite/sqlite_connection.h"

namespace ketapath::store {
namespace {

using core::ErrorCode;

std::filesystem::path with_suffix(const std::filesystem::path& path, std::string_view suffix) {
  std::filesystem::path result = path;
  result += std::string(suffix);
  return result;
}

/// Removes a database file and the WAL files SQLite may have left beside it.
void remove_database_files(const std::filesystem::path& path) {
  std::error_code ignored;
  for (const std::string_view suffix : {"", "-wal", "-shm"}) {
    std::filesystem::remove(with_suffix(path, suffix), ignored);
  }
}

core::Status refuse_existing(const std::filesystem::path& path, std::string_view what) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    return core::fail(ErrorCode::Conflict, "{}: {} exists; it is never overwritten", what,
                      path.string());
  }
  return {};
}

core::Status integrity_failure(std::string_view what, const std::filesystem::path& file,
                               const clinic::AuditVerification& v) {
  std::string problems;
  for (const auto& problem : v.problems) {
    problems += "; " + problem;
  }
  return core::fail(ErrorCode::Integrity, "{}: {} does not verify ({} entries checked){}", what,
                    file.string(), v.entries, problems);
}

/// Opens the SQLite file at `path` with `key` and verifies its log (and, given one, an anchor).
core::Result<std::unique_ptr<Database>> open_verified(const std::filesystem::path& path,
                                                      const std::filesystem::path& key,
                                                      const clinic::AuditAnchor* anchor,
                                                      clinic::AuditVerification& verification) {
  auto db = KETAPATH_TRY(
      open_database("sqlite:" + path.string(), {.key_file = key, .password = std::nullopt}));
  verification = KETAPATH_TRY(db->audit().verify());
  if (anchor != nullptr) {
    std::optional<std::string> hash;
    const auto entries = KETAPATH_TRY(db->audit().entries(anchor->sequence, 1));
    if (!entries.empty() && entries.front().sequence == anchor->sequence) {
      hash = entries.front().hash;
    }
    clinic::check_anchor(verification, *anchor, hash);
  }
  return db;
}

}  // namespace

core::Status SqlDatabase::copy_to(const std::filesystem::path& destination) {
  if (backend_ != Backend::Sqlite) {
    return core::fail(ErrorCode::InvalidArgument,
                      "backup: {} is PostgreSQL; back it up with pg_dump and check the restored "
                      "database with `clinic audit verify --anchor` (docs/storage.md \"Backup and "
                      "restore\")",
                      description_);
  }
  // A connection of its own (read-only): the backup reads one snapshot while the clinic's writer
  // and readers carry on.
  auto connection = KETAPATH_TRY(connect_(Purpose::Read));
  auto* sqlite = dynamic_cast<sqlite::SqliteConnection*>(connection.get());
  if (sqlite == nullptr) {
    return core::fail(ErrorCode::Internal, "backup: {} has no SQLite connection", description_);
  }
  return sqlite->copy_into(destination);
}

core::Result<VerifiedCopy> backup_database(Database& source,
                                           const std::filesystem::path& destination) {
  KETAPATH_TRY(source.copy_to(destination));
  clinic::AuditVerification v;
  auto copy = open_verified(destination, source.key_file(), nullptr, v);
  const bool ok = copy.has_value() && v.intact;
  copy = core::Result<std::unique_ptr<Database>>(nullptr);  // closed before any removal
  if (!ok) {
    remove_database_files(destination);
    if (!v.problems.empty() || v.entries > 0) {
      return std::unexpected(integrity_failure("backup", destination, v).error());
    }
    return core::fail(ErrorCode::Integrity, "backup: the copy {} could not be verified",
                      destination.string());
  }
  return VerifiedCopy{destination, std::move(v)};
}

core::Result<VerifiedCopy> restore_database(
    const RestoreRequest& request, const std::function<core::Status(Database&)>& before_use) {
  const auto key_copy = with_suffix(request.destination, ".key");
  const auto partial = with_suffix(request.destination, ".restoring");
  KETAPATH_TRY(refuse_existing(request.destination, "restore"));
  KETAPATH_TRY(refuse_existing(key_copy, "restore"));
  KETAPATH_TRY(refuse_existing(partial, "restore (a restore left unfinished; remove it)"));
  std::error_code ec;
  if (!std::filesystem::is_regular_file(request.backup, ec)) {
    return core::fail(ErrorCode::NotFound, "restore: backup {} is not a file",
                      request.backup.string());
  }
  // The key is checked (64 hex digits; refused when others may read it) before anything is
  // written.
  KETAPATH_TRY(ClinicKey::load(request.key_file));
  const auto key = KETAPATH_TRY(core::read_secret_file(request.key_file, "clinic key file"));
  KETAPATH_TRY(core::create_private_directories(request.destination.parent_path()));
  // A plain file copy: the backup itself is never opened, so nothing writes to it.
  std::filesystem::copy_file(request.backup, partial, std::filesystem::copy_options::none, ec);
  if (ec) {
    return core::fail(ErrorCode::Io, "restore: cannot copy {} to {}: {}", request.backup.string(),
                      partial.string(), ec.message());
  }
  std::filesystem::permissions(
      partial, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  const auto fail_and_remove = [&](core::Error error) -> core::Result<VerifiedCopy> {
    remove_database_files(partial);
    return std::unexpected(std::move(error));
  };
  clinic::AuditVerification v;
  {
    auto db = open_verified(partial, request.key_file, &request.anchor, v);
    if (!db) {
      return fail_and_remove(db.error());
    }
    if (!v.intact) {
      return fail_and_remove(integrity_failure("restore", request.backup, v).error());
    }
    if (auto used = before_use(**db); !used) {
      return fail_and_remove(used.error());
    }
  }  // closed: SQLite folds its WAL into the file before the rename
  if (auto written = core::write_private_file(key_copy, key + "\n"); !written) {
    return fail_and_remove(written.error());
  }
  std::filesystem::rename(partial, request.destination, ec);
  if (ec) {
    std::filesystem::remove(key_copy, ec);
    return fail_and_remove(core::Error{
        ErrorCode::Io, fmt::format("restore: cannot rename {} to {}: {}", partial.string(),
                                   request.destination.string(), ec.message())});
  }
  return VerifiedCopy{request.destination, std::move(v)};
}

}  // namespace ketapath::store
