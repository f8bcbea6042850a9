#pragma once
// Streams population time courses to disk as the runner produces them (chunk by chunk, never the
// whole population in memory). One file per segment of kSegmentSize subjects, named by the
// segment's subjects, so the set of files and their bytes are the same on any thread or process
// count (each process writes the segments it computed):
//   CSV:  DIR/profiles/subjects_<first>-<last>.csv  with header subject,time_h,c_mg_l,nk_mg_l,
//         ce_mg_l,s (numbers in shortest round-trip form);
//   HDF5: DIR/profiles/subjects_<first>-<last>.h5 with datasets time_h [T] and c_mg_l, nk_mg_l,
//         ce_mg_l, s [subjects x T] (float64, chunked by 64 subjects, compressed with deflate 1),
//         and the attribute first_subject.
// Per-subject endpoints (process 0, subject order) go to DIR/endpoints.csv, and derived
// per-subject values (RunOptions::derived), when given column names, to DIR/<file> (e.g.
// clinical.csv: header subject,<names>; an undefined value (NaN) is an empty field).
// This is an I/O adapter: it lives in its own library (ketapath_population_output), so the batch
// engine itself never touches files.

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "population/batch_runner.h"

namespace ketapath::population {

enum class ProfileFormat : std::uint8_t { Csv, Hdf5 };

/// Where derived per-subject values go: DIR/<file>, one column per name.
struct DerivedFile {
  std::string file;  ///< "clinical.csv"
  std::vector<std::string> columns;
};

/// The subjects' own IDs (from a subjects file), by subject index; nullptr: subjects are named
/// by their index in a column "subject", else by their ID in a column "ID" (CSV files; HDF5
/// profiles stay indexed by subject, with first_subject).
using SubjectIds = std::shared_ptr<const std::vector<std::int64_t>>;

/// A sink writing endpoints.csv (on process 0) and, when `profiles` is set, the profile files.
/// create() makes DIR and DIR/profiles (Io error naming the path if it cannot).
class FileSink final : public BatchSink {
 public:
  static core::Result<std::unique_ptr<FileSink>> create(const std::filesystem::path& dir,
                                                        std::vector<double> times_h,
                                                        bool write_endpoints,
                                                        std::optional<ProfileFormat> profiles,
                                                        std::optional<DerivedFile> derived = {},
                                                        SubjectIds ids = nullptr);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  core::Status endpoints(std::size_t first, std::size_t count, const double* values) override;
  /// Writes the rows to the DerivedFile (InvalidArgument if per_subject differs from its columns).
  core::Status derived(std::size_t first, std::size_t count, std::size_t per_subject,
                       const double* values) override;
  core::Status begin_segment(std::size_t segment, std::size_t first, std::size_t count) override;
  core::Status profiles(std::size_t first, std::size_t count, const double* values) override;
  core::Status end_segment(std::size_t segment) override;
  /// Flushes and closes files; Io error if a write failed.
  core::Status close();

 private:
  FileSink() = default;
  struct Hdf5Segment;
  std::filesystem::path dir_;
  std::vector<double> times_;
  std::optional<ProfileFormat> format_;
  std::FILE* endpoints_ = nullptr;
  std::FILE* derived_ = nullptr;
  std::optional<DerivedFile> derived_file_;
  std::FILE* segment_csv_ = nullptr;
  std::filesystem::path segment_path_;
  std::unique_ptr<Hdf5Segment> hdf5_;
  std::size_t segment_first_ = 0;
  std::string buffer_;
  SubjectIds ids_;

  /// What names subject i in the files: its ID, or its index.
  [[nodiscard]] std::int64_t label(std::size_t i) const {
    return ids_ ? (*ids_)[i] : static_cast<std::int64_t>(i);
  }

  [[nodiscard]] const char* label_column() const { return ids_ ? "ID" : "subject"; }
};

}  // namespace ketapath::population
