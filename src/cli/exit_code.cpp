#include "cli/command.h"

namespace ketapath::cli {

int exit_code_for(core::ErrorCode code) {
  using core::ErrorCode;
  switch (code) {
    case ErrorCode::InvalidArgument:
    case ErrorCode::InvalidData:
      return kExitUsage;
    case ErrorCode::Validation:
    case ErrorCode::LimitExceeded:
    case ErrorCode::Unauthorized:
      return kExitRefused;
    case ErrorCode::NotFound:
      return kExitNotFound;
    case ErrorCode::Conflict:
      return kExitConflict;
    case ErrorCode::Storage:
    case ErrorCode::Integrity:
      return kExitStorage;
    case ErrorCode::Solver:
    case ErrorCode::Io:
    case ErrorCode::Internal:
      return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace ketapath::cli
