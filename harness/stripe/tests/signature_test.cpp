#include <gtest/gtest.h>

#include <array>

#include "rsolv/stripe/signature.hpp"

namespace rsolv::stripe {
namespace {

// The known vector of docs/platform-contract.md#signatures, computed with Stripe's own Node library.
constexpr std::string_view kPayload =
    R"({"id":"evt_1","object":"event","type":"invoice.payment_succeeded","data":{"object":{"id":"in_1"}}})";
constexpr std::int64_t kTimestamp = 1700000000;
constexpr std::string_view kExpectedV1 = "db69618a986949b323416b57d0924a9aa087984ffe100403374d1956f1e38bb7";

const Secret kSecret{"whsec_test_secret"};

TEST(StripeSignature, MatchesTheKnownVectorFromStripesNodeLibrary) {
  EXPECT_EQ(compute_v1(kSecret, kTimestamp, kPayload), kExpectedV1);
  EXPECT_EQ(sign(kSecret, kTimestamp, kPayload), "t=1700000000,v1=" + std::string(kExpectedV1));
}

TEST(StripeSignature, VerifiesTheKnownVector) {
  const auto header = "t=1700000000,v1=" + std::string(kExpectedV1);
  const auto result = verify(header, kPayload, kSecret, kTimestamp + 10);
  EXPECT_TRUE(result.ok()) << result.reason;
}

TEST(StripeSignature, RotationSignsOnceWithEachSecretAndEitherVerifies) {
  const std::array<Secret, 2> secrets{Secret("whsec_old_secret"), Secret("whsec_new_secret")};
  const auto header = sign(secrets, kTimestamp, kPayload);
  EXPECT_EQ(header, "t=1700000000,v1=" + compute_v1(secrets[0], kTimestamp, kPayload) +
                        ",v1=" + compute_v1(secrets[1], kTimestamp, kPayload));
  EXPECT_TRUE(verify(header, kPayload, secrets[0], kTimestamp).ok());
  EXPECT_TRUE(verify(header, kPayload, secrets[1], kTimestamp).ok());
  EXPECT_EQ(verify(header, kPayload, Secret("whsec_other_secret"), kTimestamp).status,
            VerifyStatus::signature_mismatch);
}

TEST(StripeSignature, ReceiverWithTwoSecretsAcceptsASenderWithEither) {
  const std::array<Secret, 2> receiver{Secret("whsec_a_secret"), Secret("whsec_b_secret")};
  const auto header = sign(Secret("whsec_b_secret"), kTimestamp, kPayload);
  EXPECT_TRUE(verify(header, kPayload, receiver, kTimestamp).ok());
}

TEST(StripeSignature, PairOrderDoesNotMatter) {
  const auto header = "v1=" + std::string(kExpectedV1) + ",t=1700000000";
  EXPECT_TRUE(verify(header, kPayload, kSecret, kTimestamp).ok());
}

TEST(StripeSignature, UnknownSchemesAreIgnored) {
  const auto header = "t=1700000000,v2=whatever,v1=" + std::string(kExpectedV1) + ",scheme=x";
  EXPECT_TRUE(verify(header, kPayload, kSecret, kTimestamp).ok());
}

TEST(StripeSignature, UppercaseHexIsAccepted) {
  std::string upper(kExpectedV1);
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_TRUE(verify("t=1700000000,v1=" + upper, kPayload, kSecret, kTimestamp).ok());
}

TEST(StripeSignature, V0OnlyIsRefusedEvenWhenItHoldsTheRightHmac) {
  const auto header = "t=1700000000,v0=" + std::string(kExpectedV1);
  const auto result = verify(header, kPayload, kSecret, kTimestamp);
  EXPECT_EQ(result.status, VerifyStatus::no_v1_signature);
  EXPECT_NE(result.reason.find("v0"), std::string::npos);
}

TEST(StripeSignature, OneMatchingV1AmongWrongOnesIsAccepted) {
  const auto header = "t=1700000000,v1=" + std::string(64, 'a') + ",v1=" + std::string(kExpectedV1);
  EXPECT_TRUE(verify(header, kPayload, kSecret, kTimestamp).ok());
}

TEST(StripeSignature, ToleranceBoundaryInThePast) {
  const auto header = sign(kSecret, kTimestamp, kPayload);
  EXPECT_TRUE(verify(header, kPayload, kSecret, kTimestamp + 300).ok());
  const auto stale = verify(header, kPayload, kSecret, kTimestamp + 301);
  EXPECT_EQ(stale.status, VerifyStatus::timestamp_too_old);
  EXPECT_NE(stale.reason.find("301 s old"), std::string::npos) << stale.reason;
}

TEST(StripeSignature, ToleranceBoundaryInTheFuture) {
  const auto header = sign(kSecret, kTimestamp, kPayload);
  EXPECT_TRUE(verify(header, kPayload, kSecret, kTimestamp - 300).ok());
  EXPECT_EQ(verify(header, kPayload, kSecret, kTimestamp - 301).status, VerifyStatus::timestamp_in_future);
}

TEST(StripeSignature, CustomToleranceIsHonoured) {
  const auto header = sign(kSecret, kTimestamp, kPayload);
  EXPECT_EQ(verify(header, kPayload, kSecret, kTimestamp + 11, 10).status, VerifyStatus::timestamp_too_old);
  EXPECT_TRUE(verify(header, kPayload, kSecret, kTimestamp + 10, 10).ok());
}

TEST(StripeSignature, TamperedBodyIsRefused) {
  const auto header = sign(kSecret, kTimestamp, kPayload);
  std::string tampered(kPayload);
  tampered.replace(tampered.find("in_1"), 4, "in_2");
  EXPECT_EQ(verify(header, tampered, kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
  // A single extra byte (whitespace re-serialisation) breaks it too: the signature is over raw bytes.
  EXPECT_EQ(verify(header, std::string(kPayload) + " ", kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignature, ChangedTimestampIsRefused) {
  const auto v1 = compute_v1(kSecret, kTimestamp, kPayload);
  EXPECT_EQ(verify("t=1700000001,v1=" + v1, kPayload, kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignature, WrongSecretIsRefused) {
  const auto header = sign(Secret("whsec_attacker_guess"), kTimestamp, kPayload);
  EXPECT_EQ(verify(header, kPayload, kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignature, ForgedStaleHeaderReportsMismatchNotAge) {
  // The signature is checked first, so a forger learns nothing about the tolerance window.
  const auto header = sign(Secret("whsec_attacker_guess"), kTimestamp - 10000, kPayload);
  EXPECT_EQ(verify(header, kPayload, kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignature, MissingAndMalformedHeadersAreRefusedWithAReason) {
  EXPECT_EQ(verify("", kPayload, kSecret, kTimestamp).status, VerifyStatus::missing_header);
  const auto malformed = verify("t=abc,v1=" + std::string(kExpectedV1), kPayload, kSecret, kTimestamp);
  EXPECT_EQ(malformed.status, VerifyStatus::malformed_header);
  EXPECT_NE(malformed.reason.find("timestamp"), std::string::npos) << malformed.reason;
}

TEST(StripeSignature, ReasonsNeverContainTheSecret) {
  const Secret secret("whsec_do_not_print_me_123");
  const std::vector<std::string> headers = {"", "garbage", "t=1700000000", "t=1700000000,v0=" + std::string(64, 'b'),
                                            sign(Secret("whsec_other"), kTimestamp, kPayload),
                                            sign(secret, kTimestamp - 1000, kPayload)};
  for (const auto& header : headers) {
    const auto result = verify(header, kPayload, secret, kTimestamp);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.reason.find("do_not_print_me"), std::string::npos) << result.reason;
  }
}

TEST(StripeSignature, StatusNamesAreStable) {
  EXPECT_EQ(to_string(VerifyStatus::ok), "ok");
  EXPECT_EQ(to_string(VerifyStatus::timestamp_too_old), "timestamp_too_old");
  EXPECT_EQ(to_string(VerifyStatus::signature_mismatch), "signature_mismatch");
}

}  // namespace
}  // namespace rsolv::stripe
