#include "population/profile_writer.h"

#include <array>
#include <cmath>
#include <iterator>
#include <system_error>

#include <fmt/format.h>
#include <hdf5.h>

#include "population/batch_kernel.h"

namespace ketapath::population {

namespace {

std::string segment_name(std::size_t first, std::size_t count, const char* extension) {
  return fmt::format("subjects_{:09}-{:09}.{}", first, first + count - 1, extension);
}

core::Status io_error(const std::filesystem::path& path, const char* what) {
  return core::fail(core::ErrorCode::Io, "{}: cannot {}", path.string(), what);
}

}  // namespace

// One open HDF5 segment file with its four datasets.
struct FileSink::Hdf5Segment {
  hid_t file = H5I_INVALID_HID;
  std::array<hid_t, kProfileVariables> datasets{H5I_INVALID_HID, H5I_INVALID_HID, H5I_INVALID_HID,
                                                H5I_INVALID_HID};
  std::vector<double> scratch;

  ~Hdf5Segment() {
    for (hid_t d : datasets) {
      if (d != H5I_INVALID_HID) {
        H5Dclose(d);
      }
    }
    if (file != H5I_INVALID_HID) {
      H5Fclose(file);
    }
  }
};

core::Result<std::unique_ptr<FileSink>> FileSink::create(
    const std::filesystem::path& dir, std::vector<double> times_h, bool write_endpoints,
    std::optional<ProfileFormat> profiles, std::optional<DerivedFile> derived, SubjectIds ids) {
  std::error_code ec;
  std::filesystem::create_directories(profiles ? dir / "profiles" : dir, ec);
  if (ec) {
    return core::fail(core::ErrorCode::Io, "{}: cannot create directory ({})", dir.string(),
                      ec.message());
  }
  std::unique_ptr<FileSink> sink(new FileSink());
  sink->dir_ = dir;
  sink->times_ = std::move(times_h);
  sink->format_ = profiles;
  sink->ids_ = std::move(ids);
  if (write_endpoints) {
    const auto path = dir / "endpoints.csv";
    sink->endpoints_ = std::fopen(path.c_str(), "w");
    if (sink->endpoints_ == nullptr) {
      return std::unexpected(io_error(path, "open for writing").error());
    }
    std::string header = sink->label_column();
    for (const char* name : kEndpointNames) {
      header += fmt::format(",{}", name);
    }
    header += "\n";
    std::fputs(header.c_str(), sink->endpoints_);
  }
  if (write_endpoints && derived) {
    const auto path = dir / derived->file;
    sink->derived_ = std::fopen(path.c_str(), "w");
    if (sink->derived_ == nullptr) {
      return std::unexpected(io_error(path, "open for writing").error());
    }
    std::string header = sink->label_column();
    for (const std::string& name : derived->columns) {
      header += fmt::format(",{}", name);
    }
    header += "\n";
    std::fputs(header.c_str(), sink->derived_);
    sink->derived_file_ = std::move(derived);
  }
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors come back as values, not printed
  return sink;
}

FileSink::~FileSink() {
  (void)close();
}

core::Status FileSink::close() {
  bool ok = true;
  if (endpoints_ != nullptr) {
    ok = std::fclose(endpoints_) == 0 && ok;
    endpoints_ = nullptr;
  }
  if (derived_ != nullptr) {
    ok = std::fclose(derived_) == 0 && ok;
    derived_ = nullptr;
  }
  if (segment_csv_ != nullptr) {
    ok = std::fclose(segment_csv_) == 0 && ok;
    segment_csv_ = nullptr;
  }
  hdf5_.reset();
  if (!ok) {
    return io_error(dir_, "write the population output");
  }
  return {};
}

core::Status FileSink::endpoints(std::size_t first, std::size_t count, const double* values) {
  if (endpoints_ == nullptr) {
    return {};
  }
  buffer_.clear();
  for (std::size_t i = 0; i < count; ++i) {
    fmt::format_to(std::back_inserter(buffer_), "{}", label(first + i));
    for (std::size_t e = 0; e < kEndpointCount; ++e) {
      fmt::format_to(std::back_inserter(buffer_), ",{}", values[i * kEndpointCount + e]);
    }
    buffer_ += '\n';
  }
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), endpoints_) != buffer_.size()) {
    return io_error(dir_ / "endpoints.csv", "write");
  }
  return {};
}

core::Status FileSink::derived(std::size_t first, std::size_t count, std::size_t per_subject,
                               const double* values) {
  if (derived_ == nullptr) {
    return {};
  }
  if (per_subject != derived_file_->columns.size()) {
    return core::fail(core::ErrorCode::InvalidArgument, "{}: {} values per subject for {} columns",
                      derived_file_->file, per_subject, derived_file_->columns.size());
  }
  buffer_.clear();
  for (std::size_t i = 0; i < count; ++i) {
    fmt::format_to(std::back_inserter(buffer_), "{}", label(first + i));
    for (std::size_t v = 0; v < per_subject; ++v) {
      const double x = values[i * per_subject + v];
      if (std::isnan(x)) {
        buffer_ += ',';
      } else {
        fmt::format_to(std::back_inserter(buffer_), ",{}", x);
      }
    }
    buffer_ += '\n';
  }
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), derived_) != buffer_.size()) {
    return io_error(dir_ / derived_file_->file, "write");
  }
  return {};
}

core::Status FileSink::begin_segment(std::size_t /*segment*/, std::size_t first,
                                     std::size_t count) {
  if (!format_) {
    return {};
  }
  segment_first_ = first;
  if (*format_ == ProfileFormat::Csv) {
    segment_path_ = dir_ / "profiles" / segment_name(first, count, "csv");
    segment_csv_ = std::fopen(segment_path_.c_str(), "w");
    if (segment_csv_ == nullptr) {
      return io_error(segment_path_, "open for writing");
    }
    std::string header = std::string(label_column()) + ",time_h";
    for (const char* name : kProfileVariableNames) {
      header += fmt::format(",{}", name);
    }
    header += "\n";
    std::fputs(header.c_str(), segment_csv_);
    return {};
  }
  segment_path_ = dir_ / "profiles" / segment_name(first, count, "h5");
  hdf5_ = std::make_unique<Hdf5Segment>();
  hdf5_->file = H5Fcreate(segment_path_.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (hdf5_->file < 0) {
    return io_error(segment_path_, "create the HDF5 file");
  }
  const auto times = static_cast<hsize_t>(times_.size());
  {
    const hid_t space = H5Screate_simple(1, &times, nullptr);
    const hid_t d = H5Dcreate2(hdf5_->file, "time_h", H5T_IEEE_F64LE, space, H5P_DEFAULT,
                               H5P_DEFAULT, H5P_DEFAULT);
    const herr_t rc = H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, times_.data());
    H5Dclose(d);
    const std::uint64_t first_subject = first;
    const hid_t scalar = H5Screate(H5S_SCALAR);
    const hid_t attribute =
        H5Acreate2(hdf5_->file, "first_subject", H5T_STD_U64LE, scalar, H5P_DEFAULT, H5P_DEFAULT);
    const herr_t rc2 = H5Awrite(attribute, H5T_NATIVE_UINT64, &first_subject);
    H5Aclose(attribute);
    H5Sclose(scalar);
    H5Sclose(space);
    if (rc < 0 || rc2 < 0) {
      return io_error(segment_path_, "write time_h");
    }
  }
  const std::array<hsize_t, 2> dims{static_cast<hsize_t>(count), times};
  const std::array<hsize_t, 2> chunk{std::min<hsize_t>(kChunkSize, count), times};
  const hid_t space = H5Screate_simple(2, dims.data(), nullptr);
  const hid_t properties = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_chunk(properties, 2, chunk.data());
  H5Pset_deflate(properties, 1);
  for (std::size_t v = 0; v < kProfileVariables; ++v) {
    hdf5_->datasets[v] = H5Dcreate2(hdf5_->file, kProfileVariableNames[v], H5T_IEEE_F64LE, space,
                                    H5P_DEFAULT, properties, H5P_DEFAULT);
  }
  H5Pclose(properties);
  H5Sclose(space);
  for (hid_t d : hdf5_->datasets) {
    if (d < 0) {
      return io_error(segment_path_, "create the profile datasets");
    }
  }
  return {};
}

core::Status FileSink::profiles(std::size_t first, std::size_t count, const double* values) {
  if (!format_) {
    return {};
  }
  const std::size_t times = times_.size();
  if (*format_ == ProfileFormat::Csv) {
    buffer_.clear();
    for (std::size_t i = 0; i < count; ++i) {
      for (std::size_t k = 0; k < times; ++k) {
        const double* row = &values[(i * times + k) * kProfileVariables];
        fmt::format_to(std::back_inserter(buffer_), "{},{},{},{},{},{}\n", label(first + i),
                       times_[k], row[0], row[1], row[2], row[3]);
      }
    }
    if (std::fwrite(buffer_.data(), 1, buffer_.size(), segment_csv_) != buffer_.size()) {
      return io_error(segment_path_, "write");
    }
    return {};
  }
  auto& scratch = hdf5_->scratch;
  scratch.resize(count * times);
  const std::array<hsize_t, 2> start{static_cast<hsize_t>(first - segment_first_), 0};
  const std::array<hsize_t, 2> block{static_cast<hsize_t>(count), static_cast<hsize_t>(times)};
  const hid_t memory = H5Screate_simple(2, block.data(), nullptr);
  for (std::size_t v = 0; v < kProfileVariables; ++v) {
    for (std::size_t i = 0; i < count * times; ++i) {
      scratch[i] = values[i * kProfileVariables + v];
    }
    const hid_t file_space = H5Dget_space(hdf5_->datasets[v]);
    H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, block.data(), nullptr);
    const herr_t rc = H5Dwrite(hdf5_->datasets[v], H5T_NATIVE_DOUBLE, memory, file_space,
                               H5P_DEFAULT, scratch.data());
    H5Sclose(file_space);
    if (rc < 0) {
      H5Sclose(memory);
      return io_error(segment_path_, "write profiles");
    }
  }
  H5Sclose(memory);
  return {};
}

core::Status FileSink::end_segment(std::size_t /*segment*/) {
  if (segment_csv_ != nullptr) {
    const bool ok = std::fclose(segment_csv_) == 0;
    segment_csv_ = nullptr;
    if (!ok) {
      return io_error(segment_path_, "write");
    }
  }
  if (hdf5_) {
    const hid_t file = hdf5_->file;
    for (hid_t& d : hdf5_->datasets) {
      H5Dclose(d);
      d = H5I_INVALID_HID;
    }
    hdf5_->file = H5I_INVALID_HID;
    const bool ok = H5Fclose(file) >= 0;
    hdf5_.reset();
    if (!ok) {
      return io_error(segment_path_, "close");
    }
  }
  return {};
}

}  // namespace ketapath::population
