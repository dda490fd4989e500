// Edge cases of signing and verification beyond the contract's single vector (docs/platform-contract.md#signatures): raw bytes, rotation
// with more than two secrets, v0 next to v1, and what reasons may say.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "rsolv/stripe/signature.hpp"

namespace rsolv::stripe {
namespace {

using namespace std::string_literals;

constexpr std::string_view kPayload =
    R"({"id":"evt_1","object":"event","type":"invoice.payment_succeeded","data":{"object":{"id":"in_1"}}})";
constexpr std::int64_t kTimestamp = 1700000000;
const Secret kSecret{"whsec_test_secret"};

TEST(StripeSignatureEdge, Utf8PayloadMatchesStripesNodeLibrary) {
  // Computed with npm stripe 23.1.0: generateTestHeaderString({payload, secret: "whsec_test_secret",
  // timestamp: 1700000123}); the payload holds 2- and 3-byte UTF-8 sequences (123 bytes in all).
  const std::string payload =
      "{\"id\":\"evt_2\",\"object\":\"event\",\"type\":\"customer.created\",\"data\":{\"object\":{\"id\":\"cus_1\","
      "\"name\":\"Zo\xC3\xAB M\xC3\xBCller \xE2\x80\x93 \xE6\x9D\xB1\xE4\xBA\xAC\"}}}";
  ASSERT_EQ(payload.size(), 123u);
  EXPECT_EQ(sign(kSecret, 1700000123, payload),
            "t=1700000123,v1=64d5d87a69e0e1334d1d4ee04fbb13873064c35673f87882be28055f7bdbd71d");
}

TEST(StripeSignatureEdge, EmptyAndLongSecretsGiveStandardHmac) {
  // Python's hmac.new(key, b"1700000000." + payload, hashlib.sha256).hexdigest(): an empty key, and a
  // key longer than SHA-256's 64-byte block (which HMAC hashes first).
  EXPECT_EQ(compute_v1(Secret(""), kTimestamp, kPayload), "e469165e2b48c7286c029275a712d48ca29211959d77b2db36362e19abf2337d");
  EXPECT_EQ(compute_v1(Secret("whsec_" + std::string(200, 'k')), kTimestamp, kPayload),
            "74d90c39ab344f0a06089fdbf3d681898656c7f49b004684654f1d412225bd35");
}

TEST(StripeSignatureEdge, ConcurrentSignersAgree) {
  // The HMAC template is shared process-wide; threads signing at once must all get the right value.
  const auto expected = compute_v1(kSecret, kTimestamp, kPayload);
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (compute_v1(kSecret, kTimestamp, kPayload) != expected) ++wrong;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(StripeSignatureEdge, SignatureCoversBytesAfterAnEmbeddedNul) {
  const auto with_nul = "abc\0def"s;
  const auto header = sign(kSecret, kTimestamp, with_nul);
  EXPECT_TRUE(verify(header, with_nul, kSecret, kTimestamp).ok());
  EXPECT_EQ(verify(header, "abc"s, kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
  EXPECT_EQ(verify(header, "abc\0deg"s, kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignatureEdge, EmptyPayloadSignsAndVerifies) {
  const auto header = sign(kSecret, kTimestamp, "");
  EXPECT_TRUE(verify(header, "", kSecret, kTimestamp).ok());
  EXPECT_EQ(verify(header, " ", kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignatureEdge, ThreeSecretRotationEachReceiverAccepts) {
  const std::array<Secret, 3> secrets{Secret("whsec_one"), Secret("whsec_two"), Secret("whsec_three")};
  const auto header = sign(secrets, kTimestamp, kPayload);
  const auto parsed = parse_signature_header(header);
  ASSERT_TRUE(parsed.header) << parsed.error;
  EXPECT_EQ(parsed.header->v1.size(), 3u);
  for (const auto& secret : secrets) EXPECT_TRUE(verify(header, kPayload, secret, kTimestamp).ok());
}

TEST(StripeSignatureEdge, SignaturesDifferPerSecretAndPerTimestamp) {
  const auto a = compute_v1(Secret("whsec_a"), kTimestamp, kPayload);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
  EXPECT_NE(a, compute_v1(Secret("whsec_b"), kTimestamp, kPayload));
  EXPECT_NE(a, compute_v1(Secret("whsec_a"), kTimestamp + 1, kPayload));
}

TEST(StripeSignatureEdge, ReceiverWithNoSecretsRefusesEverything) {
  const auto header = sign(kSecret, kTimestamp, kPayload);
  EXPECT_EQ(verify(header, kPayload, std::span<const Secret>(), kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignatureEdge, ValidV1NextToAV0IsAccepted) {
  const auto header = sign(kSecret, kTimestamp, kPayload) + ",v0=" + std::string(64, 'c');
  EXPECT_TRUE(verify(header, kPayload, kSecret, kTimestamp).ok());
}

TEST(StripeSignatureEdge, CorrectV0DoesNotRescueAWrongV1) {
  const auto right = compute_v1(kSecret, kTimestamp, kPayload);
  const auto header = "t=1700000000,v1=" + std::string(64, '0') + ",v0=" + right;
  EXPECT_EQ(verify(header, kPayload, kSecret, kTimestamp).status, VerifyStatus::signature_mismatch);
}

TEST(StripeSignatureEdge, TimestampFarFromNowDoesNotOverflow) {
  const auto ancient = sign(kSecret, 0, kPayload);
  EXPECT_EQ(verify(ancient, kPayload, kSecret, kTimestamp).status, VerifyStatus::timestamp_too_old);
  const auto far_future = sign(kSecret, INT64_MAX, kPayload);
  EXPECT_EQ(verify(far_future, kPayload, kSecret, kTimestamp).status, VerifyStatus::timestamp_in_future);
}

TEST(StripeSignatureEdge, HeaderCarryingTheSecretItselfIsNotEchoed) {
  // A misconfigured sender that puts the secret where the signature belongs must not get it logged.
  const Secret secret("whsec_0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  const std::vector<std::string> headers = {"t=1700000000,v1=" + secret.reveal(), secret.reveal(),
                                            "t=" + secret.reveal(), "t=1700000000, v1=" + secret.reveal()};
  for (const auto& header : headers) {
    const auto result = verify(header, kPayload, secret, kTimestamp);
    EXPECT_FALSE(result.ok());
    EXPECT_EQ(result.reason.find("0123456789abcdef"), std::string::npos) << result.reason;
    EXPECT_EQ(result.reason.find('\n'), std::string::npos) << "reasons are one line";
  }
}

}  // namespace
}  // namespace rsolv::stripe
