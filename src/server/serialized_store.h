#pragma once
// A ClinicStore that lets one transaction at a time through (the SQL stores keep one connection
// per process and refuse a second open transaction). The server's worker threads share one
// store through this; work between transactions (password hashing, JSON) runs in parallel.

#include <memory>
#include <mutex>

#include "clinic/service/ports.h"

namespace ketapath::server {

class SerializedStore final : public clinic::ClinicStore {
 public:
  explicit SerializedStore(clinic::ClinicStore& inner);
  ~SerializedStore() override;

  core::Result<int> initialize() override;
  core::Result<std::unique_ptr<clinic::Transaction>> begin() override;
  clinic::AuditLog& audit() override;

 private:
  class Audit;
  clinic::ClinicStore& inner_;
  std::recursive_mutex mutex_;
  std::unique_ptr<Audit> audit_;
};

}  // namespace ketapath::server
