#pragma once
// Shared by the harnesses that run use cases against an in-memory clinic (clinic_fhir_import,
// server_bodies); fuzz_support.h stays clinic-free for the parser harnesses. The clock is fixed,
// so a replayed input does exactly what it did when it was found.

#include <chrono>
#include <initializer_list>
#include <memory>

#include "clinic/service/service.h"
#include "store/memory/memory_store.h"

namespace ketapath::fuzz {

/// The harnesses' clock: 2026-11-20 12:00 UTC.
inline clinic::Timestamp fixed_now() {
  return clinic::Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 11 / 20)) +
         std::chrono::hours(12);
}

/// An initialized in-memory clinic at the fixed clock, acting as "fuzz.user" holding `roles`.
struct ClinicWorld {
  clinic::MemoryStore store;
  clinic::ClinicService clinic{store, "fuzz.user", fixed_now};

  explicit ClinicWorld(std::initializer_list<clinic::Role> roles) {
    (void)clinic.initialize();
    (void)clinic.add_user("fuzz.user", roles);
  }
};

/// The harness's world (a ClinicWorld or a type built on one), replaced by a fresh one every 2000
/// runs: what the inputs add stays small, so each run stays cheap.
template <class World>
World& world() {
  static std::unique_ptr<World> w;
  static int runs = 0;
  if (!w || ++runs > 2000) {
    w = std::make_unique<World>();
    runs = 0;
  }
  return *w;
}

}  // namespace ketapath::fuzz
