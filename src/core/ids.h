#pragma once
// Distinct id types: a PatientId can never be passed where a CourseId belongs.

#include <compare>
#include <cstdint>
#include <functional>

namespace ketapath::core {

template <class Tag, class Rep = std::int64_t>
class StrongId {
 public:
  constexpr StrongId() = default;

  constexpr explicit StrongId(Rep value) : value_(value) {}

  [[nodiscard]] constexpr Rep value() const { return value_; }

  constexpr auto operator<=>(const StrongId&) const = default;

 private:
  Rep value_{};
};

}  // namespace ketapath::core

template <class Tag, class Rep>
struct std::hash<ketapath::core::StrongId<Tag, Rep>> {
  std::size_t operator()(const ketapath::core::StrongId<Tag, Rep>& id) const noexcept {
    return std::hash<Rep>{}(id.value());
  }
};
