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
#include <string>
#include <string_view>

#include "store/database.h"

namespace ketapath::store {

struct OpenOptions {
  /// Overrides $KETAPATH_CLINIC_KEY and the SQLite default PATH.key.
  std::optional<std::filesystem::path> key_file;
  /// PostgreSQL: the password (CLI --password-file), overriding one in the URL. Without it libpq
  /// uses $PGPASSWORD or the password file ($PGPASSFILE, ~/.pgpass). Refused for SQLite.
  std::optional<std::string> password;
};

/// Opens (connects to) the database at `url`. Errors: InvalidArgument for a malformed URL;
/// Storage when the server cannot be reached, the file is not a database, or its schema is newer
/// than this build; InvalidArgument when a PostgreSQL URL comes without a key file.
core::Result<std::unique_ptr<Database>> open_database(std::string_view url,
                                                      const OpenOptions& options = {});

/// Whether a database URL carries a password (the CLI warns when one was typed on its command
/// line, where other users can read it).
bool url_has_password(std::string_view url);

/// The URL with any password replaced by "***".
std::string redacted_url(std::string_view url);

}  // namespace ketapath::store
