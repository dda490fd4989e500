#include <gtest/gtest.h>

#include "rsolv/stripe/signature.hpp"

namespace rsolv::stripe {
namespace {

const std::string kHex(64, 'a');

TEST(SignatureHeaderParse, UppercaseHexIsNormalisedAndUnknownSchemesDropped) {
  const auto result = parse_signature_header("v2=anything,t=7,v1=" + std::string(64, 'F') + ",x=");
  ASSERT_TRUE(result.header) << result.error;
  EXPECT_EQ(result.header->timestamp, 7);
  ASSERT_EQ(result.header->v1.size(), 1u);
  EXPECT_EQ(result.header->v1[0], std::string(64, 'f'));
}

TEST(SignatureHeaderParse, ZeroAndLargestTimestampsAreAccepted) {
  EXPECT_EQ(parse_signature_header("t=0,v1=" + kHex).header->timestamp, 0);
  EXPECT_EQ(parse_signature_header("t=9223372036854775807,v1=" + kHex).header->timestamp, INT64_MAX);
}

TEST(SignatureHeaderParse, ParsesTimestampAndEverySignature) {
  const auto result = parse_signature_header("t=12,v1=" + kHex + ",v1=" + std::string(64, 'b') + ",v0=" + kHex);
  ASSERT_TRUE(result.header) << result.error;
  EXPECT_EQ(result.header->timestamp, 12);
  EXPECT_EQ(result.header->v1.size(), 2u);
  EXPECT_EQ(result.header->v0.size(), 1u);
}

struct Malformed {
  std::string header;
  std::string reason_contains;
};

class MalformedHeader : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedHeader, IsRejectedWithASpecificReason) {
  const auto& param = GetParam();
  const auto result = parse_signature_header(param.header);
  ASSERT_FALSE(result.header) << "accepted: " << param.header;
  EXPECT_NE(result.error.find(param.reason_contains), std::string::npos)
      << "header: " << param.header << "\nreason: " << result.error;
}

INSTANTIATE_TEST_SUITE_P(
    StripeSignature, MalformedHeader,
    ::testing::Values(Malformed{"", "empty"}, Malformed{"v1=" + kHex, "no timestamp"},
                      Malformed{"t=1,t=2,v1=" + kHex, "more than once"}, Malformed{"t=abc,v1=" + kHex, "decimal"},
                      Malformed{"t=-5,v1=" + kHex, "non-negative"}, Malformed{"t=+5,v1=" + kHex, "non-negative"},
                      Malformed{"t=12x,v1=" + kHex, "decimal"}, Malformed{"t=,v1=" + kHex, "empty"},
                      Malformed{"t=99999999999999999999,v1=" + kHex, "out of range"},
                      Malformed{"t=1,v1" + kHex, "no '='"}, Malformed{"t=1,,v1=" + kHex, "stray comma"},
                      Malformed{"t=1,v1=" + kHex + ",", "stray comma"}, Malformed{",t=1", "stray comma"},
                      Malformed{"t=1,v1=abc", "64 hex"}, Malformed{"t=1,v1=" + std::string(64, 'z'), "non-hex"},
                      Malformed{"t=1,v1=" + kHex + "a", "64 hex"}, Malformed{"t=1, v1=" + kHex, "whitespace"},
                      Malformed{"t=1,=" + kHex, "empty key"}, Malformed{"t=1,v0=short", "64 hex"},
                      Malformed{"t=1,v1=\t" + kHex, "whitespace"}, Malformed{"t=1,v1=" + kHex + "\r\n", "whitespace"},
                      Malformed{"t=1 ,v1=" + kHex, "whitespace"}, Malformed{"t=1,v1=" + kHex + ",v1=", "64 hex"},
                      Malformed{"t=1;v1=" + kHex, "decimal"}, Malformed{"t=0x10,v1=" + kHex, "decimal"}),
    [](const ::testing::TestParamInfo<Malformed>& info) { return "case" + std::to_string(info.index); });

}  // namespace
}  // namespace rsolv::stripe
