#include "pd/sex.h"

#include "core/name_table.h"

namespace ketapath::pd {
namespace {

constexpr core::NameTable<Sex, 3> kSexNames{
    {{Sex::Female, "F"}, {Sex::Male, "M"}, {Sex::Unspecified, "X"}}};

}  // namespace

std::string_view sex_name(Sex sex) {
  return core::name_of(kSexNames, sex);
}

core::Result<Sex> parse_sex(std::string_view text) {
  return core::value_of(kSexNames, text, "sex");
}

}  // namespace ketapath::pd
