// `ketapath clinic backup --to FILE [--key-to FILE]` and `ketapath clinic restore --from FILE
// --anchor SEQUENCE:HASH --to FILE --key-file KEY` (registers nothing itself; see cmd_clinic.cpp).
// Parse, call store/backup.h and the service's audit records, print.

#include <filesystem>

#include <fmt/format.h>

#include "cli/clinic_commands.h"
#include "core/private_file.h"
#include "store/backup.h"

namespace ketapath::cli::clinic_cli {
namespace {

struct BackupOptions {
  std::string to;
  std::string key_to;
  std::string from;
  std::string anchor;
};

/// A copy of the clinic key (0600), never over an existing file.
core::Status copy_key(const std::filesystem::path& key, const std::filesystem::path& to) {
  std::error_code ec;
  if (std::filesystem::exists(to, ec)) {
    return core::fail(core::ErrorCode::Conflict, "--key-to: {} exists; it is never overwritten",
                      to.string());
  }
  const auto text = KETAPATH_TRY(core::read_secret_file(key, "clinic key file"));
  return core::write_private_file(to, text + "\n");
}

void print_copy(const GlobalOptions& global, std::string_view what, const store::VerifiedCopy& copy,
                std::string_view key_note) {
  const auto anchor = clinic::anchor_text(copy.verification);
  if (global.json) {
    print_json({{"file", copy.file.string()},
                {"entries", copy.verification.entries},
                {"rows_checked", copy.verification.rows_checked},
                {"anchor", anchor}});
    return;
  }
  fmt::print("{} {}: audit log intact, {} entries, {} clinical rows checked against it\n", what,
             copy.file.string(), copy.verification.entries, copy.verification.rows_checked);
  fmt::print("anchor {}\n{}\n", anchor, key_note);
}

void add_backup(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                const std::shared_ptr<BackupOptions>& o, Runners& runners) {
  CLI::App* backup = clinic.add_subcommand(
      "backup", "Copy the SQLite database online, verify the copy, print its anchor (admin)");
  backup->fallthrough();
  backup->add_option("--to", o->to, "The backup file to create (0600; never overwritten)")
      ->required();
  backup->add_option("--key-to", o->key_to,
                     "Also copy the clinic key here (0600); keep it on other media than the "
                     "backup: whoever holds both can rewrite the record");
  runners.emplace_back(backup, [global, o] {
    return run([&]() -> core::Status {
      auto c = KETAPATH_TRY(open_clinic(*global));
      KETAPATH_TRY(c.service->authorize(clinic::Permission::Configure));
      const auto copy = KETAPATH_TRY(store::backup_database(*c.store, o->to));
      // Recorded in the clinic's log after the copy verified; no untraced copy is kept.
      if (auto recorded = c.service->record_backup(o->to, clinic::anchor_text(copy.verification));
          !recorded) {
        std::error_code ignored;
        std::filesystem::remove(o->to, ignored);
        return recorded;
      }
      if (!o->key_to.empty()) {
        KETAPATH_TRY(copy_key(c.store->key_file(), o->key_to));
      }
      print_copy(
          *global, "backup", copy,
          o->key_to.empty()
              ? fmt::format("keep the anchor apart from the backup; the backup holds no key: "
                            "restoring needs {} (copy it with --key-to)",
                            c.store->key_file().string())
              : fmt::format("key copied to {}; keep it and the anchor apart from the backup",
                            o->key_to));
      return {};
    });
  });
}

void add_restore(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                 const std::shared_ptr<BackupOptions>& o, Runners& runners) {
  CLI::App* restore = clinic.add_subcommand(
      "restore", "Restore a backup into a new database, verified against its anchor (admin)");
  restore->fallthrough();
  restore->add_option("--from", o->from, "The backup file")->required();
  restore->add_option("--anchor", o->anchor, "SEQUENCE:HASH printed when the backup was made")
      ->required();
  restore->add_option("--to", o->to, "The new database file (its key goes to FILE.key)")
      ->required();
  runners.emplace_back(restore, [global, o] {
    return run([&]() -> core::Status {
      if (global->key_file.empty()) {
        return core::fail(core::ErrorCode::InvalidArgument,
                          "restore: give --key-file, the clinic key the backup was made under");
      }
      const auto anchor = KETAPATH_TRY(clinic::parse_audit_anchor(o->anchor));
      const auto copy = KETAPATH_TRY(store::restore_database(
          {.backup = o->from, .key_file = global->key_file, .anchor = anchor, .destination = o->to},
          [&](store::Database& db) -> core::Status {
            clinic::ClinicService service(db, acting_user(*global));
            return service.record_restore(o->from, o->anchor);
          }));
      print_copy(*global, "restored", copy,
                 fmt::format("use it with --db sqlite:{} (key {}.key)", o->to, o->to));
      return {};
    });
  });
}

}  // namespace

void add_backup_commands(CLI::App& clinic, const std::shared_ptr<GlobalOptions>& global,
                         Runners& runners) {
  auto o = std::make_shared<BackupOptions>();
  add_backup(clinic, global, o, runners);
  add_restore(clinic, global, o, runners);
}

}  // namespace ketapath::cli::clinic_cli
