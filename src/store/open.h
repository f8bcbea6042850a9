#pragma once
/// Opening a clinic database from a URL (the CLI's --db):
///   sqlite:PATH            a file, relative or absolute ("sqlite:clinic.db")
///   sqlite:///abs/path     an absolute file path
///   postgresql://...       a libpq URI (also postgres://...)
///
/// The clinic key file (docs/storage.md "Key file"): OpenOptions::key_file when given, else
/// $KETAPATH_CLINIC_KEY, else for SQLite PATH.key next to the database; PostgreSQL has no default
/// and needs one of the first two. `initialize()` (clinic init) creates the key (mode 0600) when
/// the audit log is new; afterwards every write and `audit verify` need it.
///
/// Opening does not create anything: a missing SQLite file is created by initialize(). The schema
/// version is checked at open: a database written by a newer Ketapath is refused (Storage).

#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "store/database.h"

namespace ketapath::store {

struct OpenOptions {
  /// Overrides $KETAPATH_CLINIC_KEY and the SQLite default PATH.key.
  std::optional<std::filesystem::path> key_file;
};

/// Opens (connects to) the database at `url`. Errors: InvalidArgument for a malformed URL;
/// Storage when the server cannot be reached, the file is not a database, or its schema is newer
/// than this build; InvalidArgument when a PostgreSQL URL comes without a key file.
core::Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                      const OpenOptions& options = {});

}  // namespace ketapath::store
