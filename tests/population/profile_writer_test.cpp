// The file sink writes what the runner computed: endpoints.csv and the CSV and HDF5 time courses
// read back equal (bit for bit, shortest round-trip text) the profiles passed to the sink.

#include "population/profile_writer.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "population/benchmark_workload.h"

namespace ketapath::population {
namespace {

// Keeps a copy of the profiles while forwarding them to the file sink.
class TeeSink : public BatchSink {
 public:
  explicit TeeSink(FileSink& file) : file_(file) {}

  core::Status endpoints(std::size_t f, std::size_t c, const double* v) override {
    endpoints_.insert(endpoints_.end(), v, v + c * kEndpointCount);
    return file_.endpoints(f, c, v);
  }

  core::Status begin_segment(std::size_t s, std::size_t f, std::size_t c) override {
    return file_.begin_segment(s, f, c);
  }

  core::Status profiles(std::size_t f, std::size_t c, const double* v) override {
    profiles_.insert(profiles_.end(), v, v + c * times * kProfileVariables);
    return file_.profiles(f, c, v);
  }

  core::Status end_segment(std::size_t s) override { return file_.end_segment(s); }

  std::size_t times = 0;
  std::vector<double> endpoints_;
  std::vector<double> profiles_;

 private:
  FileSink& file_;
};

std::filesystem::path temp_dir(const char* name) {
  auto dir = std::filesystem::temp_directory_path() /
             (std::string("ketapath_population_") + name + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir;
}

struct Written {
  BatchSchedule schedule;
  std::vector<double> endpoints;
  std::vector<double> profiles;
};

Written write(const std::filesystem::path& dir, ProfileFormat format, std::size_t n) {
  BatchProtocol protocol = benchmark_protocol();
  protocol.doses.resize(1);
  protocol.output_times_h = hourly_times(48);
  Written w{build_schedule(protocol).value(), {}, {}};
  auto sink = FileSink::create(dir, protocol.output_times_h, true, format);
  EXPECT_TRUE(sink.has_value());
  TeeSink tee(**sink);
  tee.times = protocol.output_times_h.size();
  const SubjectSource source = [](std::size_t f, std::size_t c, BatchSubjects& o) -> core::Status {
    append_benchmark_subjects(f, c, 2, o);
    return {};
  };
  EXPECT_TRUE(
      run_population(w.schedule, source, {.subjects = n, .threads = 2, .profiles = true}, &tee)
          .has_value());
  EXPECT_TRUE((*sink)->close().has_value());
  w.endpoints = tee.endpoints_;
  w.profiles = tee.profiles_;
  return w;
}

TEST(ProfileWriterTest, CsvReadsBackExactly) {
  const auto dir = temp_dir("csv");
  const std::size_t n = 150;
  const Written w = write(dir, ProfileFormat::Csv, n);
  std::ifstream in(dir / "profiles" / "subjects_000000000-000000149.csv");
  ASSERT_TRUE(in.good());
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "subject,time_h,c_mg_l,nk_mg_l,ce_mg_l,s");
  std::size_t row = 0;
  while (std::getline(in, line)) {
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream fields(line);
    double subject, time, values[kProfileVariables];
    fields >> subject >> time >> values[0] >> values[1] >> values[2] >> values[3];
    for (std::size_t v = 0; v < kProfileVariables; ++v) {
      ASSERT_EQ(values[v], w.profiles[row * kProfileVariables + v]) << "row " << row;
    }
    ++row;
  }
  EXPECT_EQ(row, n * 49);
  std::ifstream endpoints(dir / "endpoints.csv");
  std::size_t lines = 0;
  while (std::getline(endpoints, line)) {
    ++lines;
  }
  EXPECT_EQ(lines, n + 1);
  std::filesystem::remove_all(dir);
}

TEST(ProfileWriterTest, Hdf5ReadsBackExactly) {
  const auto dir = temp_dir("h5");
  const std::size_t n = 100;
  const Written w = write(dir, ProfileFormat::Hdf5, n);
  const auto path = dir / "profiles" / "subjects_000000000-000000099.h5";
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  for (std::size_t v = 0; v < kProfileVariables; ++v) {
    const hid_t d = H5Dopen2(file, kProfileVariableNames[v], H5P_DEFAULT);
    ASSERT_GE(d, 0);
    std::vector<double> data(n * 49);
    ASSERT_GE(H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), 0);
    H5Dclose(d);
    for (std::size_t i = 0; i < n * 49; ++i) {
      ASSERT_EQ(data[i], w.profiles[i * kProfileVariables + v]) << kProfileVariableNames[v];
    }
  }
  H5Fclose(file);
  std::filesystem::remove_all(dir);
}

// Derived per-subject values: the runner hands them to the sink on process 0 in subject order;
// the file has the given columns, shortest round-trip numbers and empty fields for NaN.
TEST(ProfileWriterTest, DerivedValuesFileReadsBackExactly) {
  const auto dir = temp_dir("derived");
  BatchProtocol protocol = benchmark_protocol();
  protocol.doses.resize(1);
  protocol.output_times_h = hourly_times(24);
  const BatchSchedule schedule = build_schedule(protocol).value();
  auto sink = FileSink::create(dir, protocol.output_times_h, true, std::nullopt,
                               DerivedFile{"values.csv", {"s_last", "odd_or_nan"}});
  ASSERT_TRUE(sink.has_value());
  const SubjectSource source = [](std::size_t f, std::size_t c, BatchSubjects& o) -> core::Status {
    append_benchmark_subjects(f, c, 2, o);
    return {};
  };
  const std::size_t times = protocol.output_times_h.size();
  std::vector<double> expected;
  DerivedValues derived{
      .per_subject = 2,
      .compute = [times](std::size_t first, std::size_t lanes, const double* profiles,
                         double* out) -> core::Status {
        for (std::size_t l = 0; l < lanes; ++l) {
          out[2 * l] = profiles[((times - 1) * kProfileVariables + 3) * kLanes + l];
          out[2 * l + 1] = (first + l) % 2 == 1 ? 0.1 * static_cast<double>(first + l)
                                                : std::numeric_limits<double>::quiet_NaN();
        }
        return {};
      },
      .fold =
          [&expected](std::size_t, const double* v) {
            expected.insert(expected.end(), v, v + 2);
          }};
  const std::size_t n = 150;
  ASSERT_TRUE(run_population(schedule, source, {.subjects = n, .threads = 2, .derived = derived},
                             sink->get())
                  .has_value());
  ASSERT_TRUE((*sink)->close().has_value());
  std::ifstream in(dir / "values.csv");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "subject,s_last,odd_or_nan");
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(std::getline(in, line)) << "row " << i;
    std::stringstream row(line);
    std::string subject, s_last, odd;
    std::getline(row, subject, ',');
    std::getline(row, s_last, ',');
    std::getline(row, odd);
    EXPECT_EQ(subject, std::to_string(i));
    EXPECT_EQ(std::stod(s_last), expected[2 * i]);  // shortest round trip: exact
    if (i % 2 == 1) {
      EXPECT_EQ(std::stod(odd), expected[2 * i + 1]);
    } else {
      EXPECT_EQ(odd, "");
    }
  }
  EXPECT_FALSE(std::getline(in, line));
  std::filesystem::remove_all(dir);
}

TEST(ProfileWriterTest, UnwritableDirectoryIsAnIoError) {
  auto sink = FileSink::create("/proc/ketapath-cannot-write-here", {0.0}, true, ProfileFormat::Csv);
  ASSERT_FALSE(sink.has_value());
  EXPECT_EQ(sink.error().code, core::ErrorCode::Io);
}

}  // namespace
}  // namespace ketapath::population
